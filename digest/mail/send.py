"""``digest send``'s policy: each day's email goes out once, and what went out is recorded.

A day already sent is refused unless forced, but for the recipients the server refused for now
(a 4xx reply: a full mailbox, greylisting, a rate limit): the next send goes to them alone, so
that nobody misses the day and nobody gets it twice. A dry run sends nothing and needs no
password: it writes the message to a file (atomically) or prints it. A send is recorded in the
state only when the server accepted it, and only for the recipients it accepted; or when the
server was handed the whole message and never answered (``smtp.send_message``), since it most
likely went out and a second copy cannot be taken back.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import ssl
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from digest.config import Config
from digest.mail.compose import MAX_BYTES, build_message, email_config
from digest.mail.errors import AlreadySentError, MailError
from digest.mail.password import read_password
from digest.mail.smtp import RecipientsRefused, envelope_addresses, send_message, temporary
from digest.model import Digest
from digest.output import write_atomic
from digest.present import human_datetime, localtime, plural
from digest.state import State
from digest.templating import make_environment

log = logging.getLogger(__package__)


@dataclass(frozen=True)
class SendResult:
    """What ``send_digest`` did: the command prints its ``summary_line``."""

    day: dt.date
    subject: str
    message_id: str
    recipients: tuple[str, ...]
    size: int  # bytes on the wire
    sent: bool  # False for a dry run
    written: Path | None = None  # where a dry run wrote the message
    cuts: tuple[str, ...] = ()

    @property
    def summary_line(self) -> str:
        size = f"{self.size:,} bytes"
        if self.sent:
            who = plural(len(self.recipients), "recipient", "recipients")
            return f"{self.day.isoformat()}: sent '{self.subject}' to {who} ({size})"
        where = f"wrote {self.written}" if self.written else "printed the message"
        return f"{self.day.isoformat()}: dry run, {where} ({size}); nothing was sent"


def send_digest(
    digest: Digest,
    config: Config,
    state: State,
    *,
    force: bool = False,
    dry_run: bool = False,
    to_file: Path | None = None,
    now: dt.datetime | None = None,
    out: TextIO | None = None,
    environ: Mapping[str, str] = os.environ,
    ssl_context: ssl.SSLContext | None = None,
    max_bytes: int = MAX_BYTES,
) -> SendResult:
    """Build the day's email and send it, once per day.

    A day already sent is refused unless ``force`` (``AlreadySentError``), but for the
    recipients a server refused for now, still in the config: it goes to them alone. A dry run
    (``to_file`` implies one) sends nothing: it writes the message to ``to_file`` (atomically)
    or prints it to ``out``, and needs no password. The send is recorded in ``state`` only
    when the server accepted it; when it accepted some recipients and refused others, the day
    is recorded as sent to those it accepted, and still to go to those refused with a 4xx
    reply, and ``RecipientsRefused`` is raised.
    """
    email = email_config(config)
    now = now or dt.datetime.now(dt.UTC)
    dry_run = dry_run or to_file is not None
    password = None
    earlier: tuple[str, ...] = ()  # who has the day's email already (a send to the deferred)
    earlier_ids: tuple[str, ...] = ()  # and the Message-IDs it went out as to them
    deferred: tuple[str, ...] = ()
    if not dry_run:
        sent_at = state.sent_at(digest.day)
        if sent_at is not None and not force:
            deferred = state.deferred_recipients(digest.day)
        if sent_at is not None and not force and not deferred:
            when = human_datetime(localtime(sent_at, config.timezone))
            raise AlreadySentError(
                f"the digest for {digest.day.isoformat()} was already sent ({when}, "
                f"{config.tz_name})",
                # --force would only be refused in its turn: the day cannot be made again
                "its articles are past keep_days and no longer kept, so it cannot be sent again"
                if state.forgotten(digest.day)
                else "use --force to send it again",
            )
        password = read_password(email, environ)

    message = build_message(
        digest,
        config,
        # a language digest does not speak was reported by the build: English, quietly here
        make_environment(config.templates, config.language),
        now=now,
        max_bytes=max_bytes,
    )
    data = bytes(message)
    message_id = str(message["Message-ID"])
    recipients = tuple(envelope_addresses(message, ("To",)))
    if deferred:
        # the same message, to those of its recipients a server refused for now alone; one
        # taken out of email.to since is left out
        recipients = tuple(address for address in recipients if address in deferred)
        if not recipients:
            state.defer_recipients(digest.day, ())
            raise AlreadySentError(
                f"the digest for {digest.day.isoformat()} was already sent",
                "use --force to send it again",
            )
        earlier = state.sent_to(digest.day)
        earlier_ids = state.message_ids(digest.day)
    for cut in message.cuts:
        # the caller reports ``cuts`` in its own voice (the CLI as a note, the scheduler in its
        # log); logged here too, the CLI printed each one twice
        log.debug("email: %s", cut)
    result = SendResult(
        day=digest.day,
        subject=str(message["Subject"]),
        message_id=message_id,
        recipients=recipients,
        size=len(data),
        sent=not dry_run,
        written=to_file,
        cuts=message.cuts,
    )
    if dry_run:
        if to_file is not None:
            try:
                write_atomic(to_file, data)
            except OSError as exc:
                raise MailError(
                    f"cannot write the message to {to_file} ({exc.strerror or exc})",
                    "check that the folder exists and is writable",
                ) from exc
        else:
            out = out or sys.stdout
            out.write(data.decode("ascii", "replace").replace("\r\n", "\n"))
            out.flush()
        return result

    def record(accepted: Sequence[str], refused_for_now: Sequence[str]) -> None:
        # as soon as the server took it: a process stopped after that must not send it again
        have = [*earlier, *(address for address in accepted if address not in earlier)]
        # the first message's id kept: the others' replies and bounces name it
        ids = " ".join([*earlier_ids, message_id])
        state.record_sent(digest.day, now, ids, have, refused_for_now)

    try:
        send_message(
            message,
            email,
            password,
            ssl_context=ssl_context,
            accepted=record,
            to=recipients if deferred else None,
            earlier=earlier,
        )
    except RecipientsRefused as exc:
        if deferred and not exc.accepted:
            # every one of them refused again: those refused for now stay to be sent it
            state.defer_recipients(
                digest.day, [addr for addr, (code, _) in exc.refused.items() if temporary(code)]
            )
        raise
    return result
