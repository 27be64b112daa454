"""The ``digest`` command line: one function per command; each parses, calls the pipeline, prints.

Exit codes: 0 done (even if some sources failed: their errors are printed and listed in the
digest), 1 the job could not be done, 2 a usage or configuration error, 75 another run holds
the lock (try again later, as sysexits' EX_TEMPFAIL says).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from digest import __version__
from digest.config import (
    CONFIG_FILENAME,
    Config,
    ConfigError,
    add_sources_to_file,
    default_config,
    find_config,
    load_config,
    remove_source_from_file,
)
from digest.model import Article, Source
from digest.sources.errors import SourceError
from digest.state import StateError, StateLockedError
from digest.text.normalise import RulesError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 75

log = logging.getLogger("digest")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(getattr(args, "verbose", 0) - getattr(args, "quiet", 0))
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"digest: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RulesError as exc:
        print(f"digest: rules error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SourceError as exc:
        advice = f"; {exc.advice}" if exc.advice else ""
        print(f"digest: {exc.problem}{advice}", file=sys.stderr)
        return EXIT_FAILED
    except StateLockedError as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except StateError as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("digest: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a folder that cannot be created, a full disk, a read-only file
        where = f" {exc.filename}" if exc.filename else ""
        print(f"digest: cannot write or read{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c",
        "--config",
        type=Path,
        default=os.environ.get("DIGEST_CONFIG") or None,
        help=f"TOML config file (default: $DIGEST_CONFIG, else ./{CONFIG_FILENAME} if it "
        "exists, else built-in defaults: read seeds/, write output/)",
    )
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    common.add_argument("-q", "--quiet", action="count", default=0, help="less output")

    parser = argparse.ArgumentParser(
        prog="digest",
        description="Turn many news sources into one calm daily read: an HTML page, "
        "an Atom feed and an email.",
        epilog="Run 'digest COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        parents=[common],
        help="build a day's digest into the output folder",
        description="Read every source, clean and summarise new articles, and write the day's "
        "page (YYYY-MM-DD.html), index.html, archive.html and feed.atom into the output "
        "folder. Building the same day again replaces that day's page and feed entry.",
    )
    build.add_argument(
        "--date",
        type=_parse_day,
        help="the day to build, as YYYY-MM-DD (default: today in the configured timezone)",
    )
    build.set_defaults(handler=cmd_build)

    extract = commands.add_parser(
        "extract",
        parents=[common],
        help="print one article's cleaned text",
        description="Clean one article (a text or HTML file, a URL, or '-' for standard "
        "input) the way the digest does and print its body, paragraphs separated by blank "
        "lines.",
    )
    extract.add_argument(
        "input", help="an article file (.txt, .md, .html), a URL, or - for standard input"
    )
    extract.add_argument(
        "--json", action="store_true", help="print JSON with title, date, source and summary"
    )
    extract.add_argument(
        "--explain", action="store_true", help="also list each removed span and the rule"
    )
    extract.set_defaults(handler=cmd_extract)

    summarise = commands.add_parser(
        "summarise",
        aliases=["summarize"],
        parents=[common],
        help="print one article's lead sentences, one per line",
        description="Print the summary the digest would show for one article (a text or "
        "HTML file, a URL, or '-' for standard input), one sentence per line.",
    )
    summarise.add_argument(
        "input", help="an article file (.txt, .md, .html), a URL, or - for standard input"
    )
    summarise.add_argument(
        "-n",
        "--sentences",
        type=_positive_int,
        help="number of lead sentences (default: from config, 3)",
    )
    summarise.add_argument(
        "--chars", type=_positive_int, help="character budget (default: config, 600)"
    )
    summarise.set_defaults(handler=cmd_summarise)

    send = commands.add_parser(
        "send",
        parents=[common],
        help="email a day's digest",
        description="Email the day's digest (built first if it has not been) to the [email] "
        "recipients, as a multipart text + HTML message. The SMTP password comes from "
        "email.password_env or email.password_file, never from the command line. A day "
        "already sent is refused unless --force.",
    )
    send.add_argument("--date", type=_parse_day, help="the day to send (default: today)")
    send.add_argument("--force", action="store_true", help="send even if already sent")
    send.add_argument(
        "--dry-run", action="store_true", help="print the message instead of sending it"
    )
    send.add_argument(
        "--to-file", type=Path, metavar="FILE", help="with --dry-run: write the .eml here"
    )
    send.set_defaults(handler=cmd_send)

    run = commands.add_parser(
        "run",
        parents=[common],
        help="build (and send) every day on the configured schedule",
        description="Stay running and build the digest (and email it, if [email] is "
        "configured) daily at [schedule] at, or every [schedule] every. A run missed while "
        "the machine slept is caught up once on start. SIGTERM or Ctrl-C finishes the job in "
        "hand and exits.",
    )
    run.add_argument("--once", action="store_true", help="do one scheduled job now and exit")
    run.set_defaults(handler=cmd_run)

    sources = commands.add_parser(
        "sources",
        parents=[common],
        help="list, add, remove, import or export sources",
        description="Manage the sources in the config file (created as ./digest.toml if "
        "there is none), keeping its comments.",
    )
    sources.set_defaults(handler=lambda _args: sources.print_help() or EXIT_USAGE)
    actions = sources.add_subparsers(title="actions", metavar="ACTION")
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="every source with its health",
        description="Every source with its kind, category and health: last success, last "
        "error, items in the last read, and failures in a row.",
    )
    listing.set_defaults(handler=cmd_sources_list)
    add = actions.add_parser(
        "add",
        parents=[common],
        help="add a feed, web page or folder",
        description="Add a source. A web site's address is enough: its feed is found "
        'through <link rel="alternate">.',
    )
    add.add_argument("location", help="a feed URL, a site URL, a web page URL, or a folder")
    add.add_argument("--name", help="name shown in the digest (default: the feed's title)")
    add.add_argument("--category", help="category, such as News/World")
    add.add_argument("--page", action="store_true", help="the URL is an article page, not a feed")
    add.add_argument("--full-text", action="store_true", help="fetch each entry's web page")
    add.add_argument("--max-items", type=int, help="at most this many newest items per run")
    add.add_argument("--no-discover", action="store_true", help="add the URL without fetching it")
    add.set_defaults(handler=cmd_sources_add)
    remove = actions.add_parser(
        "remove",
        parents=[common],
        help="remove a source by name or URL",
        description="Remove a source from the config by its name, URL or path.",
    )
    remove.add_argument("source", help="the source's name, URL or path")
    remove.set_defaults(handler=cmd_sources_remove)
    import_ = actions.add_parser(
        "import",
        parents=[common],
        help="add every feed of an OPML file",
        description="Add every feed of an OPML subscription list (what feed readers export); "
        "nested folders become categories such as News/World. Feeds already present are kept.",
    )
    import_.add_argument("opml", type=Path, help="the OPML file")
    import_.set_defaults(handler=cmd_sources_import)
    export = actions.add_parser(
        "export",
        parents=[common],
        help="print the sources as OPML 2.0",
        description="Print the feed and page sources as an OPML 2.0 subscription list.",
    )
    export.add_argument("-o", "--output", type=Path, help="write to this file instead")
    export.set_defaults(handler=cmd_sources_export)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def _parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-21") from None


def _configure_logging(level: int) -> None:
    logging.basicConfig(
        # INFO by default: one line per source and run, which is what a log wants; -q keeps
        # only warnings (what a crontab wants), -v adds debugging detail.
        level=logging.INFO - 10 * max(-2, min(level, 1)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def load(args: argparse.Namespace) -> Config:
    path = find_config(args.config)
    return load_config(path) if path else default_config()


# --- commands ---------------------------------------------------------------------------------


def progress_reporter(quiet: bool = False) -> Callable[[str, int, int], None] | None:
    """A progress bar on a terminal; plain log lines (one per source) when not, e.g. in cron."""
    if quiet:
        return None
    if sys.stderr.isatty():

        def bar(name: str, done: int, total: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            line = f"\rfetching [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name}"
            sys.stderr.write(line[:100].ljust(100))
            if done == total:
                sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()

        return bar

    def lines(name: str, done: int, total: int) -> None:
        log.info("fetched %d/%d: %s", done, total, name)

    return lines


def cmd_build(args: argparse.Namespace) -> int:
    from digest.pipeline import build, today

    config = load(args)
    if args.date and args.date > today(config) + dt.timedelta(days=1):
        # A typo such as 2027 for 2026 would make that day the site's newest for a year.
        print(
            f"digest: --date {args.date} is in the future (today is {today(config)} in "
            f"{config.tz_name}); give today's date or an earlier one",
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = build(config, args.date, progress=progress_reporter(args.quiet > 0))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for failure in result.digest.failures:
        print(f"source failed: {failure}", file=sys.stderr)
    if not args.quiet:
        print(result.summary_line)
        for path in result.written:
            print(f"  wrote {path}")
    return EXIT_OK


def _read_one_article(args: argparse.Namespace, config: Config) -> Article:
    """The input of 'extract' and 'summarise' (a text or HTML file, '-', or a URL), cleaned
    and summarised exactly as the digest would."""
    from digest.pipeline import prepare_article
    from digest.text.normalise import load_rules

    source_name = "stdin"
    url: str | None = None
    content_type: str | None = None
    if re.match(r"^https?://", args.input, re.I):
        from digest.sources.http import FetchRequest, fetch

        result = fetch(FetchRequest(source=args.input, url=args.input))
        if result.outcome != "ok":
            raise SourceError(f"{args.input}: {result.problem}", result.advice or "")
        data, url, source_name = result.body, result.url, urlsplit(result.url).netloc
        content_type = result.content_type
        is_html = True
    elif args.input == "-":
        data = sys.stdin.buffer.read()
        is_html = _looks_like_html(data)
    else:
        path = Path(args.input)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read {path} ({exc.strerror or exc})", "") from exc
        source_name = path.parent.resolve().name or "file"
        is_html = path.suffix.lower() in (".html", ".htm", ".xhtml") or _looks_like_html(data)

    source = Source(source_name, "page" if is_html else "folder", args.input)
    if is_html:
        from digest.sources.pages import PageError, extract_page, page_article

        try:
            content = extract_page(data, url, content_type)
        except PageError as exc:
            raise SourceError(f"{args.input}: {exc.problem}", exc.advice) from exc
        raw = page_article(content, source, key=f"page:{args.input}", url=url or content.url)
    else:
        from digest.sources.files import parse_article_text

        modified = dt.datetime.now(dt.UTC)
        if args.input != "-":
            modified = dt.datetime.fromtimestamp(Path(args.input).stat().st_mtime, dt.UTC)
        raw, warnings = parse_article_text(
            data,
            key=f"file:{args.input}",
            source=source,
            default_source=source_name,
            fallback_date=modified,
            markdown=args.input.lower().endswith((".md", ".markdown")),
            label=args.input,
            tz=config.timezone,
        )
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        if raw is None:
            raise SourceError(f"{args.input}: no article text found", "")
    return prepare_article(raw, load_rules(config.rules), config)


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or bool(
        re.search(rb"<(p|div|article|body|h1)[\s>]", head)
    )


def cmd_extract(args: argparse.Namespace) -> int:
    config = load(args)
    article = _read_one_article(args, config)
    if args.json:
        data = {
            "title": article.title,
            "date": article.published.isoformat() if article.published else None,
            "source": article.source,
            "url": article.url,
            "summary": list(article.summary),
            "paragraphs": [{"text": p.text, "kind": p.kind} for p in article.paragraphs],
        }
        if args.explain:
            data["removed"] = [
                {"rule": r.rule, "reason": r.reason, "text": r.text} for r in article.removed
            ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    print("\n\n".join(p.text for p in article.paragraphs))
    if args.explain:
        print(f"\n--- removed {len(article.removed)} span(s) ---")
        for removal in article.removed:
            reason = f" ({removal.reason})" if removal.reason else ""
            print(f"[{removal.rule}]{reason}\n    {removal.text}")
    return EXIT_OK


def cmd_summarise(args: argparse.Namespace) -> int:
    config = load(args)
    if args.sentences is not None or args.chars is not None:
        import dataclasses

        config = dataclasses.replace(
            config,
            lead_sentences=args.sentences or config.lead_sentences,
            summary_chars=args.chars or config.summary_chars,
        )
    article = _read_one_article(args, config)
    for sentence in article.summary:
        print(sentence)
    return EXIT_OK


def cmd_send(args: argparse.Namespace) -> int:
    from digest.mail import MailError, send_digest
    from digest.pipeline import build, stored_digest, today
    from digest.state import RunLock, State

    config = load(args)
    day = args.date or today(config)
    with RunLock(config.state), State.open(config.state) as state:
        digest = stored_digest(config, state, day)
    if digest is None:
        digest = build(config, day).digest
    try:
        with RunLock(config.state), State.open(config.state) as state:
            result = send_digest(
                digest,
                config,
                state,
                force=args.force,
                dry_run=args.dry_run or args.to_file is not None,
                to_file=args.to_file,
                out=sys.stdout,
            )
    except MailError as exc:
        print(f"digest: {exc.problem}", file=sys.stderr)
        if exc.advice:
            print(f"  what to do: {exc.advice}", file=sys.stderr)
        return EXIT_FAILED
    for cut in result.cuts:
        print(f"warning: {cut}", file=sys.stderr)
    if not (args.dry_run and args.to_file is None) and not args.quiet:
        print(result.summary_line)
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from digest.scheduler import Scheduler, scheduled_job, scheduler_lock, stop_on_signals

    config = load(args)
    scheduler = Scheduler(config, lambda: scheduled_job(config))
    with scheduler_lock(config):
        if args.once:
            report = scheduler.run_job()
            print(report.detail)
            if report.locked:
                return EXIT_LOCKED
            return EXIT_OK if report.ok else EXIT_FAILED
        with stop_on_signals(scheduler):
            scheduler.run_forever()
    return EXIT_OK


# --- sources ----------------------------------------------------------------------------------


def _config_path(args: argparse.Namespace) -> Path:
    return find_config(args.config) or Path.cwd() / CONFIG_FILENAME


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


def cmd_sources_list(args: argparse.Namespace) -> int:
    from digest.state import State

    config = load(args)
    health = {}
    if config.state.exists():
        with State.open(config.state) as state:
            health = {record.name: record for record in state.sources()}
    if not config.sources:
        print("no sources configured; add one with: digest sources add URL")
        return EXIT_OK
    for source in config.sources:
        flags = [source.kind]
        if source.category:
            flags.append(source.category)
        if not source.enabled:
            flags.append("disabled")
        print(f"{source.name}  [{', '.join(flags)}]\n    {source.location}")
        record = health.get(source.name)
        if record is None:
            print("    never read")
            continue
        success = _when(record.last_success) if record.last_success else "never"
        line = f"    last success {success}, {record.items} items"
        if record.consecutive_failures:
            line += f"; FAILING {record.consecutive_failures} run(s) in a row"
        print(line)
        if record.last_error and record.consecutive_failures:
            print(f"    last error {_when(record.last_error_at)}: {record.last_error}")
        if record.disabled_reason:
            print(f"    disabled: {record.disabled_reason}")
    return EXIT_OK


def _when(moment: dt.datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "unknown"


def cmd_sources_add(args: argparse.Namespace) -> int:
    from digest.sources.discover import resolve_new_source

    path = _config_path(args)
    existing = load_config(path) if path.exists() else default_config(path.parent)
    entry = resolve_new_source(
        args.location,
        name=args.name,
        page=args.page,
        discover=not args.no_discover,
        base=path.parent,
    )
    if any(entry.get("url", entry.get("path")) == s.location for s in existing.sources):
        print(f"digest: {args.location} is already a source in {path}", file=sys.stderr)
        return EXIT_USAGE
    entry.update(
        category=args.category,
        full_text=True if args.full_text else None,
        max_items=args.max_items,
    )
    add_sources_to_file(path, [*_carried_over(path, existing), entry])
    print(f"added {entry['name']} ({entry.get('url') or entry.get('path')}) to {path}")
    _forget_source_health(existing.state, str(entry["name"]))
    return EXIT_OK


def _forget_source_health(state_path: Path, name: str) -> None:
    """A source removed or added under a name the state knows starts afresh: no 410
    disabling, no old validators, a first-run window. The articles it brought are kept."""
    if not state_path.exists():
        return
    from digest.state import RunLock, State

    with RunLock(state_path, wait=30), State.open(state_path) as state:
        state.forget_source(name)


def cmd_sources_remove(args: argparse.Namespace) -> int:
    path = _config_path(args)
    if not path.exists():
        print(f"digest: no config file {path}; nothing to remove", file=sys.stderr)
        return EXIT_USAGE
    config, name = remove_source_from_file(path, args.source)
    print(f"removed {name} from {path}")
    _forget_source_health(config.state, name)
    return EXIT_OK


def cmd_sources_import(args: argparse.Namespace) -> int:
    from digest.sources.opml import parse_opml

    try:
        found = parse_opml(args.opml.read_bytes())
    except OSError as exc:
        print(f"digest: cannot read {args.opml}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except SourceError as exc:
        print(f"digest: {args.opml}: {exc.problem} ({exc.advice})", file=sys.stderr)
        return EXIT_FAILED
    path = _config_path(args)
    config = load_config(path) if path.exists() else default_config(path.parent)
    locations = {s.location for s in config.sources}
    names = {s.name for s in config.sources}
    entries: list[dict[str, object]] = list(_carried_over(path, config))
    for source in found:
        if source.location in locations:
            continue
        name, number = source.name, 2
        while name in names:
            name, number = f"{source.name} ({number})", number + 1
        names.add(name)
        locations.add(source.location)
        entry: dict[str, object] = {"name": name, "url": source.location}
        if source.kind == "page":
            entry["kind"] = "page"
        entries.append({**entry, "category": source.category})
    added = len(entries) - len(_carried_over(path, config))
    add_sources_to_file(path, entries)
    pages = sum(1 for s in found if s.kind == "page")
    what = f"{len(found) - pages} feeds" + (f" and {pages} pages" if pages else "")
    print(f"imported {added} of {what} from {args.opml} into {path}")
    return EXIT_OK


def cmd_sources_export(args: argparse.Namespace) -> int:
    from digest.output import write_atomic
    from digest.sources.opml import export_opml, is_web_source

    config = load(args)
    data = export_opml(config.sources, title=f"{config.title} sources")
    local = [s.name for s in config.sources if not is_web_source(s)]
    if local:
        print(
            f"digest: left out {len(local)} local source(s), which mean nothing to another"
            f" reader: {', '.join(local)}",
            file=sys.stderr,
        )
    if args.output:
        write_atomic(args.output, data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
