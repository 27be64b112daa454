"""Bytes → str, for text that arrives with no trustworthy encoding label.

Real files and feeds mix encodings: a UTF-8 article with one Windows-1252 curly quote pasted
in, a "UTF-8" feed that is really cp1252. Decoding the whole input in a legacy charset would
turn every valid UTF-8 character into mojibake, so valid UTF-8 is kept as it is and only the
byte runs that are not UTF-8 are read as Windows-1252 (Latin-1 for the five bytes cp1252
leaves undefined).
"""

from __future__ import annotations

import codecs
import re

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
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            break
    else:
        text = data.decode("utf-8", errors="digest-cp1252-fallback")
    return strip_control_chars(text)


def strip_control_chars(text: str) -> str:
    """Remove characters that are invalid in XML 1.0 and meaningless in prose."""
    return _CONTROL_CHARS.sub("", text)
