"""Bylines: the writers' names above the text, in capitals as agencies set them."""

from __future__ import annotations

import re

import pytest

from digest.text.bylines import capitals_byline, names_only

# a dateline as an agency opens its lead: "WASHINGTON (AP) —", "KYIV, Ukraine —"
_DATELINE = re.compile(r"[A-Z][A-Z ]+(?:, [A-Z][a-z]+)?(?: \([A-Za-z ]+\))? \u2014 ")


def dateline(text: str) -> bool:
    return _DATELINE.match(text) is not None


LEAD = "The Senate passed a stopgap bill late Friday, hours before the deadline."


@pytest.mark.parametrize(
    "byline",
    [
        "By JANE DOE",
        "BY JANE DOE",
        "By JANE DOE and JOHN ROE",
        "By JANE DOE, Associated Press",
        "By JANE DOE, AP Business Writer",
        "By JOHN McALLISTER and MARÍA LÓPEZ-GARCÍA",
        "By JANE Q. DOE, JOHN ROE and SAM O'NEILL",
        "Von KATRIN VOGEL und JONAS BERG",
    ],
)
def test_a_byline_in_capitals_standing_alone(byline: str) -> None:
    assert capitals_byline(byline, dateline) == len(byline)


@pytest.mark.parametrize(
    ("text", "byline"),
    [
        (f"By JANE DOE and JOHN ROE WASHINGTON (AP) \u2014 {LEAD}", "By JANE DOE and JOHN ROE"),
        (f"By JANE DOE KYIV, Ukraine \u2014 {LEAD}", "By JANE DOE"),
        # the names' outlet, then the dateline
        (
            f"By JANE DOE, Associated Press KYIV, Ukraine \u2014 {LEAD}",
            "By JANE DOE, Associated Press",
        ),
        # a name of three words, then the lead's first sentence
        (f"By MARY CLARE JONES {LEAD}", "By MARY CLARE JONES"),
    ],
)
def test_a_byline_in_capitals_run_into_the_lead_ends_where_the_lead_begins(
    text: str, byline: str
) -> None:
    assert capitals_byline(text, dateline) == len(byline)


@pytest.mark.parametrize(
    "text",
    [
        "By the time firefighters arrived, the roof had collapsed.",
        "By NOON, the queue stretched around the block and past the station.",
        "By NASA standards, the launch was a modest success.",
        "BY THE NUMBERS",
        "By Jane Doe",  # names in capitals only: a heading "By Design" reads alike
        "By JANE DOE and JOHN ROE said the council had lied",
        "Written by hand, the letters reached the mayor on Monday.",
    ],
)
def test_no_byline_in_capitals(text: str) -> None:
    assert capitals_byline(text, dateline) is None


def test_names_only() -> None:
    assert names_only("Jane Doe and John Roe, CNN")
    assert names_only("Daily Mail Reporter")
    assert not names_only("the council said on Monday")
