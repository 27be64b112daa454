"""An XML document → a raw feed, read by lxml and checked against its own markup.

HTML pages are refused with the feeds they advertise, other XML with what it is. The
document is prepared and parsed by ``xmlsafe``; the tree is read by ``rss_atom``. Then the
fast path is checked: when lxml found fewer entry elements than the document has closing
``</item>``/``</entry>`` tags, or could not read the document at all, or the root is none a
feed has, the feedparser fallback (slow but lenient) reads the same text and wins if it finds
more entries. A cut-off download keeps what it has, and says so.

An entry the parser had to recover from broken markup is marked ``damaged`` (its text may
be cut short, or mixed up with the next entry's): one a parser error fell in, as
``xmlsafe.damaged_entries`` locates them, or, when that cannot be told (feedparser read the
document, or the parser's entries do not pair with the markup's), the last entry of a
document that ends in the middle.
"""

from __future__ import annotations

from digest.sources.feeds import fallback, rss_atom
from digest.sources.feeds.autodiscovery import discover_feeds
from digest.sources.feeds.entries import RawFeed
from digest.sources.feeds.errors import FeedError, shorten
from digest.sources.feeds.xmlsafe import (
    LiftedCdata,
    count_closes,
    damaged_entries,
    declared_root,
    ends_complete,
    parse_hardened,
    prepare,
)

_HTML_ELEMENTS = frozenset(
    (
        *("html", "head", "body", "div", "p", "span", "a", "table", "ul", "ol", "li", "img"),
        *("article", "section", "main", "header", "footer", "nav", "h1", "h2", "h3", "h4"),
        *("h5", "h6", "blockquote", "pre", "br", "hr", "form", "script", "style"),
    )
)


def read(data: bytes, url: str | None, warnings: list[str]) -> RawFeed:
    """The feed in ``data`` (UTF-8, starting with "<"), or FeedError. ``url``: where it came
    from, if known and http(s); ``warnings`` collects what was repaired or left out."""
    if declared_root(data).lower() in (b"html", b"xhtml:html"):
        raise _html_page(data, url)
    prepared = prepare(data, warnings)
    with LiftedCdata(prepared.cdata):
        return _read_checked(prepared.for_lxml, prepared.without_doctype, url, warnings)


def _read_checked(
    data: bytes, for_fallback: bytes, url: str | None, warnings: list[str]
) -> RawFeed:
    """``data`` is the prepared document; ``for_fallback`` the same with its CDATA sections and
    entities as they were."""
    root, errors, damage = parse_hardened(data, warnings)
    if root is None:
        if found := fallback.read(for_fallback, url, "lxml could not read the document", warnings):
            return _last_cut(found, data)
        detail = f" ({shorten(errors[0], 160)})" if errors else ""
        cut = not ends_complete(data)
        raise FeedError(
            f"not a feed: the XML could not be read{detail}",
            "the download was cut off, or the publisher's copy is: the next run downloads it"
            " again in full"
            if cut
            else "check the feed URL in a browser or a feed validator",
            lasting=not cut,
        )
    kind = rss_atom.root_kind(root)
    if kind in ("html", "xhtml:html"):
        raise _html_page(data, url)
    if kind not in rss_atom.FEED_ROOTS:
        if found := fallback.read(for_fallback, url, f"unknown root element <{kind}>", warnings):
            return _last_cut(found, data)
        if kind in _HTML_ELEMENTS:
            raise FeedError(
                f"not a feed: an HTML fragment (it starts with <{kind}>)",
                "check the feed URL; this looks like part of a web page",
            )
        raise FeedError(
            f"not a feed: an XML document whose root element is <{shorten(kind, 40)}>",
            "this is some other XML, not an RSS or Atom feed",
        )
    elements = rss_atom.entry_elements(root, kind)

    name = b"entry" if kind in ("feed", "entry") else b"item"
    if errors:  # the markup is the only witness of what a recovering parser dropped
        closes = count_closes(data, name)
    else:  # a clean parse lost nothing: count entries in any namespace, found or not
        # (an empty element, such as some extension's <x:item/>, is not an entry)
        closes = sum(
            1 for e in root.iter("{*}" + name.decode()) if len(e) or (e.text or "").strip()
        )
    truncated = bool(errors) and not ends_complete(data)
    if truncated:
        # A cut-off download. The cut entry is kept (its title and link are usually
        # whole) and the warning says its text may stop short.
        cut = kind != "entry" and bool(elements) and len(elements) == closes + 1
        warnings.append(
            "the feed is truncated (download cut off?)"
            + (": its last entry is incomplete" if cut else "")
        )
    if closes > len(elements) and kind != "entry":
        reason = f"lxml found {len(elements)} entries where the markup closes {closes}"
        if found := fallback.read(for_fallback, url, reason, warnings, better_than=len(elements)):
            return _last_cut(found, data)
    damaged: set[int] = set()
    if errors:
        if not truncated:  # a truncated document's errors are its cut: said above, once
            warnings.append(f"recovered from malformed XML: {shorten(errors[0], 160)}")
        located = damaged_entries(data, name, damage, len(elements))
        if located is not None:
            damaged = located
        elif elements and truncated:  # where errors fell is unknown: the cut
            damaged = {len(elements) - 1}
    return rss_atom.read_tree(root, kind, elements, b"xml:base" in data, url, warnings, damaged)


def _last_cut(feed: RawFeed, data: bytes) -> RawFeed:
    """``feed`` (as feedparser read it), its last entry marked damaged if ``data`` ends in the
    middle: feedparser says nothing of where the markup broke."""
    if feed.entries and not ends_complete(data):
        feed.entries[-1].damaged = True
    return feed


def _html_page(data: bytes, url: str | None) -> FeedError:
    discovered = discover_feeds(data, url or "")
    if discovered:
        advice = "the page lists these feeds; use one of them: " + ", ".join(discovered[:5])
    else:
        advice = (
            "find the site's feed link, often /feed, /rss.xml or /atom.xml, and use it; or, "
            'if this page is an article to read as it is, make it kind = "page"'
        )
    return FeedError("not a feed: an HTML page", advice, discovered)
