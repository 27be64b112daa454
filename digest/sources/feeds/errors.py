"""The one error a feed document can raise: FeedError, with what is wrong and what to do."""

from __future__ import annotations

from collections.abc import Iterable


class FeedError(Exception):
    """A document that cannot be read as a feed: what is wrong, what to do about it, and any
    feed URLs found in it (an HTML page served at a feed URL often advertises the real one)."""

    def __init__(self, problem: str, advice: str = "", discovered: Iterable[str] = ()) -> None:
        self.problem = problem
        self.advice = advice
        self.discovered = tuple(discovered)
        super().__init__(problem)

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem


def shorten(text: str, limit: int) -> str:
    """A detail quoted in a message (a parser error, an id): one line, at most ``limit`` long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
