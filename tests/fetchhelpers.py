"""What the tests of digest.sources.http share: a feed body, a pause recorder, a one-line
fetch, a port nobody listens on, one where nobody answers, and one that answers once with
whatever bytes a test wants (as a site, or a proxy and the site at its tunnel's end)."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator

from ports import closed_port

from digest.sources.http import FetchRequest, FetchResult, FetchSettings, fetch

__all__ = ["closed_port"]  # (for the tests that import it from here)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
MB = 1024 * 1024


class Sleeps:
    """An injected ``sleep`` that records the pauses instead of taking them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def get(url: str, settings: FetchSettings | None = None, **request: object) -> FetchResult:
    """Fetch ``url`` once. The test server is on 127.0.0.1, which is not the public internet:
    a request reaches it only when allowed to (``allow_private``, true unless said)."""
    request.setdefault("allow_private", True)
    return fetch(FetchRequest("test", url, **request), settings or FetchSettings(), sleep=Sleeps())


@contextlib.contextmanager
def unanswered_port() -> Iterator[int]:
    """A loopback port whose listener's queue is full: a connect to it waits, unanswered, as
    one to a host behind a firewall that drops it does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        waiting = []
        for _ in range(4):  # fill the queue
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
            waiting.append(client)
        try:
            yield port
        finally:
            for client in waiting:
                client.close()


@contextlib.contextmanager
def answering_once(
    sent: bytes, *, tunnel: ssl.SSLContext | None = None, hold: bool = False
) -> Iterator[int]:
    """A loopback port whose first connection is answered, once its request is in, with
    ``sent`` (any bytes: an answer cut short, or one no server should send), and closed.
    With ``tunnel`` (the site's TLS), as a proxy that answers CONNECT with "200 Connection
    established" and plays the site through the tunnel, which it closes as TLS closes (an
    abrupt end is a failure, whatever came before). ``hold``: the connection is kept open,
    saying nothing more, until the block ends."""
    finished = threading.Event()

    def read_request(connection: socket.socket) -> bytes:
        asked = b""
        while b"\r\n\r\n" not in asked:
            more = connection.recv(4096)
            if not more:
                break
            asked += more
        return asked

    def answer(listener: socket.socket) -> None:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(10)
            asked = read_request(connection)
            if tunnel is None:
                connection.sendall(sent)
                if hold:
                    finished.wait(10)
                return
            assert asked.startswith(b"CONNECT ")
            connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            with tunnel.wrap_socket(connection, server_side=True) as secure:
                read_request(secure)
                secure.sendall(sent)
                if hold:
                    finished.wait(10)
                with contextlib.suppress(OSError):
                    secure.unwrap()

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        threading.Thread(target=answer, args=(listener,), daemon=True).start()
        try:
            yield listener.getsockname()[1]
        finally:
            finished.set()
