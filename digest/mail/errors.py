"""The one error the email raises: ``MailError``, saying what went wrong and what to do."""

from __future__ import annotations


class MailError(Exception):
    """Building or sending the email failed: what went wrong, and what to do about it."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem, advice)
        self.problem = problem
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem
