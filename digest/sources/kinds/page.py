"""The page kind: one article web page, by URL or local file (``digest.sources.pages``).

It is also what ``digest extract`` reads a URL or an HTML file as.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from digest.model import Article, Source
from digest.sources.kinds.base import Cursor, Document, Fetched, Kind, Reading, read_file

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})


class PageKind(Kind):
    name = "page"
    opml_type = "link"

    def read(self, source: Source, cursor: Cursor, tz: dt.tzinfo) -> Reading:
        data = read_file(source)
        key = f"file:{source.scope}/{Path(source.location).name}"
        return Reading((_article(source, data, key=key),))

    def parse(self, source: Source, fetched: Fetched, cursor: Cursor) -> Reading:
        from digest.sources.urls import url_key

        key = f"url:{url_key(fetched.url)}"
        article = _article(
            source, fetched.body, key=key, url=fetched.url, content_type=fetched.content_type
        )
        return Reading((article,))

    def one_article_claim(self, document: Document) -> int:
        if document.url is not None or document.suffix in HTML_SUFFIXES:
            return 2
        return 2 if looks_like_html(document.data) else 0

    def read_one(self, source: Source, document: Document, tz: dt.tzinfo) -> Reading:
        article = _article(
            source,
            document.data,
            key=f"page:{document.location}",
            url=document.url,
            content_type=document.content_type,
        )
        return Reading((article,))


def _article(
    source: Source,
    data: bytes,
    *,
    key: str,
    url: str | None = None,
    content_type: str | None = None,
) -> Article:
    """The article on a page; the page's canonical link stands in when ``url`` is None."""
    from digest.sources.pages import extract_page, page_article

    content = extract_page(data, url, content_type)  # a PageError is a SourceError
    return page_article(content, source, key=key, url=url or content.url)


def looks_like_html(data: bytes) -> bool:
    """Whether bytes of unknown type read as an HTML (or XHTML) page."""
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or bool(
        re.search(rb"<(p|div|article|body|h1)[\s>]", head)
    )


KIND = PageKind()
