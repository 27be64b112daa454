"""digest.sources.http.body: bodies decoded, and capped after decompression."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from fetchhelpers import FEED, MB, get
from httpserver import FixtureServer, Reply

from digest.sources.http import FetchSettings

pytestmark = pytest.mark.usefixtures("no_proxies")


# --- decoding -----------------------------------------------------------------------------


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


def test_a_gzip_body_of_several_members_is_decoded_whole(http_server: FixtureServer):
    # RFC 1952: a gzip file is a series of members (what concatenating gzip files makes);
    # each member's text is the body's, not only the first one's
    first, second = FEED * 100, b"<!-- the rest of the feed -->" * 100
    body = gzip.compress(first) + gzip.compress(second)
    http_server.route("/feed.xml", body=body, headers={"Content-Encoding": "gzip"})
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok", result.problem
    assert result.body == first + second


def test_bytes_after_a_gzip_body_that_are_no_member_are_ignored(http_server: FixtureServer):
    for trailing in (b"\n", b"\r\n", bytes(8)):
        http_server.route(
            "/feed.xml", body=gzip.compress(FEED) + trailing, headers={"Content-Encoding": "gzip"}
        )
        result = get(http_server.url("/feed.xml"))
        assert result.outcome == "ok", (trailing, result.problem)
        assert result.body == FEED


def test_raw_deflate_arriving_a_byte_at_a_time_is_decoded(http_server: FixtureServer):
    # whether "deflate" is zlib-wrapped or raw shows only after a few bytes: a first piece of
    # one byte must not decide it
    body = FEED * 3
    raw = zlib.compress(body)[2:-4]
    http_server.route(
        "/feed.xml",
        body=raw,
        headers={"Content-Encoding": "deflate"},
        chunked=True,
        chunk_size=1,
        chunk_delay=0.005,
    )
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok", result.problem
    assert result.body == body


def test_chunked_body_is_read(http_server: FixtureServer):
    http_server.route("/feed.xml", body=FEED * 100, chunked=True, chunk_size=500)
    assert get(http_server.url("/feed.xml")).body == FEED * 100


def test_a_body_compressed_as_its_transfer_encoding_is_decoded(http_server: FixtureServer):
    # "Transfer-Encoding: gzip, chunked", which some servers send unasked, as two header
    # lines: the body is the feed, not a refusal nor the compressed bytes
    http_server.route(
        "/feed.xml",
        body=gzip.compress(FEED * 200),
        headers={"Transfer-Encoding": "gzip"},
        chunked=True,
    )
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok", result.problem
    assert result.body == FEED * 200


def test_a_body_read_in_several_pieces_comes_whole_and_in_order(http_server: FixtureServer):
    # (read 64 KB at a time: this one takes four reads, the last one short)
    body = b"".join(b"%06d " % n for n in range(30_000))
    http_server.route("/feed.xml", body=body)
    assert get(http_server.url("/feed.xml")).body == body


# --- size cap -----------------------------------------------------------------------------


def test_declared_oversize_is_rejected_before_download(http_server: FixtureServer):
    http_server.route("/big", body=b"x" * 1000, headers={"Content-Length": str(50 * MB)})
    result = get(http_server.url("/big"), FetchSettings(max_bytes=1 * MB))
    assert result.outcome == "failed"
    assert "larger than 1 MB" in result.problem
    assert "[fetch] max_mb" in result.advice
    assert len(http_server.requests_to("/big")) == 1  # not retried


def test_sizes_in_the_message_read_as_people_write_them(http_server: FixtureServer):
    # A 2 GB download against the largest cap used to say "larger than 1.02e+03 MB (the
    # server says 2.05e+03 MB)".
    http_server.route("/huge", body=b"x" * 1000, headers={"Content-Length": str(2048 * MB)})
    result = get(http_server.url("/huge"), FetchSettings(max_bytes=1024 * MB))
    assert result.outcome == "failed"
    assert "larger than 1,024 MB (the server says 2,048 MB)" in result.problem
    assert "e+" not in result.problem


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


def test_a_transfer_encoded_bomb_is_cut_off(http_server: FixtureServer):
    bomb = gzip.compress(bytes(16 * MB))
    http_server.route("/bomb", body=bomb, headers={"Transfer-Encoding": "gzip"}, chunked=True)
    result = get(http_server.url("/bomb"), FetchSettings(max_bytes=1 * MB))
    assert result.outcome == "failed"
    assert "larger than 1 MB" in result.problem
    assert result.body == b""


def test_body_at_exactly_the_cap_is_fine(http_server: FixtureServer):
    http_server.route(
        "/feed", body=gzip.compress(b"y" * 4096), headers={"Content-Encoding": "gzip"}
    )
    assert get(http_server.url("/feed"), FetchSettings(max_bytes=4096)).body == b"y" * 4096


# --- a body cut short is no body ----------------------------------------------------------

WHOLE = FEED * 200


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("br", brotli.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate
    ],
)
def test_a_compressed_body_without_its_end_is_a_failure_worth_retrying(
    http_server: FixtureServer, encoding, compress
):
    # The stream is cut, but the HTTP message is whole (its Content-Length is what was
    # sent): only the compressed data can tell.
    packed = compress(WHOLE)
    http_server.route(
        "/feed.xml",
        [
            Reply(200, packed[: len(packed) * 2 // 3], {"Content-Encoding": encoding}),
            Reply(200, packed, {"Content-Encoding": encoding}),
        ],
    )
    cut = get(http_server.url("/feed.xml"), FetchSettings(retries=0))
    name = {"br": "brotli"}.get(encoding, encoding)
    assert cut.outcome == "failed" and cut.body == b""
    assert (
        cut.problem
        == f"the download was cut short: its {name}-compressed data stops before its end"
    )
    assert "tried again next run" in cut.advice
    assert cut.etag is None and cut.last_modified is None
    retried = get(http_server.url("/feed.xml"), FetchSettings(retries=1, backoff=0))
    assert retried.outcome == "ok" and retried.body == WHOLE


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, WHOLE, {"ETag": '"v1"'}, cut=len(WHOLE) // 2),  # shorter than its length
        Reply(200, WHOLE, {"ETag": '"v1"'}, chunked=True, chunk_size=512, cut=len(WHOLE) // 2),
        Reply(
            200,
            gzip.compress(WHOLE),
            {"ETag": '"v1"', "Content-Encoding": "gzip"},
            cut=len(gzip.compress(WHOLE)) // 2,
        ),
    ],
    ids=["content-length", "chunked", "gzip-and-length"],
)
def test_a_body_shorter_than_its_framing_says_is_a_failure_worth_retrying(
    http_server: FixtureServer, reply: Reply
):
    http_server.route("/feed.xml", reply)
    result = get(http_server.url("/feed.xml"), FetchSettings(retries=2, backoff=0))
    assert result.outcome == "failed" and result.body == b"" and result.etag is None
    assert result.problem.startswith("127.0.0.1 closed the connection without a complete response")
    assert result.attempts == 3


def test_a_coding_named_on_two_header_lines_is_undone_twice(http_server: FixtureServer):
    # two Content-Encoding lines are one list, as if written "gzip, gzip"
    body = gzip.compress(gzip.compress(FEED))
    headers = [("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")]
    http_server.route("/feed.xml", body=body, headers=headers)
    assert get(http_server.url("/feed.xml")).body == FEED
