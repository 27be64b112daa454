"""The shared word knowledge in ``lexicon.toml``, read once and handed out as sets and patterns.

Dates, datelines, bylines, captions and photo credits, and the names sites give page furniture
are recognised in several modules (the date parser, feed HTML, page tidying, the summariser);
the words they go by live in one file so that the modules cannot drift apart. :func:`lexicon`
parses it on first use and caches the result for the process (a few hundred words: about a
millisecond). The file ships with the package and is not user-configurable: a broken one is a
packaging bug, reported as :class:`LexiconError`.

Each module keeps the shape of its own patterns (where a credit may stand, what may follow a
dateline); it takes the words from here, as a set or as a regular-expression alternation
(:func:`any_of`).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

LEXICON_FILE = "lexicon.toml"

Hint = tuple[str, ...]  # a page-furniture hint as lowercase words: ("most", "read")


class LexiconError(ValueError):
    """The built-in lexicon file is missing a list or holds a malformed one."""


@dataclass(frozen=True)
class HeadlineWords:
    """One language's words for cutting a sentence to a headline (``[headlines.xx]``)."""

    openers: frozenset[str]
    relatives: frozenset[str]
    reporting: frozenset[str]  # single words and phrases ("a déclaré", "hieß es")
    according: frozenset[str]
    as_reported: frozenset[str]
    subordinators: frozenset[str]
    prepositions: frozenset[str]
    conjunctions: frozenset[str]
    complementizers: frozenset[str]
    articles: frozenset[str]
    dangling: frozenset[str]
    verb_final: bool
    # What marks an infinitive clause: a word before the verb ("zu"), or written
    # "-zu-", inside it ("anzuheben"). A clause opened by a word that is both an article and a
    # relative pronoun ("das") and closed by an infinitive is not a relative clause.
    infinitive_marks: frozenset[str] = frozenset()
    # Prepositions whose object is a pair ("between Nice and the col"): a conjunction after
    # one joins the pair, and a cut before it would halve the phrase.
    pairs: frozenset[str] = frozenset()

    @classmethod
    def union(cls, every: Iterable[HeadlineWords]) -> HeadlineWords:
        """Every language's words at once: for a sentence whose language is not known."""
        every = tuple(every)
        fields = {
            name: frozenset().union(*(getattr(w, name) for w in every))
            for name in cls.__dataclass_fields__
            if name not in ("verb_final", "infinitive_marks")
        }
        return cls(**fields, verb_final=False)


@dataclass(frozen=True)
class Lexicon:
    """Everything in ``lexicon.toml``, typed. Words are lowercase unless noted."""

    # dates
    months: Mapping[str, int]  # every language's month names → 1-12
    months_by_language: Mapping[str, frozenset[str]]
    weekdays_by_language: Mapping[str, frozenset[str]]
    zone_offsets: Mapping[str, int]  # zone name → minutes east of UTC
    timestamp_zones: frozenset[str]  # zone names that mark a line as a timestamp
    status_words: frozenset[str]  # "published", "updated"...
    relative_days: frozenset[str]  # "today", "yesterday"
    # datelines and bylines (as written: matched case-sensitively)
    dateline_agencies: tuple[str, ...]  # regular expressions
    byline_starters: tuple[str, ...]
    byline_words: frozenset[str]
    byline_leads: frozenset[str]  # "by", "von", "par"...: the word a byline opens with
    # captions and photo credits
    credit_media: tuple[str, ...]
    credit_qualifiers: tuple[str, ...]
    photo_agencies: tuple[str, ...]  # as written
    credit_words: tuple[str, ...]  # as written
    # page furniture
    widget_names: frozenset[str]
    furniture_hints: frozenset[Hint]  # the widgets and captions too
    caption_hints: frozenset[Hint]
    hidden_hints: frozenset[Hint]
    hidden_roles: frozenset[str]
    article_body_hints: frozenset[Hint]
    comment_section_hints: frozenset[Hint]
    standfirst_hints: frozenset[Hint]
    # keys of a page's app data that hold no part of its article: the furniture, comments
    app_data_hints: frozenset[Hint]
    # function words by language (BCP 47 primary subtag)
    stop_words: Mapping[str, frozenset[str]]
    # cutting a sentence to a headline, by language (BCP 47 primary subtag)
    headline_words: Mapping[str, HeadlineWords]
    name_particles: frozenset[str]  # "da", "von": inside a person's or a place's name
    # how software releases are titled: a version's own words ("release", "version"), its
    # stages ("beta", "rc", "lts"), and the words a feed of releases is called by around its
    # project's name ("release notes", "tags") and the words that join them ("from", "for")
    version_words: frozenset[str]
    release_stages: frozenset[str]
    release_feeds: frozenset[str]
    release_links: frozenset[str]
    # how a title joins several items (a briefing's, a newsletter's): what a briefing calls
    # itself before a colon, what opens a next item, what closes a list ("and more")
    briefing_names: frozenset[str]
    briefing_next_item: frozenset[str]
    briefing_and_more: frozenset[str]
    # the labels that mark a post as paid for ("sponsored", "anzeige", "publireportage"),
    # and those that do only where a title puts its label ("sponsor", "ad", "werbung")
    paid_labels: frozenset[str]
    paid_title_labels: frozenset[str]
    # what a word in brackets says of the post itself ("updated", "video", "pdf"): no
    # publisher's name
    post_labels: frozenset[str]
    # what a feed of one section of a site is titled by ("world", "top stories", "deportes"):
    # a feed titled only so is shown with its site's name
    feed_sections: frozenset[str]

    @property
    def english_months(self) -> frozenset[str]:
        return self.months_by_language["en"]

    @property
    def english_weekdays(self) -> frozenset[str]:
        return self.weekdays_by_language["en"]


def any_of(words: Iterable[str]) -> str:
    """A regular-expression alternation of literal ``words``, longest first (so "Getty Images"
    is tried before "Getty"); a space in a word matches any run of whitespace."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in unique)


@functools.cache
def lexicon() -> Lexicon:
    """The built-in lexicon, parsed once per process."""
    raw = resources.files("digest.text").joinpath(LEXICON_FILE).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{LEXICON_FILE}: not UTF-8 text ({exc.reason})") from exc
    return parse_lexicon(text)


def parse_lexicon(text: str) -> Lexicon:
    """A lexicon from TOML text of ``lexicon.toml``'s shape; LexiconError names what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{LEXICON_FILE}: not valid TOML: {exc}") from exc
    return _build(data)


def _build(data: Mapping[str, Any]) -> Lexicon:
    dates = _table(data, "dates")
    months_by_language, months = _numbered(_table(dates, "months", "dates"), 12, "dates.months")
    weekdays_by_language, _ = _numbered(_table(dates, "weekdays", "dates"), 7, "dates.weekdays")
    zones = _table(dates, "zones", "dates")
    for name, offset in zones.items():
        if name != name.lower() or isinstance(offset, bool) or not isinstance(offset, int):
            raise LexiconError(f"{LEXICON_FILE}: dates.zones.{name} must be lowercase = minutes")
    zone_words = set(zones) | _words(dates, "zones_without_offset", "dates")
    zone_words -= _words(dates, "zones_that_are_words", "dates")

    clutter = _table(data, "clutter")
    widgets = _words(clutter, "widgets", "clutter")
    if any(" " in w for w in widgets):
        raise LexiconError(f"{LEXICON_FILE}: clutter.widgets must be single words")
    captions = _table(data, "captions")
    bylines = _table(data, "bylines")
    releases = _table(data, "releases")
    briefings = _table(data, "briefings")
    return Lexicon(
        months=MappingProxyType(months),
        months_by_language=MappingProxyType(months_by_language),
        weekdays_by_language=MappingProxyType(weekdays_by_language),
        zone_offsets=MappingProxyType(dict(zones)),
        timestamp_zones=frozenset(zone_words),
        status_words=_words(dates, "status", "dates"),
        relative_days=_words(dates, "relative_days", "dates"),
        dateline_agencies=_strings(_table(data, "datelines"), "agencies", "datelines"),
        byline_starters=_strings(bylines, "starters", "bylines"),
        byline_words=_words(bylines, "words", "bylines"),
        byline_leads=_words(bylines, "leads", "bylines"),
        credit_media=_strings(captions, "media", "captions"),
        credit_qualifiers=_strings(captions, "qualifiers", "captions"),
        photo_agencies=_strings(captions, "agencies", "captions"),
        credit_words=_strings(captions, "credit_words", "captions"),
        widget_names=widgets,
        furniture_hints=frozenset(
            _hints(clutter, "widgets")
            | _hints(clutter, "page_furniture")
            | _hints(clutter, "captions")
        ),
        caption_hints=_hints(clutter, "captions"),
        hidden_hints=_hints(clutter, "hidden"),
        hidden_roles=_words(clutter, "hidden_roles", "clutter"),
        article_body_hints=_hints(clutter, "article_body"),
        comment_section_hints=_hints(clutter, "comment_sections"),
        standfirst_hints=_hints(clutter, "standfirst"),
        app_data_hints=frozenset(
            _hints(clutter, "widgets")
            | _hints(clutter, "page_furniture")
            | _hints(clutter, "captions")
            | _hints(clutter, "comment_sections")
            | _hints(clutter, "app_data")
        ),
        stop_words=MappingProxyType(_stop_words(_table(data, "stop_words"))),
        headline_words=MappingProxyType(_headline_words(_table(data, "headlines"))),
        name_particles=_words(_table(data, "headlines"), "name_particles", "headlines"),
        version_words=_words(releases, "versions", "releases"),
        release_stages=_words(releases, "stages", "releases"),
        release_feeds=_words(releases, "feeds", "releases"),
        release_links=_words(releases, "links", "releases"),
        briefing_names=_words(briefings, "names", "briefings"),
        briefing_next_item=_words(briefings, "next_item", "briefings"),
        briefing_and_more=_words(briefings, "and_more", "briefings"),
        paid_labels=_words(_table(data, "paid"), "labels", "paid"),
        paid_title_labels=_words(_table(data, "paid"), "title_labels", "paid"),
        post_labels=_words(_table(data, "post_labels"), "words", "post_labels"),
        feed_sections=_words(_table(data, "feed_titles"), "sections", "feed_titles"),
    )


_HEADLINE_LISTS = (
    "openers", "relatives", "reporting", "according", "as_reported", "subordinators",
    "prepositions", "conjunctions", "complementizers", "articles",
)  # fmt: skip


def _headline_words(table: Mapping[str, Any]) -> dict[str, HeadlineWords]:
    found = {}
    for language, words in table.items():
        if not isinstance(words, dict):
            continue  # a list shared by every language: name_particles
        where = f"headlines.{language}"
        dangling = words.get("dangling")
        if not isinstance(dangling, str) or dangling != dangling.lower():
            raise LexiconError(f"{LEXICON_FILE}: {where}.dangling must be lowercase words")
        verb_final = words.get("verb_final")
        if not isinstance(verb_final, bool):
            raise LexiconError(f"{LEXICON_FILE}: {where}.verb_final must be true or false")
        lists = {name: _words(words, name, where) for name in _HEADLINE_LISTS}
        marks = _words(words, "infinitive_marks", where) if "infinitive_marks" in words else ()
        pairs = _words(words, "pairs", where) if "pairs" in words else ()
        found[language] = HeadlineWords(
            **lists,
            dangling=frozenset(dangling.split()),
            verb_final=verb_final,
            infinitive_marks=frozenset(marks),
            pairs=frozenset(pairs),
        )
    if not found:
        raise LexiconError(f"{LEXICON_FILE}: [headlines] lists no language")
    return found


def _stop_words(table: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    found = {}
    for language, words in table.items():
        if not isinstance(words, str) or words != words.lower():
            raise LexiconError(f"{LEXICON_FILE}: stop_words.{language} must be lowercase words")
        found[language] = frozenset(words.split())
    return found


def _table(data: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        name = f"{where}.{key}" if where else key
        raise LexiconError(f"{LEXICON_FILE}: [{name}] is missing")
    return value


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{LEXICON_FILE}: {where}.{key} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _words(table: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    words = _strings(table, key, where)
    if any(w != w.lower() for w in words):
        raise LexiconError(f"{LEXICON_FILE}: {where}.{key} must be lowercase")
    return frozenset(words)


def _hints(table: Mapping[str, Any], key: str) -> frozenset[Hint]:
    return frozenset(tuple(w.split()) for w in _words(table, key, "clutter"))


def _numbered(
    table: Mapping[str, Any], count: int, where: str
) -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    """Per language, the forms of each of ``count`` items (months, weekdays), and every form
    → its number (1-based). A form two languages give different numbers is an error."""
    by_language: dict[str, frozenset[str]] = {}
    numbers: dict[str, int] = {}
    for language in table:
        items = _strings(table, language, where)
        if len(items) != count:
            raise LexiconError(f"{LEXICON_FILE}: {where}.{language} must list {count} entries")
        forms: set[str] = set()
        for number, entry in enumerate(items, 1):
            for form in entry.lower().split():
                if numbers.setdefault(form, number) != number:
                    raise LexiconError(
                        f"{LEXICON_FILE}: {where}: '{form}' is given two numbers "
                        f"({numbers[form]} and {number})"
                    )
                forms.add(form)
        by_language[language] = frozenset(forms)
    return by_language, numbers
