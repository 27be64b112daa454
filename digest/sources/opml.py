"""OPML 2.0: the subscription list every feed reader imports and exports.

Nested outlines are categories; digest keeps the path ("News/World") as the source's category
so an export round-trips the nesting. Which kind of source an outline is comes from the
registry of kinds (``Kind.opml_type``). The parser refuses DTDs and entities: an OPML file is
as untrusted as any feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlsplit

from lxml import etree

from digest.config.keys import from_feed_scheme, names_a_server, with_scheme
from digest.model import Source
from digest.sources import kinds
from digest.sources.errors import SourceError
from digest.sources.kinds.base import Kind
from digest.sources.urls import host_name
from digest.text.decode import strip_control_chars

CATEGORY_SEPARATOR = "/"
# OPML's own convention: an outline with an ``xmlUrl`` subscribes to a feed, whatever its
# ``type`` says; other kinds of source are outlines of their ``Kind.opml_type`` with a ``url``.
FEED_TYPE = "rss"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


@dataclass(frozen=True)
class SkippedOutline:
    """A subscription of an OPML file that cannot be imported, and why: named to the user,
    who would otherwise find it missing from the digest with no word of it."""

    line: int | None  # where it is in the file
    label: str  # its title (or text), "" when it has none
    url: str  # its address as written
    kind: str  # the kind of source it would have been
    problem: str  # why it is not imported
    meant: str = ""  # the web address it most likely stands for, when one can be told


@dataclass(frozen=True)
class Subscriptions:
    """What an OPML file subscribes to: the sources it names, and the subscriptions that
    cannot be imported (``SkippedOutline``), in the file's order."""

    sources: tuple[Source, ...]
    skipped: tuple[SkippedOutline, ...] = ()


def parse_opml(data: bytes) -> Subscriptions:
    """Every subscription in an OPML document, its outline folders as the category: each
    outline with an ``xmlUrl`` (or of ``type="rss"``) is a feed, and one of another kind's
    type with a ``url`` a source of that kind; those whose address is no web address are
    skipped, each said to be. A ``feed:`` link is the web address it stands for."""
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
    skipped: list[SkippedOutline] = []
    _walk(body, [], sources, skipped, set())
    return Subscriptions(tuple(sources), tuple(skipped))


def _walk(
    parent: etree._Element,
    path: list[str],
    out: list[Source],
    skipped: list[SkippedOutline],
    names: set[str],
) -> None:
    for outline in parent:
        if not _is_outline(outline):
            continue
        label = (outline.get("title") or outline.get("text") or "").strip()
        found = _subscription(outline)
        if found is None:
            _walk(outline, [*path, label] if label else path, out, skipped, names)
            continue
        kind, attribute, written = found
        url = (written or "").strip()
        problem, meant = _why_not(written, attribute)
        if problem:
            skipped.append(
                SkippedOutline(outline.sourceline, label, url, kind.name, problem, meant)
            )
            continue
        name = _unique(label or host_name(meant), names)
        out.append(
            Source(
                name=name,
                kind=kind.name,
                location=meant,
                category=CATEGORY_SEPARATOR.join(path) or None,
            )
        )


def _is_outline(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element).localname == "outline"


def _subscription(outline: etree._Element) -> tuple[Kind, str, str | None] | None:
    """The kind of source ``outline`` subscribes to, the attribute its address is in and the
    address as written (None: the attribute is missing); None for a folder (an outline
    holding others, or naming nothing). A folder some reader writes with an empty address
    is a folder all the same."""
    folder = any(_is_outline(child) for child in outline)
    outline_type = (outline.get("type") or "").lower()
    xml_url = outline.get("xmlUrl", outline.get("xmlurl"))
    feed = kinds.by_opml_type(FEED_TYPE)
    if feed is not None and (xml_url is not None or outline_type == FEED_TYPE):
        if folder and not (xml_url or "").strip():
            return None
        return feed, "xmlUrl", xml_url
    # Another kind, as export writes it: a page is type="link" with its url.
    kind = kinds.by_opml_type(outline_type) if outline_type else None
    url = outline.get("url")
    if kind is None or url is None or (folder and not url.strip()):
        return None
    return kind, "url", url


def _why_not(written: str | None, attribute: str) -> tuple[str, str]:
    """Why the address ``written`` in an outline's ``attribute`` (None: it has none) cannot be
    imported ("" when it can), and the web address it stands for: itself, a ``feed:`` link's,
    or (when it cannot be imported) the one it most likely meant, which digest does not take
    on a guess, as it does not from a config or ``sources add``."""
    url = (written or "").strip()
    if not url:
        return f"its {attribute} is {'empty' if written is not None else 'missing'}", ""
    location = from_feed_scheme(url) or url
    try:
        parts = urlsplit(location)
    except ValueError:  # "http://[::1/feed": an IPv6 address left open
        return f"'{url}' is not a web address", ""
    if parts.scheme not in ("http", "https"):
        # (file:, javascript:... have no place here; "example.org/rss" has lost its scheme)
        return f"'{url}' is not a web address (http or https)", with_scheme(url)
    if not names_a_server(parts):  # (as the config would refuse it: "https:/", a bad port)
        return f"'{url}' names no server", with_scheme(url)
    return "", location


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
    sources: Sequence[Source],
    title: str = "digest subscriptions",
    now: dt.datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> bytes:
    """An OPML 2.0 document of the web feeds and pages, categories as nested outlines, each
    by the name it is shown by (``names``, by its key: a feed's own title for a source the
    config leaves unnamed; its key when not given).

    Local folders and files are left out: their paths mean nothing to another reader.
    Control characters, which XML cannot hold, are left out of the names and titles (a
    config's may have one: TOML writes "\u0007")."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = strip_control_chars(title)
    etree.SubElement(head, "dateCreated").text = format_datetime(
        now or dt.datetime.now(dt.UTC), usegmt=True
    )
    body = etree.SubElement(root, "body")
    folders: dict[tuple[str, ...], etree._Element] = {(): body}
    for source in sources:
        if not is_web_source(source):
            continue
        category = strip_control_chars(source.category or "")
        path = tuple(p for p in category.split(CATEGORY_SEPARATOR) if p)
        for depth in range(1, len(path) + 1):
            if path[:depth] not in folders:
                folders[path[:depth]] = etree.SubElement(
                    folders[path[: depth - 1]], "outline", text=path[depth - 1]
                )
        opml_type = kinds.kind(source.kind).opml_type or ""
        name = strip_control_chars((names or {}).get(source.name, source.name))
        attributes = {"type": opml_type, "text": name, "title": name}
        if opml_type == FEED_TYPE:
            attributes["xmlUrl"] = source.location
        else:
            attributes = {"type": opml_type, "text": name, "url": source.location}
        etree.SubElement(folders[path], "outline", attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
