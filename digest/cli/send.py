"""``digest send``: email a day's digest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digest import usecases
from digest.cli.console import error, warn
from digest.cli.exits import EXIT_FAILED, EXIT_OK
from digest.cli.options import load, parse_day


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    send = commands.add_parser(
        "send",
        parents=[common],
        help="email a day's digest",
        description="Email the day's digest (built first if it has not been) to the [email] "
        "recipients, as a multipart text + HTML message. The SMTP password comes from "
        "email.password_env or email.password_file, never from the command line. A day "
        "already sent is refused unless --force.",
    )
    send.add_argument("--date", type=parse_day, help="the day to send (default: today)")
    send.add_argument("--force", action="store_true", help="send even if already sent")
    send.add_argument(
        "--dry-run", action="store_true", help="print the message instead of sending it"
    )
    send.add_argument(
        "--to-file", type=Path, metavar="FILE", help="with --dry-run: write the .eml here"
    )
    send.set_defaults(handler=cmd_send)


def cmd_send(args: argparse.Namespace) -> int:
    from digest.mail import MailError

    config = load(args)
    try:
        result = usecases.send_day(
            config,
            args.date,
            force=args.force,
            dry_run=args.dry_run,
            to_file=args.to_file,
            out=sys.stdout,
        )
    except MailError as exc:
        error(exc.problem)
        if exc.advice:
            print(f"  what to do: {exc.advice}", file=sys.stderr)
        return EXIT_FAILED
    for cut in result.cuts:
        warn(cut)
    if not (args.dry_run and args.to_file is None) and not args.quiet:
        print(result.summary_line)
    return EXIT_OK
