"""Include and exclude rules: the articles a reader never wants to see, or the only ones.

A rule is a word, a phrase or a regular expression (``re:``), looked for in some of an
article's fields: by default the words a reader reads (``title``, ``summary`` and ``text``),
else the fields its prefix names (``"title:sponsored"``, ``"author,url:re:^ads?\\b"``); a table
(``{ match = "AI", fields = ["title"], case_sensitive = true }``) says the same at length, and
can say what a string cannot: text that itself looks like a prefix, and case. Words and
phrases match whole words, in any case, with any whitespace between a phrase's words; a
regular expression matches as written, in any case unless it turns that off (``(?-i:...)``),
with ``^`` and ``$`` at the start and end of each field.

Rules are parsed and compiled once, when the config is read: ``parse_rule`` raises
``RuleError`` saying what is wrong. Matching is pure and cheap: each field's text is built and
case-folded at most once per article, and a word or phrase rule runs its pattern only on a
field that holds its longest word as plain text.

One level of rules (the config's top level, or one source's) keeps an article when none of its
exclude rules matches and, if it has include rules, at least one of them does. An article must
pass every level that applies to it: a source's rules add to the top-level ones, never loosen
them. ``verdict`` says which rule took an article out (``Filtered``), or None.

Paid posts ("[Sponsor] Acme: ...", "Sponsored: ...", a feed's tag "Sponsored") are taken out
by a built-in level of rules (``paid_posts``) after the config's own, unless the config says
``sponsored = true``: as filtered articles, said and counted, and never shown later.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args

from digest.errors import as_toml
from digest.model import Article, FilterField, FilterRule

FIELDS: tuple[FilterField, ...] = get_args(FilterField)
# What a rule without fields looks at: the words a reader reads.
DEFAULT_FIELDS: tuple[FilterField, ...] = ("title", "summary", "text")
# What an article has before its page is fetched and its text cleaned: an exclude rule that
# matches one of these already takes the article out before it costs a download.
FEED_FIELDS: frozenset[FilterField] = frozenset({"title", "author", "category", "tags", "url"})

REGEX_PREFIX = "re:"
# "title:", "author, url:": field names before a colon (a regular expression follows "re:").
_PREFIX = re.compile(r"\s*([A-Za-z]+(?:\s*,\s*[A-Za-z]+)*)\s*:")
_TABLE_KEYS = ("match", "fields", "regex", "case_sensitive")
# A regular expression that matches nothing (an empty text) in an ordinary sentence would
# match almost every article.
_ORDINARY = "The council met on Monday."


class RuleError(ValueError):
    """A rule that cannot be used; ``problem`` says what is wrong with it."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def parse_rule(value: Any) -> FilterRule:
    """The rule a config value states: a string (``"title:re:^Deal of the day"``) or a table
    (``{ match = "...", fields = [...], regex = true, case_sensitive = true }``)."""
    if isinstance(value, str):
        return _parse_string(value)
    if isinstance(value, Mapping):
        return _parse_table(value)
    raise RuleError(f"a rule is a string or a table, not {value!r}")


def _parse_string(value: str) -> FilterRule:
    text, fields, regex = value, DEFAULT_FIELDS, False
    prefix = _PREFIX.match(text)
    if prefix:
        names = [name.strip().lower() for name in prefix[1].split(",")]
        if names == ["re"]:
            regex, text = True, text[prefix.end() :]
        else:
            fields = _fields(names, value)
            text = text[prefix.end() :].lstrip()
            if text.startswith(REGEX_PREFIX):
                regex, text = True, text[len(REGEX_PREFIX) :]
    # Spaces around a written rule are layout ("title: sponsored", "re: ^Deal"), never meant.
    return _compile(value, text.strip(), fields, regex=regex, case_sensitive=False)


def _parse_table(value: Mapping[str, Any]) -> FilterRule:
    written = _inline_table(value)
    unknown = sorted(set(value) - set(_TABLE_KEYS))
    if unknown:
        raise RuleError(
            f"{written} has an unknown key '{unknown[0]}' (a rule table takes "
            f"{', '.join(_TABLE_KEYS)})"
        )
    match = value.get("match")
    if not isinstance(match, str):
        raise RuleError(f"{written} needs 'match', the text to look for, as a string")
    names = value.get("fields", list(DEFAULT_FIELDS))
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise RuleError(f"{written}: 'fields' must be a list of field names, such as [\"title\"]")
    flags = {}
    for flag in ("regex", "case_sensitive"):
        flags[flag] = value.get(flag, False)
        if not isinstance(flags[flag], bool):
            raise RuleError(f"{written}: '{flag}' must be true or false")
    return _compile(
        written,
        match,
        _fields([n.strip().lower() for n in names], written),
        regex=flags["regex"],
        case_sensitive=flags["case_sensitive"],
    )


def _fields(names: Sequence[str], written: str) -> tuple[FilterField, ...]:
    for name in names:
        if name not in FIELDS:
            if name == "re":
                raise RuleError(
                    f"in {as_toml(written)}, 're:' comes after the fields: 'title:re:...'"
                )
            raise RuleError(
                f"{as_toml(written)} names an unknown field '{name}' (the fields are "
                f"{', '.join(FIELDS)}); to look for text with a colon in it, write the rule "
                f'as a table: {{ match = "..." }}'
            )
    return tuple(name for name in FIELDS if name in names)


def _compile(
    written: str, text: str, fields: tuple[FilterField, ...], *, regex: bool, case_sensitive: bool
) -> FilterRule:
    flags = 0 if case_sensitive else re.IGNORECASE
    if not text.strip():
        raise RuleError(f"{as_toml(written)} is empty: it would match every article")
    if regex:
        try:
            pattern = re.compile(text, flags)
        except re.error as exc:
            where = f" at position {exc.pos}" if exc.pos is not None else ""
            raise RuleError(
                f"{as_toml(written)}: the regular expression {as_toml(text)} does not compile: "
                f"{exc.msg}{where}"
            ) from exc
        found = pattern.search(_ORDINARY)
        if found is not None and not found.group():
            raise RuleError(
                f"{as_toml(written)} matches an empty text, so it would match almost every article"
            )
        return FilterRule(written, fields, pattern)
    words = unicodedata.normalize("NFC", text).split()
    body = r"\s+".join(re.escape(word) for word in words)
    # Whole words: no word character just before or after, where the rule starts or ends
    # with one ("ad" is not in "advice"; "c++" and "#ad" still match as written).
    start = r"(?<!\w)" if re.match(r"\w", words[0]) else ""
    end = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    pattern = re.compile(start + body + end, flags)
    return FilterRule(written, fields, pattern, needle=fold(max(words, key=len)))


def _inline_table(value: Mapping[str, Any]) -> str:
    """A rule table as TOML writes it inline, for messages."""

    def toml(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, list):
            return "[" + ", ".join(toml(i) for i in item) + "]"
        if isinstance(item, str):
            return '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return repr(item)

    return "{ " + ", ".join(f"{key} = {toml(item)}" for key, item in value.items()) + " }"


# --- matching ---------------------------------------------------------------------------------


# Case-folding, as far as a regular expression's IGNORECASE goes: it also takes "İ" and "ı"
# for "i", which ``str.casefold`` alone would not ("İ" becomes "i" and a combining dot).
_DOTTED_AND_DOTLESS_I = str.maketrans({"\u0130": "i", "\u0131": "i"})


def fold(text: str) -> str:
    """``text`` case-folded so that whatever a case-insensitive pattern matches in it, folded
    alike, is found in it as plain text: the cheap test before a pattern runs."""
    return text.translate(_DOTTED_AND_DOTLESS_I).casefold()


class _Fields:
    """An article's fields as text, each built (and case-folded) when first asked for."""

    __slots__ = ("_article", "_folded", "_text")

    def __init__(self, article: Article) -> None:
        self._article = article
        self._text: dict[FilterField, str] = {}
        self._folded: dict[FilterField, str] = {}

    def text(self, field: FilterField) -> str:
        if field not in self._text:
            self._text[field] = field_text(self._article, field)
        return self._text[field]

    def folded(self, field: FilterField) -> str:
        if field not in self._folded:
            self._folded[field] = fold(self.text(field))
        return self._folded[field]


def field_text(article: Article, field: FilterField) -> str:
    """What a rule on ``field`` looks at in ``article``: "" for a field it does not have."""
    if field == "summary":
        return " ".join(article.summary)
    if field == "text":
        return article.body_text
    if field == "tags":
        return "\n".join(article.tags)  # one a line: "re:^Sponsored$" with (?m) is one tag
    return getattr(article, field) or ""


@dataclass(frozen=True)
class Match:
    """Where a rule matched: the field and the text it found there."""

    rule: FilterRule
    field: FilterField
    found: str


def first_match(
    article: Article | _Fields, rules: Iterable[FilterRule], fields: Iterable[FilterField] = FIELDS
) -> Match | None:
    """The first of ``rules`` that matches one of ``fields`` of the article, and where."""
    view = article if isinstance(article, _Fields) else _Fields(article)
    allowed = set(fields)
    for rule in rules:
        for field in rule.fields:
            if field not in allowed:
                continue
            if rule.needle and rule.needle not in view.folded(field):
                continue  # the cheap test: the pattern cannot match without its longest word
            found = rule.pattern.search(view.text(field))
            if found is not None:
                return Match(rule, field, found.group())
    return None


def matching_rule(article: Article, rules: Iterable[FilterRule]) -> FilterRule | None:
    """The first of ``rules`` that matches the article, or None."""
    match = first_match(article, rules)
    return match.rule if match else None


@dataclass(frozen=True)
class Filters:
    """One level of rules: the config's top level, or one source's. ``where`` names it, for
    messages ("top level", "source Harbour News")."""

    include: tuple[FilterRule, ...] = ()
    exclude: tuple[FilterRule, ...] = ()
    where: str = "top level"

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def reads(self, field: FilterField) -> bool:
        """Whether any of its rules looks at ``field``."""
        return any(field in rule.fields for rule in (*self.include, *self.exclude))


# Where the built-in rules that take paid posts out are said to be (``Filtered.where``).
PAID_POSTS = "sponsored = false"


@functools.cache
def paid_posts() -> Filters:
    """The built-in level of rules that takes out a post marked as paid for: by a label where
    its title puts one ("[Sponsor] Acme: ...", "Sponsored: ...", "... (Anzeige)") or by a tag
    of its feed that is only one ("Sponsored"), as ``digest.text.headlines`` tells them. It
    applies unless the config (or the post's source) says ``sponsored = true``."""
    from digest.text.headlines import paid_tag_pattern, paid_title_pattern

    return Filters(
        exclude=(
            FilterRule("a paid post's label", ("title",), paid_title_pattern()),
            FilterRule("a paid post's tag", ("tags",), paid_tag_pattern()),
        ),
        where=PAID_POSTS,
    )


@dataclass(frozen=True)
class Filtered:
    """An article the rules took out, and why: the exclude rule that matched (``match``), or
    the include rules of which none did (``include``)."""

    article: Article
    where: str
    match: Match | None = None
    include: tuple[FilterRule, ...] = ()

    @property
    def paid(self) -> bool:
        """Whether it was taken out as a paid post (``paid_posts``), not by the config's rules."""
        return self.where == PAID_POSTS

    @property
    def rule(self) -> str:
        """The rule (or rules) that took the article out, as the config writes them."""
        if self.match is not None:
            return self.match.rule.written
        return ", ".join(rule.written for rule in self.include)

    def __str__(self) -> str:
        article = self.article
        return f"{article.source}: {article.title or article.url or article.key!r}: {self.reason}"

    @property
    def reason(self) -> str:
        """Why, in a sentence: "exclude rule 'sponsored' (top level) matched the title: ..."."""
        if self.match is not None:
            found = " ".join(self.match.found.split())
            found = found if len(found) <= 60 else found[:59] + "…"
            if self.paid:
                said = "title says" if self.match.field == "title" else "tags say"
                return f"a paid post: its {said} {found!r} (sponsored = true shows them)"
            return (
                f"exclude rule {as_toml(self.match.rule.written)} ({self.where}) matched the "
                f"{self.match.field}: {found!r}"
            )
        rules = ", ".join(as_toml(rule.written) for rule in self.include)
        return f"no include rule ({self.where}) matched: {rules}"


def verdict(
    article: Article, levels: Iterable[Filters], *, before_text: bool = False
) -> Filtered | None:
    """Why the rules of ``levels`` take ``article`` out, or None if it passes them all.

    Exclude rules are tried first, level by level: a rule that says "never" explains more
    than an include list that says "not this". ``before_text``: the article is as its source
    gave it (no page fetched, no text cleaned, no summary): only exclude rules are tried, on
    the fields it already has (``FEED_FIELDS``), so that the same article is never taken out
    early and kept later.
    """
    levels = [level for level in levels if level]
    view = _Fields(article)
    fields = FEED_FIELDS if before_text else FIELDS
    for level in levels:
        match = first_match(view, level.exclude, fields)
        if match is not None:
            return Filtered(article, level.where, match=match)
    if before_text:
        return None
    for level in levels:
        if level.include and first_match(view, level.include) is None:
            return Filtered(article, level.where, include=level.include)
    return None


def sift(
    articles: Iterable[Article],
    levels_of: Callable[[Article], Sequence[Filters]] | None,
    *,
    before_text: bool = False,
) -> tuple[list[Article], list[Filtered]]:
    """The articles the rules keep, and those they take out. ``levels_of(article)``: the
    levels of rules that apply to it (None: no rules at all)."""
    kept: list[Article] = []
    filtered: list[Filtered] = []
    if levels_of is None:
        return list(articles), filtered
    for article in articles:
        out = verdict(article, levels_of(article), before_text=before_text)
        if out is None:
            kept.append(article)
        else:
            filtered.append(out)
    return kept, filtered
