"""digest run, as a user types it."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.cli import EXIT_LOCKED, main
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
