"""``digest send``: email a day's digest."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digest import usecases
from digest.cli.build import show_build
from digest.cli.console import error, note, progress_reporter
from digest.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from digest.cli.options import load, parse_day


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    send = commands.add_parser(
        "send",
        parents=[common],
        help="email a day's digest",
        description="Email the day's digest (built first if it has not been) to the [email] "
        "recipients, as a multipart text + HTML message. The SMTP password comes from "
        "email.password_env or email.password_file, never from the command line. A day "
        "already sent is not sent again (it says so and exits 0) unless --force. --dry-run "
        "needs no [email] table: without one, placeholder addresses are used.",
    )
    send.add_argument("--date", type=parse_day, help="the day to send (default: today)")
    send.add_argument("--force", action="store_true", help="send again if already sent")
    send.add_argument(
        "--dry-run", action="store_true", help="print the message instead of sending it"
    )
    send.add_argument(
        "--to-file", type=Path, metavar="FILE", help="with --dry-run: write the .eml here"
    )
    send.set_defaults(handler=cmd_send)


def cmd_send(args: argparse.Namespace) -> int:
    from digest.mail import AlreadySentError, MailError

    config = load(args)
    preview = args.dry_run or args.to_file is not None
    printed = args.dry_run and args.to_file is None  # the message goes to standard output
    try:
        result = usecases.send_day(
            config,
            args.date,
            force=args.force,
            dry_run=args.dry_run,
            to_file=args.to_file,
            out=sys.stdout,
            progress=progress_reporter(args.quiet > 0),
            # A day not built yet is built first: what that build found (a feed that failed,
            # a first run's note) is said as 'digest build' says it, before the email goes,
            # so that a failed email hides none of it. Its lines keep out of a message
            # printed to standard output.
            on_build=lambda built: show_build(
                built, args, out=sys.stderr if printed else None, command="digest send"
            ),
        )
    except usecases.DayError as exc:  # (as 'digest build --date' says it)
        error(f"--date {exc.problem}; {exc.advice}")
        return EXIT_USAGE
    except AlreadySentError as exc:
        # A daily job run twice (by hand, or a catch-up) meets this: nothing is wrong, and
        # cron would mail an error for it. Said, unless -q; --force sends again.
        if not args.quiet:
            print(f"{exc.problem}; not sent again ({exc.advice})")
        return EXIT_OK
    except MailError as exc:
        error(exc.problem)
        if exc.advice:
            print(f"  what to do: {exc.advice}", file=sys.stderr)
        return EXIT_FAILED
    # A busy day's email is fitted under the clip by design: worth knowing, nothing to do, so
    # a note (a cron job run with -q is not mailed about it every busy day).
    if not args.quiet:
        for cut in result.cuts:
            note(cut)
    if preview and config.email is None and not args.quiet:
        placeholder = usecases.preview_email(config)
        note(
            f"{config.path or 'the config'} has no [email] table: the preview is from "
            f"{placeholder.sender} to {', '.join(placeholder.recipients)}, placeholders; "
            "add [email] with from, to and smtp_host to send it"
        )
    if not printed and not args.quiet:
        print(result.summary_line)
    return EXIT_OK
