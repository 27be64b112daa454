"""digest.summarise.story_summary: one summary of several reports, each fact once, each
sentence attributed to the report it came from, within the budget it is given."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest
from story_samples import (
    FERRY_AEGEAN,
    FERRY_RADIO,
    FERRY_REPRINT,
    FERRY_WIRE,
    HALE_NEWSLETTER,
    HALE_OBITUARY,
    article,
    at,
)

from digest.group import fold_copies
from digest.model import Article, Attributed
from digest.summarise import lead_sentences, story_summary
from digest.text.similarity import content_words

WIRE_LEAD = (
    "A fire broke out on the passenger ferry Kalliope Star off the Greek island of Naxos early "
    "on Tuesday, forcing the evacuation of all 412 passengers and crew, the Hellenic coastguard "
    "said."
)

# Another outlet's lead that says what the wire's lead says, in other words.
PARAPHRASE = (
    "A blaze broke out aboard the passenger ferry Kalliope Star near the Greek island of Naxos "
    "early on Tuesday, forcing all 412 passengers and crew to evacuate, the coastguard said."
)
# Sentences that lean on the one before them in their own report.
LEANING = (
    "He said the rescue had gone smoothly.",
    "This is the third ferry accident in the Cyclades since 2024.",
    "He added that the company would pay for hotel rooms on Naxos for every stranded passenger.",
    "The move follows complaints from islanders about the age of the fleet.",
)

HERALD = article(
    "herald-ferry",
    "Island Herald",
    "Blaze aboard Kalliope Star near Naxos",
    (
        PARAPHRASE,
        LEANING[0],
        LEANING[1],
        "The ferry was carrying 38 cars and six lorries, the port authority said.",
    ),
    at(7, 50),
)
AEGEAN = replace(
    FERRY_AEGEAN,
    paragraphs=(*FERRY_AEGEAN.paragraphs, *article("x", "x", "x", LEANING[2:]).paragraphs),
)
REPORTS, _ = fold_copies([FERRY_WIRE, AEGEAN, FERRY_RADIO, HERALD])


def summary(reports=REPORTS, count: int = 8, chars: int = 0, words: int | None = None):
    return story_summary(reports, count, chars, max_words=words)


def normalised(text: str) -> str:
    return " ".join(text.split())


def body(report: Article) -> str:
    return normalised(" ".join(p.text for p in report.paragraphs))


def terms(text: str) -> set[str]:
    return {w.rstrip("s") for w in content_words(text)}


def test_the_reports_are_the_most_complete_first() -> None:
    assert [r.key for r in REPORTS] == [FERRY_WIRE.key, AEGEAN.key, HERALD.key, FERRY_RADIO.key]


def test_it_opens_with_the_most_complete_reports_lead_in_its_own_order() -> None:
    found = summary()
    assert found[0] == Attributed(WIRE_LEAD, 0)  # the dateline cut
    own = [s.text for s in found if s.report == 0]
    wire = lead_sentences(FERRY_WIRE.paragraphs, 20, 0)
    assert own == [s for s in wire if s in own]  # the report's order
    assert found[: len(own)] == tuple(Attributed(s, 0) for s in own)  # and first


@pytest.mark.parametrize("count", [2, 4, 6, 8, 12])
def test_every_sentence_is_attributed_to_the_report_it_came_from(count: int) -> None:
    found = summary(count=count)
    assert 1 <= len(found) <= count
    for sentence in found:
        assert sentence.text in body(REPORTS[sentence.report])
        others = [r for i, r in enumerate(REPORTS) if i != sentence.report]
        assert not any(sentence.text in body(r) for r in others)


def test_other_reports_add_what_the_lead_report_does_not_say() -> None:
    found = summary(count=8)
    assert {s.report for s in found} > {0}
    added = [s.text for s in found if s.report != 0]
    assert any("shipping minister has ordered an inquiry" in s for s in added)


@pytest.mark.parametrize("count", [2, 3, 5, 8, 12, 20])
def test_no_two_sentences_are_near_paraphrases(count: int) -> None:
    found = summary(count=count)
    assert PARAPHRASE not in [s.text for s in found]
    for first, second in itertools.combinations(found, 2):
        a, b = terms(first.text), terms(second.text)
        assert len(a & b) / len(a | b) < 0.5, (first.text, second.text)


@pytest.mark.parametrize("count", [4, 8, 20])
def test_a_sentence_that_leans_on_the_one_before_is_not_lifted_from_another_report(
    count: int,
) -> None:
    texts = [s.text for s in summary(count=count)]
    assert not set(LEANING) & set(texts)


def test_a_leaning_sentence_of_the_lead_report_stays_in_its_place() -> None:
    # in its own report, after the sentence it leans on, it reads as written
    texts = [s.text for s in story_summary((AEGEAN, FERRY_RADIO), 8, 0)]
    assert LEANING[2] in texts
    assert (
        texts.index(LEANING[2])
        == texts.index(next(t for t in texts if t.startswith("Cycladic Lines chief executive"))) + 1
    )


def test_a_copy_or_a_restatement_adds_nothing() -> None:
    assert {s.report for s in summary([FERRY_WIRE, FERRY_REPRINT], count=10)} == {0}
    restated = article(
        "restated",
        "Cape Ledger",
        "Ferry fire off Naxos",
        (PARAPHRASE, "At least 14 people were injured, three seriously, the coastguard said."),
    )
    assert {s.report for s in summary([FERRY_WIRE, restated], count=10)} == {0}


@pytest.mark.parametrize("chars", [200, 300, 450, 700, 1000])
def test_the_character_budget_is_kept(chars: int) -> None:
    found = summary(count=20, chars=chars)
    assert found and found[0].text.startswith("A fire broke out")
    assert len(" ".join(s.text for s in found)) <= chars


@pytest.mark.parametrize("words", [40, 60, 100, 150])
def test_the_word_budget_is_kept(words: int) -> None:
    found = summary(count=1000, words=words)
    assert found and found[0].text.startswith("A fire broke out")
    assert sum(len(s.text.split()) for s in found) <= words


@pytest.mark.parametrize(("chars", "words"), [(40, None), (120, None), (0, 5), (0, 12), (0, 31)])
def test_a_budget_smaller_than_the_lead_cuts_the_lead_at_a_word(
    chars: int, words: int | None
) -> None:
    (lead,) = summary(count=1000, chars=chars, words=words)
    assert lead.report == 0 and lead.text.endswith("\u2026")
    assert WIRE_LEAD.startswith(lead.text.removesuffix("\u2026"))
    assert WIRE_LEAD[len(lead.text) - 1] in " ,"  # cut between words
    if words is None:
        assert len(lead.text) <= chars
    else:
        assert len(lead.text.split()) <= words


def test_a_bigger_budget_says_more() -> None:
    sizes = [len(summary(count=100, words=w)) for w in (40, 80, 160)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_one_report_is_its_lead_within_the_count_and_the_budget() -> None:
    lead = lead_sentences(FERRY_WIRE.paragraphs, 3, 0)
    assert [s.text for s in story_summary([FERRY_WIRE], 3, 0)] == list(lead)
    assert all(s.report == 0 for s in story_summary([FERRY_WIRE], 3, 0))
    assert len(" ".join(s.text for s in story_summary([FERRY_WIRE], 5, 250))) <= 250
    assert sum(len(s.text.split()) for s in story_summary([FERRY_WIRE], 9, 0, max_words=45)) <= 45


def test_the_lead_reports_own_summary_opens_the_story() -> None:
    summarised = replace(FERRY_WIRE, summary=(WIRE_LEAD, "The company said the blaze was out."))
    found = story_summary([summarised, FERRY_RADIO], 3, 600)
    assert found[0] == Attributed(WIRE_LEAD, 0)


def test_no_reports_no_summary() -> None:
    assert story_summary([], 3, 600) == ()


def test_sentences_end_as_sentences() -> None:
    for sentence in summary(count=12):
        assert re.search(r"[.!?\"\u201d]$", sentence.text), sentence.text


# The same ferry fire in the reports of a German and a Spanish outlet, as their feeds declare
# them: they add nothing the English reports do not say, in words no English sentence shares.
FERRY_DE = article(
    "de-ferry",
    "Nordkurier",
    "Feuer auf Fähre vor Naxos: 412 Menschen in Sicherheit",
    (
        "Auf der Fähre Kalliope Star ist vor der griechischen Insel Naxos am Dienstagmorgen ein "
        "Feuer ausgebrochen. Alle 412 Passagiere und Besatzungsmitglieder wurden in Sicherheit "
        "gebracht, wie die Küstenwache mitteilte.",
    ),
    at(8, 10),
    language="de",
)
FERRY_ES = article(
    "es-ferry",
    "Diario del Puerto",
    "Evacuados los 412 ocupantes de un ferri en llamas frente a Naxos",
    (
        "Un incendio se declaró el martes a bordo del ferri Kalliope Star frente a la isla "
        "griega de Naxos y obligó a evacuar a sus 412 pasajeros y tripulantes, según la "
        "guardia costera.",
    ),
    at(8, 20),
    language="es",
)


@pytest.mark.parametrize("count", [3, 5, 8, 12])
def test_a_summary_keeps_to_the_language_of_its_opening(count: int) -> None:
    english = [replace(report, language="en") for report in REPORTS]
    reports = [english[0], FERRY_DE, FERRY_ES, *english[1:]]
    found = story_summary(reports, count, 0)
    assert found[0].report == 0
    assert {s.report for s in found} & {1, 2} == set()
    # the English reports still add what the lead does not say
    assert len(found) > 1 and {s.report for s in found} - {0}


def test_an_opening_in_another_language_keeps_its_own_reports_sentences() -> None:
    found = story_summary([FERRY_DE, replace(FERRY_WIRE, language="en")], 5, 0)
    assert found and {s.report for s in found} == {0}
    assert found[0].text.startswith("Auf der Fähre Kalliope Star")


@pytest.mark.parametrize("count", [3, 5, 8])
def test_a_sentence_of_another_report_is_added_only_when_it_is_about_the_story(
    count: int,
) -> None:
    # the newsletter's item goes on to another event: nothing the other report says echoes it
    found = story_summary((HALE_OBITUARY, HALE_NEWSLETTER), count, 0)
    texts = [s.text for s in found]
    assert not any("Norway" in s or "Negotiators" in s for s in texts)
    if count > len(lead_sentences(HALE_OBITUARY.paragraphs, 20, 0)):
        assert any("Equal Votes League" in s for s in texts)  # what it adds of the story
