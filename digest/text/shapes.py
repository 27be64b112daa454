"""What a paragraph looks like, whatever language it is in: code, a table row, a list item, a
heading, a teaser line or the article's own prose.

The normalise stage asks these questions before it lets a rule cut anything: code and table
rows are never matched by rules, and a block of teasers ends at the first paragraph that
reads like the article's prose. Each answer comes from the text's form (punctuation, symbols,
length, line structure), never from its words, so it holds in any language.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Sequence

# --- code -------------------------------------------------------------------------------------

# Tokens that prose rarely holds and code nearly always does. (A name with an underscore is
# an identifier, unless it is someone's handle: "@harbour_news", Reddit's "u/harbour_watch";
# counted as code, it kept "Follow us on Instagram @harbour_news" from every rule.)
_CODE_TOKEN = re.compile(
    r"""[{};]\s*$|^\s*[{}]|[=!<>]=|=>|->|::|\+\+|&&|\|\||</?[a-zA-Z][\w-]*[\s>/]|"""
    r"""\b(?:def|class|return|import|function|const|let|var|void|public|static|elif|lambda|"""
    r"""async|await|struct|fn|println|printf|console\.log)\b|\w+\([^()\s]*\)|\w\.\w+\(|"""
    r"""^\s*(?:\$|>>>|#!|//|/\*|\*/|--\s|%|@@)|(?<![@\w])(?<!u/)\w+_\w+|\b\w+\s=\s\S|\[\s*\]|\(\s*\)""",
    re.MULTILINE,
)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’)]*\s+[\"'“‘(]?[A-ZÀ-Ý]")
_SYMBOLS = frozenset("{}[]()<>=;:/\\|$#_*&^%~`+@")
_INDENTED = re.compile(r"^(?: {2,}|\t)\S", re.MULTILINE)


# Something code has and prose nearly never does; only text with one is looked at closely.
_CODE_HINT = re.compile(
    r"[{}=<>|\\`]|\$\s*[^\d\s]|\w\(|;\s*$|\w_\w|\n|^\s*(?:>>>|#|//|\*|@@|-\s|\+\s)",
    re.MULTILINE,
)


# Each alternative opens with a character of its own, so that the search skips prose fast:
# "\w\(" written as "\((?<=\w\()" finds the same brackets three times sooner.
_QUICK_HINT = re.compile(r"[{}=<>|\\`;_\n]|\$\S|\((?<=\w\()")
_WEB_ADDRESS = re.compile(r"https?://\S+")
_HINT_OPENINGS = (">>>", "#", "//", "*", "@@", "- ", "+ ", "$")


@functools.lru_cache(maxsize=4096)
def looks_like_code(text: str) -> bool:
    """Whether ``text`` (as it came, line breaks and all) is source code or terminal output.

    Code has symbols prose rarely uses (braces, ``=``, ``()``, ``->``), indentation or a
    prompt, and no run of sentences; a paragraph of prose that quotes a ``function()`` has
    sentences around it. (Remembered for a while: the stage asks again of the same text
    when it cleans the result once more, and the pipeline when it surveys an article.)
    """
    stripped = text.strip()
    if "\n" not in stripped and "://" in stripped:
        # a web address's path and query ("/a_b", "?sub_confirmation=1") are no code: a line
        # that links ("Merch: https://...", "Subscribe: https://...") is read without them
        stripped = _WEB_ADDRESS.sub("link", stripped)
    if not stripped or (
        _QUICK_HINT.search(stripped) is None and not stripped.startswith(_HINT_OPENINGS)
    ):
        return False
    if "\n" not in stripped and _SENTENCE_BREAK.search(stripped):
        return False  # one line holding two sentences: prose that mentions code
    if _CODE_HINT.search(stripped) is None:
        return False
    tokens = len(_CODE_TOKEN.findall(stripped))
    if tokens == 0:
        return False
    lines = [line for line in stripped.splitlines() if line.strip()]
    if len(lines) >= 2 and (_INDENTED.search(text) or tokens >= len(lines)):
        return len(_SENTENCE_BREAK.findall(stripped)) <= len(lines) // 3
    symbols = sum(1 for c in stripped if c in _SYMBOLS)
    words = len(stripped.split())
    if stripped[-1] in ".!?…" and words > 6 and not stripped.endswith("..."):
        return False
    return tokens >= 2 or symbols >= max(3, len(stripped) // 12) or words <= 6


def is_symbol_line(text: str) -> bool:
    """A short line of punctuation only ("}", "});", "...", "```"): between lines of code, a
    line of code too."""
    return bool(text) and len(text) <= 20 and not any(c.isalnum() for c in text)


# --- tables and lists ---------------------------------------------------------------------------

_CELL_SEPARATOR = re.compile(r"\s\|\s|\t|\s{3,}")


def table_cells(text: str) -> int:
    """How many cells ``text`` has when read as a row ("1 | TSV Oberau | 12 | 30": 4), or 0."""
    parts = _CELL_SEPARATOR.split(text.strip())
    return len(parts) if len(parts) >= 2 else 0


# A list item's bullet or number ("- ", "\u2022 ", "2. ", "b) "), and the space after it.
LIST_MARK = r"(?:[-*+\u2022\u2013\u2014\u00b7]|\d{1,3}[.)]|[a-z][.)])\s"
_LIST_ITEM = re.compile(LIST_MARK)


def is_list_item(text: str) -> bool:
    return _LIST_ITEM.match(text) is not None


def list_marker(text: str) -> str:
    """The bullet or number that opens ``text`` as a list's item, with the space after it
    ("- ", "2. "), or "" when it opens none."""
    match = _LIST_ITEM.match(text)
    if match is None:
        return ""
    end = match.end()
    return text[: end + len(text[end:]) - len(text[end:].lstrip())]


# What a list's item opens with when its source marks it by its structure rather than by a
# character (an HTML list's <li>, a page's list as the extractor reads it).
BULLET = "\u2022"
# The bullets that mark an item alone as well as in a list: a dash before one line alone signs
# a quotation ("- Jane Doe") or goes on a sentence, and a figure opens one ("1. FC Köln won").
_BULLETS = frozenset((BULLET, "*", "+", "\u00b7"))


def as_list_item(text: str, number: int | None = None) -> str:
    """``text`` written as a list's item is in plain text: after a bullet ("\u2022 Fixed a crash
    ..."), or after its number in a numbered list ("2. Preheat the oven"). An item is then
    told as one whatever it came from (``is_list_item``), by the summariser and the cleaning
    alike, and the reader sees it as one. Text that opens with a bullet or a number of its
    own ("- Fixed ...", "2) Preheat ...") is left as it is."""
    if not text or _LIST_ITEM.match(text):
        return text
    return f"{number}. {text}" if number is not None else f"{BULLET} {text}"


def bulleted(text: str) -> bool:
    """Whether ``text`` opens with a bullet ("\u2022 ", "* "): a list's item even alone."""
    return text[:1] in _BULLETS and is_list_item(text)


def opens_in_lower_case(text: str) -> bool:
    """Whether ``text`` opens in lower case, past a list's bullet or number ("\u2022 sign up",
    "- fixed a crash"): a line that goes on the sentence before it ("All you have to do
    is:"), rather than one that opens a sentence or names something."""
    match = _LIST_ITEM.match(text)
    if match is not None:
        text = text[match.end() :].lstrip()
    return text[:1].islower()


def _own_words(text: str) -> int:
    """How many words ``text`` has, a list's bullet or number not counted."""
    return len(text.split()) - (_LIST_ITEM.match(text) is not None)


# A hashtag: "#" and a word holding a letter ("#cycling", "#COP28", "#3dprinting",
# "#black-friday"; "#1" is a rank and "#2024" a year, as the networks read them, and "# Intro"
# a Markdown heading). A run of them, as a post's last line files it.
HASHTAG = r"#[\d_]*[^\W\d_][\w-]*"
HASHTAG_RUN = rf"{HASHTAG}(?:[\s,]*{HASHTAG})*"
_HASHTAG_LINE = re.compile(HASHTAG_RUN)
_HASHTAG_MARK = re.compile(HASHTAG)


def hashtags(text: str) -> int:
    """How many hashtags ``text`` is made of ("#cycling #leith": 2), or 0 when it holds
    anything else ("a ride for #BikeWeek" is a sentence)."""
    text = text.strip()
    if not text.startswith("#") or _HASHTAG_LINE.fullmatch(text) is None:
        return 0
    return len(_HASHTAG_MARK.findall(text))


# A line that links and says no more: an address alone, or a label and an address ("Merch:
# https://...", "Instagram - www.instagram.com/...").
_LINK_LINE = re.compile(r"^(?:[^:]{1,80}?\s*[:\-\u2013\u2014|\u2192]\s*)?(?:https?://|www\.)\S+$")


def link_line(text: str) -> bool:
    return _LINK_LINE.match(text) is not None


# "Camera: Sony A7 IV", "Mic - Rode Wireless Go": a short label opening the line
_LABEL = re.compile(r"^[^\W\d_][\w'\u2019&/+.-]*(?: [\w'\u2019&/+.-]+){0,3} ?[:\u2013\u2014|-] \S")


def labelled_line(text: str) -> bool:
    """A line that opens with a short label: a list's line when another stands beside it, or
    the first words of a sentence ("Update: the road is open") when none does."""
    return _LABEL.match(text) is not None


def list_line(text: str) -> bool:
    """A line of a list by its own form, whatever stands beside it: a bullet or a number, a
    symbol or an emoji opening it ("\u25b6 Watch next"), a line that only links, a line of
    hashtags. (A label, a time mark or a heading with a colon makes a list only with others:
    the plain-text reader and the normalise stage each look at the lines around it.)"""
    text = text.strip()
    return bool(text) and (
        is_list_item(text)
        or unicodedata.category(text[0]) == "So"
        or link_line(text)
        or hashtags(text) > 0
    )


# A time mark opening a line, as chapters and show notes list them: "00:00 Intro", "(01:42)
# Why not just close it?", "[1:02:33] Questions", "12:30 - What the numbers say".
_TIMESTAMP_MARK = re.compile(r"[(\[]?(?:(\d{1,2}):)?(\d{1,2}):([0-5]\d)[)\]]?(?=\s|$)")


def timestamp_mark(text: str) -> int | None:
    """The seconds of the time mark that opens ``text`` ("01:42 Why ...": 102), or None."""
    m = _TIMESTAMP_MARK.match(text)
    if m is None:
        return None
    hours, minutes, seconds = m.groups()
    return (int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)


def timestamp_list(texts: Sequence[str]) -> set[int]:
    """The positions of ``texts`` that make a list of time marks: runs of two lines or more,
    each opening with a mark later than the one before ("00:00 Intro", "01:42 Why not ..."), as
    a video's chapters and an episode's show notes are. Chapters always run forward; a live
    blog's entries, newest first, run back, and are its text."""
    found: set[int] = set()
    run: list[int] = []
    last = -1
    for position, text in enumerate(texts):
        mark = timestamp_mark(text)
        if mark is None or not run or mark <= last:
            if len(run) >= 2:
                found.update(run)
            run = []
        if mark is not None:
            run.append(position)
            last = mark
    if len(run) >= 2:
        found.update(run)
    return found


# --- prose, teasers and headings -----------------------------------------------------------------

_CLOSERS = "\"'\u201d\u2019\u00bb)]*"
_ENDS_SENTENCE = re.compile(rf"[.!?\u2026][{re.escape(_CLOSERS)}]*$")
_INNER_SENTENCE_END = re.compile(r"[.!?\u2026] \S")
_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 12
_NOT_HEADING_END = ".!?\u2026:;,\"'\u201d\u2019\u00bb"


def ends_like_a_sentence(text: str) -> bool:
    return _ENDS_SENTENCE.search(text) is not None


def sentence_like(text: str) -> bool:
    """Written as a sentence: at least four words (a list's bullet is none), ending with a
    full stop, ! or ?."""
    return ends_like_a_sentence(text) and _own_words(text) >= 4


def reads_like_prose(text: str, typical_length: float) -> bool:
    """Whether ``text`` reads like the article's own prose, given the median length of the
    article's prose paragraphs so far: a sentence, at least half as long as that. (A wire
    story's paragraphs are a line each, a feature's several; a teaser is short for either.)"""
    return sentence_like(text) and len(text) >= 0.5 * typical_length


_DATA_LINE = re.compile(r"[=<>{};]|://")


def teaser_like(text: str) -> bool:
    """A line that could link to another article: a short headline of three words or more (a
    list's bullet is none), words rather than data or code (a name alone is a list of people,
    not of articles)."""
    return (
        len(text) <= 200
        and _own_words(text) >= 3
        and _DATA_LINE.search(text) is None
        and table_cells(text) == 0
    )


def heading_like(text: str) -> bool:
    """A short title-like line: capitalised, no closing punctuation, not a list item or a URL."""
    if not text or len(text) > _HEADING_MAX_CHARS or text[-1] in _NOT_HEADING_END:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or is_list_item(text):
        return False
    if len(text.split()) > _HEADING_MAX_WORDS or _INNER_SENTENCE_END.search(text):
        return False
    return "://" not in text and "www." not in text and "@" not in text


# --- words ---------------------------------------------------------------------------------------

# For ASCII text, one pass over its bytes lowers the letters and blanks the punctuation
# (underscores are word characters, as in ``\w``): three times as fast as the same with
# str.lower() and str.translate().
_ASCII_WORDS = bytes.maketrans(
    (string.ascii_uppercase + string.punctuation.replace("_", "")).encode("ascii"),
    (string.ascii_lowercase + " " * (len(string.punctuation) - 1)).encode("ascii"),
)
_NON_WORD = re.compile(r"[^\w\s]+")
# The typographic punctuation that makes most English and German prose non-ASCII: replaced by
# spaces (as the general path would treat them), such a paragraph takes the ASCII path.
_TYPOGRAPHIC = ("\u2019", "\u2018", "\u201c", "\u201d", "\u201e", "\u2014", "\u2013", "\u2026")
# ASCII characters that are neither word nor space: the ASCII path keeps them inside words
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
# Words that say nothing about what a title is about, for the title-overlap check.
# fmt: off
_STOPWORDS = frozenset({
    "a", "about", "after", "amid", "an", "and", "are", "as", "at", "be", "by", "for", "from",
    "has", "have", "how", "in", "into", "is", "it", "its", "of", "on", "or", "over", "that",
    "the", "this", "to", "was", "were", "what", "when", "where", "which", "who", "why", "will",
    "with",
    "der", "die", "das", "und", "ein", "eine", "sie", "ihr", "le", "la", "les", "des", "un",
    "une", "et", "vous", "el", "los", "las", "una", "y", "que", "de", "en", "du", "del",
})
# fmt: on


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded, for comparing paragraphs regardless of punctuation:
    its runs of word characters. (ASCII text keeps a control character inside its word, as
    the fingerprints stored by earlier versions do.)"""
    if not text.isascii():
        plain = text
        for mark in _TYPOGRAPHIC:
            plain = plain.replace(mark, " ")
        if not plain.isascii() or _ASCII_CONTROL.search(plain):
            return _NON_WORD.sub(" ", text.casefold()).split()
        text = plain
    return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()


@functools.lru_cache(maxsize=4096)
def word_key(text: str) -> str:
    """``words(text)`` joined by single spaces: what paragraphs are told apart by, and
    fingerprinted by. (Remembered for a while: the pipeline surveys each paragraph, then
    compares it with the article's others as it cleans them.)"""
    return " ".join(words(text))


def stems(word_list: list[str]) -> set[str]:
    """Content words cut to five letters, a cheap stemmer: Venezuela/Venezuelan, offer/offers."""
    return {w[:5] for w in word_list if w not in _STOPWORDS and len(w) > 1}
