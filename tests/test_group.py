"""digest.group: which reports tell one event, how their copies fold, how stories are ordered,
and how a story keeps its id and finds the story it continues across builds and days."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from story_samples import (
    BRIDGE_FIRST,
    BRIDGE_UPDATE,
    DAY,
    DAY_OF_NEWS,
    FERRY_AEGEAN,
    FERRY_RADIO,
    FERRY_REPORTS,
    FERRY_REPRINT,
    FERRY_WIRE,
    GROUNDING_AEGEAN,
    GROUNDING_WIRE,
    HALE_NEWSLETTER,
    HALE_OBITUARY,
    TRAM_STRIKE,
    article,
    at,
)

from digest import group
from digest.group import (
    DEFAULT_SIMILARITY,
    GroupingSettings,
    StorySettings,
    cluster,
    cluster_articles,
    comparison_text,
    complete_story,
    fold_copies,
    group_stories,
    independent_sources,
    keep_ids,
    link_earlier,
    make_story,
    member_similarities,
    outline_stories,
    similar_links,
    story_id,
    story_record,
)
from digest.model import Article, EarlierStory, MoreFrom, Paragraph, StoryRecord
from digest.shape import ShapedDay, ShapeSettings, shape_day
from digest.text.normalise import normalise
from digest.text.similarity import similar_pairs, vectorise

BUILT = dt.datetime(2026, 3, 17, 6, 0, tzinfo=dt.UTC)  # when a day was first built


def keys(articles: tuple[Article, ...] | list[Article]) -> list[str]:
    return [a.key for a in articles]


def groups(articles, settings: GroupingSettings | None = None) -> list[set[str]]:
    return [{articles[i].key for i in g} for g in cluster_articles(articles, settings)]


def raw_similarity(first: Article, second: Article) -> float:
    """The similarity grouping sees between two reports from different publishers."""
    links = similar_links(
        [replace(first, source="One"), replace(second, source="Two")], GroupingSettings()
    )
    assert len(links) == 1
    return float(links.similarity[0])


# --- clustering --------------------------------------------------------------------------------


def test_the_reports_of_one_event_join_and_a_look_alike_event_stays_apart() -> None:
    found = groups(DAY_OF_NEWS)
    assert sorted(found, key=len, reverse=True)[:3] == [
        set(keys(FERRY_REPORTS)),
        {GROUNDING_WIRE.key, GROUNDING_AEGEAN.key},  # another ferry, the same day, same outlets
        {BRIDGE_FIRST.key, BRIDGE_UPDATE.key},
    ]
    assert {TRAM_STRIKE.key} in found and len(found) == 4


def test_clusters_are_index_lists_in_order_and_each_article_in_exactly_one() -> None:
    found = cluster_articles(DAY_OF_NEWS)
    assert sorted(i for g in found for i in g) == list(range(len(DAY_OF_NEWS)))
    assert all(g == sorted(g) for g in found)
    assert [g[0] for g in found] == sorted(g[0] for g in found)


def test_grouping_switched_off_makes_a_story_of_every_article() -> None:
    found = cluster_articles(FERRY_REPORTS, GroupingSettings(enabled=False))
    assert found == [[0], [1], [2], [3]]
    assert cluster_articles([]) == [] and cluster_articles([FERRY_WIRE]) == [[0]]


def test_average_linkage_joins_groups_only_while_their_average_stays_above_the_threshold() -> None:
    # 0~1 and 1~2, but 0 and 2 are unrelated: single linkage would chain all three
    assert cluster(3, [(0, 1, 0.9), (1, 2, 0.8)], 0.5) == [[0, 1], [2]]
    # with 0 and 2 a little alike, the average of {0, 1} with 2 is (0.8 + 0.3) / 2 = 0.55
    assert cluster(3, [(0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.3)], 0.5) == [[0, 1, 2]]
    # the most similar pair merges first, whatever order the links come in
    assert cluster(3, [(1, 2, 0.6), (0, 1, 0.9)], 0.5) == [[0, 1], [2]]
    assert cluster(4, [(2, 3, 0.5)], 0.5) == [[0], [1], [2, 3]]
    assert cluster(2, [(0, 1, 0.49)], 0.5) == [[0], [1]]


def test_a_briefing_on_two_events_does_not_chain_them_into_one_story() -> None:
    briefing = article(
        "ledger-briefing",
        "Cape Ledger",
        "Morning briefing: Naxos ferry fire, Lisbon tram strike",
        (
            "Good morning. A fire on the ferry Kalliope Star off Naxos forced the evacuation of "
            "412 passengers and crew overnight.",
            "In Lisbon, tram drivers have begun a 24-hour strike over pay, halting the historic "
            "lines.",
        ),
        at(7, 45),
    )
    pool = [FERRY_WIRE, briefing, TRAM_STRIKE]
    links = similar_links(pool, GroupingSettings())
    strong = {
        (int(a), int(b))
        for a, b, s in zip(links.first, links.second, links.similarity, strict=True)
        if s >= DEFAULT_SIMILARITY
    }
    assert strong == {(0, 1), (1, 2)}  # connected components would make one story of it
    found = groups(pool)
    assert not any(FERRY_WIRE.key in g and TRAM_STRIKE.key in g for g in found)


def test_a_briefing_that_joins_the_event_to_another_neither_heads_nor_leads_its_story() -> None:
    story = make_story([HALE_NEWSLETTER, HALE_OBITUARY], StorySettings(summary_sentences=6))
    assert story.headline == HALE_OBITUARY.title
    assert story.lead is HALE_OBITUARY and story.reports == (HALE_OBITUARY, HALE_NEWSLETTER)
    summary = story.summary_text
    assert summary.startswith("Marion Hale, one of the best-known figures")
    assert "Equal Votes League" in summary  # what the newsletter adds about the story stays
    assert "Norway" not in summary and "Negotiators" not in summary
    # a story of the newsletter alone is what it is
    alone = make_story([HALE_NEWSLETTER])
    assert alone.headline == HALE_NEWSLETTER.title and alone.lead is HALE_NEWSLETTER


# Two events that share one rare name and nothing else.
QUARRY = article(
    "courier-quarry",
    "Lisbon Courier",
    "Kestrelmoor quarry reopens after three years",
    ["The Kestrelmoor quarry reopened on Monday with forty new jobs."],
)
FETE = article(
    "ledger-fete",
    "Cape Ledger",
    "Kestrelmoor fete cancelled because of rain",
    ["Organisers called off the Kestrelmoor summer fete as heavy rain flooded the green."],
    at(9, day=DAY + dt.timedelta(days=1)),
)


def test_one_shared_rare_word_is_not_enough_to_join() -> None:
    texts = [comparison_text(a, GroupingSettings()) for a in (QUARRY, FETE)]
    _, _, sims = similar_pairs(vectorise(texts), 0.0)
    assert sims[0] > DEFAULT_SIMILARITY  # the one rare name weighs that much
    assert groups([QUARRY, FETE]) == [{QUARRY.key}, {FETE.key}]


def test_the_same_publisher_needs_a_margin_more_similarity() -> None:
    similarity = raw_similarity(FERRY_WIRE, FERRY_AEGEAN)
    settings = GroupingSettings(similarity=similarity - 0.05, same_source_margin=0.1)
    two_outlets = [FERRY_WIRE, FERRY_AEGEAN]
    one_outlet = [FERRY_WIRE, replace(FERRY_AEGEAN, source=FERRY_WIRE.source)]
    assert len(groups(two_outlets, settings)) == 1
    assert len(groups(one_outlet, settings)) == 2
    # articles from a folder of clippings: its name says nothing of who published them
    clipped = [replace(a, source="clippings", publisher_unknown=True) for a in two_outlets]
    assert len(groups(clipped, settings)) == 1


# A weekly podcast's feed: every episode opens with the show's name and its blurb, and each
# is about something else.
PODCAST_EPISODES = [
    article(
        f"harbour-talk-{number}",
        "Harbour Talk",
        f"Harbour Talk {number}: {topic}",
        [
            "Harbour Talk is the weekly podcast about life and work on the Shetland "
            f"waterfront, hosted by Morag Isbister. {lead}",
        ],
        at(6 + number - 40),
    )
    for number, topic, lead in (
        (41, "The night ferry to Aberdeen", "This week a purser tells of winter crossings."),
        (42, "Knitting the Fair Isle way", "A designer explains the two-colour yoke."),
        (43, "Puffins are back on Sumburgh Head", "A ranger counts the spring arrivals."),
        (44, "Who pays for the new pier?", "Councillors argue over the harbour levy."),
        (45, "Lerwick's Up Helly Aa, up close", "A guizer jarl prepares the galley."),
    )
]


def test_what_a_source_writes_in_most_of_its_articles_does_not_join_them() -> None:
    # The show's name and blurb make its episodes look alike; they are five subjects.
    assert groups(PODCAST_EPISODES) == [{a.key} for a in PODCAST_EPISODES]
    # (what makes them alike is the template: one episode's two postings are one story)
    repost = replace(PODCAST_EPISODES[2], key="puffins-again", published=at(9))
    assert {PODCAST_EPISODES[2].key, repost.key} in groups([*PODCAST_EPISODES, repost])
    # Three episodes are too few to tell a template from one subject's words.
    assert len(groups(PODCAST_EPISODES[:3])) < 3


def test_briefs_whose_feed_gives_only_the_credit_are_apart_once_cleaned() -> None:
    # An aggregator's daily briefs, each with only its credit for the description: the
    # credit for their text joined two briefs on two subjects. Cleaned, they have no text,
    # as briefs with an empty description, and stand apart as those do.
    titles = ("Shetland: Ferry Fares Rise in Spring", "Shetland: Council Backs New Pier")
    briefs = [
        article(f"brief-{n}", "Harbour Wire", title, ["[Harbour Wire]"], at(6 + n))
        for n, title in enumerate(titles)
    ]
    empty = [replace(brief, paragraphs=()) for brief in briefs]
    assert len(groups(briefs)) == 1  # (as the feed gives them)
    cleaned = [normalise(brief) for brief in briefs]
    assert [c.paragraphs for c in cleaned] == [(), ()]
    assert groups(cleaned) == groups(empty) == [{"brief-0"}, {"brief-1"}]


def test_an_outlets_reports_of_the_event_that_fills_its_day_still_join() -> None:
    # Three of the outlet's four articles are on the fire: its words are in most of them,
    # but its titles are no series, so they are the event's words, not a template.
    courier = "Aegean Courier"
    day = [
        replace(FERRY_WIRE, source=courier),
        replace(FERRY_AEGEAN, source=courier, published=FERRY_WIRE.published),
        replace(FERRY_RADIO, source=courier, published=FERRY_WIRE.published),
        replace(TRAM_STRIKE, source=courier),
    ]
    assert {FERRY_WIRE.key, FERRY_AEGEAN.key, FERRY_RADIO.key} in groups(day)


# A broadcaster's live feed on the day of an earthquake: every title opens "LIVE:", and the
# quake's words are in most of its updates, as a series' template would be.
LIVE_UPDATES = [
    article(f"live-{n}", "Northline Live", title, [lead], at(8, 10 * n))
    for n, (title, lead) in enumerate(
        [
            (
                "LIVE: Magnitude 7.1 earthquake strikes off Hualien, Taiwan",
                "A magnitude 7.1 earthquake struck off the eastern Taiwanese city of Hualien "
                "at 07:58, the Central Weather Administration said. Buildings swayed in "
                "Taipei and a tsunami warning was issued for Okinawa.",
            ),
            (
                "LIVE: Hualien quake death toll rises to nine, 50 trapped in tunnels",
                "Nine people have died and about 50 are trapped in road tunnels near Hualien "
                "after the magnitude 7.1 earthquake, Taiwan's fire agency said.",
            ),
            (
                "LIVE: Chipmaker Formosa Silicon evacuates plants after Taiwan earthquake",
                "Formosa Silicon said it evacuated some of its fabrication plants after the "
                "Hualien earthquake and that its safety systems were operating normally.",
            ),
            (
                "LIVE: Japan lifts tsunami warning for Okinawa after Taiwan quake",
                "Japan's Meteorological Agency lifted the tsunami warning for Okinawa's "
                "islands two hours after the magnitude 7.1 earthquake off Hualien, Taiwan.",
            ),
            (
                "LIVE: Rescuers reach hikers stranded in Taroko Gorge",
                "Rescuers have reached dozens of hikers stranded by rockslides in Taroko "
                "National Park after the earthquake, Taiwan's fire agency said.",
            ),
        ]
    )
]
QUAKE_REPORTS = [
    article(
        "meridian-quake",
        "Meridian Wire",
        "Strong earthquake off Taiwan kills nine, traps dozens in tunnels",
        [
            "TAIPEI - A magnitude 7.1 earthquake off Hualien on Wednesday killed nine people "
            "and trapped about 50 in road tunnels, Taiwan's fire agency said, as a tsunami "
            "warning was issued for Okinawa."
        ],
        at(10),
    ),
    article(
        "pacific-quake",
        "Pacific Post",
        "Taiwan earthquake: Formosa Silicon evacuates plants, tsunami warning lifted",
        [
            "Formosa Silicon evacuated some fabrication plants after the magnitude 7.1 "
            "Hualien earthquake, and Japan lifted its tsunami warning for Okinawa."
        ],
        at(11),
    ),
]


def test_a_live_feeds_updates_on_an_event_others_report_stay_in_its_one_story() -> None:
    # The live feed's titles open alike, but two other outlets' reports are each alike to
    # its updates: what the updates share is the quake's words, not a template, and the
    # quake is one story, not one on its toll and another on its plants and warning.
    found = groups([*LIVE_UPDATES, *QUAKE_REPORTS])
    assert {a.key for a in [*LIVE_UPDATES[:4], *QUAKE_REPORTS]} in found


# A project's releases feed whose releases are named by their version alone, as many are.
RELEASES = [
    article(
        f"rivet-{version}",
        "rivet releases",
        version,
        [
            f"What's Changed: {change}. New Contributors: @{author} made their first "
            f"contribution. Full Changelog: https://github.com/acme/rivet/compare/{before}"
            f"...{version}"
        ],
        at(8 + n),
    )
    for n, (version, before, change, author) in enumerate(
        [
            ("2.4.0", "2.3.1", "Add streaming export of parquet files by @mkovacs", "mkovacs"),
            ("2.3.1", "2.3.0", "Fix a crash when the config file is empty by @jlee", "jlee"),
            ("2.3.0", "2.2.2", "Drop support for Python 3.8 by @asato", "asato"),
            ("2.2.2", "2.2.1", "Fix the timezone of scheduled jobs by @tnguyen", "tnguyen"),
        ]
    )
]


def test_releases_named_by_their_version_alone_are_a_series() -> None:
    # "2.4.0" and "2.3.1" hold no word, but open alike: the changelog's words in each
    # release do not join them.
    assert groups(RELEASES) == [{a.key} for a in RELEASES]
    # nor a project's two maintained branches, named with a "v": "v3.4.0" and "v2.3.1"
    # (whose first words are "v3" and "v2")
    renamed = [replace(a, title=f"v{3 - n % 2}{a.title[1:]}") for n, a in enumerate(RELEASES)]
    assert groups(renamed) == [{a.key} for a in renamed]


@pytest.mark.parametrize(
    ("later", "joined"),
    [(dt.timedelta(hours=60), True), (dt.timedelta(days=4), False), (None, True)],
)
def test_reports_too_far_apart_in_time_are_never_compared(
    later: dt.timedelta | None, joined: bool
) -> None:
    assert FERRY_RADIO.published is not None
    moved = replace(FERRY_RADIO, published=FERRY_RADIO.published + later if later else None)
    assert (len(groups([FERRY_WIRE, moved])) == 1) is joined
    # the gate is max_days_apart: a wider one joins them again (without the margin a day
    # apart costs, tested below)
    wide = GroupingSettings(max_days_apart=5, later_margin=0.0)
    assert len(groups([FERRY_WIRE, moved], wide)) == 1


@pytest.mark.parametrize(
    ("later", "joined"),
    [
        (dt.timedelta(hours=6), True),  # the same news cycle
        (dt.timedelta(hours=30), False),  # the next day: a later development, or another event
        (None, True),  # an undated article is never "later"
    ],
)
def test_articles_a_day_or_more_apart_need_more_similarity(
    later: dt.timedelta | None, joined: bool
) -> None:
    assert FERRY_AEGEAN.published is not None
    similarity = raw_similarity(FERRY_WIRE, FERRY_AEGEAN)
    # 0.05 above the threshold: 30 hours apart is 18 beyond the grace, a margin of 0.075
    settings = GroupingSettings(similarity=similarity - 0.05)
    published = FERRY_WIRE.published + later if later and FERRY_WIRE.published else None
    moved = replace(FERRY_AEGEAN, published=published)
    assert (len(groups([FERRY_WIRE, moved], settings)) == 1) is joined
    # without the margin, only the similarity counts
    assert len(groups([FERRY_WIRE, moved], replace(settings, later_margin=0.0))) == 1


# --- copies ------------------------------------------------------------------------------------


def test_a_wire_story_and_its_reprint_fold_to_the_most_complete() -> None:
    reports, copies = fold_copies([FERRY_REPRINT, FERRY_AEGEAN, FERRY_WIRE, FERRY_RADIO])
    assert keys(copies) == [FERRY_REPRINT.key]
    assert keys(reports) == [FERRY_WIRE.key, FERRY_AEGEAN.key, FERRY_RADIO.key]  # longest first
    # the most complete, not the first: here the agency's feed carried a shortened text
    short_wire = replace(FERRY_WIRE, paragraphs=FERRY_WIRE.paragraphs[:2])
    full_reprint = replace(FERRY_REPRINT, paragraphs=FERRY_WIRE.paragraphs)
    reports, copies = fold_copies([short_wire, full_reprint])
    assert keys(reports) == [FERRY_REPRINT.key] and keys(copies) == [FERRY_WIRE.key]


def test_an_outlets_update_folds_to_the_newest_even_when_shorter() -> None:
    assert len(BRIDGE_UPDATE.body_text) < len(BRIDGE_FIRST.body_text)
    reports, copies = fold_copies([BRIDGE_FIRST, BRIDGE_UPDATE])
    assert keys(reports) == [BRIDGE_UPDATE.key] and keys(copies) == [BRIDGE_FIRST.key]
    story = make_story([BRIDGE_FIRST, BRIDGE_UPDATE])
    assert story.headline == BRIDGE_UPDATE.title  # the update's new headline
    assert story.summary[0].text.startswith("Ghent city council approved")


# An outlet's long story, and its update the next morning: new paragraphs above the first
# version, which is kept below them whole.
MELK_FIRST_TEXT = (
    "Thousands of residents of the Lower Austrian town of Melk were told to leave their homes "
    "on Saturday as the Danube rose towards levels last seen in the floods of 2013, the "
    "provincial government said.",
    "The river was expected to peak at 8.9 metres on Sunday morning, just below the top of the "
    "town's mobile flood barriers, which soldiers and volunteers spent the night reinforcing "
    "with sandbags.",
    "Provincial governor Johanna Mikl-Leitner said the evacuation of the riverside districts was "
    'a precaution. "We are not taking any risks with people\'s lives," she told reporters in St. '
    "Poelten. Schools and the town's sports hall have been opened as emergency shelters.",
    "Rail services between Vienna and Linz were diverted after water covered the tracks near "
    "Ybbs, and the Danube cycle path was closed along most of the Wachau valley. Shipping on the "
    "river has been halted between Passau and Vienna since Thursday.",
    "Meteorologists said heavy rain in the Alps and in Bavaria over the past four days had "
    "swollen the Danube's tributaries, including the Inn and the Enns. More rain was forecast "
    "for Sunday, though less than in recent days.",
    "The 2013 floods caused damage of more than 860 million euros in Austria and led to a new "
    "programme of flood defences along the Danube, including the mobile barriers in Melk, which "
    "were completed in 2018.",
    "Emergency services in neighbouring Upper Austria said they were monitoring the situation in "
    "Grein and Mauthausen, where the river was also close to the top of its defences.",
)
MELK_FIRST = article(
    "courier-melk-1",
    "Danube Courier",
    "Melk evacuates riverside districts as Danube nears 2013 flood level",
    MELK_FIRST_TEXT,
    at(15),
)
MELK_UPDATE = article(
    "courier-melk-2",
    "Danube Courier",
    "Danube barriers hold in Melk as river peaks below forecast",
    (
        "The mobile flood barriers in Melk held overnight as the Danube peaked at 8.7 metres "
        "early on Sunday, 20 centimetres below the forecast, and the water has begun to fall, "
        "the provincial government said.",
        "Residents of the riverside districts, evacuated on Saturday, will be allowed home from "
        "Monday once the barriers have been checked, officials said. Around 400 people spent "
        "the night in shelters in the town's schools and sports hall.",
        '"The defences did exactly what they were built to do," said the mayor of Melk, Patrick '
        "Strobl, who thanked the soldiers and volunteers who worked through the night.",
        "Earlier report:",
        *MELK_FIRST_TEXT,
    ),
    at(23, 30),
)


def test_an_update_that_puts_new_paragraphs_above_its_first_version_folds_it() -> None:
    assert len(MELK_FIRST.body_text.split()) > 250  # the first version runs past the opening
    reports, copies = fold_copies([MELK_FIRST, MELK_UPDATE, FERRY_WIRE])
    assert keys(copies) == [MELK_FIRST.key]
    assert set(keys(reports)) == {MELK_UPDATE.key, FERRY_WIRE.key}


NITROGEN_TEXT = (
    "A Dutch court on Thursday ordered the government to cut nitrogen emissions from farms by "
    "half in the province of Gelderland within five years, in a ruling that could force "
    "hundreds of livestock farms to close.",
    "The district court in The Hague said the state had failed to protect nature reserves such "
    "as the Veluwe, where nitrogen deposits have damaged heathland and forests for decades.",
    "Agriculture Minister Femke Wiersma said the government would study the ruling and decide "
    "within six weeks whether to appeal. Farmers' group LTO called the ruling a disaster.",
)
NITROGEN_WIRE = article(
    "wire-nitrogen",
    "Atlas Wire",
    "Dutch court orders farm nitrogen emissions halved in Gelderland",
    NITROGEN_TEXT,
    at(11),
)
# the wire story reprinted with a standfirst of the site's own on top
NITROGEN_REPRINT = article(
    "farmers-nitrogen",
    "Farmers Weekly",
    "Hundreds of Dutch livestock farms face closure after nitrogen ruling",
    (
        "Farmers in the Netherlands reacted with fury on Thursday to a court ruling that could "
        "shut hundreds of livestock farms.",
        *NITROGEN_TEXT,
    ),
    at(13),
)


def test_a_reprint_that_adds_a_line_does_not_displace_its_original() -> None:
    credited = replace(
        NITROGEN_REPRINT,
        key="credited-nitrogen",
        paragraphs=(*NITROGEN_WIRE.paragraphs, Paragraph("Source: Atlas Wire.")),
    )
    for reprint in (NITROGEN_REPRINT, credited):
        reports, copies = fold_copies([reprint, NITROGEN_WIRE])
        assert keys(reports) == [NITROGEN_WIRE.key] and keys(copies) == [reprint.key]
        assert make_story([reprint, NITROGEN_WIRE]).headline == NITROGEN_WIRE.title


def test_independent_reports_of_one_event_are_not_copies() -> None:
    reports, copies = fold_copies([FERRY_WIRE, FERRY_AEGEAN, FERRY_RADIO])
    assert copies == () and len(reports) == 3


def test_a_line_or_two_is_too_little_to_call_a_copy() -> None:
    brief = article("a", "One", "Ferry fire", ["Ferry fire off Naxos."])
    same = article("b", "Two", "Ferry fire", ["Ferry fire off Naxos."])
    reports, copies = fold_copies([brief, same])
    assert len(reports) == 2 and copies == ()


# --- stories and their order -------------------------------------------------------------------


def test_stories_with_more_independent_sources_come_first_then_the_most_recent() -> None:
    stories = group_stories(DAY_OF_NEWS)
    assert [s.lead.key for s in stories] == [
        FERRY_WIRE.key,  # three outlets (and a reprint)
        GROUNDING_WIRE.key,  # two outlets
        BRIDGE_UPDATE.key,  # one outlet, 22:30
        TRAM_STRIKE.key,  # one outlet, 07:00
    ]
    ferry = stories[0]
    assert keys(ferry.copies) == [FERRY_REPRINT.key]
    assert ferry.sources == ("Meridian Wire", "Aegean Daily", "Northline Radio", "Harbour Gazette")


def test_a_reprint_is_listed_but_not_counted_as_a_source() -> None:
    island = replace(FERRY_REPRINT, key="herald-ferry", source="Island Herald")
    grounding = [
        replace(GROUNDING_WIRE, published=at(5)),
        replace(GROUNDING_AEGEAN, published=at(5, 30)),
    ]
    stories = group_stories([FERRY_WIRE, FERRY_REPRINT, island, *grounding])
    wire = next(s for s in stories if s.lead.key == FERRY_WIRE.key)
    assert len(wire.articles) == 3 and independent_sources(wire.reports) == 1
    # two outlets' own reports outrank one report however widely reprinted, though older
    assert stories[0].lead.key == GROUNDING_WIRE.key


def test_a_story_of_one_article_is_that_article() -> None:
    (story,) = group_stories([TRAM_STRIKE])
    assert story.headline == TRAM_STRIKE.title and story.reports == (TRAM_STRIKE,)
    assert story.copies == () and story.disagreements == () and story.earlier is None
    assert [s.report for s in story.summary] == [0, 0]
    assert story.summary[0].text.startswith("Tram drivers in Lisbon began")


def test_a_story_headline_is_the_clearest_title_and_never_the_seo_one() -> None:
    stuffed = replace(
        FERRY_WIRE, title="Ferry Fire Naxos Greece 2026: Kalliope Star Evacuated | Meridian Wire"
    )
    derived = replace(
        FERRY_AEGEAN, title="Passengers on the Kalliope Star ferry", title_derived=True
    )
    assert make_story([stuffed, derived, FERRY_RADIO]).headline == FERRY_RADIO.title
    assert make_story([stuffed, FERRY_AEGEAN]).headline == FERRY_AEGEAN.title
    # the only real headline, stuffed: its cruft goes
    assert make_story([stuffed]).headline == "Kalliope Star Evacuated"


def test_the_figures_reports_give_differently_are_found_with_their_reports() -> None:
    story = make_story(FERRY_REPORTS)
    (disagreement,) = story.disagreements
    assert disagreement.kind == "injured"
    by_source = {story.reports[f.report].source: f.text for f in disagreement.figures}
    assert by_source == {
        "Meridian Wire": "At least 14",
        "Aegean Daily": "Seventeen",
        "Northline Radio": "nearly 20",
    }


def test_one_outlets_two_reports_are_not_a_second_opinion_on_a_figure() -> None:
    rewritten = article(
        "meridian-ferry-2",
        "Meridian Wire",
        "Naxos ferry fire: injured rise to 17",
        ["Seventeen people were injured in the fire on the Kalliope Star, the coastguard said."],
        at(11),
    )
    story = make_story([FERRY_WIRE, rewritten])
    assert len(story.reports) == 2 and story.disagreements == ()


def test_the_summary_budget_grows_with_the_reports() -> None:
    settings = StorySettings(summary_sentences=2, summary_chars=400)
    alone = make_story([FERRY_WIRE], settings)
    several = make_story(FERRY_REPORTS, settings)
    assert len(alone.summary) <= 2
    assert 2 < len(several.summary) <= 4  # a sentence more for each other report, two at most
    assert len(several.summary_text) <= 400 * 4 // 2


# --- member similarities -----------------------------------------------------------------------


def test_member_similarities_say_how_alike_each_article_is_to_the_first_report() -> None:
    story = make_story(FERRY_REPORTS)
    found = member_similarities(story)
    assert set(found) == set(keys(story.articles))
    assert found[story.lead.key] == pytest.approx(1.0)
    assert found[FERRY_REPRINT.key] > 0.9  # a copy
    for report in story.reports[1:]:
        assert DEFAULT_SIMILARITY < found[report.key] < 0.9
    assert member_similarities(make_story([TRAM_STRIKE])) == {TRAM_STRIKE.key: 1.0}


def test_member_similarities_are_the_same_measured_dense_or_sparse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a small story is measured densely (no scipy to load, as for a small pool), a large one
    # sparsely: the two ways give one figure
    story = make_story(FERRY_REPORTS)
    dense = member_similarities(story)
    monkeypatch.setattr(group, "SMALL_POOL", 1)
    sparse = member_similarities(story)
    assert dense.keys() == sparse.keys()
    for key, value in dense.items():
        assert value == pytest.approx(sparse[key], abs=2e-3)


# --- ids across builds -------------------------------------------------------------------------


def records(stories, day: dt.date = DAY) -> list[StoryRecord]:
    return [story_record(s, day, BUILT) for s in stories]


def test_a_story_id_comes_from_its_first_published_article() -> None:
    assert story_id([FERRY_AEGEAN, FERRY_WIRE]) == story_id([FERRY_WIRE])
    assert story_id([FERRY_WIRE]) != story_id([FERRY_AEGEAN])
    assert len(story_id([FERRY_WIRE])) == 12


def test_a_story_keeps_its_id_when_a_report_joins_it() -> None:
    (morning,) = group_stories([FERRY_WIRE, FERRY_AEGEAN])
    # a report dated before the others, found only by a later build
    earliest = replace(FERRY_RADIO, published=at(5, 50))
    (later,) = group_stories([FERRY_WIRE, FERRY_AEGEAN, earliest])
    assert later.id != morning.id  # left alone, the id would move with the first report
    (kept,) = keep_ids([later], records([morning]))
    assert kept.id == morning.id and kept.reports == later.reports


def test_a_story_stored_before_its_date_was_kept_keeps_its_stored_leads_date() -> None:
    # an older digest stored no date for the entry: it showed its lead's, and a fuller
    # report leading the story now must not move it
    (morning,) = group_stories([FERRY_WIRE, FERRY_AEGEAN])
    (old,) = [replace(r, published=None) for r in records([morning])]
    fuller = replace(
        FERRY_RADIO,
        paragraphs=FERRY_RADIO.paragraphs * 6,
        published=morning.lead.published + dt.timedelta(hours=3),
    )
    (later,) = group_stories([FERRY_WIRE, FERRY_AEGEAN, fuller])
    assert later.lead.key != morning.lead.key  # the new lead
    (kept,) = keep_ids([later], [old])
    assert kept.published_at(BUILT) == morning.lead.published


def test_two_stored_stories_that_merge_keep_the_id_of_the_larger_share() -> None:
    stored = records(
        [make_story([FERRY_RADIO]), make_story([FERRY_WIRE, FERRY_REPRINT, FERRY_AEGEAN])]
    )
    (merged,) = group_stories(FERRY_REPORTS)
    (kept,) = keep_ids([merged], stored)
    assert kept.id == stored[1].id


def test_a_stored_story_that_splits_leaves_its_id_with_the_larger_part() -> None:
    (whole,) = group_stories(FERRY_REPORTS)
    stored = records([whole])
    small = make_story([FERRY_RADIO])
    large = make_story([FERRY_WIRE, FERRY_REPRINT, FERRY_AEGEAN])
    for order in ([small, large], [large, small]):
        kept = {tuple(keys(s.articles)): s.id for s in keep_ids(order, stored)}
        assert kept[tuple(keys(large.articles))] == whole.id
        assert kept[tuple(keys(small.articles))] != whole.id
        assert len(set(kept.values())) == 2


def test_ids_stay_unique_and_a_new_story_keeps_its_own() -> None:
    stories = group_stories(DAY_OF_NEWS)
    stored = records([make_story(FERRY_REPORTS)])
    kept = keep_ids(stories, stored)
    assert len({s.id for s in kept}) == len(kept)
    assert [s.id for s in kept[1:]] == [s.id for s in stories[1:]]
    assert keep_ids(stories, []) == stories


# --- continuing stories ------------------------------------------------------------------------

FOLLOW_UP = article(
    "meridian-ferry-inquiry",
    "Meridian Wire",
    "Naxos ferry fire started in a leaking fuel line, inquiry finds",
    (
        "ATHENS - The fire that forced the evacuation of the ferry Kalliope Star off Naxos last "
        "week started in a leaking fuel line in the engine room, Greece's shipping ministry said "
        "on Monday.",
        "Cycladic Lines said it would inspect the fuel systems of its other five ferries.",
    ),
    at(10, day=DAY + dt.timedelta(days=6)),
)


def test_a_continuing_story_links_to_the_newest_earlier_day_it_continues() -> None:
    fire = make_story(FERRY_REPORTS)
    inquiry_opened = make_story([FERRY_RADIO])
    earlier = [
        story_record(fire, DAY, BUILT),
        story_record(inquiry_opened, DAY + dt.timedelta(days=2), BUILT),
        story_record(make_story([TRAM_STRIKE]), DAY + dt.timedelta(days=3), BUILT),
    ]
    today = group_stories([FOLLOW_UP, TRAM_STRIKE_ENDS])
    for given in (earlier, earlier[::-1]):  # whatever order the records come in
        linked = {s.lead.key: s.earlier for s in link_earlier(today, given)}
        found = linked[FOLLOW_UP.key]
        assert found is not None
        assert (found.day, found.story_id) == (DAY + dt.timedelta(days=2), inquiry_opened.id)
        assert found.headline == inquiry_opened.headline
        # the newest record (day 3) is another event's: the newest *matching* one wins
        assert linked[TRAM_STRIKE_ENDS.key] == EarlierStory(
            DAY + dt.timedelta(days=3), earlier[2].id, TRAM_STRIKE.title
        )
    # with the later record gone, the first day's story is the one continued
    linked = {s.lead.key: s.earlier for s in link_earlier(today, earlier[:1])}
    assert linked[FOLLOW_UP.key] == EarlierStory(DAY, fire.id, fire.headline)


TRAM_STRIKE_ENDS = article(
    "courier-trams-deal",
    "Lisbon Courier",
    "Lisbon tram drivers accept pay deal, ending strikes",
    (
        "Lisbon's tram drivers voted on Monday to accept a pay offer from the municipal "
        "operator Carris, ending a month of strikes.",
    ),
    at(12, day=DAY + dt.timedelta(days=6)),
)


def test_a_story_never_continues_an_unrelated_one() -> None:
    earlier = [story_record(make_story(FERRY_REPORTS), DAY, BUILT)]
    (story,) = link_earlier(group_stories([TRAM_STRIKE_ENDS]), earlier)
    assert story.earlier is None
    assert link_earlier([], earlier) == ()
    stories = group_stories([FOLLOW_UP])
    assert link_earlier(stories, []) == stories


def test_one_shared_rare_word_does_not_make_a_continuation() -> None:
    (story,) = link_earlier(group_stories([FETE]), [story_record(make_story([QUARRY]), DAY, BUILT)])
    assert story.earlier is None


def test_a_story_record_keeps_the_id_headline_lead_and_every_article() -> None:
    story = make_story(FERRY_REPORTS)
    record = story_record(story, DAY, BUILT)
    assert (record.day, record.id, record.headline) == (DAY, story.id, story.headline)
    assert record.keys == tuple(keys(story.articles))
    assert record.text.startswith(story.headline) and story.summary[0].text in record.text


def test_outlines_rank_and_shape_as_the_stories_they_outline() -> None:
    """A day is shaped on outlines and only what it shows is completed: that must show
    exactly the stories, in the places, that completing every story first would."""
    articles = [*DAY_OF_NEWS, TRAM_STRIKE, FETE, QUARRY]
    complete = group_stories(articles)
    outlines = outline_stories(articles)
    assert [s.id for s in outlines] == [s.id for s in complete]
    assert [s.summary for s in outlines] == [()] * len(outlines)  # nothing read yet
    assert tuple(complete_story(s) for s in outlines) == complete
    settings = ShapeSettings(max_stories=2, max_per_source=1, also_today_limit=1)
    by_outline, by_story = shape_day(outlines, settings), shape_day(complete, settings)

    def placed(day: ShapedDay) -> tuple[list[list[str]], list[str], tuple[MoreFrom, ...]]:
        sections = [[s.id for s in section.stories] for section in day.sections]
        return sections, [s.id for s in day.also_today], day.more

    assert placed(by_outline) == placed(by_story)
    assert by_story.more  # some stories are past Also today: counted, never completed


def test_a_small_pool_is_grouped_as_a_large_one_without_loading_scipy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles = [*DAY_OF_NEWS, TRAM_STRIKE, TRAM_STRIKE_ENDS, FETE, QUARRY, FOLLOW_UP]
    small = cluster_articles(articles)
    assert any(len(members) > 2 for members in small)  # a component scipy would cluster
    monkeypatch.setattr(group, "SMALL_POOL", 0)
    assert cluster_articles(articles) == small  # large: scipy's vectors, the heap's clusters
    monkeypatch.setattr(group, "HEAP_LIMIT", 0)
    monkeypatch.setattr(group, "UNION_FIND_LINKS", 0)
    assert cluster_articles(articles) == small  # and scipy's components and clusters
    script = (
        "import sys; from story_samples import DAY_OF_NEWS; "
        "from digest.group import group_stories; group_stories(DAY_OF_NEWS); "
        "print('scipy' in sys.modules)"
    )
    here = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": str(here.parent)}  # this checkout's digest
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


# --- pools of near-copies ----------------------------------------------------------------------


def near_copies(count: int) -> list[Article]:
    """``count`` copies of three short reports, as a scraper's feed repeats them."""
    return [
        article(
            f"copy-{variant}-{number}",
            "Scraped Wire",
            f"{topic} (item {number})",
            [text],
            at(6, number % 60),
        )
        for number in range(count)
        for variant, (topic, text) in enumerate(
            [
                (
                    "Harbour crane collapses",
                    "A crane collapsed onto a cargo ship at the northern harbour on Tuesday "
                    "morning, injuring two dock workers and halting container traffic.",
                ),
                (
                    "Storm closes mountain pass",
                    "Heavy snow closed the mountain pass to all traffic on Tuesday, stranding "
                    "dozens of lorries at the border post until ploughs cleared the road.",
                ),
                (
                    "Library reopens after flood",
                    "The city library reopened on Tuesday after a year of repairs to its flooded "
                    "basement archive, with a new reading room on the ground floor.",
                ),
            ]
        )
        if number % 3 == variant
    ]


NEAR_COPIES = near_copies(90)


def test_a_component_too_large_for_the_dense_clustering_keeps_each_articles_strongest_links(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = GroupingSettings()
    expected = sorted(sorted(c) for c in cluster_articles(NEAR_COPIES, settings))
    assert len(expected) == 3  # three texts, thirty copies each
    monkeypatch.setattr(group, "STRONGEST_LINKS", 5)
    monkeypatch.setattr(group, "SMALL_POOL", 10)
    monkeypatch.setattr(group, "HEAP_LIMIT", 5)
    pruned = cluster_articles(NEAR_COPIES, settings, dense_limit=10)
    # Fewer links may leave one text's copies in several stories, never two texts in one.
    texts = {i: NEAR_COPIES[i].key.split("-")[1] for i in range(len(NEAR_COPIES))}
    assert all(len({texts[i] for i in members}) == 1 for members in pruned)
    assert max(len(members) for members in pruned) >= 10  # and copies still join


def test_the_strongest_links_are_each_articles_best() -> None:
    rng = np.random.default_rng(7)
    left, right = np.triu_indices(40, k=1)
    similarity = rng.random(len(left)).astype(np.float32)
    kept_left, kept_right, kept = group._strongest(left, right, similarity, keep=3)
    assert 0 < len(kept) < len(left)
    for node in range(40):
        mine = (left == node) | (right == node)
        best = set(np.sort(similarity[mine])[-3:].tolist())
        held = set(kept[(kept_left == node) | (kept_right == node)].tolist())
        assert best <= held  # its three strongest are kept (others may be, for their far end)
    for a, b, s in zip(kept_left, kept_right, kept, strict=True):
        ranks = [int((similarity[(left == n) | (right == n)] > s).sum()) for n in (int(a), int(b))]
        assert min(ranks) < 3


def test_copies_in_a_story_of_hundreds_are_found_against_each_groups_first() -> None:
    reports, copies = fold_copies(near_copies(270))  # past pair-by-pair comparison
    assert len(reports) == 3 and len(copies) == 267
    assert {a.title.split(" (")[0] for a in reports} == {
        "Harbour crane collapses",
        "Storm closes mountain pass",
        "Library reopens after flood",
    }


def test_scipys_average_linkage_gives_the_heaps_clusters(monkeypatch: pytest.MonkeyPatch) -> None:
    pool = [*NEAR_COPIES, *DAY_OF_NEWS]
    by_heap = sorted(sorted(c) for c in cluster_articles(pool))
    monkeypatch.setattr(group, "SMALL_POOL", 10)  # past a small pool: components of more than
    monkeypatch.setattr(group, "HEAP_LIMIT", 2)  # two articles go to scipy
    assert sorted(sorted(c) for c in cluster_articles(pool)) == by_heap
