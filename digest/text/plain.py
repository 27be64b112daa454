"""Plain text and light Markdown → paragraphs.

Article files come in two layouts, often in the same folder: paragraphs separated by blank
lines (sometimes hard-wrapped at 72-80 columns), or one paragraph per line with no blank lines
at all. A block of lines is joined only when it looks hard-wrapped; otherwise every line is its
own paragraph, so a heading line directly above its first paragraph stays separate.
"""

from __future__ import annotations

import itertools
import re

from digest.model import Paragraph

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
# The closing #s are cut by _heading_text: a lazy group before "\s*#*\s*$" would try every
# split of a long run of spaces (cubic time on one line).
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# Neither the link text nor a parenthesis in the address holds an opening bracket of its own:
# a match that fails gives up at the next one, rather than every "[" scanning to the end.
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
# The emphasised text does not run over the next delimiter, for the same reason.
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_MD_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

# A hard-wrapped paragraph has every line but its last filled to roughly the same width.
_WRAP_MIN, _WRAP_MAX = 40, 100
_SENTENCE_ENDS = (".", "!", "?", "…", '"', "”", "’", "'", ")", ":")


def text_to_paragraphs(text: str, *, markdown: bool = False) -> list[Paragraph]:
    """Split article text into paragraphs; Markdown headings become heading paragraphs and
    fenced code blocks ``code`` paragraphs, kept as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not markdown:
        return _prose_paragraphs(text, markdown=False)
    paragraphs: list[Paragraph] = []
    for is_code, part in _fenced_parts(text):
        if not is_code:
            paragraphs.extend(_prose_paragraphs(part, markdown=True))
        elif code := _verbatim(part):
            paragraphs.append(Paragraph(code, "code"))
    return paragraphs


def _fenced_parts(text: str) -> list[tuple[bool, str]]:
    """Markdown text cut at its fenced code blocks (``` or ~~~): (is it code, its text). A
    fence left open runs to the end, as in CommonMark."""
    parts: list[tuple[bool, str]] = []
    lines: list[str] = []
    fence = ""
    for line in text.split("\n"):
        opening = _MD_FENCE.match(line)
        if not fence and opening:
            parts.append((False, "\n".join(lines)))
            lines, fence = [], opening[1]
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            parts.append((True, "\n".join(lines)))
            lines, fence = [], ""
        else:
            lines.append(line)
    parts.append((bool(fence), "\n".join(lines)))
    return parts


def _verbatim(code: str) -> str:
    """A code block's text as written, without blank lines or trailing blanks at the ends."""
    kept = [line.rstrip() for line in code.split("\n")]
    while kept and not kept[-1]:
        kept.pop()
    while kept and not kept[0]:
        kept.pop(0)
    return "\n".join(kept)


def _prose_paragraphs(text: str, *, markdown: bool) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for block in _BLANK_LINES.split(text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if markdown:
            paragraphs.extend(_markdown_block(lines))
        elif _looks_hard_wrapped(lines):
            paragraphs.append(Paragraph(" ".join(lines)))
        else:
            paragraphs.extend(Paragraph(line) for line in lines)
    return paragraphs


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Lines filled to a similar width, with at least one break falling mid-sentence.

    Short lines that each end a sentence are one-paragraph-per-line text, not wrapping.
    """
    if len(lines) < 2 or not all(_WRAP_MIN <= len(line) <= _WRAP_MAX for line in lines[:-1]):
        return False
    return any(
        not line.endswith(_SENTENCE_ENDS) or following[:1].islower()
        for line, following in itertools.pairwise(lines)
    )


def _markdown_block(lines: list[str]) -> list[Paragraph]:
    out: list[Paragraph] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append(Paragraph(_strip_inline_markdown(" ".join(pending))))
            pending.clear()

    for line in lines:
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            out.append(Paragraph(_strip_inline_markdown(_heading_text(heading[2])), "heading"))
        elif _MD_RULE.match(line):
            flush()
        elif re.match(r"^([-*+]|\d+[.)])\s+", line):
            flush()  # list items are paragraphs of their own
            out.append(Paragraph(_strip_inline_markdown(re.sub(r"^([-*+]|\d+[.)])\s+", "", line))))
        else:
            pending.append(line.lstrip("> ").strip())
    flush()
    return [p for p in out if p.text]


def _heading_text(text: str) -> str:
    """A Markdown heading's text without its closing #s: a run of them after a blank, or the
    whole text ("## Why C#" keeps its "#", as in CommonMark)."""
    text = text.rstrip()
    bare = text.rstrip("#")
    if bare and not bare[-1].isspace():
        return text
    return bare.rstrip()


def _strip_inline_markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text.replace("`", "")
