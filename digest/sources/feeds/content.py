"""An entry's text as plain text: titles and names at once, bodies when first read.

A title or name is markup or text by what the format says (``title_is_html``); a body is one
of several candidates (content, description, summary...) tagged "html", "text" or "auto"
(markup when it looks like markup). The fullest candidate wins; its HTML is converted by
``digest.text.html`` only when something reads the paragraphs (``DeferredParagraphs``),
since most entries of a feed were shown on an earlier day. Every text is capped: a feed is
untrusted input, and one entry must not dominate a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from digest.model import Paragraph
from digest.text.decode import ENTITY_REF, strip_control_chars, unescape_text
from digest.text.html import html_to_paragraphs, html_to_text
from digest.text.plain import text_to_paragraphs

MAX_TITLE_CHARS = 1_000
MAX_AUTHOR_CHARS = 200
MAX_CONTENT_CHARS = 2_000_000  # one entry's HTML, before conversion
MAX_TEXT_CHARS = 200_000  # one article's paragraphs, after conversion

# A body candidate: (value, "html" | "text" | "auto"). The value is str, or UTF-8 bytes when
# it is a CDATA section handed over as it was in the document (see elements.content_markup).
Content = tuple[str | bytes, str]

_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?|/[a-zA-Z][a-zA-Z0-9]*\s*|!--)>")
_LOOKS_HTML_BYTES = re.compile(_LOOKS_HTML.pattern.encode())
_ENTITY_REF_BYTES = re.compile(ENTITY_REF.pattern.encode())
_ANCHOR = re.compile(r"<a\b[^>]*>.*?</a\s*>", re.IGNORECASE | re.DOTALL)
# Beside each link of a list of links, at most a name: its outlet's ("The Guardian").
_WORDS_BESIDE_LINK = 4


def title_text(value: str, is_html: bool) -> str:
    """A title or name as one line of plain text."""
    if not value:
        return ""
    if is_html:
        return html_to_text(value)
    # "text" titles with escaped entities are common, and escaped twice too
    value = unescape_text(value)
    value = " ".join(value.split())
    return value if value.isprintable() else " ".join(strip_control_chars(value).split())


def is_link_list(value: str | bytes) -> bool:
    """True when ``value`` (markup) is only links, with at most a name beside each and no
    sentence of its own: a list of headlines, such as an aggregator's list of an item's
    coverage, not an article's text."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    links = len(_ANCHOR.findall(value))
    if not links:
        return False
    beside = html_to_text(_ANCHOR.sub(" ", value))
    return len(beside.split()) <= _WORDS_BESIDE_LINK * links and not re.search(
        r"[.!?]\s", beside + " "
    )


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


class DeferredParagraphs(Sequence[Paragraph]):
    """An entry's paragraphs, converted from its content the first time anyone reads them.

    Behaves as the tuple it stands for (indexing, slicing, iteration, equality), so the rest
    of the pipeline need not know the conversion was put off.
    """

    __slots__ = ("_contents", "_paragraphs")

    def __init__(self, contents: list[Content]) -> None:
        self._contents: list[Content] | None = contents
        self._paragraphs: tuple[Paragraph, ...] = ()

    def _resolve(self) -> tuple[Paragraph, ...]:
        if self._contents is not None:
            self._paragraphs = _best_paragraphs(self._contents)
            self._contents = None
        return self._paragraphs

    def __getitem__(self, index: int | slice) -> Paragraph | tuple[Paragraph, ...]:  # type: ignore[override]
        return self._resolve()[index]

    def __len__(self) -> int:
        return len(self._resolve())

    def __iter__(self) -> Iterator[Paragraph]:
        return iter(self._resolve())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredParagraphs | tuple | list):
            return self._resolve() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._resolve())

    def __repr__(self) -> str:
        return repr(self._resolve())


def _best_paragraphs(contents: list[Content]) -> tuple[Paragraph, ...]:
    """The fullest content (the longest source) as paragraphs; shorter ones as fallbacks."""
    candidates = [(value, kind) for value, kind in contents if value and not value.isspace()]
    if len(candidates) > 1:
        candidates.sort(key=lambda c: len(c[0]), reverse=True)
    for value, kind in candidates:
        value = value[:MAX_CONTENT_CHARS]
        if kind == "auto":
            if isinstance(value, bytes):
                looks_html = bool(
                    _LOOKS_HTML_BYTES.search(value) or _ENTITY_REF_BYTES.search(value)
                )
            else:
                looks_html = bool(_LOOKS_HTML.search(value) or ENTITY_REF.search(value))
            kind = "html" if looks_html else "text"
        if kind == "html":
            paragraphs = html_to_paragraphs(value)
        else:
            if isinstance(value, bytes):
                value = value.decode("utf-8", errors="replace")
            paragraphs = _text_paragraphs(value)
        if paragraphs:
            # Text is never longer than its source, so short sources need no counting.
            return _cap_paragraphs(paragraphs) if len(value) > MAX_TEXT_CHARS else tuple(paragraphs)
    return ()


def _text_paragraphs(text: str) -> list[Paragraph]:
    """Plain text → paragraphs, as an article file's text is read (``digest.text.plain``):
    blank lines separate them, a hard-wrapped run of lines is joined, and every other line
    stands alone. A video's description or an episode's show notes is such text, its chapters
    and links a line each: joined, they read "Chapters: 00:00 Intro 01:42 Why ..."."""
    # as in titles: a body said to be text often holds entities ("…&nbsp;?"), escaped twice
    # too; shown as they are, a reader would see "&nbsp;" in the digest
    text = unescape_text(text)
    out = []
    for paragraph in text_to_paragraphs(text):
        block = " ".join(paragraph.text.split())
        if block and not block.isprintable():
            block = " ".join(strip_control_chars(block).split())
        if block:
            out.append(Paragraph(block))
    return out


def _cap_paragraphs(paragraphs: list[Paragraph]) -> tuple[Paragraph, ...]:
    """At most MAX_TEXT_CHARS of text: whole paragraphs, then the last one clipped."""
    if sum(len(p.text) for p in paragraphs) <= MAX_TEXT_CHARS:
        return tuple(paragraphs)
    kept = []
    room = MAX_TEXT_CHARS
    for paragraph in paragraphs:
        if len(paragraph.text) > room:
            if room > 100:
                kept.append(Paragraph(clip(paragraph.text, room), paragraph.kind))
            break
        kept.append(paragraph)
        room -= len(paragraph.text)
    return tuple(kept)
