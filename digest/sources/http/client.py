"""The connections fetching uses: pooled per host, through the environment's proxy, over TLS
checked against the system's trusted certificates.

The transport is urllib3: on a loopback corpus it spends about a third of the CPU time per
request that httpx did, and fetching is the largest cost of a build.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import ssl
import threading
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import urllib3
from urllib3.util import Url

from digest.sources.http.deadline import watched
from digest.sources.http.guard import SYSTEM_NETWORK, Network


class _NoHeaderParsingNoise(logging.Filter):
    """urllib3 logs a traceback at WARNING for every response with a malformed header line
    (common, and harmless: the response is still read). Under cron that is a mail a run."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to parse headers")


logging.getLogger("urllib3.connection").addFilter(_NoHeaderParsingNoise())


class Client:
    """The connections ``fetch`` uses, safe to share between threads.

    Connections are kept alive and pooled per host, at most ``pool_size`` each (one per
    worker is enough). Requests go through the proxy the environment names for their scheme
    (``http_proxy``, ``https_proxy``, else ``all_proxy``; ``no_proxy`` lists hosts to reach
    directly), read once when the client is made; a ``user:password@`` in the proxy's
    address is sent as its login and never shown in a message. Every socket a request opens
    or reuses is handed to that request's deadline watchdog. ``tls`` replaces the context that
    decides which HTTPS certificates to trust (by default, the system's); ``network`` where
    names resolve and direct connections go (by default, the system's: see ``guard``).
    """

    def __init__(
        self,
        *,
        pool_size: int = 1,
        hosts: int = 1,
        tls: ssl.SSLContext | None = None,
        network: Network | None = None,
    ) -> None:
        self.network = network or SYSTEM_NETWORK
        self._pool_options: dict[str, Any] = {
            "num_pools": max(10, hosts),  # pools beyond this are closed, least recently used
            "maxsize": pool_size,
            "block": False,
            "retries": False,  # fetch retries by itself, with its own backoff and deadline
            "ssl_context": tls or _tls_context(),
        }
        self._direct = watched(urllib3.PoolManager(**self._pool_options))
        self._proxies = urllib.request.getproxies_environment()
        self._via: dict[str, urllib3.PoolManager] = {}
        self._lock = threading.Lock()

    def proxy_for(self, url: Url) -> str | None:
        """The proxy the environment names for ``url`` (login included), or None."""
        proxy = self._proxies.get(url.scheme or "") or self._proxies.get("all")
        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        if not proxy or bypass(url.host or "", self._proxies):
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
                address, login = split_login(proxy)
                headers = urllib3.make_headers(proxy_basic_auth=login) if login else None
                manager = watched(
                    urllib3.ProxyManager(address, proxy_headers=headers, **self._pool_options)
                )
                self._via[proxy] = manager
            return manager

    def close(self) -> None:
        self._direct.clear()
        with self._lock:
            for manager in self._via.values():
                manager.clear()


def split_login(proxy: str) -> tuple[str, str | None]:
    """A proxy address without its ``user:password@``, and that login (percent-decoded)."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.username is None:
        return proxy, None
    host = parts.netloc.rpartition("@")[2]
    login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return urlunsplit(parts._replace(netloc=host)), login


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
