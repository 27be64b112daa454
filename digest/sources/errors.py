"""The error every ingestor raises when a whole source cannot be read."""

from __future__ import annotations


class SourceError(Exception):
    """A source that failed as a whole: ``problem`` says what happened, ``advice`` what to do."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice
