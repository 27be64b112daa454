"""Turning what a user types after ``digest sources add`` into a source entry.

People paste whatever address they have: a feed, the site's home page, an article. A feed is
added as it is; a home page is searched for ``<link rel="alternate">`` feeds; ``--page`` (or
``--kind``) adds the address as that kind of source, as it is. Local paths become folder or
feed-file sources.

Discovery fetches what the user typed and what the page it finds names, so it follows the
network policy like every other request (see ``digest.sources.http.guard``): a site on the
internet cannot get a feed on the local network added, and an address of the user's own
network is read only when they allow it (``allow_private``, written into the entry).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from digest.model import Source
from digest.sources.errors import SourceError
from digest.sources.urls import host_name

if TYPE_CHECKING:
    from digest.sources.http import FetchSettings


def resolve_new_source(
    location: str,
    *,
    name: str | None = None,
    kind: str | None = None,
    discover: bool = True,
    base: Path | None = None,
    allow_private: bool = False,
    settings: FetchSettings | None = None,
) -> dict[str, object]:
    """A ``[[sources]]`` entry (name plus url or path) for ``location``; raises SourceError.
    A URL with a ``kind`` is added as that kind, as it is: only a feed is looked for.
    ``allow_private`` and ``settings``: as for ``find_feed``."""
    scheme = urlsplit(location).scheme.lower()
    if scheme not in ("http", "https"):
        path = (base or Path.cwd()) / Path(location).expanduser()
        if not path.exists():
            raise SourceError(
                f"{location} is neither a web address nor an existing file or folder",
                "give a feed URL (https://...), a site URL, or a folder of article files",
            )
        return {"name": name or _file_title(path) or path.resolve().name, "path": location}
    if kind is not None:
        return {"name": name or host_name(location), "url": location, "kind": kind}
    if not discover:
        return {"name": name or host_name(location), "url": location}
    feed_url, title = find_feed(location, allow_private=allow_private, settings=settings)
    return {"name": name or title or host_name(feed_url), "url": feed_url}


def _file_title(path: Path) -> str:
    """A local feed file's own title, as a feed's address gives its title; empty for a
    folder or a file that is not a feed (it is then named by its file name)."""
    from digest.sources.feeds import FeedError, parse_feed

    if not path.is_file():
        return ""
    try:
        return parse_feed(path.read_bytes(), Source(path.name, "feed", str(path))).title
    except (FeedError, OSError):
        return ""


def find_feed(
    url: str, *, allow_private: bool = False, settings: FetchSettings | None = None
) -> tuple[str, str]:
    """Fetch ``url``; return (feed URL, feed title), following a home page to its feed.

    The URL returned is the one to store: the address given (or the page's candidate as the
    page names it), unless every redirect on the way was permanent (301/308), in which case
    the feed's new address. A temporary redirect's target, such as a signed CDN URL that
    expires, is never stored. Nothing outside the public internet is read unless
    ``allow_private``; ``settings`` default to one retry.
    """
    from digest.sources.feeds import FeedError, parse_feed
    from digest.sources.http import FetchRequest, FetchSettings, fetch

    settings = settings or FetchSettings(retries=1)
    probe = Source(name=host_name(url), kind="feed", location=url)
    result = fetch(FetchRequest(source=probe.name, url=url, allow_private=allow_private), settings)
    if result.outcome != "ok":
        advice = result.advice or "check the address"
        if result.refused:
            advice = (
                "digest reaches only public internet addresses; if this address is on your own"
                " network and you trust it, add it with --allow-private"
            )
        raise SourceError(f"{url}: {result.problem}", advice)
    try:
        parsed = parse_feed(result.body, probe, url=result.url, content_type=result.content_type)
        return result.moved_to or url, parsed.title
    except FeedError as exc:
        candidates, not_a_feed = exc.discovered, exc
    if not candidates:
        raise _no_feed(url, result.body, not_a_feed)
    problems: list[str] = []
    for candidate in candidates:
        request = FetchRequest(source=probe.name, url=candidate, allow_private=allow_private)
        found = fetch(request, settings)
        if found.outcome != "ok":
            problems.append(f"{candidate}: {found.problem}")
            continue
        try:
            parsed = parse_feed(found.body, probe, url=found.url, content_type=found.content_type)
        except FeedError as exc:
            problems.append(f"{candidate}: {exc.problem}")
            continue
        return found.moved_to or candidate, parsed.title
    raise SourceError(
        f"{url} names feeds ({', '.join(candidates)}) but none could be read: "
        + "; ".join(problems),
        "try one of them directly with 'digest sources add URL'",
    )


def _no_feed(url: str, body: bytes, error: SourceError) -> SourceError:
    """Why ``url``, which is no feed and names none, cannot be added as a feed: a page may be
    added as a page, a news sitemap as a sitemap; anything else is what the feed parser says."""
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
        return SourceError(
            f'{url} is not a feed and names no feed (no <link rel="alternate"> to RSS, Atom '
            "or JSON Feed)",
            "find the site's feed address, or add the page itself with --page",
        )
    return SourceError(f"{url}: {error.problem}", error.advice)
