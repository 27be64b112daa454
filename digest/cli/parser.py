"""The ``digest`` argument parser: the top level here, each command's own options in its module.

Every command module has ``add_commands(commands, common)``, which adds its subcommands with
a ``handler`` default: the function ``main`` calls with the parsed arguments.
"""

from __future__ import annotations

import argparse

from digest import __version__
from digest.cli import articles, build, run, send, sources, state, stories
from digest.cli.options import common_options

# In the order ``digest --help`` lists them.
COMMAND_MODULES = (build, stories, articles, send, run, sources, state)


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
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
