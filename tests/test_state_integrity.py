"""The state file checks itself when it is opened: damage, an emptied file or a lost one stops
the run with what happened and what to do, never a silent fresh start; another program holding
the database is reported as a busy lock is (exit 75), with nothing lost."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from seedsite import SEEDS_DAY

from digest import state as state_module
from digest.cli import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, main
from digest.config import Config
from digest.model import Source
from digest.pipeline import build
from digest.state import (
    State,
    StateDamagedError,
    StateError,
    StateLockedError,
    backup_folder,
    integrity_problems,
)

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


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def corrupt_table(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` in the closed state file ``path`` with junk, as
    a bad sector or a stray write would."""
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    db.close()
    with path.open("r+b") as handle:
        handle.seek((root[0] - 1) * page_size)
        handle.write(b"\xa5" * page_size)


# --- damage stops the run ---------------------------------------------------------------------


def test_an_emptied_state_file_stops_the_build_instead_of_starting_over(site: Config) -> None:
    # It used to read as a new, empty database: every source new again, their last day shown
    # once more, and nothing said.
    build(site, DAY, now=NOW)
    before = files(site.output)
    site.state.write_bytes(b"")
    with pytest.raises(StateDamagedError) as caught:
        build(site, DAY, now=NOW + dt.timedelta(hours=1))
    message = str(caught.value)
    assert f"state file {site.state} is damaged: it is empty (0 bytes)" in message
    assert "digest state restore" in message and "digest state reset" in message
    assert files(site.output) == before
    assert site.state.read_bytes() == b""  # left as found, for the user to decide


def test_a_corrupt_page_no_build_reads_is_found_before_the_build(site: Config) -> None:
    # Damage in a table builds never read went unnoticed build after build.
    build(site, DAY, now=NOW)
    corrupt_table(site.state, "sends")
    with pytest.raises(StateDamagedError) as caught:
        build(site, DAY, now=NOW + dt.timedelta(hours=1))
    assert f"state file {site.state} is damaged" in caught.value.problem
    assert integrity_problems(site.state) == list(caught.value.problems)


def test_damage_is_reported_by_the_command_with_what_to_do(
    workdir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    state = workdir / "digest-state.sqlite"
    corrupt_table(state, "sends")
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert f"state file {state} is damaged" in err and "Traceback" not in err
    assert "'digest state restore'" in err and "newest good copy" in err


def test_a_lost_state_file_whose_copies_remain_is_not_a_first_run(site: Config) -> None:
    build(site, DAY, now=NOW)
    assert list(backup_folder(site.state).glob("*.sqlite"))
    site.state.unlink()
    with pytest.raises(StateDamagedError, match="is missing"):
        build(site, DAY, now=NOW + dt.timedelta(hours=1))
    assert not site.state.exists()


def test_a_state_file_that_does_not_exist_yet_is_a_first_run(site: Config) -> None:
    assert integrity_problems(site.state) == []
    assert build(site, DAY, now=NOW).new_articles == 3
    assert integrity_problems(site.state) == []
    # made without a journal, it is put in place using the write-ahead log, nothing left over
    assert site.state.read_bytes()[18:20] == b"\x02\x02"
    assert not list(site.state.parent.glob(f".{site.state.name}.*"))


def test_a_new_state_file_is_whole_and_synced_before_it_is_put_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_sync, real_link = state_module.sync_file, os.link

    def sync(path: Path) -> None:
        events.append(f"sync {Path(path).name}")
        real_sync(path)

    def link(source: Path, target: Path) -> None:
        # what is about to be put in place: a whole state that uses the write-ahead log
        assert Path(source).read_bytes()[18:20] == b"\x02\x02"
        assert integrity_problems(Path(source)) == []
        events.append(f"link {Path(target).name}")
        real_link(source, target)

    monkeypatch.setattr(state_module, "sync_file", sync)
    monkeypatch.setattr(state_module.os, "link", link)
    path = tmp_path / "digest-state.sqlite"
    state_module.create_state(path)
    assert [e.split()[0] for e in events] == ["sync", "link"]
    assert events[1] == "link digest-state.sqlite"
    assert path.read_bytes()[18:20] == b"\x02\x02"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest-state.sqlite"]


def test_a_database_that_is_not_a_digest_state_is_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()
    with pytest.raises(StateDamagedError, match="not a digest state"), State.open(path):
        pass
    with sqlite3.connect(path) as db:  # untouched: no digest table was added to it
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["notes"]
    db.close()


def test_a_newer_schema_asks_for_an_upgrade_not_a_restore(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with State.open(path):
        pass
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    db.close()
    with pytest.raises(StateError) as caught, State.open(path):
        pass
    assert not isinstance(caught.value, StateDamagedError)
    assert "newer digest (schema 999" in caught.value.problem
    assert "upgrade digest" in caught.value.advice


def test_the_check_reads_and_changes_nothing(site: Config) -> None:
    build(site, DAY, now=NOW)
    before = {p.name: p.stat().st_mtime_ns for p in site.state.parent.iterdir()}
    assert integrity_problems(site.state) == []
    site.state.write_bytes(b"")
    assert integrity_problems(site.state) == ["it is empty (0 bytes)"]
    assert {p.name for p in site.state.parent.iterdir()} == set(before)


def test_a_new_state_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with State.open(path) as state:
        assert state.days() == []
    # made under a temporary name beside it, then linked into place: nothing else is left
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("s.sqlite-")) == [
        "s.sqlite"
    ]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] > 0
    db.close()
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # as any new file is


def test_what_a_killed_creation_left_is_cleared_away(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    left = [tmp_path / ".s.sqlite.0123abcd.new", tmp_path / ".s.sqlite.0123abcd.new-wal"]
    for leftover in left:
        leftover.write_bytes(b"")
        os.utime(leftover, (time.time() - 3600,) * 2)
    with State.open(path):
        pass
    assert not any(leftover.exists() for leftover in left)


# --- another program holding the database -----------------------------------------------------

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('held', 'yes')")
print("holding", flush=True)
sys.stdin.readline()
db.execute("ROLLBACK")
"""


def test_a_database_held_by_another_program_exits_75_and_loses_nothing(
    workdir: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It ended in a raw "sqlite3.OperationalError: database is locked" traceback after 30 s.
    monkeypatch.setattr("digest.state.BUSY_TIMEOUT", 0.5)
    state = workdir / "digest-state.sqlite"
    with State.open(state):
        pass  # an empty state: the seeds are all still new
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        started = time.monotonic()
        assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_LOCKED
        assert time.monotonic() - started < 20
    finally:
        holder.communicate("\n", timeout=10)
    err = capsys.readouterr().err
    assert f"state file {state} is held by another program" in err
    assert "database is locked" in err and "Traceback" not in err
    assert "nothing is lost" in err
    assert not (workdir / "output").exists() or not list((workdir / "output").iterdir())
    # once it lets go, the same build goes through with every article
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    assert "(3 new articles)" in capsys.readouterr().out


def test_busy_inside_a_build_is_a_lock_error_not_a_traceback(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("digest.state.BUSY_TIMEOUT", 0.2)
    path = tmp_path / "s.sqlite"
    with State.open(path):
        pass
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StateLockedError) as caught, State.open(path) as state:
            state.set_meta("k", "v")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert str(path) in caught.value.problem and "try again" not in caught.value.problem
    assert "run again" in caught.value.advice


def test_a_bug_in_a_query_keeps_its_traceback(tmp_path: Path) -> None:
    with (
        pytest.raises(sqlite3.OperationalError, match="no such table"),
        State.open(tmp_path / "s.sqlite") as state,
    ):
        state._db.execute("SELECT * FROM no_such_table")


def test_the_config_s_state_path_is_what_is_checked(site: Config, tmp_path: Path) -> None:
    elsewhere = dataclasses.replace(site, state=tmp_path / "deep" / "er" / "state.sqlite")
    build(elsewhere, DAY, now=NOW)
    assert integrity_problems(elsewhere.state) == []
    assert list(backup_folder(elsewhere.state).glob("*.sqlite"))
