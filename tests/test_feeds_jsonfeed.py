"""JSON Feed 1.0/1.1 (digest.sources.feeds.jsonfeed): fields type-checked, non-feeds refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from feedsamples import UTC, corpus, everything, hostile, parse

from digest.sources.feeds import FeedError


def test_jsonfeed_wrong_types_keep_only_the_valid_item():
    result = hostile("jsonfeed-wrong-types.json")
    assert [a.title for a in result.articles] == ["Valid item among bad ones"]
    article = result.articles[0]
    assert article.key == "id:Test source:ok-1"
    assert article.url == "https://example.org/ok"
    assert article.published == dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert [p.text for p in article.paragraphs] == ["Fine."]
    assert result.title == ""
    assert result.skipped == 4
    assert any("version" in warning for warning in result.warnings)


def _jsonfeed(**items) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [items]}
    return json.dumps(doc).encode()


def test_jsonfeed_item_fields():
    data = _jsonfeed(
        id=42,
        url="/posts/42",
        title="Answer",
        content_text="Line one.\n\nLine two.",
        date_published="2024-05-06T07:08:09+02:00",
        authors=[{"name": "Ann"}, {"url": "no name"}],
    )
    article = parse(data, url="https://example.org/feed.json").articles[0]
    assert article.key == "id:Test source:42"  # numbers are coerced, as the spec says
    assert article.url == "https://example.org/posts/42"
    assert article.published == dt.datetime(2024, 5, 6, 5, 8, 9, tzinfo=UTC)
    assert article.author == "Ann"
    assert [p.text for p in article.paragraphs] == ["Line one.", "Line two."]


def test_jsonfeed_tags_are_the_items_tags_and_other_types_are_ignored():
    data = _jsonfeed(id="1", content_text="x", tags=["sponsored", 7, None, "Astronomy"])
    assert parse(data).articles[0].tags == ("sponsored", "Astronomy")
    assert parse(_jsonfeed(id="1", content_text="x", tags="sponsored")).articles[0].tags == ()


def test_jsonfeed_html_content_wins_over_text():
    data = _jsonfeed(id="1", content_html="<p>Rich</p><p>text</p>", content_text="Rich text")
    assert [p.text for p in parse(data).articles[0].paragraphs] == ["Rich", "text"]


def test_json_that_is_not_a_feed():
    with pytest.raises(FeedError, match="not a feed"):
        parse(b'{"hello": "world"}')
    with pytest.raises(FeedError, match="not a feed"):
        parse(b"[1, 2, 3]")
    with pytest.raises(FeedError, match="invalid JSON"):
        parse(b'{"version": "https://jsonfeed.org/version/1", "items": [}')


def test_rss_in_json_is_refused_clearly():
    with pytest.raises(FeedError, match="RSS-in-JSON"):
        corpus("Ranchero-Software+NetNewsWire/ScriptingNews.json")


def test_lone_surrogate_escapes_are_dropped_and_every_item_kept():
    # "\ud800" is valid JSON but no character: a Python string holding one cannot be
    # encoded, stored or written, so it must not leave the reader.
    text = (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "Feed \\ud800title",'
        ' "items": ['
        '{"id": "one\\udc00", "url": "https://example.org/a\\ud800", "title": "Lone \\ud800high",'
        ' "authors": [{"name": "Ann \\udfffLee"}], "content_text": "Text \\udbffhere."},'
        '{"id": "two", "title": "Html", "content_html": "<p>Body \\udc00here.</p>"},'
        '{"id": "three", "title": "Pair \\ud83d\\ude00 kept", "content_text": "Fine."}]}'
    )
    result = parse(text.encode(), url="https://example.org/feed.json")
    assert result.title == "Feed title"
    first, second, third = result.articles
    assert first.title == "Lone high"
    assert first.author == "Ann Lee"
    assert first.url == "https://example.org/a"
    assert [p.text for p in first.paragraphs] == ["Text here."]
    assert [p.text for p in second.paragraphs] == ["Body here."]
    assert third.title == "Pair \U0001f600 kept"
    everything(result).encode("utf-8")  # no surrogate left anywhere


def test_jsonfeed_text_keeps_an_address_query_beside_an_entity():
    # "&sect", "&times", "&para" are HTML names when written without ";", never in plain text
    data = _jsonfeed(
        id="1",
        content_text="Fixed&nbsp;in 2.1: see https://example.org/?a=1&sect=2&times=3&para=4",
    )
    assert [p.text for p in parse(data).articles[0].paragraphs] == [
        "Fixed in 2.1: see https://example.org/?a=1&sect=2&times=3&para=4"
    ]
