"""The private-network guard: the one place that decides which addresses a request may reach.

A request for untrusted content (``FetchRequest.public_only``: a link found in a feed read
over the internet) may reach only public addresses, so a hostile feed cannot make digest read
a router's admin page or a cloud metadata service and publish it. ``allows`` is that rule
for one address; the rest apply it where an address becomes known:

* ``check_peer``: the address a connection actually reached, new or kept alive; the only
  check that cannot be fooled by a name that resolves differently the second time.
* ``check_name``: what DNS says of a host, for requests through a proxy (the proxy connects,
  not us, so its peer address says nothing about the target).
* ``is_public_host``: whether a host's feed is itself on the public internet, which decides
  whether the links in it are untrusted.

A refused request raises ``PrivateAddress``; the checks cost nothing for a request that is
not ``public_only``.
"""

from __future__ import annotations

import ipaddress
import socket


class PrivateAddress(Exception):
    """A request for untrusted content would reach a non-public address (the message)."""


def allows(address: str, *, public_only: bool) -> bool:
    """Whether a request may reach ``address`` (an IP address, as text)."""
    return not public_only or _is_public(address)


def check_peer(sock: socket.socket, *, public_only: bool) -> None:
    """Raise ``PrivateAddress`` if the request may not talk to the peer of ``sock``."""
    if not public_only:
        return
    address = sock.getpeername()[0]
    if not allows(address, public_only=public_only):
        raise PrivateAddress(address)


def check_name(host: str, *, public_only: bool) -> None:
    """Raise ``PrivateAddress`` if DNS gives ``host`` an address the request may not reach."""
    if not public_only:
        return
    address = _private_address(host)
    if address is not None:
        raise PrivateAddress(address)


def is_public_host(host: str) -> bool:
    """Whether ``host`` is on the public internet as far as DNS says: False for loopback,
    private, link-local and similar addresses (an intranet feed); True when it cannot be
    resolved, the safe answer for deciding whether to trust links found in its feed."""
    return _private_address(host) is None


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
