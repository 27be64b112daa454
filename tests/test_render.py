"""digest.render: real pages from small, realistic digests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re

import pytest
from bidi import open_bidi
from lxml import etree
from lxml import html as lxml_html
from page_samples import (
    ALLOTMENTS,
    ATOM,
    DAY,
    FEED_ID,
    LIBRARIES,
    LIGHTHOUSE,
    UTC,
    article,
    make_config,
    make_digest,
    parse,
    record,
    story,
    texts,
)

from digest.atom import render_feed
from digest.language import catalogues, language
from digest.model import Attributed, Digest, SourceFailure, Story
from digest.render import render_archive, render_day_page, render_fragment, render_index
from digest.summarise import summarise
from digest.templating import make_environment
from digest.text.html import html_to_paragraphs

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_BODY = 'Look: <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">this</a>.'


def assert_inert(html: str) -> None:
    """No executable markup: no script element, no on* attribute, no javascript: URL."""
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    assert tree.xpath("//script") == []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{name} on <{el.tag}>"
            assert not value.strip().lower().startswith("javascript:"), f"{name}={value}"


# ---------------------------------------------------------------- day page


def test_day_page_shows_each_article(env):
    page = render_day_page(make_digest(), make_config(), env, [])
    doc = parse(page)
    assert texts(doc.xpath("//h1")) == ["Morning Digest Saturday 21 November 2026"]
    assert doc.xpath("//title")[0].text == "Morning Digest — Saturday 21 November 2026"
    assert texts(doc.xpath("//main//h2")) == [
        "Lighthouse keepers return to a remote island",
        "Libraries stay open late through the winter",
        "Allotment waiting list reopens",
    ]
    # titles link to the original; an article without a URL is plain text
    links = doc.xpath("//main//h2/a")
    assert [a.get("href") for a in links] == [
        "https://www.bbc.co.uk/news/lighthouse",
        "https://www.theguardian.com/books/libraries",
    ]
    assert texts(doc.xpath("//p[@class='summary']")) == [
        "Volunteers have begun restoring the lighthouse on Eilean Mòr. "
        "They spend two weeks at a time on the island.",
        "Libraries will stay open until nine in the evening from December. "
        "Evening visits doubled during last year's pilot.",
        "Twelve plots should become free in March.",
    ]
    meta = texts(doc.xpath("//main//p[@class='meta']"))
    assert meta[0] == "BBC News · Ewan Fraser · Sat 21 Nov, 08:12"  # 07:12 UTC in Paris
    assert meta[1] == "The Guardian · Fri 20 Nov, 19:40"
    assert meta[2] == "Local notes"
    times = doc.xpath("//main//time")
    assert [t.get("datetime") for t in times] == [
        "2026-11-21T08:12:00+01:00",
        "2026-11-20T19:40:00+01:00",
    ]
    assert "3 stories from 3 sources" in page


def test_full_text_is_behind_a_disclosure_with_headings_as_headings(env):
    doc = parse(render_day_page(make_digest(), make_config(), env, []))
    first = doc.xpath("//article")[0]
    details = first.xpath(".//details")
    assert len(details) == 1
    assert "1 min read" in details[0].xpath("./summary")[0].text_content()
    full = details[0].xpath(".//div[@class='fulltext']/*")
    assert [(el.tag, el.text) for el in full] == [
        ("p", "Volunteers have begun restoring the lighthouse on Eilean Mòr."),
        ("p", "They spend two weeks at a time on the island."),
        ("h3", "Funding and next steps"),
        ("p", "A heritage grant pays for the first phase of the work."),
    ]
    assert "Funding" not in first.xpath(".//p[@class='summary']")[0].text_content()


def test_an_html_lists_items_show_with_their_bullets_and_numbers(env):
    notes = html_to_paragraphs(
        "<p>Version 3.2 of the tide-table app is out, with two changes and a new way to "
        "install it on older phones.</p>"
        "<ul><li>Fixed a crash when a port has no tide station</li>"
        "<li>Added Welsh place names.</li></ul>"
        "<ol><li>Open the settings.</li><li>Choose the new tide tables</li></ol>"
    )
    release = summarise(
        dataclasses.replace(
            article("app-1", "Tide Tables", "Tide tables 3.2", [], None, None), paragraphs=notes
        ),
        count=2,
    )
    lead = Story(headline=release.title, reports=(release,))
    doc = parse(render_day_page(make_digest([lead]), make_config(), env, []))
    # the summary reads the first item as a sentence, without its bullet
    assert texts(doc.xpath("//p[@class='summary']")) == [
        "Version 3.2 of the tide-table app is out, with two changes and a new way to install "
        "it on older phones. Fixed a crash when a port has no tide station."
    ]
    # the full text shows each item on a line of its own, after its bullet or its number
    full = texts(doc.xpath("//div[@class='fulltext']/p"))
    assert full[1:] == [
        "\u2022 Fixed a crash when a port has no tide station",
        "\u2022 Added Welsh place names.",
        "1. Open the settings.",
        "2. Choose the new tide tables",
    ]


def test_only_http_urls_become_links(env):
    odd = [
        article(f"k{i}", "Src", f"Title {i}", ["Text."], url, None)
        for i, url in enumerate(
            [
                "javascript:alert(1)",
                "data:text/html,hi",
                "ftp://x.org/a",
                "/relative",
                " http://ok.org/a ",
            ]
        )
    ]
    doc = parse(render_day_page(make_digest([story(a) for a in odd]), make_config(), env, []))
    hrefs = [a.get("href") for a in doc.xpath("//main//a")]
    # the glance links to each story on the page; the only link out is the http one
    assert [h for h in hrefs if not h.startswith("#story-")] == ["http://ok.org/a"]
    assert len([h for h in hrefs if h.startswith("#story-")]) == 5


def test_a_link_written_unescaped_stays_a_link_and_the_page_valid(env):
    # Feeds write links as their CMS stored them: a space in a file name, PHP's "tag[]=", a
    # JSON query, a bare "%". A browser escapes such a link when it is followed; the page
    # must too, or the headline loses its link (a space) or the page is invalid HTML.
    written = {
        "https://example.org/news/bridge opens.html": "https://example.org/news/bridge%20opens.html",
        'https://example.org/?tag[]=rail&q={"a":1}|b': (
            "https://example.org/?tag%5B%5D=rail&q=%7B%22a%22:1%7D%7Cb"
        ),
        "https://example.org/a<b>^`c": "https://example.org/a%3Cb%3E%5E%60c",
        "https://example.org/rise-of-100%": "https://example.org/rise-of-100%25",
        "https://example.org/already%20escaped": "https://example.org/already%20escaped",
        "https://example.org/café?q=über#part 2#b": "https://example.org/café?q=über#part%202%23b",
        "https://example.org\\news\\a": "https://example.org/news/a",  # as a browser reads it
        "https://example.org/a\n/b": "https://example.org/a/b",
    }
    odd = [
        article(f"k{i}", "Src", f"Title {i}", ["Text."], url, None) for i, url in enumerate(written)
    ]
    doc = parse(render_day_page(make_digest([story(a) for a in odd]), make_config(), env, []))
    hrefs = [a.get("href") for a in doc.xpath("//main//h2/a")]
    assert hrefs == list(written.values())
    # what the HTML checker accepts in an href (URL code points, "%" escapes, one "#")
    valid = re.compile(r"(?:[A-Za-z0-9!$&'()*+,\-./:;=?@_~\u00a0-\U0010ffff]|%[0-9A-F]{2})+")
    for href in hrefs:
        url, _, fragment = href.partition("#")
        assert valid.fullmatch(url) and (not fragment or valid.fullmatch(fragment)), href
    # a host with a space is no host: no link
    broken = article("h", "Src", "Broken host", ["Text."], "https://exa mple.org/a", None)
    doc = parse(render_day_page(make_digest([story(broken)]), make_config(), env, []))
    assert doc.xpath("//main//h2/a") == []


def test_multi_article_story_lists_the_other_reports(env):
    other = article(
        "npr-1",
        "NPR World",
        "Island lighthouse reborn",
        ["Text."],
        "https://npr.org/x",
        dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
    )
    grouped = Story(
        headline="Lighthouse restored",
        reports=(LIGHTHOUSE, other),
        summary=(Attributed("First.", 0), Attributed("Second.", 1)),
        id="abc123",
    )
    doc = parse(render_day_page(make_digest([grouped]), make_config(), env, []))
    story = doc.xpath("//article[@id='story-abc123']")[0]
    assert texts(story.xpath(".//p[@class='meta']"))[0].startswith(
        "2 reports · BBC News, NPR World"
    )
    reports = story.xpath(".//ol[@class='reports']/li")
    assert texts(reports)[1] == "Island lighthouse reborn — NPR World · Sat 21 Nov, 10:00"
    assert reports[1].xpath(".//a/@href") == ["https://npr.org/x"]
    # each summary sentence points at the report it comes from
    refs = story.xpath(".//p[@class='summary']//sup/a/@href")
    assert refs == ["#story-abc123-1", "#story-abc123-2"]
    assert [r.get("id") for r in reports] == ["story-abc123-1", "story-abc123-2"]


HEBREW = article(
    "haaretz-1",
    "Haaretz",
    "מי ינצח בבחירות?",  # "who will win the election?"
    ["הקלפיות נפתחו בשעה 7:00."],  # "the polls opened at 7:00."
    "https://www.haaretz.co.il/news/1",
    dt.datetime(2026, 11, 21, 6, 0, tzinfo=UTC),
    language="he",
)


def test_a_right_to_left_story_on_a_left_to_right_page_says_its_direction(env):
    """A Hebrew headline on an English page is marked right to left, where its language is
    marked: else it is laid out left to right and its question mark lands at its start."""
    doc = parse(
        render_day_page(make_digest([story(HEBREW), story(LIGHTHOUSE)]), make_config(), env, [])
    )
    assert doc.get("lang") == "en"
    hebrew = doc.xpath("//article[.//a[@href='https://www.haaretz.co.il/news/1']]")[0]
    for marked in hebrew.xpath(".//*[@lang]"):
        assert (marked.get("lang"), marked.get("dir")) == ("he", "rtl"), marked.tag
    assert hebrew.xpath(".//h2/a[@dir='rtl']") and hebrew.xpath(
        ".//p[@class='summary'][@dir='rtl']"
    )
    # the other story's language is not known: its direction is its own first letter's
    others = doc.xpath("//article[not(.//a[@href='https://www.haaretz.co.il/news/1'])]//*[@dir]")
    assert others and {e.get("dir") for e in others} == {"auto"}


def test_a_right_to_left_story_of_no_known_language_takes_its_own_direction(env):
    """A Hebrew feed that does not say its language (or a text file): its headline, summary
    and text are marked dir="auto", so the browser lays them out right to left by their
    first letter instead of left to right as the page."""
    undeclared = dataclasses.replace(HEBREW, language=None)
    doc = parse(render_day_page(make_digest([story(undeclared)]), make_config(), env, []))
    hebrew = doc.xpath("//article")[0]
    assert hebrew.xpath(".//h2/a[@dir='auto']") and hebrew.xpath(
        ".//p[@class='summary'][@dir='auto']"
    )
    assert not hebrew.xpath(".//*[@lang]")  # its language is still not guessed


def test_a_stray_bidi_control_in_a_title_does_not_reorder_the_line_after_it(env):
    """A title that opens a right-to-left override and never closes it ("\u202e") would turn
    the rest of its line backwards: the source and time after it in the reports list."""
    odd = article(
        "odd-1",
        "NPR World",
        "Island lighthouse \u202ereborn",
        ["Text."],
        "https://npr.org/x",
        dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
    )
    grouped = Story(
        headline="Lighthouse \u2067restored",
        reports=(LIGHTHOUSE, odd),
        summary=(Attributed("First \u202bsentence.", 0), Attributed("Second.", 1)),
        id="abc123",
    )
    doc = parse(render_day_page(make_digest([grouped]), make_config(), env, []))
    reports = doc.xpath("//ol[@class='reports']/li")
    title = reports[1].xpath(".//a")[0]
    assert "\u202e" in title.text_content() and open_bidi(title.text_content()) == []
    assert open_bidi(doc.xpath("//h2[@class='headline']/a")[0].text_content()) == []
    summary = doc.xpath("//p[@class='summary']")[0]
    before_ref = summary.text_content().split("1")[0]  # the sentence, before its report's number
    assert open_bidi(before_ref) == []


def test_empty_day_is_calm(env):
    page = render_day_page(make_digest(stories=()), make_config(), env, [])
    doc = parse(page)
    assert texts(doc.xpath("//main//p[@class='empty']")) == [
        "Nothing new on Saturday 21 November 2026. Enjoy the quiet."
    ]
    assert doc.xpath("//main//article") == []


@pytest.mark.parametrize("tag", catalogues())
def test_an_empty_day_built_after_it_names_its_day_not_today(tag: str) -> None:
    # 'digest build --date' of a past day with nothing to show, built on the 24th: its page
    # (and its feed entry, the same fragment) stays in the archive; "today" would be false
    env = make_environment(None, tag)
    day = dt.date(2026, 11, 20)
    built = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
    named = language(tag).long_date(day)
    for failures in ((), [SourceFailure("Example Weekly", "the server answered 503")]):
        empty = make_digest((), day=day, failures=failures, generated_at=built)
        page = parse(render_day_page(empty, make_config(), env, []))
        (said,) = texts(page.xpath("//main//p[@class='empty']"))
        assert named in said, (tag, said)
        fragment = lxml_html.fragment_fromstring(render_fragment(empty, make_config(), env))
        assert named in fragment.text_content(), (tag, fragment.text_content())


def test_an_empty_day_whose_sources_failed_does_not_say_all_is_quiet(env):
    # every source down (the machine offline overnight): "Enjoy the quiet" would be false
    failures = [SourceFailure("Example Weekly", "the server answered 503")]
    doc = parse(render_day_page(make_digest((), failures=failures), make_config(), env, []))
    assert texts(doc.xpath("//main//p[@class='empty']")) == [
        "No stories on Saturday 21 November 2026, and 1 source could not be read."
    ]
    failures.append(SourceFailure("Old Blog", "the feed is not XML"))
    german = make_environment(None, "de")
    doc = parse(render_day_page(make_digest((), failures=failures), make_config(), german, []))
    assert texts(doc.xpath("//main//p[@class='empty']")) == [
        "Keine Meldungen am Samstag, 21. November 2026, und 2 Quellen konnten nicht gelesen werden."
    ]


def test_footer_lists_failures_and_generation_time(env):
    failures = [
        SourceFailure("Example Weekly", "the server answered 503", "try again tomorrow", "fetch"),
        SourceFailure("Old Blog", "the feed is not XML", reason="content"),
        SourceFailure("Stored by an older digest", "file /home/ana/notes.xml does not exist"),
    ]
    generated = dt.datetime(2026, 11, 21, 5, 30, 7, tzinfo=UTC)
    doc = parse(
        render_day_page(
            make_digest(failures=failures, generated_at=generated), make_config(), env, []
        )
    )
    footer = doc.xpath("//footer")[0]
    # its name and reason: the problem and advice are the operator's (the build's report)
    assert texts(footer.xpath(".//li")) == [
        "Example Weekly: could not be downloaded",
        "Old Blog: its content could not be read",
        "Stored by an older digest",
    ]
    stamp = footer.xpath(".//time")[0]
    assert stamp.get("datetime") == "2026-11-21T06:30:07+01:00"
    assert stamp.text == "Saturday 21 November 2026 at 06:30"
    clean = parse(render_day_page(make_digest(), make_config(), env, []))
    assert clean.xpath("//footer//section") == []


def test_previous_and_next_links_come_from_all_known_days(env):
    known = [dt.date(2026, 11, d) for d in (25, 14, 20, 22, 21, 3)]
    random.Random(4).shuffle(known)
    days = [record(d) for d in known]
    doc = parse(render_day_page(make_digest(), make_config(), env, days))
    assert sorted(set(doc.xpath("//a[@rel='prev']/@href"))) == ["2026-11-20.html"]
    assert sorted(set(doc.xpath("//a[@rel='next']/@href"))) == ["2026-11-22.html"]
    assert "index.html" in doc.xpath("//nav//a/@href")

    oldest = parse(render_day_page(make_digest(day=dt.date(2026, 11, 3)), make_config(), env, days))
    assert oldest.xpath("//a[@rel='prev']") == []
    assert set(oldest.xpath("//a[@rel='next']/@href")) == {"2026-11-14.html"}


def test_index_shows_the_latest_digest_and_links_to_the_archive(env):
    days = [record(dt.date(2026, 11, 20)), record(DAY)]
    doc = parse(render_index(make_digest(), make_config(), env, days))
    assert "Saturday 21 November 2026" in texts(doc.xpath("//h1"))[0]
    assert len(doc.xpath("//main//article")) == 3
    hrefs = doc.xpath("//nav//a/@href")
    assert "archive.html" in hrefs
    assert "2026-11-20.html" in hrefs
    assert "index.html" not in hrefs  # no "Latest" link on the latest page itself
    assert doc.xpath("//a[@rel='next']") == []


# ---------------------------------------------------------------- archive


def test_archive_lists_every_day_newest_first_with_counts(env):
    days = [record(dt.date(2026, 10, 31), 1), record(DAY, 5), record(dt.date(2026, 11, 2), 0)]
    doc = parse(render_archive(make_config(), env, days))
    assert texts(doc.xpath("//main//h2")) == ["November 2026", "October 2026"]
    assert texts(doc.xpath("//main//li")) == [
        "Saturday 21 November 2026 5 stories",
        "Monday 2 November 2026 nothing new",
        "Saturday 31 October 2026 1 story",
    ]
    assert doc.xpath("//main//li/a/@href") == [
        "2026-11-21.html",
        "2026-11-02.html",
        "2026-10-31.html",
    ]


def test_archive_with_no_days(env):
    doc = parse(render_archive(make_config(), env, []))
    assert texts(doc.xpath("//main//p")) == ["No digests yet."]


# ---------------------------------------------------------------- page chrome


def test_pages_are_self_contained_and_support_dark_mode(env):
    days = [record(dt.date(2026, 11, 20)), record(DAY)]
    config = make_config(site_url="https://example.org/digest/")
    for page in (
        render_day_page(make_digest(), config, env, days),
        render_index(make_digest(), config, env, days),
        render_archive(config, env, days),
    ):
        doc = parse(page)
        assert page.startswith("<!doctype html>")
        assert doc.get("lang") == "en"
        assert doc.xpath("//meta[@name='viewport']/@content") == [
            "width=device-width, initial-scale=1"
        ]
        assert doc.xpath("//link[@rel='icon']/@href") == ["data:,"]
        assert doc.xpath("//link[@rel='alternate']/@type") == ["application/atom+xml"]
        assert doc.xpath("//link[@rel='alternate']/@href") == ["feed.atom"]
        style = "".join(doc.xpath("//style/text()"))
        assert "@media (prefers-color-scheme: dark)" in style
        assert "max-width: 65ch" in style
        assert "@import" not in style and "url(" not in style
        assert doc.xpath("//script | //img | //iframe | //link[@rel='stylesheet']") == []
        for tag in ("header", "nav", "main", "footer"):
            assert doc.xpath(f"//{tag}"), tag
        assert len(doc.xpath("//h1")) == 1
        # every link outside the stories stays on this site, relative (works from disk)
        chrome = doc.xpath("//*[not(ancestor-or-self::article)][@href or @src]")
        for el in chrome:
            url = el.get("href") or el.get("src")
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url) or url == "data:,", url


def _rules(style: str) -> list[tuple[str, str]]:
    """(selector, declarations) of each rule outside @media blocks."""
    flat = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", style)
    flat = re.sub(r"/\*.*?\*/", "", flat, flags=re.S)
    return [(m[1].strip(), m[2]) for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", flat)]


def test_the_glance_headlines_are_a_list_not_laid_out_in_a_row_as_the_site_links(env):
    # the day at a glance is a <nav> too: the site links' row must not take its headlines
    # (which ran together, one after another, without a mark between them)
    many = [
        story(article(f"k{i}", "Src", f"Headline {i}", ["Text."], f"https://x.org/{i}", None))
        for i in range(6)
    ]
    doc = parse(render_day_page(make_digest(many), make_config(), env, []))
    glance_lists = doc.xpath("//nav[@class='glance']//ul | //nav[@class='glance']//li")
    site_list = doc.xpath("//header//nav//ul")
    assert glance_lists and site_list
    in_a_row = [
        selector
        for selector, declarations in _rules("".join(doc.xpath("//style/text()")))
        if re.search(r"display:\s*(flex|inline)|list-style:\s*none", declarations)
    ]
    matched = {el for selector in in_a_row for el in doc.cssselect(selector)}
    assert site_list[0] in matched  # the masthead's links still sit in a row
    assert not matched.intersection(glance_lists)


# ---------------------------------------------------------------- hostile input


def hostile_digest() -> Digest:
    evil = article(
        "evil",
        "<b onmouseover=alert(3)>Evil source</b>",
        HOSTILE_TITLE,
        [HOSTILE_BODY, "# <script>alert(4)</script>"],
        "javascript:alert(1)",
        dt.datetime(2026, 11, 21, 3, 0, tzinfo=UTC),
        author='"><svg onload=alert(5)>',
    )
    return make_digest(
        stories=[
            Story(headline=HOSTILE_TITLE, reports=(evil,), summary=(Attributed(HOSTILE_BODY),))
        ],
        failures=[SourceFailure("<script>x</script>", "<img src=x onerror=alert(6)>", "")],
    )


def test_hostile_article_produces_no_executable_markup(env):
    digest = hostile_digest()
    config = make_config(site_url="https://example.org/")
    fragment = render_fragment(digest, config, env)
    pages = [
        render_day_page(digest, config, env, []),
        render_index(digest, config, env, []),
    ]
    for html in [fragment, *pages]:
        assert_inert(html)
        assert "<script" not in html and "<img" not in html and "<svg" not in html
    doc = parse(pages[0])
    # the markup is shown as the text it is
    assert texts(doc.xpath("//main//h2")) == [HOSTILE_TITLE]
    assert doc.xpath("//main//h2/a") == []
    assert HOSTILE_BODY in texts(doc.xpath("//p[@class='summary']"))[0]

    rec = record(DAY, 1, content=fragment)
    feed = render_feed([rec], config, FEED_ID)
    content = etree.fromstring(feed).find(f"{ATOM}entry/{ATOM}content").text
    assert_inert(content)  # what a feed reader renders after unescaping once
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# ---------------------------------------------------------------- fragment


def test_fragment_is_stable_across_runs(env):
    config = make_config()
    early = make_digest(generated_at=dt.datetime(2026, 11, 21, 5, 0, tzinfo=UTC))
    late = make_digest(generated_at=dt.datetime(2026, 11, 21, 23, 59, tzinfo=UTC))
    fragment = render_fragment(early, config, env)
    assert fragment == render_fragment(late, config, env)
    assert "05:00" not in fragment and "06:00" not in fragment
    assert "<html" not in fragment and "<footer" not in fragment
    assert fragment.count("<article") == 3


def test_day_page_from_a_rendered_fragment_is_the_same_page(env):
    digest, config = make_digest(), make_config()
    fragment = render_fragment(digest, config, env)
    days = [record(DAY)]
    assert render_day_page(digest, config, env, days, fragment) == render_day_page(
        digest, config, env, days
    )
    assert render_index(digest, config, env, days, fragment) == render_index(
        digest, config, env, days
    )
    # the given fragment is what the page shows: the story list is not rendered again
    page = render_day_page(digest, config, env, days, '<p class="marker">stories</p>\n')
    assert '<p class="marker">stories</p>' in page
    assert "Lighthouse keepers return to a remote island" not in page


def test_a_teaser_is_not_shown_twice_but_a_longer_text_is_behind_a_disclosure(env):
    teaser_text = "The harbour ferry resumed service on Saturday after repairs."
    teaser = article("t-1", "BBC News", "Ferry back", [teaser_text], "https://b.example/1", None)
    teaser_story = Story("Ferry back", (teaser,), (Attributed(teaser_text),), id="t1")
    long_text = [teaser_text, "Engineers replaced the gearbox. " * 8, "Fares stay the same."]
    full = article("t-2", "BBC News", "Ferry fixed", long_text, "https://b.example/2", None)
    full_story = Story("Ferry fixed", (full,), (Attributed(teaser_text),), id="t2")
    doc = parse(render_day_page(make_digest([teaser_story, full_story]), make_config(), env, []))
    assert doc.xpath("//article[@id='story-t1']//details") == []
    assert len(doc.xpath("//article[@id='story-t2']//details")) == 1


def test_the_page_counts_every_story_of_the_day_as_the_archive_does(env):
    # Stories past the limits are the day's too (Also today, and counted past it): the
    # page's count is the archive's (and the email's), and its sources are those of them all
    from dataclasses import replace

    from digest.model import MoreFrom

    shown = (story(LIGHTHOUSE), story(LIBRARIES))
    digest = replace(
        make_digest(shown), also_today=(story(ALLOTMENTS),), more=(MoreFrom("Gazette", 2),)
    )
    assert digest.story_count == 5
    page = parse(render_day_page(digest, make_config(), env, []))
    assert texts(page.xpath("//p[@class='lede']")) == ["5 stories from 4 sources"]
    archive = parse(render_archive(make_config(), env, [record(DAY, count=digest.story_count)]))
    assert texts(archive.xpath("//span[@class='count']")) == ["5 stories"]


def test_a_digest_in_a_right_to_left_language_says_so_on_its_pages_and_email(tmp_path):
    # a catalogue is all a new language needs: one written right to left (Arabic, Hebrew)
    # must lay the whole page and email out that way
    import gettext

    from babel import Locale

    from digest.language import Language
    from digest.mail import build_message
    from digest.templating import make_environment

    arabic = Language("ar", Locale.parse("ar"), gettext.NullTranslations())
    env = make_environment(speaking=arabic)
    page = parse(render_day_page(make_digest(), make_config(), env, []))
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    english_page = parse(render_day_page(make_digest(), make_config(), make_environment(), []))
    assert english_page.get("dir") is None
    from mail_samples import NOW
    from mail_samples import make_config as mail_config
    from mail_samples import make_digest as mail_digest

    message = build_message(mail_digest(), mail_config(tmp_path), env, now=NOW)
    html = message.get_body(("html",))
    assert html is not None and '<html lang="ar" dir="rtl">' in html.get_content()


@pytest.mark.parametrize(
    ("listed", "counted", "said"),
    [
        (3, 0, "Also today: 3 more stories, one line each"),
        (3, 14, "Also today: 3 more stories, one line each, and 14 more stories counted by source"),
        (0, 14, "Also today: 14 more stories, counted by source"),
    ],
)
def test_the_glance_says_which_of_also_today_are_one_line_each(env, listed, counted, said):
    # past also_today_limit, stories are only counted by source ("+13 more from Pixel Envy"):
    # the glance must not promise them a line each
    from dataclasses import replace

    from digest.model import MoreFrom

    def stories(prefix: str, count: int) -> tuple:
        return tuple(
            story(replace(LIGHTHOUSE, key=f"{prefix}{i}", title=f"{prefix} headline {i}"))
            for i in range(count)
        )

    more = (MoreFrom("Pixel Envy", counted - 1), MoreFrom("Daring Fireball", 1)) if counted else ()
    digest = replace(
        make_digest(stories("shown", 5)), also_today=stories("also", listed), more=more
    )
    page = parse(render_day_page(digest, make_config(), env, []))
    assert texts(page.xpath("//p[@class='glance-more']")) == [said]


# A short untitled post: its one sentence is its headline (made from it) and its summary.
NOTE = article(
    "note-1",
    "Jo Notes",
    "Planted the broad beans in the top bed today",
    ["Planted the broad beans in the top bed today."],
    "https://notes.example.org/1",
    dt.datetime(2026, 11, 21, 7, 0, tzinfo=UTC),
    title_derived=True,
    summary=("Planted the broad beans in the top bed today.",),
)


def test_a_summary_that_only_repeats_the_headline_is_printed_once(env):
    from digest.atom import ARTICLE_TEMPLATE
    from digest.present import base_context

    config = make_config()
    note, longer = story(NOTE, 1), story(LIBRARIES)
    assert note.headline_says_it_all and not longer.headline_says_it_all
    digest = make_digest((note, longer))
    for html in (render_day_page(digest, config, env, []), render_fragment(digest, config, env)):
        doc = parse(html)
        first, second = doc.xpath("//article")
        assert first.text_content().count("Planted the broad beans") == 1
        assert not first.xpath(".//p[@class='summary'] | .//details")  # nor as its full text
        assert len(second.xpath(".//p[@class='summary']")) == 1
    entry = env.get_template(ARTICLE_TEMPLATE).render(base_context(config), story=note)
    assert "Planted the broad beans" not in entry  # the entry's title is the headline
