"""Running trafilatura on a parsed page, and reading its body tree into ``Paragraph`` objects.

trafilatura runs in precision mode with no comments, tables, images, links or formatting; its
XML-like body tree (``<p>``, ``<head>``, ``<list>``/``<item>``, ``<quote>``, ``<lb>``...) becomes
paragraphs: a line break or a nested block ends one, ``<head>`` becomes a heading, and graphics
and tables are skipped.
"""

from __future__ import annotations

import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from digest.model import Paragraph

_XML_DECL = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.I)


def parse_html(text: str) -> HtmlElement | None:
    """The decoded page parsed as trafilatura parses it; None when it is not HTML."""
    # lxml refuses a str that still carries an encoding declaration; the text is decoded already
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        tree = trafilatura.load_html(text)
    except (TypeError, ValueError):
        return None
    return tree if isinstance(tree, HtmlElement) else None


def find_body(tree: HtmlElement, url: str | None) -> etree._Element | None:
    """trafilatura's body tree of the article in ``tree``; None when it finds none."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
    )
    return getattr(document, "body", None)


_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "code", "div"})
_SKIPPED_TAGS = frozenset({"graphic", "table"})


def body_paragraphs(body: etree._Element) -> list[Paragraph]:
    """trafilatura's body tree as paragraphs, ``<head>`` as headings."""
    out: list[Paragraph] = []
    _flow(body, "body", out)
    return out


def _flow(element: etree._Element, kind: str, out: list[Paragraph]) -> None:
    """Append the element's text as paragraphs: a line break or a nested block ends one."""
    buffer: list[str] = []

    def flush() -> None:
        text = _clean("".join(buffer))
        if text:
            out.append(Paragraph(text, "heading" if kind == "heading" else "body"))
        buffer.clear()

    def walk(node: etree._Element) -> None:
        if node.text:
            buffer.append(node.text)
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "lb" or tag in _SKIPPED_TAGS:
                flush()
            elif tag in _BLOCK_TAGS:
                flush()
                _flow(child, "heading" if tag == "head" else "body", out)
            elif tag:
                walk(child)
            if child.tail:
                buffer.append(child.tail)

    walk(element)
    flush()


def _clean(text: str) -> str:
    return " ".join(text.split())
