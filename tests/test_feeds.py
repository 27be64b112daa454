"""Feed parsing (digest.sources.feeds) and canonical URLs (digest.sources.urls).

Fixtures: tests/fixtures/feeds/ is a byte-for-byte copy of 206 real feeds from other
projects' test suites (README.md and LICENSES/ say where each comes from);
expected_counts.csv there holds, per file, the entry counts feedparser 6.0.14 and
fastfeedparser 0.6.5 found and what parse_feed must do, with a written reason wherever it
differs from "at least the larger of the two". tests/fixtures/hostile/ holds hand-written
hostile inputs; its README says what a good ingestor does with each.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import importlib.util
import json
import random
import socket
import time
from pathlib import Path

import pytest

from digest.model import Source
from digest.sources import feeds
from digest.sources.feeds import (
    FeedError,
    ParsedFeed,
    discover_feeds,
    parse_date,
    parse_feed,
    xmlfeed,
)
from digest.sources.urls import canonical_url, is_safe_link, url_key
from digest.text.decode import strip_control_chars

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "feeds"
HOSTILE = FIXTURES / "hostile"
SOURCE = Source(
    name="Test source", kind="feed", location="https://example.org/feed", category="News"
)
UTC = dt.UTC


def parse(data: bytes, **kwargs) -> ParsedFeed:
    return parse_feed(data, SOURCE, **kwargs)


def corpus(name: str, **kwargs) -> ParsedFeed:
    return parse((CORPUS / name).read_bytes(), **kwargs)


def hostile(name: str, **kwargs) -> ParsedFeed:
    return parse((HOSTILE / name).read_bytes(), **kwargs)


def everything(result: ParsedFeed) -> str:
    """Every string a parse produced, for "this must appear nowhere" checks."""
    parts = [result.title, result.link or "", *result.warnings]
    for article in result.articles:
        parts += [article.key, article.title, article.url or "", article.author or ""]
        parts += [p.text for p in article.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("the parser tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# --------------------------------------------------------------------------------------------
# The real-feed corpus


def _expected() -> list[dict[str, str]]:
    with (CORPUS / "expected_counts.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


EXPECTED = _expected()


def test_expected_counts_cover_every_corpus_file():
    listed = {row["file"] for row in EXPECTED}
    on_disk = {
        str(path.relative_to(CORPUS))
        for path in CORPUS.rglob("*")
        if path.is_file()
        and "LICENSES" not in path.parts
        and path.name not in ("README.md", "expected_counts.csv")
    }
    assert listed == on_disk
    assert len(listed) == 206


@pytest.mark.parametrize("row", EXPECTED, ids=[row["file"] for row in EXPECTED])
def test_corpus_file(row, no_network):
    data = (CORPUS / row["file"]).read_bytes()
    if row["expect"] == "not-a-feed":
        with pytest.raises(FeedError) as caught:
            parse(data)
        assert caught.value.problem.startswith("not a feed"), row["note"]
        return
    result = parse(data)
    found = len(result.articles) + result.skipped
    assert found >= int(row["min_entries"]), row["note"]
    assert len(result.articles) >= int(row["min_articles"]), row["note"]
    if not row["note"]:  # every entry feedparser or fastfeedparser found is returned
        assert result.skipped == 0
    for article in result.articles:
        assert article.key.startswith(("id:Test source:", "id:tag:", "id:urn:", "url:", "hash:"))
        assert article.source == SOURCE.name
        assert article.category == SOURCE.category
        assert article.url is None or is_safe_link(article.url)
        assert article.published is None or article.published.tzinfo == UTC


@pytest.mark.parametrize(
    "name",
    [
        "Ranchero-Software+NetNewsWire/DaringFireball.atom",
        "Ranchero-Software+NetNewsWire/dcrainmaker.xml",
        "kagisearch+fastfeedparser/1d4eb9feb2d475b7",
        "feedjira+feedjira@841d3b5/ZedShaw.xml",
    ],
)
def test_markup_heavy_feeds_come_out_as_text(name):
    for article in corpus(name).articles:
        assert article.paragraphs
        for text in [article.title, *(p.text for p in article.paragraphs)]:
            assert 'href="' not in text and "<p>" not in text and "<img" not in text


# --------------------------------------------------------------------------------------------
# Titles and fields, one or more feeds per format


@pytest.mark.parametrize(
    ("name", "feed_title", "first_title", "parser"),
    [
        ("danmactough+node-feedparser/rss2sample.xml", "Liftoff News", "Star City", "lxml"),
        ("feed-rs+feed-rs/rss1/rss_1.0_example_1.xml", "Feed title", "記事1のタイトル", "lxml"),
        (
            "feed-rs+feed-rs/rss0/rss_0.91_spec_1.xml",
            "WriteTheWeb",
            "Giving the world a pluggable Gnutella",
            "lxml",
        ),
        (
            "feed-rs+feed-rs/rss0/rss_0.91_encoding_1.xml",
            "Dicas-L: Dicas técnicas de Linux e Software Livre",
            "bash - Expansão de Parâmetros",
            "lxml",
        ),
        ("rbren+rss-parser/heraldsun.rss", "RSS0.92 Example", "The First Item", "lxml"),
        (
            "feed-rs+feed-rs/atom/atom_example_1.xml",
            "dive into mark",
            "Atom draft-07 snapshot",
            "lxml",
        ),
        (
            "feedjira+feedjira@841d3b5/Juniordeveloper.xml",
            "Junior developer",
            "RubyForge now on PostgreSQL 8.3",
            "lxml",
        ),
        (
            "feed-rs+feed-rs/jsonfeed/jsonfeed_spec_1.json",
            "JSON Feed",
            "Announcing JSON Feed",
            "json",
        ),
        (
            "feedjira+feedjira/json_feed_with_escaped_uris.json",
            "Luke Dorny's v6",
            "New Font",
            "json",
        ),
        (
            "Ranchero-Software+NetNewsWire/3960.json",
            "fboës - Der Blog | Startseite",
            "Lecker, lecker",
            "json",
        ),
        (
            "Ranchero-Software+NetNewsWire/kc0011.rss",
            "投资资讯网交易在线--流通纪念币最新20篇论坛主题-全文",
            "建国35周年纪念，华表，和平鸽",
            "lxml",
        ),
        (
            "kagisearch+fastfeedparser/utf16_encoded.xml",
            "UTF-16 Encoded Feed",
            "UTF-16 Entry 1",
            "lxml",
        ),
    ],
)
def test_titles_per_format(name, feed_title, first_title, parser):
    result = corpus(name)
    assert result.title == feed_title
    assert result.articles[0].title == first_title
    assert result.parser == parser


def test_rss2_fields():
    article = corpus("danmactough+node-feedparser/rss2sample.xml").articles[0]
    assert article.url == "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"
    assert article.published == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=UTC)
    assert article.author == "Writer"  # "writer@example.com (Writer)"
    assert article.key == "url://liftoff.msfc.nasa.gov/2003/06/03.html"  # URL guid: scheme-free
    assert article.paragraphs[0].text.startswith("How do Americans get ready to work")


def test_atom_fields():
    article = corpus("feed-rs+feed-rs/atom/atom_example_1.xml").articles[0]
    assert article.url == "http://example.org/2005/04/02/atom"
    assert article.published == dt.datetime(2003, 12, 13, 12, 29, 29, tzinfo=UTC)  # -04:00
    assert article.author == "Mark Pilgrim"
    assert article.key == "id:tag:example.org,2003:3.2397"  # a tag: id is one everywhere


def test_atom_entry_document_is_one_entry():
    result = corpus("feed-rs+feed-rs/atom/atom_entry_1.xml")
    assert [a.title for a in result.articles] == ["Specifications"]


def test_atom_xhtml_content_with_a_prefixed_namespace():
    result = corpus("danmactough+node-feedparser/nondefaultnamespace-xhtml.atom")
    texts = [p.text for p in result.articles[0].paragraphs]
    assert texts[0] == "For information, see:"
    assert all("xhtml:" not in text for text in texts)


def test_youtube_media_description_is_the_content():
    article = corpus("kagisearch+fastfeedparser/89fda57f8a03fbb6").articles[0]
    assert article.title == "I Put a Rocket on SpinLaunch"
    assert article.url == "https://www.youtube.com/watch?v=hsm_f92NBp0"
    assert len(article.paragraphs) > 3


def test_longest_content_wins_over_the_summary():
    data = b"""<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
      <title>t</title><item><title>i</title><link>https://example.org/a</link>
      <description>Short teaser.</description>
      <content:encoded><![CDATA[<p>Full text, first paragraph.</p><p>Second.</p>]]>
      </content:encoded>
    </item></channel></rss>"""
    article = parse(data).articles[0]
    assert [p.text for p in article.paragraphs] == ["Full text, first paragraph.", "Second."]


def test_plain_text_description_keeps_its_paragraphs():
    data = b"""<rss version="2.0"><channel><title>t</title><item><title>i</title>
      <description>First paragraph
      still first.

      Second paragraph.</description></item></channel></rss>"""
    article = parse(data).articles[0]
    assert [p.text for p in article.paragraphs] == [
        "First paragraph still first.",
        "Second paragraph.",
    ]


def test_relative_links_resolve_against_the_feed_url_then_self_link():
    name = "danmactough+node-feedparser/rss-with-relative-urls-with-absolute-xmlurl.xml"
    by_self_link = corpus(name).articles[0].url
    assert by_self_link.startswith("http://www.arcgames.com/en/games/neverwinter/news/detail/")
    by_url = corpus(name, url="https://feeds.example.net/x/feed.xml").articles[0].url
    assert by_url.startswith("https://feeds.example.net/en/games/neverwinter/news/detail/")


def test_xml_base_is_honoured():
    result = corpus("danmactough+node-feedparser/rss-with-relative-html-urls.xml")
    assert result.articles[0].url == "https://example.com/posts/posts/post-1"


def test_atom_id_that_is_a_url_serves_as_the_link():
    article = corpus("feed-rs+feed-rs/atom/atom_xml_base.xml").articles[0]
    assert article.url == "https://numi.st/post/2022/travel-uke"


def test_tracking_parameters_and_double_escaping_leave_links():
    article = corpus("kagisearch+fastfeedparser/e8fa5b64a4b41322").articles[0]
    assert "utm_" not in article.url and "amp;" not in article.url


def test_gzip_body_is_decompressed():
    result = corpus("danmactough+node-feedparser/compressed.xml")
    assert len(result.articles) == 10
    assert any("gzip" in warning for warning in result.warnings)


def test_gzip_corrupt_body_is_a_clear_error():
    with pytest.raises(FeedError, match="gzip"):
        parse(gzip.compress(b"<rss/>")[:12] + b"\x00garbage")


def test_html_pages_in_the_corpus_advertise_their_feeds():
    with pytest.raises(FeedError) as caught:
        corpus("Ranchero-Software+NetNewsWire/furbo.html")
    assert caught.value.problem == "not a feed: an HTML page"
    assert caught.value.discovered == ("http://furbo.org/feed/",)


def test_max_items_is_respected():
    limited = Source(name="s", kind="feed", location="x", max_items=3)
    data = (CORPUS / "kagisearch+fastfeedparser/960551eca5b5db81").read_bytes()
    assert len(parse_feed(data, limited).articles) == 3


def test_max_items_keeps_the_newest_of_a_feed_listed_oldest_first():
    items = "".join(
        f"<item><title>e{n}</title><link>http://example.org/{n}</link>"
        f"<pubDate>{day:02d} Nov 2026 08:00:00 GMT</pubDate></item>"
        for n, day in ((1, 1), (2, 5), (3, 9), (4, 13))
    )
    data = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    limited = Source(name="s", kind="feed", location="x", max_items=2)
    assert [a.title for a in parse_feed(data, limited).articles] == ["e3", "e4"]


def test_entries_sharing_a_guid_are_told_apart_and_a_repeated_entry_stays_one():
    items = "".join(
        f"<item><guid>http://example.org/</guid><title>{title}</title>"
        f"<link>http://example.org/{slug}</link></item>"
        for title, slug in (("A first", "a"), ("B second", "b"), ("A first", "a"))
    )
    data = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    result = parse(data)
    keys = [a.key for a in result.articles]
    assert len(set(keys)) == 2 and keys[0] == keys[2]  # the third repeats the first
    assert all(key.startswith("url://example.org/#") for key in keys)
    assert any("3 entries share the id" in w for w in result.warnings)


def test_a_tag_or_urn_guid_is_one_key_in_every_feed():
    item = (
        '<rss version="2.0"><channel><title>t</title><item><guid isPermaLink="false">'
        "{guid}</guid><title>Same</title><link>{link}</link></item></channel></rss>"
    )
    for guid in ("tag:example.org,2026:1", "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a"):
        first = parse_feed(
            item.format(guid=guid, link="http://a.example/1").encode(), Source("A", "feed", "x")
        ).articles[0]
        second = parse_feed(item.format(guid=guid, link="http://b.example/1").encode(),
                            Source("B", "feed", "y")).articles[0]  # fmt: skip
        assert first.key == second.key == f"id:{guid}"


def test_keys_fall_back_from_guid_to_link_to_content_hash():
    data = b"""<rss version="2.0"><channel><title>t</title>
      <item><guid isPermaLink="false">abc-1</guid><title>a</title></item>
      <item><guid>http://example.org/p/2</guid><title>b</title></item>
      <item><link>http://Example.org/p/3?utm_source=rss#top</link><title>c</title></item>
      <item><title>d</title><description>Body text.</description></item>
    </channel></rss>"""
    keys = [a.key for a in parse(data).articles]
    assert keys[0] == "id:Test source:abc-1"
    assert keys[1] == "url://example.org/p/2"
    assert keys[2] == "url://example.org/p/3"
    assert keys[3].startswith("hash:") and len(keys[3]) == 5 + 64
    https = data.replace(b"http://example.org/p/2", b"https://example.org/p/2")
    assert parse(https).articles[1].key == keys[1]


def test_field_lengths_are_capped():
    title = "word " * 1000
    data = f"""<rss version="2.0"><channel><title>t</title><item>
      <title>{title}</title><author>{"a" * 5000}</author>
      <guid>{"g" * 5000}</guid><link>https://example.org/{"x" * 5000}</link>
      <description>{"lorem ipsum " * 50_000}</description></item></channel></rss>""".encode()
    article = parse(data).articles[0]
    assert len(article.title) <= feeds.MAX_TITLE_CHARS and article.title.endswith("…")
    assert len(article.author) <= feeds.MAX_AUTHOR_CHARS
    assert article.key.startswith("id:Test source:sha256:")
    assert article.url is None  # a 5 kB URL is dropped, not cut into a broken one
    assert sum(len(p.text) for p in article.paragraphs) <= feeds.MAX_TEXT_CHARS


def test_encoding_from_http_header_when_the_bytes_are_not_utf8():
    data = "<rss><channel><title>Привет</title></channel></rss>".encode("koi8-r")
    assert parse(data, content_type="application/rss+xml; charset=KOI8-R").title == "Привет"


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


def test_feedparser_fallback_when_lxml_finds_fewer_entries(monkeypatch):
    data = (CORPUS / "danmactough+node-feedparser/rss2sample.xml").read_bytes()
    real = xmlfeed.parse_hardened

    def lose_entries(body, warnings):
        # what libxml2's recovery can do to a damaged document: drop entries, and say so
        root, errors = real(body, warnings)
        for item in list(root.iter("item"))[1:]:
            item.getparent().remove(item)
        return root, [*errors, "line 20: Opening and ending tag mismatch: item and channel"]

    monkeypatch.setattr(xmlfeed, "parse_hardened", lose_entries)
    result = parse(data)
    assert result.parser == "feedparser"
    assert len(result.articles) == 4
    assert result.articles[0].title == "Star City"
    assert result.articles[0].url == "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"
    assert result.articles[0].published == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=UTC)
    assert any("read with feedparser" in warning for warning in result.warnings)


# --------------------------------------------------------------------------------------------
# Hostile inputs (tests/fixtures/hostile/README.md)


@pytest.mark.parametrize("name", ["billion-laughs.xml", "quadratic-blowup.xml"])
def test_entity_bombs_are_never_expanded(name, no_network):
    start = time.perf_counter()
    result = hostile(name)
    assert time.perf_counter() - start < 5
    assert [a.title for a in result.articles][-1] == "Innocent second item"
    assert result.articles[-1].paragraphs
    assert max(len(a.title) for a in result.articles) < 100
    assert "lollol" not in everything(result) and "AAAAAAAAAA" not in everything(result)


@pytest.mark.parametrize("name", ["xxe-local-file.xml", "xxe-parameter-entity.xml"])
def test_external_entities_never_load(name, no_network):
    result = hostile(name)
    assert len(result.articles) == 1
    assert "root:x:0:0" not in everything(result)
    assert "/bin/" not in everything(result)


def test_xxe_parameter_entity_entry_is_kept():
    assert hostile("xxe-parameter-entity.xml").articles[0].title == "Entry after a hostile DTD"


def test_truncated_feed_keeps_the_complete_entry_and_says_so():
    result = hostile("truncated.xml")
    assert result.articles[0].title == "Complete first item"
    assert result.articles[0].paragraphs[0].text.startswith("The first item is complete")
    assert any("truncated" in warning for warning in result.warnings)


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


def test_nul_and_control_characters_are_stripped():
    result = hostile("nul-bytes-in-feed.xml")
    assert result.title == "NULbytes"
    article = result.articles[0]
    assert article.title == "Item with NUL and ESC and FF control chars"
    assert article.paragraphs[0].text == "textmore"


@pytest.mark.parametrize("name", ["xss-content.xml", "xss-content-atom.xml"])
def test_xss_leaves_text_only(name):
    result = hostile(name)
    text = everything(result).lower()
    for bad in ("<script", "<img", "<iframe", "<object", "<form", "<svg", "onerror=", "onload="):
        assert bad not in text
    assert "javascript:" not in text and "data:text" not in text
    for article in result.articles:
        assert article.url is None or article.url.startswith(("http://", "https://"))
    assert result.link in (None, "https://example.org/")


def test_xss_rss_titles_are_text_and_links_safe():
    result = hostile("xss-content.xml")
    assert result.title == "Hostile HTML"
    first, second, benign = result.articles
    assert first.title == "Escaped HTML in description"
    assert first.url is None  # javascript: link dropped
    assert first.paragraphs[0].text == "Intro paragraph that a summariser may keep."
    assert first.paragraphs[-1].text == "Closing paragraph."
    assert second.url == "https://example.org/xss-2"
    assert benign.title == "Benign control item"
    assert [p.text for p in benign.paragraphs] == ["Nothing bad here."]


def test_xss_atom_text_constructs():
    result = hostile("xss-content-atom.xml")
    assert result.title == "Hostile Atom"
    assert result.link is None
    xhtml, html = result.articles
    assert xhtml.title == "XHTML title"
    assert xhtml.url is None
    assert xhtml.paragraphs[0].text == "Inline XHTML."
    assert html.url == "https://example.org/atom-2"


def test_empty_titles_are_empty_and_content_free_items_skipped():
    result = hostile("empty-title.xml")
    assert result.title == ""
    assert [a.title for a in result.articles] == ["", "", "", "", "Normal item"]
    assert result.articles[0].paragraphs[0].text.startswith("First sentence of an item")
    assert result.skipped == 1  # the item that is only <title/>


def test_odd_dates():
    published = {a.key: a.published for a in hostile("odd-dates.xml").articles}
    assert published == {
        "id:Test source:date-1": dt.datetime(2003, 6, 10, 13, 41, 1, tzinfo=UTC),
        "id:Test source:date-2": dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC),
        "id:Test source:date-3": dt.datetime(2024, 3, 5, 14, 30, tzinfo=UTC),
        "id:Test source:date-4": None,  # epoch digits: never year 1699
        "id:Test source:date-5": None,  # 30 February
        "id:Test source:date-6": dt.datetime(2021, 3, 3, 7, 15, tzinfo=UTC),
        "id:Test source:date-7": dt.datetime(2024, 1, 2, 10, 0, tzinfo=UTC),
        "id:Test source:date-8": None,  # 24:00 and +2500
        "id:Test source:date-9": None,  # year 0001
        "id:Test source:date-10": None,  # year 9999
        "id:Test source:date-11": None,  # "yesterday at 5pm"
        "id:Test source:date-12": None,  # 03/04 is ambiguous
    }


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


def _generator():
    spec = importlib.util.spec_from_file_location("gen_big_feed", HOSTILE / "gen_big_feed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _big_feed(tmp_path: Path, mode: str, size_mb: float = 50) -> bytes:
    gen = _generator()
    path = tmp_path / f"{mode}.xml"
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(gen.HEAD.format(mode=mode))
        if mode == "many-items":
            gen.gen_many_items(out, int(size_mb * 1_000_000))
        elif mode == "one-huge-item":
            gen.gen_one_huge_item(out, int(size_mb * 1_000_000))
        else:
            gen.gen_deep(out, 200_000)
        out.write(gen.TAIL)
    return path.read_bytes()


def test_50mb_feed_in_bounded_time(tmp_path):
    data = _big_feed(tmp_path, "many-items")
    start = time.perf_counter()
    result = parse(data)
    assert time.perf_counter() - start < 60
    assert len(result.articles) > 15_000
    assert result.articles[-1].title.startswith(f"Item {len(result.articles) - 1}:")
    assert len(result.articles[0].paragraphs) == 10


def test_one_50mb_field_is_cut_and_the_next_item_kept(tmp_path):
    result = parse(_big_feed(tmp_path, "one-huge-item"))
    huge, after = result.articles
    assert huge.title == "One huge item"
    assert 0 < sum(len(p.text) for p in huge.paragraphs) <= feeds.MAX_TEXT_CHARS
    assert after.title == "Small item after the huge one"


def test_deep_nesting_does_not_overflow(tmp_path):
    start = time.perf_counter()
    result = parse(_big_feed(tmp_path, "deep"))
    assert time.perf_counter() - start < 30
    assert [a.title for a in result.articles] == ["Deeply nested"]


# --------------------------------------------------------------------------------------------
# JSON Feed details


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


# --------------------------------------------------------------------------------------------
# Other documents


def test_text_that_is_not_xml():
    with pytest.raises(FeedError, match="neither XML nor JSON"):
        parse(b"Service Unavailable")


def test_other_xml_is_not_a_feed():
    with pytest.raises(FeedError, match="root element is <urlset>"):
        parse(b'<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>')


def test_feed_with_no_entries_is_fine():
    result = corpus("feedjira+feedjira@841d3b5/GoogleBlogSearchpauldix.xml")
    assert result.articles == () and result.skipped == 0


def test_html_entities_in_xml_are_read():
    data = b"<rss><channel><title>Caf&eacute; &amp; b&auml;r&nbsp;&hellip;</title></channel></rss>"
    assert parse(data).title == "Café & bär …"


def test_bare_ampersands_are_tolerated():
    data = (
        b"<rss><channel><title>AT&T & friends</title>"
        b"<item><title>Q&A</title></item></channel></rss>"
    )
    result = parse(data)
    assert result.title == "AT&T & friends"
    assert result.articles[0].title == "Q&A"


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


def test_feederror_carries_problem_advice_and_discovered():
    error = FeedError("not a feed: an HTML page", "use the feed", ["https://example.org/rss"])
    assert error.problem == "not a feed: an HTML page"
    assert error.advice == "use the feed"
    assert error.discovered == ("https://example.org/rss",)
    assert str(error) == "not a feed: an HTML page (use the feed)"


# --------------------------------------------------------------------------------------------
# Dates


NOW = dt.datetime(2024, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sat, 01 Jun 2024 10:00:00 GMT", dt.datetime(2024, 6, 1, 10, tzinfo=UTC)),
        ("Sat, 01 Jun 2024 10:00:00 +0200", dt.datetime(2024, 6, 1, 8, tzinfo=UTC)),
        ("Fri, 31 May 2024 22:00:00 PDT", dt.datetime(2024, 6, 1, 5, tzinfo=UTC)),
        ("31 May 2024 22:00 -0700", dt.datetime(2024, 6, 1, 5, tzinfo=UTC)),
        ("Wed, 02 Oct 02 08:00:00 EST", dt.datetime(2002, 10, 2, 13, tzinfo=UTC)),
        ("2024-05-31T22:00:00-07:00", dt.datetime(2024, 6, 1, 5, tzinfo=UTC)),
        ("2024-05-31T22:00:00.123Z", dt.datetime(2024, 5, 31, 22, 0, 0, 123000, tzinfo=UTC)),
        ("2024-05-31", dt.datetime(2024, 5, 31, tzinfo=UTC)),
        ("2024-05-31 22:00:00 +0000", dt.datetime(2024, 5, 31, 22, tzinfo=UTC)),
        ("2024/5/31 22:00:00", dt.datetime(2024, 5, 31, 22, tzinfo=UTC)),
        ("May 31, 2024", dt.datetime(2024, 5, 31, tzinfo=UTC)),
        ("Fri, 31 May 2024 22:00:00 +0000 (UTC)", dt.datetime(2024, 5, 31, 22, tzinfo=UTC)),
        ("Seg, 15 Set 2014 10:00:00 -0300", dt.datetime(2014, 9, 15, 13, tzinfo=UTC)),
        ("  Fri,  31 May 2024\n22:00:00 GMT ", dt.datetime(2024, 5, 31, 22, tzinfo=UTC)),
        ("1700000000", None),
        ("03/04/2024 10:00 AM PST", None),
        ("2024-02-30T00:00:00Z", None),
        ("Sat, 01 Jun 2024 25:00:00 GMT", None),
        ("Sat, 01 Jun 2024 10:00:00 +1500", None),
        ("Sat, 01 Jun 2024 10:00:00 XYZ", None),
        ("1989-12-31T23:59:59Z", None),
        ("2024-06-03T12:00:00Z", None),  # more than two days ahead of NOW
        ("not a date", None),
        ("", None),
        (None, None),
        (1700000000, None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text, NOW) == expected


def test_parse_date_is_aware_utc():
    parsed = parse_date("2024-05-31T22:00:00+05:30", NOW)
    assert parsed.tzinfo == UTC and parsed.hour == 16 and parsed.minute == 30


# --------------------------------------------------------------------------------------------
# Canonical URLs


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("http://example.com", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&b=2&a=1&fbclid=x&gclid=y",
            "https://example.com/a?a=1&b=2",
        ),
        ("https://example.com/a?mc_cid=1&mc_eid=2&ref=hn&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/search?q=a%20b&page=2", "https://example.com/search?page=2&q=a%20b"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("https://example.com/a?", "https://example.com/a"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent():
    for url in ("HTTP://a.B/c?z=1&utm_x=2&y=#f", "https://example.com:8443/p?b&a"):
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_url_key_ignores_scheme():
    assert url_key("http://Example.com/a?utm_source=x") == "//example.com/a"
    assert url_key("https://example.com/a") == url_key("http://example.com/a")
    assert url_key("https://example.com/a") != url_key("https://example.com/b")


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("  https://example.org/a  ", True),
        ("javascript:alert(1)", False),
        ("  JaVaScRiPt:alert(1)", False),
        ("&#106;avascript:alert(2)", False),
        ("java\tscript:alert(3)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("ftp://example.org/file", False),
        ("mailto:a@example.org", False),
        ("/relative/path", False),
        ("//example.org/protocol-relative", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_is_safe_link(url, safe):
    assert is_safe_link(url) is safe


def test_paragraphs_behave_as_a_tuple():
    paragraphs = corpus("danmactough+node-feedparser/rss2sample.xml").articles[0].paragraphs
    converted = tuple(paragraphs)
    assert paragraphs == converted and len(paragraphs) == len(converted)
    assert paragraphs[0] == converted[0] and paragraphs[:1] == converted[:1]
    assert hash(paragraphs) == hash(converted)


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
