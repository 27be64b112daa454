"""Plain text and light Markdown → paragraphs.

Article files come in two layouts, often in the same folder: paragraphs separated by blank
lines (sometimes hard-wrapped at 72-80 columns), or one paragraph per line with no blank lines
at all. A run of lines is joined only when it looks hard-wrapped; otherwise every line is its
own paragraph, so a heading line directly above its first paragraph stays separate, and so do
the lines of a list (chapters, bullets, links) beside wrapped prose. A feed's body in plain
text (a video's description, an episode's show notes) is read the same way.
"""

from __future__ import annotations

import itertools
import re

from digest.model import Paragraph
from digest.text.shapes import as_list_item, labelled_line, link_line, list_line, timestamp_list

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
# A list's item: a bullet, or its number ("- ", "* ", "2. ", "3) ")
_MD_ITEM = re.compile(r"^(?:[-*+]|(\d+)[.)])\s+")
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
        else:
            paragraphs.extend(Paragraph(text) for text in _join_wrapped(lines))
    return paragraphs


def _join_wrapped(lines: list[str]) -> list[str]:
    """A block's lines (stripped, none blank) as paragraphs: each run of hard-wrapped lines
    joined, every other line standing alone.

    A run ends at a line that cannot go on wrapping (a short one, a paragraph's last) and never
    holds a line of a list (``_list_lines``) or one longer than a wrapped line is: the lines
    of a video's description or an episode's show notes ("Chapters:", "00:00 Intro", "Merch:
    https://...") stay apart, while the prose beside them is joined when it is wrapped.
    """
    lines = _labels_with_their_link(lines)
    listed = _list_lines(lines)
    out: list[str] = []
    run: list[str] = []

    def close() -> None:
        # short lines joined only for going on: a sentence they end ("First paragraph" /
        # "still first."); lines in lower case that end none are a list ("salt" / "pepper")
        # or a poem's ("so much depends" / "upon"), a line each as before
        # and two lines, the second short and ending no sentence, are a name and an address,
        # or a poem's two lines, not a paragraph wrapped: "Department of Transport and
        # Infrastructure Services" / "1 Market Square" (lower case going on is still joined)
        open_pair = (
            len(run) == 2 and len(run[1]) < _WRAP_MIN and not run[1].endswith(_SENTENCE_ENDS)
        )
        if (_looks_hard_wrapped(run) and not (open_pair and not _goes_on(run))) or (
            _goes_on(run) and run[-1].endswith(_SENTENCE_ENDS)
        ):
            out.append(" ".join(run))
        else:
            out.extend(run)
        run.clear()

    for index, (line, in_list) in enumerate(zip(lines, listed, strict=True)):
        if in_list or len(line) > _WRAP_MAX:
            close()
            out.append(line)
            continue
        if (
            run
            and len(line) < _WRAP_MIN
            and run[-1].endswith(_SENTENCE_ENDS)
            and not line.endswith(_SENTENCE_ENDS)
        ):
            close()  # a heading after a finished sentence, not the wrapped paragraph's end
        run.append(line)
        following = index + 1 < len(lines) and not listed[index + 1]
        if len(line) < _WRAP_MIN and not (following and _goes_on([line, lines[index + 1]])):
            close()
    close()
    return out


def _goes_on(lines: list[str]) -> bool:
    """Whether each line after the first goes on the sentence of the one before: it opens in
    lower case after a line that ends none ("First paragraph" / "still first."), however
    short the lines are."""
    return len(lines) > 1 and all(
        following[:1].islower() and not line.endswith(_SENTENCE_ENDS)
        for line, following in itertools.pairwise(lines)
    )


# A list item's marker ("- ", "\u2022 ", "2. "), which a wrapped line may open with too
_LIST_MARK = re.compile(r"(?:[-*+\u2022\u2013\u2014\u00b7]|\d{1,3}[.)]|[a-z][.)])\s+")


def _labels_with_their_link(lines: list[str]) -> list[str]:
    """A line ending with a colon and the one link under it as one line: "Support me on
    Patreon:" above "https://patreon.com/...", as descriptions set a label and its address
    (and so rules read them together). A colon above several links heads a list of them."""
    out: list[str] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        following = lines[position + 1 : position + 3]
        if (
            line.endswith(":")
            and following
            and link_line(following[0])
            and not (len(following) > 1 and link_line(following[1]))
        ):
            out.append(f"{line} {following[0]}")
            position += 2
            continue
        out.append(line)
        position += 1
    return out


def _list_lines(lines: list[str]) -> list[bool]:
    """Which lines belong to a list, by their form (``shapes.list_line``): a bullet, a symbol or
    an emoji opening it ("\u25b6 Watch next"), a link line, a line of hashtags; lines opening
    with time marks that run forward (``shapes.timestamp_list``), and lines opening with a
    short label, two at least in a row ("Camera: ...", "Mic: ..."); and the line ending with a
    colon that heads such a list ("Chapters:"). One time mark or label opening a line can be
    wrapped prose ("at / 10:30 on Monday"), and is not a list alone."""
    listed = [list_line(line) for line in lines]
    # A line that goes on a wrapped line's sentence is prose, whatever it opens with: the
    # wrapping put a dash ("- despite the objections -", "\u2014 but he never did"), a few
    # words and a colon or dash ("apply to all - including"), or a "label - link" at its start.
    going_on = [
        position > 0 and not listed[position - 1] and _goes_on_wrapped(lines[position - 1], line)
        for position, line in enumerate(lines)
    ]
    for position, goes in enumerate(going_on):
        if goes:
            listed[position] = False
    for position in timestamp_list(lines):
        listed[position] = True
    labels = [labelled_line(line) and not going_on[position] for position, line in enumerate(lines)]
    for position, labelled in enumerate(labels):
        if labelled and (
            (position > 0 and labels[position - 1])
            or (position + 1 < len(labels) and labels[position + 1])
        ):
            listed[position] = True
    for position in range(len(lines) - 1):
        if listed[position + 1] and lines[position].endswith(":"):
            listed[position] = True
    return listed


def _goes_on_wrapped(line: str, following: str) -> bool:
    """Whether ``following`` goes on the sentence of ``line``, a line cut by wrapping: ``line``
    is as wide as a wrapped line and ends no sentence (nor a list's heading, "Links:"), and
    ``following`` opens in lower case after any dash or bullet. An address opening a line is
    in lower case by nature, and no sign of it."""
    if not _WRAP_MIN <= len(line) <= _WRAP_MAX or line.endswith(_SENTENCE_ENDS):
        return False
    marker = _LIST_MARK.match(following)
    rest = following[marker.end() :] if marker else following
    return rest[:1].islower() and not rest.startswith(("http://", "https://", "www."))


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
        elif item := _MD_ITEM.match(line):
            flush()  # list items are paragraphs of their own, each with its bullet or number,
            # as an HTML list's are (``shapes.as_list_item``): still an item to the summariser
            number = int(item[1]) if item[1] else None
            text = _strip_inline_markdown(line[item.end() :])
            out.append(Paragraph(as_list_item(text, number)))
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
