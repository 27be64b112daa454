"""Reading dates publishers and people write, conservatively: the one date parser.

Feeds (thousands of entries a run), web pages and article file headers all come here. A wrong
date is worse than none: it files an article under the wrong day. So anything that is not
clearly one instant is refused ("03/04/2024", "yesterday", epoch seconds, unknown zone names,
a two-digit year outside a full RFC 822 date-time, a date before 1990 or after ``latest``) and
the caller falls back to another clue (file time, first-seen time).
"""

from __future__ import annotations

import datetime as dt
import re

from digest.text.lexicon import lexicon

__all__ = ["EARLIEST_YEAR", "UTC", "parse_date"]

UTC = dt.UTC
# Nothing digest reads was published before the web was; a year before this is a bad value.
EARLIEST_YEAR = 1990
MAX_CHARS = 120
_MAX_OFFSET = dt.timedelta(hours=14)

# Month names in every language the lexicon covers (English, German, French, Spanish, Italian,
# Portuguese, Dutch) → 1-12, and zone names → minutes east of UTC.
_MONTHS = dict(lexicon().months)  # plain dicts: looked up for every date of every feed
_ZONES = dict(lexicon().zone_offsets)

# The two shapes nearly every feed uses, tried first on the stripped text.
_ISO_STRICT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)?\Z")
_RFC822_STRICT = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d\d?) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) "
    r"([+-]\d{4}|GMT|UTC|UT|Z|[ECMP][SD]T)\Z"
)

# The rest, more loosely, on the text with its whitespace collapsed. Each pattern ends with
# the zone, "" when there is none: (year, month, day, hour, minute, second, am/pm, zone).
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?"
# After a spelled month also "08.30", "at 8:30" and "8:30 p.m."
_CLOCK = (
    r"(?:(?i:at)\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,]\d{1,9})?)?"
    r"(?:\s*([AaPp])\.?[Mm]\.?)?"
)
# Any leading word is a weekday: "Sat, ", "Fri ", "Mon.,", "Sat,21 Nov ..."
_WEEKDAY = r"(?:[^\W\d_]+(?:\.?,\s*|\.?\s+))?"
# "2024-05-31", "2024-05-31 22:00 +0000", "2024-5-31T22:00:00 CEST"
_ISO_DATE = re.compile(
    rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?:(?:T|\s+){_TIME})?\s*(.*)", re.IGNORECASE
)
_ISO_PREFIX = re.compile(r"\d{4}-\d\d-\d\d")
# Year first is unambiguous; "03/04/2024" is not and matches nothing here.
_YMD_SLASH = re.compile(rf"(\d{{4}})/(\d{{1,2}})/(\d{{1,2}})(?:\s+{_TIME})?\s*(.*)")
# RFC 822 / 850 and "21 November 2026, 8:30 pm", "21 févr. 2026"
_DAY_FIRST = re.compile(
    rf"{_WEEKDAY}(\d{{1,2}})[\s-]+([^\W\d_]{{3,}})\.?,?[\s-]+(\d{{4}}|\d{{2}})(?![\d:.])"
    rf"(?:,?\s+{_CLOCK})?\s*(.*)"
)
# "November 21, 2026", "Sat, Dec 16 2023 02:02:33 PM", "Nov. 21st, 2026 at 8:30 am EST"
_MONTH_FIRST = re.compile(
    rf"{_WEEKDAY}([^\W\d_]{{3,}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
    rf"(?:,?\s+{_CLOCK})?\s*(.*)"
)
# The time before the year: asctime, Unix date(1) and Twitter's "Wed Aug 27 13:08:45 +0000
# 2008"; the zone may stand before or after the year.
_TIME_BEFORE_YEAR = re.compile(
    rf"{_WEEKDAY}(?:(\d{{1,2}})\s+([^\W\d_]{{3,}})|([^\W\d_]{{3,}})\.?\s+(\d{{1,2}}))\.?,?"
    rf"\s+{_CLOCK}\s+(?:(\S+)\s+)?(\d{{4}})\s*(.*)"
)
_OFFSET = re.compile(r"(?:gmt|utc|ut)?\s*([+-])(\d{1,2})(?::?(\d{2}))?")
_NAMED_OFFSET = re.compile(r"([+-]\d{4})\s+([a-z]{1,5})")  # "+0100 CET"
_ZONE_COMMENT = re.compile(r"\s*\([^)]*\)\s*$")
_TZ_CACHE: dict[int, dt.timezone] = {}


def parse_date(
    value: object, default_tz: dt.tzinfo = UTC, *, latest: dt.datetime | None = None
) -> dt.datetime | None:
    """A written date → aware UTC datetime, or None when it is missing, ambiguous or absurd.

    Accepts ISO 8601 / RFC 3339 / W3C-DTF ("2026-11-21", "2026-11-21 08:30",
    "2026-11-21T08:00:00+01:00"), year-first slash dates ("2026/11/21 08:30"), RFC 822 / 2822
    / 850 (named zones, numeric offsets, a two-digit year only with a time and a zone), asctime
    and Unix date(1) output, and spelled months in English, German, French, Spanish, Italian,
    Portuguese and Dutch ("21 November 2026", "21 févr. 2026", "November 21st, 2026 at 8:30
    pm"). A value without a zone is taken in ``default_tz``; a date without a time means
    midnight there.

    Refused: non-strings, bare digits (epoch seconds), day/month slash dates ("03/04/2024"),
    unknown zone names, words after the date other than a bracketed zone comment, impossible
    days or times, offsets beyond ±14 h, years before EARLIEST_YEAR and, when ``latest`` (an
    aware datetime) is given, anything after it.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_CHARS or text.isdigit():
        return None
    parsed = None
    if _ISO_STRICT.match(text):
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        else:
            offset = parsed.utcoffset()
            if offset is None:
                parsed = parsed.replace(tzinfo=default_tz)
            elif abs(offset) > _MAX_OFFSET:
                return None
            parsed = parsed.astimezone(UTC)
    elif match := _RFC822_STRICT.match(text):
        day, month_name, year, hour, minute, second, zone = match.groups()
        month = _MONTHS.get(month_name.lower())
        minutes = _ZONES.get(zone.lower()) if zone[0].isalpha() else _numeric_offset(zone)
        if month is None or minutes is None:
            return None
        try:
            parsed = dt.datetime(
                int(year), month, int(day), int(hour), int(minute), int(second),
                tzinfo=_tz(minutes),
            ).astimezone(UTC)  # fmt: skip
        except ValueError:
            return None
    if parsed is None:
        parsed = _parse_loose(" ".join(text.split()), default_tz)
    if parsed is None or parsed.year < EARLIEST_YEAR or (latest is not None and parsed > latest):
        return None
    return parsed


def _parse_loose(text: str, default_tz: dt.tzinfo) -> dt.datetime | None:
    match = _ISO_DATE.fullmatch(text) or _YMD_SLASH.fullmatch(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        parsed = _build_date(year, month, day, hour, minute, second, None, zone, default_tz)
        if parsed is not None or not _ISO_PREFIX.match(text):
            return parsed
        return _parse_iso_rest(text, default_tz)  # "2026-11-21T08", "…T0830+01"
    match = _DAY_FIRST.fullmatch(text)
    if match:
        day, month_name, year, hour, minute, second, half, zone = match.groups()
        if len(year) == 2:
            # Defined by RFC 822 (00-49 → 20xx, 50-99 → 19xx) only in a full date-time.
            if hour is None or not zone:
                return None
            year = str(2000 + int(year) if int(year) < 50 else 1900 + int(year))
        month = _MONTHS.get(month_name.lower())
        return _build_date(year, month, day, hour, minute, second, half, zone, default_tz)
    match = _MONTH_FIRST.fullmatch(text)
    if match:
        month_name, day, year, hour, minute, second, half, zone = match.groups()
        month = _MONTHS.get(month_name.lower())
        return _build_date(year, month, day, hour, minute, second, half, zone, default_tz)
    match = _TIME_BEFORE_YEAR.fullmatch(text)
    if match:
        day, month_name, month_name2, day2, hour, minute, second, half, zone, year, zone2 = (
            match.groups()
        )
        if zone and zone2:
            return None
        month = _MONTHS.get((month_name or month_name2).lower())
        day = day or day2
        return _build_date(year, month, day, hour, minute, second, half, zone or zone2, default_tz)
    return None  # slash dates like 03/04/2024 are ambiguous; words like "yesterday" too


def _parse_iso_rest(text: str, default_tz: dt.tzinfo) -> dt.datetime | None:
    """What else datetime.fromisoformat reads: hour-only and basic-format times, short offsets."""
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    offset = parsed.utcoffset()
    if offset is None:
        parsed = parsed.replace(tzinfo=default_tz)
    elif abs(offset) > _MAX_OFFSET:
        return None
    return parsed.astimezone(UTC)


def _build_date(
    year, month, day, hour, minute, second, half, zone, default_tz
) -> dt.datetime | None:
    if month is None:
        return None
    if half and hour is not None:
        clock = int(hour)
        if not 1 <= clock <= 12:
            return None
        hour = clock % 12 + (12 if half in "Pp" else 0)
    if zone and "(" in zone:  # "+0000 (UTC)": the comment repeats the zone
        zone = _ZONE_COMMENT.sub("", zone).strip()
    if zone:
        offset = _zone_offset(zone)
        if offset is None:
            return None
        tzinfo = _tz(offset)
    else:
        tzinfo = default_tz
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tzinfo,
        ).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _zone_offset(zone: str) -> int | None:
    """Minutes east of UTC for a zone string, or None when it is not one."""
    zone = zone.strip().lower()
    if zone in _ZONES:
        return _ZONES[zone]
    match = _OFFSET.fullmatch(zone)
    if match:
        sign, hours, minutes = match.groups()
        h, m = int(hours), int(minutes or 0)
        if h > 14 or m >= 60:
            return None
        return -(h * 60 + m) if sign == "-" else h * 60 + m
    match = _NAMED_OFFSET.fullmatch(zone)
    if match:  # the offset decides; a known name must agree with it
        offset = _numeric_offset(match[1])
        named = _ZONES.get(match[2], offset)
        return offset if named == offset else None
    return None


def _numeric_offset(zone: str) -> int | None:
    """ "+0530" → 330; None beyond ±14 h or 59 minutes."""
    hours, minutes = int(zone[1:3]), int(zone[3:5])
    if hours > 14 or minutes >= 60:
        return None
    return -(hours * 60 + minutes) if zone[0] == "-" else hours * 60 + minutes


def _tz(offset: int) -> dt.timezone:
    zone = _TZ_CACHE.get(offset)
    if zone is None:
        zone = _TZ_CACHE[offset] = dt.timezone(dt.timedelta(minutes=offset))
    return zone
