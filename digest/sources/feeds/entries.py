"""Raw entries → Articles: the record every reader fills, and its one assembly into Articles.

Each format's reader (``rss_atom``, ``jsonfeed``, ``fallback``) fills ``RawEntry`` records
with what the document says, as it says it; ``assemble`` turns them into Articles the same
way for every format:

* titles and names become plain text, bodies ``DeferredParagraphs`` (see ``content``);
* links are made absolute against the entry's base and canonical, and kept only if http(s);
* the date is the first of the entry's dates that parses, as aware UTC (``parse_date``);
* the key is the guid when it is a URL (``url:``) or a tag:/urn: id (``id:``), another guid
  scoped to the source (``id:<source>:``), else the link (``url:``), else a hash of title and
  text (``hash:``); entries of one feed that share a key are told apart by title and link;
* an entry that names its publisher (RSS and Atom ``<source>``) is that publisher's, and a
  description of it that is only links (an aggregator's list of the coverage) is no text;
* entries with no title, link or text are counted as skipped, never silently lost.

Every entry of the document is returned: the source's ``category`` and ``max_items`` are
ingest's to apply, as for every kind of source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from html import unescape
from typing import NamedTuple
from urllib.parse import urljoin

from digest.model import Article, Source
from digest.sources.feeds.content import (
    MAX_AUTHOR_CHARS,
    MAX_TITLE_CHARS,
    Content,
    DeferredParagraphs,
    clip,
    is_link_list,
    title_text,
)
from digest.sources.feeds.errors import shorten
from digest.sources.urls import canonical_url, is_safe_link, url_key
from digest.text.dates import parse_date as _parse_date
from digest.text.decode import ENTITY_REF, strip_control_chars

MAX_URL_CHARS = 4_096
MAX_ID_CHARS = 1_000
# Dates further ahead than this are nonsense, as are dates before 1990 (dates.EARLIEST_YEAR).
FUTURE_SLACK = dt.timedelta(days=2)

_GLOBAL_ID = re.compile(r"(?:tag|urn):\S", re.IGNORECASE)


@dataclass(slots=True)
class RawEntry:
    """One entry as read from the document, before it becomes an Article."""

    title: str = ""
    title_is_html: bool = True
    link: str | None = None
    guid: str | None = None
    dates: list[str] = field(default_factory=list)
    author: str | None = None
    contents: list[Content] = field(default_factory=list)
    base: str | None = None  # what a relative link resolves against
    # who published the entry, when the feed passes on another's (RSS <source>, Atom
    # <source><title>: an aggregator such as Google News, a planet)
    publisher: str | None = None
    # recovered from broken markup: its text may be cut short or mixed with another entry's
    damaged: bool = False
    # its categories or tags, as written (RSS <category>, Atom <category>'s label or term,
    # JSON Feed "tags")
    tags: list[str] = field(default_factory=list)


class RawFeed(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    """A document as one reader read it: its title (plain text, clipped), its home page link
    as written, its entries, which reader it was, and how many entries it had to leave out;
    the name it gives its site apart from its title and the categories it files itself
    under (see ``ParsedFeed``)."""

    title: str
    link: str | None
    entries: list[RawEntry]
    parser: str  # "lxml", "feedparser" or "json"
    skipped: int = 0
    site_name: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str | None
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    parser: str = "lxml"  # which path produced it: "lxml", "feedparser" or "json"
    # Entries present in the document but left out because they had no title, link or text
    # (an empty <item/>, an Atom entry with only an id): counted so nothing vanishes silently.
    skipped: int = 0
    # Keys of the articles the parser had to recover from broken markup (a document cut
    # short, a tag left open): their text may be incomplete.
    incomplete: frozenset[str] = frozenset()
    # The name the document gives its site apart from its title (an RSS channel's
    # <image><title>: "The Economist" for a feed titled "Asia"), and the categories the
    # channel or feed itself is filed under (not its entries'): what tells a feed titled by
    # its section only, and by whom (``digest.text.headlines.source_title``).
    site_name: str = ""
    categories: tuple[str, ...] = ()


def parse_date(value: object, now: dt.datetime | None = None) -> dt.datetime | None:
    """A feed date → aware UTC datetime, or None when it is missing, ambiguous or absurd.

    Accepts RFC 822 (two-digit years, named zones, any weekday, month names in English and
    a few European languages), ISO 8601 / W3C-DTF and "Month D, YYYY". A missing zone means
    UTC. Rejected: bare digits (epoch seconds), slash dates other than Y/M/D, impossible days
    or times, offsets beyond ±14 h, years before 1990 and dates more than 2 days ahead.
    digest.text.dates.parse_date does the work; this is it with a feed's defaults.
    """
    return _parse_date(value, dt.UTC, latest=(now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK)


def assemble(
    feed: RawFeed, source: Source, warnings: list[str], date_limit: dt.datetime
) -> ParsedFeed:
    """The ParsedFeed for ``feed``: its entries as Articles, with every warning so far.

    ``date_limit`` is the latest publication date believed (now plus FUTURE_SLACK, taken
    when the parse began).
    """
    articles: list[Article] = []
    damaged: list[bool] = []
    empty = 0
    for raw in feed.entries:
        article = _article(raw, source, date_limit, feed.title)
        if article is None:
            empty += 1
        else:
            articles.append(article)
            damaged.append(raw.damaged)
    if empty:
        warnings.append(f"skipped {empty} entry(ies) with no title, link or text")
    articles = _tell_apart(articles, warnings)  # keys may change; order and number do not
    link = clean_link(feed.link, None) if isinstance(feed.link, str) else None
    return ParsedFeed(
        feed.title,
        link,
        tuple(articles),
        tuple(dict.fromkeys(warnings)),
        feed.parser,
        feed.skipped + empty,
        frozenset(a.key for a, cut in zip(articles, damaged, strict=True) if cut),
        site_name=feed.site_name,
        categories=feed.categories,
    )


def _tell_apart(articles: list[Article], warnings: list[str]) -> list[Article]:
    """Entries of this feed that share a key (a guid reused for every item, or a link
    to the home page) but are not the same article get keys of their own, from their
    title and link; an entry repeated as it is stays one. Without this, all but the
    first would be taken for it and never shown.

    The oldest of them (the earliest dated; undated, the last in the feed, which lists the
    newest first) keeps the key as it is: it is the one an earlier run may have met alone,
    under that key, and a newer entry joining it must not make it new again."""
    counts = Counter(a.key for a in articles)
    if len(counts) == len(articles):
        return articles

    def mark(article: Article) -> str:
        return hashlib.sha256(f"{article.title}\n{article.url}".encode()).hexdigest()[:16]

    oldest: dict[str, tuple[tuple[dt.datetime, int], str]] = {}
    for position, article in enumerate(articles):
        if counts[article.key] > 1:
            age = (article.published or dt.datetime.max.replace(tzinfo=dt.UTC), -position)
            if article.key not in oldest or age < oldest[article.key][0]:
                oldest[article.key] = (age, mark(article))
    told_apart: list[Article] = []
    shared: set[str] = set()
    for article in articles:
        if counts[article.key] == 1:
            told_apart.append(article)
            continue
        shared.add(article.key)
        own = mark(article)
        if own == oldest[article.key][1]:  # the oldest, or a repeat of it: its key as it is
            told_apart.append(article)
        else:
            told_apart.append(replace(article, key=f"{article.key}#{own}"))
    for key in sorted(shared):
        warnings.append(
            f"{counts[key]} entries share the id {shorten(key.partition(':')[2], 80)};"
            " told apart by title and link"
        )
    return told_apart


def _article(
    raw: RawEntry, source: Source, date_limit: dt.datetime, own_title: str | None = None
) -> Article | None:
    title = clip(title_text(raw.title, raw.title_is_html), MAX_TITLE_CHARS)
    link = clean_link(raw.link, raw.base)
    contents = [(value, kind) for value, kind in raw.contents if value and not value.isspace()]
    publisher = clip(title_text(raw.publisher or "", False), MAX_AUTHOR_CHARS)
    if publisher and publisher.casefold() == " ".join((own_title or "").split()).casefold():
        publisher = ""  # the feed naming itself: its entries are its own, named as configured
    if publisher:
        # An aggregator's description of an item it passes on is often its list of links to
        # the coverage (Google News: this headline and other outlets' beside their names):
        # none of it is the article's text, which its page has.
        contents = [(value, kind) for value, kind in contents if not is_link_list(value)]
    if not (title or link or contents):
        return None
    # Most entries of a feed were shown on an earlier day or belong to a new feed's old
    # backlog; converting their HTML would be wasted work, so it waits until first read.
    paragraphs = DeferredParagraphs(contents)
    published = None
    for value in raw.dates:
        if (published := _parse_date(value, latest=date_limit)) is not None:
            break
    author = clip(title_text(raw.author or "", False), MAX_AUTHOR_CHARS) or None
    tags = _tags(raw.tags)
    guid = " ".join((raw.guid or "").split())
    if guid and not guid.isprintable():
        guid = " ".join(strip_control_chars(guid).split())
    if guid and is_safe_link(guid):
        # A URL guid names the article itself: the same key as a feed that gives only
        # that link, and http and https spellings agree.
        key = "url:" + url_key(guid)
    elif guid and _GLOBAL_ID.match(guid) and len(guid) <= MAX_ID_CHARS:
        # tag: and urn: ids are unique everywhere by definition: a planet or aggregator
        # that republishes an entry keeps its id, and the entry is one article.
        key = f"id:{guid}"
    elif guid:
        # Other guids ("123", "post-4") are only unique within their feed.
        if len(guid) > MAX_ID_CHARS:
            guid = "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
        key = f"id:{source.scope}:{guid}"
    elif link:
        key = "url:" + url_key(link)
    else:
        body = "\n\n".join(p.text for p in paragraphs)
        key = "hash:" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    return Article(
        key=key,
        # who the reader sees it come from: the publisher the entry names, else the source
        # (whose own title ingest's labels put in when the config leaves it unnamed)
        source=publisher or source.name,
        title=title,
        paragraphs=paragraphs,
        url=link,
        published=published,
        author=author,
        tags=tags,
    )


# An entry's tags, at most: a feed that gives hundreds says nothing more by them.
MAX_TAGS = 30


def _tags(written: list[str]) -> tuple[str, ...]:
    """An entry's tags as plain text on one line each, clipped, each once (in any case), at
    most ``MAX_TAGS``."""
    if not written:
        return ()
    found: dict[str, str] = {}
    for value in written:
        # (most tags are a plain word or two: read as titles are only when they may hold an
        # entity, a control character or a run of spaces; every entry of a feed is read)
        plain = value.isascii() and value.isprintable() and "&" not in value
        if plain and "  " not in value and value == value.strip():
            tag = clip(value, MAX_AUTHOR_CHARS)
        else:
            tag = clip(title_text(value, False), MAX_AUTHOR_CHARS)
        if tag and len(found) < MAX_TAGS:
            found.setdefault(tag.casefold(), tag)
    return tuple(found.values())


# --------------------------------------------------------------------------------------------
# Links


def clean_link(link: str | None, base: str | None) -> str | None:
    """An entry link made absolute and canonical, or None unless it is http(s)."""
    if not link or not isinstance(link, str):
        return None
    link = link.strip()
    if not link or len(link) > MAX_URL_CHARS:
        return None
    if "&" in link and ENTITY_REF.search(link):
        link = unescape(link)  # "&amp;amp;" in the XML: an escaped URL escaped once more
    if base and not is_safe_link(link):
        link = join_url(base, link)
    if not is_safe_link(link):
        return None
    return canonical_url(link if link.isprintable() else strip_control_chars(link))


def join_url(base: str | None, href: str) -> str:
    """``href`` resolved against ``base``; as it is when it is absolute or cannot be joined."""
    if not base or href.startswith(("http://", "https://")):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def absolute_url(link: str | None) -> str | None:
    """``link`` if it is an absolute http(s) URL (a document's base), else None."""
    return link.strip() if link and is_safe_link(link) else None
