"""For tests that text from a feed cannot reorder what follows it on a line."""

from __future__ import annotations


def open_bidi(text: str) -> list[str]:
    """The bidi embeddings, overrides and isolates ``text`` leaves open at its end (UAX #9's
    matching: a PDF closes the innermost embedding or override inside the innermost isolate,
    a PDI the innermost isolate and all opened inside it)."""
    stack: list[str] = []
    for c in text:
        if c in "\u202a\u202b\u202d\u202e":
            stack.append("embedding")
        elif c == "\u202c" and stack and stack[-1] == "embedding":
            stack.pop()
        elif c in "\u2066\u2067\u2068":
            stack.append("isolate")
        elif c == "\u2069" and "isolate" in stack:
            while stack.pop() != "isolate":
                pass
    return stack
