"""``digest run``: build (and send) on a schedule, for people who would rather not use cron.

Built on the ``schedule`` package, with two things it does not do by itself:

* **Timezone and clock.** ``schedule`` reads the wall clock through ``datetime.datetime.now()``
  in the machine's local time. The scheduler hands it a clock that shows the configured
  timezone's wall time instead, so "07:00" means 07:00 in the digest's timezone whatever the
  server's is, and tests drive it with a fake clock instead of waiting.
* **Catching up.** If the machine slept or the process was down at the scheduled time, the job
  runs once on start, not once per missed day: the last run is kept in the state file.

A process that runs for months meets a config file edited under it (a source added with
``digest sources add``, a new schedule): the file is read again when it changes, and an edit
that cannot be used is said once while the scheduler goes on with the config it has. SIGHUP,
the daemons' way to ask for it, has it read at once (``stop_on_signals``).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import schedule

from digest.config import Config, ConfigError
from digest.errors import DigestError
from digest.freshness import file_stamp
from digest.state import RunLock, State, StateLockedError
from digest.usecases import EmailFailedError, build_then_send

if TYPE_CHECKING:
    from digest.pipeline import BuildResult

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]  # returns an aware datetime
# What a job's error means: its exit status (for ``digest run --once``) and its message, or
# None for an error nobody expected (logged with its traceback). The command line knows which
# errors it reports without a traceback, and passes that knowledge in (``digest.cli.exits``).
Explain = Callable[[BaseException], "tuple[int, str] | None"]
LAST_RUN_KEY = "scheduler_last_run"
# Seconds a scheduled job waits for a run started by hand (or by cron) to finish: nobody is
# there to try again.
JOB_LOCK_WAIT = 60.0


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CodeChanged(Exception):
    """digest's code on disk is no longer the code this process runs (an upgrade): raised by
    ``run_forever`` between jobs, for ``digest run`` to start itself again on the new code."""


class JobFailed(Exception):
    """A scheduled job that failed in a way already explained by its message (no traceback)."""


def explain_digest_errors(exc: BaseException) -> tuple[int, str] | None:
    """The default ``Explain``: digest's own errors, and the config's, are explained by their
    message."""
    return (1, str(exc)) if isinstance(exc, DigestError | ConfigError) else None


@dataclass(frozen=True)
class RunReport:
    """What one scheduled job did, for the log line."""

    started: dt.datetime
    ok: bool
    detail: str
    locked: bool = False  # failed because another run held the lock
    status: int = 0  # the exit status of ``digest run --once``: ``Explain``'s, or 1


def last_due(config: Config, now: dt.datetime) -> dt.datetime:
    """The most recent moment at or before ``now`` when the job was due (aware, UTC)."""
    tz = config.timezone
    local_now = now.astimezone(tz)
    if config.schedule.every:
        origin, steps = _interval_steps(config, now)
        due = origin + dt.timedelta(seconds=steps * config.schedule.every)
        return _first_reading(due.replace(tzinfo=tz))
    hour, minute = (int(part) for part in config.schedule.at.split(":"))
    due = dt.datetime.combine(local_now.date(), dt.time(hour, minute), tz)
    if due > local_now:
        due = dt.datetime.combine(
            local_now.date() - dt.timedelta(days=1), dt.time(hour, minute), tz
        )
    return _first_reading(due)


def next_interval_run(config: Config, now: dt.datetime) -> dt.datetime:
    """The first step of the interval grid of ``last_due`` after ``now``, as naive wall time
    in the configured timezone (what ``schedule`` compares its clock with)."""
    every = config.schedule.every or 0
    origin, steps = _interval_steps(config, now)
    due = origin + dt.timedelta(seconds=(steps + 1) * every)
    # a grid of less than a day starts again at the next local midnight
    return min(due, origin + dt.timedelta(days=1)) if every < 86400 else due


def _interval_steps(config: Config, now: dt.datetime) -> tuple[dt.datetime, int]:
    """Where the interval grid starts (naive wall time) and how many steps of it are over.

    Intervals shorter than a day are anchored at local midnight, so "every 6h" means 00,
    06, 12, 18; longer ones at a fixed midnight, so "every 2d" means every other day whether
    or not the process was restarted in between."""
    every = config.schedule.every or 0
    local_now = now.astimezone(config.timezone).replace(tzinfo=None)
    if every < 86400:
        origin = dt.datetime.combine(local_now.date(), dt.time())
    else:
        origin = dt.datetime(2000, 1, 1)
    return origin, int((local_now - origin).total_seconds() // every)


def _first_reading(local: dt.datetime) -> dt.datetime:
    """``local`` (a wall time) in UTC: when the wall clock first shows or passes it. A time
    skipped as the clocks go forward is passed at the change itself, between its two
    readings; the earlier one keeps it at or before that moment."""
    return min(local.astimezone(dt.UTC), local.replace(fold=1).astimezone(dt.UTC))


def missed_run(config: Config, last_run: dt.datetime | None, now: dt.datetime) -> bool:
    """True when a scheduled time has passed since the last run: catch up once on start."""
    return last_run is None or last_run < last_due(config, now)


class Scheduler:
    """Runs ``job`` on the configured schedule until stopped.

    ``clock`` and ``wait`` are injectable: ``wait(seconds)`` returns True when asked to stop
    (the default one returns early, too, when ``reload`` is asked). With ``config_file`` (and
    ``load``, which reads it), the file is read again when it changes, or when ``reload`` asks
    (see ``reread_config``); ``job`` then reads ``self.config`` to use the newest. With
    ``code_changed``, asked each time the loop wakes, it raises ``CodeChanged`` when that
    says so, never while a job runs.
    """

    def __init__(
        self,
        config: Config,
        job: Callable[[], str],
        *,
        clock: Clock = system_clock,
        wait: Callable[[float], bool] | None = None,
        explain: Explain = explain_digest_errors,
        config_file: Path | None = None,
        load: Callable[[Path], Config] | None = None,
        code_changed: Callable[[], bool] | None = None,
    ) -> None:
        self.config = config
        self.job = job
        self.clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by ``stop`` and ``reload``: the wait ends early
        self._reload_asked = False
        self.wait = wait or self._wait_for_wake
        self.explain = explain
        self.reports: list[RunReport] = []
        self._schedule = schedule.Scheduler()
        self._config_file = config_file if load is not None else None
        self._load = load
        self._config_stamp = file_stamp(config_file) if config_file is not None else None
        self._config_read = clock()
        self._registered: tuple[object, ...] = ()  # the schedule and timezone registered
        self._code_changed = code_changed

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def reload(self) -> None:
        """Read the config file again before anything else, changed or not (SIGHUP): at once
        while waiting, after it while a job runs (which goes on with the config it began
        with). Safe to call from a signal handler: it only sets flags."""
        self._reload_asked = True
        self._wake.set()

    def _wait_for_wake(self, seconds: float) -> bool:
        self._wake.wait(seconds)
        self._wake.clear()  # (a reload asked meanwhile is in ``_reload_asked``)
        return self.stopping

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_job(self) -> RunReport:
        """Run the job once now, log its figures, and remember when it ran."""
        self.reread_config()
        started = self.clock()
        try:
            detail = self.job()
            report = RunReport(started, True, detail)
            log.info("scheduled run done: %s", detail)
        except JobFailed as exc:  # explained by its message: no traceback
            log.error("scheduled run failed: %s", exc)
            report = RunReport(started, False, str(exc), status=1)
        except Exception as exc:  # keep the scheduler alive: tomorrow's run may well work
            explained = self.explain(exc)
            if explained is None:
                log.exception("scheduled run failed")
                report = RunReport(started, False, f"{type(exc).__name__}: {exc}", status=1)
            else:  # a broken rules file, a full disk: the message says it all, as in a build
                status, message = explained
                log.error("scheduled run failed: %s", message)
                locked = isinstance(exc, StateLockedError)
                report = RunReport(started, False, message, locked=locked, status=status)
        if report.ok:
            # Only a run that worked counts: after a failed one (the mail server was down),
            # the next start catches up instead of waiting for tomorrow.
            try:
                with State.open(self.config.state) as state:
                    state.set_meta(LAST_RUN_KEY, started.astimezone(dt.UTC).isoformat())
            except DigestError as exc:  # the run is done: the scheduler stays up for the next
                log.warning(
                    "could not note when this run was (%s): if digest run restarts before the "
                    "next one, it runs again",
                    exc,
                )
        self.reports.append(report)
        return report

    def reread_config(self) -> None:
        """Read the config file again if it changed since it was last read (a source added,
        a new schedule): the next job uses it, and the schedule follows it from now. An edit
        that cannot be used is logged once, and the scheduler goes on with the config it has;
        so does one that moves the state file, which the scheduler's lock is on. (Called before
        each job and each time the loop wakes, at least once a minute.) After ``reload``, the
        file is read whether it changed or not: a file edited within the same tick of its
        clock, or put back as it was, looks unchanged."""
        asked, self._reload_asked = self._reload_asked, False
        if self._config_file is None or self._load is None:
            if asked:
                log.warning("no config file to read again: digest run uses the built-in one")
            return
        stamp = file_stamp(self._config_file)
        changed = stamp != self._config_stamp
        if not changed and not asked:
            return
        self._config_stamp = stamp  # (taken before reading: a later write is seen next time)
        kept = (
            f"digest run goes on with the config it read at "
            f"{self._config_read.astimezone(self.config.timezone):%Y-%m-%d %H:%M %Z}"
        )
        try:
            config = self._load(self._config_file)
        except Exception as exc:  # a half-saved or mistaken edit: tomorrow's run must happen
            explained = self.explain(exc)
            if explained is None:
                log.exception("config file %s changed but could not be read", self._config_file)
            else:
                message = explained[1]
                named = "" if str(self._config_file) in message else f" {self._config_file}"
                log.error(
                    "config file%s changed but cannot be used: %s; %s, until it is fixed",
                    named,
                    message,
                    kept,
                )
                # what it would warn of once usable, said with its errors, not after them
                for warning in exc.warnings if isinstance(exc, ConfigError) else ():
                    where = "" if str(self._config_file) in warning else f"{self._config_file}: "
                    log.warning("%s%s", where, warning)
            return
        if config.state != self.config.state:
            log.error(
                "config file %s now names another state file (%s): restart digest run to "
                "use it; %s",
                self._config_file,
                config.state,
                kept,
            )
            return
        self.config, self._config_read = config, self.clock()
        if changed:
            log.info("config file %s changed: read again", self._config_file)
        else:
            log.info("config file %s read again, as asked", self._config_file)

    def last_run(self) -> dt.datetime | None:
        with State.open(self.config.state) as state:
            value = state.get_meta(LAST_RUN_KEY)
        return dt.datetime.fromisoformat(value) if value else None

    def run_forever(self, max_idle: float = 60.0) -> None:
        """Catch up once if a run was missed, then run on schedule until ``stop()``."""
        with _wall_clock_of(self.clock, lambda: self.config.timezone):
            last = self.last_run()
            if missed_run(self.config, last, self.clock()):
                if last is None:  # (nothing was missed: there is no digest yet to read)
                    log.info("no run yet: running now, then on schedule")
                else:
                    log.info("a scheduled run was missed while digest was not running: running now")
                self.run_job()
            self._register()
            while not self.stopping:
                if (
                    self._code_changed is not None
                    and self._code_changed()
                    and not self.stopping  # (asked to stop while it looked: stop, not start)
                ):
                    # An upgrade under a process that runs for months: the pages and entries
                    # it makes would be the old code's, counted as the new code's (the
                    # version is taken once per process), and any module imported from now
                    # on would be the new one's, beside the old ones.
                    raise CodeChanged
                self.reread_config()
                if self._registered != (self.config.schedule, self.config.timezone):
                    # The config's schedule was edited (before what is pending runs on the
                    # old one): a time the new one has passed today without a run is missed,
                    # as on a start, and caught up now rather than tomorrow.
                    try:
                        last = self.last_run()
                    except DigestError as exc:  # (the state cannot be read: the job says so)
                        log.error("the schedule was changed, but %s", exc)
                        last = self.clock()
                    if missed_run(self.config, last, self.clock()):
                        log.info("the schedule was changed to a time already passed: running now")
                        self.run_job()
                    self._register()
                runs = len(self.reports)
                self._schedule.run_pending()
                if self._registered != (self.config.schedule, self.config.timezone):
                    self._register()  # edited again, as the job read it
                elif self.config.schedule.every and len(self.reports) > runs:
                    # ``schedule`` counts the interval from when the job ended: back on the grid
                    for job in self._schedule.jobs:
                        job.next_run = next_interval_run(self.config, self.clock())
                idle = self._schedule.idle_seconds
                delay = max_idle if idle is None else min(max(idle, 0.0), max_idle)
                if self.wait(delay):
                    break
        log.info("scheduler stopped")

    def _register(self) -> None:
        self._registered = (self.config.schedule, self.config.timezone)
        self._schedule.clear()
        every = self.config.schedule.every
        if every:
            # Next run on the interval grid anchored at local midnight (see last_due).
            job = self._schedule.every(every).seconds.do(self.run_job)
            job.next_run = next_interval_run(self.config, self.clock())
        else:
            self._schedule.every().day.at(self.config.schedule.at).do(self.run_job)
        log.info("next run at %s (%s)", self._schedule.next_run, self.config.tz_name)


@contextmanager
def _wall_clock_of(clock: Clock, timezone: Callable[[], dt.tzinfo]) -> Iterator[None]:
    """Make ``schedule`` see ``clock`` as naive wall time in ``timezone()`` (the config's,
    which an edit may change) while the block runs."""

    class WallClock(dt.datetime):
        @classmethod
        def now(cls, tz_arg: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            moment = clock()
            if tz_arg is not None:
                return moment.astimezone(tz_arg)
            return moment.astimezone(timezone()).replace(tzinfo=None)

    shim = types.ModuleType("datetime")
    shim.__dict__.update(dt.__dict__)
    shim.datetime = WallClock  # type: ignore[attr-defined]
    original = schedule.datetime
    schedule.datetime = shim
    try:
        yield
    finally:
        schedule.datetime = original


@contextmanager
def stop_on_signals(scheduler: Scheduler) -> Iterator[None]:
    """SIGTERM and SIGINT let the job in hand finish, then stop the loop. A second Ctrl-C
    stops the job too, as Ctrl-C stops ``digest build`` (whose state and pages stay as they
    were, or as it left them whole): someone at the terminal who presses it again means now.

    SIGHUP reads the config file again now (after the job in hand, if one runs), as daemons
    do (``systemctl reload``, ``kill -HUP``): its default ended the process, and with it
    every run to come, when it was sent to have an edit read."""

    def handler(signum: int, _frame: object) -> None:
        if signum == signal.SIGINT and scheduler.stopping:
            raise KeyboardInterrupt
        # (Ctrl-C is pressed at a terminal; SIGTERM comes from systemd or kill, whose log
        # the advice to press it again would only puzzle)
        again = " (Ctrl-C again stops it now)" if signum == signal.SIGINT else ""
        log.info(
            "received %s: finishing the job in hand, then stopping%s",
            signal.Signals(signum).name,
            again,
        )
        scheduler.stop()

    def reload(_signum: int, _frame: object) -> None:
        log.info("received SIGHUP: reading the config file again")
        scheduler.reload()

    handlers: dict[signal.Signals, Callable[[int, object], None]]
    handlers = {signal.SIGTERM: handler, signal.SIGINT: handler}
    if hasattr(signal, "SIGHUP"):  # (not on Windows)
        handlers[signal.SIGHUP] = reload
    previous = {sig: signal.signal(sig, action) for sig, action in handlers.items()}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def scheduler_lock(config: Config) -> RunLock:
    """A lock of its own (builds take the run lock), so a second scheduler refuses to start."""
    return RunLock(config.state, name="scheduler.lock", holder="scheduler")


def scheduled_job(config: Config, *, clock: Clock = system_clock) -> str:
    """One scheduled run: ``usecases.build_then_send``, waiting a while for the lock.

    Returns the figures for the log line; raises if the build or the email failed.
    """
    try:
        done = build_then_send(config, now=clock(), lock_wait=JOB_LOCK_WAIT)
    except EmailFailedError as exc:
        _log_build(exc.built)
        raise JobFailed(str(exc)) from exc
    _log_build(done.built)
    for cut in done.sent.cuts if done.sent else ():
        log.info("email: %s", cut)
    return done.summary_line


def _log_build(built: BuildResult) -> None:
    """What the build has to say beyond its summary line, as ``digest build`` says it: its
    problems, what a first run of new sources took as read, and its notes (entries held for
    a later day, a missing ``site_url``). The build happened whether or not its email then
    went out, and a first run's note is said by this run or never: the next one reads the
    sources as known."""
    _log_problems(built)
    if built.first_run_note:
        log.info("%s", built.first_run_note)
    for note in built.notes:
        log.info("%s", note)


def _log_problems(built: BuildResult) -> None:
    """The build's failed sources and warnings, each once (``digest.report``): as warnings,
    so that ``digest run -q`` (or a journal filtered to warnings) shows only these."""
    from digest.report import notices

    for notice in notices(
        built.failures,
        built.warnings,
        built.unread_pages,
        each_page=log.isEnabledFor(logging.DEBUG),
        verbose_command="digest run -v",
    ):
        log.warning("%s", notice)
