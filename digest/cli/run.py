"""``digest run``: build (and send) every day on the configured schedule."""

from __future__ import annotations

import argparse

from digest import usecases
from digest.cli.exits import EXIT_OK, failure, reported
from digest.cli.options import load
from digest.config import Config, find_config, load_config


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="build (and send) every day on the configured schedule",
        description="Stay running and build the digest (and email it, if [email] is "
        "configured) daily at [schedule] at, or every [schedule] every. A run missed while "
        "the machine slept is caught up once on start. SIGTERM or Ctrl-C finishes the job in "
        "hand and exits (Ctrl-C again stops the job too). The config file is read again when "
        "it changes.",
    )
    run.add_argument("--once", action="store_true", help="do one scheduled job now and exit")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from digest.scheduler import Scheduler, scheduled_job, scheduler_lock, stop_on_signals

    config = _usable(load(args))
    scheduler = Scheduler(
        config,
        lambda: scheduled_job(scheduler.config),  # the config as last read (it may be edited)
        explain=_explain,
        config_file=find_config(args.config),
        load=lambda path: _usable(load_config(path)),
    )
    with scheduler_lock(config):
        if args.once:
            # The job logs what it did (its figures, or why it failed) and what went wrong
            # on the way: printed again here, a cron mail would say everything twice. Its
            # status is the one the same failure of 'digest build' or 'send' exits with.
            return scheduler.run_job().status
        with stop_on_signals(scheduler):
            scheduler.run_forever()
    return EXIT_OK


def _usable(config: Config) -> Config:
    usecases.require_sources(config)  # not a scheduler building empty digests for months
    return config


def _explain(exc: BaseException) -> tuple[int, str] | None:
    """A failed job's exit status and message, as the command line reports the same error
    without a traceback (a rules file of the user's that is broken, a full disk); None for
    one it does not expect (logged with its traceback)."""
    return failure(exc) if reported(exc) else None
