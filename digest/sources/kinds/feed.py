"""The feed kind: RSS, Atom and JSON Feed, by URL or local file (``digest.sources.feeds``).

A feed entry that carries only a teaser, or every entry of a source with ``full_text = true``,
is completed from its linked page once it is chosen for the digest.

Each entry is labelled with the language its feed declares (RSS ``<language>``, Atom
``xml:lang``, JSON Feed ``language``), unless the entry already knows its own; a source's
configured ``language`` overrides both (``digest.ingest``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from digest.config.keys import Boolean, Key
from digest.model import Article, Source
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Kind, Reading, read_file

if TYPE_CHECKING:  # the feed parser is imported when a feed is read, not with the kind
    from digest.sources.feeds import ParsedFeed

# The channel's language comes before its items: the document's head is enough to find it
# (a JSON Feed's keys come in any order: its language is read from the whole document).
_HEAD_BYTES = 16_384
_DECLARED = (
    # RSS <language>, <dc:language>, perhaps as CDATA
    re.compile(r"<(?:\w+:)?language\s*>\s*(?:<!\[CDATA\[\s*)?([^<\s\]]+)\s*(?:\]\]>\s*)?<"),
    re.compile(r"<(?:\w+:)?(?:feed|rss|channel|RDF)\b[^>]*?\sxml:lang\s*=\s*[\"']([^\"']+)"),
    re.compile(r'^\s*\{.*?"language"\s*:\s*"([^"]+)"', re.DOTALL),  # JSON Feed, before "items"
)

FULL_TEXT = Key(
    "full_text", Boolean(), False, "fetch every entry's page for its full text, not just teasers'"
)


class FeedKind(Kind):
    name = "feed"
    keys = (FULL_TEXT,)
    guessed_for = frozenset({"url", "file"})
    opml_type = "rss"

    def read(self, source: Source, cursor: Cursor, tz: dt.tzinfo) -> Reading:
        from digest.sources.feeds import FeedError, parse_feed

        data = read_file(source)
        try:
            parsed = parse_feed(data, source)
        except FeedError as exc:
            # What the parser says of a document that is no feed is about an address (check
            # the URL, the server sent an error page, the download was cut off): a local
            # file needs its own advice. Its other errors (too large, a bug) hold as they are.
            if not exc.problem.startswith(("not a feed", "empty document")):
                raise
            problem = "empty file" if exc.problem.startswith("empty") else exc.problem
            advice = file_advice(source.location)
            raise SourceError(problem, advice, lasting=exc.lasting) from exc
        return _reading(parsed, data)

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
            raise SourceError(
                exc.problem, advice, lasting=exc.lasting, momentary=exc.momentary
            ) from exc
        return _reading(parsed, fetched.body)

    def wants_page(self, source: Source, article: Article) -> bool:
        from digest.sources.pages import is_teaser
        from digest.sources.urls import is_redirect_page

        if is_redirect_page(article.url):
            return False  # (its page holds no text: its headline stands)
        return bool(self.option(source, "full_text")) or is_teaser(
            article.paragraphs, title=article.title
        )


def file_advice(location: str) -> str:
    """What to do about a local file read as a feed that is none: an article file (``.txt``,
    ``.md``), the likeliest mistake, is read from its folder."""
    from digest.sources.files import ARTICLE_SUFFIXES

    if Path(location).suffix.lower() in ARTICLE_SUFFIXES:
        return (
            "a file of kind feed must be an RSS, Atom or JSON feed; an article file is read "
            "from a folder: give the folder holding it as the source's 'path'"
        )
    return "check that the source's 'path' names an RSS, Atom or JSON feed file"


def _reading(parsed: ParsedFeed, data: bytes) -> Reading:
    """What the kind hands on of a parsed feed: its articles, its warnings, its title, home
    page, site's name, categories and language, the entries read from broken markup."""
    return Reading(
        parsed.articles,
        parsed.warnings,
        title=parsed.title,
        incomplete=parsed.incomplete,
        site=parsed.link or "",
        language=declared_language(data),
        site_name=parsed.site_name,
        categories=parsed.categories,
    )


def declared_language(data: bytes) -> str | None:
    """The language a feed document declares for itself, as a BCP 47 tag; None when it
    declares none (or something that is not a language tag, such as "English")."""
    from digest.language import normalise_tag

    head = data[:_HEAD_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2].count(b"\x00") == 1:
        text = head.decode("utf-16", errors="ignore")
    else:  # the markup around the tag is ASCII in every other encoding a feed comes in
        text = head.decode("latin-1")
    if text.lstrip().startswith("{"):
        before_items = text.split('"items"', 1)[0]  # an item may declare its own language
        if _DECLARED[-1].search(before_items) is None and b'"language"' in data:
            # keys written in another order (sorted: "items" before "language"): the whole
            # document is read again for it, as only such a feed needs
            return _json_feed_language(data)
        text = before_items
    for pattern in _DECLARED:
        match = pattern.search(text)
        if match:
            try:
                return normalise_tag(match[1])
            except ValueError:
                return None
    return None


def _json_feed_language(data: bytes) -> str | None:
    """A JSON Feed's top-level ``language``, wherever its keys put it (after ``items``, when
    they are written sorted), as a BCP 47 tag; None when it has none or is not JSON."""
    import json

    from digest.language import normalise_tag

    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    value = doc.get("language") if isinstance(doc, dict) else None
    try:
        return normalise_tag(value) if isinstance(value, str) else None
    except ValueError:
        return None


KIND = FeedKind()
