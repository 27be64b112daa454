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
import signal
import sys
import threading
from collections.abc import Sequence

from digest.cli.console import CommandLineFormatter, OneLineFormatter, error, warn
from digest.cli.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_USAGE,
    failure_lines,
    failure_warnings,
    reported,
)
from digest.cli.parser import build_parser

__all__ = ["EXIT_FAILED", "EXIT_LOCKED", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(
        getattr(args, "verbose", 0) - getattr(args, "quiet", 0),
        journal=getattr(args, "journal", False),
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    ctrl_c = _CtrlC.install()
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
        if isinstance(exc, KeyboardInterrupt) and ctrl_c.said:
            return EXIT_INTERRUPTED  # (said as it was pressed)
        return _report(exc)
    finally:
        ctrl_c.done()


class _CtrlC:
    """What Ctrl-C does while a command runs, and while the process then ends.

    The first says at once, in one line, that digest is stopping, and stops the command as
    Python's own handler does (``KeyboardInterrupt``: a build's state and pages are left as
    they were, or as it left them whole). That takes a moment: a fetch still waiting for its
    server is left behind (``digest.sources.http.fetching``). A second Ctrl-C meanwhile, or
    as the process ends, ends it at once, as a kill would: Python's handler raised it
    wherever the interpreter was, and during its exit printed a traceback ("Exception ignored
    in: <module 'threading'>").
    """

    def __init__(self, installed: bool) -> None:
        self._installed = installed
        self._pressed_once = False
        self.said = False  # the line was said as Ctrl-C was pressed

    @classmethod
    def install(cls) -> _CtrlC:
        """Handle SIGINT as above, unless something else decides what it does (it is ignored:
        a job started in the background; a handler of the caller's) or this is not the main
        thread, where no handler can be set."""
        if (
            threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            return cls(installed=False)
        ctrl_c = cls(installed=True)
        signal.signal(signal.SIGINT, ctrl_c._pressed)
        return ctrl_c

    def done(self) -> None:
        """The command is over: Python's own handler again (for a caller of ``main`` that
        goes on), unless Ctrl-C was pressed, when the process is ending."""
        if self._installed and not self._pressed_once:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _pressed(self, _signum: int, _frame: object) -> None:
        if self._pressed_once:
            os._exit(EXIT_INTERRUPTED)
        self._pressed_once = True
        self.said = _say_now("digest: interrupted, stopping")
        raise KeyboardInterrupt


def _say_now(line: str) -> bool:
    """Write ``line`` to standard error from a signal handler: straight to its file, since
    the handler may run in the middle of a write to ``sys.stderr``, which would refuse to be
    called again. Whether it was said."""
    try:
        start = "\n" if sys.stderr.isatty() else ""  # (a progress bar may be on the line)
        os.write(sys.stderr.fileno(), f"{start}{line}\n".encode())
    except (AttributeError, OSError, ValueError):  # (no file: a stream a test put there)
        return False
    return True


def _report(exc: BaseException) -> int:
    status, messages = failure_lines(exc)
    for message in messages:
        error(message)
    for message in failure_warnings(exc):
        warn(message)
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


def _configure_logging(verbosity: int, *, journal: bool) -> None:
    """Where log records go: standard error, as ``journal`` lines (``digest run``, whose
    output is a log: time, level and logger, INFO by default, one line per source and run)
    or as the other commands' own lines are (``CommandLineFormatter``: a warning as a
    "warning:" line, the detail of INFO and DEBUG only with -v). -q keeps only warnings
    (what a crontab wants), -v adds debugging detail, -qq only errors."""
    handler = logging.StreamHandler(sys.stderr)
    if journal:
        handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        level = logging.INFO - 10 * max(-2, min(verbosity, 1))
    else:
        # (digest send's "sent <message id> to ... via ...", with its time and level, beside
        # the line saying what was sent to whom, read as something else)
        handler.setFormatter(CommandLineFormatter())
        level = logging.DEBUG if verbosity > 0 else logging.WARNING
        level = logging.ERROR if verbosity < -1 else level
    logging.basicConfig(level=level, handlers=[handler])
