"""Presentation shared by every output: file names, dates, links and the text filters.

The HTML pages (``render``), the Atom feeds (``atom``) and the email (``mail``) all take their
file names, dates and links from here, and the templates' filters that are not the reader's
language's (links, reading time, text; ``digest.templating`` installs them, with the
language's date and number filters), so a day reads the same in each of them. The built-in
templates are found here too (``default_templates_dir``: they ship as the ``digest.templates``
package, from ``templates/`` at the top of the repository), since a run that writes nothing
still checks whether they changed. Nothing here loads Jinja, nor reads the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from digest.config import Config
from digest.language import Language, direction, english, primary_subtag
from digest.model import Article, DayRecord

# The output folder's fixed names. Every link between pages is relative (``index.html``,
# ``archive.html``, ``2026-11-21.html``, ``feed.atom``), so the output works opened from disk
# or served from any sub-path.
INDEX_FILENAME = "index.html"
ARCHIVE_FILENAME = "archive.html"
FEED_FILENAME = "feed.atom"
ARTICLES_FEED_FILENAME = "articles.atom"

# Code points that are not allowed in XML 1.0 or are control characters in HTML: a stray one in
# an article would make the feed unserialisable and the page invalid.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_WORDS_PER_MINUTE = 230


def relative_links_note(config: Config) -> str | None:
    """What ``digest build`` and ``digest check`` say when ``site_url`` is not set: the feeds'
    links are then relative to where they are published, and the email has no link to the
    site. None when it is set."""
    if config.site_url:
        return None
    return (
        "site_url is not set: the feeds' links are relative (some feed readers do not resolve "
        "them) and the email links to no web page; once the output folder is published, set "
        'site_url = "https://..." to its address'
    )


# ---------------------------------------------------------------- the built-in templates


def default_templates_dir() -> Path:
    """The built-in templates: the ``digest.templates`` package, else the source tree's folder.

    A wheel installs ``templates/`` as ``digest/templates``; an editable install cannot map a
    package directory like that, so the ``templates/`` folder next to the ``digest`` package
    (the repository checkout) is the fallback.
    """
    candidates: list[Any] = []
    for package, sub in (("digest.templates", None), ("digest", "templates")):
        try:
            root = resources.files(package)
        except (ModuleNotFoundError, TypeError, ValueError):
            continue
        candidates.append(root / sub if sub else root)
    candidates.append(Path(__file__).resolve().parent.parent / "templates")
    for candidate in candidates:
        try:
            # a namespace package is a MultiplexedPath, whose children are real Paths; a zipped
            # install is not a folder Jinja can read, so it is skipped
            marker = candidate / "base.html.j2"
            if isinstance(marker, Path) and marker.is_file():
                return marker.parent
        except (OSError, TypeError, ValueError):
            continue
    raise FileNotFoundError(
        "the built-in templates are missing: reinstall calm-digest "
        "(they ship as the digest.templates package)"
    )


def base_context(config: Config) -> dict[str, Any]:
    """The variables every page and feed-entry template gets: the site and its links."""
    return {
        "config": config,
        "site_title": config.title,
        "tz": config.timezone,
        "index_href": INDEX_FILENAME,
        "archive_href": ARCHIVE_FILENAME,
        "feed_href": FEED_FILENAME,
    }


# ---------------------------------------------------------------- filters and text


def xml_text(text: str) -> str:
    """``text`` without the characters no HTML or XML document may hold, and with every bidi
    embedding, override or isolate it opens closed at its end: a title's stray U+202E would
    otherwise turn the rest of its line (the source, the time) backwards."""
    return close_bidi(_FORBIDDEN_CHARS.sub("", text))


# Bidi controls: the embeddings and overrides (LRE, RLE, LRO, RLO) that PDF closes, and the
# isolates (LRI, RLI, FSI) that PDI closes.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PDF, _PDI = "\u202c", "\u2069"


def close_bidi(text: str) -> str:
    """``text`` followed by a PDF or PDI for each embedding, override or isolate it leaves
    open, innermost first, matched as the Unicode bidi algorithm (UAX #9) matches them."""
    if _BIDI_CONTROLS.search(text) is None:
        return text
    closers: list[str] = []
    for control in _BIDI_CONTROLS.findall(text):
        if control == _PDF:
            if closers and closers[-1] == _PDF:  # never across an isolate
                closers.pop()
        elif control == _PDI:
            if _PDI in closers:  # closes the innermost isolate and all opened inside it
                while closers.pop() != _PDI:
                    pass
        else:
            closers.append(_PDI if control >= "\u2066" else _PDF)
    return text + "".join(reversed(closers))


def one_line(text: str) -> str:
    """``text`` on one line: every run of white space (line breaks too) is one space, and
    what it opens of bidi embeddings and isolates closed (``close_bidi``), so that it cannot
    reorder what is written after it on the line."""
    return close_bidi(" ".join(str(text).split()))


# What a link may not hold as it is (outside the URL standard's "URL code points", and a "%"
# that starts no escape): feeds write such links unescaped ("/my story.html", "?tag[]=a",
# "?q={...}"), browsers escape them when the link is followed, and in an href, as in an Atom
# link, they make the document invalid. (Non-ASCII letters are URL code points: kept.)
_NOT_IN_URL = re.compile(
    r"%(?![0-9A-Fa-f]{2})|\s"
    r"|[^%A-Za-z0-9!$&'()*+,\-./:;=?@_~\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff]"
)
# ASCII tab and line breaks: a browser drops them from a URL wherever they are
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def http_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: only those become links. It is
    given as a browser reads it, escaped where it holds what a URL may not: a space in its
    path is ``%20``, a bracket ``%5B``, so that it stays a link and the page stays valid."""
    if not url:
        return None
    url = _TAB_OR_NEWLINE.sub("", url.strip())
    if _FORBIDDEN_CHARS.search(url):
        return None
    before, hash_mark, fragment = url.partition("#")
    before, question_mark, query = before.partition("?")
    # a browser reads a backslash in an http(s) URL's host and path as a slash
    before = before.replace("\\", "/")
    try:
        parts = urlsplit(before)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() for c in parts.netloc):
        return None  # no host has a space in its name
    path = before[len(scheme) + len("://") + len(parts.netloc) :]
    return (
        f"{before[: len(before) - len(path)]}{_escaped(path)}"
        f"{question_mark}{_escaped(query)}"
        # a second "#" is the fragment's own
        f"{hash_mark}{_escaped(fragment).replace('#', '%23')}"
    )


def _escaped(part: str) -> str:
    """``part`` of a URL with what a URL may not hold percent-escaped (UTF-8), as a browser
    escapes it."""
    return _NOT_IN_URL.sub(lambda m: quote(m.group(), safe=""), part)


def reading_minutes(article: Article) -> int:
    """Minutes a calm reader needs for the article's full text (at least 1)."""
    words = sum(len(p.text.split()) for p in article.paragraphs)
    return max(1, math.ceil(words / _WORDS_PER_MINUTE))


def plural(count: int, one: str, many: str) -> str:
    """``1 story`` / ``5 stories``: English, for what digest tells its operator (the command
    line, the log). What the reader sees goes through ``Language.ngettext``."""
    return f"{count} {one if count == 1 else many}"


# The full text is worth a "Full text" disclosure only when it holds this much more than the
# summary: a feed that carries only a teaser would otherwise show it twice.
MORE_THAN_SUMMARY_CHARS = 40


def adds_to(article: Article, summary: str) -> bool:
    """True when ``article``'s text says more than ``summary`` (a story's summary text)."""
    body = " ".join(p.text for p in article.paragraphs if p.kind != "heading" and p.text.strip())
    return len(" ".join(body.split())) > len(" ".join(summary.split())) + MORE_THAN_SUMMARY_CHARS


def upper_first(text: str) -> str:
    """``samedi 21 novembre`` → ``Samedi 21 novembre``: a date that stands alone (a heading,
    a list item) starts with a capital, as CLDR's context rules ask, even in the languages
    that write day and month names in lower case mid-sentence."""
    return text[:1].upper() + text[1:]


def other_language(tag: str | None, page: Language) -> str | None:
    """``tag``, for text in it on a page (or feed) in ``page``'s language, when it is another
    language; None when it is the same or not known."""
    if not tag or primary_subtag(tag) == primary_subtag(page.tag):
        return None
    return tag


def lang_attr(tag: str | None, page: Language | None = None) -> Markup:
    """`` lang="de"`` for text in ``tag``'s language on a page in another (``page``); nothing
    when the languages are the same. Text written the other way than the page's language
    says so too (`` lang="he" dir="rtl"``): a browser lays text out by its ``dir``, never by
    its ``lang``. Text whose language is not known (a feed or a file that does not say) may
    be written either way: `` dir="auto"`` has the browser take its direction from its first
    letter, or a Hebrew or Arabic headline would be laid out left to right, its punctuation
    at the wrong end."""
    page = page or english()
    if not tag:
        return Markup(' dir="auto"')
    tag = other_language(tag, page)
    if tag is None:
        return Markup("")
    written = direction(tag)
    if written != page.direction:
        return Markup(' lang="{}" dir="{}"').format(tag, written)
    return Markup(' lang="{}"').format(tag)


# The kinds of count whose figures may differ between reports (``digest.text.figures``), as
# the catalogues translate them: marked here so that extraction finds them.
def N_(message: str) -> str:
    """gettext's name for "mark for translation, translate later"."""
    return message


# TRANSLATORS: the kinds of count whose figures differ: "Figures differ · killed: 80¹ · 83²";
# a plural noun reads best ("dead", "injured")
FIGURE_KINDS = {
    "killed": N_("killed"),
    "injured": N_("injured"),
    "arrested": N_("arrested"),
    "missing": N_("missing"),
    "evacuated": N_("evacuated"),
    "rescued": N_("rescued"),
}


def figure_kind(kind: str, speaking: Language | None = None) -> str:
    """``killed`` as the reader's language labels that count (``Tote``)."""
    if kind not in FIGURE_KINDS:
        return kind
    return (speaking or english()).gettext(FIGURE_KINDS[kind])


# Why a source could not be read, as its readers are told it (``SourceFailure.reason``): the
# problem itself stays with whoever runs digest (see ``SourceFailure``).
FAILURE_REASONS = {
    # TRANSLATORS: these follow a source's name under "Sources that could not be read"
    "fetch": N_("could not be downloaded"),
    "content": N_("its content could not be read"),
    "gone": N_("no longer published"),
    "config": N_("its entry in the configuration is wrong"),
    "error": N_("an unexpected error"),
}


def failure_reason(reason: str, speaking: Language | None = None) -> str:
    """A ``SourceFailure.reason`` in the reader's language; "" for none (or one this digest
    does not know, stored by a newer one)."""
    if reason not in FAILURE_REASONS:
        return ""
    return (speaking or english()).gettext(FAILURE_REASONS[reason])


def lower_first(text: str) -> str:
    """``More than 80`` → ``more than 80``, for a phrase quoted mid-sentence; an acronym
    (``US``, ``AP``) keeps its capitals."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def day_filename(day: dt.date) -> str:
    """The day page's file name: ``2026-11-21.html``."""
    return f"{day.isoformat()}.html"


# ---------------------------------------------------------------- dates and times


def localtime(moment: dt.datetime, tz: ZoneInfo | dt.tzinfo) -> dt.datetime:
    """An aware datetime in the reader's timezone (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def utc_seconds(moment: dt.datetime) -> dt.datetime:
    """Aware UTC to the second (a naive one is taken as UTC): ``2026-11-21T05:00:00+00:00``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def iso_datetime(moment: dt.datetime) -> str:
    """For ``<time datetime>``: ``2026-11-21T08:30:00+01:00``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def human_datetime(moment: dt.datetime, reference: dt.date | None = None) -> str:
    """``Sat 21 Nov, 08:30`` (with the year when it is not ``reference``'s), in English: for
    what digest tells its operator. Templates have the reader's (``human_datetime`` filter)."""
    return english().date_time(moment, reference)


# ---------------------------------------------------------------- the built days


def window_day(days: Iterable[DayRecord]) -> dt.date | None:
    """The day the feeds' window (``feed_days``) and the state's (``keep_days``) count back
    from: the newest built day with a story. A day built with none (a run in its first hours,
    or one whose every source failed) has its page but moves neither window: it would drop
    from the feeds, and from the state, a day the feeds still show."""
    return max((record.day for record in days if record.story_count), default=None)


def newest_first(days: Iterable[DayRecord]) -> list[DayRecord]:
    """One record per day (the most recently updated if the caller passed two), newest first."""
    by_day: dict[dt.date, DayRecord] = {}
    for record in days:
        kept = by_day.get(record.day)
        if kept is None or utc_seconds(record.updated) > utc_seconds(kept.updated):
            by_day[record.day] = record
    return [by_day[d] for d in sorted(by_day, reverse=True)]
