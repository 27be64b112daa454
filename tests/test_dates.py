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
        "Sat, 21 Nov 26 08:00:00 GMT",  # two-digit year
        "0001-01-01T00:00:00Z",
        "21 Smarch 2026",
    ],
)
def test_ambiguous_or_nonsense_dates_are_refused(text: str) -> None:
    assert parse_date(text) is None
