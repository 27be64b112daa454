"""Articles as JSON Lines: what ``digest stories --jsonl`` and ``digest summarise --story`` read.

One JSON object per line: ``{"id", "title", "text", "source", "date"}``. ``id`` is required,
and a title or a text (either may be empty or missing, not both); ``source`` and ``date`` may
be null or missing. Other fields (a labelled set's ``cluster``, say) are ignored. Text is
split into paragraphs at blank lines, or at single line breaks when it has no blank line.
Every mistake is reported with its line number, so a labelled set of thousands of lines can
be fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from digest.model import Article, Paragraph
from digest.text.dates import parse_date

UNKNOWN_SOURCE = "unknown source"


class JsonlError(ValueError):
    """A line that is not a usable article: the message names the line and what to fix."""


@dataclass(frozen=True)
class JsonlArticle:
    """One input line as an Article, with the id the caller gave it."""

    id: str
    article: Article


def read_articles(lines: Iterable[str], *, label: str = "<stdin>") -> list[JsonlArticle]:
    """Parse JSON Lines into Articles; blank lines are skipped. Raises JsonlError."""
    found: list[JsonlArticle] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{label}, line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JsonlError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(data, dict):
            raise JsonlError(f"{where}: expected a JSON object, got {type(data).__name__}")
        item_id = data.get("id")
        if isinstance(item_id, int) and not isinstance(item_id, bool):
            item_id = str(item_id)
        if not isinstance(item_id, str) or not item_id.strip():
            raise JsonlError(f"{where}: 'id' must be a non-empty string, got {item_id!r}")
        if item_id in seen:
            raise JsonlError(f"{where}: id {item_id!r} appears twice; ids must be unique")
        seen.add(item_id)
        title = data.get("title") or ""
        text = data.get("text")
        if text is None:
            text = ""
        if not isinstance(title, str) or not isinstance(text, str):
            raise JsonlError(f"{where}: 'title' and 'text' must be strings")
        if not title.strip() and not text.strip():
            raise JsonlError(f"{where}: the article has neither a title nor any text")
        source = data.get("source")
        if source is not None and not isinstance(source, str):
            raise JsonlError(f"{where}: 'source' must be a string or null, got {source!r}")
        published = _date(data.get("date"), where)
        found.append(
            JsonlArticle(
                id=item_id,
                article=Article(
                    key=f"jsonl:{item_id}",
                    source=(source or "").strip() or UNKNOWN_SOURCE,
                    title=" ".join(title.split()),
                    paragraphs=_paragraphs(text),
                    published=published,
                    # without a source, nothing says two articles share a publisher
                    publisher_unknown=not (source or "").strip(),
                ),
            )
        )
    return found


def _date(value: object, where: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise JsonlError(f"{where}: 'date' must be a string such as 2026-02-17T09:30:00Z")
    parsed = parse_date(value)
    if parsed is None:
        raise JsonlError(
            f"{where}: 'date' {value!r} is not a date digest understands "
            "(write e.g. 2026-02-17T09:30:00Z)"
        )
    return parsed


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = text.split("\n\n") if "\n\n" in text else text.split("\n")
    return tuple(Paragraph(" ".join(b.split())) for b in blocks if b.strip())
