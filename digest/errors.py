"""The one shape of digest's errors: what went wrong (``problem``) and what to do (``advice``).

Whoever reads an error is usually looking at a cron mail hours after the fact, so every error
a user can meet says both, and every layer shows them the same way: the command line prints
the problem, then the advice; a build's report lists failed sources with both (the digest's
footer, which its readers see, names each with a short reason only: see ``SourceFailure``).
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


def as_toml(text: str) -> str:
    """``text`` as a TOML file writes it, for a message that quotes what the user wrote there
    (a pattern, a filter rule): a literal string with its backslashes as written
    (``'\\bad\\b'``), or a basic string when it holds a quote or a control character, which a
    literal string cannot. Python's repr would double every backslash."""
    if "'" not in text and not any(_control(c) for c in text):
        return f"'{text}'"
    escaped = (_TOML_ESCAPES.get(c, f"\\u{ord(c):04x}" if _control(c) else c) for c in text)
    return '"' + "".join(escaped) + '"'


_TOML_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _control(char: str) -> bool:
    return char < " " or char == "\x7f"
