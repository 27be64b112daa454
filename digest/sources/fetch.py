"""HTTP fetching for feeds and pages: polite, bounded, and never fatal to the run.

``fetch`` turns one ``FetchRequest`` into one ``FetchResult``; ``fetch_all`` runs many on a
bounded thread pool and returns the results in request order. Nothing here raises for a
network or HTTP problem: a source that is slow, broken, gone or huge comes back as a result
whose ``problem`` and ``advice`` say what happened and what to do, and the other sources carry
on.

What a run relies on:

* Conditional GET: the stored ETag / Last-Modified go out as If-None-Match /
  If-Modified-Since, and a 304 comes back as ``not_modified`` with an empty body.
* ``total_timeout`` is a deadline for the whole request, name lookup, redirects and retries
  included (socket timeouts only bound each operation, so a watchdog shuts the socket at the
  deadline and a trickling server cannot hold a worker; a lookup or connect still running at
  the deadline is abandoned). A pause the server asks for with Retry-After, up
  to ``max_retry_after``, is added to the deadline; a longer one skips the source this run.
* Retries with exponential backoff and jitter on timeouts, connection errors, 5xx and 429;
  never on other 4xx.
* Redirects are followed by hand (at most ``MAX_REDIRECTS`` hops, http and https only) so a
  chain made only of 301/308 can be reported as ``moved_to``: the new address to store.
* ``max_bytes`` caps the body after decompression, so a small gzip or brotli "bomb" cannot
  exhaust memory: decoding here is incremental with a bounded output at every step.
* Connections are kept alive and shared per host, and the proxy named by ``http_proxy`` /
  ``https_proxy`` (minus ``no_proxy``) is used, as curl and most other tools do.

The transport is urllib3: on a loopback corpus it spends about a third of the CPU time per
request that httpx did, and fetching is the largest cost of a build.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import email.utils
import functools
import heapq
import http
import http.client
import http.cookies
import ipaddress
import logging
import math
import random
import re
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    LocationParseError,
    LocationValueError,
    NewConnectionError,
    ProtocolError,
    ProxyError,
    ProxySchemeUnknown,
    ReadTimeoutError,
)
from urllib3.util import Url, parse_url

from digest import PROJECT_URL, __version__
from digest.model import SourceFailure

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None

log = logging.getLogger(__name__)


class _NoHeaderParsingNoise(logging.Filter):
    """urllib3 logs a traceback at WARNING for every response with a malformed header line
    (common, and harmless: the response is still read). Under cron that is a mail a run."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to parse headers")


logging.getLogger("urllib3.connection").addFilter(_NoHeaderParsingNoise())

Outcome = Literal["ok", "not_modified", "gone", "failed"]

MAX_REDIRECTS = 10
DEFAULT_USER_AGENT = f"calm-digest/{__version__} (+{PROJECT_URL})"
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how patiently to fetch. Times are in seconds."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0  # deadline for one request: redirects, reads and retries
    max_bytes: int = 10 * 1024 * 1024  # cap on the decompressed body
    retries: int = 2  # extra attempts after the first, for transient failures only
    backoff: float = 1.0  # first retry pause; doubles each time, with jitter
    max_retry_after: float = 120.0  # a longer Retry-After skips the source this run
    workers: int = 8
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if not (self.connect_timeout > 0 and self.total_timeout > 0):
            raise ValueError("connect_timeout and total_timeout must be positive")
        if self.max_bytes < 1 or self.workers < 1:
            raise ValueError("max_bytes and workers must be at least 1")
        if self.retries < 0 or self.backoff < 0 or self.max_retry_after < 0:
            raise ValueError("retries, backoff and max_retry_after cannot be negative")


DEFAULT_SETTINGS = FetchSettings()


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One source to fetch, with the validators stored from its last successful fetch.

    ``public_only``: the address came from untrusted content (an article link in a feed),
    so the request is refused if it would reach a loopback, private, link-local or other
    non-public address, directly or through a redirect: a hostile feed must not make digest
    read a router's admin page or a cloud metadata service and publish it in the digest.
    """

    source: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    public_only: bool = False


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What became of one ``FetchRequest``.

    ``ok``: ``body`` holds the decoded bytes. ``not_modified``: the stored copy is current and
    ``body`` is empty. ``gone``: the publisher removed the feed (HTTP 410); disable the
    source. ``failed``: ``problem`` says what happened and ``advice`` what to do.

    ``url`` is the address the final response came from. ``moved_to`` is set only when every
    redirect hop was permanent (301/308) and the fetch succeeded: store it in place of the
    old address. ``etag`` and ``last_modified`` are the validators to store for next time.
    """

    request: FetchRequest
    outcome: Outcome
    url: str
    moved_to: str | None = None
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    problem: str | None = None
    advice: str | None = None
    attempts: int = 1
    elapsed: float = 0.0

    @property
    def source(self) -> str:
        return self.request.source

    @property
    def failure(self) -> SourceFailure | None:
        """The problem as a ``SourceFailure`` for the digest, or None when there was none."""
        if self.outcome in ("ok", "not_modified"):
            return None
        return SourceFailure(self.source, self.problem or self.outcome, self.advice or "")


def fetch(
    request: FetchRequest,
    settings: FetchSettings = DEFAULT_SETTINGS,
    *,
    client: Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Fetch one source. Never raises for network or HTTP trouble; see ``FetchResult``.

    ``client`` may be shared between threads (``fetch_all`` does); without one, a client is
    made for this call. ``sleep`` and ``clock`` are there so tests can watch the pauses.
    """
    start = clock()
    own_client = client is None
    try:
        if client is None:
            client = Client()
        return _fetch(request, settings, client, sleep, clock, start)
    except Exception as exc:  # a bug here must not take the other sources down with it
        log.exception("unexpected error fetching %s (%s)", request.source, request.url)
        return FetchResult(
            request=request,
            outcome="failed",
            url=request.url,
            problem=f"unexpected error while fetching: {type(exc).__name__}: {exc}",
            advice=f"this is a bug in digest; please report it at {PROJECT_URL}/issues",
            elapsed=clock() - start,
        )
    finally:
        if own_client and client is not None:
            client.close()


def fetch_all(
    requests: Iterable[FetchRequest],
    settings: FetchSettings = DEFAULT_SETTINGS,
    *,
    on_done: Callable[[FetchResult], None] | None = None,
    client: Client | None = None,
) -> list[FetchResult]:
    """Fetch every request on at most ``settings.workers`` threads; results in request order.

    ``on_done`` is called once per result as each finishes, always on the calling thread, so
    it may draw a progress bar or log a line without locking.
    """
    requests = list(requests)
    if not requests:
        return []
    workers = min(settings.workers, len(requests))
    own_client = client is None
    if client is None:
        hosts = len({urlsplit(r.url).netloc for r in requests})
        client = Client(pool_size=workers, hosts=hosts)
    results: list[FetchResult | None] = [None] * len(requests)
    pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="digest-fetch")
    try:
        futures = {
            pool.submit(fetch, request, settings, client=client): index
            for index, request in enumerate(requests)
        }
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            results[index] = result = future.result()
            if on_done is not None:
                on_done(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown()
    finally:
        if own_client:
            client.close()
    return [result for result in results if result is not None]


class Client:
    """The connections ``fetch`` uses, safe to share between threads.

    Connections are kept alive and pooled per host, at most ``pool_size`` each (one per
    worker is enough). Requests go through the proxy the environment names for their scheme
    (``http_proxy``, ``https_proxy``, else ``all_proxy``; ``no_proxy`` lists hosts to reach
    directly), read once when the client is made; a ``user:password@`` in the proxy's
    address is sent as its login and never shown in a message. Every socket a request opens
    or reuses is handed to that request's deadline watchdog. ``tls`` replaces the context that
    decides which HTTPS certificates to trust (by default, the system's).
    """

    def __init__(
        self, *, pool_size: int = 1, hosts: int = 1, tls: ssl.SSLContext | None = None
    ) -> None:
        self._pool_options: dict[str, Any] = {
            "num_pools": max(10, hosts),  # pools beyond this are closed, least recently used
            "maxsize": pool_size,
            "block": False,
            "retries": False,  # fetch retries by itself, with its own backoff and deadline
            "ssl_context": tls or _tls_context(),
        }
        self._direct = self._watched(urllib3.PoolManager(**self._pool_options))
        self._proxies = urllib.request.getproxies_environment()
        self._via: dict[str, urllib3.PoolManager] = {}
        self._lock = threading.Lock()

    def proxy_for(self, url: Url) -> str | None:
        """The proxy the environment names for ``url`` (login included), or None."""
        proxy = self._proxies.get(url.scheme or "") or self._proxies.get("all")
        if not proxy or urllib.request.proxy_bypass_environment(url.host or "", self._proxies):
            return None
        return proxy

    def manager_for(self, url: Url) -> urllib3.PoolManager:
        """The pool manager for ``url``: direct, or through the environment's proxy."""
        proxy = self.proxy_for(url)
        if proxy is None:
            return self._direct
        with self._lock:
            manager = self._via.get(proxy)
            if manager is None:
                address, login = _split_login(proxy)
                headers = urllib3.make_headers(proxy_basic_auth=login) if login else None
                manager = self._watched(
                    urllib3.ProxyManager(address, proxy_headers=headers, **self._pool_options)
                )
                self._via[proxy] = manager
            return manager

    def close(self) -> None:
        self._direct.clear()
        with self._lock:
            for manager in self._via.values():
                manager.clear()

    @staticmethod
    def _watched(manager: urllib3.PoolManager) -> urllib3.PoolManager:
        manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
        return manager


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The system's trusted certificates, as curl and browsers use; certifi's bundle where
    the system has none (some Python builds on macOS). Built once: loading the store costs
    more than a loopback request."""
    context = ssl.create_default_context()
    if not context.cert_store_stats().get("x509_ca"):
        paths = ssl.get_default_verify_paths()
        if not (paths.capath and any(Path(paths.capath).glob("*.0"))):
            with contextlib.suppress(ImportError):
                import certifi

                context.load_verify_locations(certifi.where())
    return context


# --- one request -------------------------------------------------------------------------


@dataclass(slots=True)
class _Final:
    """An attempt's answer that retrying would not change."""

    outcome: Outcome
    url: str
    status: int | None = None
    moved_to: str | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    problem: str | None = None
    advice: str | None = None


@dataclass(slots=True)
class _Transient:
    """A failed attempt worth retrying."""

    problem: str
    advice: str
    url: str
    status: int | None = None
    retry_after: float | None = None


class _UnusableBody(Exception):
    """A response body that cannot be taken; ``advice`` says what to do about it."""

    advice = ""


class _TooLarge(_UnusableBody):
    advice = "check the URL, or raise [fetch] max_mb in the config"


class _BadEncoding(_UnusableBody):
    advice = "the site sent a damaged response; if this persists, tell its owner"


class _PastDeadline(Exception):
    pass


def _fetch(
    request: FetchRequest,
    settings: FetchSettings,
    client: Client,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    start: float,
) -> FetchResult:
    deadline = start + settings.total_timeout
    attempts = 0
    while True:
        attempts += 1
        answer = _attempt(client, request, settings, deadline, clock)
        if isinstance(answer, _Final):
            return FetchResult(
                request=request,
                outcome=answer.outcome,
                url=answer.url,
                moved_to=answer.moved_to,
                status=answer.status,
                body=answer.body,
                content_type=answer.content_type,
                etag=answer.etag,
                last_modified=answer.last_modified,
                problem=answer.problem,
                advice=answer.advice,
                attempts=attempts,
                elapsed=clock() - start,
            )

        if attempts > settings.retries:
            return _give_up(request, answer, attempts, clock() - start)
        if answer.retry_after is not None:
            if answer.retry_after > settings.max_retry_after:
                wait = _duration(answer.retry_after)
                problem = (
                    f"{answer.problem}: the site asked us to wait {wait} before trying again,"
                    f" longer than the {settings.max_retry_after:g} s limit"
                )
                advice = "skipped this run; it will be tried again on the next one"
                return _give_up(request, answer, attempts, clock() - start, problem, advice)
            delay = answer.retry_after
            deadline += delay  # the server asked for this pause: it is not the site being slow
        else:
            delay = settings.backoff * 2 ** (attempts - 1) * random.uniform(0.5, 1.5)
            if clock() + delay >= deadline:  # no time left for another try
                return _give_up(request, answer, attempts, clock() - start)
        log.info(
            "%s: %s; retrying in %.1f s (attempt %d)",
            request.source,
            answer.problem,
            delay,
            attempts + 1,
        )
        sleep(delay)


def _give_up(
    request: FetchRequest,
    answer: _Transient,
    attempts: int,
    elapsed: float,
    problem: str | None = None,
    advice: str | None = None,
) -> FetchResult:
    if problem is None:
        problem = answer.problem
        if attempts > 1:
            joiner = " after" if answer.status is not None else "; gave up after"
            problem = f"{problem}{joiner} {attempts} attempts"
    return FetchResult(
        request=request,
        outcome="failed",
        url=answer.url,
        status=answer.status,
        problem=problem,
        advice=advice or answer.advice,
        attempts=attempts,
        elapsed=elapsed,
    )


def _attempt(
    client: Client,
    request: FetchRequest,
    settings: FetchSettings,
    deadline: float,
    clock: Callable[[], float],
) -> _Final | _Transient:
    """One try: follow redirects by hand, then read the body of a 2xx."""
    url = _web_url(request.url)
    if isinstance(url, _Final):
        return url

    headers = {
        "User-Agent": settings.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": _ACCEPT_ENCODING,
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
    for hop in range(MAX_REDIRECTS + 1):
        remaining = deadline - clock()
        if remaining <= 0:
            return _timed_out(settings, url.url, "waiting for a response")
        connect = min(settings.connect_timeout, remaining)
        watchdog = _Watchdog()
        watchdog.public_only = request.public_only
        response: urllib3.BaseHTTPResponse | None = None
        finished = False  # the body was read to its end: the connection can be reused
        phase = "waiting for a response"
        here = url.url
        _watching.current = watchdog
        watchdog.arm(remaining)
        try:
            if request.public_only and client.proxy_for(url) is not None:
                _refuse_private_name(url.host or "")  # the proxy connects, not us: ask DNS
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
            status = response.status
            moved_to = here if permanent and hop > 0 else None

            if status in _REDIRECTS:
                finished = _finish_small_body(response)
                _keep_cookies(cookies, url.host or "", response)
                target = _redirect_target(response, here)
                if isinstance(target, _Final):
                    return target
                permanent = permanent and status in _PERMANENT
                url = target
                continue
            if 200 <= status < 300:
                phase = "downloading"
                body = _read_body(response, settings, deadline, clock)
                finished = True
                return _Final(
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
                return _Final(
                    "not_modified",
                    here,
                    status,
                    moved_to,
                    etag=response.headers.get("etag") or request.etag,
                    last_modified=response.headers.get("last-modified") or request.last_modified,
                )
            return _status_problem(response, here)
        except _UnusableBody as exc:
            return _Final(
                "failed",
                here,
                response.status if response is not None else None,
                problem=str(exc),
                advice=exc.advice,
            )
        except _PrivateAddress as exc:
            return _Final(
                "failed",
                here,
                problem=f"not fetched: {url.host} is a private network address ({exc})",
                advice="the feed links outside the public internet; digest does not follow"
                " such links from feeds it reads over the internet",
            )
        except ProxySchemeUnknown as exc:  # a ValueError too: caught before the URL errors
            return _proxy_problem(exc, url, client.proxy_for(url))
        except (LocationValueError, LocationParseError) as exc:
            return _bad_url(here, f"not a usable URL ({exc})")
        except (_PastDeadline, HTTPError, http.client.HTTPException, OSError) as exc:
            # urllib3 makes every failed connect a ConnectTimeoutError, refusals too
            if isinstance(exc, ConnectTimeoutError) and not isinstance(exc, NewConnectionError):
                if connect < remaining and not watchdog.fired:  # the connect limit ran out
                    return _Transient(
                        f"timed out after {connect:g} s (connect)",
                        "the server did not answer; it may be down or blocking us, and it"
                        " will be tried again next run",
                        here,
                    )
                return _timed_out(settings, here, "connect")
            if watchdog.fired or isinstance(exc, _PastDeadline):
                return _timed_out(settings, here, phase)
            if isinstance(exc, (ReadTimeoutError, TimeoutError)):
                return _timed_out(settings, here, phase)
            if isinstance(exc, ProxyError):
                return _proxy_problem(exc, url, client.proxy_for(url))
            return _transport_problem(exc, url)
        finally:
            # Disarmed before the connection can go back to the pool, where another request
            # may take it: a late alarm must never shut a socket that is no longer ours.
            watchdog.disarm()
            _watching.current = None
            if response is not None:
                if not finished:
                    response.close()
                response.release_conn()
    return _Final(
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


def _web_url(address: str) -> Url | _Final:
    """``address`` parsed, normalised (lower-case scheme and host, IDNA, percent-encoding)
    and checked to be http(s) with a host; or the failure that explains why not."""
    try:
        url = parse_url(address.strip())
    except (LocationParseError, LocationValueError, ValueError) as exc:
        return _bad_url(address, f"not a usable URL ({exc})")
    if url.scheme not in ("http", "https") or not url.host:
        return _bad_url(address, "not an http:// or https:// address")
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
        if sock is not None:  # a body that does not come at once is not worth waiting for
            sock.settimeout(min(sock.gettimeout() or 1.0, 1.0))
        response.read(decode_content=False)
    except (HTTPError, http.client.HTTPException, OSError):
        return False
    return True


def _redirect_target(response: urllib3.BaseHTTPResponse, here: str) -> Url | _Final:
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
    return _Final(
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


def _status_problem(response: urllib3.BaseHTTPResponse, here: str) -> _Final | _Transient:
    status = response.status
    text = f"HTTP {status} {_reason(status)}".rstrip()
    if status == 410:
        return _Final(
            "gone",
            here,
            status,
            problem=f"{text}: the feed no longer exists",
            advice="the publisher removed this feed; remove the source or find its new address",
        )
    if status == 429 or status >= 500:
        advice = (
            "the site is limiting how often it may be fetched; it will be tried again next run"
            if status == 429
            else "the site is having trouble; it will be tried again next run"
        )
        return _Transient(
            text, advice, here, status, _parse_retry_after(response.headers.get("retry-after"))
        )
    if status == 404:
        advice = "check the URL; the site may have moved the feed"
    elif status == 407:
        advice = (
            "the proxy asks for a login: give it as http://user:password@host:port in the"
            " http_proxy / https_proxy environment variable"
        )
    elif status in (401, 403):
        advice = (
            "the site refuses access: the feed may need a login or the site blocks automated"
            " readers; open the URL in a browser to check"
        )
    else:
        advice = "open the URL in a browser to check it"
    return _Final("failed", here, status, problem=text, advice=advice)


def _read_body(
    response: urllib3.BaseHTTPResponse,
    settings: FetchSettings,
    deadline: float,
    clock: Callable[[], float],
) -> bytes:
    cap = settings.max_bytes
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > cap:
        raise _TooLarge(
            f"the response is larger than {_size(cap)} (the server says {_size(int(declared))})"
        )
    decoders = _decoders(response.headers.get("content-encoding", ""))
    body = bytearray()
    raw = 0
    for chunk in response.stream(64 * 1024, decode_content=False):
        raw += len(chunk)
        if raw > cap:
            raise _TooLarge(f"the response is larger than {_size(cap)}")
        data = chunk
        for decoder in decoders:
            data = decoder.decode(data, cap - len(body) + 1)
            if len(data) > cap - len(body):
                raise _TooLarge(f"the response is larger than {_size(cap)} once decompressed")
        body += data
        if clock() >= deadline:
            raise _PastDeadline
    return bytes(body)


# --- decompression with a bounded output -------------------------------------------------


class _Decoder(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; returning more than ``limit - 1`` bytes means "over the cap"."""
        ...


class _ZlibDecoder:
    def __init__(self, name: str) -> None:
        self._name = name
        self._first = True
        # gzip has a header; "deflate" is meant to be zlib-wrapped but is often raw
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if name == "gzip" else zlib.MAX_WBITS)

    def decode(self, data: bytes, limit: int) -> bytes:
        first, self._first = self._first, False
        if self._zlib.eof:  # trailing bytes after the compressed stream
            return b""
        try:
            return self._zlib.decompress(data, limit)
        except zlib.error as exc:
            if first and self._name == "deflate":
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.decode(data, limit)
            raise _BadEncoding(f"the {self._name} compressed response is damaged ({exc})") from exc


class _BrotliDecoder:
    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()

    def decode(self, data: bytes, limit: int) -> bytes:
        try:
            if _BROTLI_BOUNDED:
                return self._brotli.process(data, output_buffer_limit=limit)
            # old brotli cannot bound its output: feed it small slices and check as we go
            out = bytearray()
            for i in range(0, len(data), 1024):
                out += self._brotli.process(data[i : i + 1024])
                if len(out) >= limit:
                    break
            return bytes(out)
        except brotli.error as exc:
            raise _BadEncoding(f"the brotli compressed response is damaged ({exc})") from exc


class _Identity:
    def decode(self, data: bytes, limit: int) -> bytes:
        return data


def _decoders(content_encoding: str) -> list[_Decoder]:
    """Decoders in the order to apply them (the reverse of the order the server applied)."""
    decoders: list[_Decoder] = []
    for name in reversed([n.strip().lower() for n in content_encoding.split(",")]):
        if name in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif name == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif name == "br" and brotli is not None:
            decoders.append(_BrotliDecoder())
        # anything else (identity, or a bogus label like "utf-8") passes through untouched
    return decoders or [_Identity()]


def _brotli_is_bounded() -> bool:
    if brotli is None:
        return False
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:  # brotli < 1.2
        return False
    return True


_BROTLI_BOUNDED = _brotli_is_bounded()
# only offer brotli when its output can be bounded: a few hundred bytes can inflate to GBs
_ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI_BOUNDED else "gzip, deflate"


# --- the deadline watchdog ---------------------------------------------------------------


class _Watchdog:
    """Shuts down the socket of a request still running at its deadline.

    Socket timeouts bound each operation separately (connect, then every read), so a server
    that answers slowly and then trickles its body could hold a worker far past
    ``total_timeout``. Shutting the socket down wakes the blocked read at once. The request's
    connection hands its socket over when it opens it or is reused (``_WatchedHTTPConnection``),
    and the watchdog is disarmed before that connection goes back to the pool.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._owned = False  # the socket is a duplicate made for the watchdog: close it after
        self._done = False
        self.fired = False
        self.deadline: float | None = None
        self.public_only = False

    def track(self, sock: socket.socket | None, *, owned: bool = False) -> None:
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self._done:
                if owned:
                    sock.close()
                return
            self._let_go()
            self._socket, self._owned = sock, owned
            if self.fired:  # the deadline passed while the socket was being opened
                _shut(sock)

    def arm(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        _ALARMS.set(self.deadline, self)

    def disarm(self) -> None:
        with self._lock:
            self._done = True
            self._let_go()
        _ALARMS.cancel(self)

    def forget(self) -> None:
        """The connection goes back to the pool: its socket is no longer this request's."""
        with self._lock:
            self._let_go()

    def _let_go(self) -> None:
        if self._socket is not None and self._owned:
            self._socket.close()
        self._socket, self._owned = None, False

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            if self._socket is not None:
                _shut(self._socket)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing to wake
        sock.shutdown(socket.SHUT_RDWR)


class _Watching(threading.local):
    current: _Watchdog | None = None


_watching = _Watching()  # the watchdog of the request this thread is making, if any


class _HandsOverItsSocket:
    """Gives a connection's socket to the current request's watchdog, whether the
    connection is new or reused, and opens new connections within the request's deadline.

    A new socket is handed over as a duplicate of its descriptor: wrapping it for TLS
    detaches the socket object itself, and the duplicate still reaches the connection, so
    a handshake that stalls is cut at the deadline like anything else."""

    def _new_conn(self) -> socket.socket:
        watchdog = _watching.current
        if watchdog is None:
            return super()._new_conn()  # type: ignore[misc,no-any-return]
        sock: socket.socket = _open_by(watchdog.deadline, super()._new_conn, self)  # type: ignore[misc]
        if watchdog.public_only and not getattr(self, "proxy", None):
            try:
                _refuse_private_peer(sock)
            except _PrivateAddress:
                sock.close()
                raise
        watchdog.track(sock.dup(), owned=True)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        sock = getattr(self, "sock", None)
        watchdog = _watching.current
        if sock is not None and watchdog is not None:
            if watchdog.public_only and not getattr(self, "proxy", None):
                _refuse_private_peer(sock)  # a kept-alive connection opened for another
            watchdog.track(sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _PrivateAddress(Exception):
    """A request for untrusted content would reach a non-public address."""


def _refuse_private_peer(sock: socket.socket) -> None:
    address = sock.getpeername()[0]
    if not _is_public(address):
        raise _PrivateAddress(address)


def _refuse_private_name(host: str) -> None:
    address = _private_address(host)
    if address is not None:
        raise _PrivateAddress(address)


def _private_address(host: str) -> str | None:
    """The first non-public address DNS gives for ``host``, or None. A name that cannot be
    resolved gives None: a proxy will not find it either, and no link of its can be trusted."""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    return next((str(a[0]) for *_, a in found if not _is_public(str(a[0]))), None)


def _is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def is_public_host(host: str) -> bool:
    """Whether ``host`` is on the public internet as far as DNS says: False for loopback,
    private, link-local and similar addresses (an intranet feed); True when it cannot be
    resolved, the safe answer for deciding whether to trust links found in its feed."""
    return _private_address(host) is None


def _open_by(
    deadline: float | None, open_connection: Callable[[], socket.socket], connection: Any
) -> socket.socket:
    """``open_connection()`` (name lookup, then a connect to each address in turn), given up
    at ``deadline``. Neither step can be interrupted: a lookup that hangs on a broken resolver,
    or a host whose every address is silent, would each take their own timeouts in full. So
    the opening runs on a thread of its own, and is abandoned (its socket closed when it
    finally comes) if the deadline passes first."""
    if deadline is None:
        return open_connection()
    lock = threading.Lock()
    done = threading.Event()
    outcome: dict[str, Any] = {"abandoned": False}

    def run() -> None:
        try:
            sock, error = open_connection(), None
        except BaseException as exc:  # handed to the waiting thread below
            sock, error = None, exc
        with lock:
            if outcome["abandoned"]:
                if sock is not None:
                    sock.close()
                return
            outcome["socket"], outcome["error"] = sock, error
            done.set()

    threading.Thread(target=run, name="digest-connect", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        with lock:
            if not done.is_set():
                outcome["abandoned"] = True
                raise ConnectTimeoutError(
                    connection, "the name lookup and connect did not finish by the deadline"
                )
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["socket"]


class _WatchedHTTPConnection(_HandsOverItsSocket, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_HandsOverItsSocket, HTTPSConnection):
    pass


class _ForgetsReturnedConnections:
    """urllib3 returns a connection to the pool the moment its body has been read, before
    the request is over: from then on another request may use it, so the watchdog of the
    request returning it must let go of its socket first."""

    def _put_conn(self, conn: Any) -> None:
        if _watching.current is not None:
            _watching.current.forget()
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedHTTPPool(_ForgetsReturnedConnections, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(_ForgetsReturnedConnections, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _AlarmClock:
    """One thread that fires every armed watchdog at its deadline.

    A ``threading.Timer`` per request would start (and wait for) a new thread for each of
    hundreds of fetches, which costs more than many of the fetches themselves.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, _Watchdog]] = []
        self._armed: set[int] = set()
        self._thread: threading.Thread | None = None

    def set(self, deadline: float, watchdog: _Watchdog) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline, id(watchdog), watchdog))
            self._armed.add(id(watchdog))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="digest-fetch-deadlines", daemon=True
                )
                self._thread.start()
            self._wake.notify()

    def cancel(self, watchdog: _Watchdog) -> None:
        with self._wake:
            self._armed.discard(id(watchdog))

    def _run(self) -> None:
        while True:
            with self._wake:
                # Drop cancelled alarms from the top so the wait below is for a live one.
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, key, watchdog = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                heapq.heappop(self._heap)
                self._armed.discard(key)
            watchdog.fire()


_ALARMS = _AlarmClock()


# --- problems, in words ------------------------------------------------------------------


def _bad_url(url: str, why: str) -> _Final:
    return _Final(
        "failed",
        url,
        problem=f"{why}: {url[:200]}",
        advice="fix the source's url in the config: it must be an http:// or https:// address",
    )


def _timed_out(settings: FetchSettings, url: str, phase: str) -> _Transient:
    return _Transient(
        f"timed out after {settings.total_timeout:g} s ({phase})",
        "the site is slow or unreachable; it will be tried again next run"
        " (raise [fetch] timeout in the config if it is always this slow)",
        url,
    )


def _transport_problem(exc: BaseException, url: Url) -> _Final | _Transient:
    host = url.host
    here = url.url
    chain = _causes(exc)
    cert = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if cert is not None:
        reason = cert.verify_message or cert.reason or "verification failed"
        return _Final(
            "failed",
            here,
            problem=f"the HTTPS certificate of {host} is not valid ({reason})",
            advice="the site's certificate is expired or wrong; tell its owner, and check the"
            " URL's host name",
        )
    tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    if tls is not None:
        return _Final(
            "failed",
            here,
            problem=f"the secure connection to {host} failed ({tls.reason or tls})",
            advice="check the URL (https:// or http://); the site's TLS setup may be broken",
        )
    dns = next((e for e in chain if isinstance(e, socket.gaierror)), None)
    if dns is not None:
        problem = f"could not find the server {host} (DNS lookup failed)"
        if dns.errno == socket.EAI_AGAIN:
            return _Transient(problem, "the name lookup failed for now; check the network", here)
        advice = "check the host name in the URL; the domain may no longer exist"
        return _Final("failed", here, problem=problem, advice=advice)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return _Transient(
            f"{host} refused the connection",
            "the site is down or the URL's port is wrong; it will be tried again next run",
            here,
        )
    if isinstance(exc, NewConnectionError):
        problem = f"could not connect to {host} ({_innermost(exc)})"
    elif any(
        isinstance(e, http.client.BadStatusLine)
        and not isinstance(e, http.client.RemoteDisconnected)
        for e in chain
    ):
        # Something answered, but not in HTTP: most often TLS spoken to an http:// address.
        https = url.scheme == "http"
        return _Final(
            "failed",
            here,
            problem=f"{host} did not answer in HTTP"
            + (" (it may expect https://)" if https else ""),
            advice="check the URL's scheme (http:// or https://) and port",
        )
    elif any(
        isinstance(e, (http.client.HTTPException, ConnectionError, ProtocolError)) for e in chain
    ):
        problem = f"{host} closed the connection without a complete response"
    else:
        problem = f"network error talking to {host} ({_innermost(exc)})"
    return _Transient(problem, "the connection failed; it will be tried again next run", here)


_LOGIN = re.compile(r"//[^/@\s]*:[^/@\s]*@")


def _split_login(proxy: str) -> tuple[str, str | None]:
    """A proxy address without its ``user:password@``, and that login (percent-decoded)."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.username is None:
        return proxy, None
    host = parts.netloc.rpartition("@")[2]
    login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return urlunsplit(parts._replace(netloc=host)), login


def _proxy_problem(exc: BaseException, url: Url, proxy: str | None) -> _Final | _Transient:
    advice = "check the proxy, and the http_proxy / https_proxy / no_proxy environment variables"
    proxy = _split_login(proxy)[0] if proxy else proxy  # a password must never be shown
    if isinstance(exc, ProxySchemeUnknown):
        return _Final(
            "failed",
            url.url,
            problem=f"cannot use the proxy {proxy}: only http:// and https:// proxies work",
            advice=advice,
        )
    return _Transient(
        f"could not fetch through the proxy {proxy} ({_LOGIN.sub('//', _innermost(exc))})",
        advice,
        url.url,
    )


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _innermost(exc: BaseException) -> str:
    inner = _causes(exc)[-1]
    return str(inner) or type(inner).__name__


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now (delay-seconds or an HTTP-date), or None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:.0f} days"
