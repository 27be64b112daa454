"""The normalise stage: raw paragraphs in, clean paragraphs out, with an account of every cut.

Every ingestor's output (plain-text files, feed entries converted from HTML, pages extracted by
trafilatura) passes through :func:`normalise`. It

* normalises Unicode to NFC and collapses whitespace (non-breaking and zero-width spaces too);
* cuts boilerplate the rules describe: AI and accuracy disclaimers, reprint notes, ads,
  newsletter, social and comment prompts, copyright lines, and the blocks of teasers and
  prompts that close a scraped page (see ``rules.toml``);
* drops paragraphs repeated verbatim or nearly so (a scraper that doubled the body), a first
  paragraph that only repeats the title, and an SEO standfirst that restates the title with a
  call to action;
* drops separator lines with no words ("* * *");
* marks in-body subheadings as ``heading`` paragraphs (kept for the reader, never summarised)
  and drops headings left with no text after them at the end.

What counts as boilerplate is data, not code: ``rules.toml`` ships with the package and a user
file of the same shape can add, replace or disable rules (:func:`load_rules`). Each cut becomes
a :class:`~digest.model.Removal` naming the rule, so ``digest extract --explain`` can show why.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from digest.model import Article, Paragraph, ParagraphKind, Removal
from digest.text.sentences import split_sentences

RuleKind = Literal["disclaimer", "standalone", "trailing_block", "seo_standfirst"]
KINDS: tuple[RuleKind, ...] = ("disclaimer", "standalone", "trailing_block", "seo_standfirst")
FOLLOWED_BY = ("teasers", "prompts")

# Removals that come from the stage's own checks rather than from a rules file.
DUPLICATE = "duplicate-paragraph"
TITLE_REPEAT = "title-repeat"
ORPHAN_HEADING = "orphan-heading"
NO_WORDS = "no-words"
_BUILTIN_REASONS = {
    NO_WORDS: "Paragraph with no words: a separator or stray symbols",
    DUPLICATE: "Paragraph repeated verbatim or nearly so earlier in the article",
    TITLE_REPEAT: "First paragraph only repeats the title",
    ORPHAN_HEADING: "Heading with no text after it",
}

BUILTIN_RULES_FILE = "rules.toml"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_RULE_KEYS = {"id", "kind", "description", "patterns", "followed_by", "min_title_overlap"}
_FILE_KEYS = {"rule", "disable"}
_BACKREFERENCE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[1-9]|g<)")

# Shape limits of the structural checks.
_NO_WORDS_MAX_CHARS = 20  # "* * *", "—", "•••": separators, never content
_STANDALONE_MAX_CHARS = 400  # boilerplate paragraphs are short; long ones are never tried
_BLOCK_HEADING_MAX_CHARS = 80  # a trailing-block heading is a short line of its own
_BLOCK_MAX_TAIL = 30  # paragraphs a trailing block may span: "near the end"
_TEASER_MAX_CHARS = 320  # a teaser under a "Related" heading is a line or two
_STANDFIRST_MAX_CHARS = 500
_STANDFIRST_MAX_SENTENCES = 3
_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 12
_DEDUP_MIN_WORDS = 2  # one-word paragraphs ("Yes.", "Watch:") may repeat legitimately
_NEAR_DUP_MIN_WORDS = 12  # near-duplicate checks only where a one-word change is a small one
_NEAR_DUP_JACCARD = 0.85  # word-bigram Jaccard: one word changed in 40 scores about 0.90
_EDGE_WORDS = 4  # near-duplicate candidates share their first or last words
_EDGE_BUCKET = 16  # at most this many earlier paragraphs compared per shared opening or ending
_TITLE_REPEAT_JACCARD = 0.8


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, the rule and the problem."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One boilerplate rule, its patterns compiled into a single case-insensitive regex."""

    id: str
    kind: RuleKind
    description: str
    patterns: tuple[str, ...]
    regex: re.Pattern[str] = field(repr=False, compare=False)
    followed_by: Literal["teasers", "prompts"] = "teasers"
    min_title_overlap: float = 0.5
    origin: str = ""  # the file the rule came from, for messages


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules the stage applies, in file order, grouped by kind."""

    rules: tuple[Rule, ...]
    disclaimer: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    standalone: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    trailing_block: tuple[Rule, ...] = field(init=False, repr=False, compare=False)
    seo_standfirst: tuple[Rule, ...] = field(init=False, repr=False, compare=False)

    _any: dict[str, re.Pattern[str] | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        any_of: dict[str, re.Pattern[str] | None] = {}
        for kind in KINDS:
            rules = tuple(r for r in self.rules if r.kind == kind)
            object.__setattr__(self, kind, rules)
            # One expression per kind answers "does any rule match?" in a single call; the
            # rarely needed "which rule?" is asked only after a hit.
            any_of[kind] = (
                re.compile("|".join(f"(?:{r.regex.pattern})" for r in rules), re.IGNORECASE)
                if rules
                else None
            )
        object.__setattr__(self, "_any", any_of)

    def match(self, kind: RuleKind, text: str) -> Rule | None:
        """The first rule of ``kind`` whose patterns match the whole of ``text``."""
        combined = self._any[kind]
        if combined is None or combined.fullmatch(text) is None:
            return None
        return next(r for r in getattr(self, kind) if r.regex.fullmatch(text))

    def standalone_match(self, text: str) -> Rule | None:
        """The standalone rule that matches the whole of ``text`` (a sentence or a short
        paragraph), ignoring edge bullets, closing punctuation and enclosing brackets, as the
        stage does; None when none does. For callers that look at single sentences, such as
        the summariser, which must not pick boilerplate that stood inside a paragraph."""
        return self.match("standalone", _probe(text))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def __len__(self) -> int:
        return len(self.rules)


# --- loading rules -----------------------------------------------------------------------------


def load_rules(extra: Path | None = None) -> RuleSet:
    """The built-in rules, extended by the user's rules file ``extra`` if given.

    In ``extra``, a rule with a new id is added, a rule with a built-in id replaces that rule,
    and ``disable = ["id", ...]`` removes built-in rules. Raises :class:`RulesError` (a
    ``ValueError``) naming the file, the rule and the problem.
    """
    if extra is None:
        return default_rules()
    rules = list(default_rules().rules)
    try:
        raw = Path(extra).read_bytes()
    except OSError as exc:
        raise RulesError(f"{extra}: cannot read the rules file ({exc.strerror or exc})") from exc
    user_rules, disable = _parse_rules(_read_toml(raw, str(extra)), str(extra))

    merged = {r.id: r for r in rules}
    for rule_id in disable:
        if rule_id in _BUILTIN_REASONS:
            raise RulesError(f"{extra}: disable: '{rule_id}' is a built-in check, not a rule")
        if rule_id not in merged:
            known = ", ".join(merged)
            raise RulesError(f"{extra}: disable: no built-in rule '{rule_id}' (rules: {known})")
        if any(r.id == rule_id for r in user_rules):
            raise RulesError(f"{extra}: rule '{rule_id}' is both defined and disabled")
        del merged[rule_id]
    for rule in user_rules:
        merged[rule.id] = rule  # a dict keeps the built-in's place when an id is replaced
    return RuleSet(tuple(merged.values()))


@functools.cache
def default_rules() -> RuleSet:
    """The built-in rules, loaded and compiled once per process."""
    builtin = resources.files("digest.text").joinpath(BUILTIN_RULES_FILE)
    origin = f"built-in {BUILTIN_RULES_FILE}"
    rules, _ = _parse_rules(_read_toml(builtin.read_bytes(), origin), origin)
    return RuleSet(tuple(rules))


def _read_toml(raw: bytes, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise RulesError(f"{origin}: the rules file is not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{origin}: not valid TOML: {exc}") from exc


def _parse_rules(data: Mapping[str, Any], origin: str) -> tuple[list[Rule], list[str]]:
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise RulesError(
            f"{origin}: unknown key '{unknown[0]}' (a rules file has [[rule]] tables and an "
            'optional disable = ["rule-id", ...])'
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesError(f"{origin}: 'rule' must be a list of [[rule]] tables")
    disable = data.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise RulesError(f"{origin}: 'disable' must be a list of rule ids, such as [\"ad\"]")

    rules: list[Rule] = []
    for number, table in enumerate(tables, 1):
        rule = _parse_rule(table, origin, number)
        if any(r.id == rule.id for r in rules):
            raise RulesError(f"{origin}: rule '{rule.id}' is defined twice")
        rules.append(rule)
    return rules, disable


def _parse_rule(table: Mapping[str, Any], origin: str, number: int) -> Rule:
    rule_id = table.get("id")
    name = f"rule '{rule_id}'" if isinstance(rule_id, str) and rule_id else f"rule #{number}"

    def fail(problem: str) -> RulesError:
        return RulesError(f"{origin}: {name}: {problem}")

    for key in ("id", "kind", "description", "patterns"):
        if key not in table:
            raise fail(f"missing key '{key}'")
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' (keys: {', '.join(sorted(_RULE_KEYS))})")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise fail("'id' must be a name of letters, digits, '-', '_' or '.'")
    if rule_id in _BUILTIN_REASONS:
        raise fail("this id is reserved for a built-in check; choose another")
    kind = table["kind"]
    if kind not in KINDS:
        raise fail(f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
    description = table["description"]
    if not isinstance(description, str) or not description.strip():
        raise fail("'description' must be a non-empty string")
    patterns = table["patterns"]
    if (
        not isinstance(patterns, list)
        or not patterns
        or not all(isinstance(p, str) and p for p in patterns)
    ):
        raise fail("'patterns' must be a non-empty list of regular expressions (strings)")

    for i, pattern in enumerate(patterns, 1):
        try:
            compiled = re.compile(f"(?:{pattern})", re.IGNORECASE)
        except re.error as exc:
            raise fail(f"pattern {i} {pattern!r} is not a valid regular expression: {exc}") from exc
        if compiled.fullmatch(""):
            raise fail(f"pattern {i} {pattern!r} matches empty text, so it would match anything")
        if compiled.groupindex or _BACKREFERENCE.search(pattern):
            # Patterns are joined into one expression per kind, which renumbers groups.
            raise fail(
                f"pattern {i} {pattern!r}: named groups and backreferences are not supported"
            )
    try:
        regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as exc:  # e.g. the same group name in two patterns
        raise fail(f"the patterns cannot be combined into one expression: {exc}") from exc

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

    return Rule(
        id=rule_id,
        kind=kind,
        description=description.strip(),
        patterns=tuple(patterns),
        regex=regex,
        followed_by=followed_by,
        min_title_overlap=float(overlap),
        origin=origin,
    )


# --- text helpers -------------------------------------------------------------------------------

# Invisible characters with no meaning in prose: zero-width space, word joiner, BOM, soft hyphen,
# Mongolian vowel separator. (Zero-width joiners stay: emoji and some scripts need them.)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]+")


def normalise_text(text: str) -> str:
    """One paragraph in NFC, every whitespace run (NBSP, thin spaces…) one space, trimmed."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


_EDGE = " -\u2013\u2014\u2022\u00b7*|>#_=~\u2192\u203a\u00bb"
_TRAILING_PUNCT = ".!?:;,\u2026" + _EDGE
_PAIRS = {"(": ")", "[": "]"}
_ASCII_PUNCTUATION = str.maketrans(dict.fromkeys(string.punctuation.replace("_", ""), " "))
_NON_WORD = re.compile(r"[^\w\s]+")
# Words that say nothing about what a title is about, for the title-overlap check.
# fmt: off
_STOPWORDS = frozenset({
    "a", "about", "after", "amid", "an", "and", "are", "as", "at", "be", "by", "for", "from",
    "has", "have", "how", "in", "into", "is", "it", "its", "of", "on", "or", "over", "that",
    "the", "this", "to", "was", "were", "what", "when", "where", "which", "who", "why", "will",
    "with",
})
# fmt: on


def _sentences(text: str) -> list[str]:
    return split_sentences(text) or [text]


def _probe(text: str) -> str:
    """What whole-text patterns see: no edge dashes or bullets, no end punctuation, unwrapped."""
    text = text.strip(_EDGE)
    if len(text) > 1 and _PAIRS.get(text[0]) == text[-1]:
        text = text[1:-1].strip(_EDGE)
    return text.rstrip(_TRAILING_PUNCT)


def _words(text: str) -> list[str]:
    """The words of ``text``, case-folded, for comparing paragraphs regardless of punctuation."""
    if text.isascii():  # the common case, twice as fast as the regex
        return text.lower().translate(_ASCII_PUNCTUATION).split()
    return _NON_WORD.sub(" ", text.casefold()).split()


def _stems(words: list[str]) -> set[str]:
    """Content words cut to five letters, a cheap stemmer: Venezuela/Venezuelan, offer/offers."""
    return {w[:5] for w in words if w not in _STOPWORDS}


_LIST_ITEM = re.compile(r"(?:[-*+\u2022\u2013\u2014\u00b7]|\d{1,3}[.)]|[a-z][.)])\s")
_INNER_SENTENCE_END = re.compile(r"[.!?\u2026] \S")


def _heading_like(text: str) -> bool:
    """A short title-like line: capitalised, no closing punctuation, not a list item or a URL."""
    if len(text) > _HEADING_MAX_CHARS or text[-1] in ".!?\u2026:;,\"'\u201d\u2019\u00bb":
        return False
    if not (text[0].isupper() or text[0].isdigit()) or _LIST_ITEM.match(text):
        return False
    if len(text.split()) > _HEADING_MAX_WORDS or _INNER_SENTENCE_END.search(text):
        return False
    return "://" not in text and "www." not in text and "@" not in text


# --- the stage ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    index: int  # position in the input, to report removals in reading order
    text: str
    kind: ParagraphKind
    standalone: Rule | None  # the standalone rule this paragraph matches, if any
    words: list[str] = field(default_factory=list)  # case-folded, set by the duplicate check


class _Cuts:
    """Removals collected in any order, reported in reading order."""

    def __init__(self) -> None:
        self._found: list[tuple[int, int, Removal]] = []

    def add(self, index: int, rule_id: str, reason: str, text: str, order: int = 0) -> None:
        self._found.append((index, order, Removal(rule=rule_id, text=text, reason=reason)))

    def rule(self, item: _Item, rule: Rule) -> None:
        self.add(item.index, rule.id, rule.description, item.text)

    def check(self, item: _Item, rule_id: str) -> None:
        self.add(item.index, rule_id, _BUILTIN_REASONS[rule_id], item.text)

    def result(self) -> tuple[Removal, ...]:
        return tuple(r for _, _, r in sorted(self._found, key=lambda f: f[:2]))


def clean_paragraphs(
    paragraphs: Sequence[Paragraph], title: str, rules: RuleSet
) -> tuple[tuple[Paragraph, ...], tuple[Removal, ...]]:
    """Clean an article's paragraphs; return what is kept and what was cut, in reading order.

    ``title`` may be empty (unknown): the title-repeat and standfirst checks are then skipped.
    """
    cuts = _Cuts()
    items: list[_Item] = []
    for index, paragraph in enumerate(paragraphs):
        text = normalise_text(paragraph.text)
        if len(text) <= _NO_WORDS_MAX_CHARS and not any(c.isalnum() for c in text):
            if text:
                cuts.add(index, NO_WORDS, _BUILTIN_REASONS[NO_WORDS], text)
            continue
        if rules.disclaimer:
            text = _cut_disclaimers(index, text, rules, cuts)
        if text:
            standalone = (
                rules.match("standalone", _probe(text))
                if len(text) <= _STANDALONE_MAX_CHARS
                else None
            )
            items.append(_Item(index, text, paragraph.kind, standalone))

    items = _drop_duplicates(items, cuts)
    items = _cut_trailing_block(items, rules, cuts)
    kept: list[_Item] = []
    for item in items:
        if item.standalone is not None:
            cuts.rule(item, item.standalone)
        else:
            kept.append(item)

    title = normalise_text(title)
    if title and kept:
        kept = _drop_title_repeat(kept, title, cuts)
        kept = _drop_seo_standfirst(kept, title, rules.seo_standfirst, cuts)

    _mark_headings(kept)
    while kept and kept[-1].kind == "heading":
        cuts.check(kept.pop(), ORPHAN_HEADING)
    return tuple(Paragraph(i.text, i.kind) for i in kept), cuts.result()


def normalise(article: Article, rules: RuleSet | None = None) -> Article:
    """The article with a normalised title, clean paragraphs and the cuts added to ``removed``."""
    title = normalise_text(article.title)
    rules = default_rules() if rules is None else rules
    paragraphs, removed = clean_paragraphs(article.paragraphs, title, rules)
    return replace(article, title=title, paragraphs=paragraphs, removed=article.removed + removed)


def _cut_disclaimers(index: int, text: str, rules: RuleSet, cuts: _Cuts) -> str:
    """Cut every sentence a disclaimer rule matches; consecutive ones by one rule cut together."""
    sentences = _sentences(text)
    hits = [rules.match("disclaimer", _probe(s)) for s in sentences]
    if not any(hits):
        return text
    kept: list[str] = []
    run: list[str] = []
    for order, (sentence, rule) in enumerate(zip(sentences, hits, strict=True)):
        if rule is None:
            kept.append(sentence)
            continue
        run.append(sentence)
        following = hits[order + 1] if order + 1 < len(hits) else None
        if following is not rule:
            cuts.add(index, rule.id, rule.description, " ".join(run), order)
            run = []
    return " ".join(kept)


def _drop_duplicates(items: list[_Item], cuts: _Cuts) -> list[_Item]:
    """Drop paragraphs whose words repeat an earlier paragraph's, exactly or nearly.

    Exactly: the same words once case and punctuation are ignored. Nearly (paragraphs of
    ``_NEAR_DUP_MIN_WORDS`` words or more): a word-bigram Jaccard index of ``_NEAR_DUP_JACCARD``
    or more with an earlier paragraph that opens or closes with the same words. (A re-scraped
    copy differs by a word or a quote mark here and there, not at both ends; comparing only
    such candidates keeps a long article linear rather than comparing every pair.)
    """
    seen: set[str] = set()
    by_edge: dict[tuple[str, ...], list[_Shingled]] = {}
    out: list[_Item] = []
    for item in items:
        if item.standalone is not None:  # an ad marker repeated is still an ad marker
            out.append(item)
            continue
        words = item.words = _words(item.text)
        key = " ".join(words)
        if key in seen and len(words) >= _DEDUP_MIN_WORDS:
            cuts.check(item, DUPLICATE)
            continue
        seen.add(key)
        if len(words) >= _NEAR_DUP_MIN_WORDS:
            this = _Shingled(words)
            edges = (("<", *words[:_EDGE_WORDS]), (">", *words[-_EDGE_WORDS:]))
            candidates = [other for edge in edges for other in by_edge.get(edge, ())]
            if any(this.similar(other) for other in candidates):
                cuts.check(item, DUPLICATE)
                continue
            for edge in edges:
                bucket = by_edge.setdefault(edge, [])
                if len(bucket) < _EDGE_BUCKET:  # templated paragraphs must not go quadratic
                    bucket.append(this)
        out.append(item)
    return out


class _Shingled:
    """A paragraph's words, and its word bigrams once a comparison needs them."""

    __slots__ = ("_bigrams", "words")

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._bigrams: frozenset[tuple[str, str]] | None = None

    @property
    def bigrams(self) -> frozenset[tuple[str, str]]:
        if self._bigrams is None:
            self._bigrams = frozenset(zip(self.words, self.words[1:], strict=False))
        return self._bigrams

    def similar(self, other: _Shingled) -> bool:
        a, b = self.bigrams, other.bigrams
        small, large = sorted((len(a), len(b)))
        if small < large * _NEAR_DUP_JACCARD:  # the Jaccard index is at most small / large
            return False
        common = len(a & b)
        return common >= _NEAR_DUP_JACCARD * (len(a) + len(b) - common)


def _cut_trailing_block(items: list[_Item], rules: RuleSet, cuts: _Cuts) -> list[_Item]:
    """Cut from the first block heading near the end whose tail is all teasers or prompts."""
    if not rules.trailing_block:
        return items

    @functools.cache
    def block_heading(position: int) -> Rule | None:
        text = items[position].text
        if len(text) > _BLOCK_HEADING_MAX_CHARS:
            return None
        return rules.match("trailing_block", _probe(text))

    def belongs(position: int, followed_by: str) -> bool:
        item = items[position]
        if item.standalone is not None or block_heading(position) is not None:
            return True
        return followed_by == "teasers" and len(item.text) <= _TEASER_MAX_CHARS

    def is_block(start: int, rule: Rule) -> bool:
        tail = range(start + 1, len(items))
        if not all(belongs(p, rule.followed_by) for p in tail):
            return False
        # One short paragraph under a heading like "More from the council" is more likely the
        # article's last section than a list of teasers.
        teasers = [p for p in tail if items[p].standalone is None and block_heading(p) is None]
        return len(teasers) != 1

    text_before = False
    for start in range(len(items)):
        if text_before and len(items) - start - 1 <= _BLOCK_MAX_TAIL:
            rule = block_heading(start)
            if rule is not None and is_block(start, rule):
                current = rule
                for position in range(start, len(items)):
                    heading = block_heading(position)
                    current = heading or current
                    cuts.rule(items[position], heading or items[position].standalone or current)
                return items[:start]
        item = items[start]
        text_before = text_before or (item.kind == "body" and item.standalone is None)
    return items


def _drop_title_repeat(items: list[_Item], title: str, cuts: _Cuts) -> list[_Item]:
    first = items[0]
    words, title_words = first.words, _words(title)
    if words == title_words or (
        len(first.text) <= 1.5 * len(title) + 20
        and _jaccard(set(words), set(title_words)) >= _TITLE_REPEAT_JACCARD
    ):
        cuts.check(first, TITLE_REPEAT)
        return items[1:]
    return items


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _drop_seo_standfirst(
    items: list[_Item], title: str, rules: Sequence[Rule], cuts: _Cuts
) -> list[_Item]:
    """Drop the first paragraph if it restates the title and tells the reader to read on."""
    if (
        not rules
        or not items
        or items[0].kind != "body"
        or len(items[0].text) > _STANDFIRST_MAX_CHARS
    ):
        return items
    first = items[0]
    sentences = _sentences(first.text)
    title_stems = _stems(_words(title))
    if len(sentences) > _STANDFIRST_MAX_SENTENCES or len(title_stems) < 2:
        return items
    overlap = len(title_stems & _stems(first.words)) / len(title_stems)
    for rule in rules:
        if overlap >= rule.min_title_overlap and any(rule.regex.match(s) for s in sentences):
            cuts.rule(first, rule)
            return items[1:]
    return items


def _mark_headings(items: list[_Item]) -> None:
    """Mark short title-like lines followed by body text as headings (working backwards)."""
    body_follows = False
    for item in reversed(items):
        if item.kind == "heading":
            continue
        like = _heading_like(item.text)
        if like and body_follows:
            item.kind = "heading"
        else:
            body_follows = not like
