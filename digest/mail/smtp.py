"""Delivering a message over SMTP, and every way that can fail as a ``MailError`` with advice.

``send_message`` connects (plain, STARTTLS or TLS from the start, always verifying the
server's certificate when there is TLS), logs in if the config names a user, and hands the
message over. An SMTP, TLS or network error becomes a ``MailError`` naming the server and
saying what to check; a password the server might echo back is scrubbed from it, and the
original exception is not chained, so no traceback can show it either.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from digest.config import EmailConfig
from digest.mail.errors import MailError
from digest.present import one_line, plural

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

log = logging.getLogger(__package__)


class RecipientsRefused(MailError):
    """The server refused some recipients; ``accepted`` (maybe empty) got the message anyway."""

    def __init__(
        self,
        problem: str,
        advice: str,
        refused: Mapping[str, tuple[int, str]],
        accepted: Sequence[str],
    ) -> None:
        super().__init__(problem, advice)
        self.refused = dict(refused)
        self.accepted = tuple(accepted)


def send_message(
    message: EmailMessage,
    email: EmailConfig,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    accepted: Callable[[Sequence[str], Sequence[str]], None] | None = None,
    to: Sequence[str] | None = None,
    earlier: Sequence[str] = (),
) -> None:
    """Deliver ``message`` through the configured SMTP server, or raise ``MailError``.

    It goes to ``to``, by default to every address of its To, Cc and Bcc headers (a message
    sent again to those a server refused for now goes to them alone, as it is); ``earlier``
    are those an earlier send of it went to, whom a refusal's error names as having it.

    ``accepted`` is called with the recipients the server took the message for as soon as it
    took it (not when none), and those it refused for now (a 4xx reply: ``temporary``): before
    the goodbye, whose answer may be slow to come, so that what went out can be recorded
    whatever stops the process meanwhile. It is called too when the server was handed the
    whole message but its answer never came (a timeout, a dropped line): the message most
    likely went out, and the ``MailError`` raised then says so.

    ``security`` "starttls" upgrades the connection before logging in (and refuses to go on if
    the server cannot); "tls" speaks TLS from the start (port 465); "none" sends in the clear,
    for a relay on this machine. The server certificate is verified against ``ssl_context``
    (default: the system's trusted authorities).
    """
    where = f"{email.smtp_host}:{email.smtp_port}"
    sender = envelope_addresses(message, ("Sender",)) or envelope_addresses(message, ("From",))
    recipients = list(to) if to is not None else envelope_addresses(message, ("To", "Cc", "Bcc"))
    if not sender or not recipients:
        raise MailError("the message has no sender or no recipients", "check email.from and to")
    if email.username and password is None:
        raise MailError(
            f"email.username is set ({email.username}) but no password is configured",
            "name an environment variable in email.password_env or a file in email.password_file",
        )
    context = ssl_context or ssl.create_default_context()
    smtp: _SMTP | _SMTP_SSL | None = None
    try:
        if email.security == "tls":
            smtp = _SMTP_SSL(
                email.smtp_host, email.smtp_port, timeout=email.timeout, context=context
            )
        else:
            smtp = _SMTP(email.smtp_host, email.smtp_port, timeout=email.timeout)
        smtp.ehlo()
        if email.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"the SMTP server {where} does not offer STARTTLS, so the connection "
                    "cannot be encrypted",
                    'use security = "tls" if the server expects TLS from the start (usually '
                    'port 465); "none" is only for a relay on this machine',
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if email.username:
            if not smtp.has_extn("auth"):
                raise MailError(
                    f"the SMTP server {where} does not offer a login (AUTH) on this connection",
                    'most servers allow it only over TLS: use security = "starttls" or "tls"; '
                    "or remove email.username if the server needs no login",
                )
            if email.security == "none":
                log.warning("logging in to %s without encryption (security = none)", where)
            _login(smtp, email.username, password or "")
        refused = smtp.send_message(message, from_addr=sender[0], to_addrs=recipients)
        delivered = [r for r in recipients if r not in refused]
        if accepted is not None and delivered:
            accepted(delivered, [r for r, (code, _) in refused.items() if temporary(code)])
        if refused:
            raise _refused(where, refused, delivered, earlier)
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
    except MailError as exc:
        raise _scrubbed(exc, password) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        if smtp is not None and smtp.handed_over and not isinstance(exc, smtplib.SMTPDataError):
            # The server has the whole message but its answer never came (it timed out
            # scanning it, or dropped the line): most likely it is on its way. Recorded as
            # sent, so that a rerun or the next scheduled job does not mail it a second time;
            # a missing digest is one --force away, a duplicate cannot be taken back.
            if accepted is not None and smtp.accepted_recipients:
                accepted(smtp.accepted_recipients, smtp.deferred_recipients)
            raise _scrubbed(_unconfirmed(exc, email, smtp.accepted_recipients), password) from None
        if isinstance(exc, smtplib.SMTPRecipientsRefused):  # every one (of this send)
            raise _scrubbed(_refused(where, exc.recipients, [], earlier), password) from None
        raise _scrubbed(_explain(exc, email), password) from None
    finally:
        if smtp is not None:
            smtp.close()
    log.info("sent %s to %s via %s", message.get("Message-ID"), ", ".join(recipients), where)


class _Tracked(smtplib.SMTP):
    """An SMTP session that remembers how far the mail transaction got: which recipients the
    server accepted (and which it refused for now), and whether the whole message was handed
    over (its final "." sent), so a failure past that point can be told from one before it."""

    accepted_recipients: list[str]
    deferred_recipients: list[str]
    handed_over: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.accepted_recipients = []
        self.deferred_recipients = []
        self.handed_over = False
        super().__init__(*args, **kwargs)

    def rcpt(self, recip: str, options: Sequence[str] = ()) -> tuple[int, bytes]:
        code, reply = super().rcpt(recip, options)
        if code in (250, 251):
            self.accepted_recipients.append(recip)
        elif temporary(code):
            self.deferred_recipients.append(recip)
        return code, reply

    def send(self, s: Buffer | str) -> None:
        super().send(s)
        # smtplib's data() sends the whole message, ending in CRLF "." CRLF, in one call; no
        # command ends so
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _SMTP(_Tracked):
    pass


class _SMTP_SSL(_Tracked, smtplib.SMTP_SSL):
    pass


def temporary(code: int) -> bool:
    """An SMTP reply that refuses for now (4xx): the same command may work later, where a 5xx
    refusal is for good (RFC 5321, 4.2.1)."""
    return 400 <= code < 500


def _unconfirmed(exc: BaseException, email: EmailConfig, recipients: Sequence[str]) -> MailError:
    where = f"{email.smtp_host}:{email.smtp_port}"
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        seconds = f"{email.timeout:g} second{'' if email.timeout == 1 else 's'}"
        what = f"did not confirm it within {seconds}"
    else:
        what = f"closed the connection before confirming it ({exc or 'no reason given'})"
    return MailError(
        f"the SMTP server {where} was given the whole message for {', '.join(recipients)} but "
        f"{what}; it was most likely delivered, so it is recorded as sent and will not be "
        "sent again on its own",
        "check that it arrived; if it did not, send it again with 'digest send --force' "
        "(and raise email.timeout if the server is slow to answer)",
    )


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    try:
        smtp.login(username, password)
    except UnicodeEncodeError:
        # smtplib encodes credentials as ASCII; AUTH PLAIN is defined as UTF-8 (RFC 4616)
        if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
            raise MailError(
                "the SMTP login name or password has non-ASCII characters and the server "
                "does not offer AUTH PLAIN, the only way to send them",
                "use an ASCII password (an app password, for example)",
            ) from None
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply) from None


def envelope_addresses(message: EmailMessage, names: Sequence[str]) -> list[str]:
    """The bare addresses in the message's ``names`` headers, as the SMTP envelope wants them."""
    values = [str(v) for name in names for v in message.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {one_line(text)}".strip()


def _refused(
    where: str,
    refused: Mapping[str, tuple[int, bytes]],
    accepted: Sequence[str],
    earlier: Sequence[str] = (),
) -> RecipientsRefused:
    """``refused`` explained; ``accepted`` took this message, ``earlier`` the day's by an
    earlier send: a send to those refused for now before, refused again, sent nothing but
    the day is not "nothing was sent" to whoever has it."""
    details = {addr: (code, _reply(code, reply)) for addr, (code, reply) in refused.items()}
    listed = "; ".join(f"{addr}: {text}" for addr, (_, text) in details.items())
    went = [*earlier, *(addr for addr in accepted if addr not in earlier)]
    if went:
        problem = (
            f"the SMTP server {where} refused {plural(len(refused), 'recipient', 'recipients')}"
            f" ({listed}); the digest went to {', '.join(went)}"
        )
    else:
        problem = f"the SMTP server {where} refused every recipient ({listed}); nothing was sent"
    # what a later try does: the day is recorded as sent once anyone has it, and still to go
    # to those refused for now (``digest.mail.send``)
    deferred = [addr for addr, (code, _) in details.items() if temporary(code)]
    lost = [addr for addr in details if addr not in deferred]
    if not went:
        advice = "check those addresses in email.to; a 4xx reply is temporary, so try again later"
    elif not lost:
        advice = (
            f"refused for now (4xx): the next 'digest send' (or scheduled job) sends it to "
            f"{', '.join(deferred)} alone, not again to those who have it"
        )
    else:
        advice = (
            f"check {', '.join(lost)} in email.to (refused for good: 5xx); the day is "
            "recorded as sent, so only 'digest send --force' sends it to them (and again to "
            "every recipient)"
        )
        if deferred:
            advice += (
                f"; the next 'digest send' (or scheduled job) sends it to "
                f"{', '.join(deferred)} alone, refused for now (4xx)"
            )
    return RecipientsRefused(
        problem,
        advice,
        {addr: (code, text) for addr, (code, text) in details.items()},
        accepted,
    )


def _explain(exc: BaseException, email: EmailConfig) -> MailError:
    """An SMTP, TLS or network error as a ``MailError`` a person can act on."""
    where = f"{email.smtp_host}:{email.smtp_port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(
            f"the SMTP server {where} refused the login for user {email.username} "
            f"({_reply(exc.smtp_code, exc.smtp_error)})",
            "check email.username and the password in email.password_env/email.password_file; "
            "many providers want an app password here, not the account's own",
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _refused(where, exc.recipients, [])
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return MailError(
            f"the SMTP server {where} refused the sender {exc.sender} "
            f"({_reply(exc.smtp_code, exc.smtp_error)})",
            "email.from must be an address this login may send as",
        )
    if isinstance(exc, smtplib.SMTPDataError):
        return MailError(
            f"the SMTP server {where} refused the message "
            f"({_reply(exc.smtp_code, exc.smtp_error)})",
            "the reply says why (size, spam checks, rate limits); a 4xx reply is temporary",
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(
            f"the SMTP server {where} does not support what this message needs ({exc})",
            "non-ASCII email addresses need a server with SMTPUTF8; use ASCII addresses",
        )
    if isinstance(exc, TimeoutError) or (
        isinstance(exc, smtplib.SMTPServerDisconnected)
        and isinstance(exc.__context__, TimeoutError)  # smtplib's wrapping of a read timeout
    ):
        seconds = f"{email.timeout:g} second{'' if email.timeout == 1 else 's'}"
        return MailError(
            f"the SMTP server {where} did not answer within {seconds}",
            "check email.smtp_host, email.smtp_port and any firewall on the way; " + _PORT_ADVICE,
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(
            f"the SMTP server {where} closed the connection ({exc or 'no reason given'})",
            _PORT_ADVICE,
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(
            f"the SMTP server {where} answered {_reply(exc.smtp_code, exc.smtp_error)}",
            "the reply says why; a 4xx reply is temporary, so try again later",
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailError(
            f"the TLS certificate of {where} could not be verified ({exc.verify_message})",
            "smtp_host must be the name on the server's certificate (not an IP address or "
            "an alias), and the certificate must be signed by an authority this system trusts",
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            f"the TLS handshake with {where} failed ({exc.reason or exc})", _PORT_ADVICE
        )
    if isinstance(exc, ConnectionRefusedError):
        return MailError(
            f"cannot connect to the SMTP server {where}: connection refused",
            "check email.smtp_host and email.smtp_port (587 for starttls, 465 for tls) and that "
            "the server is running and reachable from here",
        )
    if isinstance(exc, socket.gaierror):
        return MailError(
            f"cannot find the SMTP server {email.smtp_host} ({exc.strerror or exc})",
            "check email.smtp_host for typos, and this machine's network and DNS",
        )
    if isinstance(exc, smtplib.SMTPException):
        return MailError(f"sending through {where} failed ({exc})", _PORT_ADVICE)
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return MailError(
        f"cannot talk to the SMTP server {where} ({reason})",
        "check email.smtp_host, email.smtp_port and this machine's network",
    )


_PORT_ADVICE = (
    'security = "tls" is for servers that speak TLS from the start (usually port 465), '
    'security = "starttls" for port 587 (or 25): check that it matches email.smtp_port'
)


def _scrubbed(exc: MailError, password: str | None) -> MailError:
    """``exc`` with the password (should a server ever echo it) blotted out."""
    if not password:
        return exc
    for attribute in ("problem", "advice"):
        setattr(exc, attribute, getattr(exc, attribute).replace(password, "********"))
    exc.args = (exc.problem, exc.advice)
    return exc
