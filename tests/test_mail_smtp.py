"""digest.mail.smtp: delivery to a real SMTP server, and every failure explained.

Every test talks to an aiosmtpd server on 127.0.0.1 (``smtpserver.py``) through the real
smtplib path and parses the bytes that server received. The TLS tests use a self-signed
certificate made for the test run, and the client verifies the server against it (no
verification is switched off).
"""

from __future__ import annotations

import logging
import socket
import ssl
from pathlib import Path

import pytest
from mail_samples import DAY, NOW, build, make_config, make_digest, parse
from ports import closed_port
from smtpserver import (
    PASSWORD,
    USER,
    Recorder,
    authenticator,
    server_password,
    smtp_server,
)

from digest.mail import MailError, send_digest, send_message
from digest.mail.smtp import _explain
from digest.state import State

# ---------------------------------------------------------------- logging in


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
    email = make_config(tmp_path, closed_port(), username=USER).email  # nothing listens there
    message = build(make_digest(1), make_config(tmp_path))
    with pytest.raises(MailError) as failure:
        send_message(message, email, None)
    assert failure.value.problem == (
        f"email.username is set ({USER}) but no password is configured"
    )


# ---------------------------------------------------------------- TLS


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


# ---------------------------------------------------------------- the connection


def test_connection_refused_names_host_and_port(tmp_path: Path) -> None:
    port = closed_port()  # nothing listens there
    config = make_config(tmp_path, port)
    with pytest.raises(MailError) as failure:
        send_message(build(make_digest(1), config), config.email, None)
    assert failure.value.problem == (
        f"cannot connect to the SMTP server 127.0.0.1:{port}: connection refused"
    )
    assert "smtp_port" in failure.value.advice


def test_silent_server_times_out(tmp_path: Path) -> None:
    # A config file allows 1 second at the least; a quarter of one keeps the test quick, and
    # the server never answers, so any timeout at all must expire.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        config = make_config(tmp_path, port, timeout=0.25)
        with pytest.raises(MailError) as failure:
            send_message(build(make_digest(1), config), config.email, None)
    assert failure.value.problem == (
        f"the SMTP server 127.0.0.1:{port} did not answer within 0.25 seconds"
    )
    # the wording for the smallest timeout a config file can set, without waiting for it
    one_second = make_config(tmp_path, port, timeout=1.0).email
    assert _explain(TimeoutError(), one_second).problem == (
        f"the SMTP server 127.0.0.1:{port} did not answer within 1 second"
    )
