"""The deadline of one request, where libcurl cannot keep it: opening a connection.

libcurl bounds everything a transfer does by its ``TIMEOUT_MS`` (a server that answers slowly
and then trickles its body, a TLS handshake fed a byte at a time), but not what a callback of
ours does: and the network policy opens every connection itself (``guard.Reach.connect``:
name lookup, then a connect to each allowed address in turn). Neither step can be
interrupted, so ``open_within`` runs it on a thread of its own and abandons it at the
deadline (its socket closed when it finally comes), and the request fails as timed out.
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")


class GaveUp(Exception):
    """The name lookup and connect did not finish by the request's deadline."""


def open_within(deadline: float, open_connection: Callable[[], T]) -> T:
    """``open_connection()`` (name lookup, then a connect to each address in turn), given up
    at ``deadline`` (``time.monotonic``): raises ``GaveUp`` then, else what it raised."""
    lock = threading.Lock()
    done = threading.Event()
    abandoned = False
    opened: T | None = None
    error: BaseException | None = None

    def run() -> None:
        nonlocal opened, error
        try:
            result, failure = open_connection(), None
        except BaseException as exc:  # handed to the waiting thread below
            result, failure = None, exc
        with lock:
            if abandoned:
                sock = result[0] if isinstance(result, tuple) else result
                if isinstance(sock, socket.socket):
                    sock.close()
                return
            opened, error = result, failure
            done.set()

    _OPENERS.run(run)
    if not done.wait(max(0.0, deadline - time.monotonic())):
        with lock:
            if not done.is_set():
                abandoned = True
                raise GaveUp("the name lookup and connect did not finish by the deadline")
    if error is not None:
        raise error
    return cast(T, opened)


class _Openers:
    """The threads that open connections, each kept a while for the next once it is done:
    starting a thread costs about 90 µs of CPU, and a build that reads a thousand feeds opens
    a thousand connections (a rerun where every feed answers "304" spent a sixth of its time
    on it). A thread still opening an abandoned connection is busy until that ends, as it
    was before, and another is started in its place."""

    IDLE_SECONDS = 10.0  # an idle thread ends after this long (daemon threads either way)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[queue.SimpleQueue[Callable[[], None]]] = []

    def run(self, job: Callable[[], None]) -> None:
        """Run ``job`` on an idle thread, or on a new one when none is idle."""
        with self._lock:
            inbox = self._idle.pop() if self._idle else None
        if inbox is None:
            inbox = queue.SimpleQueue()
            threading.Thread(
                target=self._serve, args=(inbox,), name="digest-connect", daemon=True
            ).start()
        inbox.put(job)

    def _serve(self, inbox: queue.SimpleQueue[Callable[[], None]]) -> None:
        while True:
            try:
                job = inbox.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if inbox in self._idle:  # still idle: nobody can hand it a job now
                        self._idle.remove(inbox)
                        return
                continue  # taken off the idle list just now: its job is on the way
            job()  # (``open_within``'s job hands every outcome on and never raises)
            del job
            with self._lock:
                self._idle.append(inbox)


_OPENERS = _Openers()
