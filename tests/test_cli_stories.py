"""digest stories and digest summarise --story, as a user types them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from story_samples import (
    DAY,
    DAY_OF_NEWS,
    FERRY_AEGEAN,
    FERRY_RADIO,
    FERRY_REPORTS,
    FERRY_REPRINT,
    FERRY_WIRE,
    GROUNDING_WIRE,
    TRAM_STRIKE,
    jsonl_line,
    write_folder,
)

from digest.cli import EXIT_OK, EXIT_USAGE, main
from digest.state import State

WIRE_LEAD = (
    "A fire broke out on the passenger ferry Kalliope Star off the Greek island of Naxos early "
    "on Tuesday, forcing the evacuation of all 412 passengers and crew, the Hellenic coastguard "
    "said."
)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of the day's news and a config that reads it; the working folder."""
    write_folder(tmp_path / "news", DAY_OF_NEWS)
    (tmp_path / "digest.toml").write_text(
        'title = "Morning Read"\n[[sources]]\nname = "news"\npath = "news"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DIGEST_CONFIG", raising=False)
    return tmp_path


def stdin(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))


def key(name: str) -> str:
    return f"file:news/{name}.txt"


# --- digest stories ---------------------------------------------------------------------------


def test_stories_prints_each_story_with_its_articles_and_why(site: Path, capsys) -> None:
    assert main(["stories", "-q", "--date", DAY.isoformat()]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("2026-03-17: 4 stories from 9 articles\n")
    blocks = out.split("\n\n")[1:]
    assert [re.sub(r"\s+\[\w+\]$", "", b.splitlines()[0]) for b in blocks] == [
        f"1. {FERRY_WIRE.title}",
        f"2. {GROUNDING_WIRE.title}",
        "3. Ghent approves cycle bridge over the Leie after late-night vote",
        f"4. {TRAM_STRIKE.title}",
    ]
    ferry = blocks[0].splitlines()
    assert ferry[1].strip() == (
        "3 reports, 1 copy from Meridian Wire, Aegean Daily, Northline Radio, Harbour Gazette"
    )
    assert ferry[2].strip() == f"1. Meridian Wire: {FERRY_WIRE.title}"
    assert re.fullmatch(
        rf"\s+2\. Aegean Daily: {re.escape(FERRY_AEGEAN.title)}  similarity 0\.\d\d", ferry[3]
    )
    assert re.fullmatch(
        rf"\s+copy\. Harbour Gazette: {re.escape(FERRY_REPRINT.title)}  similarity 0\.9\d",
        ferry[5],
    )
    assert ferry[6].strip() == (
        "figures differ, injured: At least 14 [1] · Seventeen [2] · nearly 20 [3]"
    )
    # an outlet's update folded into its story
    assert blocks[2].splitlines()[1].strip() == "1 report, 1 copy from Flanders Post"
    # a story of one article: no count line, no similarity
    assert blocks[3].splitlines()[1:] == [f"      1. Lisbon Courier: {TRAM_STRIKE.title}"]


def test_stories_writes_nothing_a_build_would(site: Path, capsys) -> None:
    assert main(["stories", "-q", "--date", DAY.isoformat()]) == EXIT_OK
    assert not (site / "output").exists()
    with State.open(site / "digest-state.sqlite") as state:
        assert state.days() == [] and state.articles_for_day(DAY) == []
        assert state.stories(DAY, DAY) == []


def test_stories_json_gives_every_article_with_its_cluster(site: Path, capsys) -> None:
    assert main(["stories", "-q", "--json", "--date", DAY.isoformat()]) == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(r["id"] for r in rows) == sorted(key(a.key) for a in DAY_OF_NEWS)
    by_id = {r["id"]: r for r in rows}
    ferry = {by_id[key(a.key)]["cluster"] for a in FERRY_REPORTS}
    assert len(ferry) == 1 and by_id[key(GROUNDING_WIRE.key)]["cluster"] not in ferry
    assert len({r["cluster"] for r in rows}) == 4
    wire = by_id[key(FERRY_WIRE.key)]
    assert wire == {
        "id": key(FERRY_WIRE.key),
        "title": FERRY_WIRE.title,
        "source": "Meridian Wire",
        "url": FERRY_WIRE.url,
        "published": "2026-03-17T06:10:00+00:00",
        "cluster": wire["cluster"],
        "headline": FERRY_WIRE.title,
        "report": True,
        "similarity": 1.0,
        "also_today": False,
    }
    reprint = by_id[key(FERRY_REPRINT.key)]
    assert reprint["report"] is False and reprint["similarity"] > 0.9
    assert 0.25 < by_id[key(FERRY_RADIO.key)]["similarity"] < 0.9


def test_stories_lists_the_stories_past_the_days_limits_too(site: Path, capsys) -> None:
    # the day has four stories; two make the sections, one is listed in Also today and one
    # is counted past its end: a build shows them all, so the grouping must too
    config = site / "digest.toml"
    config.write_text(
        "max_stories = 2\nalso_today_limit = 1\n" + config.read_text("utf-8"), encoding="utf-8"
    )
    assert main(["stories", "-q", "--date", DAY.isoformat()]) == EXIT_OK
    out = capsys.readouterr().out
    # the day's count is the build's and the page's; what is listed below is said apart
    heading = out.splitlines()[0]
    assert heading.startswith(
        "2026-03-17: 4 stories (1 in Also today, 1 past its limit, counted only); "
        "the 3 listed below hold "
    ), heading
    listed = sum(1 for line in out.splitlines() if re.match(r"^ +(\d+|copy)\. ", line))
    assert heading.endswith(f" hold {listed} articles"), heading
    firsts = [block.splitlines()[0] for block in out.split("\n\n")[1:]]
    assert [line.endswith("(Also today)") for line in firsts[:3]] == [False, False, True]
    assert firsts[3].startswith("+1 more from ") and "counted only" in firsts[3]

    assert main(["stories", "-q", "--json", "--date", DAY.isoformat()]) == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len({r["cluster"] for r in rows if r["also_today"]}) == 1
    assert len({r["cluster"] for r in rows if not r["also_today"]}) == 2

    assert main(["build", "--date", DAY.isoformat()]) == EXIT_OK
    assert capsys.readouterr().out.startswith("2026-03-17: 4 stories (")


def test_stories_refuses_a_day_far_in_the_future(site: Path, capsys) -> None:
    assert main(["stories", "-q", "--date", "2999-01-01"]) == EXIT_USAGE
    assert "in the future" in capsys.readouterr().err


# --- digest stories --jsonl ---------------------------------------------------------------------

SHUFFLED = [GROUNDING_WIRE, FERRY_RADIO, TRAM_STRIKE, FERRY_WIRE, FERRY_REPRINT, FERRY_AEGEAN]


def test_jsonl_gives_each_input_line_its_cluster_in_input_order(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    stdin(monkeypatch, [jsonl_line(a, f"n{i}") for i, a in enumerate(SHUFFLED)])
    assert main(["stories", "--jsonl", "-"]) == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(r) for r in rows] == [{"id", "cluster"}] * len(SHUFFLED)
    assert [r["id"] for r in rows] == [f"n{i}" for i in range(len(SHUFFLED))]
    cluster = [r["cluster"] for r in rows]
    assert cluster[1] == cluster[3] == cluster[4] == cluster[5]  # the fire
    assert len({cluster[0], cluster[1], cluster[2]}) == 3


def test_jsonl_reads_a_file_and_takes_null_sources_and_dates(site: Path, capsys) -> None:
    lines = [json.loads(jsonl_line(a)) for a in (FERRY_WIRE, FERRY_AEGEAN, TRAM_STRIKE)]
    lines[0]["source"] = None
    del lines[1]["date"]
    (site / "in.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n\n", "utf-8")
    assert main(["stories", "--jsonl", "in.jsonl"]) == EXIT_OK
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [FERRY_WIRE.key, FERRY_AEGEAN.key, TRAM_STRIKE.key]
    assert rows[0]["cluster"] == rows[1]["cluster"] != rows[2]["cluster"]


def test_jsonl_bad_line_names_its_number_and_exits_2(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    lines = [jsonl_line(FERRY_WIRE), "", jsonl_line(FERRY_RADIO), '{"id": "x", "title": 3}']
    stdin(monkeypatch, lines)
    assert main(["stories", "--jsonl", "-"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing half-done
    assert (
        "<stdin>, line 4:" in captured.err and "'title' and 'text' must be strings" in captured.err
    )
    assert "Traceback" not in captured.err


def test_jsonl_missing_file_is_a_clear_error(site: Path, capsys) -> None:
    assert main(["stories", "--jsonl", "no-such.jsonl"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "cannot read no-such.jsonl" in err and "Traceback" not in err


def test_json_and_jsonl_do_not_go_together(site: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["stories", "--json", "--jsonl", "-"])
    assert stopped.value.code == EXIT_USAGE
    assert "not allowed with argument" in capsys.readouterr().err


# --- digest summarise --story --------------------------------------------------------------------


@pytest.mark.parametrize("words", [40, 60, 100])
def test_summarise_story_prints_one_sentence_a_line_within_the_words(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys, words: int
) -> None:
    stdin(
        monkeypatch, [jsonl_line(a) for a in (FERRY_RADIO, FERRY_REPRINT, FERRY_AEGEAN, FERRY_WIRE)]
    )
    assert main(["summarise", "--story", "-", "--words", str(words)]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == WIRE_LEAD  # the most complete report's lead, whatever the input order
    assert sum(len(line.split()) for line in lines) <= words
    assert len(lines) == len(set(lines))


def test_summarise_story_within_the_chars_and_adds_other_reports(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    stdin(monkeypatch, [jsonl_line(a) for a in FERRY_REPORTS])
    assert main(["summarise", "--story", "-", "--chars", "700"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert len(" ".join(lines)) <= 700 and lines[0] == WIRE_LEAD
    assert any("shipping minister" in line for line in lines)  # from another report


def test_summarise_story_with_a_budget_smaller_than_the_lead_cuts_the_lead(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    stdin(monkeypatch, [jsonl_line(a) for a in FERRY_REPORTS])
    assert main(["summarise", "--story", "-", "--words", "12"]) == EXIT_OK
    out = capsys.readouterr().out
    assert len(out.split()) <= 12 and out.startswith("A fire broke out on the passenger ferry")


def test_summarise_story_bad_line_exits_2(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    stdin(monkeypatch, [jsonl_line(FERRY_WIRE), "not json"])
    assert main(["summarise", "--story", "-", "--words", "50"]) == EXIT_USAGE
    assert "<stdin>, line 2: not valid JSON" in capsys.readouterr().err


def test_words_without_story_is_refused(site: Path, capsys) -> None:
    (site / "one.txt").write_text("Ferry fire\n\n" + WIRE_LEAD + "\n", encoding="utf-8")
    assert main(["summarise", "one.txt", "--words", "20"]) == EXIT_USAGE
    assert "--words goes with --story" in capsys.readouterr().err


def test_an_article_and_a_story_at_once_is_refused(site: Path, capsys) -> None:
    assert main(["summarise", "one.txt", "--story", "-"]) == EXIT_USAGE
    assert "not both" in capsys.readouterr().err
