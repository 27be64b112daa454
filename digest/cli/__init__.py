"""The ``digest`` command line: each command's module parses its arguments, calls a use case
(``digest.usecases``) and prints.

``main`` turns what went wrong into a message on standard error and an exit status (see
``digest.cli.exits``): 0 done (even if some sources failed: their errors are printed and
listed in the digest), 1 the job could not be done, 2 a usage or configuration error, 75
another run holds the lock (try again later, as sysexits' EX_TEMPFAIL says).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from digest.cli.console import error
from digest.cli.exits import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE
from digest.cli.parser import build_parser
from digest.config import ConfigError
from digest.errors import DigestError
from digest.state import StateError, StateLockedError
from digest.text.normalise import RulesError
from digest.usecases import UsageError

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
    except UsageError as exc:
        error(str(exc))
        return EXIT_USAGE
    except ConfigError as exc:
        error(f"configuration error: {exc}")
        return EXIT_USAGE
    except RulesError as exc:
        error(f"rules error: {exc}")
        return EXIT_USAGE
    except DigestError as exc:  # a source that cannot be read, an email not sent ...
        advice = f"; {exc.advice}" if exc.advice else ""
        error(f"{exc.problem}{advice}")
        return EXIT_FAILED
    except StateLockedError as exc:
        error(str(exc))
        return EXIT_LOCKED
    except StateError as exc:
        error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED
    except OSError as exc:  # a folder that cannot be created, a full disk, a read-only file
        where = f" {exc.filename}" if exc.filename else ""
        error(f"cannot write or read{where}: {exc.strerror or exc}")
        return EXIT_FAILED


def _configure_logging(level: int) -> None:
    logging.basicConfig(
        # INFO by default: one line per source and run, which is what a log wants; -q keeps
        # only warnings (what a crontab wants), -v adds debugging detail.
        level=logging.INFO - 10 * max(-2, min(level, 1)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
