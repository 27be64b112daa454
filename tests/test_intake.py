"""digest.intake: each source's articles taken for the day as it is read, in the build's own
process or in worker processes, with the same result; real feeds from a real HTTP server."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import itertools
import json
import logging
import pickle
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from httpserver import FixtureServer, Recorded, Reply

from digest import intake, pipeline
from digest.config import Config, FetchConfig
from digest.intake import Parsed, Pending, SourceDay, mark_incomplete
from digest.model import Source
from digest.pipeline import BuildResult, build
from digest.state import State
from digest.text.recurring import SourceTemplate

CORPUS = Path(__file__).parent / "fixtures" / "feeds"
DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
# A dozen real feeds (one that is an HTML page, not a feed), and one served twice under two
# names: its articles count for the first source only, whoever answers first.
FEEDS = [
    "Ranchero-Software+NetNewsWire/DaringFireball.atom",
    "Ranchero-Software+NetNewsWire/3960.json",
    "Ranchero-Software+NetNewsWire/macworld.rss",
    "feedjira+feedjira@841d3b5/ZedShaw.xml",
    "feedjira+feedjira@841d3b5/TomWhite.xml",
    "kagisearch+fastfeedparser/960551eca5b5db81",
    "kagisearch+fastfeedparser/1796df62c4a287cc",
    "kagisearch+fastfeedparser/6040d25e925318ed",
    "rbren+rss-parser/heise.atom",
    "rbren+rss-parser/uolNoticias.rss",
    "feed-rs+feed-rs/rss2/rss_2.0_bbc.xml",
    "danmactough+node-feedparser/rss2sample.xml",
]


def corpus_site(server: FixtureServer, tmp_path: Path) -> Config:
    sources = []
    for number, name in enumerate([*FEEDS, FEEDS[0]]):
        path, body, etag = f"/{number}/{name}", (CORPUS / name).read_bytes(), f'"{number}"'

        def answer(request: Recorded, body: bytes = body, etag: str = etag) -> Reply:
            if request.headers.get("if-none-match") == etag:
                return Reply(304, headers={"ETag": etag})
            return Reply(200, body, {"ETag": etag})

        server.route(path, answer)
        sources.append(Source(f"feed {number}", "feed", server.url(path)))
    return Config(
        title="Corpus",
        sources=tuple(sources),
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
        first_run_hours=0,  # every entry: the whole backlog is cleaned and grouped
        fetch=FetchConfig(retries=0, full_text_limit=0),
        max_stories=10,
        also_today_limit=10,
    )


@dataclasses.dataclass(frozen=True)
class Reference:
    """The corpus built once in the build's own process, no worker started: what every
    other way of reading it must give. ``stored`` and ``learnt`` are its state's rows."""

    config: Config
    result: BuildResult
    stored: list[tuple[str, str, str | None, str | None]]
    learnt: list[tuple[str, int, int]]


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[FixtureServer]:
    """The corpus served for the whole module, for the tests that compare a build with
    ``reference``: their sites must name the same addresses. A test that changes a route
    uses its own ``http_server``."""
    with FixtureServer() as server:
        yield server


@pytest.fixture(scope="module")
def reference(corpus_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    # Built once for the module (half a second of parsing and cleaning each time), before
    # any test patches the intake: a first build of 13 feeds, fewer than POOL_MIN_SOURCES.
    config = corpus_site(corpus_server, tmp_path_factory.mktemp("reference"))
    result = build(config, DAY, now=NOW)
    return Reference(config, result, stored(config), learnt(config))


def there(reference: Reference, folder: Path) -> Config:
    """The reference's site, with an output and a state of its own in ``folder``."""
    return dataclasses.replace(reference.config, output=folder / "out", state=folder / "s")


def stored(config: Config) -> list[tuple[str, str, str | None, str | None]]:
    with State.open(config.state) as state:
        rows = state._db.execute("SELECT key, source, day, article FROM entries ORDER BY key")
        return list(rows)


def learnt(config: Config) -> list[tuple[str, int, int]]:
    """What the state learnt of each source's paragraphs (``digest.text.recurring``)."""
    with State.open(config.state) as state:
        rows = state._db.execute("SELECT source, print, articles FROM boilerplate_prints")
        return sorted(rows)


def handed_to_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources handed to the worker pool from now on, as they are."""
    handed: list[str] = []
    submit = intake.IntakePool.submit

    def counted(pool: intake.IntakePool, source: Source, *args: object) -> object:
        handed.append(source.name)
        return submit(pool, source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(intake.IntakePool, "submit", counted)
    return handed


def pool_starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A 1 for each time a worker pool is asked to start from now on."""
    started: list[int] = []
    start = intake.IntakePool.start

    def counted(pool: intake.IntakePool) -> None:
        started.append(1)
        start(pool)

    monkeypatch.setattr(intake.IntakePool, "start", counted)
    return started


def test_worker_processes_read_the_feeds_as_the_build_itself_does(
    reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = reference.result
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 2)  # a build of 2 new feeds or more
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    handed = handed_to_workers(monkeypatch)
    pooled_site = there(reference, tmp_path)
    pooled = build(pooled_site, DAY, now=NOW)

    assert alone.new_articles == pooled.new_articles > 200
    assert alone.warnings == pooled.warnings
    assert alone.digest.failures == pooled.digest.failures
    assert alone.digest == pooled.digest
    assert reference.stored == stored(pooled_site)
    assert reference.learnt == learnt(pooled_site) != []  # workers send back what cleaning saw
    assert len(handed) == len(FEEDS) + 1  # a first build: every body, to a worker
    handed.clear()
    again = build(pooled_site, DAY, now=NOW)  # every feed answers 304: no worker is started
    assert again.new_articles == 0 and again.digest.stories == pooled.digest.stories
    assert handed == []


def test_workers_start_only_once_a_build_has_fetched_a_few_bodies(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    monkeypatch.setattr(intake, "POOL_START_AT", 5)  # the processes start with the fifth body
    started = pool_starts(monkeypatch)
    config = corpus_site(http_server, tmp_path / "few")
    few = dataclasses.replace(config, sources=config.sources[:4])
    assert build(few, DAY, now=NOW).new_articles > 0
    assert started == []  # four bodies, all read here: no process was worth starting
    many = dataclasses.replace(config, output=tmp_path / "many/out", state=tmp_path / "many/s")
    assert build(many, DAY, now=NOW).new_articles > 0
    assert started


def test_workers_start_before_the_first_body_when_enough_feeds_will_bring_one(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Feeds with no validators (never read, or a server that sends none) cannot answer "304
    # Not Modified": with enough of them, the workers start as the fetching does and take
    # every body (none is read in the build's own process while they start).
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 8)
    monkeypatch.setattr(intake, "POOL_START_AT", 5)
    bodies: list[int] = []  # how many bodies the build had been handed when it started them
    offered = [0]
    read_here = [0]  # bodies the build parsed itself
    submit, start, parse = intake.DayIntake.submit, intake.IntakePool.start, intake.DayIntake.parse

    def counted(day: intake.DayIntake, *args: object, **kwargs: object) -> object:
        offered[0] += 1
        return submit(day, *args, **kwargs)  # type: ignore[arg-type]

    def started(pool: intake.IntakePool) -> None:
        bodies.append(offered[0])
        start(pool)

    def parsed_here(day: intake.DayIntake, *args: object, **kwargs: object) -> object:
        read_here[0] += 1
        return parse(day, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake.DayIntake, "submit", counted)
    monkeypatch.setattr(intake.IntakePool, "start", started)
    monkeypatch.setattr(intake.DayIntake, "parse", parsed_here)
    config = corpus_site(http_server, tmp_path / "first")
    assert build(config, DAY, now=NOW).new_articles > 0
    assert bodies[:1] == [0]  # a first build: every feed brings a body
    assert offered[0] >= 8 and read_here[0] == 0
    bodies.clear()
    offered[0] = 0
    again = build(config, DAY, now=NOW)  # every feed answers 304: nothing starts them
    assert again.new_articles == 0 and bodies == []
    # Two feeds added (no validators yet), the rest answering 304: two bodies, read here.
    added = tuple(dataclasses.replace(s, name=f"{s.name} again") for s in config.sources[:2])
    build(dataclasses.replace(config, sources=(*config.sources, *added)), DAY, now=NOW)
    assert offered[0] == 2 and bodies == []
    # Fewer feeds without validators than pay for the workers: the fifth body, as before.
    few = dataclasses.replace(
        config, sources=config.sources[:7], output=tmp_path / "few/out", state=tmp_path / "few/s"
    )
    offered[0] = read_here[0] = 0
    build(few, DAY, now=NOW)
    assert bodies == [5]
    assert read_here[0] == offered[0] == 7  # all among the first POOL_MIN_SOURCES: read here
    # Every feed changed since the last run (validators sent, a body back all the same, not
    # the bytes read last time): the first POOL_MIN_SOURCES are read here, the workers started
    # with the fifth take the rest.
    for number, name in enumerate([*FEEDS, FEEDS[0]]):
        http_server.route(f"/{number}/{name}", body=(CORPUS / name).read_bytes() + b"\n")
    bodies.clear()
    offered[0] = read_here[0] = 0
    build(config, DAY, now=NOW)
    assert offered[0] == len(FEEDS) + 1 and bodies[:1] == [5] and read_here[0] == 8
    # The same bytes again, still without validators: nothing to parse, and nothing starts the
    # workers for bodies that may well come unchanged
    bodies.clear()
    offered[0] = read_here[0] = 0
    assert build(config, DAY, now=NOW).new_articles == 0
    assert offered[0] == 0 and bodies == []


def test_feeds_that_will_not_be_asked_do_not_start_the_workers(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A feed gone for good (410) is disabled: it has no validators, but it is not fetched
    # again, so it brings no body to start the workers for.
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 8)
    started = pool_starts(monkeypatch)
    config = corpus_site(http_server, tmp_path / "site")
    gone = []
    for number in range(8):
        http_server.route(f"/gone/{number}.xml", status=410)
        gone.append(Source(f"gone {number}", "feed", http_server.url(f"/gone/{number}.xml")))
    config = dataclasses.replace(config, sources=(*config.sources, *gone))
    build(config, DAY, now=NOW)  # a first build: every feed may bring a body
    assert started
    started.clear()
    again = build(config, DAY, now=NOW)  # the rest answer 304; the gone ones are not asked
    assert again.new_articles == 0 and len(again.failures) == 8 and started == []


def test_fetching_waits_while_the_workers_are_behind_and_the_day_is_the_same(
    reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the day is the same as the build's own (which workers with room give, as the test
    # above shows)
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 2)
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    # room for one body at a time: each fetch waits until the bodies handed over are taken
    monkeypatch.setattr(intake, "QUEUED_BODY_BYTES", 1)
    outstanding: list[concurrent.futures.Future[Parsed]] = []
    piled: list[int] = []
    submit = intake.IntakePool.submit

    def counted(pool: intake.IntakePool, *args: object) -> concurrent.futures.Future[Parsed]:
        piled.append(sum(not f.done() for f in outstanding))
        future = submit(pool, *args)  # type: ignore[arg-type]
        outstanding.append(future)
        return future

    monkeypatch.setattr(intake.IntakePool, "submit", counted)
    held_site = there(reference, tmp_path)
    held = build(held_site, DAY, now=NOW)
    assert held.digest == reference.result.digest and stored(held_site) == reference.stored
    assert len(piled) == len(FEEDS) + 1  # every body of a first build goes to a worker
    # never more waiting than the fetching threads that were let through together
    assert max(piled) <= FetchConfig().workers


def test_once_the_workers_are_lost_the_rest_is_read_in_the_build(
    reference: Reference,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 2)
    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    monkeypatch.setattr(intake, "QUEUED_BODY_BYTES", 1)  # one wave of fetches at a time

    def no_processes(*args: object, **kwargs: object) -> None:
        raise OSError("no processes to be had")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_processes)
    handed = handed_to_workers(monkeypatch)
    lost_site = there(reference, tmp_path)
    with caplog.at_level(logging.WARNING, logger="digest.intake"):
        lost = build(lost_site, DAY, now=NOW)
    assert lost.digest == reference.result.digest and stored(lost_site) == reference.stored
    # the first wave went to the pool and came back to be read here; later bodies were
    # not handed over at all (each one handed over waits in memory until the end)
    assert 0 < len(handed) < len(FEEDS) + 1
    # said once, not once a source
    said = [r.getMessage() for r in caplog.records if "read in the build" in r.getMessage()]
    assert len(said) == 1 and "worker processes lost" in said[0], said


def test_sources_waiting_together_go_to_a_worker_together_each_with_its_own_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.sources import kinds
    from digest.sources.errors import SourceError
    from digest.sources.kinds.base import Cursor, Fetched

    config = Config(state=tmp_path / "state.sqlite", first_run_hours=0)
    with State.open(config.state):
        pass
    plan = pipeline.day_plan(config, DAY, NOW)
    batches: list[int] = []
    relay_all = intake._relay_all

    def counted(outers: list[concurrent.futures.Future[Parsed]], inner: object) -> None:
        batches.append(len(outers))
        relay_all(outers, inner)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "_relay_all", counted)
    page = b"<!doctype html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    bodies = [(CORPUS / name).read_bytes() for name in FEEDS]
    bodies.insert(3, page)  # not a feed: its error is its own, and the others' results theirs
    kind = kinds.kind("feed")
    with intake.IntakePool(config.state, workers=1) as pool:
        futures = [  # all handed over while the worker is still starting: they wait together
            pool.submit(
                Source(f"feed {number}", "feed", f"https://example.org/{number}"),
                kind,
                Fetched(f"https://example.org/{number}", body),
                Cursor(),
                plan,
                True,
            )
            for number, body in enumerate(bodies)
        ]
        for number, future in enumerate(futures):
            if number == 3:
                with pytest.raises(SourceError, match="not a feed"):
                    future.result(timeout=60)
                continue
            parsed = future.result(timeout=60)
            assert parsed.day.source == f"feed {number}" and parsed.items > 0
    assert sum(batches) == len(bodies)
    assert 1 < len(batches) < len(bodies)  # several sources at a time, a few at most
    assert max(batches) <= intake.BATCH_SOURCES


def test_a_batch_that_cannot_be_handed_over_is_read_in_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    from digest.sources import kinds
    from digest.sources.kinds.base import Cursor, Fetched

    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 0)  # every body to the pool
    config = Config(state=tmp_path / "state.sqlite", first_run_hours=0)
    plan = pipeline.day_plan(config, DAY, NOW)
    kind = kinds.kind("feed")
    with State.open(config.state) as state, intake.IntakePool(config.state, workers=1) as pool:
        day = intake.DayIntake(plan, state, pool=pool)
        pending = []
        for number, name in enumerate(FEEDS[:4]):
            # one source holds something pickle cannot copy: its whole batch fails to go
            options = {"odd": threading.Lock()} if number == 1 else {}
            source = Source(
                f"feed {number}", "feed", f"https://example.org/{number}", options=options
            )
            fetched = Fetched(source.location, (CORPUS / name).read_bytes())
            handed = day.submit(source, kind, fetched, Cursor(), new=True)
            assert handed is not None
            pending.append(handed)
        with caplog.at_level(logging.WARNING, logger="digest.intake"):
            results = [p.result() for p in pending]  # each read: by a worker, or here
        assert [r.day.source for r in results] == [f"feed {n}" for n in range(4)]
        assert all(r.items > 0 for r in results)
        assert not pool.broken  # the workers are fine: the next sources still go to them
        # said as what it is: the workers were not lost, and a real loss later in the build
        # would still be said
        said = [r.getMessage() for r in caplog.records]
        assert any("could not hand sources to a worker process" in m for m in said), said
        assert not any("worker processes lost" in m for m in said), said
        assert not day._fallen_back


def test_a_source_s_pages_are_asked_for_by_the_time_its_result_is_taken() -> None:
    # a done-callback may run after the waiting thread wakes: the build's last source must
    # not have its pages asked for after the page phase is over
    done: concurrent.futures.Future[Parsed] = concurrent.futures.Future()
    parsed = Parsed(SourceDay("Harbour"), items=1)
    done.set_result(parsed)
    asked: list[Parsed] = []
    assert Pending(done, lambda: parsed, asked.append).result() is parsed
    assert asked == [parsed]


def test_a_batch_the_pool_cancelled_is_read_in_the_build() -> None:
    outers: list[concurrent.futures.Future[Parsed]] = [concurrent.futures.Future() for _ in "ab"]
    for outer in outers:
        assert outer.set_running_or_notify_cancel()  # (as the pool's thread sets them)
    inner: concurrent.futures.Future[list[Parsed | Exception]] = concurrent.futures.Future()
    inner.cancel()
    intake._relay_all(outers, inner)
    fallback = Parsed(SourceDay("Harbour"), items=0)
    for outer in outers:
        assert Pending(outer, lambda: fallback).result() is fallback


def test_a_fetch_waiting_for_room_is_let_go_when_the_build_stops(tmp_path: Path) -> None:
    import threading

    with State.open(tmp_path / "state.sqlite"):
        pass
    pool = intake.IntakePool(tmp_path / "state.sqlite", workers=1, queued_bytes=0)
    waiter = threading.Thread(target=pool.room.wait)
    with pool:
        waiter.start()
        waiter.join(0.2)
        assert waiter.is_alive()  # no room at all: it waits
    waiter.join(5)
    assert not waiter.is_alive()  # closing the pool lets it go (no worker was ever started)


def test_a_source_goes_to_a_worker_and_back_whole() -> None:
    source = Source(
        "Harbour", "feed", "https://example.org/feed", category="Local", options={"full_text": True}
    )
    copy = pickle.loads(pickle.dumps(source))
    assert copy == source and copy.options["full_text"] is True
    with pytest.raises(TypeError):
        copy.options["full_text"] = False  # type: ignore[index]  # still read-only


def test_an_article_comes_back_from_a_worker_whole() -> None:
    from digest.model import Article, Paragraph, Removal

    # every field away from its default, so that one left out or misplaced would show
    values: dict[str, object] = {}
    for number, field in enumerate(dataclasses.fields(Article)):
        values[field.name] = {
            "paragraphs": (Paragraph("Text.", "body"), Paragraph("x = 1", "code")),
            "published": dt.datetime(2026, 11, 21, 6, tzinfo=dt.UTC),
            "removed": (Removal("related", "Read more", "a link list"),),
            "candidates": (Removal("seo", "Best deals", ""),),
            "summary": ("Text.",),
            "summary_of": (2, 300),
            "title_derived": True,
            "publisher_unknown": True,
        }.get(field.name, f"{field.name} {number}")
    article = Article(**values)  # type: ignore[arg-type]
    copy = pickle.loads(pickle.dumps(article))
    assert copy == article
    kinds = [(p.text, p.kind) for p in copy.paragraphs]
    assert kinds == [("Text.", "body"), ("x = 1", "code")]


def test_a_source_error_comes_back_from_a_worker_whole() -> None:
    from digest.sources.errors import SourceError

    error = SourceError("not a feed: truncated JSON", "the next run downloads it", lasting=False)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.problem, copy.advice, copy.lasting) == (error.problem, error.advice, False)
    starved = pickle.loads(pickle.dumps(SourceError("ran out of memory", momentary=True)))
    assert (starved.lasting, starved.momentary) == (False, True)


def test_a_source_a_worker_could_not_read_lets_its_body_go() -> None:
    import gc
    import weakref

    from digest.sources.errors import SourceError

    class Body:
        pass

    body = Body()
    kept = weakref.ref(body)
    failed: concurrent.futures.Future[Parsed] = concurrent.futures.Future()
    pending = Pending(failed, lambda body=body: Parsed(SourceDay(str(body)), items=0))
    del body
    failed.set_exception(SourceError("not a feed: an HTML page"))
    gc.collect()
    assert kept() is None  # not held until the end of fetching: only a dead pool needs it
    with pytest.raises(SourceError):
        pending.result()


def test_a_source_is_read_here_when_its_worker_died() -> None:
    dead: concurrent.futures.Future[Parsed] = concurrent.futures.Future()
    dead.set_exception(BrokenProcessPool("a child process terminated abruptly"))
    fallback = Parsed(SourceDay("Harbour"), items=0)
    assert Pending(dead, lambda: fallback).result() is fallback


def test_the_note_on_an_article_cut_short_is_never_taken_into_its_summary() -> None:
    from digest.model import Article, Paragraph
    from digest.summarise import summarise, summarised

    text = "The harbour board approved the new ferry timetable on Monday evening."
    article = summarise(Article("k1", "Harbour", "Timetable", (Paragraph(text),)), 3, 600)
    marked = mark_incomplete(article, "en")
    assert marked.paragraphs[-1].kind == "note" and marked.summary == (text,)
    # made again for other settings (or because it was stored before they were kept)
    assert summarised(marked, 2, 300).summary == (text,)
    assert summarised(dataclasses.replace(marked, summary_of=None), 3, 600).summary == (text,)


def test_only_the_articles_a_day_lists_are_summarised_unless_a_filter_reads_summaries(
    reference: Reference, tmp_path: Path
) -> None:
    # A backlog of hundreds lists ten stories and ten more in Also today: their articles are
    # summarised when the day is shaped, the rest never. An exclude rule that looks at
    # summaries needs every article's, before grouping: the articles are then summarised as
    # they are cleaned, and the day the reader gets is the same either way.
    from digest.filters import parse_rule

    lazy = reference.config  # the corpus, no filter: built as the reference
    eager = dataclasses.replace(
        lazy,
        output=tmp_path / "eager/out",
        state=tmp_path / "eager/state.sqlite",
        exclude=(parse_rule("summary:zzyzx-matches-nothing"),),
    )
    assert not pipeline.day_plan(lazy, DAY, NOW).cleaning.summaries
    assert pipeline.day_plan(eager, DAY, NOW).cleaning.summaries
    title_only = dataclasses.replace(lazy, exclude=(parse_rule("title:zzyzx"),))
    assert not pipeline.day_plan(title_only, DAY, NOW).cleaning.summaries

    built = reference.result
    assert build(eager, DAY, now=NOW).digest == built.digest
    listed = [a for s in (*built.digest.stories, *built.digest.also_today) for a in s.reports]
    assert listed and all(a.summary for a in listed if any(p.kind == "body" for p in a.paragraphs))

    def summarised(config: Config) -> set[str]:
        """The keys of the articles the state stored with a summary."""
        return {
            key for key, *_, article in stored(config) if article and json.loads(article)["summary"]
        }

    # The listed ones are stored summarised, so that a later build need not do it again.
    assert {a.key for a in listed if a.summary} <= summarised(lazy)
    assert len(summarised(lazy)) < built.new_articles / 2 < len(summarised(eager))


def test_a_source_s_own_settings_reach_what_it_brings_and_what_it_skips(tmp_path: Path) -> None:
    """The articles a source brings to the day carry its settings (its config name, category
    and language, its feed's title for a source left unnamed, its home page); the old backlog
    it skips on its first run is remembered under the same names."""
    from digest.sources import kinds
    from digest.sources.kinds.base import Cursor, Fetched

    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>  The Daily\n Example </title>'
        b"<link>https://example.org/</link><language>de</language>"
        b"<item><title>Neu</title><link>https://example.org/new</link>"
        b"<pubDate>Sat, 21 Nov 2026 08:00:00 GMT</pubDate>"
        b"<description>Heute ist etwas geschehen. Die Stadt hat entschieden.</description></item>"
        b"<item><title>Zwei</title><link>https://example.org/zwei</link>"
        b"<pubDate>Sat, 21 Nov 2026 07:00:00 GMT</pubDate>"
        b"<description>Ein zweiter Text, lang genug, um zu bleiben.</description></item>"
        b"<item><title>Alt</title><link>https://example.org/old</link>"
        b"<pubDate>Sun, 01 Nov 2026 08:00:00 GMT</pubDate>"
        b"<description>Vor langer Zeit ist etwas geschehen.</description></item>"
        b"</channel></rss>"
    )
    config = Config(state=tmp_path / "state.sqlite", first_run_hours=24)
    plan = pipeline.day_plan(config, DAY, NOW)
    unnamed = Source("example.org", "feed", "https://example.org/feed", named=False)
    told = Source("news", "feed", "https://example.org/feed", category="Local", language="nl")
    kind = kinds.kind("feed")

    def in_the_build(day: intake.DayIntake, source: Source) -> SourceDay:
        # as a source read here is taken (a local file's, say): parsed, then ``read``
        from digest.ingest import configured

        reading = kind.parse(source, Fetched(source.location, feed), Cursor())
        articles, labels = configured(source, reading)
        return day.read(source, kind, articles, new=True, remote=False, labels=labels)

    def by_a_worker(day: intake.DayIntake, source: Source) -> SourceDay:
        # what a worker runs (``_parse_and_take``), here
        return day.parse(source, kind, Fetched(source.location, feed), Cursor(), new=True).day

    with State.open(config.state) as state:
        day = intake.DayIntake(plan, state)
        for source, taken in itertools.product((unnamed, told), (in_the_build, by_a_worker)):
            parsed = taken(day, source)
            shown = [item.article for item in parsed.shown]
            assert [a.title for a in shown] == ["Neu", "Zwei"]
            assert [a.title for a in parsed.skipped] == ["Alt"]  # older than the window
            for article in (*shown, *parsed.skipped):
                assert article.origin == source.name
                assert article.source == ("The Daily Example" if source is unnamed else source.name)
            assert all(a.site == "https://example.org/" for a in shown)
            if source is unnamed:
                assert [a.category for a in shown] == [None, None]
                assert shown[0].language == "de"  # the feed's, for an entry declaring none
            else:
                assert [a.category for a in shown] == ["Local", "Local"]
                assert [a.language for a in shown] == ["nl", "nl"]  # the config's wins


def test_a_worker_that_cleans_an_untitled_article_never_loads_numpy() -> None:
    # Each worker process loads what cleaning needs, once: a headline made for an article
    # with no title or language guesses its language, which loaded the grouping's module and
    # numpy with it (70 ms of CPU a worker, on every build whose feeds bring such articles)
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt\n"
        "import digest.intake_worker\n"
        "from digest.intake import Cleaning\n"
        "from digest.model import Article, Paragraph\n"
        "text = ('Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt '\n"
        "        'beschlossen, wie die Stadt mitteilte.')\n"
        "article = Article('k', 's', '', (Paragraph(text), Paragraph('Mehr folgt.')), None,\n"
        "                  dt.datetime(2026, 12, 1, tzinfo=dt.UTC))\n"
        "cleaned = Cleaning().apply(article)\n"
        "assert cleaned.title, cleaned\n"
        "print('numpy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True
    )
    assert done.stdout.strip() == "False", done.stderr


def test_an_article_left_with_no_text_is_its_headline_unless_its_page_was_its_only_text() -> None:
    from digest.model import Article, Paragraph
    from digest.pipeline import _clean_settled, _prepare_settled

    only_prompts = Article(
        "url:https://gazette.example.org/bridge",
        "Gazette",
        "Harbour bridge reopens after two years of repairs",
        (Paragraph("Sign up for our newsletter."), Paragraph("Comments")),
        url="https://gazette.example.org/bridge",
    )
    plan = pipeline.day_plan(Config(title="t", sources=()), DAY, NOW)
    # a feed's entry: the headline with its link is the day's news
    assert intake.clean(only_prompts, plan.cleaning).ok
    # a sitemap's article has no text but its page's: all of it cut, nothing is left to show
    skipped = intake.clean(only_prompts, plan.cleaning, headline_will_do=False)
    assert skipped.problem == "has no text left after cleaning; skipped"
    for has_teaser in (True, False):
        wanted = intake.PageWanted(only_prompts, has_teaser=has_teaser, undated=False)
        ready = _prepare_settled([(wanted, only_prompts, True)], _NoHistory(), [])
        (done,) = _clean_settled([ready], plan, None)
        assert done[only_prompts.key].ok is has_teaser


class _NoHistory:
    def source_history(self, sightings):
        return {}


def test_cleaning_writes_a_title_in_capitals_as_its_text_writes_its_words() -> None:
    from digest.model import Article, Paragraph

    text = (
        "The harbour board voted on Monday to reopen the north quay to ferries from Oslo, "
        "closed since the storm in March. The board's chair, Ingrid Dahl, said repairs had "
        "cost less than feared."
    )
    article = Article(
        key="url:example.org/quay",
        source="Harbour Log",
        title="HARBOUR BOARD REOPENS NORTH QUAY TO OSLO FERRIES",
        paragraphs=(Paragraph(text),),
    )
    cleaned = intake.Cleaning().apply(article)
    assert cleaned.title == "Harbour board reopens north quay to Oslo ferries"


def _articles_to_clean(count: int) -> list[intake.CleanJob]:
    from digest.model import Article, Paragraph

    jobs: list[intake.CleanJob] = []
    for number in range(count):
        paragraphs = [
            Paragraph(f"The ferry to pier {number} runs again from Monday, the harbour said."),
            Paragraph("Sign up for our newsletter."),
        ]
        if number % 5 == 4:
            paragraphs = [Paragraph("Comments")]  # nothing of its own: its headline, or nothing
        article = Article(
            f"url:https://gazette.example.org/{number}",
            "Gazette",
            f"Ferry to pier {number} runs again",
            tuple(paragraphs),
            url=f"https://gazette.example.org/{number}",
        )
        jobs.append((article, None, number % 2 == 0))
    return jobs


def started_pool(path: Path, workers: int) -> Iterator[intake.IntakePool]:
    """A pool whose workers are up: a source read by them first."""
    from digest.sources import kinds
    from digest.sources.kinds.base import Cursor, Fetched

    config = Config(state=path, first_run_hours=0)
    with State.open(path):
        pass
    plan = pipeline.day_plan(config, DAY, NOW)
    with intake.IntakePool(path, workers=workers) as pool:
        source = Source("feed", "feed", "https://example.org/feed")
        fetched = Fetched(source.location, (CORPUS / FEEDS[0]).read_bytes())
        pool.submit(source, kinds.kind("feed"), fetched, Cursor(), plan, True).result(timeout=60)
        yield pool


def test_what_is_cleaned_once_every_source_is_read_is_cleaned_on_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = pipeline.day_plan(Config(title="t", sources=()), DAY, NOW)
    jobs = _articles_to_clean(23)
    here = intake.clean_all(plan.cleaning, jobs)
    assert [c.ok for c in here].count(False) == 2  # (those with nothing left nor a headline)
    unstarted = intake.IntakePool(tmp_path / "other.sqlite", workers=2)
    assert unstarted.clean_all(plan.cleaning, jobs) is None  # no workers: the caller cleans
    for pool in started_pool(tmp_path / "state.sqlite", workers=2):
        # cleaning here would fail: what comes back was cleaned by the workers, in order
        monkeypatch.setattr(intake, "clean", None)
        assert pool.clean_all(plan.cleaning, jobs) == here
        fewer = jobs[: intake.CLEAN_ON_WORKERS_AT - 1]
        assert pool.clean_all(plan.cleaning, fewer) is None  # not worth sending


class _CannotBeSent(SourceTemplate):
    def __reduce__(self) -> tuple:
        raise TypeError("this template cannot be pickled")


def test_a_share_that_cannot_go_to_a_worker_is_cleaned_here(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plan = pipeline.day_plan(Config(title="t", sources=()), DAY, NOW)
    jobs = _articles_to_clean(20)
    article, _, will_do = jobs[3]
    jobs[3] = (article, _CannotBeSent("Gazette"), will_do)
    for pool in started_pool(tmp_path / "state.sqlite", workers=1):
        with caplog.at_level(logging.WARNING, logger="digest.intake"):
            assert pool.clean_all(plan.cleaning, jobs) == intake.clean_all(plan.cleaning, jobs)
    assert "could not clean articles in a worker process" in caplog.text


_A_WORKER_LOST_WHILE_THEY_CLEAN = """
import datetime as dt, os, sys
from pathlib import Path
from digest import intake, pipeline
from digest.config import Config
from digest.model import Article, Paragraph, Source
from digest.sources import kinds
from digest.sources.kinds.base import Cursor, Fetched
from digest.state import State
from digest.text.recurring import SourceTemplate


class EndsTheWorker(SourceTemplate):  # (the worker that unpickles it ends, as if killed)
    def __reduce__(self):
        return (os._exit, (1,))


def page(number):
    said = (
        "The ferry to pier {} runs again from Monday, the harbour board said after a long "
        "meeting about the winter timetable, its crews and what the repairs cost ({})."
    )
    return Article(
        f"url:https://gazette.example.org/{number}",
        "Gazette",
        f"Ferry to pier {number} runs again",
        tuple(Paragraph(said.format(number, part)) for part in range(20)),
        url=f"https://gazette.example.org/{number}",
    )


if __name__ == "__main__":
    path = Path(sys.argv[1]) / "state.sqlite"
    with State.open(path):
        pass
    now = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    plan = pipeline.day_plan(Config(state=path, first_run_hours=0), now.date(), now)
    # shares larger than a pipe holds, going to the workers and coming back
    jobs = [(page(number), None, True) for number in range(200)]
    jobs[0] = (jobs[0][0], EndsTheWorker("Gazette"), True)
    with intake.IntakePool(path, workers=2) as pool:
        source = Source("feed", "feed", "https://example.org/feed")
        feed = Path(sys.argv[2]).read_bytes()
        fetched = Fetched(source.location, feed)
        pool.submit(source, kinds.kind("feed"), fetched, Cursor(), plan, True).result(60)
        cleaned = pool.clean_all(plan.cleaning, jobs)
        assert cleaned is not None and len(cleaned) == 200 and all(c.ok for c in cleaned)
    print("closed")
"""


def test_a_worker_lost_while_the_workers_clean_leaves_the_build_waiting_for_nothing(
    tmp_path: Path,
) -> None:
    # Its share is cleaned here, and the pool closes: the executor ends the other workers
    # with SIGTERM, which they ignore, and one blocked handing back what it cleaned (nothing
    # read it any more) kept the build waiting for ever.
    import subprocess
    import sys

    script = tmp_path / "lost.py"
    script.write_text(_A_WORKER_LOST_WHILE_THEY_CLEAN, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(
            [sys.executable, str(script), str(tmp_path), str(CORPUS / FEEDS[0])],
            capture_output=True,
            text=True,
            cwd=root,
            timeout=60,
        )
    except subprocess.TimeoutExpired:  # (its workers end with it: see intake._end_with)
        pytest.fail("the pool never closed after a worker was lost")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "closed"
    assert "could not clean articles in a worker process" in done.stderr
