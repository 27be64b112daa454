"""Bylines: who wrote the text, in the line above it.

A byline opens with the lexicon's words ("By", "Von", "Par", "Por": ``[bylines]``) and holds
names, roles and the words that join them. Written in capitals, as news agencies set their
writers' names ("By JANE DOE and JOHN ROE", "BY JANE DOE, Associated Press"), its names show
where it ends, so it is found standing alone or run into the lead by a feed that joined the
two ("By JANE DOE WASHINGTON (AP) — The Senate ..."). Names in capitals are a form, not words:
the test holds whatever the names are.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

from digest.text.lexicon import lexicon

_SENTENCE_MIN_WORDS = 6  # what follows a byline run into the text is a sentence of its own
_OUTLET_MAX_WORDS = 6  # "Associated Press", "AP Business Writer" after the names
_NAMES_MAX_WORDS = 16
_QUOTES = "\"'\u201c\u2018\u00ab\u201e"
_SEPARATORS = " ,;|\u2013\u2014-"
_TOKEN = re.compile(r"\S+")
_SCOTS_PREFIX = re.compile(r"^Ma?c(?=[A-Z])")  # "McALLISTER": the rest is in capitals


@functools.cache
def _words() -> frozenset[str]:
    """Lowercase words a byline holds besides names: roles, particles, "and" ("correspondent",
    "de", "und")."""
    return lexicon().byline_words


@functools.cache
def _starters() -> tuple[str, ...]:
    """How a byline opens, as a line starts it, with the space after it: "By ", "BY ",
    "Written by ", "Von ", "VON "... (the longest first)"""
    words = lexicon()
    leads = sorted(words.byline_leads)
    found = {*words.byline_starters, *(w.capitalize() for w in leads), *(w.upper() for w in leads)}
    return tuple(f"{s} " for s in sorted(found, key=len, reverse=True))


def names_only(text: str) -> bool:
    """Names, outlets and roles only: "Jane Doe and John Roe, CNN", "Daily Mail Reporter"
    (every word capitalised, or one a byline holds besides names)."""
    words = text.replace("|", " ").split()
    if not words or len(words) > _NAMES_MAX_WORDS:
        return False
    for word in words:
        core = word.strip(",.;:()'\"\u2019\u201c\u201d")
        if not core or core in _words() or core[0].isupper() or core[0].isdigit():
            continue
        return False
    return True


def _in_capitals(token: str) -> bool:
    """A name as agencies write it: "DOE", "O'NEILL", "LÓPEZ-GARCÍA", "McALLISTER", an initial
    "Q.", "JR."."""
    core = token.rstrip(",;")
    if len(core) == 2 and core[0].isupper() and core[1] == ".":
        return True  # an initial
    core = _SCOTS_PREFIX.sub("", core)
    letters = [c for c in core if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _opens_sentence(text: str) -> bool:
    """A sentence's start: a word in mixed case ("The", "Days"), a quote or a figure, then
    enough words to be a sentence."""
    words = text.split()
    if len(words) < _SENTENCE_MIN_WORDS:
        return False
    first = words[0]
    return (
        first[0] in _QUOTES
        or first[0].isdigit()
        or (first[0].isupper() and any(c.islower() for c in first))
    )


def capitals_byline(text: str, opens_dateline: Callable[[str], bool]) -> int | None:
    """Where the byline in capitals that opens ``text`` ends: ``len(text)`` when it is all of
    it (names, then perhaps an outlet or a role: "By JANE DOE, Associated Press"), the start of
    the rest when the text goes on with its dateline (``opens_dateline``: "LONDON (Reuters) -")
    or a sentence; None when ``text`` opens with none. Each name is two words in capitals at
    least, and where the names could end at several words, the first end the lead follows is
    the byline's ("By JANE DOE and JOHN ROE WASHINGTON (AP) —": the place is the dateline's)."""
    starters = _starters()
    if not text.startswith(starters):
        return None
    starter = next(s for s in starters if text.startswith(s))
    ends = _name_ends(text, len(starter))
    for end in ends:
        rest = text[end:].lstrip(_SEPARATORS)
        if not rest or (end == ends[-1] and names_only(rest)):
            return len(text)  # alone, or with its outlet or role
    # Run into the lead: the first end a dateline follows, then the first that the names'
    # outlet and a dateline follow ("By JANE DOE, Associated Press KYIV, Ukraine —"), then the
    # first a sentence follows (not after a comma: the outlet comes there, "Associated Press
    # The ..." is no sentence)
    for end in ends:
        if opens_dateline(text[end:].lstrip(_SEPARATORS)):
            return end
    for end in ends:
        for outlet in _outlet_ends(text, end):
            if opens_dateline(text[outlet:].lstrip(_SEPARATORS)):
                return outlet
    for end in ends:
        if not text[end:].startswith(",") and _opens_sentence(text[end:].lstrip(_SEPARATORS)):
            return end
    return None


def _name_ends(text: str, start: int) -> list[int]:
    """Where the names in capitals from ``start`` on may end: after each word of a name of
    two words or more, the names joined by a byline's words ("and", "und", "&") or commas."""
    tokens = list(_TOKEN.finditer(text, start))
    ends: list[int] = []
    position = 0
    while position < len(tokens):
        words = 0
        while position < len(tokens):
            token = tokens[position].group()
            if not _in_capitals(token) or (words == 0 and token.lower() in _words()):
                break  # ("THE", "OF" open no name: "BY THE NUMBERS" is a heading)
            words += 1
            position += 1
            comma = token.endswith((",", ";"))
            if words >= 2:
                ends.append(tokens[position - 1].end() - comma)
            if comma:
                break  # "DOE, JOHN ROE": the next name, or the outlet
        if words < 2:
            break
        if position < len(tokens) and tokens[position].group().lower() in _words():
            position += 1  # another name follows, or the outlet
        elif not tokens[position - 1].group().endswith((",", ";")):
            break
    return ends


def _outlet_ends(text: str, end: int) -> list[int]:
    """Where an outlet or a role after the names at ``end`` may end: after each of the
    capitalised words (or a byline's own words) that follow them ("Associated Press", "AP
    Business Writer")."""
    found = []
    for token in itertools.islice(_TOKEN.finditer(text, end), _OUTLET_MAX_WORDS):
        word = token.group().strip(",;")
        if not word:
            continue  # the comma after the names
        if not (word[0].isupper() or word in _words()):
            break
        found.append(token.end())
    return found
