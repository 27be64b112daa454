"""The state store: one SQLite file that remembers what digest has already done.

It answers three questions the pipeline cannot answer from the sources alone: has this article
been shown before (and on which day), what did each earlier day's digest hold (for the archive
and the feed), and how is each source doing (first run, last success, consecutive failures).

Every write happens inside one transaction, so a run killed half-way leaves the previous state
intact. A separate run lock keeps two runs from interleaving at all: SQLite would keep the file
consistent, but two runs would each assign the same new articles to a digest.

The file checks itself when it is opened (``integrity_problems``: SQLite's ``quick_check`` and
the schema), because a damaged or emptied file must never pass for a first run: digest would
start over and show every feed's last day again. A damaged file raises ``StateDamagedError``,
whose advice is ``digest state restore`` (from the copies ``digest.backup`` keeps in
``backup_folder(path)``) or ``digest state reset``. A new file is made whole under a temporary
name and then put in place, so a file that exists is always a digest state. Another program
holding the database past ``BUSY_TIMEOUT`` raises ``StateLockedError``, as another run does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import itertools
import json
import os
import re
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from digest.errors import DigestError
from digest.model import Article, DayRecord, Paragraph, Source, SourceFailure, StoryRecord
from digest.text.recurring import (
    FORGET_AFTER,
    PrintHistory,
    Sighting,
    SourceHistory,
    new_counts,
)

_T = TypeVar("_T")

UTC = dt.UTC

# Each entry upgrades the schema by one version; PRAGMA user_version says how far a file got.
# Scripts are split on ";" to run inside one transaction, so comments must not contain one.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        location TEXT NOT NULL,
        first_run TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_success TEXT,
        last_error TEXT,
        last_error_at TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        items INTEGER NOT NULL DEFAULT 0,
        disabled_reason TEXT
    );
    CREATE TABLE entries (
        key TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        day TEXT,  -- the digest day it went into, '' = skipped backlog, NULL = not yet
        content_hash TEXT,
        article TEXT           -- the article as shown (JSON), so a day can be rebuilt faithfully
    );
    CREATE INDEX entries_by_day ON entries(day);
    CREATE TABLE days (
        day TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        story_count INTEGER NOT NULL,
        content_html TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        published TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE sends (
        day TEXT PRIMARY KEY,
        sent_at TEXT NOT NULL,
        message_id TEXT NOT NULL,
        recipients TEXT NOT NULL
    );
    """,
    # fetch_url: where a permanent redirect moved the source. (No comment inside ALTER TABLE:
    # SQLite splices the column text into the stored CREATE TABLE, closing paren and all.)
    "ALTER TABLE sources ADD COLUMN fetch_url TEXT",
    # failures: the sources that failed in the day's latest build (JSON), for 'digest send'.
    "ALTER TABLE days ADD COLUMN failures TEXT",
    # settled: a read with entries has been stored for the source at its current location,
    # so it is no longer new (its first-run window is spent).
    """
    ALTER TABLE sources ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
    UPDATE sources SET settled = 1 WHERE name IN (SELECT DISTINCT source FROM entries)
    """,
    # tag: and urn: guids became keys of their own ("id:tag:..."), no longer scoped to the
    # source ("id:Source:tag:..."). Rewritten so that no entry already shown comes back.
    """
    UPDATE OR IGNORE entries SET key = 'id:' || substr(key, length(source) + 5)
    WHERE substr(key, 1, length(source) + 4) = 'id:' || source || ':'
    AND lower(substr(key, length(source) + 5, 4)) IN ('tag:', 'urn:')
    """,
    # cursor: what the source's kind remembers between reads beyond the validators (JSON),
    # such as the newest date a sitemap listed.
    "ALTER TABLE sources ADD COLUMN cursor TEXT",
    # stories: each day's stories as last built, so a story keeps its id (its anchor, its
    # feed entry) however many rebuilds add reports to it, and a later day can say which
    # earlier story it continues. text: what the story is compared by.
    """
    CREATE TABLE stories (
        day TEXT NOT NULL,
        id TEXT NOT NULL,
        headline TEXT NOT NULL,
        text TEXT NOT NULL,
        keys TEXT NOT NULL,
        PRIMARY KEY (day, id)
    )
    """,
    # updated: when the story last changed (its articles), for its articles.atom entry
    "ALTER TABLE stories ADD COLUMN updated TEXT",
    # Each source's own boilerplate, learnt from its history (digest.text.recurring): how many
    # articles of the source were cleaned, and per paragraph fingerprint how many held it,
    # how many the source had brought before its first sighting, and when it was last seen.
    """
    CREATE TABLE IF NOT EXISTS boilerplate_sources (
        source TEXT PRIMARY KEY,
        articles INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS boilerplate_prints (
        source TEXT NOT NULL,
        print INTEGER NOT NULL,
        articles INTEGER NOT NULL,
        since INTEGER NOT NULL,
        last_seen TEXT NOT NULL,
        PRIMARY KEY (source, print)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS boilerplate_prints_by_last_seen ON boilerplate_prints(last_seen)
    """,
    # incomplete: entries read from broken markup (a feed cut short), held back from the
    # digest until a read gives them whole: how many runs each has waited, and when last.
    """
    CREATE TABLE IF NOT EXISTS incomplete (
        key TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        runs INTEGER NOT NULL,
        last_seen TEXT NOT NULL
    )
    """,
    # unreadable: the validators of a fetched body that could not be read, with what was
    # wrong and which digest judged it (JSON), so that an unchanged broken feed is not
    # downloaded and parsed again on every run (see digest.ingest).
    "ALTER TABLE sources ADD COLUMN unreadable TEXT",
    # held_until: when the earliest entry a source's last read held for a later day comes
    # due; until then its validators are kept (see SourceHealth.holding).
    "ALTER TABLE sources ADD COLUMN held_until TEXT",
    # forgotten: the day's articles and feed content were dropped (keep_days), its stories
    # too or soon after: it is not built or sent again, and its page stays as it was built.
    "ALTER TABLE days ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0",
    # stories.updated was the time of each day's latest build, written and never read: NULL
    # now says a story has not changed since it was first made (see digest.group.keep_ids)
    "UPDATE stories SET updated = NULL",
    # article_entries: the day's articles.atom entries as its latest build (or a later one)
    # made them (JSON, see digest.atom.entries_to_store), so that a build need not group and
    # render every earlier day of the feed again. NULL: made again when the feed shows the day
    # (a day built by an older digest, or whose entries were dropped, see StoredEntries).
    "ALTER TABLE days ADD COLUMN article_entries TEXT",
    # published: when the story's articles.atom entry says it was published, fixed by the
    # build that first made it: a later report may lead the story, and an entry whose date
    # moved is shown again by feed readers. NULL: stored before it was kept.
    "ALTER TABLE stories ADD COLUMN published TEXT",
    # deferred: the recipients of the day's email whose server refused it for now (a 4xx
    # reply), to be sent it by the next 'digest send' or job, those who have it left out
    # (comma-separated, as recipients; '' for none)
    "ALTER TABLE sends ADD COLUMN deferred TEXT NOT NULL DEFAULT ''",
    # title: the source's own title (a feed's) as its last successful read at its location
    # gave it ('' for none), shown for a source the config leaves unnamed (Source.shown);
    # NULL: not read since it was kept. The source's key stays its made name.
    "ALTER TABLE sources ADD COLUMN title TEXT",
    # body_hash: a SHA-256 (hex) of the body its last successful read took in full, with the
    # address and Content-Type it came with, the source's settings and digest's version, so
    # that a server that answers every request in full, the same bytes, costs a download but
    # not a parse (see digest.ingest._read_hash); NULL: none to compare, or to be read in full
    # next run.
    "ALTER TABLE sources ADD COLUMN body_hash TEXT",
    # read_with: what its last successful read was made with (a hash of the source's kind,
    # options and max_items and of digest's version, digest.ingest.reading_settings): read
    # with others since, the source is read in full, without its validators, so that a "304
    # Not Modified" cannot hide what the new settings read; NULL: not known, read in full.
    "ALTER TABLE sources ADD COLUMN read_with TEXT",
    # key_scope: what its entries' feed-local keys ("id:NAME:123") are made with where that is
    # not its name: its first name, the config having renamed it since (``rename_sources``),
    # or a new source's name and address hash (``Source.key_scope``); NULL: its name.
    "ALTER TABLE sources ADD COLUMN key_scope TEXT",
)

# A held-back entry not read again for this long is forgotten: its feed dropped it, or gave it
# whole under another key.
FORGET_INCOMPLETE_AFTER = dt.timedelta(days=30)

SKIPPED = ""  # the `day` of an entry that was part of a new source's backlog and never shown


# Seconds to wait for another program (a backup tool, an sqlite3 shell with a transaction
# open) to let go of the database before giving up with StateLockedError.
BUSY_TIMEOUT = 30.0

# Seconds a command that only looks something up in the state file waits for another program
# to let go of it. A build's writes never stop a reader (they go to the write-ahead log): what
# does is a program holding the whole file (an sqlite3 shell in exclusive locking mode, a
# backup tool), for as long as it likes. Listing or checking the sources, or reading the config
# they are named in, must not hang behind it; a build, which needs the state, waits
# BUSY_TIMEOUT.
LOOKUP_WAIT = 0.5

# The tables every digest state has had since its first schema: a file without them is not one.
_CORE_TABLES = frozenset({"meta", "sources", "entries", "days"})
# quick_check lists at most this many problems: the first few say what happened.
_PROBLEMS_LISTED = 5
# The one problem that is no damage: restoring a copy would not help, upgrading digest would.
_NEWER = "it was written by a newer digest"
# Why a state file that is not there is gone, not yet to be made.
_GONE = "its backups or write-ahead log remain, so it existed"


class StateError(DigestError):
    """The state file cannot be used: ``problem`` names the file and what went wrong."""


class StateLockedError(StateError):
    """Another run holds the run lock, or another program the database: try again later."""


class StateDamagedError(StateError):
    """The state file is damaged, emptied or gone while its backups remain: digest will not
    start over by itself. ``problems`` are what the check found."""

    def __init__(self, path: Path, problems: Sequence[str]) -> None:
        self.path = path
        self.problems = tuple(problems)
        more = len(self.problems) - 1
        listed = f"{self.problems[0]}" + (f" (and {more} more)" if more > 0 else "")
        gone = not path.exists()
        super().__init__(
            f"state file {path} {'is missing' if gone else 'is damaged'}: {listed}",
            damage_advice(path),
        )


# How ``digest.backup`` names a copy: the UTC time it was taken, "20261121T063012Z.sqlite".
_COPY_NAME = re.compile(r"[0-9]{8}T[0-9]{6}Z\.sqlite")


def backup_folder(path: Path) -> Path:
    """Where the good copies of the state file ``path`` are kept (see ``digest.backup``)."""
    return path.with_name(f"{path.name}.backups")


def backup_files(path: Path) -> list[Path]:
    """The copies of the state file ``path`` in its backup folder, newest first (their names
    are the UTC time each was taken, so they sort by age). A file named otherwise is not one
    of them (a copy the user put there, say): never pruned, nor restored unless named."""
    try:
        found = [p for p in backup_folder(path).glob("*.sqlite") if _COPY_NAME.fullmatch(p.name)]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def damage_advice(path: Path) -> str:
    """What to do about a damaged state file: restore a copy, or start afresh, never silently."""
    copies = backup_files(path)
    reset = (
        "or 'digest state reset' to move the damaged file aside and start afresh (each "
        "feed's last day of articles is then shown again)"
    )
    if copies:
        return (
            f"run 'digest state restore' to go back to the newest good copy ({copies[0].name}, "
            f"one of {len(copies)} in {backup_folder(path)}; 'digest state list' lists them), "
            f"{reset}; nothing has been changed"
        )
    return (
        f"no copy of it has been kept in {backup_folder(path)}: restore one from your own "
        f"backups with 'digest state restore FILE', {reset}; nothing has been changed"
    )


@dataclass(frozen=True)
class EntryRecord:
    key: str
    first_seen: dt.datetime
    day: str | None
    content_hash: str | None


@dataclass(frozen=True)
class Sent:
    """A day's email as the state records it (``State.record_sent``): when it went, under
    which Message-IDs, to whom, and to whom it is still to go."""

    day: dt.date
    at: dt.datetime
    message_ids: str
    recipients: tuple[str, ...]
    deferred: tuple[str, ...] = ()


# A source back in the config after a longer pause than this, the others read meanwhile, is
# read as a new one: its entries older than the first-run window are taken as read, as a new
# feed's backlog is, rather than weeks of them shown in one day (``SourceRecord.paused``).
PAUSE_AS_NEW = dt.timedelta(days=7)


@dataclass(frozen=True)
class SourceRecord:
    name: str
    location: str
    first_run: dt.datetime
    etag: str | None
    last_modified: str | None
    last_success: dt.datetime | None
    last_error: str | None
    last_error_at: dt.datetime | None
    consecutive_failures: int
    items: int
    disabled_reason: str | None
    fetch_url: str | None = None
    settled: bool = False  # a read with entries is stored: the first-run window is spent
    cursor: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # the kind's own
    # the last body fetched could not be read: its validators and hash, problem and advice,
    # the kind and the version of digest that judged it and when (see SourceHealth.unreadable)
    unreadable: Mapping[str, Any] | None = None
    # the last read held entries for a later day: the earliest of them is due then
    held_until: dt.datetime | None = None
    # the source's own title as its last successful read gave it (see ``shown``)
    title: str | None = None
    # the hash of the body its last successful read took in full (see SourceHealth)
    body_hash: str | None = None
    # what its last successful read was made with (see SourceHealth)
    read_with: str | None = None

    def shown(self, source: Source) -> str:
        """The name ``source`` (this record's, as configured now) is shown by: its own title
        as last read, unless the config names it (``Source.shown``). A title read at another
        address is another document's: the configured address changed since."""
        return source.shown(self.title if self.location == source.location else None)

    def is_new(self, location: str) -> bool:
        """Whether a source configured at ``location`` is still new to digest: never read
        with entries there (a failed or empty first read does not count)."""
        return not (self.settled and self.location == location)

    @property
    def last_read(self) -> dt.datetime | None:
        """When digest last read the source, or tried to: None if it never has."""
        times = [when for when in (self.last_success, self.last_error_at) if when is not None]
        return max(times, default=None)

    def paused(self, last_run: dt.datetime | None) -> bool:
        """Whether the source was left unread for longer than ``PAUSE_AS_NEW`` before the
        state's last run (``last_run``: the latest ``last_read`` of all its sources), while
        other sources were read: taken out of the config, or disabled, and now back. Not when
        digest itself did not run: every source then waited alike."""
        read = self.last_read
        return read is not None and last_run is not None and last_run - read > PAUSE_AS_NEW

    def url_for(self, location: str) -> str:
        """Where to fetch a source configured at ``location``: its redirect target if it moved
        permanently since, unless the user has changed the configured address meanwhile."""
        return self.fetch_url if self.fetch_url and self.location == location else location


@dataclass(frozen=True)
class SourceHealth:
    """How reading one source went this run, stored with the run's articles."""

    name: str
    location: str  # as configured
    ok: bool
    items: int = 0
    etag: str | None = None
    last_modified: str | None = None
    fetch_url: str | None = None
    problem: str | None = None
    disable: bool = False
    cursor: Mapping[str, Any] | None = None  # what the kind keeps for its next read
    cursor_before: Mapping[str, Any] | None = None  # what it was given for this one
    # a failed read that drops where a permanent redirect moved the source (``fetch_url``)
    forget_fetch_url: bool = False
    # a failed read of a body that could not be read: what to remember of it (see
    # SourceRecord.unreadable); kept by a later failure that fetched no body, dropped by a
    # successful read
    unreadable: Mapping[str, Any] | None = None
    # the read held entries for a later day: the earliest is due then (see ``holding``)
    held_until: dt.datetime | None = None
    # the source's own title, as this read gave it ('' for none); None: no document was
    # read (a "304 Not Modified"), and the stored one stands
    title: str | None = None
    # False: the read took none of its entries, every one held for a later day (a new
    # source read by a build of an earlier day) or none read (a "304 Not Modified"), so a
    # first-run window still to be applied stays so: the source stays new (see ``still_new``)
    settles: bool = True
    # the source came back after a pause and was read as a new one (``SourceRecord.paused``):
    # stored unsettled unless this read settles it (``settles``), so that a failed read back,
    # or one whose every entry waits for a later day, leaves it new, as it leaves a new
    # source; else the run after it, the source no longer paused, showed the weeks it missed
    unsettles: bool = False
    # a hash of the body this read took, with its address and Content-Type (a "304 Not
    # Modified": the stored one), so that the same bytes fetched in full next run, from there
    # and so typed, are not read again (``ingest._read_hash``); None: to be read in full next
    # run, or no body
    body_hash: str | None = None
    # the settings this read was made with (``ingest.reading_settings``; a "304 Not
    # Modified": the stored ones): read with others next run, it is read in full
    read_with: str | None = None
    # the name its entries' feed-local keys are made with, where it is not its name
    # (``Source.key_scope``): kept with the record a source's first read makes, and never
    # changed by a later read
    key_scope: str | None = None

    def read_again(self) -> SourceHealth:
        """This read, stored so that the next run reads the source in full again: without
        the validators (a "304 Not Modified" would hide what is left) and with the cursor it
        started from. For a source some of whose articles wait for a later run."""
        return dataclasses.replace(
            self, etag=None, last_modified=None, body_hash=None, cursor=self.cursor_before
        )

    def still_new(self) -> SourceHealth:
        """This read, for a new source all of whose entries it held for a later day: stored
        without settling the source (``SourceRecord.settled``), so that the build that first
        takes its entries applies the first-run window to them. Settled by this read, a new
        feed read by ``digest build --date`` of an earlier day showed its whole backlog the
        next day (an undated feed's every entry, not its newest ``FIRST_RUN_UNDATED``)."""
        return dataclasses.replace(self, settles=False)

    def holding(self, until: dt.datetime) -> SourceHealth:
        """This read, for a source that gave entries dated for a later day, the earliest of
        them due at ``until``: its validators are kept, so that until then an unchanged feed
        costs a "304 Not Modified" rather than a download and a parse on every run; the
        first build of a day that ends after ``until`` reads it in full (``ingest``). A kind
        whose cursor moved past those entries would not give them again: it is read again
        in full at once instead."""
        if dict(self.cursor or {}) != dict(self.cursor_before or {}):
            return self.read_again()
        return dataclasses.replace(self, held_until=until)


def _addresses(joined: str) -> tuple[str, ...]:
    """Email addresses stored comma-separated (no bare address holds a comma)."""
    return tuple(address for address in joined.split(", ") if address)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _from_iso(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _state_error(path: Path, exc: sqlite3.DatabaseError) -> StateError:
    """What went wrong using the state, with advice that fits: moving a healthy file aside
    would throw away what has been shown, so that is advised only for damage."""
    message = str(exc).lower()
    if "disk is full" in message or "disk i/o" in message:
        return StateError(
            f"state file {path} cannot be written ({exc})",
            "free some space on its disk and run again; the file itself is not damaged",
        )
    if "readonly" in message or "unable to open" in message or "permission" in message:
        return StateError(
            f"state file {path} cannot be opened for writing ({exc})",
            "check that its folder exists and that this user may write to it",
        )
    if "locked" in message or "busy" in message:
        return StateLockedError(
            f"state file {path} is held by another program ({exc}, after waiting "
            f"{BUSY_TIMEOUT:g} s): a backup tool, or an sqlite3 shell with a transaction open",
            "let it finish or close it, then run again; this run stored nothing and replaced "
            "no output, so nothing is lost",
        )
    return StateDamagedError(path, [str(exc)])


def _refusal(path: Path, problems: Sequence[str]) -> StateError:
    """Why the state file at ``path``, in which ``problems`` were found, is not used."""
    if problems[0].startswith(_NEWER):
        return StateError(
            f"state file {path}: {problems[0]}", "upgrade digest or point 'state' at another file"
        )
    return StateDamagedError(path, problems)


def _lookup_error(path: Path, exc: sqlite3.DatabaseError) -> StateError:
    """What stopped a lookup in the state file at ``path`` (``LOOKUP_WAIT``): held by another
    program, unreadable, or damaged."""
    message = str(exc).lower()
    if _is_busy(exc):
        return StateLockedError(
            f"state file {path} is held by another program ({exc}, after waiting "
            f"{LOOKUP_WAIT:g} s): an sqlite3 shell or a backup tool holding it whole",
            "let it finish or close it, then run again",
        )
    if any(word in message for word in ("unable to open", "permission", "disk i/o")):
        return StateError(
            f"state file {path} cannot be read ({exc})", "check that this user may read it"
        )
    return StateDamagedError(path, [f"it cannot be read as a database ({exc})"])


def _is_classified(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` is about the file (busy, full, unwritable, damaged), not a digest bug."""
    message = str(exc).lower()
    return any(
        word in message
        for word in (
            "locked",
            "busy",
            "disk is full",
            "disk i/o",
            "readonly",
            "unable to open",
            "permission",
            "malformed",
            "not a database",
            "corrupt",
        )
    )


def _connect(
    path: Path | str, *, uri: bool = False, wait: float | None = None
) -> sqlite3.Connection:
    """``wait``: seconds to wait for another program to let go of it, BUSY_TIMEOUT if None."""
    timeout = BUSY_TIMEOUT if wait is None else wait
    return sqlite3.connect(path, timeout=timeout, isolation_level=None, uri=uri)


def _problems(db: sqlite3.Connection, path: Path) -> list[str]:
    """What is wrong with the state database ``db`` (at ``path``): empty when it is sound.

    The schema first (``_schema_problems``), then ``quick_check``: every page's structure,
    without comparing indexes to their tables, which is most of what ``integrity_check``
    costs.
    """
    problems = _schema_problems(db, path)
    if problems:
        return problems
    try:
        found = [row[0] for row in db.execute(f"PRAGMA quick_check({_PROBLEMS_LISTED})")]
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise
        return [f"SQLite's check could not finish ({exc})"]
    if found == ["ok"]:
        return []
    # One row may hold several lines, under a "*** in database main ***" heading.
    lines = [line for row in found for line in str(row).splitlines()]
    return [f"SQLite's check found: {line}" for line in lines if line and line[:3] != "***"]


def _schema_problems(db: sqlite3.Connection, path: Path) -> list[str]:
    """What the schema of the state database ``db`` (at ``path``) says is wrong with it, at
    the cost of reading its first pages: not a database, emptied (an emptied file reads as a
    new, empty database), not a digest state, or written by a newer digest (``_NEWER``)."""
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        if _is_busy(exc):
            raise
        return [f"it cannot be read as a database ({exc})"]
    if version == 0 and not tables:
        size = _size(path)
        return [f"it holds no tables ({size} bytes)" if size else "it is empty (0 bytes)"]
    if version > len(_MIGRATIONS):
        return [f"{_NEWER} (schema {version}; this one reads up to {len(_MIGRATIONS)})"]
    missing = sorted(_CORE_TABLES - tables)
    if version == 0 or missing:
        return [f"it is an SQLite database but not a digest state (no {', '.join(missing)} table)"]
    return []


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _leftovers_of(path: Path) -> list[Path]:
    """What an unfinished write of a state file leaves beside ``path``: its write-ahead log
    and shared-memory index (``-wal``, ``-shm``)."""
    return [p for p in (path.with_name(path.name + s) for s in ("-wal", "-shm")) if p.exists()]


def connect_to_read(path: Path, *, wait: float | None = None) -> sqlite3.Connection:
    """A connection to the existing database ``path`` that its user only reads from. Opened
    for writing all the same where it may be: a read-only connection to a database in WAL
    mode leaves its log and index files behind, one that may write removes them on closing.
    ``wait``: the seconds to wait for another program to let go of it (BUSY_TIMEOUT if
    None)."""
    uri = path.resolve().as_uri()
    db = None
    try:
        db = _connect(f"{uri}?mode=rw", uri=True, wait=wait)
        db.execute("PRAGMA schema_version").fetchone()  # opening is lazy: reach the file now
        return db
    except sqlite3.DatabaseError as exc:
        if db is not None:
            db.close()
        unwritable = "readonly" in str(exc) or "unable to open" in str(exc)
        if _is_busy(exc) or not unwritable:
            raise
    return _connect(f"{uri}?mode=ro", uri=True, wait=wait)


def integrity_problems(path: Path) -> list[str]:
    """What is wrong with the state file at ``path``, one sentence each; empty when it is
    sound. Opens it read-only and changes nothing: for ``digest state check``, ``digest
    check`` and anyone else who wants to know before a build.

    A file that does not exist is a first run, not a problem, unless copies of it or its
    write-ahead log remain: then it was lost, and a build would start over.
    """
    if not path.exists():
        if backup_files(path) or _leftovers_of(path):
            return ["it is missing, but its backups or write-ahead log remain"]
        return []
    if path.is_dir():
        return ["it is a folder, not a file"]
    try:
        db = connect_to_read(path)
    except sqlite3.DatabaseError as exc:
        return [f"it cannot be opened ({exc})"]
    try:
        return _problems(db, path)
    except sqlite3.DatabaseError as exc:
        return [str(_state_error(path, exc))]
    finally:
        db.close()


def create_state(path: Path, mode: int | None = None) -> None:
    """A new, empty state file at ``path``: made whole under a temporary name, then linked into
    place. A run killed while creating it leaves no file at ``path``, so a file there that holds
    no state is damage, never a first run. ``mode``: its permissions, else the umask's."""
    made = new_state_file(path)
    try:
        if mode is not None:
            os.chmod(made, mode)
        db = _connect(made)
        try:
            # Nobody else sees the file until it is linked into place, and a killed run's
            # half-made one is a leftover, never a state: no journal and no syncs while it
            # is made (each migration's commit synced it several times, a twentieth of a
            # second on a first run), then one sync of the finished file before the link.
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            State(db, made)._migrate()
            db.execute("PRAGMA journal_mode=WAL")  # kept in the file: every opener uses the log
        finally:
            db.close()
        sync_file(made)
        try:
            os.link(made, path)  # fails if another run created it meanwhile: theirs is used
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            os.replace(made, path)
        sync_folder(path.parent)
    finally:
        made.unlink(missing_ok=True)


def new_state_file(path: Path) -> Path:
    """An empty file beside ``path`` under a temporary name, to be made into a state file and
    then put in place; created as any new file is (the umask decides who may read it). What
    a killed run left of such files and their logs is removed first."""
    remove_leftovers_beside(path)
    while True:
        made = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.new")
        try:
            os.close(os.open(made, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return made
        except FileExistsError:
            continue


def remove_leftovers_beside(path: Path) -> None:
    """Remove the temporary state files (and their ``-wal``, ``-shm``, ``-journal``) a killed
    run left beside the state ``path``; only those untouched for ten minutes, so that one
    another run is making now is left alone."""
    cutoff = time.time() - 600
    for leftover in path.parent.glob(f".{path.name}.*.new*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def sync_file(path: Path) -> None:
    """Make the file at ``path`` survive a power cut as it is now."""
    try:  # (Windows syncs only a file opened for writing)
        fd = os.open(path, os.O_RDWR)
    except OSError:
        fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make a rename or link in ``folder`` survive a power cut, where the system allows."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class State:
    """An open state database. Use ``State.open(path)`` as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[State]:
        """The state at ``path``, checked (``StateDamagedError``) and brought up to date;
        created if there is none yet. What SQLite raises inside the block about the file
        (busy, full, damaged) becomes a ``StateError`` that says so."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                if backup_files(path) or _leftovers_of(path):
                    raise StateDamagedError(path, [_GONE])
                create_state(path)
            connection = _connect(path)
        except sqlite3.DatabaseError as exc:
            raise _state_error(path, exc) from exc
        try:
            problems = _problems(connection, path)
            if problems:
                raise _refusal(path, problems)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            state = cls(connection, path)
            state._migrate()
            yield state
        except sqlite3.DatabaseError as exc:
            if not _is_classified(exc):
                raise  # a constraint or a query gone wrong: a bug, with its traceback
            raise _state_error(path, exc) from exc
        finally:
            connection.close()

    @classmethod
    def open_read_only(cls, path: Path) -> State:
        """The state file for looking things up only, as it is: no migration, no writes. For a
        build's worker processes, which read it while the build holds it open (and writes
        nothing until it commits), and for ``digest check``, which may be the last to close it
        (``connect_to_read``: its log and index are not left beside it). Close it with
        ``close()``."""
        try:
            connection = connect_to_read(path)
        except sqlite3.DatabaseError as exc:
            raise _state_error(path, exc) from exc
        return cls(connection, path)

    def close(self) -> None:
        self._db.close()

    def copy_to(self, target: Path) -> None:
        """Copy the whole database, as it is now, into the new file ``target`` (SQLite's online
        backup: consistent even while others read it), as one self-contained file."""
        copy = sqlite3.connect(target)
        try:
            # The copy is a new file its caller syncs once it is whole: syncing each step
            # of its writing here only costs time.
            copy.execute("PRAGMA synchronous=OFF")
            self._db.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # no write-ahead log to carry beside it
        finally:
            copy.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
            with self.transaction() as db:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # --- meta -----------------------------------------------------------------------------

    def feed_id(self) -> str:
        """The installation's stable feed id (a urn:uuid), created on first use."""
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'feed_id'").fetchone()
            if row:
                return row[0]
            value = f"urn:uuid:{uuid.uuid4()}"
            db.execute("INSERT INTO meta (key, value) VALUES ('feed_id', ?)", (value,))
            return value

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- sources --------------------------------------------------------------------------

    def source(self, name: str) -> SourceRecord | None:
        row = self._db.execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE name = ?",
            (name,),
        ).fetchone()
        return _source_record(row) if row else None

    def forget_source(self, name: str) -> bool:
        """Drop what is known of a source's health (validators, failures, a 410's disabling),
        as when it is removed from the config: added again, it starts afresh, with a
        first-run window. The entries it brought stay, so none is shown twice."""
        with self.transaction() as db:
            return db.execute("DELETE FROM sources WHERE name = ?", (name,)).rowcount > 0

    def sources(self) -> list[SourceRecord]:
        rows = self._db.execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY name").fetchall()
        return [_source_record(row) for row in rows]

    def source_locations(self) -> list[StoredSource]:
        """Each source kept (its key, the address it was read at as configured, the name its
        entries' keys are made with), the most recently read first: what the config's
        sources are named and keyed by (``digest.config.keyed_by_state``)."""
        return _source_locations(self._db)

    def rename_sources(
        self, renamed: Mapping[str, str], day: dt.date, sources: Iterable[Source] = ()
    ) -> None:
        """Keep what is known of each source under its new name (``renamed``: old name → new,
        a name the state does not have yet): its health, validators and first-run window,
        the entries it brought, those held back as incomplete, and the boilerplate learnt
        from it. The keys of its entries stay as they were made, under the name they were
        made with (``key_scope``): the stories and feed entries already published name them.
        Its articles shown on ``day`` (the day built) and after are shown as the config's
        ``sources`` show it now when built again; earlier days keep the name they were
        published under.
        """
        if not renamed:
            return
        with self.transaction() as db:
            titles: dict[str, str] = {}
            for old, new in renamed.items():
                row = db.execute("SELECT title FROM sources WHERE name = ?", (old,)).fetchone()
                titles[old] = str(row[0]) if row and row[0] else ""
                db.execute(
                    "UPDATE sources SET name = ?, key_scope = COALESCE(key_scope, ?) "
                    "WHERE name = ?",
                    (new, old, old),
                )
            # The name each is shown by now: a source the config names by its name, one it
            # leaves unnamed by its feed's own title (``ShownNames``). Its articles were
            # shown by its old name or that title, whichever it had: the day's would read as
            # another source's beside those read now, its boilerplate be learnt afresh.
            sources = list(sources)
            names = ShownNames(sources, {record.name: record for record in self.sources()})
            for old, new in renamed.items():
                now = names[new]
                was = {old, titles[old]} - {"", now}
                _relabel_articles(db, old, day, was, now, origin=new)
                db.execute("UPDATE entries SET source = ? WHERE source = ?", (new, old))
                db.execute("UPDATE incomplete SET source = ? WHERE source = ?", (new, old))
                # (learnt under the name its articles were shown by; rows of a name another
                # source is shown by now, or that the new name has already, stay)
                others = {names[s.name] for s in sources if s.name != new}
                for before in sorted(was - others):
                    for table in ("boilerplate_sources", "boilerplate_prints"):
                        db.execute(
                            f"UPDATE OR IGNORE {table} SET source = ? WHERE source = ?",
                            (now, before),
                        )

    # --- entries --------------------------------------------------------------------------

    def entries(self, keys: Iterable[str]) -> dict[str, EntryRecord]:
        found: dict[str, EntryRecord] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):  # stay under SQLite's bound-parameter limit
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, first_seen, day, digest in self._db.execute(
                f"SELECT key, first_seen, day, content_hash FROM entries WHERE key IN ({marks})",
                chunk,
            ):
                found[key] = EntryRecord(
                    key, _from_iso(first_seen) or dt.datetime.now(UTC), day, digest
                )
        return found

    def commit_build(
        self,
        day: dt.date,
        shown: Sequence[Article],
        skipped: Sequence[Article],
        record: DayRecord | None,
        now: dt.datetime,
        health: Sequence[SourceHealth] = (),
        failures: Sequence[SourceFailure] = (),
        stories: Sequence[StoryRecord] | None = None,
        sightings: Sequence[Sighting] = (),
        held_incomplete: Sequence[Article] = (),
        rendered: tuple[str, str] | None = None,
        keep: Keep | None = None,
        article_entries: StoredEntries | None = None,
        retitled: Mapping[str, tuple[str, str]] | None = None,
    ) -> int:
        """Store a whole build in one transaction: entries, the day record (with the sources
        that failed in this build, for an email sent later), the day's stories (when given:
        they replace the day's earlier ones), source health, the paragraph fingerprints of
        the articles cleaned (``sightings``), from which each source's recurring boilerplate
        is learnt, one more run waited for each entry held back as incomplete
        (``held_incomplete``), as a meta key and value, what the day's pages were made
        from (``rendered``, see ``digest.freshness``) and the ``articles.atom`` entries the
        build made (``article_entries``); the day's articles of each source ``retitled``
        (its key: the name it was shown by, and the one it is shown by now) shown by the new
        name; and, with ``keep``, drop what only rebuilding earlier days needs
        (``_forget_days_before``). Returns how many days were forgotten.

        Source validators (ETag, Last-Modified) are saved only together with the articles they
        covered: saved alone, a crash before the articles were stored would make the next
        run's conditional GET answer "304 nothing new" and those articles would be lost.
        """
        with self.transaction() as db:
            _save_health(db, health, now)
            for source, (was, shown_as) in (retitled or {}).items():
                _relabel_articles(db, source, day, (was,), shown_as)
            self._save_entries(db, day, shown, skipped, now)
            _save_incomplete(db, held_incomplete, [*shown, *skipped], now)
            if record is not None:
                self._save_day(db, record, failures)
            if article_entries is not None:
                _save_article_entries(db, article_entries)
            if stories is not None:
                # The entries of a later day (a day before the newest built again) may link
                # to one of these stories ("Earlier:"): made again, from the stories now
                # stored. (After the entries this build made: those were made before.)
                db.execute(
                    "UPDATE days SET article_entries = NULL WHERE day > ? "
                    "AND article_entries IS NOT NULL",
                    (day.isoformat(),),
                )
                db.execute("DELETE FROM stories WHERE day = ?", (day.isoformat(),))
                db.executemany(
                    "INSERT INTO stories (day, id, headline, text, keys, updated, published) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            day.isoformat(),
                            s.id,
                            s.headline,
                            s.text,
                            json.dumps(list(s.keys)),
                            _iso(s.updated) if s.updated else None,
                            _iso(s.published) if s.published else None,
                        )
                        for s in stories
                    ],
                )
            if sightings:
                _save_sightings(db, sightings, now)
            if rendered is not None:
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", rendered)
            return _forget_days_before(db, keep, day) if keep is not None else 0

    def forgotten(self, day: dt.date) -> bool:
        """Whether ``day`` was built and its articles have since been dropped (``keep_days``,
        see ``_forget_days_before``): built again, it would lose every story it had."""
        row = self._db.execute(
            "SELECT forgotten FROM days WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return bool(row and row[0])

    def _save_entries(
        self,
        db: sqlite3.Connection,
        day: dt.date,
        shown: Sequence[Article],
        skipped: Sequence[Article],
        now: dt.datetime,
    ) -> None:
        # One statement for every row, fed by a generator: each article is turned into JSON
        # as SQLite takes it, so a backlog's thousands never sit in memory twice.
        seen, shown_on = _iso(now), day.isoformat()
        db.executemany(
            "INSERT INTO entries (key, source, first_seen, day, content_hash, article) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
            "day = excluded.day, content_hash = excluded.content_hash, "
            "article = excluded.article",
            (
                (
                    article.key,
                    article.origin or article.source,
                    seen,
                    shown_on,
                    content_hash(article.body_text),
                    json.dumps(article_to_json(article), ensure_ascii=False),
                )
                for article in shown
            ),
        )
        db.executemany(
            "INSERT INTO entries (key, source, first_seen, day) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(key) DO NOTHING",
            ((a.key, a.origin or a.source, seen, SKIPPED) for a in skipped),
        )

    def incomplete_runs(self, keys: Iterable[str]) -> dict[str, int]:
        """For each of ``keys`` held back as incomplete before: how many runs it has waited."""
        found: dict[str, int] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                self._db.execute(
                    f"SELECT key, runs FROM incomplete WHERE key IN ({marks})", chunk
                ).fetchall()
            )
        return found

    def articles_for_day(self, day: dt.date) -> list[Article]:
        rows = self._db.execute(
            "SELECT article FROM entries WHERE day = ? AND article IS NOT NULL ORDER BY rowid",
            (day.isoformat(),),
        ).fetchall()
        return [article_from_json(json.loads(row[0])) for row in rows]

    # --- days -----------------------------------------------------------------------------

    def prepare_day(
        self, day: dt.date, title: str, story_count: int, content_html: str, now: dt.datetime
    ) -> DayRecord:
        """The record a build of ``day`` would store, without storing it.

        Its entry id is fixed on the day's first build; ``updated`` moves only when the
        content changed, so feed readers do not re-announce an unchanged day. A day enters
        the feeds with its first story (an empty day has a page, not a feed entry), so it is
        ``published`` then, not at an earlier build that found nothing.
        """
        digest = content_hash(content_html)
        row = self._db.execute(
            "SELECT entry_id, published, updated, content_hash, story_count FROM days "
            "WHERE day = ?",
            (day.isoformat(),),
        ).fetchone()
        if row:
            entry_id, published, updated, old_hash, old_count = row
            if old_hash != digest:
                updated = _iso(now)
            if story_count and not old_count:
                published = updated = _iso(now)
        else:
            entry_id = f"urn:uuid:{uuid.uuid4()}"
            published = updated = _iso(now)
        return DayRecord(
            day=day,
            title=title,
            story_count=story_count,
            content_html=content_html,
            content_hash=digest,
            entry_id=entry_id,
            published=dt.datetime.fromisoformat(published),
            updated=dt.datetime.fromisoformat(updated),
        )

    def _save_day(
        self, db: sqlite3.Connection, record: DayRecord, failures: Sequence[SourceFailure]
    ) -> None:
        db.execute(
            "INSERT OR REPLACE INTO days (day, title, story_count, content_html, "
            "content_hash, entry_id, published, updated, failures) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.day.isoformat(),
                record.title,
                record.story_count,
                record.content_html,
                record.content_hash,
                record.entry_id,
                _iso(record.published),
                _iso(record.updated),
                json.dumps([dataclasses.asdict(f) for f in failures], ensure_ascii=False),
            ),
        )

    def article_entries(self, first: dt.date) -> dict[dt.date, str]:
        """The ``articles.atom`` entries stored for the days from ``first`` on, as stored
        (``digest.atom.stored_entries`` reads them), by day; a day without them is left out."""
        rows = self._db.execute(
            "SELECT day, article_entries FROM days WHERE day >= ? AND forgotten = 0 "
            "AND article_entries IS NOT NULL",
            (first.isoformat(),),
        )
        return {dt.date.fromisoformat(day): value for day, value in rows}

    def stories(self, first: dt.date, last: dt.date) -> list[StoryRecord]:
        """The stories stored for the days from ``first`` to ``last``, newest day first."""
        rows = self._db.execute(
            "SELECT day, id, headline, text, keys, updated, published FROM stories "
            "WHERE day BETWEEN ? AND ? ORDER BY day DESC, rowid",
            (first.isoformat(), last.isoformat()),
        ).fetchall()
        return [
            StoryRecord(
                dt.date.fromisoformat(day),
                story_id,
                headline,
                text,
                tuple(json.loads(keys)),
                _from_iso(updated),
                _from_iso(published),
            )
            for day, story_id, headline, text, keys, updated, published in rows
        ]

    def day_failures(self, day: dt.date) -> tuple[SourceFailure, ...]:
        """The sources that failed in the latest build of ``day`` (none if never built)."""
        row = self._db.execute(
            "SELECT failures FROM days WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        if row is None or not row[0]:
            return ()
        # (what a later digest may have stored beside the fields this one knows is left out)
        known = {field.name for field in dataclasses.fields(SourceFailure)}
        return tuple(
            SourceFailure(**{k: v for k, v in item.items() if k in known})
            for item in json.loads(row[0])
        )

    def page_days(self) -> list[tuple[dt.date, bool]]:
        """Every built day (each has a page), newest first, and whether it is forgotten."""
        rows = self._db.execute("SELECT day, forgotten FROM days ORDER BY day DESC")
        return [(dt.date.fromisoformat(day), bool(forgotten)) for day, forgotten in rows]

    def days(self, content_from: dt.date | None = None) -> list[DayRecord]:
        """Every built day, newest first. With ``content_from``, only the days from it on
        carry their ``content_html`` (the others have none, as a forgotten day has): it is
        a day's whole digest, and only the days the feeds show are read for it, where every
        build would otherwise read every kept day's (each day's, with ``keep_days = 0``)."""
        rows = self._db.execute(
            "SELECT day, title, story_count, CASE WHEN day >= ? THEN content_html ELSE '' END, "
            "content_hash, entry_id, published, updated FROM days ORDER BY day DESC",
            (content_from.isoformat() if content_from else "",),
        ).fetchall()
        return [
            DayRecord(
                day=dt.date.fromisoformat(day),
                title=title,
                story_count=count,
                content_html=html,
                content_hash=digest,
                entry_id=entry_id,
                published=dt.datetime.fromisoformat(published),
                updated=dt.datetime.fromisoformat(updated),
            )
            for day, title, count, html, digest, entry_id, published, updated in rows
        ]

    # --- recurring boilerplate -------------------------------------------------------------

    def source_history(self, sightings: Sequence[Sighting]) -> dict[str, SourceHistory]:
        """What is remembered of the fingerprints these articles hold, per source."""
        return _source_history(self._db, sightings)

    # --- sends ----------------------------------------------------------------------------

    def sent_at(self, day: dt.date) -> dt.datetime | None:
        """When the digest for ``day`` was emailed, or None if it never was."""
        row = self._db.execute(
            "SELECT sent_at FROM sends WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return _from_iso(row[0]) if row else None

    def deferred_recipients(self, day: dt.date) -> tuple[str, ...]:
        """The recipients of ``day``'s email sent that their server refused for now (a 4xx
        reply): it is still to go to them. Empty when it was never sent."""
        row = self._db.execute(
            "SELECT deferred FROM sends WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return _addresses(row[0]) if row else ()

    def deferred_days(self, since: dt.date) -> tuple[dt.date, ...]:
        """The days from ``since`` on whose email is still to go to recipients a server
        refused for now, oldest first, but those whose articles are dropped (``forgotten``: it
        cannot be made again)."""
        rows = self._db.execute(
            "SELECT sends.day FROM sends LEFT JOIN days ON days.day = sends.day "
            "WHERE sends.deferred != '' AND sends.day >= ? AND NOT coalesce(days.forgotten, 0) "
            "ORDER BY sends.day",
            (since.isoformat(),),
        ).fetchall()
        return tuple(dt.date.fromisoformat(day) for (day,) in rows)

    def message_ids(self, day: dt.date) -> tuple[str, ...]:
        """The Message-IDs ``day``'s email went out under: the first send's, then each
        send's to recipients refused for now before (``record_sent``)."""
        row = self._db.execute(
            "SELECT message_id FROM sends WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return tuple(row[0].split()) if row else ()

    def sent_to(self, day: dt.date) -> tuple[str, ...]:
        """Every recipient ``day``'s email went to (by this send or an earlier one)."""
        row = self._db.execute(
            "SELECT recipients FROM sends WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        return _addresses(row[0]) if row else ()

    def record_sent(
        self,
        day: dt.date,
        now: dt.datetime,
        message_id: str,
        recipients: Sequence[str],
        deferred: Sequence[str] = (),
    ) -> None:
        """``day``'s email went to ``recipients`` (all it went to, with earlier sends), and is
        still to go to ``deferred``. ``message_id`` is the message's Message-ID; after a send
        to those refused for now before, the ids of every message the day went out as, the
        first first, separated by spaces (a Message-ID holds none): the first one's is what a
        reply or a bounce to the others names."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO sends (day, sent_at, message_id, recipients, deferred) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    day.isoformat(),
                    _iso(now),
                    message_id,
                    ", ".join(recipients),
                    ", ".join(deferred),
                ),
            )

    def keep_sent(self, sent: Sent) -> None:
        """Record ``sent`` as it was recorded elsewhere (in the state file a restored copy
        replaced: ``digest.backup.restore``)."""
        self.record_sent(sent.day, sent.at, sent.message_ids, sent.recipients, sent.deferred)

    def defer_recipients(self, day: dt.date, deferred: Sequence[str]) -> None:
        """``day``'s email, sent to some, is still to go to ``deferred`` (and no longer to any
        recipient left out: refused for good, say)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE sends SET deferred = ? WHERE day = ?",
                (", ".join(deferred), day.isoformat()),
            )


def read_source_history(path: Path, sightings: Sequence[Sighting]) -> dict[str, SourceHistory]:
    """``State.source_history`` from a state file opened read-only, for one-off commands
    (``digest extract``) that must not change the file; nothing when it does not exist yet,
    predates the table, or cannot be read."""
    return _read_only(path, lambda connection: _source_history(connection, sightings), {})


def read_source_records(path: Path) -> dict[str, SourceRecord]:
    """``State.sources`` by name, from a state file opened read-only, for commands that must
    change nothing (``digest check``): nothing when it does not exist yet or cannot be read.
    A file an older digest wrote (its schema is brought up to date by the next build) reads
    with what it lacks as NULL: a column added since must not cost every source's title."""

    def records(connection: sqlite3.Connection) -> dict[str, SourceRecord]:
        present = {row[1] for row in connection.execute("PRAGMA table_info(sources)")}
        columns = ", ".join(
            name if name in present else "NULL"
            for name in (column.strip() for column in _SOURCE_COLUMNS.split(","))
        )
        rows = connection.execute(f"SELECT {columns} FROM sources").fetchall()
        return {row[0]: _source_record(row) for row in rows}

    return _read_only(path, records, {})


def read_source_locations(path: Path) -> list[StoredSource]:
    """``State.source_locations`` of the state file at ``path``, for loading the config
    (``digest.config.load``): read as ``_read_only`` reads, but what stops it is said, never
    taken for a state that knows no source. Nothing when there is no state yet.

    Raises ``StateDamagedError`` for a file that is no digest state, or gone while its
    copies remain (as a build would, without its ``quick_check``: this is read whenever a
    config is), ``StateLockedError`` when another program holds it past ``LOOKUP_WAIT``, and
    ``StateError`` when it cannot be read otherwise or a newer digest wrote it."""
    if not path.exists():
        if backup_files(path) or _leftovers_of(path):
            raise StateDamagedError(path, [_GONE])
        return []
    try:
        connection = connect_to_read(path, wait=LOOKUP_WAIT)
    except sqlite3.DatabaseError as exc:
        raise _lookup_error(path, exc) from exc
    try:
        problems = _schema_problems(connection, path)
        if problems:
            raise _refusal(path, problems)
        return _source_locations(connection)
    except sqlite3.DatabaseError as exc:
        raise _lookup_error(path, exc) from exc
    finally:
        connection.close()


def _relabel_articles(
    db: sqlite3.Connection,
    source: str,
    day: dt.date,
    was: Iterable[str],
    now: str,
    *,
    origin: str | None = None,
) -> None:
    """Show the articles ``source`` (its key) brought on ``day`` and after by ``now`` where they
    were shown by one of ``was`` (not a publisher an entry named itself), and with ``origin``
    as their source's key when given: the day built again shows the source by one name."""
    was = set(was)
    rows = db.execute(
        "SELECT key, article FROM entries WHERE source = ? AND day >= ? AND article IS NOT NULL",
        (source, day.isoformat()),
    ).fetchall()
    for key, text in rows:
        data = json.loads(text)
        if origin is not None and data.get("origin") == source:
            data["origin"] = origin
        if data.get("source") in was:
            data["source"] = now
        db.execute(
            "UPDATE entries SET article = ? WHERE key = ?",
            (json.dumps(data, ensure_ascii=False), key),
        )


class StoredSource(NamedTuple):
    """A source as the state keeps it: its name (its key), the address it was read at as
    configured, and the name its entries' feed-local keys are made with (``Source.scope``)."""

    name: str
    location: str
    key_scope: str | None = None


def _source_locations(db: sqlite3.Connection) -> list[StoredSource]:
    # (read before the state is brought up to date, as a config is loaded: a file an older
    # digest wrote has no key_scope yet)
    present = {row[1] for row in db.execute("PRAGMA table_info(sources)")}
    scope = "key_scope" if "key_scope" in present else "NULL"
    rows = db.execute(
        f"SELECT name, location, {scope} FROM sources "
        "ORDER BY COALESCE(last_success, last_error_at, first_run) DESC, name"
    ).fetchall()
    return [
        StoredSource(str(name), str(location), str(key_scope) if key_scope else None)
        for name, location, key_scope in rows
    ]


def read_sends(path: Path) -> dict[dt.date, Sent] | None:
    """The emails the state file at ``path`` records as sent, by day, read as ``_read_only``
    reads; None when there is no such file or it cannot be read (damaged, emptied)."""
    return _read_only(path, _sends, None)


def _sends(db: sqlite3.Connection) -> dict[dt.date, Sent]:
    columns = {row[1] for row in db.execute("PRAGMA table_info(sends)")}
    deferred = "deferred" if "deferred" in columns else "''"  # (a state from before it)
    rows = db.execute(f"SELECT day, sent_at, message_id, recipients, {deferred} FROM sends")
    return {
        dt.date.fromisoformat(day): Sent(
            dt.date.fromisoformat(day),
            dt.datetime.fromisoformat(at),
            message_ids,
            _addresses(recipients),
            _addresses(deferred),
        )
        for day, at, message_ids, recipients, deferred in rows
    }


def _read_only(path: Path, read: Callable[[sqlite3.Connection], _T], missing: _T) -> _T:
    """What ``read`` finds in the state file at ``path``, changing nothing in it; ``missing``
    when the file is not there or cannot be read as ``read`` expects. A command that only
    looks something up neither hangs behind another program holding the file (it waits
    ``LOOKUP_WAIT``) nor leaves the file's log and index beside it (``connect_to_read``):
    those would make a state file deleted afterwards look lost, not new."""
    if not path.exists():
        return missing
    try:
        connection = connect_to_read(path, wait=LOOKUP_WAIT)
    except sqlite3.Error:
        return missing
    try:
        return read(connection)
    except (sqlite3.Error, ValueError):
        return missing
    finally:
        connection.close()


def _source_history(
    db: sqlite3.Connection, sightings: Sequence[Sighting]
) -> dict[str, SourceHistory]:
    wanted: dict[str, set[int]] = {}
    for sighting in sightings:
        wanted.setdefault(sighting.source, set()).update(sighting.prints)
    history = {}
    for source, prints in wanted.items():
        row = db.execute(
            "SELECT articles FROM boilerplate_sources WHERE source = ?", (source,)
        ).fetchone()
        if row is None:
            continue
        found: dict[int, PrintHistory] = {}
        ordered = sorted(prints)
        for start in range(0, len(ordered), 500):  # under SQLite's bound-parameter limit
            chunk = ordered[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for print_, articles, since in db.execute(
                "SELECT print, articles, since FROM boilerplate_prints "
                f"WHERE source = ? AND print IN ({marks})",
                (source, *chunk),
            ):
                found[print_] = PrintHistory(articles, since)
        history[source] = SourceHistory(source, row[0], found)
    return history


def _save_sightings(
    db: sqlite3.Connection, sightings: Sequence[Sighting], now: dt.datetime
) -> None:
    """Add a build's fingerprints to each source's history, and forget those not seen for
    ``FORGET_AFTER``: a template that changed, or article text seen once."""
    seen = _iso(now)
    for source, (articles, counts) in new_counts(sightings).items():
        row = db.execute(
            "SELECT articles FROM boilerplate_sources WHERE source = ?", (source,)
        ).fetchone()
        before = row[0] if row else 0
        db.execute(
            "INSERT INTO boilerplate_sources (source, articles) VALUES (?, ?) "
            "ON CONFLICT(source) DO UPDATE SET articles = excluded.articles",
            (source, before + articles),
        )
        db.executemany(
            "INSERT INTO boilerplate_prints (source, print, articles, since, last_seen) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(source, print) DO UPDATE SET "
            "articles = articles + excluded.articles, last_seen = excluded.last_seen",
            [(source, print_, count, before, seen) for print_, count in counts.items()],
        )
    db.execute("DELETE FROM boilerplate_prints WHERE last_seen < ?", (_iso(now - FORGET_AFTER),))


@dataclass(frozen=True)
class Keep:
    """What a build keeps of earlier days (``keep_days``): the articles of every day from
    ``articles_from`` on, and the stories from ``stories_from`` on (further back: the days a
    kept day's "Earlier:" links are looked for in, see ``digest.group.link_earlier``)."""

    articles_from: dt.date
    stories_from: dt.date


@dataclass(frozen=True)
class StoredEntries:
    """What a build stores of ``articles.atom``'s entries (``digest.atom``): those it made,
    as text by day (a day built, or an earlier one the feed showed and had none stored), and
    the oldest day the feed read (within ``Config.feed_from``, and past the feed's byte
    budget no further than the one day it tried): every earlier day's are dropped, as the
    feed does not show them (they are made again should it reach back to them)."""

    made: Mapping[dt.date, str]
    first: dt.date


def _save_article_entries(db: sqlite3.Connection, entries: StoredEntries) -> None:
    db.executemany(
        "UPDATE days SET article_entries = ? WHERE day = ? AND forgotten = 0",
        [(value, day.isoformat()) for day, value in entries.made.items()],
    )
    db.execute(
        "UPDATE days SET article_entries = NULL WHERE day < ? AND article_entries IS NOT NULL",
        (entries.first.isoformat(),),
    )


def _forget_days_before(db: sqlite3.Connection, keep: Keep, built: dt.date) -> int:
    """Drop what the days before ``keep.articles_from`` kept only so that they could be
    built or sent again: their articles' text (each entry's key and day stay, so that none is
    ever shown again) and their content for the feed; the day stays in the archive, marked
    ``forgotten``. Their stories go once they are before ``keep.stories_from``. Not what the
    day just ``built`` holds, asked for by its date: it may be sent next, and the next build
    drops it. Returns how many days were forgotten."""
    days = db.execute(
        "SELECT day FROM days WHERE day < ? AND day != ? AND forgotten = 0",
        (keep.articles_from.isoformat(), built.isoformat()),
    ).fetchall()
    for (day,) in days:
        # Each entry is written again without its article, rather than updated: updated in
        # place, a row of ~150 bytes would keep the page that held ~500 bytes of it, and the
        # file would still grow by a third of what the days dropped. (Only a day's order
        # of articles uses the rowid, and a forgotten day has no articles to order.)
        kept = db.execute(
            "SELECT key, source, first_seen, day, content_hash FROM entries WHERE day = ?", (day,)
        ).fetchall()
        db.execute("DELETE FROM entries WHERE day = ?", (day,))
        db.executemany(
            "INSERT INTO entries (key, source, first_seen, day, content_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            kept,
        )
        db.execute(
            "UPDATE days SET content_html = '', article_entries = NULL, forgotten = 1 "
            "WHERE day = ?",
            (day,),
        )
    db.execute(
        "DELETE FROM stories WHERE day < ? AND day != ?",
        (keep.stories_from.isoformat(), built.isoformat()),
    )
    return len(days)


# A source's health after a read that succeeded, and after one that failed (their values: see
# ``_health_row``).
_SAVE_READ = (
    "INSERT INTO sources (name, location, first_run, etag, last_modified, last_success, "
    "consecutive_failures, items, fetch_url, settled, cursor, held_until, title, "
    "body_hash, read_with, key_scope) "
    "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(name) DO UPDATE SET "
    "settled = CASE WHEN sources.location = excluded.location AND NOT ? "
    "THEN MAX(sources.settled, excluded.settled) ELSE excluded.settled END, "
    "location = excluded.location, "
    "etag = excluded.etag, last_modified = excluded.last_modified, "
    "last_success = excluded.last_success, consecutive_failures = 0, "
    "items = excluded.items, disabled_reason = NULL, fetch_url = excluded.fetch_url, "
    "cursor = excluded.cursor, unreadable = NULL, held_until = excluded.held_until, "
    "body_hash = excluded.body_hash, read_with = excluded.read_with, "
    # (the old row's values on the right: the location before this read's)
    "title = CASE WHEN excluded.title IS NOT NULL THEN excluded.title "
    "WHEN sources.location = excluded.location THEN sources.title END"
)
_SAVE_FAILURE = (
    "INSERT INTO sources (name, location, first_run, last_error, last_error_at, "
    "consecutive_failures, disabled_reason, unreadable, key_scope) "
    "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?) "
    "ON CONFLICT(name) DO UPDATE SET last_error = excluded.last_error, "
    "last_error_at = excluded.last_error_at, "
    "consecutive_failures = sources.consecutive_failures + 1, "
    "disabled_reason = COALESCE(excluded.disabled_reason, sources.disabled_reason), "
    "unreadable = COALESCE(excluded.unreadable, sources.unreadable), "
    "settled = CASE WHEN ? THEN 0 ELSE sources.settled END, "
    "fetch_url = CASE WHEN ? THEN NULL ELSE sources.fetch_url END"
)


def _save_health(db: sqlite3.Connection, healths: Sequence[SourceHealth], now: dt.datetime) -> None:
    """Each source's health, in order, a run of successes or of failures at a time (one
    statement for many rows: a rerun stores one for each of its hundreds of sources)."""
    at = _iso(now)
    for ok, run in itertools.groupby(healths, key=lambda health: health.ok):
        db.executemany(_SAVE_READ if ok else _SAVE_FAILURE, [_health_row(h, at) for h in run])


def _health_row(health: SourceHealth, at: str) -> tuple[object, ...]:
    if health.ok:
        return (
            health.name,
            health.location,
            at,
            health.etag,
            health.last_modified,
            at,
            health.items,
            health.fetch_url,
            int(health.items > 0 and health.settles),
            json.dumps(dict(health.cursor), ensure_ascii=False) if health.cursor else None,
            _iso(health.held_until) if health.held_until else None,
            health.title,
            health.body_hash,
            health.read_with,
            health.key_scope,
            health.unsettles,
        )
    return (
        health.name,
        health.location,
        at,
        health.problem,
        at,
        health.problem if health.disable else None,
        json.dumps(dict(health.unreadable), ensure_ascii=False) if health.unreadable else None,
        health.key_scope,
        health.unsettles,
        health.forget_fetch_url,
    )


def _save_incomplete(
    db: sqlite3.Connection,
    held: Sequence[Article],
    settled: Sequence[Article],
    now: dt.datetime,
) -> None:
    """One more run waited for each held-back entry; none for those now shown or skipped."""
    db.executemany(
        "INSERT INTO incomplete (key, source, runs, last_seen) VALUES (?, ?, 1, ?) "
        "ON CONFLICT(key) DO UPDATE SET runs = incomplete.runs + 1, last_seen = excluded.last_seen",
        [(a.key, a.origin or a.source, _iso(now)) for a in held],
    )
    # The table holds the few entries waiting for a whole read; a build settles thousands
    # (a first build's backlog), nearly none of them in it: only those are deleted.
    waiting = {key for (key,) in db.execute("SELECT key FROM incomplete")}
    db.executemany(
        "DELETE FROM incomplete WHERE key = ?", [(a.key,) for a in settled if a.key in waiting]
    )
    db.execute("DELETE FROM incomplete WHERE last_seen < ?", (_iso(now - FORGET_INCOMPLETE_AFTER),))


# the columns of ``sources`` that make a SourceRecord, in ``_source_record``'s order
_SOURCE_COLUMNS = (
    "name, location, first_run, etag, last_modified, last_success, last_error, last_error_at, "
    "consecutive_failures, items, disabled_reason, fetch_url, settled, cursor, unreadable, "
    "held_until, title, body_hash, read_with"
)


def _source_record(row: tuple) -> SourceRecord:
    return SourceRecord(
        name=row[0],
        location=row[1],
        first_run=dt.datetime.fromisoformat(row[2]),
        etag=row[3],
        last_modified=row[4],
        last_success=_from_iso(row[5]),
        last_error=row[6],
        last_error_at=_from_iso(row[7]),
        consecutive_failures=row[8],
        items=row[9],
        disabled_reason=row[10],
        fetch_url=row[11],
        settled=bool(row[12]),
        cursor=_cursor_from(row[13]),
        unreadable=_cursor_from(row[14]) or None,
        held_until=_from_iso(row[15]),
        title=row[16],
        body_hash=row[17],
        read_with=row[18],
    )


def _cursor_from(text: str | None) -> dict[str, Any]:
    """A stored cursor; one that cannot be read costs only the work it would have saved."""
    try:
        cursor = json.loads(text) if text else {}
    except ValueError:
        return {}
    return cursor if isinstance(cursor, dict) else {}


def article_to_json(article: Article) -> dict:
    return {
        "key": article.key,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
        "author": article.author,
        "category": article.category,
        "paragraphs": [[p.text, p.kind] for p in article.paragraphs],
        "summary": list(article.summary),
        # Written only when set, so that articles stored before these existed read the same.
        **({"summary_of": list(article.summary_of)} if article.summary_of else {}),
        **({"title_derived": True} if article.title_derived else {}),
        **({"publisher_unknown": True} if article.publisher_unknown else {}),
        **({"origin": article.origin} if article.origin else {}),
        **({"language": article.language} if article.language else {}),
        **({"site": article.site} if article.site else {}),
        **({"tags": list(article.tags)} if article.tags else {}),
    }


def article_from_json(data: dict) -> Article:
    return Article(
        key=data["key"],
        source=data["source"],
        title=data["title"],
        url=data.get("url"),
        published=_from_iso(data.get("published")),
        author=data.get("author"),
        category=data.get("category"),
        paragraphs=tuple(Paragraph(text, kind) for text, kind in data["paragraphs"]),
        summary=tuple(data.get("summary", ())),
        summary_of=_summary_of(data.get("summary_of")),
        title_derived=bool(data.get("title_derived", False)),
        publisher_unknown=bool(data.get("publisher_unknown", False)),
        origin=data.get("origin", ""),
        language=data.get("language") or None,
        site=data.get("site") or None,
        tags=_tags_from(data.get("tags")),
    )


def _tags_from(value: Any) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()  # not stored, or not as digest stores it


def _summary_of(value: Any) -> tuple[int, int] | None:
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return (value[0], value[1])
    return None  # not stored, or not as digest stores it: made again when shown


class RunLock:
    """An exclusive lock beside the state file, held for a whole run.

    ``flock`` is released by the kernel when the process dies, so a crashed run never leaves
    a stale lock behind. A second run waits up to ``wait`` seconds, then refuses with a message
    naming the holder.
    """

    def __init__(
        self, state_path: Path, wait: float = 0.0, *, name: str = "lock", holder: str = "run"
    ) -> None:
        self.path = state_path.with_name(f"{state_path.name}.{name}")
        self.state_path = state_path
        self.wait = wait
        self.holder = holder
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # never through a link planted there: the lock file is truncated and written
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
                    os.close(fd)
                    raise StateLockedError(
                        f"another digest {self.holder} is using {self.state_path} "
                        f"({holder or 'holder unknown'}, lock file {self.path})",
                        "wait for it to finish, or stop it",
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        started = dt.datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()}, started {started}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def shown_names(sources: Iterable[Source], records: Mapping[str, SourceRecord]) -> dict[str, str]:
    """The name each of ``sources`` is shown by (``SourceRecord.shown``), by its key: see
    ``ShownNames``."""
    return ShownNames(sources, records).every()


class ShownNames:
    """The name each of a run's ``sources`` is shown by, by its key: its title as last read
    (``SourceRecord.shown``), and once the run reads it, as that read gives it (``read``),
    the title the source's stories are shown with. Two sources the config leaves unnamed
    whose feeds give one title (two feeds of one site), or one whose title is another
    source's name, are shown by their own keys instead: a failure of one would read as the
    other's, and a report names each source once."""

    def __init__(self, sources: Iterable[Source], records: Mapping[str, SourceRecord]) -> None:
        self._sources = {s.name: s for s in sources}
        self._shown = {
            key: records[key].shown(source) if key in records else key
            for key, source in self._sources.items()
        }
        self._taken = Counter(self._shown.values())

    def __getitem__(self, key: str) -> str:
        source = self._sources.get(key)
        if source is None:  # (not one of the run's sources: its key is all there is)
            return key
        shown = self._shown[key]
        return shown if source.named or self._taken[shown] == 1 else key

    def read(self, source: Source, title: str) -> None:
        """``source`` was read now, and gave ``title`` for itself ("": none)."""
        if source.name not in self._sources:
            return
        before, after = self._shown[source.name], source.shown(title or None)
        if after != before:
            self._taken[before] -= 1
            self._taken[after] += 1
            self._shown[source.name] = after

    def every(self) -> dict[str, str]:
        return {key: self[key] for key in self._sources}
