"""digest's config keys, each declared once, and the frozen dataclasses they fill.

Every key's type, range, default and meaning is stated here and nowhere else: the dataclass
fields take their defaults from these tables, ``digest.config.load`` checks a config against
them, and the README's configuration reference is generated from them
(``python -m digest.config --update-readme``).

``[[sources]]`` keys come in two parts: ``SOURCE``, the keys every source takes, and the keys
each kind of source adds (``source_kinds``): each kind declares its own, in its module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from digest.config.keys import (
    Address,
    Boolean,
    Choice,
    FilterRules,
    Integer,
    Interval,
    Key,
    LanguageTag,
    LocalPath,
    Number,
    Section,
    Table,
    TableList,
    Text,
    TimeOfDay,
    Timezone,
    Url,
)
from digest.model import FilterRule, Source, SourceFailure

CONFIG_FILENAME = "digest.toml"
DEFAULT_SOURCES_DIR = "seeds"
DEFAULT_OUTPUT_DIR = "output"
STATE_FILENAME = "digest-state.sqlite"
IMPLICIT_TLS_PORT = 465  # the SMTP port when ``security = "tls"`` and no port is given


def source_kinds() -> Mapping[str, tuple[Key, ...]]:
    """Each kind of source by name, with the keys it adds to its ``[[sources]]`` entries, as
    the registry of kinds (``digest.sources.kinds``) has them."""
    from digest.sources.kinds import kinds

    return {kind.name: kind.keys for kind in kinds()}


def _guessed_kinds() -> str:
    from digest.sources.kinds import guess_text

    return guess_text()


def _filter_keys(include: str, exclude: str) -> tuple[Key, Key]:
    """``include`` and ``exclude``: the same rules at the top and on a source (see Filters)."""
    return (
        Key("include", FilterRules(), (), include, default_text="none: every article"),
        Key("exclude", FilterRules(), (), exclude, default_text="none"),
    )


SOURCE = Table(
    "sources",
    (
        Key(
            "name",
            Text(),
            None,
            "shown in the digest, `digest sources list` and `digest check`; unique",
            default_text="the feed's own title as last read, else the host, file or folder name",
        ),
        Key(
            "url",
            Url(),
            None,
            "where the source is read from: a `url` ...",
        ),
        Key(
            "path",
            LocalPath("a folder of article files or a local feed file"),
            None,
            "... or a `path`, not both",
        ),
        Key(
            "kind",
            Choice(source_kinds),
            None,
            "what the source is",
            default_text=_guessed_kinds,
        ),
        Key(
            "category",
            Text(),
            None,
            'a label such as "News/World": an OPML folder on export and import',
        ),
        Key(
            "max_items",
            Integer(1),
            None,
            "at most this many newest items per run",
            default_text="no limit",
        ),
        Key(
            "language",
            LanguageTag(),
            None,
            "the language its articles are in, whatever its feed declares: how their "
            "sentences are split, their words weighed, and their text marked (`lang`)",
            default_text="what its feed declares, else guessed from the text",
        ),
        Key("enabled", Boolean(), True, "false skips the source"),
        *_filter_keys(
            "as the top-level `include`, for this source's articles, which must pass both",
            "as the top-level `exclude`, for this source's articles: added to those",
        ),
        Key(
            "sponsored",
            Boolean(),
            None,
            "as the top-level `sponsored`, for this source's posts",
            default_text="the top-level `sponsored`",
        ),
        Key(
            "priority",
            Integer(-10, 10),
            0,
            "lifts its stories in their section as if that many more sources carried them; "
            "negative lowers them",
        ),
        Key(
            "allow_private",
            Boolean(),
            None,
            "true lets this source, its redirects and the pages it links to reach addresses "
            "outside the public internet: your own machine or network (see "
            "[Network policy](#network-policy))",
            default_text="`[fetch] allow_private`",
        ),
    ),
    help="one table per source; each has a `url` or a `path`",
)

SECTION = Table(
    "sections",
    (
        Key(
            "name",
            Text(),
            required=True,
            help="the `category` whose stories the section gathers (or `default_section`)",
        ),
        Key("title", Text(), None, "the heading shown", default_text="the name"),
        Key(
            "limit",
            Integer(1, 1000),
            None,
            "at most this many stories; the rest go to Also today",
            default_text="no limit",
        ),
    ),
    help="the day's sections in the order listed, each with its heading and limit; "
    "categories not listed follow in the order the sources name them",
)

FETCH = Table(
    "fetch",
    (
        Key("workers", Integer(1, 64), 8, "sources fetched at once"),
        Key(
            "connect_timeout", Number(1, 300, "seconds"), 10.0, "how long to wait for a connection"
        ),
        Key(
            "timeout",
            Number(1, 3600, "seconds"),
            30.0,
            "in all, per source: redirects, download and retries",
        ),
        Key(
            "max_mb",
            Number(0.1, 1024, "megabytes"),
            10.0,
            "the largest response accepted, after decompression",
        ),
        Key("retries", Integer(0, 10), 2, "extra attempts on read timeouts, 5xx and 429"),
        Key(
            "full_text_limit",
            Integer(0, 1000),
            30,
            "most article pages fetched per source and run for full text",
        ),
        Key(
            "full_text_seconds",
            Number(1, 3600, "seconds"),
            60.0,
            "the longest a build spends fetching article pages for full text",
            note="pages not back by then keep their teasers",
        ),
        Key(
            "allow_private",
            Boolean(),
            False,
            "true lets every source reach addresses outside the public internet, as a "
            "source's own `allow_private` does (see [Network policy](#network-policy))",
        ),
    ),
    help="how feeds and pages are fetched",
)

EMAIL = Table(
    "email",
    (
        Key(
            "from",
            Address('a sender address, such as "Digest <digest@example.org>"'),
            attr="sender",
            required=True,
            help="the sender, as recipients see it",
        ),
        Key(
            "to",
            Address("a list of recipient addresses", many=True),
            attr="recipients",
            required=True,
            help="who gets the digest; a string for just one",
        ),
        Key(
            "smtp_host",
            Text("the SMTP server's host name"),
            required=True,
            help="the server that sends the mail",
        ),
        Key(
            "smtp_port",
            Integer(1, 65535, noun="port number"),
            587,
            "the SMTP server's port",
            default_text=f'`587`, or `{IMPLICIT_TLS_PORT}` with `security = "tls"`',
        ),
        Key(
            "security",
            Choice(("starttls", "tls", "none")),
            "starttls",
            '`"tls"`: implicit TLS; `"none"`: no encryption',
        ),
        Key(
            "username",
            Text("the SMTP login name"),
            help="log in as this user; no login when left out",
        ),
        Key(
            "password_env",
            Text("the name of an environment variable holding the SMTP password"),
            help="the password comes from this variable ...",
        ),
        Key(
            "password_file",
            LocalPath("a file whose first line is the SMTP password"),
            help="... or from this file, never from the config itself",
        ),
        Key("timeout", Number(1, 600, "seconds"), 30.0, "how long to wait for the SMTP server"),
    ),
    help="where and how `digest send` delivers",
)

STORIES = Table(
    "stories",
    (
        Key("enabled", Boolean(), True, "join reports of one event from several sources"),
        Key(
            "similarity",
            Number(0.05, 0.95, ""),
            0.25,
            "how alike two reports must be to join: lower joins more, higher joins less",
        ),
    ),
    help="one story per event, however many sources carry it",
)

SCHEDULE = Table(
    "schedule",
    (
        Key("at", TimeOfDay(), "07:00", "daily, at this time in `timezone`"),
        Key(
            "every",
            Interval(minutes=1),
            None,
            "run at this interval instead of daily",
            note='instead of "at"',
        ),
    ),
    help="when `digest run` builds (and sends)",
)

TOP = Table(
    "",
    (
        Key("title", Text(), "Daily Digest", "the digest's title"),
        Key(
            "site_url",
            Url(site=True),
            None,
            "where the output folder is published: makes feed links absolute",
        ),
        Key("author", Text(), "digest", "the feeds' author"),
        Key(
            "output",
            LocalPath("a folder path"),
            Path(DEFAULT_OUTPUT_DIR),
            "where pages and feeds are written",
            default_text=f"`{DEFAULT_OUTPUT_DIR}/` beside the config file",
        ),
        Key(
            "state",
            LocalPath("a file path for the SQLite state database"),
            Path(STATE_FILENAME),
            "remembers what was shown when, source health and sent days",
            default_text=f"`{STATE_FILENAME}` beside the output folder",
        ),
        Key("timezone", Timezone(), ZoneInfo("UTC"), 'decides what "today" is'),
        Key(
            "language",
            LanguageTag(),
            "en",
            "the language of the pages, feeds and email: their words, dates and numbers "
            "(see [Language](#language)); English, with a warning, when digest has no "
            "translation for it",
        ),
        Key("lead_sentences", Integer(1, 20), 3, "sentences per summary"),
        Key("summary_chars", Integer(80, 5000), 600, "character budget per summary"),
        Key(
            "feed_days",
            Integer(1, 3650),
            30,
            "days kept in the feeds, at most: of them, a feed holds the newest that fit in "
            "4 MiB, and always the newest",
        ),
        Key(
            "keep_days",
            Integer(0, 36500),
            90,
            "days whose articles the state keeps whole, so that a day can be built or sent "
            "again; before them it keeps only which articles were shown (see "
            "[The state file](#the-state-file))",
            note="never fewer than feed_days; 0 keeps every day's for ever",
        ),
        Key(
            "max_stories",
            Integer(1, 1000),
            40,
            "stories in the day's sections: what a person reads over breakfast; the rest go "
            "to Also today",
        ),
        Key(
            "max_per_source",
            Integer(1, 1000),
            6,
            "stories of one source alone in a day; the rest go to Also today (a story that "
            "several sources carry counts for none of them)",
        ),
        Key(
            "also_today_limit",
            Integer(0, 10000),
            60,
            "headlines listed in Also today; past them, a count per source",
        ),
        Key(
            "default_section",
            Text(),
            "News",
            "the section of stories whose sources have no `category`",
            default_text='`"News"`, in the digest\'s `language`',
        ),
        Key(
            "sections",
            TableList(SECTION),
            (),
            "the day's sections",
            default_text="one per `category`, in the order the sources name them",
        ),
        Key("articles_feed", Boolean(), False, "also write `articles.atom`, one entry per story"),
        Key(
            "first_run_hours",
            Integer(0, 87600),
            24,
            "how far back the first read of a new feed looks; older entries are taken as read "
            "for good (the build says how many), so set it before the feed's first build",
            note="0 takes a new feed's whole backlog",
        ),
        Key(
            "templates",
            LocalPath(
                "a folder holding your copies of the templates",
                must_be="folder",
                existing="an existing folder of templates",
            ),
            None,
            "a template missing from it falls back to the built-in one",
        ),
        Key(
            "rules",
            LocalPath(
                "a TOML file of extra boilerplate rules",
                must_be="file",
                existing="an existing TOML rules file",
            ),
            None,
            "added to the built-in rules (see below)",
        ),
        *_filter_keys(
            "when given, an article must match one of these to be shown (see [Filters](#filters))",
            "an article that matches any of these is left out, and never shown later",
        ),
        Key(
            "sponsored",
            Boolean(),
            False,
            'true shows the posts a title or a feed\'s tag marks as paid for ("[Sponsor] ...", '
            '"Sponsored: ...", "Anzeige: ...", a category "Sponsored"); false leaves them '
            "out as filtered (see [Filters](#filters))",
        ),
        Key(
            "sources",
            TableList(SOURCE),
            (),
            "where articles come from",
            default_text=f"the `{DEFAULT_SOURCES_DIR}/` folder beside the config file",
        ),
        Key("fetch", Section(FETCH), help=FETCH.help),
        Key("stories", Section(STORIES), help=STORIES.help),
        Key("email", Section(EMAIL), help=EMAIL.help, default_text="none: nothing is sent"),
        Key("schedule", Section(SCHEDULE), help=SCHEDULE.help),
    ),
)


@dataclass(frozen=True)
class EmailConfig:
    """Where and how ``digest send`` delivers. The password never lives in the config itself."""

    sender: str
    recipients: tuple[str, ...]
    smtp_host: str
    smtp_port: int = EMAIL["smtp_port"].default
    security: str = EMAIL["security"].default  # "starttls", "tls" (implicit) or "none"
    username: str | None = EMAIL["username"].default
    password_env: str | None = EMAIL["password_env"].default
    password_file: Path | None = EMAIL["password_file"].default
    timeout: float = EMAIL["timeout"].default


@dataclass(frozen=True)
class SectionConfig:
    """One ``[[sections]]`` entry: which category, its heading, its limit."""

    name: str
    title: str | None = SECTION["title"].default
    limit: int | None = SECTION["limit"].default

    @property
    def heading(self) -> str:
        return self.title or self.name


@dataclass(frozen=True)
class StoriesConfig:
    """How reports of one event are joined into one story (see ``digest.group``)."""

    enabled: bool = STORIES["enabled"].default
    similarity: float = STORIES["similarity"].default


@dataclass(frozen=True)
class ScheduleConfig:
    """When ``digest run`` builds (and sends): daily at a local time, or every interval."""

    at: str = SCHEDULE["at"].default  # HH:MM in the config's timezone
    every: int | None = SCHEDULE["every"].default  # seconds between runs, instead of ``at``


@dataclass(frozen=True)
class FetchConfig:
    """How feeds and pages are fetched; see ``digest.sources.http.FetchSettings``."""

    workers: int = FETCH["workers"].default
    connect_timeout: float = FETCH["connect_timeout"].default
    timeout: float = FETCH["timeout"].default
    max_mb: float = FETCH["max_mb"].default
    retries: int = FETCH["retries"].default
    full_text_limit: int = FETCH["full_text_limit"].default
    full_text_seconds: float = FETCH["full_text_seconds"].default
    allow_private: bool = FETCH["allow_private"].default
    # The first retry's pause in seconds (it doubles, with jitter). Not a config key: users
    # keep the polite default; tests shorten it so that proving a retry costs no second.
    backoff: float = 1.0
    # Where names resolve and connections go (a ``digest.sources.http.Network``): None for
    # the system's. Not a config key: tests give names chosen addresses without the internet.
    network: Any = None

    CODE_ONLY: ClassVar[tuple[str, ...]] = ("backoff", "network")  # not config keys


@dataclass(frozen=True)
class Config:
    title: str = TOP["title"].default
    site_url: str | None = TOP["site_url"].default
    author: str = TOP["author"].default
    sources: tuple[Source, ...] = TOP["sources"].default
    output: Path = TOP["output"].default
    state: Path = TOP["state"].default
    lead_sentences: int = TOP["lead_sentences"].default
    summary_chars: int = TOP["summary_chars"].default
    timezone: ZoneInfo = TOP["timezone"].default
    language: str = TOP["language"].default
    feed_days: int = TOP["feed_days"].default
    keep_days: int = TOP["keep_days"].default
    max_stories: int = TOP["max_stories"].default
    max_per_source: int = TOP["max_per_source"].default
    also_today_limit: int = TOP["also_today_limit"].default
    default_section: str = TOP["default_section"].default
    sections: tuple[SectionConfig, ...] = TOP["sections"].default
    templates: Path | None = TOP["templates"].default
    rules: Path | None = TOP["rules"].default
    first_run_hours: int = TOP["first_run_hours"].default
    articles_feed: bool = TOP["articles_feed"].default
    include: tuple[FilterRule, ...] = TOP["include"].default
    exclude: tuple[FilterRule, ...] = TOP["exclude"].default
    sponsored: bool = TOP["sponsored"].default
    fetch: FetchConfig = field(default_factory=FetchConfig)
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    email: EmailConfig | None = None
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    path: Path | None = None  # the file this came from, for messages
    # [[sources]] entries that could not be read: reported with each build, whose other
    # sources are read as usual, rather than stopping the run.
    invalid_sources: tuple[SourceFailure, ...] = ()
    # What the config does that is likely a mistake though not wrong (two entries reading
    # one address, which may differ on purpose): said by each build and by 'digest check'.
    warnings: tuple[str, ...] = ()
    # Why the state file could not be read for the keys it keeps the sources left unnamed by
    # (``load_config``), as a warning to show; "" when it was read, or nothing needed it.
    # Those sources then have the names made from their addresses: a command that shows them
    # without opening the state says so, one that opens it names them by it
    # (``keyed_by_state``).
    state_unread: str = ""

    @property
    def tz_name(self) -> str:
        return self.timezone.key

    def feed_from(self, newest: dt.date) -> dt.date:
        """The first day the feeds show when ``newest`` is the newest day built: the last
        ``feed_days`` calendar days, that day included."""
        return newest - dt.timedelta(days=self.feed_days - 1)

    def keep_from(self, newest: dt.date) -> dt.date | None:
        """The first day whose articles are kept whole when ``newest`` is the newest day
        built (None: every day's are): ``keep_days`` back, that day included, and never
        fewer days than the feeds show."""
        if not self.keep_days:
            return None
        return newest - dt.timedelta(days=max(self.keep_days, self.feed_days) - 1)
