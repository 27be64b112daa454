"""A story of several reports through every output, from real builds of a folder of news with
a real state file: the day page, articles.atom and both parts of the email.

Day one (17 March) holds the Kalliope Star fire (three outlets' reports, a reprint, figures
that differ) and the Lisbon tram strike; day two holds the inquiry's finding, which continues
the fire.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import sqlite3
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from story_samples import (
    DAY,
    FERRY_AEGEAN,
    FERRY_RADIO,
    FERRY_REPORTS,
    FERRY_REPRINT,
    FERRY_WIRE,
    FERRY_WIRE_TEXT,
    TRAM_STRIKE,
    article,
    at,
    write_folder,
)

from digest.atom import FEED_BYTES
from digest.config import Config, EmailConfig
from digest.mail import build_message
from digest.model import Article, Source, Story
from digest.pipeline import BuildResult, build, stored_digest
from digest.state import State
from digest.templating import make_environment

FIXTURES = Path(__file__).parent / "fixtures"
SITE = "https://example.org/news/"
NEXT_DAY = DAY + dt.timedelta(days=1)

# found by a later build of day one, and dated before every other report of the fire
LATE_REPORT = article(
    "ledger-ferry",
    "Cape Ledger",
    "Naxos ferry evacuated after engine-room fire",
    (
        "Hundreds of passengers were evacuated from the ferry Kalliope Star off Naxos early on "
        "Tuesday after a fire broke out in its engine room, the coastguard said.",
        "Cycladic Lines said the ferry would be out of service for at least a month.",
    ),
    at(5, 55),
)
INQUIRY = article(
    "meridian-ferry-inquiry",
    "Meridian Wire",
    "Naxos ferry fire started in a leaking fuel line, inquiry finds",
    (
        "ATHENS - The fire that forced the evacuation of the ferry Kalliope Star off Naxos on "
        "Tuesday started in a leaking fuel line in the engine room, Greece's shipping ministry "
        "said on Wednesday.",
        "Cycladic Lines said it would inspect the fuel systems of its other five ferries.",
    ),
    at(10, day=NEXT_DAY),
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    news = write_folder(tmp_path / "news", [*FERRY_REPORTS, TRAM_STRIKE])
    return Config(
        title="Morning Read",
        site_url=SITE,
        sources=(Source("news", "folder", str(news)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
        articles_feed=True,
        email=EmailConfig(
            sender="Morning Read <digest@example.org>",
            recipients=("ana@example.org",),
            smtp_host="127.0.0.1",
            security="none",
        ),
    )


def build_day_one(config: Config) -> BuildResult:
    return build(config, DAY, now=at(12))


def add_and_build(config: Config, articles, day: dt.date, now: dt.datetime) -> BuildResult:
    write_folder(Path(config.sources[0].location), articles)
    return build(config, day, now=now)


def page(config: Config, day: dt.date) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((config.output / f"{day.isoformat()}.html").read_bytes())


def ferry_of(result: BuildResult) -> Story:
    (story,) = [s for s in result.digest.stories if len(s.reports) > 1]
    return story


def text(element) -> str:
    return " ".join(element.text_content().split())


# --- the day page ------------------------------------------------------------------------------


def test_the_day_page_shows_a_story_with_its_reports_refs_figures_and_copies(
    config: Config,
) -> None:
    story = ferry_of(build_day_one(config))
    assert [r.key for r in story.reports] == [
        f"file:news/{a.key}.txt" for a in (FERRY_WIRE, FERRY_AEGEAN, FERRY_RADIO)
    ]
    (node,) = page(config, DAY).xpath(f"//article[@id='story-{story.id}']")
    assert text(node.xpath("h2")[0]) == FERRY_WIRE.title
    assert text(node.xpath("p[@class='meta']")[0]).startswith(
        "3 reports · Meridian Wire, Aegean Daily, Northline Radio, Harbour Gazette"
    )

    # the reports, numbered, each with an anchor, a link and its outlet
    items = node.xpath(".//ol[@class='reports']/li")
    assert [li.get("id") for li in items] == [f"story-{story.id}-{n}" for n in (1, 2, 3)]
    for li, report in zip(items, story.reports, strict=True):
        assert li.xpath("a/@href") == [report.url]
        assert text(li).startswith(f"{report.title} — {report.source} · ")

    # each summary sentence, then the number of the report it comes from
    summary = node.xpath("p[@class='summary']")[0]
    refs = summary.xpath("sup[@class='ref']/a")
    assert len(refs) == len(story.summary) >= 4
    bodies = [" ".join(p.text for p in r.paragraphs) for r in story.reports]
    shown = text(summary)
    for sentence, ref in zip(story.summary, refs, strict=True):
        number = sentence.report + 1
        assert f"{sentence.text}{number}" in shown  # the number right after its sentence
        assert ref.text == str(number) and ref.get("href") == f"#story-{story.id}-{number}"
        assert ref.get("title") == story.reports[number - 1].source
        assert sentence.text in bodies[number - 1]
    assert {int(ref.text) for ref in refs} == {1, 2, 3}

    # the injured, as each outlet gives them
    figures = node.xpath("p[@class='figures']")[0]
    assert text(figures) == "Figures differ · injured: at least 141 · seventeen2 · nearly 203"
    assert figures.xpath("sup/a/@href") == [f"#story-{story.id}-{n}" for n in (1, 2, 3)]

    # the reprint: listed once, not counted
    (copies,) = node.xpath(".//p[@class='copies']")
    assert text(copies) == "Also in: Harbour Gazette"
    assert copies.xpath("a/@href") == [FERRY_REPRINT.url]


def test_a_story_of_one_article_looks_as_an_article_does(config: Config) -> None:
    result = build_day_one(config)
    (tram,) = [s for s in result.digest.stories if s.lead.key.endswith("courier-trams.txt")]
    (node,) = page(config, DAY).xpath(f"//article[@id='story-{tram.id}']")
    assert text(node.xpath("p[@class='meta']")[0]).startswith("Lisbon Courier · ")
    assert node.xpath(".//sup") == [] and node.xpath(".//ol") == []
    assert node.xpath(".//p[@class='figures' or @class='copies' or @class='earlier']") == []


def test_a_continuing_story_links_to_the_earlier_days_anchor(config: Config) -> None:
    fire = ferry_of(build_day_one(config))
    result = add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    (story,) = result.digest.stories
    assert story.earlier is not None and story.earlier.story_id == fire.id
    (earlier,) = page(config, NEXT_DAY).xpath(
        f"//article[@id='story-{story.id}']/p[@class='earlier']"
    )
    assert text(earlier) == f"Earlier: Tue 17 Mar · {fire.headline}"
    (href,) = earlier.xpath("a/@href")
    assert href == f"{DAY.isoformat()}.html#story-{fire.id}"
    # the anchor is there on day one's page, rendered again since (its "next" link)
    target = href.split("#")[1]
    assert page(config, DAY).xpath(f"//article[@id='{target}']")
    # and a rebuild of day two finds the same earlier story again, from the state alone
    again = build(config, NEXT_DAY, now=at(18, day=NEXT_DAY))
    assert again.new_articles == 0 and again.digest.stories[0].earlier == story.earlier


def test_the_earlier_day_shows_no_link_to_a_later_one(config: Config) -> None:
    build_day_one(config)
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    assert page(config, DAY).xpath("//p[@class='earlier']") == []


def test_a_days_page_keeps_its_lead_when_the_next_days_build_renders_it_again(
    config: Config,
) -> None:
    # A copy of the wire story, published the same minute by another site, comes in a later
    # build of the day. The next day's build renders the day's page again (its "next" link)
    # from what the state holds: it must lead with the same copy the day's own build chose.
    build_day_one(config)
    copy = dataclasses.replace(
        FERRY_WIRE, key="courier-ferry", source="Coast Courier", url="https://courier.example/f"
    )
    add_and_build(config, [copy], DAY, at(18))

    def lead() -> str:
        (node,) = page(config, DAY).xpath(
            "//article[contains(@class, 'story')][.//ol[@class='reports']]"
        )
        return node.xpath(".//h2/a")[0].get("href")

    before = lead()
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    assert "next" in lxml.html.tostring(page(config, DAY)).decode().lower()  # rendered again
    assert lead() == before


# --- articles.atom -------------------------------------------------------------------------------


def entries(config: Config) -> list:
    feed = (config.output / "articles.atom").read_bytes()
    schema = etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))
    assert schema.validate(etree.fromstring(feed)), schema.error_log
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed.entries


def test_the_story_feed_entry_keeps_its_id_when_a_rebuild_adds_a_report(config: Config) -> None:
    first = ferry_of(build_day_one(config))
    (entry,) = [e for e in entries(config) if e.title == first.headline]
    content = entry.content[0].value
    assert "3 reports · Meridian Wire, Aegean Daily, Northline Radio, Harbour Gazette" in content
    assert re.search(r"nearly 20<sup>3</sup>", content)
    assert "Also in: Harbour Gazette" in content
    assert entry.link == FERRY_WIRE.url

    later = add_and_build(config, [LATE_REPORT], DAY, at(18))
    grown = ferry_of(later)
    assert len(grown.reports) == 4 and grown.id == first.id
    (again,) = [e for e in entries(config) if e.title == grown.headline]
    assert again.id == entry.id
    assert "4 reports" in again.content[0].value and "Cape Ledger" in again.content[0].value
    assert len(entries(config)) == 2  # the fire and the strike: no entry twice


def test_the_story_feed_has_an_entry_for_the_stories_in_also_today(config: Config) -> None:
    # past max_stories a story goes to Also today and counts as shown: a reader who follows
    # only articles.atom must still meet it there
    from dataclasses import replace

    one = replace(config, max_stories=1)
    result = build(one, DAY, now=at(12))
    assert len(result.digest.stories) == 1 and len(result.digest.also_today) == 1
    listed = {s.headline for s in (*result.digest.stories, *result.digest.also_today)}
    assert {e.title for e in entries(one)} == listed
    # and the next day's build keeps them (the earlier day's stories come from the state)
    add_and_build(one, [], NEXT_DAY, at(9, day=NEXT_DAY))
    assert listed <= {e.title for e in entries(one)}


def test_the_story_feed_entry_is_updated_when_a_report_joins_and_only_then(
    config: Config,
) -> None:
    def updated() -> dict[str, str]:
        return {e.id: e.updated for e in entries(config)}

    first = ferry_of(build_day_one(config))
    (fire_id,) = [e.id for e in entries(config) if e.title == first.headline]
    before = updated()
    # a report dated before every other one joins the story: the entry changed
    add_and_build(config, [LATE_REPORT], DAY, at(18))
    grown = updated()
    assert grown[fire_id] > before[fire_id]
    assert {k: v for k, v in grown.items() if k != fire_id} == {
        k: v for k, v in before.items() if k != fire_id
    }
    # later builds of the day that leave the story as it was leave its entry as it was
    build(config, DAY, now=at(19))
    assert updated() == grown
    other = article(
        "courier-port",
        "Lisbon Courier",
        "Porto container cranes idle for a maintenance week",
        ("Container cranes at the port of Porto stood idle for a week of maintenance.",),
        at(11),
    )
    add_and_build(config, [other], DAY, at(20))
    assert {k: v for k, v in updated().items() if k in grown} == grown


def test_the_story_feed_entry_keeps_its_published_date_when_a_new_report_leads_the_story(
    config: Config,
) -> None:
    # a fuller report found by a later build of the day becomes the story's lead: the entry
    # it had is the same entry, published when it was; only its updated date moves
    fuller = article(
        "island-ferry",
        "Island Post",
        "Ferry fire off Naxos: how 412 people were taken off the Kalliope Star",
        (
            *FERRY_WIRE_TEXT,
            "Passengers said crew members knocked on cabin doors to wake them shortly after "
            "4am, and handed out life jackets before leading them up to the muster stations.",
            "Coastguard divers inspected the hull on Tuesday afternoon and found no damage "
            "below the waterline, the ministry said, and the ferry was towed to Naxos port.",
            "Cycladic Lines said passengers booked on the ferry's later sailings this week "
            "would be moved to other vessels or refunded in full.",
        ),
        at(9, 15),
    )
    first = ferry_of(build_day_one(config))
    (entry,) = [e for e in entries(config) if e.title == first.headline]
    later = ferry_of(add_and_build(config, [fuller], DAY, at(18)))
    assert later.id == first.id and later.lead.key != first.lead.key  # the new lead
    (again,) = [e for e in entries(config) if e.id == entry.id]
    assert again.published == entry.published, "the entry's published date moved"
    assert again.updated > entry.updated
    # and so it stays when the day is built again, and once a later day is built
    build(config, DAY, now=at(19))
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    (still,) = [e for e in entries(config) if e.id == entry.id]
    assert still.published == entry.published


def test_the_story_feed_links_a_continuing_story_absolutely(config: Config) -> None:
    fire = ferry_of(build_day_one(config))
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    (entry,) = [e for e in entries(config) if e.title == INQUIRY.title]
    content = entry.content[0].value
    # the entry's own link is the report's site: a relative link would resolve there
    assert f'href="{SITE}{DAY.isoformat()}.html#story-{fire.id}"' in content


def stored_entries(config: Config) -> dict[dt.date, str]:
    """The articles.atom entries the state holds, by day, as stored."""
    with sqlite3.connect(config.state) as db:
        rows = db.execute("SELECT day, article_entries FROM days WHERE article_entries NOT NULL")
        return {dt.date.fromisoformat(day): value for day, value in rows}


def edit_stored_entries(config: Config, old: str, new: str) -> None:
    """Change the text of every entry stored, as no build would: an entry that shows the
    change was taken from the state, not made again."""
    with sqlite3.connect(config.state) as db:
        db.execute("UPDATE days SET article_entries = replace(article_entries, ?, ?)", (old, new))


def cranes(day: dt.date, hour: int = 9) -> Article:
    return article(
        f"courier-cranes-{day}-{hour}",
        "Lisbon Courier",
        f"Porto container cranes idle on {day:%d %B} from {hour} o'clock",
        ("Container cranes at the port of Porto stood idle for an hour of maintenance.",),
        at(hour, day=day),
    )


def test_the_story_feed_takes_an_earlier_days_entries_from_the_state(config: Config) -> None:
    fire = ferry_of(build_day_one(config))
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    # day one's entries, made from the state by the first build that showed it as an
    # earlier day; the day being built is not stored (made from the state next time)
    assert set(stored_entries(config)) == {DAY}
    edit_stored_entries(config, fire.headline, "A headline no build made")
    add_and_build(config, [cranes(NEXT_DAY)], NEXT_DAY, at(14, day=NEXT_DAY))
    titles = {e.title for e in entries(config)}
    assert "A headline no build made" in titles and fire.headline not in titles
    assert INQUIRY.title in titles and cranes(NEXT_DAY).title in titles
    # the settings they were made with changed: made again, for every day
    moved = dataclasses.replace(config, site_url="https://example.com/read/")
    build(moved, NEXT_DAY, now=at(15, day=NEXT_DAY))
    titles = {e.title for e in entries(moved)}
    assert fire.headline in titles and "A headline no build made" not in titles
    (inquiry,) = [e for e in entries(moved) if e.title == INQUIRY.title]
    assert f'href="https://example.com/read/{DAY.isoformat()}.html#story-{fire.id}"' in (
        inquiry.content[0].value
    )


def test_the_story_feed_is_the_one_making_every_entry_again_writes(config: Config) -> None:
    third = NEXT_DAY + dt.timedelta(days=1)
    build_day_one(config)
    add_and_build(config, [LATE_REPORT], DAY, at(18))  # a report joins a story later
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    add_and_build(config, [cranes(third, 7)], third, at(8, day=third))
    add_and_build(config, [cranes(third, 8)], third, at(9, day=third))  # the day built again
    assert set(stored_entries(config)) == {DAY, NEXT_DAY}
    reused = (config.output / "articles.atom").read_bytes()
    # as a digest from before entries were stored left the state: every entry made again
    with sqlite3.connect(config.state) as db:
        db.execute("UPDATE days SET article_entries = NULL")
    (config.output / "articles.atom").unlink()
    build(config, third, now=at(10, day=third))
    assert (config.output / "articles.atom").read_bytes() == reused
    assert set(stored_entries(config)) == {DAY, NEXT_DAY}  # and stored again


def test_building_an_earlier_day_again_makes_the_later_days_entries_again(
    config: Config,
) -> None:
    third = NEXT_DAY + dt.timedelta(days=1)
    build_day_one(config)
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    add_and_build(config, [cranes(third)], third, at(8, day=third))
    assert set(stored_entries(config)) == {DAY, NEXT_DAY}
    # day two's inquiry links to day one's fire ("Earlier:"): day one built again may
    # change the story it links to, so day two's entries are made again from the state
    edit_stored_entries(config, INQUIRY.title, "A headline no build made")
    add_and_build(config, [LATE_REPORT], DAY, at(18))
    assert set(stored_entries(config)) == set()  # (day one's: the day being built)
    build(config, third, now=at(10, day=third))
    titles = {e.title for e in entries(config)}
    assert INQUIRY.title in titles and "A headline no build made" not in titles
    assert set(stored_entries(config)) == {DAY, NEXT_DAY}


def long_report(day: dt.date, number: int) -> Article:
    """A long report in words no other report uses (a story of its own): its articles.atom
    entry, with its whole text, takes about 230 KB."""
    rng = random.Random(f"{day} {number}")
    words = [
        "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        for _ in range(60)
    ]
    return article(
        f"long-{day}-{number}",
        f"Outlet {number}",
        f"{words[0].capitalize()} council meets on {day:%d %B}",
        [" ".join(["The", *rng.choices(words, k=120)]) + "." for _ in range(250)],
        at(9, day=day),
    )


def test_the_state_keeps_no_entries_of_a_day_past_the_story_feeds_budget(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Busy days: the feed (30 days) holds the newest two, and tries the third. A day the
    # feed no longer reads keeps no entries: kept until it left the window, the state (and
    # each of its copies) held every day's of the month, many times the feed. (The budget
    # an eighth of the real one, and a day of one long report: the same proportions, built
    # eight times faster.)
    from digest import atom

    monkeypatch.setattr(atom, "FEED_BYTES", FEED_BYTES // 8)
    busy = dataclasses.replace(config, sources=(Source("long", "folder", str(tmp_path / "long")),))
    days = [DAY + dt.timedelta(days=n) for n in range(4)]
    for day in days:
        write_folder(tmp_path / "long", [long_report(day, 0)])
        build(busy, day, now=at(12, day=day))
    feed = (busy.output / "articles.atom").read_bytes()
    assert len(feed) <= atom.FEED_BYTES
    assert {e.title.rsplit(" on ", 1)[1] for e in entries(busy)} == {
        f"{day:%d %B}" for day in days[2:]
    }
    stored = stored_entries(busy)
    # the day before the newest (made from the state) and the day the feed tried; not the
    # first day, which the feed no longer reads
    assert set(stored) == {days[2], days[1]}
    assert sum(len(value) for value in stored.values()) < 2 * len(feed)


# --- the email ---------------------------------------------------------------------------------


def email_parts(config: Config, day: dt.date) -> tuple[str, lxml.html.HtmlElement]:
    with State.open(config.state) as state:
        digest = stored_digest(config, state, day)
    assert digest is not None
    message = build_message(digest, config, make_environment(None), now=at(13, day=day))
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), lxml.html.fromstring(html.get_content())


def test_the_plain_email_marks_each_sentence_with_its_reports_number(config: Config) -> None:
    story = ferry_of(build_day_one(config))
    plain, _ = email_parts(config, DAY)
    flat = " ".join(plain.split())
    marks = {1: "\u00b9", 2: "\u00b2", 3: "\u00b3"}
    for sentence in story.summary:
        assert f"{' '.join(sentence.text.split())}{marks[sentence.report + 1]}" in flat
    assert "Figures differ · injured: at least 14¹ · seventeen² · nearly 20³" in flat
    # the reports list: numbered as the sentences are, each with its outlet and link number
    for number, report in enumerate(story.reports, start=1):
        assert f"{marks[number]} {report.title} ({report.source}) [{number}]" in flat
        assert f"[{number}] {report.url}" in plain
    assert "Also in: Harbour Gazette" in flat
    assert all(len(line) <= 72 or "http" in line for line in plain.splitlines())


def test_the_html_email_marks_sentences_and_lists_the_reports(config: Config) -> None:
    story = ferry_of(build_day_one(config))
    _, html = email_parts(config, DAY)
    (summary,) = [p for p in html.xpath("//p[@class='summary']") if p.xpath("sup")]
    assert [int(s.text) for s in summary.xpath("sup")] == [s.report + 1 for s in story.summary]
    reports = html.xpath("//ol[@class='also']/li")
    assert [li.xpath(".//a/@href")[0] for li in reports] == [r.url for r in story.reports]
    assert "Figures differ" in text(html)


def test_the_email_of_a_continuing_story_says_where_to_read_the_earlier_one(
    config: Config,
) -> None:
    fire = ferry_of(build_day_one(config))
    add_and_build(config, [INQUIRY], NEXT_DAY, at(12, day=NEXT_DAY))
    plain, html = email_parts(config, NEXT_DAY)
    url = f"{SITE}{DAY.isoformat()}.html#story-{fire.id}"
    assert f"Earlier: Tue 17 Mar · {' '.join(fire.headline.split())}" in " ".join(plain.split())
    assert url in plain
    assert html.xpath(f"//p[@class='more']/a[@href='{url}']")


def test_stories_switched_off_show_every_article_alone(config: Config) -> None:
    config = dataclasses.replace(config, stories=dataclasses.replace(config.stories, enabled=False))
    result = build_day_one(config)
    assert len(result.digest.stories) == 5
    assert page(config, DAY).xpath("//ol[@class='reports']") == []
