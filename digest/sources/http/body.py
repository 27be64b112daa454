"""A response body decoded under a size cap: the decoders ``transfer`` feeds it through.

The cap counts the bytes after decompression: decoding is incremental with a bounded output at
every step, so a few hundred bytes of gzip or brotli "bomb" cannot inflate to gigabytes in
memory. Brotli is offered (``ACCEPT_ENCODING``) only where the installed brotli can bound its
output. A body whose declared length is over the cap is refused at its headers.

A compressed body must end where its compression says it ends: a gzip, deflate or brotli
stream cut short (the connection dropped, a proxy gave up) raises ``CutShort``, so that what
arrived is never taken for the whole document. (A body shorter than its Content-Length, or a
chunked body without its last chunk, is refused by libcurl itself.)

A body that cannot be taken raises an ``UnusableBody`` whose message is the problem and whose
``advice`` says what to do.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None


class UnusableBody(Exception):
    """A response body that cannot be taken; ``advice`` says what to do about it."""

    advice = ""


class TooLarge(UnusableBody):
    advice = "check the URL, or raise [fetch] max_mb in the config"


class BadEncoding(UnusableBody):
    advice = "the site sent a damaged response; if this persists, tell its owner"


class CutShort(Exception):
    """The body ended before its compressed stream did: a download cut short, worth trying
    again (the message says which stream)."""


def size_text(n: int) -> str:
    """``n`` bytes as a person reads a size: "1.5 MB", "2,048 MB" (never "2.05e+03 MB")."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"
    return f"{n} bytes"


# --- decompression with a bounded output -------------------------------------------------


class _Decoder(Protocol):
    name: str

    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode ``data``; returning more than ``limit - 1`` bytes means "over the cap"."""
        ...

    @property
    def finished(self) -> bool:
        """Whether the stream has reached its end (for a compressed one, its end marker)."""
        ...


class _ZlibDecoder:
    def __init__(self, name: str) -> None:
        self.name = name
        # "deflate" is meant to be zlib-wrapped but is often raw: which one it is shows only
        # once zlib has decoded something or refused it, and the first pieces may be too
        # short for either (a byte at a time): kept until then, to be decoded again as raw
        self._head: bytes | None = b"" if name == "deflate" else None
        # a gzip body may be several members one after another (RFC 1952): after the first,
        # bytes that decode to nothing are trailing bytes, and ignored
        self._later_member = self._ignoring = False
        self._member_out = 0  # bytes the current member has decoded to
        self._zlib = self._start()

    def _start(self) -> Any:
        # gzip has a header
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self.name == "gzip" else zlib.MAX_WBITS)

    def decode(self, data: bytes, limit: int) -> bytes:
        if self._head is not None:
            return self._decode_first(data, limit)
        out = b""
        while data and not self._ignoring:
            if self._zlib.eof:
                if self.name != "gzip":
                    break  # trailing bytes after the compressed stream
                self._zlib, self._later_member, self._member_out = self._start(), True, 0
            try:
                piece = self._zlib.decompress(data, limit - len(out))
            except zlib.error as exc:
                if self._later_member and not self._member_out:  # not a member: ignored
                    self._ignoring = True
                    break
                raise BadEncoding(
                    f"the {self.name} compressed response is damaged ({exc})"
                ) from exc
            out += piece
            self._member_out += len(piece)
            if len(out) >= limit:
                break
            data = self._zlib.unused_data if self._zlib.eof else b""
        return out

    def _decode_first(self, data: bytes, limit: int) -> bytes:
        assert self._head is not None
        self._head += data
        try:
            out = self._zlib.decompress(data, limit)
        except zlib.error:
            head, self._head = self._head, None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return self.decode(head, limit)
        if out or self._zlib.eof:
            self._head = None
        return out

    @property
    def finished(self) -> bool:
        if self._ignoring or (self._later_member and not self._member_out):
            return True
        return bool(self._zlib.eof)


class _BrotliDecoder:
    name = "brotli"

    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()

    @property
    def finished(self) -> bool:
        return bool(self._brotli.is_finished())

    def decode(self, data: bytes, limit: int) -> bytes:
        try:
            if _BROTLI_BOUNDED:
                return self._brotli.process(data, output_buffer_limit=limit)
            # old brotli cannot bound its output: feed it small slices and check as we go
            out = bytearray()
            for i in range(0, len(data), 1024):
                out += self._brotli.process(data[i : i + 1024])
                if len(out) >= limit:
                    break
            return bytes(out)
        except brotli.error as exc:
            raise BadEncoding(f"the brotli compressed response is damaged ({exc})") from exc


class _Identity:
    name = "identity"
    finished = True

    def decode(self, data: bytes, limit: int) -> bytes:
        return data


def decoders_for(content_encoding: str) -> list[_Decoder]:
    """Decoders in the order to apply them (the reverse of the order the server applied)."""
    decoders: list[_Decoder] = []
    for name in reversed([n.strip().lower() for n in content_encoding.split(",")]):
        if name in ("gzip", "x-gzip"):
            decoders.append(_ZlibDecoder("gzip"))
        elif name == "deflate":
            decoders.append(_ZlibDecoder("deflate"))
        elif name == "br" and brotli is not None:
            decoders.append(_BrotliDecoder())
        # anything else (identity, or a bogus label like "utf-8") passes through untouched
    return decoders or [_Identity()]


def _brotli_is_bounded() -> bool:
    if brotli is None:
        return False
    try:
        brotli.Decompressor().process(b"", output_buffer_limit=1)
    except TypeError:  # brotli < 1.2
        return False
    return True


_BROTLI_BOUNDED = _brotli_is_bounded()
# only offer brotli when its output can be bounded: a few hundred bytes can inflate to GBs
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI_BOUNDED else "gzip, deflate"
