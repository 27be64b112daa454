"""digest.sources.fetch against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import base64
import email.utils
import gzip
import socket
import threading
import time
import zlib

import brotli
import pytest
from httpserver import FixtureServer, Recorded, Reply

from digest import PROJECT_URL, __version__
from digest.sources import fetch as fetch_module
from digest.sources.fetch import (
    FetchRequest,
    FetchResult,
    FetchSettings,
    _parse_retry_after,
    fetch,
    fetch_all,
)

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on loopback even if the environment names a proxy."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


class Sleeps:
    """An injected ``sleep`` that records the pauses instead of taking them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def get(url: str, settings: FetchSettings | None = None, **request: object) -> FetchResult:
    return fetch(FetchRequest("test", url, **request), settings or FetchSettings(), sleep=Sleeps())


# --- the basics ---------------------------------------------------------------------------


def test_ok_carries_body_type_validators_and_sends_our_headers(http_server: FixtureServer):
    http_server.route(
        "/feed.xml",
        body=FEED,
        headers={
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": '"v1"',
            "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT",
        },
    )
    result = get(http_server.url("/feed.xml"))

    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.status == 200
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert result.url == http_server.url("/feed.xml")
    assert result.moved_to is None
    assert result.problem is None and result.failure is None
    assert result.attempts == 1

    (seen,) = http_server.requests_to("/feed.xml")
    assert seen.headers["user-agent"] == f"calm-digest/{__version__} (+{PROJECT_URL})"
    assert "gzip" in seen.headers["accept-encoding"]
    # brotli is offered only when its output can be capped (brotli >= 1.2)
    assert ("br" in seen.headers["accept-encoding"]) == fetch_module._BROTLI_BOUNDED
    assert "if-none-match" not in seen.headers
    assert "if-modified-since" not in seen.headers


def test_etag_second_fetch_is_not_modified(http_server: FixtureServer):
    def feed(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(200, FEED, {"ETag": '"v1"'})

    http_server.route("/feed.xml", feed)
    first = get(http_server.url("/feed.xml"))
    second = get(http_server.url("/feed.xml"), etag=first.etag)

    assert first.outcome == "ok"
    assert second.outcome == "not_modified"
    assert second.status == 304
    assert second.body == b""
    assert second.etag == '"v1"'
    assert http_server.requests_to("/feed.xml")[1].headers["if-none-match"] == '"v1"'


def test_last_modified_second_fetch_is_not_modified(http_server: FixtureServer):
    stamp = "Tue, 02 Jan 2024 10:00:00 GMT"

    def feed(request: Recorded) -> Reply:
        if request.headers.get("if-modified-since") == stamp:
            return Reply(304)  # no validators repeated: the stored ones stay
        return Reply(200, FEED, {"Last-Modified": stamp})

    http_server.route("/feed.xml", feed)
    first = get(http_server.url("/feed.xml"))
    second = get(http_server.url("/feed.xml"), last_modified=first.last_modified, etag='"x"')

    assert second.outcome == "not_modified"
    assert second.last_modified == stamp
    assert second.etag == '"x"'
    assert http_server.requests_to("/feed.xml")[1].headers["if-modified-since"] == stamp


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("br", brotli.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
    ],
)
def test_compressed_bodies_are_decoded(http_server: FixtureServer, encoding, compress):
    body = FEED * 200
    http_server.route("/feed.xml", body=compress(body), headers={"Content-Encoding": encoding})
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok", result.problem
    assert result.body == body


def test_chunked_body_is_read(http_server: FixtureServer):
    http_server.route("/feed.xml", body=FEED * 100, chunked=True, chunk_size=500)
    assert get(http_server.url("/feed.xml")).body == FEED * 100


# --- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_sets_moved_to(http_server: FixtureServer, status: int):
    http_server.route("/old", status=status, headers={"Location": "/new"})
    http_server.route("/new", body=FEED)
    result = get(http_server.url("/old"))
    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.moved_to == http_server.url("/new")
    assert result.url == http_server.url("/new")


def test_chain_of_permanent_redirects_reports_the_end(http_server: FixtureServer):
    http_server.route("/a", status=301, headers={"Location": http_server.url("/b")})
    http_server.route("/b", status=308, headers={"Location": "c"})  # relative to /b
    http_server.route("/c", body=FEED)
    assert get(http_server.url("/a")).moved_to == http_server.url("/c")


@pytest.mark.parametrize("status", [302, 303, 307])
def test_temporary_redirect_fetches_but_keeps_the_address(http_server: FixtureServer, status):
    http_server.route("/feed", status=status, headers={"Location": "/today"})
    http_server.route("/today", body=FEED)
    result = get(http_server.url("/feed"))
    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.moved_to is None
    assert result.url == http_server.url("/today")


def test_permanent_then_temporary_is_not_permanent(http_server: FixtureServer):
    http_server.route("/a", status=301, headers={"Location": "/b"})
    http_server.route("/b", status=302, headers={"Location": "/c"})
    http_server.route("/c", body=FEED)
    result = get(http_server.url("/a"))
    assert result.outcome == "ok"
    assert result.moved_to is None


def test_permanent_redirect_then_304_still_reports_the_move(http_server: FixtureServer):
    http_server.route("/old", status=301, headers={"Location": "/new"})
    http_server.route("/new", status=304)
    result = get(http_server.url("/old"), etag='"v1"')
    assert result.outcome == "not_modified"
    assert result.moved_to == http_server.url("/new")
    assert http_server.requests_to("/new")[0].headers["if-none-match"] == '"v1"'


def test_permanent_redirect_to_a_broken_page_does_not_move(http_server: FixtureServer):
    http_server.route("/old", status=301, headers={"Location": "/missing"})
    result = get(http_server.url("/old"))
    assert result.outcome == "failed"
    assert result.status == 404
    assert result.moved_to is None


def test_redirect_loop_fails(http_server: FixtureServer):
    http_server.route("/loop", status=302, headers={"Location": "/loop"})
    result = get(http_server.url("/loop"))
    assert result.outcome == "failed"
    assert "redirects" in result.problem
    assert len(http_server.requests_to("/loop")) == 11


@pytest.mark.parametrize("location", ["ftp://example.invalid/feed", "file:///etc/passwd", ""])
def test_redirect_to_a_non_web_address_fails(http_server: FixtureServer, location: str):
    http_server.route("/feed", status=301, headers={"Location": location} if location else {})
    result = get(http_server.url("/feed"))
    assert result.outcome == "failed"
    assert "redirect" in result.problem
    assert result.moved_to is None


# --- HTTP errors --------------------------------------------------------------------------


def test_404_fails_with_advice(http_server: FixtureServer):
    result = get(http_server.url("/nowhere"))
    assert result.outcome == "failed"
    assert result.status == 404
    assert result.problem == "HTTP 404 Not Found"
    assert "check the URL" in result.advice
    assert result.attempts == 1
    failure = result.failure
    assert failure is not None and failure.source == "test"
    assert "HTTP 404" in str(failure)


def test_410_is_gone(http_server: FixtureServer):
    http_server.route("/feed", status=410)
    result = get(http_server.url("/feed"))
    assert result.outcome == "gone"
    assert "410" in result.problem
    assert "remove the source" in result.advice
    assert result.failure is not None
    assert len(http_server.requests_to("/feed")) == 1


@pytest.mark.parametrize("status", [401, 403])
def test_refused_access_fails_without_retry(http_server: FixtureServer, status: int):
    http_server.route("/feed", status=status)
    result = get(http_server.url("/feed"))
    assert result.outcome == "failed"
    assert "refuses access" in result.advice
    assert len(http_server.requests_to("/feed")) == 1


# --- retries ------------------------------------------------------------------------------


def test_500_then_200_succeeds_on_retry(http_server: FixtureServer):
    http_server.route("/feed", [Reply(500), Reply(200, FEED)])
    sleeps = Sleeps()
    result = fetch(FetchRequest("s", http_server.url("/feed")), FetchSettings(), sleep=sleeps)
    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.attempts == 2
    assert len(sleeps.calls) == 1
    assert 0.5 <= sleeps.calls[0] <= 1.5  # backoff 1 s with jitter


def test_503_forever_fails_after_all_attempts(http_server: FixtureServer):
    http_server.route("/feed", status=503)
    sleeps = Sleeps()
    settings = FetchSettings(retries=2, backoff=1.0)
    result = fetch(FetchRequest("s", http_server.url("/feed")), settings, sleep=sleeps)
    assert result.outcome == "failed"
    assert result.status == 503
    assert result.problem == "HTTP 503 Service Unavailable after 3 attempts"
    assert result.attempts == 3
    assert len(http_server.requests_to("/feed")) == 3
    assert len(sleeps.calls) == 2
    assert 0.5 <= sleeps.calls[0] <= 1.5 and 1.0 <= sleeps.calls[1] <= 3.0  # exponential


def test_429_retry_after_seconds_is_honoured(http_server: FixtureServer):
    http_server.route("/feed", [Reply(429, headers={"Retry-After": "1"}), Reply(200, FEED)])
    sleeps = Sleeps()
    result = fetch(FetchRequest("s", http_server.url("/feed")), FetchSettings(), sleep=sleeps)
    assert result.outcome == "ok"
    assert result.attempts == 2
    assert sleeps.calls == [1.0]


def test_retry_after_as_http_date_is_honoured(http_server: FixtureServer):
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    http_server.route("/feed", [Reply(503, headers={"Retry-After": when}), Reply(200, FEED)])
    sleeps = Sleeps()
    result = fetch(FetchRequest("s", http_server.url("/feed")), FetchSettings(), sleep=sleeps)
    assert result.outcome == "ok"
    assert len(sleeps.calls) == 1
    assert 3 <= sleeps.calls[0] <= 5


def test_retry_after_pause_does_not_eat_the_deadline(http_server: FixtureServer):
    # the server-requested pause is longer than total_timeout, but within max_retry_after
    http_server.route("/feed", [Reply(429, headers={"Retry-After": "5"}), Reply(200, FEED)])
    sleeps = Sleeps()
    settings = FetchSettings(total_timeout=2.0)
    result = fetch(FetchRequest("s", http_server.url("/feed")), settings, sleep=sleeps)
    assert result.outcome == "ok"
    assert sleeps.calls == [5.0]


def test_too_long_retry_after_gives_up_promptly(http_server: FixtureServer):
    http_server.route("/feed", status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    started = time.monotonic()
    result = fetch(FetchRequest("s", http_server.url("/feed")), FetchSettings(), sleep=sleeps)
    assert time.monotonic() - started < 1
    assert result.outcome == "failed"
    assert result.status == 429
    assert result.problem.startswith("HTTP 429 Too Many Requests")
    assert "wait 60 minutes" in result.problem
    assert "next" in result.advice
    assert sleeps.calls == []
    assert len(http_server.requests_to("/feed")) == 1


def test_429_without_retry_after_backs_off(http_server: FixtureServer):
    http_server.route("/feed", status=429)
    sleeps = Sleeps()
    result = fetch(FetchRequest("s", http_server.url("/feed")), FetchSettings(), sleep=sleeps)
    assert result.outcome == "failed"
    assert result.problem == "HTTP 429 Too Many Requests after 3 attempts"
    assert len(sleeps.calls) == 2


def test_dropped_connection_is_retried(http_server: FixtureServer):
    http_server.route("/feed", [Reply(drop=True), Reply(200, FEED)])
    result = get(http_server.url("/feed"))
    assert result.outcome == "ok"
    assert result.attempts == 2


def test_dropped_connection_forever_fails(http_server: FixtureServer):
    http_server.route("/feed", drop=True)
    result = get(http_server.url("/feed"))
    assert result.outcome == "failed"
    assert result.status is None
    assert "closed the connection" in result.problem
    assert "3 attempts" in result.problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0.0), ("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_parse_retry_after(value, expected):
    assert _parse_retry_after(value) == expected


def test_parse_retry_after_past_date_is_zero():
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# --- time limits --------------------------------------------------------------------------


def test_stalled_server_times_out(http_server: FixtureServer):
    http_server.route("/feed", body=FEED, delay=30)
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=1.0))
    took = time.monotonic() - started
    assert result.outcome == "failed"
    assert result.problem.startswith("timed out after 1 s")
    assert "[fetch] timeout" in result.advice
    assert 0.9 <= took < 3


def test_trickling_body_is_cut_at_the_deadline(http_server: FixtureServer):
    http_server.route("/feed", body=b"x" * 200, chunk_size=1, chunk_delay=0.05)  # 10 s in all
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=1.0))
    assert time.monotonic() - started < 2
    assert result.outcome == "failed"
    assert result.problem.startswith("timed out after 1 s (downloading)")


def test_deadline_covers_slow_headers_plus_slow_body(http_server: FixtureServer):
    # every wait is under 1 s, so per-operation timeouts alone would let this run 2.6 s
    http_server.route("/feed", body=b"abc", delay=0.8, chunk_size=1, chunk_delay=0.9)
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=1.0))
    assert time.monotonic() - started < 1.4
    assert result.outcome == "failed"
    assert "timed out" in result.problem


# --- size cap -----------------------------------------------------------------------------


def test_declared_oversize_is_rejected_before_download(http_server: FixtureServer):
    http_server.route("/big", body=b"x" * 1000, headers={"Content-Length": str(50 * MB)})
    result = get(http_server.url("/big"), FetchSettings(max_bytes=1 * MB))
    assert result.outcome == "failed"
    assert "larger than 1 MB" in result.problem
    assert "[fetch] max_mb" in result.advice
    assert len(http_server.requests_to("/big")) == 1  # not retried


def test_undeclared_oversize_is_cut_off(http_server: FixtureServer):
    http_server.route("/big", body=b"x" * (3 * MB), chunked=True)
    result = get(http_server.url("/big"), FetchSettings(max_bytes=1 * MB))
    assert result.outcome == "failed"
    assert "larger than 1 MB" in result.problem
    assert result.body == b""


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("br", lambda data: brotli.compress(data, quality=5))],
)
def test_compression_bomb_is_cut_off(http_server: FixtureServer, encoding, compress):
    bomb = compress(bytes(16 * MB))
    assert len(bomb) < 20 * 1024
    http_server.route("/bomb", body=bomb, headers={"Content-Encoding": encoding})
    result = get(http_server.url("/bomb"), FetchSettings(max_bytes=1 * MB))
    assert result.outcome == "failed"
    assert "larger than 1 MB once decompressed" in result.problem


def test_body_at_exactly_the_cap_is_fine(http_server: FixtureServer):
    http_server.route(
        "/feed", body=gzip.compress(b"y" * 4096), headers={"Content-Encoding": "gzip"}
    )
    assert get(http_server.url("/feed"), FetchSettings(max_bytes=4096)).body == b"y" * 4096


# --- network failures ---------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_fails_after_retries():
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{_closed_port()}/feed"
    result = fetch(FetchRequest("s", url), FetchSettings(), sleep=sleeps)
    assert result.outcome == "failed"
    assert "refused the connection" in result.problem
    assert result.attempts == 3
    assert len(sleeps.calls) == 2
    assert result.advice


def test_tls_failure_is_explained(http_server: FixtureServer):
    # speaking TLS to a plain-HTTP port makes the handshake fail
    url = http_server.url("/feed").replace("http://", "https://")
    result = get(url)
    assert result.outcome == "failed"
    assert "secure connection" in result.problem
    assert "https://" in result.advice
    assert result.attempts == 1


@pytest.mark.parametrize("url", ["ftp://example.invalid/feed", "not a url", "http://"])
def test_unusable_url_fails_without_network(url: str):
    result = get(url)
    assert result.outcome == "failed"
    assert "config" in result.advice


def test_unexpected_error_becomes_a_failed_result():
    class Exploding(fetch_module.Client):
        def manager_for(self, url):
            raise RuntimeError("boom")

    client = Exploding()
    result = fetch(FetchRequest("s", "http://127.0.0.1:9/feed"), client=client)
    assert result.outcome == "failed"
    assert "RuntimeError: boom" in result.problem
    assert "bug" in result.advice


# --- many sources at once -----------------------------------------------------------------


def test_fetch_all_isolates_slow_and_broken_sources(http_server: FixtureServer):
    http_server.route("/good1", body=b"one")
    http_server.route("/good2", body=b"two")
    http_server.route("/stalled1", delay=30)
    http_server.route("/stalled2", delay=30)
    http_server.route("/broken", drop=True)
    names = ["stalled1", "good1", "broken", "stalled2", "good2"]
    requests = [FetchRequest(name, http_server.url(f"/{name}")) for name in names]
    settings = FetchSettings(total_timeout=1.0, backoff=0.01, workers=8)
    done: list[tuple[str, str]] = []

    started = time.monotonic()
    results = fetch_all(
        requests,
        settings,
        on_done=lambda r: done.append((r.source, threading.current_thread().name)),
    )
    took = time.monotonic() - started

    assert [r.source for r in results] == names
    by_name = {r.source: r for r in results}
    assert by_name["good1"].outcome == "ok" and by_name["good1"].body == b"one"
    assert by_name["good2"].outcome == "ok" and by_name["good2"].body == b"two"
    assert by_name["broken"].outcome == "failed"
    assert "timed out" in by_name["stalled1"].problem
    assert "timed out" in by_name["stalled2"].problem
    assert took < 1.9  # the two stalls ran side by side, not one after the other
    assert sorted(name for name, _ in done) == sorted(names)
    assert {thread for _, thread in done} == {threading.current_thread().name}


def test_fetch_all_with_a_small_pool_still_finishes(http_server: FixtureServer):
    http_server.route("/feed", body=FEED)
    requests = [FetchRequest(f"s{i}", http_server.url(f"/feed?n={i}")) for i in range(10)]
    results = fetch_all(requests, FetchSettings(workers=2))
    assert [r.source for r in results] == [f"s{i}" for i in range(10)]
    assert all(r.outcome == "ok" and r.body == FEED for r in results)


def test_fetch_all_of_nothing():
    assert fetch_all([], FetchSettings()) == []


# --- connections: keep-alive, HTTPS, proxies ----------------------------------------------


def test_fetch_all_keeps_connections_alive(http_server: FixtureServer):
    http_server.route("/feed", body=FEED)
    http_server.route("/moved", status=301, headers={"Location": "/feed"})
    http_server.route("/same", status=304)
    paths = ["/feed", "/moved", "/same"] * 10
    requests = [FetchRequest(f"s{i}", http_server.url(path)) for i, path in enumerate(paths)]
    results = fetch_all(requests, FetchSettings(workers=2))
    assert {r.outcome for r in results} == {"ok", "not_modified"}
    ports = {r.client_port for r in http_server.requests}
    assert len(http_server.requests) == 40  # 30 requests and the 10 redirects' second hops
    assert len(ports) <= 2  # one connection per worker carried every request


def test_https_with_a_trusted_certificate(server_tls, client_tls):
    with FixtureServer(tls=server_tls) as server:
        server.route("/feed.xml", body=FEED)
        url = server.url("/feed.xml")
        assert url.startswith("https://")
        result = fetch(FetchRequest("s", url), client=fetch_module.Client(tls=client_tls))
    assert result.outcome == "ok"
    assert result.body == FEED


def test_https_with_an_untrusted_certificate_is_refused(server_tls):
    with FixtureServer(tls=server_tls) as server:
        server.route("/feed.xml", body=FEED)
        result = get(server.url("/feed.xml"))  # the system's trust store: self-signed fails
        assert server.requests == []  # no request was sent over the untrusted connection
    assert result.outcome == "failed"
    assert result.problem.startswith("the HTTPS certificate of 127.0.0.1 is not valid")
    assert "certificate" in result.advice
    assert result.attempts == 1  # a bad certificate is not retried


def test_stalled_tls_handshake_is_cut_at_the_deadline():
    with socket.socket() as listener:  # accepts connections, then never says a word
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/feed"
        started = time.monotonic()
        result = get(url, FetchSettings(total_timeout=1.0, connect_timeout=5.0, retries=0))
        took = time.monotonic() - started
    assert result.outcome == "failed"
    assert "timed out after 1 s" in result.problem
    assert took < 2


@pytest.fixture
def proxy_environment(monkeypatch: pytest.MonkeyPatch):
    def set_proxy(proxy: str, no_proxy: str = "", name: str = "http_proxy") -> None:
        monkeypatch.setenv(name, proxy)
        monkeypatch.setenv("no_proxy", no_proxy)

    return set_proxy


def test_requests_go_through_the_environments_proxy(http_server: FixtureServer, proxy_environment):
    # The fixture server plays the proxy: a proxied request names the whole URL.
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/"))
    result = get("http://feeds.example.invalid/feed.xml")
    assert result.outcome == "ok"
    assert result.body == FEED
    (seen,) = http_server.requests
    assert seen.path == "http://feeds.example.invalid/feed.xml"
    assert seen.headers["user-agent"].startswith("calm-digest/")


def test_no_proxy_hosts_are_fetched_directly(http_server: FixtureServer, proxy_environment):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(f"http://127.0.0.1:{_closed_port()}", no_proxy="localhost,127.0.0.1")
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok"
    assert http_server.requests[0].path == "/feed.xml"


def test_unreachable_proxy_is_reported_as_the_proxy(proxy_environment):
    proxy_environment(f"http://127.0.0.1:{_closed_port()}")
    result = get("http://feeds.example.invalid/feed.xml", FetchSettings(retries=0))
    assert result.outcome == "failed"
    assert "proxy" in result.problem
    assert "http_proxy" in result.advice


def test_unsupported_proxy_scheme_is_explained(proxy_environment):
    proxy_environment("socks5://127.0.0.1:1080")
    result = get("http://feeds.example.invalid/feed.xml")
    assert result.outcome == "failed"
    assert "proxy" in result.problem
    assert "http_proxy" in result.advice


def test_a_proxy_login_is_sent_and_never_shown(http_server: FixtureServer, proxy_environment):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/").replace("http://", "http://alice:s%40cret@"))
    assert get("http://feeds.example.invalid/feed.xml").outcome == "ok"
    (seen,) = http_server.requests
    expected = base64.b64encode(b"alice:s@cret").decode()
    assert seen.headers["proxy-authorization"] == f"Basic {expected}"

    proxy_environment(f"http://alice:s%40cret@127.0.0.1:{_closed_port()}")
    failed = get("http://feeds.example.invalid/feed.xml", FetchSettings(retries=0))
    assert failed.outcome == "failed"
    assert "proxy http://127.0.0.1:" in failed.problem
    assert "cret" not in failed.problem and "alice" not in failed.problem


def test_all_proxy_is_used_when_no_scheme_proxy_is_set(
    http_server: FixtureServer, proxy_environment
):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/"), name="all_proxy")
    assert get("http://feeds.example.invalid/feed.xml").body == FEED
    assert http_server.requests[0].path == "http://feeds.example.invalid/feed.xml"


def test_a_chunked_304_does_not_wait_for_a_body(http_server: FixtureServer):
    http_server.route("/feed", status=304, headers={"Transfer-Encoding": "chunked"})
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=5.0), etag='"v1"')
    assert result.outcome == "not_modified"
    assert time.monotonic() - started < 1


def test_cookies_set_by_a_redirect_are_sent_along_the_chain(http_server: FixtureServer):
    def cookie_check(request: Recorded) -> Reply:
        if "checked=yes" in request.headers.get("cookie", ""):
            return Reply(200, FEED)
        return Reply(302, headers={"Location": "/feed", "Set-Cookie": "checked=yes; Path=/"})

    http_server.route("/feed", cookie_check)
    result = get(http_server.url("/feed"))
    assert result.outcome == "ok"
    assert result.body == FEED
    assert len(http_server.requests_to("/feed")) == 2


def test_a_utf8_location_is_followed_as_utf8(http_server: FixtureServer):
    raw_location = "/café/feed".encode().decode("latin-1")  # the bytes a server sends
    http_server.route("/old", status=301, headers={"Location": raw_location})
    http_server.route("/caf%C3%A9/feed", body=FEED)
    result = get(http_server.url("/old"))
    assert result.outcome == "ok"
    assert result.moved_to == http_server.url("/caf%C3%A9/feed")


@pytest.mark.parametrize("etag", ['"\u20ac"', '"v1"\r\nX-Injected: 1'])
def test_a_validator_that_cannot_be_sent_is_left_out(http_server: FixtureServer, etag: str):
    http_server.route("/feed", body=FEED)
    result = get(http_server.url("/feed"), etag=etag)
    assert result.outcome == "ok"
    seen = http_server.requests_to("/feed")[0].headers
    assert "if-none-match" not in seen and "x-injected" not in seen


def test_a_connection_back_in_the_pool_is_no_longer_watched(
    http_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
):
    # urllib3 returns the connection to the pool as soon as the body is read, before the
    # request's watchdog is disarmed; a late alarm must not reach a socket someone else has.
    held_at_disarm: list[object] = []
    real_disarm = fetch_module._Watchdog.disarm

    def disarm(self):
        held_at_disarm.append(self._socket)
        real_disarm(self)

    monkeypatch.setattr(fetch_module._Watchdog, "disarm", disarm)
    http_server.route("/feed", body=FEED)
    client = fetch_module.Client()
    for _ in range(3):
        assert fetch(FetchRequest("s", http_server.url("/feed")), client=client).body == FEED
    assert held_at_disarm == [None, None, None]
    assert len({r.client_port for r in http_server.requests}) == 1


def test_a_server_that_does_not_speak_http_is_explained():
    with socket.socket() as listener:  # answers a request with the start of a TLS alert
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def answer() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(b"\x15\x03\x01\x00\x02\x02\x46")

        threading.Thread(target=answer, daemon=True).start()
        result = get(f"http://127.0.0.1:{listener.getsockname()[1]}/feed")
    assert result.outcome == "failed"
    assert result.problem == "127.0.0.1 did not answer in HTTP (it may expect https://)"
    assert "scheme" in result.advice
    assert result.attempts == 1


def test_a_redirect_whose_body_stalls_is_followed_without_waiting(http_server: FixtureServer):
    http_server.route(
        "/old",
        status=301,
        body=b"moved " * 20,
        headers={"Location": "/feed"},
        chunk_size=10,
        chunk_delay=30,
    )
    http_server.route("/feed", body=FEED)
    started = time.monotonic()
    result = get(http_server.url("/old"), FetchSettings(total_timeout=10.0))
    assert result.outcome == "ok"
    assert result.body == FEED
    assert time.monotonic() - started < 3


@pytest.fixture
def slow_resolver(monkeypatch: pytest.MonkeyPatch):
    """A resolver that takes ``seconds`` to answer for ``host`` (as 127.0.0.1), as a broken
    DNS server does: the lookup cannot be interrupted, only abandoned."""
    real_getaddrinfo = socket.getaddrinfo

    def slow(host: str, seconds: float) -> None:
        def getaddrinfo(name, *args, **kwargs):
            if name == host:
                time.sleep(seconds)
                name = "127.0.0.1"
            return real_getaddrinfo(name, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return slow


def test_a_hanging_name_lookup_is_cut_at_the_deadline(http_server: FixtureServer, slow_resolver):
    slow_resolver("slow-dns.example", 4)
    http_server.route("/feed", body=FEED)
    started = time.monotonic()
    url = f"http://slow-dns.example:{http_server.port}/feed"
    result = get(url, FetchSettings(total_timeout=1.0, connect_timeout=5.0, retries=0))
    assert time.monotonic() - started < 2
    assert result.outcome == "failed"
    assert result.problem == "timed out after 1 s (connect)"


def test_a_slow_connect_and_a_trickled_tls_handshake_end_at_the_deadline(slow_resolver):
    # Python bounds a TLS handshake by the socket timeout, counted from the handshake's own
    # start: after a slow lookup that alone would run past the request's deadline.
    slow_resolver("slow-tls.example", 0.8)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        stop = threading.Event()

        def trickle() -> None:  # a server hello, one byte at a time
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)
                for byte in b"\x16\x03\x03\x10\x00" + bytes(100):
                    if stop.wait(0.2):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        return

        threading.Thread(target=trickle, daemon=True).start()
        started = time.monotonic()
        url = f"https://slow-tls.example:{listener.getsockname()[1]}/feed"
        result = get(url, FetchSettings(total_timeout=1.5, connect_timeout=5.0, retries=0))
        took = time.monotonic() - started
        stop.set()
    assert result.outcome == "failed"
    assert "timed out after 1.5 s" in result.problem
    assert took < 2.1


# --- links from untrusted content stay on the public internet ------------------------------


def test_a_public_only_request_never_reaches_a_private_address(http_server: FixtureServer):
    http_server.route("/secret", body=b"router admin password")
    result = get(http_server.url("/secret"), public_only=True)
    assert result.outcome == "failed"
    assert result.problem == "not fetched: 127.0.0.1 is a private network address (127.0.0.1)"
    assert result.body == b"" and result.attempts == 1
    assert http_server.requests == []


def test_a_kept_alive_private_connection_is_not_reused_for_a_public_only_request(
    http_server: FixtureServer,
):
    http_server.route("/feed", body=FEED)
    client = fetch_module.Client()
    assert fetch(FetchRequest("s", http_server.url("/feed")), client=client).outcome == "ok"
    refused = fetch(FetchRequest("s", http_server.url("/feed"), public_only=True), client=client)
    assert refused.outcome == "failed" and "private network" in refused.problem
    assert len(http_server.requests) == 1


def test_a_public_only_request_through_a_proxy_checks_the_name(
    http_server: FixtureServer, proxy_environment
):
    proxy_environment(http_server.url("/"))
    result = get("http://localhost:9/secret", public_only=True)
    assert result.outcome == "failed" and "private network" in result.problem
    assert http_server.requests == []  # the proxy was never asked
