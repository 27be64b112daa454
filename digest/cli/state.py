"""``digest state``: check the state file, list its kept copies, restore one, or start afresh."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from digest import backup
from digest.cli.console import warn
from digest.cli.exits import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from digest.cli.options import load
from digest.state import RunLock, backup_folder, damage_advice, integrity_problems


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    state = commands.add_parser(
        "state",
        parents=[common],
        help="check the state file, list its copies, restore one or start afresh",
        description="The state file remembers which articles were shown on which day. It is "
        "checked whenever digest opens it, and a copy is kept after every build (the newest "
        f"{backup.KEEP}). When it is damaged, digest stops and says so: restore a copy, or "
        "reset to start afresh. Neither deletes anything: the file replaced is moved aside.",
    )

    def explain(_args: argparse.Namespace) -> int:
        state.print_help()
        return EXIT_USAGE

    state.set_defaults(handler=explain)
    actions = state.add_subparsers(title="actions", metavar="ACTION")
    check = actions.add_parser(
        "check",
        parents=[common],
        help="check the state file (exit 1 if it is damaged)",
        description="Check the state file as a build does (SQLite's quick_check and the "
        "schema), without changing it; exit 1 and say what to do if it is damaged.",
    )
    check.set_defaults(handler=cmd_state_check)
    listing = actions.add_parser(
        "list",
        parents=[common],
        help="the copies kept, newest first",
        description="The copies of the state kept after each build, newest first, each "
        "checked, with its newest day and its number of articles.",
    )
    listing.set_defaults(handler=cmd_state_list)
    restore = actions.add_parser(
        "restore",
        parents=[common],
        help="put a copy in place of a damaged state file",
        description="Put the newest good copy (or the one named) in place of the state file, "
        "which is moved aside, not deleted. Articles shown after the copy was taken may be "
        "shown once more; an email sent after it was taken stays recorded as sent.",
    )
    restore.add_argument(
        "copy",
        nargs="?",
        help="a copy's name from 'digest state list', or the path of any copy of a state file "
        "(default: the newest good copy kept)",
    )
    restore.add_argument(
        "--force", action="store_true", help="replace the state file even if it is sound"
    )
    restore.set_defaults(handler=cmd_state_restore)
    reset = actions.add_parser(
        "reset",
        parents=[common],
        help="move a damaged state file aside and start afresh",
        description="Move the state file aside (not deleted) and start a new one: the next "
        "build reads every source as new, taking each feed's last day of articles "
        "(first_run_hours). Days built before stay in the output folder but leave the archive. "
        "The emails recorded as sent stay recorded, so no day is mailed twice.",
    )
    reset.add_argument(
        "--force", action="store_true", help="start afresh even if the state file is sound"
    )
    reset.set_defaults(handler=cmd_state_reset)


def cmd_state_check(args: argparse.Namespace) -> int:
    path = load(args).state
    problems = integrity_problems(path)
    if problems:
        print(f"state file {path} is damaged:")
        for problem in problems:
            print(f"  {problem}")
        print(f"what to do: {damage_advice(path)}")
        return EXIT_FAILED
    if not path.exists():
        print(f"state file {path} does not exist yet: the first build creates it")
        return EXIT_OK
    found = backup.examine(path)
    print(f"state file {path} is sound: {_figures(found)}")
    kept = backup.copies(path)
    good = [c for c in kept if not c.problems]
    print(
        f"{len(kept)} {'copy' if len(kept) == 1 else 'copies'} kept in {backup_folder(path)}"
        + (f", {len(kept) - len(good)} of them damaged" if len(good) < len(kept) else "")
    )
    return EXIT_OK


def cmd_state_list(args: argparse.Namespace) -> int:
    path = load(args).state
    kept = backup.copies(path)
    if not kept:
        print(f"no copies kept in {backup_folder(path)}: one is made after each build")
        return EXIT_OK
    print(f"copies of {path}, newest first, in {backup_folder(path)}:")
    for copy in kept:
        verdict = f"DAMAGED: {copy.problems[0]}" if copy.problems else _figures(copy)
        print(f"  {copy.path.name}  {verdict}")
    return EXIT_OK


def cmd_state_restore(args: argparse.Namespace) -> int:
    config = load(args)
    path = config.state
    with RunLock(path):
        done = backup.restore(path, args.copy, force=args.force)
    assert done.source is not None
    print(f"restored {path} from {done.source.path} ({_figures(done.source)})")
    _said_aside(done.moved_aside)
    _said_sends(done, sends_email=config.email is not None)
    return EXIT_OK


def _said_sends(done: backup.Replaced, *, sends_email: bool) -> None:
    """The emails that went out after the copy restored was taken: kept as sent (it would
    not have known, and 'digest send' would have mailed those days again), or, when the file
    replaced could not be read, the day whose email may have gone out meanwhile."""
    taken = done.source.taken if done.source else None
    taken_at = f", taken {taken:%Y-%m-%d %H:%M} UTC," if taken else ""
    if done.kept_sends:
        one = len(done.kept_sends) == 1
        emails = " and ".join(
            f"{sent.day} (sent {sent.at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"
            for sent in done.kept_sends
        )
        warn(
            f"this copy{taken_at} predates the email{'' if one else 's'} of {emails}: 'digest "
            f"send' would have mailed {'it' if one else 'them'} again; "
            f"{'its' if one else 'their'} record is kept from the file replaced, so "
            f"{'it is' if one else 'they are'} not sent again ('digest send --date "
            f"{done.kept_sends[-1].day} --force' sends {'it' if one else 'one'} anyway)"
        )
    elif done.sends_unknown and done.maybe_sent and sends_email:
        day = done.maybe_sent.isoformat()
        warn(
            f"the file replaced could not be read for the emails it recorded as sent, and this "
            f"copy{taken_at} does not record {day}'s as sent: if it went out after the copy was "
            f"taken, 'digest send' and 'digest run' would mail it again; if it did, run neither "
            f"again for {day}"
        )


def cmd_state_reset(args: argparse.Namespace) -> int:
    config = load(args)
    path = config.state
    with RunLock(path):
        done = backup.reset(path, force=args.force)
    sent = len(done.kept_sends)
    kept = (
        f"a new state that keeps only the record of the {sent} email{'' if sent == 1 else 's'} "
        "sent (no day is mailed twice)"
        if sent
        else "a new, empty state"
    )
    print(f"started afresh: {path} is {kept}; the next build reads every source as new")
    _said_aside(done.moved_aside)
    if done.sends_unknown and config.email is not None:
        warn(
            "the file replaced could not be read for the emails it recorded as sent, so the "
            "new state records none: if today's email went out already, 'digest send' and "
            "'digest run' would mail it again; if it did, run neither again today"
        )
    return EXIT_OK


def _said_aside(moved: tuple[Path, ...]) -> None:
    if moved:
        print(f"the file it replaced was moved aside, not deleted: {moved[0]}")


def _figures(copy: backup.Copy) -> str:
    taken = f"taken {copy.taken:%Y-%m-%d %H:%M} UTC, " if copy.taken else ""
    day = f"newest day {copy.last_day}" if copy.last_day else "no day built"
    return f"{taken}{day}, {copy.entries:,} articles remembered, {copy.size / 1e6:.1f} MB"
