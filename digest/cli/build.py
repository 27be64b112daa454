"""``digest build``: build a day's digest into the output folder."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from digest import usecases
from digest.cli.console import error, note, progress_reporter, report_problems
from digest.cli.exits import EXIT_OK, EXIT_USAGE
from digest.cli.options import load, parse_day

if TYPE_CHECKING:
    from digest.pipeline import BuildResult


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    build = commands.add_parser(
        "build",
        parents=[common],
        help="build a day's digest into the output folder",
        description="Read every source, clean and summarise new articles, and write the day's "
        "page (YYYY-MM-DD.html), index.html, archive.html and feed.atom into the output "
        "folder. Building the same day again replaces that day's page and feed entry. "
        "With -v, each article the include/exclude rules took out is listed with the rule.",
    )
    build.add_argument(
        "--date",
        type=parse_day,
        help="the day to build, as YYYY-MM-DD (default: today in the configured timezone)",
    )
    build.set_defaults(handler=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    config = load(args)
    try:
        result = usecases.build_day(config, args.date, progress=progress_reporter(args.quiet > 0))
    except usecases.DayError as exc:
        error(f"--date {exc.problem}; {exc.advice}")
        return EXIT_USAGE
    show_build(result, args)
    return EXIT_OK


def show_build(
    result: BuildResult,
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    command: str = "digest build",
) -> None:
    """What a build has to say, as ``digest build`` says it: its problems (all ``-q``
    keeps), then, unless ``-q``, what its first run took as read, its summary line and the
    files written (to ``out``, standard output by default) and its notes. ``digest send``
    says the same of the build it runs first: a cron job that only sends must hear of a
    broken feed too. ``command`` is the one named for ``-v``."""
    out = out or sys.stdout
    report_problems(
        result.failures,
        result.warnings,
        result.unread_pages,
        verbose=args.verbose > 0,
        command=command,
    )
    if args.quiet:
        return
    if result.first_run_note:
        note(result.first_run_note)
    print(result.summary_line, file=out)
    if args.verbose:
        for filtered in result.filtered:
            print(f"  filtered out {filtered}", file=out)
    for path in result.written:
        print(f"  wrote {path}", file=out)
    for line in result.notes:
        note(line)
