"""The one shape of digest's errors: what went wrong (``problem``) and what to do (``advice``).

Whoever reads an error is usually looking at a cron mail hours after the fact, so every error
a user can meet says both, and every layer shows them the same way: the command line prints
the problem, then the advice; a build lists failed sources with both in the digest's footer.
"""

from __future__ import annotations


class DigestError(Exception):
    """Something digest could not do: ``problem`` says what happened, ``advice`` what to do."""

    def __init__(self, problem: str, advice: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice

    def __str__(self) -> str:
        return f"{self.problem} ({self.advice})" if self.advice else self.problem
