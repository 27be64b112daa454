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


# --- comment sections, galleries and heading permalinks --------------------------------------


def test_comment_section_named_in_german_is_not_the_article() -> None:
    # three comments of prose: the prose guard that keeps a misnamed article body kept them
    got = texts(extract_page(read("comments_german")).paragraphs)
    assert got == gold("comments_german")
    assert not any("Ferraris-Zähler" in p for p in got)


@pytest.mark.parametrize("name", ["kommentare", "comentarios", "reacties"])
def test_comment_sections_go_however_much_prose_they_hold(name: str) -> None:
    comments = "".join(f'<div class="comment-text"><p>{text}</p></div>' for text in FILLER[1:])
    tree = lxml.html.fromstring(
        f"<html><body><article><h1>Harbour repairs</h1><p>{FILLER[0]}</p></article>"
        f'<section id="{name}"><h3>3</h3>{comments}</section></body></html>'
    )
    strip_furniture(tree)
    text = tree.text_content()
    assert FILLER[0] in text
    assert not any(t in text for t in FILLER[1:])


def test_a_kommentar_column_and_a_section_holding_the_headline_are_kept() -> None:
    for block in (
        f'<article class="kommentar"><h1>Harbour repairs</h1>{FILLER_HTML}</article>',
        f'<div class="kommentare-open"><h1>Harbour repairs</h1>{FILLER_HTML}</div>',
    ):
        tree = lxml.html.fromstring(f"<html><body>{block}</body></html>")
        strip_furniture(tree)
        assert all(t in tree.text_content() for t in FILLER)


def test_gallery_captions_are_the_article() -> None:
    got = texts(extract_page(read("gallery_captions")).paragraphs)
    assert got == gold("gallery_captions")
    assert "Photograph: Ioana Dinu" not in got


def test_captions_beside_an_article_still_go_when_a_gallery_keeps_them() -> None:
    figures = "".join(
        f'<figure><img src="{n}.jpg"><div class="caption">Boats on the quay, picture {n}</div>'
        "</figure>"
        for n in range(3)
    )
    got = texts(extract_page(page(figures + FILLER_HTML)).paragraphs)
    assert got == FILLER


_FIRST = FILLER_HTML[: FILLER_HTML.index("</p>") + 4]
_REST = FILLER_HTML[len(_FIRST) :]


@pytest.mark.parametrize(
    "heading",
    [
        '<h2 id="a">From source<a class="headerlink" href="#a" title="Link">&para;</a></h2>',
        '<h2 id="a">From source <a class="heading-link" href="#a">#</a></h2>',
        '<h2 id="a"><a href="#a">§</a> From source</h2>',
    ],
)
def test_heading_permalinks_do_not_end_the_heading(heading: str) -> None:
    got = extract_page(page(_FIRST + heading + _REST)).paragraphs
    assert Paragraph("From source", "heading") in got


def test_a_heading_that_is_a_link_keeps_its_text() -> None:
    heading = '<h2 id="a"><a href="#a">From source</a></h2>'
    got = extract_page(page(_FIRST + heading + _REST)).paragraphs
    assert Paragraph("From source", "heading") in got


def test_docs_page_headings_lose_their_permalinks() -> None:
    got = extract_page(read("docs_permalinks")).paragraphs
    assert [p.text for p in got if p.kind == "heading"] == [
        "From PyPI",
        "From source",
        "Checking the installation",
    ]


# --- paywalls ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ['class="paywall"', 'id="regwall-offer"', 'class="PaywallOffer"'])
def test_a_paywall_offer_under_a_teaser_is_not_the_article(name: str) -> None:
    # the offer is written as prose, so neither trafilatura nor the cleaning rules dropped it
    offer = (
        f"<div {name}><h2>This article is for subscribers only</h2><p>Subscribe today for "
        "unlimited access to award-winning journalism, the daily puzzles and our app. Cancel "
        "anytime.</p><ul><li>Unlimited articles on any device</li><li>Ad-free reading</li></ul>"
        '<a href="/subscribe">Subscribe for one pound a week</a></div>'
    )
    teaser = "".join(f"<p>{text}</p>" for text in FILLER[:3])
    assert texts(extract_page(page(teaser + offer)).paragraphs) == FILLER[:3]


# --- the standfirst ------------------------------------------------------------------------------

DEK = "Crews landed their catch at a neighbouring port all winter, at a cost of an hour a trip."


def with_standfirst(standfirst: str, *, head: str = "", body: str = FILLER_HTML) -> str:
    """The article page with ``standfirst`` between its headline and its body's container,
    named so that trafilatura reads the whole ``<article>``, as on many news sites."""
    html = page(body, head=head)
    return html.replace('<div class="article-body">', f'{standfirst}<div class="story__text">')


@pytest.mark.parametrize(
    ("standfirst", "head"),
    [
        # unnamed, but it repeats what the page says of itself (as news sites' deks do)
        (f"<p>{DEK}</p>", f'<meta name="description" content="{DEK}">'),
        (f"<p>{DEK}</p>", f'<meta property="og:description" content="  {DEK}">'),
        (
            f"<p>{DEK}</p>",
            f'<script type="application/ld+json">{{"@type": "NewsArticle", "description": '
            f'"{DEK}"}}</script>',
        ),
        # named a standfirst, though the page has no description (Substack's subtitle, a dek)
        (f'<h3 class="subtitle">{DEK}</h3>', ""),
        (f'<p class="story__standfirst">{DEK}</p>', ""),
        (f'<div class="c-dek"><p>{DEK}</p></div>', '<meta name="description" content="Other.">'),
    ],
)
def test_the_standfirst_under_the_headline_goes(standfirst: str, head: str) -> None:
    # the page's summary of the article, not its text: the gold leaves it out
    assert texts(extract_page(with_standfirst(standfirst, head=head)).paragraphs) == FILLER


def test_a_block_under_the_headline_that_is_neither_named_nor_described_stays() -> None:
    # a lead paragraph set apart, or an intro the page does not give as its summary
    html = with_standfirst(f"<p>{DEK}</p>", head='<meta name="description" content="Other.">')
    assert texts(extract_page(html).paragraphs) == [DEK, *FILLER]


def test_a_first_paragraph_the_description_repeats_stays_among_the_others() -> None:
    # a blog's description is often its first paragraph (Jekyll's excerpt): that paragraph
    # goes on among the others beside the headline, and is the article's
    first = f'<meta name="description" content="{FILLER[0]}">'
    html = page("", head=first).replace(
        '<div class="article-body"></div>', FILLER_HTML + '<div class="share">Share</div>'
    )
    assert f"<h1>Harbour repairs begin after winter storms</h1>{FILLER_HTML}" in html
    assert texts(extract_page(html).paragraphs) == FILLER


def test_a_subtitle_among_the_paragraphs_is_a_heading_of_the_article() -> None:
    body = f'{FILLER_HTML}<h3 class="subtitle">What happens next</h3><p>{FILLER[0]} Again.</p>'
    content = extract_page(page(body))
    assert content.paragraphs[len(FILLER)] == Paragraph("What happens next", "heading")


LEAD = (
    "The harbour wall will be closed to walkers from Monday while crews rebuild the two "
    "sections the winter storms tore open."
)
DESCRIBED = f'<meta name="description" content="{LEAD}">'


def test_a_lead_in_a_container_of_its_own_that_the_description_repeats_stays() -> None:
    # news sites set the lead apart in a block of its own and copy it into the page's
    # description: written as a paragraph of the article, it is the article's first
    html = with_standfirst(f'<div class="article__lead"><p>{LEAD}</p></div>', head=DESCRIBED)
    assert texts(extract_page(html).paragraphs) == [LEAD, *FILLER]


def test_a_lead_among_text_blocks_alike_that_the_description_repeats_stays() -> None:
    # BBC-style markup: each paragraph in a text block of its own, the first the description
    blocks = "".join(
        f'<div data-component="text-block" class="sc-18fde0d6-0"><p>{text}</p></div>'
        for text in [LEAD, *FILLER]
    )
    html = page("", head=DESCRIBED).replace('<div class="article-body"></div>', blocks)
    assert f"</h1>{blocks}" in html
    assert texts(extract_page(html).paragraphs) == [LEAD, *FILLER]


@pytest.mark.parametrize(
    "after",
    [
        # a consent banner, a newsletter box and the publisher's footer, each with a long
        # paragraph: none of them is prose the brief stands above
        '<div id="didomi-host" class="didomi-consent-popup"><p>With your agreement, we and our '
        "partners use cookies or similar technologies to store and access personal information "
        "such as your visit to this site. You can withdraw your consent at any time.</p>"
        "<button>Accept</button></div>",
        '<div class="box-newsletter"><h2>Harbour mornings</h2><p>Sign up to our morning '
        "newsletter: every weekday at seven, the news of the harbour towns, the tides and the "
        "weather, chosen for you by our newsroom.</p><form><input><button>Sign up</button>"
        "</form></div>",
        "<footer><p>The Harbour Courier is published by Coastal Media Ltd, 12 Quay Street, "
        "Port Dunmore. Registered in England and Wales, company number 01234567.</p></footer>",
    ],
)
def test_a_brief_is_not_the_standfirst_of_the_furniture_after_it(after: str) -> None:
    # a one-paragraph story that is its own description, under the headline: it was taken
    # for the standfirst above whatever long paragraph came next, and the page lost its text
    brief = f"{LEAD} A diversion along Quay Street is signed, and the ferry still runs."
    # the rest of the page's text (its latest headlines), so the brief is not most of it
    others = "".join(
        f"<li>{headline}</li>"
        for headline in (
            "Ferry timetable changes for the winter months",
            "Lifeboat crew called out twice in one night",
            "Fish market to open on Sundays from March",
            "New parking charges on the seafront approved",
        )
    )
    html = (
        page(f"<p>{brief}</p>", head=DESCRIBED.replace(LEAD, brief))
        .replace('<div class="article-body">', "")
        .replace("</div></article>", "</article>")
        .replace("</main>", f'<ul class="latest">{others}</ul>{after}</main>')
    )
    assert f"</h1><p>{brief}</p></article>" in html
    assert texts(extract_page(html).paragraphs) == [brief]


def test_an_affiliate_disclosure_above_the_review_goes() -> None:
    # named so above the article's body, not one of its paragraphs
    disclosure = (
        '<p class="disclosure">When you purchase through links on our site, we may earn an '
        "affiliate commission. Here's how it works.</p>"
    )
    html = page(FILLER_HTML).replace(
        '<div class="article-body">', disclosure + '<div class="article-body">'
    )
    assert texts(extract_page(html).paragraphs) == FILLER


@pytest.mark.parametrize("wrap", ["<p>{}</p>", '<div class="story-text"><p>{}</p></div>'])
def test_a_one_paragraph_story_that_is_its_own_description_is_read(wrap: str) -> None:
    # a news brief: its one paragraph is its description, and nothing follows but furniture
    brief = f"{LEAD} A diversion along Quay Street is signed, and the ferry still runs."
    body = wrap.format(brief)
    html = (
        page(
            f'{body}<div class="story-meta">Posted 7:45</div>', head=DESCRIBED.replace(LEAD, brief)
        )
        .replace('<div class="article-body">', "")
        .replace("</div></article>", "</article>")
    )
    assert f"</h1>{body}" in html
    assert texts(extract_page(html).paragraphs) == [brief]
