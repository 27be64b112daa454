"""The second look: feedparser reads an XML document that lxml read badly, or not at all.

feedparser is slow (about 1 MB/s) but lenient, so it is used only when the fast path lost
entries or failed, only for documents it can read within the time budget, and its result is
taken only when it finds more entries than lxml did. It is imported on first use: it is slow
to import, and most runs never need it.
"""

from __future__ import annotations

import re
import warnings as _warnings

from digest.sources.feeds.content import MAX_TITLE_CHARS, clip, title_text
from digest.sources.feeds.entries import RawEntry, RawFeed, absolute_url
from digest.sources.feeds.xmlsafe import fix_entities

# feedparser reads about 1 MB/s: beyond this the fallback would blow the time budget.
FEEDPARSER_MAX_BYTES = 4_000_000

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>")


def read(
    data: bytes, url: str | None, reason: str, warnings: list[str], better_than: int = 0
) -> RawFeed | None:
    """The feed as feedparser reads ``data`` (UTF-8, its DTD cut), if it finds more than
    ``better_than`` entries; else None. ``reason`` says why lxml's reading was not enough."""
    if len(data) > FEEDPARSER_MAX_BYTES:
        warnings.append(f"{reason}; the feed is too large for the slower second look")
        return None
    import feedparser  # only needed here, and slow to import

    # The declaration may still name the encoding the bytes had before they became UTF-8.
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    body, _ = fix_entities(data)
    try:
        result = feedparser.parse(
            _XML_DECL.sub(b"", body, count=1),
            response_headers=headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception:
        return None
    with _warnings.catch_warnings():  # feedparser warns when "updated" maps to "published"
        _warnings.simplefilter("ignore", DeprecationWarning)
        return _from_feedparser(result, url, reason, warnings, better_than)


def _from_feedparser(
    result, url: str | None, reason: str, warnings: list[str], better_than: int
) -> RawFeed | None:
    entries = result.get("entries") or []
    if len(entries) <= better_than:
        return None
    warnings.append(f"read with feedparser: {reason}")
    feed = result.get("feed") or {}
    detail = feed.get("title_detail") or {}
    is_html = "plain" not in (detail.get("type") or "html")
    title = clip(title_text(detail.get("value") or "", is_html), MAX_TITLE_CHARS)
    feed_link = feed.get("link")
    doc_base = url or absolute_url(feed_link)
    raws = []
    for entry in entries:
        raw = RawEntry(base=doc_base)
        detail = entry.get("title_detail") or {}
        raw.title = detail.get("value") or entry.get("title") or ""
        raw.title_is_html = "plain" not in (detail.get("type") or "html")
        raw.link = entry.get("link")
        raw.guid = entry.get("id") or None
        raw.dates = [entry[k] for k in ("published", "updated") if isinstance(entry.get(k), str)]
        raw.author = entry.get("author")
        raw.publisher = (entry.get("source") or {}).get("title") or None
        raw.tags.extend(_tags(entry))
        for content in entry.get("content") or ():
            kind = "text" if "plain" in (content.get("type") or "") else "html"
            raw.contents.append((content.get("value") or "", kind))
        summary = entry.get("summary_detail") or {}
        if summary.get("value"):
            kind = "text" if "plain" in (summary.get("type") or "") else "auto"
            raw.contents.append((summary["value"], kind))
        raws.append(raw)
    image = feed.get("image")
    named = image.get("title") if isinstance(image, dict) else None  # (RSS: its site's name)
    site_name = clip(title_text(named, True), MAX_TITLE_CHARS) if isinstance(named, str) else ""
    filed = tuple(dict.fromkeys(c for c in (" ".join(t.split()) for t in _tags(feed)) if c))
    return RawFeed(title, feed_link, raws, "feedparser", site_name=site_name, categories=filed)


def _tags(element) -> list[str]:
    """The categories feedparser read for an entry or the feed, as written."""
    values = (
        tag.get("label") or tag.get("term") if isinstance(tag, dict) else None
        for tag in element.get("tags") or ()
    )
    return [value for value in values if isinstance(value, str)]
