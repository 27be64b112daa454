"""News sitemaps (digest.sources.kinds.sitemap): parsed alone, and read by real builds from a
real HTTP server on 127.0.0.1. Fixtures: tests/fixtures/sitemaps/ (its README says what each
one is)."""

from __future__ import annotations

import datetime as dt
import gzip
import tomllib
from pathlib import Path

import pytest
from fakeinternet import PUBLIC, FakeInternet
from httpserver import FixtureServer

from digest import usecases
from digest.config import Config, ConfigError, FetchConfig, StoriesConfig, load_config, parse_config
from digest.config.reference import reference
from digest.model import Source
from digest.pipeline import build
from digest.sources.errors import SourceError
from digest.sources.kinds.sitemap import MAX_UNZIPPED_BYTES, read_sitemap
from digest.sources.opml import export_opml, parse_opml
from digest.state import State

FIXTURES = Path(__file__).parent / "fixtures" / "sitemaps"
DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
# The test server is on 127.0.0.1, outside the public internet: allowed, as an intranet is.
FAST = FetchConfig(timeout=1.5, retries=1, connect_timeout=1.0, allow_private=True)
XML = {"Content-Type": "application/xml; charset=utf-8"}
GZIP = {"Content-Type": "application/x-gzip"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
GAZETTE = "https://gazette.example.org"
RECENT = [
    "/2026/11/21/harbour-bridge-reopens",
    "/2026/11/21/council-budget-vote",
    "/2026/11/21/school-meals",
    "/2026/11/20/weather-warning",
]
OLD = "/2026/11/18/ferry-timetable"


def fixture(name: str, site: str = GAZETTE) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{site}", site.encode())


def article_page(title: str, paragraphs: int = 6) -> str:
    """An article page as a news site serves it: the text a sitemap entry does not carry."""
    body = "".join(
        f"<p>Paragraph {n} of the full report on {title.lower()} explains what the council "
        "decided, and why the vote was so close this time.</p>"
        for n in range(1, paragraphs + 1)
    )
    return (
        f"<html><head><title>{title}</title><meta property='og:type' content='article'>"
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def serve(server: FixtureServer, path: str, name: str, **reply: object) -> str:
    server.route(path, body=fixture(name, server.url("")), headers=XML, **reply)
    return server.url(path)


def serve_pages(server: FixtureServer, *paths: str) -> None:
    for path in paths:
        title = path.rsplit("/", 1)[1].replace("-", " ").capitalize()
        server.route(path, body=article_page(title), headers=HTML)


def sitemap(name: str, url: str, **options: object) -> Source:
    return Source(name, "sitemap", url, options=options)


def site(tmp_path: Path, *sources: Source, **changes: object) -> Config:
    # One story per article: the pages are written from one template, near-copies that
    # grouping would rightly fold together (grouping has its own tests).
    settings: dict[str, object] = {
        "fetch": FAST,
        "stories": StoriesConfig(enabled=False),
        **changes,
    }
    return Config(
        title="Test Digest",
        sources=sources,
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
        **settings,  # type: ignore[arg-type]
    )


def headlines(result) -> set[str]:
    return {story.headline for story in result.digest.stories}


# --- the document ------------------------------------------------------------------------------


def test_every_news_field_of_a_sitemap_is_read() -> None:
    parsed = read_sitemap(fixture("news-sitemap.xml"))
    assert parsed.children == () and parsed.warnings == ()
    assert [e.loc for e in parsed.entries] == [
        GAZETTE + "/2026/11/21/harbour-bridge-reopens",
        GAZETTE + "/2026/11/21/council-budget-vote?utm_source=sitemap",
        GAZETTE + "/2026/11/21/school-meals",
        GAZETTE + "/2026/11/20/weather-warning",
        GAZETTE + OLD,
    ]
    bridge, council, meals, weather, _ = parsed.entries
    assert bridge.title == "Harbour bridge reopens after two years of repairs"
    assert bridge.lastmod == dt.datetime(2026, 11, 21, 7, 12, tzinfo=dt.UTC)
    assert bridge.published == dt.datetime(2026, 11, 21, 6, 45, tzinfo=dt.UTC)
    assert (bridge.publication, bridge.language) == ("The Harbour Gazette", "en")
    assert bridge.keywords == ("harbour", "bridge", "transport")
    assert council.title == "Council passes budget & ferry fares freeze"  # CDATA
    assert meals.title.endswith("primary pupil & their siblings")  # an entity
    assert meals.keywords == ("schools", "education")
    # an address with only a <lastmod>: no news fields, and no image title taken for one
    assert (weather.title, weather.published, weather.keywords) == ("", None, ())
    assert weather.listed == dt.datetime(2026, 11, 20, 22, 40, tzinfo=dt.UTC)


def test_a_sitemap_index_lists_its_sitemaps() -> None:
    index = read_sitemap(fixture("sitemap-index.xml"))
    assert index.entries == ()
    assert [c.loc.rsplit("/", 1)[1] for c in index.children] == [
        f"news-2026-11-{day}.xml.gz" for day in (18, 19, 20, 21)
    ]
    assert index.children[-1].lastmod == dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)


def test_a_gzip_compressed_sitemap_is_read_and_a_gzip_bomb_refused() -> None:
    packed = gzip.compress(fixture("news-sitemap.xml"))
    assert len(read_sitemap(packed).entries) == 5
    with pytest.raises(SourceError, match="larger than 50 MB uncompressed") as caught:
        read_sitemap(gzip.compress(b"<urlset>" + b" " * MAX_UNZIPPED_BYTES))
    assert caught.value.advice


def test_addresses_that_are_not_http_and_dates_that_are_not_dates_are_left_out() -> None:
    parsed = read_sitemap(fixture("malformed/unsafe-locs.xml"))
    assert [(e.loc, e.lastmod) for e in parsed.entries] == [(GAZETTE + "/2026/11/21/fine", None)]
    assert parsed.warnings == ("left out 3 <url> entry(ies) without an http(s) <loc>",)


def test_entities_are_never_expanded() -> None:
    try:
        parsed = read_sitemap(fixture("malformed/entities.xml"))
    except SourceError:
        return  # refusing the file is fine too
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Leak:", "Laughs:"]  # the references are dropped, never expanded


def test_a_reference_to_half_a_character_is_dropped_and_the_entry_kept() -> None:
    """``&#xD800;`` names no character; lxml kept it as bytes no text could be read from, and
    the UnicodeDecodeError lost the whole sitemap (an index: every sitemap it lists)."""
    urlset = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>https://news.example/a&#xD800;</loc><lastmod>2026-11-21&#56320;</lastmod>"
        b"<news:news><news:title>Harbour &#xDBFF;bridge</news:title></news:news></url>"
        b"<url><loc>https://news.example/b</loc></url></urlset>"
    )
    parsed = read_sitemap(urlset)
    assert [(e.loc, e.title) for e in parsed.entries] == [
        ("https://news.example/a", "Harbour bridge"),
        ("https://news.example/b", ""),
    ]
    assert parsed.entries[0].lastmod == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>https://news.example/news&#xDC00;.xml</loc></sitemap></sitemapindex>"
    )
    assert [c.loc for c in read_sitemap(index).children] == ["https://news.example/news.xml"]


def test_a_cut_short_sitemap_is_read_as_far_as_it_goes_with_a_warning() -> None:
    parsed = read_sitemap(fixture("malformed/truncated.xml"))
    assert [e.loc.rsplit("/", 1)[1] for e in parsed.entries][:2] == [
        "harbour-bridge-reopens",
        "council-budget-vote?utm_source=sitemap",
    ]
    (warning,) = parsed.warnings
    assert warning.startswith("the sitemap is malformed XML")


@pytest.mark.parametrize(
    ("name", "problem", "advice"),
    [
        ("malformed/not-a-sitemap.html", "not a sitemap: an HTML page", "robots.txt"),
        ("malformed/feed.xml", "not a sitemap: a feed", 'kind = "feed"'),
        ("malformed/access-denied.xml", "not a sitemap: the document is <Error>", "browser"),
        ("malformed/unavailable.txt", "not a sitemap: the XML is malformed", "browser"),
        ("malformed/damaged.xml.gz", "not a sitemap: a damaged gzip file", "browser"),
        ("malformed/empty-index.xml", "the sitemap index lists no sitemaps", "browser"),
    ],
)
def test_what_is_not_a_sitemap_is_said_with_what_to_do(
    name: str, problem: str, advice: str
) -> None:
    with pytest.raises(SourceError) as caught:
        read_sitemap(fixture(name))
    assert caught.value.problem.startswith(problem)
    assert advice in caught.value.advice


def test_an_empty_body_is_not_a_sitemap() -> None:
    with pytest.raises(SourceError, match="the sitemap is empty"):
        read_sitemap(b"  \n")


# --- builds over HTTP ---------------------------------------------------------------------------


def test_a_build_takes_each_recent_address_with_the_text_of_its_page(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    serve_pages(http_server, *RECENT, OLD)
    config = site(tmp_path, Source("Gazette", "sitemap", url, category="News/Local"))
    result = build(config, DAY, now=NOW)

    assert result.digest.failures == ()
    assert headlines(result) == {
        "Harbour bridge reopens after two years of repairs",
        "Council passes budget & ferry fares freeze",
        "Free school meals extended to every primary pupil & their siblings",
        "Weather warning",  # no news:title: the page's own
    }
    leads = {story.lead.url: story.lead for story in result.digest.stories}
    bridge = leads[http_server.url(RECENT[0])]
    assert bridge.published == dt.datetime(2026, 11, 21, 6, 45, tzinfo=dt.UTC)
    assert len(bridge.paragraphs) == 6 and bridge.summary[0].startswith(
        "Paragraph 1 of the full report"
    )
    assert {lead.category for lead in leads.values()} == {"News/Local"}
    # the three-day-old address is the new source's backlog: remembered, its page not fetched
    assert http_server.requests_to(OLD) == []
    assert [len(http_server.requests_to(path)) for path in RECENT] == [1, 1, 1, 1]
    later = build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert later.digest.stories == () and http_server.requests_to(OLD) == []


def test_a_rerun_leaves_out_what_the_sitemap_lists_as_older_than_its_last_read(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    serve_pages(http_server, *RECENT, "/2026/11/21/ferry-strike", "/2026/11/20/backdated")
    config = site(tmp_path, sitemap("Gazette", url))
    build(config, DAY, now=NOW)
    with State.open(config.state) as state:
        record = state.source("Gazette")
        assert record is not None and record.cursor == {"newest": "2026-11-21T07:12:00+00:00"}

    added = (
        "<url><loc>{site}/2026/11/21/ferry-strike</loc><lastmod>2026-11-21T09:30:00Z</lastmod>"
        "<news:news><news:title>Ferry crews strike</news:title></news:news></url>"
        # added late, but listed as older than the last read: taken for one already seen
        "<url><loc>{site}/2026/11/20/backdated</loc><lastmod>2026-11-20T12:00:00Z</lastmod>"
        "</url></urlset>"
    ).replace("{site}", http_server.url(""))
    body = fixture("news-sitemap.xml", http_server.url("")).replace(b"</urlset>", added.encode())
    http_server.route("/news-sitemap.xml", body=body, headers=XML)
    later = build(config, DAY, now=NOW + dt.timedelta(hours=2))
    assert "Ferry crews strike" in headlines(later)
    assert http_server.requests_to("/2026/11/20/backdated") == []
    assert [len(http_server.requests_to(path)) for path in RECENT] == [1, 1, 1, 1]
    with State.open(config.state) as state:
        record = state.source("Gazette")
        assert record is not None and record.cursor == {"newest": "2026-11-21T09:30:00+00:00"}


def test_an_address_dated_ahead_does_not_make_later_listings_look_old() -> None:
    # A sitemap may list an article dated hours ahead (a live page dated for the evening's
    # event, a scheduled piece): the next read must still take what is listed after it
    # with a date of its own, not skip it as "older than the last read".
    from digest.sources.kinds.base import Cursor, Fetched
    from digest.sources.kinds.sitemap import KIND

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)  # the clock the parser reads

    def body(*entries: tuple[str, dt.datetime]) -> bytes:
        urls = "".join(
            f"<url><loc>{GAZETTE}{path}</loc><lastmod>{when.isoformat()}</lastmod></url>"
            for path, when in entries
        )
        return (
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
        )

    source = sitemap("Gazette", GAZETTE + "/news-sitemap.xml")
    ahead = ("/live/election-night", now + dt.timedelta(hours=12))
    first = KIND.parse(source, Fetched(source.location, body(ahead)), Cursor())
    assert [a.url for a in first.articles] == [GAZETTE + ahead[0]]
    listed_later = ("/2026/ferry-strike", now - dt.timedelta(minutes=30))
    second = KIND.parse(
        source, Fetched(source.location, body(ahead, listed_later)), Cursor(data=first.cursor)
    )
    assert GAZETTE + listed_later[0] in [a.url for a in second.articles]
    # a cursor an earlier digest stored ahead of its read is taken back to now
    stored = Cursor(data={"newest": (now + dt.timedelta(hours=12)).isoformat()})
    third = KIND.parse(source, Fetched(source.location, body(ahead, listed_later)), stored)
    assert GAZETTE + listed_later[0] in [a.url for a in third.articles]


def test_an_index_is_followed_to_its_newest_sitemaps_gzipped_or_not(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    index = serve(http_server, "/sitemap-index.xml", "sitemap-index.xml")
    for day in (18, 19, 20):
        packed = gzip.compress(fixture(f"news-2026-11-{day}.xml", http_server.url("")))
        http_server.route(f"/sitemaps/news-2026-11-{day}.xml.gz", body=packed, headers=GZIP)
    # the newest one is compressed for the transfer instead, as a server may do
    http_server.route(
        "/sitemaps/news-2026-11-21.xml.gz",
        body=gzip.compress(fixture("news-2026-11-21.xml", http_server.url(""))),
        headers={**XML, "Content-Encoding": "gzip"},
    )
    reports = [f"/2026/11/{d}/{t}-report" for d in (18, 19, 20, 21) for t in ("morning", "evening")]
    serve_pages(http_server, *reports)
    config = site(tmp_path, sitemap("Gazette", index, sitemaps=2))
    first = build(config, DAY, now=NOW)
    assert first.digest.failures == ()
    assert headlines(first) == {"Morning report for 2026-11-21", "Evening report for 2026-11-20"}
    fetched = {
        day: len(http_server.requests_to(f"/sitemaps/news-2026-11-{day}.xml.gz"))
        for day in (18, 19, 20, 21)
    }
    assert fetched == {18: 0, 19: 0, 20: 1, 21: 1}  # the two newest only

    # nothing changed: the index is read again, its sitemaps are not
    build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(http_server.requests_to("/sitemap-index.xml")) == 2
    assert len(http_server.requests_to("/sitemaps/news-2026-11-20.xml.gz")) == 1
    assert len(http_server.requests_to("/sitemaps/news-2026-11-21.xml.gz")) == 1

    # the day's sitemap changed: only it is fetched again
    evening = (
        "<url><loc>{site}/2026/11/21/evening-report</loc><lastmod>2026-11-21T18:30:00Z</lastmod>"
        "<news:news><news:title>Evening report for 2026-11-21</news:title></news:news></url>"
    ).replace("{site}", http_server.url(""))
    day_map = fixture("news-2026-11-21.xml", http_server.url("")).replace(
        b"</urlset>", evening.encode() + b"</urlset>"
    )
    http_server.route("/sitemaps/news-2026-11-21.xml.gz", body=gzip.compress(day_map), headers=GZIP)
    changed = fixture("sitemap-index.xml", http_server.url("")).replace(
        b"2026-11-21T08:00:00Z", b"2026-11-21T18:35:00Z"
    )
    http_server.route("/sitemap-index.xml", body=changed, headers=XML)
    evening_build = build(config, DAY, now=NOW + dt.timedelta(hours=10))
    assert "Evening report for 2026-11-21" in headlines(evening_build)
    assert len(http_server.requests_to("/sitemaps/news-2026-11-20.xml.gz")) == 1
    assert len(http_server.requests_to("/sitemaps/news-2026-11-21.xml.gz")) == 2


def test_a_sitemap_of_the_index_that_cannot_be_read_costs_only_its_own_addresses(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    index = serve(http_server, "/sitemap-index.xml", "sitemap-index.xml")
    packed = gzip.compress(fixture("news-2026-11-21.xml", http_server.url("")))
    http_server.route("/sitemaps/news-2026-11-21.xml.gz", body=packed, headers=GZIP)
    # news-2026-11-20.xml.gz is missing: the server answers 404
    serve_pages(http_server, "/2026/11/21/morning-report")
    config = site(tmp_path, sitemap("Gazette", index, sitemaps=2))
    result = build(config, DAY, now=NOW)
    assert headlines(result) == {"Morning report for 2026-11-21"}
    assert any("news-2026-11-20.xml.gz not read" in w and "404" in w for w in result.warnings)
    with State.open(config.state) as state:
        record = state.source("Gazette")
        assert record is not None and record.cursor == {}  # not moved past the missing one

    http_server.route("/sitemaps/news-2026-11-21.xml.gz", status=404)
    failed = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    (failure,) = failed.digest.failures
    assert failure.source == "Gazette"
    assert failure.problem.startswith("none of the 2 sitemap(s) the index lists could be read")
    assert failure.advice


def test_past_full_text_limit_the_other_addresses_wait_for_the_next_run(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    serve_pages(http_server, *RECENT)
    config = site(
        tmp_path,
        sitemap("Gazette", url),
        fetch=FetchConfig(timeout=1.5, full_text_limit=2, allow_private=True),
    )
    first = build(config, DAY, now=NOW)
    assert len(first.digest.stories) == 2  # the two newest
    assert any("2 article(s) wait for the next run" in w for w in first.warnings)
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(second.digest.stories) == 4  # the day now holds all four
    assert not any("wait for the next run" in w for w in second.warnings)
    assert [len(http_server.requests_to(path)) for path in RECENT] == [1, 1, 1, 1]
    with State.open(config.state) as state:
        record = state.source("Gazette")
        assert record is not None and record.cursor == {"newest": "2026-11-21T07:12:00+00:00"}


def test_a_page_that_cannot_be_fetched_is_skipped_with_a_warning_and_not_tried_again(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    serve_pages(http_server, *RECENT[1:])  # the bridge story's page is missing
    config = site(tmp_path, sitemap("Gazette", url))
    result = build(config, DAY, now=NOW)
    assert len(result.digest.stories) == 3
    assert any(
        RECENT[0] in w and "not fetched" in w and "404" in w and "skipped" in w
        for w in map(str, result.unread_pages)
    )
    build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(http_server.requests_to(RECENT[0])) == 1


def test_a_sitemap_on_the_internet_cannot_lead_digest_into_the_local_network(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # A public sitemap index whose sitemaps, and a public sitemap whose articles, are on the
    # local network: none of them is fetched, and each refusal says which address and why.
    internet = FakeInternet()
    internet.name("gazette.example", PUBLIC[0])
    internet.name("intranet.example", "10.0.0.7")
    public, private = (
        f"http://{h}:{http_server.port}" for h in ("gazette.example", "intranet.example")
    )
    for name in ("sitemap-index.xml", "news-sitemap.xml"):  # each listing private addresses
        http_server.route(f"/{name}", body=fixture(name, private), headers=XML)
    serve_pages(http_server, *RECENT)
    fetch = FetchConfig(timeout=1.5, retries=0, network=internet)
    config = site(
        tmp_path,
        sitemap("Index", f"{public}/sitemap-index.xml"),
        sitemap("Gazette", f"{public}/news-sitemap.xml"),
        fetch=fetch,
    )
    result = build(config, DAY, now=NOW)
    assert result.digest.stories == ()
    assert sorted(r.path for r in http_server.requests) == [
        "/news-sitemap.xml",
        "/sitemap-index.xml",
    ]
    # only the public address: once, or twice when the two sources' requests ran side by side
    # (one after the other, the second takes the first's kept-alive connection)
    assert internet.connected in ([PUBLIC[0]], [PUBLIC[0], PUBLIC[0]])
    refusal = "intranet.example resolves to 10.0.0.7, a private network address"
    (failure,) = result.digest.failures
    assert failure.source == "Index" and failure.problem.startswith("none of the 3 sitemap(s)")
    assert "news-2026-11-21.xml.gz not read: not fetched: " + refusal in failure.problem
    # the articles the sitemap lists are pages not read: left out, said once in the report
    assert any(
        refusal in page.problem and RECENT[0] in page.url and not page.teaser_kept
        for page in result.unread_pages
    )


def test_each_broken_sitemap_fails_alone_with_what_to_do(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    good = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    serve_pages(http_server, *RECENT)
    broken = {
        "Page": serve(http_server, "/page", "malformed/not-a-sitemap.html"),
        "Feed": serve(http_server, "/feed", "malformed/feed.xml"),
        "Denied": serve(http_server, "/denied", "malformed/access-denied.xml"),
        "Text": serve(http_server, "/text", "malformed/unavailable.txt"),
        "Damaged": serve(http_server, "/damaged.xml.gz", "malformed/damaged.xml.gz"),
        "Empty index": serve(http_server, "/empty-index", "malformed/empty-index.xml"),
        "Missing": http_server.url("/missing.xml"),
    }
    config = site(
        tmp_path,
        sitemap("Gazette", good),
        *(sitemap(name, url) for name, url in broken.items()),
        Source("Gazette feed", "feed", http_server.url("/feed")),  # the feed, as a feed: fine
    )
    result = build(config, DAY, now=NOW)
    assert len(result.digest.stories) == 5  # the good sitemap's four, the feed's one
    failures = {f.source: f for f in result.digest.failures}
    assert set(failures) == set(broken)
    assert failures["Page"].problem == "not a sitemap: an HTML page"
    assert failures["Feed"].advice == 'read it as a feed: kind = "feed"'
    assert "404" in failures["Missing"].problem
    assert all(f.advice for f in failures.values())
    page = (config.output / "2026-11-21.html").read_text("utf-8")
    assert all(name in page for name in broken)  # listed in the digest's footer


def test_a_cut_short_sitemap_still_brings_what_it_lists(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    url = serve(http_server, "/news-sitemap.xml", "malformed/truncated.xml")
    serve_pages(http_server, *RECENT)
    result = build(site(tmp_path, sitemap("Gazette", url)), DAY, now=NOW)
    assert result.digest.failures == () and len(result.digest.stories) >= 2
    assert any(w.startswith("Gazette: the sitemap is malformed XML") for w in result.warnings)


# --- config, OPML and the command line ------------------------------------------------------------


def test_a_sitemap_source_in_the_config(tmp_path: Path) -> None:
    text = '[[sources]]\nkind = "sitemap"\nurl = "https://gazette.example.org/news-sitemap.xml"\n'
    (source,) = parse_config(tomllib.loads(text), base=tmp_path, strict=True).sources
    assert (source.name, source.kind, dict(source.options)) == (
        "gazette.example.org",
        "sitemap",
        {"sitemaps": 3},
    )
    with pytest.raises(ConfigError, match="a sitemap source needs a 'url', not a 'path'"):
        entry = '[[sources]]\nkind = "sitemap"\npath = "."\n'
        parse_config(tomllib.loads(entry), base=tmp_path, strict=True)
    with pytest.raises(
        ConfigError, match=r"\[\[sources\]\] #1: key 'sitemaps' must be an integer from 1"
    ):
        parse_config(tomllib.loads(text + "sitemaps = 0\n"), base=tmp_path, strict=True)
    assert '"sitemap"' in reference()
    assert "| `sitemaps` (sitemap) | an integer from 1 to 50 | `3` |" in reference()


def test_a_sitemap_source_round_trips_through_opml() -> None:
    source = Source("Gazette", "sitemap", GAZETTE + "/news-sitemap.xml", category="News")
    exported = export_opml([source])
    assert b'type="sitemap"' in exported and b"xmlUrl" not in exported
    assert parse_opml(exported).sources == (source,)


def test_sources_add_kind_sitemap_writes_the_kind(tmp_path: Path) -> None:
    path = tmp_path / "digest.toml"
    path.write_text("sources = []\n", encoding="utf-8")
    usecases.add_source(path, GAZETTE + "/news-sitemap.xml", kind="sitemap")
    (source,) = load_config(path).sources
    assert (source.kind, source.location) == ("sitemap", GAZETTE + "/news-sitemap.xml")
    assert 'kind = "sitemap"' in path.read_text("utf-8")


def test_addresses_another_source_brought_first_wait_for_that_source_alone(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    # Two sources list the same articles: past full_text_limit they wait for the first one
    # (in config order), which says so and is read in full next time; the second neither
    # says it nor loses its validators for them
    url = serve(http_server, "/news-sitemap.xml", "news-sitemap.xml")
    mirror = http_server.url("/mirror-sitemap.xml")
    http_server.route(
        "/mirror-sitemap.xml",
        body=fixture("news-sitemap.xml", http_server.url("")),
        headers={**XML, "ETag": '"m"'},
    )
    serve_pages(http_server, *RECENT)
    config = site(
        tmp_path,
        sitemap("Gazette", url),
        sitemap("Mirror", mirror),
        fetch=FetchConfig(timeout=1.5, full_text_limit=2, allow_private=True),
    )
    first = build(config, DAY, now=NOW)
    assert len(first.digest.stories) == 2
    waiting = [w for w in first.warnings if "wait for the next run" in w]
    assert len(waiting) == 1 and waiting[0].startswith("Gazette: 2 article(s)"), waiting
    with State.open(config.state) as state:
        gazette, mirrored = state.source("Gazette"), state.source("Mirror")
        assert gazette is not None and mirrored is not None
        assert mirrored.etag == '"m"'  # kept: nothing of its own waits
    second = build(config, DAY, now=NOW + dt.timedelta(hours=1))
    assert len(second.digest.stories) == 4  # the first source took them up
    assert not any("wait for the next run" in w for w in second.warnings)
