"""The folder kind: a folder of article files (``.txt``, ``.md``), one article per file.

The files are read by ``digest.sources.files``. The folder kind is also the fallback reader of
the one article ``digest extract`` is given: any local input that is not an HTML page.
"""

from __future__ import annotations

import datetime as dt

from digest.model import Source
from digest.sources.kinds.base import Cursor, Document, Kind, Reading


class FolderKind(Kind):
    name = "folder"
    guessed_for = frozenset({"folder"})
    reads = frozenset({"path"})
    # Files put in a folder are there to be read: a new folder's old files are not a backlog.
    has_backlog = False

    def read(self, source: Source, cursor: Cursor, tz: dt.tzinfo) -> Reading:
        from digest.sources.files import read_folder

        result = read_folder(source, tz)
        return Reading(result.articles, result.warnings)

    def one_article_claim(self, document: Document) -> int:
        return 1 if document.url is None else 0

    def read_one(self, source: Source, document: Document, tz: dt.tzinfo) -> Reading:
        from digest.sources.files import parse_article_text

        article, warnings = parse_article_text(
            document.data,
            key=f"file:{document.location}",
            default_source=document.name,
            fallback_date=document.modified or dt.datetime.now(dt.UTC),
            markdown=document.location.lower().endswith((".md", ".markdown")),
            label=document.location,
            tz=tz,
        )
        return Reading((article,) if article is not None else (), tuple(warnings))


KIND = FolderKind()
