"""The one date parser (digest.text.dates.parse_date), used for feeds, pages and files."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from digest.text.dates import parse_date

UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21T08:00:00+01:00", dt.datetime(2026, 11, 21, 7, 0, tzinfo=UTC)),
        ("2026-11-21T08:00:00Z", dt.datetime(2026, 11, 21, 8, 0, tzinfo=UTC)),
        ("2026-11-21 08:30", dt.datetime(2026, 11, 21, 8, 30, tzinfo=UTC)),
        ("2026-11-21", dt.datetime(2026, 11, 21, tzinfo=UTC)),
        ("Sat, 21 Nov 2026 08:00:00 GMT", dt.datetime(2026, 11, 21, 8, 0, tzinfo=UTC)),
        ("Sat, 21 Nov 2026 08:00:00 -0500", dt.datetime(2026, 11, 21, 13, 0, tzinfo=UTC)),
        ("21 November 2026", dt.datetime(2026, 11, 21, tzinfo=UTC)),
        ("November 21, 2026", dt.datetime(2026, 11, 21, tzinfo=UTC)),
        ("Nov. 21, 2026 8:30 pm", dt.datetime(2026, 11, 21, 20, 30, tzinfo=UTC)),
        ("Dec. 10, 2025 12:05 a.m.", dt.datetime(2025, 12, 10, 0, 5, tzinfo=UTC)),
    ],
)
def test_unambiguous_dates_parse_to_utc(text: str, expected: dt.datetime) -> None:
    assert parse_date(text) == expected


def test_naive_values_take_the_given_timezone() -> None:
    assert parse_date("2026-07-01 09:00", PARIS) == dt.datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a date",
        "yesterday at 5pm",
        "03/04/2024 10:00 AM",  # day or month first? refuse rather than guess
        "1700000000",  # epoch seconds must not become a year
        "30 February 2026",
        "2026-02-30",
        "21 Nov 26",  # a two-digit year outside a full RFC 822 date-time
        "Sat, 21 Nov 26 08:00:00",  # ... here without a zone
        "November 21, 26 08:00 GMT",
        "0001-01-01T00:00:00Z",
        "21 Smarch 2026",
    ],
)
def test_ambiguous_or_nonsense_dates_are_refused(text: str) -> None:
    assert parse_date(text) is None


# --------------------------------------------------------------------------------------------
# Everything the feed parser read, now read here too


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the strict fast paths
        ("2024-05-31T22:00:00-07:00", at(2024, 6, 1, 5)),
        ("2024-05-31T22:00:00.123Z", at(2024, 5, 31, 22, 0, 0, 123000)),
        ("2024-05-31T22:00", at(2024, 5, 31, 22)),
        ("Sat, 01 Jun 2024 10:00:00 +0200", at(2024, 6, 1, 8)),
        ("01 Jun 2024 10:00:00 PDT", at(2024, 6, 1, 17)),
        # looser ISO 8601 / W3C-DTF
        ("2024-05-31 22:00:00 +0000", at(2024, 5, 31, 22)),
        ("2024-5-31T22:00:00 CEST", at(2024, 5, 31, 20)),
        ("2024-05-31 22:00 UTC+5:30", at(2024, 5, 31, 16, 30)),
        ("2024-05-31T22", at(2024, 5, 31, 22)),  # what datetime.fromisoformat also reads
        ("2024-05-31T2200+01", at(2024, 5, 31, 21)),
        ("2024-05-31+02:00", at(2024, 5, 30, 22)),
        # year-first slash dates
        ("2024/5/31 22:00:00", at(2024, 5, 31, 22)),
        ("2024/05/31", at(2024, 5, 31)),
        # RFC 822 / 2822 / 850, loosely
        ("Fri 31 May 2024 22:00:00 GMT", at(2024, 5, 31, 22)),
        ("Fri,31 May 2024 22:00:00 GMT", at(2024, 5, 31, 22)),
        ("  Fri,  31 May 2024\n22:00:00 GMT ", at(2024, 5, 31, 22)),
        ("31 May 2024 22:00 -0700", at(2024, 6, 1, 5)),
        ("31 May 2024 22:00 GMT+2", at(2024, 5, 31, 20)),
        ("Fri, 31 May 2024 22:00:00 +0000 (UTC)", at(2024, 5, 31, 22)),
        ("Fri, 31 May 2024 22:00:00 +0100 CET", at(2024, 5, 31, 21)),
        ("Friday, 31-May-2024 22:00:00 EDT", at(2024, 6, 1, 2)),
        ("Fri, 16 June 2006 10:30:00 GMT", at(2006, 6, 16, 10, 30)),
        # a two-digit year in a full RFC 822 date-time: 00-49 → 20xx, 50-99 → 19xx
        ("Wed, 02 Oct 02 08:00:00 EST", at(2002, 10, 2, 13)),
        ("Thu, 07 Dec 17 07:00:00 -0800", at(2017, 12, 7, 15)),
        ("Sat, 21 Nov 26 08:00:00 GMT", at(2026, 11, 21, 8)),
        ("Mon, 01 Mar 99 12:00:00 GMT", at(1999, 3, 1, 12)),
        # the time before the year: asctime, Unix date(1), Twitter
        ("Sat Nov 21 08:00:00 2026", at(2026, 11, 21, 8)),
        ("Sat Nov 21 08:00:00 CET 2026", at(2026, 11, 21, 7)),
        ("Wed Aug 27 13:08:45 +0000 2008", at(2008, 8, 27, 13, 8, 45)),
        # spelled months, month first
        ("May 31, 2024", at(2024, 5, 31)),
        ("Sat, Dec 16 2023 02:02:33 PM", at(2023, 12, 16, 14, 2, 33)),
        ("November 21st, 2026 at 8:30 am EST", at(2026, 11, 21, 13, 30)),
        ("Nov. 21, 2026, 12:00 p.m.", at(2026, 11, 21, 12)),
        # spelled months, day first
        ("21 November 2026 at 8:30", at(2026, 11, 21, 8, 30)),
        ("21 November, 2026", at(2026, 11, 21)),
        ("21 Nov 2026 8:30 pm", at(2026, 11, 21, 20, 30)),
        ("21 Nov 2026 20.30", at(2026, 11, 21, 20, 30)),
    ],
)
def test_every_format_family_parses(text: str, expected: dt.datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 März 2026", at(2026, 3, 21)),  # German
        ("Mo, 02 Dez 2024 10:00:00 +0100", at(2024, 12, 2, 9)),
        ("21 févr. 2026 08:00", at(2026, 2, 21, 8)),  # French
        ("Seg, 15 Set 2014 10:00:00 -0300", at(2014, 9, 15, 13)),  # Portuguese
        ("3 dic 2025", at(2025, 12, 3)),  # Spanish, Italian
        ("1 maart 2024", at(2024, 3, 1)),  # Dutch
        ("Giugno 5, 2024", at(2024, 6, 5)),
    ],
)
def test_month_names_in_other_languages(text: str, expected: dt.datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-07-01",
        "2026-07-01 09:00",
        "2026-07-01T09:00:00",
        "2026/07/01 09:00",
        "1 July 2026 9:00 am",
        "July 1, 2026 09:00",
        "Wed, 01 Jul 2026 09:00:00",
        "Wed Jul 1 09:00:00 2026",
    ],
)
def test_zoneless_values_take_default_tz(text: str) -> None:
    """Feeds pass UTC (the default), files and pages the configured zone."""
    in_utc = parse_date(text)
    in_paris = parse_date(text, PARIS)
    assert in_utc is not None and in_paris is not None
    assert in_utc - in_paris == dt.timedelta(hours=2)  # Paris is UTC+2 in July
    assert in_paris.tzinfo == UTC


def test_a_date_without_a_time_is_midnight_in_default_tz() -> None:
    assert parse_date("21 November 2026", PARIS) == at(2026, 11, 20, 23)
    assert parse_date("2026-11-21", PARIS) == at(2026, 11, 20, 23)


@pytest.mark.parametrize(
    "text",
    [
        "2026-07-01T09:00:00Z",
        "2026-07-01T09:00:00+00:00",
        "Wed, 01 Jul 2026 09:00:00 GMT",
        "Wed, 01 Jul 2026 09:00:00 -0000",  # RFC 2822: UTC, local zone unknown
        "1 July 2026 09:00 UTC",
    ],
)
def test_an_explicit_zone_beats_default_tz(text: str) -> None:
    assert parse_date(text, PARIS) == at(2026, 7, 1, 9)


def test_latest_refuses_dates_after_it() -> None:
    latest = at(2024, 6, 3)
    assert parse_date("2024-06-03T00:00:00Z", latest=latest) == latest
    assert parse_date("2024-06-03T00:00:01Z", latest=latest) is None
    assert parse_date("Mon, 03 Jun 2024 00:00:01 GMT", latest=latest) is None
    assert parse_date("June 4, 2024", latest=latest) is None
    assert parse_date("June 4, 2024") == at(2024, 6, 4)  # no limit without latest


def test_feeds_parse_date_keeps_its_two_days_of_slack() -> None:
    from digest.sources.feeds import parse_date as feed_parse_date

    now = at(2024, 6, 1)
    assert feed_parse_date("2024-06-02T23:00:00Z", now) == at(2024, 6, 2, 23)
    assert feed_parse_date("2024-06-03T12:00:00Z", now) is None
    assert feed_parse_date("2024-06-01T12:00:00", now) == at(2024, 6, 1, 12)  # UTC


@pytest.mark.parametrize(
    "text",
    [
        None,
        1700000000,
        "   ",
        "03/04/2024",
        "3/4/24",
        "21.11.2026",
        "Sat, 21 Nov 2026 08:00:00 XYZ",  # an unknown zone name
        "Sat, 21 Nov 2026 08:00:00 AST",  # Atlantic or Arabia?
        "Sat, 21 Nov 2026 08:00:00 +0100 EST",  # offset and name disagree
        "Sat, 21 Nov 2026 08:00:00 +1500",  # beyond ±14 h
        "2026-11-21T08:00:00+23:00",
        "Sat, 21 Nov 2026 25:00:00 GMT",
        "21 Nov 2026 13:00 pm",
        "21 Nov 2026 08:00 GMT and then some words",
        "1989-12-31T23:59:59Z",  # before EARLIEST_YEAR
        "Fri, 31 Dec 1989 23:59:59 GMT",
        "x" * 200,
    ],
)
def test_more_ambiguous_or_nonsense_values_are_refused(text: object) -> None:
    assert parse_date(text) is None
    assert parse_date(text, PARIS) is None
