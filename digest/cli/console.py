"""What the commands show on the terminal besides their results: errors, warnings, progress.

Results go to standard output; everything else goes to standard error, so that a command's
output can be piped or redirected while the user still sees what went wrong.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from digest.model import SourceFailure, UnreadPage


def error(message: str) -> None:
    print(f"digest: {escaped(message)}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"warning: {escaped(message)}", file=sys.stderr)


def note(message: str) -> None:
    """Something worth knowing that asks for nothing: callers leave it out under ``-q``."""
    print(f"note: {escaped(message)}", file=sys.stderr)


# Line breaks and other control characters, as a message may carry them from a file's name or
# a server's answer: shown escaped ("\\n"), so that none starts a line of its own (a forged
# "warning:" in the mail cron sends) or moves a terminal's cursor.
_CONTROL = {
    code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if code != 0x09
} | {0x0A: "\\n", 0x0D: "\\r", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def escaped(message: object) -> str:
    """``message`` as one line of plain text (see ``_CONTROL``)."""
    return str(message).translate(_CONTROL)


class OneLineFormatter(logging.Formatter):
    """Log records as ``logging.Formatter`` writes them, each message on one line
    (``escaped``): what ``digest run`` logs to the journal carries file names and servers'
    answers as the warnings printed by a build do. A traceback, which only an error nobody
    expected has, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return escaped(super().formatMessage(record))


class CommandLineFormatter(logging.Formatter):
    """Log records among a command's own lines, said as those are (``error``, ``warn``,
    ``note``): "digest: " before an error, "warning: " before a warning, "note: " before
    the detail -v shows; each message on one line (``escaped``), a traceback (an error
    nobody expected) with its own lines after it. ``digest run``'s log, which is a log,
    keeps its time, level and logger (``OneLineFormatter``)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.ERROR:
            start = "digest: "
        elif record.levelno >= logging.WARNING:
            start = "warning: "
        else:
            start = "note: "
        return f"{start}{escaped(record.getMessage())}"


def report_problems(
    failures: Iterable[SourceFailure],
    warnings: Iterable[str],
    unread_pages: Iterable[UnreadPage] = (),
    *,
    verbose: bool = False,
    command: str = "digest build",
) -> None:
    """What went wrong in a run, each thing once (see ``digest.report``): what ``-q`` keeps.
    With ``verbose``, each page that could not be read is listed rather than counted."""
    from digest.report import notices

    for notice in notices(
        failures, warnings, unread_pages, each_page=verbose, verbose_command=f"{command} -v"
    ):
        if notice.failure:
            print(escaped(notice), file=sys.stderr)
        else:
            warn(notice.text)


# How a fetch went (``digest.sources.http.Outcome``), in a progress line's words.
_FETCHED = {
    "ok": "fetched",
    "not_modified": "not modified",
    "gone": "gone (410)",
    "failed": "not fetched",
}


def progress_reporter(quiet: bool = False) -> Callable[[str, int, int, str], None] | None:
    """A progress bar on a terminal; when not (output redirected, cron without -q), one
    plain line per source fetched, saying how its fetch went, as the build's other lines are
    plain: a log record's timestamp and level among them read as something else, and
    "fetched" for a refused connection was wrong. (A source that failed is reported once,
    with its reason, after the fetching.)"""
    if quiet:
        return None
    if sys.stderr.isatty():

        def bar(name: str, done: int, total: int, outcome: str = "ok") -> None:
            width = 30
            filled = width * done // max(total, 1)
            line = f"\rfetching [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
            sys.stderr.write(line[:100].ljust(100))
            if done == total:
                sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()

        return bar

    def lines(name: str, done: int, total: int, outcome: str = "ok") -> None:
        said = _FETCHED.get(outcome, outcome)
        print(f"{done}/{total} {said}: {escaped(name)}", file=sys.stderr)

    return lines
