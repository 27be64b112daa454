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


def test_a_full_disk_names_the_file_and_says_the_earlier_outputs_are_intact(
    workdir: Path,
) -> None:
    # It said "cannot write or read: No space left on device", without saying which file. A
    # real failed write: the process may not write a file past 48 KB (as a full disk would
    # stop it), and the day's page, with one long article, is larger than that.
    import resource
    import signal
    import subprocess
    import sys

    from seedsite import SEEDS_DAY

    long_article = workdir / "seeds" / "long.txt"
    long_article.write_text(
        "Title: The harbour wall, stone by stone\n\n"
        + "\n\n".join(f"Paragraph {n} of the long account of the repair." * 20 for n in range(60)),
        encoding="utf-8",
    )
    stamp = os.stat(workdir / "seeds" / sorted(os.listdir(workdir / "seeds"))[0]).st_mtime
    os.utime(long_article, (stamp, stamp))

    def run(limit: int | None) -> subprocess.CompletedProcess[str]:
        def small_disk() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return subprocess.run(
            [sys.executable, "-m", "digest", "build", "-q", "--date", SEEDS_DAY],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=small_disk if limit else None,
        )

    assert run(None).returncode == 0
    page = workdir / "output" / f"{SEEDS_DAY}.html"
    assert page.stat().st_size > 48 * 1024
    before = {p.name: p.read_bytes() for p in (workdir / "output").iterdir()}
    # a new article, so that the next build has pages to write (with nothing new, it would
    # leave them alone and write nothing)
    newer = workdir / "seeds" / "newer.txt"
    newer.write_text(
        "Title: Ferry timetable changes from Monday\n\nThe ferry company said on Friday that "
        "the first crossing would leave twenty minutes earlier from Monday.",
        encoding="utf-8",
    )
    os.utime(newer, (stamp, stamp))
    failed = run(48 * 1024)
    assert failed.returncode == 1, failed.stderr
    assert f"could not write {workdir / 'output'}/" in failed.stderr
    assert "File too large" in failed.stderr and "Traceback" not in failed.stderr
    assert "free some space on its disk" in failed.stderr
    assert "the earlier outputs and the state are as they were" in failed.stderr
    assert {p.name: p.read_bytes() for p in (workdir / "output").iterdir()} == before
