"""One attempt at a request: follow its redirects by hand, then read the body of a 2xx.

Redirects are followed here (at most ``MAX_REDIRECTS`` hops, http and https only) so that a
chain made only of 301/308 can be reported as ``moved_to``, and cookies set along the chain
go back to their host for the rest of it. The stored validators go out as If-None-Match /
If-Modified-Since. Each hop is bounded by the request's deadline (see ``deadline``) and by
the network policy (see ``guard``): a hop to an address the request may not reach ends the
attempt, so nothing it would have answered (a 301's new address included) is kept.

``attempt`` never raises for network or HTTP trouble: it returns a ``FinalAnswer`` (a
success, or a failure that retrying would not change) or a ``TransientFailure``.
"""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import re
from collections.abc import Callable
from urllib.parse import urljoin

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    LocationValueError,
    NewConnectionError,
    ProxyError,
    ProxySchemeUnknown,
    ReadTimeoutError,
)
from urllib3.util import Url, parse_url

from digest.sources.http import errors, guard
from digest.sources.http.body import ACCEPT_ENCODING, CutShort, UnusableBody, read_body
from digest.sources.http.client import Client
from digest.sources.http.deadline import PastDeadline, Watchdog
from digest.sources.http.model import FetchRequest, FetchSettings, FinalAnswer, TransientFailure

MAX_REDIRECTS = 10
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)
# The longest wait for what is left of a redirect's, a 304's or an error page's body, in
# seconds: a body that does not come at once is not worth waiting for.
LEFTOVER_BODY_WAIT = 1.0

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


def attempt(
    client: Client,
    request: FetchRequest,
    settings: FetchSettings,
    deadline: float,
    clock: Callable[[], float],
) -> FinalAnswer | TransientFailure:
    """One try: follow redirects by hand, then read the body of a 2xx."""
    url = _web_url(request.url)
    if isinstance(url, FinalAnswer):
        return url

    headers = {
        "User-Agent": settings.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    # A validator that cannot be sent back as it came (a stored value damaged somehow) is
    # left out: the cost is one full download, not a source failing on every run.
    if request.etag and _sendable(request.etag):
        headers["If-None-Match"] = request.etag
    if request.last_modified and _sendable(request.last_modified):
        headers["If-Modified-Since"] = request.last_modified

    # Cookies set along a redirect chain go back to their host for the rest of it: some
    # sites redirect to the same address once a "cookies work" cookie is set.
    cookies: dict[str, dict[str, str]] = {}
    permanent = True
    reach = guard.Reach(request.allow_private, client.network)
    for hop in range(MAX_REDIRECTS + 1):
        remaining = deadline - clock()
        if remaining <= 0:
            return errors.timed_out(settings, url.url, "waiting for a response")
        connect = min(settings.connect_timeout, remaining)
        watchdog = Watchdog(reach=reach)
        response: urllib3.BaseHTTPResponse | None = None
        finished = False  # the body was read to its end: the connection can be reused
        phase = "waiting for a response"
        here = url.url
        watchdog.arm(remaining)
        try:
            if client.proxy_for(url) is not None:  # the proxy connects, not us: ask DNS
                reach.check_name(url.host or "")
            jar = cookies.get(url.host or "")
            response = client.manager_for(url).urlopen(
                "GET",
                here,
                headers=_with_cookies(headers, jar) if jar else headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                timeout=urllib3.Timeout(connect=connect, read=remaining),
            )
            if watchdog.fired:
                # The deadline shut the socket while the headers were still coming: what
                # arrived is no response, though http.client reads the cut as their end.
                raise PastDeadline
            status = response.status
            moved_to = here if permanent and hop > 0 else None

            if status in _REDIRECTS:
                finished = _finish_small_body(response)
                _keep_cookies(cookies, url.host or "", response)
                target = _redirect_target(response, here)
                if isinstance(target, FinalAnswer):
                    return target
                permanent = permanent and status in _PERMANENT
                url = target
                continue
            if 200 <= status < 300:
                phase = "downloading"
                body = read_body(response, settings.max_bytes, deadline, clock)
                if watchdog.fired:  # a body read until the connection closed: cut, not done
                    raise PastDeadline
                finished = True
                return FinalAnswer(
                    "ok",
                    here,
                    status,
                    moved_to,
                    body,
                    response.headers.get("content-type"),
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                )
            finished = _finish_small_body(response)
            if status == 304:
                return FinalAnswer(
                    "not_modified",
                    here,
                    status,
                    moved_to,
                    etag=response.headers.get("etag") or request.etag,
                    last_modified=response.headers.get("last-modified") or request.last_modified,
                )
            return errors.status_problem(response, here)
        except CutShort as exc:
            return errors.cut_short(str(exc), here)
        except UnusableBody as exc:
            return FinalAnswer(
                "failed",
                here,
                response.status if response is not None else None,
                problem=str(exc),
                advice=exc.advice,
            )
        except guard.Refused as exc:
            return errors.refused(url, exc, redirected=hop > 0)
        except ProxySchemeUnknown as exc:  # a ValueError too: caught before the URL errors
            return errors.proxy_problem(exc, url, client.proxy_for(url))
        except (LocationValueError, LocationParseError) as exc:
            return errors.bad_url(here, f"not a usable URL ({exc})")
        except (PastDeadline, HTTPError, http.client.HTTPException, OSError) as exc:
            # urllib3 makes every failed connect a ConnectTimeoutError, refusals too
            if isinstance(exc, ConnectTimeoutError) and not isinstance(exc, NewConnectionError):
                # the connect limit ran out, not the request's deadline (a slow name lookup
                # can take it all, and the alarm may not have said so yet): only then is the
                # host taken for down
                if connect < remaining and not watchdog.fired and clock() < deadline:
                    return errors.connect_timed_out(connect, here)
                return errors.timed_out(settings, here, "connect")
            if watchdog.fired or isinstance(exc, PastDeadline):
                return errors.timed_out(settings, here, phase)
            if isinstance(exc, (ReadTimeoutError, TimeoutError)):
                return errors.timed_out(settings, here, phase)
            if isinstance(exc, ProxyError):
                return errors.proxy_problem(exc, url, client.proxy_for(url))
            return errors.transport_problem(exc, url)
        finally:
            # Disarmed before the connection can go back to the pool, where another request
            # may take it: a late alarm must never shut a socket that is no longer ours.
            watchdog.disarm()
            if response is not None:
                if not finished:
                    response.close()
                response.release_conn()
    return FinalAnswer(
        "failed",
        url.url,
        problem=f"more than {MAX_REDIRECTS} redirects",
        advice="the site redirects in a loop; open the URL in a browser to check it",
    )


def _sendable(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(char in value for char in "\r\n\0")


def _keep_cookies(
    cookies: dict[str, dict[str, str]], host: str, response: urllib3.BaseHTTPResponse
) -> None:
    for header in response.headers.getlist("set-cookie"):
        jar = http.cookies.SimpleCookie()
        with contextlib.suppress(http.cookies.CookieError):
            jar.load(header)
        for name, morsel in jar.items():
            cookies.setdefault(host, {})[name] = morsel.value


def _with_cookies(headers: dict[str, str], jar: dict[str, str]) -> dict[str, str]:
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    return {**headers, "Cookie": cookie} if _sendable(cookie) else headers


def _web_url(address: str) -> Url | FinalAnswer:
    """``address`` parsed, normalised (lower-case scheme and host, IDNA, percent-encoding)
    and checked to be http(s) with a host; or the failure that explains why not."""
    try:
        url = parse_url(address.strip())
    except (LocationParseError, LocationValueError, ValueError) as exc:
        return errors.bad_url(address, f"not a usable URL ({exc})")
    if url.scheme not in ("http", "https") or not url.host:
        return errors.bad_url(address, "not an http:// or https:// address")
    return url


def _finish_small_body(response: urllib3.BaseHTTPResponse) -> bool:
    """Read what is left of a redirect's, a 304's or an error page's body, if it is small,
    so that the connection can carry the next request. False when it was left unread."""
    if response.status in (204, 304):
        # No body by definition; one announced as chunked would be waited for in vain.
        return not response.chunked
    remaining = response.length_remaining
    if remaining is None or remaining > 64 * 1024:
        return False
    sock = getattr(response.connection, "sock", None)
    try:
        if sock is not None:
            wait = LEFTOVER_BODY_WAIT
            sock.settimeout(min(sock.gettimeout() or wait, wait))
        response.read(decode_content=False)
    except (HTTPError, http.client.HTTPException, OSError):
        return False
    return True


def _redirect_target(response: urllib3.BaseHTTPResponse, here: str) -> Url | FinalAnswer:
    status = response.status
    location = _header_text(response.headers.get("location", "")).strip()
    if not location:
        problem = f"HTTP {status} redirect without a Location"
    else:
        try:
            target = _web_url(urljoin(here, location))
        except ValueError:  # urljoin refuses some malformed addresses (bad IPv6 brackets)
            target = None
        if isinstance(target, Url):
            return target
        scheme = _SCHEME.match(location)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            problem = f"HTTP {status} redirect to a non-web address: {location[:200]}"
        else:
            problem = f"HTTP {status} redirect to an unusable address: {location[:200]}"
    return FinalAnswer(
        "failed",
        here,
        status,
        problem=problem,
        advice="the site's redirect is broken; open the URL in a browser to check it",
    )


def _header_text(value: str) -> str:
    """A header value as sent: http.client reads header bytes as Latin-1, but servers send
    UTF-8 (a Location of "/café" arrives as "/cafÃ©")."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
