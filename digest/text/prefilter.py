"""A cheap first look before an expensive regular expression: the literal strings one of which
any match must contain.

Signal patterns are many alternatives with word boundaries and bounded gaps; searching a
sentence with all of them costs a tenth of a millisecond, and most sentences hold none. But a
pattern such as ``\\bcomments?\\b|\\bkommentar\\w*`` can only match text that contains
"comment" or "kommentar". :func:`necessary_literals` reads that off the pattern's syntax tree,
and :class:`LiteralFilter` looks for any of a set of such strings in one scan of a paragraph
(an Aho-Corasick automaton), several times faster than the patterns themselves. A pattern
whose literals cannot be read (a character class, an optional start) gives None: no
prefilter, the full search runs.

The texts searched have their whitespace collapsed to single spaces (the normalise stage
does that first), so ``\\s+`` between two words is read as one space; and they are searched
in their :func:`fold`, the one spelling of each letter that a case-insensitive expression
reads as the same (``str.lower()`` is not quite that: it keeps "ı" apart from "i").
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

import ahocorasick

_parser: Any
_sre: Any
try:  # the parser behind re.compile; private, so its absence only costs speed
    _parser = importlib.import_module("re._parser")
    _sre = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - other Python versions and implementations
    _parser = _sre = None

Literals = frozenset[str]


def necessary_literals(pattern: str, *, whole_text: bool = False) -> Literals | None:
    """Lower-case strings one of which every match of ``pattern`` contains, or None.

    ``whole_text``: the pattern only ever matches a whole sentence or paragraph (with its edge
    punctuation stripped), so its first and last words stand at word boundaries.
    """
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError):
        return None
    items = list(tree)
    if whole_text:
        items = [(_sre.AT, _sre.AT_BOUNDARY), *items, (_sre.AT, _sre.AT_BOUNDARY)]
    found = _necessary(items)
    if not found:
        return None
    literals = frozenset(_real_boundaries(fold(s)) for s in found)
    if any(char in literal for literal in literals for char in _UNFOLDED):
        return None  # a letter the expression also reads as another: no spelling holds both
    return literals


def fold(text: str) -> str:
    """``text`` as the filters read it: lower case, and of the letters a case-insensitive
    expression takes for one another, always the same one. As long as ``text``, with a word
    character wherever ``text`` has one, so word boundaries fall where they did.

    ``str.lower()`` alone would miss some of what ``re.IGNORECASE`` matches: "SİGN İN" lowers
    to an "i" and a combining dot, and "KAYIT OL" to "kayit ol", but a pattern's "sign in" or
    "kayıt ol" matches both.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    unusual = _UNUSUAL.findall(lowered)  # (most text: none, found in one scan in C)
    if not unusual:
        return lowered
    if "\u0130" in text:  # İ: the one letter whose lower case is two characters
        lowered = text.replace("\u0130", "i").lower()
    for char in set(unusual):  # (a few, where translate() would rewrite every character)
        if char in _SAME_LETTER:
            lowered = lowered.replace(char, _SAME_LETTER[char])
    return lowered


def _case_tables() -> tuple[dict[str, str], frozenset[str]]:
    """Each letter ``re.IGNORECASE`` matches with others that ``str.lower()`` does not give
    (dotless ı and i, long ſ and s, final ς and σ, Greek and Cyrillic variant forms...),
    mapped to the plain letter of its group when both are word characters or neither is;
    and those that are not word characters though they match one (the combining iota, read
    as ι): no spelling keeps both, so a text holding one is always searched in full."""
    try:  # the table behind re's case-insensitive matching; private, hence the fallback
        extra = importlib.import_module("re._casefix")._EXTRA_CASES
    except (ImportError, AttributeError):  # pragma: no cover - other Python versions
        extra = {0x69: (0x131,), 0x73: (0x17F,), 0x3C3: (0x3C2,), 0x3B9: (0x345, 0x1FBE)}
    table: dict[str, str] = {}
    unfolded: set[str] = set()
    for code, others in extra.items():
        group = {code, *others}
        # the plain letter of the group: the one its capital lowers to (σ, not final ς)
        same = min(group, key=lambda c: (chr(c).upper().lower() != chr(c), c))
        for member in group - {same}:
            if chr(member).isalnum() == chr(same).isalnum():  # word boundaries stay put
                table[chr(member)] = chr(same)
            else:
                unfolded.add(chr(member))
    return table, frozenset(unfolded)


_SAME_LETTER, _UNFOLDED = _case_tables()
# what fold() has to change, as str.lower() leaves it (İ leaves a combining dot after an i)
_UNUSUAL = re.compile("[\u0307" + re.escape("".join(_SAME_LETTER)) + "]")


def _real_boundaries(literal: str) -> str:
    """Keep a word-boundary marker only beside a letter or digit: beside "©" or a space it
    says nothing a plain search could check."""
    out: list[str] = []
    for position, char in enumerate(literal):
        if char == BOUNDARY:
            before = literal[position - 1] if position else ""
            after = literal[position + 1] if position + 1 < len(literal) else ""
            if not (_is_word(before) or _is_word(after)) or (out and out[-1] == BOUNDARY):
                continue
        out.append(char)
    return "".join(out)


def _is_word(char: str) -> bool:
    return bool(char) and (char.isalnum() or char == "_")


# A word boundary inside a literal: "\bai\b" is far rarer in text than "ai" (said, again).
BOUNDARY = "\x00"


_MAX_VARIANTS = 64  # "colou?r" is two strings; past this many, give up on exactness


def _necessary(items: list[Any]) -> set[str] | None:
    """The most selective set of strings one of which a match of the sequence contains.

    Runs of elements that match a small, known set of strings (letters, "(?:a|b)", "s?",
    word boundaries) are multiplied out into whole strings ("comment" + {"", "s"}); any other
    element ends a run, and may itself hold a necessary set inside it.
    """
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if (
            candidate
            and "" not in candidate
            and (best is None or _selectivity(candidate) > _selectivity(best))
        ):
            best = candidate

    run: set[str] = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is not None and len(run) * len(exact) <= _MAX_VARIANTS:
            run = {a + b for a in run for b in exact}
            continue
        consider(run)
        prefixes = _prefixes(op, value)
        if prefixes is not None and len(run) * len(prefixes) <= _MAX_VARIANTS:
            consider({a + b for a in run for b in prefixes})
        run = {""}
        consider(_inside(op, value))
        if exact is not None:  # too many variants to multiply out: start again from here
            run = exact
    consider(run)
    return best


def _inside(op: Any, value: Any) -> set[str] | None:
    """A necessary set within one element that is not exact (it has a gap such as ``\\s+``)."""
    if op is _sre.SUBPATTERN:
        return _necessary(list(value[-1]))
    if op is _sre.ATOMIC_GROUP:
        return _necessary(list(value))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            part = _necessary(list(branch))
            if not part:
                return None
            union |= part
        return union
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _, sub = value
        return _necessary(list(sub)) if low >= 1 else None
    return None


def _prefixes(op: Any, value: Any) -> set[str] | None:
    """The strings every match of a group or alternation starts with (its exact openings)."""
    if op is _sre.SUBPATTERN:
        return _opening(list(value[-1]))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            union |= _opening(list(branch))
        return union if len(union) <= _MAX_VARIANTS else None
    return None


def _opening(items: list[Any]) -> set[str]:
    strings = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is None or len(strings) * len(exact) > _MAX_VARIANTS:
            break
        strings = {a + b for a in strings for b in exact}
    return strings


def _exact(op: Any, value: Any) -> set[str] | None:
    """The strings an element matches, when they are few and known; None otherwise."""
    if op is _sre.LITERAL:
        return {chr(value)}
    if op is _sre.AT:  # they match no text; a word boundary is kept as a marker
        return {BOUNDARY} if value is _sre.AT_BOUNDARY else {""}
    if op is _sre.IN:
        if all(kind is _sre.LITERAL for kind, _ in value):
            return {chr(code) for _, code in value}
        return None
    if op is _sre.SUBPATTERN:
        return _exact_sequence(list(value[-1]))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            part = _exact_sequence(list(branch))
            if part is None:
                return None
            union |= part
        return union if len(union) <= _MAX_VARIANTS else None
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, high, sub = value
        if list(sub) == [(_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_SPACE)])] and high >= 1:
            # \\s+ in text whose whitespace runs are single spaces: one space
            return {" "} if low >= 1 else {"", " "}
        inner = _exact_sequence(list(sub))
        if inner is None or high > 2:
            return None
        out: set[str] = set()
        for count in range(low, high + 1):
            variants = {""}
            for _ in range(count):
                variants = {a + b for a in variants for b in inner}
            out |= variants
        return out if len(out) <= _MAX_VARIANTS else None
    return None


def _exact_sequence(items: list[Any]) -> set[str] | None:
    strings = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is None or len(strings) * len(exact) > _MAX_VARIANTS:
            return None
        strings = {a + b for a in strings for b in exact}
    return strings


def _selectivity(literals: set[str]) -> tuple[int, int]:
    """Longer literals match less text by chance (a word boundary counts as a letter); fewer
    of them, less again."""
    return min(len(s.replace(BOUNDARY * 2, BOUNDARY)) for s in literals), -len(literals)


class LiteralFilter:
    """Answers "does this folded text contain any of these literals?" in one pass, and
    "which of their owners could match it?".

    The literals, their word-boundary markers taken out, go into one Aho-Corasick automaton
    (pyahocorasick), which finds every occurrence of any of them in a single scan of the
    text; an occurrence counts only if the text has a word boundary wherever its literal
    had a marker. Building the automaton for the built-in rules' fifty filters takes a few
    milliseconds where compiling the same literals as trie-shaped regular expressions took
    a fifth of a second (a cost every process that cleans paid), and it scans paragraphs
    more than twice as fast.

    A literal may be given as ``(literal, owner)``, the owner a number (a plain string's is
    0): :meth:`owners` then says which owners' literals a text holds, so that of many
    patterns only those are compiled and tried.
    """

    __slots__ = ("_any_word", "_automaton", "_literals", "_owners")

    def __init__(self, literals: Iterable[str | tuple[str, int]]) -> None:
        # Built on the first search: a process that never asks (a rerun that only
        # summarises stored stories needs one kind of rule of five) never pays for it.
        self._literals: tuple[str | tuple[str, int], ...] | None = tuple(literals)
        self._automaton: Any = None
        # the owners of literals that are a lone word boundary: any word will do for them
        self._any_word: frozenset[int] = frozenset()
        self._owners = 0  # how many owners there are in all

    def _built(self) -> Any:
        literals = self._literals
        if literals is not None:  # (set the automaton before letting go of the literals:
            self._automaton, self._any_word, self._owners = _automaton(literals)  # safe for
            self._literals = None  # another thread)
        return self._automaton

    def search(self, lowered: str) -> bool:
        """Whether ``lowered`` (text as :func:`fold` gives it) holds any of the literals."""
        found = self.owners_as_found(lowered)
        return found is None or next(found, None) is not None

    def owners(self, lowered: str) -> frozenset[int] | None:
        """The owners whose literals ``lowered`` holds; None when the text holds a letter
        that no folding settles (then any owner could match)."""
        found = self.owners_as_found(lowered)
        return None if found is None else frozenset(found)

    def owners_as_found(self, lowered: str) -> Iterator[int] | None:
        """Each owner whose literals ``lowered`` holds, once, in the order the scan meets
        them: a caller that needs one match stops at the first owner whose pattern gives
        it, and the scan stops with it. None as for :meth:`owners`."""
        if not lowered.isascii() and any(char in lowered for char in _UNFOLDED):
            return None
        return self._scan(lowered)

    def _scan(self, lowered: str) -> Iterator[int]:
        automaton = self._built()
        found: set[int] = set()
        if self._any_word and any(_is_word(char) for char in lowered):
            yield from sorted(self._any_word)
            found |= self._any_word
        if automaton is None:
            return
        size = len(lowered)
        # (the loop runs once for every find of every literal, most of them of a short word
        # inside a longer one, "ai" in "said": its boundary test is written out, not called)
        for end, (length, alternatives) in automaton.iter(lowered):
            start = end - length + 1
            for marks, owners in alternatives:
                if owners <= found:
                    continue
                for mark in marks:
                    at = start + mark
                    if at > 0:
                        before = lowered[at - 1]
                        if before.isalnum() or before == "_":  # a word before ...
                            if at == size:
                                continue
                            after = lowered[at]
                            if after.isalnum() or after == "_":
                                break  # ... and after it: no boundary
                            continue
                    if at == size:
                        break  # (an empty text has no word to bound)
                    after = lowered[at]
                    if not (after.isalnum() or after == "_"):
                        break  # no word before, nor after
                else:  # a boundary at every mark
                    yield from sorted(owners - found)
                    found |= owners
                    if len(found) == self._owners:
                        return  # (every owner is in: the rest of a long text need not be read)


def _automaton(
    literals: Iterable[str | tuple[str, int]],
) -> tuple[Any, frozenset[int], int]:
    """An automaton over ``literals`` without their markers (None if there are none), each
    plain string's value its length and, for each set of word-boundary places it came with,
    those places (offsets into it) and the owners of the literals that had them; the
    owners of literals that were a word boundary alone; and how many owners there are."""
    everyone: set[int] = set()
    any_word: set[int] = set()
    # Most plain strings come once, from one owner: kept as they came, and only one that
    # comes again has the owners of each of its marks gathered. (Built on the first search in
    # every process that cleans, the build's and each worker's: without a dictionary and a
    # set for each of the built-in rules' 21,000 literals, 13 filters take 117 ms, not 143.)
    once: dict[str, tuple[tuple[int, ...], int]] = {}
    again: dict[str, dict[tuple[int, ...], set[int]]] = {}
    for item in literals:
        literal, owner = (item, 0) if isinstance(item, str) else item
        everyone.add(owner)
        plain, marks = _unmarked(literal) if BOUNDARY in literal else (literal, ())
        if not plain:
            any_word.add(owner)
            continue
        first = once.pop(plain, None)
        by_marks = again.get(plain) if first is None else None
        if first is None and by_marks is None:
            once[plain] = (marks, owner)
            continue
        if by_marks is None:
            assert first is not None
            by_marks = again[plain] = {first[0]: {first[1]}}
        by_marks.setdefault(marks, set()).add(owner)
    if not once and not again:
        return None, frozenset(any_word), len(everyone)
    automaton = ahocorasick.Automaton()
    shared: dict[int, frozenset[int]] = {}  # one frozenset per lone owner
    for plain, (marks, owner) in once.items():
        frozen = shared.get(owner)
        if frozen is None:
            frozen = shared[owner] = frozenset((owner,))
        automaton.add_word(plain, (len(plain), ((marks, frozen),)))
    for plain, by_marks in again.items():
        alternatives = []
        for marks, owners in by_marks.items():
            if len(owners) == 1:
                [owner] = owners
                frozen = shared.get(owner)
                if frozen is None:
                    frozen = shared[owner] = frozenset(owners)
            else:
                frozen = frozenset(owners)
            alternatives.append((marks, frozen))
        if len(alternatives) > 1:
            # the weakest first: a literal with no markers matches wherever it occurs
            alternatives.sort(key=lambda alternative: len(alternative[0]))
        automaton.add_word(plain, (len(plain), tuple(alternatives)))
    automaton.make_automaton()
    return automaton, frozenset(any_word), len(everyone)


@functools.lru_cache(maxsize=8192)  # the same literals go into several filters
def _unmarked(literal: str) -> tuple[str, tuple[int, ...]]:
    """``literal`` without its word-boundary markers, and where in what is left they were."""
    parts = literal.split(BOUNDARY)
    if len(parts) == 2:  # (one marker, at an end most often: the commonest shape, quickly)
        return parts[0] + parts[1], (len(parts[0]),)
    marks, offset = [], 0
    for part in parts[:-1]:
        offset += len(part)
        marks.append(offset)
    return "".join(parts), tuple(marks)


def literal_search(literals: Iterable[str | tuple[str, int]]) -> LiteralFilter:
    """A filter that finds any of ``literals`` (folded) in folded text."""
    return LiteralFilter(literals)
