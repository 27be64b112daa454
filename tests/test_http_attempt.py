"""digest.sources.http.attempt: one try, with its validators, redirects and cookies,
against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import time

import pytest
from fetchhelpers import FEED, MB, get
from httpserver import FixtureServer, Recorded, Reply

from digest import PROJECT_URL, __version__
from digest.sources.http import FetchSettings, body

pytestmark = pytest.mark.usefixtures("no_proxies")


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
    assert ("br" in seen.headers["accept-encoding"]) == body._BROTLI_BOUNDED
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


@pytest.mark.parametrize("etag", ['"\u20ac"', '"v1"\r\nX-Injected: 1'])
def test_a_validator_that_cannot_be_sent_is_left_out(http_server: FixtureServer, etag: str):
    http_server.route("/feed", body=FEED)
    result = get(http_server.url("/feed"), etag=etag)
    assert result.outcome == "ok"
    seen = http_server.requests_to("/feed")[0].headers
    assert "if-none-match" not in seen and "x-injected" not in seen


def test_a_chunked_304_does_not_wait_for_a_body(http_server: FixtureServer):
    http_server.route("/feed", status=304, headers={"Transfer-Encoding": "chunked"})
    started = time.monotonic()
    result = get(http_server.url("/feed"), FetchSettings(total_timeout=5.0), etag='"v1"')
    assert result.outcome == "not_modified"
    assert time.monotonic() - started < 1


def test_a_304_giving_the_length_of_a_large_feed_is_not_modified(http_server: FixtureServer):
    # A 304 may carry the Content-Length a 200 would have had (RFC 9110, 8.6), yet has no
    # body: a feed larger than the cap that has not changed is not "too large"
    http_server.route("/feed", status=304, headers={"ETag": '"v1"', "Content-Length": str(5 * MB)})
    result = get(http_server.url("/feed"), FetchSettings(max_bytes=1 * MB), etag='"v1"')
    assert result.outcome == "not_modified", result.problem
    assert result.etag == '"v1"'


@pytest.mark.parametrize("url", ["ftp://example.invalid/feed", "not a url", "http://"])
def test_unusable_url_fails_without_network(url: str):
    result = get(url)
    assert result.outcome == "failed"
    assert "config" in result.advice


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


def test_a_utf8_location_is_followed_as_utf8(http_server: FixtureServer):
    raw_location = "/café/feed".encode().decode("latin-1")  # the bytes a server sends
    http_server.route("/old", status=301, headers={"Location": raw_location})
    http_server.route("/caf%C3%A9/feed", body=FEED)
    result = get(http_server.url("/old"))
    assert result.outcome == "ok"
    assert result.moved_to == http_server.url("/caf%C3%A9/feed")


def test_a_redirect_whose_body_stalls_is_followed_without_waiting(
    http_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
):
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
