"""The Atom feeds: ``feed.atom`` (one entry per day) and ``articles.atom`` (one per story).

Both are written by feedgen and keep at most the last ``config.feed_days`` days, counted back
from the newest built day (not from today), and of those only the newest that fit in
``FEED_BYTES`` (see ``_Budget``). Links are absolute when ``site_url`` is configured, and
relative to the feed otherwise; a day entry's content is the day's rendered fragment, with its
links made absolute the same way.

Both speak the config's ``language``: the feed's ``xml:lang`` and its entries' titles (the
day's date and story count), as the templates do the content. An entry's text in another
language carries its own ``lang`` attribute (see ``article.html.j2``), and a story's headline
in another language, its ``xml:lang``.

Nothing here reads the clock: a feed is built from what the ``DayRecord``s carry, so
rebuilding an unchanged day yields byte-identical feeds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree
from lxml import html as lxml_html

from digest import PROJECT_URL, __version__
from digest.config import Config
from digest.language import Language, language
from digest.model import DayRecord, Story
from digest.present import (
    ARTICLES_FEED_FILENAME,
    FEED_FILENAME,
    INDEX_FILENAME,
    base_context,
    day_filename,
    http_url,
    newest_first,
    other_language,
    utc_seconds,
    window_day,
    xml_text,
)
from digest.templating import language_of

ARTICLE_TEMPLATE = "article.html.j2"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The most a feed file may weigh, in bytes. A day entry carries the whole day (every story's
# full text), a few hundred kilobytes on a busy day, so a month of them made a feed of 10 MB
# and more: past what feed readers accept (CommaFeed refuses over 5 MiB, some readers over
# 2 MiB; digest's own fetcher, over 10 MB) and heavy to download again each time the day
# changes. A feed is a window on the newest entries, not an archive (every day keeps its
# page, and the archive lists them): a reader that polls even every few days finds each entry
# while it is in the window, and keeps it after it leaves. So a feed holds the newest days,
# whole, that fit in this; the newest day is always there, however large it is. 4 MiB is
# under CommaFeed's limit and holds about ten of the busiest days seen (400 kB each), so a
# reader opened only every week or so (newsboat, a desktop reader) still finds every day.
FEED_BYTES = 4 * 1024 * 1024


class _Entry(FeedEntry):
    """A feed entry whose title may be in another language than the feed's: a story's
    headline, in its lead report's language (``xml:lang`` on the title)."""

    title_language: str | None = None

    def atom_entry(self, extensions: bool = True) -> Any:
        entry = super().atom_entry(extensions)
        if self.title_language:
            entry.find("title").set(_XML_LANG, self.title_language)
        return entry


def render_feed(days: Sequence[DayRecord], config: Config, feed_id: str) -> bytes:
    """``feed.atom``: one entry per day, newest first, for at most the last ``config.feed_days``
    days, and of them the newest that fit in ``FEED_BYTES``.

    The window is counted in calendar days back from the newest day in ``days`` (not from
    today), and every date comes from the records, so the same records give the same bytes.
    Links are absolute when ``site_url`` is set; without it they are relative to the feed
    (see ``present.relative_links_note``).
    """
    records = _in_window(days, config)
    base = config.site_url or ""
    lang = language(config.language)

    fg = _feed_generator(config, feed_id, config.title, FEED_FILENAME, lang)
    budget = _Budget(fg)
    kept: list[DayRecord] = []
    for record in records:
        page = base + day_filename(record.day)
        # The content's links are the day page's own ("#story-..." included), and a feed
        # reader resolves them against the feed's address (RFC 4287's xml:base, by default
        # the document's): so each is written as the page's, absolute with site_url, else
        # relative to the feed's folder, the pages' ("2026-11-21.html#story-...").
        content = _absolute_links(xml_text(record.content_html), page)
        count = lang.ngettext("%(num)s story", "%(num)s stories", record.story_count)
        # TRANSLATORS: a feed entry's title: "Morning Read — 21 November 2026 (12 stories)"
        title = lang.gettext("%(title)s — %(date)s (%(count)s)") % {
            "title": record.title,
            "date": lang.day_month_year(record.day),
            "count": count,
        }
        entry = FeedEntry()
        entry.id(record.entry_id)
        entry.title(xml_text(title))
        # feedgen 1.0 drops rel/type of entry links; rel="alternate" is Atom's default anyway
        entry.link(href=page, rel="alternate")
        entry.published(utc_seconds(record.published))
        entry.updated(utc_seconds(record.updated))
        entry.content(content, type="html")
        if not budget.take([entry]):
            break
        kept.append(record)
    # feedgen would otherwise stamp the feed with the current time; the newest change the
    # feed holds (not one of a day past its budget: the feed would claim a change it lacks)
    fg.updated(max((utc_seconds(r.updated) for r in kept), default=_empty_feed_updated(days)))
    return budget.feed()


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """One story's ``articles.atom`` entry, as feedgen is given it (each text already made
    fit for XML). A build stores each day's (``entries_to_store``), so that a later build
    need not group, link and render a day whose stories have not changed (see
    ``render_articles_feed``)."""

    id: str
    title: str
    title_language: str | None
    link: str
    published: dt.datetime  # aware UTC, to the second
    updated: dt.datetime  # the same: when the story last changed
    author: str
    content: str

    def feed_entry(self) -> FeedEntry:
        entry = _Entry()
        entry.title_language = self.title_language
        entry.id(self.id)
        entry.title(self.title)
        entry.link(href=self.link)
        entry.published(self.published)
        entry.updated(self.updated)
        entry.author({"name": self.author})
        entry.content(self.content, type="html")
        return entry


def article_entries(
    record: DayRecord,
    stories: Sequence[Story],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
) -> tuple[ArticleEntry, ...]:
    """The ``articles.atom`` entries of the day ``record``, one per story of ``stories``.

    An entry's id derives from the story's id, which stays put when later reports join the
    story (see ``digest.group.keep_ids``), so feed readers do not show it twice. Its link to
    the story it continues is absolute when ``site_url`` is set, as the day feed's links are.
    """
    base = config.site_url or ""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)
    template = env.get_template(ARTICLE_TEMPLATE)
    lang = language_of(env)
    entries = []
    for story in stories:
        lead = story.lead
        published = utc_seconds(story.published_at(record.published))
        # when the story last changed: its newest article's time, or later if an earlier
        # build stored a later change (each entry its own moment, not the build's)
        newest = max((a.published for a in story.articles if a.published), default=None)
        changed = max(published, utc_seconds(newest or record.published))
        if story.updated is not None:
            changed = max(changed, utc_seconds(story.updated))
        content = template.render(base_context(config), story=story).strip()
        entries.append(
            ArticleEntry(
                id=f"urn:uuid:{uuid.uuid5(namespace, 'story:' + (story.id or lead.key))}",
                title=xml_text(story.headline or lead.title or lang.gettext("Untitled")),
                title_language=other_language(lead.language, lang),
                link=http_url(lead.url) or base + day_filename(record.day),
                published=published,
                updated=changed,
                author=xml_text(lead.author or lead.source),
                content=xml_text(content),
            )
        )
    return tuple(entries)


def render_articles_feed(
    days: Sequence[DayRecord],
    stories_on: Callable[[dt.date], Sequence[Story]],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
    *,
    stored: Mapping[dt.date, Sequence[ArticleEntry]] | None = None,
    made: dict[dt.date, tuple[ArticleEntry, ...]] | None = None,
    read: list[dt.date] | None = None,
) -> bytes:
    """``articles.atom``: one entry per story (``stories_on(day)``, see ``article_entries``)
    of at most the last ``config.feed_days`` days, and of them the newest days whose entries
    fit in ``FEED_BYTES``.

    For readers who would rather see each story in their feed reader than one entry a day.
    A day's entries are taken from ``stored`` when it has them (what an earlier build made of
    the day, still true: the caller's to judge); its stories are asked for only when they
    are not and the day is in the feed: regrouping a day is the costly part, and a busy
    month's days mostly fall past the budget. The entries made are put in ``made``, by day,
    and the days whose entries were offered to the budget in ``read``, newest first (the last
    may be one that did not fit): the feed reads no older day until its newer ones shrink.
    """
    records = _in_window(days, config)
    lang = language_of(env)
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)

    fg = _feed_generator(
        config,
        f"urn:uuid:{uuid.uuid5(namespace, 'articles')}",
        lang.gettext("%(title)s: every story") % {"title": config.title},
        ARTICLES_FEED_FILENAME,
        lang,
    )
    budget = _Budget(fg)
    changed: list[dt.datetime] = []  # when each entry the feed holds last changed
    for record in records:
        if stored is not None and record.day in stored:
            entries = tuple(stored[record.day])
        else:
            entries = article_entries(record, stories_on(record.day), config, env, feed_id)
            if made is not None:
                made[record.day] = entries
        if read is not None:
            read.append(record.day)
        # a day's stories go in together or not at all: a day is what the window counts
        if not budget.take([entry.feed_entry() for entry in entries]):
            break
        changed.extend(entry.updated for entry in entries)
    fg.updated(max(changed) if changed else _empty_feed_updated(days))
    return budget.feed()


# The version of what ``entries_to_store`` writes: another is never read, only made again.
_STORED_ENTRIES = 1


def entries_to_store(entries: Sequence[ArticleEntry], made_from: str) -> str:
    """A day's ``articles.atom`` entries for the state, with what they were made from
    (``made_from``: a fingerprint of the settings, templates and code, see the caller)."""
    return json.dumps(
        {
            "version": _STORED_ENTRIES,
            "made_from": made_from,
            "entries": [
                {
                    **{f: getattr(e, f) for f in ("id", "title", "link", "author", "content")},
                    "title_language": e.title_language,
                    "published": e.published.isoformat(),
                    "updated": e.updated.isoformat(),
                }
                for e in entries
            ],
        },
        ensure_ascii=False,
    )


def stored_entries(value: str | None, made_from: str) -> tuple[ArticleEntry, ...] | None:
    """A day's entries as ``entries_to_store`` stored them, if they were made from
    ``made_from``; None when they were not, or cannot be read (made again, as before)."""
    if not value:
        return None
    try:
        data = json.loads(value)
        if data["version"] != _STORED_ENTRIES or data["made_from"] != made_from:
            return None
        return tuple(
            ArticleEntry(
                id=str(item["id"]),
                title=str(item["title"]),
                title_language=item["title_language"],
                link=str(item["link"]),
                published=dt.datetime.fromisoformat(item["published"]),
                updated=dt.datetime.fromisoformat(item["updated"]),
                author=str(item["author"]),
                content=str(item["content"]),
            )
            for item in data["entries"]
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


class _Budget:
    """The entries a feed takes, newest first, while the whole file stays within
    ``FEED_BYTES``; the first group offered is always taken, so the newest day is never
    missing. A group is taken whole or not at all, and once one is refused the feed is full:
    an older day never stands in for a newer one.

    Each entry is measured as feedgen will write it (serialised alone, plus the two spaces of
    indentation each of its lines gains inside the feed), so the feed is built once, with
    the entries it keeps only."""

    def __init__(self, fg: FeedGenerator) -> None:
        self._fg = fg
        fg.updated(_EPOCH)  # (the head's size, without feedgen reading the clock)
        self._used = len(_serialised(fg))
        self._taken = self._full = False

    def take(self, entries: Sequence[FeedEntry]) -> bool:
        """Add ``entries`` to the feed if they fit (or are the first); False once full."""
        if self._full:
            return False
        size = sum(_entry_bytes(entry) for entry in entries)
        if self._taken and self._used + size > FEED_BYTES:
            self._full = True
            return False
        self._taken = True
        for entry in entries:
            self._fg.add_entry(entry, order="append")
        self._used += size
        return True

    def feed(self) -> bytes:
        return _serialised(self._fg)


def _serialised(fg: FeedGenerator) -> bytes:
    return bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def _entry_bytes(entry: FeedEntry) -> int:
    element = entry.atom_entry()
    alone = etree.tostring(element, pretty_print=True, encoding="UTF-8", xml_declaration=False)
    # Inside the feed each of its element's lines is indented two spaces more; the lines of
    # its text (a day's HTML, escaped: no "<" in it) are not.
    return len(alone) + 2 * (1 + len(_ELEMENT_LINE.findall(alone)))


_ELEMENT_LINE = re.compile(rb"\n *<")


def _empty_feed_updated(days: Sequence[DayRecord]) -> dt.datetime:
    """The ``updated`` of a feed with no entry (no day built has a story yet: every source
    failed on the first day, or a first run in the day's first hours): RFC 4287 requires
    one, and 1970 told a feed reader the feed had not changed in decades. When the days
    built last changed is when the feed last did: taken from the records, not the clock, so
    a rerun that changes nothing writes the same bytes."""
    return max((utc_seconds(record.updated) for record in days), default=_EPOCH)


def _in_window(records: Sequence[DayRecord], config: Config) -> list[DayRecord]:
    """The days with a story of the last ``config.feed_days`` calendar days, counted back
    from the newest built day with one (``present.window_day``; not from today), newest
    first: a gap in the days does not pull older ones in. A day with no story has its page
    and its line in the archive, but no entry: most runs of the day's first hours find none
    yet, and a feed reader keeps what an entry said when it first saw it, "nothing new" on a
    day that then brought its stories."""
    newest = window_day(records)
    if newest is None:
        return []
    oldest_kept = config.feed_from(newest)
    return [r for r in newest_first(records) if r.day >= oldest_kept and r.story_count]


def _feed_generator(
    config: Config, feed_id: str, title: str, filename: str, lang: Language
) -> FeedGenerator:
    """A feed's head: id, title, author, generator, language, and its self and alternate
    links."""
    base = config.site_url or ""
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(xml_text(title))
    fg.author({"name": xml_text(config.author)})
    fg.generator("digest", version=__version__, uri=PROJECT_URL)
    fg.language(lang.tag)
    # (relative without site_url: the feed's own address, wherever it is published)
    fg.link(href=base + filename, rel="self", type="application/atom+xml")
    fg.link(href=base or INDEX_FILENAME, rel="alternate", type="text/html")
    return fg


def _absolute_links(fragment: str, base: str) -> str:
    """The fragment with every relative link resolved against ``base`` (its day page: an
    absolute URL, or its file name, which makes them relative to the output folder)."""
    if not fragment.strip():
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    wrapper.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    # the text before the first tag comes back parsed (unescaped), the rest serialised
    inner = html.escape(wrapper.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in wrapper
    )
    return inner
