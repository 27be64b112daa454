"""digest build, as a user types it."""

from __future__ import annotations

from pathlib import Path

from seedsite import SEEDS_DAY

from digest.cli import EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from digest.state import RunLock


def test_build_with_no_config_reads_seeds_into_output(workdir: Path, capsys) -> None:
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert "1 story (3 new articles)" in out  # the seeds are three reports of one event
    assert (workdir / "output" / f"{SEEDS_DAY}.html").is_file()
    assert (workdir / "output" / "feed.atom").is_file()
    assert (workdir / "digest-state.sqlite").is_file()


def test_second_build_while_locked_exits_75(workdir: Path, capsys) -> None:
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["build"]) == EXIT_LOCKED
    assert "another digest run" in capsys.readouterr().err


def test_a_date_far_in_the_future_is_refused(workdir: Path, capsys) -> None:
    assert main(["build", "--date", "2099-01-01"]) == EXIT_USAGE
    assert "in the future" in capsys.readouterr().err
    assert not (workdir / "output").exists()


def test_a_wrong_source_entry_does_not_stop_the_build(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text(
        '[[sources]]\npath = "seeds"\n'
        '[[sources]]\nname = "Typo"\nurl = "htps://example.org/feed.xml"\n',
        encoding="utf-8",
    )
    assert main(["build"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "Typo: not read: the config entry is wrong" in err and "sources[1].url" in err
    page = (workdir / "output" / "index.html").read_text(encoding="utf-8")
    assert "Typo" in page and "fix this [[sources]] entry" in page
    assert page.count('class="story"') == 1 and page.count('<li id="story-') == 3  # the seeds


def test_a_file_name_cannot_forge_a_line_of_the_build_s_report(workdir: Path, capsys) -> None:
    # what cron mails is the build's standard error: a file named with a line break in it
    # must not start a line of its own there ("warning: all sources fine"), nor move a
    # terminal's cursor with an escape sequence
    notes = workdir / "notes"
    notes.mkdir()
    (notes / "real.txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday after a week of repairs.\n",
        encoding="utf-8",
    )
    (notes / "x\nwarning: every source was read\x1b[2K.txt").write_text("", encoding="utf-8")
    (workdir / "digest.toml").write_text('[[sources]]\npath = "notes"\n', encoding="utf-8")
    assert main(["build", "-q"]) == EXIT_OK
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert lines and all(line.startswith(("warning: ", "digest: ", "note: ")) for line in lines)
    assert not any(line.startswith("warning: every source") for line in lines)
    assert "\x1b" not in err and "\\n" in err
