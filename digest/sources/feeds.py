"""Feeds → raw Articles: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1.

How a document is read:

1. Bytes → text is decided here, not by a parser: a BOM wins; bytes that are valid UTF-8 are
   UTF-8 whatever the XML declaration or HTTP header claims; otherwise the declared legacy
   encoding is used, and without one (or with a wrong "UTF-8" label) only the invalid runs
   are repaired as Windows-1252 (``decode_bytes``).
2. JSON is read with the json module and every JSON Feed field is type-checked.
3. XML goes through lxml with no DTD, no entity expansion and no network: the document type
   declaration is cut out before parsing (entity bombs and external entities have nothing to
   work with), HTML named entities become character references, stray ``&`` are escaped,
   and the parser recovers from malformed markup, dropping characters XML forbids. CDATA
   sections (most of a feed's bytes) are lifted out before parsing and handed to the HTML
   converter as they are, since libxml2 reads them one character at a time.
4. The fast path is checked: when lxml found fewer entry elements than the document has
   closing ``</item>``/``</entry>`` tags, or could not read the document at all, feedparser
   (slow but lenient) reads the same text and wins if it finds more entries.

The output is raw: plain-text titles and paragraphs (no markup, no control characters),
links only when they are http(s), dates as aware UTC or None, every entry of the document.
Normalising the text is the next stage's job; the source's ``category`` and ``max_items`` are
ingest's to apply.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import warnings
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from html import unescape
from html.entities import html5 as _HTML5_ENTITIES
from urllib.parse import urljoin

from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from digest.model import Article, Paragraph, Source
from digest.sources.kinds.base import newest  # its home now: ingest applies max_items
from digest.sources.urls import canonical_url, is_safe_link, url_key
from digest.text.dates import parse_date as _parse_date
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
from digest.text.html import html_to_paragraphs, html_to_text

__all__ = ["FeedError", "ParsedFeed", "discover_feeds", "newest", "parse_date", "parse_feed"]

# Per-field caps: a feed is untrusted input, and one entry must not dominate a run.
MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 200
MAX_URL_CHARS = 4_096
MAX_ID_CHARS = 1_000
MAX_CONTENT_CHARS = 2_000_000  # one entry's HTML, before conversion
MAX_TEXT_CHARS = 200_000  # one article's paragraphs, after conversion
MAX_GUNZIPPED_BYTES = 100_000_000
# feedparser reads about 1 MB/s: beyond this the fallback would blow the time budget.
FEEDPARSER_MAX_BYTES = 4_000_000
# Dates further ahead than this are nonsense, as are dates before 1990 (dates.EARLIEST_YEAR).
FUTURE_SLACK = dt.timedelta(days=2)


class FeedError(Exception):
    """A document that cannot be read as a feed: what is wrong, what to do about it, and any
    feed URLs found in it (an HTML page served at a feed URL often advertises the real one)."""

    def __init__(self, problem: str, advice: str = "", discovered: Iterable[str] = ()) -> None:
        self.problem = problem
        self.advice = advice
        self.discovered = tuple(discovered)
        super().__init__(problem)

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem


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


# --------------------------------------------------------------------------------------------
# Public entry points


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
        return _Parse(data, source, url, content_type).run()
    except FeedError:
        raise
    except RecursionError as exc:
        raise FeedError("not a feed: the document nests too deeply to read") from exc
    except MemoryError as exc:
        raise FeedError(
            "feed too large: ran out of memory while parsing it",
            "lower max_items for this source or ask the publisher for a smaller feed",
        ) from exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # includes pyo3's PanicException, which is no Exception
        raise FeedError(
            f"could not parse the feed: {type(exc).__name__}: {_shorten(str(exc), 200)}",
            "this is a bug in digest; please report it with the feed URL",
        ) from exc


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds an HTML page advertises with <link rel="alternate">."""
    if isinstance(html, bytes | bytearray):
        html = decode_bytes(bytes(html))
    if not html:
        return []
    try:
        tree = LexborHTMLParser(html[:2_000_000])
        base = base_url or ""
        base_element = tree.css_first("base[href]")
        if base_element is not None:
            base = _join(base, (base_element.attributes.get("href") or "").strip())
        found: list[str] = []
        last_resort: list[str] = []  # plain application/json links that look like feeds
        for link in tree.css("link[rel][href]"):
            attrs = link.attributes
            rels = (attrs.get("rel") or "").lower().split()
            kind = (attrs.get("type") or "").split(";")[0].strip().lower()
            if "alternate" not in rels or kind not in _FEED_TYPES | _MAYBE_FEED_TYPES:
                continue
            href = _join(base, unescape((attrs.get("href") or "").strip()))
            if not is_safe_link(href):
                continue
            if kind in _FEED_TYPES:
                found.append(href)
            elif _looks_like_a_json_feed(href):
                last_resort.append(href)
        return list(dict.fromkeys(found + last_resort))
    except Exception:  # a page too broken to read advertises nothing
        return []


_FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
        "application/x.atom+xml",
    }
)
# JSON Feed 1.0 sites advertise "application/json", and JSON Feed 1.1 asks readers to accept
# it; but so do WordPress's REST API links (/wp-json/wp/v2/posts/123), which are no feeds.
# Such links are tried last, and only when the address looks like a feed.
_MAYBE_FEED_TYPES = frozenset({"application/json"})


def _looks_like_a_json_feed(url: str) -> bool:
    from urllib.parse import urlsplit

    path = urlsplit(url).path.lower()
    if "/wp-json/" in path or path.endswith("/wp-json"):
        return False
    return "feed" in path or path.endswith(".json")


def parse_date(value: object, now: dt.datetime | None = None) -> dt.datetime | None:
    """A feed date → aware UTC datetime, or None when it is missing, ambiguous or absurd.

    Accepts RFC 822 (two-digit years, named zones, any weekday, month names in English and
    a few European languages), ISO 8601 / W3C-DTF and "Month D, YYYY". A missing zone means
    UTC. Rejected: bare digits (epoch seconds), slash dates other than Y/M/D, impossible days
    or times, offsets beyond ±14 h, years before 1990 and dates more than 2 days ahead.
    digest.text.dates.parse_date does the work; this is it with a feed's defaults.
    """
    return _parse_date(value, dt.UTC, latest=(now or dt.datetime.now(dt.UTC)) + FUTURE_SLACK)


# --------------------------------------------------------------------------------------------
# Bytes → text


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>")


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


# --------------------------------------------------------------------------------------------
# XML preparation


_FIRST_MARKUP = re.compile(rb"<(!DOCTYPE|[A-Za-z_][\w.:-]*)", re.IGNORECASE)
_DOCTYPE_NAME = re.compile(rb"<!DOCTYPE\s+([\w.:-]+)", re.IGNORECASE)
_SUBSET_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|\]\s*>|[^\"'\]<]+|[\s\S]", re.DOTALL)
_FIX_ENTITIES = re.compile(
    rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8});)"
    rb"(?:([A-Za-z][A-Za-z0-9]{0,31});)?"
)
_ITEM_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?item\s*>")
_ENTRY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?entry\s*>")
_ROOT_CLOSE = re.compile(
    rb"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|channel|entry)\s*>(?:\s+|<!--.*?-->|<\?.*?\?>)*\Z",
    re.DOTALL,
)
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x01\x00", "an icon"),
)
_HTML_ELEMENTS = frozenset(
    (
        *("html", "head", "body", "div", "p", "span", "a", "table", "ul", "ol", "li", "img"),
        *("article", "section", "main", "header", "footer", "nav", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "blockquote", "pre", "br", "hr", "form", "script", "style"),
    )
)


def _count_closes(data: bytes, name: bytes) -> int:
    """How many </item> (or </entry>) end tags the document has, prefixed ones included."""
    closes = data.count(b"</" + name + b">")  # a plain count is far cheaper than a pattern
    if b":" + name + b">" in data or b"</" + name + b" " in data or b"</" + name + b"\n" in data:
        closes = len((_ENTRY_CLOSE if name == b"entry" else _ITEM_CLOSE).findall(data))
    return closes


def _strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """Cut the document type declaration, internal subset and all, out of the prolog."""
    first = _FIRST_MARKUP.search(data)
    if not first or first.group(1).upper() != b"!DOCTYPE":
        return data, False
    start, pos, size = first.start(), first.end(), len(data)
    while pos < size:  # up to ">" or the "[" that opens an internal subset
        char = data[pos : pos + 1]
        if char == b">":
            return data[:start] + data[pos + 1 :], True
        if char == b"[":
            break
        if char in (b'"', b"'"):
            close = data.find(char, pos + 1)
            pos = size if close < 0 else close + 1
            continue
        pos += 1
    pos += 1
    while pos < size:  # the subset, skipping quoted values and comments, up to "]>"
        token = _SUBSET_TOKEN.match(data, pos)
        if token is None:  # pragma: no cover - the last alternative matches any byte
            break
        pos = token.end()
        if token.group().startswith(b"]") and token.group().endswith(b">"):
            return data[:start] + data[pos:], True
    return data[:start], True


def _fix_entities(data: bytes) -> tuple[bytes, int]:
    """HTML named entities → character references; others dropped; a bare & escaped."""
    if b"&" not in data:
        return data, 0
    dropped = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal dropped
        name = match.group(1)
        if name is None:
            return b"&amp;"
        chars = _HTML5_ENTITIES.get(name.decode("ascii") + ";")
        if chars is None:
            dropped += 1
            return b""
        return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")

    return _FIX_ENTITIES.sub(replace, data), dropped


def _lift_cdata(data: bytes) -> tuple[bytes, list[bytes]]:
    """Cut CDATA sections out of the document, leaving a short marker in each one's place.

    libxml2 reads CDATA a character at a time, and feed bodies are mostly CDATA; finding the
    sections with bytes.find is several times faster. The markers (private-use characters
    around an index) are put back by _unlift when a text is read. Comments are skipped so a
    "<![CDATA[" inside one is not taken for a section; an unterminated section is left as it
    is, and so is a document that already contains the marker character.
    """
    if b"<![CDATA[" not in data or _CDATA_MARK_BYTES in data:
        return data, []
    out: list[bytes] = []
    store: list[bytes] = []
    pos = 0
    while (start := data.find(b"<![CDATA[", pos)) >= 0:
        comment = data.find(b"<!--", pos, start)
        if comment >= 0:
            end = data.find(b"-->", comment + 4)
            if end < 0:
                break
            out.append(data[pos : end + 3])
            pos = end + 3
            continue
        end = data.find(b"]]>", start + 9)
        if end < 0:
            break
        out.append(data[pos:start])
        out.append(b"\xee\x80\x80%d\xee\x80\x81" % len(store))
        store.append(data[start + 9 : end])
        pos = end + 3
    out.append(data[pos:])
    return b"".join(out), store


_CDATA_MARK = "\ue000"
_CDATA_MARK_BYTES = _CDATA_MARK.encode()
_CDATA_REF = re.compile("\ue000([0-9]+)\ue001")
_CDATA_ONLY = re.compile("\\s*\ue000([0-9]+)\ue001\\s*")
_lifted: ContextVar[list[bytes] | None] = ContextVar("lifted_cdata", default=None)


def _unlift(text: str) -> str:
    store = _lifted.get()
    if not store or _CDATA_MARK not in text:
        return text
    if whole := _CDATA_ONLY.fullmatch(text):  # the usual case: the text is one section
        return store[int(whole.group(1))].decode("utf-8")
    return _CDATA_REF.sub(lambda m: store[int(m.group(1))].decode("utf-8"), text)


def _xml_parser(huge: bool) -> etree.XMLParser:
    return etree.XMLParser(
        encoding="utf-8",
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


# --------------------------------------------------------------------------------------------
# Element names


ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_NS_PREFIX = {
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://channel.netscape.com/rdf/simple/0.9/": "",
    "http://backend.userland.com/rss2": "",
    "http://backend.userland.com/rss": "",
    ATOM10: "atom:",
    ATOM03: "atom:",
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://search.yahoo.com/mrss/": "media:",
    "http://search.yahoo.com/mrss": "media:",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes:",
    RDF: "rdf:",
    "http://www.w3.org/1999/xhtml": "xhtml:",
}
_KNOWN_PREFIXES = {prefix[:-1] for prefix in _NS_PREFIX.values() if prefix}
_ITEM_TAGS = (
    "item",
    "{http://purl.org/rss/1.0/}item",
    "{http://my.netscape.com/rdf/simple/0.9/}item",
    "{http://backend.userland.com/rss2}item",
)
_ENTRY_TAGS = (f"{{{ATOM10}}}entry", f"{{{ATOM03}}}entry", "entry")
_names: dict[str, str] = {}  # lxml tag → normalised name
_atom_names: dict[str, str] = {}  # the same inside Atom entries, "atom:" dropped


def _qname(tag: object) -> str:
    """lxml tag → "prefix:local" with a fixed prefix per known namespace ("" for RSS)."""
    if not isinstance(tag, str):
        return ""  # a comment, processing instruction or entity reference
    name = _names.get(tag)
    if name is not None:
        return name
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        prefix = _NS_PREFIX.get(namespace)
        name = f"other:{local}" if prefix is None else prefix + local
    elif ":" in tag:  # a prefix the document never declared
        prefix, _, local = tag.partition(":")
        prefix = "atom" if prefix.lower() == "atom10" else prefix.lower()
        name = f"{prefix}:{local}" if prefix in _KNOWN_PREFIXES else f"other:{local}"
    else:
        name = tag
    if len(_names) < 10_000:
        _names[tag] = name
    return name


def _children(element, atom: bool) -> dict[str, list]:
    """Child elements by normalised name (in an Atom entry, "title" rather than "atom:title")."""
    names = _atom_names if atom else _names
    found: dict[str, list] = {}
    for child in element:
        tag = child.tag
        name = names.get(tag) if isinstance(tag, str) else ""
        if name is None:
            name = _qname(tag)
            if atom and name.startswith("atom:"):
                name = name[5:]
            if len(names) < 10_000:
                names[tag] = name
        if name:
            if name in found:
                found[name].append(child)
            else:
                found[name] = [child]
    return found


def _first(fields: dict, *names: str):
    for name in names:
        found = fields.get(name)
        if found:
            return found[0]
    return None


def _plain(element) -> str:
    """The text of an element, children included, as a plain string."""
    if element is None:
        return ""
    if len(element) == 0:
        return _text(element)
    return _unlift("".join(t for t in element.itertext() if isinstance(t, str)))


def _content(element) -> str | bytes:
    """An entry body as markup: a lifted CDATA section stays UTF-8 bytes for the HTML parser."""
    if len(element) == 0 and (text := element.text) and _CDATA_MARK in text:
        store = _lifted.get()
        match = _CDATA_ONLY.fullmatch(text)
        if store and match:
            return store[int(match.group(1))]
    return _markup(element)


def _text(element) -> str:
    """element.text, with lifted CDATA sections put back."""
    text = element.text
    if not text:
        return ""
    return _unlift(text) if _CDATA_MARK in text else text


def _markup(element) -> str:
    """An element's content as markup: its text plus its children serialised.

    Namespaced children (Atom xhtml content) serialise with an xmlns attribute, which HTML
    parsers ignore; prefixed names ("xhtml:p") lose their prefix so they read as HTML.
    """
    if len(element) == 0:
        return _text(element)
    parts = [element.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
    markup = "".join(parts)
    if ":" in markup:
        markup = _TAG_PREFIX.sub(r"\1", markup)
    return _unlift(markup)


_TAG_PREFIX = re.compile(r"(</?)[A-Za-z_][\w.-]*:(?=[A-Za-z_][\w.-]*[\s/>])")


# --------------------------------------------------------------------------------------------
# Parsing


@dataclass(slots=True)
class _Raw:
    """One entry as read from the document, before it becomes an Article."""

    title: str = ""
    title_is_html: bool = True
    link: str | None = None
    guid: str | None = None
    dates: list[str] = field(default_factory=list)
    author: str | None = None
    contents: list[tuple[str, str]] = field(default_factory=list)  # (value, html|text|auto)
    base: str | None = None


_RSS_DATES = ("pubDate", "dc:date", "dcterms:issued", "dcterms:created", "atom:published",
              "published", "dcterms:modified", "atom:updated", "updated")  # fmt: skip
_RSS_CONTENTS = (("content:encoded", "html"), ("description", "auto"), ("xhtml:body", "html"),
                 ("body", "html"), ("summary", "auto"), ("itunes:summary", "text"),
                 ("atom:summary", "auto"))  # fmt: skip
_ATOM_DATES = ("published", "issued", "created", "dc:date", "updated", "modified")


class _Parse:
    """One parse_feed call: the document, what is known about it, and what went wrong."""

    def __init__(self, data, source: Source, url: str | None, content_type: str | None) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.data = bytes(data)
        self.source = source
        self.url = url.strip() if url and is_safe_link(url) else None
        self.content_type = content_type
        self.warnings: list[str] = []
        self.skipped = 0  # entries left out before _finish (JSON items of the wrong type)
        self.date_limit = dt.datetime.now(dt.UTC) + FUTURE_SLACK
        self.prepared = b""  # the XML before CDATA lifting, for the feedparser fallback

    # -- dispatch --------------------------------------------------------------------------

    def run(self) -> ParsedFeed:
        data = self.data
        if not data:
            raise FeedError(
                "empty document: the server sent no content",
                "check the feed URL in a browser; the site may be down or the feed moved",
            )
        if data[:2] == b"\x1f\x8b":
            data = self._gunzip(data)
        if not data.strip(b" \t\r\n\x00\x0b\x0c"):
            raise FeedError(
                "empty document: only whitespace",
                "check the feed URL in a browser; the site may be down or the feed moved",
            )
        for magic, what in _BINARY_MAGIC:
            if data.startswith(magic):
                raise FeedError(
                    f"not a feed: binary data ({what})",
                    "check that the URL is the feed's address, not a file or an image",
                )
        text = _to_utf8(data, self.content_type, self.warnings).lstrip()
        if text[:1] in (b"{", b"["):
            return self._json(text)
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
        return self._xml(text)

    def _gunzip(self, data: bytes) -> bytes:
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            body = inflater.decompress(data, MAX_GUNZIPPED_BYTES)
        except zlib.error as exc:
            raise FeedError(
                "not a feed: corrupt gzip-compressed data",
                "the server sent compressed bytes without saying so; try again later",
            ) from exc
        if inflater.unconsumed_tail:
            raise FeedError(
                f"feed too large: over {MAX_GUNZIPPED_BYTES // 1_000_000} MB once decompressed",
                "ask the publisher for a smaller feed",
            )
        self.warnings.append("the body was gzip-compressed without saying so: decompressed")
        return body

    # -- XML -------------------------------------------------------------------------------

    def _xml(self, data: bytes) -> ParsedFeed:
        if first := _FIRST_MARKUP.search(data[:65536]):
            name = first.group(1)
            if name.upper() == b"!DOCTYPE":
                doctype = _DOCTYPE_NAME.match(data, first.start())
                name = doctype.group(1) if doctype else b""
            if name.lower() in (b"html", b"xhtml:html"):
                raise self._html_page(data)
        data, had_doctype = _strip_doctype(data)
        if had_doctype:
            self.warnings.append(
                "ignored the document type declaration: entities it declares are not expanded"
            )
        self.prepared = data  # what the feedparser fallback reads
        data, lifted = _lift_cdata(data)
        data, dropped = _fix_entities(data)
        if dropped:
            self.warnings.append(f"dropped {dropped} reference(s) to undeclared entities")
        token = _lifted.set(lifted)
        try:
            return self._xml_tree(data)
        finally:
            _lifted.reset(token)

    def _xml_tree(self, data: bytes) -> ParsedFeed:
        root, errors = self._lxml(data)
        if root is None:
            if fallback := self._feedparser("lxml could not read the document"):
                return fallback
            detail = f" ({_shorten(errors[0], 160)})" if errors else ""
            raise FeedError(
                f"not a feed: the XML could not be read{detail}",
                "check the feed URL in a browser or a feed validator",
            )
        kind = _qname(root.tag)
        if kind.startswith("atom:"):
            kind = kind[5:]
        if kind in ("html", "xhtml:html"):
            raise self._html_page(data)
        if kind not in ("rss", "rdf:RDF", "RDF", "channel", "feed", "entry"):
            if fallback := self._feedparser(f"unknown root element <{kind}>"):
                return fallback
            if kind in _HTML_ELEMENTS:
                raise FeedError(
                    f"not a feed: an HTML fragment (it starts with <{kind}>)",
                    "check the feed URL; this looks like part of a web page",
                )
            raise FeedError(
                f"not a feed: an XML document whose root element is <{_shorten(kind, 40)}>",
                "this is some other XML, not an RSS or Atom feed",
            )
        atom = kind in ("feed", "entry")
        elements = (
            [root] if kind == "entry" else list(root.iter(*_ENTRY_TAGS if atom else _ITEM_TAGS))
        )

        name = b"entry" if atom else b"item"
        if errors:  # the markup is the only witness of what a recovering parser dropped
            closes = _count_closes(data, name)
        else:  # a clean parse lost nothing: count entries in any namespace, found or not
            # (an empty element, such as some extension's <x:item/>, is not an entry)
            closes = sum(
                1 for e in root.iter("{*}" + name.decode()) if len(e) or (e.text or "").strip()
            )
        if errors and not _ROOT_CLOSE.search(data[-4096:]):
            # A cut-off download. The cut entry is kept (its title and link are usually
            # whole) and the warning says its text may stop short.
            cut = kind != "entry" and bool(elements) and len(elements) == closes + 1
            self.warnings.append(
                "the feed is truncated (download cut off?)"
                + (": its last entry is incomplete" if cut else "")
            )
        if closes > len(elements) and kind != "entry":
            fallback = self._feedparser(
                f"lxml found {len(elements)} entries where the markup closes {closes}",
                better_than=len(elements),
            )
            if fallback:
                return fallback
        if errors:
            self.warnings.append(f"recovered from malformed XML: {_shorten(errors[0], 160)}")
        return self._from_tree(root, kind, atom, elements, b"xml:base" in data)

    def _lxml(self, data: bytes):
        parser = _xml_parser(huge=False)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            root = None
        log = parser.error_log
        if any("XML_PARSE_HUGE" in entry.message for entry in log):
            # A text node over 10 MB, or nesting over 256: read again with the limits raised.
            # Safe because the DTD is gone and entities are never expanded.
            parser = _xml_parser(huge=True)
            try:
                root = etree.fromstring(data, parser)
            except etree.XMLSyntaxError:
                root = None
            log = parser.error_log
            self.warnings.append(
                "the feed has a text over 10 MB or nests over 256 levels deep:"
                " read with the parser's size limits raised (long texts are cut)"
            )
        return root, [f"line {entry.line}: {entry.message}" for entry in log if entry.level >= 2]

    def _html_page(self, data: bytes) -> FeedError:
        discovered = discover_feeds(data, self.url or "")
        if discovered:
            advice = "the page lists these feeds; use one of them: " + ", ".join(discovered[:5])
        else:
            advice = "find the site's feed link (often /feed, /rss.xml or /atom.xml) and use it"
        return FeedError("not a feed: an HTML page", advice, discovered)

    # -- tree → entries --------------------------------------------------------------------

    def _from_tree(self, root, kind: str, atom: bool, elements: list, xml_base: bool):
        if kind == "entry":
            channel = None
        elif atom or kind == "channel":
            channel = root
        else:
            channel = next((c for c in root if _qname(c.tag) in ("channel", "atom:channel")), None)
        meta = _children(channel, atom) if channel is not None else {}
        title = ""
        if meta.get("title"):
            value, is_html = self._atom_text(meta["title"][0]) if atom else (
                _markup(meta["title"][0]), True)  # fmt: skip
            title = _clip(_title_text(value, is_html), MAX_TITLE_CHARS)
        if atom:
            feed_link = self._atom_link(meta.get("link", ()), None)
            self_link = self._atom_link(meta.get("link", ()), None, rel="self")
        else:
            feed_link = next(
                (v for e in meta.get("link", ()) if (v := _plain(e).strip() or e.get("href", ""))),
                None,
            )
            self_link = self._atom_link(meta.get("atom:link", ()), None, rel="self")
        doc_base = self.url or _absolute(self_link) or _absolute(feed_link)
        if feed_link and doc_base:
            feed_link = _join(doc_base, feed_link)
        feed_author = self._atom_person(meta["author"][0]) if atom and meta.get("author") else None

        raws = []
        for element in elements:
            base = self._xml_base(element, doc_base) if xml_base else doc_base
            try:
                if atom:
                    raw = self._atom_entry(element, base, xml_base)
                    raw.author = raw.author or feed_author
                else:
                    raw = self._rss_entry(element, base, xml_base)
            except Exception as exc:  # one odd entry must not cost the rest of the feed
                self.warnings.append(f"skipped an entry that could not be read: {exc!r:.120}")
                continue
            raws.append(raw)
        return self._finish(title, feed_link, raws, "lxml")

    @staticmethod
    def _xml_base(element, doc_base: str | None) -> str | None:
        chain = []
        node = element
        while node is not None:
            if value := node.get(XML_BASE):
                chain.append(value.strip())
            node = node.getparent()
        base = doc_base
        for value in reversed(chain):
            base = _join(base, value) if base else value
        return base

    def _rss_entry(self, item, base: str | None, xml_base: bool) -> _Raw:
        fields = _children(item, atom=False)
        raw = _Raw(base=base)
        if (title := _first(fields, "title", "dc:title", "atom:title")) is not None:
            raw.title = _markup(title)
        link = None
        for element in fields.get("link", ()):
            if link := _plain(element).strip() or element.get("href", "").strip():
                if xml_base:
                    link = _join(self._xml_base(element, base), link)
                break
        if not link and "atom:link" in fields:
            link = self._atom_link(fields["atom:link"], base)
        if (guid := _first(fields, "guid")) is not None:
            raw.guid = _plain(guid).strip() or None
            if not link and raw.guid and guid.get("isPermaLink", "true").lower() != "false":
                link = raw.guid  # RSS 2.0: a guid is the item's permalink unless it says not
        if raw.guid is None:
            raw.guid = (item.get(f"{{{RDF}}}about") or "").strip() or None
        raw.link = link or None
        for name in _RSS_DATES:
            for element in fields.get(name, ()):
                raw.dates.append(_plain(element))
        author = _first(fields, "dc:creator", "author", "itunes:author", "atom:author")
        if author is not None:
            raw.author = self._rss_author(author)
        for name, kind in _RSS_CONTENTS:
            for element in fields.get(name, ()):
                raw.contents.append((_content(element), kind))
        for element in fields.get("atom:content", ()):
            raw.contents.append(self._atom_content(element))
        if "media:group" in fields or "media:content" in fields or "media:description" in fields:
            self._media(fields, raw)
        return raw

    def _atom_entry(self, entry, base: str | None, xml_base: bool) -> _Raw:
        fields = _children(entry, atom=True)
        raw = _Raw(base=base)
        if (title := _first(fields, "title")) is not None:
            raw.title, raw.title_is_html = self._atom_text(title)
        raw.link = self._atom_link(fields.get("link", ()), base, xml_base=xml_base)
        raw.guid = _plain(_first(fields, "id")).strip() or None
        if raw.link is None and raw.guid and is_safe_link(raw.guid):
            raw.link = raw.guid  # an http(s) id is the entry's address
        for name in _ATOM_DATES:
            for element in fields.get(name, ()):
                raw.dates.append(_plain(element))
        if (author := _first(fields, "author")) is not None:
            raw.author = self._atom_person(author)
        elif fields.get("dc:creator"):
            raw.author = _plain(fields["dc:creator"][0])
        for name in ("content", "summary"):
            for element in fields.get(name, ()):
                if not element.get("src"):  # out-of-line content has nothing to read here
                    raw.contents.append(self._atom_content(element))
        for element in fields.get("content:encoded", ()):
            raw.contents.append((_content(element), "html"))
        if "media:group" in fields or "media:content" in fields or "media:description" in fields:
            self._media(fields, raw)
        return raw

    @staticmethod
    def _media(fields: dict, raw: _Raw) -> None:
        """Media RSS (YouTube and podcasts): description as content, title if none."""
        candidates = list(fields.get("media:description", ()))
        for group in (*fields.get("media:group", ()), *fields.get("media:content", ())):
            for child in group:
                name = _qname(child.tag)
                if name == "media:description":
                    candidates.append(child)
                elif name == "media:title" and not raw.title:
                    raw.title, raw.title_is_html = _plain(child), False
        for element in candidates:
            if element.get("type", "").lower() == "html":
                raw.contents.append((_markup(element), "html"))
            else:
                raw.contents.append((_plain(element), "text"))

    @staticmethod
    def _atom_text(element) -> tuple[str, bool]:
        """(value, is_html) of an Atom text construct (1.0 type=, 0.3 type= and mode=)."""
        kind = (element.get("type") or "text").lower()
        if kind in ("xhtml", "application/xhtml+xml") or len(element):
            return _markup(element), True
        if element.get("mode", "").lower() == "base64":
            return "", False
        if "html" in kind:
            return _text(element), True
        return _text(element), False

    def _atom_content(self, element) -> tuple[str, str]:
        value, is_html = self._atom_text(element)
        kind = (element.get("type") or "").lower()
        if not is_html and kind not in ("", "text", "text/plain"):
            return "", "text"  # base64 or some other media type: nothing to read
        return value, "html" if is_html else "text"

    def _atom_link(self, links, base, rel: str = "alternate", xml_base: bool = False):
        best, best_rank = None, 2
        for element in links:
            href = (element.get("href") or _plain(element)).strip()
            if not href:
                continue
            link_rel = (element.get("rel") or "alternate").strip().lower()
            if link_rel != rel and not link_rel.endswith("/" + rel):
                continue
            link_type = (element.get("type") or "").lower()
            rank = 0 if link_type in ("", "text/html", "application/xhtml+xml") else 1
            if rank < best_rank:
                link_base = self._xml_base(element, base) if xml_base else base
                best, best_rank = _join(link_base, href), rank
        return best

    @staticmethod
    def _atom_person(element) -> str | None:
        for child in element:
            if _qname(child.tag) in ("atom:name", "name"):
                return _plain(child)
        return _plain(element) or None

    @staticmethod
    def _rss_author(element) -> str | None:
        for child in element:
            if _qname(child.tag) in ("atom:name", "name"):
                return _plain(child)
        value = _plain(element).strip()
        match = _EMAIL_NAME.fullmatch(value)  # "jane@example.org (Jane Doe)" → "Jane Doe"
        return match.group(1) if match else value

    # -- the feedparser fallback -----------------------------------------------------------

    def _feedparser(self, reason: str, better_than: int = 0) -> ParsedFeed | None:
        if len(self.prepared) > FEEDPARSER_MAX_BYTES:
            self.warnings.append(f"{reason}; the feed is too large for the slower second look")
            return None
        import feedparser  # only needed here, and slow to import

        # The declaration may still name the encoding the bytes had before they became UTF-8.
        headers = {"content-type": "application/xml; charset=utf-8"}
        if self.url:
            headers["content-location"] = self.url
        body, _ = _fix_entities(self.prepared)
        try:
            result = feedparser.parse(
                _XML_DECL.sub(b"", body, count=1),
                response_headers=headers,
                resolve_relative_uris=False,
                sanitize_html=False,
            )
        except Exception:
            return None
        with warnings.catch_warnings():  # feedparser warns when "updated" maps to "published"
            warnings.simplefilter("ignore", DeprecationWarning)
            return self._from_feedparser(result, reason, better_than)

    def _from_feedparser(self, result, reason: str, better_than: int) -> ParsedFeed | None:
        entries = result.get("entries") or []
        if len(entries) <= better_than:
            return None
        self.warnings.append(f"read with feedparser: {reason}")
        feed = result.get("feed") or {}
        detail = feed.get("title_detail") or {}
        is_html = "plain" not in (detail.get("type") or "html")
        title = _clip(_title_text(detail.get("value") or "", is_html), MAX_TITLE_CHARS)
        feed_link = feed.get("link")
        doc_base = self.url or _absolute(feed_link)
        raws = []
        for entry in entries:
            raw = _Raw(base=doc_base)
            detail = entry.get("title_detail") or {}
            raw.title = detail.get("value") or entry.get("title") or ""
            raw.title_is_html = "plain" not in (detail.get("type") or "html")
            raw.link = entry.get("link")
            raw.guid = entry.get("id") or None
            raw.dates = [
                entry[k] for k in ("published", "updated") if isinstance(entry.get(k), str)
            ]
            raw.author = entry.get("author")
            for content in entry.get("content") or ():
                kind = "text" if "plain" in (content.get("type") or "") else "html"
                raw.contents.append((content.get("value") or "", kind))
            summary = entry.get("summary_detail") or {}
            if summary.get("value"):
                kind = "text" if "plain" in (summary.get("type") or "") else "auto"
                raw.contents.append((summary["value"], kind))
            raws.append(raw)
        return self._finish(title, feed_link, raws, "feedparser")

    # -- JSON Feed -------------------------------------------------------------------------

    def _json(self, data: bytes) -> ParsedFeed:
        text = data.decode("utf-8")
        try:
            doc = json.loads(text, strict=False)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()):
                raise FeedError(
                    "not a feed: truncated JSON (it stops in the middle"
                    f"{' of a string' if exc.msg.startswith('Unterminated') else ''})",
                    "the download was cut off; the next run will probably get all of it",
                ) from exc
            raise FeedError(
                f"not a feed: invalid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})",
                "check the feed with a JSON Feed validator",
            ) from exc
        except RecursionError as exc:
            raise FeedError("not a feed: the JSON nests too deeply to read") from exc
        if not isinstance(doc, dict):
            raise FeedError(
                "not a feed: JSON that is not a JSON Feed (no top-level object)",
                "check the feed URL; a JSON Feed is an object with an 'items' list",
            )
        version = doc.get("version")
        if not (isinstance(version, str) and _JSONFEED_VERSION.match(version)):
            if "rss" in doc and "items" not in doc:
                raise FeedError(
                    "not a feed: RSS-in-JSON is not supported",
                    "use the site's RSS or Atom feed instead",
                )
            if "items" not in doc:
                raise FeedError(
                    "not a feed: JSON that is not a JSON Feed",
                    "check the feed URL; a JSON Feed has a 'version' and an 'items' list",
                )
            self.warnings.append(f"JSON Feed 'version' is {_json_type(version)}: read anyway")
        items = doc.get("items")
        if not isinstance(items, list):
            raise FeedError(
                f"invalid JSON Feed: 'items' is {_json_type(items)}, not a list",
                "the feed is broken; tell its publisher",
            )
        title = doc.get("title")
        if not isinstance(title, str):
            if title is not None:
                self.warnings.append(f"JSON Feed 'title' is {_json_type(title)}, not a string")
            title = ""
        home = _str_or_none(doc.get("home_page_url"))
        doc_base = self.url or _absolute(_str_or_none(doc.get("feed_url"))) or _absolute(home)
        feed_author = _json_author(doc)
        raws = []
        skipped = 0
        for item in items:
            if not isinstance(item, dict):
                skipped += 1
                continue
            raw = _Raw(base=doc_base, title_is_html=False)
            item_id = item.get("id")
            if isinstance(item_id, str):
                raw.guid = item_id.strip() or None
            elif isinstance(item_id, int | float) and not isinstance(item_id, bool):
                raw.guid = str(item_id)  # the spec says to coerce other types to strings
            raw.title = _str_or_none(item.get("title")) or ""
            raw.link = _str_or_none(item.get("url")) or _str_or_none(item.get("external_url"))
            for key in ("date_published", "date_modified"):
                if value := _str_or_none(item.get(key)):
                    raw.dates.append(value)
            raw.author = _json_author(item) or feed_author
            if html := _str_or_none(item.get("content_html")):
                raw.contents.append((html, "html"))  # the full text; content_text repeats it
            else:
                for key in ("content_text", "summary"):
                    if value := _str_or_none(item.get(key)):
                        raw.contents.append((value, "text"))
            if not (raw.title or raw.link or raw.contents):
                skipped += 1  # nothing usable: wrong types everywhere
                continue
            raws.append(raw)
        if skipped:
            self.warnings.append(f"skipped {skipped} JSON Feed item(s) with no usable fields")
            self.skipped += skipped
        return self._finish(_clip(" ".join(title.split()), MAX_TITLE_CHARS), home, raws, "json")

    # -- common ----------------------------------------------------------------------------

    def _finish(self, title: str, link: str | None, raws: list[_Raw], parser: str) -> ParsedFeed:
        articles: list[Article] = []
        empty = 0
        for raw in raws:
            article = self._article(raw)
            if article is None:
                empty += 1
            else:
                articles.append(article)
        if empty:
            self.warnings.append(f"skipped {empty} entry(ies) with no title, link or text")
        articles = self._tell_apart(articles)
        link = _clean_link(link, None) if isinstance(link, str) else None
        warnings = tuple(dict.fromkeys(self.warnings))
        return ParsedFeed(title, link, tuple(articles), warnings, parser, self.skipped + empty)

    def _tell_apart(self, articles: list[Article]) -> list[Article]:
        """Entries of this feed that share a key (a guid reused for every item, or a link
        to the home page) but are not the same article get keys of their own, from their
        title and link; an entry repeated as it is stays one. Without this, all but the
        first would be taken for it and never shown."""
        counts = Counter(a.key for a in articles)
        if len(counts) == len(articles):
            return articles
        told_apart: list[Article] = []
        shared: set[str] = set()
        for article in articles:
            if counts[article.key] == 1:
                told_apart.append(article)
                continue
            shared.add(article.key)
            mark = hashlib.sha256(f"{article.title}\n{article.url}".encode()).hexdigest()[:16]
            told_apart.append(replace(article, key=f"{article.key}#{mark}"))
        for key in sorted(shared):
            self.warnings.append(
                f"{counts[key]} entries share the id {_shorten(key.partition(':')[2], 80)};"
                " told apart by title and link"
            )
        return told_apart

    def _article(self, raw: _Raw) -> Article | None:
        title = _clip(_title_text(raw.title, raw.title_is_html), MAX_TITLE_CHARS)
        link = _clean_link(raw.link, raw.base)
        contents = [(value, kind) for value, kind in raw.contents if value and not value.isspace()]
        if not (title or link or contents):
            return None
        # Most entries of a feed were shown on an earlier day or belong to a new feed's old
        # backlog; converting their HTML would be wasted work, so it waits until first read.
        paragraphs = DeferredParagraphs(contents)
        published = None
        for value in raw.dates:
            if (published := _parse_date(value, latest=self.date_limit)) is not None:
                break
        author = _clip(_title_text(raw.author or "", False), MAX_AUTHOR_CHARS) or None
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
            key = f"id:{self.source.name}:{guid}"
        elif link:
            key = "url:" + url_key(link)
        else:
            body = "\n\n".join(p.text for p in paragraphs)
            key = "hash:" + hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
        return Article(
            key=key,
            source=self.source.name,
            title=title,
            paragraphs=paragraphs,
            url=link,
            published=published,
            author=author,
        )


# --------------------------------------------------------------------------------------------
# Helpers


_GLOBAL_ID = re.compile(r"(?:tag|urn):\S", re.IGNORECASE)
_EMAIL_NAME = re.compile(r"\S+@\S+\s*\((.+)\)")
_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*|!--)>")
_LOOKS_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LOOKS_HTML_BYTES = re.compile(_LOOKS_HTML.pattern.encode())
_LOOKS_ENTITY_BYTES = re.compile(_LOOKS_ENTITY.pattern.encode())
_BLANK_LINES = re.compile(r"\n\s*\n")
_JSONFEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/")


def _title_text(value: str, is_html: bool) -> str:
    if not value:
        return ""
    if is_html:
        return html_to_text(value)
    if "&" in value and _LOOKS_ENTITY.search(value):
        value = unescape(value)  # "text" titles with escaped entities are common
    value = " ".join(value.split())
    return value if value.isprintable() else " ".join(strip_control_chars(value).split())


class DeferredParagraphs(Sequence[Paragraph]):
    """An entry's paragraphs, converted from its content the first time anyone reads them.

    Behaves as the tuple it stands for (indexing, slicing, iteration, equality), so the rest
    of the pipeline need not know the conversion was put off.
    """

    __slots__ = ("_contents", "_paragraphs")

    def __init__(self, contents: list[tuple[str | bytes, str]]) -> None:
        self._contents: list[tuple[str | bytes, str]] | None = contents
        self._paragraphs: tuple[Paragraph, ...] = ()

    def _resolve(self) -> tuple[Paragraph, ...]:
        if self._contents is not None:
            self._paragraphs = _best_paragraphs(self._contents)
            self._contents = None
        return self._paragraphs

    def __getitem__(self, index: int | slice) -> Paragraph | tuple[Paragraph, ...]:  # type: ignore[override]
        return self._resolve()[index]

    def __len__(self) -> int:
        return len(self._resolve())

    def __iter__(self) -> Iterator[Paragraph]:
        return iter(self._resolve())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredParagraphs | tuple | list):
            return self._resolve() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._resolve())

    def __repr__(self) -> str:
        return repr(self._resolve())


def _best_paragraphs(contents: list[tuple[str | bytes, str]]) -> tuple[Paragraph, ...]:
    """The fullest content (the longest source) as paragraphs; shorter ones as fallbacks.

    A value is str, or UTF-8 bytes when it came from a CDATA section (see _content).
    """
    candidates = [(value, kind) for value, kind in contents if value and not value.isspace()]
    if len(candidates) > 1:
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    for value, kind in candidates:
        value = value[:MAX_CONTENT_CHARS]
        if kind == "auto":
            if isinstance(value, bytes):
                looks_html = _LOOKS_HTML_BYTES.search(value) or _LOOKS_ENTITY_BYTES.search(value)
            else:
                looks_html = _LOOKS_HTML.search(value) or _LOOKS_ENTITY.search(value)
            kind = "html" if looks_html else "text"
        if kind == "html":
            paragraphs = html_to_paragraphs(value)
        else:
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
            paragraphs = _text_paragraphs(value)
        if paragraphs:
            # Text is never longer than its source, so short sources need no counting.
            return _cap_paragraphs(paragraphs) if len(value) > MAX_TEXT_CHARS else tuple(paragraphs)
    return ()


def _text_paragraphs(text: str) -> list[Paragraph]:
    """Plain text → paragraphs: blank lines separate them (lines, when there are none)."""
    if "\n" not in text and "\r" not in text:
        blocks = [text]
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        blocks = _BLANK_LINES.split(text)
        if len(blocks) == 1:
            blocks = text.split("\n")
    out = []
    for block in blocks:
        block = " ".join(block.split())
        if block and not block.isprintable():
            block = " ".join(strip_control_chars(block).split())
        if block:
            out.append(Paragraph(block))
    return out


def _cap_paragraphs(paragraphs: list[Paragraph]) -> tuple[Paragraph, ...]:
    """At most MAX_TEXT_CHARS of text: whole paragraphs, then the last one clipped."""
    if sum(len(p.text) for p in paragraphs) <= MAX_TEXT_CHARS:
        return tuple(paragraphs)
    kept = []
    room = MAX_TEXT_CHARS
    for paragraph in paragraphs:
        if len(paragraph.text) > room:
            if room > 100:
                kept.append(Paragraph(_clip(paragraph.text, room), paragraph.kind))
            break
        kept.append(paragraph)
        room -= len(paragraph.text)
    return tuple(kept)


def _clean_link(link: str | None, base: str | None) -> str | None:
    """An entry link made absolute and canonical, or None unless it is http(s)."""
    if not link or not isinstance(link, str):
        return None
    link = link.strip()
    if not link or len(link) > MAX_URL_CHARS:
        return None
    if "&" in link and _LOOKS_ENTITY.search(link):
        link = unescape(link)  # "&amp;amp;" in the XML: an escaped URL escaped once more
    if base and not is_safe_link(link):
        link = _join(base, link)
    if not is_safe_link(link):
        return None
    return canonical_url(link if link.isprintable() else strip_control_chars(link))


def _join(base: str | None, href: str) -> str:
    if not base or href.startswith(("http://", "https://")):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href


def _absolute(link: str | None) -> str | None:
    return link.strip() if link and is_safe_link(link) else None


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _json_author(obj: dict) -> str | None:
    authors = obj.get("authors")
    if isinstance(authors, list):
        names = [a["name"] for a in authors if isinstance(a, dict) and _str_or_none(a.get("name"))]
        if names:
            return ", ".join(names)
    author = obj.get("author")  # JSON Feed 1.0
    if isinstance(author, dict) and _str_or_none(author.get("name")):
        return author["name"]
    return None
