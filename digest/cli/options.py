"""What every command shares: the ``--config``, ``-v`` and ``-q`` options, the argument
types, and the config they lead to."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from digest.config import CONFIG_FILENAME, Config, default_config, find_config, load_config


def common_options() -> argparse.ArgumentParser:
    """The options every command takes, as a parent parser."""
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
    return common


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def parse_day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-21") from None


def load(args: argparse.Namespace) -> Config:
    """The config the options name: ``--config``, else ./digest.toml, else the defaults."""
    path = find_config(args.config)
    return load_config(path) if path else default_config()


def config_path(args: argparse.Namespace) -> Path:
    """The config file to edit: the one in use, else ./digest.toml (created when written)."""
    return find_config(args.config) or Path.cwd() / CONFIG_FILENAME
