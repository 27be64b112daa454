"""Shaping the day: sections, ranking and limits, with nothing lost."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from digest.model import Article, Paragraph, Source, Story
from digest.shape import SectionRule, ShapeSettings, section_of, shape_day

DAY = dt.datetime(2026, 3, 17, tzinfo=dt.UTC)
_ids = itertools.count(1)


def article(source: str, category: str | None, hour: int, title: str = "") -> Article:
    number = next(_ids)
    return Article(
        key=f"k{number}",
        source=source,
        title=title or f"{source} story {number}",
        paragraphs=(Paragraph("Text."),),
        url=f"https://{source.lower().replace(' ', '')}.example/{number}",
        published=DAY + dt.timedelta(hours=hour),
        category=category,
    )


def story(*articles: Article) -> Story:
    return Story(headline=articles[0].title, reports=articles, id=articles[0].key)


def settings(*sources: tuple[str, str | None], **limits: object) -> ShapeSettings:
    rules = limits.pop("rules", ())
    known = [
        Source(name, "feed", f"https://{name}.example/feed", category) for name, category in sources
    ]
    return ShapeSettings.from_sources(known, rules, **limits)  # type: ignore[arg-type]


SOURCES = (("Wire", "World"), ("Daily", "World"), ("Tech Blog", "Technology"), ("Plain", None))


def every_story(shaped) -> list[str]:
    return [s.id for s in shaped.stories] + [s.id for s in shaped.also_today]


def test_sections_follow_the_config_then_the_sources_order_then_the_default() -> None:
    shape = settings(*SOURCES, rules=(SectionRule("Technology", "Tech", 5),))
    assert [rule.name for rule in shape.sections] == ["Technology", "World", "News"]
    stories = [
        story(article("Plain", None, 9)),
        story(article("Wire", "World", 8)),
        story(article("Tech Blog", "Technology", 7)),
    ]
    shaped = shape_day(stories, shape)
    assert [(s.title, s.name) for s in shaped.sections] == [
        ("Tech", "Technology"),
        ("World", "World"),
        ("News", "News"),
    ]


def test_a_story_goes_where_most_of_its_articles_are_and_a_tie_to_the_earlier_section() -> None:
    shape = settings(*SOURCES)
    mostly_tech = story(
        article("Tech Blog", "Technology", 1),
        article("Wire", "World", 2),
        article("Tech Blog", "Technology", 3),
    )
    assert section_of(mostly_tech, shape) == "Technology"
    tie = story(article("Tech Blog", "Technology", 1), article("Wire", "World", 2))
    assert section_of(tie, shape) == "World"  # World is named first by the sources


def test_more_sources_first_then_priority_then_recency() -> None:
    shape = settings(*SOURCES)
    lone_new = story(article("Wire", "World", 20))
    pair_old = story(article("Wire", "World", 1), article("Daily", "World", 2))
    lone_old = story(article("Daily", "World", 5))
    shaped = shape_day([lone_new, lone_old, pair_old], shape)
    assert [s.id for s in shaped.sections[0].stories] == [pair_old.id, lone_new.id, lone_old.id]

    lifted = ShapeSettings.from_sources(
        [Source("Daily", "feed", "x", "World", priority=2), Source("Wire", "feed", "y", "World")]
    )
    shaped = shape_day([lone_new, lone_old, pair_old], lifted)
    # Daily's priority counts as two more sources: the pair it is in ranks as 4, its lone
    # story as 3, Wire's lone story as 1
    assert [s.id for s in shaped.sections[0].stories] == [pair_old.id, lone_old.id, lone_new.id]


def test_stories_of_one_source_alone_take_turns_so_that_no_source_fills_the_top() -> None:
    shape = settings(*SOURCES)
    busy = [story(article("Wire", "World", hour)) for hour in (20, 19, 18, 17)]
    daily = [story(article("Daily", "World", hour)) for hour in (3, 2)]
    blog = story(article("Tech Blog", "World", 10))
    pair = story(article("Wire", "World", 1), article("Daily", "World", 1))
    shaped = shape_day([*busy, *daily, blog, pair], shape)
    # the story two sources carry first; then each source's newest, most recent first; then
    # each source's second ...
    assert [s.id for s in shaped.sections[0].stories] == [
        pair.id,
        busy[0].id,
        blog.id,
        daily[0].id,
        busy[1].id,
        daily[1].id,
        busy[2].id,
        busy[3].id,
    ]


def test_a_source_s_priority_lifts_its_stories_whatever_source_they_show() -> None:
    # a folder's clipping names its paper, an unnamed feed shows its own title: the
    # priority is the configured source's
    clipped = dataclasses.replace(article("Metro", "World", 1), origin="Clippings")
    titled = dataclasses.replace(article("The Harbour Times", "World", 2), origin="harbour.example")
    plain = story(article("Wire", "World", 20))
    lifted = ShapeSettings.from_sources(
        [
            Source("Clippings", "folder", "clips", "World", priority=2),
            Source("harbour.example", "feed", "z", "World", priority=1, named=False),
            Source("Wire", "feed", "y", "World"),
        ]
    )
    shaped = shape_day([plain, story(titled), story(clipped)], lifted)
    assert [s.lead.source for s in shaped.sections[0].stories] == [
        "Metro",
        "The Harbour Times",
        "Wire",
    ]


def test_one_prolific_source_is_capped_and_the_rest_goes_to_also_today() -> None:
    shape = settings(*SOURCES, max_per_source=3)
    flood = [story(article("Wire", "World", hour)) for hour in range(10)]
    shared = story(article("Wire", "World", 11), article("Daily", "World", 11))
    other = story(article("Daily", "World", 0))
    shaped = shape_day([*flood, shared, other], shape)
    shown = [s.id for s in shaped.stories]
    # the shared story does not count against Wire's three, and the newest three stay; the
    # other source's newest takes its turn after Wire's newest, before its second
    assert shown == [shared.id, flood[9].id, other.id, flood[8].id, flood[7].id]
    assert [s.id for s in shaped.also_today] == [s.id for s in reversed(flood[:7])]
    assert sorted(every_story(shaped)) == sorted(s.id for s in [*flood, shared, other])


def test_an_aggregator_is_capped_as_one_source_whatever_publishers_its_items_name() -> None:
    # Google News: each item names its own publisher (RSS <source>), all from one feed
    outlets = ["Reuters", "BBC", "The Guardian", "AP", "Le Monde", "NHK", "Al Jazeera"]
    flood = [
        story(dataclasses.replace(article(outlet, "World", hour), origin="Google News"))
        for hour, outlet in enumerate(outlets)
    ]
    other = story(dataclasses.replace(article("Daily", "World", 0), origin="Daily"))
    shape = settings(("Google News", "World"), ("Daily", "World"), max_per_source=3)
    shaped = shape_day([*flood, other], shape)
    # the feed's three newest, taking turns with the other source as one source: the rest
    # go to Also today
    assert [s.id for s in shaped.stories] == [flood[6].id, other.id, flood[5].id, flood[4].id]
    assert [s.id for s in shaped.also_today] == [s.id for s in reversed(flood[:4])]
    assert [s.lead.source for s in shaped.stories] == ["Al Jazeera", "Daily", "NHK", "Le Monde"]


def test_a_section_limit_and_the_days_limit_keep_the_best_ranked_stories() -> None:
    shape = settings(
        *SOURCES, rules=(SectionRule("World", "World", 1),), max_stories=3, max_per_source=99
    )
    world = [story(article("Wire", "World", h)) for h in (7, 8, 9)]
    tech = [story(article("Tech Blog", "Technology", h)) for h in (4, 5, 6)]
    shaped = shape_day([*world, *tech], shape)
    # World keeps only its newest (its limit); the day keeps the three best-ranked it can
    assert [(s.title, [x.id for x in s.stories]) for s in shaped.sections] == [
        ("World", [world[2].id]),
        ("Technology", [tech[2].id, tech[1].id]),
    ]
    # Also today: what passed a limit, section by section, best first
    assert [s.id for s in shaped.also_today] == [world[1].id, world[0].id, tech[0].id]


def test_also_today_is_bounded_and_the_rest_counted_by_source_with_its_site() -> None:
    shape = settings(*SOURCES, max_stories=2, also_today_limit=3, max_per_source=99)
    wire = [story(article("Wire", "World", h)) for h in range(6)]
    daily = [story(article("Daily", "World", h + 10)) for h in range(3)]
    shaped = shape_day([*wire, *daily], shape)
    assert len(shaped.stories) == 2 and len(shaped.also_today) == 3
    counted = {m.source: (m.count, m.url) for m in shaped.more}
    assert sum(count for count, _ in counted.values()) == 4  # 9 stories = 2 + 3 + 4
    assert counted["Wire"] == (4, "https://wire.example/")


def test_a_link_blogs_count_links_to_its_own_site_not_to_the_sites_it_links() -> None:
    # a link blog's entries point at other sites; its feed names its own home page
    shape = settings(*SOURCES, max_stories=1, also_today_limit=1, max_per_source=99)
    links = [
        story(
            dataclasses.replace(
                article("Daily", "World", h),
                url=f"https://elsewhere{h}.example/story",
                site="https://daily.example/",
            )
        )
        for h in range(4)
    ]
    shaped = shape_day(links, shape)
    assert {m.source: m.url for m in shaped.more} == {"Daily": "https://daily.example/"}


def test_a_count_links_to_the_site_even_when_its_first_story_has_no_address() -> None:
    # an entry without a link says nothing of the site; the source's other entries do
    shape = settings(*SOURCES, max_stories=1, also_today_limit=0, max_per_source=99)
    shown = story(article("Wire", "World", 20))
    unlinked = dataclasses.replace(article("Daily", "World", 9), url=None)
    linked = [story(article("Daily", "World", h)) for h in (1, 2)]
    shaped = shape_day([shown, story(unlinked), *linked], shape)
    assert [s.id for s in shaped.stories] == [shown.id]
    (more,) = shaped.more
    assert (more.source, more.count, more.url) == ("Daily", 3, "https://daily.example/")


def test_an_empty_day_has_no_sections() -> None:
    shaped = shape_day([], settings(*SOURCES))
    assert shaped.sections == () and shaped.also_today == () and shaped.more == ()


@pytest.mark.parametrize("count", [1, 7, 60])
def test_nothing_is_lost_whatever_the_limits(count: int) -> None:
    stories = [
        story(article(name, category, hour % 24))
        for hour, (name, category) in zip(range(count), itertools.cycle(SOURCES), strict=False)
    ]
    shaped = shape_day(stories, settings(*SOURCES, max_stories=5, also_today_limit=4))
    listed = every_story(shaped)
    assert len(listed) == len(set(listed))
    assert len(listed) + sum(m.count for m in shaped.more) == count
