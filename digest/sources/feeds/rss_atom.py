"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 trees → raw entries.

Reads what each format puts where, as lenient readers do: the feed's title, home page and
author; each entry's title, link (RSS ``<link>``, an Atom link, an RSS 2.0 permalink guid, an
http(s) Atom id), guid, dates in order of preference, author, categories, and every body
candidate (content, description, summary, Media RSS descriptions). Relative links resolve against
``xml:base`` where the document uses it, else the document's own URL, its self link or its
home page. One entry that cannot be read is skipped with a warning; the rest are kept.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from digest.sources.feeds.content import MAX_TITLE_CHARS, clip, title_text
from digest.sources.feeds.elements import (
    ENTRY_TAGS,
    ITEM_TAGS,
    RDF,
    XML_BASE,
    body,
    children,
    first,
    markup,
    own_text,
    plain,
    qname,
)
from digest.sources.feeds.entries import RawEntry, RawFeed, absolute_url, join_url
from digest.sources.urls import is_safe_link

# The root elements of the documents read here; "entry" is an Atom entry document.
FEED_ROOTS = frozenset({"rss", "rdf:RDF", "RDF", "channel", "feed", "entry"})

_RSS_DATES = ("pubDate", "dc:date", "dcterms:issued", "dcterms:created", "atom:published",
              "published", "dcterms:modified", "atom:updated", "updated")  # fmt: skip
_RSS_CONTENTS = (("content:encoded", "html"), ("description", "auto"), ("xhtml:body", "html"),
                 ("body", "html"), ("summary", "auto"), ("itunes:summary", "text"),
                 ("atom:summary", "auto"))  # fmt: skip
_ATOM_DATES = ("published", "issued", "created", "dc:date", "updated", "modified")
_EMAIL_NAME = re.compile(r"\S+@\S+\s*\((.+)\)")


def root_kind(root) -> str:
    """The root element's name, "atom:" dropped: "rss", "feed", "entry", "rdf:RDF"..."""
    kind = qname(root.tag)
    return kind[5:] if kind.startswith("atom:") else kind


def entry_elements(root, kind: str) -> list:
    """The elements that are entries: a channel's items, a feed's entries, or the root itself."""
    if kind == "entry":
        return [root]
    return list(root.iter(*ENTRY_TAGS if kind == "feed" else ITEM_TAGS))


def read_tree(
    root,
    kind: str,
    elements: list,
    xml_base: bool,
    url: str | None,
    warnings: list[str],
    damaged: Collection[int] = (),
) -> RawFeed:
    """The feed whose root is ``root`` (of ``root_kind`` ``kind``) and whose entries are
    ``elements``. ``xml_base``: whether the document uses xml:base at all (most do not, and
    looking for it on every link costs time); ``url``: where the document came from;
    ``damaged``: the positions in ``elements`` of entries recovered from broken markup."""
    atom = kind in ("feed", "entry")
    if kind == "entry":
        channel = None
    elif atom or kind == "channel":
        channel = root
    else:
        channel = next((c for c in root if qname(c.tag) in ("channel", "atom:channel")), None)
    meta = children(channel, atom) if channel is not None else {}
    title = ""
    if meta.get("title"):
        value, is_html = _atom_text(meta["title"][0]) if atom else (markup(meta["title"][0]), True)
        title = clip(title_text(value, is_html), MAX_TITLE_CHARS)
    if atom:
        feed_link = _atom_link(meta.get("link", ()), None)
        self_link = _atom_link(meta.get("link", ()), None, rel="self")
    else:
        feed_link = next(
            (v for e in meta.get("link", ()) if (v := plain(e).strip() or e.get("href", ""))),
            None,
        )
        self_link = _atom_link(meta.get("atom:link", ()), None, rel="self")
    doc_base = url or absolute_url(self_link) or absolute_url(feed_link)
    if feed_link and doc_base:
        feed_link = join_url(doc_base, feed_link)
    feed_author = _atom_person(meta["author"][0]) if atom and meta.get("author") else None
    if atom:
        categories = (_atom_category(e) for e in meta.get("category", ()))
    else:
        categories = (plain(e) for e in meta.get("category", ()))
    filed = tuple(dict.fromkeys(c for c in (" ".join(c.split()) for c in categories) if c))

    raws = []
    for index, element in enumerate(elements):
        base = _xml_base(element, doc_base) if xml_base else doc_base
        try:
            if atom:
                raw = _atom_entry(element, base, xml_base)
                raw.author = raw.author or feed_author
            else:
                raw = _rss_entry(element, base, xml_base)
        except Exception as exc:  # one odd entry must not cost the rest of the feed
            warnings.append(f"skipped an entry that could not be read: {exc!r:.120}")
            continue
        raw.damaged = index in damaged
        raws.append(raw)
    site_name = "" if atom or channel is None else _image_title(meta, root)
    return RawFeed(title, feed_link, raws, "lxml", site_name=site_name, categories=filed)


def _image_title(meta: dict, root) -> str:
    """The title of an RSS channel's image, which most feeds give as their site's name:
    inside the channel (RSS 0.9x, 2.0), or beside it (RSS 1.0, whose channel only points at
    it)."""
    image = first(meta, "image")
    if image is None or len(image) == 0:
        image = next((c for c in root if qname(c.tag) == "image" and len(c)), None)
    if image is None:
        return ""
    title = next((c for c in image if qname(c.tag) == "title"), None)
    return "" if title is None else clip(title_text(markup(title), True), MAX_TITLE_CHARS)


def _xml_base(element, doc_base: str | None) -> str | None:
    chain = []
    node = element
    while node is not None:
        if value := node.get(XML_BASE):
            chain.append(value.strip())
        node = node.getparent()
    base = doc_base
    for value in reversed(chain):
        base = join_url(base, value) if base else value
    return base


def _own_base(element, base: str | None) -> str | None:
    """``base`` (the entry's, its ancestors' xml:base already applied) with the xml:base of
    ``element``, one of the entry's children, applied too."""
    value = (element.get(XML_BASE) or "").strip()
    if not value:
        return base
    return join_url(base, value) if base else value


def _rss_entry(item, base: str | None, xml_base: bool) -> RawEntry:
    fields = children(item, atom=False)
    raw = RawEntry(base=base)
    if (title := first(fields, "title", "dc:title", "atom:title")) is not None:
        raw.title = markup(title)
    link = None
    for element in fields.get("link", ()):
        if link := plain(element).strip() or element.get("href", "").strip():
            if xml_base:
                link = join_url(_own_base(element, base), link)
            break
    if not link and "atom:link" in fields:
        link = _atom_link(fields["atom:link"], base)
    if (guid := first(fields, "guid")) is not None:
        raw.guid = plain(guid).strip() or None
        if not link and raw.guid and guid.get("isPermaLink", "true").lower() != "false":
            link = raw.guid  # RSS 2.0: a guid is the item's permalink unless it says not
    if raw.guid is None:
        raw.guid = (item.get(f"{{{RDF}}}about") or "").strip() or None
    raw.link = link or None
    for name in _RSS_DATES:
        for element in fields.get(name, ()):
            raw.dates.append(plain(element))
    author = first(fields, "dc:creator", "author", "itunes:author", "atom:author")
    if author is not None:
        raw.author = _rss_author(author)
    if (publisher := first(fields, "source")) is not None:
        raw.publisher = plain(publisher).strip() or None  # RSS 2.0: the channel it came from
    for name in ("category", "dc:subject"):
        raw.tags.extend(plain(element) for element in fields.get(name, ()))
    for element in fields.get("atom:category", ()):
        raw.tags.append(_atom_category(element))
    for name, kind in _RSS_CONTENTS:
        for element in fields.get(name, ()):
            raw.contents.append((body(element), kind))
    for element in fields.get("atom:content", ()):
        raw.contents.append(_atom_content(element))
    if "media:group" in fields or "media:content" in fields or "media:description" in fields:
        _media(fields, raw)
    return raw


def _atom_entry(entry, base: str | None, xml_base: bool) -> RawEntry:
    fields = children(entry, atom=True)
    raw = RawEntry(base=base)
    if (title := first(fields, "title")) is not None:
        raw.title, raw.title_is_html = _atom_text(title)
    raw.link = _atom_link(fields.get("link", ()), base, xml_base=xml_base)
    raw.guid = plain(first(fields, "id")).strip() or None
    if raw.link is None and raw.guid and is_safe_link(raw.guid):
        raw.link = raw.guid  # an http(s) id is the entry's address
    for name in _ATOM_DATES:
        for element in fields.get(name, ()):
            raw.dates.append(plain(element))
    if (author := first(fields, "author")) is not None:
        raw.author = _atom_person(author)
    elif fields.get("dc:creator"):
        raw.author = plain(fields["dc:creator"][0])
    if (origin := first(fields, "source")) is not None:
        # Atom: the feed an entry was copied from (a planet's), named by its title
        title = next((c for c in origin if qname(c.tag) in ("atom:title", "title")), None)
        if title is not None:
            raw.publisher = title_text(*_atom_text(title)) or None
    raw.tags.extend(_atom_category(element) for element in fields.get("category", ()))
    for name in ("content", "summary"):
        for element in fields.get(name, ()):
            if not element.get("src"):  # out-of-line content has nothing to read here
                raw.contents.append(_atom_content(element))
    for element in fields.get("content:encoded", ()):
        raw.contents.append((body(element), "html"))
    if "media:group" in fields or "media:content" in fields or "media:description" in fields:
        _media(fields, raw)
    return raw


def _atom_category(element) -> str:
    """An Atom category as it is shown: its label, else its term."""
    return (element.get("label") or "").strip() or (element.get("term") or "").strip()


def _media(fields: dict, raw: RawEntry) -> None:
    """Media RSS (YouTube and podcasts): description as content, title if none."""
    candidates = list(fields.get("media:description", ()))
    for group in (*fields.get("media:group", ()), *fields.get("media:content", ())):
        for child in group:
            name = qname(child.tag)
            if name == "media:description":
                candidates.append(child)
            elif name == "media:title" and not raw.title:
                raw.title, raw.title_is_html = plain(child), False
    for element in candidates:
        if element.get("type", "").lower() == "html":
            raw.contents.append((markup(element), "html"))
        else:
            raw.contents.append((plain(element), "text"))


def _atom_text(element) -> tuple[str, bool]:
    """(value, is_html) of an Atom text construct (1.0 type=, 0.3 type= and mode=)."""
    kind = (element.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml") or len(element):
        return markup(element), True
    if element.get("mode", "").lower() == "base64":
        return "", False
    if "html" in kind:
        return own_text(element), True
    return own_text(element), False


def _atom_content(element) -> tuple[str, str]:
    value, is_html = _atom_text(element)
    kind = (element.get("type") or "").lower()
    if not is_html and kind not in ("", "text", "text/plain"):
        return "", "text"  # base64 or some other media type: nothing to read
    return value, "html" if is_html else "text"


def _atom_link(links, base, rel: str = "alternate", xml_base: bool = False):
    best, best_rank = None, 2
    for element in links:
        href = (element.get("href") or plain(element)).strip()
        if not href:
            continue
        link_rel = (element.get("rel") or "alternate").strip().lower()
        if link_rel != rel and not link_rel.endswith("/" + rel):
            continue
        link_type = (element.get("type") or "").lower()
        rank = 0 if link_type in ("", "text/html", "application/xhtml+xml") else 1
        if rank < best_rank:
            link_base = _own_base(element, base) if xml_base else base
            best, best_rank = join_url(link_base, href), rank
    return best


def _atom_person(element) -> str | None:
    for child in element:
        if qname(child.tag) in ("atom:name", "name"):
            return plain(child)
    return plain(element) or None


def _rss_author(element) -> str | None:
    for child in element:
        if qname(child.tag) in ("atom:name", "name"):
            return plain(child)
    value = plain(element).strip()
    match = _EMAIL_NAME.fullmatch(value)  # "jane@example.org (Jane Doe)" → "Jane Doe"
    return match.group(1) if match else value
