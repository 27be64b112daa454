"""The one error the email raises: ``MailError``, saying what went wrong and what to do."""

from __future__ import annotations

from digest.errors import DigestError


class MailError(DigestError):
    """Building or sending the email failed: what went wrong, and what to do about it."""


class AlreadySentError(MailError):
    """The day's email went out already, and sending it again was not asked for (``force``).

    Not a failure: a daily job run twice (cron, a catch-up) meets it, and the command says so
    and exits 0."""
