"""Raw entries → Articles (digest.sources.feeds.entries, content): text, links, keys, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from feedsamples import UTC, corpus, everything, hostile, parse

from digest.model import Source
from digest.sources import feeds
from digest.sources.feeds import parse_date, parse_feed

# --------------------------------------------------------------------------------------------
# Bodies, titles and links


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


def test_paragraphs_behave_as_a_tuple():
    paragraphs = corpus("danmactough+node-feedparser/rss2sample.xml").articles[0].paragraphs
    converted = tuple(paragraphs)
    assert paragraphs == converted and len(paragraphs) == len(converted)
    assert paragraphs[0] == converted[0] and paragraphs[:1] == converted[:1]
    assert hash(paragraphs) == hash(converted)


def test_tracking_parameters_and_double_escaping_leave_links():
    article = corpus("kagisearch+fastfeedparser/e8fa5b64a4b41322").articles[0]
    assert "utm_" not in article.url and "amp;" not in article.url


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


# --------------------------------------------------------------------------------------------
# Keys


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
    # the oldest (undated: the last in the feed) keeps the key, the other is told apart
    assert keys[0] == "url://example.org/" and keys[1].startswith("url://example.org/#")
    assert any("3 entries share the id" in w for w in result.warnings)


def test_an_entry_keeps_its_key_when_a_newer_one_comes_to_share_it():
    # A feed whose entries all link to its home page (no guids): the one entry it held on
    # an earlier run must keep the key it was remembered by when a newer one joins it, or
    # it would be taken for new and shown again
    def feed(*items: tuple[str, str]) -> bytes:
        body = "".join(
            f"<item><title>{title}</title><link>http://example.org/</link>"
            f"<pubDate>{when}</pubDate></item>"
            for title, when in items
        )
        return f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()

    old = ("Water main repaired on Mill Road", "Mon, 16 Nov 2026 08:00:00 GMT")
    new = ("Library reopens after renovation", "Tue, 17 Nov 2026 09:30:00 GMT")
    (before,) = parse(feed(old)).articles
    after = {a.title: a.key for a in parse(feed(new, old)).articles}
    assert after[old[0]] == before.key
    assert after[new[0]] != before.key
    # listed in either order, the oldest by date keeps it
    assert {a.title: a.key for a in parse(feed(old, new)).articles} == after


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


# --------------------------------------------------------------------------------------------
# Dates


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
