"""digest send, as a user types it: through a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import email
from pathlib import Path

import pytest

from digest.cli import EXIT_OK, EXIT_USAGE, main


def email_config(port: int) -> str:
    return (
        'title = "Morning Read"\nsite_url = "https://example.org/news/"\n'
        '[email]\nfrom = "Digest <digest@example.org>"\n'
        'to = ["ana@example.org", "bruno@example.org"]\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n'
        'username = "reader"\npassword_env = "TEST_SMTP_PASSWORD"\n'
    )


def test_send_through_a_real_smtp_server_once_then_not_again_then_force(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from smtpserver import PASSWORD, Recorder, authenticator, smtp_server

    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        (workdir / "digest.toml").write_text(email_config(port), encoding="utf-8")
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
        assert main(["send"]) == EXIT_OK  # builds the day first, then sends
        assert len(handler.envelopes) == 1
        envelope = handler.envelopes[0]
        assert sorted(envelope.rcpt_tos) == ["ana@example.org", "bruno@example.org"]
        assert b"Morning Read" in envelope.original_content
        assert b"1 story from 1 source" in envelope.original_content  # the seeds: one event

        capsys.readouterr()
        assert main(["send"]) == EXIT_OK  # the same day again is not sent: a note, no error
        out, err = capsys.readouterr()
        assert "already sent" in out and "--force" in out and err == ""
        assert len(handler.envelopes) == 1
        assert main(["send", "--force"]) == EXIT_OK
        assert len(handler.envelopes) == 2


def test_send_says_what_it_sent_in_its_own_words_not_in_a_log_record(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It printed "2026-12-07 14:01:20,865 INFO digest.mail: sent <...> to ... via ..." beside
    # its line saying what was sent to whom: the log 'digest run' keeps, in a command's output
    import os
    import re
    import subprocess
    import sys

    from smtpserver import PASSWORD, Recorder, authenticator, smtp_server

    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        (workdir / "digest.toml").write_text(email_config(port), encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "digest", "send"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "TEST_SMTP_PASSWORD": PASSWORD, "PYTHONIOENCODING": "utf-8"},
        )
    assert done.returncode == EXIT_OK, done.stderr
    assert len(handler.envelopes) == 1
    printed = done.stdout.splitlines() + done.stderr.splitlines()
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")
    assert not [line for line in printed if stamp.match(line)], printed
    (sent,) = [line for line in printed if " sent " in line]
    assert sent in done.stdout and "to 2 recipients" in sent


def test_send_with_wrong_password_fails_clearly_without_printing_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from smtpserver import Recorder, authenticator, smtp_server

    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        (workdir / "digest.toml").write_text(email_config(port), encoding="utf-8")
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-secret-value")
        assert main(["send"]) == 1
    err = capsys.readouterr().err
    assert "reader" in err and "wrong-secret-value" not in err
    assert handler.envelopes == []


def test_send_dry_run_to_file_writes_an_eml_and_sends_nothing(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text(email_config(9), encoding="utf-8")  # nothing listens
    assert main(["send", "--dry-run", "--to-file", "out.eml"]) == EXIT_OK
    data = (workdir / "out.eml").read_bytes()
    assert b"multipart/alternative" in data and b"Message-ID:" in data
    assert main(["send", "--dry-run"]) == EXIT_OK  # prints, and may be repeated
    assert "multipart/alternative" in capsys.readouterr().out


def test_send_after_build_lists_the_sources_that_failed_in_the_build(workdir: Path) -> None:
    # the README's cron line: 'digest build && digest send'
    config = email_config(9) + (
        '[[sources]]\npath = "seeds"\n'
        '[[sources]]\nname = "Gone Gazette"\npath = "no-such-feed.xml"\nkind = "feed"\n'
    )
    (workdir / "digest.toml").write_text(config, encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    assert main(["send", "--dry-run", "--to-file", "out.eml"]) == EXIT_OK
    message = email.message_from_bytes((workdir / "out.eml").read_bytes())
    plain = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    text = " ".join(plain.get_payload(decode=True).decode().split())  # unwrapped
    assert "- Gone Gazette: its content could not be read" in text
    # the error names the operator's file: the build's report says it, the email does not
    assert "no-such-feed.xml" not in text and "does not exist" not in text


def forget_state(workdir: Path) -> None:
    """No state at all, as before a first run: the state file and the copies kept of it."""
    import shutil

    for path in workdir.glob("digest-state.sqlite*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink()


GONE = '[[sources]]\nname = "Gone Gazette"\npath = "no-such-feed.xml"\nkind = "feed"\n'


def test_a_cron_job_that_only_sends_hears_of_the_sources_its_build_could_not_read(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # 'digest send -q' alone in a crontab: the day is built first, and a broken feed is said
    # as 'digest build -q' says it (cron mails it), while the email goes out all the same
    from smtpserver import PASSWORD, Recorder, authenticator, smtp_server

    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        config = email_config(port) + '[[sources]]\npath = "seeds"\n' + GONE
        (workdir / "digest.toml").write_text(config, encoding="utf-8")
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
        assert main(["send", "-q"]) == EXIT_OK
        out, err = capsys.readouterr()
        assert len(handler.envelopes) == 1
        assert out == ""
        (line,) = err.splitlines()
        assert line.startswith("source failed: Gone Gazette: ") and "no-such-feed.xml" in line
        # the same words as the build's: one home for them
        forget_state(workdir)
        assert main(["build", "-q"]) == EXIT_OK
        assert capsys.readouterr() == ("", err)


def test_a_send_whose_email_fails_still_says_what_its_build_found(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from smtpserver import Recorder, authenticator, smtp_server

    with smtp_server(Recorder(), authenticator=authenticator, auth_require_tls=False) as port:
        config = email_config(port) + '[[sources]]\npath = "seeds"\n' + GONE
        (workdir / "digest.toml").write_text(config, encoding="utf-8")
        monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-secret-value")
        assert main(["send", "-q"]) == 1
    first, *rest = capsys.readouterr().err.splitlines()
    assert first.startswith(
        "source failed: Gone Gazette: "
    )  # the build's, before the email's error
    assert rest[0].startswith("digest: ") and "reader" in rest[0]


def test_send_says_what_its_build_did_as_build_does_and_keeps_a_printed_message_clean(
    workdir: Path, capsys
) -> None:
    from seedsite import SEEDS_DAY

    # no site_url: the build's note says so; the seeds' day, as 'digest build --date' says it
    config = email_config(9).replace('site_url = "https://example.org/news/"\n', "")
    (workdir / "digest.toml").write_text(config + GONE, encoding="utf-8")
    assert main(["send", "--dry-run", "--to-file", "out.eml", "--date", SEEDS_DAY]) == EXIT_OK
    out, err = capsys.readouterr()
    build_line, *wrote, send_line = out.splitlines()
    assert build_line.startswith(f"{SEEDS_DAY}: 0 stories") and "1 failed" in build_line
    assert wrote and all(line.startswith("  wrote ") for line in wrote)
    assert send_line.startswith(f"{SEEDS_DAY}: dry run, wrote out.eml")
    assert "Gone Gazette: " in err and "note: site_url is not set" in err

    # the message printed to standard output is the message alone: the build's lines go to
    # standard error (the day built anew, as it was never built under this state)
    forget_state(workdir)
    assert main(["send", "--dry-run", "--date", SEEDS_DAY]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.startswith(("Content-Type:", "MIME-Version:", "Subject:", "From:", "Date:"))
    assert f"{SEEDS_DAY}: 0 stories" not in out and "  wrote " not in out
    assert f"{SEEDS_DAY}: 0 stories" in err and "Gone Gazette: " in err


def test_a_private_umask_keeps_every_file_digest_writes_private(workdir: Path) -> None:
    # The state honours the umask, and the pages, the email and the export hold what it holds:
    # none of them may be readable by other users when the job runs with umask 077.
    import os
    import stat

    (workdir / "digest.toml").write_text(
        email_config(9) + '[[sources]]\npath = "seeds"\n', encoding="utf-8"
    )
    previous = os.umask(0o077)
    try:
        assert main(["build", "-q"]) == EXIT_OK
        assert main(["send", "--dry-run", "--to-file", "out.eml"]) == EXIT_OK
        assert main(["sources", "export", "-o", "subs.opml"]) == EXIT_OK
    finally:
        os.umask(previous)
    written = [workdir / "digest-state.sqlite", workdir / "out.eml", workdir / "subs.opml"]
    written += sorted((workdir / "output").iterdir())
    modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in written}
    assert modes == {path.name: "0o600" for path in written}


def test_a_day_send_cannot_send_is_said_as_build_says_it(workdir: Path, capsys) -> None:
    # the same words and exit status for 'digest send --date' as for 'digest build --date'
    assert main(["send", "--dry-run", "--date", "2099-01-01"]) == EXIT_USAGE
    sent = capsys.readouterr().err
    assert main(["build", "--date", "2099-01-01"]) == EXIT_USAGE
    assert sent == capsys.readouterr().err
    assert sent.startswith("digest: --date ") and "in the future" in sent
