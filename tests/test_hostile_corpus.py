"""The hostile corpus end to end: every file of tests/fixtures/hostile/ served as a feed to one
real build, beside a good feed, through the day page, the Atom feed and the email.

The parser's own tests (test_feeds.py, test_feeds_entries.py, test_feeds_hardening.py,
test_feeds_jsonfeed.py) say what becomes of each file; this one holds the corpus's rule for a
whole run: a clear error or a clean skip for each file, never a traceback or a hang, and
nothing else lost: the good feed and the good entries of the hostile ones still reach the
digest, and nothing hostile reaches any output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from email.utils import format_datetime
from pathlib import Path

import pytest
from feedsamples import HOSTILE
from httpserver import FixtureServer
from lxml import etree
from mail_samples import Scan, make_config, parse, parts

from digest.config import Config, FetchConfig, StoriesConfig
from digest.mail import build_message
from digest.model import Source
from digest.pipeline import BuildResult, build
from digest.templating import make_environment

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
TYPES = {".xml": "application/xml", ".json": "application/feed+json"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}

# Each file that holds no feed, and how its failure begins.
UNUSABLE = {
    "binary-junk": "not a feed: binary data",
    "empty": "empty document",
    "html-page-not-feed": "not a feed: an HTML page",
    "jsonfeed-items-not-list": "invalid JSON Feed: 'items' is an object",
    "jsonfeed-truncated": "not a feed: truncated JSON",
    "whitespace-only": "empty document",
}

# Every entry the readable files hold, less the one cut off mid-item (held back for a read
# that gives it whole), the one whose title and text are only an entity digest does not
# expand, and the item that is only <title/>. Some files share a link
# (https://example.org/ok, /cafe): one link, one article, whichever feed carried it.
HEADLINES = {
    "Story number 1 about the harbour",  # the good feed
    "Innocent second item",  # billion-laughs.xml and quadratic-blowup.xml
    "blowup",  # quadratic-blowup.xml: its text is only the entity, its headline stands
    # empty-title.xml: each untitled entry is headed by its lead sentence
    "First sentence of an item whose title is empty",
    "Title is only whitespace",
    "Title is only HTML markup that strips to nothing",
    "No title element at all",
    "Normal item",
    # mixed-encodings.xml: every item, the valid UTF-8 intact, the NULs gone
    "UTF-8 item: Straße, 東京, emoji 🎉",
    "cp1252 item: “curly quotes” – dash … ellipsis",
    "latin-1 item: déjà vu, señor",
    "UTF-16 fragment",
    "Item with NUL and ESC and FF control chars",  # nul-bytes-in-feed.xml
    # odd-dates.xml: every entry kept, dated or not
    "1. RFC 822 two-digit year, named zone",
    "2. No weekday, single-digit day, military zone",
    "3. ISO 8601 without zone",
    "4. Unix epoch seconds",
    "5. Impossible day (30 Feb)",
    "6. German month and weekday names",
    "7. Wrong weekday for the date and lowercase month",
    "8. Out-of-range offset and 24:00",
    "9. Year 0001 and year 9999 (range edges)",
    "10. Far future",
    "11. Human text",
    "12. US slash format, ambiguous",
    # both wrong-encoding files carry this one entry
    "Über naïve “smart quotes” — and the € sign",
    "Complete first item",  # truncated.xml
    "Valid item among bad ones",  # jsonfeed-wrong-types.json
    # xss-content.xml and xss-content-atom.xml
    "Escaped HTML in description",
    "CDATA HTML in content:encoded",
    "Benign control item",
    "XHTML title",
    "Escaped HTML content",
    "Leaked:",  # xxe-local-file.xml: "Leaked: &xxe;", the entity left out
    "Entry after a hostile DTD",  # xxe-parameter-entity.xml
}

# What must appear in no output, whatever case it is written in.
NOWHERE = (
    "<script",
    "javascript:",
    "vbscript:",
    "data:text",
    "onerror=",
    "onload=",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<svg",
    "root:x:0:0",  # /etc/passwd, named by the XXE files
    "lollol",  # billion laughs, expanded
    "\x00",
    "\ufffd",  # a character lost to decoding
    "cafã©",  # mojibake
)
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "form", "svg", "img", "base"}


def good_feed() -> bytes:
    when = format_datetime(NOW - dt.timedelta(hours=2))
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Harbour News</title><link>https://news.example.org/</link>"
        "<item><title>Story number 1 about the harbour</title>"
        "<link>https://news.example.org/story/1</link><guid>story-1</guid>"
        f"<pubDate>{when}</pubDate><description>The harbour authority said on Monday that "
        "work on the pier would finish in spring, two years later than planned."
        "</description></item></channel></rss>"
    ).encode()


@pytest.fixture
def hostile_build(
    http_server: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_proxies: None
) -> tuple[Config, BuildResult, list[str]]:
    """A build of every hostile file and the good feed, and every name it looked up."""
    looked_up: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    sources = []
    for path in sorted(HOSTILE.iterdir()):
        if path.suffix not in TYPES:
            continue  # the README, and the big feeds' generator (test_feeds_hardening.py)
        served = {"Content-Type": TYPES[path.suffix]}
        http_server.route(f"/{path.name}", body=path.read_bytes(), headers=served)
        # The XSS feeds are unnamed, so that their own titles (with a script and an
        # onerror in them) are what the reader is shown as their source.
        named = not path.stem.startswith("xss-")
        sources.append(Source(path.stem, "feed", http_server.url(f"/{path.name}"), named=named))
    http_server.route("/good.xml", body=good_feed(), headers=RSS)
    sources.append(Source("Harbour News", "feed", http_server.url("/good.xml")))
    config = Config(
        title="Test Digest",
        sources=tuple(sources),
        output=tmp_path / "out",
        state=tmp_path / "state.sqlite",
        # The test server is on 127.0.0.1; no article page is fetched (their links are
        # on example.org); every entry of a new feed is taken, however old.
        fetch=FetchConfig(timeout=5, retries=0, allow_private=True, full_text_limit=0),
        first_run_hours=0,
        stories=StoriesConfig(enabled=False),
    )
    return config, build(config, DAY, now=NOW), looked_up


def test_each_hostile_file_is_a_clear_error_or_read_and_nothing_else_is_lost(hostile_build):
    _, result, _ = hostile_build
    digest = result.digest
    headlines = [s.headline for s in (*digest.stories, *digest.also_today, *digest.more)]
    assert sorted(headlines) == sorted(HEADLINES)
    assert result.elapsed < 30  # bounded: no entity bomb is expanded
    failures = {f.source: f for f in digest.failures}
    assert set(failures) == set(UNUSABLE)
    for name, problem in UNUSABLE.items():
        assert failures[name].problem.startswith(problem)
        assert failures[name].advice  # and what to do
    # what the files' damage was, each said once among the run's warnings
    assert "truncated: 'Second item is cut' came cut short or damaged in its feed" in "\n".join(
        result.warnings
    )
    sources = {s.lead.source for s in (*digest.stories, *digest.also_today, *digest.more)}
    assert {"Hostile HTML", "Hostile Atom"} <= sources  # the channel titles, as text


def test_a_hostile_file_reaches_nothing_but_the_test_server(hostile_build):
    _, _, looked_up = hostile_build
    assert set(looked_up) == {"127.0.0.1"}  # no DTD's file or URL, nothing on the internet


def test_nothing_hostile_reaches_the_pages_the_feed_or_the_email(hostile_build, tmp_path):
    config, result, _ = hostile_build
    email_config = make_config(tmp_path).email
    message = build_message(
        result.digest,
        dataclasses.replace(config, email=email_config),
        make_environment(None),
        now=NOW,
    )
    plain, html = parts(parse(bytes(message)))
    pages = {path.name: path.read_text("utf-8") for path in sorted(config.output.iterdir())}
    assert set(pages) == {"2026-11-21.html", "index.html", "archive.html", "feed.atom"}
    etree.fromstring(pages["feed.atom"].encode())  # well-formed
    for name, text in {**pages, "email.html": html, "email.txt": plain}.items():
        lowered = text.lower()
        for bad in NOWHERE:
            assert bad not in lowered, (name, bad)
    for name, text in {**pages, "email.html": html}.items():
        if name == "feed.atom":
            continue
        for tag, attrs in Scan(text).tags:
            assert tag not in DANGEROUS_TAGS, (name, tag)
            assert not [key for key in attrs if key.startswith("on")], (name, tag, attrs)
            # a link goes to the web or within the site (the page's own <link rel="icon"
            # href="data:,"> is not a link: it asks for no icon)
            links = [attrs.get("href", "")] if tag == "a" else []
            for value in [*links, attrs.get("src", ""), attrs.get("action", "")]:
                scheme = value.strip().lower().partition(":")[0] if ":" in value else ""
                assert scheme in ("", "http", "https"), (name, tag, attrs)
    # the escaped payloads are shown as the text they are, not as markup
    assert "Über naïve “smart quotes” — and the € sign" in pages["2026-11-21.html"]
    assert "UTF-8 item: Straße, 東京, emoji 🎉" in plain
