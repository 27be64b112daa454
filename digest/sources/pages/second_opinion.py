"""A second extractor for the pages where trafilatura's result does not look like the article.

trafilatura is right on most pages, and a second extractor costs as much again, so it is asked
only when the first result is implausible (:func:`doubt`):

* it is empty;
* it is mostly a notice: copyright and reprint terms, a consent or subscription prompt
  (trafilatura discarded the article's container, say for a class name it took for a paywall
  or an "expand" widget, and kept the licensing box under it);
* it is tiny against the page's own prose: the page holds far more running text than it kept.

readability-lxml then reads the same page (:func:`readability_paragraphs`), and
:func:`choose` keeps its result only when it holds clearly more article text: at least twice
as much once notices are set aside. Either way :class:`Extraction` says which extractor's
text was kept and why, for ``digest extract --explain``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from digest.model import Paragraph
from digest.text.html import html_to_paragraphs

MAIN = "trafilatura"
SECOND = "readability"

# A page whose prose is at least this much larger than the extraction, and this many times
# larger, lost its article somewhere.
_MISSING_PROSE_CHARS = 600
_TINY_SHARE = 0.3
# Runs of text shorter than this are links, labels and buttons, not prose.
_PROSE_RUN_CHARS = 60
# A notice says two or more of these things; a body is "mostly a notice" above this share.
_NOTICE_SHARE = 0.5
_NOTICE_TERMS = re.compile(
    r"\b(?:copyright|all rights reserved|reprint|republish|redistribut|rebroadcast|"
    r"prior (?:written )?permission|licens|cookies?|consent|privacy (?:policy|notice)|"
    r"terms of (?:use|service)|subscri(?:be|ber|ption)|sign in|log in|paywall|"
    r"register to (?:read|continue))|\u00a9",
    re.IGNORECASE,
)
# The other extractor's text must hold this many times as much article text to be kept.
_BETTER_BY = 2.0
_MIN_SECOND_CHARS = 200
_NOT_TEXT = frozenset(("script", "style", "noscript", "template", "head", "title"))

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extraction:
    """Which extractor's text a page's article is, and why (empty when there was no doubt)."""

    extractor: str = MAIN
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.extractor}: {self.reason}" if self.reason else self.extractor


def doubt(paragraphs: Sequence[Paragraph], tree: HtmlElement) -> str | None:
    """Why ``paragraphs`` (the main extractor's result for ``tree``) do not look like the
    article, or None when they do. Cheap: one pass over the page's text."""
    chars = _chars(paragraphs)
    if chars == 0:
        return "it found no article text"
    notice = _notice_chars(paragraphs)
    if notice >= _NOTICE_SHARE * chars:
        return f"its text was mostly a notice ({notice:,} of {chars:,} characters)"
    prose = page_prose_chars(tree)
    if prose - chars >= _MISSING_PROSE_CHARS and chars < _TINY_SHARE * prose:
        return f"it kept {chars:,} characters of a page with {prose:,} characters of prose"
    return None


def page_prose_chars(tree: HtmlElement) -> int:
    """Characters of running text on the page: runs of text long enough to be prose."""
    total = 0
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
            continue
        for text in (element.text, element.tail):
            if text and len(text) >= _PROSE_RUN_CHARS:
                run = len(" ".join(text.split()))
                if run >= _PROSE_RUN_CHARS:
                    total += run
    return total


def readability_paragraphs(tree: HtmlElement, url: str | None) -> list[Paragraph]:
    """readability-lxml's reading of the page, as paragraphs; [] when it finds nothing."""
    from readability import Document  # (only for the pages that need a second opinion)
    from readability.readability import Unparseable

    try:
        html = etree.tostring(tree, encoding="unicode", method="html")
        summary = Document(html, url=url).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, etree.LxmlError) as exc:
        log.debug("readability could not read the page: %s", exc)
        return []
    return html_to_paragraphs(summary)


def choose(
    main: list[Paragraph], second: list[Paragraph], why: str
) -> tuple[list[Paragraph], Extraction]:
    """The more plausible of the two results, and which it is and why."""
    main_text = _chars(main) - _notice_chars(main)
    second_text = _chars(second) - _notice_chars(second)
    if second_text >= _MIN_SECOND_CHARS and second_text >= _BETTER_BY * main_text:
        return second, Extraction(
            SECOND,
            f"{MAIN}'s result was implausible: {why}; {SECOND} found {second_text:,}"
            f" characters of article text against {main_text:,}",
        )
    return main, Extraction(
        MAIN,
        f"kept although {why}: {SECOND} found no more article text ({second_text:,}"
        f" characters against {main_text:,})",
    )


def _chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(len(p.text) for p in paragraphs if p.kind != "heading")


def _notice_chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(
        len(p.text)
        for p in paragraphs
        if p.kind == "body" and len({m.lower() for m in _NOTICE_TERMS.findall(p.text)}) >= 2
    )
