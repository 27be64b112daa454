"""Shape: the day's stories as a reader meets them, in sections, within limits.

Between grouping and rendering, so that every output (the day page, the index, both feeds and
both parts of the email) shows the same day:

* **Sections.** A source's ``category`` makes a section, in the order ``[[sections]]`` lists
  them, then in the order the sources first name the others; sources without one go to the
  ``default_section``. A story whose sources span sections goes where most of its articles
  are (a tie: the section that comes first).
* **Ranking** within a section: stories carried by more independent sources first, each
  source's ``priority`` counting as that many more sources; of the stories that one source
  alone carries, each source's newest before any source's second, and so on (a source that
  publishes forty a day does not fill the top of the day with its six newest); then the
  most recent.
* **Limits, with nothing lost.** A source may lead at most ``max_per_source`` stories of
  its own (a story that several sources carry counts for none of them: it is no flood), a
  section at most its ``limit``, the day at most ``max_stories``. What passes a limit is
  not dropped: it goes to "Also today", a compact list at the end, and counts as shown like
  every other story, so it never comes back tomorrow. That list is bounded too
  (``also_today_limit``): past it, stories are counted by source ("+212 more from ...").
  The best stories make the cut: limits are applied in ranking order over the whole day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from digest.model import MoreFrom, Section, Source, Story

_NO_DATE = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class SectionRule:
    """One section as configured: the category it gathers, its heading and its limit."""

    name: str
    title: str
    limit: int | None = None


@dataclass(frozen=True)
class ShapeSettings:
    """Everything shaping needs from the config, as plain data."""

    sections: tuple[SectionRule, ...] = ()
    default_section: str = "News"
    max_stories: int = 40
    max_per_source: int = 6
    also_today_limit: int = 60
    priorities: tuple[tuple[str, int], ...] = ()  # (source name, priority) for nonzero ones

    @classmethod
    def from_sources(
        cls,
        sources: Sequence[Source],
        rules: Iterable[SectionRule] = (),
        **limits: object,
    ) -> ShapeSettings:
        """Sections in the order ``rules`` lists them, then each other category in the order
        the sources first name it, then the default section."""
        ordered = list(rules)
        default = str(limits.get("default_section", cls.default_section))
        known = {rule.name for rule in ordered}
        for source in sources:
            name = source.category or default
            if name not in known and source.category:
                ordered.append(SectionRule(name, name))
                known.add(name)
        if default not in known:
            ordered.append(SectionRule(default, default))
        priorities = tuple((s.name, s.priority) for s in sources if s.priority)
        return cls(sections=tuple(ordered), priorities=priorities, **limits)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ShapedDay:
    sections: tuple[Section, ...]
    also_today: tuple[Story, ...]
    more: tuple[MoreFrom, ...]

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for section in self.sections for story in section.stories)


def section_of(story: Story, settings: ShapeSettings) -> str:
    """The section a story belongs in: where most of its articles' categories point."""
    votes = Counter(a.category or settings.default_section for a in story.articles)
    order = {rule.name: index for index, rule in enumerate(settings.sections)}
    best = max(votes.values())
    return min(
        (name for name, count in votes.items() if count == best),
        key=lambda name: order.get(name, len(order)),
    )


def rank_key(story: Story, priorities: dict[str, int]) -> tuple[int, float]:
    """Sort key: more independent sources (plus priority) first, then the most recent."""
    from digest.group import independent_sources

    # a priority is a configured source's: looked up by the name in the config, which the
    # source an article shows may not be (an unnamed feed's title, a folder file's paper)
    lift = max((priorities.get(a.origin or a.source, 0) for a in story.reports), default=0)
    newest = max((a.published or _NO_DATE for a in story.reports), default=_NO_DATE)
    return (-(independent_sources(story.reports) + lift), -newest.timestamp())


def _rank_keys(
    stories: Sequence[Story], priorities: dict[str, int]
) -> list[tuple[int, int, float, int]]:
    """Each story's sort key (see the module's Ranking): ``rank_key``, with a story that one
    source alone carries taking its turn among that source's (0 for its newest)."""
    from digest.group import independent_sources

    keys = [rank_key(story, priorities) for story in stories]
    turns = [0] * len(stories)
    alone: dict[str, list[int]] = {}
    for index, story in enumerate(stories):
        if independent_sources(story.reports) == 1:
            # counted by the configured source, as the limits count it (see shape_day)
            alone.setdefault(story.lead.origin or story.lead.source, []).append(index)
    for members in alone.values():
        for turn, index in enumerate(sorted(members, key=lambda i: (keys[i], i))):
            turns[index] = turn
    return [(keys[i][0], turns[i], keys[i][1], i) for i in range(len(stories))]


def shape_day(stories: Sequence[Story], settings: ShapeSettings | None = None) -> ShapedDay:
    """The day's ``stories`` in sections, within the limits, the rest in Also today."""
    from digest.group import independent_sources

    settings = settings or ShapeSettings()
    priorities = dict(settings.priorities)
    rules = {rule.name: rule for rule in settings.sections}
    order = [rule.name for rule in settings.sections]
    home = [section_of(story, settings) for story in stories]
    for name in home:
        if name not in rules:  # a category no configured source names any more
            rules[name] = SectionRule(name, name)
            order.append(name)

    keys = _rank_keys(stories, priorities)
    ranked = sorted(range(len(stories)), key=keys.__getitem__)
    kept: set[int] = set()
    per_source: Counter[str] = Counter()
    per_section: Counter[str] = Counter()
    for index in ranked:
        story = stories[index]
        section = home[index]
        alone = independent_sources(story.reports) == 1
        # counted by the configured source, as its priority is: an aggregator's items show
        # each its own publisher ("Reuters", "BBC"), and counted by those a feed of a hundred
        # headlines from forty outlets was never capped and filled the day
        feed = story.lead.origin or story.lead.source
        if alone and per_source[feed] >= settings.max_per_source:
            continue
        limit = rules[section].limit
        if limit is not None and per_section[section] >= limit:
            continue
        if len(kept) >= settings.max_stories:
            continue
        kept.add(index)
        per_section[section] += 1
        if alone:
            per_source[feed] += 1

    sections = []
    overflow: list[int] = []
    for name in order:
        members = [i for i in ranked if home[i] == name]
        shown = tuple(stories[i] for i in members if i in kept)
        overflow.extend(i for i in members if i not in kept)
        if shown:
            sections.append(Section(rules[name].title, shown, name))
    listed = [stories[i] for i in overflow[: settings.also_today_limit]]
    rest = [stories[i] for i in overflow[settings.also_today_limit :]]
    return ShapedDay(tuple(sections), tuple(listed), _counted_by_source(rest))


def _counted_by_source(stories: Sequence[Story]) -> tuple[MoreFrom, ...]:
    counts: Counter[str] = Counter(story.lead.source for story in stories)
    sites: dict[str, str] = {}
    for story in stories:  # the first story that says where the source's site is
        site = story.lead.site or _site(story.lead.url)
        if site:
            sites.setdefault(story.lead.source, site)
    return tuple(
        MoreFrom(source, count, sites.get(source))
        for source, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _site(url: str | None) -> str | None:
    """The home page of the site an article's address is on."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"
