"""What a kind of source is: the small interface each kind implements, and what it hands ingest.

A kind of source (a feed, a web page, a folder of article files, a news sitemap ...) is one
module in ``digest.sources.kinds`` whose ``KIND`` is an instance of a ``Kind`` subclass. A kind
says:

* its ``name`` (what ``kind = "..."`` in a ``[[sources]]`` entry names), and the extra keys its
  entries understand (``keys``: config ``Key``s, so they are validated, worded in errors and
  listed in the README's reference like every other key; their values reach the kind in
  ``source.options``);
* which locations it is taken for when an entry gives no ``kind`` (``guessed_for``) and which
  it can read at all (``reads``);
* how it reads a source given the ``Cursor`` its previous read left, and the new cursor data it
  returns in its ``Reading``:

  - a local ``path`` in one step, ``read``;
  - a ``url`` in two, so that ingest can fetch every remote source together through one
    pooled client, with conditional GET, and parse each body as soon as it arrives: ``request``
    (what to fetch, given the cursor) then ``parse`` (the fetched body → a ``Reading``, or a
    ``Follow`` naming more documents to fetch first, as a sitemap index does);

* which of its articles want their linked page fetched for the full text (``wants_page``), and
  whether its articles have no text but their page's (``text_on_page``);
* whether a new source of the kind has an old backlog for the first-run window to trim
  (``has_backlog``), and how OPML calls it (``opml_type``);
* how it reads the one article that ``digest extract`` is given (``one_article_claim`` and
  ``read_one``).

A kind never applies the settings every source has (``category``, ``max_items``): ingest
applies those once, for every kind. A kind raises ``SourceError`` (what went wrong, what to do)
for a source it cannot read, and nothing else on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from digest.model import Article, Source
from digest.sources.errors import SourceError, missing_path

if TYPE_CHECKING:
    from digest.config.keys import Key

LocationType = Literal["url", "file", "folder"]


def _nothing() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Cursor:
    """Where a source's previous read left off: empty for a source never read successfully
    at its configured location.

    ``etag`` and ``last_modified`` are the HTTP validators of the last fetch; ``body_hash``
    a hash of the body it read, with its address and type (a body fetched in full again, the
    same bytes, is not read again: see ``digest.ingest``); ``moved_to`` is where a permanent
    redirect sent the source; ``data`` is what the kind itself chose to remember (its
    ``Reading.cursor`` of last time), such as the newest date a sitemap listed.
    """

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    moved_to: str | None = None
    data: Mapping[str, Any] = field(default_factory=_nothing)


@dataclass(frozen=True)
class Request:
    """What to fetch for a remote source: the address and the validators to send with it."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A document fetched for a source: its (decompressed) bytes, the address they finally
    came from and their Content-Type; or, when ``problem`` is set, why it could not be had."""

    url: str
    body: bytes = b""
    content_type: str | None = None
    problem: str | None = None
    advice: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class Reading:
    """What one read of a source found: its articles as the kind read them (before the
    source's ``category`` and ``max_items`` are applied), what was odd about it, and the
    ``cursor`` data to hand the kind next time (JSON-serialisable; empty: nothing to keep)."""

    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    cursor: Mapping[str, Any] = field(default_factory=_nothing)
    # what the source calls itself (a feed's title), shown for a source the config left
    # unnamed; empty when the kind cannot tell
    title: str = ""
    # keys of articles read from broken markup (a document cut short, a tag left open):
    # their text may be incomplete, so they wait for a read that gives them whole
    incomplete: frozenset[str] = frozenset()
    # the source's home page as it gives it (a feed's own link); empty when it gives none
    site: str = ""
    # the language the document declares (a BCP 47 tag), for its articles that declare none
    language: str | None = None
    # the name the source gives its site apart from ``title`` (an RSS channel's image's
    # title), and the categories it files itself under: what tells a title that only names a
    # section of the site ("Asia"), and whose section it is (see ``own_name``)
    site_name: str = ""
    categories: tuple[str, ...] = ()

    @property
    def own_name(self) -> str:
        """The name the source gives itself, as a source the config leaves unnamed is shown
        by (``Source.shown``): its title, its site's name before a section's title
        (``digest.text.headlines.source_title``); empty when it gives none."""
        from digest.text.headlines import source_title

        return source_title(self.title, self.site, self.site_name, self.categories)


T = TypeVar("T")


@dataclass(frozen=True)
class Follow(Generic[T]):
    """More documents to fetch before a source can be read, such as a sitemap index's child
    sitemaps. Ingest fetches them together with every other source's, through the same pool;
    ``parse`` is called for each one as it arrives (fetched or not: see ``Fetched.ok``) and
    must turn a bad one into a value rather than raise; ``combine`` then gets those values in
    ``urls`` order and makes the ``Reading``. One level only: ``combine`` cannot ask for more.
    """

    urls: tuple[str, ...]
    parse: Callable[[Fetched], T]
    combine: Callable[[Sequence[T]], Reading]


@dataclass(frozen=True)
class Document:
    """The one article ``digest extract`` and ``digest summarise`` are given: its bytes and
    what is known of them before parsing."""

    data: bytes
    location: str  # as given: a URL, a file path, or "-" for standard input
    name: str  # the source name a build would give it: the host, the folder's name, "stdin"
    url: str | None = None  # where a fetched page finally came from; None for local input
    content_type: str | None = None
    modified: dt.datetime | None = None  # a file's modification time

    @property
    def suffix(self) -> str:
        return Path(self.location).suffix.lower() if self.url is None else ""


class Kind:
    """One kind of source; see the module's docstring. Subclasses set the class attributes
    and override what they support: a kind that reads no local paths, say, keeps the
    ``read`` that refuses with advice."""

    name: ClassVar[str]
    keys: ClassVar[tuple[Key, ...]] = ()
    # The locations this kind is taken for when an entry gives no ``kind``: no two kinds may
    # claim the same one. A kind guessed for nothing is used only when named.
    guessed_for: ClassVar[frozenset[LocationType]] = frozenset()
    reads: ClassVar[frozenset[Literal["url", "path"]]] = frozenset({"url", "path"})
    # Whether a new source of this kind carries an old backlog (a feed's past entries), which
    # the first-run window trims: a folder's files were put there to be read.
    has_backlog: ClassVar[bool] = True
    # Its articles have no text of their own, only a link to the page that holds it: those
    # whose page is not fetched this run (over ``full_text_limit``) wait for the next run.
    text_on_page: ClassVar[bool] = False
    # Whether ``parse`` may answer with a ``Follow`` rather than a ``Reading``: such a kind is
    # always parsed in the build's own process (the others may be parsed in a worker process).
    may_follow: ClassVar[bool] = False
    # The outline ``type`` an OPML subscription list gives it (None: never exported, as for
    # local folders); "rss" outlines carry ``xmlUrl``, the others ``url``.
    opml_type: ClassVar[str | None] = None

    def option(self, source: Source, name: str) -> Any:
        """The value of one of this kind's keys for ``source``: as configured, else the key's
        default."""
        if name in source.options:
            return source.options[name]
        return next(key.default for key in self.keys if key.name == name)

    # --- reading a source --------------------------------------------------------------------

    def read(self, source: Source, cursor: Cursor, tz: dt.tzinfo) -> Reading:
        """Read a source at a local path. ``tz`` dates what is written without a zone."""
        raise SourceError(
            f"a {self.name} source is read from a 'url', not a local path",
            "give the source a 'url' instead of its 'path'",
        )

    def request(self, source: Source, cursor: Cursor) -> Request:
        """What to fetch for a source at a URL: where it moved, with the validators of last
        time for a conditional GET."""
        return Request(
            url=cursor.moved_to or source.location,
            etag=cursor.etag,
            last_modified=cursor.last_modified,
        )

    def parse(self, source: Source, fetched: Fetched, cursor: Cursor) -> Reading | Follow[Any]:
        """A fetched body (``fetched.ok`` always) → its articles, or more documents to fetch."""
        raise SourceError(
            f"a {self.name} source is read from a local 'path', not a URL",
            "give the source a 'path' instead of its 'url'",
        )

    def wants_page(self, source: Source, article: Article) -> bool:
        """Whether ``article``, chosen for the digest, should have its linked page fetched for
        the full text (only for sources read over the web, within ``full_text_limit``). By
        default, when the kind's articles have no text but their page's."""
        return self.text_on_page

    # --- one article, for ``digest extract`` -------------------------------------------------

    def one_article_claim(self, document: Document) -> int:
        """How surely ``document`` is one article of this kind: 0 not at all, 1 as a fallback
        (any local text), 2 certainly (an HTML page). The surest claim reads it."""
        return 0

    def read_one(self, source: Source, document: Document, tz: dt.tzinfo) -> Reading:
        """The one article in ``document`` (none, with warnings saying why, if it holds none)."""
        raise SourceError(f"a {self.name} is not one article", "give an article file or page")


def read_file(source: Source) -> bytes:
    """The bytes of a source's local file, or a ``SourceError`` saying why not."""
    path = Path(source.location)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise missing_path(path, "file") from exc
    except OSError as exc:
        raise SourceError(
            f"cannot read {path} ({exc.strerror or exc})", "check the source's 'path'"
        ) from exc


def newest(articles: Sequence[Article], limit: int | None) -> tuple[Article, ...]:
    """The ``limit`` newest articles by date, in their original order (all if no limit).

    Feeds mostly list newest first, but not all do: cutting in document order would keep the
    oldest entries of a feed listed oldest first. Undated entries count as the oldest; of
    entries dated alike, the first listed are kept.
    """
    if limit is None or len(articles) <= limit:
        return tuple(articles)
    undated = dt.datetime.min.replace(tzinfo=dt.UTC)
    by_date = sorted(articles, key=lambda a: a.published or undated, reverse=True)
    keep = {id(a) for a in by_date[:limit]}
    return tuple(a for a in articles if id(a) in keep)
