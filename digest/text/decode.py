"""Bytes → str: the one place that decides how input bytes are decoded.

Everything digest reads arrives as bytes: article files with no label at all, feeds labelled
by an HTTP header and an XML declaration, pages labelled by a header and ``<meta charset>``.
Labels are often wrong, so the bytes decide where they can:

* A byte-order mark wins over every label.
* Bytes that are valid UTF-8 (and not plain ASCII) are read as UTF-8 whatever a label says:
  legacy-encoded text is practically never valid UTF-8 by accident, while a stale label on a
  UTF-8 document is common.
* Otherwise the first label that can be right decides, read as a browser reads it (the WHATWG
  Encoding Standard: "iso-8859-1" means Windows-1252, "gb2312" means GB18030, ...). A label of
  UTF-8 or UTF-16 is skipped, since the bytes have just proved it wrong.
* With no usable label, text is read as UTF-8 with each invalid byte run repaired as
  Windows-1252 (``decode_bytes``): a UTF-8 article with one pasted-in curly quote keeps every
  other character, where decoding the whole input as cp1252 would turn it into mojibake.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

# Byte-order marks and the encodings they announce, longest first (UTF-32 LE starts like UTF-16 LE).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than tab, newline and carriage return, DEL, and the C1 block: none belong
# in article text, and XML 1.0 forbids most of them (a NUL in a title breaks the Atom feed).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

# ---------------------------------------------------------------------------------------------
# The label table (WHATWG Encoding Standard, https://encoding.spec.whatwg.org/#names-and-labels)
#
# Python's codec registry already knows most labels and their aliases; these are the places
# where a browser reads a label differently from Python's codec of that name.

# Labels browsers know and Python does not (or knows as something else), lower case.
_WHATWG_LABELS = {
    "iso-8859-8-i": "iso8859-8",
    "csiso88598i": "iso8859-8",
    "logical": "iso8859-8",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
    "csmacintosh": "mac-roman",
    "windows-874": "cp874",
    "dos-874": "cp874",
    "x-gbk": "gb18030",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "windows-949": "cp949",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "koi8-ru": "koi8-u",
    "unicode-1-1-utf-8": "utf-8",
    "unicode11utf8": "utf-8",
    "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8",
}

# Python codec names that a browser decodes with a wider table: the superset is what the
# labelled documents really use (a "GB2312" page full of GBK characters, a "Shift_JIS" page
# with Microsoft's extensions, an "ISO-8859-1" page with curly quotes).
_WIDER_CODEC = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}

# The encodings the standard has, by Python codec name (after the two tables above): a label
# for anything else (UTF-7, EBCDIC, Python's text transforms and bytes-to-bytes codecs) is
# unusable, as it is to a browser, and the bytes decide alone.
_WHATWG_CODECS = frozenset(
    {
        "utf-8",
        "utf-16-le",
        "utf-16-be",
        "utf-16",
        "cp866",
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "cp874",
        *(f"cp{n}" for n in range(1250, 1259)),
        "gb18030",
        "big5hkscs",
        "euc_jp",
        "iso2022_jp",
        "cp932",
        "cp949",
    }
)


def codec_for(label: str) -> str | None:
    """The Python codec a charset label means to a browser, or None if it is unusable."""
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    label = _WHATWG_LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    name = _WIDER_CODEC.get(name, name)
    return name if name in _WHATWG_CODECS else None


# ---------------------------------------------------------------------------------------------
# Where labels are declared

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(
    rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", re.IGNORECASE
)
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
# How far into a page a browser looks for <meta charset> (the HTML prescan reads 1024 bytes;
# pages with long inline scripts before it are common, so a little more).
PRESCAN_BYTES = 4096

Declared = tuple[str, str]  # (where the label was found, the label)


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP ``Content-Type`` header, if any."""
    match = _HEADER_CHARSET.search(content_type) if content_type else None
    return match.group(1) if match else None


def xml_declared_charset(head: bytes) -> str | None:
    """The encoding named by an XML declaration at the very start of ``head``."""
    match = _XML_DECL_ENCODING.match(head[:512])
    return match.group(1).decode("ascii") if match else None


def html_declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in its XML declaration or first ``<meta charset>``."""
    head = head[:PRESCAN_BYTES]
    found = xml_declared_charset(head)
    if found:
        return found
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii", errors="ignore") if match else None


# ---------------------------------------------------------------------------------------------
# Decoding


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the mark's length, if ``data`` has one."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def is_utf8(data: bytes) -> bool:
    """True when ``data`` is valid UTF-8 and not plain ASCII (which every label agrees on)."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def pick_codec(
    data: bytes,
    declared: Sequence[Declared],
    warnings: list[str] | None = None,
    *,
    what: str = "document",
    valid_utf8: bool | None = None,
) -> str | None:
    """The codec to decode ``data`` (without a BOM) with, or None for ``decode_bytes``.

    ``declared`` lists the labels in order of authority (an HTTP header before the document's
    own declaration). ``warnings``, when given, collects a note for each label the bytes
    contradict, naming ``what`` was read. ``valid_utf8`` is ``is_utf8(data)`` if the caller
    knows it already (a large feed is not scanned twice).
    """
    if data.isascii():
        return None
    if is_utf8(data) if valid_utf8 is None else valid_utf8:
        if warnings is not None:
            for where, label in declared:
                if codec_for(label) not in (None, "utf-8"):
                    warnings.append(
                        f"the {where} says {label} but the bytes are valid UTF-8: read as UTF-8"
                    )
                    break
        return None
    for _where, label in declared:
        codec = codec_for(label)
        if codec is None or codec == "utf-8" or codec.startswith(("utf-16", "utf-32")):
            continue  # unknown, or proved wrong by the bytes
        return None if codec == "cp1252" else codec
    if warnings is not None:
        labels = [label for _, label in declared]
        if not labels or all(codec_for(label) == "utf-8" for label in labels):
            warnings.append(
                f"the {what} is not valid UTF-8"
                + (" although it says it is" if labels else "")
                + ": the invalid bytes were read as Windows-1252"
            )
    return None


def decode_declared(
    data: bytes,
    declared: Sequence[Declared] = (),
    warnings: list[str] | None = None,
    *,
    what: str = "document",
) -> str:
    """Decode a document whose encoding may be declared (see the module docstring)."""
    if bom_encoding(data):
        return decode_bytes(data)
    codec = pick_codec(data, declared, warnings, what=what)
    if codec is None:
        return decode_bytes(data)
    return decode_as(data, codec, declared, warnings)


def decode_as(
    data: bytes, codec: str, declared: Sequence[Declared] = (), warnings: list[str] | None = None
) -> str:
    """Decode with the codec ``pick_codec`` chose; bytes it cannot read become U+FFFD."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        if warnings is not None:
            where, label = next(
                ((w, lab) for w, lab in declared if codec_for(lab) == codec), ("label", codec)
            )
            warnings.append(f"some bytes are not valid {label} (the {where}'s encoding)")
    return strip_control_chars(text)


def decode_page(data: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page as a browser would: a BOM, else the charset of the HTTP
    ``Content-Type``, else the page's XML declaration or ``<meta charset>``, else UTF-8."""
    declared: list[Declared] = []
    if label := header_charset(content_type):
        declared.append(("HTTP header", label))
    if label := html_declared_charset(data):
        declared.append(("page", label))
    return decode_declared(data, declared, what="page")


def _legacy_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="ignore") if _all_cp1252(bad) else bad.decode(
        "latin-1"
    ), error.end


def _all_cp1252(chunk: bytes) -> bool:
    return not any(b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in chunk)


codecs.register_error("digest-cp1252-fallback", _legacy_fallback)


def decode_bytes(data: bytes) -> str:
    """Decode text of unknown encoding: BOM if any, else UTF-8 with a cp1252 fallback per bad run.

    Control characters that have no place in text are dropped.
    """
    found = bom_encoding(data)
    if found:
        encoding, skip = found
        text = data[skip:].decode(encoding, errors="replace")
    else:
        text = data.decode("utf-8", errors="digest-cp1252-fallback")
    return strip_control_chars(text)


# A character or entity reference: "&amp;", "&#8217;", "&#x2019;".
ENTITY_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def unescape_leftovers(text: str) -> str:
    """Text that is still entity-encoded once its markup was decoded, decoded once more.

    Many feeds escape their HTML twice, so that "Kessler &amp; Roe" or "Finch&#8217;s" is what
    is left after one decoding. It is decoded again only when every "&" in it starts a
    reference: text that shows "&amp;" on purpose (an article about HTML) nearly always has a
    bare "&" beside it, and is left as written.
    """
    if "&" not in text:
        return text
    references = len(ENTITY_REF.findall(text))
    if not references or references != text.count("&"):
        return text
    return ENTITY_REF.sub(_character, text)


def unescape_text(text: str) -> str:
    """Plain text written with character references ("&nbsp;", "&#8217;"), as its characters.

    Feeds put entities in what they call text, and escape them twice too ("&amp;nbsp;"). Only
    whole references are read: ``html.unescape`` also reads HTML's old names without their
    ";", which in plain text are an address's query ("?id=4&section=news&region=eu" would read
    "?id=4\u00a7ion=news\u00aeion=eu").
    """
    if "&" not in text or not ENTITY_REF.search(text):
        return text
    return unescape_leftovers(ENTITY_REF.sub(_character, text))


def _character(reference: re.Match[str]) -> str:
    """One reference's character; a name HTML does not define stays as it was written."""
    import html
    from html.entities import html5

    written = reference.group()
    if written[1] == "#":
        return html.unescape(written)
    return html5.get(written[1:], written)


def strip_control_chars(text: str) -> str:
    """Remove characters that are invalid in XML 1.0 and meaningless in prose."""
    return _CONTROL_CHARS.sub("", text)
