"""``build(config, day)``: the one place that knows the order of the stages.

sources → ingest → normalise → summarise → select for the day → filter → group → render → write.
Entries read from broken markup are held back at selection, until a read gives them whole.
Everything it calls takes and returns plain data; the network, the disk and the clock stay at
the edges (ingest, state, output), so each stage can be tested alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from digest import atom, present, render
from digest.backup import back_up_after_build
from digest.config import Config
from digest.config.settings import TOP
from digest.filters import Filtered, Filters, sift
from digest.group import (
    GroupingSettings,
    StorySettings,
    group_stories,
    keep_ids,
    link_earlier,
    story_record,
)
from digest.ingest import Progress, collect, fetch_full_texts, hold_incomplete
from digest.language import choose_language, language, primary_subtag
from digest.model import (
    Article,
    DayRecord,
    Digest,
    Paragraph,
    Section,
    SourceFailure,
    Story,
    UnreadPage,
)
from digest.output import OutputError, StagedFiles, remove_leftovers
from digest.present import plural
from digest.shape import SectionRule, ShapeSettings, shape_day
from digest.state import EntryRecord, RunLock, SourceHealth, State
from digest.summarise import derive_headline, summarise
from digest.text.normalise import RuleSet, load_rules, normalise, survey
from digest.text.recurring import Sighting, SourceHistory, SourceTemplate, learn

log = logging.getLogger(__name__)

# How far back the first run against a new feed or page looks, so that subscribing to a feed
# with a year of backlog does not flood that day's digest.
FIRST_RUN_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class BuildResult:
    digest: Digest
    written: tuple[Path, ...]
    warnings: tuple[str, ...]
    new_articles: int
    sources_read: int
    elapsed: float
    filtered: tuple[Filtered, ...] = ()  # new articles the include/exclude rules took out
    unread_pages: tuple[UnreadPage, ...] = ()  # counted in the report, not one warning each

    @property
    def summary_line(self) -> str:
        d = self.digest
        stories = plural(len(d.stories), "story", "stories")
        sources = plural(self.sources_read, "source", "sources")
        filtered = f", {len(self.filtered)} filtered out" if self.filtered else ""
        return (
            f"{d.day.isoformat()}: {stories} ({self.new_articles} new articles{filtered}) "
            f"from {sources}, {len(d.failures)} failed, {self.elapsed:.1f} s"
        )


def prepare_article(
    article: Article, rules: RuleSet, config: Config, template: SourceTemplate | None = None
) -> Article:
    """normalise → title → summarise, for one article: what every ingestor's output goes through.

    ``template`` is what is known of the article's source's recurring paragraphs."""
    article = normalise(article, rules, template)
    if not article.title:
        article = dataclasses.replace(
            article,
            title=derive_headline(article.paragraphs, language=article.language),
            title_derived=True,
        )
    return summarise(article, config.lead_sentences, config.summary_chars)


def clean_articles(
    articles: Sequence[Article],
    config: Config,
    rules: RuleSet | None = None,
    recall: Callable[[Sequence[Sighting]], Mapping[str, SourceHistory]] | None = None,
) -> tuple[list[Article], list[str], list[Sighting]]:
    """``prepare_article`` over each article, dropping (with a warning) any left empty; and
    what was seen in each, for the state to remember.

    ``recall`` gives each source's remembered paragraph fingerprints: with it, a paragraph that
    recurs across the source's articles (these included) is cut as the source's template.
    One odd article must not cost the whole digest: an unexpected error skips that article,
    logged with its traceback, and the rest go on. The rules are compiled only when there is
    something to clean (it takes a noticeable moment, and most reruns have nothing new).
    """
    cleaned: list[Article] = []
    warnings: list[str] = []
    if not articles:
        return cleaned, warnings, []
    rules = rules or load_rules(config.rules)
    sightings = _survey(articles)
    templates = learn(sightings, recall(sightings)) if recall is not None else {}
    for article in articles:
        label = f"{article.source}: '{article.title or article.key}'"
        try:
            result = prepare_article(article, rules, config, templates.get(article.source))
        except Exception:
            log.exception("could not clean %s from %s", article.key, article.source)
            warnings.append(
                f"{label} could not be cleaned (a bug in digest: please report "
                "it with the log); skipped"
            )
            continue
        if result.paragraphs:
            cleaned.append(result)
        else:
            warnings.append(f"{label} has no text left after cleaning; skipped")
    return cleaned, warnings, sightings


def _survey(articles: Sequence[Article]) -> list[Sighting]:
    """What each article's paragraphs look like to the normalise stage (fingerprints)."""
    sightings = []
    for article in articles:
        try:
            sightings.append(survey(article))
        except Exception:  # the article is cleaned (and its error reported) all the same
            log.exception("could not survey %s from %s", article.key, article.source)
    return sightings


def today(config: Config, now: dt.datetime | None = None) -> dt.date:
    """The digest day it is now, in the configured timezone."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(config.timezone).date()


@dataclass(frozen=True)
class Assembly:
    """A day put together from the sources, before anything is rendered or stored."""

    digest: Digest
    shown: list[Article]  # new to the day
    skipped: list[Article]  # remembered, never shown
    health: tuple[SourceHealth, ...]
    warnings: list[str]
    sources_read: int
    filtered: list[Filtered] = dataclasses.field(default_factory=list)  # also in ``skipped``
    # the paragraph fingerprints of the articles cleaned, for the state to learn from
    sightings: list[Sighting] = dataclasses.field(default_factory=list)
    # the full-text pages that could not be read (their teasers stand)
    unread_pages: list[UnreadPage] = dataclasses.field(default_factory=list)
    # read from broken markup: not shown, nor remembered as seen, until read whole
    held_incomplete: list[Article] = dataclasses.field(default_factory=list)


def filter_levels(
    config: Config, origins: Mapping[str, str]
) -> Callable[[Article], tuple[Filters, ...]] | None:
    """The levels of include/exclude rules each article must pass: the config's own, then
    those of the source that read it (``origins``: article key → source name). None when
    the config has no rules at all."""
    top = Filters(config.include, config.exclude, "top level")
    own = {
        s.name: Filters(s.include, s.exclude, f"source {s.name}")
        for s in config.sources
        if s.include or s.exclude
    }
    if not top and not own:
        return None

    def levels(article: Article) -> tuple[Filters, ...]:
        source = own.get(origins.get(article.key, article.source))
        return (top, source) if source else (top,)

    return levels


def assemble_day(
    config: Config,
    state: State,
    day: dt.date,
    now: dt.datetime,
    progress: Progress | None = None,
) -> Assembly:
    """ingest → select → full text → clean → filter → group: the day's digest, from the
    configured sources and what the state knows. Reads the state and writes nothing."""
    collected = collect(
        config.sources,
        state,
        now,
        config.timezone,
        fetch_config=config.fetch,
        progress=progress,
    )
    warnings = list(collected.warnings)
    known = state.entries(a.key for a in collected.articles)
    # Select before cleaning: on a busy day most entries are ones already shown or an old
    # backlog, and cleaning them would be wasted work.
    selection = select_for_day(
        collected.articles,
        known,
        day=day,
        tz=config.timezone,
        now=now,
        first_run_window=dt.timedelta(hours=config.first_run_hours),
        backlog_sources=collected.backlog_sources,
    )
    # An entry read from broken markup waits for a read that gives it whole, before anything
    # (a filter, the state) takes it as it came.
    recovered = hold_incomplete(
        selection.shown,
        collected.incomplete,
        state.incomplete_runs(a.key for a in selection.shown if a.key in collected.incomplete),
    )
    warnings.extend(recovered.warnings)
    # Filters, in two steps. Exclude rules are tried first on what the source gave (title,
    # author, category, URL), so that an article they take out costs no page download nor a
    # place within full_text_limit; then every rule on the article as the reader would see
    # it, cleaned, full text and summary included.
    levels = filter_levels(config, collected.origins)
    wanted, filtered = sift(recovered.ready, levels, before_text=True)
    full_texts = fetch_full_texts(wanted, config.sources, config.fetch, undated=selection.undated)
    warnings.extend(full_texts.warnings)
    cleaned, cleaning_warnings, sightings = clean_articles(
        full_texts.articles, config, recall=state.source_history
    )
    warnings.extend(cleaning_warnings)
    if recovered.marked:  # still incomplete after waiting, unless its page gave the whole text
        as_read = {id(a) for a in wanted}
        whole = {a.key for a in full_texts.articles if id(a) not in as_read}
        cleaned = [
            mark_incomplete(a, config.language)
            if a.key in recovered.marked and a.key not in whole
            else a
            for a in cleaned
        ]
    shown, filtered_clean = sift(cleaned, levels)
    filtered += filtered_clean
    # Articles left empty by cleaning are remembered as skipped, so they are not cleaned
    # (and warned about) again on every run; so are filtered ones, so they never come back.
    kept = {a.key for a in cleaned}
    skipped = [
        *selection.skipped,
        *(a for a in full_texts.articles if a.key not in kept),
        *full_texts.unreadable,
        *(f.article for f in filtered),
    ]
    # A source with entries held for a later day (or waiting for their page) must be read
    # in full next time: with its validators and cursor stored, "304 Not Modified" would
    # hide those entries for good.
    unsettled = {
        a.origin or a.source for a in (*selection.held, *full_texts.waiting, *recovered.held)
    }
    health = tuple(h.read_again() if h.name in unsettled else h for h in collected.health)
    earlier = state.articles_for_day(day)
    digest = shaped_digest(
        config,
        day,
        stories_for_day(state, config, day, [*shown, *earlier]),
        generated_at=now,
        failures=(*config.invalid_sources, *collected.failures),
    )
    return Assembly(
        digest,
        shown,
        skipped,
        health,
        warnings,
        collected.sources_read,
        filtered,
        sightings=sightings,
        unread_pages=full_texts.unread_pages,
        held_incomplete=recovered.held,
    )


def mark_incomplete(article: Article, tag: str) -> Article:
    """``article`` marked for the reader as incomplete (in the language ``tag``): its feed gave
    it cut short or damaged on every read while it was held back."""
    words = language(tag)
    # TRANSLATORS: after the headline of an article its feed gave cut short or damaged
    label = words.gettext("incomplete")
    # TRANSLATORS: the last paragraph of an article its feed gave cut short or damaged
    note = words.gettext("Its feed gave this article cut short: the text may be incomplete.")
    return dataclasses.replace(
        article,
        title=f"{article.title} ({label})",
        paragraphs=(*article.paragraphs, Paragraph(note)),
    )


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
    env = present.make_environment(config.templates, language)

    with RunLock(config.state, wait=lock_wait), State.open(config.state) as state:
        remove_leftovers(config.output)  # from a run killed while writing its pages
        assembly = assemble_day(config, state, day, now, progress)
        digest = assembly.digest
        # Render everything before touching the state or the output folder: a template error
        # or a full disk then leaves yesterday's state and pages exactly as they were.
        days = state.days()
        known_days = {d.day: d for d in days}
        record = None
        fragment = render.render_fragment(digest, config, env)
        if digest.stories or day in known_days:
            record = state.prepare_day(day, config.title, digest.story_count, fragment, now)
            days = sorted(
                [record, *(d for d in days if d.day != day)], key=lambda d: d.day, reverse=True
            )
        pages = render_outputs(
            digest,
            days,
            config,
            env,
            state.feed_id(),
            stories_on=lambda d: (
                shape_day(stories_for_day(state, config, d), shape_settings(config)).stories
            ),
            fragment=fragment,
        )
        if record is not None and day not in known_days:
            # A new day changes its neighbours' previous/next links: render them again.
            for other in _neighbours(day, known_days):
                earlier_digest = shaped_digest(
                    config,
                    other,
                    stories_for_day(state, config, other),
                    generated_at=known_days[other].updated,
                )
                pages[config.output / present.day_filename(other)] = render.render_day_page(
                    earlier_digest, config, env, days
                )
        # Every file is written (to temporary names) before the state records the day, and
        # the state is recorded before any file replaces the old one.
        staged = StagedFiles()
        try:
            for path, content in pages.items():
                staged.add(path, content)
            state.commit_build(
                day,
                assembly.shown,
                assembly.skipped,
                record,
                now,
                assembly.health,
                digest.failures,
                sightings=assembly.sightings,
                stories=[
                    story_record(story, day) for story in (*digest.stories, *digest.also_today)
                ],
                held_incomplete=assembly.held_incomplete,
            )
        except BaseException as exc:
            staged.discard()
            if isinstance(exc, OSError):  # a full disk: say which file, and that none moved
                raise OutputError.staging(exc) from exc
            raise
        written = staged.publish()
        # A good copy of the state as this build left it; one that fails is only reported.
        backup_warning = back_up_after_build(state)

    result = BuildResult(
        digest=digest,
        written=written,
        warnings=(
            *([language_warning] if language_warning else []),
            *assembly.warnings,
            *([backup_warning] if backup_warning else []),
        ),
        new_articles=len(assembly.shown),
        sources_read=assembly.sources_read,
        elapsed=time.monotonic() - started,
        filtered=tuple(assembly.filtered),
        unread_pages=tuple(assembly.unread_pages),
    )
    log.debug("built %s", result.summary_line)
    return result


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
    if not any(record.day == day for record in state.days()):
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
    stories: Sequence[Story],
    *,
    generated_at: dt.datetime,
    failures: Sequence[SourceFailure] = (),
) -> Digest:
    """The digest of ``day``: its stories in sections, within the limits (``digest.shape``)."""
    shaped = shape_day(stories, shape_settings(config))
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


def stories_for_day(
    state: State, config: Config, day: dt.date, articles: Sequence[Article] | None = None
) -> tuple[Story, ...]:
    """The stories of ``day``: its articles (by default, those stored for it) grouped, each
    with the id an earlier build of the day gave it, and linked to the story of an earlier
    day (within ``feed_days``) that it continues."""
    settings = story_settings(config)
    if articles is None:
        articles = state.articles_for_day(day)
    stories = keep_ids(group_stories(articles, settings), state.stories(day, day))
    if not settings.grouping.enabled:
        return stories
    first = day - dt.timedelta(days=config.feed_days)
    earlier = state.stories(first, day - dt.timedelta(days=1))
    return link_earlier(stories, earlier, settings.grouping)


# On a new feed's first run, undated entries cannot be shown to be recent: take only this many
# of them (feeds list newest first) and remember the rest as backlog.
FIRST_RUN_UNDATED = 5


@dataclass(frozen=True)
class Selection:
    """How ``select_for_day`` sorted the ingested articles."""

    shown: list[Article]  # new to digest: they go into this day
    skipped: list[Article]  # a new feed's old backlog: remembered, never shown
    held: list[Article]  # dated after this day, or undated on an earlier day's build: later
    # keys of the shown articles the feed left undated: their ``published`` is the time
    # digest first saw them, which the article page's own date may still replace
    undated: set[str] = dataclasses.field(default_factory=set)


def select_for_day(
    articles: Sequence[Article],
    known: dict[str, EntryRecord],
    *,
    day: dt.date,
    tz: dt.tzinfo,
    now: dt.datetime,
    first_run_window: dt.timedelta = FIRST_RUN_WINDOW,
    backlog_sources: frozenset[str] = frozenset(),
) -> Selection:
    """Decide which articles are new for ``day``.

    An article already in a digest (this day's included: it is kept as first stored) is
    never taken again; one dated after the day waits for a later digest; on a feed's first
    run only the recent window is taken and the rest is remembered as skipped, so it never
    surfaces later either. Undated articles take the time digest first saw them.
    """
    day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz)
    # A zero window means "no window": a new source's whole backlog is taken.
    window_start = min(now, day_end) - first_run_window if first_run_window else None
    chosen = Selection([], [], [])
    seen_keys: set[str] = set()
    undated_taken: dict[str, int] = {}
    for article in articles:
        if article.key in seen_keys:
            continue  # the same article from two sources, or twice in one feed
        seen_keys.add(article.key)
        record = known.get(article.key)
        if record is not None and record.day is not None:
            continue
        published = article.published or (record.first_seen if record else now)
        if published >= day_end or (article.published is None and now >= day_end):
            chosen.held.append(article)
            continue
        origin = article.origin or article.source
        if record is None and window_start is not None and origin in backlog_sources:
            if article.published is None:
                taken = undated_taken.get(origin, 0)
                undated_taken[origin] = taken + 1
                if taken >= FIRST_RUN_UNDATED:
                    chosen.skipped.append(article)
                    continue
            elif published < window_start:
                chosen.skipped.append(article)
                continue
        if article.published is None:
            article = dataclasses.replace(article, published=published)
            chosen.undated.add(article.key)
        chosen.shown.append(article)
    return chosen


def render_outputs(
    digest: Digest,
    days: Sequence[DayRecord],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
    stories_on: Callable[[dt.date], tuple[Story, ...]],
    fragment: str | None = None,
) -> dict[Path, str | bytes]:
    """Every output file's path and content: the day page, index, archive and feeds.

    ``stories_on(day)`` gives an earlier day's stories, for the optional per-story feed;
    ``fragment`` is the day's rendered story list, if the caller has it already.
    """
    out = config.output
    if fragment is None:
        fragment = render.render_fragment(digest, config, env)
    pages: dict[Path, str | bytes] = {
        out / present.day_filename(digest.day): render.render_day_page(
            digest, config, env, days, fragment
        ),
        out / present.ARCHIVE_FILENAME: render.render_archive(config, env, days),
        out / present.FEED_FILENAME: atom.render_feed(days, config, feed_id),
    }
    latest = max((d.day for d in days), default=digest.day)
    if digest.day >= latest:
        pages[out / present.INDEX_FILENAME] = render.render_index(
            digest, config, env, days, fragment
        )
    if config.articles_feed:
        recent = [
            (d, digest.stories if d.day == digest.day else stories_on(d.day))
            for d in days[: config.feed_days]
        ]
        pages[out / present.ARTICLES_FEED_FILENAME] = atom.render_articles_feed(
            recent, config, env, feed_id
        )
    return pages
