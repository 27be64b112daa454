"""XML made safe and fast to read: the document's preparation and the hardened lxml parser.

A feed is untrusted input. Before lxml sees it (``prepare``):

* the document type declaration is cut out, internal subset and all, so entity bombs and
  external entities have nothing to work with;
* CDATA sections (most of a feed's bytes) are lifted out and replaced by short markers,
  since libxml2 reads them one character at a time; ``unlift`` and ``lifted_section`` put
  them back when a text is read, inside ``LiftedCdata``;
* HTML named entities become character references, other undeclared ones are dropped, and
  a bare ``&`` is escaped.

The parser (``parse_hardened``) loads no DTD, expands no entity, opens no network connection
and recovers from malformed markup, dropping characters XML forbids. Because recovery can
drop entries silently, the markup is the witness: ``count_closes`` counts the closing tags
of items or entries and ``ends_complete`` tells a whole document from a cut-off download.
Because recovery can also cut an entry's text short or mix two entries up, the parser's
errors are located too: ``damaged_entries`` says which entries the markup was broken in.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from html.entities import html5 as _HTML5_ENTITIES
from typing import NamedTuple

from lxml import etree

_FIRST_MARKUP = re.compile(rb"<(!DOCTYPE|[A-Za-z_][\w.:-]*)", re.IGNORECASE)
_DOCTYPE_NAME = re.compile(rb"<!DOCTYPE\s+([\w.:-]+)", re.IGNORECASE)
_SUBSET_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|\]\s*>|[^\"'\]<]+|[\s\S]", re.DOTALL)
# A character reference to a surrogate (U+D800 to U+DFFF, half of a UTF-16 pair) names no
# character: libxml2 reports it but, recovering, puts it in the tree as bytes that are not
# UTF-8, and the text holding it cannot be read (nor can feedparser's). Dropped.
_SURROGATE_REF = (
    rb"#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}"
    rb"|0*(?:55(?:29[6-9]|[3-9][0-9]{2})|56[0-9]{3}|57(?:[0-2][0-9]{2}|3(?:[0-3][0-9]|4[0-3]))));"
)
_SURROGATE_REFS = re.compile(rb"&" + _SURROGATE_REF)
# Every "&" that does not start a reference XML reads as it is: a named entity (1), a
# reference to half a character (2), or a bare "&". One scan of the document for them all.
_FIX_ENTITIES = re.compile(
    rb"&(?!(?:amp|lt|gt|quot|apos);)(?!(?!"
    + _SURROGATE_REF
    + rb")#(?:[0-9]{1,8}|[xX][0-9a-fA-F]{1,8});)"
    rb"(?:([A-Za-z][A-Za-z0-9]{0,31});|(" + _SURROGATE_REF + rb"))?"
)
_ITEM_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?item\s*>")
_ENTRY_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?entry\s*>")
_ROOT_CLOSE = re.compile(
    rb"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|channel|entry)\s*>(?:\s+|<!--.*?-->|<\?.*?\?>)*\Z",
    re.DOTALL,
)


# Errors after which the tree still holds every word of the text around them: a character
# XML forbids, a bad character reference or a stray "<" is dropped, and that is all. Any other
# error inside an entry (a tag left open, an end tag that does not match, the document ending
# in the middle) may have cut the entry's text short or mixed another entry into it.
_HARMLESS_ERRORS = frozenset(
    {
        "ERR_INVALID_CHAR",
        "ERR_INVALID_CHARREF",
        "ERR_INVALID_DEC_CHARREF",
        "ERR_INVALID_HEX_CHARREF",
        "ERR_NAME_REQUIRED",  # a "<" not starting a tag ("a < b"): the "<" alone is lost
        "ERR_RESERVED_XML_NAME",
        "ERR_UNDECLARED_ENTITY",
        "WAR_UNDECLARED_ENTITY",
    }
)
_COMMENT_OR_TAG = {
    name: re.compile(
        r"<!--.*?-->|<(/?)(?:[A-Za-z_][\w.-]*:)?" + name + r"(?=[\s/>])[^>]*?(/?)>", re.DOTALL
    )
    for name in ("item", "entry")
}


class Damage(NamedTuple):
    """Where the parser met markup that may have damaged the text around it: the line and
    column libxml2 reports (the column counts characters, one past the offending token)."""

    line: int
    column: int


class Prepared(NamedTuple):
    """A document ready for lxml, and what was taken out of it to get there."""

    without_doctype: bytes  # the document less its DTD: what the feedparser fallback reads
    for_lxml: bytes  # ...with CDATA lifted and entities fixed as well
    cdata: list[bytes]  # the lifted CDATA sections, by marker index


def declared_root(data: bytes) -> bytes:
    """The root element's name as the prolog announces it: the document type's name, else the
    first tag's (b"" when neither is in the first 64 kB)."""
    first = _FIRST_MARKUP.search(data[:65536])
    if not first:
        return b""
    name = first.group(1)
    if name.upper() == b"!DOCTYPE":
        doctype = _DOCTYPE_NAME.match(data, first.start())
        name = doctype.group(1) if doctype else b""
    return name


def prepare(data: bytes, warnings: list[str]) -> Prepared:
    """Cut the DTD, lift the CDATA sections and fix the entities of a UTF-8 document."""
    data, had_doctype = _strip_doctype(data)
    if had_doctype:
        warnings.append(
            "ignored the document type declaration: entities it declares are not expanded"
        )
    without_doctype = data
    data, lifted = _lift_cdata(data)
    data, dropped = fix_entities(data)
    if dropped:
        warnings.append(f"dropped {dropped} reference(s) to undeclared entities")
    return Prepared(without_doctype, data, lifted)


def parse_hardened(
    data: bytes, warnings: list[str]
) -> tuple[etree._Element | None, list[str], list[Damage]]:
    """(root or None, the parser's errors as "line N: message", where those that may have
    damaged the text are) for a prepared document."""
    parser = _xml_parser(huge=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        root = None
    log = parser.error_log
    if any("XML_PARSE_HUGE" in entry.message for entry in log):
        # A text node over 10 MB, or nesting over 256: read again with the limits raised.
        # Safe because the DTD is gone and entities are never expanded.
        parser = _xml_parser(huge=True)
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError:
            root = None
        log = parser.error_log
        warnings.append(
            "the feed has a text over 10 MB or nests over 256 levels deep:"
            " read with the parser's size limits raised (long texts are cut)"
        )
    errors = [entry for entry in log if entry.level >= 2]
    damage = [
        Damage(entry.line, entry.column)
        for entry in errors
        if entry.domain_name == "PARSER" and entry.type_name not in _HARMLESS_ERRORS
    ]
    return root, [f"line {entry.line}: {entry.message}" for entry in errors], damage


def damaged_entries(data: bytes, name: bytes, damage: list[Damage], count: int) -> set[int] | None:
    """The positions, in document order, of the entries (``name``: b"item" or b"entry") that
    a damaging parser error fell in: an entry runs from its start tag to its end tag, or to
    the end of the document when it is never closed. ``count`` is how many entry elements
    the parser found; None when the markup's start tags do not pair with them one to one
    (the parser dropped or made up some), so that where each error fell cannot be told."""
    if not damage:
        return set()
    text = data.decode("utf-8", "replace")  # libxml2 counts columns in characters
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    last = max(len(text) - 1, 0)  # an error at the very end is in what was open there
    positions = [
        min(line_starts[line - 1] + max(column - 2, 0), last)
        for line, column in damage
        if 0 < line <= len(line_starts)
    ]
    spans: list[list[int]] = []
    open_ones: list[int] = []
    for tag in _COMMENT_OR_TAG[name.decode()].finditer(text):
        if tag.group().startswith("<!--"):
            continue
        if tag.group(1):  # an end tag closes the latest entry still open
            if open_ones:
                spans[open_ones.pop()][1] = tag.end()
            continue
        spans.append([tag.start(), tag.end() if tag.group(2) else len(text)])
        if not tag.group(2):
            open_ones.append(len(spans) - 1)
    if len(spans) != count:
        return None
    return {
        index
        for index, (start, end) in enumerate(spans)
        if any(start <= position < end for position in positions)
    }


def _xml_parser(huge: bool) -> etree.XMLParser:
    return etree.XMLParser(
        encoding="utf-8",
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def count_closes(data: bytes, name: bytes) -> int:
    """How many </item> (or </entry>) end tags the document has, prefixed ones included."""
    closes = data.count(b"</" + name + b">")  # a plain count is far cheaper than a pattern
    if b":" + name + b">" in data or b"</" + name + b" " in data or b"</" + name + b"\n" in data:
        closes = len((_ENTRY_CLOSE if name == b"entry" else _ITEM_CLOSE).findall(data))
    return closes


def ends_complete(data: bytes) -> bool:
    """Whether the document ends with the closing tag of a feed's root element."""
    return bool(_ROOT_CLOSE.search(data[-4096:]))


def fix_entities(data: bytes) -> tuple[bytes, int]:
    """HTML named entities → character references; others dropped, as are references to
    half a character; a bare & escaped."""
    if b"&" not in data:
        return data, 0
    dropped = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal dropped
        name = match.group(1)
        if name is None:
            return b"" if match.group(2) else b"&amp;"
        chars = _HTML5_ENTITIES.get(name.decode("ascii") + ";")
        if chars is None:
            dropped += 1
            return b""
        return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")

    return _FIX_ENTITIES.sub(replace, data), dropped


def drop_surrogate_refs(data: bytes) -> bytes:
    """``data`` without its character references to half a character, for XML read without
    ``fix_entities`` (a sitemap): lxml would keep them as bytes no text can be read from."""
    return _SURROGATE_REFS.sub(b"", data) if b"&#" in data else data


def _strip_doctype(data: bytes) -> tuple[bytes, bool]:
    """Cut the document type declaration, internal subset and all, out of the prolog."""
    first = _FIRST_MARKUP.search(data)
    if not first or first.group(1).upper() != b"!DOCTYPE":
        return data, False
    start, pos, size = first.start(), first.end(), len(data)
    while pos < size:  # up to ">" or the "[" that opens an internal subset
        char = data[pos : pos + 1]
        if char == b">":
            return data[:start] + data[pos + 1 :], True
        if char == b"[":
            break
        if char in (b'"', b"'"):
            close = data.find(char, pos + 1)
            pos = size if close < 0 else close + 1
            continue
        pos += 1
    pos += 1
    while pos < size:  # the subset, skipping quoted values and comments, up to "]>"
        token = _SUBSET_TOKEN.match(data, pos)
        if token is None:  # pragma: no cover - the last alternative matches any byte
            break
        pos = token.end()
        if token.group().startswith(b"]") and token.group().endswith(b">"):
            return data[:start] + data[pos:], True
    return data[:start], True


# --------------------------------------------------------------------------------------------
# CDATA lifting


CDATA_MARK = "\ue000"
_CDATA_MARK_BYTES = CDATA_MARK.encode()
_CDATA_REF = re.compile("\ue000([0-9]+)\ue001")
_CDATA_ONLY = re.compile("\\s*\ue000([0-9]+)\ue001\\s*")
_lifted: ContextVar[list[bytes] | None] = ContextVar("lifted_cdata", default=None)


def _lift_cdata(data: bytes) -> tuple[bytes, list[bytes]]:
    """Cut CDATA sections out of the document, leaving a short marker in each one's place.

    libxml2 reads CDATA a character at a time, and feed bodies are mostly CDATA; finding the
    sections with bytes.find is several times faster. The markers (private-use characters
    around an index) are put back by unlift when a text is read. Comments are skipped so a
    "<![CDATA[" inside one is not taken for a section; an unterminated section is left as it
    is, and so is a document that already contains the marker character.
    """
    if b"<![CDATA[" not in data or _CDATA_MARK_BYTES in data:
        return data, []
    out: list[bytes] = []
    store: list[bytes] = []
    pos = 0
    while (start := data.find(b"<![CDATA[", pos)) >= 0:
        comment = data.find(b"<!--", pos, start)
        if comment >= 0:
            end = data.find(b"-->", comment + 4)
            if end < 0:
                break
            out.append(data[pos : end + 3])
            pos = end + 3
            continue
        end = data.find(b"]]>", start + 9)
        if end < 0:
            break
        out.append(data[pos:start])
        out.append(b"\xee\x80\x80%d\xee\x80\x81" % len(store))
        store.append(data[start + 9 : end])
        pos = end + 3
    out.append(data[pos:])
    return b"".join(out), store


class LiftedCdata:
    """``with LiftedCdata(store):`` around the reading of a tree makes unlift and
    lifted_section read that document's sections. (A class rather than a
    contextlib.contextmanager, which costs twice as much to enter on every document.)"""

    __slots__ = ("_store", "_token")

    def __init__(self, store: list[bytes]) -> None:
        self._store = store

    def __enter__(self) -> None:
        self._token = _lifted.set(self._store)

    def __exit__(self, *exc_info: object) -> None:
        _lifted.reset(self._token)


def unlift(text: str) -> str:
    """``text`` with the CDATA sections its markers stand for put back."""
    store = _lifted.get()
    if not store or CDATA_MARK not in text:
        return text
    if whole := _CDATA_ONLY.fullmatch(text):  # the usual case: the text is one section
        return store[int(whole.group(1))].decode("utf-8")
    return _CDATA_REF.sub(lambda m: store[int(m.group(1))].decode("utf-8"), text)


def lifted_section(text: str) -> bytes | None:
    """The CDATA section, as UTF-8 bytes, when ``text`` is one section's marker (and spaces)."""
    store = _lifted.get()
    match = _CDATA_ONLY.fullmatch(text)
    if store and match:
        return store[int(match.group(1))]
    return None
