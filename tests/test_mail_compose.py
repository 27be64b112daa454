"""digest.mail.compose: the email built from a digest: its parts, headers, links and size."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest
from bidi import open_bidi
from mail_samples import (
    DAY,
    LOREM,
    NOW,
    Scan,
    build,
    make_article,
    make_config,
    make_digest,
    parse,
    parts,
)

from digest.mail import MailError, build_message
from digest.mail.compose import wrap
from digest.model import Attributed, Paragraph, Story
from digest.templating import make_environment


def test_message_is_multipart_alternative_plain_first_then_html_utf8(tmp_path: Path) -> None:
    message = parse(bytes(build(make_digest(), make_config(tmp_path))))

    assert message.get_content_type() == "multipart/alternative"
    kids = list(message.iter_parts())
    assert [k.get_content_type() for k in kids] == ["text/plain", "text/html"]
    for part in kids:
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
        assert "Nicolás Pérez" in part.get_content()
    assert message["MIME-Version"] == "1.0"


def test_headers_ascii_on_the_wire_and_complete(tmp_path: Path) -> None:
    data = bytes(build(make_digest(5), make_config(tmp_path)))
    head = data.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))

    message = parse(data)
    assert message["From"].addresses[0].addr_spec == "digest@example.org"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "ana@example.org",
        "bruno@example.org",
    ]
    assert message["To"].addresses[1].display_name == "Bruno Núñez"
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: 5 stories"
    assert message["Date"].datetime == NOW
    assert re.fullmatch(r"<[^<>@\s]+@example\.org>", message["Message-ID"].strip())
    assert message["List-Id"] == "Morning Read <digest.example.org>"
    assert message["List-Archive"] == "<https://example.org/digest/archive.html>"
    assert message["Auto-Submitted"] == "auto-generated"


def test_sender_without_name_takes_the_title_and_non_ascii_title_is_encoded(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, sender="digest@example.org")
    digest = replace(make_digest(1), title="Café, le matin")
    data = bytes(build(digest, config))
    assert data.split(b"\r\n\r\n", 1)[0].isascii()
    message = parse(data)
    assert message["From"].addresses[0].display_name == "Café, le matin"
    assert message["Subject"] == "Café, le matin — Sat 21 Nov 2026: 1 story"
    assert message["List-Id"] == "Café le matin <digest.example.org>"


def test_html_is_inlined_safe_and_absolute(tmp_path: Path) -> None:
    _, html = parts(build(make_digest(), make_config(tmp_path)))
    tags = Scan(html).tags

    assert "<style" not in html.lower() and "<script" not in html.lower()
    assert not [t for t, _ in tags if t in ("style", "script", "link", "iframe", "form")]
    styled = {t for t, attrs in tags if attrs.get("style")}
    assert {"body", "div", "p", "h1", "h2", "a"} <= styled
    wrap = next(a for t, a in tags if t == "div" and "max-width:600px" in a.get("style", ""))
    assert "font-family" in wrap["style"]
    assert all("alt" in attrs for tag, attrs in tags if tag == "img")
    hrefs = [attrs["href"] for _, attrs in tags if "href" in attrs]
    assert hrefs
    for href in hrefs:
        assert href.startswith("#") or urlsplit(href).scheme in ("http", "https"), href
    assert "https://example.org/digest/2026-11-21.html" in hrefs
    assert 'name="color-scheme" content="light dark"' in html


def test_every_link_has_the_emails_link_colour_those_within_the_message_too(
    tmp_path: Path,
) -> None:
    # a client's default blue (visited: purple) is unreadable on a dark mailbox
    _, html = parts(build(make_digest(3), make_config(tmp_path)))
    links = [attrs for tag, attrs in Scan(html).tags if tag == "a"]
    assert any(a["href"].startswith("#full-") for a in links)  # "Full text below"
    for attrs in links:
        assert "color:#3a78c0" in attrs.get("style", "").replace(" ", ""), attrs


def test_no_site_url_means_no_site_links(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path), site_url=None)
    message = build(make_digest(), config)
    plain, html = parts(message)
    assert "View in your browser" not in html and "View in your browser" not in plain
    assert "List-Archive" not in message
    for _, attrs in Scan(html).tags:
        href = attrs.get("href")
        assert href is None or href.startswith(("#", "https://news.example.org/"))


def test_plain_part_wrapped_at_72_with_numbered_links(tmp_path: Path) -> None:
    plain, _ = parts(build(make_digest(3), make_config(tmp_path)))
    lines = plain.splitlines()
    for line in lines:
        assert len(line) <= 72 or "://" in line, line
    assert lines[0] == "MORNING READ"
    assert "Saturday 21 November 2026 · 3 stories from 2 sources" in plain
    assert "Le Monde · Nicolás Pérez · Sat 21 Nov, 06:30" in plain  # Madrid time
    for n in (1, 2, 3):
        assert f"[{n}] https://news.example.org/{n}?from=digest&lang=es" in lines
        assert re.search(rf"story {n} \[{n}\]$", plain, re.M)
    flat = " ".join(plain.split())
    assert "Summary 2: Nicolás Pérez cut the ribbon at dawn. The bridge links" in flat
    assert "- City Hall feed: could not be downloaded" in lines
    assert "10.0.0.5" not in plain and "check the URL" not in plain  # the operator's, not ours
    assert "-- " in lines
    assert "<" not in plain


@pytest.mark.parametrize(
    "address",
    [
        "/home/someone/a-very-long-folder-name-that-goes-on/and-on/news-and-more-and-more.xml",
        "'C:\\Users\\someone\\digest-configuration-folder\\feeds-for-the-morning\\news.xml'",
        "https://news.example.org/2026/11/21/a-very-long-slug-of-an-article-about-the-bridge",
        "\\\\fileserver\\share\\digest-configuration-folder\\feeds-for-the-morning.toml",
        "C:/Users/someone/digest-configuration-folder/feeds-for-the-morning/news.xml",
    ],
)
def test_a_long_path_or_url_is_never_broken_across_lines(address: str) -> None:
    text = f"source failed: file {address} does not exist (check the source's 'path')"
    wrapped = wrap(text, indent="   ")
    assert any(line.strip() == address for line in wrapped.splitlines()), wrapped
    assert " ".join(wrapped.split()) == text


@pytest.mark.parametrize("word", ["x" * 200, "/" + "A" * 3000, "https://" + "a" * 3000])
def test_a_long_word_that_is_no_address_is_split_to_fit(word: str) -> None:
    # (an endless "path" or "URL" from a feed's headline included)
    wrapped = wrap(f"see {word} now", indent="  ")
    assert all(len(line) <= 72 for line in wrapped.splitlines())


def test_big_digest_stays_under_gmail_limit_and_keeps_every_summary(tmp_path: Path) -> None:
    digest = make_digest(60, paragraphs=12)
    message = build(digest, make_config(tmp_path))
    data = bytes(message)
    assert len(data) <= 102_000
    assert message.cuts and message.cuts[0] == (
        "left out the full texts of 60 stories to keep the email under 102,000 bytes; "
        "every summary is kept"
    )
    plain, html = parts(parse(data))
    flat_plain = " ".join(plain.split())
    for story in digest.stories:
        summary = story.summary_text
        assert summary in html
        assert summary in flat_plain
    assert "The full texts were left out" in html


def test_full_texts_are_shortened_before_they_are_dropped(tmp_path: Path) -> None:
    digest = make_digest(12, paragraphs=12)
    whole = build(digest, make_config(tmp_path), max_bytes=10_000_000)
    assert not whole.cuts
    assert len(bytes(whole)) > 102_000

    message = build(digest, make_config(tmp_path))
    assert len(bytes(message)) <= 102_000
    assert len(message.cuts) == 1 and message.cuts[0].startswith("shortened the full text of 12")
    plain, html = parts(message)
    assert html.count("Shortened to fit this email.") == 12
    assert html.count(">Continue reading at ") == 12
    assert "Paragraph 0 of story 7." in html  # each story keeps its beginning
    for story in digest.stories:
        assert story.summary_text in html
    assert "shortened to fit" in plain


def test_over_the_limit_even_without_full_texts_is_reported(tmp_path: Path) -> None:
    message = build(make_digest(5), make_config(tmp_path), max_bytes=3_000)
    assert len(message.cuts) == 3
    assert "left out the full texts" in message.cuts[0]
    assert "listed 5 stories one line each" in message.cuts[1]
    assert "over the 3,000-byte limit" in message.cuts[2]
    _, html = parts(message)
    assert "Summary 5:" not in html and "bridge, story 5" in html  # still listed, one line


def test_stories_listed_one_line_each_to_fit_keep_their_language(tmp_path: Path) -> None:
    """A French story moved to the one-line list to fit the size limit is still marked as
    French, as it is when it is listed there on its own."""
    stories = tuple(
        Story(a.title, (a,), tuple(Attributed(t) for t in a.summary))
        for a in (make_article(i, language="fr") for i in range(1, 6))
    )
    digest = replace(make_digest(), stories=stories)
    message = build(digest, make_config(tmp_path), max_bytes=3_000)
    assert any("one line each" in cut for cut in message.cuts)
    _, html = parts(message)
    links = [
        a
        for t, a in Scan(html).tags
        if t == "a" and a.get("href", "").endswith("/5?from=digest&lang=es")
    ]
    assert links and all(a.get("lang") == "fr" for a in links), links


def test_a_day_too_big_even_in_summaries_lists_its_last_stories_one_line_each(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    digest = make_digest(30)
    without_full = build(digest, config, max_bytes=1_000)  # everything cut that can be
    one_line_each = len(bytes(without_full))
    in_full = build(digest, config, max_bytes=10**9)
    limit = one_line_each + 4_000  # room for a few summaries, not for all thirty
    message = build(digest, config, max_bytes=limit)
    assert len(bytes(message)) <= limit < len(bytes(in_full))
    assert any("one line each" in cut for cut in message.cuts)
    plain, html = parts(message)
    # the first stories keep their summaries; the last is still there, as one line
    assert "Summary 1:" in html and "Summary 30:" not in html
    assert "bridge, story 30" in html and "bridge, story 30" in plain


def test_a_stray_bidi_control_does_not_reorder_the_rest_of_its_line(tmp_path: Path) -> None:
    """A headline or source name that opens a right-to-left override (U+202E) and never
    closes it would turn what follows it on its line backwards: the link number after the
    headline, the time after the source."""
    odd = make_article(1, title="Harbour bridge \u202eopens", source="Le \u2067Monde")
    digest = replace(
        make_digest(1),
        stories=(Story(odd.title, (odd,), tuple(Attributed(t) for t in odd.summary)),),
    )
    plain, _ = parts(parse(bytes(build(digest, make_config(tmp_path)))))
    lines = plain.splitlines()
    headline = next(line for line in lines if "Harbour bridge" in line and "[1]" in line)
    assert open_bidi(headline.split(" [1]")[0]) == []
    byline = next(line for line in lines if "Monde" in line and "·" in line)
    assert open_bidi(byline.split(" · ")[0]) == []
    assert "\u202e" in headline and "\u2067" in byline  # the text is kept as it came


def test_hostile_article_content_is_inert(tmp_path: Path) -> None:
    evil = make_article(
        1,
        title='<script>alert("t")</script> Headline',
        url="javascript:alert(1)",
        author='"><img src=x onerror=alert(2)>',
        paragraphs=0,
    )
    evil = replace(
        evil,
        paragraphs=(
            Paragraph("<script>alert(3)</script> <a href=/relative onclick=x()>click</a>"),
            Paragraph(LOREM * 8),
        ),
        summary=("<img src=x onerror=alert(4)> A summary.",),
    )
    digest = replace(
        make_digest(1),
        stories=(Story(evil.title, (evil,), tuple(Attributed(t) for t in evil.summary)),),
    )
    message = parse(bytes(build(digest, make_config(tmp_path))))
    plain, html = parts(message)

    tags = Scan(html).tags
    assert not [t for t, _ in tags if t in ("script", "img")]
    for tag, attrs in tags:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        for key in ("href", "src"):
            assert not attrs.get(key, "").lower().startswith("javascript:")
            assert attrs.get(key, "#").startswith(("#", "https://")), attrs
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(4)&gt;" in html
    assert "javascript:" not in plain  # not listed as a link


class _Nesting(HTMLParser):
    """Each run of text with the tags and inline styles of the elements around it."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str]] = []
        self.texts: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("style") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.texts.append((data, tuple(self.open)))


def test_a_long_unbroken_word_cannot_widen_the_email_past_a_phone_screen(
    tmp_path: Path,
) -> None:
    # One long URL in a feed's summary or a table cell set the width of the whole message:
    # phones zoomed out to show it (at 390 px, the page was laid out 1,560 px wide), every
    # story in small print. Long words must wrap, and a table too wide must scroll by itself.
    url = "https://example.org/" + "z" * 200
    article = make_article(1, paragraphs=0)
    article = replace(
        article,
        title="Supercalifragilistic" * 6,
        summary=(f"See {url} for the plan.",),
        paragraphs=(
            Paragraph(LOREM * 4),
            Paragraph("Name | Address", "row"),
            Paragraph(f"Harbour | {url}", "row"),
        ),
    )
    digest = replace(
        make_digest(1),
        stories=(Story(article.title, (article,), tuple(Attributed(t) for t in article.summary)),),
    )
    _, html = parts(build(digest, make_config(tmp_path)))
    long_texts = [
        (text, around)
        for text, around in _Nesting(html).texts
        if re.search(r"\S{60}", text)
        # (not the <title>, nor the inbox preview line, which is never shown)
        and not any(tag == "head" or "display: none" in style for tag, style in around)
    ]
    assert len(long_texts) >= 4  # headline (twice), summary, table cell
    for text, around in long_texts:
        styles = [style.replace(" ", "") for _, style in around]
        assert any("overflow-wrap:break-word" in style for style in styles), text[:40]
        for tag, style in around:
            if tag == "table":
                assert "display:block" in style.replace(" ", ""), style
                assert "overflow-x:auto" in style.replace(" ", ""), style


def test_line_breaks_in_the_title_add_no_header(tmp_path: Path) -> None:
    digest = replace(make_digest(1), title="Morning\r\nBcc: evil@example.org\nX-Evil: 1")
    message = parse(bytes(build(digest, make_config(tmp_path, sender="digest@example.org"))))
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"].startswith("Morning Bcc: evil@example.org X-Evil: 1 — ")
    assert message["From"].addresses[0].addr_spec == "digest@example.org"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "ana@example.org",
        "bruno@example.org",
    ]


@pytest.mark.parametrize(
    ("key", "email"),
    [
        # read as "ana@example.orgBcc", the rest dropped without a word
        ("email.to", {"recipients": ("ana@example.org\r\nBcc: evil@example.org",)}),
        # read as From: evil@example.org
        ("email.from", {"sender": "Me\nBcc: evil@example.org <digest@example.org>"}),
    ],
    ids=["to", "from"],
)
def test_a_line_break_in_a_configured_address_is_refused(
    tmp_path: Path, key: str, email: dict[str, object]
) -> None:
    with pytest.raises(MailError, match=f"'{key}' is not one email address"):
        build(make_digest(1), make_config(tmp_path, **email))


def test_empty_day_and_grouped_story(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    empty = replace(make_digest(0, failures=False), stories=())
    message = build(empty, config)
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: nothing new"
    plain, html = parts(message)
    said = "Nothing new on Saturday 21 November 2026. Enjoy the quiet."
    assert said in plain and said in html
    # beside the date it sends (a past day's, with 'digest send --date'): never "today"
    assert "Saturday 21 November 2026 · Nothing new\n" in plain and "today" not in plain
    assert "Links" not in plain

    lead, other = make_article(1), make_article(2, title="Same bridge, another paper")
    summary = tuple(Attributed(t) for t in lead.summary)
    grouped = replace(empty, stories=(Story(lead.title, (lead, other), summary),))
    plain, html = parts(build(grouped, config))
    assert "\u00b2 Same bridge, another paper (El País) [2]" in plain
    assert "[2] https://news.example.org/2?from=digest&lang=es" in plain
    assert 'href="https://news.example.org/2?from=digest&amp;lang=es"' in html


def test_an_empty_day_whose_sources_failed_does_not_say_all_is_quiet(tmp_path: Path) -> None:
    # every source down (the machine offline overnight): "Enjoy the quiet" would be false
    failed = replace(make_digest(0), stories=())
    plain, html = parts(build(failed, make_config(tmp_path)))
    said = "No stories on Saturday 21 November 2026, and 1 source could not be read."
    assert said in plain and said in html
    assert "Enjoy the quiet" not in plain and "Enjoy the quiet" not in html


# ---------------------------------------------------------------- config and templates


def test_no_email_table_is_a_mail_error(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path), email=None)
    with pytest.raises(MailError) as failure:
        build(make_digest(), config)
    assert "[email]" in failure.value.problem


def test_user_templates_override_the_built_in_ones(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.txt.j2").write_text(
        "{{ digest.title }} has {{ entries|length }} stories.\n", encoding="utf-8"
    )
    config = replace(make_config(tmp_path), templates=folder)
    message = build_message(make_digest(), config, make_environment(folder), now=NOW)
    plain, html = parts(message)
    assert plain == "Morning Read has 3 stories.\n"
    assert "Nicolás" in html  # the built-in HTML template still applies


def test_a_broken_email_template_of_the_users_is_named_with_its_line(tmp_path: Path) -> None:
    # It was a MailError without the line (exit 1); a broken template of the user's is now
    # the same TemplateError (exit 2) wherever it is used.
    from digest.templating import TemplateError

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.html.j2").write_text("<p>\n{{ no_such_variable }}</p>", encoding="utf-8")
    with pytest.raises(TemplateError) as failure:
        build_message(make_digest(), make_config(tmp_path), make_environment(folder), now=NOW)
    assert "email.html.j2" in failure.value.problem
    assert "line 2: 'no_such_variable' is undefined" in failure.value.problem


def test_user_template_mistakes_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "email.html.j2").write_text(
        '<!doctype html><html><body><p><a href="archive.html">Archive</a>'
        '<img src="https://example.org/logo.png"></p></body></html>\n',
        encoding="utf-8",
    )
    caplog.set_level(logging.WARNING, logger="digest.mail")
    build_message(make_digest(), make_config(tmp_path), make_environment(folder), now=NOW)
    assert "href='archive.html' is not an absolute http(s) link" in caplog.text
    assert "an <img> without alt text" in caplog.text


def test_the_subject_and_intro_count_every_story_of_the_day(tmp_path: Path) -> None:
    # as the page and the archive do: those in Also today, and those counted past it, too
    from digest.model import MoreFrom

    digest = make_digest(3, failures=False)
    digest = replace(
        digest,
        stories=digest.stories[:2],
        also_today=digest.stories[2:],
        more=(MoreFrom("Gazette", 2),),
    )
    message = build(digest, make_config(tmp_path))
    assert message["Subject"] == "Morning Read — Sat 21 Nov 2026: 5 stories"
    text, html = parts(message)
    assert "5 stories from" in text and "5 stories from" in html


def test_a_story_s_lines_in_the_text_part_start_under_its_headline_past_its_number(
    tmp_path: Path,
) -> None:
    # "9. " is three columns, "10. " four: each story's byline and summary line up with its
    # headline, not one column short from the tenth story on
    message = build(make_digest(12, failures=False), make_config(tmp_path))
    text, _html = parts(message)
    lines = text.splitlines()
    for number, indent in ((9, 3), (10, 4), (12, 4)):
        # (the last line opening with the number: the glance lists the headlines first)
        at = max(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
        byline = lines[at + 1]
        assert byline.startswith(" " * indent) and not byline.startswith(" " * (indent + 1))


def test_the_glance_says_which_of_also_today_are_one_line_each(tmp_path: Path) -> None:
    # as the page's glance: those past also_today_limit are counted by source, not listed
    from digest.model import MoreFrom

    digest = make_digest(8, failures=False)
    digest = replace(
        digest,
        stories=digest.stories[:5],
        also_today=digest.stories[5:],
        more=(MoreFrom("Pixel Envy", 13), MoreFrom("Daring Fireball", 1)),
    )
    text, html = parts(build(digest, make_config(tmp_path)))
    said = "Also today: 3 more stories, one line each, and 14 more stories counted by source"
    assert said in " ".join(lxml.html.fromstring(html).text_content().split())
    assert (
        "Also today: 3 more stories at the end, one line each, and 14 more stories counted "
        "by source." in " ".join(text.split())
    )
    assert "+13 more from Pixel Envy" in html


def test_the_text_part_never_splits_a_figure_from_its_words(tmp_path: Path) -> None:
    # "Figures differ · killed: more than 80¹ · at least 83³": wherever the line breaks,
    # "at least" stays with "83³" (the first figure's length moves the break along the line)
    from digest.model import Disagreement, Figure

    digest = make_digest(3, failures=False)
    reports = tuple(story.lead for story in digest.stories)
    for digits in range(1, 40):
        figures = (Figure("about " + "1" * digits, 0), Figure("at least 83", 2))
        story = Story(
            "Ferry capsizes off the coast",
            reports,
            (Attributed("A ferry capsized on Friday.", 0),),
            disagreements=(Disagreement("killed", figures),),
        )
        text, _ = parts(build(replace(digest, stories=(story,)), make_config(tmp_path)))
        lines = [line.strip() for line in text.splitlines()]
        (start,) = [i for i, line in enumerate(lines) if line.startswith("Figures differ")]
        figures_lines = lines[start : lines.index("", start)]
        assert not any(line.endswith(("about", "at least")) for line in figures_lines)
        assert "at\u00a0least\u00a083³" in " ".join(figures_lines)


def test_the_text_part_numbers_every_link_also_todays_too(tmp_path: Path) -> None:
    # stories, their copies and Also today alike: [n] in the text, the URL in the list of links
    from digest.model import MoreFrom

    digest = make_digest(4, failures=False)
    first = replace(digest.stories[0], copies=(make_article(9, source="Wire Copy"),))
    digest = replace(
        digest,
        stories=(first, *digest.stories[1:3]),
        also_today=digest.stories[3:],
        more=(MoreFrom("Pixel Envy", 13, "https://pixelenvy.example/"),),
    )
    text, _ = parts(build(digest, make_config(tmp_path)))
    body, _, listed = text.partition("\nLinks\n")
    assert "://" not in body.replace("https://example.org/digest/2026-11-21.html", "")
    assert "Also in: Wire Copy [2]" in body
    assert "- Nicolás Pérez opens the new harbour bridge, story 4 (El País) [5]" in " ".join(
        body.split()
    )
    assert "+13 more from Pixel Envy [6]" in body
    assert "[2] https://news.example.org/9?from=digest&lang=es" in listed
    assert "[5] https://news.example.org/4?from=digest&lang=es" in listed
    assert "[6] https://pixelenvy.example/" in listed


def test_stories_listed_one_line_each_leave_no_link_numbered_for_nothing(
    tmp_path: Path,
) -> None:
    """A story moved to the one-line list to fit the size limit shows its own link only: its
    reports' and copies' links leave the list of links with it, and the links still shown
    are numbered 1, 2, 3 ... as the text reads, with no gap."""
    from digest.model import EarlierStory

    day_before = DAY - dt.timedelta(days=1)
    config = make_config(tmp_path)
    stories = []
    for n in range(1, 31):
        lead, other, copy = (make_article(n * 10 + i) for i in range(3))
        stories.append(
            Story(
                lead.title,
                (lead, other),
                tuple(Attributed(t, report) for report, t in enumerate(lead.summary)),
                copies=(copy,),
                earlier=EarlierStory(day_before, f"story-{n}", f"The bridge, part {n - 1}"),
            )
        )
    digest = replace(make_digest(), stories=tuple(stories))
    without_full = len(bytes(build(digest, config, max_bytes=1_000)))
    message = build(digest, config, max_bytes=without_full + 6_000)
    assert any("one line each instead of in full" in cut for cut in message.cuts)
    plain, _ = parts(message)
    body, _, listed = plain.partition("\nLinks\n")
    referred = [int(n) for n in re.findall(r"\[(\d+)\]", body)]
    numbers = [int(n) for n in re.findall(r"^\[(\d+)\] ", listed, re.M)]
    assert numbers == list(range(1, len(numbers) + 1))
    # each listed link is one the text points to, numbered as the text first points to it
    assert list(dict.fromkeys(referred)) == numbers
    # a story listed in full keeps every link, one listed one line each its own only
    assert "[1] https://news.example.org/10?from=digest&lang=es" in listed
    assert "https://news.example.org/11?from=digest&lang=es" in listed
    assert "https://news.example.org/300?from=digest&lang=es" in listed
    assert "https://news.example.org/301?" not in listed
    assert "https://news.example.org/302?" not in listed


def test_the_text_parts_headings_are_underlined_as_long_as_they_are_in_capitals(
    tmp_path: Path,
) -> None:
    # "Außenpolitik" is "AUSSENPOLITIK" in capitals, and "Außerdem heute" "AUSSERDEM HEUTE":
    # one letter longer than as written, and underlined one short
    from digest.model import Section

    digest = make_digest(3, failures=False)
    first, second, third = digest.stories
    digest = replace(
        digest,
        stories=(first, second),
        sections=(Section("Außenpolitik", (first,)), Section("Sport", (second,))),
        also_today=(third,),
    )
    env = make_environment(None, "de")
    text, _ = parts(build_message(digest, make_config(tmp_path), env, now=NOW))
    lines = text.splitlines()
    for heading in ("AUSSENPOLITIK", "SPORT", "AUSSERDEM HEUTE"):
        at = lines.index(heading)
        assert lines[at + 1] == "=" * len(heading)


def test_a_summary_that_only_repeats_the_headline_is_printed_once(tmp_path: Path) -> None:
    # A short untitled post: its one sentence made its headline, and its summary.
    sentence = "Planted the broad beans in the top bed today."
    note = make_article(
        1,
        source="Jo Notes",
        title=sentence.rstrip("."),
        title_derived=True,
        summary=(sentence,),
    )
    note = replace(note, paragraphs=(Paragraph(sentence),))
    story = Story(
        headline=note.title,
        reports=(note,),
        summary=(Attributed(sentence),),
    )
    digest = replace(make_digest(1, failures=False), stories=(story,))
    plain, html = parts(build(digest, make_config(tmp_path)))
    assert plain.count("Planted the broad beans") == 1
    (entry,) = lxml.html.fromstring(html).xpath("//div[@class='story']")
    assert entry.text_content().count("Planted the broad beans") == 1
