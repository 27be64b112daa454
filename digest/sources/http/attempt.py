"""One attempt at a request: follow its redirects by hand, then take the body of a 2xx.

Redirects are followed here (at most ``MAX_REDIRECTS`` hops, http and https only) so that a
chain made only of 301/308 can be reported as ``moved_to``, and cookies set along the chain
go back to their host for the rest of it. The stored validators go out as If-None-Match /
If-Modified-Since. Each hop is one request over libcurl (``transfer``), bounded by the
request's deadline and by the network policy (see ``guard``): a hop to an address the request
may not reach ends the attempt, so nothing it would have answered (a 301's new address
included) is kept. Through a proxy, the target's name is checked first: the proxy connects,
not digest.

``attempt`` never raises for network or HTTP trouble: it returns a ``FinalAnswer`` (a
success, or a failure that retrying would not change) or a ``TransientFailure``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from urllib.parse import urljoin

from digest.sources.http import errors, guard, transfer
from digest.sources.http.address import NotWebAddress, WebAddress, web_address
from digest.sources.http.body import ACCEPT_ENCODING, CutShort
from digest.sources.http.client import Client, split_login
from digest.sources.http.deadline import GaveUp
from digest.sources.http.model import FetchRequest, FetchSettings, FinalAnswer, TransientFailure

MAX_REDIRECTS = 10
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


def attempt(
    client: Client,
    request: FetchRequest,
    settings: FetchSettings,
    deadline: float,
    clock: Callable[[], float],
) -> FinalAnswer | TransientFailure:
    """One try: follow redirects by hand, then take the body of a 2xx."""
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
    # sites redirect to the same address once a "cookies work" cookie is set. By host, then
    # name: the value, and whether it is "Secure" (never sent over plain HTTP).
    cookies: dict[str, dict[str, tuple[str, bool]]] = {}
    permanent = True
    reach = guard.Reach(request.allow_private, client.network)
    for hop in range(MAX_REDIRECTS + 1):
        remaining = deadline - clock()
        if remaining <= 0:
            return errors.timed_out(settings, url.url, "waiting for a response")
        here = url.url
        proxy = client.proxy_for(url)
        try:
            if proxy is not None:
                _check_proxy(proxy)
                reach.check_name(url.host or "")  # the proxy connects, not us: ask DNS
            jar = _sendable_cookies(cookies.get(url.host or ""), url.scheme == "https")
            answer = transfer.request(
                client,
                url,
                _with_cookies(headers, jar) if jar else headers,
                reach,
                proxy=split_login(proxy) if proxy else None,
                deadline=deadline,
                connect_timeout=settings.connect_timeout,
                clock=clock,
                cap=settings.max_bytes,
                wants_body=_wants_body,
            )
        except CutShort as exc:
            return errors.cut_short(str(exc), here)
        except guard.Refused as exc:
            return errors.refused(url, exc, redirected=hop > 0)
        except errors.UnusableProxy as exc:
            return errors.proxy_problem(exc, url, proxy)
        except transfer.TransferFailed as failure:
            return _failed(failure, url, hop, proxy, settings, remaining, deadline, clock)
        status = answer.status
        moved_to = here if permanent and hop > 0 else None
        if status in _REDIRECTS:
            for cookie in answer.cookies:
                _keep_cookie(cookies, url.host or "", cookie)
            target = _redirect_target(status, answer.headers.get("location", ""), here)
            if isinstance(target, FinalAnswer):
                return target
            permanent = permanent and status in _PERMANENT
            url = target
            continue
        if 200 <= status < 300:
            return FinalAnswer(
                "ok",
                here,
                status,
                moved_to,
                answer.body,
                answer.headers.get("content-type"),
                answer.headers.get("etag"),
                answer.headers.get("last-modified"),
            )
        if status == 304:
            return FinalAnswer(
                "not_modified",
                here,
                status,
                moved_to,
                etag=answer.headers.get("etag") or request.etag,
                last_modified=answer.headers.get("last-modified") or request.last_modified,
            )
        return errors.status_problem(status, answer.headers, here)
    return FinalAnswer(
        "failed",
        url.url,
        problem=f"more than {MAX_REDIRECTS} redirects",
        advice="the site redirects in a loop; open the URL in a browser to check it",
    )


def _wants_body(status: int) -> bool:
    """Whether a response's body is read: a success's (a 304 and a 204 have none to wait
    for); a redirect's or an error page's is not, its status and headers being enough."""
    return 200 <= status < 300 or status == 304


def _failed(
    failure: transfer.TransferFailed,
    url: WebAddress,
    hop: int,
    proxy: str | None,
    settings: FetchSettings,
    remaining: float,
    deadline: float,
    clock: Callable[[], float],
) -> FinalAnswer | TransientFailure:
    """A request libcurl could not complete, in words."""
    here = url.url
    stopped = failure.stopped
    if stopped is not None:  # a body that cannot be taken (too large, damaged)
        status = failure.answer.status or None
        return FinalAnswer("failed", here, status, problem=str(stopped), advice=stopped.advice)
    connect = failure.connect_error
    if proxy is not None and failure.code in transfer.PROXY_CODES:
        # (a status of 400 or more here is the proxy's answer to CONNECT, for an https://
        # address: an answer the site sent through it ends the transfer without a failure)
        if failure.answer.status == 407:  # for want of a login: as a 407 to a plain request
            return errors.status_problem(407, failure.answer.headers, here)
        if failure.answer.status >= 400:
            return errors.tunnel_refused(failure.answer.status, url, proxy)
        return errors.proxy_problem(connect or OSError(failure.message), url, proxy)
    if isinstance(connect, guard.Refused):
        return errors.refused(url, connect, redirected=hop > 0)
    if isinstance(connect, GaveUp):  # the lookup or connect was still running at the deadline
        return errors.timed_out(settings, here, "connect")
    if isinstance(connect, TimeoutError):
        # the connect limit ran out, not the request's deadline (a slow name lookup can take
        # it all): only then is the host taken for down
        if clock() < deadline:
            return errors.connect_timed_out(min(settings.connect_timeout, remaining), here)
        return errors.timed_out(settings, here, "connect")
    if failure.code == transfer.TIMED_OUT:
        phase = "downloading" if failure.answer.headers_done else "waiting for a response"
        return errors.timed_out(settings, here, phase)
    return errors.transport_problem(transfer.failure_cause(failure), url)


def _check_proxy(proxy: str) -> None:
    """Only http:// and https:// proxies (curl would also try SOCKS, where the network
    policy's check of the target's name would no longer be what decides)."""
    scheme = proxy.split("://", 1)[0].lower() if "://" in proxy else "http"
    if scheme not in ("http", "https"):
        raise errors.UnusableProxy(f"unsupported proxy scheme {scheme!r}")


def _keep_cookie(cookies: dict[str, dict[str, tuple[str, bool]]], host: str, header: str) -> None:
    import http.cookies  # (here: most runs meet no cookie on a redirect)

    jar = http.cookies.SimpleCookie()
    with contextlib.suppress(http.cookies.CookieError):
        jar.load(header)
    for name, morsel in jar.items():
        cookies.setdefault(host, {})[name] = (morsel.value, bool(morsel["secure"]))


def _sendable_cookies(
    jar: dict[str, tuple[str, bool]] | None, secure: bool
) -> dict[str, str] | None:
    """The cookies of ``jar`` a request may carry: over plain HTTP, none set "Secure"."""
    if not jar:
        return None
    return {name: value for name, (value, only_secure) in jar.items() if secure or not only_secure}


def _redirect_target(status: int, location: str, here: str) -> WebAddress | FinalAnswer:
    location = _header_text(location).strip()
    if not location:
        problem = f"HTTP {status} redirect without a Location"
    else:
        try:
            target = _web_url(urljoin(here, location))
        except ValueError:  # urljoin refuses some malformed addresses (bad IPv6 brackets)
            target = None
        if isinstance(target, WebAddress):
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


def _sendable(value: str) -> bool:
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(char in value for char in "\r\n\0")


def _with_cookies(headers: dict[str, str], jar: dict[str, str]) -> dict[str, str]:
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    return {**headers, "Cookie": cookie} if _sendable(cookie) else headers


def _web_url(address: str) -> WebAddress | FinalAnswer:
    """``address`` parsed, normalised (lower-case scheme and host, IDNA, percent-encoding)
    and checked to be http(s) with a host; or the failure that explains why not."""
    try:
        return web_address(address)
    except NotWebAddress as exc:
        return errors.bad_url(address, str(exc))


def _header_text(value: str) -> str:
    """A header value as sent: header bytes are read as Latin-1, but servers send UTF-8 (a
    Location of "/café" arrives as "/cafÃ©")."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
