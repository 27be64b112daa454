"""End to end: build from the bundled seeds/ into a real output folder and a real state file."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import feedparser
import lxml.html
import pytest
from lxml import etree
from ports import closed_port
from stateholder import held_whole

from digest.config import Config, load_config
from digest.model import Source
from digest.output import OutputError
from digest.pipeline import build, stored_digest
from digest.state import State
from digest.summarise import lead_sentences
from digest.templating import TemplateError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)

# Boilerplate the seeds carry; none of it may reach any output.
BOILERPLATE = [
    "AI-generated",
    "verifying with the original source",
    "Related Articles",
    "predatory hegemony",  # a related-article teaser
    "Share your thoughts",
    "Sign in to join the conversation",
    "Discover the details",
]


def set_mtime(folder: Path, when: dt.datetime) -> None:
    for path in folder.rglob("*.txt"):
        os.utime(path, (when.timestamp(), when.timestamp()))


@pytest.fixture
def site(tmp_path: Path) -> Config:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    set_mtime(seeds, NOW - dt.timedelta(hours=3))
    return Config(
        title="Morning Read",
        site_url="https://example.org/news/",
        sources=(Source("seeds", "folder", str(seeds)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )


def outputs(config: Config) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(config.output.iterdir())}


def test_a_rebuild_with_other_summary_settings_summarises_the_day_s_stored_articles(
    site: Config,
) -> None:
    build(site, DAY, now=NOW)
    shorter = dataclasses.replace(site, lead_sentences=1, summary_chars=200)
    later = NOW + dt.timedelta(hours=1)
    again = build(shorter, DAY, now=later)  # nothing new: the day's articles come from the state
    assert again.new_articles == 0
    (story,) = again.digest.stories
    for report in story.reports:
        assert report.summary == lead_sentences(report.paragraphs, 1, 200, report.language)
    assert story.lead.summary and len(story.lead.summary) == 1
    # and back: the stored articles are as they were made, not cut by the last build
    (story,) = build(site, DAY, now=later + dt.timedelta(hours=1)).digest.stories
    for report in story.reports:
        assert report.summary == lead_sentences(report.paragraphs, 3, 600, report.language)


def test_build_from_seeds_writes_clean_pages_and_a_valid_feed(site: Config) -> None:
    result = build(site, DAY, now=NOW)
    files = outputs(site)
    assert set(files) == {"2026-11-21.html", "index.html", "archive.html", "feed.atom"}
    # the seeds are three reports of one event: one story, every report behind it
    assert result.new_articles == 3
    (story,) = result.digest.stories
    assert len(story.reports) == 3 and not story.copies

    for name, text in files.items():
        for phrase in BOILERPLATE:
            assert phrase.lower() not in text.lower(), f"{phrase!r} leaked into {name}"

    page = lxml.html.fromstring(files["2026-11-21.html"])
    text = " ".join(page.text_content().split())
    # the headline is a clear one, not the only title on offer (a keyword-stuffed SEO title)
    (headline,) = [h.text_content().strip() for h in page.iter("h2")]
    assert headline == story.headline and "2026" not in headline and len(headline) <= 95
    # the summary opens with the most complete report's lead sentences, in order
    best = lead_sentences(story.lead.paragraphs, 3, site.summary_chars)
    assert [s.text for s in story.summary[: len(best)]] == list(best)
    # ... adds what other reports bring, each sentence attributed, nothing said twice
    assert {s.report for s in story.summary} - {0}
    summary = page.xpath("//p[@class='summary']")[0]
    assert len(summary.xpath(".//sup[@class='ref']")) == len(story.summary)
    for sentence in story.summary:
        assert " ".join(sentence.text.split()) in text
    keys = [re.sub(r"\W+", " ", s.text.lower()) for s in story.summary]
    assert len(keys) == len(set(keys))
    # the differing death tolls are shown side by side, each with its report
    figures = " ".join(page.xpath("//p[@class='figures']")[0].text_content().split())
    for toll in ("more than 80", "at least 83", "more than 110"):
        assert toll in figures
    # no paragraph appears twice inside any article's full text
    for details in page.iter("details"):
        paragraphs = [p.text_content().strip() for p in details.iter("p")]
        assert len(paragraphs) == len(set(paragraphs)) > 0
    # in-body subheadings stay headings, never summary sentences
    headings = {h.text_content().strip() for h in page.iter("h3", "h4")}
    assert "Oil Sanctions and Migration Disputes" in headings
    assert all("Oil Sanctions and Migration" not in s.text for s in story.summary)

    feed_bytes = (site.output / "feed.atom").read_bytes()
    schema = etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))
    assert schema.validate(etree.fromstring(feed_bytes)), schema.error_log
    parsed = feedparser.parse(feed_bytes)
    assert parsed.bozo == 0
    (entry,) = parsed.entries
    assert entry.link == "https://example.org/news/2026-11-21.html"
    assert "Nicolás Maduro" in entry.content[0].value


def test_second_build_same_day_keeps_ids_and_updated_when_unchanged(site: Config) -> None:
    build(site, DAY, now=NOW)
    first = feedparser.parse((site.output / "feed.atom").read_bytes())
    page_before = (site.output / "2026-11-21.html").read_text(encoding="utf-8")

    later = NOW + dt.timedelta(hours=2)
    second_result = build(site, DAY, now=later)
    second = feedparser.parse((site.output / "feed.atom").read_bytes())
    assert [e.id for e in second.entries] == [e.id for e in first.entries]
    assert second.entries[0].updated == first.entries[0].updated  # nothing changed
    assert second_result.new_articles == 0 and len(second_result.digest.stories) == 1
    assert "Nicolás" in page_before

    # a new article on the same day: same entry id, updated moves, page replaced
    seeds = Path(site.sources[0].location)
    (seeds / "late.txt").write_text(
        "Harbour ferry resumes\n\nThe harbour ferry resumed service on Saturday after repairs "
        "to its engine were completed ahead of schedule.\n",
        encoding="utf-8",
    )
    set_mtime(seeds, NOW)
    third_result = build(site, DAY, now=later + dt.timedelta(hours=1))
    third = feedparser.parse((site.output / "feed.atom").read_bytes())
    assert [e.id for e in third.entries] == [e.id for e in first.entries]
    assert third.entries[0].updated != first.entries[0].updated
    assert third_result.new_articles == 1 and len(third_result.digest.stories) == 2
    # the seeds' story keeps its id (its anchor and feed entry) while the day grows
    (seeds_story,) = [s for s in third_result.digest.stories if len(s.reports) == 3]
    assert seeds_story.id == second_result.digest.stories[0].id
    assert "Harbour ferry resumes" in (site.output / "2026-11-21.html").read_text("utf-8")


def test_article_shown_once_appears_in_no_later_digest(site: Config) -> None:
    build(site, DAY, now=NOW)
    next_day = build(site, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert next_day.digest.stories == ()
    page = (site.output / "2026-11-22.html").read_text("utf-8")
    assert "Maduro" not in page
    # the empty day adds no feed entry, and the index now shows the latest (empty) day
    assert len(feedparser.parse((site.output / "feed.atom").read_bytes()).entries) == 1
    index = lxml.html.fromstring((site.output / "index.html").read_bytes())
    assert "22 November 2026" in index.xpath("string(//h1)")
    # ... which the archive lists, marked as empty, and the day before links to: no page is
    # left that nothing links to
    archive = lxml.html.fromstring((site.output / "archive.html").read_bytes())
    assert [" ".join(li.text_content().split()) for li in archive.xpath("//main//li")] == [
        "Sunday 22 November 2026 nothing new",
        "Saturday 21 November 2026 1 story",
    ]
    before = lxml.html.fromstring((site.output / "2026-11-21.html").read_bytes())
    assert set(before.xpath("//a[@rel='next']/@href")) == {"2026-11-22.html"}


def test_an_empty_day_enters_the_feed_with_its_first_story(site: Config) -> None:
    # The day's first runs find nothing yet: its page and archive line, but no feed entry,
    # which a feed reader would keep as "nothing new" once the day's stories come.
    seeds = Path(site.sources[0].location)
    set_mtime(seeds, NOW + dt.timedelta(days=1))
    assert build(site, DAY, now=NOW).digest.stories == ()
    assert "2026-11-21.html" in (site.output / "archive.html").read_text("utf-8")
    assert feedparser.parse((site.output / "feed.atom").read_bytes()).entries == []
    later = NOW + dt.timedelta(hours=5)
    set_mtime(seeds, later - dt.timedelta(hours=1))
    assert len(build(site, DAY, now=later).digest.stories) == 1
    (entry,) = feedparser.parse((site.output / "feed.atom").read_bytes()).entries
    assert entry.published == entry.updated == "2026-11-21T12:00:00+00:00"  # when it entered


def test_future_dated_articles_wait_for_their_day(site: Config) -> None:
    seeds = Path(site.sources[0].location)
    set_mtime(seeds, NOW + dt.timedelta(days=1))
    assert build(site, DAY, now=NOW + dt.timedelta(days=1)).digest.stories == ()
    later = build(site, DAY + dt.timedelta(days=1), now=NOW)
    assert later.new_articles == 3 and len(later.digest.stories) == 1


def test_a_broken_source_is_reported_and_the_rest_still_built(site: Config, tmp_path: Path) -> None:
    broken = Source("Missing folder", "folder", str(tmp_path / "nowhere"))
    config = dataclasses.replace(site, sources=(broken, *site.sources))
    result = build(config, DAY, now=NOW)
    assert result.new_articles == 3 and len(result.digest.stories) == 1
    (failure,) = result.digest.failures
    assert failure.source == "Missing folder" and "does not exist" in failure.problem
    page = (config.output / "2026-11-21.html").read_text("utf-8")
    assert "Missing folder</strong>: its content could not be read" in page
    assert "does not exist" not in page and str(tmp_path) not in page  # the report's, not ours


def test_a_lone_surrogate_in_a_json_feed_costs_nothing_but_itself(tmp_path: Path) -> None:
    # JSON may escape half a character ("\\ud800"); the item is kept without it, and the
    # build (state, pages, feed) goes through.
    feed = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [{"id": "1",'
        ' "url": "https://example.org/a", "date_published": "2026-11-21T05:00:00Z",'
        ' "title": "Half \\ud800a character", "authors": [{"name": "Ann\\udc00"}],'
        ' "content_text": "The harbour reopened on Monday \\udfffafter the storm."}]}'
    )
    (tmp_path / "feed.json").write_text(feed, encoding="ascii")
    config = Config(
        title="Morning Read",
        sources=(Source("Json", "feed", str(tmp_path / "feed.json")),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
        first_run_hours=0,
    )
    result = build(config, DAY, now=NOW)
    assert [s.headline for s in result.digest.stories] == ["Half a character"]
    assert result.digest.failures == ()
    page = (config.output / "2026-11-21.html").read_text("utf-8")
    assert "Half a character" in page and "after the storm" in page


def test_earlier_outputs_survive_when_a_later_build_fails(site: Config) -> None:
    build(site, DAY, now=NOW)
    before = outputs(site)
    broken = dataclasses.replace(site, templates=FIXTURES / "broken-templates")
    with pytest.raises(TemplateError, match="no_such_variable"):
        build(broken, DAY, now=NOW + dt.timedelta(hours=1))
    assert outputs(site) == before
    assert not [p for p in site.output.iterdir() if re.match(r"^\..*\.tmp$", p.name)]


def test_optional_articles_feed_has_one_stable_entry_per_story(site: Config) -> None:
    config = dataclasses.replace(site, articles_feed=True)
    build(config, DAY, now=NOW)
    first = (config.output / "articles.atom").read_bytes()
    schema = etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))
    assert schema.validate(etree.fromstring(first)), schema.error_log
    parsed = feedparser.parse(first)
    assert parsed.bozo == 0 and len(parsed.entries) == 1  # the seeds are one story
    assert all(e.id.startswith("urn:uuid:") and e.get("published") for e in parsed.entries)
    assert any("Nicolás Maduro" in e.content[0].value for e in parsed.entries)
    page = (config.output / "2026-11-21.html").read_text("utf-8")
    assert 'href="articles.atom"' in page  # discoverable

    # the next day's build adds nothing and changes no id
    build(config, DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    again = feedparser.parse((config.output / "articles.atom").read_bytes())
    assert sorted(e.id for e in again.entries) == sorted(e.id for e in parsed.entries)


def test_unwritable_output_changes_nothing_and_the_cli_says_why(
    site: Config, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from digest.cli import main
    from digest.state import State

    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    broken = dataclasses.replace(site, output=tmp_path / "afile" / "out")
    with pytest.raises(OutputError, match="afile/out"):
        build(broken, DAY, now=NOW)
    with State.open(site.state) as state:  # nothing was recorded: the next run shows them
        assert state.days() == [] and state.articles_for_day(DAY) == []
    assert build(site, DAY, now=NOW).new_articles == 3

    config = tmp_path / "digest.toml"
    seeds = site.sources[0].location
    config.write_text(f'output = "afile/out"\n[[sources]]\npath = "{seeds}"\n', "utf-8")
    assert main(["build", "-q", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "afile" in err and "Traceback" not in err
    # what to do about it: not the full disk's advice
    assert "a file stands where the path needs a folder" in err, err
    assert "free some space" not in err


def test_a_folder_renamed_in_the_config_shows_none_of_its_files_again(site: Config) -> None:
    # A file's key is its path within its folder, under the source's name: the same folder
    # under a new name showed every file of the last day again.
    first = build(site, DAY, now=NOW)
    assert first.new_articles == 3
    renamed = dataclasses.replace(
        site, sources=(dataclasses.replace(site.sources[0], name="Clippings"),)
    )
    again = build(renamed, DAY, now=NOW + dt.timedelta(hours=1))
    assert again.new_articles == 0
    assert [story.headline for story in again.digest.stories] == [
        story.headline for story in first.digest.stories
    ]


def test_a_new_day_adds_the_next_link_to_the_day_before(site: Config) -> None:
    seeds = Path(site.sources[0].location)
    files = sorted(seeds.glob("*.txt"))
    set_mtime(seeds, NOW - dt.timedelta(days=1, hours=3))
    for path in files[1:]:  # two days: one seed on the 20th, the others on the 21st
        os.utime(path, (NOW.timestamp() - 3600, NOW.timestamp() - 3600))
    build(site, DAY - dt.timedelta(days=1), now=NOW - dt.timedelta(days=1))
    build(site, DAY, now=NOW)
    older = lxml.html.fromstring((site.output / "2026-11-20.html").read_text("utf-8"))
    assert "2026-11-21.html" in older.xpath("//a[@rel='next']/@href")
    newer = lxml.html.fromstring((site.output / "2026-11-21.html").read_text("utf-8"))
    assert "2026-11-20.html" in newer.xpath("//a[@rel='prev']/@href")


def test_the_day_before_keeps_its_failed_sources_when_a_new_day_links_it(
    site: Config, tmp_path: Path
) -> None:
    seeds = Path(site.sources[0].location)
    files = sorted(seeds.glob("*.txt"))
    set_mtime(seeds, NOW - dt.timedelta(days=1, hours=3))
    for path in files[1:]:
        os.utime(path, (NOW.timestamp() - 3600, NOW.timestamp() - 3600))
    broken = Source("Missing folder", "folder", str(tmp_path / "nowhere"))
    with_broken = dataclasses.replace(site, sources=(broken, *site.sources))
    build(with_broken, DAY - dt.timedelta(days=1), now=NOW - dt.timedelta(days=1))
    older = site.output / "2026-11-20.html"
    assert "Missing folder" in older.read_text("utf-8")
    build(site, DAY, now=NOW)  # the source is gone from the config: today has no failure
    page = lxml.html.fromstring(older.read_text("utf-8"))
    assert "2026-11-21.html" in page.xpath("//a[@rel='next']/@href")
    # the day before still says which source it could not read that day
    assert [
        " ".join(s.text_content().split())
        for s in page.xpath("//section[@class='failures']//strong")
    ] == ["Missing folder"]


def test_a_day_built_before_the_newest_one_is_linked_from_the_index(site: Config) -> None:
    seeds = Path(site.sources[0].location)
    two_days_ago = NOW - dt.timedelta(days=2)
    set_mtime(seeds, two_days_ago - dt.timedelta(hours=3))
    build(site, DAY - dt.timedelta(days=2), now=two_days_ago)

    def write(name: str, title: str, text: str, when: dt.datetime) -> None:
        path = seeds / name
        path.write_text(f"{title}\n\n{text}\n", "utf-8")
        os.utime(path, (when.timestamp(), when.timestamp()))

    write(
        "today.txt",
        "Library opens on Sundays from next month",
        "The city library will open on Sundays from next month, the council said.",
        NOW - dt.timedelta(hours=1),
    )
    assert build(site, DAY, now=NOW).new_articles == 1
    # an article of yesterday, found late: yesterday is built after today
    write(
        "late.txt",
        "Harbour ferry timetable changes from Monday",
        "The harbour ferry will run every twenty minutes from Monday, its operator said.",
        NOW - dt.timedelta(days=1),
    )
    built = build(site, DAY - dt.timedelta(days=1), now=NOW + dt.timedelta(minutes=5))
    assert built.new_articles == 1
    for name in ("2026-11-21.html", "index.html"):
        page = lxml.html.fromstring((site.output / name).read_text("utf-8"))
        assert set(page.xpath("//a[@rel='prev']/@href")) == {"2026-11-20.html"}, name


@pytest.mark.slow
def test_a_build_reads_only_the_digests_of_the_days_the_feed_shows(site: Config) -> None:
    # Each built day stores its whole digest for its feed.atom entry; with keep_days = 0 a
    # year of them is kept, and every build (each hourly run that finds nothing new, too)
    # read them all. Sixteen earlier days of 1 MB each here, the feed showing two days.
    site = dataclasses.replace(site, keep_days=0, feed_days=2)
    with State.open(site.state) as state:
        for back in range(16, 0, -1):
            day = DAY - dt.timedelta(days=back)
            built = NOW - dt.timedelta(days=back)
            html = f"<p>{day}</p>" + "<p>harbour news</p>" * 60_000
            record = state.prepare_day(day, site.title, 1, html, built)
            state.commit_build(day, [], [], record, built)
    build(site, DAY, now=NOW)

    def peak_memory(action: Callable[[], object]) -> int:
        tracemalloc.start()
        try:
            action()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    again = build(site, DAY, now=NOW + dt.timedelta(hours=1))  # nothing new
    assert again.new_articles == 0 and not again.written
    # (the sixteen days' digests are 17 MB)
    assert peak_memory(lambda: build(site, DAY, now=NOW + dt.timedelta(hours=2))) < 10_000_000
    with State.open(site.state) as state:  # the day as 'digest send' reads it
        assert peak_memory(lambda: stored_digest(site, state, DAY)) < 10_000_000
    # the feed still holds the days it shows, the archive every day
    feed = feedparser.parse((site.output / "feed.atom").read_bytes())
    assert [len(e.content[0].value) > 1_000_000 for e in feed.entries] == [False, True]
    assert (site.output / "archive.html").read_text("utf-8").count('href="2026-') >= 17


# --- a source's recurring boilerplate, learnt from its own history ----------------------------

FOOTER = "Pohjolan Sanomat on riippumaton maakuntalehti. Kaikki oikeudet pidätetään."
STORIES = [
    "Oulun kaupunginvaltuusto päätti maanantaina rakentaa uuden uimahallin Kaijonharjuun.",
    "Voimakkaat revontulet värittivät taivaan tiistai-iltana lähes koko Pohjois-Suomessa.",
    "Syksyn ensimmäinen poroerotus alkoi lauantaina Kuusamon Oivangissa.",
    "Rovaniemen kaupunginkirjasto on alkanut lainata asiakkailleen työkaluja.",
]


def finnish_article(folder: Path, number: int, when: dt.datetime) -> Path:
    """An article file as a folder source holds them: a story and the paper's footer, in a
    language the rules know nothing of."""
    path = folder / f"{number:02d}.txt"
    path.write_text(
        f"Uutinen numero {number}\n\n{STORIES[number]} Asiasta kerrotaan lisää myöhemmin.\n\n"
        f"{FOOTER}\n",
        "utf-8",
    )
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_a_footer_recurring_across_builds_is_cut_from_the_third_article_on(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "Pohjolan Sanomat"
    folder.mkdir()
    config = Config(
        sources=(Source("Pohjolan Sanomat", "folder", str(folder)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )
    footers = []
    for number in range(4):  # one new article a day
        day, now = DAY + dt.timedelta(days=number), NOW + dt.timedelta(days=number)
        finnish_article(folder, number, now - dt.timedelta(hours=1))
        build(config, day, now=now)
        page = (config.output / f"{day.isoformat()}.html").read_text("utf-8")
        assert STORIES[number] in page
        # the article as cleaned and kept (the page shows a text this short as its summary)
        with State.open(config.state) as state:
            (article,) = state.articles_for_day(day)
        footers.append(FOOTER in [p.text for p in article.paragraphs])
    assert footers == [True, True, False, False]


def test_articles_read_together_teach_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "Pohjolan Sanomat"
    folder.mkdir()
    for number in range(3):
        finnish_article(folder, number, NOW - dt.timedelta(hours=1))
    config = Config(
        sources=(Source("Pohjolan Sanomat", "folder", str(folder)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )
    build(config, DAY, now=NOW)
    page = (config.output / f"{DAY.isoformat()}.html").read_text("utf-8")
    assert all(story in page for story in STORIES[:3])
    assert FOOTER not in page


def test_a_build_names_its_sources_by_the_state_it_holds_not_as_the_config_was_loaded(
    tmp_path: Path,
) -> None:
    """A config loaded while another program held the state (or kept by 'digest run' across
    a restore of it) has the made names of the sources it leaves unnamed: the build gives
    them back the keys its state keeps them by, or a feed would become a new source, its
    entries shown again."""
    host = f"127.0.0.1:{closed_port()}"  # (refused: the state keeps them all the same)
    path = tmp_path / "digest.toml"
    feeds = [f'[[sources]]\nurl = "http://{host}/{name}.xml"\n' for name in ("a", "b")]
    path.write_text("".join(feeds))
    build(load_config(path), DAY, now=NOW)
    path.write_text(feeds[0])  # the other feed removed: the first one's made name is its host
    with held_whole(tmp_path / "digest-state.sqlite"):
        config = load_config(path)
    assert [s.name for s in config.sources] == [host] and config.state_unread
    build(config, DAY, now=NOW + dt.timedelta(minutes=10))
    with State.open(config.state) as state:
        assert {record.name for record in state.sources()} == {f"{host}/a.xml", f"{host}/b.xml"}
        assert state.source(f"{host}/a.xml").consecutive_failures == 2
