"""The network policy: the one place that decides which addresses a request may reach.

Every request digest makes (a feed, a page, an article's full text, a sitemap, a feed that
``digest sources add`` finds, and every redirect on the way to any of them) reaches only
addresses on the public internet, unless its source allows private ones (``allow_private``).
So a hostile feed, page or redirect cannot make digest read a router's admin page, a cloud
metadata service or anything else on the local network, and publish it in the digest.

What counts as public is ``ipaddress``'s answer (``is_global``, and not multicast), asked of
an IPv4 address written as IPv6 (mapped, 6to4, NAT64) as well as of the IPv6 form: loopback,
private, link-local, carrier-grade NAT, unique-local and site-local IPv6, multicast,
unspecified and reserved addresses are all refused. ``why_not_public`` says which.

``Reach`` applies the policy for one request where an address becomes known:

* ``connect``: a direct connection resolves the host once, drops every address the policy
  refuses, and connects to one of those left, by address. The address checked is the
  address connected to, so a name that resolves differently the second time (DNS
  rebinding) gains nothing; ``check_reached`` checks a kept-alive connection again, since it
  may have been opened for a request that was allowed more.
* ``check_name``: through a proxy the proxy connects, not digest, so the target's name is
  resolved here and refused if any address it has is refused, or if it has none (then
  where the proxy would connect cannot be known). An IP literal in any spelling
  (``[::ffff:127.0.0.1]``, ``127.1``) is judged as the address it is.

One kind of address is taken as the user's own choice: ``names_own_network`` says whether a
configured address names this machine or a private network *literally* (``127.0.0.1``,
``192.168.1.20``, ``[::1]``, ``localhost``). No DNS answer can move such an address, so a
source the user configured with one is an intranet source and may reach private addresses
without ``allow_private`` (a link-local address, where cloud metadata services answer, is
never among them). A name (``wiki.lan``) still needs ``allow_private``: what it points to
is only what DNS says at the moment.

Names are resolved and connections opened through a ``Network``: the system's, or one a
test gives, so that names can lead to chosen addresses without touching the internet.
A refused request raises ``Refused``.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

# A sockaddr as getaddrinfo gives it: (address, port) or (address, port, flowinfo, scope_id).
SocketAddress = tuple[Any, ...]
# The NAT64 prefix (RFC 6052): on an IPv6-only network, DNS64 gives every IPv4-only site an
# address in it, so the IPv4 address it carries is what counts. ipaddress has no property
# for it before Python 3.13.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Refused(Exception):
    """A request would reach an address its policy refuses. The message says which host,
    which address and why; ``address`` is None when the host could not be resolved."""

    def __init__(self, host: str, address: str | None, why: str) -> None:
        self.host, self.address, self.why = host, address, why
        if address is None:
            text = f"{host} {why}"
        elif _same_address(host, address):
            text = f"{address} is {why}"
        else:
            text = f"{host} resolves to {address}, {why}"
        super().__init__(text)


class Network(Protocol):
    """Where names resolve and connections go."""

    def resolve(self, host: str, port: int) -> Sequence[tuple[int, SocketAddress]]:
        """Every (address family, socket address) ``host`` has; ``socket.gaierror`` if none."""
        ...

    def connect(
        self,
        family: int,
        address: SocketAddress,
        timeout: float | None,
        source_address: tuple[str, int] | None = None,
        socket_options: Sequence[tuple[int, int, int | bytes]] | None = None,
    ) -> socket.socket:
        """A TCP connection to ``address`` (one that ``resolve`` gave), or an OSError."""
        ...


class SystemNetwork:
    """The system's resolver and sockets."""

    def resolve(self, host: str, port: int) -> list[tuple[int, SocketAddress]]:
        found = socket.getaddrinfo(host, port, _address_family(), socket.SOCK_STREAM)
        return [(family, address) for family, _, _, _, address in found]

    def connect(
        self,
        family: int,
        address: SocketAddress,
        timeout: float | None,
        source_address: tuple[str, int] | None = None,
        socket_options: Sequence[tuple[int, int, int | bytes]] | None = None,
    ) -> socket.socket:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
        except BaseException:
            sock.close()
            raise
        return sock


SYSTEM_NETWORK = SystemNetwork()


@functools.cache
def _address_family() -> int:
    """Which addresses a name is looked up for: IPv4 and IPv6 where this machine can use
    IPv6 at all, else IPv4 only, so that a connection is never tried over a protocol it
    lacks. Decided as urllib3 decides it (``allowed_gai_family``: can a socket bind to
    ``::1``), once a process; asked here because importing urllib3 to ask cost every run
    that looks a name up about 25 ms (see ``address``)."""
    if not socket.has_ipv6:
        return socket.AF_INET
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return socket.AF_INET
    return socket.AF_UNSPEC


def names_own_network(url: str) -> bool:
    """Whether ``url``'s host names this machine or a private network by itself: an IP
    address (loopback, private, unique-local, or one of these written as IPv6) or
    ``localhost``. Not a link-local address, and not a name that merely resolves there."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    ip = ip_literal(host)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip.is_unspecified or ip.is_multicast:
        return False
    return ip.is_loopback or ip.is_private


def why_not_public(address: str) -> str | None:
    """None when ``address`` (an IP address, as text) is on the public internet; else what
    it is instead, as words ("a loopback address")."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        carried = ip.ipv4_mapped or ip.sixtofour
        if carried is None and ip in _NAT64:
            carried = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if carried is not None:
            why = why_not_public(str(carried))
            if why is not None:
                return f"{why} written as IPv6"
            if ip.ipv4_mapped is not None or ip in _NAT64:
                return None  # the IPv4 address it stands for is public
        if ip.is_site_local:
            return "a site-local address"
    if ip.is_unspecified:
        return "the unspecified address (this machine)"
    if ip.is_loopback:
        return "a loopback address (this machine)"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private network address"
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return "an address outside the public internet"
    return None


@dataclass(frozen=True)
class Reach:
    """The addresses one request may reach: any (``allow_private``), or public ones only;
    names resolved and connections opened through ``network``."""

    allow_private: bool = False
    network: Network = SYSTEM_NETWORK

    def connect(
        self,
        host: str,
        port: int,
        timeout: float | None,
        source_address: tuple[str, int] | None = None,
        socket_options: Sequence[tuple[int, int, int | bytes]] | None = None,
    ) -> tuple[socket.socket, str]:
        """A connection to ``host`` at an address the request may reach, and that address.
        Raises ``Refused`` when every address the host has is refused; else what the
        resolver or the last connect raised (``socket.gaierror``, an OSError)."""
        host = _bare(host)
        found = self.network.resolve(host, port)
        allowed: list[tuple[int, SocketAddress]] = []
        refused: Refused | None = None
        for family, address in found:
            why = None if self.allow_private else why_not_public(str(address[0]))
            if why is None:
                allowed.append((family, address))
            elif refused is None:
                refused = Refused(host, str(address[0]), why)
        if refused is not None and not allowed:
            raise refused
        error: OSError = OSError(f"no address found for {host}")
        for family, address in allowed:
            try:
                sock = self.network.connect(
                    family, address, timeout, source_address, socket_options
                )
            except OSError as exc:
                error = exc
                continue
            return sock, str(address[0])
        raise error

    def check_reached(self, host: str, address: str) -> None:
        """Raise ``Refused`` if the request may not use a connection to ``address``."""
        why = None if self.allow_private else why_not_public(address)
        if why is not None:
            raise Refused(_bare(host), address, why)

    def check_name(self, host: str) -> None:
        """Raise ``Refused`` unless every address ``host`` has may be reached: for a request
        that a proxy will make."""
        if self.allow_private:
            return
        host = _bare(host)
        try:
            found = [str(address[0]) for _, address in self.network.resolve(host, 0)]
        except (OSError, UnicodeError):
            found = []
        if not found:
            raise Refused(
                host,
                None,
                "could not be found by this machine's DNS, so where the proxy would"
                " connect cannot be checked",
            )
        for address in found:
            self.check_reached(host, address)


@functools.lru_cache(maxsize=1024)
def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL's host is written as (``192.0.2.7``, ``[2001:db8::1]``, with or
    without a zone), or None for a name, which only a lookup turns into addresses. (Asked
    for every request, of a few hosts: remembered.)"""
    try:
        return ipaddress.ip_address(host.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _bare(host: str) -> str:
    """A URL's host as a resolver takes it: an IPv6 literal without its brackets, a name
    without its final dot."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host.rstrip(".") or host


def _same_address(host: str, address: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]) == ipaddress.ip_address(
            address.split("%", 1)[0]
        )
    except ValueError:
        return False
