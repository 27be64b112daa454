"""digest run, as a user types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.cli import EXIT_LOCKED, EXIT_USAGE, main
from digest.state import RunLock


def test_run_once_while_a_build_holds_the_lock_exits_75(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import digest.pipeline
    import digest.scheduler

    # The real job waits up to a minute for the lock; this one gives up at once.
    monkeypatch.setattr(
        digest.scheduler, "scheduled_job", lambda config: digest.pipeline.build(config).summary_line
    )
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["run", "--once", "-q"]) == EXIT_LOCKED


def test_a_job_that_fails_as_a_build_would_is_logged_without_a_traceback_and_exits_alike(
    workdir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A rules file of the user's with a mistake: 'digest build' says "rules error: ..." and
    # exits 2; the scheduled job must log the same line, not a traceback into the journal
    # (every day, for a mistake the message explains), and --once exit as the build does
    (workdir / "myrules.toml").write_text('[[rules]]\nid = "x"\n', encoding="utf-8")
    (workdir / "digest.toml").write_text(
        'rules = "myrules.toml"\n[[sources]]\npath = "seeds"\n', encoding="utf-8"
    )
    with caplog.at_level("ERROR", logger="digest.scheduler"):
        assert main(["run", "--once", "-q"]) == EXIT_USAGE
    assert "Traceback" not in caplog.text
    assert "scheduled run failed: rules error: " in caplog.text
    assert "unknown key 'rules'" in caplog.text


def test_what_the_scheduler_logs_is_one_line_per_event(workdir: Path) -> None:
    # A file named with a line break in a folder source: 'digest build' prints its warning
    # escaped; 'digest run' logs it to the journal, where it must not start a line of its
    # own ("... WARNING digest.scheduler: every source was read") nor carry an escape sequence
    import os
    import re
    import subprocess
    import sys

    notes = workdir / "notes"
    notes.mkdir()
    (notes / "real.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after a week of repairs.\n",
        encoding="utf-8",
    )
    (notes / "x\nwarning: every source was read\x1b[2K.txt").write_text("", encoding="utf-8")
    (workdir / "digest.toml").write_text('[[sources]]\npath = "notes"\n', encoding="utf-8")
    code = Path(__file__).resolve().parent.parent  # this checkout's digest, not an installed one
    done = subprocess.run(
        [sys.executable, "-m", "digest", "run", "--once", "-q"],
        cwd=workdir,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any("WARNING digest.scheduler:" in line for line in lines), done.stderr
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ digest[.\w]*: ")
    assert all(stamp.match(line) for line in lines), done.stderr
    assert "\x1b" not in done.stderr and "\\n" in done.stderr
