"""digest.backup: a good copy of the state after each build, the newest few kept, and the way
back to one (restore) or to a fresh start (reset), neither deleting anything."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest import backup
from digest.backup import KEEP, BackupError
from digest.config import Config
from digest.model import Source
from digest.pipeline import build
from digest.state import State, backup_files, backup_folder, integrity_problems, read_sends

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(tmp_path: Path) -> Config:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    stamp = (NOW - dt.timedelta(hours=3)).timestamp()
    for path in seeds.iterdir():
        os.utime(path, (stamp, stamp))
    return Config(
        sources=(Source("seeds", "folder", str(seeds)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )


def build_with_news(site: Config, hour: int) -> None:
    """A build ``hour`` hours on that brings one new article: a build that brings nothing new
    leaves the pages, and takes no copy."""
    if hour:
        folder = Path(site.sources[0].location)
        path = folder / f"update-{hour}.txt"
        path.write_text(
            f"Title: Harbour works, update {hour}\n\nThe harbour authority said on Saturday "
            f"that the crane delivery planned for week {hour} had been moved to the spring.",
            encoding="utf-8",
        )
        stamp = (NOW + dt.timedelta(hours=hour - 1)).timestamp()
        os.utime(path, (stamp, stamp))
    result = build(site, DAY, now=NOW + dt.timedelta(hours=hour))
    assert result.new_articles == (3 if hour == 0 else 1)


def age_copies(state: Path) -> None:
    """Rename the copies as if each was taken a minute before the next: several builds in one
    second would otherwise share a name."""
    for number, path in enumerate(sorted(backup_files(state))):
        path.rename(path.with_name(f"20260101T00{number:02d}00Z.sqlite"))


def shown_keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        keys = {row[0] for row in db.execute("SELECT key FROM entries WHERE day != ''")}
    db.close()
    return keys


# --- copies after each build ------------------------------------------------------------------


def test_each_build_leaves_a_checked_self_contained_copy(site: Config) -> None:
    build(site, DAY, now=NOW)
    [copy] = backup.copies(site.state)
    assert copy.problems == () and copy.last_day == DAY and copy.entries == 3
    assert copy.taken is not None
    assert shown_keys(copy.path) == shown_keys(site.state)
    # one file, no write-ahead log beside it: it can be copied or mailed as it is
    assert sorted(p.name for p in backup_folder(site.state).iterdir()) == [copy.path.name]
    assert copy.path.read_bytes()[18:20] == b"\x01\x01"  # and none is looked for


def test_a_copy_may_be_read_by_whoever_may_read_the_state(site: Config) -> None:
    build_with_news(site, 0)
    site.state.chmod(0o640)
    build_with_news(site, 1)
    assert stat.S_IMODE(backup_files(site.state)[0].stat().st_mode) == 0o640


def test_only_the_newest_copies_are_kept(site: Config) -> None:
    for hour in range(KEEP + 2):
        build_with_news(site, hour)
        age_copies(site.state)
    kept = backup_files(site.state)
    assert len(kept) == KEEP
    assert [p.name for p in kept] == sorted((p.name for p in kept), reverse=True)
    assert all(integrity_problems(p) == [] for p in kept)


def test_a_run_that_finds_nothing_new_takes_no_copy(site: Config) -> None:
    # Hourly runs that find nothing would otherwise push every copy of a real change out.
    build_with_news(site, 0)
    age_copies(site.state)
    for hour in range(1, KEEP + 2):
        assert build(site, DAY, now=NOW + dt.timedelta(hours=hour)).unchanged
    assert len(backup_files(site.state)) == 1


def test_a_copy_that_cannot_be_made_is_a_warning_not_a_failed_build(site: Config) -> None:
    backup_folder(site.state).parent.mkdir(parents=True, exist_ok=True)
    backup_folder(site.state).write_text("a file where the folder should be")
    result = build(site, DAY, now=NOW)
    assert result.new_articles == 3 and (site.output / "2026-11-21.html").is_file()
    [warning] = [w for w in result.warnings if "backed up" in w]
    assert str(backup_folder(site.state)) in warning
    assert "the build itself is complete" in warning
    with State.open(site.state) as state:  # the build was recorded all the same
        assert [d.day for d in state.days()] == [DAY]


def test_a_half_written_copy_from_a_killed_run_is_cleared_away(site: Config) -> None:
    folder = backup_folder(site.state)
    folder.mkdir(parents=True)
    (folder / ".abc123.tmp").write_bytes(b"half a copy")
    (folder / ".abc123.tmp-journal").write_bytes(b"and its journal")
    build(site, DAY, now=NOW)
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
    assert len(backup_files(site.state)) == 1


# --- restore ----------------------------------------------------------------------------------


def test_restore_puts_the_newest_good_copy_back_and_keeps_the_damaged_file(site: Config) -> None:
    build(site, DAY, now=NOW)
    shown = shown_keys(site.state)
    site.state.write_bytes(b"")
    done = backup.restore(site.state)
    assert done.source is not None and done.source.path == backup_files(site.state)[0]
    assert integrity_problems(site.state) == [] and shown_keys(site.state) == shown
    [aside] = done.moved_aside
    assert aside.name.startswith("state.sqlite.damaged-") and aside.read_bytes() == b""
    # nothing shown twice: the next build finds every seed already shown
    assert build(site, DAY, now=NOW + dt.timedelta(hours=1)).new_articles == 0


def test_restore_steps_over_a_damaged_copy(site: Config) -> None:
    build_with_news(site, 0)
    age_copies(site.state)
    build_with_news(site, 1)
    newest, older = backup_files(site.state)
    newest.write_bytes(b"junk" * 1000)
    site.state.write_bytes(b"")
    done = backup.restore(site.state)
    assert done.source is not None and done.source.path == older


def test_restore_a_named_copy_or_any_file(site: Config, tmp_path: Path) -> None:
    build(site, DAY, now=NOW)
    [copy] = backup_files(site.state)
    mine = tmp_path / "my-own-backup.sqlite"
    shutil.copy(copy, mine)
    site.state.write_bytes(b"")
    assert backup.restore(site.state, copy.stem).source.path == copy  # type: ignore[union-attr]
    site.state.write_bytes(b"")
    assert backup.restore(site.state, str(mine)).source.path == mine  # type: ignore[union-attr]
    with pytest.raises(BackupError, match="no copy named 'nonesuch'"):
        backup.restore(site.state, "nonesuch", force=True)


def test_restore_refuses_a_damaged_copy_and_a_sound_state(site: Config, tmp_path: Path) -> None:
    build(site, DAY, now=NOW)
    with pytest.raises(BackupError) as caught:
        backup.restore(site.state)
    assert "is sound" in caught.value.problem and "--force" in caught.value.advice
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"")
    with pytest.raises(BackupError, match="cannot be restored: it is empty"):
        backup.restore(site.state, str(bad), force=True)
    assert integrity_problems(site.state) == []  # left as it was


def test_with_no_good_copy_restore_says_what_else_to_do(site: Config) -> None:
    with State.open(site.state):
        pass
    site.state.write_bytes(b"")
    with pytest.raises(BackupError) as caught:
        backup.restore(site.state)
    assert "no good copy" in caught.value.problem and "digest state reset" in caught.value.advice


def test_a_copy_taken_before_an_email_went_out_keeps_its_record_once_restored(
    site: Config,
) -> None:
    # The copy is taken as the build ends, the email sent after: restored, it did not know
    # the day was sent, and 'digest send' mailed it again
    build(site, DAY, now=NOW)
    sent_at = NOW + dt.timedelta(minutes=5)
    with State.open(site.state) as state:
        state.record_sent(DAY, sent_at, "<a@example.org>", ["ana@example.org"], ["bo@example.org"])
    done = backup.restore(site.state, force=True)
    assert [(sent.day, sent.at) for sent in done.kept_sends] == [(DAY, sent_at)]
    assert not done.sends_unknown
    with State.open(site.state) as state:
        assert state.sent_at(DAY) == sent_at
        assert state.sent_to(DAY) == ("ana@example.org",)
        assert state.deferred_recipients(DAY) == ("bo@example.org",)  # still to go to them
        assert state.message_ids(DAY) == ("<a@example.org>",)
    [copy] = backup_files(site.state)  # (itself as it was taken: a restore changes no copy)
    assert read_sends(copy) == {}


def test_a_copy_restored_in_place_of_a_file_that_cannot_be_read_names_the_day_that_may_have_gone(
    site: Config,
) -> None:
    build(site, DAY, now=NOW)
    site.state.write_bytes(b"")  # whatever it recorded as sent is lost
    done = backup.restore(site.state)
    assert done.kept_sends == () and done.sends_unknown and done.maybe_sent == DAY


# --- reset ------------------------------------------------------------------------------------


def test_reset_moves_the_file_and_its_log_aside_and_starts_afresh(site: Config) -> None:
    build(site, DAY, now=NOW)
    with State.open(site.state):  # open: its write-ahead log and index exist
        site.state.write_bytes(b"")
        done = backup.reset(site.state)
    names = sorted(p.name for p in done.moved_aside)
    assert names[0].startswith("state.sqlite.damaged-") and len(names) == 3
    assert {n[len(names[0]) :] for n in names} == {"", "-shm", "-wal"}
    assert integrity_problems(site.state) == []
    # a first run again: the seeds are shown once more, as the advice said
    assert build(site, DAY, now=NOW + dt.timedelta(hours=1)).new_articles == 3


def test_reset_keeps_the_record_of_the_emails_sent(site: Config) -> None:
    # What it forgets is what was shown; without the sends, 'digest send' mailed a day twice
    build(site, DAY, now=NOW)
    sent_at = NOW + dt.timedelta(minutes=5)
    with State.open(site.state) as state:
        state.record_sent(DAY, sent_at, "<a@example.org>", ["ana@example.org"], ["bo@example.org"])
    done = backup.reset(site.state, force=True)
    assert [(sent.day, sent.at) for sent in done.kept_sends] == [(DAY, sent_at)]
    assert not done.sends_unknown
    with State.open(site.state) as state:
        assert state.sent_at(DAY) == sent_at
        assert state.sent_to(DAY) == ("ana@example.org",)
        assert state.deferred_recipients(DAY) == ("bo@example.org",)  # still to go to them
        assert state.days() == []  # the rest is forgotten, as documented
    # a first run again, the day built anew, its email not to go out again
    assert build(site, DAY, now=NOW + dt.timedelta(hours=1)).new_articles == 3


def test_reset_says_when_the_file_it_replaces_cannot_be_read_for_its_sends(site: Config) -> None:
    site.state.write_bytes(b"")
    done = backup.reset(site.state)
    assert done.kept_sends == () and done.sends_unknown
    site.state.unlink()  # no file: nothing was recorded, nothing is unknown
    done = backup.reset(site.state)
    assert done.moved_aside == () and not done.sends_unknown


def test_moving_aside_twice_in_a_second_overwrites_nothing(site: Config) -> None:
    site.state.write_bytes(b"first")
    first = backup.move_aside(site.state)
    site.state.write_bytes(b"second")
    second = backup.move_aside(site.state)
    assert first[0] != second[0]
    assert (first[0].read_bytes(), second[0].read_bytes()) == (b"first", b"second")


# --- who may read them, and what is digest's -------------------------------------------------


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_restore_and_reset_keep_a_private_state_private(site: Config, open_umask: None) -> None:
    # The state holds every article read (intranet sources too): a user who made it private
    # (chmod 600) must not find it readable by everyone after mending it.
    build(site, DAY, now=NOW)
    site.state.chmod(0o600)
    backup.restore(site.state, force=True)
    assert stat.S_IMODE(site.state.stat().st_mode) == 0o600
    backup.reset(site.state, force=True)
    assert stat.S_IMODE(site.state.stat().st_mode) == 0o600


def test_copies_are_never_more_readable_than_the_state(site: Config, open_umask: None) -> None:
    build_with_news(site, 0)
    age_copies(site.state)
    site.state.chmod(0o600)  # the user made the state private: the older copy must follow
    build_with_news(site, 1)
    modes = [stat.S_IMODE(p.stat().st_mode) for p in backup_files(site.state)]
    assert modes == [0o600, 0o600]


def test_files_of_the_users_own_in_the_copies_folder_are_left_alone(
    site: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the copies digest names by the time they were taken are digest's to prune and to
    # restore: a copy the user put there under a name of their own is theirs.
    stamps = iter(f"20260101T00{minute:02d}00Z" for minute in range(60))
    monkeypatch.setattr(backup, "_stamp", lambda: next(stamps))
    build_with_news(site, 0)
    folder = backup_folder(site.state)
    older, newer = folder / "2025-before-upgrade.sqlite", folder / "manual.sqlite"
    shutil.copy(site.state, older)
    shutil.copy(site.state, newer)
    for hour in range(1, KEEP + 1):
        build_with_news(site, hour)
    assert older.exists() and newer.exists()  # neither pruned as an old copy
    assert [p.name for p in backup_files(site.state)] == [
        "20260101T000300Z.sqlite",
        "20260101T000200Z.sqlite",
        "20260101T000100Z.sqlite",
    ]
    site.state.write_bytes(b"")
    done = backup.restore(site.state)  # the newest copy digest took, not the user's file
    assert done.source is not None and done.source.path.name == "20260101T000300Z.sqlite"
