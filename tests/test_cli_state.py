"""digest state check / list / restore / reset, as a user types them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from seedsite import SEEDS_DAY
from smtpserver import PASSWORD, Recorder, authenticator, smtp_server
from test_cli_send import email_config

from digest.cli import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from digest.state import RunLock, backup_files


def digest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.mark.slow
def test_an_emptied_state_is_refused_restored_and_nothing_is_shown_twice(workdir: Path) -> None:
    assert digest("build", "-q", "--date", SEEDS_DAY, cwd=workdir).returncode == EXIT_OK
    page = workdir / "output" / f"{SEEDS_DAY}.html"
    first = page.read_text("utf-8")
    state = workdir / "digest-state.sqlite"
    state.write_bytes(b"")  # what a full disk or a careless copy leaves

    refused = digest("build", "-q", "--date", SEEDS_DAY, cwd=workdir)
    assert refused.returncode == EXIT_FAILED
    assert "is damaged: it is empty (0 bytes)" in refused.stderr
    assert "digest state restore" in refused.stderr and "Traceback" not in refused.stderr
    assert page.read_text("utf-8") == first

    checked = digest("state", "check", cwd=workdir)
    assert checked.returncode == EXIT_FAILED and "it is empty (0 bytes)" in checked.stdout

    restored = digest("state", "restore", cwd=workdir)
    assert restored.returncode == EXIT_OK, restored.stderr
    assert f"restored {state} from" in restored.stdout and "moved aside" in restored.stdout

    again = digest("build", "--date", SEEDS_DAY, cwd=workdir)
    assert again.returncode == EXIT_OK and "(0 new articles)" in again.stdout
    assert page.read_text("utf-8").count('<li id="story-') == 3  # each seed once, as before


def test_check_and_list_describe_the_state_and_its_copies(
    workdir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["state", "check"]) == EXIT_OK
    assert "does not exist yet" in capsys.readouterr().out
    assert main(["state", "list"]) == EXIT_OK
    assert "no copies kept" in capsys.readouterr().out
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    assert main(["state", "check"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "is sound" in out and f"newest day {SEEDS_DAY}" in out and "3 articles" in out
    assert "1 copy kept in" in out
    assert main(["state", "list"]) == EXIT_OK
    out = capsys.readouterr().out
    [copy] = backup_files(workdir / "digest-state.sqlite")
    assert copy.name in out and f"newest day {SEEDS_DAY}" in out


def test_restore_and_reset_refuse_a_sound_state_unless_forced(
    workdir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    capsys.readouterr()
    for action in ("restore", "reset"):
        assert main(["state", action]) == EXIT_FAILED
        assert "is sound" in capsys.readouterr().err
    assert main(["state", "reset", "--force"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "started afresh" in out and "digest-state.sqlite.damaged-" in out
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    assert "(3 new articles)" in capsys.readouterr().out  # a first run, as reset says


def test_a_day_emailed_before_a_reset_is_not_emailed_again_after_it(
    workdir: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reset forgot which days were sent: the next 'digest send' built today's day afresh
    # and mailed it a second time. Documented to forget what was shown, it keeps the sends.
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        (workdir / "digest.toml").write_text(email_config(port), encoding="utf-8")
        assert main(["send", "-q"]) == EXIT_OK
        assert len(handler.envelopes) == 1
        capsys.readouterr()
        assert main(["state", "reset", "--force"]) == EXIT_OK
        out, err = capsys.readouterr()
        assert "keeps only the record of the 1 email sent (no day is mailed twice)" in out
        assert err == ""
        assert main(["send"]) == EXIT_OK  # the day built again, as new: not mailed again
        out = capsys.readouterr().out
        assert "(3 new articles)" in out and "already sent" in out
        assert len(handler.envelopes) == 1


def test_a_reset_of_a_state_whose_sends_cannot_be_read_says_what_may_go_out_twice(
    workdir: Path, capsys: pytest.CaptureFixture
) -> None:
    (workdir / "digest.toml").write_text(email_config(25), encoding="utf-8")
    (workdir / "digest-state.sqlite").write_bytes(b"")  # emptied: whatever it recorded is lost
    assert main(["state", "reset"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "is a new, empty state" in out
    assert "could not be read for the emails it recorded as sent" in err
    assert "if today's email went out already, 'digest send' and 'digest run'" in err


def test_state_commands_wait_for_no_build(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["build", "-q", "--date", SEEDS_DAY]) == EXIT_OK
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["state", "reset", "--force"]) == EXIT_LOCKED
    assert "another digest run" in capsys.readouterr().err


def test_state_alone_explains_itself(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["state"]) == EXIT_USAGE
    out = capsys.readouterr().out
    for action in ("check", "list", "restore", "reset"):
        assert action in out


def test_a_restore_after_a_send_keeps_the_day_from_being_mailed_again(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    # The newest copy was taken as the build ended, before the email went out: 'digest
    # state restore' put back a state that did not know the day was sent, and the next
    # 'digest send' mailed it again, without a word
    from smtpserver import Recorder, smtp_server

    handler = Recorder()
    with smtp_server(handler) as port:
        (workdir / "digest.toml").write_text(
            '[email]\nfrom = "digest@example.org"\nto = ["ana@example.org"]\n'
            f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n',
            encoding="utf-8",
        )
        assert main(["send", "-q", "--date", SEEDS_DAY]) == EXIT_OK  # built, then sent
        assert main(["state", "restore", "--force"]) == EXIT_OK
        out, err = capsys.readouterr()
        assert "restored" in out
        (warning,) = err.splitlines()
        assert warning.startswith("warning: this copy, taken ")
        assert f"predates the email of {SEEDS_DAY} (sent " in warning
        assert "'digest send' would have mailed it again" in warning
        assert f"'digest send --date {SEEDS_DAY} --force' sends it anyway" in warning
        assert main(["send", "--date", SEEDS_DAY]) == EXIT_OK
        assert "already sent" in capsys.readouterr().out
    assert len(handler.envelopes) == 1
