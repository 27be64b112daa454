"""digest extract and digest summarise, as a user types them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from seedsite import ROOT

from digest.cli import EXIT_OK, main

SEED_WITH_BOILERPLATE = ROOT / "seeds" / "002_f1ea61f959c679cd.txt"


# The seeds carry no dates of their own: they are dated by their files' times, which a fresh
# checkout sets to the moment of cloning. Pin them, so a build "--date SEEDS_DAY" finds them
# on any day of the year.


PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture(autouse=True)
def _in_a_folder_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # extract and summarise read the config and the state of the folder they run in (what
    # the state learnt of each source's recurring paragraphs): in the project's own folder
    # that is whatever the README's first command built there, which a test must neither
    # depend on nor touch
    monkeypatch.chdir(tmp_path)


def gold(name: str) -> list[str]:
    return [
        p.strip() for p in (PAGES / f"{name}.txt").read_text("utf-8").split("\n\n") if p.strip()
    ]


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


def test_extract_a_url_from_a_loopback_server(http_server, capsys, tmp_path) -> None:
    http_server.route(
        "/story.html",
        body=(PAGES / "news_full.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    # An address typed as this machine's is the user's own choice: read without more ado.
    url = http_server.url("/story.html")
    assert main(["extract", "--json", url]) == EXIT_OK
    parsed = json.loads(capsys.readouterr().out)
    assert [p["text"] for p in parsed["paragraphs"]] == gold("news_full")
    assert parsed["url"] == http_server.url("/story.html")


def test_extract_given_a_feed_says_it_is_one_rather_than_print_its_entries_run_together(
    http_server, capsys
) -> None:
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour</title>'
        b"<link>https://harbour.example/</link>"
        b"<item><title>Ferry delayed</title><link>https://harbour.example/ferry</link>"
        b"<description>The morning ferry left two hours late after a storm.</description></item>"
        b"<item><title>Quay reopens</title><link>https://harbour.example/quay</link>"
        b"<description>The north quay reopened to traffic on Tuesday.</description></item>"
        b"</channel></rss>"
    )
    http_server.route("/feed.xml", body=feed, headers={"Content-Type": "application/rss+xml"})
    url = http_server.url("/feed.xml")
    assert main(["extract", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{url} is a feed of 2 entries, not one article" in captured.err
    assert f"digest sources add {url}" in captured.err


def test_extract_refuses_a_link_local_address_unless_allowed(capsys) -> None:
    # where cloud metadata services answer: never taken as the user's own choice
    assert main(["extract", "--json", "http://169.254.169.254/latest/meta-data/"]) == 1
    err = capsys.readouterr().err
    assert "169.254.169.254 is a link-local address" in err and "allow_private = true" in err


def test_extract_a_page_that_is_not_an_article_fails_clearly(capsys) -> None:
    assert main(["extract", str(PAGES / "homepage.html")]) == 1
    assert "no article text" in capsys.readouterr().err


def test_extract_explain_says_which_extractor_read_the_page(capsys) -> None:
    assert main(["extract", "--explain", str(PAGES / "reprint_notice.html")]) == EXIT_OK
    out = capsys.readouterr().out
    body, _, explained = out.partition("--- extracted by")
    assert body.strip().split("\n\n")[:6] == gold("reprint_notice")
    assert explained.startswith(" readability: trafilatura's result was implausible: its text")
    assert main(["extract", "--explain", "--json", str(PAGES / "reprint_notice.html")]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["extraction"].startswith("readability: ")


def test_extract_prints_code_verbatim_and_table_rows(capsys) -> None:
    assert main(["extract", "--json", str(PAGES / "code_post.html")]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    kinds = [p["kind"] for p in data["paragraphs"]]
    assert kinds == ["body", "body", "body", "code", "body", "code", "body"]
    assert "extraction" not in data  # said only with --explain
    assert main(["extract", str(PAGES / "standings_table.html")]) == EXIT_OK
    assert "\n\nPos | Team | P | W | D | L | GD | Pts\n\n" in capsys.readouterr().out


def test_extract_explain_says_where_a_paragraph_recurs(tmp_path: Path, capsys) -> None:
    import datetime as dt

    from digest.config import Config
    from digest.model import Source
    from digest.pipeline import build

    folder = tmp_path / "Example News"
    folder.mkdir()
    footer = "Example News is an independent paper. Tips: tips@example.org."
    for number in range(3):
        (folder / f"{number}.txt").write_text(
            f"Story {number}\n\nThe council met for the {number}th time this month to argue "
            f"about the harbour budget.\n\n{footer}\n",
            "utf-8",
        )
    state = tmp_path / "state.sqlite"
    config = Config(
        sources=(Source("Example News", "folder", str(folder)),),
        output=tmp_path / "out",
        state=state,
    )
    build(config, dt.datetime.now(dt.UTC).date())
    (tmp_path / "digest.toml").write_text(f'state = "{state.as_posix()}"\n', "utf-8")
    article = folder / "3.txt"
    article.write_text("Story 3\n\nThe ferry is late again, and nobody is surprised.\n\n" + footer)

    args = ["extract", "--explain", "--config", str(tmp_path / "digest.toml"), str(article)]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    body, _, explained = out.partition("--- removed")
    assert footer not in body
    assert "[recurring-paragraph] (Recurs in 4 articles of Example News" in explained


def test_extract_explain_lists_what_it_suspected_but_kept(tmp_path: Path, capsys) -> None:
    article = tmp_path / "council.txt"
    article.write_text(
        "Title: Council backs harbour plan\n\n"
        "The council backed the harbour plan on Monday by 31 votes to 12, after a debate "
        "that ran past midnight.\n\n"
        "The vote comes after two years of consultation. Tell us what you think in the "
        "comments below.\n",
        "utf-8",
    )
    assert main(["extract", "--explain", str(article)]) == EXIT_OK
    out = capsys.readouterr().out
    body, _, explained = out.partition("--- removed 0 span(s) ---")
    assert "Tell us what you think in the comments below." in body
    assert "--- kept 1 candidate(s): suspected, not cut ---" in explained
    assert "[comment-prompt] (Invitation to comment" in explained
    assert "(with other content)" in explained

    assert main(["extract", "--json", "--explain", str(article)]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["removed"] == []
    assert [c["rule"] for c in data["candidates"]] == ["comment-prompt"]
