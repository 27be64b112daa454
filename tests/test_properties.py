"""Properties that hold for any input, checked on generated ones (hypothesis).

The example-based tests say what the stages do with realistic articles; these say what they
never do, whatever a feed sends: raise, change their mind on a second pass, or put words in
an article's mouth. Each runs 150 generated examples; for a longer hunt, set
DIGEST_PROPERTY_EXAMPLES (for example to 5000).
"""

from __future__ import annotations

import datetime as dt
import os
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest.group import group_stories
from digest.model import Article, Paragraph, Source
from digest.sources.feeds import FeedError, parse_feed
from digest.summarise import lead_sentences, story_summary
from digest.text.decode import decode_page
from digest.text.html import html_to_paragraphs
from digest.text.normalise import normalise, normalise_text

SOURCE = Source("Generated", "feed", "https://news.example/feed.xml")
EXAMPLES = int(os.environ.get("DIGEST_PROPERTY_EXAMPLES", "150"))
PROPERTY = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Words that make the rules and checks fire (prompts, disclaimers, block headings, repeats)
# mixed with plain ones, so that generated paragraphs reach the interesting branches.
WORDS = [
    "council", "the", "harbour", "said", "on", "Monday", "share", "this", "article",
    "subscribe", "newsletter", "AI", "generated", "comments", "below", "Related", "Read",
    "more", "©", "2024", "—", "LONDON", "(Reuters)", "-", "?", ".", "You", "tips",
    "email", "news@example.org", "sponsored", "by", "Acme", "affiliate", "links",
]  # fmt: skip
word_text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(" ".join)
any_text = st.text(max_size=300)
paragraph_text = st.one_of(word_text, any_text)
kinds = st.sampled_from(["body", "body", "body", "heading", "code", "row"])
paragraphs = st.lists(st.builds(Paragraph, paragraph_text, kinds), max_size=12).map(tuple)
# The same paragraph more than once: the doubling check's ground.
repeated = st.lists(st.sampled_from(["council", "The council met.", "Share this"]), max_size=6)


def article(title: str, body: tuple[Paragraph, ...], key: str = "k") -> Article:
    return Article(key, "Generated", title, body)


# --- normalise ----------------------------------------------------------------------------------


@PROPERTY
@given(title=st.one_of(word_text, any_text), body=paragraphs)
def test_normalise_never_raises_and_a_second_pass_changes_nothing(
    title: str, body: tuple[Paragraph, ...]
) -> None:
    once = normalise(article(title, body))
    assert normalise(once) == once


@PROPERTY
@given(title=st.sampled_from(["council", "The council met", ""]), texts=repeated)
def test_normalise_is_idempotent_on_short_repeated_paragraphs(title: str, texts: list[str]) -> None:
    once = normalise(article(title, tuple(Paragraph(t) for t in texts)))
    assert normalise(once) == once


def test_the_reported_repeat_case_is_stable() -> None:
    """Title "council", paragraphs ["council", "council"]: once it gave ["council"], and
    cleaning that again gave []."""
    once = normalise(article("council", (Paragraph("council"), Paragraph("council"))))
    assert normalise(once) == once


@PROPERTY
@given(title=word_text, body=paragraphs)
def test_normalise_only_removes_or_tidies_never_invents(
    title: str, body: tuple[Paragraph, ...]
) -> None:
    """Every kept paragraph's words were in the input, in a paragraph of the input."""
    source = [normalise_text(p.text) for p in body]
    for kept in normalise(article(title, body)).paragraphs:
        if kept.verbatim:
            continue
        text = normalise_text(kept.text)
        assert any(text in original for original in source), text


# --- summarise ----------------------------------------------------------------------------------


def _unclipped(sentence: str) -> str:
    """A summary sentence without the ellipsis a length budget may have added, or the full
    stop that ends a list's item read as a sentence ("- Fixed the crash" is "Fixed the
    crash."), its spaces collapsed as the summariser collapses them."""
    return " ".join(sentence.removesuffix("…").removesuffix(".").split())


def _spaced(body: tuple[Paragraph, ...]) -> str:
    return " ".join(" ".join(p.text.split()) for p in body)


@PROPERTY
@given(body=paragraphs, count=st.integers(1, 5), max_chars=st.sampled_from([0, 80, 600]))
def test_summary_sentences_come_from_the_article(
    body: tuple[Paragraph, ...], count: int, max_chars: int
) -> None:
    text = _spaced(body)
    summary = lead_sentences(body, count, max_chars)
    assert len(summary) <= count
    for sentence in summary:
        assert _unclipped(sentence) in text or not _unclipped(sentence), sentence


@PROPERTY
@given(bodies=st.lists(paragraphs, min_size=1, max_size=4), count=st.integers(1, 4))
def test_a_story_summary_quotes_its_reports_and_says_which(
    bodies: list[tuple[Paragraph, ...]], count: int
) -> None:
    reports = [article(f"Report {n}", body, key=f"k{n}") for n, body in enumerate(bodies)]
    for line in story_summary(reports, count):
        source = _spaced(reports[line.report].paragraphs)
        assert _unclipped(line.text) in source, line


# --- grouping -----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    titles=st.lists(word_text, min_size=1, max_size=12),
    hours=st.lists(st.integers(0, 96), min_size=12, max_size=12),
)
def test_every_article_is_in_exactly_one_story(titles: list[str], hours: list[int]) -> None:
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    articles = [
        Article(
            f"k{n}",
            f"Source {n % 3}",
            title,
            (Paragraph(f"{title}. The council said on Monday it would act."),),
            published=start + dt.timedelta(hours=hours[n]),
        )
        for n, title in enumerate(titles)
    ]
    stories = group_stories(articles)
    keys = [a.key for story in stories for a in (*story.reports, *story.copies)]
    assert sorted(keys) == sorted(a.key for a in articles)


# --- feeds, pages and bytes ---------------------------------------------------------------------


@PROPERTY
@given(data=st.binary(max_size=2_000))
def test_any_bytes_are_a_feed_or_a_clear_feed_error(data: bytes) -> None:
    try:
        parse_feed(data, SOURCE)
    except FeedError as exc:
        assert str(exc).strip()


@PROPERTY
@given(
    prefix=st.sampled_from([b"", b"<?xml version='1.0'?>", b"<rss>", b"\xef\xbb\xbf", b"{"]),
    data=st.binary(max_size=500),
)
def test_feed_like_garbage_is_a_feed_or_a_clear_feed_error(prefix: bytes, data: bytes) -> None:
    try:
        parse_feed(prefix + data, SOURCE)
    except FeedError as exc:
        assert str(exc).strip()


# XML 1.0 allows these characters; the rest cannot be written in a feed at all.
xml_char = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
    "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
)
xml_text = st.text(xml_char, min_size=1, max_size=80).filter(lambda t: t.strip())


@PROPERTY
@given(items=st.lists(st.tuples(xml_text, xml_text), min_size=1, max_size=5))
@example(items=[("0<? 1", "A")])  # "<?" read as a processing instruction lost the "1"
@example(items=[("0<A 1", "0")])  # "<A 1", a tag that never closes, lost the "1"
def test_every_item_of_a_well_formed_rss_feed_is_read_with_its_title(
    items: list[tuple[str, str]],
) -> None:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://news.example/{n}</link>"
        f"<guid>https://news.example/{n}</guid><description>{escape(text)}</description></item>"
        for n, (title, text) in enumerate(items)
    )
    document = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://news.example/</link><description>D</description>{entries}</channel></rss>"
    ).encode()
    parsed = parse_feed(document, SOURCE)
    assert len(parsed.articles) == len(items)
    for got, (title, _) in zip(parsed.articles, items, strict=True):
        assert got.url is not None
        # a title is text, tidied: what it says is kept
        for word in title.split():
            if word.isalnum():
                assert word in got.title or not got.title.strip(), (word, got.title)


@PROPERTY
@given(data=st.binary(max_size=2_000), content_type=st.sampled_from([None, "text/html"]))
def test_any_bytes_decode_to_text(data: bytes, content_type: str | None) -> None:
    assert isinstance(decode_page(data, content_type), str)


@PROPERTY
@given(html=st.text(max_size=500))
def test_any_markup_becomes_paragraphs_without_raising(html: str) -> None:
    for paragraph in html_to_paragraphs(html):
        assert "<script" not in paragraph.text.lower() or paragraph.verbatim


@pytest.mark.parametrize("depth", [10, 1_000, 100_000])
def test_deeply_nested_markup_is_read_or_refused_cleanly(depth: int) -> None:
    html = "<div>" * depth + "text" + "</div>" * depth
    try:
        paragraphs = html_to_paragraphs(html)
    except RecursionError:  # pragma: no cover - the failure this test exists to catch
        pytest.fail("deep nesting must not exhaust the stack")
    assert all(isinstance(p.text, str) for p in paragraphs)
