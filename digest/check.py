"""``digest check``: is this setup ready to run unattended? Answered without changing anything.

Asked before a crontab line or a timer is trusted with the job, or when a cron mail says
something failed. It looks at, in order:

* the config: loaded and validated by the caller; here, whether it names anything to read;
* every source, read once as a build reads it but afresh (no stored validators, so a "304 Not
  Modified" hides nothing): the HTTP status, what the document is (RSS 2.0, Atom, JSON Feed,
  a sitemap ...), how many entries it holds and the newest one's date;
* the state file: SQLite's ``quick_check`` and the schema version
  (``digest.state.integrity_problems``), and whether this user may write beside it;
* the output folder: there or creatable, and writable; and which built days' pages are
  missing from it (a kept day can be built again, a forgotten one only restored);
* the email: whether the SMTP password is where the config says, in this environment (cron
  and systemd start with almost none).

Nothing is written: not the state (no validators, cursors or entries recorded as seen), not
the output folder, no lock. Each finding is ``ok`` or not; ``SetupCheck.ok`` is whether all are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import sqlite3
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.config import FIX_SOURCE_ENTRY, Config
from digest.errors import DigestError
from digest.model import Source
from digest.present import plural, relative_links_note
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Cursor, Fetched, Follow, Reading, read_file

if TYPE_CHECKING:
    from digest.sources.http import FetchResult, FetchSettings

# Enough of a document's start to see what it is: past an XML declaration, a stylesheet
# instruction and a comment or two.
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Finding:
    """One line of the check: what was looked at, whether it is fine, and what was seen."""

    what: str  # "config", "source", "state", "output" or "email"
    name: str  # the file, source, folder or address it is about
    ok: bool
    detail: str
    notes: tuple[str, ...] = ()  # worth knowing, not wrong: a feed repaired, a source moved


@dataclass(frozen=True)
class SetupCheck:
    """Every finding, in the order above."""

    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.ok)


def check_setup(
    config: Config,
    *,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] = os.environ,
) -> SetupCheck:
    """Check ``config``'s setup (see the module's docstring); changes nothing."""
    now = now or dt.datetime.now(dt.UTC)
    return SetupCheck(
        (
            check_config(config),
            *check_sources(config, now),
            check_state(config.state),
            check_output(config.output, config.state),
            check_email(config, environ),
        )
    )


def check_config(config: Config) -> Finding:
    from digest.usecases import NothingToReadError, require_sources

    name = str(config.path) if config.path else "(none: the built-in defaults)"
    try:
        require_sources(config)
    except NothingToReadError as exc:
        return Finding("config", name, False, f"{exc.problem}: {exc.advice}")
    if config.rules is not None:
        from digest.text.rules import RulesError, load_rules

        try:
            load_rules(config.rules)
        except RulesError as exc:
            return Finding("config", name, False, f"rules error: {exc}")
    if config.templates is not None:  # (a build that renders stops on one, exit 2)
        from digest.templating import TemplateError, compile_user_templates

        try:
            compile_user_templates(config.templates)
        except TemplateError as exc:
            return Finding(
                "config", name, False, _problem(f"template error: {exc.problem}", exc.advice)
            )
    count = len(config.sources) + len(config.invalid_sources)
    enabled = sum(1 for s in config.sources if s.enabled)
    detail = plural(count, "source", "sources")
    if enabled < len(config.sources):
        detail += f", {enabled} enabled"
    if config.invalid_sources:
        # A mistake in the file, as much as a wrong key outside [[sources]] is, though a build
        # goes on without the entry: the config's row says so, not "ok".
        names = ", ".join(failure.source for failure in config.invalid_sources)
        detail += (
            f", {len(config.invalid_sources)} with a wrong entry ({names}: "
            "its row below says what is wrong)"
        )
    notes: tuple[str, ...] = config.warnings  # (as every build says them)
    if 0 < config.keep_days < config.feed_days:  # (raised quietly by every build)
        notes += (
            f"keep_days = {config.keep_days} is fewer than feed_days = {config.feed_days}: "
            f"the state keeps the articles of the last {config.feed_days} days, those "
            "feed.atom shows",
        )
    relative = relative_links_note(config)  # (as every build says it)
    if relative:
        notes = (*notes, relative)
    if config.state_unread:  # (the sources' rows name them so; the state's row says more)
        notes = (*notes, config.state_unread)
    return Finding("config", name, not config.invalid_sources, detail, notes)


# --- sources ------------------------------------------------------------------------------------


def check_sources(config: Config, now: dt.datetime) -> list[Finding]:
    """Each configured source read once, afresh, in the config's order; the remote ones are
    fetched together, as a build fetches them."""
    from digest.config import records_as_named
    from digest.ingest import fetch_settings, is_remote
    from digest.state import ShownNames, read_source_records
    from digest.usecases import sources_of

    # (not the implicit seeds/ folder where there is none: the config's row says so)
    sources = sources_of(config)
    found: dict[str, Finding] = {}
    remote: list[Source] = []
    for source in sources:
        if not source.enabled:
            found[source.name] = Finding("source", source.name, True, "disabled: not read")
        elif is_remote(source):
            remote.append(source)
        else:
            found[source.name] = _check_local(source, config, now)
    if remote:
        settings = fetch_settings(config.fetch)
        checked = _check_remote(remote, settings, config, now)
        found.update(
            (source.name, finding) for source, finding in zip(remote, checked, strict=True)
        )
    # (the build's advice says what a build did without the entry: a check reads nothing)
    invalid = [
        Finding("source", failure.source, False, _problem(failure.problem, FIX_SOURCE_ENTRY))
        for failure in config.invalid_sources
    ]
    # Each source is named as a build that read it now would name it (``ShownNames``): by the
    # title this read gave (a source not read now: by its own title as last read), and two
    # that give one title, or one whose title is another source's name, each by its own key.
    names = ShownNames(sources, records_as_named(sources, read_source_records(config.state)))
    for source in sources:
        finding = found[source.name]
        if source.enabled and finding.ok:  # (read now: its finding is named by its title)
            names.read(source, finding.name)
    return [
        dataclasses.replace(found[source.name], name=names[source.name]) for source in sources
    ] + invalid


def _check_local(source: Source, config: Config, now: dt.datetime) -> Finding:
    try:
        kind = kinds.kind(source.kind)
        reading = kind.read(source, Cursor(), config.timezone)
        what = "a folder of article files" if Path(source.location).is_dir() else ""
        what = what or document_format(read_file(source), None)
    except SourceError as exc:
        return Finding("source", source.name, False, _problem(exc.problem, exc.advice))
    except Exception as exc:  # a bug in one kind: the other sources are still checked
        return Finding("source", source.name, False, _bug(exc))
    return _read(source, what, reading, config, now)


def _check_remote(
    sources: Sequence[Source], settings: FetchSettings, config: Config, now: dt.datetime
) -> list[Finding]:
    from digest.ingest import allows_private
    from digest.sources.http import FetchRequest, fetch_all

    requests = [
        FetchRequest(
            source=s.name,
            url=kinds.kind(s.kind).request(s, Cursor()).url,
            allow_private=allows_private(s, config.fetch),
        )
        for s in sources
    ]
    findings = []
    for source, result in zip(sources, fetch_all(requests, settings), strict=True):
        status = f"HTTP {result.status}" if result.status else ""
        if result.outcome != "ok":
            problem = result.problem or "could not be fetched"
            if status and status not in problem:
                problem = f"{status}: {problem}"
            findings.append(
                Finding("source", source.name, False, _problem(problem, result.advice or ""))
            )
            continue
        named = document_format(result.body, result.content_type)
        what = ", ".join(x for x in (status, named) if x)
        try:
            reading = _parse(source, result, settings, config)
        except SourceError as exc:
            # The problem often says what the document is ("not a feed: an HTML page"): once.
            said = ", ".join(x for x in (status, named) if x and x not in exc.problem)
            detail = ": ".join(x for x in (said, _problem(exc.problem, exc.advice)) if x)
            findings.append(Finding("source", source.name, False, detail))
            continue
        except Exception as exc:  # a bug in one kind: the other sources are still checked
            findings.append(Finding("source", source.name, False, f"{what}: {_bug(exc)}"))
            continue
        finding = _read(source, what, reading, config, now)
        if result.moved_to:
            moved = f"moved permanently to {result.moved_to}: update its url in the config"
            finding = dataclasses.replace(finding, notes=(moved, *finding.notes))
        findings.append(finding)
    return findings


def _parse(source: Source, result: FetchResult, settings: FetchSettings, config: Config) -> Reading:
    """The fetched document read by its kind, following what it asks for (a sitemap index's
    sitemaps) as a build would. Raises ``SourceError``."""
    from digest.ingest import allows_private
    from digest.sources.http import FetchRequest, fetch_all

    kind = kinds.kind(source.kind)
    parsed = kind.parse(source, _fetched(result), Cursor())
    if not isinstance(parsed, Follow):
        return parsed
    # Addresses found in a document follow the source's network policy, as in a build.
    private = allows_private(source, config.fetch)
    follow: Follow[Any] = parsed
    requests = [FetchRequest(source.name, url, allow_private=private) for url in follow.urls]
    parts = [follow.parse(_fetched(r)) for r in fetch_all(requests, settings)]
    return follow.combine(parts)


def _fetched(result: FetchResult) -> Fetched:
    if result.outcome == "ok":
        return Fetched(result.url, result.body, result.content_type)
    return Fetched(
        result.url, problem=result.problem or "could not be fetched", advice=result.advice
    )


def _read(source: Source, what: str, reading: Reading, config: Config, now: dt.datetime) -> Finding:
    """A source that was read: what it is, its entries, and its newest entry's date."""
    entries = plural(len(reading.articles), "entry", "entries")
    dates = [a.published for a in reading.articles if a.published is not None]
    if dates:
        newest = max(dates)
        local = newest.astimezone(config.timezone)
        age = (now.astimezone(config.timezone).date() - local.date()).days
        ago = "today" if age <= 0 else "yesterday" if age == 1 else f"{age} days ago"
        when = f"newest {local:%Y-%m-%d %H:%M} ({ago})"
    else:
        when = "no entry dated" if reading.articles else ""
    detail = ", ".join(part for part in (what, entries, when) if part)
    name = source.shown(reading.own_name)  # as a build shows it
    return Finding("source", name, True, detail, tuple(reading.warnings))


def document_format(body: bytes, content_type: str | None) -> str:
    """What a source's document says it is, for a person to read: "RSS 2.0", "Atom 1.0",
    "JSON Feed 1.1", "a news sitemap", "an HTML page" ... (the feed readers decide for
    themselves; this only names it)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, _HEAD_BYTES)
        except zlib.error:
            return "gzip-compressed data"
    head = body[:_HEAD_BYTES].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        version = re.search(r"jsonfeed\.org/version/(\d+(?:\.\d+)?)", head)
        return f"JSON Feed {version.group(1)}" if version else "JSON"
    root = re.search(r"<(?![?!])([\w:.-]+)([^>]*)>", re.sub(r"<!--.*?-->", "", head, flags=re.S))
    if root is None:
        return (content_type or "unknown").split(";")[0].strip() or "unknown"
    name, attributes = root.group(1).lower(), root.group(2)
    if name == "rss":
        version = re.search(r"""version\s*=\s*["']([\d.]+)""", attributes)
        return f"RSS {version.group(1)}" if version else "RSS"
    if name.endswith("rdf"):
        return "RSS 1.0 (RDF)"
    if name in ("feed", "atom:feed"):
        return "Atom 0.3" if "purl.org/atom/ns#" in attributes else "Atom 1.0"
    if name == "urlset":
        return "a news sitemap" if "sitemap-news" in head else "a sitemap"
    if name == "sitemapindex":
        return "a sitemap index"
    if name == "html":
        return "an HTML page"
    return f"XML <{root.group(1)}>"


def _problem(problem: str, advice: str) -> str:
    return f"{problem}: {advice}" if advice else problem


def _bug(exc: Exception) -> str:
    return f"unexpected error {type(exc).__name__}: {exc}: a bug in digest; please report it"


# --- the state, the output folder, the email ------------------------------------------------------


def check_state(path: Path) -> Finding:
    from digest.state import damage_advice, integrity_problems

    problems = integrity_problems(path)
    if problems and not path.exists():  # gone while its copies remain, as a build says it
        return Finding("state", str(path), False, _problem(problems[0], damage_advice(path)))
    if problems:
        return Finding("state", str(path), False, "; ".join(problems))
    if not path.exists():
        return _creatable("state", path, "not made yet: the first build makes it")
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        return Finding(
            "state", str(path), False, "this user may not write it or its folder (the lock "
            "file goes beside it): run digest as its owner, or change its permissions",
        )  # fmt: skip
    return Finding("state", str(path), True, "sound (SQLite's quick_check: ok)")


def check_output(path: Path, state: Path | None = None) -> Finding:
    if path.exists():
        if not path.is_dir():
            return Finding("output", str(path), False, "a file, not a folder: set 'output'")
        if not os.access(path, os.W_OK | os.X_OK):
            return Finding("output", str(path), False, "this user may not write to it")
        notes = _missing_pages(path, state) if state is not None else ()
        return Finding("output", str(path), True, "writable", notes)
    # Gone, with days built: moved, deleted, or 'output' changed in the config
    notes = _missing_pages(path, state) if state is not None else ()
    detail = (
        "not there: the next build makes it" if notes else "not there yet: the first build makes it"
    )
    found = _creatable("output", path, detail)
    return dataclasses.replace(found, notes=notes) if found.ok else found


def _missing_pages(output: Path, state_path: Path) -> tuple[str, ...]:
    """Notes on the built days whose pages are not in ``output`` (the archive links to
    them): a kept day can be built again, a forgotten one (``keep_days``) only restored."""
    from digest.present import day_filename
    from digest.state import State

    if not state_path.is_file():
        return ()
    try:
        state = State.open_read_only(state_path)
    except DigestError:
        return ()  # (check_state says what is wrong with it)
    try:
        days = state.page_days()
    except sqlite3.Error:
        return ()  # a state file older than forgetting, or one check_state reports
    finally:
        state.close()
    kept: list[dt.date] = []
    forgotten: list[dt.date] = []
    for day, is_forgotten in days:
        if not (output / day_filename(day)).is_file():
            (forgotten if is_forgotten else kept).append(day)
    notes = []
    if kept:
        which, them = (kept[0].isoformat(), "it") if len(kept) == 1 else ("DAY", "each")
        notes.append(
            f"{_days_missing(kept)}, which the archive links to: 'digest build --date {which}' "
            f"writes {them} again"
        )
    if forgotten:
        its, them = ("its", "it") if len(forgotten) == 1 else ("their", "them")
        notes.append(
            f"{_days_missing(forgotten)}, which the archive links to, and cannot be built "
            f"again: {its} articles were dropped from the state (keep_days); restore {them} "
            "from a backup of this folder"
        )
    return tuple(notes)


def _days_missing(days: Sequence[dt.date]) -> str:
    """``2 days' pages are missing (2026-11-21, 2026-11-20)``, the newest few named."""
    named = ", ".join(day.isoformat() for day in days[:3])
    more = f" and {len(days) - 3} more" if len(days) > 3 else ""
    pages = plural(len(days), "day's page is", "days' pages are")
    return f"{pages} missing ({named}{more})"


def _creatable(what: str, path: Path, detail: str) -> Finding:
    """A file or folder that does not exist yet: can this user make it?"""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return Finding(what, str(path), False, f"cannot be made: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        return Finding(what, str(path), False, f"cannot be made: this user may not write {parent}")
    return Finding(what, str(path), True, detail)


def check_email(config: Config, environ: Mapping[str, str]) -> Finding:
    from digest.mail import MailError, read_password

    email = config.email
    if email is None:
        return Finding(
            "email", "-", True, "no [email] table: nothing is sent ('digest send --dry-run' "
            "previews the email)",
        )  # fmt: skip
    name = ", ".join(email.recipients)
    server = f"via {email.smtp_host}:{email.smtp_port} ({email.security})"
    try:
        password = read_password(email, environ)
    except MailError as exc:
        return Finding("email", name, False, _problem(exc.problem, exc.advice))
    if password is None and email.username:
        # what send_message refuses before it connects: say so now, not at 07:00
        return Finding(
            "email", name, False, _problem(
                f"email.username is set ({email.username}) but no password is configured",
                "name an environment variable in email.password_env or a file in "
                "email.password_file",
            ),
        )  # fmt: skip
    if password is None:
        login = "no login"
    elif email.password_env and environ.get(email.password_env):
        login = f"password from ${email.password_env}"
    else:
        login = f"password from {email.password_file}"
    notes: tuple[str, ...] = ()
    if login.startswith("password from") and email.password_file is not None:
        with contextlib.suppress(OSError):
            if email.password_file.stat().st_mode & 0o077:
                notes = (
                    f"the password file can be read by other users: chmod 600 "
                    f"{email.password_file}",
                )
    return Finding("email", name, True, f"{server}, {login}; the server was not contacted", notes)
