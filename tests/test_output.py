"""digest.output: atomic writes, staged publishing, and cleaning up after a killed run."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import pytest

from digest.config import Config
from digest.model import Source
from digest.output import StagedFiles, remove_leftovers, write_atomic
from digest.pipeline import build


def test_write_atomic_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "feed.atom"
    target.write_text("old")
    write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert [p.name for p in tmp_path.iterdir()] == ["feed.atom"]


def test_discarded_files_never_replace_the_old_ones(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    target.write_text("yesterday")
    staged = StagedFiles()
    staged.add(target, "today")
    staged.discard()
    assert target.read_text() == "yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def _leftover(folder: Path, name: str, age: float) -> Path:
    fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    then = time.time() - age
    os.utime(path, (then, then))
    return Path(path)


def test_leftovers_of_a_killed_run_are_removed_and_nothing_else(tmp_path: Path) -> None:
    stale = _leftover(tmp_path, "2026-11-21.html", age=7200)
    fresh = _leftover(tmp_path, "index.html", age=10)  # a run may still be writing it
    own = tmp_path / ".notes.tmp"  # not a name digest makes
    own.write_text("mine")
    os.utime(own, (time.time() - 7200,) * 2)
    assert remove_leftovers(tmp_path) == 1
    assert not stale.exists() and fresh.exists() and own.exists()


def test_a_build_cleans_up_what_a_killed_build_left(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    output = tmp_path / "out"
    output.mkdir()
    stale = _leftover(output, "2026-11-20.html", age=86400)
    config = Config(
        title="T",
        sources=(Source("seeds", "folder", str(seeds)),),
        output=output,
        state=tmp_path / "state.sqlite",
    )
    build(config, dt.date(2026, 11, 21), now=dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC))
    assert not stale.exists()
    assert not [p for p in output.iterdir() if p.name.endswith(".tmp")]


def test_missing_folder_is_no_error(tmp_path: Path) -> None:
    assert remove_leftovers(tmp_path / "not-there") == 0


@pytest.mark.parametrize("name", [".feed.atom.abcd1234.tmp", ".2026-11-21.html.x_9y8z7w.tmp"])
def test_leftover_names(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("")
    os.utime(path, (time.time() - 7200,) * 2)
    assert remove_leftovers(tmp_path) == 1
