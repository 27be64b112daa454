"""The command line, as a user types it: help, options, exit codes and what goes to the terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import EXIT_OK, EXIT_USAGE, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_python_m_digest_help_lists_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "extract", "summarise", "sources", "send", "run", "check"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "command", ["build", "extract", "summarise", "sources", "send", "run", "check"]
)
def test_every_subcommand_explains_itself(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: digest {command}" in out and "--config" in out


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["buidl"], "did you mean 'build'?"),
        (["sned", "--dry-run"], "did you mean 'send'?"),
        (["sources", "lsit"], "did you mean 'list'?"),
        (["sources", "add", "https://example.org/", "--kind", "fed"], "did you mean 'feed'?"),
    ],
)
def test_a_mistyped_command_or_choice_is_answered_with_the_likeliest(
    args: list[str], meant: str
) -> None:
    result = run(*args)
    assert result.returncode == EXIT_USAGE
    assert "invalid choice" in result.stderr and meant in result.stderr


def test_an_unknown_command_far_from_any_gets_no_guess() -> None:
    result = run("xyzzy")
    assert result.returncode == EXIT_USAGE
    assert "invalid choice: 'xyzzy'" in result.stderr and "did you mean" not in result.stderr


def test_bad_date_is_a_usage_error(workdir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build", "--date", "21/11/2026"])
    assert exited.value.code == EXIT_USAGE
    assert "not a date like 2026-11-21" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("date", "said"),
    [
        ("2026-13-01", "'2026-13-01': there is no month 13"),
        ("2026-02-30", "'2026-02-30': February 2026 has no day 30 (it has 28 days)"),
        ("2028-02-30", "'2028-02-30': February 2028 has no day 30 (it has 29 days)"),
        ("2026-04-31", "April 2026 has no day 31 (it has 30 days)"),
    ],
)
def test_a_date_written_right_that_does_not_exist_says_which_part_is_wrong(
    workdir: Path, capsys, date: str, said: str
) -> None:
    # "is not a date like 2026-11-21" looks like what was typed: name what does not exist
    with pytest.raises(SystemExit) as exited:
        main(["build", "--date", date])
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert said in err and "not a date like" not in err, err


def test_config_error_exits_2_naming_file_and_key(workdir: Path, capsys) -> None:
    (workdir / "bad.toml").write_text("lead_sentences = 'many'\n", encoding="utf-8")
    assert main(["build", "--config", "bad.toml"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "bad.toml" in err and "lead_sentences" in err and "integer" in err


def test_each_config_mistake_is_a_line_of_its_own_in_the_order_of_the_file(
    workdir: Path, capsys
) -> None:
    (workdir / "bad.toml").write_text('max_stories = "40"\ntimezone = "Paris"\n', "utf-8")
    assert main(["build", "--config", "bad.toml"]) == EXIT_USAGE
    assert capsys.readouterr().err.splitlines() == [
        "digest: configuration error: bad.toml: line 1: key 'max_stories' must be an integer "
        "from 1 to 1000, got '40'",
        "digest: configuration error: bad.toml: line 2: key 'timezone': must be an IANA "
        "timezone name, such as Europe/Paris, got 'Paris': did you mean 'Europe/Paris'?",
    ]
    assert not (workdir / "output").exists()


def test_a_refused_config_says_its_warnings_after_its_errors_each_once(
    workdir: Path, capsys
) -> None:
    # The warnings were left unsaid until the errors were fixed: a second round of mistakes
    # on the next run.
    (workdir / "bad.toml").write_text(
        'max_stories = "40"\n\n[[sources]]\nname = "Harbour"\n'
        'url = "https://example.org/feed.xml"\n\n[[sources]]\nname = "Harbour tech"\n'
        'url = "https://example.org/feed.xml"\n\n[fetch]\nworkers = 0\n',
        "utf-8",
    )
    assert main(["build", "--config", "bad.toml"]) == EXIT_USAGE
    assert capsys.readouterr().err.splitlines() == [
        "digest: configuration error: bad.toml: line 1: key 'max_stories' must be an integer "
        "from 1 to 1000, got '40'",
        "digest: configuration error: bad.toml: line 12: key 'fetch.workers' must be an "
        "integer from 1 to 64, got 0",
        "warning: bad.toml: [[sources]] #1 (line 5) and [[sources]] #2 (line 9) read the same "
        "address (on example.org): it is fetched once for each of them, every build; keep "
        "one, unless they differ on purpose (their filters, category or options)",
    ]
    assert not (workdir / "output").exists()


def test_digest_toml_in_working_folder_is_used(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text('title = "Found It"\noutput = "site"\n', "utf-8")
    assert main(["build"]) == EXIT_OK
    assert "Found It" in (workdir / "site" / "index.html").read_text("utf-8")


def test_progress_is_one_plain_line_per_fetch_saying_how_it_went_when_not_on_a_terminal(
    workdir: Path, http_server
) -> None:
    # output redirected (cron without -q, a log file): the lines are plain, as the build's
    # others are (no log record's timestamp and level), and a refused fetch is not "fetched"
    from ports import closed_port

    http_server.route(
        "/feed.xml", body='<rss version="2.0"><channel><title>T</title></channel></rss>'
    )
    (workdir / "digest.toml").write_text(
        f'[[sources]]\nname = "Harbour News"\nurl = "{http_server.url("/feed.xml")}"\n'
        f'[[sources]]\nname = "Local bridge"\nurl = "http://127.0.0.1:{closed_port()}/feed"\n'
        "allow_private = true\n[fetch]\nallow_private = true\n",
        encoding="utf-8",
    )
    result = run("build")
    assert result.returncode == EXIT_OK, result.stderr
    lines = result.stderr.splitlines()
    progress = [line for line in lines if re.match(r"^\d+/2 ", line)]
    # in the order the fetches finish, whichever that is
    assert sorted(line.split(" ", 1)[1] for line in progress) == [
        "fetched: Harbour News",
        "not fetched: Local bridge",
    ], result.stderr
    assert sorted(line.split(" ", 1)[0] for line in progress) == ["1/2", "2/2"]
    assert not [line for line in lines if " INFO " in line], result.stderr
    assert any(line.startswith("source failed: Local bridge: ") for line in lines)
    quiet = run("build", "-q")
    assert not [line for line in quiet.stderr.splitlines() if re.match(r"^\d+/2 ", line)]


def test_what_the_command_line_reports_and_what_it_lets_through(
    workdir: Path, monkeypatch, capsys
) -> None:
    # Errors a user can meet get a status and a message; a bug keeps its traceback.
    from digest import usecases
    from digest.cli import exits
    from digest.state import StateLockedError

    def fails_with(exc: BaseException):
        def build_day(*args, **kwargs):
            raise exc

        return build_day

    monkeypatch.setattr(usecases, "build_day", fails_with(KeyboardInterrupt()))
    assert main(["build"]) == exits.EXIT_INTERRUPTED
    held = StateLockedError("another run holds the state", "try again later")
    monkeypatch.setattr(usecases, "build_day", fails_with(held))
    assert main(["build"]) == exits.EXIT_LOCKED
    assert "another run holds the state; try again later" in capsys.readouterr().err
    monkeypatch.setattr(usecases, "build_day", fails_with(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        main(["build"])
