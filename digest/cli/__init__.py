"""The ``digest`` command line: each command's module parses its arguments, calls a use case
(``digest.usecases``) and prints.

``main`` turns what went wrong into a message on standard error and an exit status (see
``digest.cli.exits``): 0 done (even if some sources failed: their errors are printed and
listed in the digest), 1 the job could not be done, 2 a usage or configuration error, 75
another run holds the lock (try again later, as sysexits' EX_TEMPFAIL says), 141 the reader
of its output went away (``| head``), said nothing of; which error gets which is decided in
one place, ``digest.cli.exits.failures``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Sequence

from digest.cli.console import OneLineFormatter, error
from digest.cli.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    failure_lines,
    reported,
)
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
        status: int = args.handler(args)
        sys.stdout.flush()  # a pipe's buffer is written here, where a closed pipe is caught
        return status
    except BrokenPipeError as exc:
        if not _stdout_reader_gone():
            return _report(exc)  # a connection of ours, not the terminal's pipe
        # `digest sources list | head`: the reader has what it wanted. Stop quietly, as other
        # Unix tools do, and keep Python from complaining when it flushes stdout at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except BaseException as exc:  # each reported with its status and words: digest.cli.exits
        if not reported(exc):
            raise
        return _report(exc)


def _report(exc: BaseException) -> int:
    status, messages = failure_lines(exc)
    for message in messages:
        error(message)
    return status


def _stdout_reader_gone() -> bool:
    """Whether standard output is a pipe whose reading end was closed."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def _configure_logging(level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(
        # INFO by default: one line per source and run, which is what a log wants; -q keeps
        # only warnings (what a crontab wants), -v adds debugging detail.
        level=logging.INFO - 10 * max(-2, min(level, 1)),
        handlers=[handler],
    )
