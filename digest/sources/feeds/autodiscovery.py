"""Feed autodiscovery: the feeds an HTML page advertises with ``<link rel="alternate">``,
and where to look when it advertises none.

Used when an HTML page arrives where a feed was expected: the FeedError then names the
feeds the page lists, the site's main feed first, which ``digest sources add`` follows and
ingest suggests as the url. For a page that declares no feed, ``digest sources add`` tries
the links in it that lead to one (``linked_feeds``), then the addresses where sites usually
keep theirs (``well_known_feed_urls``). Nothing here opens a connection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

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

# What names a feed in an address or on a link (word by word: "feedback" is no feed).
FEED_WORDS = frozenset({"rss", "rss2", "atom", "feed", "feeds", "rdf"})
# A page may declare several feeds; the one to read is the site's own, not the comments'
# ("Example » Comments Feed", /comments/feed/, ?feed=comments-rss2) nor one category's.
COMMENT_WORDS = frozenset(
    {"comment", "comments", "commentaires", "commenti", "comentarios", "kommentare"}
)
SECTION_SEGMENTS = frozenset({"category", "categories", "tag", "tags", "author", "topics", "-"})
SECTION_KEYS = frozenset({"cat", "category", "tag", "author"})
SECTION_WORDS = frozenset({"category", "tag"})
# Where sites without a declared feed keep it, most common first: WordPress and Substack,
# Drupal, many generators, Jekyll, Hugo, Tumblr and Ghost, Blogger; and WordPress's own
# address where a server does not redirect /feed to it.
# The usual addresses tried under a blog's folder too (WordPress's, Hugo's section feed), each
# before the site's own of the same rank: the guesses are few, and the site's own usual
# addresses (Hugo's "/index.xml", Ghost's "/rss") must still fit among them.
_UNDER_A_FOLDER = ("/feed", "/index.xml")
WELL_KNOWN_PATHS = (
    "/feed",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/rss",
    "/feeds/posts/default",
    "/feed/",
)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page points to: its absolute URL and what the page calls it (the link's
    ``title``, or an ``<a>``'s text; empty when it says nothing)."""

    url: str
    title: str = ""


def discover_feeds(html: bytes | str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds an HTML page advertises with <link rel="alternate">, the
    site's main feed first (see ``feed_links``)."""
    return [link.url for link in feed_links(html, base_url)]


def feed_links(html: bytes | str, base_url: str) -> list[FeedLink]:
    """The feeds an HTML page advertises with <link rel="alternate">, the site's main feed
    first: comment feeds last, and per-category, tag or author feeds after the site's own
    (unless the page is that category's: its feed is what its address asks for); plain
    application/json links after the others of their rank. Otherwise in the page's order."""
    page = _read_page(html, base_url)
    if page is None:
        return []
    tree, base = page
    ranked: list[tuple[tuple[int, ...], FeedLink]] = []
    for link in tree.css("link[rel][href]"):
        attrs = link.attributes
        rels = (attrs.get("rel") or "").lower().split()
        kind = (attrs.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or kind not in FEED_TYPES | MAYBE_FEED_TYPES:
            continue
        href = join_url(base, unescape((attrs.get("href") or "").strip()))
        if not is_safe_link(href):
            continue
        last_resort = kind not in FEED_TYPES
        if last_resort and not _looks_like_a_json_feed(href):
            continue
        found = FeedLink(href, " ".join((attrs.get("title") or "").split()))
        ranked.append(((_rank(found, base_url), last_resort), found))
    return _best_first(ranked)


def linked_feeds(html: bytes | str, base_url: str, *, limit: int = 4) -> list[FeedLink]:
    """The ``<a href>`` links of a page that clearly lead to a feed, for a page that declares
    none in its head: by their address (``/feed/``, ``rss.xml``, ``?feed=rss2``, a
    ``feeds.`` host) or by what they show (their text saying RSS or Atom, an RSS icon).

    Best first: links both address and look name, then those only the address names, then
    those only the look names; comment and category feeds after the rest. At most ``limit``:
    each is a request, and a page full of "feed" words is no better for it."""
    page = _read_page(html, base_url)
    if page is None:
        return []
    tree, base = page
    here = base_url.partition("#")[0]
    ranked: list[tuple[tuple[int, ...], FeedLink]] = []
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        url = join_url(base, unescape(href)).partition("#")[0]
        if not is_safe_link(url) or url == here:
            continue
        text = " ".join((anchor.text(deep=True) or "").split())
        by_address, by_look = _address_names_a_feed(url), _looks_like_a_feed_link(anchor, text)
        if not (by_address or by_look):
            continue
        found = FeedLink(url, text[:80])
        how = 0 if by_address and by_look else 1 if by_address else 2
        ranked.append(((_rank(found, base_url), how), found))
    return _best_first(ranked)[:limit]


def is_main_feed(link: FeedLink, page_url: str) -> bool:
    """Whether ``link`` is a site's own feed (or the feed of the page itself), not a
    comments feed nor one category's, tag's or author's, as ``feed_links`` ranks them."""
    return _rank(link, page_url) == 0


def well_known_feed_urls(page_url: str) -> list[str]:
    """The addresses where a site's feed usually is, on ``page_url``'s own origin, most
    common first (and under the page's folder, for a page one folder deep: a blog kept at
    "/blog/"); for a site whose pages name no feed at all."""
    parts = urlsplit(page_url)
    paths = list(WELL_KNOWN_PATHS)
    # A blog kept under one folder of its site ("https://example.org/blog/") has its feed
    # there ("/blog/feed"): those first, then the site's own. Only for a page one folder
    # deep: under an article's address, "/feed" is that article's comments (WordPress).
    folders = [part for part in parts.path.split("/") if part]
    if len(folders) == 1 and "." not in folders[0]:
        under = [f"/{folders[0]}{path}" for path in _UNDER_A_FOLDER]
        paths = [p for pair in zip(under, paths, strict=False) for p in pair] + paths[len(under) :]
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in paths]


def _read_page(html: bytes | str, base_url: str) -> tuple[LexborHTMLParser, str] | None:
    """The page's tree and the base its relative links resolve against, or None."""
    if isinstance(html, bytes | bytearray):
        html = decode_bytes(bytes(html))
    if not html:
        return None
    try:
        tree = LexborHTMLParser(html[:2_000_000])
        base = base_url or ""
        base_element = tree.css_first("base[href]")
        if base_element is not None:
            base = join_url(base, (base_element.attributes.get("href") or "").strip())
    except Exception:  # a page too broken to read names nothing
        return None
    return tree, base


def _best_first(ranked: list[tuple[tuple[int, ...], FeedLink]]) -> list[FeedLink]:
    """The links by rank, each address once; the page's order within a rank."""
    best: dict[str, FeedLink] = {}
    for _, link in sorted(ranked, key=lambda item: item[0]):  # a stable sort
        best.setdefault(link.url, link)
    return list(best.values())


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _rank(link: FeedLink, page_url: str) -> int:
    """0 for a site's main feed, 1 for a category's, tag's or author's (0 when it is the
    feed of the page itself), 2 for a comments feed."""
    parts = urlsplit(link.url)
    where = _words(f"{parts.path} {parts.query}")
    if where & COMMENT_WORDS or _words(link.title) & COMMENT_WORDS:
        return 2
    if _in_a_section(parts.path, parts.query):
        page = urlsplit(page_url)
        own = page.path.rstrip("/") + "/"
        return 0 if _in_a_section(page.path, page.query) and parts.path.startswith(own) else 1
    return 1 if _words(link.title) & SECTION_WORDS else 0


def _in_a_section(path: str, query: str) -> bool:
    """Whether an address is one category's, tag's or author's (``/category/ships/``,
    ``?cat=3``, Blogger's ``/-/Label``)."""
    segments = {segment.lower() for segment in path.split("/")}
    keys = {key.lower() for key, _ in parse_qsl(query)}
    return bool(segments & SECTION_SEGMENTS or keys & SECTION_KEYS)


def _address_names_a_feed(url: str) -> bool:
    """Whether an address says it is a feed: a path segment (``/feed/``, ``rss.xml``,
    ``posts.atom``), a query (``?feed=rss2``, ``?format=atom``) or a ``feeds.`` host."""
    parts = urlsplit(url)
    if (parts.hostname or "").startswith("feeds."):
        return True
    for segment in parts.path.lower().split("/"):
        stem, dot, extension = segment.rpartition(".")
        if segment in FEED_WORDS or (dot and (stem in FEED_WORDS or extension in FEED_WORDS)):
            return True
    return any(
        key.lower() in FEED_WORDS or value.lower() in FEED_WORDS
        for key, value in parse_qsl(parts.query)
    )


def _looks_like_a_feed_link(anchor: LexborNode, text: str) -> bool:
    """Whether a link shows itself as a feed's: its text says RSS (or is a few words with
    "feed" or "atom" in them: ordinary English words, in a headline too), or it or something
    inside it is marked as one: "rss" in a class, alt text or image, or "feed" or "atom"
    with "icon" (listing pages style their article links with classes such as "feed-item")."""
    said = _words(text)
    if "rss" in said or (said & FEED_WORDS and len(text.split()) <= 4):
        return True
    marks = []
    for node in anchor.traverse(include_text=False):  # the link itself first
        attrs = node.attributes
        marks += [attrs.get(name) or "" for name in ("class", "title", "aria-label", "alt", "src")]
    marked = _words(" ".join(marks))
    return bool(marked & {"rss", "rss2"} or (marked & FEED_WORDS and "icon" in marked))


def _looks_like_a_json_feed(url: str) -> bool:
    path = urlsplit(url).path.lower()
    if "/wp-json/" in path or path.endswith("/wp-json"):
        return False
    return "feed" in path or path.endswith(".json")
