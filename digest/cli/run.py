"""``digest run``: build (and send) every day on the configured schedule."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from digest import usecases
from digest.cli.exits import EXIT_OK, failure, reported
from digest.cli.options import load
from digest.config import Config, find_config, load_config

log = logging.getLogger("digest.scheduler")


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="build (and send) every day on the configured schedule",
        description="Stay running and build the digest (and email it, if [email] is "
        "configured) daily at [schedule] at, or every [schedule] every. A run missed while "
        "the machine slept is caught up once on start. SIGTERM or Ctrl-C finishes the job in "
        "hand and exits (Ctrl-C again stops the job too). The config file is read again when "
        "it changes, and at once on SIGHUP.",
    )
    run.add_argument("--once", action="store_true", help="do one scheduled job now and exit")
    # what it says is a log (a journal's, a file's): each line with its time and level
    run.set_defaults(handler=cmd_run, journal=True)


def cmd_run(args: argparse.Namespace) -> int:
    from digest.freshness import code_version
    from digest.scheduler import (
        CodeChanged,
        Scheduler,
        scheduled_job,
        scheduler_lock,
        stop_on_signals,
    )

    config = _usable(load(args))
    upgrade = _Upgrade(code_version())  # taken now, before any build: the code this runs
    scheduler = Scheduler(
        config,
        lambda: scheduled_job(scheduler.config),  # the config as last read (it may be edited)
        explain=_explain,
        config_file=find_config(args.config),
        load=lambda path: _usable(load_config(path)),
        code_changed=upgrade.ready,
    )
    try:
        with scheduler_lock(config):
            if args.once:
                # The job logs what it did (its figures, or why it failed) and what went wrong
                # on the way: printed again here, a cron mail would say everything twice. Its
                # status is the one the same failure of 'digest build' or 'send' exits with.
                return scheduler.run_job().status
            with stop_on_signals(scheduler):
                scheduler.run_forever()
    except CodeChanged:
        _start_again()
    return EXIT_OK


# How long the code on disk must stay the same before it is started: an upgrade writes its
# files over a few seconds, and a process started half-way would not start at all.
CODE_SETTLE_SECONDS = 2.0


class _Upgrade:
    """Whether digest's code on disk is a new one that this process can start again on: it
    differs from ``imported`` (the code this process runs), has stopped changing, and starts
    (its command line imports). A new code that does not start (an upgrade caught half-way,
    or a broken one) is logged once, and ``digest run`` goes on with the code it runs until
    the files change again: exec'ing it ended the process with a traceback, and every run to
    come with it."""

    def __init__(self, imported: str) -> None:
        self.imported = imported
        self._refused: str | None = None  # the code on disk found not to start

    def ready(self) -> bool:
        import time

        from digest.freshness import code_on_disk

        first = code_on_disk()
        if first in (self.imported, self._refused):
            return False
        time.sleep(CODE_SETTLE_SECONDS)
        try:
            problem = _does_not_start()
        except _ProbeEnded:
            return False  # (a stop sent to the whole group ended it too: not the code's fault)
        if code_on_disk() != first:
            return False  # still being written: looked at again when the loop next wakes
        if problem is not None:
            self._refused = first
            log.error(
                "digest's code changed on disk, but the new code does not start (%s): digest "
                "run goes on with the code it runs, and starts again once the files change "
                "again (reinstall or upgrade digest)",
                problem,
            )
            return False
        return True


def _own_command() -> list[str]:
    """The command this process was started with, as far as its program: 'python -m digest'
    or the 'digest' script with its interpreter (and the interpreter's options), without
    the arguments digest reads."""
    given = len(sys.argv) - 1
    return list(sys.orig_argv[: len(sys.orig_argv) - given] if given else sys.orig_argv)


class _ProbeEnded(Exception):
    """The probe of the new code was ended by a signal before it could tell."""


def _does_not_start() -> str | None:
    """Why digest's code on disk does not start (the last line of its error), or None when it
    does: its command line loaded anew, as the command run again would load it. Raises
    ``_ProbeEnded`` when a signal ended the probe (systemd's stop goes to the whole group)."""
    import subprocess

    try:
        done = subprocess.run(
            [*_own_command(), "--version"],
            executable=sys.executable,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        raise _ProbeEnded(done.returncode)
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def _start_again() -> None:
    """Replace this process with the same command, run anew on digest's code as it is now
    on disk: the same process id (a service manager or a container still sees it), working
    folder and environment. The scheduler's lock, left here, is taken again (its file
    descriptor is closed on exec); the last run is in the state, so nothing is run twice."""
    log.info("digest's code changed on disk (an upgrade): digest run starts again to use it")
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    # as it was started: 'python -m digest run', or the 'digest' script (with its interpreter)
    os.execv(sys.executable, sys.orig_argv)


def _usable(config: Config) -> Config:
    usecases.require_sources(config)  # not a scheduler building empty digests for months
    return config


def _explain(exc: BaseException) -> tuple[int, str] | None:
    """A failed job's exit status and message, as the command line reports the same error
    without a traceback (a rules file of the user's that is broken, a full disk); None for
    one it does not expect (logged with its traceback)."""
    return failure(exc) if reported(exc) else None
