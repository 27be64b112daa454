"""digest.sources.http.fetching: retries, backoff and many sources at once, against a real
HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import contextlib
import email.utils
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fakeinternet import PUBLIC, FakeInternet
from fetchhelpers import FEED, Sleeps, closed_port, get, unanswered_port
from httpserver import FixtureServer, Recorded, Reply

from digest.room import Room
from digest.sources.http import Client, FetchRequest, FetchSettings, fetch, fetch_all

pytestmark = pytest.mark.usefixtures("no_proxies")


def test_a_body_comes_with_its_hash_and_a_304_or_a_failure_with_none(http_server: FixtureServer):
    import hashlib

    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, FEED, {"ETag": '"v1"'})

    http_server.route("/feed", conditional)
    http_server.route("/missing", status=404)
    ok = fetch(FetchRequest("s", http_server.url("/feed"), allow_private=True))
    unchanged = fetch(FetchRequest("s", http_server.url("/feed"), '"v1"', allow_private=True))
    missing = fetch(FetchRequest("s", http_server.url("/missing"), allow_private=True))
    assert ok.body_hash == hashlib.sha256(FEED).hexdigest()
    assert (unchanged.outcome, unchanged.body_hash) == ("not_modified", None)
    assert (missing.outcome, missing.body_hash) == ("failed", None)
    # a build's fetching lets go of the bodies it has handed on, not of their hashes
    (kept,) = fetch_all(
        [FetchRequest("s", http_server.url("/feed"), allow_private=True)], keep_bodies=False
    )
    assert (kept.body, kept.body_hash) == (b"", ok.body_hash)


def test_a_body_is_hashed_as_decoded_whatever_its_compression(http_server: FixtureServer):
    # Servers that compress on the fly stamp each gzip stream with the time it was made: the
    # same feed comes as other bytes on every request, and as plain bytes to a client that
    # does not ask for gzip. Hashed as sent, it would be parsed again on every run.
    import gzip
    import hashlib
    import itertools

    stamps = itertools.count(1_700_000_000)

    def compressed(request: Recorded) -> Reply:
        return Reply(200, gzip.compress(FEED, mtime=next(stamps)), {"Content-Encoding": "gzip"})

    http_server.route("/gz", compressed)
    http_server.route("/plain", body=FEED)
    got = [fetch(FetchRequest("s", http_server.url(p), allow_private=True)) for p in ("/gz",) * 2]
    plain = fetch(FetchRequest("s", http_server.url("/plain"), allow_private=True))
    assert {r.body_hash for r in [*got, plain]} == {hashlib.sha256(FEED).hexdigest()}


# --- retries ------------------------------------------------------------------------------


def test_500_then_200_succeeds_on_retry(http_server: FixtureServer):
    http_server.route("/feed", [Reply(500), Reply(200, FEED)])
    sleeps = Sleeps()
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True),
        FetchSettings(),
        sleep=sleeps,
    )
    assert result.outcome == "ok"
    assert result.body == FEED
    assert result.attempts == 2
    assert len(sleeps.calls) == 1
    assert 0.5 <= sleeps.calls[0] <= 1.5  # backoff 1 s with jitter


def test_503_forever_fails_after_all_attempts(http_server: FixtureServer):
    http_server.route("/feed", status=503)
    sleeps = Sleeps()
    settings = FetchSettings(retries=2, backoff=1.0)
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True), settings, sleep=sleeps
    )
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
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True),
        FetchSettings(),
        sleep=sleeps,
    )
    assert result.outcome == "ok"
    assert result.attempts == 2
    assert sleeps.calls == [1.0]


def test_retry_after_as_http_date_is_honoured(http_server: FixtureServer):
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    http_server.route("/feed", [Reply(503, headers={"Retry-After": when}), Reply(200, FEED)])
    sleeps = Sleeps()
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True),
        FetchSettings(),
        sleep=sleeps,
    )
    assert result.outcome == "ok"
    assert len(sleeps.calls) == 1
    assert 3 <= sleeps.calls[0] <= 5


def test_retry_after_pause_does_not_eat_the_deadline(http_server: FixtureServer):
    # the server-requested pause is longer than total_timeout, but within max_retry_after
    http_server.route("/feed", [Reply(429, headers={"Retry-After": "5"}), Reply(200, FEED)])
    sleeps = Sleeps()
    settings = FetchSettings(total_timeout=2.0)
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True), settings, sleep=sleeps
    )
    assert result.outcome == "ok"
    assert sleeps.calls == [5.0]


def test_too_long_retry_after_gives_up_promptly(http_server: FixtureServer):
    http_server.route("/feed", status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    started = time.monotonic()
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True),
        FetchSettings(),
        sleep=sleeps,
    )
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
    result = fetch(
        FetchRequest("s", http_server.url("/feed"), allow_private=True),
        FetchSettings(),
        sleep=sleeps,
    )
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


def test_unexpected_error_becomes_a_failed_result():
    class Exploding(Client):
        def proxy_for(self, url):
            raise RuntimeError("boom")

    client = Exploding()
    result = fetch(FetchRequest("s", "http://127.0.0.1:9/feed", allow_private=True), client=client)
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
    requests = [
        FetchRequest(name, http_server.url(f"/{name}"), allow_private=True) for name in names
    ]
    # short, so the test does not wait long; long enough that the bound below leaves a
    # loaded machine room (at 0.3 s, its 0.27 s of slack failed in two full runs on 2 cores)
    deadline = 0.6
    settings = FetchSettings(total_timeout=deadline, backoff=0.01, workers=8)
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
    assert took < 1.9 * deadline  # the two stalls ran side by side, not one after the other
    assert sorted(name for name, _ in done) == sorted(names)
    assert {thread for _, thread in done} == {threading.current_thread().name}


def test_fetch_all_with_a_small_pool_still_finishes(http_server: FixtureServer):
    http_server.route("/feed", body=FEED)
    requests = [
        FetchRequest(f"s{i}", http_server.url(f"/feed?n={i}"), allow_private=True)
        for i in range(10)
    ]
    results = fetch_all(requests, FetchSettings(workers=2))
    assert [r.source for r in results] == [f"s{i}" for i in range(10)]
    assert all(r.outcome == "ok" and r.body == FEED for r in results)


def test_fetch_all_does_not_try_again_a_host_it_found_down(http_server: FixtureServer):
    # Three feeds on a server that is not running, then a live one: the first finds it
    # down, the next two fail at once saying so, and the live one is fetched. (One thread,
    # so that the first has failed before the next starts: with more, those already
    # connecting at the time each find out for themselves, side by side.)
    http_server.route("/feed", body=FEED)
    dead = f"127.0.0.1:{closed_port()}"
    requests = [
        *(FetchRequest(f"d{i}", f"http://{dead}/feed/{i}", allow_private=True) for i in range(3)),
        FetchRequest("live", http_server.url("/feed"), allow_private=True),
    ]
    results = fetch_all(requests, FetchSettings(workers=1))
    first, *skipped, live = results
    assert first.outcome == "failed" and first.attempts == 1 and first.host_down
    assert first.problem == f"{dead} refused the connection"  # (the port, which may be wrong)
    for result in skipped:
        assert result.outcome == "failed" and result.attempts == 0 and result.host_down
        assert result.problem == (
            f'not tried: {dead} could not be reached earlier in this run; source "d0" found: '
            f"{dead} refused the connection"
        )
        assert result.advice == first.advice
    assert live.outcome == "ok" and live.body == FEED
    assert len(http_server.requests) == 1  # only the live one was asked for


def test_a_host_down_on_one_port_is_not_taken_for_the_same_name_on_another(
    http_server: FixtureServer,
):
    http_server.route("/feed", body=FEED)
    live = urlsplit(http_server.url("/feed"))
    requests = [  # the same name, another port that nothing listens on, asked first
        FetchRequest("dead", f"http://{live.hostname}:{closed_port()}/feed", allow_private=True),
        FetchRequest("live", http_server.url("/feed"), allow_private=True),
    ]
    dead, alive = fetch_all(requests, FetchSettings(workers=1))
    assert dead.host_down and alive.outcome == "ok"


def test_a_host_down_for_public_addresses_is_still_tried_where_private_ones_are_allowed(
    http_server: FixtureServer,
):
    # wiki.example has a public address that refuses and a private one that answers: a
    # source that may not use the private one finds the host down, an intranet source that
    # may is not stopped by that
    class PublicRefuses(FakeInternet):
        def connect(self, family, address, timeout, *args, **kwargs):  # type: ignore[no-untyped-def]
            if address[0] == PUBLIC[0]:
                raise ConnectionRefusedError(111, "Connection refused")
            return super().connect(family, address, timeout, *args, **kwargs)

    internet = PublicRefuses()
    internet.name("wiki.example", PUBLIC[0], "192.168.1.20")
    http_server.route("/feed", body=FEED)
    url = f"http://wiki.example:{http_server.port}/feed"
    requests = [
        FetchRequest("public only", url),
        FetchRequest("intranet", url, allow_private=True),
        FetchRequest("public again", url),
    ]
    public, intranet, again = fetch_all(requests, FetchSettings(workers=1, network=internet))
    assert public.host_down and public.attempts == 1
    assert intranet.outcome == "ok" and intranet.body == FEED
    assert again.host_down and again.attempts == 0  # (not tried: as the first found it)


def test_a_host_with_an_international_name_found_down_is_not_tried_again():
    internet = FakeInternet()  # a name it does not know fails as DNS does
    requests = [FetchRequest(f"s{n}", f"http://bücher.example/{n}.xml") for n in range(3)]
    first, *rest = fetch_all(requests, FetchSettings(workers=1, network=internet))
    assert first.host_down and first.attempts == 1
    assert all(r.host_down and r.attempts == 0 for r in rest)
    assert internet.lookups == ["xn--bcher-kva.example"]  # asked once


def test_a_feed_asked_in_the_wrong_scheme_does_not_stop_the_port_s_others(
    http_server: FixtureServer,
):
    # https:// to a plain-HTTP port fails its TLS handshake: the server is there all the same
    http_server.route("/feed", body=FEED)
    wrong = http_server.url("/feed").replace("http://", "https://")
    requests = [
        FetchRequest("wrong scheme", wrong, allow_private=True),
        FetchRequest("right scheme", http_server.url("/feed"), allow_private=True),
    ]
    wrong_result, right = fetch_all(requests, FetchSettings(workers=1))
    assert "secure connection" in (wrong_result.problem or "")
    assert right.outcome == "ok" and right.body == FEED


def test_a_failure_of_one_feed_alone_does_not_stop_the_host_s_others(
    http_server: FixtureServer,
):
    http_server.route("/missing", status=404)
    http_server.route("/feed", body=FEED)
    requests = [
        FetchRequest("missing", http_server.url("/missing"), allow_private=True),
        FetchRequest("feed", http_server.url("/feed"), allow_private=True),
    ]
    missing, feed = fetch_all(requests, FetchSettings(workers=1))
    assert missing.outcome == "failed" and feed.outcome == "ok"


def test_fetch_all_of_nothing():
    assert fetch_all([], FetchSettings()) == []


def test_fetches_stop_at_their_next_pause_once_the_caller_stops_waiting(
    http_server: FixtureServer,
):
    # Ctrl-C during a build reaches the thread waiting in fetch_all; the interpreter then
    # waits for the fetch threads as it exits. One pausing between attempts to a failing
    # site (here for 15 to 45 s) must end at once, not sleep through its pause.
    failing_asked = threading.Event()

    def unavailable(request: object) -> Reply:
        failing_asked.set()
        return Reply(503)

    http_server.route("/fine", body=FEED)
    http_server.route("/failing", unavailable)
    requests = [
        FetchRequest("fine", http_server.url("/fine"), allow_private=True),
        FetchRequest("failing", http_server.url("/failing"), allow_private=True),
    ]
    settings = FetchSettings(retries=3, backoff=30.0, total_timeout=300.0, workers=2)

    def interrupted(result) -> None:
        failing_asked.wait(5)  # the other fetch has had its first answer: it is pausing
        time.sleep(0.2)
        raise KeyboardInterrupt

    before = {t for t in threading.enumerate() if t.name.startswith("digest-fetch_")}
    with pytest.raises(KeyboardInterrupt):
        fetch_all(requests, settings, on_done=interrupted)
    started = time.monotonic()
    for thread in threading.enumerate():
        if thread.name.startswith("digest-fetch_") and thread not in before:
            thread.join(10)
    assert time.monotonic() - started < 2.0


_STOPPED_CALLER = """
import sys, time
from digest.sources.http import FetchRequest, FetchSettings, fetch_all

def stop(result):
    time.sleep(0.3)  # (the other request is well under way)
    print("stopped", flush=True)
    raise SystemExit(3)

fine, held, connect_timeout = sys.argv[1:]
requests = [FetchRequest(n, u, allow_private=True) for n, u in (("fine", fine), ("held", held))]
settings = FetchSettings(connect_timeout=float(connect_timeout), total_timeout=60.0, workers=2)
fetch_all(requests, settings, on_done=stop)
"""


@pytest.mark.parametrize("held", ["slow answer", "unanswered connect"])
def test_a_fetch_under_way_does_not_keep_the_process_once_the_caller_stops_waiting(
    http_server: FixtureServer, held: str
):
    # Ctrl-C during a build whose feed's server answers only after 25 s exited 22 s later,
    # as the interpreter waited for the thread whose request waited for the server; as long
    # for a host that does not answer, up to connect_timeout
    http_server.route("/fine", body=FEED)
    http_server.route("/slow", body=FEED, delay=25)
    code = Path(__file__).resolve().parent.parent  # (this checkout's digest)
    with contextlib.ExitStack() as stack:
        if held == "slow answer":
            url = http_server.url("/slow")
        else:
            url = f"http://127.0.0.1:{stack.enter_context(unanswered_port())}/feed"
        process = subprocess.Popen(
            [sys.executable, "-c", _STOPPED_CALLER, http_server.url("/fine"), url, "25"],
            env={**os.environ, "PYTHONPATH": str(code)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            assert process.stdout.readline() == "stopped\n"
            stopped = time.monotonic()
            assert process.wait(30) == 3
            assert time.monotonic() - stopped < 3.0
        finally:
            process.kill()
            process.wait()
    if held == "slow answer":
        assert len(http_server.requests_to("/slow")) == 1  # (it was under way)


def test_the_requests_not_started_when_the_caller_stops_waiting_are_never_made(
    http_server: FixtureServer,
):
    # Every request after the first is held at the server until the caller has stopped: the
    # one thread may have taken the second while the first was handed over (on a busy
    # machine it would otherwise make them all before the caller ran), never a third.
    released = threading.Event()

    def held(request) -> Reply:  # type: ignore[no-untyped-def]
        if not request.path.endswith("?0"):
            released.wait(5)
        return Reply(200, FEED)

    http_server.route("/feed", held)
    requests = [
        FetchRequest(f"s{n}", http_server.url(f"/feed?{n}"), allow_private=True) for n in range(6)
    ]

    def interrupted(result) -> None:
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            fetch_all(requests, FetchSettings(workers=1), on_done=interrupted)
    finally:
        released.set()
    time.sleep(0.3)  # (time for a request the thread had already taken to arrive)
    # the first, and at most the one the thread took while the first was handed over
    assert 1 <= len(http_server.requests) <= 2


def test_a_request_waiting_for_room_when_the_caller_stops_waiting_is_never_made(
    http_server: FixtureServer,
):
    # The thread has taken the next request and waits for room for its body when the caller
    # stops (an error handing a body on, Ctrl-C): the room's owner then closes it, as a
    # build does as it ends, and the request, which nobody will take, must not start
    http_server.route("/feed", body=FEED)
    requests = [
        FetchRequest(f"s{n}", http_server.url(f"/feed?{n}"), allow_private=True) for n in range(3)
    ]
    room = Room(1)  # full once one body is held

    def interrupted(result) -> None:
        time.sleep(0.2)  # (the thread has taken the next request, and waits for room)
        raise KeyboardInterrupt

    before = {t for t in threading.enumerate() if t.name.startswith("digest-fetch_")}
    with pytest.raises(KeyboardInterrupt):
        fetch_all(requests, FetchSettings(workers=1), on_done=interrupted, room=room)
    room.close()
    for thread in threading.enumerate():
        if thread.name.startswith("digest-fetch_") and thread not in before:
            thread.join(5)
    assert [seen.path for seen in http_server.requests] == ["/feed?0"]


def test_a_bug_in_a_fetching_thread_reaches_the_caller_instead_of_leaving_it_waiting(
    http_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
):
    from digest.sources.http import fetching

    http_server.route("/feed", body=FEED)

    def broken(self, request):  # outside the net ``fetch`` has for its own bugs
        raise RuntimeError("a bug in the admission of a request")

    monkeypatch.setattr(fetching._DownHosts, "skipped", broken)
    requests = [FetchRequest("s", http_server.url("/feed"), allow_private=True)]
    raised: list[BaseException] = []

    def call() -> None:
        try:
            fetch_all(requests, FetchSettings(workers=1))
        except BaseException as exc:
            raised.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    caller.join(10)
    assert not caller.is_alive()
    assert [str(exc) for exc in raised] == ["a bug in the admission of a request"]


def test_a_run_whose_requests_succeed_loads_no_parser_it_needs_only_for_failures(
    http_server: FixtureServer,
) -> None:
    # http.client, email's parsers, urllib.request and the cookie parser word failures,
    # read a Retry-After date, find a proxy or keep a redirect's cookies: loaded by every
    # run, they cost it about 20 ms. A run of bodies and "304"s, with no proxy set, needs
    # none of them; a failure still loads what words it.
    def conditional(request: Recorded) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(200, FEED, {"ETag": '"v1"'})

    http_server.route("/feed", conditional)
    http_server.route("/gone", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
    code = (
        "import sys\n"
        "from digest.sources.http import FetchRequest, FetchSettings, fetch_all\n"
        "url = sys.argv[1]\n"
        "settings = FetchSettings(retries=0)\n"
        "first, = fetch_all([FetchRequest('s', url + '/feed', allow_private=True)], settings)\n"
        "again, = fetch_all(\n"
        "    [FetchRequest('s', url + '/feed', etag='\"v1\"', allow_private=True)], settings\n"
        ")\n"
        "modules = ('http.client', 'email.utils', 'urllib.request', 'http.cookies')\n"
        "print(first.outcome, again.outcome, *[m in sys.modules for m in modules])\n"
        "failed, = fetch_all([FetchRequest('s', url + '/gone', allow_private=True)], settings)\n"
        "print(failed.outcome, 'email.utils' in sys.modules)\n"
    )
    environment = {
        name: value for name, value in os.environ.items() if not name.lower().endswith("_proxy")
    }
    done = subprocess.run(
        [sys.executable, "-c", code, http_server.url("")],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert done.stdout.split("\n")[:2] == ["ok not_modified False False False False", "failed True"]
