"""digest.mail: the email built from a digest, and its delivery to a real SMTP server.

Every sending test talks to an aiosmtpd server on 127.0.0.1 through the real smtplib path and
parses the bytes that server received. The TLS tests use a self-signed certificate made for
the test run, and the client verifies the server against it (no verification is switched off).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from digest.config import Config, EmailConfig
from digest.mail import (
    MailError,
    RecipientsRefused,
    build_message,
    read_password,
    send_digest,
    send_message,
)
from digest.model import Article, Digest, Paragraph, SourceFailure, Story
from digest.present import make_environment
from digest.state import State

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 6, 0, tzinfo=dt.UTC)
USER = "reader"
PASSWORD = "correct horse battery staple"
RECIPIENTS = ("ana@example.org", "Bruno Núñez <bruno@example.org>")
LOREM = (
    "The council met again on Thursday evening to discuss the harbour plan, which has been "
    "argued over for most of the year. "
)


# ---------------------------------------------------------------- fixtures and helpers


def make_article(index: int, *, paragraphs: int = 4, **changes: object) -> Article:
    article = Article(
        key=f"key-{index}",
        source="Le Monde" if index % 2 else "El País",
        title=f"Nicolás Pérez opens the new harbour bridge, story {index}",
        paragraphs=(
            Paragraph("What happened", "heading"),
            *(Paragraph(f"Paragraph {n} of story {index}. {LOREM * 6}") for n in range(paragraphs)),
        ),
        url=f"https://news.example.org/{index}?from=digest&lang=es",
        published=dt.datetime(2026, 11, 21, 5, 30, tzinfo=dt.UTC),
        author="Nicolás Pérez",
        summary=(
            f"Summary {index}: Nicolás Pérez cut the ribbon at dawn.",
            "The bridge links the old town to the harbour and took eleven years to build, "
            "three more than planned.",
        ),
    )
    return replace(article, **changes)


def make_digest(count: int = 3, *, paragraphs: int = 4, failures: bool = True) -> Digest:
    articles = [make_article(i, paragraphs=paragraphs) for i in range(1, count + 1)]
    return Digest(
        day=DAY,
        title="Morning Read",
        stories=tuple(Story(a.title, (a,), a.summary) for a in articles),
        generated_at=NOW,
        failures=(SourceFailure("City Hall feed", "HTTP 404", "check the URL"),)
        if failures
        else (),
    )


def make_config(tmp_path: Path, port: int = 25, **email: object) -> Config:
    settings: dict[str, object] = {
        "sender": "Morning Read <digest@example.org>",
        "recipients": RECIPIENTS,
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        "timeout": 5.0,
    }
    settings.update(email)
    return Config(
        title="Morning Read",
        site_url="https://example.org/digest/",
        timezone=ZoneInfo("Europe/Madrid"),
        state=tmp_path / "state.sqlite",
        output=tmp_path / "output",
        email=EmailConfig(**settings),  # type: ignore[arg-type]
    )


def build(digest: Digest, config: Config, **kwargs: object) -> EmailMessage:
    return build_message(digest, config, make_environment(None), now=NOW, **kwargs)


def parse(data: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[return-value]


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


class Scan(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps every envelope and refuses the addresses in ``refuse``."""

    def __init__(self, refuse: tuple[str, ...] = ()) -> None:
        self.envelopes: list = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == server_password[0].encode("utf-8")
    )
    return AuthResult(success=ok, handled=False)


server_password = [PASSWORD]  # what the test server accepts; a test may change it


@contextlib.contextmanager
def smtp_server(handler: Recorder, **kwargs: object) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


# ---------------------------------------------------------------- the message


def test_message_is_multipart_alternative_plain_first_then_html_utf8(tmp_path: Path) -> None:
    message = parse(bytes(build(make_digest(), make_config(tmp_path))))

    assert message.get_content_type() == "multipart/alternative"
    kids = list(message.iter_parts())
    assert [k.get_content_type() for k in kids] == ["text/plain", "text/html"]
    for part in kids:
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
        assert "Nicolás Pérez" in part.get_content()
    assert message["MIME-Version"] == "1.0"


def test_headers_ascii_on_the_wire_and_complete(tmp_path: Path) -> None:
    data = bytes(build(make_digest(5), make_config(tmp_path)))
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))

    message = parse(data)
    assert message["From"].addresses[0].addr_spec == "digest@example.org"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "ana@example.org",
        "bruno@example.org",
    ]
    assert message["To"].addresses[1].display_name == "Bruno Núñez"
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: 5 stories"
    assert message["Date"].datetime == NOW
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", message["Message-ID"].strip())
    assert message["List-Id"] == "Morning Read <digest.example.org>"
    assert message["List-Archive"] == "<https://example.org/digest/archive.html>"
    assert message["Auto-Submitted"] == "auto-generated"


def test_sender_without_name_takes_the_title_and_non_ascii_title_is_encoded(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, sender="digest@example.org")
    digest = replace(make_digest(1), title="Café, le matin")
    data = bytes(build(digest, config))
    assert data.split(b"\r\n\r\n", 1)[0].isascii()
    message = parse(data)
    assert message["From"].addresses[0].display_name == "Café, le matin"
    assert message["Subject"] == "Café, le matin — Sat 21 Nov 2026: 1 story"
    assert message["List-Id"] == "Café le matin <digest.example.org>"


def test_html_is_inlined_safe_and_absolute(tmp_path: Path) -> None:
    _, html = parts(build(make_digest(), make_config(tmp_path)))
    tags = Scan(html).tags

    assert "<style" not in html.lower() and "<script" not in html.lower()
    assert not [t for t, _ in tags if t in ("style", "script", "link", "iframe", "form")]
    styled = {t for t, attrs in tags if attrs.get("style")}
    assert {"body", "div", "p", "h1", "h2", "a"} <= styled
    wrap = next(a for t, a in tags if t == "div" and "max-width:600px" in a.get("style", ""))
    assert "font-family" in wrap["style"]
    assert all("alt" in attrs for tag, attrs in tags if tag == "img")
    hrefs = [attrs["href"] for _, attrs in tags if "href" in attrs]
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") or urlsplit(href).scheme in ("http", "https"), href
    assert "https://example.org/digest/2026-11-21.html" in hrefs
    assert 'name="color-scheme" content="light dark"' in html


def test_no_site_url_means_no_site_links(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path), site_url=None)
    message = build(make_digest(), config)
    plain, html = parts(message)
    assert "View in your browser" not in html and "View in your browser" not in plain
    assert "List-Archive" not in message
    for _, attrs in Scan(html).tags:
        href = attrs.get("href")
        assert href is None or href.startswith(("#", "https://news.example.org/"))


def test_plain_part_wrapped_at_72_with_numbered_links(tmp_path: Path) -> None:
    plain, _ = parts(build(make_digest(3), make_config(tmp_path)))
    lines = plain.splitlines()
    for line in lines:
        assert len(line) <= 72 or "://" in line, line
    assert lines[0] == "MORNING READ"
    assert "Saturday 21 November 2026 · 3 stories from 2 sources" in plain
    assert "Le Monde · Nicolás Pérez · Sat 21 Nov, 06:30" in plain  # Madrid time
    for n in (1, 2, 3):
        assert f"[{n}] https://news.example.org/{n}?from=digest&lang=es" in lines
        assert re.search(rf"story {n} \[{n}\]$", plain, re.M)
    flat = " ".join(plain.split())
    assert "Summary 2: Nicolás Pérez cut the ribbon at dawn. The bridge links" in flat
    assert "- City Hall feed: HTTP 404 (check the URL)" in plain
    assert "-- " in lines
    assert "<" not in plain


def test_big_digest_stays_under_gmail_limit_and_keeps_every_summary(tmp_path: Path) -> None:
    digest = make_digest(60, paragraphs=12)
    message = build(digest, make_config(tmp_path))
    data = bytes(message)
    assert len(data) <= 102_000
    assert message.cuts and "left out the full texts of 60 stories" in message.cuts[0]
    plain, html = parts(parse(data))
    flat_plain = " ".join(plain.split())
    for story in digest.stories:
        summary = " ".join(story.summary)
        assert summary in html
        assert summary in flat_plain
    assert "The full texts were left out" in html


def test_full_texts_are_shortened_before_they_are_dropped(tmp_path: Path) -> None:
    digest = make_digest(12, paragraphs=12)
    whole = build(digest, make_config(tmp_path), max_bytes=10_000_000)
    assert not whole.cuts
    assert len(bytes(whole)) > 102_000

    message = build(digest, make_config(tmp_path))
    assert len(bytes(message)) <= 102_000
    assert len(message.cuts) == 1 and message.cuts[0].startswith("shortened the full text of 12")
    plain, html = parts(message)
    assert html.count("Shortened to fit this email.") == 12
    assert html.count(">Continue reading at ") == 12
    assert "Paragraph 0 of story 7." in html  # each story keeps its beginning
    for story in digest.stories:
        assert " ".join(story.summary) in html
    assert "shortened to fit" in plain


def test_over_the_limit_even_without_full_texts_is_reported(tmp_path: Path) -> None:
    message = build(make_digest(5), make_config(tmp_path), max_bytes=3_000)
    assert len(message.cuts) == 2
    assert "over the 3,000-byte limit" in message.cuts[1]
    _, html = parts(message)
    assert "Summary 5: Nicolás Pérez cut the ribbon at dawn." in html


def test_hostile_article_content_is_inert(tmp_path: Path) -> None:
    evil = make_article(
        1,
        title='<script>alert("t")</script> Headline',
        url="javascript:alert(1)",
        author='"><img src=x onerror=alert(2)>',
        paragraphs=0,
    )
    evil = replace(
        evil,
        paragraphs=(
            Paragraph("<script>alert(3)</script> <a href=/relative onclick=x()>click</a>"),
            Paragraph(LOREM * 8),
        ),
        summary=("<img src=x onerror=alert(4)> A summary.",),
    )
    digest = replace(make_digest(1), stories=(Story(evil.title, (evil,), evil.summary),))
    message = parse(bytes(build(digest, make_config(tmp_path))))
    plain, html = parts(message)

    tags = Scan(html).tags
    assert not [t for t, _ in tags if t in ("script", "img")]
    for tag, attrs in tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src"):
            assert not attrs.get(key, "").lower().startswith("javascript:")
            assert attrs.get(key, "#").startswith(("#", "https://")), attrs
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(4)&gt;" in html
    assert "javascript:" not in plain  # not listed as a link


# ---------------------------------------------------------------- the password


def test_read_password_from_env_or_file(tmp_path: Path) -> None:
    config = make_config(tmp_path, password_env="DIGEST_SMTP_PASSWORD")
    assert read_password(config.email, {"DIGEST_SMTP_PASSWORD": "s3cret"}) == "s3cret"

    secret = tmp_path / "smtp-password"
    secret.write_text("pâss wörd \nsecond line\n", encoding="utf-8")
    secret.chmod(0o600)
    email = make_config(tmp_path, password_file=secret).email
    assert read_password(email, {}) == "pâss wörd "

    assert read_password(make_config(tmp_path).email, {}) is None


def test_read_password_errors_name_the_setting(tmp_path: Path) -> None:
    email = make_config(tmp_path, password_env="DIGEST_SMTP_PASSWORD").email
    with pytest.raises(MailError) as unset:
        read_password(email, {})
    assert "DIGEST_SMTP_PASSWORD" in unset.value.problem and "is not set" in unset.value.problem
    assert "password_file" in unset.value.advice

    missing = tmp_path / "nope"
    with pytest.raises(MailError) as unreadable:
        read_password(make_config(tmp_path, password_file=missing).email, {})
    assert str(missing) in unreadable.value.problem
    assert "email.password_file" in unreadable.value.problem


# ---------------------------------------------------------------- sending


def test_send_digest_delivers_records_and_refuses_a_second_send(tmp_path: Path) -> None:
    handler = Recorder()
    with smtp_server(handler) as port, State.open(tmp_path / "state.sqlite") as state:
        config = make_config(tmp_path, port)
        result = send_digest(make_digest(), config, state, now=NOW, environ={})

        assert result.sent and result.recipients == ("ana@example.org", "bruno@example.org")
        assert state.sent_at(DAY) == NOW
        assert len(handler.envelopes) == 1
        envelope = handler.envelopes[0]
        assert envelope.mail_from == "digest@example.org"
        assert envelope.rcpt_tos == ["ana@example.org", "bruno@example.org"]
        received = parse(envelope.original_content)
        assert received["Message-ID"].strip() == result.message_id
        assert [k.get_content_type() for k in received.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
        assert "Nicolás" in received.get_body(("html",)).get_content()

        with pytest.raises(MailError) as again:
            send_digest(make_digest(), config, state, now=NOW + dt.timedelta(hours=1))
        assert "2026-11-21" in again.value.problem and "already sent" in again.value.problem
        assert "Sat 21 Nov 2026, 07:00" in again.value.problem  # when, in local time
        assert "--force" in again.value.advice
        assert len(handler.envelopes) == 1

        later = NOW + dt.timedelta(hours=2)
        send_digest(make_digest(), config, state, force=True, now=later, environ={})
        assert len(handler.envelopes) == 2
        assert state.sent_at(DAY) == later


def test_login_with_the_right_password(tmp_path: Path) -> None:
    handler = Recorder()
    kwargs = {"authenticator": authenticator, "auth_require_tls": False}
    with smtp_server(handler, **kwargs) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, port, username=USER, password_env="SMTP_PW")
        send_digest(make_digest(), config, state, now=NOW, environ={"SMTP_PW": PASSWORD})
    assert len(handler.envelopes) == 1


def test_login_with_a_non_ascii_password(tmp_path: Path) -> None:
    handler = Recorder()
    server_password[0] = "pâsswörd-ñ"
    try:
        kwargs = {"authenticator": authenticator, "auth_require_tls": False}
        with smtp_server(handler, **kwargs) as port:
            email = make_config(tmp_path, port, username=USER).email
            message = build(make_digest(1), make_config(tmp_path, port))
            send_message(message, email, "pâsswörd-ñ")
    finally:
        server_password[0] = PASSWORD
    assert len(handler.envelopes) == 1


def test_wrong_password_is_a_clear_error_without_the_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "hunter2-wrong-password"
    handler = Recorder()
    kwargs = {"authenticator": authenticator, "auth_require_tls": False}
    with smtp_server(handler, **kwargs) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, port, username=USER, password_env="SMTP_PW")
        with pytest.raises(MailError) as failure:
            send_digest(make_digest(), config, state, now=NOW, environ={"SMTP_PW": wrong})
        assert state.sent_at(DAY) is None

    error = failure.value
    assert f"refused the login for user {USER}" in error.problem
    assert f"127.0.0.1:{port}" in error.problem
    assert "535" in error.problem
    assert "password_env" in error.advice and "password_file" in error.advice
    captured = capsys.readouterr()
    for text in (str(error), repr(error), caplog.text, captured.out, captured.err):
        assert wrong not in text
    assert error.__cause__ is None and error.__suppress_context__  # no traceback leak
    assert not handler.envelopes


def test_username_without_password_is_refused_before_connecting(tmp_path: Path) -> None:
    email = make_config(tmp_path, free_port(), username=USER).email  # nothing listens there
    message = build(make_digest(1), make_config(tmp_path))
    with pytest.raises(MailError) as failure:
        send_message(message, email, None)
    assert failure.value.problem == (
        f"email.username is set ({USER}) but no password is configured"
    )


def test_one_refused_recipient_is_named_and_the_day_recorded_for_the_others(
    tmp_path: Path,
) -> None:
    handler = Recorder(refuse=("bruno@example.org",))
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, port)
        with pytest.raises(RecipientsRefused) as failure:
            send_digest(make_digest(), config, state, now=NOW, environ={})
        assert state.sent_at(DAY) == NOW  # ana has it: a rerun must not send it twice

    error = failure.value
    assert "bruno@example.org: 550 5.1.1 no such user" in error.problem
    assert "the digest went to ana@example.org" in error.problem
    assert error.refused == {"bruno@example.org": (550, "550 5.1.1 no such user")}
    assert error.accepted == ("ana@example.org",)
    assert [e.rcpt_tos for e in handler.envelopes] == [["ana@example.org"]]


def test_every_recipient_refused_records_nothing(tmp_path: Path) -> None:
    handler = Recorder(refuse=("ana@example.org", "bruno@example.org"))
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        with pytest.raises(MailError) as failure:
            send_digest(make_digest(), make_config(tmp_path, port), state, now=NOW, environ={})
        assert state.sent_at(DAY) is None
    assert "refused every recipient" in failure.value.problem
    assert "ana@example.org: 550 5.1.1 no such user" in failure.value.problem
    assert not handler.envelopes


def test_starttls_with_login_verifies_the_certificate(
    tmp_path: Path, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    handler = Recorder()
    kwargs = {
        "tls_context": server_tls,
        "require_starttls": True,
        "authenticator": authenticator,
        "auth_require_tls": True,
    }
    with smtp_server(handler, **kwargs) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(
            tmp_path, port, security="starttls", username=USER, password_env="SMTP_PW"
        )
        send_digest(
            make_digest(),
            config,
            state,
            now=NOW,
            environ={"SMTP_PW": PASSWORD},
            ssl_context=client_tls,
        )
        assert len(handler.envelopes) == 1
        assert handler.envelopes[0].rcpt_tos == ["ana@example.org", "bruno@example.org"]

        # the system's default trust store does not know the self-signed certificate
        message = build(make_digest(1), config)
        with pytest.raises(MailError) as untrusted:
            send_message(message, config.email, PASSWORD)
        assert "certificate" in untrusted.value.problem
        assert f"127.0.0.1:{port}" in untrusted.value.problem
        assert PASSWORD not in str(untrusted.value)
    assert len(handler.envelopes) == 1


def test_implicit_tls_with_login(
    tmp_path: Path, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    handler = Recorder()
    kwargs = {"ssl_context": server_tls, "authenticator": authenticator, "auth_require_tls": False}
    with smtp_server(handler, **kwargs) as port:
        config = make_config(tmp_path, port, security="tls", username=USER)
        send_message(build(make_digest(), config), config.email, PASSWORD, ssl_context=client_tls)
    assert len(handler.envelopes) == 1
    assert parse(handler.envelopes[0].original_content)["List-Id"]


def test_starttls_required_but_not_offered(tmp_path: Path, client_tls: ssl.SSLContext) -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        config = make_config(tmp_path, port, security="starttls")
        with pytest.raises(MailError) as failure:
            send_message(build(make_digest(1), config), config.email, None, ssl_context=client_tls)
    assert "does not offer STARTTLS" in failure.value.problem
    assert not handler.envelopes


def test_implicit_tls_against_a_plain_server_explains_the_ports(
    tmp_path: Path, client_tls: ssl.SSLContext
) -> None:
    with smtp_server(Recorder()) as port:
        config = make_config(tmp_path, port, security="tls")
        with pytest.raises(MailError) as failure:
            send_message(build(make_digest(1), config), config.email, None, ssl_context=client_tls)
    assert f"127.0.0.1:{port}" in failure.value.problem
    assert "TLS" in failure.value.problem
    assert "465" in failure.value.advice and "587" in failure.value.advice


def test_connection_refused_names_host_and_port(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there now
    config = make_config(tmp_path, port)
    with pytest.raises(MailError) as failure:
        send_message(build(make_digest(1), config), config.email, None)
    assert failure.value.problem == (
        f"cannot connect to the SMTP server 127.0.0.1:{port}: connection refused"
    )
    assert "smtp_port" in failure.value.advice


def test_silent_server_times_out(tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        config = make_config(tmp_path, port, timeout=1.0)
        with pytest.raises(MailError) as failure:
            send_message(build(make_digest(1), config), config.email, None)
    assert failure.value.problem == (
        f"the SMTP server 127.0.0.1:{port} did not answer within 1 second"
    )


# ---------------------------------------------------------------- dry runs and config


def test_dry_run_to_file_writes_a_valid_eml_and_sends_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.eml"
    with State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, free_port(), username=USER, password_env="UNSET_VAR")
        result = send_digest(
            make_digest(), config, state, dry_run=True, to_file=target, now=NOW, environ={}
        )
        assert state.sent_at(DAY) is None
    assert not result.sent and result.written == target
    data = target.read_bytes()
    assert len(data) == result.size
    message = parse(data)
    assert not [d for part in message.walk() for d in part.defects]
    assert [k.get_content_type() for k in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: 3 stories"
    assert not list(tmp_path.joinpath("out").glob(".*.tmp"))
    assert "dry run" in result.summary_line


def test_dry_run_prints_the_message_even_for_a_day_already_sent(tmp_path: Path) -> None:
    out = io.StringIO()
    with State.open(tmp_path / "s.sqlite") as state:
        state.record_sent(DAY, NOW, "<x@example.org>", ["ana@example.org"])
        send_digest(make_digest(), make_config(tmp_path), state, dry_run=True, out=out, now=NOW)
    text = out.getvalue()
    assert "\r" not in text
    message = parse(text.encode("ascii"))
    assert message.get_content_type() == "multipart/alternative"
    assert message["List-Id"] == "Morning Read <digest.example.org>"


def test_no_email_table_is_a_mail_error(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path), email=None)
    with pytest.raises(MailError) as failure:
        build(make_digest(), config)
    assert "[email]" in failure.value.problem


def test_user_templates_override_the_built_in_ones(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.txt.j2").write_text(
        "{{ digest.title }} has {{ entries|length }} stories.\n", encoding="utf-8"
    )
    config = replace(make_config(tmp_path), templates=folder)
    message = build_message(make_digest(), config, make_environment(folder), now=NOW)
    plain, html = parts(message)
    assert plain == "Morning Read has 3 stories.\n"
    assert "Nicolás" in html  # the built-in HTML template still applies


def test_template_error_is_a_mail_error(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.html.j2").write_text("{{ no_such_variable }}", encoding="utf-8")
    with pytest.raises(MailError) as failure:
        build_message(make_digest(), make_config(tmp_path), make_environment(folder), now=NOW)
    assert "email.html.j2" in failure.value.problem


def test_empty_day_and_grouped_story(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    empty = replace(make_digest(0, failures=False), stories=())
    message = build(empty, config)
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: nothing new"
    plain, html = parts(message)
    assert "Nothing new today. Enjoy the quiet." in plain and "Enjoy the quiet." in html
    assert "Links" not in plain

    lead, other = make_article(1), make_article(2, title="Same bridge, another paper")
    grouped = replace(empty, stories=(Story(lead.title, (lead, other), lead.summary),))
    plain, html = parts(build(grouped, config))
    assert "Also: Same bridge, another paper (El País) [2]" in plain
    assert "[2] https://news.example.org/2?from=digest&lang=es" in plain
    assert 'href="https://news.example.org/2?from=digest&amp;lang=es"' in html


def test_user_template_mistakes_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.html.j2").write_text(
        '<!doctype html><html><body><p><a href="archive.html">Archive</a>'
        '<img src="https://example.org/logo.png"></p></body></html>\n',
        encoding="utf-8",
    )
    caplog.set_level(logging.WARNING, logger="digest.mail")
    build_message(make_digest(), make_config(tmp_path), make_environment(folder), now=NOW)
    assert "href='archive.html' is not an absolute http(s) link" in caplog.text
    assert "an <img> without alt text" in caplog.text
