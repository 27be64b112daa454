"""The feed kind: RSS, Atom and JSON Feed, by URL or local file (``digest.sources.feeds``).

A feed entry that carries only a teaser, or every entry of a source with ``full_text = true``,
is completed from its linked page once it is chosen for the digest.
"""

from __future__ import annotations

import datetime as dt

from digest.config.keys import Boolean, Key
from digest.model import Article, Source
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Kind, Reading, read_file

FULL_TEXT = Key(
    "full_text", Boolean(), False, "fetch every entry's page for its full text, not just teasers'"
)


class FeedKind(Kind):
    name = "feed"
    keys = (FULL_TEXT,)
    guessed_for = frozenset({"url", "file"})
    opml_type = "rss"

    def read(self, source: Source, cursor: Cursor, tz: dt.tzinfo) -> Reading:
        from digest.sources.feeds import parse_feed

        parsed = parse_feed(read_file(source), source)  # a FeedError is a SourceError
        return Reading(parsed.articles, parsed.warnings, title=parsed.title)

    def parse(self, source: Source, fetched: Fetched, cursor: Cursor) -> Reading:
        from digest.sources.feeds import FeedError, parse_feed

        try:
            parsed = parse_feed(
                fetched.body, source, url=fetched.url, content_type=fetched.content_type
            )
        except FeedError as exc:
            advice = exc.advice
            if exc.discovered:
                advice = f"its page names a feed: use {exc.discovered[0]} as the url"
            raise SourceError(exc.problem, advice) from exc
        return Reading(parsed.articles, parsed.warnings, title=parsed.title)

    def wants_page(self, source: Source, article: Article) -> bool:
        from digest.sources.pages import is_teaser

        return bool(self.option(source, "full_text")) or is_teaser(article.paragraphs)


KIND = FeedKind()
