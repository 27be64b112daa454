"""Ingest: read every configured source into raw Articles, never letting one source sink the run.

Each kind of source has its own module in ``digest.sources``; this module only dispatches and
turns whatever went wrong into a ``SourceFailure`` the CLI, the log and the digest footer show.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from digest.model import Article, Source, SourceFailure
from digest.sources import files
from digest.sources.errors import SourceError
from digest.state import State

log = logging.getLogger(__name__)

# A source that has failed this many runs in a row is flagged in the digest, not just logged:
# at one run a day, that is most of a week of silence from it.
FLAG_AFTER_FAILURES = 3


@dataclass(frozen=True)
class Collected:
    articles: tuple[Article, ...]
    failures: tuple[SourceFailure, ...]
    warnings: tuple[str, ...]
    new_sources: frozenset[str]  # sources read for the first time in this run
    sources_read: int


def collect(
    sources: Sequence[Source], state: State, now: dt.datetime, tz: dt.tzinfo = dt.UTC
) -> Collected:
    articles: list[Article] = []
    failures: list[SourceFailure] = []
    warnings: list[str] = []
    new_sources: set[str] = set()
    read = 0
    for source in sources:
        if not source.enabled:
            continue
        known = state.source(source.name)
        if known is None:
            new_sources.add(source.name)
        try:
            found, source_warnings = _read_source(source, tz)
        except SourceError as exc:
            failures.append(_record_failure(state, source, now, exc.problem, exc.advice))
            continue
        except Exception as exc:  # a bug in one ingestor must not cost the other sources
            log.exception("unexpected error reading source %s", source.name)
            failures.append(
                _record_failure(
                    state,
                    source,
                    now,
                    f"unexpected error: {type(exc).__name__}: {exc}",
                    "this is a bug in digest; please report it with the log",
                )
            )
            continue
        read += 1
        state.record_source_success(source.name, source.location, now, items=len(found))
        articles.extend(found)
        warnings.extend(f"{source.name}: {w}" for w in source_warnings)
    return Collected(
        tuple(articles), tuple(failures), tuple(warnings), frozenset(new_sources), read
    )


def _read_source(source: Source, tz: dt.tzinfo) -> tuple[tuple[Article, ...], tuple[str, ...]]:
    if source.kind == "folder":
        result = files.read_folder(source, tz)
        return result.articles, result.warnings
    raise SourceError(
        f"sources of kind '{source.kind}' are not supported yet",
        "use a folder of article files, or disable this source",
    )


def _record_failure(
    state: State, source: Source, now: dt.datetime, problem: str, advice: str
) -> SourceFailure:
    failures_in_a_row = state.record_source_failure(source.name, source.location, now, problem)
    if failures_in_a_row >= FLAG_AFTER_FAILURES:
        problem = f"{problem} (failing for {failures_in_a_row} runs in a row)"
    log.warning("source %s failed: %s", source.name, problem)
    return SourceFailure(source=source.name, problem=problem, advice=advice)
