"""The sitemap kind: a news site's Google News sitemap, for the many sites that publish no feed.

    [[sources]]
    kind = "sitemap"
    url = "https://example.org/news-sitemap.xml"

A news sitemap (the sitemaps.org ``<urlset>`` with Google's ``news:`` extension) lists article
addresses, each with a ``<lastmod>`` and, in ``<news:news>``, its title, publication date,
publication name and language, and keywords (read into ``SitemapEntry``; an ``Article`` has no
place for the last three yet). It holds no text: each article's text comes from
its page, fetched once the article is chosen for the digest and within ``full_text_limit``
(an article past the limit waits for the next run). A ``<sitemapindex>`` is followed to its
newest child sitemaps, at most ``sitemaps`` of them, fetched in the same pooled round as every
other source's documents. A sitemap may be gzip-compressed, as ``.xml.gz`` children usually
are, whether or not the server says so.

The cursor remembers the newest date the sitemap listed (``<lastmod>``, else the publication
date), so a rerun leaves out addresses listed as older (by more than ``LATE_LISTING``) before
any page is fetched; and, of an index, each sitemap's ``<lastmod>``, so that a sitemap that has
not changed is not fetched again.

The XML is parsed with the feed parser's hardening: no DTD, no entity expansion, no network,
no huge trees. A sitemap malformed beyond repair, or a document that is no sitemap (an HTML
page, a feed), fails its source with what is wrong and what to do; one that is malformed but
still yields addresses is read, with a warning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from digest.config.keys import Integer, Key
from digest.model import Article, Source
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Follow, Kind, Reading

if TYPE_CHECKING:
    from lxml import etree

SITEMAPS = Key(
    "sitemaps",
    Integer(1, 50),
    3,
    "how many of a sitemap index's newest sitemaps each read follows",
)

# The sitemap protocol's own bounds on one sitemap file.
MAX_URLS = 50_000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_TITLE_CHARS = 1_000
# Dates further ahead than this are nonsense (as in feeds): they would stall the cursor.
FUTURE_SLACK = dt.timedelta(days=2)
# How late a site may list an address after the date it gives it (sitemaps are regenerated
# now and then): a rerun still looks at addresses dated this much before the newest it saw.
LATE_LISTING = dt.timedelta(hours=6)

_GZIP_MAGIC = b"\x1f\x8b"
_ADVICE = "open the url in a browser to see what the site serves there; a news sitemap is XML"
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})


class SitemapKind(Kind):
    name = "sitemap"
    keys = (SITEMAPS,)
    reads = frozenset({"url"})
    text_on_page = True
    may_follow = True  # an index names the sitemaps to read
    opml_type = "sitemap"

    def parse(self, source: Source, fetched: Fetched, cursor: Cursor) -> Reading | Follow[Any]:
        since = _since(cursor)
        sitemap = read_sitemap(fetched.body)
        if not sitemap.children:
            return _reading(source, [sitemap], since, cursor)
        known = _known_sitemaps(cursor)
        listed = {c.loc: known[c.loc] for c in sitemap.children if c.loc in known}
        changed = [c for c in sitemap.children if _changed(c, known, since)]
        if not changed:  # nothing changed since the last read
            return Reading((), sitemap.warnings, {**cursor.data, "sitemaps": listed})
        undated = dt.datetime.min.replace(tzinfo=dt.UTC)
        limit = self.option(source, "sitemaps")
        chosen = sorted(changed, key=lambda c: c.lastmod or undated, reverse=True)[:limit]
        warnings = list(sitemap.warnings)
        if since is not None and len(changed) > limit:
            # On a first read the older sitemaps are the backlog; later, news was left out.
            warnings.append(
                f"{len(changed)} of the index's sitemaps changed since the last read; the "
                f"{limit} newest were read (raise 'sitemaps' to read more)"
            )
        read = {c.loc: c.lastmod.isoformat() for c in chosen if c.lastmod is not None}
        return Follow(
            urls=tuple(child.loc for child in chosen),
            parse=_child,
            combine=functools.partial(
                _combine, source, warnings, since, cursor, {**listed, **read}
            ),
        )


@dataclasses.dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` of a sitemap."""

    loc: str
    lastmod: dt.datetime | None = None
    title: str = ""  # news:title
    published: dt.datetime | None = None  # news:publication_date
    publication: str = ""  # news:publication/news:name
    language: str = ""  # news:publication/news:language
    keywords: tuple[str, ...] = ()  # news:keywords

    @property
    def listed(self) -> dt.datetime | None:
        """The date the sitemap gives the address: when it last changed, else when it was
        published."""
        return self.lastmod or self.published


@dataclasses.dataclass(frozen=True)
class ChildSitemap:
    """One ``<sitemap>`` of a sitemap index."""

    loc: str
    lastmod: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Sitemap:
    """A sitemap document: the addresses of a ``<urlset>``, or the children of a
    ``<sitemapindex>``, and what was odd about it."""

    entries: tuple[SitemapEntry, ...] = ()
    children: tuple[ChildSitemap, ...] = ()
    warnings: tuple[str, ...] = ()


def read_sitemap(data: bytes, now: dt.datetime | None = None) -> Sitemap:
    """Parse one sitemap or sitemap index (gzip-compressed or not); ``SourceError`` saying
    what is wrong and what to do when it is not one."""
    from lxml import etree

    from digest.sources.feeds.xmlsafe import drop_surrogate_refs

    if data[:2] == _GZIP_MAGIC:
        data = _gunzip(data)
    if not data.strip():
        raise SourceError("the sitemap is empty", _ADVICE)
    data = drop_surrogate_refs(data)
    warnings: list[str] = []
    try:
        root = etree.fromstring(data, _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        try:
            root = etree.fromstring(data, _parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None or _local(root) not in ("urlset", "sitemapindex") or not len(root):
            if root is not None and _local(root) in ("html", "rss", "feed"):
                _check_root(root)
            raise SourceError(f"not a sitemap: the XML is malformed ({exc})", _ADVICE) from exc
        warnings.append(f"the sitemap is malformed XML ({exc}); what could be read was read")
    _check_root(root)
    latest = (now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK
    if _local(root) == "sitemapindex":
        children, skipped = _children(root, latest)
        if skipped:
            warnings.append(f"left out {skipped} <sitemap> entry(ies) without an http(s) <loc>")
        if not children:
            raise SourceError("the sitemap index lists no sitemaps", _ADVICE)
        return Sitemap(children=children, warnings=tuple(warnings))
    entries, skipped, over = _entries(root, latest)
    if skipped:
        warnings.append(f"left out {skipped} <url> entry(ies) without an http(s) <loc>")
    if over:
        warnings.append(f"read the first {MAX_URLS} addresses, the most a sitemap may list")
    return Sitemap(entries=entries, warnings=tuple(warnings))


@functools.cache
def _parser(*, recover: bool) -> etree.XMLParser:
    """The feed parser's hardening: no DTD loaded or validated, entities left unexpanded, no
    network, no huge trees (libxml2's limits on depth and text size stay on)."""
    from lxml import etree

    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _gunzip(data: bytes) -> bytes:
    """A gzip-compressed sitemap's bytes, at most ``MAX_UNZIPPED_BYTES`` of them."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(data, MAX_UNZIPPED_BYTES)
    except zlib.error as exc:
        raise SourceError(f"not a sitemap: a damaged gzip file ({exc})", _ADVICE) from exc
    if inflate.unconsumed_tail:
        limit = MAX_UNZIPPED_BYTES // (1024 * 1024)
        raise SourceError(
            f"the sitemap is larger than {limit} MB uncompressed, the most a sitemap may be",
            "ask the publisher to split it, as the sitemap protocol requires",
        )
    if not inflate.eof:
        raise SourceError("the gzip-compressed sitemap is cut short", "try again later")
    return data


def _check_root(root: etree._Element) -> None:
    name = _local(root)
    if name in ("urlset", "sitemapindex"):
        return
    if name.lower() == "html":
        raise SourceError(
            "not a sitemap: an HTML page",
            "find the site's news sitemap (often /news-sitemap.xml, or listed in its "
            "/robots.txt) and use that as the url",
        )
    if name.lower() in _FEED_ROOTS:
        raise SourceError("not a sitemap: a feed", 'read it as a feed: kind = "feed"')
    raise SourceError(
        f"not a sitemap: the document is <{name}>, not <urlset> or <sitemapindex>", _ADVICE
    )


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # an entity left unexpanded, say
        return ""
    return tag.rpartition("}")[2]


def _text(element: etree._Element | None) -> str:
    """An element's text, whitespace collapsed; an entity left unexpanded is left out."""
    if element is None:
        return ""
    return " ".join(_raw_text(element).split())


def _raw_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_raw_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _find(parent: etree._Element, *path: str) -> etree._Element | None:
    """The first descendant along ``path`` of local names, whatever namespace the site used."""
    found: etree._Element | None = parent
    for name in path:
        found = next((c for c in found if _local(c) == name), None) if found is not None else None
    return found


def _entries(
    root: etree._Element, latest: dt.datetime
) -> tuple[tuple[SitemapEntry, ...], int, bool]:
    from digest.sources.urls import is_safe_link
    from digest.text.dates import parse_date

    entries: list[SitemapEntry] = []
    skipped = 0
    for url in root:
        if _local(url) != "url":
            continue
        if len(entries) >= MAX_URLS:
            return tuple(entries), skipped, True
        loc = _text(_find(url, "loc"))
        if not is_safe_link(loc):
            skipped += 1
            continue
        news = _find(url, "news")
        entry = SitemapEntry(loc, parse_date(_text(_find(url, "lastmod")), latest=latest))
        if news is not None:
            keywords = _text(_find(news, "keywords"))
            entry = dataclasses.replace(
                entry,
                title=_text(_find(news, "title"))[:MAX_TITLE_CHARS],
                published=parse_date(_text(_find(news, "publication_date")), latest=latest),
                publication=_text(_find(news, "publication", "name")),
                language=_text(_find(news, "publication", "language")),
                keywords=tuple(k.strip() for k in keywords.split(",") if k.strip()),
            )
        entries.append(entry)
    return tuple(entries), skipped, False


def _children(root: etree._Element, latest: dt.datetime) -> tuple[tuple[ChildSitemap, ...], int]:
    from digest.sources.urls import is_safe_link
    from digest.text.dates import parse_date

    children: list[ChildSitemap] = []
    skipped = 0
    for child in root:
        if _local(child) != "sitemap":
            continue
        loc = _text(_find(child, "loc"))
        if not is_safe_link(loc):
            skipped += 1
            continue
        children.append(
            ChildSitemap(loc, parse_date(_text(_find(child, "lastmod")), latest=latest))
        )
    return tuple(children), skipped


# --- from sitemaps to articles ---------------------------------------------------------------


def _newest(cursor: Cursor) -> dt.datetime | None:
    """The newest date the previous read listed, if it left one: no later than now (one
    stored ahead of its read by an earlier digest would make what is listed since look old)."""
    value = cursor.data.get("newest")
    try:
        newest = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if newest is None or newest.tzinfo is None:
        return None
    return min(newest, dt.datetime.now(dt.UTC).replace(microsecond=0))


def _since(cursor: Cursor) -> dt.datetime | None:
    """Addresses listed as older than this were there at the previous read: the newest date
    it listed, less the time a site may take to list an address it dated earlier."""
    newest = _newest(cursor)
    return newest - LATE_LISTING if newest is not None else None


def _known_sitemaps(cursor: Cursor) -> dict[str, str]:
    """An index's sitemaps as the previous read found them: address → its ``<lastmod>``."""
    known = cursor.data.get("sitemaps")
    if not isinstance(known, dict):
        return {}
    return {loc: when for loc, when in known.items() if isinstance(when, str)}


def _changed(child: ChildSitemap, known: dict[str, str], since: dt.datetime | None) -> bool:
    """Whether an index's sitemap may list addresses the previous read did not see."""
    if child.lastmod is None:
        return True  # it cannot say
    if since is not None and child.lastmod < since:
        return False  # last changed before what the previous read saw
    return known.get(child.loc) != child.lastmod.isoformat()


def _reading(
    source: Source,
    sitemaps: Sequence[Sitemap],
    since: dt.datetime | None,
    cursor: Cursor,
    warnings: Sequence[str] = (),
    read: dict[str, str] | None = None,
) -> Reading:
    """The articles of ``sitemaps`` not listed as older than ``since``, and the new cursor
    (with ``read``: the index's sitemaps read, by address)."""
    from digest.sources.urls import url_key

    articles: dict[str, Article] = {}
    newest = _newest(cursor)
    # An address dated ahead of this read (a scheduled piece, a live page dated for its
    # event) moves the cursor no further than now: later listings dated before it are new.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for sitemap in sitemaps:
        for entry in sitemap.entries:
            listed = entry.listed
            if listed is not None:
                seen = min(listed, now)
                newest = max(newest, seen) if newest is not None else seen
            if listed is not None and since is not None and listed < since:
                continue  # the previous read listed it already
            key = "url:" + url_key(entry.loc)
            articles.setdefault(
                key,
                Article(
                    key=key,
                    source=source.name,
                    title=entry.title,
                    paragraphs=(),  # the page has the text: see Kind.text_on_page
                    url=entry.loc,
                    published=entry.published or entry.lastmod,
                ),
            )
    data = {**cursor.data, "newest": newest.isoformat()} if newest else dict(cursor.data)
    if read is not None:
        data["sitemaps"] = read
    found = [*warnings, *(w for sitemap in sitemaps for w in sitemap.warnings)]
    return Reading(tuple(articles.values()), tuple(found), data)


@dataclasses.dataclass(frozen=True)
class _Part:
    """One child sitemap of an index, read or not."""

    url: str
    sitemap: Sitemap | None = None
    problem: str = ""


def _child(fetched: Fetched) -> _Part:
    if not fetched.ok:
        return _Part(fetched.url, problem=fetched.problem or "not fetched")
    try:
        sitemap = read_sitemap(fetched.body)
    except SourceError as exc:
        return _Part(fetched.url, problem=exc.problem)
    if sitemap.children:
        return _Part(fetched.url, problem="an index inside the index, which is not followed")
    return _Part(fetched.url, sitemap)


def _combine(
    source: Source,
    warnings: Sequence[str],
    since: dt.datetime | None,
    cursor: Cursor,
    listed: dict[str, str],
    parts: Sequence[_Part],
) -> Reading:
    """The articles of an index's children. While one of them could not be read, the cursor
    stays where it was, so that its addresses are not taken for old ones next time."""
    read = [part.sitemap for part in parts if part.sitemap is not None]
    problems = [f"sitemap {p.url} not read: {p.problem}" for p in parts if p.sitemap is None]
    if not read:
        raise SourceError(
            f"none of the {len(parts)} sitemap(s) the index lists could be read ({problems[0]})",
            "open the index in a browser and check the addresses it lists",
        )
    reading = _reading(source, read, since, cursor, [*warnings, *problems], listed)
    return dataclasses.replace(reading, cursor=cursor.data) if problems else reading


KIND = SitemapKind()
