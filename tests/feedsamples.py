"""Sample feeds for the feed tests: where they are, and parse_feed for one test source.

tests/fixtures/feeds/ is a corpus of real feeds (see test_feeds_corpus.py);
tests/fixtures/hostile/ holds hand-written hostile inputs, described in its README.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from digest.model import Source
from digest.sources.feeds import ParsedFeed, parse_feed

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "feeds"
HOSTILE = FIXTURES / "hostile"
SOURCE = Source(
    name="Test source", kind="feed", location="https://example.org/feed", category="News"
)
UTC = dt.UTC


def parse(data: bytes, **kwargs) -> ParsedFeed:
    return parse_feed(data, SOURCE, **kwargs)


def corpus(name: str, **kwargs) -> ParsedFeed:
    return parse((CORPUS / name).read_bytes(), **kwargs)


def hostile(name: str, **kwargs) -> ParsedFeed:
    return parse((HOSTILE / name).read_bytes(), **kwargs)


def everything(result: ParsedFeed) -> str:
    """Every string a parse produced, for "this must appear nowhere" checks."""
    parts = [result.title, result.link or "", *result.warnings]
    for article in result.articles:
        parts += [article.key, article.title, article.url or "", article.author or ""]
        parts += [p.text for p in article.paragraphs]
    return "\n".join(parts)
