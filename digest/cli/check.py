"""``digest check``: the config, each source, the state file, the output folder and the email,
checked without changing anything, as a table."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from digest.cli.exits import EXIT_FAILED, EXIT_OK
from digest.cli.options import config_path, load
from digest.config import ConfigError

if TYPE_CHECKING:
    from digest.check import Finding

# The names' column is as wide as its longest name up to this; a longer one pushes its detail
# along rather than being cut (a path cut short is no use).
NAME_WIDTH = 32


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check",
        parents=[common],
        help="check the config, sources, state, output folder and email",
        description="Check that this setup can run unattended, changing nothing: the config "
        "(and whether it names anything to read); every source, read once afresh (HTTP "
        "status, what the document is, its entries and the newest one's date); the state "
        "file (SQLite's quick_check and schema); the output folder (there or creatable, and "
        "writable, and which built days' pages are missing from it); the email's password, in "
        "this environment. Prints a table; exits 1 if "
        "anything is wrong. With -q, only what is wrong.",
    )
    check.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from digest.check import Finding, check_setup

    try:
        config = load(args)
    except ConfigError as exc:  # a finding like any other: the table says what is wrong
        name = str(config_path(args))
        *rows, last = (str(one) for one in exc.each)  # (each mistake in a row of its own)
        findings: tuple[Finding, ...] = (
            *(Finding("config", name, False, row) for row in rows),
            # what it would warn of once usable, under the last mistake: said now, as a
            # usable config's row notes it, not after the mistakes are fixed
            Finding("config", name, False, last, exc.warnings),
        )
    else:
        findings = check_setup(config).findings
    shown = [f for f in findings if not f.ok] if args.quiet else list(findings)
    _print_table(shown)
    problems = sum(1 for f in findings if not f.ok)
    if not args.quiet:
        print(
            f"\n{problems} problem{'s' if problems != 1 else ''} found"
            if problems
            else "\nall good: ready to run unattended"
        )
    return EXIT_FAILED if problems else EXIT_OK


def _print_table(findings: list[Finding]) -> None:
    if not findings:
        return
    width = min(NAME_WIDTH, max(len(f.name) for f in findings))
    what = max(len(f.what) for f in findings)
    out = sys.stdout
    out.write(f"{'':<4}  {'check':<{what}}  {'name':<{width}}  detail\n")
    indent = f"{'':<4}  {'':<{what}}  {'':<{width}}  "
    for finding in findings:
        name = finding.name
        result = "ok" if finding.ok else "FAIL"
        if len(name) > width:  # (its detail on a line of its own, where the column is)
            out.write(f"{result:<4}  {finding.what:<{what}}  {name}\n{indent}{finding.detail}\n")
        else:
            out.write(f"{result:<4}  {finding.what:<{what}}  {name:<{width}}  {finding.detail}\n")
        for note in finding.notes:
            out.write(f"{indent}note: {note}\n")
