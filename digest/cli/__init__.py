"""The ``digest`` command line: each command's module parses its arguments, calls a use case
(``digest.usecases``) and prints.

``main`` turns what went wrong into a message on standard error and an exit status (see
``digest.cli.exits``): 0 done (even if some sources failed: their errors are printed and
listed in the digest), 1 the job could not be done, 2 a usage or configuration error, 75
another run holds the lock (try again later, as sysexits' EX_TEMPFAIL says); which error gets
which is decided in one place, ``digest.cli.exits.FAILURES``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from digest.cli.console import error
from digest.cli.exits import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, REPORTED, failure
from digest.cli.parser import build_parser

__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(getattr(args, "verbose", 0) - getattr(args, "quiet", 0))
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except REPORTED as exc:  # each with its status and words: see digest.cli.exits
        status, message = failure(exc)
        error(message)
        return status


def _configure_logging(level: int) -> None:
    logging.basicConfig(
        # INFO by default: one line per source and run, which is what a log wants; -q keeps
        # only warnings (what a crontab wants), -v adds debugging detail.
        level=logging.INFO - 10 * max(-2, min(level, 1)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
