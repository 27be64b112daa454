"""Ingest: read every configured source into raw Articles, never letting one source sink the run.

Each kind of source is a plug-in (``digest.sources.kinds``) that reads its sources given the
cursor their previous read left. This module decides what to fetch (with the validators and
cursor the state store kept), fetches every remote source together, hands each body to its
kind as soon as it arrives, applies what every source has (``category``, ``max_items``) once
for every kind, and turns whatever went wrong into a ``SourceFailure`` that the CLI, the log
and the digest footer show. It reads the state but writes nothing: how each source fared (and
its new validators and cursor) comes back as ``SourceHealth`` for the pipeline to store
together with the articles.

Every request it makes for a source (its own, a follow-up, an article's page) reaches what
the source may reach (``allows_private``: the network policy of ``digest.sources.http``).
The articles a kind read from broken markup come back as ``Collected.incomplete``, for
``hold_incomplete`` to keep out of the day until a read gives them whole.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from digest.config import FetchConfig
from digest.freshness import code_version
from digest.intake import Parsed, slim
from digest.model import Article, FailureReason, Source, SourceFailure
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Follow, Kind, Reading, newest
from digest.sources.urls import is_safe_link
from digest.state import ShownNames, SourceHealth, SourceRecord, State

if TYPE_CHECKING:  # the HTTP client is imported only when a run has remote sources
    from digest.intake import DayIntake, Pending, SourceDay
    from digest.sources.http import FetchResult, FetchSettings

log = logging.getLogger(__name__)

# A source that has failed this many runs in a row is flagged in the digest, not just logged:
# at one run a day, that is most of a week of silence from it.
FLAG_AFTER_FAILURES = 3

# (what just finished, done, total, how its fetch went: an ``Outcome`` of digest.sources.http)
Progress = Callable[[str, int, int, str], None]


@dataclass(frozen=True)
class Collected:
    articles: tuple[Article, ...]
    failures: tuple[SourceFailure, ...]
    warnings: tuple[str, ...]
    health: tuple[SourceHealth, ...]
    # Sources read for the first time in this run whose kind has a backlog: the first-run
    # window applies to their articles.
    backlog_sources: frozenset[str]
    sources_read: int
    # With an intake: what each source read brings to the day, in config order (``articles``
    # is then empty: each source's articles went to the intake as it was read).
    days: tuple[SourceDay, ...] = ()
    # The name each source is shown by once every source is read, by its key (``ShownNames``):
    # a source whose feed gave the title another's gave too, read after it, is shown by its
    # key, and so is that other one, though its articles were labelled with the title.
    names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The name each source this run shows by another (its feed retitled, say) was shown by
    # before, by its key: what its articles stored earlier in the day are labelled with.
    retitled: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # The sources back after a pause, read as new ones (``SourceRecord.paused``), by their
    # key: when they were last read before. (Whether this read took their entries, their
    # ``health`` says.)
    paused: Mapping[str, dt.datetime] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Labels:
    """What a source's own settings set on each article it keeps: its name in the config
    (``origin``), its ``category``, its ``language`` (which wins over what the article or its
    document declares), the name it shows when the config left it unnamed (``shown``: a
    feed's title rather than its address; not on an article that names its own publisher,
    as an aggregator's do) and its home page (``site``), when it gives one.
    ``declared`` is the language its document declares, for articles that declare none.

    A source's articles are labelled once the day takes them (``digest.intake.take``), not
    as they are read: most entries of a feed are an old backlog or were shown on an earlier
    day, and a labelled copy of each would be thrown away."""

    origin: str
    category: str | None = None
    language: str | None = None
    declared: str | None = None
    shown: str = ""
    site: str = ""

    def __call__(self, article: Article) -> Article:
        changes: dict[str, Any] = {"origin": self.origin}
        if self.category is not None:
            changes["category"] = self.category
        if self.language is not None:
            changes["language"] = self.language
        elif self.declared is not None and not article.language:
            changes["language"] = self.declared
        if self.shown and article.source == self.origin:  # not a publisher it names itself
            changes["source"] = self.shown
        if self.site:
            changes["site"] = self.site
        return dataclasses.replace(article, **changes)

    def slim(self, article: Article) -> Article:
        """What is remembered of an article not shown (``digest.intake.slim``), labelled."""
        named = article.source != self.origin  # a publisher the article names itself
        return slim(
            article,
            source=article.source if named else self.shown or article.source,
            origin=self.origin,
        )


def configured(source: Source, reading: Reading) -> tuple[tuple[Article, ...], Labels]:
    """What a source's own settings keep of the articles its kind read (the ``max_items``
    newest), and the labels its settings give them (``Labels``). The one place where
    settings that every source has are applied, whatever its kind, except its filter rules:
    they look at the cleaned text, so the pipeline applies them after cleaning
    (``Article.origin`` says which source's rules apply)."""
    site = reading.site if reading.site and is_safe_link(reading.site) else ""
    labels = Labels(
        origin=source.name,
        category=source.category,
        language=source.language,
        declared=reading.language,
        shown=reading.own_name if not source.named else "",
        site=site,
    )
    return tuple(newest(reading.articles, source.max_items)), labels


@dataclass
class _Run:
    """What one collect() call gathers as it goes."""

    state: State
    # the name each source is shown by, by its key, as the run reads their titles
    names: ShownNames
    intake: DayIntake | None = None
    new_sources: set[str] = dataclasses.field(default_factory=set)
    # those of them back after a pause (``SourceRecord.paused``) whose kind has a backlog:
    # stored unsettled unless their read settles them (``SourceHealth.unsettles``)
    paused: set[str] = dataclasses.field(default_factory=set)
    articles: list[Article] = dataclasses.field(default_factory=list)
    failures: list[SourceFailure] = dataclasses.field(default_factory=list)
    # (the source's key, what to say of it): named as the run ends (``named_warnings``), by
    # the title the source's read gave, as its stories are, whenever in the run it is said
    warnings: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    health: list[SourceHealth] = dataclasses.field(default_factory=list)
    days: list[SourceDay] = dataclasses.field(default_factory=list)
    read: int = 0

    def named_warnings(self) -> tuple[str, ...]:
        return tuple(f"{self.names[key]}: {warning}" for key, warning in self.warnings)

    def succeeded(self, source: Source, articles: Sequence[Article], **health: Any) -> None:
        self.read += 1
        self.articles.extend(articles)
        health = {"unsettles": source.name in self.paused, **health}
        self.health.append(
            SourceHealth(source.name, source.location, True, key_scope=source.key_scope, **health)
        )

    def took(
        self, source: Source, kind: Kind, reading: Reading, cursor: Cursor, **health: Any
    ) -> None:
        """A kind's reading of ``source``, with the source's own settings applied."""
        articles, labels = configured(source, reading)
        title = reading.own_name
        self.names.read(source, title)
        kept: Sequence[Article] = ()
        if self.intake is not None:
            new = source.name in self.new_sources
            try:
                day = self.intake.read(
                    source,
                    kind,
                    articles,
                    new=new,
                    remote=is_remote(source),
                    incomplete=reading.incomplete,
                    labels=labels,
                )
            except Exception as exc:  # as for a source taken by a worker: it fails alone
                log.exception("unexpected error taking source %s", source.name)
                self.failed(source, f"unexpected error: {type(exc).__name__}: {exc}", _BUG, "error")
                return
            self.days.append(day)
        else:
            kept = tuple(map(labels, articles))
        self.warnings.extend((source.name, w) for w in reading.warnings)
        self.succeeded(
            source,
            kept,
            items=len(articles),
            title=title,
            cursor=reading.cursor,
            cursor_before=cursor.data,
            read_with=reading_settings(source),
            **health,
        )

    def took_parsed(self, source: Source, parsed: Parsed, cursor: Cursor, **health: Any) -> None:
        """What a worker made of ``source``'s body (see ``digest.intake``)."""
        self.names.read(source, parsed.title)
        self.warnings.extend((source.name, w) for w in parsed.warnings)
        self.days.append(parsed.day)
        self.succeeded(
            source,
            (),
            items=parsed.items,
            title=parsed.title,
            cursor=parsed.cursor,
            cursor_before=cursor.data,
            read_with=reading_settings(source),
            **health,
        )

    def failed(
        self,
        source: Source,
        problem: str,
        advice: str,
        reason: FailureReason,
        *,
        disable: bool = False,
        forget_move: bool = False,
        unreadable: Mapping[str, Any] | None = None,
    ) -> None:
        record = self.state.source(source.name)
        # (shown by its own title as last read, as its stories were: see Source.shown)
        name = self.names[source.name]
        in_a_row = (record.consecutive_failures if record else 0) + 1
        self.health.append(
            SourceHealth(
                source.name,
                source.location,
                False,
                problem=problem,
                disable=disable,
                forget_fetch_url=forget_move,
                unreadable=unreadable,
                key_scope=source.key_scope,
                unsettles=source.name in self.paused,
            )
        )
        shown = problem
        if in_a_row >= FLAG_AFTER_FAILURES:
            since = record.last_success if record else None
            last = f", last success {since:%Y-%m-%d}" if since else ", never read successfully"
            shown = _and_then(problem, f"failing for {in_a_row} runs in a row{last}")
            if since is None and not disable:  # most often a wrong address, not a bad day
                advice = _and_then(
                    advice,
                    "it has never been read: try it with 'digest check', or remove it with "
                    f"'digest sources remove \"{name}\"'",
                )
        # Not logged here, not even for -v: whoever runs the build reports every failure
        # once, with its advice, by the name its stories are shown by (the command prints
        # it, ``digest run`` logs it), and the digest lists it.
        self.failures.append(
            SourceFailure(source=name, problem=shown, advice=advice, reason=reason)
        )


def _and_then(problem: str, more: str) -> str:
    """``problem`` and ``more`` as one sentence, whatever the problem ends with (a parenthesis,
    a colon): "HTTP 500 Internal Server Error; failing for 3 runs in a row"."""
    problem = problem.rstrip().rstrip(";:,")
    if problem.endswith(".") and not problem.endswith(".."):  # a full stop, not an ellipsis
        problem = problem[:-1]
    return f"{problem}; {more}"


@dataclass(frozen=True)
class _Remote:
    """A remote source on its way through the fetch: its kind and the cursor it started from;
    ``unreadable``, what is remembered of its last body if that could not be read (see
    ``_unreadable``)."""

    source: Source
    kind: Kind
    cursor: Cursor
    unreadable: Mapping[str, Any] | None = None


# A feed whose body could not be read (an HTML page, RSS-in-JSON, a file cut off) is not
# downloaded and read again on every run while it stays the same: the next request sends that
# body's validators, and "304 Not Modified" repeats its failure; a server that answers in
# full anyway, with the same bytes (``body_hash``), costs the download but not the parse. It
# is read again at least this often, and whenever digest itself changes (``code_version``: an
# upgrade, or an edit or a pull in a checkout): a newer digest may read what this one could
# not. A body that may have been cut short on its way keeps only its hash: its validators
# would have the next run told "not modified" rather than given the whole of it. A parse that
# ran out of memory keeps nothing: that was the machine's at the time, not the body's.
UNREADABLE_RECHECK = dt.timedelta(hours=24)


def _unreadable(
    source: Source, kind: Kind, record: SourceRecord | None, now: dt.datetime
) -> Mapping[str, Any] | None:
    """What is remembered of ``source``'s last body, if it could not be read and may be
    taken as still unreadable when the publisher says it has not changed: by the kind the
    source has now (a feed's failure advises making a page kind = "page", which may read it)."""
    if kind.may_follow or record is None or record.location != source.location:
        return None  # a kind that follows links: its failure may lie past the body
    found = record.unreadable
    if not found or found.get("version") != code_version() or found.get("kind") != kind.name:
        return None
    if not (found.get("etag") or found.get("last_modified") or found.get("body_hash")):
        return None
    if not isinstance(found.get("problem"), str) or not isinstance(found.get("judged"), str):
        return None
    try:
        judged = dt.datetime.fromisoformat(found["judged"])
    except ValueError:
        return None
    if judged.tzinfo is None or not dt.timedelta(0) <= now - judged < UNREADABLE_RECHECK:
        return None
    return found


def _remember_unreadable(
    result: FetchResult, read_hash: str | None, kind: Kind, error: SourceError, now: dt.datetime
) -> dict[str, Any] | None:
    """What to remember of a fetched body that could not be read: its validators, for the
    next request to send back, unless the body may have been cut short on its way
    (``SourceError.lasting``), and its hash (``_read_hash``); None with neither, or for a
    failure that was the machine's at the time, not the body's (``SourceError.momentary``):
    the same bytes are parsed again next run."""
    if error.momentary:
        return None
    validators = (result.etag, result.last_modified) if error.lasting else (None, None)
    if not (any(validators) or read_hash):
        return None
    return {
        "etag": validators[0],
        "last_modified": validators[1],
        "body_hash": read_hash,
        "problem": error.problem,
        "advice": error.advice,
        "kind": kind.name,
        "version": code_version(),
        "judged": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


def collect(
    sources: Sequence[Source],
    state: State,
    now: dt.datetime,
    tz: dt.tzinfo = dt.UTC,
    *,
    fetch_config: FetchConfig | None = None,
    progress: Progress | None = None,
    intake: DayIntake | None = None,
    day_end: dt.datetime | None = None,
) -> Collected:
    """Read every enabled source. Local ones are read in turn, remote ones fetched together.

    With an ``intake``, each source's articles go to it as soon as the source is read, and
    what it makes of them comes back in ``Collected.days`` rather than ``articles``.
    ``day_end``: the build takes articles dated before it, so a source whose last read held
    some dated later keeps its validators until one of those is due (without it, every
    such source is read in full).
    """
    fetch_config = fetch_config or FetchConfig()
    records = {record.name: record for record in state.sources()}
    new_sources = {
        s.name
        for s in sources
        if s.enabled and (s.name not in records or records[s.name].is_new(s.location))
    }
    # A source back after a pause is read as a new one (``SourceRecord.paused``). (A last
    # read after ``now``, by a clock since set back, counts as now: a day's pause is no week's.)
    last_read = max((r.last_read for r in records.values() if r.last_read), default=None)
    last_run = min(last_read, now) if last_read is not None else None
    paused = {
        s.name: records[s.name].last_read
        for s in sources
        if s.enabled and s.name not in new_sources and records[s.name].paused(last_run)
    }
    new_sources |= paused.keys()
    run = _Run(state, ShownNames(sources, records), intake, new_sources)
    shown_before = run.names.every()
    backlog: set[str] = set()
    remote: list[_Remote] = []
    for source in sources:
        if not source.enabled:
            continue
        cursor = _cursor(source, records.get(source.name), day_end)
        try:
            kind = kinds.kind(source.kind)
            if source.name in new_sources and kind.has_backlog:
                backlog.add(source.name)
                if source.name in paused:  # (a folder's files are read whatever their age)
                    run.paused.add(source.name)
            if is_remote(source):
                unreadable = _unreadable(source, kind, records.get(source.name), now)
                remote.append(_Remote(source, kind, cursor, unreadable))
                continue
            reading = kind.read(source, cursor, tz)
        except SourceError as exc:
            run.failed(source, exc.problem, exc.advice, "content")
            continue
        except Exception as exc:  # a bug in one kind must not cost the other sources
            log.exception("unexpected error reading source %s", source.name)
            run.failed(source, f"unexpected error: {type(exc).__name__}: {exc}", _BUG, "error")
            continue
        run.took(source, kind, reading, cursor)
    if remote:
        _collect_remote(remote, records, run, fetch_config, progress, now)
    # Local sources were read before the remote ones: an article two sources bring counts
    # for the first in config order (``pipeline.gather``), whichever was read first.
    order = {source.name: number for number, source in enumerate(sources)}
    days = sorted(run.days, key=lambda day: order.get(day.source, len(order)))
    names = run.names.every()
    return Collected(
        articles=tuple(run.articles),
        failures=tuple(run.failures),
        warnings=run.named_warnings(),
        health=tuple(run.health),
        backlog_sources=frozenset(backlog),
        sources_read=run.read,
        days=tuple(days),
        names=names,
        retitled={key: was for key, was in shown_before.items() if names.get(key, was) != was},
        paused={name: when for name, when in paused.items() if when and name in run.paused},
    )


_BUG = "this is a bug in digest; please report it with the log"


def is_remote(source: Source) -> bool:
    """Whether ``source`` is read over the web (its location is an http(s) URL)."""
    location = source.location
    # (asked several times a run of each source: the common spelling is known without
    # taking the address apart)
    if location[:8].lower().startswith(("http://", "https://")):
        return True
    return urlsplit(location).scheme in ("http", "https")


def _cursor(source: Source, record: SourceRecord | None, day_end: dt.datetime | None) -> Cursor:
    """What the state remembers of the source's last read, if that was at its configured
    location: a source given a new address starts afresh. Without its validators (nor its
    body's hash) once an entry it held for a later day is due by ``day_end``, or when the
    last read was made with other settings (``reading_settings``: another ``max_items``,
    kind or options, another digest): a "304 Not Modified" would hide what is to be read."""
    if record is None or record.location != source.location:
        return Cursor()
    due = record.held_until is not None and (day_end is None or record.held_until < day_end)
    again = due or record.read_with != reading_settings(source)
    return Cursor(
        etag=None if again else record.etag,
        last_modified=None if again else record.last_modified,
        body_hash=None if again else record.body_hash,
        moved_to=record.fetch_url,
        data=record.cursor,
    )


def _collect_remote(
    sources: Sequence[_Remote],
    records: dict[str, SourceRecord],
    run: _Run,
    config: FetchConfig,
    progress: Progress | None,
    now: dt.datetime,
) -> None:
    from digest.sources.http import FetchRequest, fetch_all

    settings = fetch_settings(config)
    requests = []
    wanted: list[_Remote] = []
    for remote in sources:
        source = remote.source
        record = records.get(source.name)
        if record and record.disabled_reason and record.location == source.location:
            run.failed(
                source,
                f"disabled: {record.disabled_reason}",
                f"remove it with 'digest sources remove \"{run.names[source.name]}\"', or give "
                "it a new url",
                "gone",
            )
            continue
        plan = remote.kind.request(source, remote.cursor)
        validators = (plan.etag, plan.last_modified)
        if remote.unreadable is not None:  # is it still the body that could not be read?
            validators = (remote.unreadable.get("etag"), remote.unreadable.get("last_modified"))
        requests.append(
            FetchRequest(
                source=source.name,
                url=plan.url,
                etag=validators[0],
                last_modified=validators[1],
                allow_private=allows_private(source, config),
                shown=run.names[source.name],
            )
        )
        wanted.append(remote)

    if run.intake is not None:
        # the requests that cannot be answered "304 Not Modified" (a kind that follows links
        # is read here, not by workers)
        run.intake.expect_bodies(
            sum(
                1
                for request, remote in zip(requests, wanted, strict=True)
                if not (
                    remote.kind.may_follow
                    or request.etag
                    or request.last_modified
                    or _body_hash(remote)  # (its body may come again unchanged, not to parse)
                )
            )
        )
    total = len(requests)
    done = 0
    by_name = {remote.source.name: remote for remote in wanted}
    parsed: dict[str, Reading | Follow[Any] | Pending | Exception] = {}
    unchanged: set[str] = set()  # answered in full with the body read last time
    read_hashes: dict[str, str | None] = {}  # each body's, as ``_read_hash`` gives it

    def finished(result: FetchResult) -> None:
        # Called on this thread as each fetch completes: parsing here (or handing the body to
        # a worker process) overlaps this source's CPU work with the other sources' waits.
        nonlocal done
        done += 1
        outcome_shown = result.outcome
        remote = by_name[result.source]
        read_hash = read_hashes[result.source] = _read_hash(result, remote.source)
        if read_hash is not None and read_hash == _body_hash(remote):
            unchanged.add(result.source)  # (as if "304 Not Modified": nothing to parse)
            outcome_shown = "not_modified"
        elif result.outcome == "ok":
            source, kind, cursor = remote.source, remote.kind, remote.cursor
            fetched = _fetched(result)
            intake = run.intake
            if intake is None or kind.may_follow:  # read in config order, once followed
                parsed[source.name] = _guarded(source, lambda: kind.parse(source, fetched, cursor))
            else:  # taken for the day at once (see digest.intake), by a worker if any
                new = source.name in run.new_sources
                parsed[source.name] = intake.submit(
                    source, kind, fetched, cursor, new=new
                ) or _guarded(source, lambda: intake.parse(source, kind, fetched, cursor, new=new))
        if progress is not None:
            # (by the title this body gave, when it was read here: as its stories are shown;
            # a body a worker reads is named by the title the last read gave)
            outcome = parsed.get(result.source)
            if isinstance(outcome, Reading):
                run.names.read(remote.source, outcome.own_name)
            elif isinstance(outcome, Parsed):
                run.names.read(remote.source, outcome.title)
            progress(run.names[result.source], done, total, outcome_shown)

    # Bodies are dropped once handled: a build of many feeds need not hold them all.
    # Fetching waits while the worker processes are behind: see digest.room.
    room = run.intake.room if run.intake is not None else None
    results = fetch_all(requests, settings, on_done=finished, keep_bodies=False, room=room)
    follows = {name: f for name, f in parsed.items() if isinstance(f, Follow)}
    if follows:
        parsed.update(
            _follow({n: (by_name[n].source, f) for n, f in follows.items()}, config, settings)
        )
    # Results are handled in config order, whatever order they arrived in, so that the
    # digest comes out the same for the same input.
    for remote, result in zip(wanted, results, strict=True):
        source = remote.source
        record = records.get(source.name)
        moved_to = result.moved_to or (record.url_for(source.location) if record else None)
        fetch_url = moved_to if moved_to and moved_to != source.location else None
        if result.moved_to:
            run.warnings.append(
                (
                    source.name,
                    f"moved permanently to {result.moved_to}; digest follows it from now on "
                    "(update the url in your config to make it permanent)",
                )
            )
        if source.name in unchanged:
            result = dataclasses.replace(result, outcome="not_modified")
        if result.outcome == "not_modified" and remote.unreadable is not None:
            # the body that could not be read, unchanged: the same failure, nothing parsed
            advice = remote.unreadable.get("advice")
            run.failed(
                source,
                remote.unreadable["problem"],
                advice if isinstance(advice, str) else "",
                "content",
                unreadable=remote.unreadable,
            )
            continue
        if result.outcome == "not_modified":
            items = record.items if record else 0
            run.succeeded(
                source,
                (),
                items=items,
                etag=result.etag or (record.etag if record else None),
                last_modified=result.last_modified or (record.last_modified if record else None),
                held_until=record.held_until if record else None,  # still held, still due then
                body_hash=record.body_hash if record else None,
                read_with=record.read_with if record else None,
                # (it took none of its entries: a new source whose every entry a build of an
                # earlier day held stays new, its first-run window still to apply; one back
                # after a pause, unchanged since, missed nothing: settled as it was)
                settles=False,
                unsettles=False,
                fetch_url=fetch_url,
                cursor=remote.cursor.data,
                cursor_before=remote.cursor.data,
            )
            continue
        if result.outcome == "gone":
            run.failed(
                source,
                result.problem or "the publisher removed this feed (HTTP 410 Gone)",
                result.advice or "remove the source, or find its new address",
                "gone",
                disable=True,
            )
            continue
        if result.outcome != "ok":
            # An address a permanent redirect once led to (stored by an older digest, or
            # before the network policy refused it) is forgotten when it is refused: the next
            # run starts again from the configured address.
            refused_move = result.refused and result.request.url == remote.cursor.moved_to
            run.failed(
                source,
                result.problem or "could not be fetched",
                result.advice or "",
                "fetch",
                forget_move=refused_move,
            )
            continue
        outcome: Reading | Follow[Any] | Pending | Parsed | Exception = parsed[source.name]
        if not isinstance(outcome, Reading | Follow | Exception | Parsed):
            outcome = _guarded(source, outcome.result)  # a worker's (see digest.intake)
        if isinstance(outcome, SourceError):
            run.failed(
                source,
                outcome.problem,
                outcome.advice,
                "content",
                unreadable=None
                if remote.kind.may_follow
                else _remember_unreadable(
                    result, read_hashes.get(source.name), remote.kind, outcome, now
                ),
            )
            continue
        if isinstance(outcome, Exception):
            run.failed(source, f"unexpected error: {_error_text(outcome)}", _BUG, "error")
            continue
        health = {
            "etag": result.etag,
            "last_modified": result.last_modified,
            "body_hash": read_hashes.get(source.name),
        }
        if isinstance(outcome, Reading):
            run.took(source, remote.kind, outcome, remote.cursor, fetch_url=fetch_url, **health)
        else:
            assert isinstance(outcome, Parsed)  # follow-ups were read above
            run.took_parsed(source, outcome, remote.cursor, fetch_url=fetch_url, **health)


def _read_hash(result: FetchResult, source: Source) -> str | None:
    """What reading ``result``'s body for ``source`` depends on, as one hash: its bytes
    (hashed as they were fetched), the address they came from (what its relative links
    resolve against), their Content-Type (whose charset may decode them), and the settings
    it is read with (``reading_settings``). The same bytes from another address, typed
    otherwise, or read with other settings, are read again. None without a body."""
    if result.body_hash is None:
        return None
    what = f"{result.body_hash}\n{result.url}\n{result.content_type or ''}"
    return hashlib.sha256(f"{what}\n{reading_settings(source)}".encode()).hexdigest()


def reading_settings(source: Source) -> str:
    """What ``source`` is read with, beside its document, as a short hash: the settings that
    decide what its reading keeps (its kind, that kind's options, how many entries it keeps)
    and digest's own code (``code_version``: an upgrade may read more in the same bytes)."""
    settings = (source.kind, source.max_items, sorted(source.options.items()), code_version())
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def _body_hash(remote: _Remote) -> str | None:
    """The hash of the body ``remote``'s last read took in full (or, for a source whose last
    body could not be read, of that body): fetched again, the same bytes would be read as they
    were then, and are not read again (servers that send no validators, or answer every
    request in full whatever they are sent, are common). None: none to compare, or a kind
    that follows links, whose reading lies past its body too."""
    if remote.kind.may_follow:
        return None
    if remote.unreadable is not None:
        found = remote.unreadable.get("body_hash")
        return found if isinstance(found, str) else None
    return remote.cursor.body_hash


def _guarded(source: Source, read: Callable[[], Any]) -> Any:
    """What ``read`` returns, or the exception it raised: one source's parse never stops the
    others'. Unexpected ones are logged with their traceback, then let go of it: kept until
    every source is read, its frames would keep the source's body and parse alive."""
    try:
        return read()
    except SourceError as exc:
        return exc.with_traceback(None)
    except Exception as exc:
        log.exception("unexpected error parsing source %s", source.name)
        return exc.with_traceback(None)


def _error_text(error: Exception) -> str:
    from digest.intake import UnexpectedError

    if isinstance(error, UnexpectedError):  # already "Type: message", from a worker
        return str(error)
    return f"{type(error).__name__}: {error}"


def _fetched(result: FetchResult) -> Fetched:
    if result.outcome == "ok":
        return Fetched(result.url, result.body, result.content_type)
    return Fetched(
        result.url,
        problem=result.problem or "could not be fetched",
        advice=result.advice,
    )


def _follow(
    follows: dict[str, tuple[Source, Follow[Any]]], config: FetchConfig, settings: FetchSettings
) -> dict[str, Reading | Exception]:
    """Fetch every source's follow-up documents in one round, each parsed as it arrives, then
    combine each source's. Their addresses come from the documents fetched, and reach what
    their source may reach (``allows_private``)."""
    from digest.sources.http import FetchRequest, fetch_all

    requests: list[FetchRequest] = []
    for name, (source, follow) in follows.items():
        private = allows_private(source, config)
        requests.extend(FetchRequest(name, url, allow_private=private) for url in follow.urls)
    # Keyed by the request itself: two equal requests fetch the same document.
    parts: dict[FetchRequest, Any] = {}
    failed: dict[str, Exception] = {}

    def finished(result: FetchResult) -> None:
        name = result.source
        if name in failed:
            return
        source, follow = follows[name]
        part = _guarded(source, lambda: follow.parse(_fetched(result)))
        if isinstance(part, Exception):
            failed[name] = part
        else:
            parts[result.request] = part

    fetch_all(requests, settings, on_done=finished)
    readings: dict[str, Reading | Exception] = {}
    for name, (source, follow) in follows.items():
        if name in failed:
            readings[name] = failed[name]
            continue
        mine = [parts[r] for r in requests if r.source == name]
        readings[name] = _guarded(source, functools.partial(follow.combine, mine))
    return readings


def allows_private(source: Source, config: FetchConfig) -> bool:
    """Whether the requests made for ``source`` (its own, its redirects, its follow-ups and
    its articles' pages) may reach addresses outside the public internet: as the source's
    ``allow_private`` says, else as the config's ``[fetch] allow_private``, else when its
    address names the user's own machine or network literally (``http://127.0.0.1:8080/``,
    ``http://192.168.1.20/feed``: see ``names_own_network``)."""
    from digest.sources.http import names_own_network

    if source.allow_private is not None:
        return source.allow_private
    return config.allow_private or names_own_network(source.location)


def fetch_settings(config: FetchConfig) -> FetchSettings:
    """How the config's [fetch] table says to fetch: for every source, page and check."""
    from digest.sources.http import FetchSettings

    return FetchSettings(
        connect_timeout=config.connect_timeout,
        total_timeout=config.timeout,
        max_bytes=int(config.max_mb * 1024 * 1024),
        retries=config.retries,
        backoff=config.backoff,
        workers=config.workers,
        network=config.network,
    )
