"""``digest sources``: list, add, remove, import and export the sources in the config file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from digest import usecases
from digest.cli.console import error, warn
from digest.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from digest.cli.options import config_path, load
from digest.config import INVALID_ENTRY
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.state import shown_names


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    sources = commands.add_parser(
        "sources",
        parents=[common],
        help="list, add, remove, import or export sources",
        description="Manage the sources in the config file (created as ./digest.toml if "
        "there is none), keeping its comments.",
    )

    def explain(_args: argparse.Namespace) -> int:
        sources.print_help()
        return EXIT_USAGE

    sources.set_defaults(handler=explain)
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
        'through <link rel="alternate">, else through the links in the page or at the '
        "addresses where sites usually keep one (/feed, /rss.xml...).",
    )
    add.add_argument("location", help="a feed URL, a site URL, a web page URL, or a folder")
    add.add_argument("--name", help="name shown in the digest (default: the feed's title)")
    add.add_argument("--category", help="category, such as News/World")
    add.add_argument("--page", action="store_true", help="the URL is an article page, not a feed")
    add.add_argument(
        "--kind",
        choices=kinds.names(),
        help="add the URL as this kind of source, as it is (--page is --kind page)",
    )
    add.add_argument("--full-text", action="store_true", help="fetch each entry's web page")
    add.add_argument("--max-items", type=int, help="at most this many newest items per run")
    add.add_argument("--no-discover", action="store_true", help="add the URL without fetching it")
    add.add_argument(
        "--allow-private",
        action="store_true",
        help="the source is on your own machine or network: let it reach private addresses",
    )
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
        "nested folders become categories such as News/World. Feeds already present are kept; "
        "a feed:// link is the web address it stands for; a subscription whose address is no "
        "web address is named, with its line and why, not imported.",
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


def cmd_sources_list(args: argparse.Namespace) -> int:
    config = load(args)
    sources = usecases.source_health(config)
    if not sources and not config.invalid_sources:
        print("no sources configured; add one with: digest sources add URL")
        return EXIT_OK
    # A wrong [[sources]] entry is a source all the same, one that no build reads until
    # it is fixed: listed first, with what is wrong and what to do (as 'digest build' says).
    for failure in config.invalid_sources:
        print(f"{failure.source}  [not read: wrong config entry]")
        # (the problem without its own "not read: the config entry is wrong" again)
        why = failure.problem.removeprefix(INVALID_ENTRY).removesuffix(")")
        print(f"    {why or failure.problem}")
        print("    no build reads it until its [[sources]] entry is fixed")
    shown = shown_names(
        (source for source, _ in sources), {r.name: r for _, r in sources if r is not None}
    )
    for source, record in sources:
        flags: list[str] = [source.kind]
        if source.category:
            flags.append(source.category)
        if not source.enabled:
            flags.append("disabled")
        name = shown[source.name]  # (by its own title as last read, as the digest shows it)
        print(f"{name}  [{', '.join(flags)}]\n    {source.location}")
        if record is None:
            print("    never read")
            continue
        success = _when(record.last_success, config.timezone) if record.last_success else "never"
        items = "1 item" if record.items == 1 else f"{record.items} items"
        line = f"    last success {success}, {items}"
        if record.consecutive_failures:
            runs = record.consecutive_failures
            line += f"; FAILING {runs} {'run' if runs == 1 else 'runs'} in a row"
        print(line)
        if record.last_error and record.consecutive_failures:
            when = _when(record.last_error_at, config.timezone)
            print(f"    last error {when}: {record.last_error}")
        if record.disabled_reason:
            print(f"    disabled: {record.disabled_reason}")
    return EXIT_OK


def _when(moment: dt.datetime | None, tz: dt.tzinfo) -> str:
    """``moment`` in the configured timezone, as the pages give times."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "unknown"


def cmd_sources_add(args: argparse.Namespace) -> int:
    added = usecases.add_source(
        config_path(args),
        args.location,
        name=args.name,
        category=args.category,
        kind=args.kind,
        page=args.page,
        full_text=args.full_text,
        max_items=args.max_items,
        discover=not args.no_discover,
        allow_private=args.allow_private,
    )
    print(f"added {added.name} ({added.location}) to {added.config_path}")
    if added.note:
        print(added.note)
    _forget_health(
        added.state,
        added.name,
        "adding one does",
        ", then remove the source and add it again if it should start afresh",
    )
    return EXIT_OK


def cmd_sources_remove(args: argparse.Namespace) -> int:
    removed = usecases.remove_source(config_path(args), args.source)
    where = f" ({removed.location})" if removed.location else ""
    print(f"removed {removed.shown}{where} from {removed.config_path}")
    _forget_health(
        removed.state,
        removed.known_as or removed.name,
        "removing one does",
        "; nothing more is needed then ('digest sources add' forgets it, should the source "
        "come back)",
    )
    return EXIT_OK


def _forget_health(state: Path, name: str, forgets: str, then: str) -> None:
    """``usecases.forget_source_health``, or a warning when the state file cannot be used
    (damaged, or held by another program past the wait): the config, the user's file, is
    changed all the same, and the command has done what was asked. It stopped with the
    state's error instead, which said that nothing had been changed (the config had been)
    and to run again (a source already added is refused). ``forgets``: what forgets a
    source's health; ``then``: what to do once the state can be used again."""
    from digest.state import StateDamagedError, StateError, StateLockedError

    try:
        usecases.forget_source_health(state, name)
    except StateError as exc:
        if isinstance(exc, StateLockedError):
            mend = "let it finish"
        elif isinstance(exc, StateDamagedError) or not exc.advice:
            mend = "mend it first ('digest state check' says how)"
        else:
            mend = exc.advice
        warn(
            f"the config is changed, but not the state: {exc.problem}; what it may remember "
            f"of a source named '{name}' (failures, a 410 that disabled it) is not "
            f"forgotten, as {forgets}: {mend}{then}"
        )


def cmd_sources_import(args: argparse.Namespace) -> int:
    try:
        imported = usecases.import_opml(config_path(args), args.opml)
    except SourceError as exc:  # the OPML file: unreadable, or not OPML
        error(f"{exc.problem} ({exc.advice})" if exc.advice else exc.problem)
        return EXIT_FAILED
    from digest.present import plural

    count = sum(count for _, count in imported.found)
    total = plural(count, "source", "sources")
    kinds = [plural(count, kind, f"{kind}s") for kind, count in imported.found]
    what = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    found = f" ({what})" if len(kinds) > 1 else ""
    skipped = len(imported.skipped)
    there = count - skipped - imported.added  # the sources already in the config, by address
    why = [f"{there} already there" if there else "", f"{skipped} not imported" if skipped else ""]
    said = "; ".join(part for part in why if part)
    print(
        f"imported {imported.added} of {total}{found} from {args.opml} into "
        f"{imported.config_path}{f' ({said})' if said else ''}"
    )
    for outline in imported.skipped:
        # Each by its line and title: the user finds it in the file, and in their reader.
        line = f"line {outline.line}: " if outline.line else ""
        title = f"'{outline.label}'" if outline.label else "an outline without a title"
        advice = (
            f"; did you mean {outline.meant}? (add it with: digest sources add {outline.meant})"
            if outline.meant
            else ""
        )
        warn(f"{args.opml}: {line}{title} not imported: {outline.problem}{advice}")
    if imported.held:
        # Written with allow_private = false: without a word here, the first the user hears
        # of it is a failed source in the next build.
        names = ", ".join(imported.held)
        warn(
            f"not read until you vouch for them: {names} "
            f"({'it is' if len(imported.held) == 1 else 'they are'} on your own machine or "
            "network; an OPML file may come from anyone, so each was written with "
            "allow_private = false: set it to true on those you trust)"
        )
    return EXIT_OK


def cmd_sources_export(args: argparse.Namespace) -> int:
    from digest.output import write_atomic

    config = load(args)
    if config.state_unread:  # (the titles of the sources left unnamed are their names)
        warn(config.state_unread)
    exported = usecases.export_sources(config)
    if exported.left_out:
        error(
            f"left out {len(exported.left_out)} local source(s), which mean nothing to another"
            f" reader: {', '.join(exported.left_out)}"
        )
    if args.output:
        write_atomic(args.output, exported.opml)
    else:
        sys.stdout.buffer.write(exported.opml)
    return EXIT_OK
