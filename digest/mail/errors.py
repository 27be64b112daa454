"""The one error the email raises: ``MailError``, saying what went wrong and what to do."""

from __future__ import annotations

from digest.errors import DigestError


class MailError(DigestError):
    """Building or sending the email failed: what went wrong, and what to do about it."""
