"""JSON Feed 1.0/1.1 (digest.sources.feeds.jsonfeed): fields type-checked, non-feeds refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from feedsamples import UTC, corpus, hostile, parse

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
