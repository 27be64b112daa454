"""End to end: a feed entry with a terminal session and a table, built into the day's outputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import lxml.html

from digest.config import Config
from digest.model import Source
from digest.pipeline import build

DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
RUN = "$ ci-run --dry pipeline.yml\n  build    scheduled\n  test     scheduled"
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Notes from the build</title><link>https://build.example/</link><description>x</description>
<item><title>The YAML comment that ate my config</title><link>https://build.example/yaml</link>
<guid>https://build.example/yaml</guid><pubDate>Sat, 21 Nov 2026 05:00:00 GMT</pubDate>
<content:encoded><![CDATA[
<p>Our nightly build skipped half its jobs because a note was written as <code>comment!</code>
without the hash in front of it, and the parser took the rest of the line as a string.</p>
<p>After putting the hash back, the second run scheduled every job again:</p>
<pre><code>$ ci-run --dry pipeline.yml
  build    scheduled
  test     scheduled</code></pre>
<p>The jobs and how long each took before and after the fix:</p>
<table><tr><th>Job</th><th>Before</th><th>After</th></tr>
<tr><td>build</td><td>4 min</td><td>4 min</td></tr>
<tr><td>test</td><td>skipped</td><td>9 min</td></tr></table>
<p>We now check the parsed jobs before anything is merged, and it has caught two more.</p>
]]></content:encoded></item></channel></rss>
"""


def test_code_and_table_of_a_feed_entry_reach_the_day_page_and_feed(tmp_path: Path) -> None:
    feed = tmp_path / "notes.xml"
    feed.write_text(FEED, encoding="utf-8")
    config = Config(
        title="Morning Read",
        site_url="https://example.org/news/",
        sources=(Source("Notes from the build", "feed", str(feed)),),
        output=tmp_path / "output",
        state=tmp_path / "state.sqlite",
    )
    result = build(config, DAY, now=NOW)
    (story,) = result.digest.stories
    kinds = [p.kind for p in story.lead.paragraphs]
    assert kinds == ["body", "body", "code", "body", "row", "row", "row", "body"]
    assert all("ci-run" not in s.text and "|" not in s.text for s in story.summary)

    page = lxml.html.fromstring((config.output / "2026-11-21.html").read_bytes())
    assert [c.text for c in page.xpath("//div[@class='fulltext']//pre/code")] == [RUN]
    rows = page.xpath("//div[@class='fulltext']//table//tr")
    assert [[cell.text for cell in row] for row in rows] == [
        ["Job", "Before", "After"],
        ["build", "4 min", "4 min"],
        ["test", "skipped", "9 min"],
    ]
    entry = feedparser.parse((config.output / "feed.atom").read_bytes()).entries[0]
    assert '<pre class="code"><code>$ ci-run --dry pipeline.yml\n  build' in entry.content[0].value
