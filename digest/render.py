"""The render stage: a built digest becomes HTML pages and an Atom feed.

Pages are Jinja templates (``templates/`` at the top of the repository, shipped as the
``digest.templates`` package); a user's ``templates`` folder is searched first, so copying one
file there overrides just that file. Everything that comes from an article is text: autoescape
is on for every ``*.html.j2`` template and no template marks article data ``|safe``.

All links between pages are relative (``index.html``, ``archive.html``, ``2026-11-21.html``,
``feed.atom``) so the output works opened from disk or served from any sub-path. Only the feed
uses absolute links, and only when ``site_url`` is configured.

Nothing here reads the clock: the feed is built from what the ``DayRecord``s carry, so
rebuilding an unchanged day yields a byte-identical ``feed.atom``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import math
import os
import re
import types
import uuid
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2
import jinja2.bccache
from feedgen.feed import FeedGenerator
from lxml import html as lxml_html
from markupsafe import Markup

from digest import PROJECT_URL, __version__
from digest.config import Config
from digest.model import Article, DayRecord, Digest, Story

INDEX_FILENAME = "index.html"
ARCHIVE_FILENAME = "archive.html"
FEED_FILENAME = "feed.atom"

DAY_TEMPLATE = "day.html.j2"
ARCHIVE_TEMPLATE = "archive.html.j2"
FRAGMENT_TEMPLATE = "fragment.html.j2"

# Names are spelled out rather than taken from strftime("%A %B"), which follows the process
# locale: a cron job under a French locale would otherwise change the pages and the feed.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Code points that are not allowed in XML 1.0 or are control characters in HTML: a stray one in
# an article would make the feed unserialisable and the page invalid.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

_WORDS_PER_MINUTE = 230
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# ---------------------------------------------------------------- templates and environment


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


_SYNTAX: dict[str, Any] = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs, in Jinja's private per-user cache folder.

    Compiling the templates is a good part of a small build's time. Jinja recompiles a
    template whose source changed; the file names also carry digest's version and syntax
    options, which the cached code depends on too. A cache that cannot be read or written
    is passed over, never an error; a damaged file (cut off, or overwritten) is removed and
    the template compiled again.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()
            return
        except Exception:  # pickle and marshal raise all sorts on damaged data
            damaged = True
        else:  # marshal may also read junk as a number or a string
            damaged = bucket.code is not None and not isinstance(bucket.code, types.CodeType)
        if damaged:
            bucket.reset()
            with contextlib.suppress(OSError):
                os.remove(self._get_cache_filename(bucket))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _compiled_templates() -> jinja2.BytecodeCache | None:
    if os.environ.get("DIGEST_NO_TEMPLATE_CACHE"):
        return None
    options = f"{__version__} {sorted(_SYNTAX.items())}"
    version = hashlib.sha256(options.encode()).hexdigest()[:16]
    try:
        return _CompiledTemplates(pattern=f"digest-{version}-%s.cache")
    except (OSError, RuntimeError):  # no private cache folder can be made: compile each run
        return None


def make_environment(templates: Path | None = None) -> jinja2.Environment:
    """A Jinja environment: the user's ``templates`` folder first, the built-ins as fallback.

    A user template can also extend or include a built-in one by its ``builtin/`` name, e.g.
    ``{% extends "builtin/day.html.j2" %}``, to change one block and keep the rest.
    """
    builtin = jinja2.FileSystemLoader(str(default_templates_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates)))
    loaders += [builtin, jinja2.PrefixLoader({"builtin": builtin})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2", "htm.j2", "xml.j2"),
            default_for_string=True,
            default=False,
        ),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        bytecode_cache=_compiled_templates(),
        **_SYNTAX,
    )
    env.filters.update(
        http_url=http_url,
        localtime=localtime,
        iso_datetime=iso_datetime,
        long_date=long_date,
        day_month_year=day_month_year,
        month_year=month_year,
        short_date=short_date,
        human_datetime=human_datetime,
        human_time=human_time,
        reading_minutes=reading_minutes,
        plural=plural,
        day_filename=day_filename,
    )
    return env


def _finalize(value: Any) -> Any:
    """Drop characters no HTML or XML document may hold from every printed string."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _FORBIDDEN_CHARS.sub("", value)
    return value


# ---------------------------------------------------------------- filters (also used here)


def http_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: only those become links."""
    if not url:
        return None
    url = url.strip()
    if _FORBIDDEN_CHARS.search(url) or any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def localtime(moment: dt.datetime, tz: ZoneInfo | dt.tzinfo) -> dt.datetime:
    """An aware datetime in the reader's timezone (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz)


def iso_datetime(moment: dt.datetime) -> str:
    """For ``<time datetime>``: ``2026-11-21T08:30:00+01:00``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


def long_date(day: dt.date) -> str:
    """``Saturday 21 November 2026``."""
    return f"{_WEEKDAYS[day.weekday()]} {day_month_year(day)}"


def day_month_year(day: dt.date) -> str:
    """``21 November 2026``."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_year(day: dt.date) -> str:
    """``November 2026``."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def human_time(moment: dt.datetime) -> str:
    """``08:30``."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def short_date(day: dt.date, reference: dt.date | None = None) -> str:
    """``Sat 21 Nov``; the year is added unless it is ``reference``'s: ``Thu 4 Dec 2025``."""
    text = f"{_WEEKDAYS[day.weekday()][:3]} {day.day} {_MONTHS[day.month - 1][:3]}"
    return text if reference is not None and reference.year == day.year else f"{text} {day.year}"


def human_datetime(moment: dt.datetime, reference: dt.date | None = None) -> str:
    """``Sat 21 Nov, 08:30`` (with the year when it is not ``reference``'s)."""
    return f"{short_date(moment, reference)}, {human_time(moment)}"


def reading_minutes(article: Article) -> int:
    """Minutes a calm reader needs for the article's full text (at least 1)."""
    words = sum(len(p.text.split()) for p in article.paragraphs)
    return max(1, math.ceil(words / _WORDS_PER_MINUTE))


def plural(count: int, one: str, many: str) -> str:
    """``1 story`` / ``5 stories``."""
    return f"{count} {one if count == 1 else many}"


def day_filename(day: dt.date) -> str:
    """The day page's file name: ``2026-11-21.html``."""
    return f"{day.isoformat()}.html"


# ---------------------------------------------------------------- pages


def render_fragment(digest: Digest, config: Config, env: jinja2.Environment) -> str:
    """The day's stories as an HTML fragment: the Atom entry content and ``content_html``.

    It holds nothing volatile (no generation time), so an unchanged day hashes the same.
    """
    template = env.get_template(FRAGMENT_TEMPLATE)
    return template.render(_base_context(config), digest=digest).strip() + "\n"


def render_day_page(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    fragment: str | None = None,
) -> str:
    """``YYYY-MM-DD.html``: the day's digest, with links to the previous and next days.

    ``fragment`` is the day's ``render_fragment``, when the caller has it already: the story
    list is then not rendered a second time.
    """
    return _render_day(digest, config, env, days, is_index=False, fragment=fragment)


def render_index(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    fragment: str | None = None,
) -> str:
    """``index.html``: the latest digest, linking to the earlier days and the archive."""
    return _render_day(digest, config, env, days, is_index=True, fragment=fragment)


def render_archive(config: Config, env: jinja2.Environment, days: Sequence[DayRecord]) -> str:
    """``archive.html``: every day, newest first, grouped by month, with its story count."""
    records = _newest_first(days)
    months: list[tuple[str, list[DayRecord]]] = []
    for record in records:
        label = month_year(record.day)
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(record)
    template = env.get_template(ARCHIVE_TEMPLATE)
    return template.render(
        _base_context(config),
        days=records,
        months=months,
        latest=records[0] if records else None,
    )


def _render_day(
    digest: Digest,
    config: Config,
    env: jinja2.Environment,
    days: Sequence[DayRecord],
    *,
    is_index: bool,
    fragment: str | None = None,
) -> str:
    others = {record.day for record in days} - {digest.day}
    previous = max((d for d in others if d < digest.day), default=None)
    following = min((d for d in others if d > digest.day), default=None)
    template = env.get_template(DAY_TEMPLATE)
    return template.render(
        _base_context(config),
        digest=digest,
        is_index=is_index,
        previous_day=previous,
        next_day=following,
        generated_at=localtime(digest.generated_at, config.timezone),
        sources=sorted({a.source for s in digest.stories for a in s.articles}),
        # our own autoescaped output, so it may go in as markup
        fragment_html=Markup(fragment.rstrip("\n")) if fragment is not None else None,
    )


def _base_context(config: Config) -> dict[str, Any]:
    return {
        "config": config,
        "site_title": config.title,
        "tz": config.timezone,
        "index_href": INDEX_FILENAME,
        "archive_href": ARCHIVE_FILENAME,
        "feed_href": FEED_FILENAME,
    }


def _newest_first(days: Iterable[DayRecord]) -> list[DayRecord]:
    """One record per day (the most recently updated if the caller passed two), newest first."""
    by_day: dict[dt.date, DayRecord] = {}
    for record in days:
        kept = by_day.get(record.day)
        if kept is None or _utc(record.updated) > _utc(kept.updated):
            by_day[record.day] = record
    return [by_day[d] for d in sorted(by_day, reverse=True)]


# ---------------------------------------------------------------- Atom feed


def render_feed(days: Sequence[DayRecord], config: Config, feed_id: str) -> bytes:
    """``feed.atom``: one entry per day, newest first, for the last ``config.feed_days`` days.

    The window is counted in calendar days back from the newest day in ``days`` (not from
    today), and every date comes from the records, so the same records give the same bytes.
    Links are absolute when ``site_url`` is set; without it they are relative to the feed.
    """
    records = _newest_first(days)
    if records:
        oldest_kept = records[0].day - dt.timedelta(days=config.feed_days - 1)
        records = [r for r in records if r.day >= oldest_kept]
    base = config.site_url or ""

    fg = _feed_generator(config, feed_id, config.title, FEED_FILENAME)
    # feedgen would otherwise stamp the feed (and each entry) with the current time
    fg.updated(max((_utc(r.updated) for r in records), default=_EPOCH))

    for record in records:
        page = base + day_filename(record.day)
        content = _xml_text(record.content_html)
        if config.site_url:
            content = _absolute_links(content, page)
        count = (
            plural(record.story_count, "story", "stories") if record.story_count else "nothing new"
        )
        entry = fg.add_entry(order="append")
        entry.id(record.entry_id)
        entry.title(_xml_text(f"{record.title} — {day_month_year(record.day)} ({count})"))
        # feedgen 1.0 drops rel/type of entry links; rel="alternate" is Atom's default anyway
        entry.link(href=page, rel="alternate")
        entry.published(_utc(record.published))
        entry.updated(_utc(record.updated))
        entry.content(content, type="html")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


ARTICLES_FEED_FILENAME = "articles.atom"
ARTICLE_TEMPLATE = "article.html.j2"


def render_articles_feed(
    days: Sequence[tuple[DayRecord, Sequence[Story]]],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
) -> bytes:
    """``articles.atom``: one entry per story of the last ``config.feed_days`` days.

    For readers who would rather see each story in their feed reader than one entry a day.
    An entry's id derives from the article's stable key, so it never changes between builds.
    """
    ordered = sorted(days, key=lambda pair: pair[0].day, reverse=True)
    if ordered:
        oldest_kept = ordered[0][0].day - dt.timedelta(days=config.feed_days - 1)
        ordered = [pair for pair in ordered if pair[0].day >= oldest_kept]
    base = config.site_url or ""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)
    template = env.get_template(ARTICLE_TEMPLATE)

    fg = _feed_generator(
        config,
        f"urn:uuid:{uuid.uuid5(namespace, 'articles')}",
        f"{config.title}: every story",
        ARTICLES_FEED_FILENAME,
    )
    updated = _EPOCH
    for record, stories in ordered:
        for story in stories:
            lead = story.lead
            published = _utc(lead.published or record.published)
            changed = max(published, _utc(record.published))
            updated = max(updated, changed)
            entry = fg.add_entry(order="append")
            entry.id(f"urn:uuid:{uuid.uuid5(namespace, lead.key)}")
            entry.title(_xml_text(story.headline or lead.title or "Untitled"))
            entry.link(href=http_url(lead.url) or base + day_filename(record.day))
            entry.published(published)
            entry.updated(changed)
            entry.author({"name": _xml_text(lead.author or lead.source)})
            content = template.render(_base_context(config), story=story).strip()
            entry.content(_xml_text(content), type="html")
    fg.updated(updated)
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _feed_generator(config: Config, feed_id: str, title: str, filename: str) -> FeedGenerator:
    """A feed's head: id, title, author, generator, and its self and alternate links."""
    base = config.site_url or ""
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(_xml_text(title))
    fg.author({"name": _xml_text(config.author)})
    fg.generator("digest", version=__version__, uri=PROJECT_URL)
    fg.language("en")
    if config.site_url:
        fg.link(href=base + filename, rel="self", type="application/atom+xml")
    fg.link(href=base or INDEX_FILENAME, rel="alternate", type="text/html")
    return fg


def _utc(moment: dt.datetime) -> dt.datetime:
    """Aware UTC to the second: ``2026-11-21T05:00:00+00:00`` in the feed."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _xml_text(text: str) -> str:
    return _FORBIDDEN_CHARS.sub("", text)


def _absolute_links(fragment: str, base: str) -> str:
    """The fragment with every relative link resolved against ``base`` (its day page)."""
    if not fragment.strip():
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    wrapper.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    inner = (wrapper.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in wrapper
    )
    return inner
