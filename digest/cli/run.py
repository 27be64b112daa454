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
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from digest.freshness import code_on_disk, code_version
    from digest.scheduler import (
        CodeChanged,
        Scheduler,
        scheduled_job,
        scheduler_lock,
        stop_on_signals,
    )

    config = _usable(load(args))
    imported = code_version()  # taken now, before any build: the code this process runs
    scheduler = Scheduler(
        config,
        lambda: scheduled_job(scheduler.config),  # the config as last read (it may be edited)
        explain=_explain,
        config_file=find_config(args.config),
        load=lambda path: _usable(load_config(path)),
        code_changed=lambda: code_on_disk() != imported,
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
