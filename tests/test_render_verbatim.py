"""Code blocks and table rows in every output: the day page, the Atom feeds and the email."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import mail_samples
from lxml import etree
from page_samples import make_config, make_digest, parse, story

from digest.atom import render_articles_feed
from digest.model import Article, Attributed, DayRecord, Paragraph, Story
from digest.render import render_day_page, render_fragment

UTC = dt.UTC
RUN = "$ ci-run --dry pipeline.yml\n  build    scheduled\n  test     <skipped> & red"
MATCH = Article(
    key="sport-1",
    source="County Sport",
    title="Harbour United go top after late winner",
    paragraphs=(
        Paragraph("Harbour United moved to the top of the league on Saturday."),
        Paragraph("Pos | Team | Pts", "row"),
        Paragraph("1 | Harbour United | 60", "row"),
        Paragraph("2 | Riverside <Rovers> | 59", "row"),
        Paragraph("The build log from the club's new ticketing site:"),
        Paragraph(RUN, "code"),
        Paragraph("Two | Rows", "row"),
        Paragraph("Three | Four", "row"),
    ),
    url="https://sport.example/harbour",
    published=dt.datetime(2026, 11, 21, 7, tzinfo=UTC),
    summary=("Harbour United moved to the top of the league on Saturday.",),
)


def check_fulltext(container) -> None:
    """The paragraphs as HTML: prose as <p>, each run of rows one table, code in <pre>."""
    tables = container.xpath(".//table")
    assert len(tables) == 2
    rows = [[cell.text for cell in row] for row in tables[0].xpath(".//tr")]
    assert rows == [
        ["Pos", "Team", "Pts"],
        ["1", "Harbour United", "60"],
        ["2", "Riverside <Rovers>", "59"],
    ]
    assert [cell.tag for cell in tables[0].xpath(".//tr")[0]] == ["th", "th", "th"]
    assert [cell.tag for cell in tables[0].xpath(".//tr")[1]] == ["td", "td", "td"]
    assert [[cell.text for cell in row] for row in tables[1].xpath(".//tr")] == [
        ["Two", "Rows"],
        ["Three", "Four"],
    ]
    code = container.xpath(".//pre/code")
    assert [c.text for c in code] == [RUN]


def test_day_page_shows_code_in_pre_and_rows_as_tables(env) -> None:
    page = render_day_page(make_digest([story(MATCH)]), make_config(), env, [])
    doc = parse(page)
    check_fulltext(doc.xpath("//div[@class='fulltext']")[0])
    assert "Riverside &lt;Rovers&gt;" in page  # text, never markup
    assert "Riverside <Rovers>" not in page


def test_atom_entries_carry_code_and_tables(env) -> None:
    fragment = render_fragment(make_digest([story(MATCH)]), make_config(), env)
    check_fulltext(parse(f"<div>{fragment}</div>"))
    record = DayRecord(
        day=dt.date(2026, 11, 21),
        title="Morning Digest",
        story_count=1,
        content_html=fragment,
        content_hash="x",
        entry_id="urn:uuid:1",
        published=dt.datetime(2026, 11, 21, 6, tzinfo=UTC),
        updated=dt.datetime(2026, 11, 21, 6, tzinfo=UTC),
    )
    feed = render_articles_feed(
        [record],
        lambda day: [Story(MATCH.title, (MATCH,), tuple(Attributed(t) for t in MATCH.summary))],
        make_config(),
        env,
        "urn:x",
    )
    content = etree.fromstring(feed).find(".//{http://www.w3.org/2005/Atom}content")
    check_fulltext(parse(f"<div>{content.text}</div>"))


def test_email_full_text_shows_code_and_tables(tmp_path: Path) -> None:
    digest = mail_samples.make_digest(1)
    article = MATCH
    digest = type(digest)(
        day=digest.day,
        title=digest.title,
        stories=(Story(article.title, (article,), tuple(Attributed(t) for t in article.summary)),),
        generated_at=digest.generated_at,
    )
    message = mail_samples.build(digest, mail_samples.make_config(tmp_path))
    plain, html = mail_samples.parts(message)
    doc = parse(html)
    check_fulltext(doc.xpath("//div[contains(@class, 'full')]")[0])
    pre = doc.xpath("//pre")[0]
    assert "white-space:pre-wrap" in pre.get("style", "").replace(" ", "")
    assert RUN not in plain  # the plain part carries summaries only
    assert MATCH.summary[0] in " ".join(plain.split())
