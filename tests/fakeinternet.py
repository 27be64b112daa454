"""The internet, for tests that must never reach it: names resolved to chosen addresses, and
every connection made to the real test servers on 127.0.0.1.

    internet = FakeInternet()
    internet.name("news.example", "93.184.215.14")      # a public address
    internet.name("router.example", "192.168.1.1")      # one on the local network
    url = f"http://news.example:{http_server.port}/feed.xml"
    fetch(FetchRequest("s", url), FetchSettings(network=internet))   # or FetchConfig(network=)

Whatever address a name leads to, the connection is made to 127.0.0.1 on the port asked for,
so a test server answers as the public site or the router would, while digest's network
policy judges the address the name gave. ``connected`` lists the addresses digest connected
to (a test proves one was never reached) and ``lookups`` the names it resolved. An IP literal
resolves to itself; an unknown name fails as DNS does. ``rebind`` gives a name a different
answer at each lookup, as a DNS rebinding attack does.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["PUBLIC", "FakeInternet"]

# Public addresses (ipaddress says is_global), for names that stand for sites on the internet.
PUBLIC = ("93.184.215.14", "93.184.215.15", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")


class FakeInternet:
    """A ``digest.sources.http.Network`` for tests; see the module's docstring."""

    def __init__(self) -> None:
        self._answers: dict[str, list[tuple[str, ...]]] = {}
        self._lock = threading.Lock()
        self.connected: list[str] = []
        self.lookups: list[str] = []

    def name(self, host: str, *addresses: str) -> None:
        """``host`` resolves to ``addresses``, all of them, at every lookup."""
        self._answers[host.lower()] = [tuple(addresses)]

    def rebind(self, host: str, *answers: str) -> None:
        """``host`` resolves to the first of ``answers`` at its first lookup, the second at
        the next, and so on; the last one repeats."""
        self._answers[host.lower()] = [(answer,) for answer in answers]

    # --- the Network interface

    def resolve(self, host: str, port: int) -> list[tuple[int, tuple[Any, ...]]]:
        with self._lock:
            self.lookups.append(host)
            try:
                addresses: Sequence[str] = (str(ipaddress.ip_address(host.split("%")[0])),)
            except ValueError:
                answers = self._answers.get(host.lower().rstrip("."))
                if answers is None:
                    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
                addresses = answers[0]
                if len(answers) > 1:
                    answers.pop(0)
        found = []
        for address in addresses:
            if ipaddress.ip_address(address).version == 6:
                found.append((socket.AF_INET6, (address, port, 0, 0)))
            else:
                found.append((socket.AF_INET, (address, port)))
        return found

    def connect(
        self,
        family: int,
        address: tuple[Any, ...],
        timeout: float | None,
        source_address: tuple[str, int] | None = None,
        socket_options: Sequence[tuple[int, int, int | bytes]] | None = None,
    ) -> socket.socket:
        with self._lock:
            self.connected.append(str(address[0]))
        return socket.create_connection(("127.0.0.1", address[1]), timeout)
