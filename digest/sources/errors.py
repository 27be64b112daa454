"""The error every kind of source raises when a whole source cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from digest.errors import DigestError


class SourceError(DigestError):
    """A source that failed as a whole: ``problem`` says what happened, ``advice`` what to do.
    The feed parser's and the page extractor's own errors are kinds of it.

    ``lasting``: the same body would fail the same way again (an HTML page, invalid JSON), so
    while the publisher says it has not changed it need not be downloaded again; False when
    the body itself may be an accident of one download (cut off mid-way). ``momentary``: the
    failure is the machine's at the time, not the body's (memory ran out): the very same
    bytes may be read next time, so nothing of them is remembered (not lasting either).
    """

    def __init__(
        self, problem: str, advice: str = "", *, lasting: bool = True, momentary: bool = False
    ) -> None:
        super().__init__(problem, advice)
        self.lasting = lasting and not momentary
        self.momentary = momentary


def missing_path(path: Path, what: Literal["file", "folder"]) -> SourceError:
    """The error for a source whose configured ``path`` (shown resolved) is not there: ``what``
    the source's kind reads there. Relative paths are taken from the config file's folder
    (``digest.config.keys.LocalPath``)."""
    return SourceError(
        f"{what} {path} does not exist",
        "check the source's 'path' in the config; a relative path is taken from the folder "
        "the config file is in",
    )
