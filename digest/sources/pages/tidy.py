"""Page-shaped leftovers at the edges of an extracted body, tidied away.

trafilatura keeps some lines that are part of the page rather than the article. Dropped:

* a paragraph that repeats the headline (the ``<h1>``, ``<title>`` or Open Graph title);
* caption and photo-credit lines ("Photograph: Jane Doe/Reuters", "AFP via Getty Images", a
  caption ending in "(Photo by Tom Ruiz/AFP)"), wherever they stand;
* date, byline and reading-time lines among the first and last few paragraphs ("Published 12
  March 2024, 09:41 GMT", "By Jane Doe and Tom Ruiz", "Von Katrin Vogel", "Par Claire Dubois",
  "Jane Doe in Panama City", "6 min read"), and a trailing tag list ("Tags: Politics,
  Venezuela");
* headings left with no text after them at the end;
* a body the page printed twice (A B C A B C, a preview then the full text, the full text then
  a truncated copy).

Prose that merely resembles these lines ("By Tuesday, the storm had moved offshore...") is kept,
and so are code blocks and table rows, whatever they say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from digest.model import Paragraph
from digest.text.lexicon import any_of, lexicon


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_LEXICON = lexicon()
_MONTHS = _LEXICON.english_months
_WEEKDAYS = _LEXICON.english_weekdays
# Words that occur in date and byline lines around an article, never as its prose.
_META_WORDS = (
    _LEXICON.status_words
    | _LEXICON.timestamp_zones
    | _LEXICON.relative_days
    | _wordset("last first on at am pm min mins minute minutes read reading time ago hour hours")
    | _wordset("by and")
)
# Lowercase words a byline may have besides names: "By Jane Doe, Latin America correspondent".
_BYLINE_WORDS = _LEXICON.byline_words
# The word a byline opens with, in each language: "By", "Von", "Par", "Por", "di", "Door".
_BYLINE_LEADS = _LEXICON.byline_leads
_DATE_SHAPE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b"
)
_AM_PM = re.compile(r"\b([ap])\.\s?m\.", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?|\d+")
_MAX_META_LINE_CHARS = 140
_EDGE_LEADING = 4
_EDGE_TRAILING = 3

_TAG_LINE = re.compile(
    r"^(?:(?:tags|tagged(?:\s+with)?|topics|related\s+topics|filed\s+under|posted\s+in"
    r"|categories|keywords)\s*[:\uff1a]?|(?:tag|topic|category|more\s+on|see\s+more)\s*[:\uff1a])"
    r"\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_MEDIA = any_of(_LEXICON.credit_media)  # "photo", "image", "video"...
_QUALIFIERS = any_of(_LEXICON.credit_qualifiers)  # "credit", "source"...
_MEDIA_CAPITALISED = any_of(m.capitalize() for m in _LEXICON.credit_media)
# "Photo: ...", "Image source, Getty Images", "Photograph by Tom Ruiz for Example News"
_CREDIT_LINE = re.compile(
    rf"^\(?\s*(?i:(?:{_MEDIA})s?(?:\s+(?:{_QUALIFIERS}))?|credits?|caption)"
    r"\s*(?:[:,]|(?i:by|courtesy(?:\s+of)?)\s+[A-Z])"
)
# A caption that ends in its credit: "... Photograph: Jane Doe/Getty Images", "(Photo by ...)"
_CREDIT_TAIL = re.compile(
    rf"(?:^|\s)(?:(?:{_MEDIA_CAPITALISED})s?|Credit)\s*(?::|\bby\b)\s*"
    r"[A-Z][^.!?:]{1,100}$"
    rf"|\((?:[A-Z][\w.]*\s+){{0,3}}(?:{_MEDIA_CAPITALISED})s?\s*(?:/|:|\bby\b)[^()]{{1,100}}\)\.?$"
)
# A credit alone: "AFP via Getty Images", "Tom Ruiz / Reuters"
_AGENCY_LINE = re.compile(
    r"^(?:[A-Z][\w.'\u2019-]*\s+){0,4}(?:via\s+|/\s*)?"
    rf"(?:{any_of(_LEXICON.photo_agencies)})(?:\s*/\s*[\w ]+)?\)?$"
)
_MAX_CAPTION_WORDS = 60


def tidy_paragraphs(
    paragraphs: list[Paragraph], titles: Sequence[str], author: str | None
) -> list[Paragraph]:
    """``paragraphs`` without the page's leftovers; ``titles`` are the headline's forms and
    ``author`` the declared author (its names mark byline lines)."""
    title_keys = {_key(t) for t in titles if len(t.split()) >= 3}
    authors = _author_names(author)
    kept = [
        p
        for p in paragraphs
        if p.verbatim or (_key(p.text) not in title_keys and not _is_caption_or_credit(p.text))
    ]
    # Date, byline and tag lines stand among the first and last few paragraphs, sometimes
    # behind a standfirst or ahead of a site's standards note, so look at a few on each edge.
    count = len(kept)
    edges = [(i, _is_meta_line) for i in range(min(_EDGE_LEADING, count))]
    edges += [(i, _is_trailing_meta) for i in range(max(0, count - _EDGE_TRAILING), count)]
    dropped = {i for i, test in edges if not kept[i].verbatim and test(kept[i].text, authors)}
    kept = [p for i, p in enumerate(kept) if i not in dropped]
    while kept and kept[-1].kind == "heading":
        kept.pop()
    return _without_repeated_body(kept)


def _is_trailing_meta(text: str, authors: Sequence[str]) -> bool:
    return _is_tag_line(text) or _is_meta_line(text, authors)


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _author_names(author: str | None) -> list[str]:
    if not author:
        return []
    names = re.split(r"\s*(?:;|,|&|\band\b)\s*", author)
    return sorted((n.strip() for n in names if len(n.strip()) >= 3), key=len, reverse=True)


def _is_meta_line(text: str, authors: Sequence[str]) -> bool:
    """A dateline, byline or reading-time line: "Published 12 March 2024, 09:41 GMT",
    "By Jane Doe and Tom Ruiz", "Jane Doe in Panama City", "6 min read"."""
    text = text.strip()
    if not text or len(text) > _MAX_META_LINE_CHARS or text.endswith(("!", "?", ":")):
        return False
    if text.endswith(".") and not re.search(r"(?:\b[ap]\.m|\b[A-Z])\.$", text):
        return False
    folded = _AM_PM.sub(r"\1m", text)
    has_author = False
    for name in authors:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        if pattern.search(folded):
            folded = pattern.sub(" ", folded)
            has_author = True
    has_date = bool(_DATE_SHAPE.search(folded))
    tokens = _TOKEN.findall(folded)
    lowered = [t.lower() for t in tokens]
    is_byline = has_author or (bool(lowered) and lowered[0] in _BYLINE_LEADS) or "by" in lowered[:3]
    minutes = "min" in lowered or "mins" in lowered  # "6 min read"
    leftovers = []
    for index, (token, low) in enumerate(zip(tokens, lowered, strict=True)):
        if low in _MONTHS or low in _WEEKDAYS or low == "ago" or (low == "read" and minutes):
            has_date = True
        elif token.isdigit() or low in _META_WORDS or (index == 0 and low in _BYLINE_LEADS):
            continue
        else:
            leftovers.append(token)
    if not leftovers:
        return has_date or is_byline
    if not is_byline or len(leftovers) > 8:
        return False
    # the rest must read as names, places and roles: "Latin America correspondent", "in Caracas"
    return all(t[0].isupper() or t.lower() in _BYLINE_WORDS for t in leftovers)


def _is_tag_line(text: str) -> bool:
    match = _TAG_LINE.match(text.strip())
    if not match or text.rstrip().endswith((".", "!", "?")):
        return False
    items = re.split(r"\s*(?:,|\||·|•|;|/)\s*", match["rest"])
    return len(items) <= 20 and all(0 < len(item.split()) <= 5 for item in items)


def _is_caption_or_credit(text: str) -> bool:
    """A photo credit or a caption that ends in one, standing as a paragraph of its own."""
    text = text.strip()
    words = len(text.split())
    if words > _MAX_CAPTION_WORDS:
        return False
    if _CREDIT_LINE.match(text) and words <= 40:
        return True
    if _CREDIT_TAIL.search(text):
        return True
    return words <= 8 and bool(_AGENCY_LINE.match(text))


def _without_repeated_body(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Cut a body the page printed twice: A B C A B C, a preview then the full text
    (A B A B C D), or the full text then a truncated copy (A B C D A B)."""
    keys = [_key(p.text) for p in paragraphs]
    n = len(keys)
    for start in range(1, n):
        if keys[start] != keys[0] or not keys[0]:
            continue
        run = 0
        while start + run < n and run < start and keys[start + run] == keys[run]:
            run += 1
        if run == start:  # the whole first block is repeated right after it
            return _without_repeated_body(paragraphs[start:])
        if start + run == n and run >= 2:  # the tail repeats the beginning
            return paragraphs[:start]
    return paragraphs
