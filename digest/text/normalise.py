"""The normalise stage: raw paragraphs in, clean paragraphs out, with an account of every cut.

Every ingestor's output (plain-text files, feed entries converted from HTML, pages extracted by
trafilatura) passes through :func:`normalise`. Precision comes first: a cut must be certain,
and what the stage is unsure of stays in the article and is listed as a *candidate* for
``digest extract --explain``. It

* normalises Unicode to NFC and collapses whitespace (non-breaking and zero-width spaces too),
  except in code, which is kept verbatim and never matched by any rule;
* cuts the boilerplate the rules describe (``rules.toml``, read by :mod:`digest.text.rules`):
  AI and accuracy disclaimers and reprint notes sentence by sentence, scored by what each
  sentence does; prompts to comment, share, sign in or subscribe when a paragraph holds
  nothing else; ads, copyright lines and page furniture; blocks of teasers under a heading
  such as "Related", which end at the first paragraph that reads like the article's prose;
* cuts what a source repeats in article after article (its footer, its share bar), when told
  the source's template (:mod:`digest.text.recurring`): what :func:`survey` saw in each article
  is what the pipeline remembers;
* cuts a scraper's doubling (a run of paragraphs printed twice, or the whole body twice) but
  never a single repeated paragraph (a refrain, a question asked again, a list item); a first
  paragraph that only repeats the title; an SEO standfirst that restates the title or the lead
  with a call to action; separator lines drawn with dashes, stars, dots or ornaments
  ("* * *", "★"), but not an elision mark ("[…]") or a line of a diagram; lines of hashtags;
  the writers' names in capitals above the text ("By JANE DOE and JOHN ROE"), alone or run
  into the lead; a list's heading ("My gear:", "Links:") whose lines were all cut;
* marks in-body subheadings as ``heading`` paragraphs (kept for the reader, never summarised)
  and drops short section labels left with no text after them at the end ("Photo gallery").

Each cut becomes a :class:`~digest.model.Removal` naming the rule and why (a scored rule says
how the score added up), so ``digest extract --explain`` can show it. Cleaning its own output
changes nothing: ``normalise(normalise(a)) == normalise(a)``.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from digest.model import Article, Paragraph, ParagraphKind, Removal
from digest.text import bylines, shapes
from digest.text.prefilter import fold
from digest.text.recurring import (
    RECURS_IN,
    Sighting,
    SourceTemplate,
    fingerprint,
)
from digest.text.rules import (
    BUILTIN_REASONS,
    BYLINE,
    DUPLICATE,
    HASHTAG_LINE,
    KINDS,
    NO_WORDS,
    ORPHAN_HEADING,
    ORPHAN_LIST_HEADING,
    RECURRING,
    SHORT_QUESTION,
    SPECIFICS,
    TITLE_REPEAT,
    Rule,
    RuleKind,
    RulesError,
    RuleSet,
    Score,
    computed_signals,
    default_rules,
    load_rules,
    probe,
)
from digest.text.sentences import split_sentences

__all__ = [
    "BYLINE",
    "DUPLICATE",
    "HASHTAG_LINE",
    "KINDS",
    "NO_WORDS",
    "ORPHAN_HEADING",
    "ORPHAN_LIST_HEADING",
    "RECURRING",
    "TITLE_REPEAT",
    "Cleaned",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RulesError",
    "clean_paragraphs",
    "default_rules",
    "load_rules",
    "normalise",
    "normalise_text",
    "survey",
]

# Shape limits of the structural checks.
_NO_WORDS_MAX_CHARS = 20  # "* * *", "—", "•••": separators, never content
_STANDALONE_MAX_CHARS = 400  # boilerplate paragraphs are short; long ones are never tried
_BLOCK_HEADING_MAX_CHARS = 80  # a block heading is a short line of its own
_BLOCK_MAX_PARAGRAPHS = 12  # a longer run of short lines is more likely a list of the article's
_STANDFIRST_MAX_CHARS = 500
_STANDFIRST_MAX_SENTENCES = 3
_STANDFIRST_LEAD_STEMS = 2  # words a title-less standfirst must share with the lead
_NEWS_NEW_SHARE = 0.5  # a lead's sentence says this much that the title (or lead) does not
_DOUBLING_MIN_WORDS = 8  # a doubled run holds at least two sentences this long
_DOUBLING_MIN_SHARE = 0.2  # ... and a fifth of the article's text: examples that share lines stay
_NEAR_DUP_MIN_WORDS = 12  # near-duplicate checks only where a one-word change is a small one
_NEAR_DUP_JACCARD = 0.85  # word-bigram Jaccard: one word changed in 40 scores about 0.90
_EDGE_WORDS = 4  # near-duplicate candidates share their first or last words
_EDGE_BUCKET = 16  # at most this many earlier paragraphs compared per shared opening or ending
# A repeated run is followed this far, and further only when it is cut (or may be the whole
# body again): a run that repeats all the way down but is no doubling is not walked again
# from every paragraph.
_DOUBLING_WALK = 256
_TITLE_REPEAT_JACCARD = 0.8
# A recurring paragraph at the top or the bottom of the article goes once it is in this share of
# the source's articles (or in this many); one in the middle of the text only past a majority.
_RECURRING_EDGE_SHARE = 0.2
_RECURRING_EDGE_ARTICLES = 10
_RECURRING_BODY_SHARE = 0.5
_LIST_MIN_LINES = 3  # this many short title-like lines in a row are a list, not headings
_ORPHAN_MAX_CHARS = 60
_ORPHAN_MAX_WORDS = 5
_LIST_HEADING_MAX_WORDS = 6  # "Links mentioned in this episode:": a list's heading, not a sentence
# A line of this many hashtags is cut; one alone may be a post's only word for its subject.
_HASHTAG_LINE_MIN = 2
# Passes beyond the paragraphs' count: every pass but the last cuts something, so cleaning
# ends; the bound only guards against a rule that would cut forever.
_EXTRA_PASSES = 4
_CLOSERS = "\"'\u201d\u2019\u00bb)]* "  # what may close a sentence after its last mark
_SENTENCE_INSIDE = re.compile(r"[.!?\u2026]\s")  # an end mark with more after it
# A paragraph's first sentence, roughly: up to its first end mark and what closes it. (An
# abbreviation ends it early; then it matches no prompt, and the paragraph is kept.)
_FIRST_SENTENCE = re.compile(r"[^.!?\u2026]*[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s)")


# --- text helpers -------------------------------------------------------------------------------

# Invisible characters with no meaning in prose: zero-width space, word joiner, BOM, soft hyphen,
# Mongolian vowel separator. (Zero-width joiners stay: emoji and some scripts need them.)
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]+")


@functools.lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """One paragraph in NFC, every whitespace run (NBSP, thin spaces…) one space, trimmed.
    (Remembered for a while: the pipeline surveys each article's paragraphs, then cleans
    them.)"""
    text = _unicode(text)
    return " ".join(text.split())


def _unicode(text: str) -> str:
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return text


def _verbatim(text: str) -> str:
    """Code as it came: NFC, no invisible characters, no trailing spaces or blank edge lines."""
    lines = _unicode(text).splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(line.rstrip() for line in lines).rstrip()


def _sentences(text: str, language: str | None = None) -> list[str]:
    # (in the article's language where it is known: "am 3. Oktober" ends no German sentence)
    return split_sentences(text, language) or [text]


# What a separator line is drawn with: dashes, stars, dots, rules and ornaments ("* * *", "—",
# "•••", "★"). Brackets, slashes, quotes and pipes are not: "[…]" marks an elision in a quote,
# and "/ \\" is a line of a diagram.
_DIVIDERS = frozenset(
    " *-_=~.#+\u2010\u2011\u2012\u2013\u2014\u2015"  # dashes
    "\u2022\u00b7\u2027\u2219\u2026\u00b0\u00a7\u00b6\u2042"  # dots, ornaments
)


def _separator(text: str) -> bool:
    return all(c in _DIVIDERS or unicodedata.category(c) == "So" for c in text)


def _is_code(paragraph: Paragraph) -> bool:
    """Kept verbatim, never matched: the HTML converter marks code blocks and table rows
    (``Paragraph.verbatim``); code pasted as plain paragraphs is known by its shape. A line
    of dividers alone ("___", "---", as a wire story draws one above its contributors) is a
    separator by its shape, not code, unless it stands between lines of code
    (``_extend_code``)."""
    if paragraph.verbatim:
        return True
    text = paragraph.text.strip()
    if len(text) <= _NO_WORDS_MAX_CHARS and _separator(text):
        return False
    return shapes.looks_like_code(paragraph.text)


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cleaned:
    """What :func:`clean_paragraphs` kept, what it cut and what it suspected but kept."""

    paragraphs: tuple[Paragraph, ...]
    removed: tuple[Removal, ...]
    candidates: tuple[Removal, ...] = ()


@dataclass(slots=True)
class _Item:
    index: int  # position in the input, to report removals in reading order
    text: str
    kind: ParagraphKind
    code: bool = False
    prompt: tuple[str, str] | None = None  # (rule id, reason) if it is a standalone prompt
    cut: bool = False
    print_: int = 0  # its fingerprint, when the source's template is known
    # a note (its rule ids and text) that a disclaimer rule cut as a whole paragraph right
    # before or right after this one: it may say how a block of points beside it was made
    note_before: tuple[frozenset[str], str] | None = None
    note_after: tuple[frozenset[str], str] | None = None
    _words: list[str] | None = field(default=None, repr=False)

    @property
    def words(self) -> list[str]:
        if self._words is None:
            key = shapes.word_key(self.text)
            self._words = key.split(" ") if key else []
        return self._words

    @property
    def prose(self) -> bool:
        return self.kind == "body" and not self.code and self.prompt is None


class _Account:
    """Removals and candidates collected in any order, reported in reading order."""

    def __init__(self) -> None:
        self._cut: list[tuple[int, int, Removal]] = []
        self._kept: list[tuple[int, int, Removal]] = []

    def cut(self, index: int, rule_id: str, reason: str, text: str, order: int = 0) -> None:
        self._cut.append((index, order, Removal(rule=rule_id, text=text, reason=reason)))

    def cut_item(self, item: _Item, rule_id: str, reason: str | None = None) -> None:
        item.cut = True
        self.cut(item.index, rule_id, reason or BUILTIN_REASONS[rule_id], item.text)

    def suspect(self, index: int, rule_id: str, reason: str, text: str, order: int = 0) -> None:
        self._kept.append((index, order, Removal(rule=rule_id, text=text, reason=reason)))

    def removed(self) -> tuple[Removal, ...]:
        return tuple(r for _, _, r in sorted(self._cut, key=lambda f: f[:2]))

    def candidates(self) -> tuple[Removal, ...]:
        return tuple(r for _, _, r in sorted(self._kept, key=lambda f: f[:2]))


# --- the stage ----------------------------------------------------------------------------------


def normalise(
    article: Article, rules: RuleSet | None = None, template: SourceTemplate | None = None
) -> Article:
    """The article with a normalised title, clean paragraphs, the cuts added to ``removed``
    and what was suspected but kept added to ``candidates``.

    ``template`` is what is known of the article's source's recurring paragraphs
    (:func:`digest.text.recurring.learn`); without it, nothing is cut for recurring.
    """
    title = normalise_text(article.title)
    rules = default_rules() if rules is None else rules
    paragraphs: Sequence[Paragraph] = article.paragraphs
    removed: list[Removal] = []
    candidates: dict[Removal, None] = dict.fromkeys(article.candidates)
    # Cutting can uncover more to cut (a heading left orphaned, a title line that now comes
    # first): clean until nothing changes, so cleaning the result again changes nothing.
    for _ in range(len(paragraphs) + _EXTRA_PASSES):
        cleaned = clean_paragraphs(paragraphs, title, rules, template, article.language)
        removed.extend(cleaned.removed)
        candidates.update(dict.fromkeys(cleaned.candidates))
        paragraphs = cleaned.paragraphs
        if not cleaned.removed:
            break  # (marking headings again would mark the same ones)
    return replace(
        article,
        title=title,
        paragraphs=tuple(paragraphs),
        removed=article.removed + tuple(removed),
        candidates=tuple(candidates),
    )


def survey(article: Article) -> Sighting:
    """The fingerprints of an article's paragraphs, as the stage sees them: what the pipeline
    remembers of it, to learn its source's template. Code is left out."""
    prints = (
        fingerprint(normalise_text(p.text))
        for p in article.paragraphs
        if not _is_code(p) and any(c.isalpha() for c in p.text)
    )
    return Sighting.of(article.source, article.key, prints)


def clean_paragraphs(
    paragraphs: Sequence[Paragraph],
    title: str,
    rules: RuleSet,
    template: SourceTemplate | None = None,
    language: str | None = None,
) -> Cleaned:
    """Clean an article's paragraphs once: what is kept, what was cut and what was suspected,
    in reading order. ``language`` is the article's, when known: its sentences are split by
    its rules.

    ``title`` may be empty (unknown): the title-repeat check is then skipped and an SEO
    standfirst is recognised by the lead it restates.
    """
    account = _Account()
    title = normalise_text(title)
    context = _Context(rules, title, language)
    if template is not None and (not template.recurs or not rules.recurring):
        template = None
    items = _read(paragraphs, context, account, template)
    _cut_noted_blocks(items, rules, account, language)
    _cut_doubling(items, title, account)
    _cut_blocks(items, rules, account)
    if template is not None:
        _cut_recurring(items, template, account)
    for item in items:
        if item.prompt is not None and not item.cut:
            account.cut_item(item, *item.prompt)
    _cut_orphaned_list_headings(items, account)
    kept = [i for i in items if not i.cut]
    if title and kept:
        kept = _drop_title_repeat(kept, title, account)
    kept = _cut_byline(kept, rules, account)
    kept = _cut_dateline(kept, rules, account)
    kept = _drop_seo_standfirst(kept, title, rules, account, language)
    _mark_headings(kept)
    while kept and kept[-1].kind == "heading" and _section_label(kept[-1].text):
        account.cut_item(kept.pop(), ORPHAN_HEADING)
    return Cleaned(
        tuple(Paragraph(i.text, i.kind) for i in kept),
        account.removed(),
        account.candidates(),
    )


@dataclass
class _Context:
    """What sentence scoring needs to know beyond the sentence: the rules, the title and the
    article's language."""

    rules: RuleSet
    title: str
    language: str | None = None  # the article's, when known: how its sentences are split
    title_words: str = ""
    follows_cut: bool = False  # the sentence just read was cut as a disclaimer

    def __post_init__(self) -> None:
        words = shapes.words(self.title)
        self.title_words = " ".join(words) if len(words) >= 3 else ""

    def computed(self, sentence: str) -> Callable[[str], bool]:
        return computed_signals(
            sentence, title_words=self.title_words, follows_cut=self.follows_cut
        )

    def scores(self, kind: RuleKind, sentence: str, *, complete_only: bool = False) -> list[Score]:
        if not self.rules.may_score(kind, sentence):
            return []
        return self.rules.score(
            kind, sentence, self.computed(sentence), complete_only=complete_only
        )


def _read(
    paragraphs: Sequence[Paragraph],
    context: _Context,
    account: _Account,
    template: SourceTemplate | None,
) -> list[_Item]:
    """The paragraphs as items: code recognised, separators and disclaimer sentences cut, and
    each paragraph that is a prompt as a whole marked as such."""
    items: list[_Item] = []
    for index, paragraph in enumerate(paragraphs):
        code = _is_code(paragraph)
        text = _verbatim(paragraph.text) if code else normalise_text(paragraph.text)
        if text:
            items.append(_Item(index, text, paragraph.kind, code))
    _extend_code(items)

    out: list[_Item] = []
    note: tuple[frozenset[str], str] | None = None  # a whole paragraph just cut as a note
    for item in items:
        if not item.code and len(item.text) <= _NO_WORDS_MAX_CHARS and _separator(item.text):
            # (a note stays pending across it: "* * *" often stands between a summary's
            # note and its heading)
            account.cut(item.index, NO_WORDS, BUILTIN_REASONS[NO_WORDS], item.text)
            continue
        if not item.code and shapes.hashtags(item.text) >= _HASHTAG_LINE_MIN:
            # tags file the text, in any language: known by their form, as a separator is
            account.cut(item.index, HASHTAG_LINE, BUILTIN_REASONS[HASHTAG_LINE], item.text)
            continue
        if note is not None:
            item.note_before, note = note, None
        if item.code:
            context.follows_cut = False
            out.append(item)
            continue
        if template is not None:
            item.print_ = fingerprint(item.text)
        lowered = fold(item.text)
        kinds = context.rules.sentence_kinds(lowered)
        if not kinds:
            context.follows_cut = False
            out.append(item)
            continue
        if context.rules.disclaimer and "disclaimer" in kinds:
            whole = item.text
            item.text, cut_by = _cut_disclaimers(item, context, account)
            if not item.text:
                note = (cut_by, whole)
                if out:
                    out[-1].note_after = note
                continue
            if item.text != whole:
                lowered = fold(item.text)
                kinds = context.rules.sentence_kinds(lowered)
        else:
            context.follows_cut = False
        if len(item.text) <= _STANDALONE_MAX_CHARS and "standalone" in kinds:
            item.prompt = _prompt(item, context, account)
        out.append(item)
    return out


def _extend_code(items: list[_Item]) -> None:
    """Closing lines of code ("}", "});") belong to the code around them."""
    for _ in range(2):
        for position, item in enumerate(items):
            if item.code or not shapes.is_symbol_line(item.text):
                continue
            before = position > 0 and items[position - 1].code
            after = position + 1 < len(items) and items[position + 1].code
            if before or after:
                item.code = True
        items.reverse()


def _cut_disclaimers(
    item: _Item, context: _Context, account: _Account
) -> tuple[str, frozenset[str]]:
    """Cut every sentence a disclaimer rule matches or scores; consecutive ones cut by one rule
    go together. Sentences that nearly score are noted as candidates. Returns what is left of
    the paragraph and the ids of the rules that cut."""
    sentences = _sentences(item.text, context.language)
    verdicts: list[tuple[str, str] | None] = []
    for order, sentence in enumerate(sentences):
        rule = context.rules.match("disclaimer", probe(sentence))
        verdict = (rule.id, rule.description) if rule else None
        if verdict is None:
            # (a disclaimer rule acts on a certain or a candidate score only: both need every
            # signal it requires, and weighing the others of the rest would be wasted)
            scores = context.scores("disclaimer", sentence, complete_only=True)
            best = scores[0] if scores else None
            if best is not None and best.certain:
                verdict = (best.rule.id, best.explain())
            elif best is not None and best.candidate:
                account.suspect(item.index, best.rule.id, best.explain(), sentence, order)
        verdicts.append(verdict)
        context.follows_cut = verdict is not None
    if not any(verdicts):
        return item.text, frozenset()
    kept: list[str] = []
    run: list[str] = []
    for order, (sentence, verdict) in enumerate(zip(sentences, verdicts, strict=True)):
        if verdict is None:
            kept.append(sentence)
            continue
        run.append(sentence)
        following = verdicts[order + 1] if order + 1 < len(verdicts) else None
        if following is None or following[0] != verdict[0]:
            account.cut(item.index, verdict[0], verdict[1], " ".join(run), order)
            run = []
    return " ".join(kept), frozenset(v[0] for v in verdicts if v is not None)


def _prompt(item: _Item, context: _Context, account: _Account) -> tuple[str, str] | None:
    """The standalone rule that cuts the whole paragraph (a marker, or a prompt with no other
    content), as (rule id, reason); None when it is article text."""
    text = item.text
    if len(text) > _STANDALONE_MAX_CHARS or shapes.opens_in_lower_case(text):
        # (a paragraph opening in lower case, past a list's bullet, is a line of a broken-up
        # sentence: "All you have to do is:" over "\u2022 sign up", "\u2022 list your wishes")
        return None
    rules = context.rules
    rule = rules.match("standalone", probe(text))
    if rule is not None:
        return rule.id, rule.description
    if not rules.may_score("standalone", text):
        # No rule scores it: a paragraph of prompts then holds several sentences, each a
        # prompt of its own ("Thanks for watching! Subscribe for more."), the first matched
        # whole by a pattern (looked at before the paragraph is split: most are not)
        first = _FIRST_SENTENCE.match(text)
        if (
            first is None
            or first.end() >= len(text)
            or not rules.match("standalone", probe(first.group()))
        ):
            return None
    sentences = _sentences(text, context.language)
    best: Score | None = None
    prompts = 0
    content = False
    near: Score | None = None
    for sentence in sentences:
        rule = rules.match("standalone", probe(sentence))
        scores = context.scores("standalone", sentence)
        top = scores[0] if scores else None
        if rule is not None or (top is not None and top.certain):
            prompts += 1
            if top is not None and top.certain and (best is None or top.total > best.total):
                best = top
            continue
        holds = context.computed(sentence)
        if top is not None and top.candidate:
            near = near or top
        if (
            holds(SHORT_QUESTION)
            or rules.has_signal("sign-off", sentence)
            or rules.has_signal("conduct", sentence)
            or (top is not None and top.total >= 2 and not holds(SPECIFICS))
        ):
            continue  # a question to the reader, a sign-off, the comments' rules: part of a prompt
        content = True
    if prompts and not content:
        if best is None:  # a sentence of the paragraph matched a rule's whole-text pattern
            rule = next(
                r for s in sentences if (r := rules.match("standalone", probe(s))) is not None
            )
            return rule.id, rule.description
        return best.rule.id, best.explain()
    if prompts or near is not None:
        suspect = best or near
        if suspect is not None:
            reason = suspect.explain() + (" (with other content)" if prompts else "")
            account.suspect(item.index, suspect.rule.id, reason, text)
    return None


# --- a scraper's doubling -----------------------------------------------------------------------


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


def _cut_doubling(items: list[_Item], title: str, account: _Account) -> None:
    """Cut paragraphs a scraper printed twice: a run of consecutive paragraphs that repeats an
    earlier run in the same order, holds at least two real paragraphs (sentences of
    ``_DOUBLING_MIN_WORDS`` words or more, not list items, table rows, menus or short lines)
    and a fifth of the article's text, or a whole body printed again; and a real paragraph
    printed again, word for word, right after itself. A paragraph repeated alone further on
    (a refrain, a question asked again, a pull quote) stays, as a candidate.

    Paragraphs match when their words are the same (case and punctuation aside) or, for
    paragraphs of ``_NEAR_DUP_MIN_WORDS`` words or more, nearly so: a word-bigram Jaccard index
    of ``_NEAR_DUP_JACCARD`` with an earlier paragraph that opens or closes with the same words
    (a re-scraped copy differs by a word or a quote mark here and there).
    """
    texts = [i for i in items if not i.code and i.prompt is None]
    if len(texts) < 2:
        return
    keys = [shapes.word_key(i.text) for i in texts]
    shingles = [_Shingled(i.words) if len(i.words) >= _NEAR_DUP_MIN_WORDS else None for i in texts]

    def same(a: int, b: int) -> bool:
        if keys[a] == keys[b]:
            return bool(keys[a])
        sa, sb = shingles[a], shingles[b]
        return sa is not None and sb is not None and sa.similar(sb)

    # A run that starts at ``start`` and repeats at ``position`` lies on the diagonal
    # ``position - start``; how far each diagonal is known to match is kept, so that the run
    # is not compared again when it is looked at from the next paragraph.
    matched: dict[int, tuple[int, int, bool]] = {}  # diagonal -> (from, to, mismatch at to)

    def run_length(start: int, position: int, most: int) -> int:
        """How many paragraphs (at most ``most``) from ``position`` on repeat those from
        ``start`` on, the earlier run ending before ``position``."""
        diagonal = position - start
        limit = min(position + diagonal, len(texts), position + most)
        low, high, ended = matched.get(diagonal, (position, position, False))
        if not low <= position <= high:
            low, high, ended = position, position, False
        if not ended and high < limit:
            while high < limit and same(high - diagonal, high):
                high += 1
            ended = high < limit or high == len(texts)
            matched[diagonal] = (low, high, ended)
        return min(high, limit) - position

    # The real paragraphs and the characters before each paragraph, to measure a run at once.
    # (the real paragraphs' counts only once a long run is met: most articles repeat at
    # most a short line, and telling a real paragraph costs a look at its words)
    reals: list[int] = []
    chars = [0, *itertools.accumulate(len(i.text) for i in texts)]

    def doubling(run: range) -> tuple[int, float]:
        """How many real paragraphs ``run`` holds, and its share of the article's text."""
        share = (chars[run.stop] - chars[run.start]) / chars[-1]
        if len(run) <= _EDGE_BUCKET:
            return sum(1 for p in run if _real_paragraph(texts[p])), share
        if not reals:
            reals.extend((0, *itertools.accumulate(_real_paragraph(i) for i in texts)))
        return reals[run.stop] - reals[run.start], share

    first_at: dict[str, list[int]] = {}
    by_edge: dict[tuple[str, ...], list[int]] = {}
    doubled = [False] * len(texts)
    position = 0
    while position < len(texts):
        earlier = list(first_at.get(keys[position], ()))
        if position and keys[position - 1] == keys[position] and position - 1 not in earlier:
            earlier.append(position - 1)  # (a line repeated more often than a bucket holds)
        words = texts[position].words
        if shingles[position] is not None:
            for edge in (("<", *words[:_EDGE_WORDS]), (">", *words[-_EDGE_WORDS:])):
                earlier.extend(e for e in by_edge.get(edge, ()) if e not in earlier)
        best_start, best_length = -1, 0
        for start in earlier:
            length = run_length(start, position, _DOUBLING_WALK)
            if length > best_length:
                best_start, best_length = start, length
        prose, share = doubling(range(position, position + best_length))
        if best_length == _DOUBLING_WALK and (
            (prose >= 2 and share >= _DOUBLING_MIN_SHARE)
            or (best_start == 0 and 2 * position == len(texts))
        ):
            # Long enough to be cut whatever follows, or maybe the whole body again: followed
            # to its end (the paragraphs it covers are not looked at again).
            best_length = run_length(best_start, position, len(texts))
            prose, share = doubling(range(position, position + best_length))
        run = range(position, position + best_length)
        # the whole body printed again: everything after this point repeats everything before
        whole_body = best_start == 0 and best_length == position == len(texts) - position
        if (best_length >= 2 and prose >= 2 and share >= _DOUBLING_MIN_SHARE) or (
            whole_body and prose
        ):
            for p in run:
                doubled[p] = True
            # the title printed again above the second copy belongs to it
            before = position - 1
            if before > 0 and title and _repeats_title(texts[before], title):
                doubled[before] = True
            for p in run:
                _remember(p, keys, shingles, texts, first_at, by_edge)
            position += best_length
            continue
        if (
            best_length
            and best_start == position - 1
            and keys[best_start] == keys[position]
            and _real_paragraph(texts[position])
        ):
            # A sentence printed again right after itself is the scraper's, not the writer's
            # (a refrain or a question asked again comes back later, not at once): a feed
            # whose every paragraph comes twice loses each second copy. Word for word only:
            # a paragraph that follows a near copy of itself may give a figure anew.
            doubled[position] = True
        elif best_length and _real_paragraph(texts[position]):
            account.suspect(
                texts[position].index,
                DUPLICATE,
                "Repeats an earlier paragraph on its own: kept, since a quote, a refrain or "
                "a question may repeat on purpose",
                texts[position].text,
            )
        _remember(position, keys, shingles, texts, first_at, by_edge)
        position += 1
    for item, is_doubled in zip(texts, doubled, strict=True):
        if is_doubled:
            account.cut_item(item, DUPLICATE)


def _real_paragraph(item: _Item) -> bool:
    """A sentence of some length: what a doubled run must hold to be a scraper's doubling
    rather than a list, a table or a menu that repeats its lines."""
    return len(item.words) >= _DOUBLING_MIN_WORDS and shapes.sentence_like(item.text)


def _remember(
    position: int,
    keys: list[str],
    shingles: list[_Shingled | None],
    texts: list[_Item],
    first_at: dict[str, list[int]],
    by_edge: dict[tuple[str, ...], list[int]],
) -> None:
    _remember_first(keys[position], position, first_at)
    if shingles[position] is not None:
        words = texts[position].words
        for edge in (("<", *words[:_EDGE_WORDS]), (">", *words[-_EDGE_WORDS:])):
            bucket = by_edge.setdefault(edge, [])
            if len(bucket) < _EDGE_BUCKET:  # templated paragraphs must not go quadratic
                bucket.append(position)


def _remember_first(key: str, position: int, first_at: dict[str, list[int]]) -> None:
    bucket = first_at.setdefault(key, [])
    if len(bucket) < _EDGE_BUCKET:  # nor a line repeated all the way down the article
        bucket.append(position)


def _repeats_title(item: _Item, title: str) -> bool:
    title_words = shapes.words(title)
    return item.words == title_words or (
        len(item.text) <= 1.5 * len(title) + 20
        and _jaccard(set(item.words), set(title_words)) >= _TITLE_REPEAT_JACCARD
    )


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


# --- blocks of points marked by a note ------------------------------------------------------------

_POINTS_MAX = 6  # a generated summary gives three to six points; a longer run is the article's
_POINT_MAX_CHARS = 220
_POINT_MAX_SENTENCES = 2
# With no note after them, the points end at a paragraph this much longer than the longest:
# the lead that follows them is a paragraph of prose, they are a line each.
_POINT_GROWTH = 1.5
_POINT_LINE_CHARS = 100  # ... when it is longer than a line: points vary in length under that
# ... and they are two at least, unless they are list items: a lone line of prose after the
# heading is the article's lead as often (the points a page's script fills in were not in it)
_POINTS_MIN_BY_SHAPE = 2
_INLINE_LABEL_MAX_CHARS = 40  # "Summary: The city will ..." (a heading and a point in one)
_NOTE_QUOTE_CHARS = 80
# the signal (rules.toml) of a sentence that opens by pointing back at what came before it
_BACK_REFERENCE = "back-reference"


def _cut_noted_blocks(
    items: list[_Item], rules: RuleSet, account: _Account, language: str | None = None
) -> None:
    """Cut each block of points under a heading such as "Key points" that a note beside it
    (a whole paragraph a disclaimer rule cut in this pass: "These key points were generated
    by AI") or its heading itself ("Key points (AI-generated)") says was generated: the note
    alone went, and the points left would repeat the article."""
    if not rules.noted_block or not _may_hold_noted_block(items, rules):
        return
    position = 0
    while position < len(items):
        block = _noted_block(items, position, rules, language)
        if block is None:
            position += 1
            continue
        rule, cut, reason = block  # (the paragraphs from ``position`` on)
        inside = {id(i) for i in cut}
        if not any(i.prose and shapes.sentence_like(i.text) for i in items if id(i) not in inside):
            position += 1  # nothing of the article's own would be left: it is the article
            continue
        for item in cut:
            account.cut_item(item, rule.id, reason)
        position += len(cut)


def _may_hold_noted_block(items: list[_Item], rules: RuleSet) -> bool:
    """Whether a block could be marked here: a note was cut as a whole paragraph beside a
    paragraph, or a heading (a short line, or a label before a colon) holds a word that says
    how it was made ("Key points (AI-generated)"). Most articles have neither, and looking
    at each of their paragraphs as a block's heading cost a twentieth of the cleaning."""
    if any(i.note_before is not None or i.note_after is not None for i in items):
        return True
    signals = {name for rule in rules.noted_block for name in rule.heading_note_signals}
    if not signals:
        return False
    heads = []
    for item in items:
        if item.code or item.cut:
            continue
        if len(item.text) <= _BLOCK_HEADING_MAX_CHARS:
            heads.append(item.text)
        else:
            label, colon, _ = item.text[: _INLINE_LABEL_MAX_CHARS + 1].partition(":")
            if colon:
                heads.append(label)
    if not heads:
        return False
    # (all of them at once: a word found across two of them only costs the look at each)
    joined = "\n".join(heads)
    return any(rules.holds(name, joined) for name in signals)


def _noted_block(
    items: list[_Item], position: int, rules: RuleSet, language: str | None = None
) -> tuple[Rule, list[_Item], str] | None:
    """The block that starts at ``position``, as (its rule, its paragraphs, the reason to cut
    them), when a note marks it; None when there is none or it is not marked."""
    item = items[position]
    if item.code or item.cut:
        return None
    rule = _block_heading(item.text, rules)
    if rule is not None:
        notes = [item.note_before, item.note_after]
        start = position + 1
        self_noted = any(rules.holds(name, item.text) for name in rule.heading_note_signals)
    elif item.note_before is not None and (rule := _block_heading(item.note_before[1], rules)):
        # the note is the heading ("AI-generated summary") and was cut: the points follow it
        notes, start, self_noted = [item.note_before], position, False
    elif item.note_before is not None and (rule := _opens_with_heading(item.note_before, rules)):
        # a note that opens with the heading ("Das Wichtigste in Kürze: Diese Zusammenfassung
        # wurde mit KI erstellt.") was cut: the points follow it, listed or not, as they
        # follow a heading of their own
        return _noted_points(
            items, position, position, rule, [item.note_before], False, rules, language
        )
    else:
        label, rest = _label_and_rest(item.text)
        rule = _block_heading(label, rules) if label else None
        if rule is not None and _notes_heading(rest, rule, rules):
            # the heading and its own note in one paragraph, the note pointing back at it:
            # "Key points: these were generated by AI", "Key points (they were made with AI)"
            notes = [item.note_before, item.note_after]
            return _noted_points(items, position, position + 1, rule, notes, True, rules, language)
        label, colon, rest = item.text.partition(":")
        if not colon or len(label) > _INLINE_LABEL_MAX_CHARS:
            return None
        rule = _block_heading(label, rules)
        if rule is None or not _point_like(rest.strip(), language):
            return None
        # a heading and its one point in one paragraph: "Summary: The city will ..."
        note = next(
            (n for n in (item.note_before, item.note_after) if _speaks_of(n, rule, rules)), None
        )
        if note is None and not any(rules.holds(n, label) for n in rule.heading_note_signals):
            return None
        return rule, [item], _noted_reason(rule, note)
    return _noted_points(
        items,
        position,
        start,
        rule,
        notes,
        self_noted,
        rules,
        language,
        listed_only=start == position,
    )


def _noted_points(
    items: list[_Item],
    position: int,
    start: int,
    rule: Rule,
    notes: list[tuple[frozenset[str], str] | None],
    self_noted: bool,
    rules: RuleSet,
    language: str | None = None,
    *,
    listed_only: bool = False,
) -> tuple[Rule, list[_Item], str] | None:
    """The block from ``position`` whose points start at ``start`` (after its heading, or
    right there when the heading went with its note), when one of ``notes`` speaks of it or
    the heading says itself how it was made (``self_noted``)."""
    points = _points(items, start, rules, language, listed_only=listed_only)
    if not points:
        return None
    notes.append(points[-1].note_after)
    note = next((n for n in notes if _speaks_of(n, rule, rules)), None)
    if note is None and not self_noted:
        return None
    return rule, items[position:start] + points, _noted_reason(rule, note)


def _block_heading(text: str, rules: RuleSet) -> Rule | None:
    if len(text) > _BLOCK_HEADING_MAX_CHARS:
        return None
    return rules.match("noted_block", probe(text))


def _label_and_rest(text: str) -> tuple[str, str]:
    """A short paragraph split into what may be a heading and what follows it: a label
    before a colon ("Summary: The city will ..."), before a bracket ("Key points (made with
    AI)"), or a first sentence ("Key points. These were made with AI."); ("", text) when it
    has no such label."""
    label, colon, rest = text.partition(":")
    if colon and len(label) <= _INLINE_LABEL_MAX_CHARS:
        return label, rest.strip()
    label, bracket, rest = text.partition(" (")
    if bracket and text.endswith(")") and len(label) <= _INLINE_LABEL_MAX_CHARS:
        return label, rest[:-1].strip()
    first, dot, rest = text.partition(". ")
    if dot and len(first) <= _INLINE_LABEL_MAX_CHARS:
        return first, rest.strip()
    return "", text


def _opens_with_heading(note: tuple[frozenset[str], str], rules: RuleSet) -> Rule | None:
    """The rule of the block heading a note cut as a whole paragraph opens with, when what
    follows the heading in it speaks of the block ("Key points: these key points were made
    with AI"); None otherwise ("Summary: This article was made with AI" is about the
    article: its heading's word is not the note's)."""
    label, rest = _label_and_rest(note[1])
    rule = _block_heading(label, rules) if label else None
    if rule is None or not rest:
        return None
    if _speaks_of((note[0], rest), rule, rules) or rules.holds(_BACK_REFERENCE, rest):
        return rule
    return None


def _notes_heading(rest: str, rule: Rule, rules: RuleSet) -> bool:
    """Whether ``rest``, after a block's heading in its paragraph, is a note on the block:
    it points back at the heading ("these were ...", "sie wurden ...") and holds what a
    heading's own note holds (``heading_note_signals``: "AI"). A point of the summary names
    the article's subject, not the block: "Summary: The firm used AI to cut costs" stays."""
    return bool(rest) and (
        rules.holds(_BACK_REFERENCE, rest)
        and any(rules.holds(name, rest) for name in rule.heading_note_signals)
    )


def _speaks_of(note: tuple[frozenset[str], str] | None, rule: Rule, rules: RuleSet) -> bool:
    """Whether ``note`` (a paragraph cut as a note) was cut by one of the rules that mark the
    block and speaks of it ("these key points", not "this article")."""
    if note is None or not note[0] & set(rule.noted_by):
        return False
    return not rule.note_signals or any(rules.holds(n, note[1]) for n in rule.note_signals)


def _noted_reason(rule: Rule, note: tuple[frozenset[str], str] | None) -> str:
    if note is None:
        return f"{rule.description} (its heading says so)"
    text = note[1]
    if len(text) > _NOTE_QUOTE_CHARS:
        text = text[: _NOTE_QUOTE_CHARS - 1].rstrip() + "\u2026"
    return f"{rule.description} (the note beside it: \u201c{text}\u201d)"


def _point_like(text: str, language: str | None = None) -> bool:
    return (
        0 < len(text) <= _POINT_MAX_CHARS
        and len(text.split()) >= 2
        and len(_sentences(text, language)) <= _POINT_MAX_SENTENCES
    )


def _points(
    items: list[_Item],
    start: int,
    rules: RuleSet,
    language: str | None = None,
    *,
    listed_only: bool,
) -> list[_Item]:
    """The points of a block from ``start``: short lines, all list items if the first is, up
    to a note after one of them. With no note after them they end by their shape, and only
    sentences of their own count: at a paragraph much longer than the points (the lead after
    them), and two of them at least unless they are list items; ``listed_only``, only list
    items (a block with no heading of its own). Empty when there are none, or more than a
    summary gives."""
    run: list[_Item] = []
    listed: bool | None = None
    for item in items[start:]:
        if item.cut or item.code or not _point_like(item.text, language):
            break
        if _block_heading(item.text, rules) is not None:
            break
        is_listed = shapes.is_list_item(item.text)
        if listed is None:
            listed = is_listed
        elif is_listed != listed:
            break
        run.append(item)
        if item.note_after is not None:
            return run if len(run) <= _POINTS_MAX else []
        if len(run) > _POINTS_MAX:
            break
    if listed_only and not listed:
        return []
    points: list[_Item] = []
    longest = 0
    for item in run:
        if len(_sentences(item.text, language)) > 1:
            break
        if (
            points
            and not listed
            and len(item.text) > max(_POINT_GROWTH * longest, _POINT_LINE_CHARS)
        ):
            break
        points.append(item)
        longest = max(longest, len(item.text))
    if not listed and len(points) < _POINTS_MIN_BY_SHAPE:
        return []
    return points if len(points) <= _POINTS_MAX else []


# --- blocks of teasers --------------------------------------------------------------------------


def _cut_blocks(items: list[_Item], rules: RuleSet, account: _Account) -> None:
    """Cut each block under a heading such as "Related": the heading and the teasers, prompts
    and headings after it, up to the first paragraph that reads like the article's prose."""
    if not rules.trailing_block:
        return

    def block_rule(item: _Item) -> Rule | None:
        if item.code or item.cut or len(item.text) > _BLOCK_HEADING_MAX_CHARS:
            return None
        if shapes.sentence_like(item.text) and len(item.text.split()) >= 8:
            return None
        return rules.match("trailing_block", probe(item.text))

    lengths: list[int] = []  # of the article's prose paragraphs so far
    text_before = False
    position = 0
    while position < len(items):
        item = items[position]
        if item.cut:
            position += 1
            continue
        rule = block_rule(item) if text_before else None
        typical = statistics.median(lengths) if rule and lengths else 0.0
        end = _block_end(items, position, rule, typical, block_rule, rules) if rule else None
        if rule is not None and end is not None:
            current = rule
            for inside in items[position:end]:
                if inside.cut:
                    continue
                heading = block_rule(inside)
                current = heading or current
                if heading is None and inside.prompt is not None:
                    account.cut_item(inside, *inside.prompt)
                else:
                    by = heading or current
                    account.cut_item(inside, by.id, by.description)
            position = end
            continue
        if item.prose and shapes.sentence_like(item.text):
            lengths.append(len(item.text))
        text_before = text_before or item.prose
        position += 1


def _block_end(
    items: list[_Item],
    start: int,
    rule: Rule,
    typical: float,
    block_rule: Callable[[_Item], Rule | None],
    rules: RuleSet,
) -> int | None:
    """Where the block under the heading at ``start`` ends, or None if it is no block."""
    teasers: list[_Item] = []
    others = 0
    position = start + 1
    while position < len(items):
        item = items[position]
        if item.cut:
            position += 1
            continue
        if item.code:
            break
        if item.prompt is not None or block_rule(item) is not None:
            others += 1
            position += 1
            continue
        if rule.followed_by == "prompts":
            break
        if rule.followed_by == "labelled":
            if not _labelled_line(item.text):
                break
            teasers.append(item)
            position += 1
            continue
        if shapes.reads_like_prose(item.text, typical) or not shapes.teaser_like(item.text):
            break
        teasers.append(item)
        position += 1
    if len(teasers) + others > _BLOCK_MAX_PARAGRAPHS:
        return None  # too long for a block of links: more likely a list of the article's own
    at_end = all(i.cut or i.prompt is not None for i in items[position:])
    if rule.followed_by == "labelled":
        # (a sponsor's line reads as prose: only a block that ends the article is one) A
        # story's own list ends an article in the same shape (a race's sponsors and what each
        # gave, a conference's tiers, "Prep time: 20 minutes"): an advertiser's lines make
        # the reader an offer (a code, a discount, a free trial, an address), at least half
        # of them, as a podcast's sponsors do each in its own words.
        offers = sum(1 for t in teasers if rules.has_signal(_SPONSOR_OFFER, t.text))
        return position if at_end and teasers and 2 * offers >= len(teasers) else None
    if not teasers:
        return position if at_end or others else None
    if not at_end and 2 * sum(1 for t in teasers if _full_stop(t.text)) > len(teasers):
        # Headlines end without a full stop; these are mostly sentences, and the article's
        # prose goes on after them: a section of its own (reactions, the next fixtures).
        return None
    if len(teasers) == 1 and shapes.sentence_like(teasers[0].text):
        return None  # one sentence under a heading like "More from the council": a last section
    return position


# "Squarespace: Make your next move. Use code GRUBER for 10% off.": a name, a colon, its blurb
_LABELLED_LINE = re.compile(r"^\W{0,3}[^\W\d_][\w&'’.+-]*(?: [\w&'’.+-]+){0,4}\s?[:–—-]\s+\S")
_LABELLED_MAX_CHARS = 300
_SPONSOR_OFFER = "sponsor-offer"  # a signal of rules.toml: an advertiser's offer to the reader


def _labelled_line(text: str) -> bool:
    """A short paragraph that opens with a name and a colon or dash: one line of a list of
    sponsors, each with its blurb."""
    return len(text) <= _LABELLED_MAX_CHARS and _LABELLED_LINE.match(text) is not None


def _full_stop(text: str) -> bool:
    """A sentence ending with a full stop (not "..." nor "…": a cut-off teaser)."""
    end = text.rstrip(_CLOSERS)
    return shapes.sentence_like(text) and end.endswith(".") and not end.endswith("..")


# --- a source's own template --------------------------------------------------------------------


def _cut_recurring(items: list[_Item], template: SourceTemplate, account: _Account) -> None:
    """Cut paragraphs the source repeats across its articles, where that is certain: at the top
    or the bottom of the article (its header and footer), or in the middle when most of the
    source's articles hold it; never code, a table row, or a heading or list item among the
    article's own text (a recipe site's "Ingredients" recurs too)."""
    live = [i for i in items if not i.cut]
    recurring = {
        id(i): rec
        for i in live
        if not i.code
        and (rec := template.recurrence(i.print_)) is not None
        and rec.articles >= RECURS_IN
    }
    if not recurring:
        return

    def settled(item: _Item) -> bool:
        return id(item) in recurring or item.prompt is not None

    if not any(i.prose and not settled(i) and shapes.sentence_like(i.text) for i in live):
        # Nothing of the article's own would be left: the source's articles share their text
        # (a status feed, a feed without bodies), and that text is the article.
        for item in live:
            rec = recurring.get(id(item))
            if rec is not None:
                account.suspect(
                    item.index,
                    RECURRING,
                    f"Recurs in {rec.articles} articles of {template.source} (kept: it is all "
                    "the article has)",
                    item.text,
                )
        return

    edge: set[int] = set()
    for run in (live, list(reversed(live))):
        for item in run:
            if not settled(item):
                break
            edge.add(id(item))

    for position, item in enumerate(live):
        rec = recurring.get(id(item))
        if rec is None or item.prompt is not None:
            continue
        reason = (
            f"Recurs in {rec.articles} articles of {template.source}: part of the source's template"
        )
        if _asks_for_own_answer(live, position, recurring):
            account.suspect(
                item.index, RECURRING, reason + " (kept: a question the article answers)", item.text
            )
            continue
        at_edge = id(item) in edge
        certain = (
            rec.share >= _RECURRING_EDGE_SHARE or rec.articles >= _RECURRING_EDGE_ARTICLES
            if at_edge
            else rec.share >= _RECURRING_BODY_SHARE and not _structural(live, position, recurring)
        )
        if certain and not _table_row(live, position):
            account.cut_item(item, RECURRING, reason)
        else:
            account.suspect(item.index, RECURRING, reason + " (kept: not certain here)", item.text)


def _structural(live: list[_Item], position: int, recurring: Mapping[int, object]) -> bool:
    """Whether a recurring paragraph amid the article's text is part of its structure: a
    heading over text of the article's own, or a short line in a list (a line's bullet
    not counted)."""
    item = live[position]
    following = live[position + 1] if position + 1 < len(live) else None
    if shapes.heading_like(item.text) and following is not None and id(following) not in recurring:
        return True
    if shapes.sentence_like(item.text) and len(item.text) > 60:
        return False
    neighbours = [live[p] for p in (position - 1, position + 1) if 0 <= p < len(live)]
    return any(
        not shapes.sentence_like(n.text) and len(n.text) - len(shapes.list_marker(n.text)) <= 80
        for n in neighbours
    )


def _asks_for_own_answer(live: list[_Item], position: int, recurring: Mapping[int, object]) -> bool:
    """A short question over a paragraph of the article's own: a series that asks each guest
    the same questions repeats them, but each one belongs to the answer after it."""
    item = live[position]
    following = live[position + 1] if position + 1 < len(live) else None
    return (
        following is not None
        and id(following) not in recurring
        and following.prose
        and computed_signals(item.text)(SHORT_QUESTION)
    )


def _table_row(live: list[_Item], position: int) -> bool:
    """A row of a table: cells, with a row of as many cells beside it."""
    cells = shapes.table_cells(live[position].text)
    return bool(cells) and any(
        shapes.table_cells(live[p].text) == cells
        for p in (position - 1, position + 1)
        if 0 <= p < len(live)
    )


# --- the article's first paragraph ----------------------------------------------------------------


def _drop_title_repeat(items: list[_Item], title: str, account: _Account) -> list[_Item]:
    # Each paragraph that then comes first is looked at in this one pass: one at a time, a
    # pass each, an article of its title printed over and over took a pass per line.
    first = 0
    while first < len(items) and not items[first].code and _repeats_title(items[first], title):
        account.cut_item(items[first], TITLE_REPEAT)
        first += 1
    return items[first:]


def _cut_byline(items: list[_Item], rules: RuleSet, account: _Account) -> list[_Item]:
    """Cut the writers' names in capitals that open the text, as agencies set them: a
    paragraph of its own ("By JANE DOE and JOHN ROE", "By JANE DOE, Associated Press"), or the
    start of the first paragraph when its dateline or its first sentence follows ("By JANE DOE
    WASHINGTON (AP) — The Senate ..."): names, not the article's words, that would lead its
    summary and join the stories one writer filed. A sentence that opens with "By" ("By NOON,
    the queue ...", "By the time ...") holds no names in capitals and stays."""
    if not items or items[0].kind != "body" or items[0].code:
        return items
    first = items[0]

    def dateline(rest: str) -> bool:
        return any(rule.regex is not None and rule.regex.match(rest) for rule in rules.dateline)

    end = bylines.capitals_byline(first.text, dateline)
    if end is None:
        return items
    if end >= len(first.text):
        account.cut_item(first, BYLINE)
        return items[1:]
    account.cut(first.index, BYLINE, BUILTIN_REASONS[BYLINE], first.text[:end].strip())
    first.text = first.text[end:].lstrip(" ,;|\u2013\u2014-")
    first._words = None
    return items


_DATELINE_REST_MIN_WORDS = 6  # what follows a dateline must be a sentence of its own


def _cut_dateline(items: list[_Item], rules: RuleSet, account: _Account) -> list[_Item]:
    """Cut a dateline ("LONDON (Reuters) -") from the start of the first paragraph, when a
    sentence follows it there: the lead then reads as the article's own first sentence. A
    dateline that is all the article's text (an aggregator's credit, "[allAfrica]", as a
    daily brief's feed gives it for the description) goes with its paragraph: the article
    has no text, as one with an empty description, rather than the credit for its text
    (which two such briefs would share, and be grouped by)."""
    if not rules.dateline or not items:
        return items
    first = items[0]
    if first.kind != "body" or first.code:
        return items
    for rule in rules.dateline:
        found = rule.regex.match(first.text) if rule.regex is not None else None
        if found is None:
            continue
        rest = first.text[found.end() :].lstrip()
        if not rest and len(items) == 1:
            account.cut_item(first, rule.id, rule.description)
            return []
        if (rest[:1].isupper() or rest[:1].isdigit() or rest[:1] in "\"'“‘«„") and len(
            rest.split()
        ) >= _DATELINE_REST_MIN_WORDS:
            account.cut(first.index, rule.id, rule.description, found.group(0).strip())
            first.text = rest
            first._words = None
        return items
    return items


def _drop_seo_standfirst(
    items: list[_Item],
    title: str,
    rules: RuleSet,
    account: _Account,
    language: str | None = None,
) -> list[_Item]:
    """Drop the first paragraph if it restates the title (or, with no title known, the lead)
    and tells the reader to read on, provided article text follows it."""
    if not rules.seo_standfirst or not items:
        return items
    first = items[0]
    if first.kind != "body" or first.code or len(first.text) > _STANDFIRST_MAX_CHARS:
        return items
    following = [i for i in items[1:4] if i.prose]
    if not any(shapes.sentence_like(i.text) for i in following):
        return items  # nothing would be left to read: it is the article's only summary
    sentences = _sentences(first.text, language)
    if len(sentences) > _STANDFIRST_MAX_SENTENCES:
        return items
    first_stems = shapes.stems(first.words)
    title_stems: set[str] = set()
    lead_stems: set[str] = set()
    if title:
        title_stems = shapes.stems(shapes.words(title))
        if len(title_stems) < 2:
            return items
        overlap = len(title_stems & first_stems) / len(title_stems)
        restated = {r.id: overlap >= r.min_title_overlap for r in rules.seo_standfirst}
    else:
        lead_stems = set().union(*(shapes.stems(i.words) for i in following[:2]))
        speaks = rules.has_signal("second-person", first.text) or "?" in first.text
        shared = len(first_stems & lead_stems)
        restated = {r.id: speaks and shared >= _STANDFIRST_LEAD_STEMS for r in rules.seo_standfirst}
    for rule in rules.seo_standfirst:
        if rule.regex is None or not any(rule.regex.match(s) for s in sentences):
            continue
        known = title_stems if title else lead_stems
        if any(_states_news(s, rules, known) for s in sentences if not rule.regex.match(s)):
            account.suspect(
                first.index,
                rule.id,
                rule.description + " (kept: it also states news of its own)",
                first.text,
            )
            break
        if restated[rule.id]:
            account.cut_item(first, rule.id, rule.description)
            return items[1:]
        account.suspect(
            first.index,
            rule.id,
            rule.description
            + " (kept: it does not restate the "
            + ("title)" if title else "lead)"),
            first.text,
        )
        break
    return items


def _states_news(sentence: str, rules: RuleSet, known: set[str]) -> bool:
    """A statement about events (a figure, a day or a month), made to no one in particular,
    that mostly says what ``known`` (the title's words, or the lead's) does not: a news lead's
    first sentence, where a standfirst restates the headline, asks or promises."""
    if sentence.rstrip(_CLOSERS).endswith("?") or not computed_signals(sentence)(SPECIFICS):
        return False
    if rules.has_signal("second-person", sentence):
        return False
    stems = shapes.stems(shapes.words(sentence))
    return len(stems - known) >= _NEWS_NEW_SHARE * len(stems) > 0


def _section_label(text: str) -> bool:
    """A heading short enough to be a section's label ("Photo gallery", "Videos"), whose
    section (pictures, a player) the scraper left out; a longer one may be a last line of
    text that the page set as a heading."""
    return len(text) <= _ORPHAN_MAX_CHARS and len(text.split()) <= _ORPHAN_MAX_WORDS


def _list_heading(item: _Item) -> bool:
    """A short line ending with a colon, as a list's heading stands over its lines ("Links:",
    "My gear:", "Mes réseaux :", "Links mentioned in this episode:")."""
    text = item.text
    return (
        not item.code
        and text.endswith(":")
        and len(text) <= _ORPHAN_MAX_CHARS
        and len(text.split()) <= _LIST_HEADING_MAX_WORDS
        and _SENTENCE_INSIDE.search(text) is None
    )


def _cut_orphaned_list_headings(items: list[_Item], account: _Account) -> None:
    """Cut the heading of a list whose lines were all cut ("My gear:" over affiliate links,
    "Follow me:" over the creator's accounts): the lines right under it went, and what follows
    them starts something else (the end, another list's heading, a heading, a sentence of
    prose). A list's line that is left ("Lens: Sigma 24-70", a link, a bullet) keeps it."""
    for position, item in enumerate(items):
        if item.cut or not _list_heading(item):
            continue
        following = position + 1
        while following < len(items) and items[following].cut:
            following += 1
        if following == position + 1:
            continue  # its first line is still there
        after = items[following] if following < len(items) else None
        if (
            after is None
            or _list_heading(after)
            or after.kind == "heading"
            or (
                after.prose
                and shapes.sentence_like(after.text)
                and not shapes.list_line(after.text)
                and not shapes.labelled_line(after.text)
            )
        ):
            account.cut_item(item, ORPHAN_LIST_HEADING)


def _mark_headings(items: list[_Item]) -> None:
    """Mark short title-like lines followed by body text as headings (working backwards).

    Not a heading: a table row; a line whose sentence goes on in the next paragraph (which
    opens in lower case, past a list's bullet: "If you want to help" over "\u2022 join the
    channel"); a line in a run of three or more such lines, which is a list
    (ingredients, a menu, a timetable); a line of a list of time marks (a video's chapters:
    "00:00 Intro" above "01:42 Why not just close it?").
    """
    like = [_heading_candidate(item) for item in items]
    for position in shapes.timestamp_list([item.text for item in items]):
        like[position] = False
    for position in range(len(items) - 1):
        if like[position] and shapes.opens_in_lower_case(items[position + 1].text):
            like[position] = False
    start = 0
    while start < len(items):
        end = start
        while end < len(items) and like[end] and items[end].kind != "heading":
            end += 1
        if end - start >= _LIST_MIN_LINES:
            for position in range(start, end):
                like[position] = False
        start = end + 1
    body_follows = False
    for item, is_like in zip(reversed(items), reversed(like), strict=True):
        if item.kind == "heading":
            continue
        if is_like and body_follows:
            item.kind = "heading"
        else:
            body_follows = not is_like


def _heading_candidate(item: _Item) -> bool:
    return not item.code and shapes.heading_like(item.text) and not shapes.table_cells(item.text)
