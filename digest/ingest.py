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
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from digest.config import FetchConfig
from digest.model import Article, Source, SourceFailure, UnreadPage
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Follow, Kind, Reading, newest
from digest.state import SourceHealth, SourceRecord, State

if TYPE_CHECKING:  # the HTTP client is imported only when a run has remote sources
    from digest.sources.http import FetchResult, FetchSettings

log = logging.getLogger(__name__)

# A source that has failed this many runs in a row is flagged in the digest, not just logged:
# at one run a day, that is most of a week of silence from it.
FLAG_AFTER_FAILURES = 3

Progress = Callable[[str, int, int], None]  # (what just finished, done, total)


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
    # Each article's key → the name of the configured source that read it, whose own
    # settings (its filter rules) apply to it: a folder's articles name their own source.
    origins: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Keys of the articles their kind read from broken markup (see ``hold_incomplete``).
    incomplete: frozenset[str] = frozenset()


def as_configured(
    source: Source, articles: Sequence[Article], title: str = ""
) -> tuple[Article, ...]:
    """What a source's own settings keep of the articles its kind read: the ``max_items``
    newest, labelled with its ``category``, its ``language`` (which wins over what its feed
    declares) and with its name as their ``origin``; a source the config left unnamed shows
    the name it gives itself (``title``: a feed's title) rather than its address. The one
    place where settings that every source has are applied, whatever its kind, except its
    filter rules: they look at the cleaned text, so the pipeline applies them after cleaning
    (``Article.origin`` says which source's rules apply)."""
    kept = newest(articles, source.max_items)
    shown = " ".join(title.split())[:80] if not source.named else ""
    changes: dict[str, Any] = {"origin": source.name}
    if source.category is not None:
        changes["category"] = source.category
    if source.language is not None:
        changes["language"] = source.language
    if shown:
        changes["source"] = shown
    return tuple(dataclasses.replace(a, **changes) for a in kept)


@dataclass
class _Run:
    """What one collect() call gathers as it goes."""

    state: State
    articles: list[Article] = dataclasses.field(default_factory=list)
    failures: list[SourceFailure] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    health: list[SourceHealth] = dataclasses.field(default_factory=list)
    origins: dict[str, str] = dataclasses.field(default_factory=dict)
    incomplete: set[str] = dataclasses.field(default_factory=set)
    read: int = 0

    def succeeded(self, source: Source, articles: Sequence[Article], **health: Any) -> None:
        self.read += 1
        self.articles.extend(articles)
        for article in articles:
            self.origins.setdefault(article.key, source.name)
        self.health.append(SourceHealth(source.name, source.location, True, **health))

    def took(self, source: Source, reading: Reading, cursor: Cursor, **health: Any) -> None:
        """A kind's reading of ``source``, with the source's own settings applied."""
        articles = as_configured(source, reading.articles, reading.title)
        self.warnings.extend(f"{source.name}: {w}" for w in reading.warnings)
        self.incomplete.update(reading.incomplete)
        self.succeeded(
            source,
            articles,
            items=len(articles),
            cursor=reading.cursor,
            cursor_before=cursor.data,
            **health,
        )

    def failed(
        self,
        source: Source,
        problem: str,
        advice: str,
        *,
        disable: bool = False,
        forget_move: bool = False,
    ) -> None:
        record = self.state.source(source.name)
        in_a_row = (record.consecutive_failures if record else 0) + 1
        self.health.append(
            SourceHealth(
                source.name,
                source.location,
                False,
                problem=problem,
                disable=disable,
                forget_fetch_url=forget_move,
            )
        )
        shown = problem
        if in_a_row >= FLAG_AFTER_FAILURES:
            since = record.last_success if record else None
            last = f", last success {since:%Y-%m-%d}" if since else ", never read successfully"
            shown = f"{problem} (failing for {in_a_row} runs in a row{last})"
        # DEBUG: whoever runs the build reports every failure once, with its advice (the
        # command prints it, ``digest run`` logs it), and the digest lists it.
        log.debug("source %s failed: %s", source.name, shown)
        self.failures.append(SourceFailure(source=source.name, problem=shown, advice=advice))


@dataclass(frozen=True)
class _Remote:
    """A remote source on its way through the fetch: its kind and the cursor it started from."""

    source: Source
    kind: Kind
    cursor: Cursor


def collect(
    sources: Sequence[Source],
    state: State,
    now: dt.datetime,
    tz: dt.tzinfo = dt.UTC,
    *,
    fetch_config: FetchConfig | None = None,
    progress: Progress | None = None,
) -> Collected:
    """Read every enabled source. Local ones are read in turn, remote ones fetched together."""
    fetch_config = fetch_config or FetchConfig()
    run = _Run(state)
    records = {record.name: record for record in state.sources()}
    new_sources = {
        s.name
        for s in sources
        if s.enabled and (s.name not in records or records[s.name].is_new(s.location))
    }
    backlog: set[str] = set()
    remote: list[_Remote] = []
    for source in sources:
        if not source.enabled:
            continue
        cursor = _cursor(source, records.get(source.name))
        try:
            kind = kinds.kind(source.kind)
            if source.name in new_sources and kind.has_backlog:
                backlog.add(source.name)
            if is_remote(source):
                remote.append(_Remote(source, kind, cursor))
                continue
            reading = kind.read(source, cursor, tz)
        except SourceError as exc:
            run.failed(source, exc.problem, exc.advice)
            continue
        except Exception as exc:  # a bug in one kind must not cost the other sources
            log.exception("unexpected error reading source %s", source.name)
            run.failed(source, f"unexpected error: {type(exc).__name__}: {exc}", _BUG)
            continue
        run.took(source, reading, cursor)
    if remote:
        _collect_remote(remote, records, run, fetch_config, progress)
    return Collected(
        articles=tuple(run.articles),
        failures=tuple(run.failures),
        warnings=tuple(run.warnings),
        health=tuple(run.health),
        backlog_sources=frozenset(backlog),
        sources_read=run.read,
        origins=run.origins,
        incomplete=frozenset(run.incomplete),
    )


_BUG = "this is a bug in digest; please report it with the log"


def is_remote(source: Source) -> bool:
    """Whether ``source`` is read over the web (its location is an http(s) URL)."""
    return urlsplit(source.location).scheme in ("http", "https")


def _cursor(source: Source, record: SourceRecord | None) -> Cursor:
    """What the state remembers of the source's last read, if that was at its configured
    location: a source given a new address starts afresh."""
    if record is None or record.location != source.location:
        return Cursor()
    return Cursor(
        etag=record.etag,
        last_modified=record.last_modified,
        moved_to=record.fetch_url,
        data=record.cursor,
    )


def _collect_remote(
    sources: Sequence[_Remote],
    records: dict[str, SourceRecord],
    run: _Run,
    config: FetchConfig,
    progress: Progress | None,
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
                f"remove it with 'digest sources remove \"{source.name}\"', or give it a new url",
            )
            continue
        plan = remote.kind.request(source, remote.cursor)
        requests.append(
            FetchRequest(
                source=source.name,
                url=plan.url,
                etag=plan.etag,
                last_modified=plan.last_modified,
                allow_private=allows_private(source, config),
            )
        )
        wanted.append(remote)

    total = len(requests)
    done = 0
    by_name = {remote.source.name: remote for remote in wanted}
    parsed: dict[str, Reading | Follow[Any] | Exception] = {}

    def finished(result: FetchResult) -> None:
        # Called on this thread as each fetch completes: parsing here overlaps this source's
        # CPU work with the other sources' network waits.
        nonlocal done
        done += 1
        if result.outcome == "ok":
            remote = by_name[result.source]
            parsed[remote.source.name] = _guarded(
                remote.source,
                lambda: remote.kind.parse(remote.source, _fetched(result), remote.cursor),
            )
        if progress is not None:
            progress(result.source, done, total)

    results = fetch_all(requests, settings, on_done=finished)
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
                f"{source.name}: moved permanently to {result.moved_to}; digest follows it "
                "from now on (update the url in your config to make it permanent)"
            )
        if result.outcome == "not_modified":
            items = record.items if record else 0
            run.succeeded(
                source,
                (),
                items=items,
                etag=result.etag or (record.etag if record else None),
                last_modified=result.last_modified or (record.last_modified if record else None),
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
                forget_move=refused_move,
            )
            continue
        outcome = parsed[source.name]
        if isinstance(outcome, SourceError):
            run.failed(source, outcome.problem, outcome.advice)
            continue
        if isinstance(outcome, Exception):
            run.failed(source, f"unexpected error: {type(outcome).__name__}: {outcome}", _BUG)
            continue
        assert isinstance(outcome, Reading)  # follow-ups were read above
        run.took(
            source,
            outcome,
            remote.cursor,
            etag=result.etag,
            last_modified=result.last_modified,
            fetch_url=fetch_url,
        )


def _guarded(source: Source, read: Callable[[], Any]) -> Any:
    """What ``read`` returns, or the exception it raised: one source's parse never stops the
    others'. Unexpected ones are logged with their traceback."""
    try:
        return read()
    except SourceError as exc:
        return exc
    except Exception as exc:
        log.exception("unexpected error parsing source %s", source.name)
        return exc


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
    articles: Sequence[Article], incomplete: Collection[str], waited: Mapping[str, int]
) -> Recovered:
    """Hold back the articles read from broken markup (``incomplete``: their keys), so that a
    cut-off or damaged entry is not shown, nor remembered as shown, in the state it came in:
    a later read of the feed most often gives it whole. One that has waited
    ``HOLD_INCOMPLETE_RUNS`` runs (``waited``: runs per key) and is still incomplete is shown
    anyway, to be marked as such, rather than lost."""
    result = Recovered([], [], frozenset(), [])
    marked: set[str] = set()
    for article in articles:
        if article.key not in incomplete:
            result.ready.append(article)
            continue
        label = f"{article.origin or article.source}: '{article.title or article.key}'"
        runs = waited.get(article.key, 0)
        if runs < HOLD_INCOMPLETE_RUNS:
            result.held.append(article)
            result.warnings.append(
                f"{label} came cut short or damaged in its feed: held back until a later read "
                f"gives it whole (run {runs + 1} of {HOLD_INCOMPLETE_RUNS})"
            )
        else:
            result.ready.append(article)
            marked.add(article.key)
            result.warnings.append(
                f"{label} is still cut short or damaged in its feed after {runs} runs; shown, "
                "marked as incomplete"
            )
    return dataclasses.replace(result, marked=frozenset(marked))


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


@dataclass(frozen=True)
class FullTexts:
    """What ``fetch_full_texts`` made of the articles chosen for the digest."""

    articles: list[Article]  # in the order given, completed from their pages where fetched
    warnings: list[str]
    # Pages that could not be used, one per article: counted in a run's report, not listed.
    unread_pages: list[UnreadPage] = dataclasses.field(default_factory=list)
    # Articles whose kind gives no text but their page's, and whose page was not fetched this
    # run (over ``full_text_limit``): not in ``articles``, they wait for the next run.
    waiting: list[Article] = dataclasses.field(default_factory=list)
    # Articles whose kind gives no text but their page's, and whose page could not be used:
    # not in ``articles``; remembered as skipped, like any article left without text.
    unreadable: list[Article] = dataclasses.field(default_factory=list)


def fetch_full_texts(
    articles: Sequence[Article],
    sources: Sequence[Source],
    config: FetchConfig | None = None,
    *,
    undated: Collection[str] = frozenset(),
) -> FullTexts:
    """Replace the text of articles whose kind wants their linked page (a feed's teasers, or
    every entry of a ``full_text`` feed; every entry of a sitemap) by the page's text.

    Give it only the articles going into the digest: the pipeline calls it after choosing
    them, so a new feed's old backlog or an entry held for a later day never costs a page
    download. At most ``full_text_limit`` pages are fetched per source and run, newest
    entries first. Each page that could not be used is in ``unread_pages``, and the article
    keeps its own text; an article with no text of its own is left out instead (see ``FullTexts``).

    ``undated`` holds the keys of articles whose ``published`` is only the time digest first
    saw them (the feed gave none): for those the page's own date, when it has one, wins.
    """
    config = config or FetchConfig()
    remote: dict[str, tuple[Source, Kind]] = {}
    for source in sources:
        if is_remote(source) and source.kind in kinds.names():
            remote[source.name] = (source, kinds.kind(source.kind))
    articles = list(articles)
    per_source: dict[str, int] = {}
    chosen: list[tuple[Source, Article]] = []
    result = FullTexts(articles, [])
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    for article in sorted(articles, key=lambda a: a.published or oldest, reverse=True):
        entry = remote.get(article.origin or article.source)
        if entry is None or not article.url:
            continue
        source, kind = entry
        # The limit is checked first: with none left, a feed's entries need not be looked at.
        if per_source.get(source.name, 0) >= config.full_text_limit:
            if kind.text_on_page and kind.wants_page(source, article):
                (result.waiting if config.full_text_limit else result.unreadable).append(article)
            continue
        if not kind.wants_page(source, article):
            continue
        per_source[source.name] = per_source.get(source.name, 0) + 1
        chosen.append((source, article))
    for name in sorted({a.source for a in result.unreadable}):
        result.warnings.append(
            f"{name}: its articles have no text but their pages', and full_text_limit = 0 "
            "fetches none: they are skipped (raise full_text_limit)"
        )
    if result.waiting:
        for name in sorted({a.source for a in result.waiting}):
            count = sum(1 for a in result.waiting if a.source == name)
            result.warnings.append(
                f"{name}: {count} article(s) wait for the next run, past the "
                f"{config.full_text_limit} pages fetched per source and run (full_text_limit)"
            )
    if chosen:
        _complete(chosen, remote, config, undated, result)
    left_out = {a.key for a in (*result.waiting, *result.unreadable)}
    if left_out:
        result.articles[:] = [a for a in result.articles if a.key not in left_out]
    return result


def _complete(
    chosen: Sequence[tuple[Source, Article]],
    remote: dict[str, tuple[Source, Kind]],
    config: FetchConfig,
    undated: Collection[str],
    result: FullTexts,
) -> None:
    """Fetch the chosen articles' pages and put their text into ``result``."""
    from digest.sources.http import FetchRequest, fetch_all
    from digest.sources.pages import PageError, extract_page

    # Article links come from the source: they reach what the source may reach, so a feed
    # read over the internet cannot send digest into the local network (a source allowed
    # private addresses, such as an intranet feed, may link within it).
    results = fetch_all(
        [
            FetchRequest(source=s.name, url=a.url or "", allow_private=allows_private(s, config))
            for s, a in chosen
        ],
        fetch_settings(config),
    )
    replaced: dict[str, Article] = {}
    for (source, article), fetched in zip(chosen, results, strict=True):
        own_text = not remote[source.name][1].text_on_page
        if fetched.outcome != "ok":
            _unread(result, source, article, f"not fetched ({fetched.problem})", own_text)
            continue
        try:
            content = extract_page(fetched.body, fetched.url, fetched.content_type)
        except PageError as exc:
            _unread(result, source, article, f"holds no article text ({exc.problem})", own_text)
            continue
        if sum(len(p.text) for p in content.paragraphs) > sum(
            len(p.text) for p in article.paragraphs
        ):
            replaced[article.key] = dataclasses.replace(
                article,
                paragraphs=content.paragraphs,
                title=article.title or content.title,
                author=article.author or content.author,
                published=(
                    (content.published or article.published)
                    if article.key in undated
                    else (article.published or content.published)
                ),
            )
    result.articles[:] = [replaced.get(a.key, a) for a in result.articles]


def _unread(result: FullTexts, source: Source, article: Article, problem: str, own: bool) -> None:
    """Note a page that could not be used; an article with no text of its ``own`` goes too."""
    page = UnreadPage(source.name, article.url or "", article.title, problem, teaser_kept=own)
    result.unread_pages.append(page)
    if not own:
        result.unreadable.append(article)
