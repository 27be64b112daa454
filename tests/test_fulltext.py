"""digest.fulltext: the article pages of teaser entries, fetched alongside the rest of a build,
host by host and within a time budget, from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import threading
import time
from email.utils import format_datetime
from pathlib import Path

import pytest
from httpserver import FixtureServer, Reply
from ports import closed_port
from test_ingest import NOW, RSS, feed, rss, site
from test_sitemap import DAY, HTML, article_page, serve, sitemap
from test_sitemap import RECENT as SITEMAP_PAGES
from test_sitemap import site as sitemap_site

from digest.config import FetchConfig
from digest.fulltext import PageFetcher, PageRequest
from digest.pipeline import build
from digest.sources.http import FetchResult, FetchSettings

# No retries for feeds either, so that the counts below are the pages' own.
PATIENT = FetchConfig(timeout=5, retries=0, connect_timeout=2.0, backoff=0.01)


def teaser(server: FixtureServer, number: int, path: str = "/story") -> str:
    """A feed item that carries only a teaser of the page at ``path``/``number``."""
    when = NOW - dt.timedelta(hours=number)
    return (
        f"<item><title>Harbour report {number}</title>"
        f"<link>{server.url(f'{path}/{number}')}</link><guid>t-{number}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>Report {number} on the harbour works… Continue reading</description>"
        "</item>"
    )


def test_a_host_that_fails_is_asked_for_one_page_per_run_and_the_teasers_stand(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    for number in range(1, 5):
        http_server.route(f"/story/{number}", Reply(503))
    http_server.route(
        "/feed.xml", body=rss(*(teaser(http_server, n) for n in range(1, 5))), headers=RSS
    )
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")), fetch=PATIENT)
    result = build(config, DAY, now=NOW)

    assert len(result.digest.stories) == 4  # every teaser is shown as the feed gave it
    assert {s.lead.summary[0] for s in result.digest.stories} == {
        f"Report {n} on the harbour works…" for n in range(1, 5)
    }
    asked = sum(len(http_server.requests_to(f"/story/{n}")) for n in range(1, 5))
    assert asked == 1  # the first 503 gives the host up for the run: no retry, no other page
    # each page is in the run's report (counted there, not one warning each), the teaser kept
    pages = result.unread_pages
    assert len(pages) == 4 and all(p.teaser_kept and p.source == "Harbour" for p in pages)
    (failed,) = [p for p in pages if p.problem.startswith("not fetched (HTTP 503")]
    assert "the feed's text is used" in str(failed)
    skipped = [p for p in pages if p.problem.startswith("not tried (127.0.0.1:")]
    assert len(skipped) == 3
    assert all("failed earlier in this run: HTTP 503" in p.problem for p in skipped)
    assert not any("503" in w for w in result.warnings)


def test_a_missing_page_costs_its_host_nothing_but_that_page(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/story/1", Reply(404))
    http_server.route("/story/2", Reply(404))
    http_server.route("/story/3", body=article_page("Harbour report 3", 8), headers=HTML)
    http_server.route(
        "/feed.xml", body=rss(*(teaser(http_server, n) for n in (1, 2, 3))), headers=RSS
    )
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")), fetch=PATIENT)
    result = build(config, DAY, now=NOW)

    full = {s.headline: len(s.lead.paragraphs) for s in result.digest.stories}
    assert full["Harbour report 3"] == 8 and full["Harbour report 1"] == 1
    assert [len(http_server.requests_to(f"/story/{n}")) for n in (1, 2, 3)] == [1, 1, 1]
    assert sorted(p.url.rsplit("/", 1)[1] for p in result.unread_pages) == ["1", "2"]
    assert all("not fetched (HTTP 404" in p.problem for p in result.unread_pages)


def test_the_phase_stops_at_its_time_budget_and_the_summary_says_so_once(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/story/1", Reply(200, article_page("Harbour report 1", 8), HTML, delay=10))
    http_server.route("/feed.xml", body=rss(teaser(http_server, 1)), headers=RSS)
    fetch = FetchConfig(timeout=10, retries=0, full_text_seconds=0.5)
    config = site(tmp_path, feed("Harbour", http_server.url("/feed.xml")), fetch=fetch)
    started = time.monotonic()
    result = build(config, DAY, now=NOW)

    # not the page's ten seconds; the margin is for a loaded machine, not for the budget
    assert time.monotonic() - started < 6
    (story,) = result.digest.stories
    assert story.summary[0].text == "Report 1 on the harbour works…"  # the teaser stands
    assert result.pages_late == 1
    assert result.summary_line.endswith(
        "; full text stopped after 0.5 s (full_text_seconds): 1 article page not fetched, "
        "their teasers stand"
    )
    assert not any("full text" in w for w in result.warnings)  # said once, in the summary
    assert result.unread_pages == ()


def test_pages_are_fetched_while_other_feeds_are_still_loading(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/story/1", body=article_page("Harbour report 1", 8), headers=HTML)
    http_server.route("/fast.xml", body=rss(teaser(http_server, 1)), headers=RSS)
    with FixtureServer() as slow_site:  # a site of its own, that takes its time
        slow_site.route("/slow.xml", Reply(200, rss(title="Slow News"), RSS, delay=1.5))
        config = site(
            tmp_path,
            feed("Fast", http_server.url("/fast.xml")),
            feed("Slow", slow_site.url("/slow.xml")),
            fetch=PATIENT,
        )
        result = build(config, DAY, now=NOW)
        (slow_feed,) = slow_site.requests_to("/slow.xml")
    (page,) = http_server.requests_to("/story/1")
    assert page.at < slow_feed.at + 1.0  # asked for before the slow feed had answered
    (story,) = result.digest.stories
    assert len(story.lead.paragraphs) == 8


def test_an_article_with_no_text_but_its_page_waits_when_its_host_is_down(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    down = [True]
    for path in SITEMAP_PAGES:
        page = article_page(path.rsplit("/", 1)[1].replace("-", " ").capitalize())
        http_server.route(
            path, lambda request, page=page: Reply(503) if down[0] else Reply(200, page, HTML)
        )
    config = sitemap_site(tmp_path, sitemap("Gazette", url), fetch=PATIENT)
    first = build(config, DAY, now=NOW)
    assert first.digest.stories == ()  # nothing to show, and nothing lost:
    assert sum(len(http_server.requests_to(path)) for path in SITEMAP_PAGES) == 1
    (waiting,) = [w for w in first.warnings if "wait for the next run" in w]
    assert waiting.startswith(f"Gazette: {len(SITEMAP_PAGES)} article pages could not be read")
    assert "HTTP 503" in waiting
    assert first.unread_pages == ()  # not lost: they wait
    down[0] = False
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(second.digest.stories) == len(SITEMAP_PAGES)


def test_an_article_two_feeds_bring_takes_its_page_s_text_as_the_first_in_config_order(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # The same teaser in two feeds: its page is fetched once, for whichever feed answered
    # first; the article shown with the page's text is still the first source's (in config
    # order), with that source's settings, whatever order the feeds answered in.
    http_server.route("/story/1", body=article_page("Harbour report 1", 8), headers=HTML)
    item = teaser(http_server, 1).replace("<guid>t-1</guid>", "<guid>tag:example.org,2026:1</guid>")
    http_server.route("/first.xml", Reply(200, rss(item), RSS, delay=0.4))  # answers last
    http_server.route("/second.xml", body=rss(item), headers=RSS)
    config = site(
        tmp_path,
        feed("First", http_server.url("/first.xml"), category="Harbour"),
        feed("Second", http_server.url("/second.xml"), category="Elsewhere"),
        fetch=PATIENT,
    )
    (story,) = build(config, DAY, now=NOW).digest.stories
    (report,) = story.reports
    assert len(report.paragraphs) == 8  # the page's text
    assert (report.origin, report.source, report.category) == ("First", "First", "Harbour")


def test_a_page_asked_for_on_two_threads_at_once_is_fetched_before_the_phase_ends(
    http_server: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker's result asks for its pages on the pool's thread as it comes back, and again
    # on the build's thread when the build takes it (``DayIntake.submit``): the second ask
    # must not return before the page is really asked for, or the phase may end first and
    # the page is never fetched (nor counted late).
    from digest.fulltext import FullText
    from digest.intake import PageWanted, SourceDay
    from digest.model import Article, Paragraph, Source

    http_server.route("/story/1", body=article_page("Harbour report 1", 8), headers=HTML)
    source = Source("Harbour", "feed", http_server.url("/feed.xml"), allow_private=True)
    article = Article(
        "k1", "Harbour", "Harbour report 1", (Paragraph("Report 1…"),), http_server.url("/story/1")
    )
    day = SourceDay("Harbour", ("k1",), (PageWanted(article, has_teaser=True, undated=False),))
    full_text = FullText(PATIENT)
    want = full_text.fetcher.want
    asking = threading.Event()

    def slow_on_another_thread(request: PageRequest) -> None:
        if threading.current_thread() is not threading.main_thread():
            asking.set()
            time.sleep(0.3)  # (a thread switch at the wrong moment)
        want(request)

    monkeypatch.setattr(full_text.fetcher, "want", slow_on_another_thread)
    with full_text:
        callback = threading.Thread(target=full_text.ask, args=(source, day))
        callback.start()
        asking.wait(5)
        full_text.ask(source, day)  # the build takes the result meanwhile
        pages = full_text.finish()
        callback.join(5)
    assert pages["k1"].value is not None and pages["k1"].value.article is not None


# --- PageFetcher alone ----------------------------------------------------------------------------


def test_a_refusing_host_is_tried_once_and_its_other_pages_are_not_tried() -> None:
    handled: list[str] = []
    fetcher: PageFetcher[str] = PageFetcher(
        FetchSettings(connect_timeout=1, total_timeout=2, workers=4),
        budget=5,
        handle=lambda request, result: handled.append(request.key) or "read",
    )
    port = closed_port()
    with fetcher:
        for number in range(5):
            url = f"http://127.0.0.1:{port}/{number}"
            fetcher.want(PageRequest(f"k{number}", "s", url, allow_private=True))
        pages = fetcher.finish()
    tried = [page for page in pages.values() if page.fetched is not None]
    assert len(tried) == 1 and tried[0].fetched.outcome == "failed"
    assert tried[0].fetched.attempts == 1  # a page is never retried
    assert sorted(p.not_tried for p in pages.values()) == ["", "host", "host", "host", "host"]
    assert all("refused" in p.problem for p in pages.values() if p.not_tried)
    assert handled == []


def test_a_host_refused_to_a_page_not_allowed_private_addresses_is_still_read_where_allowed(
    http_server: FixtureServer,
) -> None:
    # A feed from the internet links to a page on the user's network (refused), and so does
    # the intranet source allowed to reach it: its pages are still read, as fetch_all would
    http_server.route("/p/1", Reply(200, "<html><body><p>page</p></body></html>", HTML))
    with PageFetcher(
        FetchSettings(workers=2), budget=5, handle=lambda request, result: "read"
    ) as fetcher:
        fetcher.want(PageRequest("public", "Internet", http_server.url("/p/1"), False))
        fetcher.want(PageRequest("intranet", "Intranet", http_server.url("/p/1"), True))
        pages = fetcher.finish()
    assert pages["public"].fetched is not None and pages["public"].fetched.refused
    assert pages["intranet"].not_tried == "", pages["intranet"].problem
    assert pages["intranet"].value == "read"


def test_a_host_serves_two_pages_at_once_after_its_first(http_server: FixtureServer) -> None:
    busy = threading.Semaphore(0)
    most = [0]
    lock = threading.Lock()
    running = [0]

    def slow(request) -> Reply:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        busy.release()
        return Reply(200, "<html><body><p>page</p></body></html>", HTML)

    for number in range(6):
        http_server.route(f"/p/{number}", slow)

    def handle(request: PageRequest, result: FetchResult) -> str:
        return result.url

    with PageFetcher(FetchSettings(workers=8), budget=10, handle=handle) as fetcher:
        for number in range(6):
            fetcher.want(PageRequest(f"k{number}", "s", http_server.url(f"/p/{number}"), True))
        pages = fetcher.finish()
    assert {page.value for page in pages.values()} == {http_server.url(f"/p/{n}") for n in range(6)}
    assert most[0] == 2  # the first alone, then two at a time: never eight on one site


def test_a_page_whose_time_out_is_noticed_before_the_phase_ends_is_still_late(
    http_server: FixtureServer,
) -> None:
    """The page's request ends at the budget's deadline: whether its thread notices the time-out
    before ``finish`` wakes or after, the page is out of time (late), not a failed fetch."""
    http_server.route("/p/1", Reply(200, "<html><body><p>page</p></body></html>", HTML, delay=10))
    handled: list[str] = []
    fetcher: PageFetcher[str] = PageFetcher(
        FetchSettings(total_timeout=10, workers=2),
        budget=0.1,
        handle=lambda request, result: handled.append(request.key) or "read",
    )
    with fetcher:
        fetcher.want(PageRequest("k1", "s", http_server.url("/p/1"), allow_private=True))
        time.sleep(0.5)  # well past the budget: the thread has (almost always) seen its time-out
        pages = fetcher.finish()
    assert pages["k1"].not_tried == "time" and pages["k1"].fetched is None
    assert fetcher.timed_out == 1
    assert handled == []


def test_an_aggregators_unread_pages_are_counted_under_the_feed_not_each_publisher(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # Each item names its publisher (RSS <source>) and is shown as theirs; the pages that
    # could not be read are the feed's, whose settings fetch them: counted by publisher, the
    # report read "(Reuters 2, BBC News 1 and 1 more source)" for one feed.
    publishers = ["Reuters", "BBC News", "Reuters", "The Herald"]
    items = []
    for number, publisher in enumerate(publishers, start=1):
        http_server.route(f"/story/{number}", Reply(404))
        named = f'<source url="https://{number}.example/rss">{publisher}</source></item>'
        items.append(teaser(http_server, number).replace("</item>", named))
    http_server.route("/feed.xml", body=rss(*items), headers=RSS)
    config = site(tmp_path, feed("Harbour news", http_server.url("/feed.xml")), fetch=PATIENT)
    result = build(config, DAY, now=NOW)

    assert {s.lead.source for s in result.digest.stories} == set(publishers)  # shown as theirs
    assert len(result.unread_pages) == 4
    assert {p.source for p in result.unread_pages} == {"Harbour news"}


def test_pages_are_cleaned_on_the_worker_processes_as_the_build_would_clean_them(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What wanted its page is cleaned once every source is read, when the worker processes
    # have nothing left to do: there, as it would be here.
    from digest import intake, pipeline

    for number in range(1, 13):
        if number % 4:
            page = article_page(f"Harbour report {number}")
            http_server.route(f"/story/{number}", body=page, headers=HTML)
        else:
            http_server.route(f"/story/{number}", Reply(404))  # its teaser stands
    for path, numbers in (("/a.xml", range(1, 7)), ("/b.xml", range(7, 13))):
        http_server.route(path, body=rss(*(teaser(http_server, n) for n in numbers)), headers=RSS)
    sources = (feed("Harbour", http_server.url("/a.xml")), feed("Quay", http_server.url("/b.xml")))
    alone = build(site(tmp_path / "alone", *sources, fetch=PATIENT), DAY, now=NOW)

    monkeypatch.setattr(pipeline, "pool_workers", lambda remote: 2)
    monkeypatch.setattr(intake, "POOL_MIN_SOURCES", 0)  # every body to the workers
    monkeypatch.setattr(intake, "POOL_START_AT", 1)
    monkeypatch.setattr(intake, "CLEAN_ON_WORKERS_AT", 1)
    cleaned_there: list[bool] = []
    clean_all = intake.IntakePool.clean_all

    def counted(pool: intake.IntakePool, *args: object) -> object:
        done = clean_all(pool, *args)  # type: ignore[arg-type]
        cleaned_there.append(done is not None)
        return done

    monkeypatch.setattr(intake.IntakePool, "clean_all", counted)
    pooled = build(site(tmp_path / "pooled", *sources, fetch=PATIENT), DAY, now=NOW)
    assert cleaned_there == [True]
    assert pooled.new_articles == alone.new_articles == 12
    assert pooled.digest == alone.digest
    texts = {p.text for s in alone.digest.stories for r in s.reports for p in r.paragraphs}
    assert any(text.startswith("Paragraph 6 of the full report") for text in texts)
