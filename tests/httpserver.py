"""A real HTTP/1.1 server on 127.0.0.1 for tests, with programmable routes and a request log.

    with FixtureServer() as server:           # or use the ``http_server`` fixture
        server.route("/feed.xml", body=FEED, headers={"Content-Type": "application/rss+xml"})
        server.route("/flaky", [Reply(500), Reply(200, "ok")])   # one reply per request
        server.route("/echo", lambda req: Reply(200, req.headers.get("user-agent", "")))
        server.route("/slow", delay=5)        # waits 5 s before answering
        url = server.url("/feed.xml")
        ...
        assert server.requests_to("/feed.xml")[0].headers["user-agent"].startswith("calm-digest")

A route is a ``Reply``, a list of them (served in turn, the last one repeating), or a
function of the ``Recorded`` request returning a ``Reply``. Unknown paths get a 404. Routes
match on the path without its query string. Every request is logged before it is answered.
"""

from __future__ import annotations

import selectors
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["FixtureServer", "Recorded", "Reply"]


@dataclass(frozen=True)
class Reply:
    """One response.

    ``delay``: seconds to wait before sending anything (a stalled server). ``chunked``: send
    the body with Transfer-Encoding: chunked and no Content-Length. ``chunk_size`` and
    ``chunk_delay``: write the body in pieces, pausing between them (a trickling server).
    ``drop``: close the connection without answering (after ``delay``). A Content-Length in
    ``headers`` is sent as given, even if it is a lie, and the connection closed after.
    ``cut``: send only the body's first ``cut`` bytes, then close the connection, as a
    download cut short: announced by a Content-Length of the whole body, or chunked and
    without the last chunk.
    """

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = ()
    delay: float = 0.0
    chunked: bool = False
    chunk_size: int = 64 * 1024
    chunk_delay: float = 0.0
    drop: bool = False
    cut: int | None = None

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body

    @property
    def header_items(self) -> list[tuple[str, str]]:
        items = self.headers.items() if isinstance(self.headers, Mapping) else self.headers
        return [(str(k), str(v)) for k, v in items]


@dataclass(frozen=True)
class Recorded:
    """A request as the server saw it. ``headers`` keys are lower-case."""

    method: str
    path: str  # including any query string
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when it arrived
    client_port: int = 0  # the connection it came on: equal ports mean a kept-alive connection


Handler = Callable[[Recorded], Reply]
RouteSpec = Reply | Sequence[Reply] | Handler


@dataclass
class _Route:
    spec: RouteSpec
    served: int = 0


@dataclass
class FixtureServer:
    """A threaded HTTP server on an ephemeral 127.0.0.1 port; use as a context manager.

    With ``tls`` (a server-side ``ssl.SSLContext``) it speaks HTTPS, with each handshake
    done on the connection's own thread."""

    host: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None
    _routes: dict[str, _Route] = field(default_factory=dict, init=False)
    _log: list[Recorded] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _server: ThreadingHTTPServer | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    # written to by ``close`` to wake the serving loop at once
    _wake: tuple[socket.socket, socket.socket] | None = field(default=None, init=False)

    # --- lifecycle

    def start(self) -> FixtureServer:
        server = _Server((self.host, 0), _make_handler(self))
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        self._server = server
        self._wake = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, args=(server,), daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a delay
        if self._server is not None:
            assert self._wake is not None and self._thread is not None
            self._wake[1].send(b"x")
            self._thread.join()
            self._server.server_close()
            self._server = None
            for end in self._wake:
                end.close()

    def _serve(self, server: ThreadingHTTPServer) -> None:
        """Accept connections until ``close``.

        ``serve_forever`` would notice a shutdown only at its next poll, which costs every
        test that uses the server a poll interval; this loop also wakes on ``close``."""
        assert self._wake is not None
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)
            selector.register(self._wake[0], selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select():
                    if key.fileobj is server and not self._stop.is_set():
                        server.handle_request()  # the connection is waiting: no blocking

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- programming it

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return self._server.server_address[1]

    def url(self, path: str = "/") -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{self.host}:{self.port}{path}"

    def route(self, path: str, spec: RouteSpec | None = None, /, **reply: object) -> None:
        """Answer ``path`` with ``spec``, or with ``Reply(**reply)`` when no spec is given."""
        if spec is None:
            spec = Reply(**reply)  # type: ignore[arg-type]
        elif reply:
            raise TypeError("give either a spec or Reply fields, not both")
        with self._lock:
            self._routes[path] = _Route(spec)

    # --- what happened

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if urlsplit(r.path).path == path]

    # --- internals

    def _reply_for(self, request: Recorded) -> Reply:
        with self._lock:
            self._log.append(request)
            route = self._routes.get(urlsplit(request.path).path)
            if route is None:
                return Reply(404, "no such route", {"Content-Type": "text/plain"})
            spec = route.spec
            index = route.served
            route.served += 1
        if isinstance(spec, Reply):
            return spec
        if callable(spec):
            return spec(request)
        return spec[min(index, len(spec) - 1)]

    def _pause(self, seconds: float) -> bool:
        """Sleep, unless the server is closing; True when it is closing."""
        return self._stop.wait(seconds) if seconds > 0 else self._stop.is_set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # The default backlog of 5 drops connections when a test opens many at once; a dropped
    # SYN is retried after a second, which looks like a connect timeout on a busy machine.
    request_queue_size = 128

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        # Clients hanging up, or refusing a test certificate, is what many tests are about:
        # a traceback for it, printed from the server's thread, would only be noise.
        if not isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError):
            super().handle_error(request, client_address)


def _make_handler(owner: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Each write goes out at once, as from a real server: with Nagle's algorithm the body,
        # written after the headers, waits for the client's delayed ACK of them (40 ms on
        # Linux), which made every small response on a reused connection take 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Recorded(
                method=self.command,
                path=self.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                at=time.monotonic(),
                client_port=self.client_address[1],
            )
            reply = owner._reply_for(request)
            if owner._pause(reply.delay) or reply.drop:
                self.close_connection = True
                return
            try:
                self._send(reply)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up on us: fine

        def _send(self, reply: Reply) -> None:
            data = reply.body_bytes
            headers = reply.header_items
            names = {name.lower() for name, _ in headers}
            self.send_response(reply.status)
            for name, value in headers:
                self.send_header(name, value)
            if reply.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            elif "content-length" in names or reply.cut is not None:
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(data)))
                self.close_connection = True  # a lying length would desync keep-alive
            elif reply.status in (204, 304):
                pass  # no body by definition: servers commonly send no length either
            else:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if reply.cut is not None:
                data = data[: reply.cut]
                self.close_connection = True
            size = max(1, reply.chunk_size)
            for offset in range(0, len(data), size):
                if offset and owner._pause(reply.chunk_delay):
                    self.close_connection = True
                    return
                piece = data[offset : offset + size]
                if reply.chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
                self.wfile.flush()
            if reply.chunked and reply.cut is None:
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _handle

    return _Handler
