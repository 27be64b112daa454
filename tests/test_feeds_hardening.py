"""Hostile and broken XML (digest.sources.feeds.xmlsafe, xmlfeed, fallback).

tests/fixtures/hostile/ holds hand-written hostile inputs; its README says what a good
ingestor does with each. Entity bombs and external entities are never expanded, recovery
from malformed markup is checked against the markup (and handed to feedparser when lxml lost
entries), and huge or deeply nested documents are read in bounded time.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import time
from pathlib import Path

import pytest
from feedsamples import CORPUS, HOSTILE, UTC, everything, hostile, parse

from digest.sources import feeds
from digest.sources.feeds import FeedError, xmlfeed

# --------------------------------------------------------------------------------------------
# Entities and the document type declaration


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


# --------------------------------------------------------------------------------------------
# Malformed, cut-off and foreign XML


def test_truncated_feed_keeps_the_complete_entry_and_says_so():
    result = hostile("truncated.xml")
    assert result.articles[0].title == "Complete first item"
    assert result.articles[0].paragraphs[0].text.startswith("The first item is complete")
    assert any("truncated" in warning for warning in result.warnings)
    # the parser's errors are the cut itself: said once, as the truncation
    assert not any("malformed" in warning for warning in result.warnings)


def test_a_cut_off_entry_is_marked_incomplete_and_the_whole_one_is_not():
    result = hostile("truncated.xml")
    first, cut = result.articles
    assert result.incomplete == {cut.key}
    assert (first.title, cut.title) == ("Complete first item", "Second item is cut")


def entries(*bodies: str, close: str = "</channel></rss>") -> bytes:
    items = "".join(
        f"<item><title>Entry {n}</title><guid>e{n}</guid>{body}</item>"
        for n, body in enumerate(bodies, start=1)
    )
    return f'<rss version="2.0"><channel><title>T</title>{items}{close}'.encode()


@pytest.mark.parametrize(
    ("data", "damaged"),
    [
        # a whole document, however odd its text
        (entries("<description>one</description>", "<description>two</description>"), []),
        # cut off in the second entry's text
        (
            entries("<description>one</description>", "<description>two stops in the mi", close=""),
            [2],
        ),
        # the first entry's text ends mid-element: its description is never closed
        (entries("<description>one stops", "<description>two</description>"), [1]),
        # an entry never closed: the next one is read inside it
        (
            entries("<description>one</description>", "<description>two</description>").replace(
                b"</item><item><title>Entry 2", b"<item><title>Entry 2", 1
            ),
            [1],
        ),
        # on one line or many, with CDATA and non-ASCII text before the break
        (
            entries(
                "\n<description><![CDATA[<p>caf\u00e9 <item> \u00fcber</p>]]></description>\n",
                "\n<description>two \u00e9 stops\n",
                "\n<description>three</description>\n",
            ),
            [2],
        ),
        # what the parser drops without losing a word: a stray "<", a control character
        (
            entries(
                "<description>1 < 2 \x01 and more</description>", "<description>x</description>"
            ),
            [],
        ),
    ],
    ids=["whole", "cut-off", "unclosed-element", "unclosed-entry", "cdata-and-lines", "harmless"],
)
def test_the_entries_the_parser_had_to_recover_are_marked_incomplete(data: bytes, damaged):
    result = parse(data)
    assert (
        sorted(int(a.title.split()[-1]) for a in result.articles if a.key in result.incomplete)
        == damaged
    )


def test_an_atom_entry_cut_off_is_marked_incomplete():
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
        b"<entry><id>urn:a</id><title>A</title><content>whole</content></entry>"
        b"<entry><id>urn:b</id><title>B</title><content>cut in the mid"
    )
    result = parse(data)
    assert [a.title for a in result.articles if a.key in result.incomplete] == ["B"]


def test_an_entry_feedparser_reads_from_a_cut_off_document_is_marked_incomplete(monkeypatch):
    data = (CORPUS / "danmactough+node-feedparser/rss2sample.xml").read_bytes()
    cut = data[: data.rindex(b"</item>") - 40]
    real = xmlfeed.parse_hardened

    def lose_entries(body, warnings):  # as in the fallback test above: lxml loses entries
        root, errors, damage = real(body, warnings)
        for item in list(root.iter("item"))[1:]:
            item.getparent().remove(item)
        return root, [*errors, "line 20: Opening and ending tag mismatch"], damage

    monkeypatch.setattr(xmlfeed, "parse_hardened", lose_entries)
    result = parse(cut)
    assert result.parser == "feedparser"
    assert result.incomplete == {result.articles[-1].key}


def test_nul_and_control_characters_are_stripped():
    result = hostile("nul-bytes-in-feed.xml")
    assert result.title == "NULbytes"
    article = result.articles[0]
    assert article.title == "Item with NUL and ESC and FF control chars"
    assert article.paragraphs[0].text == "textmore"


@pytest.mark.parametrize("ref", ["&#xD800;", "&#xdbff;", "&#56320;", "&#x0DFFF;"])
def test_a_reference_to_half_a_character_is_dropped_and_the_entry_kept(ref):
    # A surrogate is no character: libxml2 reports the reference and, recovering, puts it in
    # the tree all the same, as bytes no text can be read from.
    data = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Half{ref} channel</title>"
        f"<item><title>Half{ref} a title</title><link>https://example.org/1</link>"
        f"<author>Ann{ref} Lee</author><description>Some{ref} text.</description></item>"
        "<item><title>Second</title><link>https://example.org/2</link></item>"
        "</channel></rss>"
    ).encode()
    result = parse(data, url="https://example.org/feed.xml")
    assert result.title == "Half channel"
    assert [a.title for a in result.articles] == ["Half a title", "Second"]
    assert [p.text for p in result.articles[0].paragraphs] == ["Some text."]
    assert result.articles[0].author == "Ann Lee"
    everything(result).encode("utf-8")


def test_other_xml_is_not_a_feed():
    with pytest.raises(FeedError, match="root element is <urlset>"):
        parse(b'<?xml version="1.0"?><urlset><url><loc>https://example.org/</loc></url></urlset>')


def test_feedparser_fallback_when_lxml_finds_fewer_entries(monkeypatch):
    data = (CORPUS / "danmactough+node-feedparser/rss2sample.xml").read_bytes()
    real = xmlfeed.parse_hardened

    def lose_entries(body, warnings):
        # what libxml2's recovery can do to a damaged document: drop entries, and say so
        root, errors, damage = real(body, warnings)
        for item in list(root.iter("item"))[1:]:
            item.getparent().remove(item)
        errors = [*errors, "line 20: Opening and ending tag mismatch: item and channel"]
        return root, errors, damage

    monkeypatch.setattr(xmlfeed, "parse_hardened", lose_entries)
    tagged = data.replace(b"<item>", b"<item><category>Sponsored</category>", 1).replace(
        b"<channel>",
        b"<channel><category>Space</category><image><url>http://liftoff.msfc.nasa.gov/i.png"
        b"</url><title>NASA</title><link>http://liftoff.msfc.nasa.gov/</link></image>",
        1,
    )
    result = parse(tagged)
    assert result.parser == "feedparser"
    assert (result.site_name, result.categories) == ("NASA", ("Space",))  # as lxml reads them
    assert len(result.articles) == 4
    assert [a.tags for a in result.articles] == [("Sponsored",), (), (), ()]  # as lxml reads them
    assert result.articles[0].title == "Star City"
    assert result.articles[0].url == "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"
    assert result.articles[0].published == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=UTC)
    assert any("read with feedparser" in warning for warning in result.warnings)


# --------------------------------------------------------------------------------------------
# Size


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
