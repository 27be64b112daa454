"""digest.mail.send: each day's email goes out once; dry runs send nothing; the state records
what a real SMTP server (aiosmtpd on 127.0.0.1) accepted."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import smtplib
from pathlib import Path

import pytest
from mail_samples import DAY, NOW, make_config, make_digest, parse
from ports import closed_port
from smtpserver import USER, Recorder, smtp_server

from digest.mail import AlreadySentError, MailError, RecipientsRefused, send_digest
from digest.state import State


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


def test_a_send_stopped_after_the_server_took_the_message_is_not_sent_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C (or a kill) while waiting for the server's answer to QUIT, after it had taken
    # the message: the send was recorded only once that answer came, so the next
    # 'digest send' mailed the day a second time.
    def stopped(self: smtplib.SMTP) -> None:
        raise KeyboardInterrupt

    handler = Recorder()
    with smtp_server(handler) as port, State.open(tmp_path / "state.sqlite") as state:
        config = make_config(tmp_path, port)
        with monkeypatch.context() as patched:
            patched.setattr(smtplib.SMTP, "quit", stopped)
            with pytest.raises(KeyboardInterrupt):
                send_digest(make_digest(), config, state, now=NOW, environ={})
        assert len(handler.envelopes) == 1
        assert state.sent_at(DAY) == NOW
        with pytest.raises(MailError, match="already sent"):
            send_digest(make_digest(), config, state, now=NOW + dt.timedelta(hours=1))
    assert len(handler.envelopes) == 1


class Unanswering(Recorder):
    """Takes the whole message, then never says so: it hangs past the client's timeout
    (scanning it, say), or drops the line."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        if self.how == "drop":
            server.transport.close()
        else:
            await asyncio.sleep(3)
        return "250 Message accepted for delivery"


@pytest.mark.parametrize("how", ["hang", "drop"])
def test_a_message_the_server_took_but_never_confirmed_is_not_sent_twice(
    tmp_path: Path, how: str
) -> None:
    # The server had the whole message; its answer timed out or the line dropped. Nothing
    # was recorded, so every rerun (and every later job of 'digest run') mailed it again.
    handler = Unanswering(how)
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, port, timeout=0.5)
        with pytest.raises(MailError) as failure:
            send_digest(make_digest(), config, state, now=NOW, environ={})
        assert state.sent_at(DAY) == NOW
        with pytest.raises(AlreadySentError):
            send_digest(make_digest(), config, state, now=NOW + dt.timedelta(hours=1))
    assert len(handler.envelopes) == 1
    problem = failure.value.problem
    assert "was given the whole message for ana@example.org, bruno@example.org" in problem
    assert ("within 0.5 seconds" if how == "hang" else "closed the connection") in problem
    assert "--force" in failure.value.advice


def test_a_message_the_server_refused_is_not_recorded(tmp_path: Path) -> None:
    class Refusing(Recorder):
        async def handle_DATA(self, server, session, envelope):
            return "554 5.6.0 message refused"

    with smtp_server(Refusing()) as port, State.open(tmp_path / "s.sqlite") as state:
        with pytest.raises(MailError) as failure:
            send_digest(make_digest(), make_config(tmp_path, port), state, now=NOW, environ={})
        assert state.sent_at(DAY) is None  # a refusal is an answer: nothing went out
    assert "refused the message (554 5.6.0 message refused)" in failure.value.problem


# ---------------------------------------------------------------- refused recipients


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
    # a rerun sends nothing (ana has it): the advice does not promise otherwise
    assert "try again later" not in error.advice and "--force" in error.advice
    assert [e.rcpt_tos for e in handler.envelopes] == [["ana@example.org"]]


class Deferring(Recorder):
    """Refuses ``address`` for now (a 4xx reply, as a full mailbox or greylisting is) the
    first ``times`` times it is given, then takes it; ``refuse`` as ``Recorder``."""

    def __init__(self, address: str, times: int, refuse: tuple[str, ...] = ()) -> None:
        super().__init__(refuse)
        self.address = address
        self.times = times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.address and self.times > 0:
            self.times -= 1
            return "452 4.2.2 mailbox full, try again later"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_recipient_refused_for_now_is_sent_the_day_by_the_next_send_alone(
    tmp_path: Path,
) -> None:
    # bruno's server said "try again later" (4xx): the day was recorded as sent, and only
    # --force could send it again, mailing ana a second time. The next send goes to bruno
    # alone, and once he has it, the day is sent.
    handler = Deferring("bruno@example.org", times=2)
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, port)
        with pytest.raises(RecipientsRefused) as failure:
            send_digest(make_digest(), config, state, now=NOW, environ={})
        assert "452 4.2.2 mailbox full" in failure.value.problem
        advice = failure.value.advice
        assert "bruno@example.org alone" in advice and "--force" not in advice
        assert state.sent_at(DAY) == NOW  # ana has it

        # refused again (every recipient of this send): still to go to him, and the error
        # does not say that nothing was sent, ana having it
        later = NOW + dt.timedelta(hours=1)
        with pytest.raises(RecipientsRefused) as again:
            send_digest(make_digest(), config, state, now=later, environ={})
        assert "nothing was sent" not in again.value.problem
        assert "the digest went to ana@example.org" in again.value.problem
        assert "bruno@example.org alone" in again.value.advice

        latest = NOW + dt.timedelta(hours=2)
        result = send_digest(make_digest(), config, state, now=latest, environ={})
        assert result.recipients == ("bruno@example.org",)
        with pytest.raises(AlreadySentError):
            send_digest(make_digest(), config, state, now=latest, environ={})
        assert state.sent_to(DAY) == ("ana@example.org", "bruno@example.org")

    assert [e.rcpt_tos for e in handler.envelopes] == [["ana@example.org"], ["bruno@example.org"]]
    # the first message's id is kept (the send to bruno stored over it), then bruno's
    first, second = (parse(e.original_content)["Message-ID"] for e in handler.envelopes)
    with State.open(tmp_path / "s.sqlite") as state:
        assert state.message_ids(DAY) == (first.strip(), second.strip())
    # the same message as ana's: addressed to both
    assert "bruno@example.org" in parse(handler.envelopes[1].original_content)["To"]
    assert "ana@example.org" in parse(handler.envelopes[1].original_content)["To"]


def test_a_recipient_refused_for_good_is_not_tried_again(tmp_path: Path) -> None:
    handler = Deferring("bruno@example.org", times=1, refuse=("carla@example.org",))
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        config = make_config(
            tmp_path, port, recipients=("ana@example.org", "bruno@example.org", "carla@example.org")
        )
        with pytest.raises(RecipientsRefused) as failure:
            send_digest(make_digest(), config, state, now=NOW, environ={})
        advice = failure.value.advice
        assert "check carla@example.org in email.to" in advice and "--force" in advice
        assert "bruno@example.org alone" in advice
        result = send_digest(make_digest(), config, state, now=NOW, environ={})
        assert result.recipients == ("bruno@example.org",)
        with pytest.raises(AlreadySentError):
            send_digest(make_digest(), config, state, now=NOW, environ={})
    assert [e.rcpt_tos for e in handler.envelopes] == [["ana@example.org"], ["bruno@example.org"]]


def test_every_recipient_refused_records_nothing(tmp_path: Path) -> None:
    handler = Recorder(refuse=("ana@example.org", "bruno@example.org"))
    with smtp_server(handler) as port, State.open(tmp_path / "s.sqlite") as state:
        with pytest.raises(MailError) as failure:
            send_digest(make_digest(), make_config(tmp_path, port), state, now=NOW, environ={})
        assert state.sent_at(DAY) is None
    assert "refused every recipient" in failure.value.problem
    assert "ana@example.org: 550 5.1.1 no such user" in failure.value.problem
    assert not handler.envelopes


# ---------------------------------------------------------------- dry runs


def test_dry_run_to_file_writes_a_valid_eml_and_sends_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out" / "digest.eml"
    with State.open(tmp_path / "s.sqlite") as state:
        config = make_config(tmp_path, closed_port(), username=USER, password_env="UNSET_VAR")
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
