"""The scheduler, driven by a fake clock: no real waiting."""

import dataclasses
import datetime as dt
import functools
import os
import signal
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from digest.config import Config, EmailConfig, ScheduleConfig
from digest.scheduler import (
    LAST_RUN_KEY,
    Scheduler,
    last_due,
    missed_run,
    scheduler_lock,
    stop_on_signals,
)
from digest.state import State, StateLockedError

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


class FakeClock:
    """A clock that moves only when the scheduler waits; stops the loop at ``until``."""

    def __init__(self, start: dt.datetime, until: dt.datetime) -> None:
        self.now = start
        self.until = until
        self.waits: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += dt.timedelta(seconds=max(seconds, 0.001))
        return self.now >= self.until


def make_config(tmp_path: Path, **schedule: object) -> Config:
    return Config(
        state=tmp_path / "state.sqlite",
        output=tmp_path / "out",
        timezone=PARIS,
        schedule=ScheduleConfig(**schedule),
    )


def set_last_run(config: Config, when: dt.datetime) -> None:
    with State.open(config.state) as state:
        state.set_meta(LAST_RUN_KEY, when.isoformat())


def test_daily_runs_at_local_time_in_configured_timezone(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    set_last_run(config, start - dt.timedelta(hours=1))  # ran after yesterday's 07:00
    clock = FakeClock(start, until=start + dt.timedelta(days=3))
    runs: list[dt.datetime] = []
    scheduler = Scheduler(
        config, lambda: runs.append(clock()) or "ok", clock=clock, wait=clock.wait
    )
    scheduler.run_forever()
    local = [r.astimezone(PARIS) for r in runs]
    assert [(t.day, t.hour, t.minute) for t in local] == [(20, 7, 0), (21, 7, 0), (22, 7, 0)]
    assert all(w <= 60 for w in clock.waits)  # it wakes at least every minute to notice signals


def test_missed_run_is_caught_up_once_not_per_missed_day(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    set_last_run(config, start - dt.timedelta(days=4))  # asleep for four days
    clock = FakeClock(start, until=start + dt.timedelta(hours=2))
    runs: list[dt.datetime] = []
    Scheduler(
        config, lambda: runs.append(clock()) or "ok", clock=clock, wait=clock.wait
    ).run_forever()
    assert runs == [start]


def test_a_missed_run_says_it_was_missed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    set_last_run(config, start - dt.timedelta(days=1))
    clock = FakeClock(start, until=start + dt.timedelta(minutes=5))
    with caplog.at_level("INFO", logger="digest.scheduler"):
        Scheduler(config, lambda: "ok", clock=clock, wait=clock.wait).run_forever()
    assert "a scheduled run was missed while digest was not running" in caplog.text


def test_first_start_with_no_history_runs_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(minutes=5))
    runs: list[dt.datetime] = []
    with caplog.at_level("INFO", logger="digest.scheduler"):
        Scheduler(
            config, lambda: runs.append(clock()) or "ok", clock=clock, wait=clock.wait
        ).run_forever()
    assert runs == [start]
    # nothing was missed on a first start: no digest had been made yet
    assert "no run yet: running now" in caplog.text and "missed" not in caplog.text
    with State.open(config.state) as state:
        assert state.get_meta(LAST_RUN_KEY) == start.isoformat()


def test_interval_schedule_runs_on_the_grid(tmp_path: Path) -> None:
    config = make_config(tmp_path, every=6 * 3600)
    start = dt.datetime(2026, 11, 20, 0, 30, tzinfo=UTC)  # 01:30 Paris
    set_last_run(config, start - dt.timedelta(minutes=30))  # after the 00:00 slot
    clock = FakeClock(start, until=start + dt.timedelta(hours=13))
    runs: list[dt.datetime] = []
    Scheduler(
        config, lambda: runs.append(clock()) or "ok", clock=clock, wait=clock.wait
    ).run_forever()
    assert [r.astimezone(PARIS).hour for r in runs] == [6, 12]


def test_interval_runs_stay_on_the_grid_however_long_each_takes(tmp_path: Path) -> None:
    config = make_config(tmp_path, every=7 * 3600)  # 00, 07, 14, 21, then 00 again
    start = dt.datetime(2026, 11, 20, 0, 30, tzinfo=UTC)  # 01:30 Paris
    set_last_run(config, start - dt.timedelta(minutes=30))  # after the 00:00 slot
    clock = FakeClock(start, until=start + dt.timedelta(hours=24))
    runs: list[dt.datetime] = []

    def job() -> str:
        runs.append(clock())
        clock.now += dt.timedelta(minutes=10)  # a build takes a while
        return "ok"

    Scheduler(config, job, clock=clock, wait=clock.wait).run_forever()
    local = [r.astimezone(PARIS) for r in runs]
    assert [(t.day, t.hour, t.minute) for t in local] == [
        (20, 7, 0), (20, 14, 0), (20, 21, 0), (21, 0, 0)
    ]  # fmt: skip


def test_last_due_at_a_time_the_clocks_skip_is_not_in_the_future(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="02:30")
    # 29 March 2026 in Paris: 02:00 becomes 03:00, so 02:30 is passed at 01:00 UTC.
    now = dt.datetime(2026, 3, 29, 1, 5, tzinfo=UTC)  # 03:05 in Paris
    assert last_due(config, now) <= now
    ran = dt.datetime(2026, 3, 29, 1, 0, 1, tzinfo=UTC)  # when the wall clock passed 02:30
    assert not missed_run(config, ran, now + dt.timedelta(hours=1))
    every = make_config(tmp_path, every=150 * 60)  # 00:00, 02:30, 05:00...
    assert last_due(every, now) <= now


def test_an_interval_of_days_is_not_shortened_by_a_restart(tmp_path: Path) -> None:
    config = make_config(tmp_path, every=2 * 86400)
    ran = last_due(config, dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC))
    assert not missed_run(config, ran, ran + dt.timedelta(days=1, hours=12))
    assert missed_run(config, ran, ran + dt.timedelta(days=2))


def test_an_interval_of_days_is_not_caught_up_every_day(tmp_path: Path) -> None:
    config = make_config(tmp_path, every=7 * 86400)
    now = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    # run 23 hours ago: a week has not passed, and no run of the weekly grid was missed
    assert not missed_run(config, now - dt.timedelta(hours=23), now)
    assert missed_run(config, now - dt.timedelta(days=8), now)
    due = last_due(config, now)
    assert due <= now < due + dt.timedelta(days=7)
    assert due.astimezone(PARIS).time() == dt.time(0, 0)
    # the grid stays put from one day to the next
    assert last_due(config, now + dt.timedelta(days=1)) in (due, due + dt.timedelta(days=7))


def test_a_failing_job_is_logged_and_the_scheduler_keeps_going(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(days=1, hours=1))
    calls = iter([RuntimeError("disk full"), "built"])

    def job() -> str:
        outcome = next(calls)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    scheduler = Scheduler(config, job, clock=clock, wait=clock.wait)
    scheduler.run_forever()
    assert [(r.ok, r.detail) for r in scheduler.reports] == [
        (False, "RuntimeError: disk full"),
        (True, "built"),
    ]


def test_a_run_that_cannot_be_recorded_is_logged_and_the_scheduler_keeps_going(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The build worked, but its time cannot be written down (another program holds the
    # state file past the wait, a full disk): 'digest run' says so and stays up for the
    # next run, rather than ending on a traceback
    import sqlite3

    from digest import state as state_module

    config = make_config(tmp_path, at="07:00")
    with State.open(config.state):
        pass
    monkeypatch.setattr(state_module, "BUSY_TIMEOUT", 0.1)
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(days=1, hours=1))
    blocker = sqlite3.connect(config.state, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # held through the first run's bookkeeping
    runs: list[str] = []

    def job() -> str:
        runs.append("built")
        if len(runs) == 2:
            blocker.execute("ROLLBACK")
        return "built"

    try:
        scheduler = Scheduler(config, job, clock=clock, wait=clock.wait)
        with caplog.at_level("WARNING", logger="digest.scheduler"):
            scheduler.run_forever()  # a first run at once (it never ran), then at 07:00
    finally:
        blocker.close()
    assert [r.ok for r in scheduler.reports] == [True, True]
    assert "could not note when this run was" in caplog.text
    assert scheduler.last_run() is not None  # the second run's time, once the file was free


def test_last_due_and_missed_run_across_dst(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    # The night clocks go back in Paris (25 October 2026): 07:00 local is 06:00 UTC after it.
    now = dt.datetime(2026, 10, 25, 6, 30, tzinfo=UTC)
    assert last_due(config, now) == dt.datetime(2026, 10, 25, 6, 0, tzinfo=UTC)
    assert missed_run(config, dt.datetime(2026, 10, 24, 5, 0, tzinfo=UTC), now)
    assert not missed_run(config, dt.datetime(2026, 10, 25, 6, 1, tzinfo=UTC), now)


def test_second_scheduler_refuses_to_start(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with (
        scheduler_lock(config),
        pytest.raises(StateLockedError, match="scheduler"),
        scheduler_lock(config),
    ):
        pass


def test_sigterm_lets_the_job_in_hand_finish_then_stops(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(days=5))
    finished: list[str] = []

    def job() -> str:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-job
        finished.append("job completed after the signal")
        return "ok"

    scheduler = Scheduler(config, job, clock=clock, wait=clock.wait)
    with stop_on_signals(scheduler):
        scheduler.run_forever()
    assert finished == ["job completed after the signal"]
    assert clock.now < start + dt.timedelta(minutes=2)  # stopped instead of waiting for tomorrow


def test_a_second_ctrl_c_stops_the_job_in_hand(tmp_path: Path) -> None:
    # the first lets the build finish; someone who presses it again wants to stop now, as
    # Ctrl-C stops 'digest build' (exit 130), not to wait for a build of many minutes
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(days=5))
    finished: list[str] = []

    def job() -> str:
        os.kill(os.getpid(), signal.SIGINT)
        finished.append("went on after the first")
        os.kill(os.getpid(), signal.SIGINT)
        finished.append("went on after the second")
        return "ok"

    scheduler = Scheduler(config, job, clock=clock, wait=clock.wait)
    with stop_on_signals(scheduler), pytest.raises(KeyboardInterrupt):
        scheduler.run_forever()
    assert finished == ["went on after the first"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


def test_a_failed_run_does_not_count_so_the_next_start_catches_up(tmp_path: Path) -> None:
    config = make_config(tmp_path, at="07:00")
    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    clock = FakeClock(start, until=start + dt.timedelta(minutes=1))

    def failing() -> str:
        raise RuntimeError("mail server down")

    Scheduler(config, failing, clock=clock, wait=clock.wait).run_forever()
    with State.open(config.state) as state:
        assert state.get_meta(LAST_RUN_KEY) is None
    assert missed_run(config, None, clock())


def test_a_job_whose_email_fails_is_logged_without_a_traceback_and_the_site_is_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from ports import closed_port
    from seedsite import copy_seeds

    from digest.model import Source
    from digest.scheduler import scheduled_job

    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    seeds = copy_seeds(tmp_path, start - dt.timedelta(hours=3))
    config = dataclasses.replace(
        make_config(tmp_path, at="07:00"),
        sources=(Source("seeds", "folder", str(seeds)),),
        email=local_email(closed_port(), ("ana@example.org",)),  # (nothing listens there)
    )
    clock = FakeClock(start, until=start)
    scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
    with caplog.at_level("ERROR", logger="digest.scheduler"):
        report = scheduler.run_job()
    assert not report.ok and not report.locked
    assert report.detail.startswith("2026-11-20: 1 story (3 new articles); 1 source read")
    assert "; email failed: cannot connect to the SMTP server 127.0.0.1:" in report.detail
    assert "Traceback" not in caplog.text and report.detail in caplog.text
    assert (config.output / "2026-11-20.html").is_file()
    assert scheduler.last_run() is None  # the next start catches up and tries again


def test_a_config_file_edited_while_it_runs_is_read_again_and_a_broken_edit_is_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # 'digest run' stays up for months: a source added (digest sources add), a new time, a
    # title changed must reach the next run without a restart; an edit it cannot use (saved
    # half-way, a typo) must neither stop it nor go unsaid, nor be said every minute
    from digest.config import load_config

    config_file = tmp_path / "digest.toml"

    def write(at: str, title: str, extra: str = "") -> None:
        config_file.write_text(
            f'title = "{title}"\ntimezone = "Europe/Paris"\nstate = "state.sqlite"\n'
            f'[schedule]\nat = "{at}"\n[[sources]]\npath = "notes"\n{extra}',
            encoding="utf-8",
        )

    write("07:00", "Morning")
    start = dt.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)  # 06:00 in Paris
    config = load_config(config_file)
    set_last_run(config, start - dt.timedelta(hours=1))
    clock = FakeClock(start, until=start + dt.timedelta(days=3))
    runs: list[tuple[dt.datetime, str]] = []
    edits = iter(
        [
            lambda: write("09:30", "Later"),  # read again: the next run is at 09:30
            lambda: write("09:30", "Broken", extra="[[sources]\n"),  # not TOML: kept as it was
            lambda: None,
            lambda: None,
        ]
    )

    def job() -> str:
        runs.append((clock(), scheduler.config.title))
        next(edits)()
        return "ok"

    scheduler = Scheduler(
        config, job, clock=clock, wait=clock.wait, config_file=config_file, load=load_config
    )
    with caplog.at_level("INFO", logger="digest.scheduler"):
        scheduler.run_forever()
    local = [(t.astimezone(PARIS).day, f"{t.astimezone(PARIS):%H:%M}", title) for t, title in runs]
    # (a time moved later runs again that day: the pages are rebuilt, no email goes twice)
    assert local == [
        (20, "07:00", "Morning"), (20, "09:30", "Later"), (21, "09:30", "Later"),
        (22, "09:30", "Later"),
    ]  # fmt: skip
    broken = [r.getMessage() for r in caplog.records if "cannot be used" in r.getMessage()]
    assert len(broken) == 1  # said once, not each minute the loop wakes
    assert "not valid TOML" in broken[0]
    assert "goes on with the config it read at 2026-11-20 07:0" in broken[0]  # (woke at 07:01)
    assert "Traceback" not in caplog.text


def test_an_edit_refused_on_reading_again_says_its_warnings_with_its_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from digest.config import load_config

    config_file = tmp_path / "digest.toml"
    usable = 'state = "state.sqlite"\n[[sources]]\npath = "notes"\n'
    config_file.write_text(usable, encoding="utf-8")
    config = load_config(config_file)
    scheduler = Scheduler(
        config, lambda: "ok", config_file=config_file, load=load_config, wait=lambda _: None
    )
    # a key misspelt, and one feed in two entries: an error and a warning
    config_file.write_text(
        'titel = "Morning"\nstate = "state.sqlite"\n'
        '[[sources]]\nurl = "https://example.org/feed.xml"\n'
        '[[sources]]\nurl = "https://example.org/feed.xml"\nname = "again"\n',
        encoding="utf-8",
    )
    with caplog.at_level("INFO", logger="digest.scheduler"):
        scheduler.reload()
        scheduler.reread_config()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(errors) == 1 and "unknown key 'titel'" in errors[0]
    assert len(warnings) == 1 and "[[sources]] #1 (line 4) and [[sources]] #2" in warnings[0]
    assert scheduler.config is config  # (it goes on with the config it had)


def test_an_edit_that_moves_the_state_file_is_not_taken_while_it_runs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the scheduler's lock is on the state it started with: a second 'digest run' on the new
    # state would not see it, and both would build
    from digest.config import load_config

    config_file = tmp_path / "digest.toml"
    config_file.write_text('state = "a.sqlite"\n[[sources]]\npath = "notes"\n', encoding="utf-8")
    config = load_config(config_file)
    scheduler = Scheduler(config, lambda: "ok", config_file=config_file, load=load_config)
    config_file.write_text('state = "b.sqlite"\n[[sources]]\npath = "notes"\n', encoding="utf-8")
    with caplog.at_level("ERROR", logger="digest.scheduler"):
        scheduler.reread_config()
    assert scheduler.config.state == tmp_path / "a.sqlite"
    assert "now names another state file" in caplog.text and "restart digest run" in caplog.text


def write_schedule(config_file: Path, at: str) -> None:
    """A config file whose job runs daily at ``at``, Paris time (edited while a test runs)."""
    config_file.write_text(
        f'timezone = "Europe/Paris"\nstate = "state.sqlite"\n[schedule]\nat = "{at}"\n'
        '[[sources]]\npath = "notes"\n',
        encoding="utf-8",
    )


def edited_while_it_waits(
    tmp_path: Path,
    edit: Callable[[Callable[[str], None], Config], None],
    job: Callable[[FakeClock], str],
    hours: float,
) -> Scheduler:
    """A scheduler at 10:00, Paris time, whose config runs the job daily at 18:00 and ran it
    yesterday; ``edit(write_at, config)`` edits the config as the scheduler first waits. Its
    clock stops ``hours`` later."""
    from digest.config import load_config

    config_file = tmp_path / "digest.toml"
    write = functools.partial(write_schedule, config_file)
    write("18:00")
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    config = load_config(config_file)
    set_last_run(config, start - dt.timedelta(hours=16))  # yesterday's 18:00 run
    clock = FakeClock(start, until=start + dt.timedelta(hours=hours))

    def wait(seconds: float) -> bool:
        if clock.now == start:
            edit(write, config)  # edited while the scheduler waits
        return clock.wait(seconds)

    return Scheduler(
        config,
        lambda: job(clock),
        clock=clock,
        wait=wait,
        config_file=config_file,
        load=load_config,
    )


@pytest.mark.parametrize(("moved_to", "first_run"), [("06:00", "10:01"), ("11:00", "11:00")])
def test_a_schedule_moved_while_it_runs_treats_a_time_passed_today_as_missed(
    tmp_path: Path, moved_to: str, first_run: str
) -> None:
    # at 10:00, with today's 18:00 run still to come, the time is moved to 06:00: today's run
    # is missed, as it would be on a start, and is caught up now rather than tomorrow; moved
    # to 11:00, it waits for 11:00
    runs: list[dt.datetime] = []

    def job(clock: FakeClock) -> str:
        runs.append(clock())
        return "ok"

    scheduler = edited_while_it_waits(tmp_path, lambda write, _: write(moved_to), job, 20)
    scheduler.run_forever()
    local = [f"{t.astimezone(PARIS):%d %H:%M}" for t in runs]
    assert local[0] == f"20 {first_run}"
    assert not any(run.startswith("20 18:00") for run in local)  # the old time is gone


def test_a_state_that_cannot_be_read_when_the_schedule_is_edited_does_not_end_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the schedule is edited while the state file is damaged (a disk error, a bad restore):
    # 'digest run' says so and goes on with the new schedule, as a job meeting it would
    def damage_and_edit(write: Callable[[str], None], config: Config) -> None:
        config.state.write_bytes(b"not a database, not at all" * 100)
        write("11:00")

    scheduler = edited_while_it_waits(tmp_path, damage_and_edit, lambda _: "ok", 2)
    with caplog.at_level("INFO", logger="digest.scheduler"):
        scheduler.run_forever()  # returns: it did not end with the state's error
    assert "the schedule was changed, but" in caplog.text
    assert scheduler.reports and scheduler.reports[0].ok  # 11:00's job ran


def test_a_job_after_one_whose_email_a_server_refused_for_now_sends_it_to_them_alone(
    tmp_path: Path,
) -> None:
    # bruno's server answered "try again later" (4xx): the next job of the day (an interval
    # run, 'digest run --once' from cron again) sends the day to him, and only to him
    from seedsite import copy_seeds
    from smtpserver import Recorder, smtp_server

    from digest.model import Source
    from digest.scheduler import scheduled_job

    class Deferring(Recorder):
        tries = 1

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "bruno@example.org" and self.tries:
                self.tries -= 1
                return "451 4.7.1 greylisted, try again later"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    seeds = copy_seeds(tmp_path, start - dt.timedelta(hours=3))
    handler = Deferring()
    with smtp_server(handler) as port:
        config = dataclasses.replace(
            make_config(tmp_path, every="1h"),
            sources=(Source("seeds", "folder", str(seeds)),),
            email=local_email(port, ("ana@example.org", "bruno@example.org")),
        )
        clock = FakeClock(start, until=start)
        scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
        first = scheduler.run_job()
        assert not first.ok and "451 4.7.1 greylisted" in first.detail
        clock.now += dt.timedelta(hours=1)
        second = scheduler.run_job()
        assert second.ok and second.detail.endswith("; emailed to 1 recipient(s)")
        clock.now += dt.timedelta(hours=1)
        assert scheduler.run_job().detail.endswith("; already emailed today")
    assert [e.rcpt_tos for e in handler.envelopes] == [["ana@example.org"], ["bruno@example.org"]]


def test_a_daily_job_sends_an_earlier_days_email_to_those_refused_for_now_alone(
    tmp_path: Path,
) -> None:
    # at = "07:00": bruno's and carla's servers answered "try again later" (4xx) to the
    # 20th's email; the next job builds the 21st, so they never had the 20th. The next job
    # sends it to them, alone (carla has left email.to since: not to her), and never again.
    from seedsite import copy_seeds
    from smtpserver import Recorder, smtp_server

    from digest.model import Source
    from digest.scheduler import scheduled_job

    class Deferring(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.tries = {"bruno@example.org": 1, "carla@example.org": 1}

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if self.tries.get(address):
                self.tries[address] -= 1
                return "451 4.7.1 greylisted, try again later"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    start = dt.datetime(2026, 11, 20, 6, 0, tzinfo=UTC)  # 07:00 in Paris
    seeds = copy_seeds(tmp_path, start - dt.timedelta(hours=3))
    handler = Deferring()
    everyone = ("ana@example.org", "bruno@example.org", "carla@example.org")
    with smtp_server(handler) as port:
        email = local_email(port, everyone)
        config = dataclasses.replace(
            make_config(tmp_path, at="07:00"),
            sources=(Source("seeds", "folder", str(seeds)),),
            email=email,
        )
        clock = FakeClock(start, until=start)
        first = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
        assert not first.run_job().ok
        config = dataclasses.replace(
            config, email=dataclasses.replace(email, recipients=everyone[:2])
        )
        clock.now += dt.timedelta(days=1)
        scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
        second = scheduler.run_job()
        assert second.ok, second.detail
        assert "2026-11-20's email sent to bruno@example.org" in second.detail
        clock.now += dt.timedelta(days=1)
        third = scheduler.run_job()
        assert third.ok and "2026-11-20" not in third.detail
    days = [parse_subject(e.original_content) for e in handler.envelopes]
    assert [(e.rcpt_tos, day) for e, day in zip(handler.envelopes, days, strict=True)] == [
        (["ana@example.org"], "20"),
        (["ana@example.org", "bruno@example.org"], "21"),
        (["bruno@example.org"], "20"),
        (["ana@example.org", "bruno@example.org"], "22"),
    ]
    with State.open(config.state) as state:
        assert state.sent_to(dt.date(2026, 11, 20)) == ("ana@example.org", "bruno@example.org")
        assert state.deferred_days(since=dt.date(2026, 11, 1)) == ()


def test_a_job_whose_catch_up_fails_still_says_that_todays_email_went_out(
    tmp_path: Path,
) -> None:
    # bruno's server refuses the 20th's email, takes the 21st's, then refuses the 20th's
    # again: the job fails (bruno still waits for the 20th) but must not read as if the
    # 21st's email had not gone out
    from seedsite import copy_seeds
    from smtpserver import Recorder, smtp_server

    from digest.model import Source
    from digest.scheduler import scheduled_job

    class Deferring(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.tries = 0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == "bruno@example.org":
                self.tries += 1
                if self.tries in (1, 3):
                    return "451 4.7.1 greylisted, try again later"
            return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    start = dt.datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    seeds = copy_seeds(tmp_path, start - dt.timedelta(hours=3))
    handler = Deferring()
    with smtp_server(handler) as port:
        email = local_email(port, ("ana@example.org", "bruno@example.org"))
        config = dataclasses.replace(
            make_config(tmp_path, at="07:00"),
            sources=(Source("seeds", "folder", str(seeds)),),
            email=email,
        )
        clock = FakeClock(start, until=start)
        scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
        assert not scheduler.run_job().ok
        clock.now += dt.timedelta(days=1)
        second = scheduler.run_job()
    assert not second.ok
    assert "2026-11-21's email went to 2 recipient(s)" in second.detail, second.detail
    assert "2026-11-20" in second.detail
    with State.open(config.state) as state:
        assert state.sent_to(dt.date(2026, 11, 21)) == ("ana@example.org", "bruno@example.org")
        assert state.deferred_recipients(dt.date(2026, 11, 20)) == ("bruno@example.org",)


def local_email(port: int, recipients: tuple[str, ...]) -> EmailConfig:
    """[email] for the SMTP server on this machine's ``port``, as a job sends the day."""
    return EmailConfig(
        sender="digest@example.org",
        recipients=recipients,
        smtp_host="127.0.0.1",
        smtp_port=port,
        security="none",
        timeout=5.0,
    )


def parse_subject(content: bytes) -> str:
    """The day of the month a digest email's Subject names."""
    import email
    import email.policy
    import re

    subject = str(email.message_from_bytes(content, policy=email.policy.default)["Subject"])
    found = re.search(r"\b(\d{1,2})\b", subject)
    assert found, subject
    return found.group(1)


def test_a_job_whose_email_fails_still_says_what_a_new_feeds_first_run_took_as_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The build went through: the new feed's older entries are taken as read for good, and
    # the next job reads the feed as a known one, so this job is the only one that can say so.
    from email.utils import format_datetime

    from ports import closed_port

    from digest.model import Source
    from digest.scheduler import scheduled_job

    start = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    items = "".join(
        f"<item><title>Quay works, week {n}</title><link>https://quay.example/{n}</link>"
        f"<pubDate>{format_datetime(start - dt.timedelta(days=2 + n))}</pubDate>"
        f"<description>The quay wall was repaired in week {n}.</description></item>"
        for n in range(3)
    )
    feed = tmp_path / "quay.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Quay</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    config = dataclasses.replace(
        make_config(tmp_path, at="07:00"),
        sources=(Source("Quay", "feed", str(feed)),),
        email=local_email(closed_port(), ("ana@example.org",)),  # (nothing listens there)
    )
    clock = FakeClock(start, until=start)
    scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
    with caplog.at_level("INFO", logger="digest.scheduler"):
        report = scheduler.run_job()
    assert not report.ok and "email failed" in report.detail
    assert "3 older entries of new sources (Quay: 3) taken as read, not shown" in caplog.text
    # and its notes, as `digest build` says them
    assert "site_url is not set" in caplog.text
