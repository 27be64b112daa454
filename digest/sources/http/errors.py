"""What went wrong with an attempt, in words: each problem says what happened and its
advice what to do, and whether trying again could help (a ``TransientFailure``) or not (a
``FinalAnswer``).

Nothing here touches the network; these read an exception or a response's status and
headers. A proxy's password never reaches a message.
"""

from __future__ import annotations

import datetime as dt
import http
import math
import re
import socket
from collections.abc import Mapping

from digest.sources.http import guard
from digest.sources.http.address import WebAddress
from digest.sources.http.client import split_login
from digest.sources.http.model import FetchSettings, FinalAnswer, TransientFailure


class UnusableProxy(Exception):
    """The environment names a proxy digest cannot use (not http:// or https://)."""


class CouldNotConnect(OSError):
    """A connection that could not be opened, for a reason other than a refusal, a timeout
    or a name that does not resolve (no route to the host, say): its cause says which."""


# How the advice of a fetch that may work another time ends: a run's source is read again by
# the next run. An address being added is not (``not_added``).
TRIED_AGAIN = "it will be tried again next run"


def not_added(advice: str) -> str:
    """``advice`` for an address that ``digest sources add`` could not read: nothing was
    added, so no run will try it again; the user may, later."""
    if TRIED_AGAIN not in advice:
        return advice
    advice = re.sub(rf"(?:; |,? and )?{TRIED_AGAIN}", "", advice)
    return f"{advice}; nothing was added: try again later"


def bad_url(url: str, why: str) -> FinalAnswer:
    return FinalAnswer(
        "failed",
        url,
        problem=f"{why}: {url[:200]}",
        advice="fix the source's url in the config: it must be an http:// or https:// address",
    )


def timed_out(settings: FetchSettings, url: str, phase: str) -> TransientFailure:
    return TransientFailure(
        f"timed out after {settings.total_timeout:g} s ({phase})",
        f"the site is slow or unreachable; {TRIED_AGAIN}"
        "; raise [fetch] timeout in the config if it is always this slow",
        url,
    )


def connect_timed_out(connect: float, url: str) -> FinalAnswer:
    """The connect limit ran out before the request's deadline. Final for this run, like a
    refused connection: the system has already sent its request to connect again and again
    meanwhile, and waiting for more would hold up every build while the host is unreachable
    (three attempts held a build for the whole 30 s timeout)."""
    return FinalAnswer(
        "failed",
        url,
        problem=f"timed out after {connect:g} s (connect)",
        advice=f"the server did not answer; it may be down or blocking us, and {TRIED_AGAIN}",
        host_down=True,
    )


def cut_short(problem: str, url: str) -> TransientFailure:
    """A body that ended before its end: nothing of it is taken, and it is tried again."""
    return TransientFailure(
        f"the download was cut short: {problem}",
        "the connection broke off; nothing was taken from this download, and it will be tried"
        " again next run",
        url,
    )


def refused(url: WebAddress, exc: guard.Refused, *, redirected: bool) -> FinalAnswer:
    """A hop refused by the network policy: which address, why, and how to allow it."""
    if redirected:
        problem = f"refused the redirect to {url.url[:200]}: {exc}"
        advice = "the site redirects into a private network, which digest does not follow"
    else:
        problem = f"not fetched: {exc}"
        advice = "digest reaches only public internet addresses"
    advice += (
        "; if this source is on your own network and you trust it, set allow_private = true"
        " on it in the config"
    )
    return FinalAnswer("failed", url.url, problem=problem, advice=advice, refused=True)


def status_problem(
    status: int, headers: Mapping[str, str], here: str
) -> FinalAnswer | TransientFailure:
    """The problem with a response that is neither a success, a redirect nor a 304
    (``headers``: its headers, by lower-case name)."""
    text = f"HTTP {status} {_reason(status)}".rstrip()
    if status == 410:
        return FinalAnswer(
            "gone",
            here,
            status,
            problem=f"{text}: the feed no longer exists",
            advice="the publisher removed this feed; remove the source or find its new address",
        )
    if status == 429 or status >= 500:
        advice = (
            f"the site is limiting how often it may be fetched; {TRIED_AGAIN}"
            if status == 429
            else f"the site is having trouble; {TRIED_AGAIN}"
        )
        return TransientFailure(
            text, advice, here, status, _parse_retry_after(headers.get("retry-after"))
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
    return FinalAnswer("failed", here, status, problem=text, advice=advice)


def transport_problem(exc: BaseException, url: WebAddress) -> FinalAnswer | TransientFailure:
    """The problem with a connection that failed (not by the deadline, nor at a proxy)."""
    import http.client  # (here: a run whose requests succeed never loads them)
    import ssl

    host = url.host
    here = url.url
    chain = _causes(exc)
    cert = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if cert is not None:
        reason = cert.verify_message or cert.reason or "verification failed"
        return FinalAnswer(
            "failed",
            here,
            problem=f"the HTTPS certificate of {host} is not valid ({reason})",
            advice="the site's certificate is expired or wrong; tell its owner, and check the"
            " URL's host name",
        )
    tls = next((e for e in chain if isinstance(e, ssl.SSLError)), None)
    if tls is not None:
        return FinalAnswer(
            "failed",
            here,
            problem=f"the secure connection to {host} failed ({tls.reason or tls})",
            advice="check whether the URL should start with https:// or http://; the site's TLS"
            " setup may be broken",
        )
    dns = next((e for e in chain if isinstance(e, socket.gaierror)), None)
    if dns is not None:
        problem = f"could not find the server {host} (DNS lookup failed)"
        if dns.errno == socket.EAI_AGAIN:
            return TransientFailure(
                problem, "the name lookup failed for now; check the network", here
            )
        advice = "check the host name in the URL; the domain may no longer exist"
        return FinalAnswer("failed", here, problem=problem, advice=advice, host_down=True)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        # Final for this run, as curl and wget treat it by default: nothing listens there,
        # and pausing to ask again would hold up every build while a site is down (a
        # timeout or a 5xx, by contrast, is often over in seconds).
        where = f"{host}:{url.port}" if url.port else host  # (the advice doubts the port)
        return FinalAnswer(
            "failed",
            here,
            problem=f"{where} refused the connection",
            advice=f"the site is down or the URL's port is wrong; {TRIED_AGAIN}",
            host_down=True,
        )
    if isinstance(exc, CouldNotConnect):
        problem = f"could not connect to {host} ({_innermost(exc)})"
    elif any(
        isinstance(e, http.client.BadStatusLine)
        and not isinstance(e, http.client.RemoteDisconnected)
        for e in chain
    ):
        # Something answered, but not in HTTP: most often TLS spoken to an http:// address.
        https = url.scheme == "http"
        return FinalAnswer(
            "failed",
            here,
            problem=f"{host} did not answer in HTTP"
            + (" (it may expect https://)" if https else ""),
            advice="check the URL's scheme, http:// or https://, and its port",
        )
    elif any(isinstance(e, (http.client.HTTPException, ConnectionError)) for e in chain):
        problem = f"{host} closed the connection without a complete response"
    else:
        problem = f"network error talking to {host} ({_innermost(exc)})"
    return TransientFailure(problem, f"the connection failed; {TRIED_AGAIN}", here)


_LOGIN = re.compile(r"//[^/@\s]*:[^/@\s]*@")


def proxy_problem(
    exc: BaseException, url: WebAddress, proxy: str | None
) -> FinalAnswer | TransientFailure:
    advice = "check the proxy, and the http_proxy / https_proxy / no_proxy environment variables"
    proxy = split_login(proxy)[0] if proxy else proxy  # a password must never be shown
    if isinstance(exc, UnusableProxy):
        return FinalAnswer(
            "failed",
            url.url,
            problem=f"cannot use the proxy {proxy}: only http:// and https:// proxies work",
            advice=advice,
        )
    return TransientFailure(
        f"could not fetch through the proxy {proxy} ({_LOGIN.sub('//', _innermost(exc))})",
        advice,
        url.url,
    )


def tunnel_refused(status: int, url: WebAddress, proxy: str) -> FinalAnswer | TransientFailure:
    """A proxy's answer other than 2xx (and 407) to the CONNECT that would open a tunnel to
    ``url``'s site (an https:// address): its refusal by its own rules, or its word that it
    could not reach the site (502, 503, 504: the site's trouble, for now)."""
    shown = split_login(proxy)[0]  # a password must never be shown
    problem = (
        f"the proxy {shown} would not open a connection to {url.host}"
        f" ({f'HTTP {status} {_reason(status)}'.rstrip()})"
    )
    if status in (502, 503, 504):
        advice = f"the proxy could not reach the site, which may be down; {TRIED_AGAIN}"
        return TransientFailure(problem, advice, url.url)
    advice = (
        "the proxy's rules may block this site: ask whoever runs the proxy, or list the host"
        " in no_proxy if it can be reached without it"
    )
    return FinalAnswer("failed", url.url, problem=problem, advice=advice)


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
        import email.utils

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
