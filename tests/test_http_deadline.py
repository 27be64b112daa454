"""digest.sources.http.deadline: one deadline for the whole request, whatever stalls."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fetchhelpers import FEED, get
from httpserver import FixtureServer

from digest.sources.http import FetchSettings

pytestmark = pytest.mark.usefixtures("no_proxies")

# Short, so that these tests do not wait long; each checks that the deadline, measured
# against this setting, is what ended its fetch. The slack in the upper bounds is for a busy
# machine, and stays far below what the fetch would take without the deadline.
DEADLINE = 0.3


# --- time limits --------------------------------------------------------------------------


def test_stalled_server_times_out(http_server: FixtureServer):
    http_server.route("/feed", body=FEED, delay=30)
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=DEADLINE))
    took = time.monotonic() - started
    assert result.outcome == "failed"
    assert result.problem.startswith(f"timed out after {DEADLINE:g} s")
    assert "[fetch] timeout" in result.advice
    assert "(" not in result.advice  # it is shown in parentheses after the problem
    assert 0.9 * DEADLINE <= took < DEADLINE + 2


def test_trickling_body_is_cut_at_the_deadline(http_server: FixtureServer):
    http_server.route("/feed", body=b"x" * 200, chunk_size=1, chunk_delay=0.05)  # 10 s in all
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=DEADLINE))
    assert time.monotonic() - started < DEADLINE + 1
    assert result.outcome == "failed"
    assert result.problem.startswith(f"timed out after {DEADLINE:g} s (downloading)")


def test_deadline_covers_slow_headers_plus_slow_body(http_server: FixtureServer):
    # every wait is under DEADLINE, so per-operation timeouts alone would let this run 1.65 s
    http_server.route("/feed", body=b"abcdef", delay=0.25, chunk_size=1, chunk_delay=0.28)
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=DEADLINE))
    assert time.monotonic() - started < DEADLINE + 0.4
    assert result.outcome == "failed"
    assert "timed out" in result.problem


def test_stalled_tls_handshake_is_cut_at_the_deadline():
    with socket.socket() as listener:  # accepts connections, then never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/feed"
        started = time.monotonic()
        result = get(url, FetchSettings(total_timeout=DEADLINE, connect_timeout=5.0, retries=0))
        took = time.monotonic() - started
    assert result.outcome == "failed"
    assert f"timed out after {DEADLINE:g} s" in result.problem
    assert took < DEADLINE + 1


def test_a_hanging_name_lookup_is_cut_at_the_deadline(http_server: FixtureServer, slow_resolver):
    slow_resolver("slow-dns.example", 4)
    http_server.route("/feed", body=FEED)
    started = time.monotonic()
    url = f"http://slow-dns.example:{http_server.port}/feed"
    result = get(url, FetchSettings(total_timeout=DEADLINE, connect_timeout=5.0, retries=0))
    assert time.monotonic() - started < DEADLINE + 1
    assert result.outcome == "failed"
    assert result.problem == f"timed out after {DEADLINE:g} s (connect)"


def test_a_lookup_that_takes_the_whole_deadline_does_not_say_the_host_is_down(
    http_server: FixtureServer, slow_resolver
):
    # the connect limit is shorter than the deadline, but the deadline is what ran out: the
    # host may answer the next request at once (a lookup slow only the first time), so it
    # must not be taken for down for the rest of the run
    slow_resolver("slow-once.example", 1.0)
    http_server.route("/feed", body=FEED)
    url = f"http://slow-once.example:{http_server.port}/feed"
    result = get(url, FetchSettings(total_timeout=0.6, connect_timeout=0.3, retries=0))
    assert result.problem == "timed out after 0.6 s (connect)"
    assert not result.host_down


def test_a_slow_lookup_within_the_deadline_leaves_the_connect_limit_to_the_connect(
    http_server: FixtureServer, slow_resolver
):
    # The connect limit bounds connecting, the deadline the lookup: a lookup slower than the
    # connect limit but well within the deadline (a DNS server's retry, say) is no timeout,
    # and certainly not "timed out after 3 s" said after 0.6 s
    slow_resolver("slow-lookup.example", 0.6)
    http_server.route("/feed", body=FEED)
    url = f"http://slow-lookup.example:{http_server.port}/feed"
    result = get(url, FetchSettings(total_timeout=3.0, connect_timeout=0.3, retries=0))
    assert result.outcome == "ok", result.problem
    assert result.body == FEED


def test_a_tls_handshake_stalled_past_the_connect_limit_times_out_at_the_deadline_it_names():
    deadline = 0.6
    with socket.socket() as listener:  # accepts connections, then never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/feed"
        started = time.monotonic()
        result = get(url, FetchSettings(total_timeout=deadline, connect_timeout=0.2, retries=0))
        took = time.monotonic() - started
    assert result.outcome == "failed"
    assert result.problem.startswith(f"timed out after {deadline:g} s")
    assert 0.9 * deadline <= took < deadline + 1  # said after as long as it says


def test_a_lookup_still_hanging_leaves_the_next_connections_their_own_threads(
    http_server: FixtureServer, slow_resolver
):
    # the thread opening an abandoned connection is busy until the lookup ends: the next
    # connections must not wait for it
    slow_resolver("hangs.example", 3)
    http_server.route("/feed", body=FEED)
    url = f"http://hangs.example:{http_server.port}/feed"
    settings = FetchSettings(total_timeout=DEADLINE, connect_timeout=5.0, retries=0)
    assert get(url, settings).outcome == "failed"
    started = time.monotonic()
    assert all(get(http_server.url("/feed")).outcome == "ok" for _ in range(3))
    assert time.monotonic() - started < 2


def test_connections_are_opened_by_threads_kept_for_the_next(http_server: FixtureServer):
    # starting a thread for each connection cost about 90 us of CPU each
    http_server.route("/feed", body=FEED)
    before = {t.ident for t in threading.enumerate() if t.name == "digest-connect"}
    for _ in range(20):  # each on a connection of its own
        assert get(http_server.url("/feed")).outcome == "ok"
    after = {t.ident for t in threading.enumerate() if t.name == "digest-connect"}
    assert after and len(after - before) <= 1  # one kept, at most, and no other started


def test_a_slow_connect_and_a_trickled_tls_handshake_end_at_the_deadline(slow_resolver):
    # A handshake fed a byte at a time must be cut at the request's deadline, counted from
    # the request's start, not from the handshake's: after a slow lookup. The deadline leaves
    # time after the lookup for the handshake to begin, and be what is cut.
    deadline = 0.5
    slow_resolver("slow-tls.example", 0.2)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        stop = threading.Event()
        hello = threading.Event()

        def trickle() -> None:  # a server hello, one byte at a time
            connection, _ = listener.accept()
            with connection:
                if connection.recv(4096):  # the client's hello: the handshake has begun
                    hello.set()
                for byte in b"\x16\x03\x03\x10\x00" + bytes(100):
                    if stop.wait(0.05):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        return

        threading.Thread(target=trickle, daemon=True).start()
        started = time.monotonic()
        url = f"https://slow-tls.example:{listener.getsockname()[1]}/feed"
        result = get(url, FetchSettings(total_timeout=deadline, connect_timeout=5.0, retries=0))
        took = time.monotonic() - started
        stop.set()
    assert result.outcome == "failed"
    assert f"timed out after {deadline:g} s" in result.problem
    assert took < deadline + 0.6
    assert hello.wait(1)  # the lookup ended in time, and the handshake was what was cut


def trickling_server(
    listener: socket.socket, at_once: bytes, trickled: bytes, stop: threading.Event
) -> None:
    """Answer one request with ``at_once``, then ``trickled`` a byte every 50 ms, until
    ``stop`` or a hang-up."""
    connection, _ = listener.accept()
    with connection:
        connection.recv(4096)
        connection.sendall(at_once)
        for byte in trickled:
            if stop.wait(0.05):
                return
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                return


@pytest.mark.parametrize(
    ("at_once", "trickled"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n", b"X-Padding: " + b"a" * 200),
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n<rss>", b" " * 200),
    ],
    ids=["headers", "body-without-a-length"],
)
def test_a_response_trickled_until_the_deadline_is_a_timeout_not_an_empty_document(
    at_once: bytes, trickled: bytes
):
    # A response still trickling at the deadline is cut there: what arrived (part of the
    # headers, or of a body sent without a length) must not pass for a whole response.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        stop = threading.Event()
        server = threading.Thread(
            target=trickling_server, args=(listener, at_once, trickled, stop), daemon=True
        )
        server.start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/feed"
        started = time.monotonic()
        result = get(url, FetchSettings(total_timeout=DEADLINE, retries=0))
        took = time.monotonic() - started
        stop.set()
    assert result.outcome == "failed" and result.body == b""
    assert result.problem.startswith(f"timed out after {DEADLINE:g} s (")
    assert result.moved_to is None
    assert took < DEADLINE + 1
