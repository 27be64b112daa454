"""Feed autodiscovery: the feeds an HTML page advertises with ``<link rel="alternate">``.

Used when an HTML page arrives where a feed was expected: the FeedError then names the
feeds the page lists, which ``digest sources add`` follows and ingest suggests as the url.
"""

from __future__ import annotations

from html import unescape
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from digest.sources.feeds.entries import join_url
from digest.sources.urls import is_safe_link
from digest.text.decode import decode_bytes

FEED_TYPES = frozenset(
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
MAYBE_FEED_TYPES = frozenset({"application/json"})


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
            base = join_url(base, (base_element.attributes.get("href") or "").strip())
        found: list[str] = []
        last_resort: list[str] = []  # plain application/json links that look like feeds
        for link in tree.css("link[rel][href]"):
            attrs = link.attributes
            rels = (attrs.get("rel") or "").lower().split()
            kind = (attrs.get("type") or "").split(";")[0].strip().lower()
            if "alternate" not in rels or kind not in FEED_TYPES | MAYBE_FEED_TYPES:
                continue
            href = join_url(base, unescape((attrs.get("href") or "").strip()))
            if not is_safe_link(href):
                continue
            if kind in FEED_TYPES:
                found.append(href)
            elif _looks_like_a_json_feed(href):
                last_resort.append(href)
        return list(dict.fromkeys(found + last_resort))
    except Exception:  # a page too broken to read advertises nothing
        return []


def _looks_like_a_json_feed(url: str) -> bool:
    path = urlsplit(url).path.lower()
    if "/wp-json/" in path or path.endswith("/wp-json"):
        return False
    return "feed" in path or path.endswith(".json")
