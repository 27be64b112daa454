"""digest.jsonl: articles as JSON Lines, and the line-numbered errors for bad lines."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from digest.jsonl import UNKNOWN_SOURCE, JsonlError, read_articles


def line(**fields: object) -> str:
    return json.dumps(fields)


WIRE = line(
    id="w1",
    title="Fire on Greek ferry off Naxos forces evacuation",
    text="ATHENS - A fire broke out on the ferry Kalliope Star.\n\nAt least 14 were injured.",
    source="Meridian Wire",
    date="2026-03-17T08:10:00+02:00",
    cluster="naxos-ferry-fire",  # a labelled set's extra field
)


def test_a_line_becomes_an_article_with_the_callers_id() -> None:
    (item,) = read_articles([WIRE])
    article = item.article
    assert item.id == "w1" and article.key == "jsonl:w1"
    assert article.source == "Meridian Wire" and not article.publisher_unknown
    assert article.title == "Fire on Greek ferry off Naxos forces evacuation"
    assert [p.text for p in article.paragraphs] == [
        "ATHENS - A fire broke out on the ferry Kalliope Star.",
        "At least 14 were injured.",
    ]
    assert article.published == dt.datetime(2026, 3, 17, 6, 10, tzinfo=dt.UTC)
    assert article.published.utcoffset() == dt.timedelta(0)


def test_source_and_date_may_be_null_or_missing() -> None:
    items = read_articles(
        [
            line(id="a", title="Ferry runs aground off Crete", text="No one was hurt."),
            line(id="b", title="Tram strike", text="Drivers walked out.", source=None, date=None),
            line(id="c", title="Bridge", text="Approved.", source="  ", date=""),
        ]
    )
    for item in items:
        assert item.article.source == UNKNOWN_SOURCE and item.article.published is None
        # nothing says two of them share a publisher
        assert item.article.publisher_unknown


def test_paragraphs_split_at_blank_lines_or_else_at_line_breaks() -> None:
    (blank, single, windows) = read_articles(
        [
            line(id="1", title="t", text="One\nstill one.\n\n\nTwo."),
            line(id="2", title="t", text="One.\nTwo.\n  \n"),
            line(id="3", title="t", text="One.\r\n\r\nTwo."),
        ]
    )
    assert [p.text for p in blank.article.paragraphs] == ["One still one.", "Two."]
    assert [p.text for p in single.article.paragraphs] == ["One.", "Two."]
    assert [p.text for p in windows.article.paragraphs] == ["One.", "Two."]


def test_a_numeric_id_is_a_string_and_blank_lines_are_skipped() -> None:
    items = read_articles(["", line(id=7, title="Ferry", text="Fire."), "   ", WIRE])
    assert [item.id for item in items] == ["7", "w1"]


def test_a_title_alone_or_a_text_alone_is_an_article() -> None:
    titled, untitled = read_articles(
        [line(id="t", title="Ferry fire off Naxos"), line(id="u", text="A ferry caught fire.")]
    )
    assert titled.article.paragraphs == () and titled.article.title == "Ferry fire off Naxos"
    assert untitled.article.title == "" and len(untitled.article.paragraphs) == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('{"id": "x", "title": "Ferry"', r"not valid JSON \(.* at column \d+\)"),
        ('["x", "Ferry"]', "expected a JSON object, got list"),
        (line(title="Ferry", text="Fire."), "'id' must be a non-empty string, got None"),
        (line(id="  ", title="Ferry", text="Fire."), "'id' must be a non-empty string"),
        (line(id=True, title="Ferry", text="Fire."), "'id' must be a non-empty string, got True"),
        (line(id="w1", title="Again", text="Fire."), "id 'w1' appears twice"),
        (line(id="x", title=["Ferry"], text="Fire."), "'title' and 'text' must be strings"),
        (line(id="x", title="Ferry", text=3), "'title' and 'text' must be strings"),
        (line(id="x", title=" ", text="\n"), "the article has neither a title nor any text"),
        (line(id="x", title="Ferry", source=5), "'source' must be a string or null"),
        (line(id="x", title="Ferry", date=20260317), "'date' must be a string"),
        (
            line(id="x", title="Ferry", date="last Tuesday"),
            r"'date' 'last Tuesday' is not a date .*write e\.g\. 2026",
        ),
    ],
)
def test_a_bad_line_is_named_by_its_number_with_what_to_fix(bad: str, message: str) -> None:
    lines = [WIRE, "", bad, line(id="after", title="Never read", text="...")]
    with pytest.raises(JsonlError, match=rf"^labelled\.jsonl, line 3: {message}"):
        read_articles(lines, label="labelled.jsonl")


def test_the_default_label_is_standard_input() -> None:
    with pytest.raises(JsonlError, match=r"^<stdin>, line 1: "):
        read_articles(["not json"])


def test_a_jsonl_error_is_a_value_error() -> None:
    assert issubclass(JsonlError, ValueError)
