"""A second extractor for the pages where trafilatura's result does not look like the article.

trafilatura is right on most pages, and a second extractor costs as much again, so it is asked
only when the first result is implausible (:func:`doubt`):

* it is empty;
* it is mostly a notice: copyright and reprint terms, a consent or subscription prompt
  (trafilatura discarded the article's container, say for a class name it took for a paywall
  or an "expand" widget, and kept the licensing box under it);
* it is tiny against the page's own prose: the page holds far more running text than it kept;
* it is tiny against the article body the page declares in its JSON-LD (``articleBody``) or
  holds in its Next.js data (``app_data``): a page that builds its text with JavaScript
  holds only a "Loading…" or "enable JavaScript" line in its HTML, and its whole article in
  such a script.

readability-lxml then reads the same page (:func:`readability_paragraphs`), the declared body
is read as text (:func:`declared_paragraphs`), and :func:`choose` keeps the one with the most
article text only when it holds clearly more than the first result: at least twice as much
once notices are set aside. Either way :class:`Extraction` says which text was kept and why,
for ``digest extract --explain``.
"""

from __future__ import annotations

import html
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
DECLARED = "JSON-LD articleBody"
APP_DATA = "Next.js page data"

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
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*\b[^>]*>")
# A character reference, whole ("&amp;", "&#8217;"): a plain-text body that holds one was
# escaped as HTML by the site (a bare "&", as in "AT&T", is left as it is)
_CHARACTER_REFERENCE = re.compile(
    r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
)
_NOT_TEXT = frozenset(("script", "style", "noscript", "template", "head", "title"))

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extraction:
    """Which extractor's text a page's article is, and why (empty when there was no doubt)."""

    extractor: str = MAIN
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.extractor}: {self.reason}" if self.reason else self.extractor


def doubt(paragraphs: Sequence[Paragraph], tree: HtmlElement, declared: str = "") -> str | None:
    """Why ``paragraphs`` (the main extractor's result for ``tree``) do not look like the
    article, or None when they do; ``declared`` is the article body the page states in its
    JSON-LD. Cheap: one pass over the page's text."""
    chars = _chars(paragraphs)
    if chars == 0:
        return "it found no article text"
    notice = _notice_chars(paragraphs)
    if notice >= _NOTICE_SHARE * chars:
        return f"its text was mostly a notice ({notice:,} of {chars:,} characters)"
    declared_chars = len(" ".join(declared.split()))
    if declared_chars >= _MIN_SECOND_CHARS and declared_chars >= _BETTER_BY * chars:
        return f"it kept {chars:,} characters of an article declared with {declared_chars:,}"
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


def declared_paragraphs(body: str) -> list[Paragraph]:
    """The JSON-LD ``articleBody`` as paragraphs: one a line of plain text (its character
    references read, where the site escaped it as HTML), or, where a site put HTML there, that
    HTML's blocks (as text: nothing of it is kept as markup)."""
    if _HTML_TAG.search(body):
        return html_to_paragraphs(body)
    if _CHARACTER_REFERENCE.search(body):
        body = html.unescape(body)
    lines = (" ".join(line.split()) for line in body.splitlines())
    return [Paragraph(line) for line in lines if line]


def choose(
    main: list[Paragraph],
    second: list[Paragraph],
    why: str,
    others: Sequence[tuple[str, list[Paragraph]]] = (),
) -> tuple[list[Paragraph], Extraction]:
    """The most plausible of the results, and which it is and why: ``second`` is readability's,
    ``others`` are further candidates by name (the page's declared body)."""
    main_text = _chars(main) - _notice_chars(main)
    best, best_text, best_name = second, _chars(second) - _notice_chars(second), SECOND
    for name, candidate in others:
        text = _chars(candidate) - _notice_chars(candidate)
        if text > best_text:
            best, best_text, best_name = candidate, text, name
    if best_text >= _MIN_SECOND_CHARS and best_text >= _BETTER_BY * main_text:
        return best, Extraction(
            best_name,
            f"{MAIN}'s result was implausible: {why}; {best_name} held {best_text:,}"
            f" characters of article text against {main_text:,}",
        )
    return main, Extraction(
        MAIN,
        f"kept although {why}: no other reading held more article text ({best_text:,}"
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
