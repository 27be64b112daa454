"""Good copies of the state file, and the way back to one.

After every successful build, ``back_up_after_build`` copies the state with SQLite's online
backup API (a consistent copy of an open database, whatever its size) into the state's backup
folder (``state.backup_folder``: ``digest-state.sqlite.backups/`` beside the file), each copy
named by the UTC time it was taken (``20261121T063012Z.sqlite``). A copy is checked before it
takes its place, then only the newest ``KEEP`` are kept. A backup that fails never fails the
build: it is reported as one of the build's warnings, and the older copies stay.

``restore`` puts a copy back (the newest good one, or one named) and ``reset`` starts afresh.
Neither deletes anything: the file they replace is moved aside, with its write-ahead log
(``digest-state.sqlite.damaged-20261121T063012Z``). Both refuse to replace a sound state
unless forced, and both expect their caller to hold the run lock, so no build runs meanwhile.
A copy put back keeps the record of the emails sent after it was taken, as the file it
replaces has it, and a fresh start keeps the record of every email sent: without it,
'digest send' would mail those days again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from digest.errors import DigestError
from digest.state import (
    Sent,
    State,
    backup_files,
    backup_folder,
    connect_to_read,
    create_state,
    integrity_problems,
    new_state_file,
    read_sends,
    remove_leftovers_beside,
    sync_file,
    sync_folder,
)

log = logging.getLogger(__name__)

KEEP = 3  # copies kept: three builds back, enough to step past a copy that is itself bad


class BackupError(DigestError):
    """A copy that cannot be made, found or put back; ``advice`` says what to do instead."""


@dataclass(frozen=True)
class Copy:
    """One kept copy of the state, as ``digest state list`` shows it."""

    path: Path
    size: int
    problems: tuple[str, ...]  # what its check found: empty for a good copy
    last_day: dt.date | None = None  # the newest day it has a digest for
    entries: int = 0  # articles it remembers, shown or skipped

    @property
    def taken(self) -> dt.datetime | None:
        """When it was taken, from its name (None for a file named otherwise)."""
        try:
            return dt.datetime.strptime(self.path.stem, _STAMP).replace(tzinfo=dt.UTC)
        except ValueError:
            return None


@dataclass(frozen=True)
class Replaced:
    """What ``restore`` or ``reset`` did: the copy put in place (None for a reset), and where
    the file it replaced went (None when there was none). For a restore: the emails sent
    after the copy was taken, whose record it kept from the file it replaced
    (``kept_sends``), or, when that file could not be read (``sends_unknown``), the newest
    day the copy has built and does not record as sent (``maybe_sent``), whose email may
    have gone out since. For a reset: every email the file replaced recorded as sent
    (``kept_sends``), or ``sends_unknown`` when it could not be read for them."""

    state: Path
    source: Copy | None
    moved_aside: tuple[Path, ...]
    kept_sends: tuple[Sent, ...] = ()
    sends_unknown: bool = False
    maybe_sent: dt.date | None = None


_STAMP = "%Y%m%dT%H%M%SZ"


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime(_STAMP)


# --- taking copies ----------------------------------------------------------------------------


def back_up_after_build(state: State, keep: int = KEEP) -> str | None:
    """Copy the state after a successful build; None, or a warning saying why it could not
    be copied (the build is complete all the same)."""
    started = time.monotonic()
    try:
        made = back_up(state, keep)
    except (OSError, sqlite3.Error, BackupError) as exc:
        if isinstance(exc, BackupError):
            problem = exc.problem
        else:
            problem = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        kept = len(backup_files(state.path))
        return (
            f"the state could not be backed up into {backup_folder(state.path)} ({problem}); "
            f"the build itself is complete and the {kept} older "
            f"{'copy is' if kept == 1 else 'copies are'} kept; if this persists, free some "
            "space or check that folder's permissions"
        )
    log.debug("backed up the state to %s in %.3f s", made, time.monotonic() - started)
    return None


def back_up(state: State, keep: int = KEEP) -> Path:
    """Copy the open ``state`` into its backup folder, check the copy, keep the newest
    ``keep``; returns the new copy. The caller holds the run lock: no other copy is being
    written, so any half-written one in the folder is a killed run's."""
    folder = backup_folder(state.path)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(".*.tmp*"):  # with its -journal or -wal
        with contextlib.suppress(OSError):
            leftover.unlink()
    remove_leftovers_beside(state.path)  # of a state file being created when a run was killed
    fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
    os.close(fd)
    made = Path(name)
    try:
        state.copy_to(made)
        os.chmod(made, stat.S_IMODE(state.path.stat().st_mode))  # readable as the state is
        sync_file(made)
        problems = integrity_problems(made)
        if problems:
            raise BackupError(f"the copy failed its check: {problems[0]}")
        final = folder / f"{_stamp()}.sqlite"
        os.replace(made, final)
        sync_folder(folder)
    finally:
        made.unlink(missing_ok=True)
    copies = backup_files(state.path)
    mode = stat.S_IMODE(state.path.stat().st_mode)
    for kept in copies[:keep]:  # an older copy too: the state may have been made private since
        with contextlib.suppress(OSError):
            os.chmod(kept, mode)
    for old in copies[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return final


# --- looking at copies ------------------------------------------------------------------------


def copies(state_path: Path) -> list[Copy]:
    """The kept copies of the state at ``state_path``, newest first, each checked."""
    return [examine(path) for path in backup_files(state_path)]


def examine(path: Path) -> Copy:
    """``path`` as a copy of a state: its check, its newest day and how many entries it has."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Copy(path, 0, (f"it cannot be read ({exc.strerror or exc})",))
    problems = tuple(integrity_problems(path)) if path.is_file() else ("it is not a file",)
    if problems:
        return Copy(path, size, problems)
    try:
        db = connect_to_read(path)
        try:
            day = db.execute("SELECT max(day) FROM days").fetchone()[0]
            entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return Copy(path, size, (f"it cannot be read ({exc})",))
    return Copy(path, size, (), dt.date.fromisoformat(day) if day else None, entries)


# --- putting one back -------------------------------------------------------------------------


def restore(state_path: Path, name: str | None = None, *, force: bool = False) -> Replaced:
    """Put a copy in place of the state at ``state_path``: the copy ``name`` (a name from
    ``digest state list``, or any file's path), else the newest good one. The state it
    replaces is moved aside. A sound state is replaced only when ``force``d."""
    _refuse_a_sound_state(
        state_path, force, "restoring a copy forgets what digest did since it was taken"
    )
    source = _named(state_path, name) if name else _newest_good(state_path)
    # What the file replaced records as sent and the copy does not (or as sent later, to
    # recipients refused for now before): an email that went out after the copy was taken.
    # The state put back keeps its record, or 'digest send' (a cron line run again, the
    # catch-up of 'digest run' as it starts) would mail the day again.
    sent_before = read_sends(state_path)
    in_copy = read_sends(source.path) or {}
    later = tuple(
        sent
        for day, sent in sorted((sent_before or {}).items())
        if day not in in_copy or in_copy[day].at < sent.at
    )
    state_path.parent.mkdir(parents=True, exist_ok=True)
    made = new_state_file(state_path)
    try:
        # as private as the file it replaces (else as the copy), not as the umask makes it
        mode = _mode_of(state_path) or _mode_of(source.path)
        if mode is not None:
            os.chmod(made, mode)
        reader = connect_to_read(source.path)
        writer = sqlite3.connect(made)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode=WAL")  # as State.open leaves every state
        finally:
            writer.close()
            reader.close()
        if later:
            with State.open(made) as restored:  # (before it takes its place: all or nothing)
                for sent in later:
                    restored.keep_sent(sent)
        sync_file(made)
        moved = move_aside(state_path)
        os.replace(made, state_path)
        sync_folder(state_path.parent)
    finally:
        made.unlink(missing_ok=True)
    maybe_sent = None
    if sent_before is None and source.last_day is not None and source.last_day not in in_copy:
        maybe_sent = source.last_day
    return Replaced(state_path, source, moved, later, sent_before is None, maybe_sent)


def reset(state_path: Path, *, force: bool = False) -> Replaced:
    """Move the state at ``state_path`` aside and start a new one: the next build is a first
    run for every source. A sound state is replaced only when ``force``d.

    What it forgets is what was shown, as documented; not which days were emailed: the new
    state keeps that record from the file it replaces (``kept_sends``), or 'digest send'
    after the reset mailed today's digest, rebuilt, a second time. When that file cannot be
    read for it, ``sends_unknown`` says so."""
    _refuse_a_sound_state(
        state_path, force, "starting afresh shows each feed's last day of articles again"
    )
    mode = _mode_of(state_path)  # the new state is as private as the one it replaces
    sent = read_sends(state_path)  # (None: there is no file, or it cannot be read)
    moved = move_aside(state_path)
    create_state(state_path, mode)
    kept = tuple(one for _, one in sorted((sent or {}).items()))
    if kept:
        with State.open(state_path) as fresh:
            for one in kept:
                fresh.keep_sent(one)
    return Replaced(state_path, None, moved, kept, sends_unknown=sent is None and bool(moved))


def _mode_of(path: Path) -> int | None:
    """The permissions of the file at ``path``, and its owner's reading and writing (a state
    damaged by its permissions is not mended with them); None if there is none."""
    try:
        return stat.S_IMODE(path.stat().st_mode) | 0o600
    except OSError:
        return None


def move_aside(state_path: Path) -> tuple[Path, ...]:
    """Rename the state file and its write-ahead log and index (``-wal``, ``-shm``) to
    ``<name>.damaged-<time>`` (with the same endings, so they still open together); returns
    the new paths. Nothing is deleted."""
    stamp = _stamp()
    aside = state_path.with_name(f"{state_path.name}.damaged-{stamp}")
    number = 1
    while any(aside.with_name(aside.name + e).exists() for e in ("", "-wal", "-shm")):
        number += 1  # never over an earlier one moved aside in the same second
        aside = state_path.with_name(f"{state_path.name}.damaged-{stamp}-{number}")
    moved = []
    for ending in ("", "-wal", "-shm"):
        source = state_path.with_name(state_path.name + ending)
        if source.exists():
            target = aside.with_name(aside.name + ending)
            os.replace(source, target)
            moved.append(target)
    sync_folder(state_path.parent)
    return tuple(moved)


def _refuse_a_sound_state(state_path: Path, force: bool, cost: str) -> None:
    if force or not state_path.exists() or integrity_problems(state_path):
        return
    raise BackupError(
        f"state file {state_path} is sound: nothing needs mending",
        f"{cost}; add --force to do it anyway (the current file is moved aside, not deleted)",
    )


def _named(state_path: Path, name: str) -> Copy:
    folder = backup_folder(state_path)
    candidates = [Path(name), folder / name, folder / f"{name}.sqlite"]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        raise BackupError(
            f"no copy named '{name}' in {folder}, and no such file",
            "'digest state list' lists the copies kept; or give the path of a copy from "
            "your own backups",
        )
    copy = examine(found)
    if copy.problems:
        raise BackupError(
            f"{found} cannot be restored: {copy.problems[0]}",
            "name another copy ('digest state list' lists them), or 'digest state reset' to "
            "start afresh",
        )
    return copy


def _newest_good(state_path: Path) -> Copy:
    bad: list[str] = []
    for path in backup_files(state_path):
        copy = examine(path)
        if not copy.problems:
            if bad:
                log.warning("skipped damaged copies: %s", "; ".join(bad))
            return copy
        bad.append(f"{path.name}: {copy.problems[0]}")
    found = f" ({len(bad)} found, none sound: {bad[0]})" if bad else ""
    raise BackupError(
        f"no good copy of {state_path} is kept in {backup_folder(state_path)}{found}",
        "restore one from your own backups with 'digest state restore FILE', or start afresh "
        "with 'digest state reset'",
    )
