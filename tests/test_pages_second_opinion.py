"""When a page is read twice, and whose reading is kept (pages.second_opinion)."""

from __future__ import annotations

import json

import pytest
from pagefixtures import FILLER, FILLER_HTML, page, read, texts

from digest.model import Paragraph
from digest.sources.pages import extract_page
from digest.sources.pages.extract import parse_html
from digest.sources.pages.second_opinion import (
    DECLARED,
    Extraction,
    choose,
    declared_paragraphs,
    doubt,
    page_prose_chars,
    readability_paragraphs,
)

NOTICE = (
    "Copyright 2024 Ledger Markets. All rights reserved. This article may not be reprinted or "
    "redistributed without the prior written permission of Ledger Markets."
)


def tree_of(body: str):
    tree = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert tree is not None
    return tree


def test_a_result_that_is_the_pages_prose_raises_no_doubt() -> None:
    tree = tree_of("".join(f"<p>{text}</p>" for text in FILLER))
    assert doubt([Paragraph(text) for text in FILLER], tree) is None


def test_an_empty_result_is_doubted() -> None:
    assert doubt([], tree_of("<p>x</p>")) == "it found no article text"


def test_a_result_that_is_mostly_a_notice_is_doubted() -> None:
    why = doubt([Paragraph("Shares rose."), Paragraph(NOTICE)], tree_of(f"<p>{NOTICE}</p>"))
    assert why is not None and why.startswith("its text was mostly a notice")


def test_prose_that_mentions_a_licence_once_is_not_a_notice() -> None:
    text = "The council will licence two more taxi ranks near the station from next spring. " * 3
    assert doubt([Paragraph(text)], tree_of(f"<p>{text}</p>")) is None


def test_a_result_tiny_against_the_pages_prose_is_doubted() -> None:
    story = "".join(f"<p>{text}</p>" for text in FILLER * 3)
    why = doubt([Paragraph(FILLER[0])], tree_of(story))
    assert why is not None and "characters of prose" in why


def test_page_prose_counts_running_text_not_links_or_scripts() -> None:
    tree = tree_of(
        "<nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
        f"<script>var x = '{'y' * 500}';</script><p>{FILLER[0]}</p>"
    )
    assert page_prose_chars(tree) == len(FILLER[0])


def test_readability_reads_the_article_of_a_page() -> None:
    tree = parse_html(read("reprint_notice").decode())
    assert tree is not None
    paragraphs = readability_paragraphs(tree, None)
    assert paragraphs[0].text.startswith("Harbor Trust, the largest regional lender")


def test_the_second_result_is_kept_only_with_clearly_more_article_text() -> None:
    main = [Paragraph(FILLER[0]), Paragraph(NOTICE)]
    longer = [Paragraph(text) for text in FILLER]
    kept, extraction = choose(main, longer, "why")
    assert kept == longer
    assert extraction.extractor == "readability"
    assert str(extraction).startswith("readability: trafilatura's result was implausible: why;")

    slightly_longer = [Paragraph(FILLER[0]), Paragraph(FILLER[1][:40])]
    kept, extraction = choose(main, slightly_longer, "why")
    assert kept == main
    assert extraction.extractor == "trafilatura" and "kept although why" in extraction.reason


def test_no_doubt_means_no_reason() -> None:
    assert str(Extraction()) == "trafilatura"


# --- the article body a page declares in its JSON-LD -------------------------------------------


def shell_page(article_body: str, html_body: str = "", **more: object) -> str:
    """A page that builds its text with JavaScript: its HTML holds a loading line, its JSON-LD
    the whole article."""
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour"}
    ld["articleBody"] = article_body
    ld.update(more)
    script = json.dumps(ld).replace("</", "<\\/")  # as sites write it: no "</script>" inside
    return f"""<!DOCTYPE html><html><head><title>Harbour repairs begin</title>
<meta property="og:type" content="article">
<script type="application/ld+json">{script}</script></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"><header><a href="/">Harbour News</a></header>{html_body}</div></body></html>"""


def test_a_page_built_by_javascript_is_read_from_its_declared_article_body() -> None:
    content = extract_page(shell_page("\n\n".join(FILLER)))
    assert texts(content.paragraphs) == FILLER
    assert content.extraction.extractor == DECLARED
    assert "declared with" in content.extraction.reason


@pytest.mark.parametrize("paid", [False, "False", "false", "https://schema.org/False"])
def test_a_declared_body_behind_a_paywall_is_not_taken(paid: object) -> None:
    # "isAccessibleForFree": false marks text put there for search engines: a reader's tool
    # must not take it past the paywall; the page's own (short) text stands, or none
    html = shell_page(
        "\n\n".join(FILLER), f"<article><p>{FILLER[0]}</p></article>", isAccessibleForFree=paid
    )
    content = extract_page(html)
    assert texts(content.paragraphs) == FILLER[:1]
    assert content.extraction.extractor != DECLARED


@pytest.mark.parametrize(
    "marked",
    [
        {"hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False}},
        {"hasPart": [{"@type": "WebPageElement", "isAccessibleForFree": "False"}]},
    ],
)
def test_a_declared_body_whose_part_is_paid_for_is_not_taken(marked: dict) -> None:
    # Google's markup for paywalled content marks the paid part (hasPart), not the article
    html = shell_page("\n\n".join(FILLER), f"<article><p>{FILLER[0]}</p></article>", **marked)
    assert texts(extract_page(html).paragraphs) == FILLER[:1]


def test_a_declared_body_on_a_page_marked_paid_for_is_not_taken() -> None:
    page_ld = json.dumps({"@type": "WebPage", "isAccessibleForFree": False})
    html = shell_page("\n\n".join(FILLER), f"<article><p>{FILLER[0]}</p></article>").replace(
        "</head>", f'<script type="application/ld+json">{page_ld}</script></head>'
    )
    assert texts(extract_page(html).paragraphs) == FILLER[:1]


def test_a_declared_body_in_one_block_of_text_is_one_paragraph() -> None:
    content = extract_page(shell_page(" ".join(FILLER)))
    assert texts(content.paragraphs) == [" ".join(FILLER)]


def test_a_declared_body_written_in_html_is_read_as_text_only() -> None:
    body = (
        f"<p>{FILLER[0]}</p><script>alert(1)</script><p>{FILLER[1]}<img src=x onerror=alert(2)></p>"
    )
    got = texts(extract_page(shell_page(body)).paragraphs)
    assert got == FILLER[:2]
    assert not any("alert" in text or "<" in text for text in got)


def test_a_declared_body_no_longer_than_the_pages_own_text_raises_no_doubt() -> None:
    # a site that declares only a summary, or the same text: the page's own reading stands
    html = page(FILLER_HTML)
    declared = html.replace(
        "</head>",
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "articleBody": FILLER[0]})
        + "</script></head>",
    )
    content = extract_page(declared)
    assert texts(content.paragraphs) == FILLER
    assert content.extraction == Extraction()


def test_declared_paragraphs_are_its_lines() -> None:
    assert texts(tuple(declared_paragraphs("  One line.\n\n\n  Two\tlines.  \n"))) == [
        "One line.",
        "Two lines.",
    ]


def test_a_declared_body_escaped_as_html_is_read_as_its_text() -> None:
    # Sites often escape the text they put in their JSON-LD: "&amp;" is "&", "&#8217;" "’";
    # kept as they are, the digest showed the references themselves
    assert texts(tuple(declared_paragraphs("Ruiz &amp; Holt&#8217;s plan.\nAT&T &lt;3"))) == [
        "Ruiz & Holt’s plan.",
        "AT&T <3",
    ]
    # with none, a bare "&" is text
    assert texts(tuple(declared_paragraphs("R&D at AT&T;&nbsp"))) == ["R&D at AT&T;&nbsp"]
