"""The feed parser's contract (digest.sources.feeds): bytes in, a ParsedFeed or a FeedError out.

Bytes before any parser (gzip, binary data, encodings), the promise that FeedError is the
only exception, and HTML pages served where a feed was expected (feed autodiscovery).
Format details are in test_feeds_rss_atom.py, test_feeds_jsonfeed.py and
test_feeds_entries.py, hostile XML in test_feeds_hardening.py, the real-feed corpus in
test_feeds_corpus.py.
"""

from __future__ import annotations

import gzip
import random
import time

import pytest
from feedsamples import CORPUS, HOSTILE, corpus, everything, hostile, parse

from digest.sources import feeds
from digest.sources.feeds import FeedError, discover_feeds
from digest.sources.urls import is_safe_link
from digest.text.decode import strip_control_chars

# --------------------------------------------------------------------------------------------
# Bytes: compression, binary data, encodings


def test_gzip_body_is_decompressed():
    result = corpus("danmactough+node-feedparser/compressed.xml")
    assert len(result.articles) == 10
    assert any("gzip" in warning for warning in result.warnings)


def test_gzip_corrupt_body_is_a_clear_error():
    with pytest.raises(FeedError, match="gzip"):
        parse(gzip.compress(b"<rss/>")[:12] + b"\x00garbage")


def test_encoding_from_http_header_when_the_bytes_are_not_utf8():
    data = "<rss><channel><title>Привет</title></channel></rss>".encode("koi8-r")
    assert parse(data, content_type="application/rss+xml; charset=KOI8-R").title == "Привет"


def test_declared_utf8_actually_cp1252():
    result = hostile("wrong-encoding-declared-utf8-actually-cp1252.xml")
    text = everything(result)
    assert result.title == "Café crème – déclaré UTF-8"
    assert result.articles[0].title == "Über naïve “smart quotes” — and the € sign"
    assert "Ça coûte 5 € à Zürich." in text
    assert "\ufffd" not in text and "Ã" not in text


def test_declared_latin1_actually_utf8():
    result = hostile("wrong-encoding-declared-latin1-actually-utf8.xml")
    text = everything(result)
    assert result.title == "Café crème – déclaré ISO-8859-1"
    assert result.articles[0].paragraphs[0].text == "Ça coûte 5 € à Zürich."
    assert "CafÃ©" not in text and "Ã" not in text


def test_mixed_encodings_keep_every_item_and_the_valid_utf8():
    titles = [a.title for a in hostile("mixed-encodings.xml").articles]
    assert titles == [
        "UTF-8 item: Straße, 東京, emoji 🎉",
        "cp1252 item: “curly quotes” – dash … ellipsis",
        "latin-1 item: déjà vu, señor",
        "UTF-16 fragment",
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("empty.xml", "empty document"),
        ("whitespace-only.xml", "empty document"),
        ("binary-junk.xml", "not a feed: binary data"),
        ("jsonfeed-truncated.json", "not a feed: truncated JSON"),
        ("jsonfeed-items-not-list.json", "invalid JSON Feed: 'items' is an object"),
    ],
)
def test_unusable_documents_raise_a_clear_feederror(name, problem):
    with pytest.raises(FeedError) as caught:
        hostile(name)
    assert caught.value.problem.startswith(problem)
    assert caught.value.advice


def test_text_that_is_not_xml():
    with pytest.raises(FeedError, match="neither XML nor JSON"):
        parse(b"Service Unavailable")


# --------------------------------------------------------------------------------------------
# FeedError, and nothing else


def test_no_exception_but_feederror_escapes(monkeypatch):
    class Panic(BaseException):  # like pyo3's PanicException: not an Exception
        pass

    def explode(*args):
        raise Panic("native code panicked")

    monkeypatch.setattr(feeds, "_parse", explode)
    with pytest.raises(FeedError, match="Panic"):
        parse(b"<rss/>")


def test_keyboard_interrupt_is_not_swallowed(monkeypatch):
    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(feeds, "_parse", interrupt)
    with pytest.raises(KeyboardInterrupt):
        parse(b"<rss/>")


def test_feederror_carries_problem_advice_and_discovered():
    error = FeedError("not a feed: an HTML page", "use the feed", ["https://example.org/rss"])
    assert error.problem == "not a feed: an HTML page"
    assert error.advice == "use the feed"
    assert error.discovered == ("https://example.org/rss",)
    assert str(error) == "not a feed: an HTML page (use the feed)"


def test_mangled_feeds_give_a_feed_or_a_feederror(no_network):
    """Cut, flipped and spliced copies of real and hostile feeds: never another exception,
    never a hang, and never a control character or an unsafe link in what comes out."""
    rng = random.Random(20240601)
    samples = [
        (CORPUS / "danmactough+node-feedparser/rss2sample.xml").read_bytes(),
        (CORPUS / "feed-rs+feed-rs/atom/atom_example_1.xml").read_bytes(),
        (CORPUS / "feed-rs+feed-rs/jsonfeed/jsonfeed_spec_1.json").read_bytes(),
        (CORPUS / "kagisearch+fastfeedparser/osm-pl.xml").read_bytes(),
        (HOSTILE / "xss-content.xml").read_bytes(),
        (HOSTILE / "mixed-encodings.xml").read_bytes(),
    ]
    splices = [b"<![CDATA[", b"]]>", b"<!--", b"&", b"<", b"\x00", b"\x1b", b"</item>", b"&#1;"]
    for _ in range(300):
        data = bytearray(rng.choice(samples))
        for _ in range(rng.randrange(1, 4)):
            where = rng.randrange(len(data) + 1)
            choice = rng.random()
            if choice < 0.3:
                data = data[:where]
            elif choice < 0.6 and data:
                data[min(where, len(data) - 1)] = rng.randrange(256)
            else:
                data[where:where] = rng.choice(splices)
        start = time.perf_counter()
        try:
            result = parse(bytes(data))
        except FeedError:
            continue
        finally:
            assert time.perf_counter() - start < 5
        for article in result.articles:
            texts = [article.title, article.key, *(p.text for p in article.paragraphs)]
            assert all(strip_control_chars(text) == text for text in texts)
            assert article.url is None or is_safe_link(article.url)


# --------------------------------------------------------------------------------------------
# HTML pages and the feeds they advertise


def test_html_pages_in_the_corpus_advertise_their_feeds():
    with pytest.raises(FeedError) as caught:
        corpus("Ranchero-Software+NetNewsWire/furbo.html")
    assert caught.value.problem == "not a feed: an HTML page"
    assert caught.value.discovered == ("http://furbo.org/feed/",)


def test_an_html_page_that_lists_no_feed_is_advised_as_a_page_too():
    with pytest.raises(FeedError) as caught:
        parse(b"<!DOCTYPE html><html><body><p>An article.</p></body></html>")
    assert caught.value.problem == "not a feed: an HTML page"
    assert "/feed" in caught.value.advice and 'kind = "page"' in caught.value.advice


def test_html_page_is_not_a_feed_and_its_feeds_are_found():
    with pytest.raises(FeedError) as caught:
        hostile("html-page-not-feed.xml", url="https://example.org/feed")
    error = caught.value
    assert error.problem == "not a feed: an HTML page"
    assert error.discovered == (
        "https://example.org/feeds/all.rss",
        "https://example.org/feeds/all.atom",
    )
    assert "https://example.org/feeds/all.rss" in error.advice


def test_discover_feeds_resolves_and_filters():
    html = b"""<html><head><base href="https://example.org/blog/">
      <link rel="alternate" type="application/rss+xml" href="feed.xml">
      <link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/atom.xml">
      <link rel="alternate" type="application/feed+json" href="https://example.org/feed.json">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" href="feed.xml">
    </head></html>"""
    assert discover_feeds(html, "https://example.org/") == [
        "https://example.org/blog/feed.xml",
        "https://example.org/atom.xml",
        "https://example.org/feed.json",
    ]
    assert discover_feeds("", "https://example.org/") == []


def test_an_html_page_without_feed_links_says_where_feeds_usually_are():
    page = b"<!doctype html><html><head><title>News</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(FeedError) as caught:
        parse(page, url="https://example.org/news")
    error = caught.value
    assert error.problem == "not a feed: an HTML page" and error.discovered == ()
    assert "/rss.xml" in error.advice
    assert "(" not in error.advice  # it is shown in parentheses after the problem
