"""The deadline of one request: a watchdog that shuts its socket when the time is up.

Socket timeouts bound each operation separately (connect, then every read), so a server that
answers slowly and then trickles its body, or a TLS handshake fed a byte at a time, could
hold a worker far past ``total_timeout``. So each attempt arms a ``Watchdog``; one alarm
thread fires it at the deadline, and shutting the socket down wakes the blocked read at once.

The pools ``watched`` gives a pool manager make connections that hand their socket to the
watchdog of the request using them, whether the connection is new or kept alive; open new
connections (name lookup and connect) on a thread that is abandoned at the deadline; and
let go of the socket the moment the connection goes back to the pool. A direct connection is
opened by the request's ``guard.Reach`` (which resolves the name, drops the addresses the
network policy refuses and connects to one of the others), and a kept-alive one checked by it
again, at the same point.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from digest.sources.http import guard

T = TypeVar("T")


class PastDeadline(Exception):
    """The request's deadline passed between two reads."""


class Watchdog:
    """Shuts down the socket of a request still running at its deadline.

    ``arm`` makes it the watchdog of the requests this thread makes until ``disarm``: their
    connection hands its socket over when it opens it or is reused, and the watchdog is
    disarmed before that connection goes back to the pool. ``reach`` is the request's network
    policy (see ``guard``), by which its connections are opened and checked.
    """

    def __init__(self, *, reach: guard.Reach | None = None) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._owned = False  # the socket is a duplicate made for the watchdog: close it after
        self._done = False
        self.fired = False
        self.deadline: float | None = None
        self.reach = reach or guard.Reach()

    def track(self, sock: socket.socket | None, *, owned: bool = False) -> None:
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self._done:
                if owned:
                    sock.close()
                return
            self._let_go()
            self._socket, self._owned = sock, owned
            if self.fired:  # the deadline passed while the socket was being opened
                _shut(sock)

    def arm(self, seconds: float) -> None:
        _watching.current = self
        self.deadline = time.monotonic() + seconds
        _ALARMS.set(self.deadline, self)

    def disarm(self) -> None:
        with self._lock:
            self._done = True
            self._let_go()
        _ALARMS.cancel(self)
        _watching.current = None

    def forget(self) -> None:
        """The connection goes back to the pool: its socket is no longer this request's."""
        with self._lock:
            self._let_go()

    def _let_go(self) -> None:
        if self._socket is not None and self._owned:
            self._socket.close()
        self._socket, self._owned = None, False

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            if self._socket is not None:
                _shut(self._socket)


def watched(manager: urllib3.PoolManager) -> urllib3.PoolManager:
    """``manager``, its pools now making connections the current watchdog watches."""
    manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
    return manager


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing to wake
        sock.shutdown(socket.SHUT_RDWR)


class _Watching(threading.local):
    current: Watchdog | None = None


_watching = _Watching()  # the watchdog of the request this thread is making, if any


class _HandsOverItsSocket:
    """Opens a connection by the current request's network policy, within its deadline, and
    gives its socket to the request's watchdog, whether the connection is new or reused.

    A direct connection is opened by ``guard.Reach.connect``: to an address the policy
    allows, which is remembered (``reached``) so that a request reusing the connection can be
    checked against its own policy. A connection to a proxy is opened as urllib3 does: the
    proxy is the one the environment names, and the target's name was checked before the
    request was handed to it (``guard.Reach.check_name``).

    A new socket is handed over as a duplicate of its descriptor: wrapping it for TLS
    detaches the socket object itself, and the duplicate still reaches the connection, so
    a handshake that stalls is cut at the deadline like anything else."""

    reached: str | None = None  # the address a direct connection was opened to

    def _new_conn(self) -> socket.socket:
        watchdog = _watching.current
        if watchdog is None:  # not a request of ``attempt``: public addresses only, no deadline
            if getattr(self, "proxy", None):
                return super()._new_conn()  # type: ignore[misc]
            opened, self.reached = _connect_by(guard.Reach(), self)
            return opened
        sock: socket.socket
        if getattr(self, "proxy", None):
            sock = _open_by(watchdog.deadline, super()._new_conn, self)  # type: ignore[misc]
        else:
            reach = watchdog.reach
            sock, self.reached = _open_by(watchdog.deadline, lambda: _connect_by(reach, self), self)
        watchdog.track(sock.dup(), owned=True)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        sock = getattr(self, "sock", None)
        watchdog = _watching.current
        if sock is not None and watchdog is not None:
            if not getattr(self, "proxy", None):
                # a kept-alive connection, perhaps opened for a request that was allowed more
                reached = self.reached or sock.getpeername()[0]
                watchdog.reach.check_reached(getattr(self, "host", ""), reached)
            watchdog.track(sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


def _connect_by(reach: guard.Reach, connection: Any) -> tuple[socket.socket, str]:
    """``reach.connect`` for an urllib3 connection, its failures worded as urllib3's own
    ``_new_conn`` words them (``attempt`` and ``errors`` read them that way)."""
    try:
        return reach.connect(
            connection._dns_host,
            connection.port,
            connection.timeout if isinstance(connection.timeout, (int, float)) else None,
            connection.source_address,
            connection.socket_options,
        )
    except socket.gaierror as exc:
        raise NameResolutionError(connection.host, connection, exc) from exc
    except TimeoutError as exc:
        raise ConnectTimeoutError(
            connection,
            f"Connection to {connection.host} timed out. (connect timeout={connection.timeout})",
        ) from exc
    except OSError as exc:
        raise NewConnectionError(
            connection, f"Failed to establish a new connection: {exc}"
        ) from exc


def _open_by(deadline: float | None, open_connection: Callable[[], T], connection: Any) -> T:
    """``open_connection()`` (name lookup, then a connect to each address in turn), given up
    at ``deadline``. Neither step can be interrupted: a lookup that hangs on a broken resolver,
    or a host whose every address is silent, would each take their own timeouts in full. So
    the opening runs on a thread of its own, and is abandoned (its socket closed when it
    finally comes) if the deadline passes first."""
    if deadline is None:
        return open_connection()
    lock = threading.Lock()
    done = threading.Event()
    outcome: dict[str, Any] = {"abandoned": False}

    def run() -> None:
        try:
            opened, error = open_connection(), None
        except BaseException as exc:  # handed to the waiting thread below
            opened, error = None, exc
        with lock:
            if outcome["abandoned"]:
                sock = opened[0] if isinstance(opened, tuple) else opened
                if isinstance(sock, socket.socket):
                    sock.close()
                return
            outcome["socket"], outcome["error"] = opened, error
            done.set()

    _OPENERS.run(run)
    if not done.wait(max(0.0, deadline - time.monotonic())):
        with lock:
            if not done.is_set():
                outcome["abandoned"] = True
                raise ConnectTimeoutError(
                    connection, "the name lookup and connect did not finish by the deadline"
                )
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["socket"]


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
            job()  # (``run`` in ``_open_by`` hands every outcome on and never raises)
            del job
            with self._lock:
                self._idle.append(inbox)


_OPENERS = _Openers()


class _WatchedHTTPConnection(_HandsOverItsSocket, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_HandsOverItsSocket, HTTPSConnection):
    pass


class _ForgetsReturnedConnections:
    """urllib3 returns a connection to the pool the moment its body has been read, before
    the request is over: from then on another request may use it, so the watchdog of the
    request returning it must let go of its socket first."""

    def _put_conn(self, conn: Any) -> None:
        if _watching.current is not None:
            _watching.current.forget()
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedHTTPPool(_ForgetsReturnedConnections, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(_ForgetsReturnedConnections, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _AlarmClock:
    """One thread that fires every armed watchdog at its deadline.

    A ``threading.Timer`` per request would start (and wait for) a new thread for each of
    hundreds of fetches, which costs more than many of the fetches themselves.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._heap: list[tuple[float, int, Watchdog]] = []
        self._armed: set[int] = set()
        self._thread: threading.Thread | None = None

    def set(self, deadline: float, watchdog: Watchdog) -> None:
        with self._wake:
            heapq.heappush(self._heap, (deadline, id(watchdog), watchdog))
            self._armed.add(id(watchdog))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="digest-fetch-deadlines", daemon=True
                )
                self._thread.start()
            if self._heap[0][2] is watchdog:
                # Only an alarm earlier than all others changes how long the thread waits:
                # waking it for each of hundreds of requests costs a thread switch apiece.
                self._wake.notify()

    def cancel(self, watchdog: Watchdog) -> None:
        with self._wake:
            self._armed.discard(id(watchdog))

    def _run(self) -> None:
        while True:
            with self._wake:
                # Drop cancelled alarms from the top so the wait below is for a live one.
                while self._heap and self._heap[0][1] not in self._armed:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                deadline, key, watchdog = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                heapq.heappop(self._heap)
                self._armed.discard(key)
            watchdog.fire()


_ALARMS = _AlarmClock()
