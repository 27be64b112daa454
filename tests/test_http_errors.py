"""digest.sources.http.errors: what went wrong, in words, for HTTP errors and network
failures met on 127.0.0.1."""

from __future__ import annotations

import ssl
import time

import pytest
from fetchhelpers import FEED, Sleeps, answering_once, closed_port, get, unanswered_port
from httpserver import FixtureServer

from digest.sources.http import Client, FetchRequest, FetchSettings, fetch
from digest.sources.http.errors import _parse_retry_after

pytestmark = pytest.mark.usefixtures("no_proxies")


# --- HTTP errors --------------------------------------------------------------------------


def test_a_page_s_own_failure_does_not_say_its_host_is_down(http_server: FixtureServer):
    for status in (404, 403, 500):
        http_server.route(f"/{status}", status=status)
        result = get(http_server.url(f"/{status}"), FetchSettings(retries=0))
        assert result.outcome == "failed" and not result.host_down


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


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0.0), ("7", 7.0), (" 2.5 ", 2.5), ("-3", 0.0), ("soon", None), ("", None), (None, None)],
)
def test_parse_retry_after(value, expected):
    assert _parse_retry_after(value) == expected


def test_parse_retry_after_past_date_is_zero():
    assert _parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# --- network failures ---------------------------------------------------------------------


def test_connection_refused_is_final_for_the_run():
    # Nothing listens there: pausing to ask again would only hold the build up.
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{closed_port()}/feed"
    result = fetch(FetchRequest("s", url, allow_private=True), FetchSettings(), sleep=sleeps)
    assert result.outcome == "failed"
    assert "refused the connection" in result.problem
    assert "attempts" not in result.problem
    assert result.attempts == 1
    assert sleeps.calls == []
    assert "next run" in result.advice
    assert result.host_down  # (its other feeds are not tried: see fetch_all)


def test_a_connection_nobody_answers_is_final_for_the_run():
    # A listener whose queue is full drops new connection requests, as a host behind a
    # firewall that drops them does: the connect times out.
    with unanswered_port() as port:
        sleeps = Sleeps()
        url = f"http://127.0.0.1:{port}/feed"
        settings = FetchSettings(connect_timeout=0.5, total_timeout=10, retries=2)
        started = time.monotonic()
        result = fetch(FetchRequest("s", url, allow_private=True), settings, sleep=sleeps)
        took = time.monotonic() - started
    assert result.outcome == "failed"
    assert result.problem == "timed out after 0.5 s (connect)"
    assert result.attempts == 1 and sleeps.calls == [] and result.host_down
    assert took < 5
    assert "next run" in result.advice


def test_tls_failure_is_explained(http_server: FixtureServer):
    # speaking TLS to a plain-HTTP port makes the handshake fail
    url = http_server.url("/feed").replace("http://", "https://")
    result = get(url)
    assert result.outcome == "failed"
    assert "secure connection" in result.problem
    assert "https://" in result.advice and "(" not in result.advice  # (shown in parentheses)
    assert result.attempts == 1
    assert not result.host_down  # plain HTTP on the same port answers: see the next test


def test_a_server_that_does_not_speak_http_is_explained():
    with answering_once(b"\x15\x03\x01\x00\x02\x02\x46") as port:  # a TLS alert's start
        result = get(f"http://127.0.0.1:{port}/feed")
    assert result.outcome == "failed"
    assert result.problem == "127.0.0.1 did not answer in HTTP (it may expect https://)"
    assert "scheme" in result.advice and "(" not in result.advice
    assert result.attempts == 1


@pytest.mark.parametrize(
    "sent",
    [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nno colon here\r\n",
    ],
    ids=["headers-cut-short", "a-line-without-a-colon"],
)
def test_a_response_whose_headers_never_end_is_not_taken_for_an_empty_feed(sent: bytes):
    # The connection closes inside the header block. curl ends such a transfer without a
    # failure: taken as it ended, it was a "200" with an empty body. The status line came,
    # so the server speaks HTTP, and the advice is not to change scheme.
    with answering_once(sent) as port:
        result = get(f"http://127.0.0.1:{port}/feed", FetchSettings(retries=0))
    assert result.outcome == "failed"
    assert result.problem == "127.0.0.1 closed the connection without a complete response"
    assert result.body == b""


@pytest.mark.parametrize(
    "sent",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"],
    ids=["nothing", "headers-cut-short"],
)
def test_through_a_proxy_a_response_cut_short_is_the_sites_not_the_proxys_failure(
    proxy_environment, sent: bytes
):
    # What came through the proxy was cut short, as when it sends nothing at all: the proxy
    # was reached and answered, and its settings are not what to check.
    with answering_once(sent) as port:
        proxy_environment(f"http://127.0.0.1:{port}")
        result = get("http://feeds.example.invalid/feed.xml", FetchSettings(retries=0))
    assert result.outcome == "failed"
    assert (
        result.problem == "feeds.example.invalid closed the connection without a complete response"
    )
    assert "proxy" not in result.advice


@pytest.mark.parametrize(
    "sent",
    [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n",
    ],
    ids=["headers-cut-short", "after-an-interim-response"],
)
def test_a_response_whose_headers_never_end_through_a_proxy_tunnel_is_not_an_empty_feed(
    proxy_environment, server_tls: ssl.SSLContext, certificate, sent: bytes
):
    # An https:// request through a proxy goes through a tunnel the proxy opens with its
    # own response to CONNECT, whose header block ends: the site's, which follows, never
    # does. Taken as it ended, it was a "200" with an empty body (or a "100 Continue").
    with answering_once(sent, tunnel=server_tls) as port:
        proxy_environment(f"http://127.0.0.1:{port}", name="https_proxy")
        client = Client(ca_file=str(certificate[0]))
        request = FetchRequest("s", "https://localhost:8443/feed.xml", allow_private=True)
        result = fetch(request, FetchSettings(retries=0), client=client)
        client.close()
    assert result.outcome == "failed"
    assert result.problem == "localhost closed the connection without a complete response"
    assert result.body == b""


def test_a_chunked_body_s_trailers_are_neither_a_header_block_cut_short_nor_its_headers():
    # curl hands the trailer lines after a chunked body to the header callback, with no
    # blank line after them: lines left unread, which start no response.
    body = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in (FEED[:20], FEED[20:]))
    sent = (
        b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding: chunked\r\nTrailer: ETag\r\n\r\n'
        + body
        + b'0\r\nETag: "v2"\r\n\r\n'
    )
    with answering_once(sent) as port:
        result = get(f"http://127.0.0.1:{port}/feed", FetchSettings(retries=0))
    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.etag == '"v1"'
