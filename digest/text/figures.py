"""Figures that reports of one event give for the same thing: how many were killed, injured,
arrested, missing, evacuated.

Early reports disagree ("more than 80 killed", "at least 83 dead", "over 110 deaths"), and a
reader deserves to see that rather than whichever figure one source happened to print. This
module finds, in each sentence, a number tied to a *kind* of count by a cue word in the same
clause, with its qualifier ("at least", "more than", "nearly").

It is deliberately conservative, because a wrong "the sources disagree" is worse than none:

* only the kinds below, with their cue words right next to the number ("killed at least 83
  people", "83 people were killed", "the death toll rose to 83"), and never a time of day
  ("killed at 3 am") or a bare decimal;
* a figure after its cue counts people only ("evacuated 600 homes", "rescued 40 dogs" count
  nothing here), and "died at 91" is an age;
* a sentence that dates its count to another time ("an attack there in 2024 killed 31",
  "last year's floods", "two years ago") is background and is not compared;
* per report, the largest figure of a kind stands for it (a report that gives a running total
  and one incident's toll means the total);
* a disagreement needs two or more *different* reports giving different figures, all within
  a factor of ``MAX_RATIO`` of each other: 5 against 110 is two different counts (one boat,
  the whole campaign), not two versions of one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Largest / smallest figure that can still be two versions of one count.
MAX_RATIO = 3.0

# The kinds of count, each with cue words in its verb or noun forms (matched as word starts).
KINDS: dict[str, tuple[str, ...]] = {
    "killed": (
        "killed", "killing", "dead", "deaths", "death toll", "died", "fatalities", "lives",
        "bodies",
    ),
    "injured": ("injured", "injuring", "wounded", "wounding", "hurt", "injuries"),
    "arrested": ("arrested", "arrests", "detained", "detaining", "detentions"),
    "missing": ("missing", "unaccounted for"),
    "evacuated": ("evacuated", "evacuating", "evacuees", "displaced", "fled", "homeless"),
    "rescued": ("rescued", "rescuing"),
}  # fmt: skip

_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "one hundred": 100,
}  # fmt: skip
_MULTIPLIERS = {"thousand": 1_000, "million": 1_000_000, "m": 1_000_000, "k": 1_000}

_QUALIFIER = (
    r"(?:at\s+least|more\s+than|over|nearly|almost|about|around|roughly|some|up\s+to|"
    r"fewer\s+than|less\s+than|as\s+many\s+as|close\s+to|approximately|an\s+estimated)"
)
_AMOUNT = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:thousand|million|m|k)\b)?"
    r"|(?:" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")"
    r"(?:\s+(?:thousand|million))?"
)
_FIGURE = re.compile(rf"\b(?P<qualifier>{_QUALIFIER}\s+)?(?P<amount>{_AMOUNT})\b", re.IGNORECASE)
# What may stand between a figure and its cue: "83 people were killed", "83 were killed",
# "killed at least 83 people", "a death toll of 83", "the toll rose to 83".
_PEOPLE_WORDS = (
    "people", "persons", "civilians", "men", "women", "children", "soldiers", "migrants",
    "passengers", "others", "residents", "villagers", "protesters", "demonstrators", "workers",
    "miners", "fans", "pilgrims", "tourists", "students", "pupils", "officers", "policemen",
    "troops", "fighters", "militants", "patients", "crew", "sailors", "fishermen", "climbers",
    "hikers", "inmates", "prisoners", "suspects", "refugees", "adults", "staff", "employees",
    "journalists", "worshippers", "spectators",
)  # fmt: skip
_PEOPLE = "(?:" + "|".join(_PEOPLE_WORDS) + ")"
_GAP_AFTER = rf"(?:\s+{_PEOPLE})?(?:\s+(?:have|had|has|were|was|are|is|been|being|reportedly))*\s+"
# ("at" only after "stood", "stands": "the toll stood at 83", but "died at 91" is an age)
_GAP_BEFORE = (
    r"\s+(?:(?:at\s+least|more\s+than|over|nearly|some|about|around|to|of|rose|risen|"
    r"(?:stood|stands)(?:\s+at)?)\s+)*"
)
_CLAUSE_END = re.compile(r"[;:()\u2014]|,\s+(?:but|while|and)\b")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# A time of day, not a count: "killed at 3 am", "died at 11:45 local time", "at 6.40am".
_CLOCK_AFTER = re.compile(
    r"^(?:[:.]\d\d|\s*(?:[ap]\.?m\b\.?|gmt\b|utc\b|local\s+time\b|o'clock\b))", re.IGNORECASE
)
_DECIMAL = re.compile(r"^\d+\.\d+$")  # a decimal counts people only with "million", "k"...
# What a count that follows its cue ("evacuated 1,500", "killed at least 83") is a count of:
# the word after it. People, or no word at all ("killed 83, police said", "killed 83 in
# ..."); not homes, animals or hours ("evacuated 600 homes", "rescued 40 dogs").
_NEXT_WORD = re.compile(r"^\s*([^\W\d_][\w'\u2019-]*)")
_AFTER_A_COUNT = frozenset(
    {*_PEOPLE_WORDS, "including", "overnight", "across", "near", "among", "amid", "according",
     "altogether", "last", "yesterday", "today", "so"}
)  # fmt: skip
# A sentence that dates what it counts to another time gives background, not this event's
# count: "An attack on the same market in 2024 killed 31 people", "last year's floods", "two
# years ago". (A running total "since September 2, 2025" is still this story's count.)
_BACKGROUND = re.compile(
    r"\b(?:(?:in|during)\s+(?:(?:early|late|mid|[A-Z][a-z]+)\s+)?(?:1[89]|20)\d\d"
    r"|(?i:last\s+(?:year|month|week)|(?:years|months|decades)\s+ago))\b"
)


@dataclass(frozen=True)
class Figure:
    """One report's figure for one kind of count, as the report words it."""

    kind: str
    value: float
    text: str  # "at least 83", as printed
    report: int  # index of the report (article) it came from
    sentence: str


@dataclass(frozen=True)
class Disagreement:
    """Different figures for the same kind of count, from different reports."""

    kind: str
    figures: tuple[Figure, ...]  # one per report, in report order


def _value(amount: str) -> float | None:
    text = amount.lower().replace(",", "").strip()
    parts = text.split()
    multiplier = 1
    if parts and parts[-1] in _MULTIPLIERS and len(parts) > 1:
        multiplier = _MULTIPLIERS[parts[-1]]
        text = " ".join(parts[:-1])
    elif text.endswith(("m", "k")) and text[:-1].replace(".", "", 1).isdigit():
        multiplier = _MULTIPLIERS[text[-1]]
        text = text[:-1]
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text] * multiplier)
    try:
        return float(text) * multiplier
    except ValueError:
        return None


def _cue_patterns() -> dict[str, tuple[re.Pattern[str], re.Pattern[str]]]:
    patterns = {}
    for kind, cues in KINDS.items():
        cue = "(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")\b"
        patterns[kind] = (
            # cue then figure: "killed at least 83", "death toll rose to 83"
            re.compile(rf"\b{cue}{_GAP_BEFORE}$", re.IGNORECASE),
            # figure then cue: "83 people were killed", "110 deaths"
            re.compile(rf"^{_GAP_AFTER}{cue}", re.IGNORECASE),
        )
    return patterns


_CUES = _cue_patterns()
# The first word of every cue, for the cheap test: plain substring tests of a lower-cased
# sentence cost a fifth of one case-blind regular expression of all of them.
_CUE_STARTS = tuple(sorted({c.split()[0].lower() for cues in KINDS.values() for c in cues}))


def figures_in(sentence: str, report: int) -> list[Figure]:
    """The counted figures ``sentence`` gives, each with its kind."""
    lowered = sentence.lower()
    if not any(cue in lowered for cue in _CUE_STARTS):
        return []  # most sentences count nothing: the cheap test first
    found = []
    for match in _FIGURE.finditer(sentence):
        amount = match.group("amount")
        if _YEAR.match(amount) or _DECIMAL.match(amount):
            continue
        if _CLOCK_AFTER.match(sentence[match.end() :]):
            continue
        value = _value(amount)
        if value is None or value < 1:
            continue
        before = _clause_tail(sentence[max(0, match.start() - 40) : match.start()])
        after = _clause_head(sentence[match.end() : match.end() + 50])
        for kind, (cue_before, cue_after) in _CUES.items():
            if cue_after.match(after) or (cue_before.search(before) and _counts_people(after)):
                text = " ".join(match.group().split())
                found.append(Figure(kind, value, text, report, sentence))
                break
    return found


def _counts_people(after: str) -> bool:
    """Whether a figure followed by ``after`` (the rest of its clause) counts people."""
    word = _NEXT_WORD.match(after)
    if word is None:
        return True
    text = word.group(1)
    lowered = text.lower()
    if text[:1].isupper() or lowered in _AFTER_A_COUNT:
        return True  # "killed 83 Palestinians", "killed 83 including ..."
    from digest.text.lexicon import lexicon

    return lowered in lexicon().stop_words.get("en", frozenset())


def _clause_tail(text: str) -> str:
    ends = list(_CLAUSE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _clause_head(text: str) -> str:
    cut = _CLAUSE_END.search(text)
    return text[: cut.start()] if cut else text


def disagreements(reports: Sequence[Iterable[str]]) -> tuple[Disagreement, ...]:
    """Where different reports (each given as its sentences) disagree on a figure."""
    best: dict[str, dict[int, Figure]] = {}
    for index, sentences in enumerate(reports):
        for sentence in sentences:
            if _BACKGROUND.search(sentence):
                continue  # another time's count: "an attack there in 2024 killed 31"
            for figure in figures_in(sentence, index):
                mine = best.setdefault(figure.kind, {})
                if index not in mine or figure.value > mine[index].value:
                    mine[index] = figure
    found = []
    for kind, by_report in best.items():
        figures = tuple(by_report[i] for i in sorted(by_report))
        values = {f.value for f in figures}
        if len(figures) < 2 or len(values) < 2:
            continue
        if max(values) > MAX_RATIO * min(values):
            continue
        found.append(Disagreement(kind, figures))
    return tuple(found)
