"""Shared by the tests of digest.sources.pages: the constructed pages in fixtures/pages/ and a
minimal article page to put lines into.

The fixtures are constructed pages, each with a ``.txt`` holding the article body a reader would
mark (paragraphs separated by blank lines). The same pairs feed benchmarks/extract_eval.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from digest.model import Article, Paragraph, Source
from digest.sources.pages import extract_page, page_article
from digest.text.normalise import normalise

PAGES = Path(__file__).parent / "fixtures" / "pages"
UTC = dt.UTC
SOURCE = Source(
    name="Example News", kind="feed", location="https://news.example/feed", category="World"
)

GOLD_PAGES = sorted(p.stem for p in PAGES.glob("*.txt"))
# Pages whose leftovers are text-level boilerplate: the normalise stage's job, not this one's.
NEEDS_NORMALISE = {"prose_boilerplate", "local_news"}
# Text-level leftovers neither stage removes yet (each noted where the page is tested).
KNOWN_LEFTOVERS = {
    "local_news": ["Contact Kim Tran at ktran@courier.example or 555-0142."],
    "wire_service": ["Our Standards: The Wirewire Trust Principles."],
    # The second extractor keeps the licensing box under the article: prose-shaped notices
    # longer than the copyright rule's pattern allows.
    "reprint_notice": [
        "Copyright 2024 Ledger Markets, a division of Ledger Media Group. All rights reserved. "
        "This article is for the personal, non-commercial use of subscribers only and may not be "
        "reprinted, republished, broadcast, rewritten or redistributed, in whole or in part, "
        "without the prior written permission of Ledger Markets.",
        "To order presentation-ready copies of this article for distribution to colleagues, "
        "clients or customers, or to license it for use on a website or in a newsletter, contact "
        "our reprints desk at permissions@ledger.example or call 1-800-555-0199. Quotes and "
        "market data are delayed at least 15 minutes.",
    ],
}


def read(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def gold(name: str) -> list[str]:
    text = (PAGES / f"{name}.txt").read_text(encoding="utf-8")
    return [block.strip() for block in text.split("\n\n") if block.strip()]


def texts(paragraphs: tuple[Paragraph, ...]) -> list[str]:
    return [p.text for p in paragraphs]


def pipeline(name: str) -> Article:
    content = extract_page(read(name), url=f"https://news.example/{name}")
    return normalise(page_article(content, SOURCE, key=name, url=None))


def page(
    body: str, *, title: str = "Harbour repairs begin after winter storms", head: str = ""
) -> str:
    """A minimal article page around ``body``, declared as an article."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:type" content="article">{head}</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{title}</h1><div class="article-body">{body}</div></article></main>
<footer><a href="/about">About</a> <a href="/privacy">Privacy</a></footer></body></html>"""


FILLER = [
    "Work to repair the harbour wall began on Monday, three months after winter storms breached "
    "it in two places and flooded the fish market on the quay.",
    "The council said the repairs would cost about four million pounds and take most of the "
    "summer, with the quay closed to vehicles while the work is under way.",
    "Fishing crews have been landing their catch at a neighbouring port since January, adding "
    "an hour to every trip and several hundred pounds a week in fuel.",
    "Engineers will raise the wall by half a metre and add a concrete apron at its foot to "
    "protect it from the waves that undermined the old stonework.",
]
FILLER_HTML = "".join(f"<p>{text}</p>" for text in FILLER)
