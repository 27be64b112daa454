"""Page furniture stripped from the DOM before trafilatura reads the page
(digest.sources.pages.furniture): captions, share and related blocks, hidden link text."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from pagefixtures import FILLER, FILLER_HTML, UTC, gold, page, read, texts

from digest.model import Paragraph
from digest.sources.pages import extract_page
from digest.sources.pages.furniture import strip_furniture


def test_hashed_class_names_still_lose_their_furniture() -> None:
    content = extract_page(read("hashed_classes"))
    assert content.author == "Tom Ruiz"
    assert content.published == dt.datetime(2024, 1, 16, 6, 0, 12, tzinfo=UTC)
    body = "\n".join(texts(content.paragraphs))
    for absent in (
        "Photograph: Luis Acosta",
        "Agua Clara locks",  # caption
        "Read more",
        "Panama Canal restrictions leave ships waiting",  # inline related link
        "Down to Earth",
        "after newsletter promotion",
        "Explore more on these topics",
        "Shipping industry",
        "Share on",
        "Reuse this content",
        "More on this story",
    ):
        assert absent not in body


def test_link_popups_do_not_merge_into_sentences() -> None:
    got = texts(extract_page(read("link_popups")).paragraphs)
    assert got[1] == (
        "The governor, Elena Marsh, told a press conference that the labour market remained "
        '"remarkably resilient" and that wage growth was still running ahead of what would be '
        "consistent with stable prices."
    )
    assert got[3] == (
        "Shares in the country's largest lender, National Commercial Bank, rose after the "
        "announcement, while the currency weakened slightly against the dollar and the euro."
    )
    body = "\n".join(got)
    for absent in (
        "Governor of the central bank since 2021",  # role="tooltip"
        "(opens in a new tab)",  # screen-reader note
        "NCB 412.50p",  # hidden popover
        "founded 1872",  # aria-hidden hover card
        "an industry data provider",  # tooltip class on an abbr
        "Markets data",
    ):
        assert absent not in body
    assert "the FIS, which tracks" in body


def test_wordpress_post_loses_share_related_tags_and_comments() -> None:
    content = extract_page(read("wordpress_blog"))
    assert content.author == "Margaret Hale"
    assert content.url == "https://smalltownnotes.example/2024/04/02/card-catalogue/"
    body = "\n".join(texts(content.paragraphs))
    for absent in (
        "Share this",
        "The bookmobile is back",
        "Posted in",
        "Tagged",
        "libraries",
        "Wonderful. I remember",
        "Leave a Reply",
        "Previous post",
        "Skip to content",
    ):
        assert absent not in body


def test_syndicated_page_loses_recirculation_promo_and_reprint_note() -> None:
    body = "\n".join(texts(extract_page(read("syndicated")).paragraphs))
    for absent in (
        "Read next",
        "Paper wasps",
        "non-profit newsroom",
        "Make a donation",
        "republished",
        "Topics:",
        "science newsletter",
    ):
        assert absent not in body


def test_hints_in_the_article_containers_own_names_do_not_remove_it() -> None:
    got = texts(extract_page(read("misleading_names")).paragraphs)
    assert got == gold("misleading_names")
    assert (
        Paragraph("By the numbers", "heading") in extract_page(read("misleading_names")).paragraphs
    )


def test_figcaption_and_hidden_text_are_removed_but_the_sentence_survives() -> None:
    body = (
        '<figure><img src="a.jpg"><figcaption>The wall in January</figcaption></figure>'
        '<p>The contract went to <a href="/c">Coastline Civil<span class="hovercard">Coastline '
        'Civil Ltd, engineering firm, 240 staff</span></a>, which built the <a href="/m">marina'
        '<span class="visually-hidden"> (link)</span></a> in 2019 and the lifeboat station the '
        "year before.</p>" + FILLER_HTML
    )
    got = texts(extract_page(page(body)).paragraphs)
    assert got[0] == (
        "The contract went to Coastline Civil, which built the marina in 2019 and the lifeboat "
        "station the year before."
    )
    assert "The wall in January" not in got


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        # one-word plugin names that feed HTML already knew
        ("div", 'id="jp-relatedposts"'),
        ("div", 'class="yarpp-thumbnails"'),
        ("div", 'class="printfriendly"'),
        ("div", 'class="socials"'),
        ("section", 'class="shareaholic-canvas"'),
    ],
)
def test_widget_names_shared_with_feed_html_are_furniture(tag: str, name: str) -> None:
    tree = lxml.html.fromstring(
        f"<html><body><article>{FILLER_HTML}</article>"
        f"<{tag} {name}><p>Harbour festival returns</p></{tag}></body></html>"
    )
    strip_furniture(tree)
    text = tree.text_content()
    assert "Harbour festival returns" not in text
    assert FILLER[0] in text
