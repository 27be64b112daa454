"""The SMTP password, from an environment variable or a file named in the config.

Never from the command line (other users can read it in the process list), and never printed
or logged: callers hand it only to ``smtp.send_message``, which scrubs it from its errors.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping

from digest.config import EmailConfig
from digest.mail.errors import MailError

log = logging.getLogger(__package__)


def read_password(email: EmailConfig, environ: Mapping[str, str] = os.environ) -> str | None:
    """The SMTP password from ``password_env`` or ``password_file`` (its first line); None when
    the config names neither. The environment variable wins when both are configured and set."""
    if email.password_env and environ.get(email.password_env):
        return environ[email.password_env]
    if email.password_file is not None:
        path = email.password_file
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MailError(
                f"cannot read the SMTP password file {path} "
                f"(email.password_file): {exc.strerror or exc}",
                "check that the file exists and that the user running digest may read it",
            ) from None
        lines = raw.decode("utf-8", "replace").splitlines()
        password = lines[0] if lines else ""
        if not password:
            raise MailError(
                f"the SMTP password file {path} (email.password_file) is empty",
                "put the password on its first line",
            )
        with contextlib.suppress(OSError):
            if path.stat().st_mode & 0o077:
                log.warning(
                    "the SMTP password file %s can be read by other users; consider chmod 600 %s",
                    path,
                    path,
                )
        return password
    if email.password_env:
        state = "is empty" if email.password_env in environ else "is not set"
        raise MailError(
            f"the environment variable {email.password_env} (email.password_env) {state}",
            "set it in the environment that runs digest (for cron, in the crontab or a "
            "wrapper script), or name a file holding the password in email.password_file",
        )
    return None
