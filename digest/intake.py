"""What each source brings to the day, decided as soon as the source is read.

A build takes each source's articles for the day the moment that source has been read, not
once every source is in: which are new to the day, which are a new feed's old backlog (kept as
keys only, to be remembered), which wait for a later day, which the exclude rules take out,
which want their linked page for the full text (asked for at once, so that page downloads
overlap the rest of the build), and the rest cleaned and summarised. What leaves here is what
the day needs, and nothing more: no raw entry HTML, no backlog articles.

``take`` does it for one source (pure but for the lookups in the state it is given: known
entries, entries held back as incomplete, the source's recurring paragraphs). With
enough feeds to read, ``IntakePool`` runs the parse of each fetched feed and its ``take`` in
worker processes, one per core: the results are small (the day's cleaned articles and a list
of keys), so sending them back costs far less than the work it spreads. The workers read the
state file for those lookups; nothing writes it until the build commits.

``select`` sorts one source's articles; the pipeline drops an article that an earlier source
(in config order) already brought, so the day comes out the same whatever order the sources
answered in.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from digest.filters import Filtered, Filters, paid_posts, verdict
from digest.model import Article, Paragraph, Source
from digest.room import Room

if TYPE_CHECKING:
    from digest.ingest import Labels
    from digest.sources.kinds.base import Cursor, Fetched, Kind
    from digest.state import EntryRecord
    from digest.text.normalise import RuleSet
    from digest.text.recurring import Sighting, SourceHistory, SourceTemplate

log = logging.getLogger(__name__)

# On a new feed's first run, undated entries cannot be shown to be recent: take only this many
# of them (feeds list newest first) and remember the rest as backlog.
FIRST_RUN_UNDATED = 5

# Worker processes pay for themselves from about this many fetched feeds: starting them
# (a fresh interpreter importing the parser and the cleaning rules) costs about what
# parsing and cleaning some forty feeds does. A build asking this many feeds or more that
# cannot answer "304 Not Modified" (no validators, nor the hash of a body read before that
# may come again unchanged: never read, as a rule) starts them as its fetching starts, and
# hands them every body (``DayIntake.expect_bodies``).
POOL_MIN_SOURCES = 40
# Any other build (a rerun, where most feeds answer 304) reads its first POOL_MIN_SOURCES
# bodies in its own process and starts the workers, which take a moment, with this many
# bodies fetched, for the bodies after those: a rerun where all but a handful of feeds
# answer 304 never starts them, nor waits for them at its end.
POOL_START_AT = 10

# Bodies fetched and not yet taken wait in the build's own process: past this many bytes of
# them, fetching pauses until the workers catch up (``IntakePool.room``, see digest.room).
# Fetching is faster than parsing and cleaning, so without it a build of thousands of feeds
# would hold every body at once (200 MB at 3,600 feeds) for no gain in time.
QUEUED_BODY_BYTES = 24 * 2**20

# The bodies waiting when a worker can take more go to it together, up to this many and about
# this many bytes: each hand-over costs the build's process a pickling, a pipe write and a
# wake-up of the pool's threads, which it pays while its fetching threads want the same
# interpreter lock. One source at a time, the workers idled half of a build of 895 feeds
# waiting for it (benchmarks/build_bench.py: 1.8 s, against 1.6 s in batches).
BATCH_SOURCES = 8
# Articles cleaned after every source is read (those that wanted their page) go to the worker
# processes from this many on: fewer cost more to send than to clean here.
CLEAN_ON_WORKERS_AT = 16
BATCH_BYTES = 512 * 1024

_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


class Known(Protocol):
    """What the state knows that taking a source's articles needs (``digest.state.State``,
    or a worker's read-only copy of it)."""

    def entries(self, keys: Iterable[str]) -> Mapping[str, EntryRecord]: ...

    def incomplete_runs(self, keys: Iterable[str]) -> Mapping[str, int]: ...

    def source_history(self, sightings: Sequence[Sighting]) -> Mapping[str, SourceHistory]: ...


@dataclass(frozen=True)
class Selection:
    """How ``select`` sorted a source's articles."""

    shown: list[Article]  # new to digest: they go into this day
    skipped: list[Article]  # a new feed's old backlog: remembered, never shown
    held: list[Article]  # dated after this day, or undated on an earlier day's build: later
    # keys of the shown articles the feed left undated: their ``published`` is the time
    # digest first saw them, which the article page's own date may still replace
    undated: set[str] = dataclasses.field(default_factory=set)
    # when the earliest held article comes due: the first build of a day ending after it
    # would take it
    held_until: dt.datetime | None = None


def day_end(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """When ``day`` ends in ``tz``: a build of the day takes what is dated before it."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)


def select(
    articles: Sequence[Article],
    known: Mapping[str, EntryRecord],
    *,
    day: dt.date,
    tz: dt.tzinfo,
    now: dt.datetime,
    first_run_window: dt.timedelta,
    backlog: bool = False,
) -> Selection:
    """Decide which of one source's articles are new for ``day``.

    An article already in a digest (this day's included: it is kept as first stored) is
    never taken again; one dated after the day waits for a later digest; on a feed's first
    run (``backlog``: the source is new, and its kind has a backlog) only the recent window is
    taken and the rest is remembered as skipped, so it never surfaces later either. Undated
    articles take the time digest first saw them.
    """
    end = day_end(day, tz)
    # A zero window means "no window": a new source's whole backlog is taken.
    window_start = min(now, end) - first_run_window if first_run_window else None
    chosen = Selection([], [], [])
    seen_keys: set[str] = set()
    undated_taken = 0
    held_until: dt.datetime | None = None
    for article in articles:
        if article.key in seen_keys:
            continue  # the same article from two sources, or twice in one feed
        seen_keys.add(article.key)
        record = known.get(article.key)
        if record is not None and record.day is not None:
            continue
        published = article.published or (record.first_seen if record else now)
        if published >= end or (article.published is None and now >= end):
            chosen.held.append(article)
            # an undated one is held only by a build of a day already over: any later day's
            # build takes it
            due = max(published, end)
            held_until = due if held_until is None else min(held_until, due)
            continue
        if record is None and window_start is not None and backlog:
            if article.published is None:
                undated_taken += 1
                if undated_taken > FIRST_RUN_UNDATED:
                    chosen.skipped.append(article)
                    continue
            elif published < window_start:
                chosen.skipped.append(article)
                continue
        if article.published is None:
            article = dataclasses.replace(article, published=published)
            chosen.undated.add(article.key)
        chosen.shown.append(article)
    return dataclasses.replace(chosen, held_until=held_until) if held_until else chosen


# An entry read from broken markup (its feed cut short, a tag left open) waits this many runs
# for a read that gives it whole; read so on the next run, it is shown marked as incomplete.
HOLD_INCOMPLETE_RUNS = 2


@dataclass(frozen=True)
class Recovered:
    """What ``hold_incomplete`` made of the articles going into the day."""

    ready: list[Article]  # whole, or waited long enough: they go into the day
    held: list[Article]  # read from broken markup: they wait for a later read
    marked: frozenset[str]  # keys of ready articles still incomplete after waiting
    warnings: list[str]


def hold_incomplete(
    articles: Sequence[Article],
    incomplete: Collection[str],
    waited: Mapping[str, int],
    *,
    a_run: bool = True,
    name: str = "",
) -> Recovered:
    """Hold back the articles read from broken markup (``incomplete``: their keys), so that a
    cut-off or damaged entry is not shown, nor remembered as shown, in the state it came in:
    a later read of the feed most often gives it whole. One that has waited
    ``HOLD_INCOMPLETE_RUNS`` runs (``waited``: runs per key) and is still incomplete is shown
    anyway, to be marked as such, rather than lost.

    ``a_run``: this reading is one of the runs they wait (``DayPlan.a_run``), and says which
    it is; else it says how many they have waited (a look said "run 2 of 2" after the first,
    and the next build said it again). ``name``: the name their source is shown by, which
    the warnings say (else the source that read each, by its key)."""
    result = Recovered([], [], frozenset(), [])
    marked: set[str] = set()
    for article in articles:
        if article.key not in incomplete:
            result.ready.append(article)
            continue
        label = f"{name or article.origin or article.source}: '{article.title or article.key}'"
        runs = waited.get(article.key, 0)
        if runs < HOLD_INCOMPLETE_RUNS:
            result.held.append(article)
            count = (
                f"run {runs + 1} of {HOLD_INCOMPLETE_RUNS}"
                if a_run
                else f"{runs} of {HOLD_INCOMPLETE_RUNS} runs waited so far"
            )
            result.warnings.append(
                f"{label} came cut short or damaged in its feed: held back until a later read "
                f"gives it whole ({count})"
            )
        else:
            result.ready.append(article)
            marked.add(article.key)
            if any(p.text.strip() for p in article.paragraphs) or is_a_headline(article):
                # (one with neither text nor a headline to show is not shown: the next stage
                # says so, or its page gives it whole)
                result.warnings.append(
                    f"{label} is still cut short or damaged in its feed after {runs} runs; "
                    "shown, marked as incomplete"
                )
    return dataclasses.replace(result, marked=frozenset(marked))


def mark_incomplete(article: Article, tag: str) -> Article:
    """``article`` marked for the reader as incomplete (in the language ``tag``): its feed gave
    it cut short or damaged on every read while it was held back."""
    from digest.language import language

    words = language(tag)
    # TRANSLATORS: after the headline of an article its feed gave cut short or damaged
    label = words.gettext("incomplete")
    # TRANSLATORS: the last paragraph of an article its feed gave cut short or damaged
    note = words.gettext("Its feed gave this article cut short: the text may be incomplete.")
    return dataclasses.replace(
        article,
        title=f"{article.title} ({label})",
        paragraphs=(*article.paragraphs, Paragraph(note, "note")),
    )


def clean_article(
    article: Article,
    rules: RuleSet,
    lead_sentences: int,
    summary_chars: int,
    template: SourceTemplate | None = None,
    *,
    summarised: bool = True,
) -> Article:
    """normalise → title → summarise, for one article: what every ingestor's output goes through.

    ``template`` is what is known of the article's source's recurring paragraphs;
    ``summarised=False`` leaves the summary to whoever shows the article
    (``digest.summarise.summarised`` makes it then)."""
    from digest.summarise import derive_headline, summarise
    from digest.text.headlines import is_shouting, naming_source, opens_text, unshouted
    from digest.text.normalise import normalise

    article = normalise(article, rules, template)
    # A title in capitals is written as the text writes its words: a calm read, and a
    # headline the story's choice weighs as any other.
    if is_shouting(article.title):
        body = "\n\n".join(p.text for p in article.paragraphs if p.kind == "body")
        article = dataclasses.replace(
            article, title=unshouted(article.title, body, article.language)
        )
    # A short post titled by its own first words cut short ("Bin collections are running a
    # day…", as Twitter bridges title a post) is an untitled post: its headline is made from
    # its lead, whole clauses, and the post is read once, not as a teaser and its text.
    if article.title and opens_text(
        article.title, " ".join(p.text for p in article.paragraphs if p.kind == "body")
    ):
        article = dataclasses.replace(article, title="")
    # A release feed's "v2.4.0" says which, not of what: shown, grouped and filtered as
    # "trailmap: v2.4.0", it names its project.
    named = naming_source(article.title, article.source)
    if named != article.title:
        article = dataclasses.replace(article, title=named)
    if not article.title:
        article = dataclasses.replace(
            article,
            title=derive_headline(article.paragraphs, language=article.language),
            title_derived=True,
        )
    return summarise(article, lead_sentences, summary_chars) if summarised else article


@dataclass(frozen=True)
class Cleaning:
    """How articles are cleaned and summarised: the config's part of it, small enough to
    hand to a worker process."""

    rules: Path | None = None  # the user's extra rules file
    # Its content as the build read it when it started (``read_rules_file``; None: it could
    # not be read, which loading it then says): a build cleans every article by this one
    # version, in its worker processes too, which load the rules only when they clean their
    # first article, and an edit made meanwhile waits for the next build. (A stamp of the
    # file would not do: a worker could only read the file as it is by then.)
    rules_text: bytes | None = None
    lead_sentences: int = 3
    summary_chars: int = 600
    # Whether each article is summarised as it is cleaned. A build summarises only the
    # articles of the stories it lists (``pipeline.stories_for_day``): a backlog of thousands
    # lists a hundred. Unless a filter rule reads summaries, which it does before grouping.
    summaries: bool = True

    def ruleset(self) -> RuleSet:
        """The rules, loaded (once a process, and again when the file changes): a bad rules
        file raises ``RulesError`` here, before any source is read, rather than once for
        every article it would clean."""
        return _rules_as_of(self.rules, self.rules_text)

    def apply(self, article: Article, template: SourceTemplate | None = None) -> Article:
        return clean_article(
            article,
            _rules_as_of(self.rules, self.rules_text),
            self.lead_sentences,
            self.summary_chars,
            template,
            summarised=self.summaries,
        )

    def templates(
        self, articles: Sequence[Article], known: Known
    ) -> tuple[dict[str, SourceTemplate], list[Sighting]]:
        """What cleaning ``articles`` together should know of their sources' recurring
        paragraphs (``digest.text.recurring``), from ``known`` history and these articles
        themselves; and what they showed, for the state to remember."""
        from digest.text.recurring import learn

        sightings = survey_all(articles)
        if not sightings:
            return {}, sightings
        return learn(sightings, known.source_history(sightings)), sightings


def survey_all(articles: Iterable[Article]) -> list[Sighting]:
    """What each article's paragraphs look like to the normalise stage (fingerprints)."""
    from digest.text.normalise import survey

    sightings = []
    for article in articles:
        try:
            sightings.append(survey(article))
        except Exception:  # the article is cleaned (and its error reported) all the same
            log.exception("could not survey %s from %s", article.key, article.source)
    return sightings


def read_rules_file(path: Path | None) -> bytes | None:
    """The rules file's content now, for ``Cleaning.rules_text``: None when there is none,
    or it cannot be read (loading the rules then says why)."""
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def _rules_as_of(path: Path | None, text: bytes | None) -> RuleSet:
    if path is not None and text is None:  # unreadable when the build started: says why
        from digest.text.normalise import load_rules

        return load_rules(path)
    return _compiled_rules(path, text)


@functools.lru_cache(maxsize=4)
def _compiled_rules(path: Path | None, text: bytes | None) -> RuleSet:
    # Compiled once per process and version of the rules file: it takes a noticeable moment.
    # ``digest run`` lives for months: a file edited since (its changes, or a mistake) is
    # read again by its next build.
    from digest.text.normalise import load_rules

    return load_rules(path, text)


def slim(article: Article, *, source: str | None = None, origin: str | None = None) -> Article:
    """What is remembered of an article that is not shown (its key, where it came from, and
    what a message names it by): none of its text. ``source`` and ``origin`` replace the
    article's own (``digest.ingest.Labels.slim``)."""
    return Article(
        key=article.key,
        source=article.source if source is None else source,
        title=article.title,
        paragraphs=(),
        url=article.url,
        published=article.published,
        origin=article.origin if origin is None else origin,
    )


@dataclass(frozen=True)
class Cleaned:
    """A shown article, cleaned and summarised; ``problem`` says why it has no text left
    (``article`` is then the article as it came)."""

    article: Article
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class PageWanted:
    """A shown article that wants its linked page for the full text, as the source gave it.
    It is cleaned once its page is in or given up (``digest.fulltext.settle``), together with
    its source's other such articles, so that their recurring paragraphs are learnt from the
    text that is shown."""

    article: Article
    has_teaser: bool  # False when its kind has no text but its page's
    undated: bool  # its date is only when digest first saw it: the page's own date wins
    # still read from broken markup after waiting: marked so unless its page gives the text
    incomplete: bool = False

    @property
    def own_chars(self) -> int:
        """How many characters of text the source gave: a page must bring more."""
        return sum(len(p.text) for p in self.article.paragraphs) if self.has_teaser else 0


@dataclass(frozen=True)
class SourceDay:
    """What one source brings to the day.

    ``keys`` are every article's key in the source's order, whatever became of it, so that an
    article two sources brought counts for the first (in config order) only. ``shown`` are
    the articles new to the day, in order: cleaned, or waiting for their page.
    """

    source: str
    keys: tuple[str, ...] = ()
    shown: tuple[Cleaned | PageWanted, ...] = ()
    skipped: tuple[Article, ...] = ()  # slim: remembered, never shown
    filtered: tuple[Filtered, ...] = ()  # taken out by exclude rules before any text work
    # the earliest article held for a later day comes due then: the source must be read in
    # full by the first build of a day that ends after it
    held_until: dt.datetime | None = None
    # Articles whose kind gives no text but their page's, past ``full_text_limit``: ``waiting``
    # for the next run (or ``unreadable`` with a limit of 0, remembered as skipped); slim.
    waiting: tuple[Article, ...] = ()
    unreadable: tuple[Article, ...] = ()
    # read from broken markup: held back (slim), not shown nor remembered as seen
    held_incomplete: tuple[Article, ...] = ()
    # the fingerprints of the articles cleaned here, for the state to learn from
    sightings: tuple[Sighting, ...] = ()
    warnings: tuple[str, ...] = ()
    # a new source every entry of which was held for a later day (but those it showed
    # before a pause: see ``SourceRecord.paused``): its first-run window is still to apply,
    # by the build that takes them (``SourceHealth.still_new``)
    first_run_pending: bool = False
    # undated entries held because the day built is over: each belongs to the day digest
    # first saw it, a later one (the build says so, having nothing else to show for them)
    held_undated: int = 0
    # the name the run's report counts the source's pages and waiting articles under: its
    # articles' own before any publisher an item names (an aggregator's items each name
    # theirs, and its forty outlets were reported as forty sources); empty: ``source``
    shown_as: str = ""


@dataclass(frozen=True)
class DayPlan:
    """What ``take`` needs to know beyond a source's articles: the day, the first-run window,
    the filter rules, the full-text limit and how to clean. Small, and picklable."""

    day: dt.date
    tz: dt.tzinfo
    now: dt.datetime
    first_run_window: dt.timedelta
    full_text_limit: int
    cleaning: Cleaning
    language: str = "en"  # the digest's: what an incomplete article is marked with
    # Whether this reading is one of the runs an entry held back as incomplete waits: a build
    # of today's digest; not a look ('digest stories'), nor a build of an earlier day, which
    # is not one of the runs through the day that give its feed time to mend it.
    a_run: bool = True
    top: Filters = dataclasses.field(default_factory=Filters)
    own: Mapping[str, Filters] = dataclasses.field(default_factory=dict)  # by source name
    # the sources whose paid posts are left out (``filters.paid_posts``), by name
    paid_left_out: frozenset[str] = frozenset()

    def levels(self, source: Source) -> tuple[Filters, ...]:
        """The levels of include/exclude rules the articles of ``source`` must pass, and the
        rules that take out paid posts, for a source that does not show them."""
        own = self.own.get(source.name)
        paid = paid_posts() if source.name in self.paid_left_out else None
        return tuple(level for level in (self.top, own, paid) if level)


def take(
    source: Source,
    kind: Kind,
    articles: Sequence[Article],
    known: Known,
    plan: DayPlan,
    *,
    new: bool,
    remote: bool,
    labels: Labels,
    incomplete: Collection[str] = frozenset(),
) -> SourceDay:
    """What ``articles``, read from ``source`` (as its settings keep them), bring to the day.

    ``known``: what the state knows (of their keys, of their source's recurring paragraphs);
    ``new``: the source is new to digest, so the first-run window trims its backlog (for kinds
    that have one); ``remote``: it is read over the web, so its articles' pages may be fetched
    for their full text; ``incomplete``: keys of articles its kind read from broken markup,
    held back (``hold_incomplete``) until a read gives them whole; ``labels``: what the
    source's settings set on each article (``digest.ingest.Labels``), given to those the
    day takes and to the backlog it skips.
    """
    selection = select(
        articles,
        known.entries(a.key for a in articles),
        day=plan.day,
        tz=plan.tz,
        now=plan.now,
        first_run_window=plan.first_run_window,
        backlog=new and kind.has_backlog,
    )
    taken = list(map(labels, selection.shown))
    recovered = hold_incomplete(
        taken,
        incomplete,
        known.incomplete_runs(a.key for a in taken if a.key in incomplete) if incomplete else {},
        a_run=plan.a_run,
        name=labels.shown or source.name,
    )
    levels = plan.levels(source)
    wanted: list[Article] = []
    filtered: list[Filtered] = []
    for article in recovered.ready:
        out = verdict(article, levels, before_text=True) if levels else None
        if out is None:
            wanted.append(article)
        else:
            filtered.append(dataclasses.replace(out, article=slim(out.article)))
    pages, waiting, unreadable = _plan_pages(source, kind, wanted, plan.full_text_limit, remote)
    left_out = {a.key for a in (*waiting, *unreadable)}
    here = [a for a in wanted if a.key not in left_out and a.key not in pages]
    templates, sightings = plan.cleaning.templates(here, known) if here else ({}, [])
    shown: list[Cleaned | PageWanted] = []
    for article in wanted:
        if article.key in left_out:
            continue
        marked = article.key in recovered.marked
        if article.key in pages:
            has_teaser = not kind.text_on_page
            shown.append(
                PageWanted(
                    article if has_teaser else dataclasses.replace(article, paragraphs=()),
                    has_teaser,
                    article.key in selection.undated,
                    marked,
                )
            )
        else:
            cleaned = clean(article, plan.cleaning, templates.get(article.source))
            if marked and cleaned.ok:
                cleaned = Cleaned(mark_incomplete(cleaned.article, plan.language))
            shown.append(cleaned)
    return SourceDay(
        source=source.name,
        keys=tuple(a.key for a in articles),
        shown=tuple(shown),
        skipped=tuple(map(labels.slim, selection.skipped)),
        filtered=tuple(filtered),
        held_until=selection.held_until,
        waiting=tuple(slim(a) for a in waiting),
        unreadable=tuple(slim(a) for a in unreadable),
        held_incomplete=tuple(slim(a) for a in recovered.held),
        sightings=tuple(sightings),
        warnings=tuple(recovered.warnings),
        # (every entry it has not shown before held: one back after a pause still lists
        # those it showed before it)
        first_run_pending=(
            new
            and kind.has_backlog
            and bool(selection.held)
            and not (selection.shown or selection.skipped)
        ),
        held_undated=sum(1 for a in selection.held if a.published is None),
        shown_as=labels.shown or source.name,
    )


def _plan_pages(
    source: Source, kind: Kind, articles: Sequence[Article], limit: int, remote: bool
) -> tuple[set[str], list[Article], list[Article]]:
    """Which articles' pages to fetch (keys), and those of a kind with no text but their
    page's that are past the limit: waiting for the next run, or (with a limit of 0) never
    readable. At most ``limit`` pages per source and run, newest entries first."""
    chosen: set[str] = set()
    waiting: list[Article] = []
    unreadable: list[Article] = []
    if not remote:
        return chosen, waiting, unreadable
    for article in sorted(articles, key=lambda a: a.published or _OLDEST, reverse=True):
        if not article.url:
            continue
        # The limit is checked first: with none left, a feed's entries need not be looked at.
        if len(chosen) >= limit:
            if kind.text_on_page and kind.wants_page(source, article):
                (waiting if limit else unreadable).append(article)
            continue
        if kind.wants_page(source, article):
            chosen.add(article.key)
    return chosen, waiting, unreadable


def is_a_headline(article: Article) -> bool:
    """Whether ``article`` is worth showing with no text: a headline of its source's and a link
    to read it by. Link logs, aggregators and headline feeds give nothing else (or a teaser
    that only repeats the title, which cleaning takes away), and when the page cannot be read
    either (a site that turns robots away) the headline is still the day's news."""
    return bool(article.url) and bool(article.title.strip()) and not article.title_derived


def clean(
    article: Article,
    cleaning: Cleaning,
    template: SourceTemplate | None = None,
    *,
    headline_will_do: bool = True,
) -> Cleaned:
    """One odd article must not cost the whole digest: an unexpected error leaves it out,
    logged with its traceback, and the rest go on. One left with no text is shown as its
    headline (``is_a_headline``) unless ``headline_will_do`` is False: a sitemap's article,
    whose page is its only text, is skipped when nothing of the page is the article's."""
    try:
        result = cleaning.apply(article, template)
    except Exception:
        log.exception("could not clean %s from %s", article.key, article.source)
        return Cleaned(
            slim(article),
            "could not be cleaned (a bug in digest: please report it with the log); skipped",
        )
    if not result.paragraphs and not (headline_will_do and is_a_headline(result)):
        return Cleaned(slim(article), "has no text left after cleaning; skipped")
    # What cleaning cut is for 'digest extract --explain': a build neither shows nor stores it.
    return Cleaned(dataclasses.replace(result, removed=()) if result.removed else result)


# An article to clean, its source's template (what recurs in its articles), and whether its
# headline will do when cleaning leaves no text (``clean``'s ``headline_will_do``)
CleanJob = tuple[Article, "SourceTemplate | None", bool]


def clean_all(cleaning: Cleaning, jobs: Sequence[CleanJob]) -> list[Cleaned]:
    """``clean`` each of ``jobs``, in order: in a worker process, or here."""
    return [
        clean(article, cleaning, template, headline_will_do=will_do)
        for article, template, will_do in jobs
    ]


# --- taking sources, here or in worker processes -----------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """A fetched source as a worker read it: what its kind's ``Reading`` said besides its
    articles (which went into ``day``), and how many articles the source's settings kept."""

    day: SourceDay
    items: int
    warnings: tuple[str, ...] = ()
    cursor: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    title: str = ""


class UnexpectedError(Exception):
    """A bug met in a worker process, carried back as text (its own type may not pickle)."""


# Set in each worker process by ``_start_worker``: the state file it looks keys up in.
_worker_state: Any = None


def leave_stopping_to_the_build() -> None:
    """In the process that forks the workers, and in each worker: ignore SIGINT and SIGTERM.

    Ctrl-C reaches every process of the terminal's group, and systemd stops a service by
    sending SIGTERM to every process of its control group: the build decides what stops (it
    shuts its pool down, or its end ends them, see ``_end_with``, and the forking process
    ends with the last process using it). A worker killed by either mid-job only printed a
    traceback into the log of 'digest run'; and the forking process killed by SIGTERM took
    every worker's line back to the build with it, so that the job 'digest run' lets finish
    after SIGTERM said "worker processes lost" and read every source again itself."""
    import signal

    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, signal.SIG_IGN)


def _start_worker(state_path: Path, build: int) -> None:
    global _worker_state
    from digest.state import State

    leave_stopping_to_the_build()
    _worker_state = State.open_read_only(state_path)
    threading.Thread(
        target=_end_with, args=(build,), name="digest-build-watch", daemon=True
    ).start()


def _end_with(build: int) -> None:
    """In a worker: end this process once the build (process ``build``) is gone. A build
    killed (SIGKILL, or SIGTERM, whose default is the same) cannot tell its workers to stop,
    and they would wait for work for ever, with the process that forks them."""
    from select import select as ready  # (``select`` here is this module's own)

    try:
        handle = os.pidfd_open(build)
    except (AttributeError, OSError):  # not Linux (or before 5.3): asked once a second
        while _alive(build):
            time.sleep(1.0)
    else:
        ready([handle], [], [])  # readable once the process has ended
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (it exists, owned by another user: a pid used again)
        return False
    return True


def parse_and_take(
    source: Source,
    kind_name: str,
    fetched: Fetched,
    cursor: Cursor,
    plan: DayPlan,
    new: bool,
) -> Parsed:
    """In a worker: parse a fetched body by its kind, apply the source's settings, and
    ``take`` the result. A ``SourceError`` passes back as raised; any other error is logged
    here and comes back as an ``UnexpectedError``."""
    from digest.sources import kinds
    from digest.sources.errors import SourceError

    try:
        kind = kinds.kind(kind_name)
        return _parse_and_take(source, kind, fetched, cursor, plan, new, _worker_state)
    except SourceError:
        raise
    except Exception as exc:
        log.exception("unexpected error parsing source %s", source.name)
        raise UnexpectedError(f"{type(exc).__name__}: {exc}") from None


def parse_and_take_all(jobs: Sequence[tuple[Any, ...]]) -> list[Parsed | Exception]:
    """In a worker: ``parse_and_take`` each job (its arguments), and what became of each, in
    order: its ``Parsed`` or the error it raised, so that one source's failure is its own."""
    done: list[Parsed | Exception] = []
    for arguments in jobs:
        try:
            done.append(parse_and_take(*arguments))
        except Exception as exc:  # (a SourceError or an UnexpectedError: see parse_and_take)
            done.append(exc)
    return done


def _parse_and_take(
    source: Source,
    kind: Kind,
    fetched: Fetched,
    cursor: Cursor,
    plan: DayPlan,
    new: bool,
    known: Known,
) -> Parsed:
    from digest.ingest import configured
    from digest.sources.kinds.base import Reading

    reading = kind.parse(source, fetched, cursor)
    assert isinstance(reading, Reading)  # a kind that may follow links is never sent here
    articles, labels = configured(source, reading)
    day = take(
        source,
        kind,
        articles,
        known,
        plan,
        new=new,
        remote=True,
        incomplete=reading.incomplete,
        labels=labels,
    )
    return Parsed(day, len(articles), reading.warnings, dict(reading.cursor), reading.own_name)


class IntakePool:
    """Worker processes that parse fetched feeds and ``take`` them, one per core.

    Nothing starts until ``start`` (``DayIntake`` calls it as a build's fetching starts when
    enough feeds will bring a body, else with its POOL_START_AT-th body: a rerun where every
    feed answers "304 Not Modified" starts no process), and then on a thread of its own, so
    that the build goes on fetching while the workers start. They start from a fresh
    interpreter (the "forkserver" way: forking a process that runs threads, as a build does
    while it fetches, can leave a lock held for ever in the child). Use it as a context
    manager.

    The bodies handed over and not yet taken are held in its ``room``, which fetching waits
    for (``digest.room``) rather than pile them all up here.
    """

    def __init__(self, state_path: Path, workers: int, queued_bytes: int | None = None) -> None:
        self._state_path = state_path
        self._workers = workers
        self._jobs: queue.SimpleQueue[tuple[concurrent.futures.Future[Parsed], tuple] | None]
        self._jobs = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closing = False  # the end of the jobs was met inside a batch
        self.room = Room(QUEUED_BODY_BYTES if queued_bytes is None else queued_bytes)
        # the workers died or never started: what is fetched from then on is read in the
        # build (a failed job's body waits in its Pending, out of the room: no more of them)
        self.broken = False
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None  # once started

    def submit(
        self, source: Source, kind: Kind, fetched: Fetched, cursor: Cursor, plan: DayPlan, new: bool
    ) -> concurrent.futures.Future[Parsed]:
        # a cursor's data may be a read-only view, which pickle cannot copy
        cursor = dataclasses.replace(cursor, data=dict(cursor.data))
        future: concurrent.futures.Future[Parsed] = concurrent.futures.Future()
        size = len(fetched.body)
        self.room.hold(size)
        future.add_done_callback(functools.partial(self._settled, size))
        self._jobs.put((future, (source, kind.name, fetched, cursor, plan, new)))
        self.start()
        return future

    def _settled(self, size: int, future: concurrent.futures.Future[Parsed]) -> None:
        if not future.cancelled():
            error = future.exception()
            if isinstance(error, concurrent.futures.BrokenExecutor) and not isinstance(
                error, HandOverFailed
            ):
                self.broken = True
        self.room.release(size)  # done, failed or not

    def start(self) -> None:
        """Start the workers now, if they are not starting yet: they take a moment."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._dispatch, name="digest-intake")
            self._thread.start()

    def _dispatch(self) -> None:
        import multiprocessing

        executor = None
        try:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["digest.intake_worker"])
            executor = concurrent.futures.ProcessPoolExecutor(
                self._workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(self._state_path, os.getpid()),
            )
            for _ in range(self._workers):  # each one started now, not with its first source
                executor.submit(_nothing)
            self._executor = executor
        except Exception as exc:  # no workers to be had: every source is read in the build
            log.warning("no worker processes (%s): reading every source in the build", exc)
        try:
            while (batch := self._next_batch()) is not None:
                live = [job for job in batch if job[0].set_running_or_notify_cancel()]
                if not live:
                    continue
                futures = [future for future, _ in live]
                jobs = [arguments for _, arguments in live]
                try:
                    if executor is None:
                        raise concurrent.futures.BrokenExecutor("no worker processes")
                    inner = executor.submit(parse_and_take_all, jobs)
                except concurrent.futures.BrokenExecutor as exc:
                    for future in futures:  # the caller reads these sources itself
                        future.set_exception(exc)
                    continue
                except Exception as exc:  # (after interpreter shutdown, say): the same
                    log.warning("could not hand sources to a worker process: %s", exc)
                    for future in futures:
                        future.set_exception(concurrent.futures.BrokenExecutor(str(exc)))
                    continue
                inner.add_done_callback(functools.partial(_relay_all, futures))
        finally:
            self._executor = None
            if executor is not None:
                if self.broken:
                    _end_workers(executor)
                executor.shutdown(wait=True, cancel_futures=True)

    def clean_all(self, cleaning: Cleaning, jobs: Sequence[CleanJob]) -> list[Cleaned] | None:
        """``jobs`` cleaned on the worker processes, shared among them, in order; None when
        there are none to clean them (they never started, or broke) or too few jobs to be
        worth sending: the caller cleans them itself. For what is cleaned once every source
        is read (the articles that wanted their pages), when the workers have nothing else
        to do. A share that cannot be cleaned there (a worker lost, something pickle cannot
        copy) is cleaned here."""
        executor = self._executor
        if executor is None or self.broken or len(jobs) < CLEAN_ON_WORKERS_AT:
            return None
        # two shares a worker: one slower share (long pages) does not keep the other waiting
        count = min(2 * self._workers, len(jobs))
        shares = [list(jobs[start::count]) for start in range(count)]
        try:
            futures = [executor.submit(clean_all, cleaning, share) for share in shares]
        except Exception:  # (shut down, or broken meanwhile)
            return None
        done: list[list[Cleaned]] = []
        said = False
        for share, future in zip(shares, futures, strict=True):
            try:
                done.append(future.result())
            except Exception as exc:
                if isinstance(exc, concurrent.futures.BrokenExecutor):
                    self.broken = True  # (a worker lost: the others are ended as it closes)
                if not said:  # (once: a lost worker fails every share still out)
                    log.warning(
                        "could not clean articles in a worker process (%s): cleaning here", exc
                    )
                    said = True
                done.append(clean_all(cleaning, share))
        # (dealt out in turn: job i is share i % count's (i // count)-th)
        return [done[index % count][index // count] for index in range(len(jobs))]

    def _next_batch(self) -> list[tuple[concurrent.futures.Future[Parsed], tuple]] | None:
        """The next job, waited for, and those queued behind it (see ``BATCH_SOURCES``); None
        once the pool is closing and every job has been handed over."""
        if self._closing:
            return None
        job = self._jobs.get()
        if job is None:
            return None
        batch, size = [job], len(job[1][2].body)
        while len(batch) < BATCH_SOURCES and size < BATCH_BYTES:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:
                self._closing = True  # (hand this batch over, then stop)
                break
            batch.append(job)
            size += len(job[1][2].body)
        return batch

    def __enter__(self) -> IntakePool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.room.close()
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()


def _nothing() -> None:
    pass


def _end_workers(executor: concurrent.futures.ProcessPoolExecutor) -> None:
    """Kill the workers left of a broken pool, before it shuts down. The executor ends them
    with SIGTERM, which they ignore (``leave_stopping_to_the_build``): one blocked handing
    back a large result, which nothing read any more, kept the executor waiting for it for
    ever, and the build with it (a worker lost while the others cleaned pages' articles)."""
    # (the executor's own table of its processes: it has no public one before Python 3.14)
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # (ended meanwhile, or closed)
            process.kill()


class HandOverFailed(concurrent.futures.BrokenExecutor):
    """A batch of sources that could not be sent to a worker or back (something in it that
    pickle cannot copy): its sources are read in the build instead, and the pool stays up.
    Each source's own errors come back one by one (``parse_and_take_all``): an error of the
    whole batch is never one source's alone."""


def _relay_all(
    outers: Sequence[concurrent.futures.Future[Parsed]],
    inner: concurrent.futures.Future[list[Parsed | Exception]],
) -> None:
    """Settle each source's future from its batch's: its own result or error; or, for all
    of them, the batch's failure (a worker lost, or the batch not handed over), which has
    each source read in the build (``Pending``). The futures are running: cancelling one
    does nothing, so a cancelled batch (the pool shut down) is settled as broken too."""
    if inner.cancelled():
        for outer in outers:
            outer.set_exception(concurrent.futures.BrokenExecutor("the worker pool was shut down"))
    elif (error := inner.exception()) is not None:
        if not isinstance(error, concurrent.futures.BrokenExecutor):
            log.warning("could not hand sources to a worker process: %s", error)
            error = HandOverFailed(f"{type(error).__name__}: {error}")
        for outer in outers:
            outer.set_exception(error)
    else:
        for outer, done in zip(outers, inner.result(), strict=True):
            if isinstance(done, Exception):
                outer.set_exception(done)
            else:
                outer.set_result(done)


def pool_workers(remote_sources: int) -> int:
    """How many worker processes to read ``remote_sources`` fetched sources with: none (they
    are read in the build's own process) on one core or for a few sources."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS and Windows
        cores = os.cpu_count() or 1
    if cores < 2 or remote_sources < POOL_MIN_SOURCES:
        return 0
    return min(cores, 8)


_SETTLED: concurrent.futures.Future[Any] = concurrent.futures.Future()


class Pending:
    """A source handed to a worker: ``result()`` waits for it. Should the pool break (a worker
    killed, say by the out-of-memory killer), the source is read in this process instead."""

    def __init__(
        self,
        future: concurrent.futures.Future[Parsed],
        fallback: Callable[[], Parsed],
        then: Callable[[Parsed], None] | None = None,
        fell_back: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._future = future
        self._fallback: Callable[[], Parsed] | None = fallback
        # says that the source is read here instead, and why (by default, once a source)
        self._fell_back = fell_back or _fell_back
        # run on the worker's result when it is taken (``result``), for what must have
        # happened by then: a done-callback may still be running on another thread when the
        # waiting one wakes
        self._then = then
        future.add_done_callback(self._settled)

    def _settled(self, future: concurrent.futures.Future[Parsed]) -> None:
        # the fetched body the fallback holds is needed only if the pool broke: a source the
        # worker read, or failed to, is done with it
        if future.cancelled() or not isinstance(
            future.exception(), concurrent.futures.BrokenExecutor
        ):
            self._fallback = None

    def result(self) -> Parsed:
        # let go of the future (and its callbacks, which name this object): no cycle to wait
        # for the collector with a source's articles in it
        future, self._future = self._future, _SETTLED
        try:
            parsed = future.result()
        except concurrent.futures.BrokenExecutor as exc:
            self._fell_back(exc)
            assert self._fallback is not None
            return self._fallback()
        if self._then is not None:
            self._then(parsed)
        return parsed


def _fell_back(exc: BaseException) -> None:
    log.warning("worker processes lost (%s): their sources are read in the build", exc)


def _ask_for_pages(
    pages: Callable[[Source, SourceDay], None], source: Source, parsed: Parsed
) -> None:
    pages(source, parsed.day)


class DayIntake:
    """Takes each source's articles for the day as it is read: in this process (``read``), or
    parsed and taken by a worker (``submit``); and hands each source's day to ``pages`` (which
    asks for the pages its articles want) as soon as it is known. ``pages`` may be handed a
    source's day twice, and must ask for each page once.
    """

    def __init__(
        self,
        plan: DayPlan,
        state: Known,
        *,
        pool: IntakePool | None = None,
        pages: Callable[[Source, SourceDay], None] | None = None,
    ) -> None:
        self.plan = plan
        self._state = state
        self._pool = pool
        self._pages = pages
        self._bodies = 0
        self._every_body = False  # to the workers, none read here (``expect_bodies``)
        self._fallen_back = False  # a source handed to the workers was read here instead

    def read(
        self,
        source: Source,
        kind: Kind,
        articles: Sequence[Article],
        *,
        new: bool,
        remote: bool,
        labels: Labels,
        incomplete: Collection[str] = frozenset(),
    ) -> SourceDay:
        """``take`` a source's articles (as its settings keep them), here and now."""
        day = take(
            source,
            kind,
            articles,
            self._state,
            self.plan,
            new=new,
            remote=remote,
            incomplete=incomplete,
            labels=labels,
        )
        if self._pages is not None:
            self._pages(source, day)
        return day

    def parse(
        self, source: Source, kind: Kind, fetched: Fetched, cursor: Cursor, *, new: bool
    ) -> Parsed:
        """Parse a fetched source by its kind (which must not follow links) and ``take`` it,
        here and now."""
        parsed = _parse_and_take(source, kind, fetched, cursor, self.plan, new, self._state)
        if self._pages is not None:
            self._pages(source, parsed.day)
        return parsed

    def expect_bodies(self, sources: int) -> None:
        """``sources`` of those about to be fetched have no validators to be answered "304 Not
        Modified" with, so each will bring a body: with enough of them for the workers to
        pay, they start now, as the fetching starts, and take every body. Reading the first
        ones here while they started left them idle until this process was through with
        those: on a first build of 900 feeds, about a third of a second. (A build whose
        feeds all fail pays for starting them, a tenth of a second.)"""
        if sources >= POOL_MIN_SOURCES and self._pool is not None:
            self._pool.start()
            self._every_body = True

    @property
    def room(self) -> Room | None:
        """What fetching waits for while the workers are behind (None: no workers)."""
        return self._pool.room if self._pool is not None else None

    def submit(
        self, source: Source, kind: Kind, fetched: Fetched, cursor: Cursor, *, new: bool
    ) -> Pending | None:
        """Hand a fetched source to a worker; None when there are no workers, or it is one of
        the build's first ``POOL_MIN_SOURCES`` bodies and not every body goes to the workers
        (``parse`` it here)."""
        if self._pool is None or self._pool.broken:
            return None
        self._bodies += 1
        if self._bodies <= POOL_MIN_SOURCES and not self._every_body:
            if self._bodies == POOL_START_AT:
                self._pool.start()  # while the rest of the first bodies are read here
            return None
        future = self._pool.submit(source, kind, fetched, cursor, self.plan, new)
        then = None
        if self._pages is not None:
            pages = self._pages

            def ask(done: concurrent.futures.Future[Parsed]) -> None:
                if not done.cancelled() and done.exception() is None:
                    pages(source, done.result().day)

            # asked as soon as the worker is done, so that the pages load meanwhile; and
            # again (once per page: ``pages`` remembers) when the build takes the result, in
            # case the callback has not run yet by then
            future.add_done_callback(ask)
            then = functools.partial(_ask_for_pages, pages, source)
        return Pending(
            future, lambda: self.parse(source, kind, fetched, cursor, new=new), then, self._said
        )

    def _said(self, exc: BaseException) -> None:
        """Say once a build, not once a source, that the workers' sources are read here."""
        if isinstance(exc, HandOverFailed):
            return  # the workers are fine (said when the batch could not go: ``_relay_all``)
        if not self._fallen_back:
            self._fallen_back = True
            _fell_back(exc)
