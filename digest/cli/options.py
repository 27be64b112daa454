"""What every command shares: the ``--config``, ``-v`` and ``-q`` options, the argument
types, and the config they lead to."""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import os
import re
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
        raise argparse.ArgumentTypeError(_not_a_day(text)) from None


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ISO_DAY = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})$")


def _not_a_day(text: str) -> str:
    """Why ``text`` is not a day. Written as one (2026-13-01, 2026-02-30), the complaint
    names the part that does not exist: "not a date like 2026-11-21" reads as if the shape
    were wrong, and the user, seeing the shape right, is left guessing."""
    shaped = _ISO_DAY.match(text)
    if shaped is None:
        return f"'{text}' is not a date like 2026-11-21 (year-month-day)"
    year, month, day = (int(shaped[part]) for part in ("year", "month", "day"))
    if year < dt.MINYEAR:
        return f"'{text}': there is no year {year:04d} (a date is YYYY-MM-DD)"
    if not 1 <= month <= 12:
        return f"'{text}': there is no month {month:02d} (a date is YYYY-MM-DD, months 01 to 12)"
    days = calendar.monthrange(year, month)[1]
    # (English month names, as every message of the command line is in English)
    name = _MONTHS[month - 1]
    return f"'{text}': {name} {year} has no day {day:02d} (it has {days} days)"


def load(args: argparse.Namespace) -> Config:
    """The config the options name: ``--config``, else ./digest.toml, else the defaults."""
    path = find_config(args.config)
    return load_config(path) if path else default_config()


def config_path(args: argparse.Namespace) -> Path:
    """The config file to edit: the one in use, else ./digest.toml (created when written)."""
    return find_config(args.config) or Path.cwd() / CONFIG_FILENAME
