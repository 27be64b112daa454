"""The digest as an email (``digest send``): one multipart/alternative message, sent over SMTP.

- ``compose``: the message itself, from the day's digest and the email templates, kept under
  Gmail's clipping size (``build_message``, ``MAX_BYTES``);
- ``smtp``: delivering it, with every failure explained (``send_message``);
- ``password``: the SMTP password, from the environment or a file (``read_password``);
- ``send``: the policy of ``digest send``: once a day, dry runs, what the state records
  (``send_digest``).

The SMTP password comes from an environment variable or a file named in the config, never from
the command line; it is never printed or logged, and it is scrubbed from every error message.
Everything that goes wrong is a ``MailError``: what went wrong, and what to do about it. Every
module logs as ``digest.mail``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.mail.compose import MAX_BYTES, DigestMessage, build_message
    from digest.mail.errors import AlreadySentError, MailError
    from digest.mail.password import read_password
    from digest.mail.send import SendResult, send_digest
    from digest.mail.smtp import RecipientsRefused, send_message

# Each name's module, imported when the name is first asked for: 'digest check' reads the
# password and its errors, and composing (the templates, the email package) is not loaded.
_HOMES = {
    "MAX_BYTES": "compose",
    "DigestMessage": "compose",
    "build_message": "compose",
    "AlreadySentError": "errors",
    "MailError": "errors",
    "read_password": "password",
    "SendResult": "send",
    "send_digest": "send",
    "RecipientsRefused": "smtp",
    "send_message": "smtp",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_BYTES",
    "AlreadySentError",
    "DigestMessage",
    "MailError",
    "RecipientsRefused",
    "SendResult",
    "build_message",
    "read_password",
    "send_digest",
    "send_message",
]
