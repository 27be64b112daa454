"""The data model shared by every pipeline stage.

Stages pass these frozen dataclasses along and return new ones (``dataclasses.replace``)
rather than mutating: an ``Article`` that left ``normalise`` is the same object whichever
stage looks at it next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

ParagraphKind = Literal["body", "heading"]
SourceKind = Literal["folder", "feed", "page"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of article text. Headings are kept for the reader but never summarised."""

    text: str
    kind: ParagraphKind = "body"


@dataclass(frozen=True, slots=True)
class Removal:
    """A span the normalise stage cut and the rule that cut it, or (in ``Article.candidates``)
    one it suspected but kept (``digest extract --explain``)."""

    rule: str
    text: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """Somewhere articles come from: a folder of text files, a feed, or a web page."""

    name: str
    kind: SourceKind
    location: str  # a filesystem path for folders and local feed files, else a URL
    category: str | None = None
    full_text: bool = False
    max_items: int | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Article:
    """One article as it moves through ingest → normalise → summarise.

    ``key`` identifies the article across runs (guid, canonical link, or content hash), so the
    state store can tell an article it has already shown from a new one. ``published`` is an
    aware UTC datetime, or None when the source gave no usable date.
    """

    key: str
    source: str
    title: str
    # A tuple, or a sequence that converts the source's content on first read (feeds put
    # that off, since most entries are never shown).
    paragraphs: Sequence[Paragraph]
    url: str | None = None
    published: dt.datetime | None = None
    author: str | None = None
    category: str | None = None
    removed: tuple[Removal, ...] = ()
    summary: tuple[str, ...] = ()
    # what normalise suspected but kept (``digest extract --explain`` lists them)
    candidates: tuple[Removal, ...] = ()

    @property
    def body_text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Story:
    """What the reader sees as one item: one article until same-event grouping lands."""

    headline: str
    articles: tuple[Article, ...]
    summary: tuple[str, ...]

    @property
    def lead(self) -> Article:
        return self.articles[0]


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A source that could not be read this run: which, what went wrong, and what to do."""

    source: str
    problem: str
    advice: str = ""

    def __str__(self) -> str:
        text = f"{self.source}: {self.problem}"
        return f"{text} ({self.advice})" if self.advice else text


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's digest, ready to render."""

    day: dt.date
    title: str
    stories: tuple[Story, ...]
    generated_at: dt.datetime
    failures: tuple[SourceFailure, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class DayRecord:
    """A digest already built, as the state store remembers it: what the archive and feed list.

    ``entry_id`` is fixed the first time the day is built and never changes; ``updated`` moves
    only when ``content_hash`` does, so feed readers do not re-announce an unchanged day.
    """

    day: dt.date
    title: str
    story_count: int
    content_html: str  # the day's digest as an HTML fragment: the Atom entry's content
    content_hash: str
    entry_id: str
    published: dt.datetime  # aware UTC: when the day was first built
    updated: dt.datetime  # aware UTC: when its content last changed
