"""The Atom feeds: ``feed.atom`` (one entry per day) and ``articles.atom`` (one per story).

Both are written by feedgen and keep the last ``config.feed_days`` days, counted back from the
newest built day (not from today). Links are absolute when ``site_url`` is configured, and
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
import uuid
from collections.abc import Sequence
from typing import Any

import jinja2
from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
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
    xml_text,
)
from digest.templating import language_of

ARTICLE_TEMPLATE = "article.html.j2"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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
    """``feed.atom``: one entry per day, newest first, for the last ``config.feed_days`` days.

    The window is counted in calendar days back from the newest day in ``days`` (not from
    today), and every date comes from the records, so the same records give the same bytes.
    Links are absolute when ``site_url`` is set; without it they are relative to the feed.
    """
    records = newest_first(days)
    if records:
        oldest_kept = records[0].day - dt.timedelta(days=config.feed_days - 1)
        records = [r for r in records if r.day >= oldest_kept]
    base = config.site_url or ""
    lang = language(config.language)

    fg = _feed_generator(config, feed_id, config.title, FEED_FILENAME, lang)
    # feedgen would otherwise stamp the feed (and each entry) with the current time
    fg.updated(max((utc_seconds(r.updated) for r in records), default=_EPOCH))

    for record in records:
        page = base + day_filename(record.day)
        content = xml_text(record.content_html)
        if config.site_url:
            content = _absolute_links(content, page)
        if record.story_count:
            count = lang.ngettext("%(num)s story", "%(num)s stories", record.story_count)
        else:
            count = lang.gettext("nothing new")
        # TRANSLATORS: a feed entry's title: "Morning Read — 21 November 2026 (12 stories)"
        title = lang.gettext("%(title)s — %(date)s (%(count)s)") % {
            "title": record.title,
            "date": lang.day_month_year(record.day),
            "count": count,
        }
        entry = fg.add_entry(order="append")
        entry.id(record.entry_id)
        entry.title(xml_text(title))
        # feedgen 1.0 drops rel/type of entry links; rel="alternate" is Atom's default anyway
        entry.link(href=page, rel="alternate")
        entry.published(utc_seconds(record.published))
        entry.updated(utc_seconds(record.updated))
        entry.content(content, type="html")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def render_articles_feed(
    days: Sequence[tuple[DayRecord, Sequence[Story]]],
    config: Config,
    env: jinja2.Environment,
    feed_id: str,
) -> bytes:
    """``articles.atom``: one entry per story of the last ``config.feed_days`` days.

    For readers who would rather see each story in their feed reader than one entry a day.
    An entry's id derives from the story's id, which stays put when later reports join the
    story (see ``digest.group.keep_ids``), so feed readers do not show it twice. Its link to
    the story it continues is absolute when ``site_url`` is set, as the day feed's links are.
    """
    ordered = sorted(days, key=lambda pair: pair[0].day, reverse=True)
    if ordered:
        oldest_kept = ordered[0][0].day - dt.timedelta(days=config.feed_days - 1)
        ordered = [pair for pair in ordered if pair[0].day >= oldest_kept]
    base = config.site_url or ""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)
    template = env.get_template(ARTICLE_TEMPLATE)
    lang = language_of(env)

    fg = _feed_generator(
        config,
        f"urn:uuid:{uuid.uuid5(namespace, 'articles')}",
        lang.gettext("%(title)s: every story") % {"title": config.title},
        ARTICLES_FEED_FILENAME,
        lang,
    )
    updated = _EPOCH
    for record, stories in ordered:
        for story in stories:
            lead = story.lead
            published = utc_seconds(lead.published or record.published)
            # when the story last changed: its newest article's time, or later if an earlier
            # build stored a later change (each entry its own moment, not the build's)
            newest = max((a.published for a in story.articles if a.published), default=None)
            changed = max(published, utc_seconds(newest or record.published))
            if story.updated is not None:
                changed = max(changed, utc_seconds(story.updated))
            updated = max(updated, changed)
            entry = fg.add_entry(_Entry(), order="append")
            entry.title_language = other_language(lead.language, lang)
            entry.id(f"urn:uuid:{uuid.uuid5(namespace, 'story:' + (story.id or lead.key))}")
            entry.title(xml_text(story.headline or lead.title or lang.gettext("Untitled")))
            entry.link(href=http_url(lead.url) or base + day_filename(record.day))
            entry.published(published)
            entry.updated(changed)
            entry.author({"name": xml_text(lead.author or lead.source)})
            content = template.render(base_context(config), story=story).strip()
            entry.content(xml_text(content), type="html")
    fg.updated(updated)
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


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
    if config.site_url:
        fg.link(href=base + filename, rel="self", type="application/atom+xml")
    fg.link(href=base or INDEX_FILENAME, rel="alternate", type="text/html")
    return fg


def _absolute_links(fragment: str, base: str) -> str:
    """The fragment with every relative link resolved against ``base`` (its day page)."""
    if not fragment.strip():
        return fragment
    wrapper = lxml_html.fragment_fromstring(fragment, create_parent="div")
    wrapper.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    # the text before the first tag comes back parsed (unescaped), the rest serialised
    inner = html.escape(wrapper.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in wrapper
    )
    return inner
