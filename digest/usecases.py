"""What a user can ask digest to do: shared by the command line and the scheduler.

Each use case takes a ``Config`` (the sources' editing takes the config file's path, since it
changes that file) and plain arguments, and returns plain results: none prints (a dry run's
message goes to the stream the caller gives), parses arguments or exits, so the command line
and ``digest run`` do the same thing the same way.
A request that is wrong in itself raises ``UsageError`` (what went wrong, what to do); what
the stages below raise (``SourceError``, ``MailError``, ``StateLockedError``, ``ConfigError``,
``OSError`` ...) passes through unchanged, for the caller to show.

The pipeline, HTTP, mail and page extraction are imported inside the functions that use them:
``digest --help`` and ``digest sources list`` should not pay for them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO
from urllib.parse import urlsplit

from digest.config import (
    CONFIG_FILENAME,
    Config,
    EmailConfig,
    add_sources_to_file,
    default_config,
    keyed_by_state,
    load_config,
    records_as_named,
    renamed_sources,
)
from digest.errors import DigestError
from digest.model import Article, Digest, Source, UnreadPage
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Document
from digest.state import (
    RunLock,
    SourceRecord,
    State,
    StoredSource,
    backup_files,
    read_source_records,
    shown_names,
)

if TYPE_CHECKING:
    from digest.filters import Filtered
    from digest.ingest import Progress
    from digest.jsonl import JsonlArticle
    from digest.mail import SendResult
    from digest.pipeline import BuildResult
    from digest.sources.opml import SkippedOutline


class UsageError(DigestError):
    """A request that cannot be honoured as asked: ``problem`` says why, ``advice`` what to do."""

    def __str__(self) -> str:
        return f"{self.problem}; {self.advice}" if self.advice else self.problem


class DayError(UsageError):
    """A day that cannot be built or sent: one after today, or one whose articles are gone."""


class FutureDayError(DayError):
    """A day to build or send after today."""


class ForgottenDayError(DayError):
    """A day before those whose articles the state keeps whole (``keep_days``)."""


class NothingToReadError(UsageError):
    """No source to read: no config file and no seeds/ folder, or a config naming none."""


class EmailFailedError(DigestError):
    """The day was built and written, but its email could not be sent."""

    def __init__(self, built: BuildResult, problem: str, advice: str) -> None:
        super().__init__(problem, advice)
        self.built = built

    def __str__(self) -> str:
        return f"{self.built.summary_line}; email failed: {self.problem} ({self.advice})"


# --- building and sending ---------------------------------------------------------------------


def check_day(config: Config, day: dt.date | None, now: dt.datetime | None = None) -> None:
    """Refuse to build or send a day after today: it would become the site's newest day,
    empty, and the index would show it (a typo such as 2027 for 2026, for a year). Where the
    user's today is not the config's, the advice says which setting to change."""
    from digest.pipeline import today

    if day and day > today(config, now):
        raise FutureDayError(
            f"{day} is in the future (today is {today(config, now)} in {config.tz_name})",
            "give today's date or an earlier one (or set 'timezone' in the config to yours)",
        )


def check_kept(day: dt.date, state: State, config: Config) -> None:
    """Refuse to build or send a day whose articles the state no longer keeps (``keep_days``,
    ``State.forgotten``): built again, it would lose every story it had."""
    if state.forgotten(day):
        kept = (
            f"those of the last {max(config.keep_days, config.feed_days)} days built"
            if config.keep_days
            else "every day's from now on, keep_days being 0"
        )
        raise ForgottenDayError(
            f"{day} is a day whose articles the state has dropped (it keeps {kept})",
            "its page in the output folder is left as it was built, and if it is gone only a "
            "backup of the folder has it; to keep more days from now on, raise keep_days in the "
            "config",
        )


def sources_of(config: Config) -> tuple[Source, ...]:
    """The config's sources, without the implicit seeds/ folder where there is none.

    A folder with no config file (or a config naming no sources) reads ``seeds/`` beside it
    (``default_config``); without that folder there is nothing to read, not a source that
    fails: ``digest sources list`` and ``export`` show none, as ``build`` refuses to run."""
    base = config.path.parent if config.path else Path.cwd()
    implicit = default_config(base).sources  # the seeds/ folder, read when none is named
    if config.sources == implicit and not all(Path(s.location).is_dir() for s in implicit):
        return ()
    return config.sources


def require_sources(config: Config) -> None:
    """Refuse a run with nothing to read (``NothingToReadError``), before anything is written.

    A folder without a config file or seeds/ is most often a crontab line missing its
    ``cd`` (cron starts in the home folder): building there would leave an empty digest, a
    state file and an output folder in the wrong place, and a ``digest send`` after it would
    mail the empty digest. A usage error (exit 2) stops such a line at its first command,
    and cron mails the reason. A wrong ``[[sources]]`` entry is not this: it is reported as
    a failed source, and the others are read; but a config whose every entry is wrong (an
    ``exclude`` rule that does not compile, say) names none that can be read, as one
    naming none does, and each entry is named with what is wrong with it. Nor is a config
    whose every source is disabled (``enabled = false``) one to build: it read nothing, and
    published (and mailed) an empty day.
    """
    sources = sources_of(config)
    if any(source.enabled for source in sources):
        return
    base = config.path.parent if config.path else Path.cwd()
    add = "add a first source with 'digest sources add URL'"
    disabled = ", ".join(source.name for source in sources)  # (each of them, here)
    if config.invalid_sources:
        from digest.config import INVALID_ENTRY

        wrong = [
            f"{failure.source}: {failure.problem.removeprefix(INVALID_ENTRY).removesuffix(')')}"
            for failure in config.invalid_sources
        ]
        one = len(wrong) == 1
        other, are = ("the other", "is") if len(sources) == 1 else ("the others", "are")
        others = f", and {other} {are} disabled ({disabled}: enabled = false)" if sources else ""
        enable = f", or enable {other} (enabled = true)" if sources else ""
        raise NothingToReadError(
            f"{config.path} names no source that can be read, as "
            f"{'its [[sources]] entry is' if one else 'each of its [[sources]] entries is'} "
            f"wrong ({'; '.join(wrong)}){others}: nothing to build from",
            f"fix {'that entry' if one else 'those entries'}{enable}, or add a source with "
            "'digest sources add URL'",
        )
    if sources:
        one = len(sources) == 1
        raise NothingToReadError(
            f"{config.path} names "
            f"{'one source, and it is' if one else 'only sources that are'} disabled "
            f"({disabled}: enabled = false): nothing to build from",
            f"set enabled = true (or remove that line) in the [[sources]] "
            f"{'entry' if one else 'entries'} to read, or add a source with 'digest sources "
            "add URL'",
        )
    if config.path is None:
        raise NothingToReadError(
            f"no config file and no seeds/ folder in {base}: nothing to build from",
            f"run digest in the folder that holds your {CONFIG_FILENAME} (cron starts in the "
            "home folder: 'cd' there first), name the file with --config or $DIGEST_CONFIG, "
            f"or {add}, which writes ./{CONFIG_FILENAME}",
        )
    if config.sources:
        problem = f"{config.path} names no sources, and there is no seeds/ folder beside it"
    else:
        problem = f"{config.path} names no sources"
    raise NothingToReadError(f"{problem}: nothing to build from", add)


def build_day(
    config: Config,
    day: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    lock_wait: float = 0.0,
    progress: Progress | None = None,
) -> BuildResult:
    """Build ``day`` (default: today) into the output folder; see ``pipeline.build``.

    Raises ``FutureDayError``, before reading anything, for a day after today.
    """
    from digest.pipeline import build

    check_day(config, day, now)
    require_sources(config)
    return build(config, day, now=now, lock_wait=lock_wait, progress=progress)


def send_day(
    config: Config,
    day: dt.date | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    to_file: Path | None = None,
    out: TextIO | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    on_build: Callable[[BuildResult], None] | None = None,
) -> SendResult:
    """Email ``day``'s digest (default: today's) to the [email] recipients.

    The stored digest is sent if the day was built, else the day is built first (its
    fetching told to ``progress``), and ``on_build`` is given that build's result before the
    email is sent: its failed sources, warnings and notes are the caller's to show, whatever
    then happens to the email (a job that only sends would never hear of them). A day
    already sent is refused (``AlreadySentError``, a ``MailError``) unless ``force``; a dry
    run (``to_file`` implies one) writes the message to ``to_file`` or prints it to ``out``
    and sends nothing, addressed as ``preview_email`` says when there is no [email] table.
    Another run holding the lock makes it fail at once (``StateLockedError``).
    """
    from digest.mail import send_digest
    from digest.pipeline import build, stored_digest, today

    check_day(config, day, now)
    require_sources(config)
    day = day or today(config, now)
    if config.email is None and (dry_run or to_file is not None):
        config = dataclasses.replace(config, email=preview_email(config))

    def send(digest: Digest, state: State) -> SendResult:
        return send_digest(
            digest,
            config,
            state,
            force=force,
            dry_run=dry_run or to_file is not None,
            to_file=to_file,
            now=now,
            out=out,
        )

    # A built day is read and sent under one lock, so no build can replace it in between.
    with RunLock(config.state), State.open(config.state) as state:
        # (a day sent is said to be so, as ever; a preview shows what would be sent, and a
        # day whose articles are gone cannot be made again to be shown)
        if force or dry_run or to_file is not None or _still_to_send(state, day):
            check_kept(day, state, config)
        digest = stored_digest(config, state, day)
        if digest is not None:
            return send(digest, state)
    # The build takes the lock itself; it is taken again for sending.
    built = build(config, day, now=now, progress=progress)
    if on_build is not None:
        on_build(built)
    with RunLock(config.state), State.open(config.state) as state:
        return send(built.digest, state)


def _still_to_send(state: State, day: dt.date) -> bool:
    """Whether ``day``'s email is still to go to anyone: never sent, or refused for now to
    some of its recipients (``send_digest`` sends it to them alone)."""
    return state.sent_at(day) is None or bool(state.deferred_recipients(day))


def preview_email(config: Config) -> EmailConfig:
    """Where a dry run's message says it is from and to when the config has no [email]
    table, so the email can be looked at before SMTP is set up: addresses in the ``invalid``
    domain, which no mail server delivers to, and no server."""
    from email.headerregistry import Address

    return EmailConfig(
        sender=str(Address(config.title, "digest", "example.invalid")),
        recipients=("you@example.invalid",),
        smtp_host="",
    )


@dataclass(frozen=True)
class BuiltAndSent:
    """What ``build_then_send`` did."""

    built: BuildResult
    sent: SendResult | None = None  # None: no [email] configured, or sent already
    already_sent: bool = False
    # earlier days' email, sent to those of its recipients a server had refused for now
    caught_up: tuple[SendResult, ...] = ()

    @property
    def summary_line(self) -> str:
        line = self.built.summary_line
        if self.already_sent:
            line = f"{line}; already emailed today"
        elif self.sent is not None:
            line = f"{line}; emailed to {len(self.sent.recipients)} recipient(s)"
        for done in self.caught_up:
            line += f"; {done.day.isoformat()}'s email sent to {', '.join(done.recipients)}"
        return line


# How far back a daily job sends an earlier day's email to recipients a server refused for
# now: a mailbox refusing for weeks is not sent weeks of digests at once when it comes back
# ('digest send --date DAY' still sends an older one).
CATCH_UP_DAYS = dt.timedelta(days=3)


def build_then_send(
    config: Config, *, now: dt.datetime | None = None, lock_wait: float = 0.0
) -> BuiltAndSent:
    """Build today's digest, then email it once if [email] is configured: the daily job.

    A day already emailed is not emailed again (the build still updates the site), but to
    the recipients a server refused for now (``send_digest``); so is an earlier day's email
    still to go to such recipients, while the state keeps its articles: a daily job builds
    another day the next time, and they never had theirs. A mail failure raises
    ``EmailFailedError``, which carries the build's result: the site is written whatever
    happens to the email.
    """
    from digest.pipeline import build, stored_digest

    now = now or dt.datetime.now(dt.UTC)
    built = build(config, now=now, lock_wait=lock_wait)
    if config.email is None:
        return BuiltAndSent(built)
    from digest.mail import AlreadySentError, MailError, send_digest

    sent: SendResult | None = None
    already_sent = False
    caught_up: list[SendResult] = []
    failed: list[tuple[dt.date, MailError]] = []
    with RunLock(config.state, wait=lock_wait), State.open(config.state) as state:
        if _still_to_send(state, built.day):
            try:
                sent = send_digest(built.digest, config, state, now=now)
            except AlreadySentError:  # (those it was still to go to have left email.to)
                already_sent = True
            except MailError as exc:
                failed.append((built.day, exc))
        else:
            already_sent = True
        for day in state.deferred_days(since=built.day - CATCH_UP_DAYS):
            if failed:
                break  # (a server that failed once in this job is tried again by the next)
            if day >= built.day:  # (today's is done above; a later one by its own job)
                continue
            digest = stored_digest(config, state, day)
            if digest is None:
                continue
            try:
                caught_up.append(send_digest(digest, config, state, now=now))
            except AlreadySentError:  # (those it was still to go to have left email.to)
                continue
            except MailError as exc:
                failed.append((day, exc))
    if failed:
        # (one at most: no day is tried once the server has failed the job)
        ((day, first),) = failed
        problem = first.problem
        if day != built.day:
            problem = f"{day.isoformat()}'s email: {problem}"
        # what did go out, said too: the job's summary line is this error's alone
        done = [f"{r.day.isoformat()}'s email went to {', '.join(r.recipients)}" for r in caught_up]
        if sent is not None:
            done.insert(
                0, f"{sent.day.isoformat()}'s email went to {len(sent.recipients)} recipient(s)"
            )
        if done:
            problem += f" ({'; '.join(done)})"
        raise EmailFailedError(built, problem, first.advice) from first
    return BuiltAndSent(built, sent, already_sent, tuple(caught_up))


# --- one article ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayStories:
    """The stories a build of the day would show now, how alike each story's articles are,
    and the new articles that the include/exclude rules would take out, and why."""

    digest: Digest
    similarity: dict[str, float]  # article key → its similarity to its story's first report
    warnings: tuple[str, ...]
    filtered: tuple[Filtered, ...] = ()
    unread_pages: tuple[UnreadPage, ...] = ()  # pages wanted for their full text, not read
    notes: tuple[str, ...] = ()  # worth knowing, asking for nothing (a source renamed, back)


def stories_of_day(
    config: Config,
    day: dt.date | None = None,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> DayStories:
    """The grouping a build of ``day`` would make now, writing nothing of it: the sources
    are read, the day's new articles cleaned and grouped with those it already shows. (A
    source renamed in the config is renamed in the state, as a build would: see
    ``pipeline.as_the_state_knows``.)"""
    from digest.group import member_similarities
    from digest.pipeline import (
        as_the_state_knows,
        assemble_day,
        paused_note,
        renamed_note,
        story_settings,
        today,
    )

    now = now or dt.datetime.now(dt.UTC)
    day = day or today(config, now)
    check_day(config, day, now)
    require_sources(config)
    with RunLock(config.state), State.open(config.state) as state:
        # (as a build names them; a source renamed in the config is renamed in the state now,
        # as the build would, or it would be listed as new, its last day's entries again)
        config, renamed = as_the_state_knows(config, state, day)
        # (a look, not one of the runs an entry held back as incomplete waits)
        assembly = assemble_day(config, state, day, now, progress, a_run=False)
        digest = assembly.digest  # (grouped from the state's articles: while it is open)
    grouping = story_settings(config).grouping
    similarity: dict[str, float] = {}
    for story in (*digest.stories, *digest.also_today):
        similarity.update(member_similarities(story, grouping))
    return DayStories(
        digest,
        similarity,
        tuple(assembly.warnings),
        tuple(assembly.filtered),
        tuple(assembly.unread_pages),
        tuple(
            filter(
                None, [renamed_note(renamed), paused_note(assembly.paused, config.first_run_hours)]
            )
        ),
    )


def prepared_jsonl(config: Config, lines: Iterable[str], label: str) -> list[JsonlArticle]:
    """JSON Lines articles (see ``digest.jsonl``), cleaned and summarised as a build does."""
    from digest.jsonl import JsonlArticle, read_articles
    from digest.pipeline import prepare_article
    from digest.text.normalise import load_rules

    rules = load_rules(config.rules)
    return [
        JsonlArticle(item.id, prepare_article(item.article, rules, config))
        for item in read_articles(lines, label=label)
    ]


def group_jsonl(
    config: Config, lines: Iterable[str], label: str = "<stdin>"
) -> list[tuple[str, str]]:
    """(id, cluster) for each JSON Lines article, in input order: which report one event.
    Raises ``JsonlError`` naming the line of the first mistake."""
    from digest.group import cluster_articles, story_id
    from digest.pipeline import story_settings

    items = prepared_jsonl(config, lines, label)
    articles = [item.article for item in items]
    found: list[tuple[str, str]] = [("", "")] * len(items)
    for members in cluster_articles(articles, story_settings(config).grouping):
        cluster = story_id([articles[i] for i in members])
        for i in members:
            found[i] = (items[i].id, cluster)
    return found


def summarise_story_jsonl(
    config: Config,
    lines: Iterable[str],
    *,
    words: int | None = None,
    chars: int | None = None,
    label: str = "<stdin>",
) -> tuple[str, ...]:
    """The summary of one story given as JSON Lines articles, within ``words`` or ``chars``
    (else the config's budget): its sentences, each fact once, the most complete report's
    lead first."""
    from digest.group import fold_copies
    from digest.summarise import story_summary

    articles = [item.article for item in prepared_jsonl(config, lines, label)]
    if not articles:
        return ()
    reports, _ = fold_copies(articles)
    if words is None and chars is None:
        count, budget = config.lead_sentences + min(len(reports) - 1, 2), config.summary_chars
    else:
        count, budget = 1000, chars or 0  # the budget alone decides how many sentences
    summary = story_summary(reports, count, budget, max_words=words)
    return tuple(sentence.text for sentence in summary)


def read_one_article(
    config: Config,
    location: str,
    *,
    stdin: BinaryIO | None = None,
    warn: Callable[[str], None] | None = None,
) -> Article:
    """One article (a URL, a text or HTML file, or ``-`` for ``stdin``, standard input by
    default), read by the kind of source that reads it in a build (a page for a URL or an HTML
    file, the folder kind for a text file), then cleaned and summarised as a build does.

    ``warn`` hears what was odd in the input (a date not understood, say) as soon as it is
    found, so that it is told even when the article then turns out unusable.
    Raises ``SourceError`` when the input cannot be read or holds no article.
    """
    from digest.pipeline import prepare_article
    from digest.sources import kinds
    from digest.state import read_source_history
    from digest.text.normalise import load_rules, survey
    from digest.text.recurring import learn

    document = _read_input(location, stdin, config)
    entries = _feed_entries(document)
    if entries is not None:  # (a page's reading of its XML ran every entry's text together)
        raise SourceError(
            f"{location} is a feed of {entries} entr{'y' if entries == 1 else 'ies'}, not one "
            "article",
            f"add it with 'digest sources add {location}', or give 'digest extract' the "
            "address of one of its articles",
        )
    kind = kinds.for_one_article(document)
    try:
        reading = kind.read_one(
            Source(document.name, kind.name, location), document, config.timezone
        )
    except SourceError as exc:
        raise SourceError(f"{location}: {exc.problem}", exc.advice) from exc
    for warning in reading.warnings:
        if warn is not None:
            warn(warning)
    if not reading.articles:
        raise SourceError(f"{location}: no article text found", "")
    raw = reading.articles[0]
    # What the state file has learnt of the source's recurring paragraphs, read-only.
    sighting = survey(raw)
    template = learn([sighting], read_source_history(config.state, [sighting])).get(raw.source)
    return prepare_article(raw, load_rules(config.rules), config, template)


def _feed_entries(document: Document) -> int | None:
    """How many entries ``document`` holds if it is a feed (RSS, Atom, JSON Feed) of any; None
    if it is not one (an article's page or file: a page the fallback parser reads as a feed
    of none is one)."""
    from digest.sources.feeds import FeedError, parse_feed

    if document.suffix in (".txt", ".md", ".markdown"):
        return None  # (an article's text file, read as such whatever it holds)
    head = document.data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return None  # (a page: the feed parser is not even loaded for it)
    try:
        parsed = parse_feed(
            document.data,
            Source(document.name, "feed", document.location),
            url=document.url,
            content_type=document.content_type,
        )
    except FeedError:
        return None
    return len(parsed.articles) or None


def _read_input(location: str, stdin: BinaryIO | None, config: Config) -> Document:
    """Fetch a URL (within the network policy: ``[fetch] allow_private``, or an address that
    names this machine or a private network itself), or read standard input (``-``) or a file."""
    if re.match(r"^https?://", location, re.I):
        from digest.sources.http import FetchRequest, FetchSettings, fetch, names_own_network

        private = config.fetch.allow_private or names_own_network(location)
        request = FetchRequest(location, location, allow_private=private)
        result = fetch(request, FetchSettings(network=config.fetch.network))
        if result.outcome != "ok":
            raise SourceError(f"{location}: {result.problem}", result.advice or "")
        return Document(
            result.body, location, urlsplit(result.url).netloc, result.url, result.content_type
        )
    if location == "-":
        return Document((stdin or sys.stdin.buffer).read(), location, "stdin")
    path = Path(location)
    try:
        data = path.read_bytes()
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError as exc:
        raise SourceError(f"cannot read {path} ({exc.strerror or exc})", "") from exc
    return Document(data, location, path.parent.resolve().name or "file", modified=modified)


# --- the sources in the config file -----------------------------------------------------------


def source_health(config: Config) -> list[tuple[Source, SourceRecord | None]]:
    """Every configured source with how its reads went (None: never read), named as the
    state names it (``keyed_by_state``), as a build would."""
    health: dict[str, SourceRecord] = {}
    if config.state.exists():
        with State.open(config.state) as state:
            config = keyed_by_state(config, state.source_locations())
            # (a source renamed in the config since the last build: under its new name)
            health = records_as_named(config.sources, {r.name: r for r in state.sources()})
    return [(source, health.get(source.name)) for source in sources_of(config)]


@dataclass(frozen=True)
class AddedSource:
    """A source written into a config file."""

    config_path: Path
    name: str
    location: str  # its url or path, as written
    state: Path  # the config's state file, for ``forget_source_health``
    note: str = ""  # how its feed was found, when the user should hear it (``FoundFeed``)


def add_source(
    config_path: Path,
    location: str,
    *,
    name: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    page: bool = False,
    full_text: bool = False,
    max_items: int | None = None,
    discover: bool = True,
    allow_private: bool = False,
) -> AddedSource:
    """Add a feed, page, folder or another kind of source to the config file (created if
    there is none).

    A site's address is enough: its feed is found (``digest.sources.discover``) unless
    ``discover`` is off or a ``kind`` is named (``page``: ``kind="page"``), in which case the
    address is added as it is; ``AddedSource.note`` says which feed was chosen, and how.
    ``allow_private`` lets the source reach addresses outside the public internet, finding
    its feed included, and says so in its entry (an address that names this machine or a
    private network itself needs no saying). Raises ``UsageError`` for a source already there
    or an unknown kind, and ``SourceError`` for one that cannot be found. Follow it with
    ``forget_source_health``.
    """
    from digest.sources import kinds
    from digest.sources.discover import resolve_new_source
    from digest.sources.http import names_own_network

    kind = "page" if page else kind
    if kind is not None and kind not in kinds.names():
        known = ", ".join(kinds.names())
        raise UsageError(f"there is no kind of source '{kind}'", f"use one of {known}")
    existing = _config_to_edit(config_path)
    new = resolve_new_source(
        location,
        name=name,
        kind=kind,
        discover=discover,
        base=config_path.parent,
        allow_private=allow_private or existing.fetch.allow_private or names_own_network(location),
    )
    entry = new.entry
    found = str(entry.get("url", entry.get("path")))
    same = next((s for s in existing.sources if s.location == found), None)
    if same is not None:
        what = location if found == location else f"{location} names the feed {found}, which"
        raise UsageError(f"{what} is already a source in {config_path}, named '{same.name}'")
    taken = {s.name for s in existing.sources}
    if name is not None and name in taken:
        raise UsageError(
            f"there is already a source named '{name}' in {config_path}",
            "give this one another --name",
        )
    # A name made for the user (a feed's title, or the host of a page or sitemap, which two
    # addresses of one site share) is theirs to keep unique only when they chose it: number
    # it, as an OPML import does, rather than refuse the source as a config error.
    entry["name"] = _free_name(str(entry["name"]), taken)
    entry.update(
        category=category,
        full_text=True if full_text else None,
        max_items=max_items,
        allow_private=True if allow_private else None,
    )
    add_sources_to_file(config_path, [*_carried_over(config_path, existing), entry])
    return AddedSource(
        config_path,
        str(entry["name"]),
        str(entry.get("url") or entry.get("path")),
        existing.state,
        new.note,
    )


def _free_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... whichever no source in ``taken`` has."""
    free, number = name, 2
    while free in taken:
        free, number = f"{name} ({number})", number + 1
    return free


@dataclass(frozen=True)
class RemovedSource:
    """A source taken out of a config file."""

    config_path: Path
    name: str  # its name in the config (its made name, the state's key, when it gives none)
    state: Path  # the config's state file, for ``forget_source_health``
    shown: str = ""  # the name 'sources list' showed it by: its feed's title, when unnamed
    location: str = ""  # its url or path, as written
    # the name the state keeps it by, where the config renamed it since the last build (its
    # health is forgotten under it: ``forget_source_health``)
    known_as: str = ""


def remove_source(config_path: Path, name_or_location: str) -> RemovedSource:
    """Remove the source with this name, url or path from the config file.

    Raises ``UsageError`` when there is no config file or no such source. Follow it with
    ``forget_source_health``.
    """
    from digest.config import NoSuchSource, remove_source_from_file

    if not config_path.exists():
        raise UsageError(f"no config file {config_path}", "nothing to remove")
    key, shown, location, known_as = _configured_source(config_path, name_or_location)
    try:
        config, name = remove_source_from_file(config_path, key)
    except NoSuchSource as exc:
        # Names are matched exactly, as the state knows them; one that differs only in case
        # is what was meant.
        names = _shown_source_names(config_path) or list(exc.names)
        alike = [n for n in names if n.casefold() == name_or_location.casefold()]
        advice = (
            f"did you mean '{alike[0]}'?"
            if len(alike) == 1
            else f"give a name or URL as 'digest sources list' shows it (sources: "
            f"{', '.join(names) or 'none'})"
        )
        raise UsageError(f"no source named '{name_or_location}' in {config_path}", advice) from None
    return RemovedSource(
        config_path, name, config.state, shown or name, location, known_as if key == name else ""
    )


def _configured_source(config_path: Path, name_or_location: str) -> tuple[str, str, str, str]:
    """The config's name (its made name, the state's key) of the source given by its name,
    its url or path, or the name 'sources list' shows it by when the config leaves it
    unnamed (its feed's title); with that shown name and its location, for saying what was
    removed as 'sources list' named it, and the name the state knows it by where the config
    renamed it since the last build (else empty). Anything else as it is, for the config to
    match (or refuse), with no shown name nor location."""
    config = load_config(config_path)
    known = read_source_records(config.state)  # (read only: the removal writes)
    records = records_as_named(config.sources, known)
    # as 'sources list' shows them (two sources of one title are shown by their own names)
    shown = shown_names(config.sources, records)
    given = [s for s in config.sources if name_or_location in (s.name, s.location)]
    meant = given or [s for s in config.sources if shown[s.name] == name_or_location]
    if len(meant) != 1 and not given:
        return name_or_location, "", "", ""
    source = meant[0]
    stored = [StoredSource(record.name, record.location) for record in known.values()]
    was = renamed_sources(config.sources, stored).get(source.name)
    return source.name, shown[source.name], source.location, was.name if was else ""


def _shown_source_names(config_path: Path) -> list[str]:
    """The names 'sources list' shows the config's sources by (a title for an unnamed one)."""
    config = load_config(config_path)
    records = records_as_named(config.sources, read_source_records(config.state))
    return list(shown_names(config.sources, records).values())


def forget_source_health(state_path: Path, name: str) -> None:
    """A source removed, or added under a name the state knows, starts afresh: no 410
    disabling, no old validators, a first-run window. The articles it brought are kept.

    A step of its own after the config file is edited, so a caller can say that the file
    changed even when the state cannot be used: another run holds it for longer than this
    waits (30 s, ``StateLockedError``), or it is damaged (``StateDamagedError``), gone
    while its copies remain too (it was passed over without a word: nothing to forget).
    """
    if not state_path.exists() and not backup_files(state_path):
        return  # (a first run to come: nothing is known of any source)
    with RunLock(state_path, wait=30), State.open(state_path) as state:
        state.forget_source(name)


@dataclass(frozen=True)
class OpmlImport:
    """What ``import_opml`` did."""

    config_path: Path
    added: int  # new sources written to the config
    # (kind, how many) in the OPML file, for each kind found: every subscription, those that
    # could not be imported too
    found: tuple[tuple[str, int], ...]
    held: tuple[str, ...] = ()  # names of those added with allow_private = false: local addresses
    skipped: tuple[SkippedOutline, ...] = ()  # the subscriptions that could not be imported


def import_opml(config_path: Path, opml: Path) -> OpmlImport:
    """Add every feed and page of an OPML subscription list to the config file.

    Sources already present (by location) are kept as they are; a name already taken gets
    " (2)" and so on; a subscription whose address is no web address is left out, and said
    to be (``OpmlImport.skipped``). Raises ``SourceError`` naming ``opml`` when it cannot be
    read or is not OPML.
    """
    from digest.sources import kinds
    from digest.sources.http import names_own_network
    from digest.sources.opml import parse_opml

    try:
        found = parse_opml(opml.read_bytes())
    except OSError as exc:
        raise SourceError(f"cannot read {opml}: {exc.strerror or exc}") from exc
    except SourceError as exc:
        raise SourceError(f"{opml}: {exc.problem}", exc.advice) from exc
    config = _config_to_edit(config_path)
    locations = {s.location for s in config.sources}
    names = {s.name for s in config.sources}
    carried = _carried_over(config_path, config)
    entries: list[dict[str, object]] = list(carried)
    held: list[str] = []
    for source in found.sources:
        if source.location in locations:
            continue
        name = _free_name(source.name, names)
        names.add(name)
        locations.add(source.location)
        entry: dict[str, object] = {"name": name, "url": source.location}
        if source.kind != kinds.guess("url").name:
            entry["kind"] = source.kind
        if names_own_network(source.location):
            # An OPML file may come from anyone: a local address in it is not the user's own
            # choice until they say so (the build names the key to set).
            entry["allow_private"] = False
            held.append(name)
        entries.append({**entry, "category": source.category})
    add_sources_to_file(config_path, entries)
    counts = Counter([*(s.kind for s in found.sources), *(s.kind for s in found.skipped)])
    return OpmlImport(
        config_path,
        len(entries) - len(carried),
        tuple((name, counts[name]) for name in kinds.names() if counts[name]),
        tuple(held),
        found.skipped,
    )


@dataclass(frozen=True)
class SourcesExport:
    """The sources as an OPML document."""

    opml: bytes
    left_out: tuple[str, ...]  # the local sources' names: a path means nothing elsewhere


def export_sources(config: Config) -> SourcesExport:
    """The feed and page sources as an OPML 2.0 subscription list."""
    from digest.sources.opml import export_opml, is_web_source

    sources = sources_of(config)
    # as 'sources list' shows them
    names = shown_names(sources, records_as_named(sources, read_source_records(config.state)))
    return SourcesExport(
        export_opml(sources, title=f"{config.title} sources", names=names),
        tuple(names[s.name] for s in sources if not is_web_source(s)),
    )


def _config_to_edit(path: Path) -> Config:
    """The config in the file about to be edited; the defaults if it does not exist yet."""
    return load_config(path) if path.exists() else default_config(path.parent)


def _carried_over(path: Path, config: Config) -> list[dict[str, object]]:
    """Sources to write into a config file being created: the defaults the user had until now,
    so that a first 'sources add' does not silently drop the bundled seeds/ folder."""
    if path.exists():
        return []
    return [
        {"name": s.name, "path": _relative_to(Path(s.location), path.parent)}
        for s in config.sources
        if Path(s.location).is_dir()  # no seeds/ here: nothing to keep
    ]


def _relative_to(location: Path, base: Path) -> str:
    try:
        return location.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(location)
