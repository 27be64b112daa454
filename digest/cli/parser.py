"""The ``digest`` argument parser: the top level here, each command's own options in its module.

Every command module has ``add_commands(commands, common)``, which adds its subcommands with
a ``handler`` default: the function ``main`` calls with the parsed arguments.
"""

from __future__ import annotations

import argparse
import difflib

from digest import __version__
from digest.cli import articles, build, check, run, send, sources, state, stories
from digest.cli.options import common_options

# In the order ``digest --help`` lists them.
COMMAND_MODULES = (build, stories, articles, send, run, sources, state, check)


class SuggestingParser(argparse.ArgumentParser):
    """argparse's parser, which also says which choice a mistyped one most likely meant: a
    command ('digest buidl'), a sources action, a --kind. Its subcommands' parsers are of
    this class too (``add_subparsers`` makes them of its parser's class)."""

    def _check_value(self, action: argparse.Action, value: object) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            choices = [str(choice) for choice in action.choices or ()]
            close = difflib.get_close_matches(str(value), choices, n=1)
            if not close:
                raise
            raise argparse.ArgumentError(
                action, f"{exc.message}; did you mean '{close[0]}'?"
            ) from None


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = SuggestingParser(
        prog="digest",
        description="Turn many news sources into one calm daily read: an HTML page, "
        "an Atom feed and an email.",
        epilog="Run 'digest COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"digest {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.add_commands(commands, common)
    return parser
