"""The real-feed corpus through parse_feed: at least the entries other parsers find in each file.

Fixtures: tests/fixtures/feeds/ is a byte-for-byte copy of 206 real feeds from other
projects' test suites (README.md and LICENSES/ say where each comes from);
expected_counts.csv there holds, per file, the entry counts feedparser 6.0.14 and
fastfeedparser 0.6.5 found and what parse_feed must do, with a written reason wherever it
differs from "at least the larger of the two".
"""

from __future__ import annotations

import csv

import pytest
from feedsamples import CORPUS, SOURCE, UTC, corpus, parse

from digest.sources.feeds import FeedError
from digest.sources.urls import is_safe_link


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


PUBLISHERS = {
    "feedjira+feedjira/atom_with_link_tag_for_url_unmarked.xml": "Philipps paper equivalent Blog",
    "rbren+rss-parser/heraldsun.rss": "Another Site",
}


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
        # an entry passed on from another feed is its publisher's (RSS and Atom <source>)
        assert article.source == PUBLISHERS.get(row["file"], SOURCE.name)
        assert article.category is None  # the source's category is ingest's to apply
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
# Titles, one or more feeds per format


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


def test_the_corpus_feeds_titled_by_a_section_alone_are_shown_after_their_site():
    # Of the real feeds, the rule changes these names only; every other title (a blog's
    # one-word name, "BBC News", "Debian News", "Communications") names its publisher already.
    from digest.text.headlines import is_section_title, source_title

    changed = {}
    for row in EXPECTED:
        if row["expect"] == "not-a-feed":
            continue
        feed = corpus(row["file"])
        if is_section_title(feed.title, feed.categories):
            changed[row["file"]] = source_title(
                feed.title, feed.link, feed.site_name, feed.categories
            )
    assert changed == {
        "kagisearch+fastfeedparser/4bf53cb602417030": "washingtonpost.com – World",
        "kagisearch+fastfeedparser/5a481e64c5b57b14": "warrenburt.com – Journal",
        "kagisearch+fastfeedparser/960551eca5b5db81": "economist.com – Asia",
    }
