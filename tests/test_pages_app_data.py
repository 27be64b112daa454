"""The article a Next.js page holds only in its data script (pages.app_data)."""

from __future__ import annotations

import json

import pytest
from pagefixtures import FILLER, gold, read, texts

from digest.sources.pages import extract_page
from digest.sources.pages.app_data import app_data_paragraphs
from digest.sources.pages.extract import parse_html
from digest.sources.pages.second_opinion import APP_DATA

HEADLINE = "Night buses to run every fifteen minutes from June"


def shell(data: dict, head: str = "") -> str:
    """A Next.js page whose HTML is a loading shell and whose article is in ``data``."""
    script = json.dumps(data).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html><head><title>{HEADLINE} | Harbour City Times</title>
<meta property="og:title" content="{HEADLINE}"><meta property="og:type" content="article">
{head}</head><body><div id="__next"><main><h1>{HEADLINE}</h1><p>Loading…</p></main></div>
<script id="__NEXT_DATA__" type="application/json">{script}</script></body></html>"""


def article(blocks: list, **more: object) -> dict:
    return {"props": {"pageProps": {"post": {"title": HEADLINE, "content": blocks, **more}}}}


def test_a_nextjs_shell_page_is_read_from_its_page_data() -> None:
    # rich text as Contentful writes it (nodes holding "value" leaves, a "heading-2"), among
    # related articles, comments and the menu, all in the same JSON
    content = extract_page(read("nextjs_shell"))
    assert texts(content.paragraphs) == gold("nextjs_shell")
    assert content.paragraphs[2].kind == "heading"
    assert content.extraction.extractor == APP_DATA


def test_blocks_as_slate_or_plain_strings_are_read_too() -> None:
    slate = [{"type": "paragraph", "children": [{"text": text}]} for text in FILLER]
    assert texts(extract_page(shell(article(slate))).paragraphs) == FILLER
    assert texts(extract_page(shell(article(FILLER))).paragraphs) == FILLER


def test_a_body_of_html_in_the_data_is_read_as_text_only() -> None:
    body = (
        f"<p>{FILLER[0]}</p><script>alert(1)</script><p>{FILLER[1]}<img src=x onerror=alert(2)>"
        f"</p><p>{FILLER[2]}</p><p>{FILLER[3]}</p>"
    )
    got = texts(extract_page(shell(article(body))).paragraphs)  # type: ignore[arg-type]
    assert got == FILLER
    assert not any("alert" in text or "<" in text for text in got)


def test_markup_inside_a_block_is_text_never_markup() -> None:
    blocks = [*FILLER[:3], f"{FILLER[3]}<script>alert(1)</script>"]
    got = texts(extract_page(shell(article(blocks))).paragraphs)
    assert got == FILLER


def test_a_body_beside_another_headline_is_not_the_article() -> None:
    # the data of a page often carries whole other articles (related, next up): only the one
    # stated beside the page's own headline or description is its article
    data = {"props": {"pageProps": {"next": {"title": "Tram line delayed again", "body": FILLER}}}}
    assert texts(extract_page(shell(data)).paragraphs) == ["Loading…"]  # the page's own text


# Readers' comments, and a whole next article, kept in the article's own object: longer than
# the article, they were taken for it.
THREAD = [
    {
        "author": f"reader{n}",
        "text": f"I have waited forty minutes at the station more times "
        f"than I can count, and so has everyone on my street ({n}). This is long overdue. Thanks.",
    }
    for n in range(8)
]
NEXT_UP = [f"{text} The tram line is the next story." for text in FILLER * 2]


@pytest.mark.parametrize(
    "beside",
    [
        {"comments": THREAD},
        {"commentThread": {"items": THREAD}},
        {
            "relatedArticles": [
                {"title": "Tram line to the airport delayed again", "content": NEXT_UP}
            ]
        },
        {"nextArticle": {"title": "Tram line to the airport delayed again", "body": NEXT_UP}},
    ],
)
def test_comments_and_other_articles_beside_the_body_are_not_the_article(beside: dict) -> None:
    content = extract_page(shell(article(FILLER, **beside)))
    assert texts(content.paragraphs) == FILLER
    assert content.extraction.extractor == APP_DATA


@pytest.mark.parametrize(
    "paid",
    [
        {"isAccessibleForFree": False},
        {"isPremium": True},
        {"paywalled": True},
        # a flag as an object, or inside the article's settings
        {"paywall": {"enabled": True}},
        {"access": {"isPaywalled": True}},
        {"meta": {"premium": True}},
        # a paywall, or who may read the article, stated as a word
        {"paywall": "hard"},
        {"paywallType": "metered"},
        {"contentTier": "locked"},
        {"accessLevel": "premium"},
        {"visibility": "paid"},
        {"meta": {"access": "subscribers-only"}},
    ],
)
def test_a_body_the_data_says_is_paid_for_is_not_taken(paid: dict) -> None:
    # as for JSON-LD's articleBody: the text is there for subscribers' browsers to show
    content = extract_page(shell(article(FILLER, **paid)))
    assert texts(content.paragraphs) == ["Loading…"]
    assert content.extraction.extractor != APP_DATA


def test_a_paywall_switched_off_or_another_article_s_flag_does_not_stop_the_body() -> None:
    for beside in (
        {"paywall": {"enabled": False}},
        {"related": [{"title": "Tram line delayed", "isPremium": True}]},
        {"next": {"title": "Tram line delayed", "paywall": {"enabled": True}}},
        # stated as words that leave no reader out, or the message a site shows on every page
        {"paywall": "none", "accessLevel": "free", "visibility": "public"},
        {"contentTier": "Free", "premium": "false"},
        {"paywallText": "Subscribe to read every story for £1 a week"},
        {"accessibilityLabel": "Members' area and premium puzzles"},
    ):
        assert texts(extract_page(shell(article(FILLER, **beside))).paragraphs) == FILLER


def test_a_body_on_a_page_marked_paid_for_in_json_ld_is_not_taken() -> None:
    ld = json.dumps({"@type": "NewsArticle", "isAccessibleForFree": "False"})
    head = f'<script type="application/ld+json">{ld}</script>'
    assert texts(extract_page(shell(article(FILLER), head)).paragraphs) == ["Loading…"]


def test_short_lists_menus_and_broken_data_are_no_body() -> None:
    menu = [{"label": "News", "text": "News"}, {"label": "Sport", "text": "Sport"}]
    for data in (article(menu), article(FILLER[:1])):
        assert app_data_paragraphs(parse_html(shell(data)), [HEADLINE]) == []
    broken = shell(article(FILLER)).replace('{"props"', '{"props" [', 1)
    assert app_data_paragraphs(parse_html(broken), [HEADLINE]) == []
    # nested too deep for the JSON reader, or for the search: no error, no body
    for depth in (5000, 100):
        deep = (
            shell(article(FILLER))
            .replace('"content": [', '"content": ' + "[" * depth, 1)
            .replace("]}}}", "]" * depth + "}}}", 1)
        )
        assert app_data_paragraphs(parse_html(deep), [HEADLINE]) == []
