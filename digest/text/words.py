"""The words of a text, and the language they look written in: what grouping compares and
what a headline's cut points are chosen by, without the numerical libraries grouping needs
(a worker process that only cleans never loads them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# A word starts with a letter (not in the middle of one: "7th" holds no word "th") and may
# hold digits and inner apostrophes ("F35", "don't"); a number is no word, and grouping reads
# the figures that tell one event from another apart (``figures_of``). Hyphens split
# ("Russia-Ukraine talks" shares both names with "talks between Russia and Ukraine").
_WORD = re.compile(r"(?<![^\W_])[^\W\d_][^\W_]*(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"'s$")

# A text is taken to be in a language when at least this many of its words are that
# language's function words, and more than any other language's.
_MIN_EVIDENCE = 3
# The opening words are enough to tell the language, and cheaper than the whole text.
_LANGUAGE_SAMPLE = 80


def without_accents(text: str) -> str:
    """``text`` with its accents taken off ("Economía" is "Economia", "État" "Etat"): how
    words are matched where one writer drops them (capitals often do) or another language
    does not write them."""
    if text.isascii():  # (most words are: nothing to take off)
        return text
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    """Every word of ``text``, lower case, possessives cut."""
    words = _WORD.findall(text.replace("\u2019", "'").lower())
    if "'" not in text and "\u2019" not in text:
        return words
    return [_POSSESSIVE.sub("", w) if "'" in w else w for w in words]


def guess_language(words: Sequence[str], default: str = "en") -> str:
    """The language whose function words ``words`` use most (see the lexicon's stop words),
    or ``default`` when too few of them say."""
    return shown_language(words, default) or default


def shown_language(words: Sequence[str], default: str = "en") -> str | None:
    """``guess_language``, or None where it would take ``default`` for lack of evidence: a
    headline or a short teaser whose function words do not tell."""
    languages_of, languages = _function_word_index()
    counts = dict.fromkeys(languages, 0)
    for word in words[:_LANGUAGE_SAMPLE]:
        for language in languages_of.get(word, ()):
            counts[language] += 1
    best = max(counts, key=lambda language: (counts[language], language == default))
    if counts[best] < _MIN_EVIDENCE:
        return None
    if counts[best] <= counts.get(default, 0):
        return default
    return best


@lru_cache(maxsize=1)
def _function_word_index() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The lexicon's stop words turned round: each word → the languages it is a function word
    of, and the languages in the lexicon's order (which breaks ties). One look-up a word
    instead of one a word and language."""
    from digest.text.lexicon import lexicon

    stop_words = lexicon().stop_words
    languages_of: dict[str, tuple[str, ...]] = {}
    for language, stop in stop_words.items():
        for word in stop:
            languages_of[word] = (*languages_of.get(word, ()), language)
    return languages_of, tuple(stop_words)


# A figure: digits, perhaps grouped by thousands ("2,300", "2.300", "2 300" with a no-break
# space) or with a decimal part ("7.1", "7,1"), not inside a word ("F35", "COVID-19") nor part
# of a time ("14:30") or a longer run of digits and dots (a date "10.03.2026", a version).
_FIGURE = re.compile(
    r"\d(?<![\w.,:/]\d)(?<![^\W\d_]-\d)(?=[.,\u00a0\u202f]?\d)"
    r"\d*(?:(?:[.,]|[\u00a0\u202f](?=\d{3}\b))\d+)*(?![.,:/]?\d)"
)
# ... "2,300" or "2.300" is two thousand three hundred, "0.125" a decimal
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:([.,\u00a0\u202f])\d{3})(?:\1\d{3})*$")
# A day of a month is written next to the month's name: "March 10", "10 mars", "10. März",
# "the 10th of March".
_LAST_WORD = re.compile(r"([^\W\d_]+)\.?\s*$")
_NEXT_WORD = re.compile(r"(?:\.|st|nd|rd|th)?\s*(?:of\s+)?([^\W\d_]+)")
_MONTH_REACH = 16


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    from digest.text.lexicon import lexicon

    return frozenset(lexicon().months)


def figures_of(text: str) -> list[str]:
    """The figures of ``text`` that can tell one event from another, each spelt one way in
    every language ("2,300" and "2.300" are "#2300", "7,1" and "7.1" "#7.1"): the "2,300
    evacuated" or the magnitude 7.1 two reports of one event give alike, whatever their
    language. Left out, as every report of any event may give them: numbers of one
    significant digit ("3", "10", "500", "1,000"), years (1900 to 2099) and days of a month
    ("March 10", "10 mars", "10. März")."""
    found: list[str] = []
    for match in _FIGURE.finditer(text):
        spelt = match.group()
        if _THOUSANDS.match(spelt):
            value = re.sub(r"\D", "", spelt)
        elif spelt.count(",") + spelt.count(".") == 1:
            value = spelt.replace(",", ".").rstrip("0").rstrip(".")
        elif spelt.isdigit():
            value = spelt
        else:
            continue  # a run of groups that is no one number
        if len(value.replace(".", "").strip("0")) < 2:
            continue
        if value.isdigit() and len(value) == 4 and value[:2] in ("19", "20"):
            continue  # a year
        if value.isdigit() and len(value) <= 2:
            before = _LAST_WORD.search(text[max(match.start() - _MONTH_REACH, 0) : match.start()])
            after = _NEXT_WORD.match(text, match.end())
            months = _months()
            if (before and before.group(1).lower() in months) or (
                after and after.group(1).lower() in months
            ):
                continue  # a day of a month
        found.append("#" + value)
    return found
