"""The error every kind of source raises when a whole source cannot be read."""

from __future__ import annotations

from digest.errors import DigestError


class SourceError(DigestError):
    """A source that failed as a whole: ``problem`` says what happened, ``advice`` what to do.
    The feed parser's and the page extractor's own errors are kinds of it."""
