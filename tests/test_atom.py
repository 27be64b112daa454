"""digest.atom: the day feed, valid, stable and with the right links."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html
from page_samples import (
    ATOM,
    DAY,
    FEED_ID,
    LIGHTHOUSE,
    UTC,
    make_config,
    make_digest,
    record,
    story,
)

from digest.atom import (
    FEED_BYTES,
    ArticleEntry,
    entries_to_store,
    render_articles_feed,
    render_feed,
    stored_entries,
)
from digest.model import Article, Attributed, DayRecord, Paragraph, Story
from digest.present import day_filename
from digest.render import render_fragment

FIXTURES = Path(__file__).parent / "fixtures"


def relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))


def feed_days_records(count: int) -> list[DayRecord]:
    days = [DAY - dt.timedelta(days=i) for i in range(count)]
    return [
        record(d, count=i % 4 + 1, content=f'<p>Day {d}. <a href="{d}.html#x">more</a></p>')
        for i, d in enumerate(days)
    ]


def test_feed_is_valid_atom(env):
    fragment = render_fragment(make_digest(), make_config(), env)
    days = [record(DAY, 3, content=fragment), *feed_days_records(5)[1:]]
    for site_url in (None, "https://example.org/digest/"):
        feed = render_feed(days, make_config(site_url=site_url), FEED_ID)
        schema = relaxng()
        assert schema.validate(etree.fromstring(feed)), schema.error_log
        parsed = feedparser.parse(feed)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        assert len(parsed.entries) == 5


def test_feed_metadata_and_entries():
    days = feed_days_records(3)
    random.Random(1).shuffle(days)
    config = make_config(author="Ada", site_url="https://example.org/digest/")
    root = etree.fromstring(render_feed(days, config, FEED_ID))
    assert root.findtext(f"{ATOM}id") == FEED_ID
    assert root.findtext(f"{ATOM}title") == "Morning Digest"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Ada"
    assert root.findtext(f"{ATOM}updated") == "2026-11-21T05:30:00+00:00"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        record(DAY - dt.timedelta(days=i)).entry_id for i in range(3)
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Morning Digest — 21 November 2026 (1 story)"
    assert entries[1].findtext(f"{ATOM}title") == "Morning Digest — 20 November 2026 (2 stories)"
    assert entries[2].findtext(f"{ATOM}title") == "Morning Digest — 19 November 2026 (3 stories)"
    assert first.findtext(f"{ATOM}published") == "2026-11-21T05:30:00+00:00"
    assert first.findtext(f"{ATOM}updated") == "2026-11-21T05:30:00+00:00"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert root.find(f"{ATOM}generator") is not None
    assert "lastBuildDate" not in etree.tostring(root).decode()


def test_a_day_with_no_story_has_no_entry():
    # its page is in the archive; the feed waits for its first story
    days = [record(DAY, count=0), record(dt.date(2026, 11, 20), count=1)]
    root = etree.fromstring(render_feed(days, make_config(), FEED_ID))
    assert [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")] == [
        "2026-11-20.html"
    ]


def test_a_day_with_no_story_does_not_move_the_window():
    # a run early on a new day finds nothing yet: the feed keeps the days it showed
    days = [record(DAY, count=0)] + [record(DAY - dt.timedelta(days=i)) for i in range(1, 8)]
    root = etree.fromstring(render_feed(days, make_config(feed_days=7), FEED_ID))
    kept = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert kept == [day_filename(DAY - dt.timedelta(days=i)) for i in range(1, 8)]


def test_feed_updated_is_the_newest_entry_update():
    days = [record(DAY, n=0), record(dt.date(2026, 11, 20), n=30)]
    root = etree.fromstring(render_feed(days, make_config(), FEED_ID))
    assert root.findtext(f"{ATOM}updated") == "2026-11-21T11:30:00+00:00"


def test_feed_uses_absolute_links_with_a_site_url():
    config = make_config(site_url="https://example.org/digest/")
    root = etree.fromstring(render_feed(feed_days_records(2), config, FEED_ID))
    links = {ln.get("rel"): ln.get("href") for ln in root.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://example.org/digest/feed.atom",
        "alternate": "https://example.org/digest/",
    }
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "https://example.org/digest/2026-11-21.html"
    content = entry.findtext(f"{ATOM}content")
    assert 'href="https://example.org/digest/2026-11-21.html#x"' in content


def test_text_before_the_first_tag_stays_escaped_when_links_are_made_absolute():
    # A fragment of a user's template may start with text (a headline before any tag): it is
    # escaped article text, and stays so in the entry's HTML whether site_url is set or not.
    fragment = '&lt;img src=x onerror=alert(1)&gt; Fish &amp; chips<p><a href="x.html">more</a></p>'
    for site_url in (None, "https://example.org/digest/"):
        config = make_config(site_url=site_url)
        root = etree.fromstring(render_feed([record(DAY, content=fragment)], config, FEED_ID))
        content = root.find(f"{ATOM}entry").findtext(f"{ATOM}content")
        assert content.startswith("&lt;img src=x onerror=alert(1)&gt; Fish &amp; chips<p>")


def test_feed_without_a_site_url_uses_links_relative_to_itself():
    root = etree.fromstring(render_feed(feed_days_records(2), make_config(), FEED_ID))
    assert [(ln.get("rel"), ln.get("href")) for ln in root.findall(f"{ATOM}link")] == [
        ("self", "feed.atom"),
        ("alternate", "index.html"),
    ]
    assert root.find(f"{ATOM}entry/{ATOM}link").get("href") == "2026-11-21.html"
    assert 'href="2026-11-21.html#x"' in root.findtext(f"{ATOM}entry/{ATOM}content")


@pytest.mark.parametrize(
    ("site_url", "page"),
    [
        (None, "2026-11-21.html"),
        ("https://example.org/digest/", "https://example.org/digest/2026-11-21.html"),
    ],
)
def test_an_entrys_links_within_its_day_page_lead_to_that_page(env, site_url, page):
    # A feed reader resolves an entry's links against the feed's address (RFC 4287: xml:base,
    # by default the document's), where "#story-..." is nothing: each is the day page's.
    stories = [story(replace(LIGHTHOUSE, key=f"k{i}", title=f"Headline {i}")) for i in range(7)]
    digest = replace(make_digest(stories[:6]), also_today=tuple(stories[6:]))
    fragment = render_fragment(digest, make_config(), env)
    assert 'href="#story-' in fragment and 'href="#also-today"' in fragment
    root = etree.fromstring(
        render_feed([record(DAY, content=fragment)], make_config(site_url=site_url), FEED_ID)
    )
    content = lxml_html.fragment_fromstring(
        root.findtext(f"{ATOM}entry/{ATOM}content"), create_parent="div"
    )
    hrefs = content.xpath("//a/@href")
    assert any(href.startswith(page + "#story-") for href in hrefs)
    assert not [href for href in hrefs if href.startswith("#")]
    schema = relaxng()
    assert schema.validate(root), schema.error_log


def test_feed_keeps_only_the_last_feed_days_days():
    config = make_config(feed_days=7)
    days = feed_days_records(10)
    days.append(record(DAY - dt.timedelta(days=40)))
    root = etree.fromstring(render_feed(days, config, FEED_ID))
    kept = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert kept == [day_filename(DAY - dt.timedelta(days=i)) for i in range(7)]
    # a gap in the days does not pull older days into the window
    sparse = [record(DAY), record(DAY - dt.timedelta(days=6)), record(DAY - dt.timedelta(days=7))]
    root = etree.fromstring(render_feed(sparse, config, FEED_ID))
    assert len(root.findall(f"{ATOM}entry")) == 2


def test_feed_is_byte_identical_for_the_same_days(env):
    fragment = render_fragment(make_digest(), make_config(), env)
    days = [record(DAY, 3, content=fragment), *feed_days_records(4)[1:]]
    config = make_config(site_url="https://example.org/")
    first = render_feed(days, config, FEED_ID)
    again = render_feed(list(reversed(days)), config, FEED_ID)
    assert first == again
    # rebuilding the day from an unchanged digest gives the same content, so the same feed
    rebuilt = render_fragment(
        make_digest(generated_at=dt.datetime(2026, 11, 21, 9, tzinfo=UTC)), make_config(), env
    )
    assert render_feed([record(DAY, 3, content=rebuilt), *days[1:]], config, FEED_ID) == first


def test_empty_feed_is_still_valid():
    feed = render_feed([], make_config(), FEED_ID)
    assert relaxng().validate(etree.fromstring(feed))
    assert feedparser.parse(feed).bozo == 0


def test_a_feed_with_no_entry_yet_is_updated_when_its_days_last_changed(env):
    # every source failed on the first days: no entry, and the feed's updated (RFC 4287
    # requires one) is when the days built last changed, not 1970; the same days, the same
    # bytes
    days = [record(DAY, count=0, n=3), record(dt.date(2026, 11, 20), count=0, n=1)]
    feeds = {
        "feed.atom": lambda days: render_feed(days, make_config(), FEED_ID),
        "articles.atom": lambda days: render_articles_feed(
            days, lambda day: [], make_config(), env, FEED_ID
        ),
    }
    for name, render in feeds.items():
        feed = render(days)
        root = etree.fromstring(feed)
        assert root.findall(f"{ATOM}entry") == [], name
        assert root.findtext(f"{ATOM}updated") == "2026-11-21T08:30:00+00:00", name
        assert relaxng().validate(root), name
        assert render(list(reversed(days))) == feed, name


# --- the size of a feed -------------------------------------------------------------------------


# The size tests run at a quarter of the real budget, with days a quarter of a busy day's
# size (about 40 KB rather than 150): the same proportions, four times less to render.
BUDGET = FEED_BYTES // 4
BUSY_KB = 40
DAY_STORIES = 10


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> int:
    from digest import atom

    monkeypatch.setattr(atom, "FEED_BYTES", BUDGET)
    return BUDGET


def busy_day(day: dt.date, kilobytes: int, n: int = 0) -> DayRecord:
    """A day whose digest weighs about ``kilobytes``: stories with their full text, as a busy
    day's fragment is."""
    words = random.Random(str(day)).choices(["harbour", "council", "vote", "ferry", "rail"], k=20)
    paragraph = "<p>" + " ".join(words) + " &amp; more.</p>\n"
    stories = "".join(
        f'<article class="story" id="story-{day}-{i}"><h2><a href="https://example.net/{i}">'
        f"Story {i}</a></h2><details>{paragraph * 40}</details></article>\n"
        for i in range(kilobytes * 1024 // (len(paragraph) * 40))
    )
    return record(day, count=40, content=stories, n=n)


def busy_month(kilobytes: int = BUSY_KB) -> list[DayRecord]:
    return [busy_day(DAY - dt.timedelta(days=i), kilobytes) for i in range(30)]


def entry_ids(feed: bytes) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in etree.fromstring(feed).findall(f"{ATOM}entry")]


def test_a_month_of_busy_days_fits_the_feed_budget_with_the_newest_days_whole(budget: int):
    # 30 days of about 150 KB each made a feed of 5 MB (a month of real busy days, 13 MB)
    days = busy_month()
    config = make_config(site_url="https://example.org/digest/")
    feed = render_feed(days, config, FEED_ID)
    assert len(feed) <= budget
    assert relaxng().validate(etree.fromstring(feed))
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    # the newest days, in order and without a gap, as many as the budget holds...
    kept = entry_ids(feed)
    assert 4 <= len(kept) < 30
    assert kept == [d.entry_id for d in days[: len(kept)]]
    # ...each whole: an entry is never cut short to fit
    for entry, day in zip(parsed.entries, days, strict=False):
        assert entry.content[0].value.count("<article") == day.content_html.count("<article")
    # and the next day would not have fitted: the budget is filled, not merely respected
    head = len(render_feed([], config, FEED_ID))
    next_entry = len(render_feed([days[len(kept)]], config, FEED_ID)) - head
    assert len(feed) + next_entry > budget


def test_the_newest_day_is_in_the_feed_however_large_it_is(budget: int):
    days = [busy_day(DAY, budget // 1024 + 100), *busy_month()[1:]]
    feed = render_feed(days, make_config(), FEED_ID)
    assert entry_ids(feed) == [days[0].entry_id]
    assert relaxng().validate(etree.fromstring(feed))


def test_the_feed_updated_is_that_of_the_days_it_holds(budget: int):
    # an old day rebuilt after the newest (its content changed) but past the budget is not in
    # the feed: the feed's updated must not claim a change the feed does not show
    days = busy_month()
    days[-1] = busy_day(days[-1].day, BUSY_KB, n=30 * 24)
    root = etree.fromstring(render_feed(days, make_config(), FEED_ID))
    newest = max(e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry"))
    assert root.findtext(f"{ATOM}updated") == newest == "2026-11-21T05:30:00+00:00"


def test_an_entry_stays_the_same_while_the_window_moves_on(budget: int):
    # the next day's feed drops the oldest entries, and every entry both feeds hold is
    # byte for byte the same: readers neither show it again nor take it as changed
    days = busy_month()
    config = make_config(site_url="https://example.org/digest/")
    today = etree.fromstring(render_feed(days[1:], config, FEED_ID))
    tomorrow = etree.fromstring(render_feed(days, config, FEED_ID))

    def by_id(root) -> dict[str, bytes]:
        return {
            e.findtext(f"{ATOM}id"): etree.tostring(e, with_tail=False)
            for e in root.findall(f"{ATOM}entry")
        }

    before, after = by_id(today), by_id(tomorrow)
    assert next(iter(after)) == days[0].entry_id
    shared = before.keys() & after.keys()
    assert shared and shared == set(after) - {days[0].entry_id}
    assert all(before[k] == after[k] for k in shared)


def busy_stories(day: dt.date, count: int) -> list[Story]:
    text = " ".join(random.Random(str(day)).choices(["harbour", "council", "vote"], k=300))
    stories = []
    for i in range(count):
        report = Article(
            key=f"{day}-{i}",
            source="Harbour Gazette",
            title=f"Story {i} of {day}",
            paragraphs=tuple(Paragraph(f"{text} {j}.") for j in range(8)),
            url=f"https://example.net/{day}/{i}",
            published=dt.datetime.combine(day, dt.time(6), tzinfo=UTC),
        )
        stories.append(
            Story(report.title, (report,), (Attributed("A sentence."),), id=f"{day}-{i}")
        )
    return stories


def test_the_story_feed_holds_the_newest_days_that_fit_and_reads_no_others(env, budget: int):
    days = busy_month()
    asked: list[dt.date] = []

    def stories_on(day: dt.date) -> list[Story]:
        asked.append(day)
        return busy_stories(day, DAY_STORIES)

    read: list[dt.date] = []
    feed = render_articles_feed(days, stories_on, make_config(), env, FEED_ID, read=read)
    assert len(feed) <= budget
    assert relaxng().validate(etree.fromstring(feed))
    titles = [e.title for e in feedparser.parse(feed).entries]
    kept = len(titles) // DAY_STORIES
    assert 1 <= kept < 30 and len(titles) == DAY_STORIES * kept  # whole days only
    last = f"Story {DAY_STORIES - 1} of {days[kept - 1].day}"
    assert titles[0] == f"Story 0 of {DAY}" and titles[-1] == last
    # regrouping a day is costly: a day past the budget is not even asked for
    assert asked == [d.day for d in days[: kept + 1]]
    assert read == asked  # (what the caller keeps of the days' entries: no older day's)


def test_a_days_stored_story_entries_make_the_same_feed_without_its_stories(env):
    days = busy_month(kilobytes=10)[:4]
    config = make_config(site_url="https://example.org/digest/")
    made: dict[dt.date, tuple[ArticleEntry, ...]] = {}

    def stories_on(day: dt.date) -> list[Story]:
        return busy_stories(day, 3)

    anew = render_articles_feed(days, stories_on, config, env, FEED_ID, made=made)
    assert set(made) == {d.day for d in days}
    # each day's entries, stored and read back, as a later build finds them
    stored = {
        day: stored_entries(entries_to_store(e, "made-from"), "made-from")
        for day, e in made.items()
    }
    assert stored == made
    asked: list[dt.date] = []

    def counted(day: dt.date) -> list[Story]:
        asked.append(day)
        return stories_on(day)

    again: dict[dt.date, tuple[ArticleEntry, ...]] = {}
    reused = {day: e for day, e in stored.items() if day != days[0].day and e is not None}
    feed = render_articles_feed(days, counted, config, env, FEED_ID, stored=reused, made=again)
    assert feed == anew
    assert asked == [days[0].day] and set(again) == {days[0].day}  # only the day not stored


def test_stored_story_entries_made_otherwise_are_not_read():
    entry = ArticleEntry(
        "urn:uuid:1",
        "A title",
        "de",
        "https://example.net/a",
        dt.datetime(2026, 11, 21, 6, tzinfo=UTC),
        dt.datetime(2026, 11, 21, 7, tzinfo=UTC),
        "Harbour Gazette",
        "<p>Text</p>",
    )
    value = entries_to_store([entry], "made-from")
    assert stored_entries(value, "made-from") == (entry,)
    assert stored_entries(entries_to_store([], "made-from"), "made-from") == ()  # a quiet day
    # other settings, templates or code; another version of the format; damage; nothing
    assert stored_entries(value, "made-from-other-settings") is None
    assert stored_entries(value.replace('"version": 1', '"version": 2'), "made-from") is None
    for damaged in (value[:-10], "[]", '{"version": 1}', "", None):
        assert stored_entries(damaged, "made-from") is None
