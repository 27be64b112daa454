"""digest.text.figures: the counts reports give, and where different reports disagree."""

from __future__ import annotations

import pytest

from digest.text.figures import MAX_RATIO, disagreements, figures_in


def found(sentence: str) -> list[tuple[str, float, str]]:
    return [(f.kind, f.value, f.text) for f in figures_in(sentence, 0)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the seeds' three ways of giving one toll
        (
            "More than 80 people have been killed in US strikes on suspected vessels.",
            [("killed", 80, "More than 80")],
        ),
        (
            "The operation killed at least 83 people, officials said.",
            [("killed", 83, "at least 83")],
        ),
        ("The campaign has led to more than 110 deaths.", [("killed", 110, "more than 110")]),
        ("Seventeen people were injured.", [("injured", 17, "Seventeen")]),
        ("Nearly 20 people were hurt in the blaze.", [("injured", 20, "Nearly 20")]),
        ("Police said 30 were arrested overnight.", [("arrested", 30, "30")]),
        ("About 2,000 people were evacuated.", [("evacuated", 2000, "About 2,000")]),
        ("Floods displaced 1.2 million people.", [("evacuated", 1_200_000, "1.2 million")]),
        ("Three people are missing.", [("missing", 3, "Three")]),
        ("The death toll rose to 41 on Friday.", [("killed", 41, "41")]),
        ("Coastguards rescued 56 migrants.", [("rescued", 56, "56")]),
    ],
)
def test_a_figure_is_a_number_tied_to_a_kind_of_count(
    sentence: str, expected: list[tuple[str, float, str]]
) -> None:
    assert found(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The ferry carried 412 passengers and crew.",  # a number, but no count of a kind
        "An 83-year-old man was killed.",  # an age
        "The fire was put out after 40 minutes; nobody was killed.",  # another clause
        "Officials said 12 ministers met; nobody was hurt.",
        "Two dozen people were evacuated.",  # not a number it can read: better nothing
    ],
)
def test_numbers_that_count_nothing_are_not_figures(sentence: str) -> None:
    assert found(sentence) == []


def test_a_year_is_not_a_figure() -> None:
    assert found("Five people were injured in 2024 and ten killed in 2025.") == [
        ("injured", 5, "Five"),
        ("killed", 10, "ten"),
    ]


def test_each_figure_goes_with_the_cue_of_its_own_clause() -> None:
    assert found("Police said 12 people were hurt; 30 were arrested.") == [
        ("injured", 12, "12"),
        ("arrested", 30, "30"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Two people were killed at 3 am on Sunday.",
        "Two people died at 11:45 local time.",
        "Two people were killed at 10 p.m. on Saturday.",
        "Two people were killed at 6.40am in the city centre.",
    ],
)
def test_a_clock_time_is_not_a_count(sentence: str) -> None:
    assert found(sentence) == [("killed", 2, "Two")]


def test_a_clock_time_does_not_make_reports_disagree() -> None:
    reports = [
        ["Two people were killed at 3 am when the roof of a warehouse collapsed."],
        ["Two people were killed when a warehouse roof collapsed early on Sunday."],
    ]
    assert disagreements(reports) == ()


# --- disagreements ---------------------------------------------------------------------------


def test_different_reports_with_different_figures_disagree_in_report_order() -> None:
    reports = [
        ["A fire broke out on a ferry.", "At least 14 people were injured."],
        ["Seventeen people were injured, the health authority said."],
        ["The minister ordered an inquiry.", "Nearly 20 people were hurt."],
        ["The ferry was towed into port."],  # gives no figure
    ]
    (disagreement,) = disagreements(reports)
    assert disagreement.kind == "injured"
    assert [(f.report, f.value, f.text) for f in disagreement.figures] == [
        (0, 14, "At least 14"),
        (1, 17, "Seventeen"),
        (2, 20, "Nearly 20"),
    ]
    assert disagreement.figures[1].sentence == reports[1][0]


def test_reports_that_agree_do_not_disagree() -> None:
    reports = [
        ["At least 14 people were injured."],
        ["Fourteen people were injured, officials said."],
    ]
    assert disagreements(reports) == ()


def test_one_report_alone_never_disagrees_with_itself() -> None:
    # a running total and one incident's toll: the report's largest figure stands for it
    report = ["Three people were killed on Monday.", "The storm has killed 12 people in all."]
    assert disagreements([report]) == ()
    (item,) = disagreements([report, ["At least 10 people have died in the storm."]])
    assert [(f.report, f.value) for f in item.figures] == [(0, 12), (1, 10)]


def test_figures_too_far_apart_are_two_different_counts() -> None:
    # five on one boat, 110 in the whole campaign: not two versions of one count
    assert MAX_RATIO < 110 / 5
    reports = [["Five people were killed on the boat."], ["More than 110 deaths so far."]]
    assert disagreements(reports) == ()


def test_each_kind_of_count_is_compared_on_its_own() -> None:
    reports = [
        ["Four people were killed and 30 were injured."],
        ["Six people died and 30 people were hurt."],
    ]
    (item,) = disagreements(reports)
    assert item.kind == "killed" and [f.value for f in item.figures] == [4, 6]


# --- what a figure counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Emergency services evacuated 600 homes in three villages.",  # homes, not people
        "Volunteers rescued 40 dogs from the flooded kennels.",
        "The outbreak killed 3,000 chickens on two farms.",
    ],
)
def test_a_count_after_its_cue_is_of_people_not_of_homes_or_animals(sentence: str) -> None:
    assert found(sentence) == []


def test_homes_evacuated_do_not_disagree_with_people_evacuated() -> None:
    reports = [
        ["A wildfire raced through the hills overnight, and 1,500 people were evacuated."],
        ["Emergency services evacuated 600 homes in three villages, and the motorway was shut."],
    ]
    assert disagreements(reports) == ()


def test_an_age_at_death_is_not_a_death_toll() -> None:
    assert found("The novelist died at 91 on Sunday at her home in Lisbon.") == []
    reports = [
        ["The novelist died at 91 on Sunday at her home in Lisbon, her publisher said."],
        ["She died at 90, weeks before her 91st birthday."],
    ]
    assert disagreements(reports) == ()
    assert found("The death toll stood at 83 on Friday.") == [("killed", 83, "83")]


def test_a_toll_dated_to_another_time_is_background_not_a_second_version() -> None:
    reports = [
        ["A car bomb exploded at a busy market on Tuesday, killing 12 people, police said."],
        [
            "Twelve people were killed when a car bomb blew up at the market on Tuesday.",
            "An attack on the same market in 2024 killed 31 people.",
        ],
        ["Floods last year killed 30 people in the region.", "At least 10 people were killed."],
    ]
    (item,) = disagreements(reports)
    assert [(f.report, f.value) for f in item.figures] == [(0, 12), (1, 12), (2, 10)]
    # a running total counted from a date is still this story's count
    total = ["Since the first strike on September 2, 2025, there have been more than 110 deaths."]
    (item,) = disagreements([total, ["At least 83 people have been killed in the strikes."]])
    assert [f.value for f in item.figures] == [110, 83]
