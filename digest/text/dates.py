"""Reading dates people and publishers write, conservatively.

A wrong date is worse than none: it files an article under the wrong day. So anything that is
not clearly one instant (a 2-digit year, "03/04/2024", "yesterday") is refused and the caller
falls back to another clue (file time, first-seen time).
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

UTC = dt.UTC

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

# "21 November 2026", "21 Nov. 2026 08:30"
_DAY_MONTH_YEAR = re.compile(
    r"^(?P<day>\d{1,2})\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})(?:,?\s+(?P<time>.+))?$", re.I
)
# "November 21, 2026", "Nov. 21 2026 8:30"
_MONTH_DAY_YEAR = re.compile(
    r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})(?:,?\s+(?P<time>.+))?$", re.I
)
_TIME = re.compile(
    r"^(?:at\s+)?(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?$", re.I
)

EARLIEST_YEAR = 1990


def parse_date(text: str, default_tz: dt.tzinfo = UTC) -> dt.datetime | None:
    """Parse an unambiguous date or date-time; return an aware UTC datetime, or None.

    Accepts ISO 8601 / RFC 3339 ("2026-11-21", "2026-11-21T08:00:00+01:00"), RFC 2822
    ("Sat, 21 Nov 2026 08:00:00 GMT") and spelled-out months ("21 November 2026",
    "November 21, 2026 8:30 am"). A value without a zone is taken in ``default_tz``; a date
    without a time means midnight there.
    """
    text = " ".join(text.split())
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_rfc2822(text) or _parse_spelled(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    if parsed.year < EARLIEST_YEAR:
        return None
    return parsed.astimezone(UTC)


def _parse_iso(text: str) -> dt.datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    try:
        return dt.datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _parse_rfc2822(text: str) -> dt.datetime | None:
    if not re.search(r"\d{1,2}:\d{2}", text) or not re.search(r"\b\d{4}\b", text):
        return None  # parsedate guesses 2-digit years and missing times; refuse those here
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_spelled(text: str) -> dt.datetime | None:
    match = _DAY_MONTH_YEAR.match(text) or _MONTH_DAY_YEAR.match(text)
    if not match:
        return None
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    hour = minute = second = 0
    if match["time"]:
        time_match = _TIME.match(match["time"].strip())
        if not time_match:
            return None
        hour, minute = int(time_match["h"]), int(time_match["m"])
        second = int(time_match["s"] or 0)
        ampm = (time_match["ampm"] or "").lower().replace(".", "")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return dt.datetime(int(match["year"]), month, int(match["day"]), hour, minute, second)
    except ValueError:
        return None
