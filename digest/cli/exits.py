"""What the ``digest`` command's exit status means, for cron and scripts, and which failure
gets which: the one place that maps errors to statuses and words them.

0 done (even if some sources failed: their errors are printed and listed in the digest; a day
already emailed is not emailed again, and that is not an error), 1 the job could not be done
(for ``digest check``: something is wrong), 2 a usage or configuration error (nothing to read
included, and a template of yours), 75 another run holds the lock, or another program the
state database (try again later, as sysexits' EX_TEMPFAIL says).
"""

from __future__ import annotations

import functools

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process killed by SIGINT
EXIT_BROKEN_PIPE = 141  # the reader of the output went away, as a shell reports SIGPIPE


@functools.cache
def failures() -> tuple[tuple[type[BaseException], int, str], ...]:
    """Each failure the command line reports without a traceback, with its status and the
    words before its message; the first entry the error is an instance of decides, so a
    subclass comes before its base. (Their modules are imported when an error is reported,
    not when the command starts: ``digest --help`` need not load the templates.)"""
    from digest.config import ConfigError
    from digest.errors import DigestError
    from digest.state import StateLockedError
    from digest.templating import TemplateError
    from digest.text.normalise import RulesError
    from digest.usecases import UsageError

    return (
        (StateLockedError, EXIT_LOCKED, ""),
        (UsageError, EXIT_USAGE, ""),
        (TemplateError, EXIT_USAGE, "template error: "),
        (ConfigError, EXIT_USAGE, "configuration error: "),
        (RulesError, EXIT_USAGE, "rules error: "),
        (DigestError, EXIT_FAILED, ""),  # a source that cannot be read, a damaged state ...
        (KeyboardInterrupt, EXIT_INTERRUPTED, ""),
        (OSError, EXIT_FAILED, ""),  # a folder that cannot be created, a read-only file
    )


def reported(exc: BaseException) -> bool:
    """Whether ``exc`` is one of the ``failures()`` the command line reports (with a status
    and a message, no traceback)."""
    return any(isinstance(exc, kind) for kind, _, _ in failures())


def failure_lines(exc: BaseException) -> tuple[int, tuple[str, ...]]:
    """``failure``, with each of the mistakes a config error names (``ConfigError.each``)
    in a message of its own, for a terminal that shows each on its line."""
    from digest.config import ConfigError

    status, message = failure(exc)
    if not isinstance(exc, ConfigError) or len(exc.each) == 1:
        return status, (message,)
    return status, tuple(failure(one)[1] for one in exc.each)


def failure_warnings(exc: BaseException) -> tuple[str, ...]:
    """What the config a ``ConfigError`` refused also does that is likely a mistake
    (``ConfigError.warnings``), to say after its errors, each once: the user fixing those
    hears of these in the same run, not on the next."""
    from digest.config import ConfigError

    return exc.warnings if isinstance(exc, ConfigError) else ()


def failure(exc: BaseException) -> tuple[int, str]:
    """The exit status for ``exc`` (one ``reported``) and the message that explains it."""
    from digest.errors import DigestError
    from digest.usecases import UsageError

    status, prefix = next((s, p) for kind, s, p in failures() if isinstance(exc, kind))
    if isinstance(exc, KeyboardInterrupt):
        return status, "interrupted"
    if isinstance(exc, UsageError):
        return status, str(exc)
    if isinstance(exc, DigestError):
        advice = f"; {exc.advice}" if exc.advice else ""
        return status, f"{prefix}{exc.problem}{advice}"
    if isinstance(exc, OSError):
        from digest.errors import file_advice

        where = f" {exc.filename}" if exc.filename else ""
        return status, f"cannot write or read{where}: {exc.strerror or exc}; {file_advice(exc)}"
    return status, f"{prefix}{exc}"
