"""One HTTP request over libcurl: the status line, the headers and, for a success, the body.

libcurl makes the request, in C and with the interpreter lock released; what digest must
decide itself stays here:

* **Where a connection goes.** curl never resolves a name: it is told every host it is asked
  for is at a placeholder address (``RESOLVE``), and asks for a socket
  (``OPENSOCKETFUNCTION``), which the request's ``guard.Reach`` opens: it resolves the name
  through its ``Network``, drops the addresses the policy refuses and connects to one of the
  others, within the request's deadline (``deadline.open_within``); curl is told the socket
  is connected. The address checked is the address connected to. Through a proxy, curl
  connects to the proxy, and ``attempt`` checked the target's name before.
* **The deadline**: ``TIMEOUT_MS``, the time left, bounds the rest of the transfer (a slow
  answer, a body or a TLS handshake trickled a byte at a time).
* **The body** is decoded here, not by curl (which is not asked to: digest sends its own
  Accept-Encoding), by ``body``'s decoders, and counted after decompression against the cap;
  a declared length over the cap ends the transfer at the headers.
* **What is not read**: a redirect's or an error page's body; the status and headers are all
  the hop needs, and curl drops the connection rather than wait for it (an empty one, as most
  redirects have, keeps it).

A failure comes back as ``TransferFailed``; ``failure_cause`` turns it into the exception
``errors.transport_problem`` words.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pycurl

from digest.sources.http import guard
from digest.sources.http.address import WebAddress
from digest.sources.http.body import CutShort, TooLarge, UnusableBody, decoders_for, size_text
from digest.sources.http.client import Client
from digest.sources.http.deadline import GaveUp, open_within
from digest.sources.http.errors import CouldNotConnect

# What curl is told a name resolves to: it never connects there, the policy opens the
# connection (TEST-NET-1, RFC 5737, where nothing answers).
_PLACEHOLDER = "192.0.2.1"

# libcurl's error codes that the words of a failure depend on
TIMED_OUT = 28
WRITE_STOPPED = 23  # a callback of ours ended the transfer
COULD_NOT_CONNECT = 7
# a response whose header block never ended, as libcurl's "nothing at all" (52): no whole
# response came (a code of the proxy's, as 56 is, would blame a proxy the answer got past)
HEADERS_CUT_SHORT = 52
PROXY_CODES = frozenset({5, 7, 56, 97})  # no proxy of that name, no connection, broken, refused
_NOT_HTTP = frozenset({1, 8})  # an unsupported protocol, a reply curl cannot read
_CLOSED = frozenset({18, 52, 55, 56})  # body cut short, nothing at all, send, receive
_CERTIFICATE = 60
_TLS = 35


@dataclass
class Answer:
    """What one request brought: its status, headers (by lower-case name; one sent on
    several lines is one list, joined with commas), the cookies it set, and its decoded body
    when it was read."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)
    body: bytes = b""
    headers_done: bool = False  # the header block ended: the body, if any, was under way


class TransferFailed(Exception):
    """libcurl's error ``code`` and ``message`` for a request, with what had come of it
    (``answer``), what our socket callback met opening a connection (``connect_error``), and
    what made a callback of ours end the transfer (``stopped``: a body over the cap, or
    damaged)."""

    def __init__(
        self,
        code: int,
        message: str,
        answer: Answer,
        connect_error: BaseException | None,
        stopped: UnusableBody | None,
    ) -> None:
        super().__init__(f"{message} (libcurl error {code})")
        self.code, self.message, self.answer = code, message, answer
        self.connect_error, self.stopped = connect_error, stopped


def request(
    client: Client,
    url: WebAddress,
    headers: dict[str, str],
    reach: guard.Reach,
    *,
    proxy: tuple[str, str | None] | None,
    deadline: float,
    connect_timeout: float,
    clock: Callable[[], float],
    cap: int,
    wants_body: Callable[[int], bool],
) -> Answer:
    """GET ``url`` with ``headers``: the answer, with its body when ``wants_body(status)``.

    ``proxy``: the proxy's address and login, or None to connect directly (curl never uses
    a proxy of its own finding). Raises ``TransferFailed``, or ``CutShort`` when a
    compressed body ends before its compressed stream does."""
    kept = client.handle(reach.allow_private)
    handle = kept.curl
    answer = Answer()
    host = url.host or ""
    port = url.port or (443 if url.scheme == "https" else 80)
    decoders: list[Any] = []
    pieces: list[bytes] = []
    received = decoded = 0  # the body's bytes as they came, and decoded
    connect_error: BaseException | None = None  # what opening a connection met
    stopped: UnusableBody | None = None  # why a callback of ours ended the transfer
    enough = False  # the headers were all the request wanted: its transfer ended there
    lines: list[bytes] = []  # the header lines of the response under way, not yet read
    # Through a proxy, an https:// address is reached by a tunnel the proxy opens with its
    # answer to CONNECT: a header block of its own, before the site's answer.
    tunnel_to_open = proxy is not None and url.scheme == "https"

    def open_socket(purpose: int, address: tuple[Any, ...]) -> Any:
        nonlocal connect_error
        try:
            limit = max(0.001, min(connect_timeout, deadline - clock()))
            if proxy is not None:  # the proxy the user named, at the address curl found
                where = address[3]  # (family, type, protocol, socket address)
                return open_within(
                    deadline, lambda: socket.create_connection(where[:2], timeout=limit)
                )
            sock, _ = open_within(deadline, lambda: reach.connect(host, port, limit))
            return sock
        except (
            guard.Refused,
            GaveUp,
            socket.gaierror,
            ConnectionRefusedError,
            TimeoutError,
        ) as exc:
            connect_error = exc  # (handed to ``attempt`` with curl's own failure)
        except OSError as exc:
            connect_error = CouldNotConnect(str(exc) or type(exc).__name__)
            connect_error.__cause__ = exc
        except BaseException as exc:  # a bug: reported as one, with its own type
            connect_error = exc
        return pycurl.SOCKET_BAD

    def header(line: bytes) -> int | None:
        # Called by curl for each line: a line is only kept until its block ends, and the
        # block read then, in one loop (a call of Python reading each line took a fifth
        # of the CPU of a "304 Not Modified").
        nonlocal enough, stopped, tunnel_to_open
        if line.strip():
            lines.append(line)
            return None
        _take_header_lines(lines, answer)
        if 100 <= answer.status < 200:
            return None  # the end of an interim response's headers
        if tunnel_to_open:
            tunnel_to_open = False
            if 200 <= answer.status < 300:
                return None  # the tunnel is open: the site's answer is still to come
        answer.headers_done = True
        declared = answer.headers.get("content-length", "").strip()
        if not wants_body(answer.status):
            if declared == "0":
                return None  # nothing to wait for: the connection is kept for the next
            enough = True
            return 0  # (ends the transfer: the connection is closed, not kept)
        # (a 304's Content-Length may be that of the body it does not send)
        if declared.isdigit() and int(declared) > cap and answer.status != 304:
            stopped = TooLarge(
                f"the response is larger than {size_text(cap)} "
                f"(the server says {size_text(int(declared))})"
            )
            return 0
        decoders.extend(decoders_for(answer.headers.get("content-encoding", "")))
        return None

    def write(data: bytes) -> int | None:
        nonlocal received, decoded, stopped
        received += len(data)
        if received > cap:
            stopped = TooLarge(f"the response is larger than {size_text(cap)}")
            return 0
        try:
            for decoder in decoders:
                data = decoder.decode(data, cap - decoded + 1)
                if len(data) > cap - decoded:
                    raise TooLarge(
                        f"the response is larger than {size_text(cap)} once decompressed"
                    )
        except UnusableBody as exc:  # (over the cap, or damaged: BadEncoding)
            stopped = exc
            return 0
        pieces.append(data)
        decoded += len(data)
        return None

    try:
        left = deadline - clock()
        _prepare(handle, url, headers, header, write, open_socket, left, proxy)
        # A name is never resolved by curl (an IP address needs no resolving). curl keeps
        # what it is told in the handle's cache, and drops an entry only when a later
        # transfer says so: each transfer drops the one before's, so that the cache never
        # grows, and a proxy named like a host once fetched directly is found where it is.
        here = f"{host}:{port}" if proxy is None and guard.ip_literal(host) is None else None
        entries = [f"-{kept.resolved}"] if kept.resolved and kept.resolved != here else []
        if here is not None:
            entries.append(f"{here}:{_PLACEHOLDER}")
        handle.setopt(pycurl.RESOLVE, entries)
        kept.resolved = here
        handle.perform()
    except pycurl.error as exc:
        _take_header_lines(lines, answer)  # what came before the failure
        if not exc.args or not isinstance(exc.args[0], int):
            # not a transfer's failure: the handle was closed under us (the client closed as
            # a stopped build ends)
            raise TransferFailed(0, str(exc), answer, None, None) from None
        code, message = exc.args[0], str(exc.args[1]) if len(exc.args) > 1 else ""
        if not (code == WRITE_STOPPED and enough):
            raise TransferFailed(code, message, answer, connect_error, stopped) from None
    # curl ends a transfer without a failure when the connection closes inside a header
    # block: no response came whole, whatever its status line said. Lines left unread that
    # start no response are a chunked body's trailers (handed over with no blank line after
    # them): not the response's headers.
    if lines and not lines[0].startswith(b"HTTP/"):
        lines.clear()
    _take_header_lines(lines, answer)
    if not answer.headers_done:
        message = "the connection closed before the response's headers ended"
        raise TransferFailed(HEADERS_CUT_SHORT, message, answer, None, None)
    if received and any(not decoder.finished for decoder in decoders):
        undone = next(decoder for decoder in decoders if not decoder.finished)
        raise CutShort(f"its {undone.name}-compressed data stops before its end")
    answer.body = b"".join(pieces)
    return answer


def _take_header_lines(lines: list[bytes], answer: Answer) -> None:
    """Read header ``lines`` (none of them blank) into ``answer``, and forget them: a status
    line starts a new response (after a 100 Continue, or a proxy tunnel's answer), whose
    headers are kept by lower-case name, one sent twice as one list (two Content-Encoding
    lines: both applied)."""
    for line in lines:
        text = line.decode("latin-1")
        if text.startswith("HTTP/"):
            parts = text.split(None, 2)
            answer.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
            answer.headers, answer.cookies = {}, []
            continue
        name, colon, value = text.partition(":")
        if colon:
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                answer.cookies.append(value)
            earlier = answer.headers.get(name)
            answer.headers[name] = f"{earlier}, {value}" if earlier else value
    lines.clear()


def _prepare(
    handle: Any,
    url: WebAddress,
    headers: dict[str, str],
    header: Callable[[bytes], int | None],
    write: Callable[[bytes], int | None],
    open_socket: Callable[[int, tuple[Any, ...]], Any],
    left: float,
    proxy: tuple[str, str | None] | None,
) -> None:
    """Set ``handle`` up for one request (what a handle keeps: see ``Client.handle``)."""
    left = max(0.001, left)
    handle.setopt(pycurl.URL, url.url)
    handle.setopt(pycurl.HTTPHEADER, [f"{name}: {value}" for name, value in headers.items()])
    handle.setopt(pycurl.HEADERFUNCTION, header)
    handle.setopt(pycurl.WRITEFUNCTION, write)
    handle.setopt(pycurl.OPENSOCKETFUNCTION, open_socket)
    handle.setopt(pycurl.SOCKOPTFUNCTION, _already_connected)
    handle.setopt(pycurl.TIMEOUT_MS, int(left * 1000) + 1)
    # curl's connect phase counts from the transfer's start, through our socket callback
    # (a name lookup as long as the deadline allows) and the TLS handshake: only the deadline
    # bounds it. The connect limit is the socket callback's, for the connect alone.
    handle.setopt(pycurl.CONNECTTIMEOUT_MS, int(left * 1000) + 1)
    handle.setopt(pycurl.PROXY, proxy[0] if proxy else "")  # never one curl finds itself
    handle.setopt(pycurl.PROXYUSERPWD, proxy[1] if proxy and proxy[1] else "")


def _already_connected(fd: int, purpose: int) -> int:
    return int(pycurl.SOCKOPT_ALREADY_CONNECTED)


def failure_cause(failure: TransferFailed) -> BaseException:
    """What failed, as the exception ``errors.transport_problem`` words: what our socket
    callback met, else libcurl's error as the Python exception it stands for."""
    import http.client  # (here: a run whose requests succeed never loads them)
    import ssl

    if failure.connect_error is not None:
        return failure.connect_error
    code, message = failure.code, failure.message
    if code == _CERTIFICATE:
        certificate = ssl.SSLCertVerificationError(1, message)
        certificate.verify_message = message.split("verify result: ", 1)[-1]
        return certificate
    if code == _TLS:
        tls = ssl.SSLError(1, message)
        tls.reason = message
        return tls
    if code in _NOT_HTTP:
        if failure.answer.status:  # it spoke HTTP, but sent what cannot be read (its headers)
            return http.client.HTTPException(message)
        return http.client.BadStatusLine(message)
    if code in _CLOSED:
        return ConnectionError(message)
    return OSError(message)
