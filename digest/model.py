"""The data model shared by every pipeline stage.

Stages pass these frozen dataclasses along and return new ones (``dataclasses.replace``)
rather than mutating: an ``Article`` that left ``normalise`` is the same object whichever
stage looks at it next.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Literal

# body: prose. heading: a subheading. code: a code block or terminal session, its text verbatim
# (line breaks and indentation are the content). row: one row of a data table, its cells
# joined by CELL_SEPARATOR; consecutive rows are one table, its header row first.
ParagraphKind = Literal["body", "heading", "code", "row", "note"]
# The name of a kind of source ("feed", "folder", ...): the kinds are plug-ins, so which names
# exist is for their registry (``digest.sources.kinds``) to say.
SourceKind = str

CELL_SEPARATOR = " | "
# Kinds whose text is kept as the source wrote it: cleaning rules never match them.
VERBATIM_KINDS: frozenset[str] = frozenset(("code", "row"))
# A word, for comparing a headline with a summary whatever their punctuation.
_WORDS = re.compile(r"[^\W_]+")


def _by_init(instance: Any) -> tuple[Any, ...]:
    """``__reduce__`` for a frozen dataclass whose fields are all ``__init__`` arguments (two
    or more): rebuilt by calling the class. The pickling that ``slots=True`` gives
    (``__getstate__`` and ``__setstate__``) looks up the fields anew for every object; a
    build's worker processes send back thousands of articles, and this way they cost half."""
    cls = type(instance)
    values = _FIELD_VALUES.get(cls)
    if values is None:
        values = _FIELD_VALUES[cls] = operator.attrgetter(*(f.name for f in fields(cls)))
    return (cls, values(instance))


_FIELD_VALUES: dict[type, operator.attrgetter[Any]] = {}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of article text. Only ``body`` paragraphs are prose: headings, code and table
    rows are kept for the reader but never summarised, and code and rows never cleaned. A
    ``note`` is digest's own line to the reader (an article its feed gave cut short), shown
    as a paragraph and never taken for the publisher's words."""

    text: str
    kind: ParagraphKind = "body"

    @property
    def verbatim(self) -> bool:
        """True for a code block or a table row: text that no cleaning rule may change."""
        return self.kind in VERBATIM_KINDS

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_init(self)


@dataclass(frozen=True, slots=True)
class Removal:
    """A span the normalise stage cut and the rule that cut it, or (in ``Article.candidates``)
    one it suspected but kept (``digest extract --explain``)."""

    rule: str
    text: str
    reason: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_init(self)


# The fields of an article that a filter rule can look in.
FilterField = Literal["title", "summary", "text", "author", "category", "tags", "url"]


@dataclass(frozen=True, slots=True)
class FilterRule:
    """An include or exclude rule, compiled: ``digest.filters`` makes them from the config
    and matches them. ``written`` is the rule as the config writes it, for messages;
    ``needle`` is case-folded text that every match contains ("": none known)."""

    written: str
    fields: tuple[FilterField, ...]
    pattern: re.Pattern[str]
    needle: str = ""

    def __str__(self) -> str:
        return self.written


def _no_options() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Source:
    """Somewhere articles come from: a folder of text files, a feed, a web page, a sitemap ...

    ``kind`` names one of the kinds in ``digest.sources.kinds``; ``options`` holds the values
    of the keys that kinds add to ``[[sources]]`` entries (a feed's ``full_text``), and is
    read-only whatever mapping it was given. ``include`` and ``exclude`` are the source's own
    filter rules (``digest.filters``), on top of the config's.
    """

    name: str
    kind: SourceKind
    location: str  # a filesystem path for folders and local feed files, else a URL
    category: str | None = None
    max_items: int | None = None
    enabled: bool = True
    # lifts its stories in their section as if this many more sources carried them
    priority: int = 0
    # the name was given in the config (else it is made from the address, and the digest shows
    # the source's own name for itself, such as a feed's title)
    named: bool = True
    include: tuple[FilterRule, ...] = ()
    exclude: tuple[FilterRule, ...] = ()
    # the BCP 47 tag of the language its articles are in, over what its feed declares
    language: str | None = None
    # may reach addresses outside the public internet (an intranet feed); None: as the
    # config's [fetch] allow_private says
    allow_private: bool | None = None
    # shows the posts marked as paid for ("[Sponsor] ...", a feed's category "Sponsored");
    # None: as the config's ``sponsored`` says
    sponsored: bool | None = None
    options: Mapping[str, Any] = field(default_factory=_no_options, hash=False)
    # What the keys of its entries are made with where that is not its name: the name the
    # state first kept it by, the config having renamed it since, or its name and its
    # address's hash, the name being one a renamed source still makes its keys with
    # (``digest.config.keyed_by_state`` sets it): see ``scope``.
    key_scope: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.options, MappingProxyType):
            object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle (a build's worker processes) cannot copy a read-only view: options go as a dict
        values = (
            dict(self.options) if f.name == "options" else getattr(self, f.name)
            for f in fields(self)
        )
        return (type(self), tuple(values))

    @property
    def scope(self) -> str:
        """What the keys of its entries that are unique only within it (a guid such as "123",
        a file's path in its folder) are made with: its name, or the name it had when the
        state first kept it, so that a source renamed in the config still knows the entries
        it already showed (``key_scope``)."""
        return self.key_scope or self.name

    def shown(self, title: str | None) -> str:
        """The name readers and users see this source by, the one rule for it: the config's
        ``name`` when it gives one (always wins); else the source's own title (a feed's, as
        its last successful read gave it, see ``own_title``); else the name made from its
        address (``digest.config.made_name``), as for a source never read successfully.
        ``name`` stays the source's key in the state whatever is shown, so that a feed its
        publisher renames keeps its history (entries seen, templates learnt)."""
        return self.name if self.named else (title or self.name)


def own_title(title: str) -> str:
    """A source's title for itself (a feed's ``<title>``) as it is shown for a source the
    config leaves unnamed: on one line, and no longer than a name in a list of sources
    (``digest.text.headlines.source_title`` gives the title to show)."""
    return " ".join(title.split())[:80]


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
    # The lead sentences and characters ``summary`` was made for (None: not known, as in an
    # article stored before this was kept): a summary made for other settings is made again.
    summary_of: tuple[int, int] | None = None
    # The title was made from the text (the source gave none): any real headline beats it.
    title_derived: bool = False
    # ``source`` only says where the article was found (a folder of clipped articles), not who
    # published it: it never counts as coming from the same publisher as another article.
    publisher_unknown: bool = False
    # How a page's body was found: the extractor whose text this is, and why when there was a
    # doubt (``digest extract --explain``); empty for feeds and files.
    extraction: str = ""
    # The configured source that read it (its name in the config): what its settings, health
    # and state are kept under. ``source`` is who the reader sees it come from, which may be
    # more precise (a folder's file that names its paper, a feed's own title).
    origin: str = ""
    # The BCP 47 tag of the language it is written in, as its source's config or its feed
    # declares it; None when neither does (its words then tell: ``text.similarity``).
    language: str | None = None
    # what normalise suspected but kept (``digest extract --explain`` lists them)
    candidates: tuple[Removal, ...] = ()
    # The home page of whoever published it, as its source says (a feed's own link): where
    # "+12 more from Example News" points. None: unknown, and the article's own site stands
    # in (wrong for a link blog, whose entries point at other sites).
    site: str | None = None
    # The labels its feed gives the entry (RSS and Atom categories, JSON Feed tags), as
    # written: what a filter rule on "tags" reads, and what tells a paid post ("Sponsored").
    tags: tuple[str, ...] = ()

    @property
    def body_text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def __reduce__(self) -> tuple[Any, ...]:
        return _by_init(self)


@dataclass(frozen=True, slots=True)
class Attributed:
    """A summary sentence and the report it comes from (``report`` indexes ``Story.reports``)."""

    text: str
    report: int = 0


@dataclass(frozen=True, slots=True)
class Figure:
    """One report's figure for a count, as it words it ("at least 83")."""

    text: str
    report: int  # index into ``Story.reports``


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Reports of one story that give different figures for the same count."""

    kind: str  # "killed", "injured", "arrested", "missing", "evacuated", "rescued"
    figures: tuple[Figure, ...]


@dataclass(frozen=True, slots=True)
class EarlierStory:
    """The story on an earlier day that a story continues: where to read it."""

    day: dt.date
    story_id: str
    headline: str


@dataclass(frozen=True, slots=True)
class Story:
    """What the reader sees as one item: one event, however many sources carry it.

    ``reports`` are the distinct reports, the most complete first (a briefing that joins the
    event to others after those of it alone); ``copies`` are
    near-duplicates of them (the same wire text on another site, a republished article),
    listed but not counted. ``summary`` says each fact once, each sentence attributed to its
    report; ``disagreements`` are counts the reports give differently.
    """

    headline: str
    reports: tuple[Article, ...]
    summary: tuple[Attributed, ...] = ()
    copies: tuple[Article, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    earlier: EarlierStory | None = None
    id: str = ""
    # when the story last changed (an article joined or left) after it was first made, by
    # the build that changed it; None when it has not changed since
    updated: dt.datetime | None = None
    # when its articles.atom entry said it was published, as stored by the build that first
    # made it (see ``published_at``); None for a story this build made. Not compared: a
    # story made again from the state, with the same reports, is the same story.
    published: dt.datetime | None = field(default=None, compare=False)

    @property
    def lead(self) -> Article:
        return self.reports[0]

    def published_at(self, day_published: dt.datetime) -> dt.datetime:
        """When the story's ``articles.atom`` entry says it was published: as first said,
        else its lead's time, else ``day_published`` (when its day was first built). Kept
        from the first build on, since a later report may become the lead: a feed reader
        shows an entry whose published date moved as new, or moves it in its list."""
        return self.published or self.lead.published or day_published

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article in the story: the reports, then their copies."""
        return (*self.reports, *self.copies)

    @property
    def sources(self) -> tuple[str, ...]:
        """The names of the sources behind the story, each once, in report order."""
        return tuple(dict.fromkeys(a.source for a in self.articles))

    @property
    def summary_text(self) -> str:
        return " ".join(sentence.text for sentence in self.summary)

    @property
    def headline_says_it_all(self) -> bool:
        """Whether the story's summary (its lead's, when it has none of its own) only says its
        headline again: a short post's one sentence, made its headline too. The page, the
        email and the feeds then print it once, as the headline. Compared by their words, as
        a headline made from a sentence loses its full stop."""
        summary = self.summary_text or " ".join(self.lead.summary)
        said = _WORDS.findall(summary.casefold())
        return bool(said) and said == _WORDS.findall(self.headline.casefold())


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story as a day's latest build stored it: enough to keep its id and to say that a
    later story continues it."""

    day: dt.date
    id: str
    headline: str
    text: str  # what it is compared by: its headline and lead
    keys: tuple[str, ...]  # its articles' keys
    # when its articles last changed; None: not since the story was first made
    updated: dt.datetime | None = None
    # when its articles.atom entry says it was published (``Story.published_at``); None:
    # stored by a digest that did not keep it
    published: dt.datetime | None = None


# Why a source could not be read, in the few words its readers are told (``reason``):
# fetch: it could not be downloaded (no answer, an error status, refused by the network
# policy, too big); content: what it gave could not be read (not a feed, a missing file);
# gone: its publisher removed it; config: its [[sources]] entry is wrong; error: a bug in
# digest; "": not said.
FailureReason = Literal["", "fetch", "content", "gone", "config", "error"]


@dataclass(frozen=True, slots=True)
class SourceFailure:
    """A source that could not be read this run: which, what went wrong, and what to do.

    ``problem`` and ``advice`` are for whoever runs digest (the command's output, the log,
    the state): they name addresses, files, hosts and config values of theirs, which may be
    an intranet's, a home folder's or carry a password or token. What the digest shows its
    readers (the pages, the feeds, the email) is the source's name and ``reason`` only."""

    source: str
    problem: str
    advice: str = ""
    reason: FailureReason = ""

    def __str__(self) -> str:
        text = f"{self.source}: {self.problem}"
        return f"{text} ({self.advice})" if self.advice else text


@dataclass(frozen=True, slots=True)
class UnreadPage:
    """An article's page that was wanted for its full text and could not be used this run.

    A feed's entry keeps its own text (``teaser_kept``); an article whose kind has no text but
    its page's (a sitemap's) is left out. One source can have dozens in a run, so a run's
    report counts them rather than listing each (see ``digest.report``).
    """

    source: str
    url: str
    title: str
    problem: str  # what became of it: "not fetched (HTTP 404 Not Found)" ...
    teaser_kept: bool

    def __str__(self) -> str:
        if self.teaser_kept:
            what = f"full text of '{self.title}' ({self.url})"
            return f"{self.source}: {what} {self.problem}; the feed's text is used"
        return f"{self.source}: {self.url} {self.problem}; skipped: it has no text but its page's"


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the day: one category's stories, the most widely carried first."""

    title: str
    stories: tuple[Story, ...]
    name: str = ""  # the category it gathers (or the default section's name)


@dataclass(frozen=True, slots=True)
class MoreFrom:
    """Stories past the end of Also today's list, counted for one source."""

    source: str
    count: int
    url: str | None = None  # the source's site, for "+12 more from Example News"


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's digest, ready to render.

    ``stories`` are the day's stories in the order shown, section by section (``sections``
    holds the same stories in their sections); ``also_today`` those past a limit, listed
    compactly at the end, and ``more`` what is past that list's own end, counted by source.
    """

    day: dt.date
    title: str
    stories: tuple[Story, ...]
    generated_at: dt.datetime
    failures: tuple[SourceFailure, ...] = field(default=())
    sections: tuple[Section, ...] = ()
    also_today: tuple[Story, ...] = ()
    more: tuple[MoreFrom, ...] = ()

    @property
    def story_count(self) -> int:
        """Every story of the day, listed in full or in Also today, or counted past it: what
        the page, the email, the archive and the feeds all say the day holds."""
        return len(self.stories) + len(self.also_today) + sum(m.count for m in self.more)

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of every story of the day (as ``story_count`` counts them), by name."""
        names = {a.source for s in (*self.stories, *self.also_today) for a in s.articles}
        return tuple(sorted(names | {m.source for m in self.more}))


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
