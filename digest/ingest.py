"""Ingest: read every configured source into raw Articles, never letting one source sink the run.

Each kind of source has its own module in ``digest.sources``; this module only decides what to
fetch (with the validators the state store kept), dispatches, and turns whatever went wrong
into a ``SourceFailure`` that the CLI, the log and the digest footer show. It reads the state
but writes nothing: how each source fared comes back as ``SourceHealth`` for the pipeline to
store together with the articles.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from digest.config import FetchConfig
from digest.model import Article, Source, SourceFailure
from digest.sources import files
from digest.sources.errors import SourceError
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
    new_sources: frozenset[str]  # sources read for the first time in this run
    sources_read: int


@dataclass
class _Run:
    """What one collect() call gathers as it goes."""

    state: State
    articles: list[Article] = dataclasses.field(default_factory=list)
    failures: list[SourceFailure] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    health: list[SourceHealth] = dataclasses.field(default_factory=list)
    read: int = 0

    def succeeded(self, source: Source, articles: Sequence[Article], **health: object) -> None:
        self.read += 1
        self.articles.extend(articles)
        self.health.append(SourceHealth(source.name, source.location, True, **health))

    def failed(self, source: Source, problem: str, advice: str, *, disable: bool = False) -> None:
        record = self.state.source(source.name)
        in_a_row = (record.consecutive_failures if record else 0) + 1
        self.health.append(
            SourceHealth(source.name, source.location, False, problem=problem, disable=disable)
        )
        shown = problem
        if in_a_row >= FLAG_AFTER_FAILURES:
            since = record.last_success if record else None
            last = f", last success {since:%Y-%m-%d}" if since else ", never read successfully"
            shown = f"{problem} (failing for {in_a_row} runs in a row{last})"
        # INFO: the CLI prints every failure (with its advice) and the digest lists it.
        log.info("source %s failed: %s", source.name, shown)
        self.failures.append(SourceFailure(source=source.name, problem=shown, advice=advice))


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
    new_sources = frozenset(
        s.name
        for s in sources
        if s.enabled and (s.name not in records or records[s.name].is_new(s.location))
    )
    remote: list[Source] = []
    for source in sources:
        if not source.enabled:
            continue
        if _is_remote(source):
            remote.append(source)
            continue
        try:
            found, source_warnings = _read_local(source, tz)
        except SourceError as exc:
            run.failed(source, exc.problem, exc.advice)
            continue
        except Exception as exc:  # a bug in one ingestor must not cost the other sources
            log.exception("unexpected error reading source %s", source.name)
            run.failed(source, f"unexpected error: {type(exc).__name__}: {exc}", _BUG)
            continue
        run.succeeded(source, found, items=len(found))
        run.warnings.extend(f"{source.name}: {w}" for w in source_warnings)
    if remote:
        _collect_remote(remote, records, run, fetch_config, progress)
    return Collected(
        articles=tuple(run.articles),
        failures=tuple(run.failures),
        warnings=tuple(run.warnings),
        health=tuple(run.health),
        new_sources=new_sources,
        sources_read=run.read,
    )


_BUG = "this is a bug in digest; please report it with the log"


def _is_remote(source: Source) -> bool:
    return urlsplit(source.location).scheme in ("http", "https")


def _read_local(source: Source, tz: dt.tzinfo) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    if source.kind == "folder":
        result = files.read_folder(source, tz)
        return result.articles, result.warnings
    path = Path(source.location)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"cannot read {path} ({exc.strerror or exc})", "check the source's 'path'"
        ) from exc
    if source.kind == "page":
        from digest.sources.pages import PageError, extract_page, page_article

        try:
            content = extract_page(data, None)
        except PageError as exc:
            raise SourceError(exc.problem, exc.advice) from exc
        key = f"file:{source.name}/{path.name}"
        return (page_article(content, source, key=key, url=content.url),), ()
    from digest.sources.feeds import FeedError, parse_feed

    try:
        parsed = parse_feed(data, source)
    except FeedError as exc:
        raise SourceError(exc.problem, exc.advice) from exc
    return parsed.articles, parsed.warnings


def _collect_remote(
    sources: Sequence[Source],
    records: dict[str, SourceRecord],
    run: _Run,
    config: FetchConfig,
    progress: Progress | None,
) -> None:
    from digest.sources.http import FetchRequest, fetch_all

    settings = _fetch_settings(config)
    requests = []
    wanted: list[Source] = []
    for source in sources:
        record = records.get(source.name)
        if record and record.disabled_reason and record.location == source.location:
            run.failed(
                source,
                f"disabled: {record.disabled_reason}",
                f"remove it with 'digest sources remove \"{source.name}\"', or give it a new url",
            )
            continue
        same_place = record is not None and record.location == source.location
        requests.append(
            FetchRequest(
                source=source.name,
                url=record.url_for(source.location) if record else source.location,
                etag=record.etag if same_place else None,
                last_modified=record.last_modified if same_place else None,
            )
        )
        wanted.append(source)

    total = len(requests)
    done = 0
    by_name = {source.name: source for source in wanted}
    parsed: dict[str, tuple[tuple[Article, ...], tuple[str, ...]] | Exception] = {}

    def finished(result: FetchResult) -> None:
        # Called on this thread as each fetch completes: parsing here overlaps this source's
        # CPU work with the other sources' network waits.
        nonlocal done
        done += 1
        if result.outcome == "ok":
            source = by_name[result.source]
            try:
                parsed[source.name] = _parse_remote(source, result)
            except SourceError as exc:
                parsed[source.name] = exc
            except Exception as exc:
                log.exception("unexpected error parsing source %s", source.name)
                parsed[source.name] = exc
        if progress is not None:
            progress(result.source, done, total)

    results = fetch_all(requests, settings, on_done=finished)
    # Results are handled in config order, whatever order they arrived in, so that the
    # digest comes out the same for the same input.
    for source, result in zip(wanted, results, strict=True):
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
            run.failed(source, result.problem or "could not be fetched", result.advice or "")
            continue
        outcome = parsed[source.name]
        if isinstance(outcome, SourceError):
            run.failed(source, outcome.problem, outcome.advice)
            continue
        if isinstance(outcome, Exception):
            run.failed(source, f"unexpected error: {type(outcome).__name__}: {outcome}", _BUG)
            continue
        articles, warnings = outcome
        run.warnings.extend(f"{source.name}: {w}" for w in warnings)
        run.succeeded(
            source,
            articles,
            items=len(articles),
            etag=result.etag,
            last_modified=result.last_modified,
            fetch_url=fetch_url,
        )


def _fetch_settings(config: FetchConfig) -> FetchSettings:
    from digest.sources.http import FetchSettings

    return FetchSettings(
        connect_timeout=config.connect_timeout,
        total_timeout=config.timeout,
        max_bytes=int(config.max_mb * 1024 * 1024),
        retries=config.retries,
        backoff=config.backoff,
        workers=config.workers,
    )


def _parse_remote(
    source: Source, result: FetchResult
) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    body, url, content_type = result.body, result.url, result.content_type
    if source.kind == "page":
        from digest.sources.pages import PageError, extract_page, page_article
        from digest.sources.urls import url_key

        try:
            content = extract_page(body, url, content_type)
        except PageError as exc:
            raise SourceError(exc.problem, exc.advice) from exc
        return (page_article(content, source, key=f"url:{url_key(url)}", url=url),), ()
    from digest.sources.feeds import FeedError, parse_feed

    try:
        parsed = parse_feed(body, source, url=url, content_type=content_type)
    except FeedError as exc:
        advice = exc.advice
        if exc.discovered:
            advice = f"its page names a feed: use {exc.discovered[0]} as the url"
        raise SourceError(exc.problem, advice) from exc
    return parsed.articles, parsed.warnings


def fetch_full_texts(
    articles: Sequence[Article],
    sources: Sequence[Source],
    config: FetchConfig | None = None,
    *,
    undated: Collection[str] = frozenset(),
) -> tuple[list[Article], list[str]]:
    """Replace teasers (or every entry, for ``full_text`` sources) by the linked page's text.

    Give it only the articles going into the digest: the pipeline calls it after choosing
    them, so a new feed's old backlog or an entry held for a later day never costs a page
    download. At most ``full_text_limit`` pages are fetched per source and run, newest
    entries first. Returns the articles (in the same order) and a warning for each page that
    could not be used, in which case the feed's own text stays.

    ``undated`` holds the keys of articles whose ``published`` is only the time digest first
    saw them (the feed gave none): for those the page's own date, when it has one, wins.
    """
    config = config or FetchConfig()
    remote_feeds = {s.name: s for s in sources if s.kind == "feed" and _is_remote(s)}
    articles = list(articles)
    if not config.full_text_limit or not remote_feeds:
        return articles, []
    from digest.sources.http import FetchRequest, fetch_all, is_public_host
    from digest.sources.pages import PageError, extract_page, is_teaser

    per_source: dict[str, int] = {}
    chosen: list[tuple[Source, Article]] = []
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    for article in sorted(articles, key=lambda a: a.published or oldest, reverse=True):
        source = remote_feeds.get(article.source)
        if source is None or not article.url:
            continue
        if not (source.full_text or is_teaser(article.paragraphs)):
            continue
        if per_source.get(source.name, 0) >= config.full_text_limit:
            continue
        per_source[source.name] = per_source.get(source.name, 0) + 1
        chosen.append((source, article))
    if not chosen:
        return articles, []
    # Article links come from the feed, so they are untrusted: a feed read over the internet
    # may not send digest into the local network (an intranet feed may link within it).
    public_feed = {
        name: is_public_host(urlsplit(remote_feeds[name].location).hostname or "")
        for name in {s.name for s, _ in chosen}
    }
    results = fetch_all(
        [
            FetchRequest(source=s.name, url=a.url or "", public_only=public_feed[s.name])
            for s, a in chosen
        ],
        _fetch_settings(config),
    )
    warnings: list[str] = []
    replaced: dict[str, Article] = {}
    for (source, article), result in zip(chosen, results, strict=True):
        if result.outcome != "ok":
            warnings.append(
                f"{source.name}: full text of '{article.title}' not fetched "
                f"({result.problem}); the feed's text is used"
            )
            continue
        try:
            content = extract_page(result.body, result.url, result.content_type)
        except PageError as exc:
            warnings.append(
                f"{source.name}: no article text on {article.url} ({exc.problem}); "
                "the feed's text is used"
            )
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
    return [replaced.get(a.key, a) for a in articles], warnings
