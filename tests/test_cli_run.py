"""digest run, as a user types it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpserver import FixtureServer

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


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Paper {n}</title><link>https://example.org/</link>
<description>News</description><item><title>Ferry timetable changes {n}</title>
<link>https://example.org/{n}</link><guid>https://example.org/{n}</guid>
<pubDate>{date}</pubDate><description>The harbour council agreed a new ferry timetable
after a long debate about winter crossings and the costs of repairs.</description></item>
</channel></rss>
"""


def _group_members(group: int) -> list[int]:
    """The processes of process group ``group`` still running (zombies left out)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_sigterm_to_the_whole_group_mid_build_stops_in_order(
    tmp_path: Path, http_server: FixtureServer, no_proxies: None
) -> None:
    # systemd stops a service by sending SIGTERM to every process of its control group: the
    # build's worker processes, and the process that forks them, get it as 'digest run' does.
    # The build must still finish as the job in hand (its sources read by the workers, none
    # "lost"), then digest run exit 0 saying why it stopped, the state sound.
    import contextlib
    import datetime as dt
    import os
    import signal
    import subprocess
    import sys
    import time

    from digest.intake import POOL_MIN_SOURCES, pool_workers
    from digest.state import State, integrity_problems

    if not pool_workers(POOL_MIN_SOURCES):
        pytest.skip("one core: a build starts no worker process")
    now = dt.datetime.now(dt.UTC)
    sources = []
    for n in range(POOL_MIN_SOURCES):
        body = FEED.format(n=n, date=now.strftime("%a, %d %b %Y %H:%M:%S +0000"))
        # slow enough that the build is still fetching, its workers up, when it is stopped
        http_server.route(f"/{n}.xml", body=body, delay=2.0, headers={"Content-Type": "text/xml"})
        sources.append(f'[[sources]]\nname = "Paper {n}"\nurl = "{http_server.url(f"/{n}.xml")}"\n')
    (tmp_path / "digest.toml").write_text(
        "[fetch]\nallow_private = true\nfull_text_limit = 0\nworkers = 20\n" + "".join(sources),
        encoding="utf-8",
    )
    code = Path(__file__).resolve().parent.parent  # this checkout's digest
    path = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))
    log = tmp_path / "run.log"
    with log.open("wb") as written:
        process = subprocess.Popen(
            [sys.executable, "-m", "digest", "run"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": path},
            stdout=subprocess.DEVNULL,
            stderr=written,
            start_new_session=True,  # its own process group, as a service's control group
        )
    group = process.pid
    try:
        deadline = time.monotonic() + 60
        # digest run, the process that forks the workers, and the workers
        while len(_group_members(group)) < 3:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no worker process started"
            time.sleep(0.05)
        time.sleep(0.3)
        os.killpg(group, signal.SIGTERM)
        assert process.wait(60) == 0, log.read_text()
        text = log.read_text()
        assert "received SIGTERM" in text
        assert "Ctrl-C" not in text  # (advice for a terminal, not for a service's log)
        assert "lost" not in text and "Traceback" not in text, text
        assert "scheduled run done: " in text and "40 sources" in text, text
        assert text.rstrip().endswith("scheduler stopped"), text
        assert integrity_problems(tmp_path / "digest-state.sqlite") == []
        with State.open(tmp_path / "digest-state.sqlite") as state:
            assert state.get_meta("scheduler_last_run") is not None  # the job counted
        deadline = time.monotonic() + 15
        while _group_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group_members(group) == []
    finally:
        for pid in _group_members(group):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)


def test_sighup_reads_the_config_again_at_once_and_keeps_running(workdir: Path) -> None:
    # 'systemctl reload' and 'kill -HUP' send SIGHUP to have an edit read: it ended the
    # process (the default), and every run to come with it. It must read the config now,
    # not at the loop's next wake-up (up to a minute later), and go on.
    import os
    import re
    import signal
    import subprocess
    import sys
    import time

    config = workdir / "digest.toml"
    config.write_text('[schedule]\nat = "03:00"\n[[sources]]\npath = "seeds"\n', encoding="utf-8")
    code = Path(__file__).resolve().parent.parent  # this checkout's digest
    path = os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))
    log = workdir / "run.log"

    def wait_for(pattern: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while not re.search(pattern, text := log.read_text(encoding="utf-8")):
            assert process.poll() is None, f"digest run ended ({process.returncode}):\n{text}"
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{text}"
            time.sleep(0.05)
        return text

    with log.open("wb") as written:
        process = subprocess.Popen(
            [sys.executable, "-m", "digest", "run"],
            cwd=workdir,
            env={**os.environ, "PYTHONPATH": path},
            stdout=subprocess.DEVNULL,
            stderr=written,
        )
    try:
        wait_for(r"next run at \S+ 03:00:00", 120)  # the catch-up run done, waiting
        time.sleep(0.2)  # (well into its wait of up to a minute)
        config.write_text(
            '[schedule]\nat = "04:30"\n[[sources]]\npath = "seeds"\n', encoding="utf-8"
        )
        process.send_signal(signal.SIGHUP)
        text = wait_for(r"next run at \S+ 04:30:00", 10)
        assert "received SIGHUP" in text and "changed: read again" in text
        # asked again with nothing changed: read all the same, and said so
        process.send_signal(signal.SIGHUP)
        wait_for("read again, as asked", 10)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert log.read_text(encoding="utf-8").rstrip().endswith("scheduler stopped")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


class CopiedRun:
    """``digest run`` as a process, on a copy of digest's code (as installed) that a test
    upgrades under it; its log is read by ``wait_for``."""

    def __init__(self, workdir: Path, installed: Path) -> None:
        import os
        import shutil
        import subprocess

        checkout = Path(__file__).resolve().parent.parent
        for part in ("digest", "templates"):  # (the built-in templates beside it, as checked out)
            # With the compiled modules (their sources keep their times): each digest the test
            # starts, where PYTHONDONTWRITEBYTECODE is set, compiled every module again. A file
            # the test rewrites changes size, so Python compiles it from its new text all the same.
            shutil.copytree(checkout / part, installed / part)
        (workdir / "digest.toml").write_text(
            '[schedule]\nat = "03:00"\n[[sources]]\npath = "seeds"\n', encoding="utf-8"
        )
        self.installed = installed
        self.log = workdir / "run.log"
        path = os.pathsep.join(filter(None, [str(installed), os.environ.get("PYTHONPATH")]))
        with self.log.open("wb") as written:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "digest", "run"],
                cwd=workdir,
                env={**os.environ, "PYTHONPATH": path},
                stdout=subprocess.DEVNULL,
                stderr=written,
            )

    def wait_for(self, pattern: str, seconds: float, count: int = 1) -> str:
        import re
        import time

        deadline = time.monotonic() + seconds
        while len(re.findall(pattern, text := self.log.read_text(encoding="utf-8"))) < count:
            assert self.process.poll() is None, (
                f"digest run ended ({self.process.returncode}):\n{text}"
            )
            assert time.monotonic() < deadline, f"no {pattern!r} ({count}) in:\n{text}"
            time.sleep(0.05)
        return text

    def signal(self, number: int) -> None:
        self.process.send_signal(number)

    def stopped_cleanly(self) -> bool:
        """SIGTERM: it exits 0, with no traceback in its log."""
        import signal

        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30) == 0 and "Traceback" not in self.log.read_text("utf-8")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def copied_run(workdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CopiedRun]:
    run = CopiedRun(workdir, tmp_path_factory.mktemp("site-packages"))
    try:
        yield run
    finally:
        run.close()


@pytest.mark.slow
def test_an_upgrade_under_a_running_scheduler_starts_it_again_between_jobs(
    copied_run: CopiedRun,
) -> None:
    # 'pip install -U' while 'digest run' runs for months: it went on with the old code in
    # memory, counted as the old version (the pages and entries it made were never made
    # again by the new one), and imported any module it had not yet imported from the new
    # files, beside the old ones. It must start again on the new code, between jobs.
    import signal

    copied_run.wait_for("next run at", 120)  # the catch-up run done, waiting
    with (copied_run.installed / "digest" / "present.py").open("a", encoding="utf-8") as upgraded:
        upgraded.write("\n# a new version\n")
    copied_run.signal(signal.SIGHUP)  # (wakes it now: else within a minute)
    text = copied_run.wait_for("next run at", 30, count=2)  # started again, and waiting
    assert "digest run starts again to use it" in text
    assert text.count("scheduled run done") == 1  # the run was not done again
    assert copied_run.process.poll() is None
    assert copied_run.stopped_cleanly()


@pytest.mark.slow
def test_an_upgrade_that_does_not_start_keeps_the_scheduler_on_the_code_it_runs(
    copied_run: CopiedRun,
) -> None:
    # An upgrade caught half-way (pip writes its files over a few seconds), or a broken one:
    # digest run exec'd the new code, which died on import with a traceback, and with it the
    # scheduler and every run to come. It must say so in one line and go on with the code it
    # runs, then start again once the files are whole.
    import signal

    copied_run.wait_for("next run at", 120)  # the catch-up run done, waiting
    broken = copied_run.installed / "digest" / "cli" / "run.py"
    whole = broken.read_text(encoding="utf-8")
    broken.write_text(whole + "\nthis is not Python (\n", encoding="utf-8")
    copied_run.signal(signal.SIGHUP)  # (wakes it now: else within a minute)
    text = copied_run.wait_for("the new code does not start", 30)
    assert "SyntaxError" in text and "Traceback" not in text, text
    # it goes on, and says it once, not at each wake-up
    copied_run.signal(signal.SIGHUP)
    copied_run.wait_for("read again, as asked", 30, count=2)
    assert copied_run.process.poll() is None
    assert copied_run.log.read_text(encoding="utf-8").count("does not start") == 1
    # the upgrade completed: it starts again on it
    broken.write_text(whole + "\n# a new version\n", encoding="utf-8")
    copied_run.signal(signal.SIGHUP)
    text = copied_run.wait_for("next run at", 30, count=2)
    assert "digest run starts again to use it" in text
    assert text.count("scheduled run done") == 1
    assert copied_run.stopped_cleanly()


def test_a_probe_of_new_code_ended_by_a_signal_does_not_count_against_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # systemd's stop goes to the whole group: the probe dies of SIGTERM with digest run, and
    # "the new code does not start (exit status -15)" would be a false alarm
    from digest.cli import run

    killed = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"]
    monkeypatch.setattr(run, "_own_command", lambda: killed)
    with pytest.raises(run._ProbeEnded):
        run._does_not_start()
    failing = [sys.executable, "-c", "raise SystemExit('broken: no module named digest.x')"]
    monkeypatch.setattr(run, "_own_command", lambda: failing)
    assert run._does_not_start() == "broken: no module named digest.x"
