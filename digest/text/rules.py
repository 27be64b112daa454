"""The normalise stage's rules as data: ``rules.toml`` (and a user's file of the same shape)
read, checked and compiled into a :class:`RuleSet`.

A rule recognises boilerplate in one of two ways, and both may be given:

* ``patterns``: regular expressions that must match a whole sentence or paragraph (a phrase);
* ``score``: weights for *signals*, each a list of patterns per language that says what a
  sentence does ("refers to the text itself", "names an AI tool", "asks the reader to
  comment"). A sentence's score is the sum of the weights of the signals found in it; it is
  boilerplate at ``threshold`` (every signal in ``requires`` present), and a *candidate*
  (kept, shown by ``--explain``) one point below. :meth:`RuleSet.score` says how it added up.

Signals are declared once, in ``[signals.NAME]`` tables, and shared by every rule; a user's
file may add patterns (a language, a wording) to a built-in signal or declare new ones. A few
signals are built in because they are about the article, not words: ``title`` (the sentence
quotes the article's title), ``short-question`` (a question of a few words), ``follows-cut``
(the sentence right before it was cut as a disclaimer), ``specifics`` (digits, or the name
of a weekday or month: a sentence about something that happened, not a prompt) and
``long-sentence`` (more words than a prompt ever has: prose).

Nothing here reads an article: :mod:`digest.text.normalise` applies the rules.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from digest.errors import as_toml, toml_mistake
from digest.text.lexicon import lexicon
from digest.text.prefilter import LiteralFilter, fold, literal_search, necessary_literals

RuleKind = Literal[
    "disclaimer", "standalone", "trailing_block", "noted_block", "seo_standfirst", "dateline"
]
KINDS: tuple[RuleKind, ...] = (
    "disclaimer",
    "standalone",
    "trailing_block",
    "noted_block",
    "seo_standfirst",
    "dateline",
)
FOLLOWED_BY = ("teasers", "prompts", "labelled")

# Removals that come from the stage's own checks rather than from a rules file.
DUPLICATE = "duplicate-paragraph"
TITLE_REPEAT = "title-repeat"
ORPHAN_HEADING = "orphan-heading"
ORPHAN_LIST_HEADING = "orphan-list-heading"
NO_WORDS = "no-words"
HASHTAG_LINE = "hashtag-line"
BYLINE = "byline"
RECURRING = "recurring-paragraph"
BUILTIN_REASONS = {
    NO_WORDS: "Separator line with no words: dashes, stars, dots or ornaments",
    DUPLICATE: (
        "Paragraphs a scraper printed twice: one right after itself, a run of them repeated, "
        "or the whole body"
    ),
    TITLE_REPEAT: "First paragraph only repeats the title",
    ORPHAN_HEADING: "Short section heading with no text after it",
    ORPHAN_LIST_HEADING: (
        'A list\'s heading ("Links:", "My gear:") whose lines were all cut, left with '
        "nothing under it"
    ),
    HASHTAG_LINE: (
        "A line of hashtags only, as a post's or a video's description ends: it files the "
        "text, and says nothing of it"
    ),
    BYLINE: (
        "The writers' names in capitals above the text, as news agencies set them (\"By JANE "
        'DOE and JOHN ROE")'
    ),
    RECURRING: "Paragraph that recurs in other articles of the same source: its template",
}

# Signals that are about the article rather than its words, computed by the stage.
TITLE = "title"
SHORT_QUESTION = "short-question"
FOLLOWS_CUT = "follows-cut"
SPECIFICS = "specifics"
LONG_SENTENCE = "long-sentence"
# Prompts are short: "Sign in to comment", "Download our app for iOS and Android". A sentence
# longer than this that names a login or an app is far more often the article talking about
# one ("when testing login behavior, verify that ...").
_LONG_SENTENCE_WORDS = 30
COMPUTED_SIGNALS = {
    TITLE: "quotes the article's title",
    SHORT_QUESTION: "a question of a few words",
    FOLLOWS_CUT: "follows a sentence cut as a disclaimer",
    SPECIFICS: "names a number, weekday or month",
    LONG_SENTENCE: f"a sentence of more than {_LONG_SENTENCE_WORDS} words: prose, rarely a prompt",
}

_SHORT_QUESTION_CHARS = 80

BUILTIN_RULES_FILE = "rules.toml"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RULE_KEYS = {
    "id",
    "kind",
    "description",
    "patterns",
    "followed_by",
    "min_title_overlap",
    "score",
    "requires",
    "threshold",
    "unless",
    "noted_by",
    "note_signals",
    "heading_note_signals",
}
_NOTED_BLOCK_KEYS = ("noted_by", "note_signals", "heading_note_signals")
_FILE_KEYS = {"rule", "disable", "signals"}
_BACKREFERENCE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g<)")


# --- what patterns and signals see ---------------------------------------------------------------

_EDGE = " -\u2013\u2014\u2022\u00b7*|>#_=~\u2192\u203a\u00bb"
_TRAILING_PUNCT = ".!?:;,\u2026" + _EDGE
_PAIRS = {"(": ")", "[": "]"}
# A button's plus sign before its label ("+ Add a comment", "+ Yorum ekle"), set apart by a
# space: a number's sign ("+3 degrees", "+49 30 ...") is written against it.
_BUTTON_PLUS = re.compile(r"^[+\uff0b]\s+")
_NOT_WORD = re.compile(r"[^\w\s]+")


def probe(text: str) -> str:
    """What whole-text patterns see: no edge dashes, bullets or a button's plus sign, no end
    punctuation, unwrapped."""
    text = _BUTTON_PLUS.sub("", text.strip(_EDGE)).strip(_EDGE)
    if len(text) > 1 and _PAIRS.get(text[0]) == text[-1]:
        text = text[1:-1].strip(_EDGE)
    return text.rstrip(_TRAILING_PUNCT)


@functools.cache
def _dates() -> frozenset[str]:
    words = lexicon()
    return frozenset(
        name
        for forms in (*words.months_by_language.values(), *words.weekdays_by_language.values())
        for name in forms
        if len(name) >= 5 and name != "march"  # "march" is also a verb
    )


def _names_a_date(sentence: str) -> bool:
    if any(c.isdigit() for c in sentence):
        return True
    names = _dates()
    return any(word in names for word in _NOT_WORD.sub(" ", sentence.lower()).split())


def computed_signals(
    sentence: str, *, title_words: str = "", follows_cut: bool = False
) -> Callable[[str], bool]:
    """Which built-in signals ``sentence`` holds, as a function of the signal's name, each
    found only when asked for: ``title_words`` is the article's title as lower-case words
    separated by spaces (empty: unknown), ``follows_cut`` whether the sentence just before
    was cut as a disclaimer."""

    def holds(name: str) -> bool:
        if name == TITLE:
            return bool(title_words) and title_words in " ".join(
                _NOT_WORD.sub(" ", sentence.casefold()).split()
            )
        if name == SHORT_QUESTION:
            return len(sentence) <= _SHORT_QUESTION_CHARS and sentence.rstrip(")]\"'”’»").endswith(
                "?"
            )
        if name == FOLLOWS_CUT:
            return follows_cut
        if name == SPECIFICS:
            return _names_a_date(sentence)
        if name == LONG_SENTENCE:
            return len(sentence.split()) > _LONG_SENTENCE_WORDS
        return False

    return holds


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule and the problem."""


@dataclass(frozen=True)
class Signal:
    """What a sentence does, recognised by patterns in any of several languages.

    Its expression, and the literals that let most sentences skip it, are worked out on first
    use: a process that summarises a few stories asks for a handful of the signals.
    """

    name: str
    description: str
    patterns: Mapping[str, tuple[str, ...]]  # language → patterns

    @property
    def regex(self) -> re.Pattern[str]:
        """Every pattern as one expression (compiled when a rules file is checked: patterns
        that cannot stand together are refused)."""
        return _joined(tuple(p for values in self.patterns.values() for p in values))

    @functools.cached_property
    def literals(self) -> frozenset[str] | None:
        """Strings one of which any match contains (folded), or None when they cannot
        be told."""
        found = [_literals(p) for values in self.patterns.values() for p in values]
        if any(f is None for f in found):
            return None
        return frozenset(s for f in found if f for s in f)

    @functools.cached_property
    def _candidates(self) -> Candidates:
        flat = tuple(p for values in self.patterns.values() for p in values)
        return Candidates(flat, [_literals(p) for p in flat])

    def search(self, text: str, lowered: str | None = None) -> bool:
        """Whether the signal is in ``text`` (``lowered``: its ``fold()``, if at hand)."""
        return self._candidates.search(text, lowered)


# Texts longer than this (a paragraph that never ends, or a hostile one packed with the
# rules' words) are searched with all of a kind's patterns at once.
_LONG_TEXT = 2000


class Candidates:
    """Patterns tried one at a time, each compiled on its first turn, and of them only those
    whose literals a text holds (and those whose literals cannot be told).

    Compiling the built-in rules as one expression per kind cost a twentieth of a second in
    every process that cleaned anything, for the one or two patterns a text ever comes near:
    the literal filter already knows which those are.
    """

    __slots__ = ("_always", "_filter", "patterns")

    def __init__(self, patterns: Sequence[str], literals: Sequence[frozenset[str] | None]) -> None:
        self.patterns = tuple(patterns)
        self._always = frozenset(i for i, found in enumerate(literals) if not found)
        tagged = [(s, i) for i, found in enumerate(literals) if found for s in found]
        self._filter = literal_search(tagged) if tagged else None

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def search(self, text: str, lowered: str | None = None) -> bool:
        """Whether any pattern matches somewhere in ``text`` (``lowered``: its ``fold()``, if
        at hand). Each candidate is tried as the scan of the text meets it, and the scan
        stops at the first that matches."""
        found = self._found(text, lowered)
        if found is None:
            return _joined(self.patterns).search(text) is not None
        return any(
            _joined((self.patterns[p],)).search(text)
            for p in itertools.chain(sorted(self._always), found)
        )

    def first_whole(
        self,
        text: str,
        lowered: str | None = None,
        accept: Callable[[int], bool] | None = None,
    ) -> int | None:
        """The position of the first pattern, in the file's order, that matches all of
        ``text`` (and that ``accept``, if given, accepts); None when none does."""
        found = self._found(text, lowered)
        if found is None:
            if _joined(self.patterns).fullmatch(text) is None:
                return None
            order: Iterable[int] = range(len(self.patterns))
        else:
            order = sorted({*found, *self._always})
        for position in order:
            if _joined((self.patterns[position],)).fullmatch(text) is not None and (
                accept is None or accept(position)
            ):
                return position
        return None

    def candidates(self, text: str, lowered: str | None = None) -> frozenset[int] | None:
        """The positions of every pattern that could match somewhere in ``text``; None when
        all of them must be tried, together (as for :meth:`search`)."""
        found = self._found(text, lowered)
        return None if found is None else self._always.union(found)

    def _found(self, text: str, lowered: str | None) -> Iterator[int] | None:
        """The candidates as the scan meets them; None when all the patterns are better tried
        together, in one pass: a long text (one that may hold many patterns' literals, each
        a pass of its own over it), one the filter cannot read, or no filter at all."""
        if self._filter is None or len(text) > _LONG_TEXT:
            return None
        return self._filter.owners_as_found(lowered or fold(text))


@functools.cache
def _joined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One expression that matches where any of ``patterns`` does, compiled once a process."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@functools.cache
def _literals(pattern: str, whole_text: bool = False) -> frozenset[str] | None:
    shipped = _shipped_literals()
    if (pattern, whole_text) in shipped:
        return shipped[pattern, whole_text]
    return necessary_literals(pattern, whole_text=whole_text)


# The built-in patterns' literals, worked out once when the rules change and shipped beside
# them: reading them off each pattern's syntax tree took a tenth of a second in every process
# that cleans. Written by ``python -m digest.text.rules --update-literals``; the test suite
# fails when it no longer matches rules.toml. A pattern it lacks (a user's) is read as before.
LITERALS_FILE = "rules.literals.json"


@functools.cache
def _shipped_literals() -> dict[tuple[str, bool], frozenset[str] | None]:
    try:
        raw = resources.files("digest.text").joinpath(LITERALS_FILE).read_bytes()
        data = json.loads(raw)
        return {
            (pattern, whole == "whole"): None if found is None else frozenset(found)
            for whole in ("part", "whole")
            for pattern, found in data[whole].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # worked out as for a user's patterns: slower, the same literals


def literals_table(rules: RuleSet) -> dict[str, dict[str, list[str] | None]]:
    """The literals of every pattern of ``rules``, as ``LITERALS_FILE`` holds them."""
    wanted = {
        *((p, False) for s in rules.signals.values() for v in s.patterns.values() for p in v),
        *((p, _whole_text(r)) for r in rules.rules for p in r.patterns),
    }
    table: dict[str, dict[str, list[str] | None]] = {"part": {}, "whole": {}}
    for pattern, whole in sorted(wanted):
        found = necessary_literals(pattern, whole_text=whole)
        table["whole" if whole else "part"][pattern] = None if found is None else sorted(found)
    return table


# Every kind but these matches its patterns against whole sentences or paragraphs; these
# match at the start of one.
_AT_START = frozenset({"seo_standfirst", "dateline"})
# The kinds whose rules are tried on each sentence of every paragraph.
SENTENCE_KINDS: tuple[RuleKind, ...] = ("disclaimer", "standalone")


def _whole_text(rule: Rule) -> bool:
    return rule.kind not in _AT_START


@dataclass(frozen=True, slots=True)
class Rule:
    """One boilerplate rule: whole-text patterns, a signal score, or both."""

    id: str
    kind: RuleKind
    description: str
    patterns: tuple[str, ...]
    followed_by: Literal["teasers", "prompts", "labelled"] = "teasers"
    min_title_overlap: float = 0.5
    score: Mapping[str, int] = field(default_factory=dict)
    # every entry must be present: a signal name, or a tuple of names of which one will do
    requires: tuple[str | tuple[str, ...], ...] = ()
    threshold: int = 0
    # signals that keep a text the patterns match: "Sign up, the council urged residents, ..."
    # is a story's reported speech, though a prompt's pattern matches it
    unless: tuple[str, ...] = ()
    # noted_block rules: the disclaimer rules whose note, cutting a whole paragraph beside the
    # block, marks it; signals one of which that note must hold (it speaks of the block: "these
    # key points", not "this article"); signals by which a heading is a note of its own ("Key
    # points (AI-generated)")
    noted_by: tuple[str, ...] = ()
    note_signals: tuple[str, ...] = ()
    heading_note_signals: tuple[str, ...] = ()
    origin: str = ""  # the file the rule came from, for messages

    @property
    def scored(self) -> bool:
        return bool(self.score)

    @property
    def regex(self) -> re.Pattern[str] | None:
        """The rule's patterns as one expression (None for a rule of signals only)."""
        return _joined(self.patterns) if self.patterns else None


@dataclass(frozen=True, slots=True)
class Score:
    """How a sentence scored against one rule: the total and the signals that made it."""

    rule: Rule
    total: int
    parts: tuple[tuple[str, int], ...]  # (signal description, weight) in the rule's order
    complete: bool  # every required signal was present

    @property
    def certain(self) -> bool:
        return self.complete and self.total >= self.rule.threshold

    @property
    def candidate(self) -> bool:
        return self.complete and not self.certain and self.total >= self.rule.threshold - 1

    def explain(self) -> str:
        parts = ", ".join(f"{name} {weight:+d}" for name, weight in self.parts)
        if self.complete:
            verdict = f"cut at {self.rule.threshold}, so {'cut' if self.certain else 'kept'}"
        else:  # the score may reach the threshold, but a signal the rule requires is missing
            verdict = f"cut at {self.rule.threshold}, but kept: a signal it requires is missing"
        return f"{self.rule.description} (score {self.total}: {parts}; {verdict})"


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules the stage applies, in file order, grouped by kind."""

    rules: tuple[Rule, ...]
    signals: Mapping[str, Signal] = field(default_factory=dict)
    # whether paragraphs a source repeats across its articles are cut (disable =
    # ["recurring-paragraph"] in a rules file turns it off)
    recurring: bool = True
    disclaimer: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    standalone: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    trailing_block: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    seo_standfirst: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    dateline: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    noted_block: tuple[Rule, ...] = field(init=False, repr=False, compare=False)

    # each kind's patterns in file order, and the rule each belongs to
    _patterns: dict[str, Candidates] = field(init=False, repr=False, compare=False)
    _owners: dict[str, tuple[Rule, ...]] = field(init=False, repr=False, compare=False)
    _triggers: dict[str, LiteralFilter | None] = field(init=False, repr=False, compare=False)
    _apply: dict[str, LiteralFilter | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns_of: dict[str, Candidates] = {}
        owners_of: dict[str, tuple[Rule, ...]] = {}
        triggers: dict[str, LiteralFilter | None] = {}
        score_literals: dict[str, frozenset[str] | None] = {}
        pattern_literals: dict[str, frozenset[str] | None] = {}
        for kind in KINDS:
            rules = tuple(r for r in self.rules if r.kind == kind)
            object.__setattr__(self, kind, rules)
            # A text is tried against the patterns whose literals it holds, each compiled on
            # its first turn: most texts hold none, and a build that cleans a few articles
            # compiles a few patterns of hundreds.
            whole = kind not in _AT_START
            owned = [(p, r) for r in rules for p in r.patterns]
            patterns_of[kind] = Candidates(
                [p for p, _ in owned], [_literals(p, whole) for p, _ in owned]
            )
            owners_of[kind] = tuple(r for _, r in owned)
            # A sentence is scored only if it holds a literal that one of the signals every
            # rule of this kind requires must contain: most sentences hold none, and one quick
            # search rules them out.
            scored = [r for r in rules if r.scored]
            mandatory = [_mandatory_literals(r, self.signals) for r in scored]
            if not scored:
                score_literals[kind] = frozenset()
            elif all(found is not None for found in mandatory):
                score_literals[kind] = frozenset(s for found in mandatory if found for s in found)
            else:
                score_literals[kind] = None  # no prefilter: every sentence is scored
            found_ = score_literals[kind]
            triggers[kind] = None if found_ is None else literal_search(found_)
            # The same for whole-text patterns: a rule's patterns can only match text that
            # holds one of their literals.
            literals = [_pattern_literals(r) for r in rules if r.patterns]
            if all(found is not None for found in literals):
                pattern_literals[kind] = frozenset(s for f in literals if f for s in f)
            else:
                pattern_literals[kind] = None
        object.__setattr__(self, "_patterns", patterns_of)
        object.__setattr__(self, "_owners", owners_of)
        object.__setattr__(self, "_triggers", triggers)
        # one filter per kind for "could anything apply?": both kinds of literal together
        apply: dict[str, LiteralFilter | None] = {}
        for kind in KINDS:
            both = (pattern_literals[kind], score_literals[kind])
            apply[kind] = (
                None
                if any(b is None for b in both)
                else literal_search(s for b in both if b for s in b)
            )
        # and one for the sentence kinds together, each literal owned by its kind's place in
        # SENTENCE_KINDS: one scan of a paragraph tells which of them could apply
        sentence_kinds = [(pattern_literals[k], score_literals[k]) for k in SENTENCE_KINDS]
        apply["any"] = (
            None
            if any(b is None for both in sentence_kinds for b in both)
            else literal_search(
                (literal, owner)
                for owner, both in enumerate(sentence_kinds)
                for found in both
                if found
                for literal in found
            )
        )
        object.__setattr__(self, "_apply", apply)

    def match(self, kind: RuleKind, text: str) -> Rule | None:
        """The first rule of ``kind`` whose patterns match the whole of ``text`` and none of
        whose ``unless`` signals ``text`` holds."""
        patterns = self._patterns[kind]
        if not patterns:
            return None
        owners = self._owners[kind]

        def unvetoed(position: int) -> bool:
            unless = owners[position].unless
            return not unless or not any(self._holds(name, text) for name in unless)

        position = patterns.first_whole(text, accept=unvetoed)
        return None if position is None else owners[position]

    def holds(self, name: str, text: str) -> bool:
        """Whether ``text`` holds the signal ``name``, a word signal or a computed one."""
        return self._holds(name, text)

    def _holds(self, name: str, text: str) -> bool:
        """Whether ``text`` holds the signal ``name`` (a computed one as for a sentence of an
        article whose title is unknown)."""
        if name in COMPUTED_SIGNALS:
            return computed_signals(text)(name)
        return self.has_signal(name, text)

    def may_apply(self, kind: RuleKind, lowered: str) -> bool:
        """Whether any rule of ``kind`` could match or score any sentence of ``lowered`` (text
        as ``fold()`` gives it): a cheap test that spares most paragraphs the sentence
        splitting and matching."""
        trigger = self._apply[kind]
        return trigger is None or trigger.search(lowered)

    def sentence_kinds(self, lowered: str) -> frozenset[RuleKind]:
        """Which of ``SENTENCE_KINDS`` ``may_apply`` to ``lowered``, in one scan of it rather
        than one per kind."""
        trigger = self._apply["any"]
        owners = None if trigger is None else trigger.owners(lowered)
        if owners is None:  # (no filter for them together, or a letter no folding settles)
            return frozenset(k for k in SENTENCE_KINDS if self.may_apply(k, lowered))
        return frozenset(SENTENCE_KINDS[owner] for owner in owners)

    def may_score(self, kind: RuleKind, text: str) -> bool:
        """Whether any scored rule of ``kind`` could reach its threshold on ``text``."""
        trigger = self._triggers[kind]
        return trigger is None or trigger.search(fold(text))

    def score(
        self,
        kind: RuleKind,
        sentence: str,
        computed: Callable[[str], bool] | frozenset[str] = frozenset(),
        *,
        complete_only: bool = False,
    ) -> list[Score]:
        """Every scored rule of ``kind`` applied to ``sentence``, best first.

        ``computed`` says which built-in signals (``title``, ``follows-cut``...) hold: a set of
        their names, or a function asked only about those a rule needs. Word signals are
        searched here, each once. ``complete_only``: leave out the rules a required signal is
        missing from, without weighing their other signals (for a caller that acts only on a
        score that is ``certain`` or a ``candidate``, which both need every required signal).
        """
        found: dict[str, bool] = {}
        lowered = fold(sentence)
        has_computed = computed.__contains__ if isinstance(computed, frozenset) else computed
        # one scan of the sentence for every signal's literals, rather than one per signal
        patterns, signal_of = self._signal_patterns
        possible = patterns.candidates(sentence, lowered)
        tried: dict[str, list[str]] | None = None
        if possible is not None:
            tried = {}
            for position in sorted(possible):
                tried.setdefault(signal_of[position], []).append(patterns.patterns[position])

        def present(name: str) -> bool:
            if name not in found:
                if name in COMPUTED_SIGNALS:
                    found[name] = has_computed(name)
                elif tried is not None:  # (an unknown name has no patterns: never present)
                    found[name] = any(
                        _joined((pattern,)).search(sentence) for pattern in tried.get(name, ())
                    )
                else:
                    signal = self.signals.get(name)
                    found[name] = signal is not None and signal.search(sentence, lowered)
            return found[name]

        scores = []
        for rule in getattr(self, kind):
            if not rule.scored:
                continue
            complete = all(
                present(need) if isinstance(need, str) else any(present(n) for n in need)
                for need in rule.requires
            )
            if complete_only and not complete:
                continue
            parts = tuple(
                (self._describe(name), weight)
                for name, weight in rule.score.items()
                if present(name)
            )
            scores.append(Score(rule, sum(w for _, w in parts), parts, complete))
        scores.sort(key=lambda s: (not s.certain, not s.candidate, -s.total))
        return scores

    @functools.cached_property
    def _signal_patterns(self) -> tuple[Candidates, tuple[str, ...]]:
        """Every signal's patterns as one set of candidates, and the signal each is of."""
        owned = [
            (pattern, name)
            for name, signal in self.signals.items()
            for values in signal.patterns.values()
            for pattern in values
        ]
        candidates = Candidates([p for p, _ in owned], [_literals(p) for p, _ in owned])
        return candidates, tuple(name for _, name in owned)

    def _describe(self, name: str) -> str:
        if name in COMPUTED_SIGNALS:
            return COMPUTED_SIGNALS[name]
        return self.signals[name].description

    def standalone_match(self, text: str) -> Rule | None:
        """The standalone rule that matches ``text`` (a sentence or a short paragraph) whole, or
        that scores it as a prompt; None when none does. For callers that look at single
        sentences, such as the summariser, which must not pick boilerplate that stood inside a
        paragraph."""
        rule = self.match("standalone", probe(text))
        if rule is not None or not self.may_score("standalone", text):
            return rule
        scores = self.score("standalone", text, computed_signals(text))
        return scores[0].rule if scores and scores[0].certain else None

    def has_signal(self, name: str, text: str) -> bool:
        signal = self.signals.get(name)
        return signal is not None and signal.search(text)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def __len__(self) -> int:
        return len(self.rules)


def _pattern_literals(rule: Rule) -> frozenset[str] | None:
    whole = _whole_text(rule)
    found = [_literals(p, whole) for p in rule.patterns]
    if any(f is None for f in found):
        return None
    return frozenset(s for f in found if f for s in f)


def _mandatory_literals(rule: Rule, signals: Mapping[str, Signal]) -> frozenset[str] | None:
    """Literals one of which any sentence ``rule`` can score holds: those of its most
    selective requirement made of word signals only (None when it has none)."""
    best: frozenset[str] | None = None
    for need in rule.requires:
        names = (need,) if isinstance(need, str) else need
        found = [signals[n].literals if n in signals else None for n in names]
        if any(f is None for f in found):
            continue
        union = frozenset(s for f in found if f for s in f)
        if union and (best is None or _selective(union) > _selective(best)):
            best = union
    return best


def _selective(literals: frozenset[str]) -> tuple[int, int]:
    """Longer literals are rarer in text; fewer of them, rarer again."""
    return min(map(len, literals)), -len(literals)


# --- loading ----------------------------------------------------------------------------------


def load_rules(extra: Path | None = None, text: bytes | None = None) -> RuleSet:
    """The built-in rules, extended by the user's rules file ``extra`` if given: its
    ``text`` when given (the file as read before), else what the file holds now.

    In ``extra``, a rule with a new id is added, a rule with a built-in id replaces that rule,
    ``disable = ["id", ...]`` removes built-in rules (and ``"recurring-paragraph"`` stops cutting
    what a source repeats across its articles), and ``[signals.NAME]`` tables add patterns to a
    built-in signal or declare a new one. Raises :class:`RulesError` (a
    ``ValueError``) naming the file, the rule and the problem.
    """
    if extra is None:
        return default_rules()
    builtin = default_rules()
    try:
        raw = Path(extra).read_bytes() if text is None else text
    except OSError as exc:
        raise RulesError(f"{extra}: cannot read the rules file ({exc.strerror or exc})") from exc
    data = _read_toml(raw, str(extra))
    signals = _parse_signals(data.get("signals", {}), str(extra), builtin.signals)
    user_rules, disable = _parse_rules(data, str(extra), signals)

    merged = {r.id: r for r in builtin.rules}
    recurring = RECURRING not in disable
    for rule_id in disable:
        if rule_id == RECURRING:
            continue
        if rule_id in BUILTIN_REASONS:
            raise RulesError(f"{extra}: disable: '{rule_id}' is a built-in check, not a rule")
        if rule_id not in merged:
            known = ", ".join(merged)
            raise RulesError(f"{extra}: disable: no built-in rule '{rule_id}' (rules: {known})")
        if any(r.id == rule_id for r in user_rules):
            raise RulesError(f"{extra}: rule '{rule_id}' is both defined and disabled")
        del merged[rule_id]
    for rule in user_rules:
        merged[rule.id] = rule  # a dict keeps the built-in's place when an id is replaced
    for rule in merged.values():
        for noted_by in rule.noted_by:
            # (a block marked by a note no rule cuts would never be cut: say so now)
            if noted_by not in merged or merged[noted_by].kind != "disclaimer":
                raise RulesError(
                    f"{rule.origin}: rule '{rule.id}': noted_by: no disclaimer rule "
                    f"'{noted_by}' (disabled, or of another kind)"
                )
    return RuleSet(tuple(merged.values()), signals, recurring)


@functools.cache
def default_rules() -> RuleSet:
    """The built-in rules, loaded and compiled once per process."""
    builtin = resources.files("digest.text").joinpath(BUILTIN_RULES_FILE)
    origin = f"built-in {BUILTIN_RULES_FILE}"
    data = _read_toml(builtin.read_bytes(), origin)
    # Its patterns are not compiled one by one to be checked on every start: the test suite
    # checks the shipped file as it checks a user's (tests/test_rules.py), and each expression
    # is compiled when first used.
    signals = _parse_signals(data.get("signals", {}), origin, {}, check=False)
    rules, _ = _parse_rules(data, origin, signals, check=False)
    return RuleSet(tuple(rules), signals)


def _read_toml(raw: bytes, origin: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError(f"{origin}: the rules file is not UTF-8 text ({exc.reason})") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{origin}: not valid TOML: {toml_mistake(text, exc)}") from exc


def _parse_signals(
    tables: object, origin: str, known: Mapping[str, Signal], *, check: bool = True
) -> dict[str, Signal]:
    """``known`` signals, extended and joined by the ``[signals.NAME]`` tables of one file;
    ``check``: compile each pattern now to refuse a bad one (see ``_check_pattern``)."""
    if not isinstance(tables, dict):
        raise RulesError(f"{origin}: 'signals' must be a table of [signals.NAME] tables")
    signals = dict(known)
    for name, table in tables.items():
        where = f"{origin}: signal '{name}'"
        if not _ID.fullmatch(name) or name in COMPUTED_SIGNALS:
            raise RulesError(f"{where}: this name is built in or not a name; choose another")
        if not isinstance(table, dict):
            raise RulesError(f"{where}: must be a table of language = [patterns]")
        earlier = known.get(name)
        description = table.get("description", earlier.description if earlier else None)
        if not isinstance(description, str) or not description.strip():
            raise RulesError(f"{where}: needs a 'description' saying what the signal means")
        patterns = {lang: list(p) for lang, p in (earlier.patterns if earlier else {}).items()}
        for lang, values in table.items():
            if lang == "description":
                continue
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise RulesError(f"{where}: '{lang}' must be a list of regular expressions")
            for value in values if check else ():
                _check_pattern(value, _failing(where))
            patterns.setdefault(lang, []).extend(values)
        if not any(patterns.values()):
            raise RulesError(f"{where}: no patterns (give a list per language, such as en = [...])")
        signal = Signal(
            name=name,
            description=description.strip(),
            patterns={lang: tuple(values) for lang, values in patterns.items()},
        )
        if check:
            try:
                signal.regex  # noqa: B018 - compiled now to say which signal cannot be
            except re.error as exc:
                raise RulesError(
                    f"{where}: the patterns cannot be combined into one expression: {exc}"
                ) from exc
        signals[name] = signal
    return signals


def _parse_rules(
    data: Mapping[str, Any], origin: str, signals: Mapping[str, Signal], *, check: bool = True
) -> tuple[list[Rule], list[str]]:
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise RulesError(
            f"{origin}: unknown key '{unknown[0]}'{_did_you_mean(unknown[0], _FILE_KEYS)} (a "
            "rules file has [[rule]] tables, [signals.NAME] tables and an optional disable = "
            '["rule-id", ...])'
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesError(f"{origin}: 'rule' must be a list of [[rule]] tables")
    disable = data.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise RulesError(f"{origin}: 'disable' must be a list of rule ids, such as [\"ad\"]")

    rules: list[Rule] = []
    for number, table in enumerate(tables, 1):
        rule = _parse_rule(table, origin, number, signals, check=check)
        if any(r.id == rule.id for r in rules):
            raise RulesError(f"{origin}: rule '{rule.id}' is defined twice")
        rules.append(rule)
    return rules, disable


def _failing(where: str) -> Any:
    return lambda problem: RulesError(f"{where}: {problem}")


def _did_you_mean(name: str, known: set[str]) -> str:
    from digest.config.keys import did_you_mean  # only for a file with a mistyped key

    return did_you_mean(name, known)


def _check_pattern(pattern: str, fail: Any, number: int | None = None) -> None:
    """Refuse a pattern that does not compile, matches empty text or uses groups by number;
    the message names it by its ``number`` in its list, if given, and as written."""
    label = " ".join(["pattern", *([str(number)] if number else []), as_toml(pattern)])
    try:
        # alone first: wrapped, "a)(b" would pass and an error's position would be off by 3
        re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise fail(f"{label} is not a valid regular expression: {exc}") from exc
    try:  # as it is joined with the others (a flag such as "(?i)" must come first)
        compiled = re.compile(f"(?:{pattern})", re.IGNORECASE)
    except re.error as exc:
        raise fail(f"{label} cannot be joined with other patterns: {exc}") from exc
    if compiled.fullmatch(""):
        raise fail(f"{label} matches empty text, so it would match anything")
    if compiled.groupindex or _BACKREFERENCE.search(pattern):
        # A long text meets all of a kind's patterns joined into one expression, as a
        # dateline or standfirst rule meets its own: joining renumbers groups.
        raise fail(f"{label}: named groups and backreferences are not supported")


def _parse_rule(
    table: Mapping[str, Any],
    origin: str,
    number: int,
    signals: Mapping[str, Signal],
    *,
    check: bool = True,
) -> Rule:
    rule_id = table.get("id")
    name = f"rule '{rule_id}'" if isinstance(rule_id, str) and rule_id else f"rule #{number}"

    def fail(problem: str) -> RulesError:
        return RulesError(f"{origin}: {name}: {problem}")

    # A key that is not known first: a mistyped key is why another seems missing.
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        meant = _did_you_mean(unknown[0], _RULE_KEYS)
        raise fail(f"unknown key '{unknown[0]}'{meant} (keys: {', '.join(sorted(_RULE_KEYS))})")
    for key in ("id", "kind", "description"):
        if key not in table:
            raise fail(f"missing key '{key}'")
    if "patterns" not in table and "score" not in table:
        raise fail("missing key 'patterns' (or a 'score' of signals)")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise fail("'id' must be a name of letters, digits, '-', '_' or '.'")
    if rule_id in BUILTIN_REASONS:
        raise fail("this id is reserved for a built-in check; choose another")
    kind = table["kind"]
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    description = table["description"]
    if not isinstance(description, str) or not description.strip():
        raise fail("'description' must be a non-empty string")

    patterns = table.get("patterns", [])
    if "patterns" in table and (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) and p for p in patterns)
    ):
        raise fail("'patterns' must be a non-empty list of regular expressions (strings)")
    if check and patterns:
        for i, pattern in enumerate(patterns, 1):
            _check_pattern(pattern, fail, i)
        try:
            _joined(tuple(patterns))
        except re.error as exc:  # e.g. the same group name in two patterns
            raise fail(f"the patterns cannot be combined into one expression: {exc}") from exc

    score, requires, threshold = _parse_score(table, kind, signals, fail)
    unless = _parse_unless(table, kind, signals, fail)

    followed_by = table.get("followed_by", "teasers")
    if "followed_by" in table and kind != "trailing_block":
        raise fail("'followed_by' only applies to trailing_block rules")
    if followed_by not in FOLLOWED_BY:
        raise fail(f"'followed_by' must be one of {', '.join(FOLLOWED_BY)}, got {followed_by!r}")
    overlap = table.get("min_title_overlap", 0.5)
    if "min_title_overlap" in table and kind != "seo_standfirst":
        raise fail("'min_title_overlap' only applies to seo_standfirst rules")
    if isinstance(overlap, bool) or not isinstance(overlap, int | float) or not 0 < overlap <= 1:
        raise fail(f"'min_title_overlap' must be a number above 0 and at most 1, got {overlap!r}")

    noted_by, note_signals, heading_note_signals = _parse_noted(table, kind, signals, fail)

    return Rule(
        id=rule_id,
        kind=kind,
        description=description.strip(),
        patterns=tuple(patterns),
        followed_by=followed_by,
        min_title_overlap=float(overlap),
        score=score,
        requires=requires,
        threshold=threshold,
        unless=unless,
        noted_by=noted_by,
        note_signals=note_signals,
        heading_note_signals=heading_note_signals,
        origin=origin,
    )


def _parse_noted(
    table: Mapping[str, Any], kind: str, signals: Mapping[str, Signal], fail: Any
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A noted_block rule's ``noted_by`` (rule ids, required), ``note_signals`` and
    ``heading_note_signals`` (signal names)."""
    given = [key for key in _NOTED_BLOCK_KEYS if key in table]
    if kind != "noted_block":
        if given:
            raise fail(f"'{given[0]}' only applies to noted_block rules")
        return (), (), ()
    if "patterns" not in table:
        raise fail("a noted_block rule needs 'patterns': the block's heading")
    known = set(signals) | set(COMPUTED_SIGNALS)
    found: list[tuple[str, ...]] = []
    for key in _NOTED_BLOCK_KEYS:
        values = table.get(key, [])
        if key == "noted_by" and not values:
            raise fail("'noted_by' must name the disclaimer rules whose note marks the block")
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise fail(f"'{key}' must be a list of names")
        if key != "noted_by":
            for name in values:
                if name not in known:
                    raise fail(f"unknown signal {name!r} (signals: {', '.join(sorted(known))})")
        found.append(tuple(values))
    return found[0], found[1], found[2]


def _parse_unless(
    table: Mapping[str, Any], kind: str, signals: Mapping[str, Signal], fail: Any
) -> tuple[str, ...]:
    if "unless" not in table:
        return ()
    if "patterns" not in table:
        raise fail("'unless' applies to a rule's 'patterns' (a score weighs signals itself)")
    if kind not in SENTENCE_KINDS:
        raise fail("'unless' applies to disclaimer and standalone rules only")
    known = set(signals) | set(COMPUTED_SIGNALS)
    unless = table["unless"]
    if not isinstance(unless, list) or not unless:
        raise fail("'unless' must be a non-empty list of signal names")
    for name in unless:
        if not isinstance(name, str) or name not in known:
            raise fail(f"unknown signal {name!r} (signals: {', '.join(sorted(known))})")
    return tuple(unless)


def _parse_score(
    table: Mapping[str, Any], kind: str, signals: Mapping[str, Signal], fail: Any
) -> tuple[dict[str, int], tuple[str | tuple[str, ...], ...], int]:
    if "score" not in table:
        for key in ("requires", "threshold"):
            if key in table:
                raise fail(f"'{key}' only applies to a rule with a 'score'")
        return {}, (), 0
    if kind not in ("disclaimer", "standalone"):
        raise fail("'score' applies to disclaimer and standalone rules only")
    known = set(signals) | set(COMPUTED_SIGNALS)

    def check_name(value: object) -> str:
        if not isinstance(value, str) or value not in known:
            raise fail(f"unknown signal {value!r} (signals: {', '.join(sorted(known))})")
        return value

    score = table["score"]
    if not isinstance(score, dict) or not score:
        raise fail("'score' must be a table of signal = weight, such as {ai-term = 2}")
    for signal_name, weight in score.items():
        check_name(signal_name)
        if isinstance(weight, bool) or not isinstance(weight, int) or weight == 0:
            raise fail(f"the weight of '{signal_name}' must be a whole number other than 0")
    requires_raw = table.get("requires", [])
    if not isinstance(requires_raw, list):
        raise fail("'requires' must be a list of signal names (or lists of names, any one)")
    requires: list[str | tuple[str, ...]] = []
    for need in requires_raw:
        if isinstance(need, list) and need:
            requires.append(tuple(check_name(n) for n in need))
        else:
            requires.append(check_name(need))
    threshold = table.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise fail("'threshold' must be a whole number of at least 1: the score that cuts")
    return dict(score), tuple(requires), threshold


def main(argv: list[str] | None = None) -> int:
    """``python -m digest.text.rules --update-literals``: rewrite ``LITERALS_FILE`` from the
    built-in rules (after editing rules.toml)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m digest.text.rules", description=main.__doc__)
    parser.add_argument("--update-literals", action="store_true", required=True)
    parser.parse_args(argv)
    path = Path(__file__).with_name(LITERALS_FILE)
    text = json.dumps(literals_table(default_rules()), ensure_ascii=False, indent=1) + "\n"
    changed = not path.exists() or path.read_text(encoding="utf-8") != text
    if changed:
        path.write_text(text, encoding="utf-8")
    print(f"{path.name}: " + ("rewritten" if changed else "up to date"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "BUILTIN_REASONS",
    "BYLINE",
    "DUPLICATE",
    "HASHTAG_LINE",
    "KINDS",
    "LITERALS_FILE",
    "NO_WORDS",
    "ORPHAN_HEADING",
    "ORPHAN_LIST_HEADING",
    "RECURRING",
    "TITLE_REPEAT",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RulesError",
    "Score",
    "Signal",
    "default_rules",
    "literals_table",
    "load_rules",
]
