"""Include and exclude rules, as a user writes them in the config and meets them in builds.

The builds are real: two feeds (one of teasers completed from their article pages) and a folder
served and read over 127.0.0.1, a real state file, the real config reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import sys
import tomllib
from collections import Counter
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from httpserver import FixtureServer
from seedsite import SEEDS_DAY

from digest.cli import EXIT_OK, EXIT_USAGE, main
from digest.config import Config, ConfigError, load_config, parse_config
from digest.filters import (
    FIELDS,
    Filters,
    RuleError,
    first_match,
    fold,
    matching_rule,
    parse_rule,
    verdict,
)
from digest.model import Article, Paragraph
from digest.pipeline import build
from digest.usecases import stories_of_day

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
# The titles of the articles below.
FERRY = "Ferry timetable changes from Monday"
KETTLES = "Sponsored: the best kettles of the year"
DEAL = "Deal of the day: 40% off harbour cruises"
SEA_WALL = "Council approves new sea wall"
LIVE = "Live: storm updates from the coast"
LIGHTHOUSE = "An ad for the old lighthouse sparks debate"
BRIDGE = "Why the town needs a second bridge"

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}

# The Harbour Gazette's morning: ordinary news, and what a reader filters out.
GAZETTE = [
    {
        "slug": "news/ferry-timetable",
        "title": "Ferry timetable changes from Monday",
        "author": "Ana Ruiz",
        "text": "The harbour ferry will leave every forty minutes from Monday, the operator "
        "said. Its advice for passengers is to check the new times before travelling. "
        "Season tickets stay valid.",
    },
    {
        "slug": "partners/kettles",
        "title": "Sponsored: the best kettles of the year",
        "author": "Partner Content",
        "text": "Our partners have tested twelve kettles so you do not have to. The winner "
        "boils a litre in under three minutes and costs less than a dinner out.",
    },
    {
        "slug": "deals/cruises",
        "title": "Deal of the day: 40% off harbour cruises",
        "author": "Offers Desk",
        "categories": ["Deals", "Travel"],
        "text": "Book a sunset cruise around the harbour before midnight and save 40 per "
        "cent. Cruises run from May to September, weather permitting.",
    },
    {
        "slug": "news/sea-wall",
        "title": "Council approves new sea wall",
        "author": "Ben Okafor",
        # A teaser: its text is the article page's (see SEA_WALL_PAGE).
        "text": "The council approved the new sea wall on Thursday night… Continue reading",
    },
    {
        "slug": "live/storm",
        "title": "Live: storm updates from the coast",
        "author": "Staff Reporter",
        "text": "Gusts of up to 90 km/h were recorded at the lighthouse this morning. The "
        "coastguard asked walkers to stay away from the breakwater until the evening.",
    },
    {
        "slug": "news/lighthouse-ad",
        "title": "An ad for the old lighthouse sparks debate",
        "author": "Ana Ruiz",
        "text": "A poster offering the old lighthouse as a wedding venue has divided the "
        "town. Some residents call it a fair use of an empty building, others a sell-out.",
    },
]
SEA_WALL_PAGE = (
    "<html><head><title>Council approves new sea wall</title>"
    "<meta property='og:type' content='article'></head><body><article>"
    "<h1>Council approves new sea wall</h1>"
    "<p>The council approved the new sea wall on Thursday night by nine votes to four, "
    "after a debate that lasted more than three hours.</p>"
    "<p>The wall will run for two kilometres along the northern shore and is due to be "
    "finished in three years, at a cost of 24 million euros.</p>"
    "<p>Opponents argued that the money would be better spent on the harbour's ageing "
    "cranes, which have broken down four times this winter.</p>"
    "<p>The engineers' report says the present wall was built for storms that came once in "
    "fifty years and now come every decade.</p>"
    "<p>Work on the foundations begins in March, and the promenade will stay open while the "
    "first section is built.</p>"
    "<p>Residents of the lower town, whose cellars flooded twice last year, welcomed the "
    "decision in the public gallery.</p>"
    "<p>The report also warns that the sea level off the northern shore has risen by eleven "
    "centimetres since the old wall was built.</p>"
    "<p>A public meeting on the construction timetable is planned for January.</p>"
    "</article></body></html>"
)
OPINION = [
    {
        "slug": "opinion/bridges",
        "title": "Why the town needs a second bridge",
        "author": "Carla Mendes",
        "text": "Every summer the old bridge is jammed from nine to six. A second crossing "
        "would pay for itself within a decade, whatever the sceptics on the council say.",
    },
]
TITLES = {entry["title"] for entry in GAZETTE + OPINION}


def rss(server: FixtureServer, title: str, entries: list[dict]) -> str:
    when = NOW - dt.timedelta(hours=2)
    items = "".join(
        f"<item><title>{escape(e['title'])}</title>"
        f"<link>{server.url('/' + e['slug'])}</link><guid>{e['slug']}</guid>"
        f"<dc:creator>{escape(e['author'])}</dc:creator>"
        + "".join(f"<category>{escape(c)}</category>" for c in e.get("categories", ()))
        + f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(e['text'])}</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{title}</title><link>https://gazette.example.org/</link>"
        f"<description>News</description>{items}</channel></rss>"
    )


@pytest.fixture
def gazette(http_server: FixtureServer) -> FixtureServer:
    """The Harbour Gazette (its "News/Local" feed) and its opinion pages, on 127.0.0.1."""
    http_server.route(
        "/gazette.xml", body=rss(http_server, "Harbour Gazette", GAZETTE), headers=RSS
    )
    http_server.route(
        "/opinion.xml", body=rss(http_server, "Gazette Opinion", OPINION), headers=RSS
    )
    http_server.route("/news/sea-wall", body=SEA_WALL_PAGE, headers=HTML)
    return http_server


def write_config(
    folder: Path, server: FixtureServer, rules: str = "", *, paid: bool = True, **source_rules: str
) -> Path:
    """A digest.toml reading the two feeds, with ``rules`` at the top and each source's own
    (``gazette=`` and ``opinion=``: TOML lines). ``paid``: ``sponsored = true``, so that the
    Gazette's sponsored post stays for the config's own rules to take out or not; False: the
    config says nothing of it."""
    shows_paid = "sponsored = true" if paid else ""
    text = f"""
{rules}
{shows_paid}
output = "out"
state = "state.sqlite"

[stories]
enabled = false   # one story per article: these tests follow articles, not grouping

[fetch]
allow_private = true   # the test server is on 127.0.0.1, outside the public internet

[[sources]]
name = "Harbour Gazette"
url = "{server.url("/gazette.xml")}"
category = "News/Local"
{source_rules.get("gazette", "")}

[[sources]]
name = "Gazette Opinion"
url = "{server.url("/opinion.xml")}"
category = "Opinion"
{source_rules.get("opinion", "")}
"""
    path = folder / "digest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def shown_titles(result) -> set[str]:
    return {article.title for story in result.digest.stories for article in story.articles}


def filtered_titles(result) -> set[str]:
    return {f.article.title for f in result.filtered}


# --- in real builds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "taken_out"),
    [
        # words, phrases and regular expressions, by default in title, summary and text
        ('"sponsored"', {KETTLES}),
        ('"deal of the day"', {DEAL}),
        ('"re:^Deal of the day"', {DEAL}),
        ('"re:\\\\b\\\\d+%"', {DEAL}),
        # whole words: "ad" is not in "advice" (in the ferry article)
        ('"ad"', {LIGHTHOUSE}),
        # any case
        ('"SPONSORED"', {KETTLES}),
        ('"Deal Of The Day"', {DEAL}),
        # each field on its own
        ('"title:live"', {LIVE}),
        ('"author:staff reporter"', {LIVE}),
        ('"author:Ana Ruiz"', {FERRY, LIGHTHOUSE}),
        ('"category:opinion"', {BRIDGE}),
        ('"url:partners"', {KETTLES}),
        ('"tags:deals"', {DEAL}),  # the feed's categories
        ('"tags:re:(?m)^travel$"', {DEAL}),  # one tag a line
        ('"url:re:/(deals|live)/"', {DEAL, LIVE}),
        ('"summary:sunset cruise"', {DEAL}),
        # "text" is the cleaned full text: the sea wall's teaser does not say "sea level", its
        # page does, far past the summary
        ('"text:sea level"', {SEA_WALL}),
        ('"summary:sea level"', set()),
        ('"title,author:partner content"', {KETTLES}),
        # a table: case, and fields
        ('{ match = "Ferry", fields = ["title"], case_sensitive = true }', {FERRY}),
        ('{ match = "ferry", fields = ["title"], case_sensitive = true }', set()),
        ('{ match = "re:^Live", fields = ["title"] }', set()),  # literal text, not a regex
        ('{ match = "^live", regex = true }', {LIVE}),
        # words a field does not hold take nothing out
        ('"author:sponsored"', set()),
        ('"title:lighthouse keeper"', set()),
    ],
)
def test_an_exclude_rule_takes_out_what_it_matches_and_nothing_else(
    gazette: FixtureServer, tmp_path: Path, rule: str, taken_out: set[str]
) -> None:
    config = load_config(write_config(tmp_path, gazette, f"exclude = [{rule}]"))
    result = build(config, DAY, now=NOW)
    assert filtered_titles(result) == taken_out
    assert shown_titles(result) == TITLES - taken_out
    assert result.new_articles == len(TITLES - taken_out)


def test_include_rules_keep_only_what_matches_one_of_them(
    gazette: FixtureServer, tmp_path: Path
) -> None:
    config = load_config(write_config(tmp_path, gazette, 'include = ["ferry", "sea wall"]'))
    result = build(config, DAY, now=NOW)
    assert shown_titles(result) == {
        "Ferry timetable changes from Monday",
        "Council approves new sea wall",
    }
    assert len(result.filtered) == len(TITLES) - 2
    reasons = {f.reason for f in result.filtered}
    assert reasons == {"no include rule (top level) matched: 'ferry', 'sea wall'"}


def test_a_source_s_rules_add_to_the_top_level_ones_and_apply_to_that_source_only(
    gazette: FixtureServer, tmp_path: Path
) -> None:
    path = write_config(
        tmp_path,
        gazette,
        'exclude = ["sponsored"]',
        gazette='include = ["harbour"]\nexclude = ["author:Staff Reporter"]',
        opinion='exclude = ["title:live"]',  # matches no opinion piece, and never the Gazette's
    )
    result = build(load_config(path), DAY, now=NOW)
    # Gazette articles pass both levels: not sponsored (top level), and about the harbour and
    # not by the staff reporter (its own); the opinion piece passes the top level and its own.
    assert shown_titles(result) == {
        "Ferry timetable changes from Monday",  # "harbour ferry" in its text
        "Deal of the day: 40% off harbour cruises",
        "Council approves new sea wall",  # "harbour's ageing cranes" on its page
        "Why the town needs a second bridge",  # no "harbour", but the rule is the Gazette's
    }
    why = {f.article.title: f.reason for f in result.filtered}
    assert why == {
        "Sponsored: the best kettles of the year": (
            "exclude rule 'sponsored' (top level) matched the title: 'Sponsored'"
        ),
        "Live: storm updates from the coast": (
            "exclude rule 'author:Staff Reporter' (source Harbour Gazette) matched the author: "
            "'Staff Reporter'"
        ),
        "An ad for the old lighthouse sparks debate": (
            "no include rule (source Harbour Gazette) matched: 'harbour'"
        ),
    }


def test_a_folder_source_s_rules_apply_to_its_files_whatever_source_they_name(
    tmp_path: Path,
) -> None:
    clippings = tmp_path / "clippings"
    clippings.mkdir(parents=True)
    for name, title in (("a", "Rail link reopens"), ("b", "Promoted: rail passes for less")):
        path = clippings / f"{name}.txt"
        path.write_text(  # each file names the paper it was clipped from
            f"Title: {title}\nSource: Metro\nDate: 2026-11-21T07:30:00+00:00\n\n"
            "The regional rail operator "
            "said on Friday that trains would run again from Monday after the bridge repair.\n",
            encoding="utf-8",
        )
    (tmp_path / "digest.toml").write_text(
        'output = "out"\n[[sources]]\nname = "Clippings"\npath = "clippings"\n'
        'exclude = ["title:promoted"]\n',
        encoding="utf-8",
    )
    result = build(load_config(tmp_path / "digest.toml"), DAY, now=NOW)
    assert shown_titles(result) == {"Rail link reopens"}
    (filtered,) = result.filtered
    assert filtered.article.source == "Metro" and filtered.where == "source Clippings"


def test_a_source_s_rules_on_the_text_apply_whatever_source_its_articles_show(
    tmp_path: Path,
) -> None:
    """Rules on the cleaned text and summary are applied after cleaning, when the articles
    of all sources are together: each must still meet its own source's, both where a
    folder's file names its paper and where an unnamed feed shows its own title."""
    clippings = tmp_path / "clippings"
    clippings.mkdir()
    (clippings / "a.txt").write_text(
        "Title: Rail link reopens\nSource: Metro\nDate: 2026-11-21T07:30:00+00:00\n\n"
        "The regional rail operator said on Friday that trains would run again from Monday"
        " after the bridge repair, in a statement paid for by its partners.\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>The Harbour Times</title>'
        "<link>https://example.org/</link>"
        + "".join(
            f"<item><title>{title}</title><link>https://example.org/{n}</link>"
            "<pubDate>Sat, 21 Nov 2026 07:00:00 GMT</pubDate>"
            f"<description>{text}</description></item>"
            for n, (title, text) in enumerate(
                [
                    ("Ferry timetable changes", "The harbour ferry will leave at seven."),
                    ("Cruise offer", "The harbour cruise is paid for by its partners."),
                ]
            )
        )
        + "</channel></rss>",
        encoding="utf-8",
    )
    (tmp_path / "digest.toml").write_text(
        'output = "out"\n[stories]\nenabled = false\n'
        '[[sources]]\nname = "Clippings"\npath = "clippings"\nexclude = ["text:partners"]\n'
        '[[sources]]\npath = "feed.xml"\nexclude = ["text:partners"]\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "digest.toml")
    assert not next(s for s in config.sources if s.kind == "feed").named
    result = build(config, DAY, now=NOW)
    assert shown_titles(result) == {"Ferry timetable changes"}
    assert {(f.article.title, f.article.source) for f in result.filtered} == {
        ("Rail link reopens", "Metro"),
        ("Cruise offer", "The Harbour Times"),
    }


# A travel site's feed, whose paid posts say so by a label in the title, or by their category.
VOYAGER = [
    {
        "slug": "news/night-trains",
        "title": "Night trains return to the Paris–Berlin line",
        "author": "Lea Brandt",
        "categories": ["Rail", "Europe"],
        "text": "The overnight service between Paris and Berlin runs again from Sunday, three "
        "times a week. Sleeper berths cost from 79 euros, the operator said.",
    },
    {
        "slug": "partners/aurora-cruises",
        "title": "Five reasons to sail the fjords with Aurora Lines",
        "author": "Aurora Lines",
        "categories": ["Partner Content", "Cruises"],
        "text": "From the deck of an Aurora ship, the fjords unfold at the pace of a slow "
        "breakfast. Book before March and the second cabin is half price.",
    },
    {
        "slug": "anzeige/bahncard",
        "title": "Anzeige: Mit der Reisekarte durch ganz Europa",
        "author": "Reisekarte GmbH",
        "text": "Ein Ticket, dreißig Länder: die Reisekarte gilt in allen Nachtzügen. Jetzt "
        "bestellen und zehn Prozent sparen.",
    },
]
NIGHT_TRAINS, AURORA, REISEKARTE = (entry["title"] for entry in VOYAGER)


@pytest.mark.parametrize(
    ("top", "own", "left_out"),
    [
        ("", "", {KETTLES, AURORA, REISEKARTE}),  # by default
        ("sponsored = true", "", set()),
        ("", "sponsored = true", {KETTLES}),  # the source's own word wins
        ("sponsored = true", "sponsored = false", {AURORA, REISEKARTE}),
    ],
)
def test_a_paid_post_is_left_out_and_counted_unless_the_config_shows_them(
    gazette: FixtureServer, tmp_path: Path, top: str, own: str, left_out: set[str]
) -> None:
    gazette.route("/opinion.xml", body=rss(gazette, "Voyager", VOYAGER), headers=RSS)
    path = write_config(tmp_path, gazette, top, paid=False, opinion=own)
    result = build(load_config(path), DAY, now=NOW)
    assert filtered_titles(result) == left_out
    assert all(f.paid for f in result.filtered)
    offered = (TITLES - {BRIDGE}) | {NIGHT_TRAINS, AURORA, REISEKARTE}
    assert shown_titles(result) == offered - left_out
    if left_out:
        noun = "sponsored post" if len(left_out) == 1 else "sponsored posts"
        assert f" new articles, {len(left_out)} {noun} left out); 2 sources read" in (
            result.summary_line
        )
    else:
        assert "left out" not in result.summary_line


def test_a_paid_post_says_why_it_went_and_costs_no_page_download(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    teasers = [{**entry, "text": entry["title"] + "… Continue reading"} for entry in VOYAGER]
    http_server.route("/gazette.xml", body=rss(http_server, "Voyager", teasers), headers=RSS)
    http_server.route("/opinion.xml", body=rss(http_server, "Voyager", []), headers=RSS)
    for entry in VOYAGER:
        http_server.route("/" + entry["slug"], body=SEA_WALL_PAGE, headers=HTML)
    path = write_config(tmp_path, http_server, 'exclude = ["title:night trains"]', paid=False)
    result = build(load_config(path), DAY, now=NOW)
    why = {f.article.title: f.reason for f in result.filtered}
    assert why == {
        NIGHT_TRAINS: "exclude rule 'title:night trains' (top level) matched the title: "
        "'Night trains'",
        AURORA: "a paid post: its tags say 'Partner Content' (sponsored = true shows them)",
        REISEKARTE: "a paid post: its title says 'Anzeige:' (sponsored = true shows them)",
    }
    assert "(0 new articles, 1 filtered out, 2 sponsored posts left out)" in result.summary_line
    # taken out by what the feed says, before their pages are asked for
    assert all(http_server.requests_to("/" + entry["slug"]) == [] for entry in VOYAGER)


def test_a_filtered_article_is_remembered_as_seen_and_never_comes_back(
    gazette: FixtureServer, tmp_path: Path
) -> None:
    path = write_config(tmp_path, gazette, 'exclude = ["re:^Deal of the day", "sponsored"]')
    first = build(load_config(path), DAY, now=NOW)
    assert len(first.filtered) == 2
    assert "(5 new articles, 2 filtered out); 2 sources read" in first.summary_line

    # In the state, in the build's one commit, as skipped ('' for a day): like a new feed's
    # old backlog.
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        days = Counter(day for (day,) in db.execute("SELECT day FROM entries"))
    assert days == {"": 2, DAY.isoformat(): 5}

    # A rebuild of the day has nothing new to filter; the day after, with the rules gone and
    # the feed still listing them, the two never come back.
    again = build(load_config(path), DAY, now=NOW + dt.timedelta(hours=3))
    assert again.filtered == () and "filtered out" not in again.summary_line
    assert shown_titles(again) == shown_titles(first)
    path.write_text(path.read_text(encoding="utf-8").replace("exclude", "# exclude"), "utf-8")
    later = build(load_config(path), DAY + dt.timedelta(days=1), now=NOW + dt.timedelta(days=1))
    assert later.digest.stories == () and later.new_articles == 0


def test_an_article_excluded_by_its_title_costs_no_page_download(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    teasers = [
        {**entry, "text": entry["title"] + "… Continue reading"}
        for entry in (GAZETTE[1], GAZETTE[3])  # sponsored; the sea wall
    ]
    http_server.route(
        "/gazette.xml", body=rss(http_server, "Harbour Gazette", teasers), headers=RSS
    )
    http_server.route("/news/sea-wall", body=SEA_WALL_PAGE, headers=HTML)
    http_server.route("/partners/kettles", body=SEA_WALL_PAGE, headers=HTML)
    write_config(tmp_path, http_server, 'exclude = ["sponsored", "cellars"]')
    result = build(load_config(tmp_path / "digest.toml"), DAY, now=NOW)
    # The sponsored teaser is taken out by its title before its page is fetched; the sea wall
    # needs its page to be judged, and its page has "cellars".
    assert http_server.requests_to("/partners/kettles") == []
    assert len(http_server.requests_to("/news/sea-wall")) == 1
    why = {f.article.title: f.reason for f in result.filtered}
    assert why["Council approves new sea wall"].endswith("matched the text: 'cellars'")
    assert result.digest.stories == ()


def test_build_verbose_and_stories_say_which_rule_took_each_article_out(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "digest.toml").write_text(
        'exclude = ["title:re:^Maduro Venezuela US Talks"]\n[[sources]]\npath = "seeds"\n',
        encoding="utf-8",
    )
    explanation = (
        "seeds: 'Maduro Venezuela US Talks 2026: Dialogue Offered Amid Military Strikes': "
        "exclude rule 'title:re:^Maduro Venezuela US Talks' (top level) matched the title: "
        "'Maduro Venezuela US Talks'"
    )
    # digest stories: what a build would do now, and why
    assert main(["stories", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"{SEEDS_DAY}: 1 story from 2 articles, 1 filtered out\n")
    assert out.endswith(f"\nFiltered out:\n   {explanation}\n")
    assert main(["stories", "--json", "--date", SEEDS_DAY]) == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert ["filtered" in line for line in lines] == [False, False, True]  # the story's two
    assert lines[2]["cluster"] is None and lines[2]["filtered"] == {
        "rule": "title:re:^Maduro Venezuela US Talks",
        "where": "top level",
        "reason": explanation.split("': ", 1)[1],
    }
    # digest build counts them; -v lists each
    assert main(["build", "-v", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{SEEDS_DAY}: 1 story (2 new articles, 1 filtered out); 1 source read" in out
    assert f"\n  filtered out {explanation}\n" in out


def test_rules_see_the_cleaned_text_and_a_plain_build_only_counts_what_they_took_out(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "Discover the details" ends a seed's SEO blurb, which cleaning removes: the rules see the
    # text as the reader would, so it takes nothing out. "colonialist" is in one report's text.
    (workdir / "digest.toml").write_text(
        'exclude = ["Discover the details", "text:colonialist"]\n[[sources]]\npath = "seeds"\n',
        encoding="utf-8",
    )
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert "(2 new articles, 1 filtered out); 1 source read" in out
    assert "colonialist" not in out and "  filtered out" not in out


def test_stories_of_day_lists_what_a_build_would_filter_and_writes_nothing(
    gazette: FixtureServer, tmp_path: Path
) -> None:
    config = load_config(write_config(tmp_path, gazette, 'exclude = ["title:live"]'))
    found = stories_of_day(config, DAY, now=NOW)
    assert [f.article.title for f in found.filtered] == ["Live: storm updates from the coast"]
    assert not (tmp_path / "out").exists()
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone() == (0,)


# --- mistakes in the config -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            'exclude = ["sponsored", "re:^(Watch|Listen:"]',
            "key 'exclude[1]': 're:^(Watch|Listen:': the regular expression '^(Watch|Listen:' "
            "does not compile: missing ), unterminated subpattern at position 1",
        ),
        (  # quoted as the file writes it: one backslash, not a repr's two
            "exclude = ['re:\\bdeal(\\d']",
            "key 'exclude[0]': 're:\\bdeal(\\d': the regular expression '\\bdeal(\\d' "
            "does not compile: missing ), unterminated subpattern at position 6",
        ),
        (
            'include = ["titel:sponsored"]',
            "key 'include[0]': 'titel:sponsored' names an unknown field 'titel' (the fields "
            "are title, summary, text, author, category, tags, url); to look for text with a "
            "colon "
            'in it, write the rule as a table: { match = "..." }',
        ),
        ('exclude = ["url:"]', "key 'exclude[0]': 'url:' is empty: it would match every article"),
        (
            'exclude = ["re:(sponsored)?"]',
            "key 'exclude[0]': 're:(sponsored)?' matches an empty text, so it would match "
            "almost every article",
        ),
        (
            'exclude = ["re,title:^Live"]',
            "key 'exclude[0]': in 're,title:^Live', 're:' comes after the fields: 'title:re:...'",
        ),
        (
            'exclude = [{ match = "x", field = "title" }]',
            "key 'exclude[0]': { match = \"x\", field = \"title\" } has an unknown key 'field' "
            "(a rule table takes match, fields, regex, case_sensitive)",
        ),
        (
            'exclude = [{ match = "x", fields = ["body"] }]',
            "names an unknown field 'body'",
        ),
        ('exclude = [{ fields = ["title"] }]', "needs 'match', the text to look for"),
        ('exclude = [{ match = "x", regex = "yes" }]', "'regex' must be true or false"),
        ("exclude = [3]", "key 'exclude[0]': a rule is a string or a table, not 3"),
        (
            "exclude = 3",
            "key 'exclude' must be a list of words, phrases and \"re:\" regular expressions",
        ),
    ],
)
def test_a_rule_that_cannot_work_is_a_config_error_naming_the_key_and_the_problem(
    tmp_path: Path, rules: str, message: str
) -> None:
    path = tmp_path / "digest.toml"
    path.write_text(rules + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: line 1: key '")  # the file's only line
    assert message in str(caught.value)


def test_a_bad_rule_on_a_source_leaves_that_source_out_and_says_why(
    gazette: FixtureServer, tmp_path: Path
) -> None:
    path = write_config(tmp_path, gazette, opinion='exclude = ["re:[unclosed"]')
    config = load_config(path)
    (failure,) = config.invalid_sources
    assert failure.source == "Gazette Opinion"
    assert "[[sources]] #2: line " in failure.problem
    assert "key 'exclude[0]': 're:[unclosed': the regular expression" in failure.problem
    result = build(config, DAY, now=NOW)
    assert shown_titles(result) == {e["title"] for e in GAZETTE}
    assert failure in result.digest.failures
    with pytest.raises(ConfigError, match=r"\[\[sources\]\] #2: line \d+: key 'exclude\[0\]'"):
        load_config(path, strict=True)  # what 'digest sources add' checks an edit with


def test_a_config_error_in_a_rule_stops_the_command_with_exit_2(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "digest.toml").write_text('exclude = ["re:*deal"]\n', encoding="utf-8")
    assert main(["build"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "configuration error" in err and "key 'exclude[0]'" in err
    assert "nothing to repeat at position 0" in err
    assert not (workdir / "output").exists()


# --- the rules themselves -------------------------------------------------------------------


def article(**fields: object) -> Article:
    text = str(fields.pop("text", ""))
    values: dict[str, object] = {"key": "k", "source": "s", "title": "", **fields}
    return Article(paragraphs=(Paragraph(text),) if text else (), **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("written", "fields", "regex"),
    [
        ("sponsored", ("title", "summary", "text"), False),
        ("  title :  sponsored ", ("title",), False),
        ("Title,URL:sponsored", ("title", "url"), False),
        ("url, author , title:re:^x", ("title", "author", "url"), True),
        ("re:^Deal", ("title", "summary", "text"), True),
        ("RE: ^Deal", ("title", "summary", "text"), True),
        ("c++", ("title", "summary", "text"), False),
    ],
)
def test_a_string_rule_names_its_fields_and_kind_by_prefixes(
    written: str, fields: tuple[str, ...], regex: bool
) -> None:
    rule = parse_rule(written)
    assert (rule.written, rule.fields) == (written, fields)
    assert (rule.needle == "") is regex


def test_text_that_looks_like_a_prefix_is_an_error_that_says_how_to_write_it() -> None:
    with pytest.raises(RuleError, match=r"unknown field 'breaking'.*as a table"):
        parse_rule("Breaking: live")
    rule = parse_rule({"match": "Breaking: live", "fields": "title"})
    assert matching_rule(article(title="Breaking: LIVE from the harbour"), [rule]) is rule


@pytest.mark.parametrize(
    ("rule", "text", "matches"),
    [
        ("ad", "An ad for the lighthouse", True),
        ("ad", "Advice for passengers", False),
        ("ad", "the road ahead", False),
        ("ad", "AD: paid for by the council", True),
        ("ad", "a pay-per-click ad.", True),
        ("sponsored", "state-sponsored hackers", True),  # hyphens separate words
        ("sponsored", "unsponsored", False),
        ("deal of the day", "Deal   of\nthe day", True),  # any spacing
        ("deal of the day", "deal of the days", False),
        ("c++", "Why C++ still matters", True),
        ("#ad", "Great kettle #ad", True),
        ("café", "Le Cafe\u0301 du port", True),  # composed or not, as the text is
        ("maduro", "Nicolás Maduro's offer", True),
        ("re:^deal", "A deal of the day", False),
        ("re:^deal", "Deal of the day", True),
        ("re:(?-i:AI)", "ai and the harbour", False),
        ("re:(?-i:AI)", "AI and the harbour", True),
    ],
)
def test_words_and_phrases_match_whole_words_in_any_case(
    rule: str, text: str, matches: bool
) -> None:
    import unicodedata

    text = unicodedata.normalize("NFC", text)  # as cleaning leaves every text
    assert (matching_rule(article(title=text), [parse_rule(rule)]) is not None) is matches


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("strasse", "STRASSE"),
        ("straße", "STRASSE"),
        ("οδος", "ΟΔΟΣ"),  # the final sigma
        ("odos", "ΟΔΟΣ"),
        ("kelvin", "\u212aELVIN"),  # the Kelvin sign
        ("sun", "\u017fun"),  # a long s
        ("istanbul", "İSTANBUL"),  # a dotted capital I
        ("İstanbul", "istanbul"),
        ("diyarbakır", "DIYARBAKIR"),  # a dotless i
        ("ǆ", "ǅ"),  # a titlecase digraph
    ],
)
def test_the_cheap_test_never_rejects_what_the_pattern_matches(word: str, text: str) -> None:
    rule = parse_rule(word)
    found = first_match(article(title=text), [rule], ["title"])
    assert (found is not None) is (rule.pattern.search(text) is not None)


def test_folding_agrees_with_ignorecase_for_every_character() -> None:
    # Any two characters that a case-insensitive pattern takes for one another fold alike, so
    # a word's folded text is always found in the folded text of what its pattern matches.
    cased = [
        char
        for char in map(chr, range(sys.maxunicode + 1))
        if char.swapcase() != char or char.casefold() != char or char.title() != char
    ]
    for char in cased:
        pattern = re.compile(re.escape(char), re.IGNORECASE)
        for other in {char.lower(), char.upper(), char.title(), char.casefold()} - {char}:
            if len(other) == 1 and pattern.fullmatch(other):
                assert fold(char) == fold(other), (hex(ord(char)), other)


def test_every_field_is_matched_as_the_article_has_it() -> None:
    sample = article(
        title="Harbour title",
        text="Harbour text",
        summary=("Harbour summary.",),
        author="Harbour author",
        category="Harbour category",
        tags=("Ferries", "Harbour tags"),
        url="https://example.org/harbour-url",
    )
    for field in FIELDS:
        rule = parse_rule(f"{field}:re:harbour.{field}")
        found = first_match(sample, [rule])
        assert found is not None and found.field == field, field
        assert found.found.lower().endswith(field)


def test_before_the_text_only_exclude_rules_on_what_the_feed_gives_are_tried() -> None:
    levels = [Filters(include=(parse_rule("climate"),), exclude=(parse_rule("sponsored"),))]
    teaser = article(title="Harbour news", text="Sponsored by the port authority")
    assert verdict(teaser, levels, before_text=True) is None  # the text may still change
    assert verdict(teaser, levels) is not None
    titled = article(title="Sponsored: kettles", text="...")
    early = verdict(titled, levels, before_text=True)
    assert early is not None and early.match is not None and early.match.field == "title"


def test_the_readme_example_of_a_filtered_config_is_valid(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Filters", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = parse_config(tomllib.loads(example), base=tmp_path, strict=True)
    assert len(config.exclude) == 5
    (source,) = config.sources
    assert [r.written for r in source.include] == ["title:open source", "title:linux"]
    assert isinstance(config, Config)
