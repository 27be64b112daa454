"""lxml elements of a feed → names and text, whatever prefixes and CDATA the document used.

Names: each known namespace gets one fixed prefix ("atom:", "dc:", "content:", "media:"...,
none for RSS), so a reader asks for "dc:creator" however the document spelled it; a prefix
the document never declared is read by its usual meaning; anything else is "other:<local>".
Texts: lifted CDATA sections (see ``xmlsafe``) are put back; an entry body made of one
section is handed over as its UTF-8 bytes, for the HTML converter to read as they are.
"""

from __future__ import annotations

import re

from lxml import etree

from digest.sources.feeds.xmlsafe import CDATA_MARK, lifted_section, unlift

ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_NS_PREFIX = {
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://channel.netscape.com/rdf/simple/0.9/": "",
    "http://backend.userland.com/rss2": "",
    "http://backend.userland.com/rss": "",
    ATOM10: "atom:",
    ATOM03: "atom:",
    "http://purl.org/rss/1.0/modules/content/": "content:",
    "http://purl.org/dc/elements/1.1/": "dc:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://search.yahoo.com/mrss/": "media:",
    "http://search.yahoo.com/mrss": "media:",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes:",
    RDF: "rdf:",
    "http://www.w3.org/1999/xhtml": "xhtml:",
}
_KNOWN_PREFIXES = {prefix[:-1] for prefix in _NS_PREFIX.values() if prefix}
ITEM_TAGS = (
    "item",
    "{http://purl.org/rss/1.0/}item",
    "{http://my.netscape.com/rdf/simple/0.9/}item",
    "{http://backend.userland.com/rss2}item",
)
ENTRY_TAGS = (f"{{{ATOM10}}}entry", f"{{{ATOM03}}}entry", "entry")
_names: dict[str, str] = {}  # lxml tag → normalised name
_atom_names: dict[str, str] = {}  # the same inside Atom entries, "atom:" dropped
_TAG_PREFIX = re.compile(r"(</?)[A-Za-z_][\w.-]*:(?=[A-Za-z_][\w.-]*[\s/>])")


def qname(tag: object) -> str:
    """lxml tag → "prefix:local" with a fixed prefix per known namespace ("" for RSS)."""
    if not isinstance(tag, str):
        return ""  # a comment, processing instruction or entity reference
    name = _names.get(tag)
    if name is not None:
        return name
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        prefix = _NS_PREFIX.get(namespace)
        name = f"other:{local}" if prefix is None else prefix + local
    elif ":" in tag:  # a prefix the document never declared
        prefix, _, local = tag.partition(":")
        prefix = "atom" if prefix.lower() == "atom10" else prefix.lower()
        name = f"{prefix}:{local}" if prefix in _KNOWN_PREFIXES else f"other:{local}"
    else:
        name = tag
    if len(_names) < 10_000:
        _names[tag] = name
    return name


def children(element, atom: bool) -> dict[str, list]:
    """Child elements by normalised name (in an Atom entry, "title" rather than "atom:title")."""
    names = _atom_names if atom else _names
    found: dict[str, list] = {}
    for child in element:
        tag = child.tag
        name = names.get(tag) if isinstance(tag, str) else ""
        if name is None:
            name = qname(tag)
            if atom and name.startswith("atom:"):
                name = name[5:]
            if len(names) < 10_000:
                names[tag] = name
        if name:
            if name in found:
                found[name].append(child)
            else:
                found[name] = [child]
    return found


def first(fields: dict, *names: str):
    """The first element under the first of ``names`` that ``fields`` has, or None."""
    for name in names:
        found = fields.get(name)
        if found:
            return found[0]
    return None


def plain(element) -> str:
    """The text of an element, children included, as a plain string."""
    if element is None:
        return ""
    if len(element) == 0:
        return own_text(element)
    return unlift("".join(t for t in element.itertext() if isinstance(t, str)))


def own_text(element) -> str:
    """element.text, with lifted CDATA sections put back."""
    text = element.text
    if not text:
        return ""
    return unlift(text) if CDATA_MARK in text else text


def markup(element) -> str:
    """An element's content as markup: its text plus its children serialised.

    Namespaced children (Atom xhtml content) serialise with an xmlns attribute, which HTML
    parsers ignore; prefixed names ("xhtml:p") lose their prefix so they read as HTML.
    """
    if len(element) == 0:
        return own_text(element)
    parts = [element.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", with_tail=True) for child in element)
    value = "".join(parts)
    if ":" in value:
        value = _TAG_PREFIX.sub(r"\1", value)
    return unlift(value)


def body(element) -> str | bytes:
    """An entry body as markup: a lifted CDATA section stays UTF-8 bytes for the HTML parser."""
    if len(element) == 0 and (text := element.text) and CDATA_MARK in text:
        section = lifted_section(text)
        if section is not None:
            return section
    return markup(element)
