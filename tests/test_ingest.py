"""Remote sources end to end: a real HTTP server on 127.0.0.1 serving feeds to real builds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import os
import sqlite3
from collections.abc import Callable
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest
from httpserver import FixtureServer, Recorded, Reply

from digest.config import Config, FetchConfig, StoriesConfig, load_config
from digest.ingest import Collected, collect
from digest.model import Article, Source
from digest.pipeline import BuildResult, build
from digest.state import State, backup_files

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML_PAGE = {"Content-Type": "text/html; charset=utf-8"}
# One retry after a short pause, so that a retry is proven without costing a second. The
# test server is on 127.0.0.1, outside the public internet: sources reach it only when
# allowed to, as a user's own intranet feed would be.
FAST = FetchConfig(timeout=1.5, retries=1, connect_timeout=1.0, backoff=0.01, allow_private=True)

BODY = (
    "<p>The harbour authority said on {weekday} that work on the {thing} would finish in "
    "spring, two years later than planned.</p><p>Officials blamed delays to steel deliveries "
    "and a shortage of welders across the region.</p>"
)


def item(number: int, when: dt.datetime, *, link_scheme: str = "https", guid: bool = True) -> str:
    link = f"{link_scheme}://news.example.org/story/{number}"
    return (
        f"<item><title>Story number {number} about the harbour</title><link>{link}</link>"
        + (f'<guid isPermaLink="false">story-{number}</guid>' if guid else "")
        + f"<pubDate>{format_datetime(when)}</pubDate>"
        + f"<description>{escape(BODY.format(weekday='Monday', thing=f'pier {number}'))}"
        + "</description></item>"
    )


def rss(*items: str, title: str = "Harbour News") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example.org/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    )


# These tests follow articles through ingest, one story each: their feeds' items are written
# from one template ("Story number N about the harbour"), near-copies that grouping would
# rightly fold into one story. Grouping has its own tests (test_group.py).
ONE_STORY_PER_ARTICLE = StoriesConfig(enabled=False)


def site(tmp_path: Path, *sources: Source, **changes: object) -> Config:
    settings: dict[str, object] = {"fetch": FAST, "stories": ONE_STORY_PER_ARTICLE, **changes}
    return Config(
        title="Test Digest",
        sources=sources,
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
        **settings,  # type: ignore[arg-type]
    )


def feed(name: str, url: str, **options: object) -> Source:
    return Source(name=name, kind="feed", location=url, **options)


def story_titles(result) -> set[str]:
    return {s.headline for s in result.digest.stories}


def test_each_failure_is_reported_and_good_sources_still_reach_the_digest(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    recent = NOW - dt.timedelta(hours=2)
    good = rss(item(1, recent), item(2, recent))
    http_server.route("/good.xml", body=good, headers=RSS)
    http_server.route(
        "/gzipped.xml",
        body=gzip.compress(rss(item(3, recent)).encode()),
        headers={**RSS, "Content-Encoding": "gzip"},
    )
    http_server.route("/flaky.xml", [Reply(500), Reply(200, rss(item(4, recent)), RSS)])
    http_server.route("/missing.xml", status=404)
    http_server.route("/gone.xml", status=410)
    http_server.route("/stalled.xml", delay=10)
    http_server.route("/huge.xml", body=b"<rss>" + b"x" * 300_000, headers=RSS)
    http_server.route(
        "/page.html",
        body="<html><body><p>Hello</p></body></html>",
        headers={"Content-Type": "text/html"},
    )
    config = site(
        tmp_path,
        feed("Good", http_server.url("/good.xml")),
        feed("Gzipped", http_server.url("/gzipped.xml")),
        feed("Flaky", http_server.url("/flaky.xml")),
        feed("Missing", http_server.url("/missing.xml")),
        feed("Gone", http_server.url("/gone.xml")),
        feed("Stalled", http_server.url("/stalled.xml")),
        feed("Huge", http_server.url("/huge.xml")),
        feed("NotAFeed", http_server.url("/page.html")),
        # A short deadline: the stalled source costs it in full, every other source needs
        # a few milliseconds of it.
        fetch=dataclasses.replace(FAST, max_mb=0.2, timeout=0.5, connect_timeout=0.5),
    )
    result = build(config, DAY, now=NOW)

    assert story_titles(result) == {f"Story number {n} about the harbour" for n in (1, 2, 3, 4)}
    problems = {f.source: f.problem for f in result.digest.failures}
    assert set(problems) == {"Missing", "Gone", "Stalled", "Huge", "NotAFeed"}
    assert "404" in problems["Missing"]
    assert "410" in problems["Gone"] or "removed" in problems["Gone"]
    assert "timed out" in problems["Stalled"]
    assert "larger than" in problems["Huge"]
    assert "not a feed" in problems["NotAFeed"].lower()
    advice = {f.source: f.advice for f in result.digest.failures}
    assert all(advice.values())  # every failure says what to do
    page = (config.output / "2026-11-21.html").read_text("utf-8")
    for name in problems:
        assert name in page  # listed in the digest's footer
    assert result.elapsed < 8  # the stalled source cost one timeout, not the run


def test_conditional_get_means_a_rerun_fetches_nothing_new(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    body = rss(item(1, NOW - dt.timedelta(hours=1)))

    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, body, {**RSS, "ETag": '"v1"'})

    http_server.route("/feed.xml", conditional)
    config = site(tmp_path, feed("News", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert first.new_articles == 1 and second.new_articles == 0
    assert len(second.digest.stories) == 1  # the day keeps what it had
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, '"v1"']
    with State.open(config.state) as state:
        record = state.source("News")
        assert record is not None and record.etag == '"v1"' and record.items == 1


PAGE_NOT_FEED = "<!doctype html><html><head><title>Harbour</title></head><body>Hi</body></html>"


def _serve_versions(http_server: FixtureServer, versions: list[tuple[str, str]]) -> None:
    """Serve /feed.xml as the last of ``versions`` (etag, body): a later append publishes a
    new version. A request that sends back the current etag gets 304."""

    def conditional(request: Recorded) -> Reply:
        etag, body = versions[-1]
        if request.headers.get("if-none-match") == etag:
            return Reply(304)
        kind = RSS if body.lstrip().startswith("<?xml") else HTML_PAGE
        return Reply(200, body, {**kind, "ETag": etag})

    http_server.route("/feed.xml", conditional)


def test_an_unchanged_body_that_could_not_be_read_is_not_downloaded_again(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    versions = [('"page"', PAGE_NOT_FEED)]
    _serve_versions(http_server, versions)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    (failed,) = first.digest.failures
    (failed_again,) = second.digest.failures
    assert "not a feed" in failed.problem
    assert (failed_again.problem, failed_again.advice) == (failed.problem, failed.advice)
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, '"page"']  # the second run was told "not modified": nothing parsed
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.consecutive_failures == 2 and record.etag is None

    versions.append(('"feed"', rss(item(1, NOW))))  # the publisher mends the feed
    third = build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert third.digest.failures == () and third.new_articles == 1
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.etag == '"feed"' and record.unreadable is None


def test_an_unreadable_body_is_read_again_after_a_day_or_by_another_digest(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_versions(http_server, [('"page"', PAGE_NOT_FEED)])
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    build(config, DAY, now=NOW)
    # a day on, it is read again in full (and judged again)
    later = NOW + dt.timedelta(hours=25)
    assert len(build(config, later.date(), now=later).digest.failures) == 1
    # a newer digest may read what an older one could not
    monkeypatch.setattr("digest.ingest.code_version", lambda: "an edited checkout")
    assert len(build(config, later.date(), now=later).digest.failures) == 1
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, None, None]


@pytest.mark.parametrize("validators", [False, True], ids=["same bytes", "304"])
def test_a_page_that_was_no_feed_is_read_at_once_when_made_kind_page(
    http_server: FixtureServer, tmp_path: Path, validators: bool
) -> None:
    # The feed kind's failure says: make it kind = "page". Done, the same page fetched again
    # (or "not modified") repeated that failure, unread, for a day: the page kind was not
    # what had judged it.
    page = (
        "<!doctype html><html><head><title>Pier reopens</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        "<h1>The old pier reopens to walkers</h1>"
        + "<p>The council reopened the old pier on Saturday after two winters of repairs to "
        "its timber deck, and the kiosk at its end will sell tea again from April.</p>"
        * 3
        + "</article></body></html>"
    )

    def answer(request: Recorded) -> Reply:
        if validators and request.headers.get("if-none-match") == '"p1"':
            return Reply(304)
        return Reply(200, page, {**HTML_PAGE, **({"ETag": '"p1"'} if validators else {})})

    http_server.route("/pier", answer)
    url = http_server.url("/pier")
    (failed,) = build(site(tmp_path, feed("Pier", url)), DAY, now=NOW).digest.failures
    assert "an HTML page" in failed.problem and 'kind = "page"' in failed.advice
    as_page = site(tmp_path, Source("Pier", "page", url))
    result = build(as_page, DAY, now=NOW + dt.timedelta(hours=1))
    assert result.digest.failures == () and result.new_articles == 1


def _json_feed() -> str:
    import json

    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Harbour",
        "items": [{
            "id": "1", "url": "https://harbour.example/1", "title": "Ferry timetable changes",
            "content_text": BODY, "date_published": (NOW - dt.timedelta(hours=1)).isoformat(),
        }],
    })  # fmt: skip


@pytest.mark.parametrize(
    ("whole", "cut", "problem"),
    [
        (_json_feed(), lambda body: body[: len(body) // 2], "truncated JSON"),
        # cut inside the prolog, before any element: nothing of it can be read
        (rss(item(1, NOW - dt.timedelta(hours=1))), lambda body: body[:30], "XML could not"),
        (_json_feed(), lambda body: "", "empty document"),
    ],
    ids=["json cut", "xml cut before its root", "empty"],
)
def test_a_cut_off_body_is_not_remembered_as_unreadable(
    http_server: FixtureServer,
    tmp_path: Path,
    whole: str,
    cut: Callable[[str], str],
    problem: str,
) -> None:
    served: list[str] = []

    def cut_once(request: Recorded) -> Reply:
        # the entity's own ETag on every answer, the first one cut off mid-way
        if request.headers.get("if-none-match") == '"v1"':
            served.append("304")
            return Reply(304)
        served.append("cut" if not served else "whole")
        body = cut(whole) if served[-1] == "cut" else whole
        kind = "application/feed+json" if whole.startswith("{") else "application/rss+xml"
        return Reply(200, body, {"Content-Type": kind, "ETag": '"v1"'})

    http_server.route("/feed", cut_once)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed")))
    first = build(config, DAY, now=NOW)
    (failed,) = first.digest.failures
    assert problem in failed.problem
    # the next run downloads it again, not "not modified" for a day
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert served == ["cut", "whole"]
    assert second.digest.failures == () and second.new_articles == 1


# --- a server that answers in full every time: the same bytes are not read again ---------------


class _Reads:
    """How many times the feed kind parsed a body: the real parse, counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from digest.sources.kinds.feed import FeedKind

        self.count = 0
        parse = FeedKind.parse

        def counted(kind: FeedKind, *args: object, **kwargs: object) -> object:
            self.count += 1
            return parse(kind, *args, **kwargs)

        monkeypatch.setattr(FeedKind, "parse", counted)


def _outcomes(config: Config, now: dt.datetime) -> tuple[object, list[str]]:
    said: list[str] = []
    result = build(config, DAY, now=now, progress=lambda name, done, total, how: said.append(how))
    return result, said


def test_a_body_fetched_in_full_again_unchanged_is_not_read_again(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no ETag, no Last-Modified: every request is answered in full
    body = [rss(item(1, NOW - dt.timedelta(hours=2)))]
    http_server.route("/feed.xml", lambda request: Reply(200, body[0], RSS))
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    reads = _Reads(monkeypatch)
    first = build(config, DAY, now=NOW)
    second, said = _outcomes(config, NOW + dt.timedelta(hours=1))
    assert (first.new_articles, second.new_articles, reads.count) == (1, 0, 1)
    assert said == ["not_modified"] and len(second.digest.stories) == 1
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.consecutive_failures == 0 and record.items == 1
        assert record.last_success == NOW + dt.timedelta(hours=1)
        assert record.title == "Harbour News"  # the title the read gave stands

    body[0] = rss(item(2, NOW - dt.timedelta(minutes=30)), item(1, NOW - dt.timedelta(hours=2)))
    third, said = _outcomes(config, NOW + dt.timedelta(hours=2))
    assert (third.new_articles, reads.count, said) == (1, 2, ["ok"])
    assert len(http_server.requests_to("/feed.xml")) == 3  # every run downloads it


def test_the_same_bytes_from_another_address_or_typed_otherwise_are_read_again(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a read gives depends on more than the bytes: the address they came from (what a
    # relative link resolves against) and their Content-Type (whose charset decodes them).
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        f"<item><title>Pier works</title><link>story/1</link><pubDate>"
        f"{format_datetime(NOW - dt.timedelta(hours=1))}</pubDate><description>"
        f"{escape(BODY.format(weekday='Monday', thing='pier'))}</description></item>"
        "</channel></rss>"
    )
    where = ["/a/feed.xml"]
    http_server.route("/feed.xml", lambda request: Reply(302, headers={"Location": where[0]}))
    for path in ("/a/feed.xml", "/b/feed.xml"):
        http_server.route(path, body=body, headers=RSS)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    reads = _Reads(monkeypatch)
    assert build(config, DAY, now=NOW).new_articles == 1
    where[0] = "/b/feed.xml"  # the same bytes, moved: its link is another page's now
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert reads.count == 2 and second.new_articles == 1
    urls = {a.url for s in second.digest.stories for a in s.articles}
    assert urls == {http_server.url("/a/story/1"), http_server.url("/b/story/1")}
    # the same bytes, from the same address, given another charset
    http_server.route("/b/feed.xml", body=body, headers={**RSS, "Content-Type": "text/xml"})
    build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert reads.count == 3
    build(config, DAY, now=NOW + dt.timedelta(hours=3))
    assert reads.count == 3  # and then unchanged


def test_the_same_bytes_for_a_source_set_otherwise_since_or_another_digest_are_read_again(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = rss(*(item(n, NOW - dt.timedelta(hours=n)) for n in (1, 2, 3)))
    http_server.route("/feed.xml", body=body, headers=RSS)  # the same bytes, no validators
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml"), max_items=1))
    reads = _Reads(monkeypatch)
    assert build(config, DAY, now=NOW).new_articles == 1
    assert build(config, DAY, now=NOW + dt.timedelta(hours=1)).new_articles == 0
    assert reads.count == 1
    more = dataclasses.replace(config, sources=(feed("Harbour", http_server.url("/feed.xml")),))
    assert build(more, DAY, now=NOW + dt.timedelta(hours=2)).new_articles == 2  # read again
    assert reads.count == 2
    # and by another digest (an upgrade, an edit of a checkout), which may read more in them
    monkeypatch.setattr("digest.ingest.code_version", lambda: "an upgraded digest")
    build(more, DAY, now=NOW + dt.timedelta(hours=3))
    assert reads.count == 3


def test_a_source_read_with_other_settings_since_sends_no_validators(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A "304 Not Modified" says the document is the same, not that reading it would give
    # the same: raising max_items, or another digest, may read more in it.
    body = rss(*(item(n, NOW - dt.timedelta(hours=n)) for n in (1, 2, 3)))

    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, body, {**RSS, "ETag": '"v1"'})

    http_server.route("/feed.xml", conditional)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml"), max_items=1))
    assert build(config, DAY, now=NOW).new_articles == 1
    assert build(config, DAY, now=NOW + dt.timedelta(hours=1)).new_articles == 0
    more = dataclasses.replace(config, sources=(feed("Harbour", http_server.url("/feed.xml")),))
    assert build(more, DAY, now=NOW + dt.timedelta(hours=2)).new_articles == 2
    assert build(more, DAY, now=NOW + dt.timedelta(hours=3)).new_articles == 0
    monkeypatch.setattr("digest.ingest.code_version", lambda: "an upgraded digest")
    build(more, DAY, now=NOW + dt.timedelta(hours=4))
    build(more, DAY, now=NOW + dt.timedelta(hours=5))
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, '"v1"', None, '"v1"', None, '"v1"']


def test_an_unchanged_body_is_read_again_the_day_an_entry_it_held_is_due(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    body = rss(raw_item("Tomorrow's story", guid="t-1", when=NOW + dt.timedelta(days=1)))
    http_server.route("/feed.xml", body=body, headers=RSS)  # the same bytes, no validators
    config = site(tmp_path, feed("News", http_server.url("/feed.xml")), first_run_hours=0)
    assert build(config, DAY, now=NOW).digest.stories == ()
    assert build(config, DAY, now=NOW + dt.timedelta(hours=1)).digest.stories == ()
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert [s.headline for s in later.digest.stories] == ["Tomorrow's story"]


def test_an_unreadable_body_fetched_in_full_again_is_not_parsed_again(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = [PAGE_NOT_FEED]
    http_server.route("/feed.xml", lambda request: Reply(200, body[0], HTML_PAGE))
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    reads = _Reads(monkeypatch)
    (failed,) = build(config, DAY, now=NOW).digest.failures
    second, said = _outcomes(config, NOW + dt.timedelta(hours=1))
    (failed_again,) = second.digest.failures
    assert (failed_again.problem, failed_again.advice) == (failed.problem, failed.advice)
    assert "not a feed" in failed.problem and reads.count == 1 and said == ["not_modified"]
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.consecutive_failures == 2
        assert record.unreadable is not None and record.unreadable["body_hash"]

    body[0] = rss(item(1, NOW - dt.timedelta(hours=1)))  # the publisher mends the feed
    third = build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert third.digest.failures == () and third.new_articles == 1 and reads.count == 2
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.unreadable is None and record.body_hash


def test_a_body_cut_off_the_same_way_again_fails_the_same_way_unparsed(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _json_feed()
    http_server.route(
        "/feed",
        body=whole[: len(whole) // 2],
        headers={"Content-Type": "application/feed+json", "ETag": '"v1"'},
    )
    config = site(tmp_path, feed("Harbour", http_server.url("/feed")))
    reads = _Reads(monkeypatch)
    (failed,) = build(config, DAY, now=NOW).digest.failures
    (failed_again,) = build(config, DAY, now=NOW + dt.timedelta(hours=1)).digest.failures
    assert "truncated JSON" in failed.problem and failed_again.problem == failed.problem
    assert reads.count == 1
    # (its ETag is not sent back: a "304" would not give the whole of it, were it cut on
    # its way; the bytes, fetched again, are compared)
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed")]
    assert sent == [None, None]


def test_a_parse_that_ran_out_of_memory_is_tried_again_on_the_same_bytes(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The machine's memory at the time, not the body: the same bytes may well read next run.
    # Remembered by their hash, the feed failed the same way, unparsed, for a day.
    from digest.sources import feeds

    http_server.route("/feed.xml", body=rss(item(1, NOW - dt.timedelta(hours=1))), headers=RSS)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    parse, short = feeds._parse, [True]

    def starved(*args: object, **kwargs: object) -> object:
        if short[0]:
            raise MemoryError
        return parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds, "_parse", starved)
    (failed,) = build(config, DAY, now=NOW).digest.failures
    assert "ran out of memory" in failed.problem
    short[0] = False
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert second.digest.failures == () and second.new_articles == 1


@pytest.mark.parametrize("validators", [False, True], ids=["same bytes", "304"])
def test_a_new_feed_an_earlier_days_build_held_whole_stays_new_while_it_comes_unchanged(
    http_server: FixtureServer, tmp_path: Path, validators: bool
) -> None:
    # A build of yesterday holds a new feed's undated entries for today, and leaves the feed
    # new (``SourceHealth.still_new``). Built again, the same bytes (or a "304 Not Modified")
    # settled it: today's build, its first that takes entries, showed its whole backlog.
    from digest.intake import FIRST_RUN_UNDATED

    items = [raw_item(f"Ferry timetable change {n}", guid=f"f-{n}") for n in range(8)]
    assert len(items) > FIRST_RUN_UNDATED

    def answer(request: Recorded) -> Reply:
        if validators and request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, rss(*items), {**RSS, **({"ETag": '"v1"'} if validators else {})})

    http_server.route("/feed.xml", answer)
    config = site(tmp_path, feed("Ferry", http_server.url("/feed.xml")))
    yesterday = DAY - dt.timedelta(days=1)
    assert build(config, yesterday, now=NOW).new_articles == 0
    assert build(config, yesterday, now=NOW + dt.timedelta(minutes=10)).new_articles == 0
    today = build(config, DAY, now=NOW + dt.timedelta(minutes=20))
    assert today.new_articles == FIRST_RUN_UNDATED


def test_permanent_redirect_updates_the_stored_url(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/old.xml", status=301, headers={"Location": http_server.url("/new.xml")})
    http_server.route("/new.xml", body=rss(item(1, NOW - dt.timedelta(hours=1))), headers=RSS)
    config = site(tmp_path, feed("Moved", http_server.url("/old.xml")))
    result = build(config, DAY, now=NOW)
    assert len(result.digest.stories) == 1
    assert any("moved permanently" in w for w in result.warnings)
    build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(http_server.requests_to("/old.xml")) == 1  # the second run went straight there
    assert len(http_server.requests_to("/new.xml")) == 2


def test_gone_source_is_disabled_and_not_fetched_again(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/gone.xml", status=410)
    config = site(tmp_path, feed("Gone", http_server.url("/gone.xml")))
    build(config, DAY, now=NOW)
    again = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(http_server.requests_to("/gone.xml")) == 1
    (failure,) = again.digest.failures
    assert failure.problem.startswith("disabled") and "sources remove" in failure.advice


def test_a_source_failing_for_days_is_flagged(http_server: FixtureServer, tmp_path: Path) -> None:
    http_server.route("/broken.xml", status=500)
    # Runs are counted, not the attempts within one: no retries, so no pauses.
    config = site(
        tmp_path,
        feed("Broken", http_server.url("/broken.xml")),
        fetch=dataclasses.replace(FAST, retries=0),
    )
    problems = []
    for offset in range(3):
        result = build(config, DAY + dt.timedelta(days=offset), now=NOW + dt.timedelta(days=offset))
        problems.append(result.digest.failures[0].problem)
    assert "runs in a row" not in problems[0]
    assert "failing for 3 runs in a row" in problems[2]


def test_a_source_failing_run_after_run_says_so_in_one_sentence(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    answers = iter([Reply(200, rss(item(1, NOW - dt.timedelta(hours=1))), RSS)])
    http_server.route("/flaky.xml", lambda request: next(answers, Reply(500, "oops")))
    (tmp_path / "feeds").mkdir()  # a folder where a feed file was meant
    config = site(
        tmp_path,
        feed("Flaky", http_server.url("/flaky.xml")),
        Source(name="Folder", kind="feed", location=str(tmp_path / "feeds")),
        fetch=dataclasses.replace(FAST, retries=0),
    )
    for offset in range(4):  # Flaky is read on the first day, then fails three in a row
        when = dt.timedelta(days=offset)
        result = build(config, DAY + when, now=NOW + when)
    flaky, folder = sorted(result.digest.failures, key=lambda f: f.source)
    assert flaky.problem == (
        "HTTP 500 Internal Server Error; failing for 3 runs in a row, last success 2026-11-21"
    )
    # A problem that ends in parentheses is not followed by more of them.
    assert folder.problem == (
        f"cannot read {tmp_path / 'feeds'} (Is a directory); failing for 4 runs in a row, "
        "never read successfully"
    )
    # one that has never worked is most often a wrong address: the advice says what to do
    assert 'digest sources remove "Folder"' in folder.advice and "(" not in folder.advice
    assert "digest sources remove" not in flaky.advice  # it has worked: a bad day, likely


def test_first_run_takes_only_the_recent_window(http_server: FixtureServer, tmp_path: Path) -> None:
    items = [item(n, NOW - dt.timedelta(days=n, hours=1)) for n in range(10)]  # one a day
    http_server.route("/feed.xml", body=rss(*items), headers=RSS)
    config = site(tmp_path, feed("Backlog", http_server.url("/feed.xml")))
    result = build(config, DAY, now=NOW)
    assert story_titles(result) == {"Story number 0 about the harbour"}
    # the backlog is remembered as skipped: it never surfaces on a later day either
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert later.digest.stories == ()


def test_three_daily_builds_show_every_item_exactly_once(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """The feed adds items, reorders them, republishes one and switches links to https."""
    day1 = NOW - dt.timedelta(hours=3)
    versions = [
        rss(item(1, day1, link_scheme="http", guid=False), item(2, day1)),
        # day 2: new item 3; items reordered; item 1's link now https (same story)
        rss(
            item(2, day1),
            item(3, day1 + dt.timedelta(days=1)),
            item(1, day1, link_scheme="https", guid=False),
        ),
        # day 3: new item 4; item 2 republished with a new date
        rss(
            item(4, day1 + dt.timedelta(days=2)),
            item(2, day1 + dt.timedelta(days=2)),
            item(3, day1 + dt.timedelta(days=1)),
        ),
    ]
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    shown: list[set[str]] = []
    for offset, version in enumerate(versions):
        http_server.route("/feed.xml", body=version, headers=RSS)
        when = NOW + dt.timedelta(days=offset)
        result = build(config, DAY + dt.timedelta(days=offset), now=when)
        shown.append({title.split()[2] for title in story_titles(result)})
    assert shown == [{"1", "2"}, {"3"}, {"4"}]


def article_page(title: str, paragraphs: int, head: str = "") -> str:
    """An article page as a news site serves it, with ``paragraphs`` distinct paragraphs."""
    body = "".join(
        f"<p>Paragraph {n} of the full report explains what the council decided about the "
        f"harbour, and why the vote was so close this time.</p>"
        for n in range(1, paragraphs + 1)
    )
    return (
        f"<html><head><title>{title}</title><meta property='og:type' content='article'>{head}"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def test_teaser_entries_get_the_full_text_from_the_article_page(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route(
        "/story/1",
        body=article_page("Council votes on harbour", 8),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    teaser = (
        "<item><title>Council votes on harbour</title>"
        f"<link>{http_server.url('/story/1')}</link><guid>c-1</guid>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=1))}</pubDate>"
        "<description>The council voted on the harbour plan… Continue reading</description>"
        "</item>"
    )
    http_server.route("/feed.xml", body=rss(teaser), headers=RSS)
    config = site(tmp_path, feed("Council", http_server.url("/feed.xml")))
    result = build(config, DAY, now=NOW)
    (story,) = result.digest.stories
    assert story.summary[0].text.startswith("Paragraph 1 of the full report")
    assert len(story.lead.paragraphs) == 8
    # a rerun does not fetch the page again: the entry is known
    build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(http_server.requests_to("/story/1")) == 1


# A Mastodon account's page is an app shell: nothing a reader of the post would want.
APP_SHELL = (
    "<html><head><title>Mastodon</title></head><body><div id='mastodon'><noscript>To use "
    "the Mastodon web application, please enable JavaScript.</noscript></div></body></html>"
)


def test_untitled_short_posts_are_whole_and_their_pages_are_not_fetched(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # A Mastodon account's RSS: no titles, each post whole in its description, hashtags on a
    # line of their own; one post cut short says so with its ellipsis.
    posts = [
        "<p>Great turnout at the bike kitchen tonight, thirty people fixed their brakes.</p>"
        "<p><a href='https://example.social/tags/Leith' class='mention hashtag' rel='tag'>"
        "#<span>Leith</span></a></p>",
        "<p>Roadworks on Great Junction Street mean the painted lane is closed until March; "
        "take Ferry Road instead.</p>",
        "<p>The longer thread on the new junction layout starts here and goes on…</p>",
    ]
    items = "".join(
        f"<item><link>{http_server.url(f'/@leith/{n}')}</link><guid>{n}</guid>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=n + 1))}</pubDate>"
        f"<description>{escape(post)}</description></item>"
        for n, post in enumerate(posts)
    )
    for n in range(len(posts)):
        http_server.route(f"/@leith/{n}", body=APP_SHELL, headers=HTML_PAGE)
    http_server.route("/feed.xml", body=rss(items, title="Leith Cycles"), headers=RSS)
    result = build(site(tmp_path, feed("Leith", http_server.url("/feed.xml"))), DAY, now=NOW)
    assert len(result.digest.stories) == 3
    assert [len(http_server.requests_to(f"/@leith/{n}")) for n in range(3)] == [0, 0, 1]
    # the cut post's page was asked for; it holds nothing, so its own text stands
    assert [p.url for p in result.unread_pages] == [http_server.url("/@leith/2")]
    kitchen = next(s for s in result.digest.stories if "kitchen" in s.headline)
    # the post as the feed gave it, its hashtag line kept in the text, out of its headline
    assert [p.text for p in kitchen.lead.paragraphs][-1] == "#Leith"
    assert kitchen.headline == (
        "Great turnout at the bike kitchen tonight, thirty people fixed their brakes"
    )


def test_short_posts_titled_by_their_first_words_read_as_whole_posts(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # A Twitter bridge's RSS (Nitter's): each item's title is the post's first words cut
    # short, its description the whole post; its page is an app shell.
    posts = [
        "Bin collections in Leith and Newhaven are running a day late this week after the storm "
        "brought down trees on Salamander Street; crews expect to catch up by Saturday.",
        "The Ferry Road consultation closes on Friday at 5pm. We have had more than 2,000 "
        "responses so far, thank you to everyone who took part.",
    ]
    items = "".join(
        f"<item><title>{escape(post[:80].rstrip() + '…')}</title>"
        f"<link>{http_server.url(f'/leithcouncil/status/{n}')}</link><guid>{n}</guid>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=n + 1))}</pubDate>"
        f"<description>{escape(f'<p>{post}</p>')}</description></item>"
        for n, post in enumerate(posts)
    )
    for n in range(len(posts)):
        http_server.route(f"/leithcouncil/status/{n}", body=APP_SHELL, headers=HTML_PAGE)
    http_server.route("/rss", body=rss(items, title="Leith Council / @leithcouncil"), headers=RSS)
    result = build(site(tmp_path, feed("Leith Council", http_server.url("/rss"))), DAY, now=NOW)
    assert [len(http_server.requests_to(f"/leithcouncil/status/{n}")) for n in range(2)] == [0, 0]
    bins, consultation = sorted(result.digest.stories, key=lambda s: s.lead.key)
    # the headline is made from the post's lead, whole clauses, not its title cut short
    assert bins.headline == (
        "Bin collections in Leith and Newhaven are running a day late this week"
    )
    assert consultation.headline == "The Ferry Road consultation closes on Friday at 5pm"
    assert consultation.lead.title_derived
    # and the post is its summary, whole, once
    assert " ".join(consultation.lead.summary) == posts[1]


ATOM = {"Content-Type": "application/atom+xml; charset=utf-8"}


def test_a_release_feeds_versions_read_with_their_projects_name_and_first_note(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # A forge's feed of releases, its source left unnamed: the feed's title is "Release notes
    # from trailmap", each entry's title only its tag, and its notes a list, in plain text or
    # as lines of HTML; their first line ends no sentence.
    notes = [
        ("text", "- Fixed crash when a route crosses the date line\n"
         "* Added a compass to the map screen.\n- Faster start-up on older phones."),
        ("html", "<p>- Dropped the old tile server<br>- Tiles now load over HTTPS.</p>"),
    ]  # fmt: skip
    tags = ["v2.4.0", "2.5.0 RC1"]
    entries = "".join(
        f"<entry><id>tag:forge.example.org,2008:Repository/7/{tag}</id><title>{tag}</title>"
        f"<updated>{(NOW - dt.timedelta(hours=n + 1)).isoformat()}</updated>"
        f"<link rel='alternate' href='{http_server.url(f'/acme/trailmap/releases/{n}')}'/>"
        f"<content type='{kind}'>{escape(text)}</content></entry>"
        for n, (tag, (kind, text)) in enumerate(zip(tags, notes, strict=True))
    )
    http_server.route(
        "/acme/trailmap/releases.atom",
        body=(
            "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<id>tag:forge.example.org,2008:/acme/trailmap/releases</id>"
            f"<title>Release notes from trailmap</title><updated>{NOW.isoformat()}</updated>"
            f"{entries}</feed>"
        ),
        headers=ATOM,
    )
    unnamed = Source(
        name="127.0.0.1",
        kind="feed",
        location=http_server.url("/acme/trailmap/releases.atom"),
        named=False,
    )
    result = build(site(tmp_path, unnamed), DAY, now=NOW)
    stories = {s.lead.key.rsplit("/", 1)[-1]: s for s in result.digest.stories}
    assert {s.headline for s in stories.values()} == {"trailmap: v2.4.0", "trailmap: 2.5.0 RC1"}
    assert all(s.sources == ("Release notes from trailmap",) for s in stories.values())
    # the notes' first line leads their summary, without its bullet
    assert stories["v2.4.0"].lead.summary == (
        "Fixed crash when a route crosses the date line.",
        "Added a compass to the map screen.",
        "Faster start-up on older phones.",
    )
    assert stories["2.5.0 RC1"].lead.summary == (
        "Dropped the old tile server.",
        "Tiles now load over HTTPS.",
    )


@pytest.mark.parametrize("kind", ["feed", "page"])
def test_local_feed_file_and_local_page(tmp_path: Path, kind: str) -> None:
    path = tmp_path / ("feed.xml" if kind == "feed" else "page.html")
    if kind == "feed":
        path.write_text(rss(item(7, NOW - dt.timedelta(hours=1))), encoding="utf-8")
    else:
        path.write_text(
            "<html><head><title>Harbour</title><meta property='og:type' content='article'>"
            "</head><body><article><h1>Harbour works finish</h1>"
            + "<p>The harbour works finished on time, the authority said on Monday, and the "
            "ferry will return to its old berth next week.</p>" * 4 + "</article></body></html>",
            encoding="utf-8",
        )
    config = site(tmp_path, Source("Local", kind, str(path)))  # type: ignore[arg-type]
    result = build(config, DAY, now=NOW)
    assert len(result.digest.stories) == 1, result.digest.failures


def raw_item(
    title: str, *, guid: str | None = None, link: str | None = None, when: dt.datetime | None = None
) -> str:
    return (
        f"<item><title>{title}</title>"
        + (f"<link>{link}</link>" if link else "")
        + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "")
        + f"<description>{escape(BODY.format(weekday='Friday', thing=title))}</description>"
        + "</item>"
    )


def test_local_guids_do_not_collide_across_feeds_but_the_same_url_is_one_story(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    when = NOW - dt.timedelta(hours=1)
    http_server.route(
        "/d.xml", body=rss(raw_item("Dock story", guid="123", when=when)), headers=RSS
    )
    http_server.route(
        "/e.xml", body=rss(raw_item("Estuary story", guid="123", when=when)), headers=RSS
    )
    shared = "http://news.example.org/same-story"
    http_server.route(
        "/f.xml",
        body=rss(raw_item("Same story", guid=shared.replace("http:", "https:"), when=when)),
        headers=RSS,
    )
    http_server.route(
        "/g.xml", body=rss(raw_item("Same story", link=shared, when=when)), headers=RSS
    )
    config = site(
        tmp_path,
        *(feed(name, http_server.url(f"/{name.lower()}.xml")) for name in "DEFG"),
    )
    titles = [s.headline for s in build(config, DAY, now=NOW).digest.stories]
    assert sorted(titles) == ["Dock story", "Estuary story", "Same story"]


def test_an_entry_held_for_a_later_day_is_not_hidden_by_a_304(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    body = rss(raw_item("Tomorrow's story", guid="t-1", when=NOW + dt.timedelta(days=1)))

    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, body, {**RSS, "ETag": '"v1"'})

    http_server.route("/feed.xml", conditional)
    config = site(tmp_path, feed("News", http_server.url("/feed.xml")), first_run_hours=0)
    assert build(config, DAY, now=NOW).digest.stories == ()
    # until the entry is due, an unchanged feed costs a 304, not a download and a parse
    assert build(config, DAY, now=NOW + dt.timedelta(hours=1)).digest.stories == ()
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert [s.headline for s in later.digest.stories] == ["Tomorrow's story"]
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, '"v1"', None]  # the day it is due, read in full
    with State.open(config.state) as state:
        record = state.source("News")
        assert record is not None and record.etag == '"v1"' and record.held_until is None


def test_a_later_entry_still_held_keeps_its_due_time_through_a_304_and_a_change(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    in_two_days = raw_item("Story in two days", guid="t-2", when=NOW + dt.timedelta(days=2))
    tomorrow = raw_item("Tomorrow's story", guid="t-1", when=NOW + dt.timedelta(days=1))
    bodies = {'"v1"': rss(in_two_days), '"v2"': rss(tomorrow, in_two_days)}
    current = ['"v1"']

    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == current[0]:
            return Reply(304)
        return Reply(200, bodies[current[0]], {**RSS, "ETag": current[0]})

    http_server.route("/feed.xml", conditional)
    config = site(tmp_path, feed("News", http_server.url("/feed.xml")), first_run_hours=0)

    def held_until() -> dt.datetime | None:
        with State.open(config.state) as state:
            record = state.source("News")
            assert record is not None
            return record.held_until

    build(config, DAY, now=NOW)
    assert held_until() == NOW + dt.timedelta(days=2)
    build(config, DAY, now=NOW + dt.timedelta(hours=1))  # 304: the same entry is still held
    assert held_until() == NOW + dt.timedelta(days=2)
    current[0] = '"v2"'  # the feed changes: an entry due sooner
    build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert held_until() == NOW + dt.timedelta(days=1)
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert [s.headline for s in later.digest.stories] == ["Tomorrow's story"]
    assert held_until() == NOW + dt.timedelta(days=2)
    last = build(config, DAY + dt.timedelta(days=2), now=NOW + dt.timedelta(days=2))
    assert [s.headline for s in last.digest.stories] == ["Story in two days"]
    assert held_until() is None
    sent = [r.headers.get("if-none-match") for r in http_server.requests_to("/feed.xml")]
    assert sent == [None, '"v1"', '"v1"', None, None]


def test_a_new_feed_of_undated_entries_takes_only_a_few(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    items = [raw_item(f"Undated {n}", guid=f"u-{n}") for n in range(40)]
    http_server.route("/feed.xml", body=rss(*items), headers=RSS)
    config = site(tmp_path, feed("Undated", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    assert [s.lead.title for s in first.digest.stories] == [f"Undated {n}" for n in range(5)]
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert later.digest.stories == ()  # the other 35 were remembered as backlog


def test_rebuilding_the_day_keeps_the_full_text_fetched_earlier(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    page = "".join(
        f"<p>Paragraph {n} of the council report on the harbour vote.</p>" * 2 for n in range(1, 6)
    )
    http_server.route(
        "/story/9",
        body=f"<html><head><title>Vote</title><meta property='og:type' "
        f"content='article'></head><body><article><h1>Vote</h1>{page}</article>"
        "</body></html>",
        headers={"Content-Type": "text/html"},
    )
    teaser = raw_item(
        "Vote", guid="v-9", link=http_server.url("/story/9"), when=NOW - dt.timedelta(hours=1)
    ).replace("</description>", " Continue reading</description>")
    http_server.route("/feed.xml", body=rss(teaser), headers=RSS)  # no ETag: always 200
    config = site(tmp_path, feed("Council", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    again = build(config, DAY, now=NOW + dt.timedelta(hours=6))
    assert len(first.digest.stories[0].lead.paragraphs) > 3
    assert again.digest.stories[0].lead.paragraphs == first.digest.stories[0].lead.paragraphs


def test_full_text_is_fetched_only_for_entries_going_into_the_digest(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    article = (
        "<html><head><title>Story</title><meta property='og:type' content='article'></head>"
        "<body><article><h1>Story</h1>"
        + "".join(
            f"<p>The full report on the harbour vote, part {n}, weighs what the council "
            f"decided and why the count was so close this time.</p>"
            for n in range(1, 7)
        )
        + "</article></body></html>"
    )
    for number in (1, 2, 3):
        http_server.route(f"/story/{number}", body=article, headers={"Content-Type": "text/html"})

    def teaser(number: int, when: dt.datetime) -> str:
        return raw_item(
            f"Teaser {number}", guid=f"t-{number}", link=http_server.url(f"/story/{number}"),
            when=when,
        ).replace("</description>", " Continue reading</description>")  # fmt: skip

    http_server.route(
        "/feed.xml",
        body=rss(
            teaser(1, NOW - dt.timedelta(hours=1)),  # recent: shown today
            teaser(2, NOW - dt.timedelta(days=30)),  # old backlog of a new feed: never shown
            teaser(3, NOW + dt.timedelta(days=1)),  # dated tomorrow: held for that day
        ),
        headers=RSS,
    )
    config = site(tmp_path, feed("Council", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    assert [s.lead.title for s in first.digest.stories] == ["Teaser 1"]
    assert first.digest.stories[0].summary[0].text.startswith("The full report")
    fetched = {n: len(http_server.requests_to(f"/story/{n}")) for n in (1, 2, 3)}
    assert fetched == {1: 1, 2: 0, 3: 0}

    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert [s.lead.title for s in later.digest.stories] == ["Teaser 3"]
    assert later.digest.stories[0].summary[0].text.startswith("The full report")
    fetched = {n: len(http_server.requests_to(f"/story/{n}")) for n in (1, 2, 3)}
    assert fetched == {1: 1, 2: 0, 3: 1}


def test_a_page_source_is_decoded_by_its_http_charset(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    sentence = "Городской совет утвердил новый план гавани после долгих споров о цене"
    body = (
        "<html><head><title>Гавань</title><meta property='og:type' content='article'></head>"
        "<body><article><h1>Совет утвердил план гавани</h1>"
        + "".join(f"<p>{sentence}, часть {n}.</p>" for n in range(1, 6))
        + "</article></body></html>"
    )
    http_server.route(
        "/story",
        body=body.encode("windows-1251"),
        headers={"Content-Type": "text/html; charset=windows-1251"},
    )
    config = site(tmp_path, Source("Гавань", "page", http_server.url("/story")))
    (story,) = build(config, DAY, now=NOW).digest.stories
    assert story.headline == "Совет утвердил план гавани"
    assert story.summary[0].text.startswith(sentence)


def test_an_undated_teaser_takes_the_date_its_article_page_gives(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    published = "<meta property='article:published_time' content='2026-11-21T05:00:00Z'>"
    http_server.route(
        "/story/5",
        body=article_page("Harbour vote", 6, head=published),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    http_server.route(
        "/story/6",
        body=(
            "<html><body><article><h1>Ferry</h1>"
            + "".join(
                f"<p>Part {n}: the ferry returns to its old berth next week, the operator said, "
                "once the new ramp has passed its safety checks.</p>"
                for n in range(1, 7)
            )
            + "</article></body></html>"
        ),
        headers={"Content-Type": "text/html"},
    )
    undated = [
        raw_item(title, guid=guid, link=http_server.url(path)).replace(
            "</description>", " Continue reading</description>"
        )
        for title, guid, path in [("Harbour vote", "h-5", "/story/5"), ("Ferry", "h-6", "/story/6")]
    ]
    http_server.route("/feed.xml", body=rss(*undated), headers=RSS)
    config = site(tmp_path, feed("Council", http_server.url("/feed.xml")))
    result = build(config, DAY, now=NOW)
    leads = {s.lead.title: s.lead for s in result.digest.stories}
    assert [len(leads[t].paragraphs) for t in ("Harbour vote", "Ferry")] == [6, 6]  # full text
    # the page's own date, not the time of the build that first saw the entry
    assert leads["Harbour vote"].published == dt.datetime(2026, 11, 21, 5, 0, tzinfo=dt.UTC)
    # a page without a date leaves the first-seen time
    assert leads["Ferry"].published == NOW
    assert [len(http_server.requests_to(f"/story/{n}")) for n in (5, 6)] == [1, 1]


@pytest.mark.parametrize(
    "first_answer",
    [
        Reply(200, "<html><body><h1>503 Service Unavailable</h1></body></html>", RSS),
        Reply(200, rss(), RSS),  # a valid feed with no entries yet
    ],
    ids=["error-page", "empty-feed"],
)
def test_a_failed_or_empty_first_read_keeps_the_first_run_window(
    http_server: FixtureServer, tmp_path: Path, first_answer: Reply
) -> None:
    http_server.route("/feed.xml", first_answer)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    assert build(config, DAY, now=NOW).digest.stories == ()

    backlog = [item(n, NOW - dt.timedelta(days=30 + n)) for n in (1, 2, 3)]
    http_server.route("/feed.xml", body=rss(item(9, NOW), *backlog), headers=RSS)
    later = NOW + dt.timedelta(hours=2)
    shown = story_titles(build(config, DAY, now=later))
    assert shown == {"Story number 9 about the harbour"}


def test_a_source_moved_to_a_new_address_gets_a_first_run_window(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/old.xml", body=rss(item(1, NOW - dt.timedelta(hours=1))), headers=RSS)
    build(site(tmp_path, feed("Harbour", http_server.url("/old.xml"))), DAY, now=NOW)
    backlog = [item(n, NOW - dt.timedelta(days=30 + n)) for n in (2, 3)]
    http_server.route("/new.xml", body=rss(item(4, NOW), *backlog), headers=RSS)
    moved = site(tmp_path, feed("Harbour", http_server.url("/new.xml")))
    shown = story_titles(build(moved, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1)))
    assert shown == {"Story number 4 about the harbour"}


def test_one_article_carried_by_two_feeds_under_its_tag_id_is_one_story(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    when = NOW - dt.timedelta(hours=1)
    original = raw_item("Harbour reopens", guid="tag:news.example.org,2026:1", when=when)
    http_server.route(
        "/origin.xml",
        body=rss(original.replace("</item>", "<link>http://news.example.org/s1</link></item>")),
        headers=RSS,
    )
    planet = original.replace(
        "</item>", "<link>https://news.example.org/s1?utm_source=planet</link></item>"
    )
    http_server.route("/planet.xml", body=rss(planet), headers=RSS)
    config = site(
        tmp_path,
        feed("Origin", http_server.url("/origin.xml")),
        feed("Planet", http_server.url("/planet.xml")),
    )
    (story,) = build(config, DAY, now=NOW).digest.stories
    assert story.headline == "Harbour reopens"


def test_an_article_a_feed_and_a_local_file_both_bring_counts_for_the_first_in_config_order(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # Local sources are read before the remote ones are fetched; which of two sources an
    # article counts for is still the config's order, not the order they were read in.
    when = NOW - dt.timedelta(hours=1)
    body = rss(raw_item("Harbour reopens", guid="tag:news.example.org,2026:1", when=when))
    http_server.route("/origin.xml", body=body, headers=RSS)
    mirror = tmp_path / "mirror.xml"
    mirror.write_text(body, encoding="utf-8")
    config = site(
        tmp_path,
        feed("Origin", http_server.url("/origin.xml"), category="Harbour"),
        feed("Mirror", str(mirror), category="Elsewhere"),
    )
    (story,) = build(config, DAY, now=NOW).digest.stories
    assert [(a.origin, a.category) for a in story.reports] == [("Origin", "Harbour")]
    with State.open(config.state) as state:
        stored = state._db.execute("SELECT source FROM entries").fetchall()
    assert stored == [("Origin",)]


# --- what every source has (category, max_items), applied by ingest alike for every kind ------

CORPUS = Path(__file__).parent / "fixtures" / "feeds"
ARTICLE_TEXT = (
    "The regional rail operator said on Monday that services between the two cities would "
    "resume next week.\n\nEngineers have replaced a damaged bridge section."
)


def collected(tmp_path: Path, *sources: Source) -> Collected:
    with State.open(tmp_path / "state.sqlite") as state:
        return collect(sources, state, NOW, fetch_config=FAST)


def test_max_items_is_respected(tmp_path: Path) -> None:
    limited = feed("s", str(CORPUS / "kagisearch+fastfeedparser/960551eca5b5db81"), max_items=3)
    assert len(collected(tmp_path, limited).articles) == 3


def test_max_items_keeps_the_newest_of_a_feed_listed_oldest_first(tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>e{n}</title><link>http://example.org/{n}</link>"
        f"<pubDate>{day:02d} Nov 2026 08:00:00 GMT</pubDate></item>"
        for n, day in ((1, 1), (2, 5), (3, 9), (4, 13))
    )
    path = tmp_path / "feed.xml"
    path.write_text(f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>')
    limited = feed("s", str(path), max_items=2)
    assert [a.title for a in collected(tmp_path, limited).articles] == ["e3", "e4"]


def test_max_items_keeps_the_newest_files_of_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(5):
        path = folder / f"{number}.txt"
        path.write_text(f"Story {number}\n{ARTICLE_TEXT}", encoding="utf-8")
        stamp = dt.datetime(2026, 11, 10 + number, tzinfo=dt.UTC).timestamp()
        os.utime(path, (stamp, stamp))
    result = collected(tmp_path, Source("local", "folder", str(folder), max_items=2))
    assert sorted(a.title for a in result.articles) == ["Story 3", "Story 4"]
    assert [h.items for h in result.health] == [2]


def test_every_kind_s_articles_carry_their_source_s_category(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    recent = NOW - dt.timedelta(hours=1)
    http_server.route("/feed.xml", body=rss(item(1, recent), item(2, recent)), headers=RSS)
    http_server.route(
        "/story.html", body=article_page("Council votes", 6), headers={"Content-Type": "text/html"}
    )
    (tmp_path / "feed.xml").write_text(rss(item(3, recent)), encoding="utf-8")
    (tmp_path / "page.html").write_text(article_page("Ferry returns", 6), encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    sources = [
        feed("Remote feed", http_server.url("/feed.xml"), category="News/World"),
        Source("Remote page", "page", http_server.url("/story.html"), category="News"),
        feed("Local feed", str(tmp_path / "feed.xml"), category="Local/Feeds"),
        Source("Local page", "page", str(tmp_path / "page.html"), category="Local"),
        Source("Notes", "folder", str(tmp_path / "notes"), category="Notes"),
        feed("Plain", str(tmp_path / "feed.xml")),  # no category: none is made up
    ]
    result = collected(tmp_path, *sources)
    assert result.failures == ()
    by_source: dict[str, set[str | None]] = {}
    for article in result.articles:
        by_source.setdefault(article.source, set()).add(article.category)
    assert by_source == {
        "Remote feed": {"News/World"},
        "Remote page": {"News"},
        "Local feed": {"Local/Feeds"},
        "Local page": {"Local"},
        "Notes": {"Notes"},  # a file shows the name the config gives its folder
        "Plain": {None},
    }
    assert len(result.articles) == 7


def test_a_source_of_an_unknown_kind_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(rss(item(3, NOW)), encoding="utf-8")
    result = collected(
        tmp_path,
        Source("Odd", "blog", str(tmp_path / "feed.xml")),
        feed("Fine", str(tmp_path / "feed.xml")),
    )
    (failure,) = result.failures
    assert (failure.source, failure.problem) == ("Odd", "unknown kind of source 'blog'")
    assert '"feed"' in failure.advice
    assert [a.source for a in result.articles] == ["Fine"]


def test_a_bug_taking_one_source_s_articles_fails_that_source_alone_wherever_it_is_read(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A source fetched over the web is taken for the day under a net (in a worker, or in the
    # build): a bug met there fails that source alone. One read from a file must too.
    from digest import intake

    take = intake.take

    def odd(source: Source, *args: object, **kwargs: object) -> object:
        if source.name.startswith("Odd"):
            raise RuntimeError("a bug met taking the day's articles")
        return take(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "take", odd)
    (tmp_path / "a.xml").write_text(rss(item(1, NOW - dt.timedelta(hours=1))), encoding="utf-8")
    (tmp_path / "b.xml").write_text(rss(item(2, NOW - dt.timedelta(hours=2))), encoding="utf-8")
    http_server.route("/c.xml", body=rss(item(3, NOW - dt.timedelta(hours=3))), headers=RSS)
    config = site(
        tmp_path,
        feed("Odd file", str(tmp_path / "a.xml")),
        feed("Fine file", str(tmp_path / "b.xml")),
        feed("Odd feed", http_server.url("/c.xml")),
    )
    result = build(config, DAY, now=NOW)
    assert story_titles(result) == {"Story number 2 about the harbour"}
    assert sorted((f.source, f.problem) for f in result.failures) == [
        ("Odd feed", "unexpected error: RuntimeError: a bug met taking the day's articles"),
        ("Odd file", "unexpected error: RuntimeError: a bug met taking the day's articles"),
    ]


def test_only_new_sources_of_kinds_with_a_backlog_get_the_first_run_window(
    tmp_path: Path,
) -> None:
    (tmp_path / "feed.xml").write_text(rss(item(3, NOW)), encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text(ARTICLE_TEXT, encoding="utf-8")
    sources = (
        feed("Feed", str(tmp_path / "feed.xml")),
        Source("Notes", "folder", str(tmp_path / "notes")),
    )
    assert collected(tmp_path, *sources).backlog_sources == {"Feed"}
    build(site(tmp_path, *sources), DAY, now=NOW)
    assert collected(tmp_path, *sources).backlog_sources == set()  # read once: not new


def test_an_unnamed_feed_is_shown_by_its_own_title_and_kept_under_its_address(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    when = NOW - dt.timedelta(hours=1)
    http_server.route("/a.xml", body=rss(item(1, when), title="Harbour News"), headers=RSS)
    url = http_server.url("/a.xml")
    config = site(tmp_path, Source(urlsplit(url).netloc, "feed", url, named=False))
    result = build(config, DAY, now=NOW)
    (story,) = result.digest.stories
    assert story.lead.source == "Harbour News"  # what the reader sees
    assert story.lead.origin == urlsplit(url).netloc  # what its state is kept under
    assert story.lead.site == "https://news.example.org/"  # the feed's own home page
    with State.open(config.state) as state:
        assert state.source(urlsplit(url).netloc) is not None
        # ... kept with the article, for later builds of the day
        (stored,) = state.articles_for_day(DAY)
        assert stored.site == "https://news.example.org/"


def test_an_unnamed_feed_that_fails_is_listed_by_its_last_title_and_a_named_one_by_its_name(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """Its stories showed its title: so do the digest's failed sources, after a "304 Not
    Modified" too; a publisher's new title is taken up by the next read. A source given a
    name in the config is shown by that name, whatever its feed calls itself."""
    when = NOW - dt.timedelta(hours=1)
    headers = {**RSS, "ETag": '"v1"'}
    http_server.route("/a.xml", body=rss(item(1, when), title="Harbour News"), headers=headers)
    http_server.route("/b.xml", body=rss(item(2, when), title="Their Title"), headers=RSS)
    url, other = http_server.url("/a.xml"), http_server.url("/b.xml")
    made = urlsplit(url).netloc
    sources = (Source(made, "feed", url, named=False), feed("Chosen", other))
    config = site(tmp_path, *sources)
    build(config, DAY, now=NOW)
    http_server.route("/a.xml", status=304)  # nothing new: no document, no title read
    build(config, DAY, now=NOW + dt.timedelta(minutes=5))
    http_server.route("/a.xml", status=500)
    http_server.route("/b.xml", status=500)
    result = build(config, DAY, now=NOW + dt.timedelta(minutes=10))
    assert [f.source for f in result.digest.failures] == ["Harbour News", "Chosen"]
    with State.open(config.state) as state:  # kept under its made name all the while
        assert {r.name for r in state.sources()} == {made, "Chosen"}
    http_server.route("/a.xml", body=rss(item(3, when), title="Harbour Daily"), headers=RSS)
    build(config, DAY, now=NOW + dt.timedelta(minutes=15))
    http_server.route("/a.xml", status=500)
    result = build(config, DAY, now=NOW + dt.timedelta(minutes=20))
    assert [f.source for f in result.digest.failures] == ["Harbour Daily", "Chosen"]


def test_an_unnamed_feed_keeps_its_key_when_a_feed_of_its_site_is_added_or_removed(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """A feed the config leaves unnamed is kept under the name made from its address, its
    host alone while it is the site's only one. A second unnamed feed of the site makes both
    names longer (host/path): its key must not follow, or the feed is a new source again,
    and its entries (whose guids are unique only within their feed, so their keys hold the
    source's name) are shown a second time. Removing the other feed gives it back its
    name alike, without that either."""
    when = NOW - dt.timedelta(hours=1)
    http_server.route("/a.xml", body=rss(item(1, when), item(2, when)), headers=RSS)
    http_server.route("/b.xml", body=rss(item(3, when), title="Harbour Other"), headers=RSS)
    first, second = http_server.url("/a.xml"), http_server.url("/b.xml")
    host = urlsplit(first).netloc
    path = tmp_path / "digest.toml"

    def configure(*urls: str) -> Config:
        path.write_text("".join(f'[[sources]]\nurl = "{url}"\n' for url in urls))
        return dataclasses.replace(load_config(path), fetch=FAST, stories=ONE_STORY_PER_ARTICLE)

    build(configure(first), DAY, now=NOW)
    both = configure(first, second)
    assert [s.name for s in both.sources] == [host, f"{host}/b.xml"]
    build(both, DAY, now=NOW + dt.timedelta(minutes=10))
    alone = configure(second)
    assert [s.name for s in alone.sources] == [f"{host}/b.xml"]
    build(alone, DAY, now=NOW + dt.timedelta(minutes=20))
    with State.open(alone.state) as state:
        shown = sorted(article.title for article in state.articles_for_day(DAY))
        assert shown == [f"Story number {n} about the harbour" for n in (1, 2, 3)]
        assert {record.name for record in state.sources()} == {host, f"{host}/b.xml"}


def test_a_feed_that_retitles_itself_mid_day_is_one_source_on_the_days_page(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """A source the config leaves unnamed is shown by its feed's title. A feed retitled
    between two builds of a day showed the articles of the first under the old title beside
    the new ones under the new: one source read as two, its stories as two publishers'."""
    when = NOW - dt.timedelta(hours=1)
    url = http_server.url("/a.xml")
    http_server.route("/a.xml", body=rss(item(1, when), item(2, when)), headers=RSS)
    config = site(tmp_path, Source(urlsplit(url).netloc, "feed", url, named=False))
    first = build(config, DAY, now=NOW)
    reports = [r for story in first.digest.stories for r in story.reports]
    assert {r.source for r in reports} == {"Harbour News"}
    later = NOW + dt.timedelta(hours=3)
    retitled = rss(item(1, when), item(2, when), item(3, later), title="Harbour Daily")
    http_server.route("/a.xml", body=retitled, headers=RSS)
    second = build(config, DAY, now=later + dt.timedelta(minutes=5))
    assert second.new_articles == 1
    reports = [r for story in second.digest.stories for r in story.reports]
    assert len(reports) == 3 and {r.source for r in reports} == {"Harbour Daily"}
    # and the day built again from the state: the title it has now, for all of them
    fourth = rss(*(item(n, when) for n in (1, 2)), item(3, later), item(4, later))
    http_server.route("/a.xml", body=fourth.replace("Harbour News", "Harbour Daily"), headers=RSS)
    third = build(config, DAY, now=later + dt.timedelta(minutes=10))
    assert third.new_articles == 1
    reports = [r for story in third.digest.stories for r in story.reports]
    assert len(reports) == 4 and {r.source for r in reports} == {"Harbour Daily"}


def test_a_feed_retitled_with_nothing_new_is_shown_by_its_new_title_at_once(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """A run that finds nothing new leaves the day's pages alone; a feed that changed only
    its title is something new for the pages, which show the source by it."""
    when = NOW - dt.timedelta(hours=1)
    url = http_server.url("/a.xml")
    http_server.route("/a.xml", body=rss(item(1, when)), headers=RSS)
    config = site(tmp_path, Source(urlsplit(url).netloc, "feed", url, named=False))
    build(config, DAY, now=NOW)
    http_server.route("/a.xml", body=rss(item(1, when), title="Harbour Daily"), headers=RSS)
    again = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert again.new_articles == 0 and not again.unchanged
    (page,) = (tmp_path / "out").glob(f"{DAY.isoformat()}*.html")
    assert "Harbour Daily" in page.read_text("utf-8")
    assert "Harbour News" not in page.read_text("utf-8")


def test_a_source_renamed_in_the_config_shows_nothing_twice_and_keeps_what_digest_knew(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """The same address under a new name (a name corrected, given, or taken away) is the same
    source: its entries' guids ("story-1") are unique only within their feed, so their keys
    hold the source's name, and a new source of the new name showed its last day's entries
    again, with a first-run window, no validators and its learnt boilerplate gone."""
    when = NOW - dt.timedelta(hours=1)
    headers = {**RSS, "ETag": '"v1"'}
    http_server.route("/a.xml", body=rss(item(1, when), item(2, when)), headers=headers)
    http_server.route("/b.xml", body=rss(item(9, when), title="Other"), headers=RSS)
    path = tmp_path / "digest.toml"

    def configure(name: str) -> Config:
        path.write_text(
            f'[[sources]]\nname = "{name}"\nurl = "{http_server.url("/a.xml")}"\n'
            f'[[sources]]\nname = "Other"\nurl = "{http_server.url("/b.xml")}"\n'
        )
        return dataclasses.replace(load_config(path), fetch=FAST, stories=ONE_STORY_PER_ARTICLE)

    first = build(configure("Harbour Log"), DAY, now=NOW)
    assert first.new_articles == 3
    later = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
    three = rss(item(1, when), item(2, when), item(3, later - dt.timedelta(minutes=5)))
    http_server.route("/a.xml", body=three, headers={**RSS, "ETag": '"v2"'})
    renamed = build(configure("Harbour News"), DAY, now=later)
    assert renamed.new_articles == 1
    assert any("'Harbour Log' is 'Harbour News' now" in note for note in renamed.notes)
    # the day's stories, those shown before it too, by the name it has now
    reports = [r for story in renamed.digest.stories for r in story.reports]
    assert sorted({r.source for r in reports}) == ["Harbour News", "Other"]
    # its validators went with it: the request was a conditional one
    assert http_server.requests_to("/a.xml")[-1].headers.get("if-none-match") == '"v1"'
    renamed_again = build(configure("Harbour Daily"), DAY, now=later + dt.timedelta(hours=1))
    assert renamed_again.new_articles == 0
    with State.open(path.parent / "digest-state.sqlite") as state:
        shown = sorted(article.title for article in state.articles_for_day(DAY))
        assert shown == [f"Story number {n} about the harbour" for n in (1, 2, 3, 9)]
        assert {record.name for record in state.sources()} == {"Harbour Daily", "Other"}


@pytest.mark.parametrize(
    ("pause_days", "others_read_meanwhile", "older_shown"),
    [
        (10, True, False),  # taken out of the config for ten days: read as a new source
        (3, True, True),  # out for three: what it brought meanwhile is shown
        (10, False, True),  # digest itself did not run: every source waited alike
    ],
)
def test_a_source_back_after_a_pause_is_read_as_a_new_one(
    http_server: FixtureServer,
    tmp_path: Path,
    pause_days: int,
    others_read_meanwhile: bool,
    older_shown: bool,
) -> None:
    """A feed removed from the config (or disabled) and added back weeks later would show
    every entry it published meanwhile in one day, where a new feed shows its last hours."""
    harbour = feed("Harbour", http_server.url("/a.xml"))
    quay = feed("Quay", http_server.url("/b.xml"))
    http_server.route("/a.xml", body=rss(item(1, NOW - dt.timedelta(hours=1))), headers=RSS)
    http_server.route("/b.xml", body=rss(item(100, NOW - dt.timedelta(hours=1))), headers=RSS)
    build(site(tmp_path, harbour, quay), DAY, now=NOW)
    back = NOW + dt.timedelta(days=pause_days)
    if others_read_meanwhile:
        meanwhile = rss(item(101, back - dt.timedelta(hours=3)), title="Quay")
        http_server.route("/b.xml", body=meanwhile, headers=RSS)
        build(site(tmp_path, quay), back.date(), now=back - dt.timedelta(hours=2))
    older, recent = back - dt.timedelta(days=2), back - dt.timedelta(hours=1)
    http_server.route(
        "/a.xml", body=rss(item(1, NOW), item(2, older), item(3, recent)), headers=RSS
    )
    from digest.usecases import stories_of_day

    looked = stories_of_day(site(tmp_path, harbour, quay), back.date(), now=back)
    result = build(site(tmp_path, harbour, quay), back.date(), now=back)
    shown = {r.title for story in result.digest.stories for r in story.reports}
    assert "Story number 3 about the harbour" in shown
    assert ("Story number 2 about the harbour" in shown) is older_shown
    assert "Story number 1 about the harbour" not in shown  # (shown before, never again)
    paused = [note for note in result.notes if "back after a pause" in note]
    assert bool(paused) is not older_shown
    if paused:
        assert f"'Harbour' (last read {DAY.isoformat()})" in paused[0]
    # digest stories, run first, groups what the build does, and says why the day shows less
    assert [note for note in looked.notes if "back after a pause" in note] == paused


def _paused(http_server: FixtureServer, tmp_path: Path, back: dt.datetime) -> tuple[Source, ...]:
    """Two feeds read on DAY, the first then out of the config until ``back``, the second
    read a day before it: the first is back after a pause."""
    harbour = feed("Harbour", http_server.url("/a.xml"))
    quay = feed("Quay", http_server.url("/b.xml"))
    http_server.route("/a.xml", body=rss(item(1, NOW - dt.timedelta(hours=1))), headers=RSS)
    http_server.route("/b.xml", body=rss(item(100, NOW - dt.timedelta(hours=1))), headers=RSS)
    build(site(tmp_path, harbour, quay), DAY, now=NOW)
    meanwhile = back - dt.timedelta(days=1)
    http_server.route("/b.xml", body=rss(item(101, meanwhile), title="Quay"), headers=RSS)
    build(site(tmp_path, quay), meanwhile.date(), now=meanwhile + dt.timedelta(hours=1))
    return harbour, quay


@pytest.mark.parametrize("read_back", ["failed", "held for a later day"])
def test_a_source_back_after_a_pause_stays_new_until_a_read_takes_its_entries(
    http_server: FixtureServer, tmp_path: Path, read_back: str
) -> None:
    """As a new source does: a failed read back (the server down that day), or one by
    ``digest build --date`` of an earlier day, all of whose entries wait for a later day,
    leaves it new. The pause over by then, the next build showed the weeks it missed."""
    back = NOW + dt.timedelta(days=12)
    sources = _paused(http_server, tmp_path, back)
    older, recent = back - dt.timedelta(days=2), back - dt.timedelta(hours=1)
    entries = rss(item(1, NOW), item(2, older), item(3, recent))
    if read_back == "failed":
        http_server.route("/a.xml", status=500)
        first = build(site(tmp_path, *sources), back.date(), now=back - dt.timedelta(hours=1))
    else:
        http_server.route("/a.xml", body=entries, headers=RSS)
        first = build(site(tmp_path, *sources), (back - dt.timedelta(days=5)).date(), now=back)
        assert not first.digest.stories
    # (nothing was read as new yet: said by the build that does)
    assert not any("back after a pause" in note for note in first.notes)
    http_server.route("/a.xml", body=entries, headers=RSS)
    result = build(site(tmp_path, *sources), back.date(), now=back + dt.timedelta(minutes=5))
    shown = {r.title for story in result.digest.stories for r in story.reports}
    assert "Story number 3 about the harbour" in shown
    assert "Story number 2 about the harbour" not in shown  # (two days old: taken as read)
    assert "Harbour: 1" in result.first_run_note


def test_a_folder_back_after_a_pause_is_read_whole_and_not_said_to_be_new(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # a folder's files were put there to be read, whatever their age: none is taken as read
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "quay.txt").write_text(
        "Title: A reader thanks the quay staff\n\nA reader wrote to thank the staff at the quay "
        "for finding the bag she had left on the morning ferry last week.",
        encoding="utf-8",
    )
    letters = Source("Letters", "folder", str(folder))
    quay = feed("Quay", http_server.url("/b.xml"))
    http_server.route("/b.xml", body=rss(item(100, NOW - dt.timedelta(hours=1))), headers=RSS)
    build(site(tmp_path, letters, quay), DAY, now=NOW)
    back = NOW + dt.timedelta(days=12)
    http_server.route("/b.xml", body=rss(item(101, back - dt.timedelta(hours=3))), headers=RSS)
    build(site(tmp_path, quay), back.date(), now=back - dt.timedelta(hours=2))
    letter = folder / "ferry.txt"
    letter.write_text(
        "Title: Readers ask for a later ferry\n\nSeveral readers wrote to ask whether the "
        "evening ferry could leave an hour later in summer, when the light lasts longer.",
        encoding="utf-8",
    )
    written = (back - dt.timedelta(days=3)).timestamp()
    os.utime(letter, (written, written))
    result = build(site(tmp_path, letters, quay), back.date(), now=back)
    assert "Readers ask for a later ferry" in story_titles(result)
    assert not [note for note in result.notes if "back after a pause" in note]


def test_a_clock_set_back_makes_no_pause(http_server: FixtureServer, tmp_path: Path) -> None:
    # a run whose clock was a month ahead: the feed out of the config for two days since
    # (as the clock now says) is no source back after a pause
    ahead = NOW + dt.timedelta(days=30)
    sources = _paused(http_server, tmp_path, ahead)
    back = NOW + dt.timedelta(days=2)
    older, recent = NOW + dt.timedelta(hours=12), back - dt.timedelta(hours=1)
    http_server.route(
        "/a.xml", body=rss(item(1, NOW), item(2, older), item(3, recent)), headers=RSS
    )
    result = build(site(tmp_path, *sources), back.date(), now=back)
    shown = {r.title for story in result.digest.stories for r in story.reports}
    assert {"Story number 2 about the harbour", "Story number 3 about the harbour"} <= shown
    assert not [note for note in result.notes if "back after a pause" in note]


def test_a_source_renamed_in_the_config_is_no_new_source_to_digest_stories_either(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """``digest stories`` run before the next build groups what that build would: the
    renamed source's entries are not new, and it is listed by its new name only."""
    from digest.usecases import stories_of_day

    when = NOW - dt.timedelta(hours=1)
    http_server.route("/a.xml", body=rss(item(1, when), item(2, when)), headers=RSS)
    path = tmp_path / "digest.toml"

    def configure(name: str) -> Config:
        path.write_text(f'[[sources]]\nname = "{name}"\nurl = "{http_server.url("/a.xml")}"\n')
        return dataclasses.replace(load_config(path), fetch=FAST, stories=ONE_STORY_PER_ARTICLE)

    build(configure("Harbour Log"), DAY, now=NOW)
    later = NOW + dt.timedelta(hours=2)
    looked = stories_of_day(configure("Harbour News"), DAY, now=later)
    reports = [r for story in looked.digest.stories for r in story.reports]
    assert len(reports) == 2  # the day's two, not those two again as a new source's
    assert {r.source for r in reports} == {"Harbour News"}
    assert any("'Harbour Log' is 'Harbour News' now" in note for note in looked.notes)
    with State.open(path.parent / "digest-state.sqlite") as state:
        assert {record.name for record in state.sources()} == {"Harbour News"}
        assert len(state.articles_for_day(DAY)) == 2  # (its stories written by builds only)
    after = build(configure("Harbour News"), DAY, now=later + dt.timedelta(hours=1))
    assert after.new_articles == 0


def test_a_new_source_by_the_name_a_renamed_one_had_keys_its_entries_apart(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """A renamed source's entries keep the keys its first name made ("id:Harbour Log:story-1"):
    a new source given that name, at another address, made the same keys for its own entries
    of the same guids: taken for the renamed one's, already shown, they were never shown, and
    so with every guid the two feeds share from then on."""
    when = NOW - dt.timedelta(hours=1)
    http_server.route("/a.xml", body=rss(item(1, when), item(2, when)), headers=RSS)
    path = tmp_path / "digest.toml"

    def configure(*entries: tuple[str, str]) -> Config:
        path.write_text(
            "".join(
                f'[[sources]]\nname = "{name}"\nurl = "{http_server.url(feed)}"\n'
                for name, feed in entries
            )
        )
        return dataclasses.replace(load_config(path), fetch=FAST, stories=ONE_STORY_PER_ARTICLE)

    assert build(configure(("Harbour Log", "/a.xml")), DAY, now=NOW).new_articles == 2
    renamed = configure(("Harbour News", "/a.xml"))
    assert build(renamed, DAY, now=NOW + dt.timedelta(minutes=30)).new_articles == 0

    def town(*numbers: int) -> None:
        body = rss(*(item(n, when) for n in numbers), title="Town Hall")
        http_server.route("/b.xml", body=body.replace("news.", "town."), headers=RSS)

    town(1, 2, 5)
    both = configure(("Harbour News", "/a.xml"), ("Harbour Log", "/b.xml"))
    added = build(both, DAY, now=NOW + dt.timedelta(hours=1))
    assert added.new_articles == 3
    # kept from its first read: the renamed one forgotten ('digest sources remove'), its
    # entries are still the ones it showed
    with State.open(path.parent / "digest-state.sqlite") as state:
        assert state.forget_source("Harbour News")
    town(1, 2, 5, 6)
    alone = configure(("Harbour Log", "/b.xml"))
    assert build(alone, DAY, now=NOW + dt.timedelta(hours=2)).new_articles == 1


def test_a_source_named_or_left_unnamed_since_shows_the_days_articles_by_one_name(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """A source the config leaves unnamed is shown by its feed's title, one it names by that
    name. Renamed from one to the other, the articles the day had shown kept the name they
    were shown by, beside the new one's as if from another source, and the boilerplate learnt
    under it was learnt afresh."""
    when = NOW - dt.timedelta(hours=1)
    path = tmp_path / "digest.toml"

    def configure(name: str | None, *numbers: int) -> Config:
        body = rss(*(item(n, when) for n in numbers), title="Harbour Log")
        http_server.route("/a.xml", body=body, headers=RSS)
        named = f'name = "{name}"\n' if name else ""
        path.write_text(f'[[sources]]\n{named}url = "{http_server.url("/a.xml")}"\n')
        return dataclasses.replace(load_config(path), fetch=FAST, stories=ONE_STORY_PER_ARTICLE)

    def shown(result: BuildResult) -> set[str]:
        return {r.source for story in result.digest.stories for r in story.reports}

    assert shown(build(configure(None, 1, 2), DAY, now=NOW)) == {"Harbour Log"}
    named = build(configure("Harbour Daily", 1, 2, 3), DAY, now=NOW + dt.timedelta(hours=1))
    assert named.new_articles == 1 and shown(named) == {"Harbour Daily"}
    unnamed = build(configure(None, 1, 2, 3, 4), DAY, now=NOW + dt.timedelta(hours=2))
    assert unnamed.new_articles == 1 and shown(unnamed) == {"Harbour Log"}
    with sqlite3.connect(path.parent / "digest-state.sqlite") as db:
        learnt = dict(db.execute("SELECT source, articles FROM boilerplate_sources"))
    assert learnt == {"Harbour Log": 4}  # (one history: every article it cleaned)


def test_a_feeds_declared_language_labels_its_articles_and_a_sources_own_wins(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """Read over HTTP: the feed says "fr"; a second source of the same feed says "de"."""
    body = rss(item(1, NOW - dt.timedelta(hours=1))).replace(
        "<description>News</description>", "<description>News</description><language>fr</language>"
    )
    http_server.route("/feed.xml", body=body, headers=RSS)
    http_server.route("/other.xml", body=body.replace("story/1", "story/2"), headers=RSS)
    sources = (
        feed("Declared", http_server.url("/feed.xml")),
        feed("Configured", http_server.url("/other.xml"), language="de"),
    )
    with State.open(tmp_path / "state.sqlite") as state:
        collected = collect(sources, state, NOW, fetch_config=FAST)
    assert {a.source: a.language for a in collected.articles} == {
        "Declared": "fr",
        "Configured": "de",
    }


# --- a download cut short is a failed fetch, tried again next run ------------------------------


def whole_and_cut(encoding: str) -> tuple[bytes, Reply]:
    """A feed of three recent items, and a reply that serves it cut in its last item's text:
    compressed without the stream's end (its Content-Length that of what is sent), or
    shorter than its Content-Length, or chunked without the last chunk."""
    import zlib

    import brotli

    feed_bytes = rss(*(item(n, NOW - dt.timedelta(hours=n)) for n in (1, 2, 3))).encode()
    cut_at = feed_bytes.index(b"shortage of welders", feed_bytes.index(b"pier 3"))
    compress = {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress}
    if encoding in compress:
        packed = compress[encoding](feed_bytes)
        # cut where the last item's text is: what arrives decodes to the feed up to there
        part = next(
            n for n in range(len(packed)) if len(_decoded_prefix(encoding, packed[:n])) > cut_at
        )
        return feed_bytes, Reply(200, packed[:part], {**RSS, "Content-Encoding": encoding})
    chunked = encoding == "chunked"
    return feed_bytes, Reply(200, feed_bytes, RSS, chunked=chunked, cut=cut_at)


def _decoded_prefix(encoding: str, data: bytes) -> bytes:
    import zlib

    import brotli

    if encoding == "br":
        try:
            return brotli.Decompressor().process(data)
        except brotli.error:
            return b""
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    return zlib.decompressobj(wbits).decompress(data)


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate", "content-length", "chunked"])
def test_a_download_cut_short_stores_nothing_and_the_feed_is_read_whole_next_run(
    http_server: FixtureServer, tmp_path: Path, encoding: str
) -> None:
    whole, cut = whole_and_cut(encoding)
    http_server.route("/feed.xml", cut)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    assert first.digest.stories == ()
    (failure,) = first.digest.failures
    assert failure.source == "Harbour"
    assert "cut short" in failure.problem or "without a complete response" in failure.problem
    assert "tried again next run" in failure.advice
    with State.open(config.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.etag is None and record.last_success is None
        keys = [f"id:Harbour:story-{n}" for n in (1, 2, 3)]
        assert state.entries(keys) == {}  # nothing shown, nothing skipped: nothing recorded

    http_server.route("/feed.xml", body=whole, headers={**RSS, "ETag": '"v1"'})
    later = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert later.digest.failures == ()
    (third,) = [s for s in later.digest.stories if s.headline.startswith("Story number 3")]
    assert read_whole(third.articles[0])
    assert len(later.digest.stories) == 3


# --- an entry read from broken markup waits for a read that gives it whole ---------------------


def read_whole(article: Article) -> bool:
    """Whether the article's text came whole: every paragraph shown ends its sentence. (Its
    last paragraph is the same in every item of these feeds, so cleaning cuts it as the
    source's template; the feed cut short stops in the middle of it, which no source shares.)"""
    texts = [p.text.rstrip() for p in article.paragraphs]
    return bool(texts) and all(t.endswith((".", "!", "?")) for t in texts)


def cut_in_third_item() -> str:
    """The feed of three recent items, served whole by HTTP but cut in its last item's text,
    as a feed file written half-way is."""
    whole = rss(*(item(n, NOW - dt.timedelta(hours=n)) for n in (1, 2, 3)))
    return whole[: whole.index("shortage of welders", whole.index("pier 3"))]


def test_an_entry_cut_off_in_its_feed_waits_for_a_read_that_gives_it_whole(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/feed.xml", body=cut_in_third_item(), headers={**RSS, "ETag": '"v1"'})
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    first = build(config, DAY, now=NOW)
    assert story_titles(first) == {f"Story number {n} about the harbour" for n in (1, 2)}
    assert (
        "Harbour: 'Story number 3 about the harbour' came cut short or damaged in its feed: "
        "held back until a later read gives it whole (run 1 of 2)"
    ) in first.warnings
    with State.open(config.state) as state:
        assert state.entries(["id:Harbour:story-3"]) == {}  # neither shown nor skipped
        assert state.source("Harbour").etag is None  # so no 304 can hide it next time

    whole = rss(*(item(n, NOW - dt.timedelta(hours=n)) for n in (1, 2, 3)))
    http_server.route("/feed.xml", body=whole, headers={**RSS, "ETag": '"v2"'})
    later = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert "if-none-match" not in http_server.requests_to("/feed.xml")[-1].headers
    assert later.new_articles == 1 and len(later.digest.stories) == 3
    (third,) = [s for s in later.digest.stories if "3" in s.headline]
    assert third.headline == "Story number 3 about the harbour"
    assert read_whole(third.articles[0])
    with State.open(config.state) as state:
        assert state.incomplete_runs(["id:Harbour:story-3"]) == {}


def test_an_entry_its_feed_keeps_cut_off_is_shown_marked_after_waiting(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/feed.xml", body=cut_in_third_item(), headers=RSS)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    runs, shown, copies = [], [], []
    for hour in range(4):
        runs.append(build(config, DAY, now=NOW + dt.timedelta(hours=hour)))
        shown.append(len(runs[-1].digest.stories))  # (a run that left the pages: read back now)
        for path in backup_files(config.state):  # (copies taken in one second share a name)
            if not path.name.startswith("2025"):
                path.rename(path.with_name(f"2025010{hour}T000000Z.sqlite"))
        copies.append(len(backup_files(config.state)))
    assert shown == [2, 2, 3, 3]
    # a copy of the state when it gained entries; none for an entry held back once more
    assert copies == [1, 1, 2, 2]
    assert [run.new_articles for run in runs] == [2, 0, 1, 0]
    assert any("(run 2 of 2)" in warning for warning in runs[1].warnings)
    assert any(
        warning.endswith(
            "still cut short or damaged in its feed after 2 runs; shown, marked as incomplete"
        )
        for warning in runs[2].warnings
    )
    (marked,) = [s for s in runs[2].digest.stories if s.headline.endswith("(incomplete)")]
    assert marked.headline == "Story number 3 about the harbour (incomplete)"
    assert marked.articles[0].paragraphs[-1].text == (
        "Its feed gave this article cut short: the text may be incomplete."
    )
    page = (config.output / "2026-11-21.html").read_text(encoding="utf-8")
    assert "Story number 3 about the harbour (incomplete)" in page
    with State.open(config.state) as state:
        assert state.incomplete_runs(["id:Harbour:story-3"]) == {}
        assert state.entries(["id:Harbour:story-3"])["id:Harbour:story-3"].day == DAY.isoformat()


def test_a_look_at_the_day_between_two_builds_is_not_one_of_the_runs_an_entry_waits(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # 'digest stories' after the first build said "(run 2 of 2)", the count the next build
    # would reach, and the next build said "(run 2 of 2)" again
    from digest.usecases import stories_of_day

    http_server.route("/feed.xml", body=cut_in_third_item(), headers=RSS)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")))
    held = "Harbour: 'Story number 3 about the harbour' came cut short or damaged in its feed"
    said = []
    for hour in range(3):
        build_result = build(config, DAY, now=NOW + dt.timedelta(hours=hour))
        looked = stories_of_day(config, DAY, now=NOW + dt.timedelta(hours=hour, minutes=30))
        said.append([w.rsplit("(", 1)[-1] for w in build_result.warnings if held in w])
        said.append([w.rsplit("(", 1)[-1] for w in looked.warnings if held in w])
    # (after the second build, it is shown, marked as incomplete, by the look and the third)
    assert said == [["run 1 of 2)"], ["1 of 2 runs waited so far)"], ["run 2 of 2)"], [], [], []]
    with State.open(config.state) as state:  # shown by the third build, as it always was
        assert state.entries(["id:Harbour:story-3"])["id:Harbour:story-3"].day == DAY.isoformat()


def test_a_build_of_an_earlier_day_is_not_one_of_the_runs_an_entry_waits(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # the entry is the day before's: a build of that day takes it, and held it back as one
    # of its two runs, so that today's next build showed it after only one run of the day's
    before = DAY - dt.timedelta(days=1)
    items = [item(n, NOW - dt.timedelta(hours=12 * n)) for n in (1, 2, 3)]  # (3: the day before)
    whole = rss(*items)
    cut = whole[: whole.index("shortage of welders", whole.index("pier 3"))]
    http_server.route("/feed.xml", body=cut, headers=RSS)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")), first_run_hours=0)
    label = "Harbour: 'Story number 3 about the harbour'"

    def held(result) -> list[str]:
        return [w.split(" (")[-1] for w in result.warnings if w.startswith(label)]

    assert held(build(config, DAY, now=NOW)) == ["run 1 of 2)"]
    earlier = build(config, before, now=NOW + dt.timedelta(hours=1))
    assert held(earlier) == ["1 of 2 runs waited so far)"]
    with State.open(config.state) as state:
        assert state.incomplete_runs(["id:Harbour:story-3"]) == {"id:Harbour:story-3": 1}
        assert state.entries(["id:Harbour:story-3"]) == {}  # held back all the same
    later = build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert held(later) == ["run 2 of 2)"]
    assert not any("Story number 3" in title for title in story_titles(later))


def test_an_entry_cut_off_before_any_text_is_shown_as_its_marked_headline_once_it_waited(
    tmp_path: Path,
) -> None:
    # the feed stops right after the entry's <description> opens: a title and no text
    whole = item(1, NOW - dt.timedelta(hours=1))
    cut = (
        "<item><title>Story number 2 about the harbour</title><guid>story-2</guid>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=2))}</pubDate><description>"
    )
    feed_file = tmp_path / "cut.xml"
    feed_file.write_text(rss(whole).replace("</channel></rss>", cut), encoding="utf-8")
    config = site(tmp_path, Source("Harbour", "feed", str(feed_file)))
    runs = [build(config, DAY, now=NOW + dt.timedelta(hours=hour)) for hour in range(3)]
    said = [w for run in runs for w in run.warnings if "Story number 2" in w]
    # held back twice, then shown as what it is, a headline with its link, and said so
    assert [w.rsplit("(", 1)[-1] for w in said[:2]] == ["run 1 of 2)", "run 2 of 2)"], said
    assert said[2:] == [
        "Harbour: 'Story number 2 about the harbour' is still cut short or damaged in its "
        "feed after 2 runs; shown, marked as incomplete"
    ]
    (marked,) = [s for s in runs[2].digest.stories if "Story number 2" in s.headline]
    assert marked.headline == "Story number 2 about the harbour (incomplete)"
    assert [p.text for p in marked.articles[0].paragraphs] == [
        "Its feed gave this article cut short: the text may be incomplete."
    ]
    assert [run.summary_line.split(" (")[1].split(")")[0] for run in runs] == [
        "1 new article",
        "0 new articles",
        "1 new article",
    ]


def test_an_entry_with_a_headline_and_a_link_but_no_text_is_shown_as_that_headline(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    # Link logs, aggregators and headline feeds give a title and a link and nothing else, or
    # a description that only repeats the title; when the page cannot be read either (a 404
    # here; a site that blocks robots in life), the headline is still the day's news.
    when = format_datetime(NOW - dt.timedelta(hours=1))
    entries = [
        ("Council approves a tram line to the airport", ""),
        ("Researchers map the oldest river system on Mars", "<description></description>"),
        # a link aggregator's: its only text is the link to the discussion
        (
            "A tiny static site generator in 300 lines",
            "<description>"
            + escape('<a href="https://forum.example.com/item?id=1">Comments</a>')
            + "</description>",
        ),
        (
            "Central bank holds rates steady",
            "<description>"
            + escape('<a href="https://wire.example.net/rates">Central bank holds rates steady</a>')
            + "</description>",
        ),
    ]
    items = "".join(
        f"<item><title>{title}</title><link>{http_server.url(f'/story/{n}')}</link>"
        f"<pubDate>{when}</pubDate>{text}</item>"
        for n, (title, text) in enumerate(entries)
    )
    # nothing to show for this one: no title, no text
    items += f"<item><link>{http_server.url('/story/9')}</link><pubDate>{when}</pubDate></item>"
    http_server.route("/links.xml", body=rss(items, title="Link log"), headers=RSS)
    for n in (*range(len(entries)), 9):
        http_server.route(f"/story/{n}", status=404)
    config = site(tmp_path, feed("Links", http_server.url("/links.xml")))
    result = build(config, DAY, now=NOW)
    shown = {s.headline: s for s in result.digest.stories}
    assert sorted(shown) == sorted(title for title, _ in entries)
    for n, (title, _) in enumerate(entries):
        (article,) = shown[title].articles
        assert article.url == http_server.url(f"/story/{n}")
        assert not article.paragraphs and not shown[title].summary
    page = (config.output / f"{DAY.isoformat()}.html").read_text(encoding="utf-8")
    assert f'href="{http_server.url("/story/1")}"' in page
    assert '<p class="summary"' not in page  # no empty paragraph stands for the text
    assert any(w.endswith("has no text left after cleaning; skipped") for w in result.warnings)


def test_an_entry_still_cut_off_whose_page_gives_the_whole_text_is_shown_unmarked(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/story/1", body=article_page("Council votes", 8), headers=HTML_PAGE)
    cut = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Council</title>'
        "<item><title>Council votes</title>"
        f"<link>{http_server.url('/story/1')}</link><guid>c-1</guid>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=1))}</pubDate>"
        "<description>The council voted on the harbour plan, and the mayor said"
    )
    http_server.route("/feed.xml", body=cut, headers=RSS)
    config = site(tmp_path, feed("Council", http_server.url("/feed.xml")))
    runs = [build(config, DAY, now=NOW + dt.timedelta(hours=hour)) for hour in range(3)]
    assert [len(run.digest.stories) for run in runs] == [0, 0, 1]
    (story,) = runs[2].digest.stories
    assert story.headline == "Council votes"  # not marked: the page gave the whole text
    assert story.summary[0].text.startswith("Paragraph 1 of the full report")
    assert len(http_server.requests_to("/story/1")) == 1  # no page download while held


def test_an_aggregators_item_is_shown_as_its_publishers_under_its_own_headline(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    """Google News: an item's title ends " - Publisher", RSS's <source> names the publisher,
    and the description lists links to the coverage. The story is the publisher's, under
    its own headline, with no other outlet's headline for its text; the feed stays the
    source its state is kept under."""
    when = NOW - dt.timedelta(hours=1)
    coverage = (
        '<ol><li><a href="{link}" target="_blank">ECB holds rates as inflation eases</a>'
        '&nbsp;&nbsp;<font color="#6f6f6f">Reuters</font></li><li><a href="{link}2">Lagarde '
        'signals no hurry to cut again</a>&nbsp;&nbsp;<font color="#6f6f6f">Financial Times'
        "</font></li></ol>"
    )
    link = http_server.url("/rss/articles/CBMiAbc")  # Google's redirect: not read here
    body = rss(
        "<item><title>ECB holds rates as inflation eases - Reuters</title>"
        f'<link>{link}</link><guid isPermaLink="false">CBMiAbc</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(coverage.format(link=link))}</description>"
        '<source url="https://www.reuters.com">Reuters</source></item>',
        title="Top stories - Google News",
    )
    http_server.route("/gnews.xml", body=body, headers=RSS)
    url = http_server.url("/gnews.xml")
    config = site(tmp_path, Source(urlsplit(url).netloc, "feed", url, named=False))
    result = build(config, DAY, now=NOW)
    (story,) = result.digest.stories
    assert story.headline == "ECB holds rates as inflation eases"
    assert story.lead.source == "Reuters"
    assert story.lead.origin == urlsplit(url).netloc
    assert "Lagarde" not in story.lead.body_text
    assert "Financial Times" not in " ".join(story.lead.summary)


def test_an_aggregators_item_left_with_nothing_is_warned_about_under_the_feed_not_its_publisher(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    # the user knows "Headlines", not the "Reuters" an item names as its publisher
    when = format_datetime(NOW - dt.timedelta(hours=1))
    items = (
        f"<item><link>{http_server.url('/story/1')}</link><pubDate>{when}</pubDate>"
        "<description>Sign up for our newsletter.</description>"
        '<source url="https://wire.example.net/">Reuters</source></item>'
    )
    http_server.route("/agg.xml", body=rss(items, title="Headlines"), headers=RSS)
    http_server.route("/story/1", status=404)
    config = site(tmp_path, feed("Headlines", http_server.url("/agg.xml")))
    result = build(config, DAY, now=NOW)
    said = [w for w in result.warnings if "no text left" in w]
    assert said == [
        f"Headlines: '{http_server.url('/story/1')}' has no text left after cleaning; skipped"
    ]  # (named by its address, which the user can open: not by its key in the state)


def test_an_unnamed_feed_whose_title_is_its_sites_name_and_tagline_is_shown_by_the_name(
    tmp_path: Path,
) -> None:
    # "Le Monde.fr - Actualités et Infos en France et dans le monde" stood on every story
    feed_file = tmp_path / "une.xml"
    title = "Le Monde.fr - Actualités et Infos en France et dans le monde"
    feed_file.write_text(
        rss(item(1, NOW - dt.timedelta(hours=1)), title=title).replace(
            "https://news.example.org/</link>", "https://www.lemonde.fr/</link>"
        ),
        encoding="utf-8",
    )
    config = site(tmp_path, Source("une.xml", "feed", str(feed_file), named=False))
    result = build(config, DAY, now=NOW)
    assert {a.source for s in result.digest.stories for a in s.articles} == {"Le Monde.fr"}
    with State.open(config.state) as state:
        record = state.source("une.xml")
        assert record is not None and record.title == "Le Monde.fr"


@pytest.mark.parametrize(
    "location",
    [
        "http://example.com/feed",
        "HTTPS://Example.com/feed",
        "Http://example.com",
        " https://example.com/feed",
        "\thttp://example.com/feed",
        "ht\ttp://example.com/feed",
        "httpx://example.com/feed",
        "http:/example.com",
        "file:///srv/feeds/a.xml",
        "seeds/",
        "/srv/feeds/http://a.xml",
        "C:\\feeds\\a.xml",
        "",
    ],
)
def test_a_source_is_remote_exactly_when_its_location_has_a_web_scheme(location: str) -> None:
    from digest.ingest import is_remote

    expected = urlsplit(location).scheme in ("http", "https")
    assert is_remote(Source(name="s", kind="feed", location=location)) is expected
