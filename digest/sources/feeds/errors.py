"""The one error a feed document can raise: FeedError, with what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Iterable

from digest.sources.errors import SourceError


class FeedError(SourceError):
    """A document that cannot be read as a feed: what is wrong, what to do about it, and any
    feed URLs found in it (an HTML page served at a feed URL often advertises the real one)."""

    def __init__(
        self,
        problem: str,
        advice: str = "",
        discovered: Iterable[str] = (),
        *,
        lasting: bool = True,
        momentary: bool = False,
    ) -> None:
        super().__init__(problem, advice, lasting=lasting, momentary=momentary)
        self.discovered = tuple(discovered)


def shorten(text: str, limit: int) -> str:
    """A detail quoted in a message (a parser error, an id): one line, at most ``limit`` long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
