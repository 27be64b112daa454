"""Code blocks and table rows through the normalise stage, untouched.

The normalise stage reads prose: it collapses whitespace, cuts repeated paragraphs, marks short
capitalised lines as headings and matches boilerplate rules sentence by sentence. None of that
is right for a ``code`` or ``row`` paragraph (:attr:`~digest.model.Paragraph.verbatim`): a
terminal session's line breaks and indentation are its content, running it twice is often the
post's point, and a table's rows are short, capitalised and alike by nature.

:func:`normalise_keeping_verbatim` is the stage as the pipeline runs it: verbatim paragraphs are
set aside, the prose is cleaned as one article (so repetition and trailing blocks are judged
over the whole text), and each verbatim paragraph is put back after the prose it followed. A
heading cut only because the text after it was all code or table ("Output", then a terminal
session, at the end of a post) is put back too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from digest.model import Article, Paragraph, Removal
from digest.text.normalise import ORPHAN_HEADING, RuleSet, normalise, normalise_text


def normalise_keeping_verbatim(article: Article, rules: RuleSet | None = None) -> Article:
    """``normalise(article, rules)``, with code blocks and table rows kept as they are."""
    if not any(p.verbatim for p in article.paragraphs):
        return normalise(article, rules)
    paragraphs = tuple(article.paragraphs)
    prose = [p for p in paragraphs if not p.verbatim]
    cleaned = normalise(replace(article, paragraphs=tuple(prose)), rules)
    removed = cleaned.removed[len(article.removed) :]
    survivors = _align(prose, cleaned.paragraphs, removed)

    out: list[Paragraph] = []
    restored: set[int] = set()
    index = -1  # position in ``prose`` of the last prose paragraph passed
    for position, paragraph in enumerate(paragraphs):
        if paragraph.verbatim:
            out.append(paragraph)
            continue
        index += 1
        kept = survivors[index]
        if (
            kept is None
            and _cut_as_orphan(paragraph, removed)
            and _verbatim_follows(paragraphs, position)
        ):
            kept = Paragraph(normalise_text(paragraph.text), "heading")
            restored.add(index)
        if kept is not None:
            out.append(kept)
    if restored:
        texts = {normalise_text(prose[i].text) for i in restored}
        removed = tuple(r for r in removed if not (r.rule == ORPHAN_HEADING and r.text in texts))
    return replace(cleaned, paragraphs=tuple(out), removed=article.removed + removed)


def _align(
    prose: Sequence[Paragraph], kept: Sequence[Paragraph], removed: Sequence[Removal]
) -> list[Paragraph | None]:
    """For each input paragraph, the paragraph cleaning kept for it, or None if it was cut.

    Cleaning keeps the order, and changes a kept paragraph's text only by normalising it and
    cutting whole sentences, so a kept paragraph's words are its input's words in order.
    """
    cut_whole = {r.text for r in removed}
    out: list[Paragraph | None] = []
    position = 0
    for paragraph in prose:
        text = normalise_text(paragraph.text)
        candidate = kept[position] if position < len(kept) else None
        if candidate is not None and (
            candidate.text == text
            or (text not in cut_whole and _words_in_order(candidate.text, text))
        ):
            out.append(candidate)
            position += 1
        else:
            out.append(None)
    return out


def _words_in_order(part: str, whole: str) -> bool:
    words = iter(whole.split())
    return all(word in words for word in part.split())


def _cut_as_orphan(paragraph: Paragraph, removed: Sequence[Removal]) -> bool:
    text = normalise_text(paragraph.text)
    return any(r.rule == ORPHAN_HEADING and r.text == text for r in removed)


def _verbatim_follows(paragraphs: Sequence[Paragraph], position: int) -> bool:
    following = paragraphs[position + 1] if position + 1 < len(paragraphs) else None
    return following is not None and following.verbatim
