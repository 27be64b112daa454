"""``digest run``: build (and send) every day on the configured schedule."""

from __future__ import annotations

import argparse

from digest import usecases
from digest.cli.exits import EXIT_FAILED, EXIT_LOCKED, EXIT_OK
from digest.cli.options import load


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    run = commands.add_parser(
        "run",
        parents=[common],
        help="build (and send) every day on the configured schedule",
        description="Stay running and build the digest (and email it, if [email] is "
        "configured) daily at [schedule] at, or every [schedule] every. A run missed while "
        "the machine slept is caught up once on start. SIGTERM or Ctrl-C finishes the job in "
        "hand and exits.",
    )
    run.add_argument("--once", action="store_true", help="do one scheduled job now and exit")
    run.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from digest.scheduler import Scheduler, scheduled_job, scheduler_lock, stop_on_signals

    config = load(args)
    usecases.require_sources(config)  # not a scheduler building empty digests for months
    scheduler = Scheduler(config, lambda: scheduled_job(config))
    with scheduler_lock(config):
        if args.once:
            # The job logs what it did (its figures, or why it failed) and what went wrong
            # on the way: printed again here, a cron mail would say everything twice.
            report = scheduler.run_job()
            if report.locked:
                return EXIT_LOCKED
            return EXIT_OK if report.ok else EXIT_FAILED
        with stop_on_signals(scheduler):
            scheduler.run_forever()
    return EXIT_OK
