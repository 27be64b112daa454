"""The command line, as a user types it."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import shutil
import subprocess
import sys
from email.utils import format_datetime
from pathlib import Path

import pytest

from digest.cli import EXIT_LOCKED, EXIT_OK, EXIT_USAGE, main
from digest.config import load_config
from digest.state import RunLock

ROOT = Path(__file__).resolve().parent.parent
SEED_WITH_BOILERPLATE = ROOT / "seeds" / "002_f1ea61f959c679cd.txt"


# The seeds carry no dates of their own: they are dated by their files' times, which a fresh
# checkout sets to the moment of cloning. Pin them, so a build "--date SEEDS_DAY" finds them
# on any day of the year.
SEEDS_DAY = "2026-11-22"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    stamp = dt.datetime.fromisoformat(f"{SEEDS_DAY}T09:00:00+00:00").timestamp()
    for path in (tmp_path / "seeds").iterdir():
        os.utime(path, (stamp, stamp))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    return tmp_path


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
    for command in ("build", "extract", "summarise", "sources", "send", "run"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["build", "extract", "summarise", "sources", "send", "run"])
def test_every_subcommand_explains_itself(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: digest {command}" in out and "--config" in out


def test_build_with_no_config_reads_seeds_into_output(workdir: Path, capsys) -> None:
    assert main(["build", "--date", SEEDS_DAY]) == EXIT_OK
    out = capsys.readouterr().out
    assert "3 stories" in out
    assert (workdir / "output" / f"{SEEDS_DAY}.html").is_file()
    assert (workdir / "output" / "feed.atom").is_file()
    assert (workdir / "digest-state.sqlite").is_file()


def test_bad_date_is_a_usage_error(workdir: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["build", "--date", "21/11/2026"])
    assert exited.value.code == EXIT_USAGE
    assert "not a date like 2026-11-21" in capsys.readouterr().err


def test_config_error_exits_2_naming_file_and_key(workdir: Path, capsys) -> None:
    (workdir / "bad.toml").write_text("lead_sentences = 'many'\n", encoding="utf-8")
    assert main(["build", "--config", "bad.toml"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "bad.toml" in err and "lead_sentences" in err and "integer" in err


def test_digest_toml_in_working_folder_is_used(workdir: Path, capsys) -> None:
    (workdir / "digest.toml").write_text('title = "Found It"\noutput = "site"\n', "utf-8")
    assert main(["build"]) == EXIT_OK
    assert "Found It" in (workdir / "site" / "index.html").read_text("utf-8")


def test_second_build_while_locked_exits_75(workdir: Path, capsys) -> None:
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["build"]) == EXIT_LOCKED
    assert "another digest run" in capsys.readouterr().err


def test_extract_prints_clean_paragraphs(capsys) -> None:
    assert main(["extract", str(SEED_WITH_BOILERPLATE)]) == EXIT_OK
    out = capsys.readouterr().out
    paragraphs = out.strip().split("\n\n")
    assert paragraphs[0].startswith("The US is striking targets")
    assert "Oil Sanctions and Migration Disputes" in paragraphs
    for junk in ("AI-generated", "Related Articles", "Sign in to join", "Discover the details"):
        assert junk not in out


def test_extract_explain_names_the_rule_for_each_removal(capsys) -> None:
    assert main(["extract", "--explain", str(SEED_WITH_BOILERPLATE)]) == EXIT_OK
    out = capsys.readouterr().out
    body, _, explained = out.partition("--- removed")
    assert "AI-generated" not in body
    assert "This content is AI-generated" in explained
    assert "Sign in to join the conversation" in explained
    assert explained.count("[") >= 3  # each removal is tagged with its rule id


def test_extract_json_from_stdin(monkeypatch, capsys) -> None:
    import io

    data = SEED_WITH_BOILERPLATE.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["extract", "--json", "-"]) == EXIT_OK
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["title"].startswith("Maduro Venezuela US Talks 2026")
    assert len(parsed["summary"]) == 3 and parsed["date"]
    assert parsed["summary"][0].startswith("The US is striking targets")


def test_summarise_prints_one_sentence_per_line(capsys) -> None:
    assert main(["summarise", "-n", "2", str(SEED_WITH_BOILERPLATE)]) == EXIT_OK
    lines = capsys.readouterr().out.strip().split("\n")
    assert lines == [
        "The US is striking targets, but Nicolás Maduro is calling for a sit-down.",
        "On Thursday, the Venezuelan President expressed he's open to negotiations with the "
        "United States regarding drug trafficking and oil, despite weeks of intensifying "
        "military pressure from the Trump administration.",
    ]


def test_sources_add_list_remove_keep_the_config_and_its_comments(workdir: Path, capsys) -> None:
    config_path = workdir / "digest.toml"
    config_path.write_text('# my digest\ntitle = "Mine"\n', encoding="utf-8")
    assert (
        main(
            [
                "sources",
                "add",
                "https://news.example.org/rss.xml",
                "--no-discover",
                "--name",
                "Example News",
                "--category",
                "News/World",
                "--max-items",
                "10",
            ]
        )
        == EXIT_OK
    )
    text = config_path.read_text("utf-8")
    assert text.startswith("# my digest")
    (source,) = load_config(config_path).sources
    assert (source.name, source.category, source.max_items) == ("Example News", "News/World", 10)

    capsys.readouterr()
    assert main(["sources", "list"]) == EXIT_OK
    listed = capsys.readouterr().out
    assert "Example News" in listed and "never read" in listed

    assert main(["sources", "remove", "Example News"]) == EXIT_OK
    assert load_config(config_path).sources == ()
    assert main(["sources", "remove", "Nope"]) == EXIT_USAGE


def test_first_sources_add_keeps_the_default_seeds_folder(workdir: Path) -> None:
    main(["sources", "add", "https://a.example.org/feed", "--no-discover", "--name", "A"])
    names = [s.name for s in load_config(workdir / "digest.toml").sources]
    assert names == ["seeds", "A"]


def test_sources_import_and_export_opml(workdir: Path, capsys) -> None:
    opml = Path(__file__).parent / "fixtures" / "opml" / "subscriptions.opml"
    assert main(["sources", "import", str(opml)]) == EXIT_OK
    assert "imported 5 of 5 feeds" in capsys.readouterr().out
    assert main(["sources", "import", str(opml)]) == EXIT_OK  # again: nothing duplicated
    assert "imported 0 of 5" in capsys.readouterr().out
    config = load_config(workdir / "digest.toml")
    assert [s.category for s in config.sources if s.kind == "feed"][:2] == [
        "News/World",
        "News/World",
    ]
    assert main(["sources", "export", "-o", "out.opml"]) == EXIT_OK
    exported = (workdir / "out.opml").read_text("utf-8")
    assert exported.count("xmlUrl=") == 5 and "seeds" not in exported


def email_config(port: int) -> str:
    return (
        'title = "Morning Read"\nsite_url = "https://example.org/news/"\n'
        '[email]\nfrom = "Digest <digest@example.org>"\n'
        'to = ["ana@example.org", "bruno@example.org"]\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsecurity = "none"\n'
        'username = "reader"\npassword_env = "TEST_SMTP_PASSWORD"\n'
    )


def test_send_through_a_real_smtp_server_once_then_refuse_then_force(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from test_mail import PASSWORD, Recorder, authenticator, smtp_server

    handler = Recorder()
    with smtp_server(handler, authenticator=authenticator, auth_require_tls=False) as port:
        (workdir / "digest.toml").write_text(email_config(port), encoding="utf-8")
        monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
        assert main(["send"]) == EXIT_OK  # builds the day first, then sends
        assert len(handler.envelopes) == 1
        envelope = handler.envelopes[0]
        assert sorted(envelope.rcpt_tos) == ["ana@example.org", "bruno@example.org"]
        assert b"Morning Read" in envelope.original_content
        assert b"3 stories" in envelope.original_content

        assert main(["send"]) == 1  # the same day again is refused
        assert "--force" in capsys.readouterr().err
        assert len(handler.envelopes) == 1
        assert main(["send", "--force"]) == EXIT_OK
        assert len(handler.envelopes) == 2


def test_send_with_wrong_password_fails_clearly_without_printing_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from test_mail import Recorder, authenticator, smtp_server

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
    assert "Gone Gazette: cannot read" in text
    assert "(No such file or directory) (check the source's 'path')" in text


def test_progress_is_plain_log_lines_when_not_on_a_terminal(caplog) -> None:
    from digest.cli.console import progress_reporter

    report = progress_reporter()
    assert report is not None and progress_reporter(quiet=True) is None
    with caplog.at_level("INFO", logger="digest"):
        report("Harbour News", 1, 2)
    assert "fetched 1/2: Harbour News" in caplog.text


PAGES = Path(__file__).parent / "fixtures" / "pages"


def gold(name: str) -> list[str]:
    return [
        p.strip() for p in (PAGES / f"{name}.txt").read_text("utf-8").split("\n\n") if p.strip()
    ]


def test_extract_an_html_file_prints_its_cleaned_body(capsys) -> None:
    assert main(["extract", str(PAGES / "news_full.html")]) == EXIT_OK
    out = capsys.readouterr().out
    assert [p.strip() for p in out.strip().split("\n\n")] == gold("news_full")


def test_extract_html_from_stdin(monkeypatch, capsys) -> None:
    import io

    data = (PAGES / "subheadings.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["extract", "-"]) == EXIT_OK
    assert [p.strip() for p in capsys.readouterr().out.strip().split("\n\n")] == gold("subheadings")


def test_extract_a_url_from_a_loopback_server(http_server, capsys) -> None:
    http_server.route(
        "/story.html",
        body=(PAGES / "news_full.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert main(["extract", "--json", http_server.url("/story.html")]) == EXIT_OK
    parsed = json.loads(capsys.readouterr().out)
    assert [p["text"] for p in parsed["paragraphs"]] == gold("news_full")
    assert parsed["url"] == http_server.url("/story.html")


def test_extract_a_page_that_is_not_an_article_fails_clearly(capsys) -> None:
    assert main(["extract", str(PAGES / "homepage.html")]) == 1
    assert "no article text" in capsys.readouterr().err


def test_sources_add_finds_a_sites_feed_through_link_alternate(
    workdir: Path, http_server, capsys
) -> None:
    http_server.route(
        "/",
        body=(
            "<html><head><title>Harbour News</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">'
            "</head><body><p>Welcome</p></body></html>"
        ),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    http_server.route(
        "/feeds/all.xml",
        body=(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            "<link>https://example.org/</link><description>d</description></channel></rss>"
        ),
        headers={"Content-Type": "application/rss+xml"},
    )
    assert main(["sources", "add", http_server.url("/")]) == EXIT_OK
    added = load_config(workdir / "digest.toml").sources[-1]
    assert (added.name, added.location) == ("Harbour News", http_server.url("/feeds/all.xml"))


def test_sources_add_a_page_with_no_feed_says_what_to_do(workdir: Path, http_server, capsys):
    http_server.route(
        "/",
        body="<html><body><p>No feeds here</p></body></html>",
        headers={"Content-Type": "text/html"},
    )
    assert main(["sources", "add", http_server.url("/")]) == 1
    err = capsys.readouterr().err
    assert "names no feed" in err and "--page" in err
    assert not (workdir / "digest.toml").exists()


def test_a_date_far_in_the_future_is_refused(workdir: Path, capsys) -> None:
    assert main(["build", "--date", "2099-01-01"]) == EXIT_USAGE
    assert "in the future" in capsys.readouterr().err
    assert not (workdir / "output").exists()


def test_first_sources_add_without_a_seeds_folder_adds_only_the_new_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an empty folder: no seeds/ to carry over
    main(["sources", "add", "https://a.example.org/feed", "--no-discover", "--name", "A"])
    assert [s.name for s in load_config(tmp_path / "digest.toml").sources] == ["A"]


def test_run_once_while_a_build_holds_the_lock_exits_75(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import digest.pipeline
    import digest.scheduler

    # The real job waits up to a minute for the lock; this one gives up at once.
    monkeypatch.setattr(
        digest.scheduler, "scheduled_job", lambda config: digest.pipeline.build(config).summary_line
    )
    with RunLock(workdir / "digest-state.sqlite"):
        assert main(["run", "--once", "-q"]) == EXIT_LOCKED


def test_a_source_gone_410_works_again_once_removed_and_added_back(
    workdir: Path, http_server
) -> None:
    from httpserver import Reply

    from digest.state import State

    http_server.route("/feed.xml", Reply(410))
    url = http_server.url("/feed.xml")
    (workdir / "digest.toml").write_text(
        f'title = "T"\n[[sources]]\nname = "Harbour"\nurl = "{url}"\n', encoding="utf-8"
    )
    assert main(["build", "-q"]) == EXIT_OK
    with State.open(workdir / "digest-state.sqlite") as state:
        assert state.source("Harbour").disabled_reason
    assert main(["sources", "remove", "Harbour"]) == EXIT_OK
    with State.open(workdir / "digest-state.sqlite") as state:
        assert state.source("Harbour") is None

    recent = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    http_server.route(
        "/feed.xml",
        body=(
            '<rss version="2.0"><channel><title>Harbour</title><item><title>Back again</title>'
            f"<link>https://example.org/back</link><pubDate>{format_datetime(recent)}</pubDate>"
            "<description>The harbour feed is back after the move.</description></item>"
            "</channel></rss>"
        ),
    )
    assert main(["sources", "add", url, "--name", "Harbour", "--no-discover"]) == EXIT_OK
    assert main(["build", "-q"]) == EXIT_OK
    assert "Back again" in (workdir / "output" / "index.html").read_text(encoding="utf-8")


def test_sources_export_and_import_round_trip_pages_and_say_what_was_left_out(
    workdir: Path, capsys
) -> None:
    (workdir / "digest.toml").write_text(
        'title = "T"\n'
        '[[sources]]\nname = "Harbour"\nurl = "https://news.example.org/feed.xml"\n'
        '[[sources]]\nname = "Story"\nurl = "https://news.example.org/story"\nkind = "page"\n'
        '[[sources]]\nname = "Seeds"\npath = "seeds"\n',
        encoding="utf-8",
    )
    assert main(["sources", "export", "-o", "subs.opml"]) == EXIT_OK
    assert "left out 1 local source(s)" in capsys.readouterr().err
    (workdir / "digest.toml").unlink()
    assert main(["sources", "import", "subs.opml"]) == EXIT_OK
    assert "imported 2 of 1 feeds and 1 pages" in capsys.readouterr().out
    config = load_config(workdir / "digest.toml")
    imported = {s.name: s.kind for s in config.sources}
    assert imported["Harbour"] == "feed" and imported["Story"] == "page"


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
    assert page.count('class="story"') == 3  # the seeds were read as usual
