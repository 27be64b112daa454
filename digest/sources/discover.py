"""Turning what a user types after ``digest sources add`` into a source entry.

People paste whatever address they have: a feed, the site's home page, an article. A feed is
added as it is; a home page is searched for ``<link rel="alternate">`` feeds (the site's main
one is taken, and the user told of the others); a page that declares none, for its links to a
feed, then its site at the addresses where feeds usually are; ``--page`` (or ``--kind``) adds
the address as that kind of source, as it is. Local paths become folder or feed-file sources.

Discovery fetches what the user typed and what the page it finds names, so it follows the
network policy like every other request (see ``digest.sources.http.guard``): a site on the
internet cannot get a feed on the local network added, and an address of the user's own
network is read only when they allow it (``allow_private``, written into the entry).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urlsplit

from digest.model import Source
from digest.sources.errors import SourceError
from digest.sources.urls import host_name
from digest.text.headlines import source_title

if TYPE_CHECKING:
    from digest.sources.feeds import ParsedFeed
    from digest.sources.feeds.autodiscovery import FeedLink
    from digest.sources.http import Client, FetchResult, FetchSettings


def resolve_new_source(
    location: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    discover: bool = True,
    base: Path | None = None,
    allow_private: bool = False,
    settings: FetchSettings | None = None,
) -> NewSource:
    """A ``[[sources]]`` entry (name plus url or path) for ``location``; raises SourceError.
    A URL with a ``kind`` is added as that kind, as it is: only a feed is looked for.
    ``allow_private`` and ``settings``: as for ``find_feed``."""
    from digest.config.keys import names_a_server, with_scheme

    scheme = urlsplit(location).scheme.lower()
    if scheme in ("http", "https") and not names_a_server(location):
        meant = with_scheme(location)
        raise SourceError(
            f"{location} is not a web address: it names no server",
            f"did you mean {meant}?"
            if meant
            else "give a feed URL (https://...), a site URL, or a folder of article files",
        )
    if scheme not in ("http", "https"):
        path = (base or Path.cwd()) / Path(location).expanduser()
        if not path.exists():
            meant = with_scheme(location)
            raise SourceError(
                f"{location} is neither a web address nor an existing file or folder",
                f"did you mean {meant}? (an address starts with https:// or http://)"
                if meant
                else "give a feed URL (https://...), a site URL, or a folder of article files",
            )
        try:
            title = _file_title(path) if kind in (None, "feed") else ""
        except SourceError as exc:
            raise SourceError(f"{location}: {exc.problem}", exc.advice) from exc
        return NewSource({"name": name or title or path.resolve().name, "path": location})
    if kind is not None:
        return NewSource({"name": name or host_name(location), "url": location, "kind": kind})
    if not discover:
        return NewSource({"name": name or host_name(location), "url": location})
    found = find_feed(location, allow_private=allow_private, settings=settings)
    return NewSource(
        {"name": name or found.title or host_name(found.url), "url": found.url}, found.note
    )


@dataclass(frozen=True, slots=True)
class NewSource:
    """A source to add: its ``[[sources]]`` entry, and what finding it told (``FoundFeed``)."""

    entry: dict[str, object]
    note: str = ""


def _file_title(path: Path) -> str:
    """A local feed file's own title, as a feed's address gives its title; empty for a
    folder. A file that cannot be read as a feed raises SourceError, as an address that
    gives none does: added, it would fail every build."""
    from digest.sources import kinds
    from digest.sources.kinds.base import Cursor

    if not path.is_file():
        return ""
    source = Source(path.name, "feed", str(path))
    return kinds.kind("feed").read(source, Cursor(), dt.UTC).own_name


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """The feed found for an address: the URL to store, its title, and ``note``, what the
    user should hear about how it was found (which of several feeds was chosen and what else
    the page names, or where a page that declares none led); empty for the feed itself."""

    url: str
    title: str
    note: str = ""


# A page that declares no feed is searched by guessing: at most this many requests, the
# page's own links to a feed first (at most LINKED_GUESSES of them), then the usual
# addresses, all within one request's deadline (``total_timeout``) and without retries, so
# a site that answers every address slowly, or with the same page, costs seconds, not minutes.
MAX_GUESSES = 8
LINKED_GUESSES = 4


def find_feed(
    url: str, *, allow_private: bool = False, settings: FetchSettings | None = None
) -> FoundFeed:
    """Fetch ``url``; return the feed it is, or the one its page leads to.

    A page's ``<link rel="alternate">`` feeds are tried the site's main feed first (not its
    comments' nor a category's); a page that declares none, its links to a feed, then the
    addresses where sites usually keep one (``/feed``, ``/rss.xml``...), a guess being taken
    only when it is a feed with entries (a site that answers every address with a page, a
    "soft 404", offers none).

    The URL returned is the one to store: the address given (or the candidate as the page
    names it), unless every redirect on the way was permanent (301/308), in which case the
    feed's new address. A temporary redirect's target, such as a signed CDN URL that
    expires, is never stored. Every request follows the network policy: nothing outside the
    public internet is read unless ``allow_private``; ``settings`` default to one retry.
    """
    from digest.sources.http import Client, FetchSettings

    settings = settings or FetchSettings(retries=1)
    probe = Source(name=host_name(url), kind="feed", location=url)
    reader = _Reader(probe, allow_private, settings, Client(network=settings.network))
    try:
        return _find_feed(url, reader)
    finally:
        reader.client.close()


def _find_feed(url: str, reader: _Reader) -> FoundFeed:
    from digest.sources.feeds import FeedError, parse_feed
    from digest.sources.feeds.autodiscovery import feed_links

    result = reader.fetch(url, reader.settings)
    if result.outcome != "ok":
        from digest.sources.http.errors import not_added

        advice = not_added(result.advice or "check the address")
        if result.refused:
            advice = (
                "digest reaches only public internet addresses; if this address is on your own"
                " network and you trust it, add it with --allow-private"
            )
        raise SourceError(f"{url}: {result.problem}", advice)
    try:
        parsed = parse_feed(
            result.body, reader.probe, url=result.url, content_type=result.content_type
        )
        return FoundFeed(result.moved_to or url, _own_name(parsed))
    except FeedError as exc:
        not_a_feed = exc
    if not_a_feed.discovered:  # an HTML page that declares its feeds
        try:
            return _declared(url, feed_links(result.body, result.url), reader)
        except SourceError as none_read:
            # Sites declare a feed long dead and serve a working one where feeds usually
            # are: guessed as for a page that declares none, both stories told if in vain.
            guessed = _guess(url, result.body, result.url, reader)
            if isinstance(guessed, FoundFeed):
                how = guessed.note.partition("; found ")[2]
                return replace(
                    guessed, note=f"{url} names feeds that could not be read; found {how}"
                )
            raise SourceError(
                f"{none_read.problem}; and none was found through its links or at the usual "
                "addresses: " + "; ".join(guessed),
                none_read.advice,
            ) from None
    if (not_a_page := _not_a_page(url, result.body, not_a_feed)) is not None:
        raise not_a_page
    return _guessed(url, result.body, result.url, reader)


def _declared(url: str, links: list[FeedLink], reader: _Reader) -> FoundFeed:
    """The first of the page's declared feeds (the main one first) that reads as a feed: at
    most ``MAX_GUESSES`` of them, a host found down not asked again, all within one request's
    deadline (a page may declare dozens, on a host that never answers)."""
    problems: list[str] = []
    deadline = time.monotonic() + reader.settings.total_timeout
    for link in links[:MAX_GUESSES]:
        left = deadline - time.monotonic()
        if left <= 0:
            problems.append(f"{link.url}: not tried, out of time")
            break
        if urlsplit(link.url).netloc in reader.down:
            problems.append(f"{link.url}: not tried, its host could not be reached")
            continue
        read = reader.read_feed(link.url, replace(reader.settings, total_timeout=left))
        if isinstance(read, str):
            problems.append(f"{link.url}: {read}")
            continue
        stored, title = read
        others = [_label(other) for other in links if other is not link]
        note = ""
        if others:
            note = (
                f"{url} names {len(links)} feeds: chose {_label(link)}; the others: "
                f"{', '.join(others)} (add one of them with 'digest sources add URL')"
            )
        return FoundFeed(stored, title, note)
    raise SourceError(
        f"{url} names feeds ({', '.join(link.url for link in links)}) but none could be read: "
        + "; ".join(problems),
        "try one of them directly with 'digest sources add URL'",
    )


def _guessed(url: str, page: bytes, page_url: str, reader: _Reader) -> FoundFeed:
    """The feed a page that declares none leads to (``_guess``); raises SourceError, with
    every address tried and why it was none, when there is none."""
    guessed = _guess(url, page, page_url, reader)
    if isinstance(guessed, FoundFeed):
        return guessed
    raise SourceError(
        f'{url} is not a feed and names no feed (no <link rel="alternate"> to RSS, Atom or '
        "JSON Feed), and none was found through its links or at the usual addresses: "
        + "; ".join(guessed),
        "find the site's feed address, or add the page itself with --page",
    )


def _guess(url: str, page: bytes, page_url: str, reader: _Reader) -> FoundFeed | list[str]:
    """The feed a page leads to: through its links to a feed, else at a usual address on its
    site; the first guess that is a feed with entries, a comments or category feed only when
    none of the site's own is found. Else each address tried, and why it was none."""
    from digest.sources.feeds.autodiscovery import (
        is_main_feed,
        linked_feeds,
        well_known_feed_urls,
    )

    links = linked_feeds(page, page_url, limit=LINKED_GUESSES)
    guesses = {link.url: f"through its link {_label(link)}" for link in links}
    # A link to a comments or category feed is no proof the site has no feed of its own: a
    # page often links "Comments RSS" alone. Such a feed is taken only when no guess after
    # it (the usual addresses) is the site's own feed.
    side = {link.url for link in links if not is_main_feed(link, page_url)}
    fallback: FoundFeed | None = None
    for guess in well_known_feed_urls(page_url):
        if guess not in (url, page_url):
            guesses.setdefault(guess, "at a usual feed address")
    # (an address the page declared, read already, is not asked again)
    fresh = [(guess, how) for guess, how in guesses.items() if guess not in reader.asked]
    deadline = time.monotonic() + reader.settings.total_timeout
    tried: list[str] = []
    for guess, how in fresh[:MAX_GUESSES]:
        left = deadline - time.monotonic()
        if left <= 0:
            tried.append(f"{_short(guess, page_url)}: not tried, out of time")
            break
        if fallback is not None and guess in side:  # one is enough to fall back on
            continue
        if urlsplit(guess).netloc in reader.down:  # its other addresses would fail alike
            tried.append(f"{_short(guess, page_url)}: not tried, its host could not be reached")
            continue
        read = reader.read_feed(
            guess,
            replace(reader.settings, retries=0, total_timeout=left),
            entries=True,
            # (only a feed under the page's own address can be its comments: the site's, at
            # "/feed", may link every entry to a place on a one-page site's only page)
            page=page_url if _under_the_page(guess, page_url) else "",
        )
        if isinstance(read, str):
            tried.append(f"{_short(guess, page_url)}: {read}")
            continue
        stored, title = read
        if guess in side:
            fallback = FoundFeed(
                stored,
                title,
                f"{url} declares no feed; found no feed of the whole site, only {stored} {how}",
            )
            continue
        return FoundFeed(stored, title, f"{url} declares no feed; found {stored} {how}")
    return fallback if fallback is not None else tried


def _under_the_page(guess: str, page_url: str) -> bool:
    """Whether ``guess`` is an address under ``page_url``'s own ("/a-post/feed" under
    "/a-post/"), where WordPress keeps a post's comments feed; never under a site's root."""
    page_path = urlsplit(page_url).path.rstrip("/")
    return bool(page_path) and urlsplit(guess).path.startswith(page_path + "/")


@dataclass(slots=True)
class _Reader:
    """Discovery's requests: each through the guarded fetcher, on one client."""

    probe: Source  # what the feed parser is told it reads: the address given
    allow_private: bool
    settings: FetchSettings
    client: Client
    down: set[str] = field(default_factory=set)  # hosts found unreachable (``host_down``)
    asked: set[str] = field(default_factory=set)  # addresses read as a feed already

    def fetch(self, url: str, settings: FetchSettings) -> FetchResult:
        from digest.sources.http import FetchRequest, fetch

        request = FetchRequest(source=self.probe.name, url=url, allow_private=self.allow_private)
        return fetch(request, settings, client=self.client)

    def read_feed(
        self, url: str, settings: FetchSettings, *, entries: bool = False, page: str = ""
    ) -> tuple[str, str] | str:
        """(address to store, title) of the feed at ``url``, or why it is none; with
        ``entries``, a feed without any is none (a guess must prove itself), and so is, given
        the ``page`` it was guessed from, a feed whose every entry is a place on that page."""
        from digest.sources.feeds import FeedError, parse_feed

        self.asked.add(url)
        found = self.fetch(url, settings)
        if found.outcome != "ok":
            if found.host_down:
                self.down.add(urlsplit(url).netloc)
            return found.problem or found.outcome
        try:
            parsed = parse_feed(
                found.body, self.probe, url=found.url, content_type=found.content_type
            )
        except FeedError as exc:
            return exc.problem
        if entries and not parsed.articles:
            return "a feed with no entries"
        # A guess under the page's own address ("/a-post/feed": WordPress's "post name"
        # permalinks keep every post one folder deep) may be its comments, each entry a
        # "#comment-12" on the page: that page's thread, not the site's feed.
        if (
            page
            and parsed.articles
            and all(
                a.url and urldefrag(a.url).url.rstrip("/") == urldefrag(page).url.rstrip("/")
                for a in parsed.articles
            )
        ):
            return "the comments of the page itself, not a feed of the site"
        return found.moved_to or url, _own_name(parsed)


def _own_name(parsed: ParsedFeed) -> str:
    """The name a feed gives itself, as a build shows a source the config leaves unnamed
    (``Reading.own_name``): what 'digest sources add' names the source it adds."""
    return source_title(parsed.title, parsed.link, parsed.site_name, parsed.categories)


def _label(link: FeedLink) -> str:
    return f"{link.url} ({link.title})" if link.title else link.url


def _short(url: str, page_url: str) -> str:
    """``url`` as a message gives it: its path alone on the page's own site."""
    parts, page = urlsplit(url), urlsplit(page_url)
    same = (parts.scheme, parts.netloc) == (page.scheme, page.netloc)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "") if same else url


def _not_a_page(url: str, body: bytes, error: SourceError) -> SourceError | None:
    """Why ``url``, which is no feed and declares none, cannot be added as a feed, unless it
    is a web page (None: its site may still have a feed). A news sitemap may be added as a
    sitemap; anything else is what the feed parser says."""
    from digest.sources.kinds.page import looks_like_html
    from digest.sources.kinds.sitemap import read_sitemap

    try:
        read_sitemap(body)
    except SourceError:
        pass
    else:
        return SourceError(
            f"{url} is a sitemap, not a feed",
            f"add it as one: digest sources add {url} --kind sitemap",
        )
    if looks_like_html(body):
        return None
    return SourceError(f"{url}: {error.problem}", error.advice)
