"""What the tests of digest.sources.http share: a feed body, a pause recorder, a one-line
fetch, a port nobody listens on and one where nobody answers."""

from __future__ import annotations

import contextlib
import socket
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
