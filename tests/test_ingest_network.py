"""The network policy in real builds: a source on the internet never reaches the local network.

``FakeInternet`` gives test names addresses: ``news.example`` a public one, and
``intranet.example`` one on the local network (10.0.0.7), both served by the real test
server on 127.0.0.1. Nothing here touches the internet."""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from fakeinternet import PUBLIC, FakeInternet
from httpserver import FixtureServer

from digest import usecases
from digest.config import Config, EmailConfig, FetchConfig, StoriesConfig, parse_config
from digest.model import Source
from digest.pipeline import build
from digest.state import State

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}
SECRET = "hunter2"
ADVICE = "set allow_private = true on it in the config"

pytestmark = pytest.mark.usefixtures("no_proxies")


def rss(*items: tuple[str, str], title: str = "Harbour News") -> str:
    """A feed of (title, text) items, each an hour older than the one before."""
    entries = "".join(
        f"<item><title>{escape(head)}</title><guid isPermaLink='false'>{escape(head)}</guid>"
        f"<link>https://news.example.org/{n}</link>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=n + 1))}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for n, (head, text) in enumerate(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://news.example.org/</link><description>d</description>{entries}"
        "</channel></rss>"
    )


GOOD = (
    "Harbour bridge reopens",
    "The harbour authority said on Friday that the bridge had reopened after two years of "
    "repairs, ahead of the winter storms.",
)
INTERNAL = (
    "Payroll run",
    f"The payroll service password is {SECRET}; the admin console lists every salary.",
)


@pytest.fixture
def internet() -> FakeInternet:
    internet = FakeInternet()
    internet.name("news.example", PUBLIC[0])
    internet.name("other.example", PUBLIC[1])
    internet.name("intranet.example", "10.0.0.7")
    return internet


def config(tmp_path: Path, internet: FakeInternet, *sources: Source, **fetch: object) -> Config:
    return Config(
        title="Test Digest",
        sources=sources,
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
        stories=StoriesConfig(enabled=False),
        fetch=FetchConfig(timeout=2.0, retries=0, network=internet, **fetch),  # type: ignore[arg-type]
        email=EmailConfig(
            sender="Digest <digest@example.org>",
            recipients=("ana@example.org",),
            smtp_host="127.0.0.1",
        ),
    )


def feed(name: str, url: str, **options: object) -> Source:
    return Source(name=name, kind="feed", location=url, **options)  # type: ignore[arg-type]


def everything_published(config: Config, tmp_path: Path) -> str:
    """The day page, the index, feed.atom and the email, as one text."""
    written = usecases.send_day(config, DAY, to_file=tmp_path / "day.eml", now=NOW)
    assert written.written is not None
    mail = (tmp_path / "day.eml").read_bytes().decode("utf-8", "replace")
    pages = [config.output / name for name in ("2026-11-21.html", "index.html", "feed.atom")]
    return "\n".join([mail, *(page.read_text(encoding="utf-8") for page in pages)])


# --- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_feed_redirecting_into_the_local_network_publishes_nothing_from_it(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet, status: int
) -> None:
    port = http_server.port
    http_server.route(
        "/feed.xml", status=status, headers={"Location": f"http://intranet.example:{port}/x.xml"}
    )
    http_server.route("/x.xml", body=rss(INTERNAL, title="Intranet"), headers=RSS)
    http_server.route("/good.xml", body=rss(GOOD), headers=RSS)
    site = config(
        tmp_path,
        internet,
        feed("Harbour", f"http://news.example:{port}/feed.xml"),
        feed("Other", f"http://other.example:{port}/good.xml"),
    )
    result = build(site, DAY, now=NOW)

    assert [s.headline for s in result.digest.stories] == ["Harbour bridge reopens"]
    (failure,) = result.digest.failures
    assert failure.source == "Harbour"
    assert failure.problem == (
        f"refused the redirect to http://intranet.example:{port}/x.xml: intranet.example "
        "resolves to 10.0.0.7, a private network address"
    )
    assert ADVICE in failure.advice
    assert http_server.requests_to("/x.xml") == []
    assert "10.0.0.7" not in internet.connected
    published = everything_published(site, tmp_path)
    assert SECRET not in published and "Payroll" not in published
    # the footer says which source, and only roughly why: the address it was led to names
    # the operator's network, which the build's report tells the operator
    assert "<strong>Harbour</strong>: could not be downloaded" in published
    assert "intranet.example" not in published and "10.0.0.7" not in published
    with State.open(site.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.fetch_url is None and record.etag is None


def test_a_301_to_a_refused_address_is_never_stored_and_the_configured_one_is_read_again(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet
) -> None:
    port = http_server.port
    http_server.route(
        "/feed.xml", status=301, headers={"Location": f"http://intranet.example:{port}/x.xml"}
    )
    http_server.route("/x.xml", body=rss(INTERNAL), headers=RSS)
    site = config(tmp_path, internet, feed("Harbour", f"http://news.example:{port}/feed.xml"))
    for run in range(3):
        result = build(site, DAY, now=NOW + dt.timedelta(hours=run))
        assert result.digest.failures[0].problem.startswith("refused the redirect")
        assert not any("moved permanently" in warning for warning in result.warnings)
    assert len(http_server.requests_to("/feed.xml")) == 3
    assert http_server.requests_to("/x.xml") == []
    with State.open(site.state) as state:
        record = state.source("Harbour")
        assert record is not None and record.fetch_url is None
        assert record.consecutive_failures == 3


def test_a_refused_address_stored_by_an_earlier_301_is_forgotten(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet
) -> None:
    # Stored while the source was allowed private addresses (or by a digest without the
    # network policy): once refused, the source starts again from its configured address.
    port = http_server.port
    http_server.route(
        "/feed.xml", status=301, headers={"Location": f"http://intranet.example:{port}/x.xml"}
    )
    http_server.route("/x.xml", body=rss(GOOD), headers=RSS)
    url = f"http://news.example:{port}/feed.xml"
    allowed = config(tmp_path, internet, feed("Harbour", url, allow_private=True))
    assert [s.headline for s in build(allowed, DAY, now=NOW).digest.stories] == [GOOD[0]]
    with State.open(allowed.state) as state:
        assert state.source("Harbour").fetch_url == f"http://intranet.example:{port}/x.xml"

    public = dataclasses.replace(allowed, sources=(feed("Harbour", url),))
    refused = build(public, DAY, now=NOW + dt.timedelta(hours=1))
    assert refused.digest.failures[0].problem.startswith("not fetched: intranet.example")
    with State.open(public.state) as state:
        assert state.source("Harbour").fetch_url is None
    assert len(http_server.requests_to("/feed.xml")) == 1
    build(public, DAY, now=NOW + dt.timedelta(hours=2))
    assert len(http_server.requests_to("/feed.xml")) == 2  # the configured address again
    assert len(http_server.requests_to("/x.xml")) == 1  # only while it was allowed


# --- what a source is allowed --------------------------------------------------------------


def test_a_source_named_on_the_local_network_is_read_only_when_allowed_and_says_how(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet
) -> None:
    http_server.route("/feed.xml", body=rss(GOOD), headers=RSS)
    internet.name("wiki.lan", "192.168.1.20")  # a name: where it points is DNS's say
    url = f"http://wiki.lan:{http_server.port}/feed.xml"

    refused = build(config(tmp_path / "a", internet, feed("Wiki", url)), DAY, now=NOW)
    (failure,) = refused.digest.failures
    assert failure.problem == (
        "not fetched: wiki.lan resolves to 192.168.1.20, a private network address"
    )
    assert failure.advice == (
        "digest reaches only public internet addresses; if this source is on your own network "
        "and you trust it, set allow_private = true on it in the config"
    )
    assert http_server.requests == []

    for folder, source, fetch in (
        ("b", feed("Wiki", url, allow_private=True), {}),
        ("c", feed("Wiki", url), {"allow_private": True}),
    ):
        allowed = build(config(tmp_path / folder, internet, source, **fetch), DAY, now=NOW)
        assert allowed.digest.failures == ()
        assert [s.headline for s in allowed.digest.stories] == [GOOD[0]]
    # a source's own "false" wins over the config's "true"
    own = config(tmp_path / "d", internet, feed("Wiki", url, allow_private=False))
    own = dataclasses.replace(own, fetch=dataclasses.replace(own.fetch, allow_private=True))
    assert build(own, DAY, now=NOW).digest.failures[0].problem.startswith("not fetched")


def test_an_address_written_as_this_machine_is_the_users_own_choice(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet
) -> None:
    """127.0.0.1 typed in the config cannot be moved by DNS: an intranet source, read as is,
    unless the source says allow_private = false (as an imported OPML file's entries do)."""
    http_server.route("/feed.xml", body=rss(GOOD), headers=RSS)
    url = http_server.url("/feed.xml")
    read = build(config(tmp_path / "a", internet, feed("Local", url)), DAY, now=NOW)
    assert read.digest.failures == ()
    assert [s.headline for s in read.digest.stories] == [GOOD[0]]
    closed = build(
        config(tmp_path / "b", internet, feed("Local", url, allow_private=False)), DAY, now=NOW
    )
    assert closed.digest.failures[0].problem == (
        "not fetched: 127.0.0.1 is a loopback address (this machine)"
    )


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("http://127.0.0.1:8080/feed.xml", True),
        ("http://localhost/rss", True),
        ("http://reader.localhost/rss", True),
        ("http://192.168.1.20/feed", True),
        ("http://10.0.0.7/feed", True),
        ("http://[::1]/feed", True),
        ("http://[fd00::7]/feed", True),
        ("http://[::ffff:192.168.1.20]/feed", True),
        ("http://169.254.169.254/latest/meta-data/", False),  # link-local: cloud metadata
        ("http://[fe80::1]/feed", False),
        ("http://0.0.0.0/feed", False),
        ("http://wiki.lan/feed", False),  # a name: DNS decides where it points
        ("https://news.example.org/feed", False),
        ("http://93.184.215.14/feed", False),
        ("not a url", False),
    ],
)
def test_which_addresses_name_the_users_own_network(url: str, own: bool) -> None:
    from digest.sources.http import names_own_network

    assert names_own_network(url) is own


def test_allow_private_is_a_key_of_a_source_and_of_fetch(tmp_path: Path) -> None:
    text = {
        "fetch": {"allow_private": True},
        "sources": [
            {"name": "Intranet", "url": "http://intranet.example/feed", "allow_private": True},
            {"name": "Public", "url": "https://news.example/feed"},
        ],
    }
    loaded = parse_config(text, base=tmp_path, strict=True)
    assert loaded.fetch.allow_private is True
    assert [s.allow_private for s in loaded.sources] == [True, None]
    with pytest.raises(Exception, match=r"allow_private' must be true or false"):
        parse_config({"fetch": {"allow_private": "yes"}}, base=tmp_path, strict=True)


# --- links found in what a source gives ----------------------------------------------------


def teaser(title: str, link: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Council</title>'
        f"<item><title>{title}</title><guid isPermaLink='false'>n-1</guid><link>{link}</link>"
        f"<pubDate>{format_datetime(NOW - dt.timedelta(hours=1))}</pubDate>"
        "<description>The harbour authority said on Friday that the council had met. "
        "Continue reading</description></item></channel></rss>"
    )


def article_page(head: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {n} of the council's notes says what was decided and why the vote "
        "was close, and who spoke for and against the plan.</p>"
        for n in range(6)
    )
    return (
        f"<html><head>{head}<title>Admin</title></head>"
        f"<body><article>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:{port}/secret.html",
        "http://intranet.example:{port}/secret.html",
        "http://news.example:{port}/redirect",  # a public page that redirects inward
    ],
)
def test_a_feed_from_the_internet_cannot_make_digest_fetch_a_private_page(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet, link: str
) -> None:
    port = http_server.port
    http_server.route("/secret.html", body=article_page(f"<!-- {SECRET} -->"), headers=HTML)
    http_server.route(
        "/redirect", status=302, headers={"Location": f"http://127.0.0.1:{port}/secret.html"}
    )
    http_server.route(
        "/feed.xml", body=teaser("Council notes", link.format(port=port)), headers=RSS
    )
    site = config(tmp_path, internet, feed("Council", f"http://news.example:{port}/feed.xml"))
    result = build(site, DAY, now=NOW)
    (story,) = result.digest.stories
    assert story.summary[0].text.startswith("The harbour authority said on Friday")
    assert http_server.requests_to("/secret.html") == []
    assert any(
        "full text of 'Council notes'" in str(page)
        and ("is a loopback address" in page.problem or "a private network address" in page.problem)
        for page in result.unread_pages
    )


def test_an_intranet_feed_allowed_private_addresses_may_link_within_it(
    http_server: FixtureServer, tmp_path: Path, internet: FakeInternet
) -> None:
    port = http_server.port
    http_server.route("/secret.html", body=article_page(), headers=HTML)
    http_server.route(
        "/feed.xml",
        body=teaser("Council notes", f"http://intranet.example:{port}/secret.html"),
        headers=RSS,
    )
    source = feed("Council", f"http://intranet.example:{port}/feed.xml", allow_private=True)
    (story,) = build(config(tmp_path, internet, source), DAY, now=NOW).digest.stories
    assert len(http_server.requests_to("/secret.html")) == 1
    assert "Paragraph 0 of the council's notes" in story.articles[0].body_text
