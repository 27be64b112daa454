"""``build(config, day)``: the one place that knows the order of the stages.

sources → ingest → normalise → summarise → select for the day → filter → group → render → write.
Entries read from broken markup are held back at selection, until a read gives them whole.
Everything it calls takes and returns plain data; the network, the disk and the clock stay at
the edges (ingest, state, output), so each stage can be tested alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digest import freshness, present
from digest.backup import back_up_after_build
from digest.config import Config, keyed_by_state, renamed_sources
from digest.config.settings import TOP
from digest.filters import Filtered, Filters, paid_posts, sift
from digest.ingest import Progress, collect, is_remote
from digest.intake import (
    FIRST_RUN_UNDATED,
    Cleaned,
    Cleaning,
    CleanJob,
    DayIntake,
    DayPlan,
    IntakePool,
    Known,
    PageWanted,
    SourceDay,
    clean_all,
    clean_article,
    day_end,
    mark_incomplete,
    pool_workers,
    read_rules_file,
    slim,
)
from digest.language import choose_language, language, primary_subtag
from digest.model import (
    Article,
    DayRecord,
    Digest,
    Section,
    SourceFailure,
    Story,
    UnreadPage,
)
from digest.output import OutputError, StagedFiles, remove_leftovers
from digest.present import plural
from digest.state import (
    PAUSE_AS_NEW,
    Keep,
    RunLock,
    SourceHealth,
    State,
    StateError,
    StoredEntries,
    backup_folder,
)
from digest.text.recurring import Sighting, SourceTemplate

# What only grouping, shaping and rendering need (numpy, the feed writer) is imported where
# they run: a build that finds nothing new, as most cron runs do, and leaves the pages as
# they are never loads it.
if TYPE_CHECKING:
    import jinja2

    from digest.atom import ArticleEntry
    from digest.fulltext import Page, PageText
    from digest.group import StorySettings
    from digest.shape import ShapedDay, ShapeSettings
    from digest.text.normalise import RuleSet


# A day of this many new articles (a first run over many feeds with first_run_hours = 0) is
# big enough for its memory to be worth tidying between reading and grouping.
BIG_DAY = 2_000


# How many sources a note names by name before it counts the rest.
_NAMED_SOURCES = 3


@dataclass(frozen=True)
class BuildResult:
    day: dt.date
    written: tuple[Path, ...]
    warnings: tuple[str, ...]
    new_articles: int
    sources_read: int  # the sources read this run (with or without anything new), not failed
    elapsed: float
    failures: tuple[SourceFailure, ...] = ()  # the sources that could not be read
    # the day's stories, as its page, the email, the archive and the feeds count them: in the
    # sections, in Also today and past it
    story_count: int = 0
    # new articles the include/exclude rules took out, and the paid posts (``Filtered.paid``)
    filtered: tuple[Filtered, ...] = ()
    # article pages not fetched for full text within [fetch] full_text_seconds
    pages_late: int = 0
    full_text_seconds: float = 0.0
    unread_pages: tuple[UnreadPage, ...] = ()  # counted in the report, not one warning each
    # worth knowing, not wrong, so not warnings: said with the summary line, not under -q
    notes: tuple[str, ...] = ()
    # nothing new, and the pages on disk already what this run would write: left alone
    unchanged: bool = False
    # new sources' entries older than the first-run window, taken as read on their first
    # run and never shown (by source, in config order), and that window in hours
    taken_as_read: tuple[tuple[str, int], ...] = ()
    first_run_hours: int = 0
    # of those, the undated ones: beyond the newest few a first run takes of a feed that
    # gives no dates, which no window can tell the age of
    undated_taken_as_read: int = 0
    # the day's digest as built, or how to read it back from the state when the build left
    # the pages alone (only a caller that needs it, such as sending the email, pays for it)
    built: Digest | None = dataclasses.field(default=None, repr=False, compare=False)
    reload: Callable[[], Digest] | None = dataclasses.field(default=None, repr=False, compare=False)

    @functools.cached_property
    def digest(self) -> Digest:
        if self.built is not None:
            return self.built
        assert self.reload is not None, "a build result has its digest or a way to read it"
        return self.reload()

    @property
    def first_run_note(self) -> str:
        """What a first run of new sources left out of the digest for good, and how to have
        it: said, since nothing else would (the day's page simply shows fewer stories, and
        setting first_run_hours afterwards changes nothing). Empty when nothing was."""
        if not self.taken_as_read:
            return ""
        count = sum(number for _, number in self.taken_as_read)
        each = _by_source(self.taken_as_read)
        undated = self.undated_taken_as_read
        # An undated entry is not older, and a longer window does not bring it: only 0 does.
        newest = f"its newest {FIRST_RUN_UNDATED} undated entries"
        if undated == count:
            return (
                f"{plural(count, 'undated entry', 'undated entries')} of new sources ({each}) "
                f"taken as read, not shown: a new source's first build shows {newest} only, "
                "having no date to tell the others' age by; first_run_hours = 0 before a "
                "source's first build has them all"
            )
        if undated:
            return (
                f"{plural(count, 'older or undated entry', 'older or undated entries')} of new "
                f"sources ({each}) taken as read, not shown: first_run_hours = "
                f"{self.first_run_hours} shows a new source's last hours only, and {newest}; "
                "set it higher (0: everything, undated entries too) before a source's first "
                "build to have more"
            )
        return (
            f"{plural(count, 'older entry', 'older entries')} of new sources ({each}) taken "
            f"as read, not shown: first_run_hours = {self.first_run_hours} shows a new "
            "source's last hours only; set it higher (0: everything) before a source's first "
            "build to have more"
        )

    @property
    def summary_line(self) -> str:
        stories = plural(self.story_count, "story", "stories")
        sources = plural(self.sources_read, "source", "sources")
        paid = sum(1 for f in self.filtered if f.paid)
        ruled = len(self.filtered) - paid
        filtered = f", {ruled} filtered out" if ruled else ""
        if paid:
            filtered += f", {plural(paid, 'sponsored post', 'sponsored posts')} left out"
        late = ""
        if self.pages_late:
            pages = plural(self.pages_late, "article page", "article pages")
            late = (
                f"; full text stopped after {self.full_text_seconds:g} s "
                f"(full_text_seconds): {pages} not fetched, their teasers stand"
            )
        unchanged = "; nothing new, pages left as they were" if self.unchanged else ""
        # The sources this run read, not "from N sources": the day's page says "N stories
        # from M sources" of the sources its stories come from, which leaves out a source
        # read with nothing new and counts each paper a folder's files name. Two numbers
        # under one wording read as a contradiction.
        return (
            f"{self.day.isoformat()}: {stories} "
            f"({plural(self.new_articles, 'new article', 'new articles')}{filtered}); "
            f"{sources} read, {len(self.failures)} failed, {self.elapsed:.1f} s{late}{unchanged}"
        )


def prepare_article(
    article: Article, rules: RuleSet, config: Config, template: SourceTemplate | None = None
) -> Article:
    """normalise → title → summarise, for one article: what every ingestor's output goes through.

    ``template`` is what is known of the article's source's recurring paragraphs."""
    return clean_article(article, rules, config.lead_sentences, config.summary_chars, template)


def today(config: Config, now: dt.datetime | None = None) -> dt.date:
    """The digest day it is now, in the configured timezone."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(config.timezone).date()


@dataclass(frozen=True)
class Assembly:
    """A day put together from the sources, before anything is rendered or stored. Its
    ``digest`` (the day's stories grouped, summarised and shaped) is made when first asked
    for, while the state it was read from is open: a build that finds the day's pages
    current never asks."""

    shape: Callable[[], Digest] = dataclasses.field(repr=False, compare=False)
    failures: tuple[SourceFailure, ...]  # the sources that could not be read
    shown: list[Article]  # new to the day
    skipped: list[Article]  # remembered, never shown
    health: tuple[SourceHealth, ...]
    warnings: list[str]
    sources_read: int
    filtered: list[Filtered] = dataclasses.field(default_factory=list)  # also in ``skipped``
    pages_late: int = 0  # article pages the full-text budget left unfetched
    # the paragraph fingerprints of the articles cleaned, for the state to learn from
    sightings: list[Sighting] = dataclasses.field(default_factory=list)
    # the full-text pages that could not be read (their teasers stand)
    unread_pages: list[UnreadPage] = dataclasses.field(default_factory=list)
    # read from broken markup: not shown, nor remembered as seen, until read whole
    held_incomplete: list[Article] = dataclasses.field(default_factory=list)
    # by source: a new source's entries older than the first-run window, taken as read
    backlog: dict[str, int] = dataclasses.field(default_factory=dict)
    backlog_undated: int = 0  # of those, the undated ones (``intake.FIRST_RUN_UNDATED``)
    # by source: undated entries left for a later day, the day built being over
    held_undated: dict[str, int] = dataclasses.field(default_factory=dict)
    # by source key: the name it was shown by before this run and the one it is shown by now,
    # where they differ (``ingest.Collected.retitled``): its day's stored articles follow
    retitled: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    # by the name it is shown by: a source back after a pause, read as new, and when it was
    # last read before (``ingest.Collected.paused``)
    paused: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def digest(self) -> Digest:
        return self.shape()


def filter_levels(config: Config) -> Callable[[Article], tuple[Filters, ...]] | None:
    """The levels of include/exclude rules each article must pass: the config's own, then
    those of the source that read it (``Article.origin``, its name in the config: the source
    an article shows may be another, as a folder's file that names its paper, or an unnamed
    feed shown by its own title), and the built-in rules that take out paid posts
    (``filters.paid_posts``) for a source that does not show them. None when the config has
    no rules at all."""
    top = Filters(config.include, config.exclude, "top level")
    own = _own_filters(config)
    paid = _paid_left_out(config)
    if not top and not own and not paid:
        return None

    def levels(article: Article) -> tuple[Filters, ...]:
        name = article.origin or article.source
        source = own.get(name)
        found = (top, source) if source else (top,)
        return (*found, paid_posts()) if name in paid else found

    return levels


def _own_filters(config: Config) -> dict[str, Filters]:
    return {
        s.name: Filters(s.include, s.exclude, f"source {s.name}")
        for s in config.sources
        if s.include or s.exclude
    }


def _paid_left_out(config: Config) -> frozenset[str]:
    """The sources whose paid posts are left out: every one but those that ``sponsored =
    true`` (their own, else the config's) shows."""
    return frozenset(
        s.name
        for s in config.sources
        if not (config.sponsored if s.sponsored is None else s.sponsored)
    )


def day_plan(config: Config, day: dt.date, now: dt.datetime, *, a_run: bool = True) -> DayPlan:
    """What taking each source's articles for ``day`` needs to know of the config; ``a_run``
    as ``DayPlan`` says."""
    top = Filters(config.include, config.exclude, "top level")
    own = _own_filters(config)
    return DayPlan(
        day=day,
        tz=config.timezone,
        now=now,
        first_run_window=dt.timedelta(hours=config.first_run_hours),
        full_text_limit=config.fetch.full_text_limit,
        cleaning=Cleaning(
            config.rules,
            read_rules_file(config.rules),
            config.lead_sentences,
            config.summary_chars,
            summaries=any(level.reads("summary") for level in (top, *own.values())),
        ),
        language=config.language,
        a_run=a_run,
        top=top,
        own=own,
        paid_left_out=_paid_left_out(config),
    )


def assemble_day(
    config: Config,
    state: State,
    day: dt.date,
    now: dt.datetime,
    progress: Progress | None = None,
    *,
    a_run: bool = True,
) -> Assembly:
    """ingest → select → full text → clean → filter → group: the day's digest, from the
    configured sources and what the state knows. Reads the state and writes nothing.
    ``a_run``: this is one of the runs an entry held back as incomplete waits
    (``DayPlan.a_run``).

    Each source's articles are taken for the day as soon as it is read (``digest.intake``):
    selected (before cleaning: on a busy day most entries are ones already shown or an old
    backlog, and cleaning them would be wasted work), run past the exclude rules that look at
    what the source gave (so that an article they take out costs no page download nor a place
    within full_text_limit), their pages asked for (``digest.fulltext``), and cleaned. Every
    rule then sees each article as the reader would, full text and summary included.
    """
    plan = day_plan(config, day, now, a_run=a_run)
    if config.rules is not None:
        # A rules file of the user's that cannot be used stops the run now. (The built-in
        # rules are loaded when an article is first cleaned: a rerun that finds nothing new
        # never needs them.)
        plan.cleaning.ruleset()
    remote = sum(1 for s in config.sources if s.enabled and is_remote(s))
    workers = pool_workers(remote)
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(IntakePool(config.state, workers)) if workers else None
        full_text = None
        if config.fetch.full_text_limit and remote:
            from digest.fulltext import FullText

            full_text = stack.enter_context(FullText(config.fetch))
        intake = DayIntake(plan, state, pool=pool, pages=full_text.ask if full_text else None)
        collected = collect(
            config.sources,
            state,
            now,
            config.timezone,
            fetch_config=config.fetch,
            progress=progress,
            intake=intake,
            day_end=day_end(day, config.timezone),
        )
        pages = full_text.finish() if full_text else {}
        # (while the worker processes are up, and idle: they clean what waited for its page)
        taken = gather(
            collected.days, pages, plan, state, collected.names, pool.clean_all if pool else None
        )
    if len(taken.cleaned) >= BIG_DAY:
        # What reading the sources left in reference cycles (futures and their callbacks,
        # exceptions and their frames) is freed now, before grouping allocates its largest
        # arrays, rather than whenever the collector would get to it: at 46,000 articles,
        # 45 MB less at the peak.
        gc.collect()
    warnings = [*collected.warnings, *taken.warnings]
    levels = filter_levels(config)
    shown, filtered_clean = sift(taken.cleaned, levels)
    filtered = [*taken.filtered, *filtered_clean]
    # Articles left empty by cleaning are remembered as skipped, so they are not cleaned
    # (and warned about) again on every run; so are filtered ones, so they never come back.
    skipped = [*taken.skipped, *(slim(f.article) for f in filtered_clean)]
    # A source with entries waiting for their page or held back as incomplete must be read
    # in full next time: with its validators and cursor stored, "304 Not Modified" would
    # hide those entries for good. One with entries for a later day, from the day they are
    # due (see SourceHealth.holding).
    health = tuple(_stored_health(h, taken) for h in collected.health)
    settled = {h.name for h in health if h.ok and h.settles}  # (their entries taken)
    failures = (*config.invalid_sources, *collected.failures)

    # A source shown by another name from this run on (its feed retitled, or two unnamed
    # feeds' titles now alike): the articles it brought earlier in the day follow, or the
    # day's page would show it as two sources.
    retitled = {
        key: (was, collected.names[key])
        for key, was in collected.retitled.items()
        if key in collected.names
    }

    def shape() -> Digest:
        earlier = _shown_now(state.articles_for_day(day), retitled)
        return shaped_digest(
            config,
            day,
            stories_for_day(state, config, day, [*earlier, *shown], changed_at=now),
            generated_at=now,
            failures=failures,
        )

    late = full_text.fetcher.timed_out if full_text else 0
    return Assembly(
        shape,
        failures,
        shown,
        skipped,
        health,
        warnings,
        collected.sources_read,
        filtered,
        late,
        sightings=taken.sightings,
        unread_pages=taken.unread_pages,
        held_incomplete=taken.held_incomplete,
        backlog=taken.backlog,
        backlog_undated=taken.backlog_undated,
        held_undated=taken.held_undated,
        retitled=retitled,
        # (said by the build whose read takes its entries, which settles it: not by one that
        # failed to read it, was told it is unchanged, or held its every entry)
        paused={
            collected.names.get(key, key): when
            for key, when in collected.paused.items()
            if key in settled
        },
    )


def _shown_now(articles: list[Article], retitled: Mapping[str, tuple[str, str]]) -> list[Article]:
    """``articles`` (stored earlier in the day) each shown by the name its source is shown by
    now, where that source is ``retitled`` and the article was shown by its old name (not a
    publisher an entry named itself)."""
    if not retitled:
        return articles
    return [
        dataclasses.replace(article, source=retitled[article.origin][1])
        if article.origin in retitled and article.source == retitled[article.origin][0]
        else article
        for article in articles
    ]


def _stored_health(health: SourceHealth, taken: Taken) -> SourceHealth:
    if health.name in taken.first_run_pending:
        health = health.still_new()
    if health.name in taken.unsettled:
        return health.read_again()
    until = taken.held_until.get(health.name)
    return health if until is None else health.holding(until)


@dataclass
class Taken:
    """Every source's day put together, in config order (see ``gather``)."""

    cleaned: list[Article] = dataclasses.field(default_factory=list)
    skipped: list[Article] = dataclasses.field(default_factory=list)
    filtered: list[Filtered] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    unsettled: set[str] = dataclasses.field(default_factory=set)  # read in full next run
    # new sources whose every entry waits for a later day: still new next run
    first_run_pending: set[str] = dataclasses.field(default_factory=set)
    # by source, as it is shown: undated entries a build of a day already over left for a
    # later day
    held_undated: dict[str, int] = dataclasses.field(default_factory=dict)
    # by source: when its earliest article held for a later day is due
    held_until: dict[str, dt.datetime] = dataclasses.field(default_factory=dict)
    sightings: list[Sighting] = dataclasses.field(default_factory=list)
    unread_pages: list[UnreadPage] = dataclasses.field(default_factory=list)
    held_incomplete: list[Article] = dataclasses.field(default_factory=list)
    # by source, as it is shown: the entries a new source's first run took as read, older
    # than its window
    backlog: dict[str, int] = dataclasses.field(default_factory=dict)
    backlog_undated: int = 0  # of those, the undated ones


def gather(
    days: Sequence[SourceDay],
    pages: Mapping[str, Page[PageText]],
    plan: DayPlan,
    known: Known,
    names: Mapping[str, str] | None = None,
    clean_elsewhere: CleanElsewhere | None = None,
) -> Taken:
    """The sources' days as one, in config order: an article two sources brought counts for
    the first only; each article that wanted its page gets the page's text (or keeps its
    own, or waits, see ``fulltext.settle``), cleaned with its source's other such articles;
    articles left with no text are remembered as skipped, with a warning. ``names``: the
    name each source is shown by once the run has read them all (``Collected.names``), which
    its articles are shown by and its messages say (see ``_shown_as_named``).
    ``clean_elsewhere``: what cleans those articles on other cores, when there are (the
    build's worker processes, idle by now: ``IntakePool.clean_all``)."""
    from digest.fulltext import settle

    names = names or {}
    taken = Taken()
    seen: set[str] = set()
    cleaning_warnings: list[str] = []
    unreadable: set[str] = set()
    waiting: dict[str, int] = {}
    waiting_for: dict[tuple[str, str], int] = {}
    # each source's day, its name, the keys an earlier source brought, and its articles that
    # wanted their page, ready to clean
    ready: list[tuple[SourceDay, str, set[str], _Settled]] = []
    for day in days:
        repeated = {key for key in day.keys if key in seen}
        seen.update(day.keys)
        # what an earlier source brought is its to wait for, or to hold back: this one need
        # not be read in full again for it, nor say it waits
        waits = [a for a in day.waiting if a.key not in repeated]
        held = [a for a in day.held_incomplete if a.key not in repeated]
        if waits or held:
            taken.unsettled.add(day.source)
        # counted under the name the source is shown by (as its stories are), not a
        # publisher each of its items may name
        name = names.get(day.source) or day.shown_as or day.source
        if day.first_run_pending:
            taken.first_run_pending.add(day.source)
        if day.held_undated:
            taken.held_undated[name] = taken.held_undated.get(name, 0) + day.held_undated
        if day.held_until is not None:
            due = taken.held_until.get(day.source)
            taken.held_until[day.source] = min(due, day.held_until) if due else day.held_until
        if waits:
            waiting[name] = waiting.get(name, 0) + len(waits)
        if day.unreadable:
            unreadable.add(name)
        taken.skipped.extend(a for a in (*day.skipped, *day.unreadable) if a.key not in repeated)
        backlog = [a for a in day.skipped if a.key not in repeated]
        if backlog:
            taken.backlog[name] = taken.backlog.get(name, 0) + len(backlog)
            taken.backlog_undated += sum(1 for a in backlog if a.published is None)
        taken.held_incomplete.extend(held)
        taken.warnings.extend(day.warnings)
        taken.sightings.extend(day.sightings)
        for filtered in day.filtered:
            if filtered.article.key not in repeated:
                taken.filtered.append(filtered)
                taken.skipped.append(filtered.article)
        # Articles that wanted their page are cleaned here, once every page is in: together,
        # so that what recurs across the source's pages is learnt from the text shown.
        settled: dict[str, tuple[PageWanted, Article, bool]] = {}
        for item in day.shown:
            if item.article.key in repeated or not isinstance(item, PageWanted):
                continue
            outcome = settle(name, item, pages.get(item.article.key))
            if outcome.unread is not None:
                taken.unread_pages.append(outcome.unread)
            if outcome.waiting:
                taken.unsettled.add(day.source)
                if outcome.waiting_for:
                    counted = (name, outcome.waiting_for)
                    waiting_for[counted] = waiting_for.get(counted, 0) + 1
            elif outcome.article is None:
                taken.skipped.append(slim(item.article))
            else:
                settled[item.article.key] = (item, outcome.article, outcome.from_page)
        prepared = _prepare_settled(list(settled.values()), known, day.sightings)
        taken.sightings.extend(prepared.sightings)
        ready.append((day, name, repeated, prepared))
    # Every source's articles that wanted their page are cleaned at once, on every core
    completed = _clean_settled([p for _, _, _, p in ready], plan, clean_elsewhere)
    for (day, name, repeated, _), cleaned_here in zip(ready, completed, strict=True):
        for item in day.shown:
            if item.article.key in repeated:
                continue
            if isinstance(item, PageWanted):
                cleaned = cleaned_here.get(item.article.key)
                if cleaned is None:
                    continue
            else:
                cleaned = item
            if cleaned.ok:
                taken.cleaned.append(cleaned.article)
            else:
                article = cleaned.article
                cleaning_warnings.append(  # (by the feed's name: not a publisher it passes on)
                    f"{name}: '{article.title or article.url or article.key}' {cleaned.problem}"
                )
                taken.skipped.append(article)
    taken.warnings.extend(
        f"{name}: its articles have no text but their pages', and full_text_limit = 0 "
        "fetches none: they are skipped (raise full_text_limit)"
        for name in sorted(unreadable)
    )
    taken.warnings.extend(
        f"{name}: {count} article(s) wait for the next run, past the "
        f"{plan.full_text_limit} pages fetched per source and run (full_text_limit)"
        for name, count in sorted(waiting.items())
    )
    taken.warnings.extend(
        f"{name}: {plural(count, 'article page', 'article pages')} could not be read in this "
        f"run ({problem}): their articles have no text but their page's, so they wait for "
        "the next run"
        for (name, problem), count in waiting_for.items()
    )
    taken.warnings.extend(cleaning_warnings)
    return _shown_as_named(taken, days, names)


def _shown_as_named(taken: Taken, days: Sequence[SourceDay], names: Mapping[str, str]) -> Taken:
    """``taken`` with the articles of each source the config leaves unnamed shown by the name
    the run ends with (``names``) where it is not the title they were labelled with as the
    source was read (``SourceDay.shown_as``): two feeds that give one title, or one whose
    title is another source's name, are each shown by their own key (``ShownNames``), which
    is known only once the later of them is read. Their stories were both shown by the
    title, and the page counted them as one source, while the report, the footer and
    'sources list' named each by its key. A publisher an article names itself is kept."""
    renamed = {
        day.source: (day.shown_as, names[day.source])
        for day in days
        if day.shown_as and names.get(day.source, day.shown_as) != day.shown_as
    }
    if not renamed:
        return taken

    def named(article: Article) -> Article:
        was, now = renamed.get(article.origin, ("", ""))
        return (
            dataclasses.replace(article, source=now) if was and article.source == was else article
        )

    taken.cleaned = [named(a) for a in taken.cleaned]
    taken.skipped = [named(a) for a in taken.skipped]
    taken.held_incomplete = [named(a) for a in taken.held_incomplete]
    taken.filtered = [dataclasses.replace(f, article=named(f.article)) for f in taken.filtered]
    return taken


# What cleans articles on other cores, in order (``IntakePool.clean_all``); None: it cannot
CleanElsewhere = Callable[[Cleaning, Sequence[CleanJob]], "list[Cleaned] | None"]


@dataclass(frozen=True)
class _Settled:
    """One source's articles that wanted their page (each with the text it ends with, and
    whether that came from its page), ready to clean: with its recurring paragraphs learnt."""

    articles: Sequence[tuple[PageWanted, Article, bool]]
    templates: Mapping[str, SourceTemplate]
    sightings: list[Sighting]


def _prepare_settled(
    settled: Sequence[tuple[PageWanted, Article, bool]], known: Known, earlier: Sequence[Sighting]
) -> _Settled:
    """One source's articles that wanted their page, with the source's recurring paragraphs
    learnt from them, from what its other articles showed (``earlier``) and its history."""
    if not settled:
        return _Settled((), {}, [])
    from digest.intake import survey_all
    from digest.text.recurring import learn

    sightings = survey_all(article for _, article, _ in settled)
    together = [*earlier, *sightings]
    templates = learn(together, known.source_history(together)) if sightings else {}
    return _Settled(settled, templates, sightings)


def _clean_settled(
    sources: Sequence[_Settled], plan: DayPlan, elsewhere: CleanElsewhere | None
) -> list[dict[str, Cleaned]]:
    """Each source's articles that wanted their page, cleaned (by key), on other cores when
    ``elsewhere`` takes them. One still incomplete after waiting is marked so, unless its
    page gave it."""
    jobs: list[CleanJob] = [
        # (a sitemap's article has no teaser: nothing of its page left, it is not shown)
        (article, source.templates.get(article.source), wanted.has_teaser)
        for source in sources
        for wanted, article, _ in source.articles
    ]
    if not jobs:
        return [{} for _ in sources]
    results = elsewhere(plan.cleaning, jobs) if elsewhere is not None else None
    if results is None:
        results = clean_all(plan.cleaning, jobs)
    done = iter(results)
    completed: list[dict[str, Cleaned]] = []
    for source in sources:
        cleaned: dict[str, Cleaned] = {}
        for wanted, article, from_page in source.articles:
            result = next(done)
            if wanted.incomplete and not from_page and result.ok:
                result = Cleaned(mark_incomplete(result.article, plan.language))
            cleaned[article.key] = result
        completed.append(cleaned)
    return completed


def build(
    config: Config,
    day: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    lock_wait: float = 0.0,
    progress: Progress | None = None,
) -> BuildResult:
    """Build one day's digest from the configured sources and write every output."""
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    day = day or today(config, now)
    # A language digest does not speak is English, said once, with the build's warnings.
    language, language_warning = choose_language(config.language)

    with RunLock(config.state, wait=lock_wait), State.open(config.state) as state:
        config, renamed = as_the_state_knows(config, state, day)
        remove_leftovers(config.output)  # from a run killed while writing its pages
        # A build of an earlier day holds back what came incomplete, but is not one of the
        # runs it waits (``DayPlan.a_run``): the runs it waited stay as they were.
        a_run = day == today(config, now)
        assembly = assemble_day(config, state, day, now, progress, a_run=a_run)
        held = assembly.held_incomplete if a_run else []
        days = _built_days(config, state)
        fingerprint = freshness.fingerprint(
            config, days, assembly.failures, _template_folders(config)
        )
        current = _current_pages(config, state, day, days, fingerprint, assembly)
        if current is not None:
            # Nothing new for the day, and its pages are what this run would write: what
            # was read is stored (source health, skipped entries), the pages left alone.
            held_before = state.incomplete_runs(a.key for a in held)
            keep = _keeping(config, days, now)
            forgotten = state.commit_build(
                day,
                [],
                assembly.skipped,
                None,
                now,
                assembly.health,
                sightings=assembly.sightings,
                held_incomplete=held,
                keep=keep,
                retitled=assembly.retitled,
            )
            # A copy only when the state gained entries (a new feed's backlog, say): the
            # copies kept then span real changes, not hours of runs that found nothing. An
            # entry held back again only counts one more run waited: not worth a copy.
            gained = (
                assembly.skipped
                or assembly.sightings
                or any(a.key not in held_before for a in held)
            )
            backup_warning = back_up_after_build(state) if gained else None
            return _result(
                config,
                day,
                assembly,
                (),
                backup_warning,
                language_warning,
                started,
                kept_warning=_forgetting_said(config, state, forgotten, keep),
                renamed=renamed,
                story_count=current,
                # a day with no story: its (empty) digest costs nothing to make now, and
                # stays right whatever a later build of the day does
                reload=functools.partial(_reload_digest, config, day, now)
                if current
                else _const(dataclasses.replace(assembly.digest, generated_at=now)),
            )
        from digest import render
        from digest.group import story_record
        from digest.templating import make_environment

        digest = assembly.digest
        env = make_environment(config.templates, language)
        # Render everything before touching the state or the output folder: a template error
        # or a full disk then leaves yesterday's state and pages exactly as they were.
        known_days = {d.day: d for d in days}
        fragment = render.render_fragment(digest, config, env)
        # Every day built is recorded, one with no story too: it has its page, so the archive
        # lists it ("nothing new") and its neighbours link to it. The feeds leave it out
        # until it has a story (see ``atom.render_feed``).
        record = state.prepare_day(day, config.title, digest.story_count, fragment, now)
        days = sorted(
            [record, *(d for d in days if d.day != day)], key=lambda d: d.day, reverse=True
        )
        feed_id = state.feed_id()
        entries = _ArticleEntries.stored(config, state, days, day, feed_id)
        # An earlier day's stories, as the state holds them, grouped once for this build:
        # articles.atom may ask for the day whose page is rendered again (its "next" link).
        earlier_day = functools.cache(functools.partial(stories_for_day, state, config))
        pages = render_outputs(
            digest,
            days,
            config,
            env,
            feed_id,
            stories_on=lambda d: _listed(earlier_day(d)),
            fragment=fragment,
            article_entries=entries,
        )
        # A new day changes its neighbours' previous/next links: render them again. (Not
        # a day whose articles are no longer kept: its page stays as it was built.)
        for other in _neighbours_to_render(config, state, day, known_days):
            if state.forgotten(other):
                continue
            earlier_digest = shaped_digest(
                config,
                other,
                earlier_day(other),
                generated_at=known_days[other].updated,
                failures=state.day_failures(other),
            )
            other_fragment = render.render_fragment(earlier_digest, config, env)
            pages[config.output / present.day_filename(other)] = render.render_day_page(
                earlier_digest, config, env, days, other_fragment
            )
            if other == days[0].day:  # the newest day: the index shows it too
                pages[config.output / present.INDEX_FILENAME] = render.render_index(
                    earlier_digest, config, env, days, other_fragment
                )
        # Every file is written (to temporary names) before the state records the day, and
        # the state is recorded before any file replaces the old one.
        staged = StagedFiles()
        keep = _keeping(config, days, now)
        try:
            try:
                for path, content in pages.items():
                    staged.add(path, content)
                forgotten = state.commit_build(
                    day,
                    as_listed(assembly.shown, digest),
                    assembly.skipped,
                    record,
                    now,
                    assembly.health,
                    digest.failures,
                    sightings=assembly.sightings,
                    stories=[
                        story_record(story, day, record.published)
                        for story in (*digest.stories, *digest.also_today)
                    ],
                    held_incomplete=held,
                    keep=keep,
                    retitled=assembly.retitled,
                    article_entries=entries.to_store(),
                    rendered=(
                        freshness.meta_key(day),
                        freshness.Rendered(
                            freshness.fingerprint(
                                config, days, digest.failures, _template_folders(config)
                            ),
                            digest.story_count,
                            {
                                path.name: freshness.page_digest(page)
                                for path, page in pages.items()
                            },
                        ).to_store(),
                    ),
                )
            except OSError as exc:  # a full disk: say which file, and that none moved
                raise OutputError.staging(exc) from exc
            written = staged.publish()
        finally:
            # what was not put in place (a failure, or Ctrl-C between the state and the pages)
            # goes: the next build makes the pages again, and leaves no file of this one's
            staged.discard()
        # A good copy of the state as this build left it; one that fails is only reported.
        backup_warning = back_up_after_build(state)

    return _result(
        config,
        day,
        assembly,
        written,
        backup_warning,
        language_warning,
        started,
        story_count=digest.story_count,
        built=digest,
        kept_warning=_forgetting_said(config, state, forgotten, keep),
        renamed=renamed,
    )


def _built_days(config: Config, state: State) -> list[DayRecord]:
    """Every built day, newest first, each with its content only if feed.atom may show it:
    from the feed's first day counted back from the newest day built with a story
    (``present.window_day``; a build of a newer day moves that window on, never back)."""
    newest = present.window_day(state.days(content_from=dt.date.max))  # (no content read)
    return state.days(content_from=config.feed_from(newest) if newest else None)


@dataclass
class _ArticleEntries:
    """The ``articles.atom`` entries of earlier days a build reuses, and those it makes.

    A day's entries depend on its stored articles and stories, on the stories of the
    ``feed_days`` before it (each story's "Earlier:" link), and on the settings, templates
    and code they were made with. A build stores the entries it makes of an earlier day the
    feed shows, from the state, with a fingerprint of those settings (``made_from``); a later
    build takes them as long as that fingerprint is its own, and the state drops them when
    what they were made from changes (the day built again, a day before it built again, the
    day forgotten; see ``State.commit_build``). So the feed is always the one a build making
    every entry anew would write, byte for byte; only the work differs. The day being built
    is not stored: its entries come from the build's own digest, which may differ from what
    the state gives once it is stored (which of two identical copies leads), and the feed
    shows the latter from the next build on; that build stores them, grouping the day once
    for them and for the day's page, whose "next" link it renders again anyway. Unlike
    ``feed.atom``, whose days keep the content their own build rendered, a change of the
    config or templates reaches every day of ``articles.atom`` (as it did before entries
    were stored): the first build after it makes them all again. Only the days the feed
    read keep theirs (``read``): in a busy month most of the window's days fall past the
    feed's byte budget, and keeping theirs until they leave the window would make the state
    (and each of its copies) hold several times what the feed shows."""

    made_from: str
    first: dt.date  # the first day the feed may show
    building: dt.date
    reuse: dict[dt.date, tuple[ArticleEntry, ...]]
    made: dict[dt.date, tuple[ArticleEntry, ...]] = dataclasses.field(default_factory=dict)
    read: list[dt.date] = dataclasses.field(default_factory=list)  # newest first
    enabled: bool = True

    @classmethod
    def stored(
        cls,
        config: Config,
        state: State,
        days: Sequence[DayRecord],
        building: dt.date,
        feed_id: str,
    ) -> _ArticleEntries:
        """What the state holds for the days the feed may show, but the day ``building``
        (``days``: every built day once it is stored, newest first)."""
        newest = present.window_day(days)
        first = config.feed_from(newest) if newest else dt.date.max
        if not config.articles_feed:
            return cls("", first, building, {}, enabled=False)
        from digest import atom

        made_from = freshness.settings_fingerprint(config, _template_folders(config), feed_id)
        reuse = {}
        for day, value in state.article_entries(first).items():
            entries = atom.stored_entries(value, made_from)
            if day != building and entries is not None:
                reuse[day] = entries
        return cls(made_from, first, building, reuse)

    def to_store(self) -> StoredEntries:
        """What the build stores: the entries it made of earlier days, and none of a day
        older than those the feed read; none at all without the feed."""
        if not self.enabled:
            return StoredEntries({}, dt.date.max)
        from digest import atom

        made = {
            day: atom.entries_to_store(entries, self.made_from)
            for day, entries in self.made.items()
            if day != self.building
        }
        return StoredEntries(made, min(self.read, default=self.first))


def _keeping(config: Config, days: Sequence[DayRecord], now: dt.datetime) -> Keep | None:
    """What a build keeps of earlier days (``keep_days``), ``days`` being every built day
    once it is stored: counted back from the newest with a story, as the feeds count their
    days (``present.window_day``; never from after today: a run with its clock set ahead must
    not drop them all)."""
    newest = present.window_day(days)
    if newest is None:
        return None
    first = config.keep_from(min(newest, today(config, now)))
    if first is None:
        return None
    # a kept day's "Earlier:" links look this far back (``stories_for_day``)
    return Keep(first, first - dt.timedelta(days=config.feed_days))


def _forgetting_said(config: Config, state: State, forgotten: int, keep: Keep | None) -> str | None:
    """A build that forgot more than the one day that each day's build forgets (the first
    after an upgrade, or after a long pause) says so: those days can no longer be built or
    sent again, and the state's copies hold their articles only until they rotate out."""
    if forgotten <= 1 or keep is None:
        return None
    return (
        f"the articles of {forgotten} days before {keep.articles_from} were dropped from the "
        f"state (keep_days = {config.keep_days}): their pages stay, but they can no longer be "
        f"built or sent again; the copies in {backup_folder(state.path)} still hold them "
        "until newer copies replace them (set keep_days = 0 to keep every day's articles)"
    )


def as_listed(articles: Sequence[Article], digest: Digest) -> list[Article]:
    """``articles``, those of the stories ``digest`` lists as the day summarised them: stored
    so, a later build of the day (or a feed that shows it again) need not summarise them
    anew. The others are stored as they were cleaned, with no summary. (A key is one article
    of the day: ``select`` never takes an entry a digest already holds.)"""
    listed = {
        article.key: article
        for story in (*digest.stories, *digest.also_today)
        for article in (*story.reports, *story.copies)
    }
    return [listed.get(article.key, article) for article in articles]


def _result(
    config: Config,
    day: dt.date,
    assembly: Assembly,
    written: tuple[Path, ...],
    backup_warning: str | None,
    language_warning: str | None,
    started: float,
    *,
    story_count: int,
    built: Digest | None = None,
    reload: Callable[[], Digest] | None = None,
    kept_warning: str | None = None,
    renamed: Mapping[str, str] | None = None,
) -> BuildResult:
    result = BuildResult(
        day=day,
        written=written,
        warnings=(
            *config.warnings,
            *([language_warning] if language_warning else []),
            *assembly.warnings,
            *([kept_warning] if kept_warning else []),
            *([backup_warning] if backup_warning else []),
        ),
        new_articles=len(assembly.shown),
        sources_read=assembly.sources_read,
        elapsed=time.monotonic() - started,
        failures=assembly.failures,
        story_count=story_count,
        filtered=tuple(assembly.filtered),
        pages_late=assembly.pages_late,
        full_text_seconds=config.fetch.full_text_seconds,
        unread_pages=tuple(assembly.unread_pages),
        notes=tuple(
            note
            for note in [
                _held_undated_note(assembly.held_undated, day),
                renamed_note(renamed or {}),
                paused_note(assembly.paused, config.first_run_hours),
                present.relative_links_note(config),
            ]
            if note
        ),
        unchanged=built is None,
        taken_as_read=tuple(assembly.backlog.items()),
        first_run_hours=config.first_run_hours,
        undated_taken_as_read=assembly.backlog_undated,
        built=built,
        reload=reload,
    )
    return result


def _by_source(counts: Iterable[tuple[str, int]]) -> str:
    """``Example News: 78, Harbour Log: 7``, most first: a note's count by source. A few
    sources named: a first build of fifty would otherwise fill the terminal."""
    named = sorted(counts, key=lambda item: -item[1])
    each = ", ".join(f"{name}: {number}" for name, number in named[:_NAMED_SOURCES])
    if len(named) > _NAMED_SOURCES:
        each += f" and {len(named) - _NAMED_SOURCES} more"
    return each


def _held_undated_note(held: Mapping[str, int], day: dt.date) -> str:
    """Why a build of a day already over shows none of some feeds' undated entries: each
    belongs to the day digest first saw it, and the day built was over by then. Without it,
    'digest build --date' of an earlier day showed a new undated feed's entries nowhere and
    said nothing of them (its first-run note counts none: none was taken as read)."""
    if not held:
        return ""
    entries = plural(sum(held.values()), "undated entry", "undated entries")
    return (
        f"{entries} ({_by_source(held.items())}) left for a later "
        f"day's digest: an entry without a date belongs to the day digest first sees it, and "
        f"{day.isoformat()} was over; a build of today takes them"
    )


def as_the_state_knows(config: Config, state: State, day: dt.date) -> tuple[Config, dict[str, str]]:
    """``config`` with its sources keyed as ``state`` keys them, once a run of ``day`` may
    go on (``check_kept``); and the sources renamed in the config since the last run, old
    name → new, which the state now keeps under their new names (``State.rename_sources``).

    The sources left unnamed keep their keys in the state the run holds: the config may have
    been loaded while it could not be read, or before it was restored. A source renamed in
    the config keeps what the state knows of it under its new name: from the first run that
    reads the sources (a build, or ``digest stories``), so that it is never taken for new."""
    from digest.usecases import check_kept  # (whose errors the command line reports)

    stored = state.source_locations()
    config = keyed_by_state(config, stored)
    renamed = {kept.name: new for new, kept in renamed_sources(config.sources, stored).items()}
    check_kept(day, state, config)
    state.rename_sources(renamed, day, config.sources)  # (not by a run refused above)
    return config, renamed


def paused_note(paused: Mapping[str, dt.datetime], first_run_hours: int) -> str:
    """That the sources back in the config after a pause were read as new ones: a user who
    wanted what they missed meanwhile hears why the day shows less."""
    if not paused:
        return ""
    each = ", ".join(
        f"'{name}' (last read {when.date().isoformat()})" for name, when in paused.items()
    )
    window = (
        f"its last {first_run_hours} hours shown (first_run_hours)"
        if first_run_hours
        else "all of it shown (first_run_hours = 0)"
    )
    return (
        f"back after a pause of over {PAUSE_AS_NEW.days} days: {each}; read as a new source, "
        f"{window}, the older entries taken as read"
    )


def renamed_note(renamed: Mapping[str, str]) -> str:
    """That the sources the config renamed (old name → new) were taken for the ones they
    were: a user who meant a new source at the same address hears why it is not one."""
    if not renamed:
        return ""
    each = "; ".join(f"'{old}' is '{new}' now" for old, new in renamed.items())
    return (
        f"{each}: the same address, so what digest knew under the old name (the entries "
        "already shown, the boilerplate learnt, how the source answers) goes on under the new"
    )


def _template_folders(config: Config) -> tuple[Path, ...]:
    return (
        *((config.templates,) if config.templates is not None else ()),
        present.default_templates_dir(),
    )


def _current_pages(
    config: Config,
    state: State,
    day: dt.date,
    days: Sequence[DayRecord],
    fingerprint: str,
    assembly: Assembly,
) -> int | None:
    """How many stories the day's pages show, if they are current: nothing new came for the
    day, the day's pages were made from the same things (``digest.freshness``), and every
    page a build would write is still there. None: the day is built again."""
    if assembly.shown or assembly.retitled:
        return None  # (a source shown by a new title: its stories on the pages too)
    found = freshness.stored(state.get_meta(freshness.meta_key(day)))
    if found is None or found.fingerprint != fingerprint:
        return None
    if not any(d.day == day for d in days):
        return None  # its record is gone (a state put back from an older copy)
    # every page a build would write is still there, as that build wrote it
    if not found.on_disk(output_paths(config, day, days)):
        return None
    return found.stories


def _const(digest: Digest) -> Callable[[], Digest]:
    return lambda: digest


def _reload_digest(config: Config, day: dt.date, now: dt.datetime) -> Digest:
    """The digest of a day whose pages a build left alone, read back from the state when a
    caller asks for it (the email). Should another build of the day have come in between
    (a cron run while the mail was waiting for the lock), it is the day as that build left
    it: what its pages show."""
    with State.open(config.state) as state:
        found = stored_digest(config, state, day)
    if found is None:
        raise StateError(
            f"{config.state}: the digest of {day} is no longer there",
            f"build it again with 'digest build --date {day}'",
        )
    return dataclasses.replace(found, generated_at=now)


def _neighbours_to_render(
    config: Config, state: State, day: dt.date, known_days: Iterable[dt.date]
) -> list[dt.date]:
    """The built days next to ``day`` whose pages a build of it writes again: both for a new
    day, whose previous/next links change theirs; for a day built before, those its last
    build wrote but are not on disk as it wrote them (that build was stopped after it stored
    the day, before it put its pages in place)."""
    known_days = list(known_days)
    neighbours = _neighbours(day, known_days)
    if day not in known_days:
        return neighbours
    last = freshness.stored(state.get_meta(freshness.meta_key(day)))
    if last is None:
        return []
    return [
        other
        for other in neighbours
        if present.day_filename(other) in last.pages
        and not last.on_disk([config.output / present.day_filename(other)])
    ]


def _neighbours(day: dt.date, days: Iterable[dt.date]) -> list[dt.date]:
    """The built days just before and just after ``day``."""
    days = list(days)
    before = max((d for d in days if d < day), default=None)
    after = min((d for d in days if d > day), default=None)
    return [d for d in (before, after) if d is not None]


def stored_digest(config: Config, state: State, day: dt.date) -> Digest | None:
    """The digest of an already built day, from the state store (None if never built).

    Used to email or re-render a day without reading every source again; the footer lists
    the sources that failed in the day's latest build.
    """
    if not any(built == day for built, _ in state.page_days()):
        return None
    return shaped_digest(
        config,
        day,
        stories_for_day(state, config, day),
        generated_at=dt.datetime.now(dt.UTC),
        failures=state.day_failures(day),
    )


def shape_settings(config: Config) -> ShapeSettings:
    """How the config says the day is shaped: its sections and limits."""
    from digest.shape import SectionRule, ShapeSettings

    return ShapeSettings.from_sources(
        config.sources,
        (SectionRule(s.name, s.heading, s.limit) for s in config.sections),
        default_section=config.default_section,
        max_stories=config.max_stories,
        max_per_source=config.max_per_source,
        also_today_limit=config.also_today_limit,
    )


def shaped_digest(
    config: Config,
    day: dt.date,
    shaped: ShapedDay,
    *,
    generated_at: dt.datetime,
    failures: Sequence[SourceFailure] = (),
) -> Digest:
    """The digest of ``day``, its stories shaped (see ``stories_for_day``)."""
    return Digest(
        day=day,
        title=config.title,
        stories=shaped.stories,
        generated_at=generated_at,
        failures=tuple(failures),
        sections=_default_heading(shaped.sections, config),
        also_today=shaped.also_today,
        more=shaped.more,
    )


def _default_heading(sections: Sequence[Section], config: Config) -> tuple[Section, ...]:
    """``sections`` with the default section headed in the reader's language ("Nachrichten"),
    unless the config names that section itself (``default_section``) or gives it a title."""
    if config.default_section != TOP["default_section"].default:
        return tuple(sections)
    # TRANSLATORS: the heading of the section of stories whose sources have no category
    heading = language(config.language).gettext("News")
    return tuple(
        dataclasses.replace(s, title=heading)
        if s.name == config.default_section and s.title == s.name
        else s
        for s in sections
    )


def story_settings(config: Config) -> StorySettings:
    """How the config says stories are made."""
    from digest.group import GroupingSettings, StorySettings

    return StorySettings(
        grouping=GroupingSettings(
            enabled=config.stories.enabled,
            similarity=config.stories.similarity,
            # what an article's language is taken to be when nothing declares or shows it
            languages=(primary_subtag(config.language) or "en",),
        ),
        summary_sentences=config.lead_sentences,
        summary_chars=config.summary_chars,
    )


def _listed(day: ShapedDay) -> tuple[Story, ...]:
    """A day's stories with an entry of their own in ``articles.atom``: those in its sections
    and in Also today (they count as shown, and never come back)."""
    return (*day.stories, *day.also_today)


def stories_for_day(
    state: State,
    config: Config,
    day: dt.date,
    articles: Sequence[Article] | None = None,
    changed_at: dt.datetime | None = None,
) -> ShapedDay:
    """The stories of ``day`` in sections, within the limits (``digest.shape``): its articles
    (by default, those stored for it) grouped, each story with the id an earlier build of the
    day gave it (and, when its articles changed since, ``changed_at``: the build's time). The
    stories shown or listed in Also today are completed (headline, summary) and linked to
    the story of an earlier day (within ``feed_days``) that each continues; the others are
    only counted, so they are never completed."""
    from digest.shape import ShapedDay, shape_day

    if articles is None:
        articles = state.articles_for_day(day)
    if not articles:  # nothing to group: grouping (and numpy) is not even loaded
        return ShapedDay((), (), ())
    from digest.group import complete_story, keep_ids, link_earlier, outline_stories

    settings = story_settings(config)
    outlines = keep_ids(outline_stories(articles, settings), state.stories(day, day), changed_at)
    shaped = shape_day(outlines, shape_settings(config))
    listed = [*shaped.stories, *shaped.also_today]
    stories = [complete_story(_summarised_now(story, config), settings) for story in listed]
    if settings.grouping.enabled:
        first = day - dt.timedelta(days=config.feed_days)
        earlier = state.stories(first, day - dt.timedelta(days=1))
        stories = list(link_earlier(stories, earlier, settings.grouping))
    done = {id(outline): story for outline, story in zip(listed, stories, strict=True)}
    return ShapedDay(
        tuple(
            dataclasses.replace(section, stories=tuple(done[id(s)] for s in section.stories))
            for section in shaped.sections
        ),
        tuple(done[id(s)] for s in shaped.also_today),
        shaped.more,
    )


def _summarised_now(story: Story, config: Config) -> Story:
    """``story`` with each article summarised as the config now asks: one stored under other
    summary settings (or before they were kept) is summarised again. Only the stories a day
    lists are: the others are counted, never read."""
    from digest.summarise import summarised

    def now(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        return tuple(summarised(a, config.lead_sentences, config.summary_chars) for a in articles)

    return dataclasses.replace(story, reports=now(story.reports), copies=now(story.copies))


def output_paths(config: Config, day: dt.date, days: Sequence[DayRecord]) -> list[Path]:
    """Every file ``render_outputs`` writes for a build of ``day`` (``days``: every built day,
    this one included), in its order."""
    out = config.output
    paths = [
        out / present.day_filename(day),
        out / present.ARCHIVE_FILENAME,
        out / present.FEED_FILENAME,
    ]
    if day >= max((d.day for d in days), default=day):
        paths.append(out / present.INDEX_FILENAME)
    if config.articles_feed:
        paths.append(out / present.ARTICLES_FEED_FILENAME)
    return paths


def render_outputs(
    digest: Digest,
    days: Sequence[DayRecord],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
    stories_on: Callable[[dt.date], tuple[Story, ...]],
    fragment: str | None = None,
    article_entries: _ArticleEntries | None = None,
) -> dict[Path, str | bytes]:
    """Every output file's path and content: the day page, index, archive and feeds.

    ``stories_on(day)`` gives an earlier day's stories, for the optional per-story feed (asked
    for only the days that feed holds and ``article_entries`` has no entries for, and the
    entries made of them put in it); ``fragment`` is the day's rendered story list, if the
    caller has it already.
    """
    from digest import atom, render

    if fragment is None:
        fragment = render.render_fragment(digest, config, env)
    paths = output_paths(config, digest.day, days)
    rendered: dict[str, Callable[[], str | bytes]] = {
        present.day_filename(digest.day): lambda: render.render_day_page(
            digest, config, env, days, fragment
        ),
        present.ARCHIVE_FILENAME: lambda: render.render_archive(config, env, days),
        present.FEED_FILENAME: lambda: atom.render_feed(days, config, feed_id),
        present.INDEX_FILENAME: lambda: render.render_index(digest, config, env, days, fragment),
        present.ARTICLES_FEED_FILENAME: lambda: atom.render_articles_feed(
            days,
            lambda d: (*digest.stories, *digest.also_today) if d == digest.day else stories_on(d),
            config,
            env,
            feed_id,
            stored=article_entries.reuse if article_entries else None,
            made=article_entries.made if article_entries else None,
            read=article_entries.read if article_entries else None,
        ),
    }
    return {path: rendered[path.name]() for path in paths}
