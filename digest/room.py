"""Room: a budget of bytes held between a fast producer and a slower consumer.

A build fetches feeds faster than its worker processes parse and clean them: without a limit,
every body fetched waits in memory for its turn (200 MB at 3,600 feeds). The fetching threads
ask for room before each request, and count each body they bring in until whoever handles it
is done with it; so fetching pauses while the workers are behind, and goes on at once when
they catch up. Nothing is lost or reordered: only the requests start later.
"""

from __future__ import annotations

import threading


class Room:
    """Bytes held and not yet released, up to ``limit``: ``wait`` blocks while they are at or
    past it, and never once the room is ``close``d (a build that stops must not leave a
    thread waiting). Safe to share between threads."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def held(self) -> int:
        return self._held

    def wait(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._held < self.limit)

    def hold(self, size: int) -> None:
        with self._changed:
            self._held += size

    def release(self, size: int) -> None:
        with self._changed:
            self._held -= size
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
