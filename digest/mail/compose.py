"""The digest as an email message: one multipart/alternative ``EmailMessage``, ready to send.

The message holds a plain-text part (``email.txt.j2``, wrapped at 72 columns, links numbered
and listed at the end) and then the HTML part (``email.html.j2``), whose stylesheet is inlined
into ``style`` attributes by css-inline and then removed, because Gmail and many apps drop
``<style>``. Every link in it is absolute, every header is ASCII on the wire (RFC 2047 for the
rest) and both parts are UTF-8, quoted-printable or base64, whichever is smaller.

Gmail clips a message past about 102 KB behind "View entire message", so ``build_message``
keeps the whole message under ``max_bytes``: it shortens the stories' full texts, then leaves
them out, and never touches a summary. What it cut is on the message (``DigestMessage.cuts``).

The message speaks the environment's language (``templating.language_of``): its subject, count
line, bylines and dates, as the templates do the rest. What ``cuts`` and the log say is for
the operator, in English.

Building reads no clock unless ``now`` is left out, and touches no network and no disk beyond
the templates; what a user's template does that mail clients will mangle is logged.
"""

from __future__ import annotations

import binascii
import contextlib
import datetime as dt
import logging
import quopri
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from email import policy as email_policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import css_inline
import jinja2

from digest.config import Config, EmailConfig
from digest.language import Language
from digest.mail.errors import MailError
from digest.model import Article, Digest, Paragraph, Story
from digest.present import (
    ARCHIVE_FILENAME,
    FEED_FILENAME,
    adds_to,
    day_filename,
    figure_kind,
    http_url,
    localtime,
    lower_first,
    one_line,
    plural,
    upper_first,
)
from digest.templating import language_of

# one logger for the whole package: log lines say "digest.mail", whichever module wrote them
log = logging.getLogger(__package__)

MAX_BYTES = 102_000  # Gmail clips messages past about 102 KB
WRAP_COLUMNS = 72
HTML_TEMPLATE = "email.html.j2"
TEXT_TEMPLATE = "email.txt.j2"
# A full-text excerpt shorter than this is not worth its space: below it, leave them all out.
MIN_EXCERPT_CHARS = 300
# Shortening stops when another round would change each story's excerpt by less than this.
_EXCERPT_STEP = 100

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False,
    keep_link_tags=False,
    load_remote_stylesheets=False,  # never fetch anything while building a message
    minify_css=True,
)


class DigestMessage(EmailMessage):
    """An ``EmailMessage`` that also says what was cut to keep it under the size limit."""

    cuts: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Also:
    title: str
    source: str
    url: str | None
    ref: int | None
    language: str | None = None  # the title's, when known


@dataclass(frozen=True)
class _Sentence:
    text: str
    report: int | None  # the number of the report it comes from, when there are several


@dataclass(frozen=True)
class _Figures:
    kind: str
    figures: tuple[tuple[str, int], ...]  # (figure as worded, report number)

    @property
    def plain(self) -> str:
        """``more than 80¹ · at least 83³``: the figures with their reports, for plain text."""
        # no-break spaces keep "at least 83¹" on one line when the plain text is wrapped
        return " · ".join(
            text.replace(" ", "\u00a0") + superscript(report) for text, report in self.figures
        )


@dataclass(frozen=True)
class _Entry:
    """One story as the email shows it (the templates' ``entries``)."""

    number: int
    anchor: str
    headline: str
    url: str | None
    ref: int | None  # the story's number in the plain part's list of links
    byline: str
    summary: str
    also: tuple[_Also, ...]  # a story of several reports: every report, numbered from 1
    full: tuple[Paragraph, ...]  # the full text, maybe shortened; () when left out
    full_cut: bool  # shortened to fit
    story: Story
    lead: Article
    sentences: tuple[_Sentence, ...] = ()
    copies: tuple[_Also, ...] = ()  # the same text on other sites ("also in")
    figures: tuple[_Figures, ...] = ()
    earlier: str | None = None  # "3 Dec · headline" of the story this one continues
    earlier_url: str | None = None
    earlier_ref: int | None = None

    @property
    def attributed(self) -> str:
        """The summary for the plain part, each sentence marked with its report's number."""
        return " ".join(
            s.text + (superscript(s.report) if s.report else "") for s in self.sentences
        )


_SUPERSCRIPT = str.maketrans(
    "0123456789", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
)


def superscript(number: int) -> str:
    """``12`` → ``¹²``: a report's number after a sentence in plain text."""
    return str(number).translate(_SUPERSCRIPT)


def build_message(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    *,
    now: dt.datetime | None = None,
    max_bytes: int = MAX_BYTES,
) -> DigestMessage:
    """The day's digest as a ready-to-send message, at most ``max_bytes`` if it can be.

    Over the limit, the full texts are shortened (longest first, to the same length each),
    then left out; the summaries always stay. ``message.cuts`` says what was cut.
    """
    email = email_config(config)
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    sender = _parse_address(email.sender, "email.from")
    if not sender.display_name:
        sender = Address(one_line(digest.title), addr_spec=sender.addr_spec)
    recipients = tuple(_parse_address(r, "email.to") for r in email.recipients)
    domain = _ascii_domain(sender.domain)

    lang = language_of(env)
    env = _mail_environment(env)
    entries, links = _entries(digest, config, lang)
    sections = _sections(digest, entries)
    # Also today's links are numbered in the plain part as the stories' are, after them
    also_today = tuple(
        _Also(
            one_line(story.headline or story.lead.title or lang.gettext("Untitled")),
            ", ".join(story.sources),
            http_url(story.lead.url),
            _number_link(links, http_url(story.lead.url)),
            story.lead.language,
        )
        for story in digest.also_today
    )
    more = tuple((m.count, m.source, http_url(m.url)) for m in digest.more)
    more_refs = tuple(_number_link(links, url) for _, _, url in more)
    subject = _subject(digest, lang)
    context: dict[str, Any] = {
        "digest": digest,
        "config": config,
        "tz": config.timezone,
        "site_title": config.title,
        "subject": subject,
        "preheader": _preheader(entries),
        "date_label": upper_first(lang.long_date(digest.day)),
        "count_label": _count_label(digest, lang),
        "sections": sections,
        "sectioned": len(sections) > 1,
        "glance": len(sections) > 1 or len(entries) >= 5,
        "also_today": also_today,
        "more": more,
        "more_refs": more_refs,  # each of ``more``'s link number in ``links``, or None
        "also_count": len(also_today) + sum(count for count, _, _ in more),
        "links": links,
        "failures": digest.failures,
        "generated_at": localtime(digest.generated_at, config.timezone),
        **_site_links(config, digest.day),
    }

    message_id = make_msgid(domain=domain)
    headers = {
        "From": sender,
        "To": recipients,
        "Subject": subject,
        "Date": format_datetime(now.astimezone(config.timezone)),
        "Message-ID": message_id,
        "List-Id": f"{_list_phrase(digest.title)} <digest.{domain}>",
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies
    }
    if config.site_url:
        headers["List-Archive"] = f"<{config.site_url}{ARCHIVE_FILENAME}>"

    def assemble(cap: int | None, shown: int | None = None) -> DigestMessage:
        """The message with each full text cut to ``cap`` characters (0: left out), and only
        the first ``shown`` stories in full (the rest one line each, as in Also today)."""
        variables = {**context, **_full_context(entries, cap)}
        if shown is not None:
            variables.update(_fewer_stories(context, variables["entries"], shown))
        variables.update(_links_as_read(variables))
        text = _tidy_text(_render(env, TEXT_TEMPLATE, variables))
        html = _inline(_render(env, HTML_TEMPLATE, variables))
        return _mime(headers, text, html)

    cap, cuts = _fit(assemble, entries, max_bytes)
    message = assemble(cap)
    size = len(bytes(message))
    if size > max_bytes and entries:
        # Even with every summary alone it is too long (a huge day and low limits): the
        # stories at the end are listed one line each, as Also today lists them.
        low, high = 0, len(entries)  # low fits (or is all there is), high does not
        while high - low > 1:
            middle = (low + high) // 2
            if len(bytes(assemble(0, middle))) <= max_bytes:
                low = middle
            else:
                high = middle
        message = assemble(0, low)
        size = len(bytes(message))
        cuts.append(
            f"listed {plural(len(entries) - low, 'story', 'stories')} one line each instead of "
            f"in full, to keep the email under {max_bytes:,} bytes (the page has them in full)"
        )
    if size > max_bytes:
        cuts.append(
            f"the email is {size:,} bytes even without the full texts, over the "
            f"{max_bytes:,}-byte limit: Gmail will clip it behind 'View entire message'"
        )
    message.cuts = tuple(cuts)
    for problem in _html_problems(message):
        log.warning("%s: %s", HTML_TEMPLATE, problem)
    return message


def _fewer_stories(
    context: Mapping[str, Any], entries: Sequence[_Entry], shown: int
) -> dict[str, Any]:
    """The template variables with only the first ``shown`` entries in full: the others join
    the head of Also today, one line each, and leave the sections and the glance."""
    kept = {entry.number for entry in entries[:shown]}
    sections = tuple(
        replace(section, stories=tuple(n for n in section.stories if n in kept))
        for section in context["sections"]
    )
    moved = tuple(
        _Also(
            entry.headline,
            ", ".join(entry.story.sources),
            entry.url,
            entry.ref,
            entry.lead.language,
        )
        for entry in entries[shown:]
    )
    also_today = (*moved, *context["also_today"])
    return {
        "sections": tuple(section for section in sections if section.stories),
        "also_today": also_today,
        "also_count": len(also_today) + sum(count for count, _, _ in context["more"]),
    }


def _links_as_read(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The plain part's links as its text shows them: numbered [1], [2], ... in the order it
    reads, and only those it shows. A story listed one line each to fit the size limit shows
    its own link only: its reports', copies' and earlier story's would otherwise stay in the
    list of links, pointed to by nothing, and leave gaps in the numbers the text shows."""
    urls = dict(variables["links"])
    numbers: dict[int, int] = {}  # ``_entries``'s number of a link -> its number as shown
    links: list[tuple[int, str]] = []

    def number(ref: int | None) -> int | None:
        if ref is None:
            return None
        if ref not in numbers:
            links.append((len(links) + 1, urls[ref]))
            numbers[ref] = len(links)
        return numbers[ref]

    def each(items: Sequence[_Also]) -> tuple[_Also, ...]:
        return tuple(replace(item, ref=number(item.ref)) for item in items)

    entries = list(variables["entries"])
    # as email.txt.j2 reads: each story's headline, "Earlier:", its reports, its copies
    for section in variables["sections"]:
        for story in section.stories:
            entry = entries[story - 1]
            ref, earlier_ref = number(entry.ref), number(entry.earlier_ref)
            entries[story - 1] = replace(
                entry,
                ref=ref,
                earlier_ref=earlier_ref,
                also=each(entry.also),
                copies=each(entry.copies),
            )
    also_today = each(variables["also_today"])
    more_refs = tuple(number(ref) for ref in variables["more_refs"])
    return {"entries": entries, "also_today": also_today, "more_refs": more_refs, "links": links}


def _fit(
    assemble: Callable[..., DigestMessage], entries: Sequence[_Entry], max_bytes: int
) -> tuple[int | None, list[str]]:
    """The full-text cap (None: whole texts, 0: none) that keeps the message in budget."""
    lengths = [_chars(e.full) for e in entries if e.full]
    if not lengths or len(bytes(assemble(None))) <= max_bytes:
        return None, []
    longest = max(lengths)
    budget = f"to keep the email under {max_bytes:,} bytes"
    if longest > MIN_EXCERPT_CHARS and len(bytes(assemble(MIN_EXCERPT_CHARS))) <= max_bytes:
        low, high = MIN_EXCERPT_CHARS, longest  # low fits, high does not
        while high - low > _EXCERPT_STEP:
            middle = (low + high) // 2
            if len(bytes(assemble(middle))) <= max_bytes:
                low = middle
            else:
                high = middle
        shortened = sum(1 for n in lengths if n > low)
        return low, [
            f"shortened the full text of {shortened} of {len(lengths)} "
            f"{'story' if len(lengths) == 1 else 'stories'} to about {low:,} characters {budget}"
        ]
    return 0, [
        f"left out the full texts of {plural(len(lengths), 'story', 'stories')} {budget}; "
        "every summary is kept"
    ]


def _entries(
    digest: Digest, config: Config, lang: Language
) -> tuple[list[_Entry], list[tuple[int, str]]]:
    links: list[tuple[int, str]] = []

    def ref(url: str | None) -> int | None:
        return _number_link(links, url)

    entries = []
    for number, story in enumerate(digest.stories, start=1):
        lead = story.lead
        url = http_url(lead.url)
        story_ref = ref(url)
        several = len(story.reports) > 1
        sentences = tuple(
            _Sentence(one_line(s.text), s.report + 1 if several else None) for s in story.summary
        )
        summary = " ".join(s.text for s in sentences) or one_line(" ".join(lead.summary))
        # the full text is weighed against the summary, printed or not
        full = _full_text(lead, summary)
        if story.headline_says_it_all:  # a short post's one sentence: printed once
            sentences, summary = (), ""
        also = []
        if several:
            for article in story.reports:
                other_url = http_url(article.url)
                also.append(
                    _Also(
                        one_line(article.title or lang.gettext("Untitled")),
                        article.source,
                        other_url,
                        story_ref if article is lead else ref(other_url),
                        article.language,
                    )
                )
        copies = []
        for article in story.copies:
            copy_url = http_url(article.url)
            copies.append(
                _Also(
                    one_line(article.title or lang.gettext("Untitled")),
                    article.source,
                    copy_url,
                    ref(copy_url),
                    article.language,
                )
            )
        earlier = story.earlier
        earlier_url = (
            f"{config.site_url}{day_filename(earlier.day)}#story-{earlier.story_id}"
            if earlier and config.site_url
            else None
        )
        entries.append(
            _Entry(
                number=number,
                anchor=f"story-{number}",
                headline=one_line(story.headline or lead.title or lang.gettext("Untitled")),
                url=url,
                ref=story_ref,
                byline=_story_byline(story, config, digest.day, lang),
                summary=summary,
                also=tuple(also),
                full=full,
                full_cut=False,
                story=story,
                lead=lead,
                sentences=sentences,
                copies=tuple(copies),
                figures=tuple(
                    _Figures(
                        figure_kind(d.kind, lang),
                        tuple((lower_first(f.text), f.report + 1) for f in d.figures),
                    )
                    for d in story.disagreements
                ),
                earlier=(
                    one_line(f"{lang.short_date(earlier.day, digest.day)} · {earlier.headline}")
                    if earlier
                    else None
                ),
                earlier_url=earlier_url,
                earlier_ref=ref(earlier_url),
            )
        )
    return entries, links


def _number_link(links: list[tuple[int, str]], url: str | None) -> int | None:
    """``url``'s number in the plain part's list of links (``[3]``), added to ``links``; None
    without a URL. Every link of the plain part is numbered so: its text keeps to the words."""
    if not url:
        return None
    links.append((len(links) + 1, url))
    return len(links)


def _full_text(article: Article, summary: str) -> tuple[Paragraph, ...]:
    """The article's paragraphs, or () when they would only repeat the summary."""
    if not adds_to(article, summary):
        return ()
    return tuple(p for p in article.paragraphs if p.text.strip())


def _full_context(entries: Sequence[_Entry], cap: int | None) -> dict[str, Any]:
    """The template variables that depend on how much full text fits."""
    if cap == 0:
        shown = [_with_full(e, (), False) for e in entries]
        return {
            "entries": shown,
            "full_texts": False,
            "trimmed": False,
            "dropped": any(e.full for e in entries),
        }
    shown = []
    for entry in entries:
        full, cut = (entry.full, False) if cap is None else _excerpt(entry.full, cap)
        shown.append(_with_full(entry, full, cut))
    return {
        "entries": shown,
        "full_texts": any(e.full for e in shown),
        "trimmed": any(e.full_cut for e in shown),
        "dropped": False,
    }


def _with_full(entry: _Entry, full: tuple[Paragraph, ...], cut: bool) -> _Entry:
    return replace(entry, full=full, full_cut=cut)


def _chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(len(p.text) for p in paragraphs)


def _excerpt(paragraphs: tuple[Paragraph, ...], cap: int) -> tuple[tuple[Paragraph, ...], bool]:
    """The paragraphs cut to about ``cap`` characters, at a sentence or word boundary."""
    if _chars(paragraphs) <= cap:
        return paragraphs, False
    kept: list[Paragraph] = []
    used = 0
    for paragraph in paragraphs:
        room = cap - used
        if len(paragraph.text) <= room:
            kept.append(paragraph)
            used += len(paragraph.text)
            continue
        if paragraph.kind == "body" and (room >= 120 or not kept):
            kept.append(Paragraph(_cut_text(paragraph.text, max(room, 1)), "body"))
        break
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return tuple(kept), True


def _cut_text(text: str, room: int) -> str:
    head = text[: room + 1]
    sentence_ends = [m.end() for m in re.finditer("[.!?\u2026][)\"'\u00bb\u201d\u2019]*\\s", head)]
    if sentence_ends and sentence_ends[-1] >= room // 2:
        return head[: sentence_ends[-1]].rstrip() + " …"
    space = head.rfind(" ")
    cut = head[:space] if space > room // 2 else text[:room]
    return cut.rstrip(" ,;:-\u2013\u2014") + " …"


def _render(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as exc:
        raise MailError(
            f"the email template {name} is missing ({exc.name})",
            "reinstall calm-digest, or copy the built-in one into your templates folder",
        ) from exc
    except jinja2.TemplateError as exc:
        lineno = getattr(exc, "lineno", None)  # only syntax errors know their line
        where = f" line {lineno}" if lineno else ""
        raise MailError(
            f"the email template {name} failed{where}: {exc}",
            "fix your copy in the templates folder, or remove it to use the built-in one",
        ) from exc


def _inline(html: str) -> str:
    try:
        return _INLINER.inline(html)
    except ValueError as exc:
        raise MailError(
            f"cannot inline the styles of {HTML_TEMPLATE}: {exc}",
            "check the CSS in the <style> block of your copy of the template",
        ) from exc


def _mime(headers: Mapping[str, Any], text: str, html: str) -> DigestMessage:
    message = DigestMessage(policy=email_policy.SMTP)
    for name, value in headers.items():
        message[name] = value
    message.set_content(text, subtype="plain", charset="utf-8", cte=_transfer_encoding(text))
    message.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    for part in message.iter_parts():
        del part["MIME-Version"]  # only the top level carries it
    return message


def _transfer_encoding(text: str) -> str:
    """Quoted-printable for mostly-ASCII text, base64 when that is smaller (non-Latin text)."""
    data = text.encode("utf-8")
    qp = len(quopri.encodestring(data))
    b64 = len(binascii.b2a_base64(data)) * 77 // 76  # plus a line break every 76 characters
    return "quoted-printable" if qp <= b64 else "base64"


def _mail_environment(env: jinja2.Environment) -> jinja2.Environment:
    """``env`` plus the filters only the email templates use, without changing ``env``."""
    overlay = env.overlay()
    overlay.filters = {**env.filters, "wrap": wrap, "superscript": superscript}
    return overlay


def wrap(text: str, indent: str = "", first_indent: str = "", width: int = WRAP_COLUMNS) -> str:
    """``text`` filled to ``width`` columns; lines after the first start with ``indent``.

    URLs and file paths up to 1,000 characters are never broken (a line holding one may run
    longer): a reader copies them whole. Other words longer than a line are split so that
    every other line fits.
    """
    room = max(width - max(len(indent), len(first_indent)), 10)
    words = []
    for word in _BREAKABLE.split(str(text).strip()):
        if len(word) > room and not _address_like(word):
            words += [word[i : i + room] for i in range(0, len(word), room)]
        else:
            words.append(word)
    return textwrap.fill(
        " ".join(words),
        width=width,
        initial_indent=first_indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


# Where a line may break: any white space but the no-break spaces (U+00A0, the figure space
# U+2007, the narrow U+202F), which join what must stay on one line ("at least 83³", a
# number in the French "12 345"), as they do in the HTML part.
_BREAKABLE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def _address_like(word: str) -> bool:
    """A URL or a file path (POSIX or Windows), perhaps quoted or in brackets, of a length a
    real one has (a feed's endless "word" of slashes is split like any other)."""
    if len(word) > _LONGEST_ADDRESS:
        return False
    bare = word.strip("'\"`‘’“”«»()[]<>,.;:")
    return (
        "://" in bare
        or bare.startswith(("/", "~/", "./", "../", "\\\\"))
        or bool(re.match(r"[A-Za-z]:[\\/]", bare))
    )


_LONGEST_ADDRESS = 1000


def _tidy_text(text: str) -> str:
    """No trailing spaces (the signature separator "-- " keeps its own), no run of blank
    lines, one final newline."""
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return tidy + "\n"


@dataclass(frozen=True)
class _Section:
    number: int
    title: str
    stories: tuple[int, ...]  # the numbers of its entries (the templates' ``entries``, from 1)


def _sections(digest: Digest, entries: Sequence[_Entry]) -> tuple[_Section, ...]:
    """The digest's sections, each as the numbers of its entries (the entries themselves
    change as full texts are fitted to the size limit); one unnamed section if it has none."""
    number_of = {id(entry.story): entry.number for entry in entries}
    if not digest.sections:
        return (_Section(1, "", tuple(e.number for e in entries)),) if entries else ()
    return tuple(
        _Section(number, section.title, tuple(number_of[id(s)] for s in section.stories))
        for number, section in enumerate(digest.sections, start=1)
    )


def _subject(digest: Digest, lang: Language) -> str:
    if digest.stories:
        # TRANSLATORS: a story is one event, however many sources report it
        count = lang.ngettext("%(num)s story", "%(num)s stories", digest.story_count)
    else:
        count = lang.gettext("nothing new")
    # TRANSLATORS: the email's subject: "Morning Read — Sat 21 Nov: 12 stories"
    subject = lang.gettext("%(title)s — %(date)s: %(count)s") % {
        "title": digest.title,
        "date": lang.short_date(digest.day),
        "count": count,
    }
    return one_line(subject)


def _count_label(digest: Digest, lang: Language) -> str:
    if not digest.stories:
        # beside the day's date: the day sent may be a past one (digest send --date)
        return lang.gettext("Nothing new")
    return lang.gettext("%(stories)s from %(sources)s") % {
        "stories": lang.ngettext("%(num)s story", "%(num)s stories", digest.story_count),
        "sources": lang.ngettext("%(num)s source", "%(num)s sources", len(digest.sources)),
    }


def _preheader(entries: Sequence[_Entry]) -> str:
    text = " · ".join(e.headline for e in entries[:4])
    return text if len(text) <= 150 else text[:149].rsplit(" ", 1)[0] + " …"


def _story_byline(story: Story, config: Config, day: dt.date, lang: Language) -> str:
    """One report's byline, or for several: "3 reports · BBC, RT · Sat 21 Nov, 09:30"."""
    if len(story.reports) == 1:
        return _byline(story.lead, config, day, lang)
    # TRANSLATORS: a report is one source's article about a story's event
    reports = lang.ngettext("%(num)s report", "%(num)s reports", len(story.reports))
    parts = [reports, ", ".join(map(one_line, story.sources))]
    if story.lead.published:
        parts.append(lang.date_time(localtime(story.lead.published, config.timezone), day))
    return one_line(" · ".join(parts))


def _byline(article: Article, config: Config, day: dt.date, lang: Language) -> str:
    parts = [one_line(article.source)]
    if article.author and article.author != article.source:
        parts.append(one_line(article.author))
    if article.published:
        parts.append(lang.date_time(localtime(article.published, config.timezone), day))
    return one_line(" · ".join(parts))


def _site_links(config: Config, day: dt.date) -> dict[str, str | None]:
    base = config.site_url
    return {
        "view_url": base + day_filename(day) if base else None,
        "archive_url": base + ARCHIVE_FILENAME if base else None,
        "feed_url": base + FEED_FILENAME if base else None,
    }


def _list_phrase(title: str) -> str:
    """The List-Id description (RFC 2919): the title without the characters a phrase forbids."""
    return one_line(re.sub(r'[()<>@,;:\\".\[\]]', " ", title)) or "digest"


def email_config(config: Config) -> EmailConfig:
    """The config's ``[email]`` table, or a ``MailError`` saying how to add one."""
    if config.email is None:
        where = f"{config.path}" if config.path else "the config file"
        raise MailError(
            f"{where} has no [email] table, so digest does not know where to send",
            'add one with from, to and smtp_host, e.g. [email] from = "digest@example.org", '
            'to = ["me@example.org"], smtp_host = "smtp.example.org"; '
            "'digest send --dry-run --to-file digest.eml' previews the email without one",
        )
    return config.email


def _parse_address(text: str, key: str) -> Address:
    try:
        addresses = email_policy.default.header_factory("To", text).addresses
    except (HeaderParseError, IndexError, ValueError) as exc:
        addresses = ()
        cause: Exception | None = exc
    else:
        cause = None
    if not text.isprintable():
        # A line break or another control character: the header parser reads past it (part
        # of the address lost, or another address taken) instead of refusing it.
        addresses = ()
    if len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise MailError(
            f"'{key}' is not one email address: {text!r}",
            'write it as "name@example.org" or "Name <name@example.org>"',
        ) from cause
    return addresses[0]


def _ascii_domain(domain: str) -> str:
    domain = domain.strip("[]").rstrip(".")
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return domain if re.fullmatch(r"[A-Za-z0-9.-]+", domain) else "localhost"


class _HtmlScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("style", "script", "iframe", "object", "embed", "form", "link"):
            self.problems.append(f"a <{tag}> element, which mail clients drop or block")
        if tag == "img" and "alt" not in values:
            self.problems.append(f"an <img> without alt text ({values.get('src', '')[:60]})")
        for name in ("href", "src"):
            url = values.get(name, "").strip()
            if (
                url
                and not url.startswith("#")
                and urlsplit(url).scheme.lower()
                not in (
                    "http",
                    "https",
                    "mailto",
                    "cid",
                    "tel",
                )
            ):
                self.problems.append(f"{name}={url[:60]!r} is not an absolute http(s) link")
        self.problems += [f"an {name}= handler on <{tag}>" for name in values if name[:2] == "on"]


def _html_problems(message: EmailMessage) -> list[str]:
    """What in the HTML part mail clients will mangle (only a user's template can cause it)."""
    part = message.get_body(("html",))
    if part is None:
        return []
    scan = _HtmlScan()
    scan.feed(part.get_content())
    scan.close()
    return list(dict.fromkeys(scan.problems))
