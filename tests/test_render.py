"""The render stage: real pages and feeds from small, realistic digests."""

from __future__ import annotations

import datetime as dt
import marshal
import pickle
import random
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import jinja2
import pytest
from lxml import etree
from lxml import html as lxml_html

from digest.config import Config
from digest.model import Article, DayRecord, Digest, Paragraph, SourceFailure, Story
from digest.render import (
    day_filename,
    default_templates_dir,
    make_environment,
    render_archive,
    render_day_page,
    render_feed,
    render_fragment,
    render_index,
)

FIXTURES = Path(__file__).parent / "fixtures"
ATOM = "{http://www.w3.org/2005/Atom}"
FEED_ID = "urn:uuid:6f1c9a52-0c1e-4d5b-9f6e-3f3b8f0b2d11"
UTC = dt.UTC
DAY = dt.date(2026, 11, 21)
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_BODY = 'Look: <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">this</a>.'


def article(key: str, source: str, title: str, paragraphs, url, published, **kw) -> Article:
    paras = tuple(
        Paragraph(text[2:], "heading") if text.startswith("# ") else Paragraph(text)
        for text in paragraphs
    )
    return Article(
        key=key,
        source=source,
        title=title,
        paragraphs=paras,
        url=url,
        published=published,
        **kw,
    )


def story(a: Article, sentences: int = 2) -> Story:
    body = tuple(p.text for p in a.paragraphs if p.kind == "body")
    return Story(headline=a.title, articles=(a,), summary=body[:sentences])


LIGHTHOUSE = article(
    "bbc-1",
    "BBC News",
    "Lighthouse keepers return to a remote island",
    [
        "Volunteers have begun restoring the lighthouse on Eilean Mòr.",
        "They spend two weeks at a time on the island.",
        "# Funding and next steps",
        "A heritage grant pays for the first phase of the work.",
    ],
    "https://www.bbc.co.uk/news/lighthouse",
    dt.datetime(2026, 11, 21, 7, 12, tzinfo=UTC),
    author="Ewan Fraser",
)
LIBRARIES = article(
    "guardian-1",
    "The Guardian",
    "Libraries stay open late through the winter",
    [
        "Libraries will stay open until nine in the evening from December.",
        "Evening visits doubled during last year's pilot.",
    ],
    "https://www.theguardian.com/books/libraries",
    dt.datetime(2026, 11, 20, 18, 40, tzinfo=UTC),
)
ALLOTMENTS = article(
    "notes-1",
    "Local notes",
    "Allotment waiting list reopens",
    ["Twelve plots should become free in March."],
    None,
    None,
)


def make_config(**kw) -> Config:
    kw.setdefault("title", "Morning Digest")
    kw.setdefault("timezone", ZoneInfo("Europe/Paris"))
    return Config(**kw)


def make_digest(stories=None, day=DAY, failures=(), generated_at=None) -> Digest:
    if stories is None:
        stories = (story(LIGHTHOUSE), story(LIBRARIES), story(ALLOTMENTS))
    return Digest(
        day=day,
        title="Morning Digest",
        stories=tuple(stories),
        generated_at=generated_at or dt.datetime.combine(day, dt.time(5, 30), tzinfo=UTC),
        failures=tuple(failures),
    )


def record(day: dt.date, count: int = 2, content: str = "<p>Stories.</p>", n: int = 0):
    built = dt.datetime.combine(day, dt.time(5, 30), tzinfo=UTC)
    return DayRecord(
        day=day,
        title="Morning Digest",
        story_count=count,
        content_html=content,
        content_hash=f"hash-{day}",
        entry_id=f"urn:uuid:00000000-0000-4000-8000-{day.strftime('%Y%m%d'):0>12}",
        published=built,
        updated=built + dt.timedelta(hours=n),
    )


@pytest.fixture
def env() -> jinja2.Environment:
    return make_environment()


def parse(page: str):
    return lxml_html.document_fromstring(page)


def texts(nodes) -> list[str]:
    return [" ".join(n.text_content().split()) for n in nodes]


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


# ---------------------------------------------------------------- environment


def test_default_templates_dir_holds_the_built_in_templates():
    folder = default_templates_dir()
    for name in ("base.html.j2", "day.html.j2", "archive.html.j2", "fragment.html.j2"):
        assert (folder / name).is_file()


def test_environment_is_strict_and_escapes_html_templates(env):
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_user_template_overrides_one_file_and_the_rest_fall_back(tmp_path):
    (tmp_path / "day.html.j2").write_text(
        '{% extends "builtin/day.html.j2" %}'
        "{% block title %}My own {{ digest.title }}{% endblock %}"
    )
    env = make_environment(tmp_path)
    config = make_config(templates=tmp_path)
    page = render_day_page(make_digest(), config, env, [])
    assert "<title>My own Morning Digest</title>" in page
    assert "Lighthouse keepers return to a remote island" in page  # built-in fragment still used
    archive = render_archive(config, env, [record(DAY)])
    assert "<title>Morning Digest — Archive</title>" in archive


def test_user_template_can_replace_a_page_entirely(tmp_path):
    (tmp_path / "day.html.j2").write_text(
        "<p>{{ digest.stories|length }} for {{ digest.title }}</p>"
    )
    env = make_environment(tmp_path)
    assert render_day_page(make_digest(), make_config(), env, []) == "<p>3 for Morning Digest</p>"


def test_an_edited_template_is_used_at_once_despite_the_compiled_cache(tmp_path):
    page = tmp_path / "day.html.j2"
    page.write_text("<p>first {{ digest.stories|length }}</p>")
    assert render_day_page(make_digest(), make_config(), make_environment(tmp_path), []) == (
        "<p>first 3</p>"
    )
    page.write_text("<p>second {{ digest.stories|length }}</p>")  # a new run: a new environment
    assert render_day_page(make_digest(), make_config(), make_environment(tmp_path), []) == (
        "<p>second 3</p>"
    )


def test_a_broken_template_cache_is_passed_over(tmp_path):
    from digest.render import _CompiledTemplates

    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be")
    env = make_environment(None)
    env.bytecode_cache = _CompiledTemplates(directory=str(not_a_folder))
    page = render_day_page(make_digest(), make_config(), env, [])
    assert "Lighthouse keepers return to a remote island" in page


def _after_header(data: bytes) -> int:
    """Where a Jinja cache file's compiled code starts: after its magic and source checksum."""
    from io import BytesIO

    stream = BytesIO(data)
    stream.read(len(jinja2.bccache.bc_magic))
    pickle.load(stream)
    return stream.tell()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(jinja2.bccache.bc_magic) + 3], id="cut-in-checksum"),
        pytest.param(lambda data: data[: len(jinja2.bccache.bc_magic)] + b"\xff junk", id="junk"),
        pytest.param(lambda data: data[: _after_header(data)] + marshal.dumps(42), id="not-code"),
    ],
)
def test_a_damaged_template_cache_file_is_compiled_again(tmp_path, damage):
    from digest.render import _CompiledTemplates

    def render() -> str:  # a new environment each time, as a new run has
        env = make_environment(None)
        env.bytecode_cache = _CompiledTemplates(directory=str(tmp_path), pattern="t-%s.cache")
        return render_day_page(make_digest(), make_config(), env, [])

    expected = render()
    cached = sorted(tmp_path.glob("t-*.cache"))  # the names the cache looks for
    assert cached
    damaged = {}
    for path in cached:
        damaged[path] = damage(path.read_bytes())
        path.write_bytes(damaged[path])
    assert render() == expected
    # each damaged file was dropped and written afresh, so the next run reads it again
    assert all(path.read_bytes() != damaged[path] for path in cached if path.exists())
    assert render() == expected


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
    assert [a.get("href") for a in doc.xpath("//main//a")] == ["http://ok.org/a"]


def test_multi_article_story_lists_the_other_reports(env):
    other = article(
        "npr-1",
        "NPR World",
        "Island lighthouse reborn",
        ["Text."],
        "https://npr.org/x",
        dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
    )
    grouped = Story(headline="Lighthouse restored", articles=(LIGHTHOUSE, other), summary=("S.",))
    doc = parse(render_day_page(make_digest([grouped]), make_config(), env, []))
    also = doc.xpath("//div[@class='also']//li")
    assert texts(also) == ["Island lighthouse reborn — NPR World · Sat 21 Nov, 10:00"]
    assert also[0].xpath(".//a/@href") == ["https://npr.org/x"]


def test_empty_day_is_calm(env):
    page = render_day_page(make_digest(stories=()), make_config(), env, [])
    doc = parse(page)
    assert texts(doc.xpath("//main//p[@class='empty']")) == ["Nothing new today. Enjoy the quiet."]
    assert doc.xpath("//main//article") == []


def test_footer_lists_failures_and_generation_time(env):
    failures = [
        SourceFailure("Example Weekly", "the server answered 503", "try again tomorrow"),
        SourceFailure("Old Blog", "the feed is not XML"),
    ]
    generated = dt.datetime(2026, 11, 21, 5, 30, 7, tzinfo=UTC)
    doc = parse(
        render_day_page(
            make_digest(failures=failures, generated_at=generated), make_config(), env, []
        )
    )
    footer = doc.xpath("//footer")[0]
    assert texts(footer.xpath(".//li")) == [
        "Example Weekly: the server answered 503 try again tomorrow",
        "Old Blog: the feed is not XML",
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
        stories=[Story(headline=HOSTILE_TITLE, articles=(evil,), summary=(HOSTILE_BODY,))],
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


def test_control_characters_are_dropped(env):
    odd = article("k", "Src", "Bell\x07 and NUL\x00", ["Form\x0cfeed."], None, None)
    fragment = render_fragment(make_digest([story(odd)]), make_config(), env)
    assert "Bell and NUL" in fragment and "Formfeed." in fragment
    feed = render_feed([record(DAY, content=fragment + "\x0b")], make_config(), FEED_ID)
    etree.fromstring(feed)  # still well-formed XML


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


# ---------------------------------------------------------------- Atom feed


def relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))


def feed_days_records(count: int) -> list[DayRecord]:
    days = [DAY - dt.timedelta(days=i) for i in range(count)]
    return [
        record(d, count=i % 4, content=f'<p>Day {d}. <a href="{d}.html#x">more</a></p>')
        for i, d in enumerate(days)
    ]


def test_feed_is_valid_atom(env):
    fragment = render_fragment(make_digest(), make_config(), env)
    days = [record(DAY, 3, content=fragment), *feed_days_records(5)[1:]]
    for site_url in (None, "https://example.org/digest/"):
        feed = render_feed(days, make_config(site_url=site_url), FEED_ID)
        schema = relaxng()
        assert schema.validate(etree.fromstring(feed)), schema.error_log
        parsed = feedparser.parse(feed)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        assert len(parsed.entries) == 5


def test_feed_metadata_and_entries():
    days = feed_days_records(3)
    random.Random(1).shuffle(days)
    config = make_config(author="Ada", site_url="https://example.org/digest/")
    root = etree.fromstring(render_feed(days, config, FEED_ID))
    assert root.findtext(f"{ATOM}id") == FEED_ID
    assert root.findtext(f"{ATOM}title") == "Morning Digest"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Ada"
    assert root.findtext(f"{ATOM}updated") == "2026-11-21T05:30:00+00:00"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        record(DAY - dt.timedelta(days=i)).entry_id for i in range(3)
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Morning Digest — 21 November 2026 (nothing new)"
    assert entries[1].findtext(f"{ATOM}title") == "Morning Digest — 20 November 2026 (1 story)"
    assert entries[2].findtext(f"{ATOM}title") == "Morning Digest — 19 November 2026 (2 stories)"
    assert first.findtext(f"{ATOM}published") == "2026-11-21T05:30:00+00:00"
    assert first.findtext(f"{ATOM}updated") == "2026-11-21T05:30:00+00:00"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert root.find(f"{ATOM}generator") is not None
    assert "lastBuildDate" not in etree.tostring(root).decode()


def test_feed_updated_is_the_newest_entry_update():
    days = [record(DAY, n=0), record(dt.date(2026, 11, 20), n=30)]
    root = etree.fromstring(render_feed(days, make_config(), FEED_ID))
    assert root.findtext(f"{ATOM}updated") == "2026-11-21T11:30:00+00:00"


def test_feed_uses_absolute_links_with_a_site_url():
    config = make_config(site_url="https://example.org/digest/")
    root = etree.fromstring(render_feed(feed_days_records(2), config, FEED_ID))
    links = {ln.get("rel"): ln.get("href") for ln in root.findall(f"{ATOM}link")}
    assert links == {
        "self": "https://example.org/digest/feed.atom",
        "alternate": "https://example.org/digest/",
    }
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == "https://example.org/digest/2026-11-21.html"
    content = entry.findtext(f"{ATOM}content")
    assert 'href="https://example.org/digest/2026-11-21.html#x"' in content


def test_feed_without_a_site_url_uses_relative_links_and_no_self():
    root = etree.fromstring(render_feed(feed_days_records(2), make_config(), FEED_ID))
    assert [(ln.get("rel"), ln.get("href")) for ln in root.findall(f"{ATOM}link")] == [
        ("alternate", "index.html")
    ]
    assert root.find(f"{ATOM}entry/{ATOM}link").get("href") == "2026-11-21.html"
    assert 'href="2026-11-21.html#x"' in root.findtext(f"{ATOM}entry/{ATOM}content")


def test_feed_keeps_only_the_last_feed_days_days():
    config = make_config(feed_days=7)
    days = feed_days_records(10)
    days.append(record(DAY - dt.timedelta(days=40)))
    root = etree.fromstring(render_feed(days, config, FEED_ID))
    kept = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert kept == [day_filename(DAY - dt.timedelta(days=i)) for i in range(7)]
    # a gap in the days does not pull older days into the window
    sparse = [record(DAY), record(DAY - dt.timedelta(days=6)), record(DAY - dt.timedelta(days=7))]
    root = etree.fromstring(render_feed(sparse, config, FEED_ID))
    assert len(root.findall(f"{ATOM}entry")) == 2


def test_feed_is_byte_identical_for_the_same_days(env):
    fragment = render_fragment(make_digest(), make_config(), env)
    days = [record(DAY, 3, content=fragment), *feed_days_records(4)[1:]]
    config = make_config(site_url="https://example.org/")
    first = render_feed(days, config, FEED_ID)
    again = render_feed(list(reversed(days)), config, FEED_ID)
    assert first == again
    # rebuilding the day from an unchanged digest gives the same content, so the same feed
    rebuilt = render_fragment(
        make_digest(generated_at=dt.datetime(2026, 11, 21, 9, tzinfo=UTC)), make_config(), env
    )
    assert render_feed([record(DAY, 3, content=rebuilt), *days[1:]], config, FEED_ID) == first


def test_empty_feed_is_still_valid():
    feed = render_feed([], make_config(), FEED_ID)
    assert relaxng().validate(etree.fromstring(feed))
    assert feedparser.parse(feed).bozo == 0


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
