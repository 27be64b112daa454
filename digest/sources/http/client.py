"""The connections fetching uses: libcurl handles kept alive per thread and network policy,
through the environment's proxy, over TLS checked against the system's trusted certificates.

The transport is libcurl (through pycurl): a bare request costs it about a fifth of the CPU
it costs urllib3 and http.client (``benchmarks/transport_bench.py``), and fetching is the
largest cost of a run that finds nothing new.
"""

from __future__ import annotations

import contextlib
import functools
import os
import ssl
import threading
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import pycurl

from digest.sources.http.address import WebAddress
from digest.sources.http.guard import SYSTEM_NETWORK, Network


class Client:
    """The connections ``fetch`` uses, safe to share between threads.

    Each thread has a libcurl handle of its own for each network policy (``handle``): a
    handle keeps its connections alive for its next requests to the same host, and reuses
    one for any request it makes, so a connection opened for a request allowed private
    addresses must never carry one that is not. Requests go through the proxy the
    environment names for their scheme (``http_proxy``, ``https_proxy``, else ``all_proxy``;
    ``no_proxy`` lists hosts to reach directly), read once when the client is made, and
    never through one curl would find by itself; a ``user:password@`` in the proxy's address
    is sent as its login and never shown in a message. ``ca_file`` replaces the certificates
    that decide which HTTPS sites to trust (by default, the system's); ``network`` where
    names resolve and direct connections go (by default, the system's: see ``guard``).
    """

    def __init__(self, *, ca_file: str | None = None, network: Network | None = None) -> None:
        self.network = network or SYSTEM_NETWORK
        self._trusted = (ca_file, None) if ca_file else _system_certificates()
        self._proxies = _environment_proxies()
        self._lock = threading.Lock()
        self._handles: dict[tuple[int, bool], Handle] = {}

    def proxy_for(self, url: WebAddress) -> str | None:
        """The proxy the environment names for ``url`` (login included), or None."""
        proxy = self._proxies.get(url.scheme or "") or self._proxies.get("all")
        if not proxy:
            return None
        import urllib.request

        bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
        return None if bypass(url.host or "", self._proxies) else proxy

    def handle(self, allow_private: bool) -> Handle:
        """The calling thread's libcurl handle for requests of this network policy."""
        key = (threading.get_ident(), allow_private)
        with self._lock:
            kept = self._handles.get(key)
        if kept is None:
            handle = pycurl.Curl()
            handle.setopt(pycurl.NOSIGNAL, 1)  # (timeouts without signals: threads)
            handle.setopt(pycurl.FOLLOWLOCATION, 0)  # redirects are followed by ``attempt``
            # HTTP/1.1 only: curl would negotiate HTTP/2 over TLS, and could try HTTP/3 over
            # UDP, which a connection opened by the network policy cannot carry
            handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1)
            handle.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
            # ``proxy_for`` alone decides which hosts bypass the proxy: libcurl would read
            # no_proxy again, its own way, and connect directly a request whose name was
            # checked for the proxy, to an address the network policy never saw
            handle.setopt(pycurl.NOPROXY, "")
            # A body sent with "Transfer-Encoding: gzip, chunked" is undone rather than
            # refused (libcurl refuses one it did not ask for, and asking is what undoes it):
            # some servers send it unasked. It is undone before the size cap counts it.
            handle.setopt(pycurl.TRANSFER_ENCODING, 1)
            # The trusted certificates, for sites and https:// proxies alike, and only
            # these: where one of file and folder is not given, libcurl's own built-in one
            # is cleared. Set once a handle, not once a request: curl spends about 10 µs of
            # CPU a request on them, over plain HTTP too.
            ca_file, ca_path = self._trusted
            for options, value in (
                ((pycurl.CAINFO, pycurl.PROXY_CAINFO), ca_file),
                ((pycurl.CAPATH, pycurl.PROXY_CAPATH), ca_path),
            ):
                for option in options:
                    if value:
                        handle.setopt(option, value)
                    else:
                        handle.unsetopt(option)
            kept = Handle(handle)
            with self._lock:
                self._handles[key] = kept
        return kept

    def close(self) -> None:
        """Close every handle, and with them their kept-alive connections. A handle still
        making a request (its caller stopped waiting: Ctrl-C) cannot be closed under it: it
        is let go, and closed when nothing holds it any more."""
        with self._lock:
            handles, self._handles = list(self._handles.values()), {}
        for kept in handles:
            with contextlib.suppress(pycurl.error):
                kept.curl.close()


class Handle:
    """A libcurl handle, and the name it was last told where to find (``RESOLVE``): curl
    keeps such an entry in its cache until a later transfer is told to drop it."""

    def __init__(self, curl: Any) -> None:
        self.curl = curl
        self.resolved: str | None = None  # "host:port"


def split_login(proxy: str) -> tuple[str, str | None]:
    """A proxy address without its ``user:password@``, and that login (percent-decoded)."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if parts.username is None:
        return proxy, None
    host = parts.netloc.rpartition("@")[2]
    login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return urlunsplit(parts._replace(netloc=host)), login


def _environment_proxies() -> dict[str, str]:
    """The proxies the environment names, by scheme ("no" for ``no_proxy``), as urllib reads
    them. urllib.request, whose import loads http.client and email's parsers (about 15 ms),
    is loaded only where a ``*_proxy`` variable is set: most runs have none."""
    if not any(name[-6:].lower() == "_proxy" for name in os.environ):
        return {}
    import urllib.request

    return urllib.request.getproxies_environment()


@functools.cache
def _system_certificates() -> tuple[str | None, str | None]:
    """The system's trusted certificates, as a file and a folder, where Python's own TLS
    finds them (``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` included); certifi's bundle where the
    system has none (some Python builds on macOS). Given to curl explicitly: pycurl's wheels
    carry a libcurl whose own idea of where they are may not hold on this system."""
    paths = ssl.get_default_verify_paths()
    ca_file = paths.cafile if paths.cafile and os.path.isfile(paths.cafile) else None
    ca_path = paths.capath if paths.capath and os.path.isdir(paths.capath) else None
    if ca_path and not any(name.endswith(".0") for name in os.listdir(ca_path)):
        ca_path = None  # not a folder OpenSSL can look certificates up in
    if ca_file is None and ca_path is None:
        with contextlib.suppress(ImportError):
            import certifi

            ca_file = certifi.where()
    return ca_file, ca_path
