"""When a page is read twice, and whose reading is kept (pages.second_opinion)."""

from __future__ import annotations

from pagefixtures import FILLER, read

from digest.model import Paragraph
from digest.sources.pages.extract import parse_html
from digest.sources.pages.second_opinion import (
    Extraction,
    choose,
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
