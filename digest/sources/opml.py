"""OPML 2.0: the subscription list every feed reader imports and exports.

Nested outlines are categories; digest keeps the path ("News/World") as the source's category
so an export round-trips the nesting. Which kind of source an outline is comes from the
registry of kinds (``Kind.opml_type``). The parser refuses DTDs and entities: an OPML file is
as untrusted as any feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import etree

from digest.model import Source
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.urls import host_name

CATEGORY_SEPARATOR = "/"
# OPML's own convention: an outline with an ``xmlUrl`` subscribes to a feed, whatever its
# ``type`` says; other kinds of source are outlines of their ``Kind.opml_type`` with a ``url``.
FEED_TYPE = "rss"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def parse_opml(data: bytes) -> list[Source]:
    """Every feed subscription in an OPML document, its outline folders as the category."""
    if not data.strip():
        raise SourceError("the OPML file is empty", "export your subscriptions again")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SourceError(
            f"not a valid OPML file ({exc})", "check that the file is the reader's OPML export"
        ) from exc
    if etree.QName(root).localname.lower() != "opml":
        raise SourceError(
            f"not an OPML file: the document is <{etree.QName(root).localname}>",
            "export your subscriptions as OPML from your feed reader",
        )
    body = next((c for c in root if etree.QName(c).localname.lower() == "body"), None)
    if body is None:
        raise SourceError("the OPML file has no <body>", "export your subscriptions again")
    sources: list[Source] = []
    names: set[str] = set()
    _walk(body, [], sources, names)
    return sources


def _walk(parent: etree._Element, path: list[str], out: list[Source], names: set[str]) -> None:
    for outline in parent:
        if not isinstance(outline.tag, str) or etree.QName(outline).localname != "outline":
            continue
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        kind = kinds.by_opml_type(FEED_TYPE)
        outline_type = (outline.get("type") or "").lower()
        if not url and outline_type != FEED_TYPE:
            # Another kind, as export writes it: a page is type="link" with its url.
            kind = kinds.by_opml_type(outline_type)
            url = (outline.get("url") or "").strip() if kind is not None else ""
        label = (outline.get("title") or outline.get("text") or "").strip()
        if url and kind is not None:
            if urlsplit(url).scheme not in ("http", "https"):
                continue  # file:, javascript:, feed: pseudo-schemes have no place here
            name = _unique(label or host_name(url), names)
            out.append(
                Source(
                    name=name,
                    kind=kind.name,
                    location=url,
                    category=CATEGORY_SEPARATOR.join(path) or None,
                )
            )
        else:
            _walk(outline, [*path, label] if label else path, out, names)


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name} ({number})"
        number += 1
    taken.add(candidate)
    return candidate


def is_web_source(source: Source) -> bool:
    """Whether ``source`` is read over the web by a kind OPML can carry (and so belongs in an
    OPML export)."""
    kind = kinds.kind(source.kind) if source.kind in kinds.names() else None
    return (
        kind is not None
        and kind.opml_type is not None
        and urlsplit(source.location).scheme in ("http", "https")
    )


def export_opml(
    sources: Sequence[Source], title: str = "digest subscriptions", now: dt.datetime | None = None
) -> bytes:
    """An OPML 2.0 document of the web feeds and pages, categories as nested outlines.

    Local folders and files are left out: their paths mean nothing to another reader."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(
        now or dt.datetime.now(dt.UTC), usegmt=True
    )
    body = etree.SubElement(root, "body")
    folders: dict[tuple[str, ...], etree._Element] = {(): body}
    for source in sources:
        if not is_web_source(source):
            continue
        path = tuple(p for p in (source.category or "").split(CATEGORY_SEPARATOR) if p)
        for depth in range(1, len(path) + 1):
            if path[:depth] not in folders:
                folders[path[:depth]] = etree.SubElement(
                    folders[path[: depth - 1]], "outline", text=path[depth - 1]
                )
        opml_type = kinds.kind(source.kind).opml_type or ""
        attributes = {"type": opml_type, "text": source.name, "title": source.name}
        if opml_type == FEED_TYPE:
            attributes["xmlUrl"] = source.location
        else:
            attributes = {"type": opml_type, "text": source.name, "url": source.location}
        etree.SubElement(folders[path], "outline", attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
