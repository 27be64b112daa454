from digest.text.decode import decode_bytes


def test_utf8_with_and_without_bom() -> None:
    text = "Venezuelan leader Nicolás Maduro — “talks”"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_utf16_with_bom() -> None:
    text = "Café in Zürich"
    assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == text


def test_windows_1252_file_decodes_curly_quotes_and_euro() -> None:
    raw = "The café charged €5 for “coffee” – it’s dear.".encode("cp1252")
    assert decode_bytes(raw) == "The café charged €5 for “coffee” – it’s dear."


def test_latin1_file() -> None:
    assert decode_bytes("Señor Muñoz à Genève".encode("latin-1")) == "Señor Muñoz à Genève"


def test_mixed_file_keeps_valid_utf8_and_repairs_only_bad_bytes() -> None:
    raw = "Nicolás said ".encode() + "“yes”".encode("cp1252") + " in Bogotá".encode()
    assert decode_bytes(raw) == "Nicolás said “yes” in Bogotá"


def test_control_characters_are_dropped_but_newlines_kept() -> None:
    assert decode_bytes(b"one\x00two\x1b\r\nthree\x0cfour\tfive") == "onetwo\r\nthreefour\tfive"


# --- one label table, as browsers read it --------------------------------------------------

import pytest  # noqa: E402

from digest.model import Source  # noqa: E402
from digest.sources.feeds import parse_feed  # noqa: E402
from digest.text.decode import codec_for, decode_declared, decode_page  # noqa: E402


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),  # browsers read "Latin-1" as Windows-1252 (curly quotes)
        ("us-ascii", "cp1252"),
        ("GB2312", "gb18030"),  # the superset: "GB2312" pages use GBK/GB18030 characters
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("euc-kr", "cp949"),
        ("ks_c_5601-1987", "cp949"),
        ("big5", "big5hkscs"),
        ("iso-8859-8-i", "iso8859-8"),
        ("windows-874", "cp874"),
        ("ISO-8859-15", "iso8859-15"),  # its own table: € is 0xA4, not Windows-1252's 0x80
        ('"KOI8-R"', "koi8-r"),
        ("utf8", "utf-8"),
    ],
)
def test_charset_labels_mean_what_they_mean_to_a_browser(label: str, codec: str) -> None:
    assert codec_for(label) == codec


@pytest.mark.parametrize(
    "label", ["utf-7", "hz-gb-2312", "iso-2022-kr", "hex", "rot13", "cp037", "", "x"]
)
def test_labels_that_could_hide_markup_or_are_not_charsets_are_refused(label: str) -> None:
    assert codec_for(label) is None


GBK_TEXT = "港口管理局宣布恢复渡轮服务"
GBK_ONLY = "镕"  # in GBK, not in GB2312: a strict GB2312 codec would lose it


def test_feeds_and_pages_decode_the_same_labelled_bytes_alike() -> None:
    text = GBK_TEXT + GBK_ONLY
    raw = text.encode("gbk")
    page = decode_page(
        f"<html><body><p>{text}</p></body></html>".encode("gbk"), "text/html; charset=gb2312"
    )
    assert text in page
    feed = f"<rss><channel><title>{text}</title></channel></rss>".encode("gbk")
    parsed = parse_feed(
        feed, Source("t", "feed", "https://example.org/f"), content_type="text/xml; charset=gb2312"
    )
    assert parsed.title == text
    assert decode_declared(raw, [("HTTP header", "gb2312")]) == text


def test_a_utf8_label_the_bytes_disprove_gives_way_to_the_next_label() -> None:
    russian = "Городской совет утвердил план"
    raw = f"<html><head><meta charset='windows-1251'></head><p>{russian}</p></html>".encode(
        "cp1251"
    )
    assert russian in decode_page(raw, "text/html; charset=utf-8")


def test_iso_8859_15_keeps_its_euro_sign() -> None:
    raw = "Prix: 5 €".encode("iso8859-15")
    assert decode_declared(raw, [("page", "iso-8859-15")]) == "Prix: 5 €"


def test_valid_utf8_wins_over_a_legacy_label_and_says_so() -> None:
    warnings: list[str] = []
    assert decode_declared("Zürich".encode(), [("page", "koi8-r")], warnings) == "Zürich"
    assert warnings and "koi8-r" in warnings[0] and "valid UTF-8" in warnings[0]


# --- text a feed escaped twice -------------------------------------------------------------

from pathlib import Path  # noqa: E402

from digest.text.decode import unescape_leftovers, unescape_text  # noqa: E402


@pytest.mark.parametrize(
    ("left", "meant"),
    [
        ("Kessler &amp; Roe", "Kessler & Roe"),
        ("Marlow &amp; Finch&#8217;s warning", "Marlow & Finch’s warning"),
        ("R&amp;D spending &#x2014; up 4%", "R&D spending — up 4%"),
    ],
)
def test_text_still_entity_encoded_is_decoded_once_more(left: str, meant: str) -> None:
    assert unescape_leftovers(left) == meant


@pytest.mark.parametrize(
    "text",
    [
        "Smith & Sons",  # a bare ampersand: nothing to do
        "Why your feed reader says “&amp;” when it means “&”",  # about HTML: as written
        "AT&T and T-Mobile",
        "Tom &amp Jerry",  # not a reference (no semicolon)
    ],
)
def test_text_that_shows_entities_on_purpose_is_left_as_written(text: str) -> None:
    assert unescape_leftovers(text) == text


DAY_FEEDS = Path(__file__).parent / "fixtures" / "day" / "feeds"


def test_a_feed_that_escapes_twice_reads_like_one_that_escapes_once() -> None:
    twice = parse_feed(
        (DAY_FEEDS / "tradewind-markets.xml").read_bytes(),
        Source("Tradewind Markets", "feed", "https://tradewindmarkets.example/feed"),
    )
    titles = [a.title for a in twice.articles]
    assert "Aldermoor to buy Kessler & Roe in $12.1bn deal including debt" in titles
    assert any("Marlow & Finch’s warning" in t for t in titles)
    text = " ".join(p.text for a in twice.articles for p in a.paragraphs)
    assert "&amp;" not in text and "&#8217;" not in text and "Kessler & Roe" in text


def test_an_article_about_html_keeps_the_entity_it_shows() -> None:
    about_html = parse_feed(
        (DAY_FEEDS / "stackhouse-review.atom").read_bytes(),
        Source("The Stackhouse Review", "feed", "https://stackhousereview.example/feed"),
    )
    (article,) = [a for a in about_html.articles if "feed reader says" in a.title]
    assert article.title == "Why your feed reader says “&amp;” when it means “&”"
    assert "Smith &amp; Sons" in article.body_text and "Smith & Sons" in article.body_text


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Why RSS&nbsp;?", "Why RSS\u00a0?"),
        ("Tom &amp;amp; Jerry&amp;#8230;", "Tom & Jerry\u2026"),  # escaped twice
        ("?id=4&section=news&region=eu&amp;x", "?id=4&section=news&region=eu&x"),
        ("&ampfoo; &madeup; &#x41;", "&ampfoo; &madeup; A"),  # no such names: as written
    ],
)
def test_text_written_with_references_reads_as_its_characters(written: str, meant: str) -> None:
    assert unescape_text(written) == meant
