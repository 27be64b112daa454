"""The literal prefilter: a quick look that never says no to text a pattern would match."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from digest.text.prefilter import BOUNDARY, LiteralFilter, fold, necessary_literals
from digest.text.rules import default_rules

RULES = default_rules()


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bcomments?\b|\bkommentar\w*", {"\0comment\0", "\0comments\0", "\0kommentar"}),
        (r"\b(?:du|dein\w*|dich)\b", {"\0du", "\0dein", "\0dich"}),  # the openings
        (r"\bthis\s+(?:article|story)\b", {"\0this article\0", "\0this story\0"}),
        (r"colou?r", {"color", "colour"}),
        (r"©.{0,160}", {"©"}),
    ],
)
def test_necessary_literals(pattern: str, literals: set[str]) -> None:
    assert necessary_literals(pattern) == {s.replace("\0", BOUNDARY) for s in literals}


@pytest.mark.parametrize("pattern", [r"\w+", r"[a-z]{3}", r"(?:x)?y?", r"\d"])
def test_patterns_without_literals_have_no_prefilter(pattern: str) -> None:
    assert necessary_literals(pattern) is None


def test_a_whole_text_pattern_starts_and_ends_at_word_boundaries() -> None:
    assert necessary_literals("ad|ads", whole_text=True) == {
        f"{BOUNDARY}ad{BOUNDARY}",
        f"{BOUNDARY}ads{BOUNDARY}",
    }
    # a boundary beside a symbol says nothing a search could use
    assert necessary_literals("©.{0,9}", whole_text=True) == {"©"}


def test_the_filter_finds_literals_at_word_boundaries_only() -> None:
    found = LiteralFilter({f"{BOUNDARY}ai{BOUNDARY}", "appeared first"})
    assert found.search("this ai tool") and found.search("it appeared first on")
    assert not found.search("the chair said again")


# Every pattern of every signal and rule, to check the filter against the pattern itself.
PATTERNS = sorted(
    {(p, False) for signal in RULES.signals.values() for ps in signal.patterns.values() for p in ps}
    | {(p, r.kind != "seo_standfirst") for r in RULES.rules for p in r.patterns}
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(chosen=st.sampled_from(PATTERNS), data=st.data())
def test_the_filter_never_misses_what_the_pattern_matches(
    chosen: tuple[str, bool], data: st.DataObject
) -> None:
    pattern, whole = chosen
    literals = necessary_literals(pattern, whole_text=whole)
    assume(literals is not None)
    compiled = re.compile(pattern, re.IGNORECASE)
    text = data.draw(st.from_regex(compiled, fullmatch=whole))
    # the stage's texts: whitespace collapsed, and whole-text patterns meet a stripped text
    text = " ".join(text.split())
    match = compiled.fullmatch(text) if whole else compiled.search(text)
    assume(match is not None and text.isprintable())
    assert LiteralFilter(literals).search(fold(text)), (pattern, text)
    # the same words as a case-insensitive expression still reads them in other cases,
    # among them the forms str.lower() keeps apart (Turkish dotted and dotless i, long s)
    spelled = data.draw(st.sampled_from(_SPELLINGS))(text)
    if compiled.fullmatch(spelled) if whole else compiled.search(spelled):
        assert LiteralFilter(literals).search(fold(spelled)), (pattern, spelled)


_SPELLINGS = [
    str.upper,
    str.title,
    lambda text: text.translate(str.maketrans("iI", "İı")),
    lambda text: text.upper().translate(str.maketrans("IS", "İſ")),
    lambda text: text.translate(str.maketrans("ksσ", "\u212aſς")),
]


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bsign in\b", "SİGN İN to read on"),  # Turkish capitals: dotted İ
        (r"\bkayıt ol\b", "KAYIT OL"),  # a dotless ı in the pattern, I in the text
        (r"\bthis article\b", "thıs artıcle was"),
        (r"\bsubscribe\b", "ſubſcribe now"),  # a long s, as old type and some OCR set it
        (r"\bλόγος\b", "ΛΌΓΟΣ"),  # a final sigma, upper case
        (r"\bδιαφήμιση\b", "Δ\u0345αφήμιση"),  # a combining iota, which the expression reads as ι
    ],
)
def test_the_filter_reads_every_case_the_expression_does(pattern: str, text: str) -> None:
    literals = necessary_literals(pattern)
    assert literals is not None and re.search(pattern, text, re.IGNORECASE)
    assert LiteralFilter(literals).search(fold(text))


def test_folding_keeps_the_text_s_length_and_its_word_boundaries() -> None:
    for text in ["İstanbul", "Iğdır ı", "ſ ς Σ ΣΑΣ", "\u212aelvin", "plain ascii", "café ͅ"]:
        folded = fold(text)
        assert len(folded) == len(text)
        assert [c.isalnum() for c in folded] == [c.isalnum() for c in text]


def test_a_literal_also_needed_without_its_closing_boundary_still_counts() -> None:
    # "error" at a word's start, and "error" as a whole word: "errored" holds the first
    found = LiteralFilter({f"{BOUNDARY}error", f"{BOUNDARY}error{BOUNDARY}"})
    assert found.search("the form errored")
    assert not found.search("terror")


def test_a_lone_boundary_matches_any_text_with_a_word() -> None:
    found = LiteralFilter({BOUNDARY, "zzz"})
    assert found.search("a") and not found.search("-- !")


def _reference(literals: set[str]) -> re.Pattern[str]:
    """What the filter answers, said as a regular expression: any literal, each marker a \\b."""
    return re.compile(
        "|".join(
            "".join(r"\b" if c == BOUNDARY else re.escape(c) for c in literal)
            for literal in literals
        )
    )


_TEXT = st.text(alphabet="ab _-ée1\u00a0", max_size=24)
_LITERAL = st.text(alphabet=f"ab _-é{BOUNDARY}", min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(literals=st.sets(_LITERAL, min_size=1, max_size=6), text=_TEXT)
def test_the_filter_answers_as_the_literals_would_as_a_regular_expression(
    literals: set[str], text: str
) -> None:
    assert LiteralFilter(literals).search(text) == bool(_reference(literals).search(text))


@settings(max_examples=400, deadline=None)
@given(
    tagged=st.sets(st.tuples(_LITERAL, st.integers(0, 3)), min_size=1, max_size=8),
    text=_TEXT,
)
def test_the_filter_names_each_owner_whose_literals_the_text_holds(
    tagged: set[tuple[str, int]], text: str
) -> None:
    expected = {
        owner
        for owner in {o for _, o in tagged}
        if _reference({literal for literal, o in tagged if o == owner}).search(text)
    }
    assert LiteralFilter(tagged).owners(text) == expected
    assert LiteralFilter(tagged).search(text) == bool(expected)


def test_a_letter_no_folding_settles_leaves_every_owner_possible() -> None:
    found = LiteralFilter([("zzz", 1), (f"{BOUNDARY}ad{BOUNDARY}", 2)])
    assert found.owners(fold("Δ\u0345αφήμιση")) is None  # a combining iota: search in full
    assert found.owners(fold("an ad here")) == {2}
    assert found.owners(fold("a shadow")) == set()
    # one string, two owners: one needs it as a word, the other anywhere
    both = LiteralFilter([("ad", 1), (f"{BOUNDARY}ad{BOUNDARY}", 2)])
    assert both.owners("an ad here") == {1, 2} and both.owners("a shadow") == {1}
