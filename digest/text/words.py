"""The words of a text, and the language they look written in: what grouping compares and
what a headline's cut points are chosen by, without the numerical libraries grouping needs
(a worker process that only cleans never loads them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# A word starts with a letter (not in the middle of one: "7th" holds no word "th") and may
# hold digits and inner apostrophes ("F35", "don't"); numbers alone say little about which
# event it is. Hyphens split ("Russia-Ukraine talks" shares both names with "talks between
# Russia and Ukraine").
_WORD = re.compile(r"(?<![^\W_])[^\W\d_][^\W_]*(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"'s$")

# A text is taken to be in a language when at least this many of its words are that
# language's function words, and more than any other language's.
_MIN_EVIDENCE = 3
# The opening words are enough to tell the language, and cheaper than the whole text.
_LANGUAGE_SAMPLE = 80


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
