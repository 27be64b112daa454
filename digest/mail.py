"""The digest as an email (``digest send``): one multipart/alternative message, sent over SMTP.

The message holds a plain-text part (``email.txt.j2``, wrapped at 72 columns, links numbered
and listed at the end) and then the HTML part (``email.html.j2``), whose stylesheet is inlined
into ``style`` attributes by css-inline and then removed, because Gmail and many apps drop
``<style>``. Every link in it is absolute, every header is ASCII on the wire (RFC 2047 for the
rest) and both parts are UTF-8, quoted-printable or base64, whichever is smaller.

Gmail clips a message past about 102 KB behind "View entire message", so ``build_message``
keeps the whole message under ``max_bytes``: it shortens the stories' full texts, then leaves
them out, and never touches a summary. What it cut is on the message (``DigestMessage.cuts``).

The SMTP password comes from an environment variable or a file named in the config, never from
the command line; it is never printed or logged, and it is scrubbed from every error message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import logging
import os
import quopri
import re
import smtplib
import socket
import ssl
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from email import policy as email_policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import css_inline
import jinja2

from digest.config import Config, EmailConfig
from digest.model import Article, Digest, Paragraph, Story
from digest.output import write_atomic
from digest.present import (
    ARCHIVE_FILENAME,
    FEED_FILENAME,
    day_filename,
    http_url,
    human_datetime,
    localtime,
    long_date,
    make_environment,
    plural,
    short_date,
)
from digest.state import State

log = logging.getLogger(__name__)

MAX_BYTES = 102_000  # Gmail clips messages past about 102 KB
WRAP_COLUMNS = 72
HTML_TEMPLATE = "email.html.j2"
TEXT_TEMPLATE = "email.txt.j2"
# A full-text excerpt shorter than this is not worth its space: below it, leave them all out.
MIN_EXCERPT_CHARS = 300
# Shortening stops when another round would change each story's excerpt by less than this.
_EXCERPT_STEP = 100

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False,
    keep_link_tags=False,
    load_remote_stylesheets=False,  # never fetch anything while building a message
    minify_css=True,
)


class MailError(Exception):
    """Building or sending the email failed: what went wrong, and what to do about it."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem, advice)
        self.problem = problem
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem


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


class DigestMessage(EmailMessage):
    """An ``EmailMessage`` that also says what was cut to keep it under the size limit."""

    cuts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SendResult:
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


# ---------------------------------------------------------------- building the message


@dataclass(frozen=True)
class _Also:
    title: str
    source: str
    url: str | None
    ref: int | None


@dataclass(frozen=True)
class _Entry:
    """One story as the email shows it (the templates' ``entries``)."""

    number: int
    anchor: str
    headline: str
    url: str | None
    ref: int | None  # the story's number in the plain part's list of links
    byline: str
    summary: str
    also: tuple[_Also, ...]
    full: tuple[Paragraph, ...]  # the full text, maybe shortened; () when left out
    full_cut: bool  # shortened to fit
    story: Story
    lead: Article


def build_message(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = MAX_BYTES,
) -> DigestMessage:
    """The day's digest as a ready-to-send message, at most ``max_bytes`` if it can be.

    Over the limit, the full texts are shortened (longest first, to the same length each),
    then left out; the summaries always stay. ``message.cuts`` says what was cut.
    """
    email = _email_config(config)
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    sender = _parse_address(email.sender, "email.from")
    if not sender.display_name:
        sender = Address(_one_line(digest.title), addr_spec=sender.addr_spec)
    recipients = tuple(_parse_address(r, "email.to") for r in email.recipients)
    domain = _ascii_domain(sender.domain)

    env = _mail_environment(env)
    entries, links = _entries(digest, config)
    subject = _subject(digest)
    context: dict[str, Any] = {
        "digest": digest,
        "config": config,
        "tz": config.timezone,
        "site_title": config.title,
        "subject": subject,
        "preheader": _preheader(entries),
        "date_label": long_date(digest.day),
        "count_label": _count_label(digest),
        "links": links,
        "failures": digest.failures,
        "generated_at": localtime(digest.generated_at, config.timezone),
        **_site_links(config, digest.day),
    }

    message_id = make_msgid(domain=domain)
    headers = {
        "From": sender,
        "To": recipients,
        "Subject": subject,
        "Date": format_datetime(now.astimezone(config.timezone)),
        "Message-ID": message_id,
        "List-Id": f"{_list_phrase(digest.title)} <digest.{domain}>",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies
    }
    if config.site_url:
        headers["List-Archive"] = f"<{config.site_url}{ARCHIVE_FILENAME}>"

    def assemble(cap: int | None) -> DigestMessage:
        """The message with each full text cut to ``cap`` characters (0: left out)."""
        variables = {**context, **_full_context(entries, cap)}
        text = _tidy_text(_render(env, TEXT_TEMPLATE, variables))
        html = _inline(_render(env, HTML_TEMPLATE, variables))
        return _mime(headers, text, html)

    cap, cuts = _fit(assemble, entries, max_bytes)
    message = assemble(cap)
    size = len(bytes(message))
    if size > max_bytes:
        cuts.append(
            f"the email is {size:,} bytes even without the full texts, over the "
            f"{max_bytes:,}-byte limit: Gmail will clip it behind 'View entire message'"
        )
    message.cuts = tuple(cuts)
    for problem in _html_problems(message):
        log.warning("%s: %s", HTML_TEMPLATE, problem)
    return message


def _fit(
    assemble: Callable[[int | None], DigestMessage], entries: Sequence[_Entry], max_bytes: int
) -> tuple[int | None, list[str]]:
    """The full-text cap (None: whole texts, 0: none) that keeps the message in budget."""
    lengths = [_chars(e.full) for e in entries if e.full]
    if not lengths or len(bytes(assemble(None))) <= max_bytes:
        return None, []
    longest = max(lengths)
    budget = f"to keep the email under {max_bytes:,} bytes"
    if longest > MIN_EXCERPT_CHARS and len(bytes(assemble(MIN_EXCERPT_CHARS))) <= max_bytes:
        low, high = MIN_EXCERPT_CHARS, longest  # low fits, high does not
        while high - low > _EXCERPT_STEP:
            middle = (low + high) // 2
            if len(bytes(assemble(middle))) <= max_bytes:
                low = middle
            else:
                high = middle
        shortened = sum(1 for n in lengths if n > low)
        return low, [
            f"shortened the full text of {shortened} of {len(lengths)} "
            f"{'story' if len(lengths) == 1 else 'stories'} to about {low:,} characters {budget}"
        ]
    return 0, [
        f"left out the full texts of {plural(len(lengths), 'story', 'stories')} {budget}; "
        "every summary is in"
    ]


def _entries(digest: Digest, config: Config) -> tuple[list[_Entry], list[tuple[int, str]]]:
    links: list[tuple[int, str]] = []

    def ref(url: str | None) -> int | None:
        if not url:
            return None
        links.append((len(links) + 1, url))
        return len(links)

    entries = []
    for number, story in enumerate(digest.stories, start=1):
        lead = story.lead
        url = http_url(lead.url)
        story_ref = ref(url)
        summary = _one_line(" ".join(story.summary or lead.summary))
        also = []
        for article in story.articles[1:]:
            other_url = http_url(article.url)
            also.append(
                _Also(
                    _one_line(article.title or "Untitled"),
                    article.source,
                    other_url,
                    ref(other_url),
                )
            )
        entries.append(
            _Entry(
                number=number,
                anchor=f"story-{number}",
                headline=_one_line(story.headline or lead.title or "Untitled"),
                url=url,
                ref=story_ref,
                byline=_byline(lead, config, digest.day),
                summary=summary,
                also=tuple(also),
                full=_full_text(lead, summary),
                full_cut=False,
                story=story,
                lead=lead,
            )
        )
    return entries, links


def _full_text(article: Article, summary: str) -> tuple[Paragraph, ...]:
    """The article's paragraphs, or () when they would only repeat the summary."""
    paragraphs = tuple(p for p in article.paragraphs if p.text.strip())
    body = _one_line(" ".join(p.text for p in paragraphs if p.kind == "body"))
    return () if len(body) <= len(summary) + 40 else paragraphs


def _full_context(entries: Sequence[_Entry], cap: int | None) -> dict[str, Any]:
    """The template variables that depend on how much full text fits."""
    if cap == 0:
        shown = [_with_full(e, (), False) for e in entries]
        return {
            "entries": shown,
            "full_texts": False,
            "trimmed": False,
            "dropped": any(e.full for e in entries),
        }
    shown = []
    for entry in entries:
        full, cut = (entry.full, False) if cap is None else _excerpt(entry.full, cap)
        shown.append(_with_full(entry, full, cut))
    return {
        "entries": shown,
        "full_texts": any(e.full for e in shown),
        "trimmed": any(e.full_cut for e in shown),
        "dropped": False,
    }


def _with_full(entry: _Entry, full: tuple[Paragraph, ...], cut: bool) -> _Entry:
    return replace(entry, full=full, full_cut=cut)


def _chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(len(p.text) for p in paragraphs)


def _excerpt(paragraphs: tuple[Paragraph, ...], cap: int) -> tuple[tuple[Paragraph, ...], bool]:
    """The paragraphs cut to about ``cap`` characters, at a sentence or word boundary."""
    if _chars(paragraphs) <= cap:
        return paragraphs, False
    kept: list[Paragraph] = []
    used = 0
    for paragraph in paragraphs:
        room = cap - used
        if len(paragraph.text) <= room:
            kept.append(paragraph)
            used += len(paragraph.text)
            continue
        if paragraph.kind == "body" and (room >= 120 or not kept):
            kept.append(Paragraph(_cut_text(paragraph.text, max(room, 1)), "body"))
        break
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return tuple(kept), True


def _cut_text(text: str, room: int) -> str:
    head = text[: room + 1]
    sentence_ends = [m.end() for m in re.finditer("[.!?\u2026][)\"'\u00bb\u201d\u2019]*\\s", head)]
    if sentence_ends and sentence_ends[-1] >= room // 2:
        return head[: sentence_ends[-1]].rstrip() + " …"
    space = head.rfind(" ")
    cut = head[:space] if space > room // 2 else text[:room]
    return cut.rstrip(" ,;:-\u2013\u2014") + " …"


def _render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        raise MailError(
            f"the email template {name} is missing ({exc.name})",
            "reinstall calm-digest, or copy the built-in one into your templates folder",
        ) from exc
    except jinja2.TemplateError as exc:
        where = f" line {exc.lineno}" if getattr(exc, "lineno", None) else ""
        raise MailError(
            f"the email template {name} failed{where}: {exc}",
            "fix your copy in the templates folder, or remove it to use the built-in one",
        ) from exc


def _inline(html: str) -> str:
    try:
        return _INLINER.inline(html)
    except ValueError as exc:
        raise MailError(
            f"cannot inline the styles of {HTML_TEMPLATE}: {exc}",
            "check the CSS in the <style> block of your copy of the template",
        ) from exc


def _mime(headers: Mapping[str, Any], text: str, html: str) -> DigestMessage:
    message = DigestMessage(policy=email_policy.SMTP)
    for name, value in headers.items():
        message[name] = value
    message.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    message.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    for part in message.iter_parts():
        del part["MIME-Version"]  # only the top level carries it
    return message


def _transfer_encoding(text: str) -> str:
    """Quoted-printable for mostly-ASCII text, base64 when that is smaller (non-Latin text)."""
    data = text.encode("utf-8")
    qp = len(quopri.encodestring(data))
    b64 = len(binascii.b2a_base64(data)) * 77 // 76  # plus a line break every 76 characters
    return "quoted-printable" if qp <= b64 else "base64"


def _mail_environment(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` plus the filters only the email templates use, without changing ``env``."""
    overlay = env.overlay()
    overlay.filters = {**env.filters, "wrap": wrap}
    return overlay


def wrap(text: str, indent: str = "", first_indent: str = "", width: int = WRAP_COLUMNS) -> str:
    """``text`` filled to ``width`` columns; lines after the first start with ``indent``.

    URLs are never broken (a line holding one may run longer); other words longer than a line
    are split so that every other line fits.
    """
    room = max(width - max(len(indent), len(first_indent)), 10)
    words = []
    for word in str(text).split():
        if len(word) > room and "://" not in word:
            words += [word[i : i + room] for i in range(0, len(word), room)]
        else:
            words.append(word)
    return textwrap.fill(
        " ".join(words),
        width=width,
        initial_indent=first_indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _tidy_text(text: str) -> str:
    """No trailing spaces (the signature separator "-- " keeps its own), no run of blank
    lines, one final newline."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n"


def _subject(digest: Digest) -> str:
    count = plural(len(digest.stories), "story", "stories") if digest.stories else "nothing new"
    return _one_line(f"{digest.title} — {short_date(digest.day)}: {count}")


def _count_label(digest: Digest) -> str:
    if not digest.stories:
        return "Nothing new today"
    sources = {a.source for s in digest.stories for a in s.articles}
    stories = plural(len(digest.stories), "story", "stories")
    return f"{stories} from {plural(len(sources), 'source', 'sources')}"


def _preheader(entries: Sequence[_Entry]) -> str:
    text = " · ".join(e.headline for e in entries[:4])
    return text if len(text) <= 150 else text[:149].rsplit(" ", 1)[0] + " …"


def _byline(article: Article, config: Config, day: dt.date) -> str:
    parts = [article.source]
    if article.author and article.author != article.source:
        parts.append(article.author)
    if article.published:
        parts.append(human_datetime(localtime(article.published, config.timezone), day))
    return _one_line(" · ".join(parts))


def _site_links(config: Config, day: dt.date) -> dict[str, str | None]:
    base = config.site_url
    return {
        "view_url": base + day_filename(day) if base else None,
        "archive_url": base + ARCHIVE_FILENAME if base else None,
        "feed_url": base + FEED_FILENAME if base else None,
    }


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _list_phrase(title: str) -> str:
    """The List-Id description (RFC 2919): the title without the characters a phrase forbids."""
    return _one_line(re.sub(r'[()<>@,;:\\".\[\]]', " ", title)) or "digest"


def _email_config(config: Config) -> EmailConfig:
    if config.email is None:
        where = f"{config.path}" if config.path else "the config file"
        raise MailError(
            f"{where} has no [email] table, so digest does not know where to send",
            'add one with from, to and smtp_host, e.g. [email] from = "digest@example.org", '
            'to = ["me@example.org"], smtp_host = "smtp.example.org"',
        )
    return config.email


def _parse_address(text: str, key: str) -> Address:
    try:
        addresses = email_policy.default.header_factory("To", text).addresses
    except (HeaderParseError, IndexError, ValueError) as exc:
        addresses = ()
        cause: Exception | None = exc
    else:
        cause = None
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise MailError(
            f"'{key}' is not one email address: {text!r}",
            'write it as "name@example.org" or "Name <name@example.org>"',
        ) from cause
    return addresses[0]


def _ascii_domain(domain: str) -> str:
    domain = domain.strip("[]").rstrip(".")
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain) else "localhost"


class _HtmlScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("style", "script", "iframe", "object", "embed", "form", "link"):
            self.problems.append(f"a <{tag}> element, which mail clients drop or block")
        if tag == "img" and "alt" not in values:
            self.problems.append(f"an <img> without alt text ({values.get('src', '')[:60]})")
        for name in ("href", "src"):
            url = values.get(name, "").strip()
            if (
                url
                and not url.startswith("#")
                and urlsplit(url).scheme.lower()
                not in (
                    "http",
                    "https",
                    "mailto",
                    "cid",
                    "tel",
                )
            ):
                self.problems.append(f"{name}={url[:60]!r} is not an absolute http(s) link")
        self.problems += [f"an {name}= handler on <{tag}>" for name in values if name[:2] == "on"]


def _html_problems(message: EmailMessage) -> list[str]:
    """What in the HTML part mail clients will mangle (only a user's template can cause it)."""
    part = message.get_body(("html",))
    if part is None:
        return []
    scan = _HtmlScan()
    scan.feed(part.get_content())
    scan.close()
    return list(dict.fromkeys(scan.problems))


# ---------------------------------------------------------------- the password


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


# ---------------------------------------------------------------- sending


def send_message(
    message: EmailMessage,
    email: EmailConfig,
    password: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Deliver ``message`` through the configured SMTP server, or raise ``MailError``.

    ``security`` "starttls" upgrades the connection before logging in (and refuses to go on if
    the server cannot); "tls" speaks TLS from the start (port 465); "none" sends in the clear,
    for a relay on this machine. The server certificate is verified against ``ssl_context``
    (default: the system's trusted authorities).
    """
    where = f"{email.smtp_host}:{email.smtp_port}"
    sender = _envelope(message, ("Sender",)) or _envelope(message, ("From",))
    recipients = _envelope(message, ("To", "Cc", "Bcc"))
    if not sender or not recipients:
        raise MailError("the message has no sender or no recipients", "check email.from and to")
    if email.username and password is None:
        raise MailError(
            f"email.username is set ({email.username}) but no password is configured",
            "name an environment variable in email.password_env or a file in email.password_file",
        )
    context = ssl_context or ssl.create_default_context()
    smtp: smtplib.SMTP | None = None
    try:
        if email.security == "tls":
            smtp = smtplib.SMTP_SSL(
                email.smtp_host, email.smtp_port, timeout=email.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=email.timeout)
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
        if refused:
            raise _refused(where, refused, [r for r in recipients if r not in refused])
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
    except MailError as exc:
        raise _scrubbed(exc, password) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise _scrubbed(_explain(exc, email), password) from None
    finally:
        if smtp is not None:
            smtp.close()
    log.info("sent %s to %s via %s", message.get("Message-ID"), ", ".join(recipients), where)


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


def _envelope(message: EmailMessage, names: Sequence[str]) -> list[str]:
    values = [str(v) for name in names for v in message.get_all(name, [])]
    return [address for _, address in getaddresses(values) if address]


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {_one_line(text)}".strip()


def _refused(
    where: str, refused: Mapping[str, tuple[int, bytes]], accepted: Sequence[str]
) -> RecipientsRefused:
    details = {addr: (code, _reply(code, reply)) for addr, (code, reply) in refused.items()}
    listed = "; ".join(f"{addr}: {text}" for addr, (_, text) in details.items())
    if accepted:
        problem = (
            f"the SMTP server {where} refused {plural(len(refused), 'recipient', 'recipients')}"
            f" ({listed}); the digest went to {', '.join(accepted)}"
        )
    else:
        problem = f"the SMTP server {where} refused every recipient ({listed}); nothing was sent"
    return RecipientsRefused(
        problem,
        "check those addresses in email.to; a 4xx reply is temporary, so try again later",
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


# ---------------------------------------------------------------- digest send


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

    A day already sent is refused unless ``force``. A dry run (``to_file`` implies one) sends
    nothing: it writes the message to ``to_file`` (atomically) or prints it to ``out``, and
    needs no password. The send is recorded in ``state`` only when the server accepted it;
    when it accepted some recipients and refused others, the day is recorded as sent to those
    it accepted, and ``RecipientsRefused`` is raised.
    """
    email = _email_config(config)
    now = now or dt.datetime.now(dt.UTC)
    dry_run = dry_run or to_file is not None
    password = None
    if not dry_run:
        sent_at = state.sent_at(digest.day)
        if sent_at is not None and not force:
            when = human_datetime(localtime(sent_at, config.timezone))
            raise MailError(
                f"the digest for {digest.day.isoformat()} was already sent ({when}, "
                f"{config.tz_name})",
                "use --force to send it again",
            )
        password = read_password(email, environ)

    message = build_message(
        digest, config, make_environment(config.templates), now=now, max_bytes=max_bytes
    )
    data = bytes(message)
    message_id = str(message["Message-ID"])
    recipients = tuple(_envelope(message, ("To",)))
    for cut in message.cuts:
        log.info("email: %s", cut)
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

    try:
        send_message(message, email, password, ssl_context=ssl_context)
    except RecipientsRefused as exc:
        if exc.accepted:
            state.record_sent(digest.day, now, message_id, exc.accepted)
        raise
    state.record_sent(digest.day, now, message_id, recipients)
    return result
