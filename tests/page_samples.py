"""Small, realistic digests and day records for the page, feed and presentation tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lxml import html as lxml_html

from digest.config import Config
from digest.model import Article, Attributed, DayRecord, Digest, Paragraph, Story

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_ID = "urn:uuid:6f1c9a52-0c1e-4d5b-9f6e-3f3b8f0b2d11"
UTC = dt.UTC
DAY = dt.date(2026, 11, 21)


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
    return Story(
        headline=a.title, reports=(a,), summary=tuple(Attributed(t) for t in body[:sentences])
    )


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


def parse(page: str):
    return lxml_html.document_fromstring(page)


def texts(nodes) -> list[str]:
    return [" ".join(n.text_content().split()) for n in nodes]
