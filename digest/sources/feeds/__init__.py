"""Feeds → raw Articles: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1.

``parse_feed`` is the one entry point. It raises FeedError, and nothing else, for anything
that is not a usable feed (empty or whitespace-only bodies, binary data, HTML pages, other
XML, truncated or invalid JSON), and never opens a network connection. How a document is read:

1. Bytes first, here: unannounced gzip is decompressed, images and archives are refused by
   their magic bytes, and bytes → text is decided by what the bytes prove, not by a parser
   (``digest.text.decode``): a BOM wins; bytes that are valid UTF-8 are UTF-8 whatever the
   XML declaration or HTTP header claims; otherwise the declared legacy encoding is used,
   and without one (or with a wrong "UTF-8" label) only the invalid runs are repaired as
   Windows-1252. The first character then picks the reader.
2. JSON is read with the json module and every JSON Feed field is type-checked (``jsonfeed``).
3. XML is hardened before lxml sees it (``xmlsafe``: no DTD, no entity expansion, no
   network, CDATA lifted out), read into raw entries (``rss_atom``) and checked against its
   own markup; when lxml lost entries, feedparser (slow but lenient) reads the same text and
   wins if it finds more (``xmlfeed``, ``fallback``).
4. Every reader's raw entries become Articles the same way (``entries``, ``content``).

The output is raw: plain-text titles and paragraphs (no markup, no control characters),
links only when they are http(s), dates as aware UTC or None. Normalising the text is the
next stage's job.
"""

from __future__ import annotations

import datetime as dt
import zlib

from digest.model import Source
from digest.sources.feeds import jsonfeed, xmlfeed
from digest.sources.feeds.autodiscovery import discover_feeds
from digest.sources.feeds.content import (
    MAX_AUTHOR_CHARS,
    MAX_CONTENT_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    DeferredParagraphs,
)
from digest.sources.feeds.entries import (
    FUTURE_SLACK,
    MAX_ID_CHARS,
    MAX_URL_CHARS,
    ParsedFeed,
    RawFeed,
    assemble,
    parse_date,
)
from digest.sources.feeds.errors import FeedError, shorten
from digest.sources.feeds.fallback import FEEDPARSER_MAX_BYTES
from digest.sources.kinds.base import newest  # its home now: ingest applies max_items
from digest.sources.urls import is_safe_link
from digest.text.decode import (
    bom_encoding,
    decode_as,
    decode_bytes,
    header_charset,
    is_utf8,
    pick_codec,
    strip_control_chars,
    xml_declared_charset,
)

__all__ = [
    "FEEDPARSER_MAX_BYTES",
    "FUTURE_SLACK",
    "MAX_AUTHOR_CHARS",
    "MAX_CONTENT_CHARS",
    "MAX_GUNZIPPED_BYTES",
    "MAX_ID_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_URL_CHARS",
    "DeferredParagraphs",
    "FeedError",
    "ParsedFeed",
    "discover_feeds",
    "newest",
    "parse_date",
    "parse_feed",
]

# Limits: a feed is untrusted input, and one entry must not dominate a run. Each lives with
# the code that enforces it; the per-field caps are in ``content`` and ``entries``.
MAX_GUNZIPPED_BYTES = 100_000_000

_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x01\x00", "an icon"),
)


def parse_feed(
    data: bytes,
    source: Source,
    *,
    url: str | None = None,
    content_type: str | None = None,
) -> ParsedFeed:
    """Parse one feed document into raw Articles.

    ``url`` is where the document came from (relative links resolve against it) and
    ``content_type`` the HTTP header, whose charset is one of the encoding hints. Raises
    FeedError, and nothing else, for anything that is not a usable feed: empty or
    whitespace-only bodies, HTML pages, binary data, truncated or invalid JSON.
    """
    try:
        return _parse(data, source, url, content_type)
    except FeedError:
        raise
    except RecursionError as exc:
        raise FeedError("not a feed: the document nests too deeply to read") from exc
    except MemoryError as exc:
        raise FeedError(
            "feed too large: ran out of memory while parsing it",
            "lower max_items for this source or ask the publisher for a smaller feed",
            momentary=True,  # the machine's memory at the time, not the body
        ) from exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # includes pyo3's PanicException, which is no Exception
        raise FeedError(
            f"could not parse the feed: {type(exc).__name__}: {shorten(str(exc), 200)}",
            "this is a bug in digest; please report it with the feed URL",
        ) from exc


def _parse(data, source: Source, url: str | None, content_type: str | None) -> ParsedFeed:
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data)
    url = url.strip() if url and is_safe_link(url) else None
    warnings: list[str] = []  # what was repaired or left out, for the source's report
    date_limit = dt.datetime.now(dt.UTC) + FUTURE_SLACK
    feed = _read(data, url, content_type, warnings)
    return assemble(feed, source, warnings, date_limit)


def _read(data: bytes, url: str | None, content_type: str | None, warnings: list[str]) -> RawFeed:
    """The document's bytes checked and made UTF-8, then read by the reader its start picks."""
    if not data:
        raise FeedError(
            "empty document: the server sent no content",
            "check the feed URL in a browser; the site may be down or the feed moved",
            lasting=False,  # a server's bad moment, as often as not: asked again next run
        )
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, warnings)
    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise FeedError(
            "empty document: only whitespace",
            "check the feed URL in a browser; the site may be down or the feed moved",
            lasting=False,
        )
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise FeedError(
                f"not a feed: binary data ({what})",
                "check that the URL is the feed's address, not a file or an image",
            )
    text = _to_utf8(data, content_type, warnings).lstrip()
    if text[:1] in (b"{", b"["):
        return jsonfeed.read(text, url, warnings)
    if text[:1] != b"<":
        controls = sum(1 for byte in data[:512] if byte < 9 or 13 < byte < 32)
        if controls > 8 or b"\x00" in data[:64]:
            raise FeedError(
                "not a feed: binary data",
                "check that the URL is the feed's address, not a file or an image",
            )
        raise FeedError(
            "not a feed: text that is neither XML nor JSON",
            "check the feed URL; the server may be sending an error message instead",
        )
    return xmlfeed.read(text, url, warnings)


def _gunzip(data: bytes, warnings: list[str]) -> bytes:
    try:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        body = inflater.decompress(data, MAX_GUNZIPPED_BYTES)
    except zlib.error as exc:
        raise FeedError(
            "not a feed: corrupt gzip-compressed data",
            "the server sent compressed bytes without saying so; try again later",
            lasting=False,  # as the advice says: the next run downloads it again
        ) from exc
    if inflater.unconsumed_tail:
        raise FeedError(
            f"feed too large: over {MAX_GUNZIPPED_BYTES // 1_000_000} MB once decompressed",
            "ask the publisher for a smaller feed",
        )
    warnings.append("the body was gzip-compressed without saying so: decompressed")
    return body


def _to_utf8(data: bytes, content_type: str | None, warnings: list[str]) -> bytes:
    """The document as UTF-8 bytes, its encoding decided by what the bytes prove (see
    ``digest.text.decode``); valid UTF-8, the common case, is passed on without a copy."""
    if found := bom_encoding(data):
        encoding, skip = found
        body = data[skip:]
        if encoding == "utf-8":
            return body if is_utf8(body) or body.isascii() else decode_bytes(body).encode()
        return strip_control_chars(body.decode(encoding, errors="replace")).encode()
    # An XML document without a BOM announces UTF-16 by its first character, "<", in two bytes.
    if len(data) >= 4 and data[0] and not data[1] and data[2] and not data[3]:
        return strip_control_chars(data.decode("utf-16-le", errors="replace")).encode()
    if len(data) >= 4 and not data[0] and data[1] and not data[2] and data[3]:
        return strip_control_chars(data.decode("utf-16-be", errors="replace")).encode()

    declared = []
    if label := header_charset(content_type):
        declared.append(("HTTP header", label))
    if label := xml_declared_charset(data):
        declared.append(("XML declaration", label))
    valid = data.isascii() or is_utf8(data)
    codec = pick_codec(data, declared, warnings, what="feed", valid_utf8=valid)
    if codec is None:
        # Control characters are left in valid UTF-8: libxml2 drops the ones XML forbids from
        # character data, and every text that leaves the parser is checked again. A scan for
        # them here would cost more than the rest of the byte handling together.
        return data if valid else decode_bytes(data).encode()
    return decode_as(data, codec, declared, warnings).encode()
