"""Writing outputs to disk: every file goes through ``write_atomic``.

A reader (a web server, a feed reader polling ``feed.atom``, a cron mail of the page) must never
see a half-written file, and a crash mid-write must leave the previous version in place: write
to a temporary file in the same folder, flush it to disk, then rename it over the old one.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

from digest.errors import DigestError, file_advice


class OutputError(DigestError):
    """Outputs that could not be written; none replaced an earlier one."""

    @classmethod
    def staging(cls, exc: OSError) -> OutputError:
        """For ``exc``, raised by ``StagedFiles.add`` (its ``filename``: the file it was
        writing), before anything was put in place."""
        return cls(
            f"could not write {exc.filename} ({exc.strerror or exc})",
            f"{file_advice(exc)}, and run again; the earlier outputs and the state are as "
            "they were, since nothing was replaced",
        )


def write_atomic(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` (str is written as UTF-8) in one atomic rename; the new
    file has permissions ``mode``, else those the umask gives any new file."""
    staged = StagedFiles()
    staged.add(path, data, mode)
    staged.publish()


class StagedFiles:
    """Several files written to temporary names first, then put in place together.

    Lets a build write every output before it records anything in the state, and record
    the state before any output replaces the old one: a full disk or an unwritable folder
    then fails the run with nothing changed.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def add(self, path: Path, data: str | bytes, mode: int | None = None) -> None:
        """Write ``data`` to a temporary name beside ``path``, with permissions ``mode``, else
        those the umask gives any new file (a private umask keeps the digest private). An
        ``OSError`` (a full disk, a folder that cannot be written) names ``path`` itself: a
        failed write() names none."""
        payload = data.encode("utf-8") if isinstance(data, str) else data
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = _create_temporary(path, 0o600 if mode is not None else 0o666)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp_name, mode)
        except BaseException as exc:
            Path(tmp_name).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            raise
        self._staged.append((Path(tmp_name), path))

    def publish(self) -> tuple[Path, ...]:
        """Rename every staged file over its target; returns the targets. Stopped half-way
        (Ctrl-C, a failed rename), the files not yet in place are deleted, not left behind."""
        try:
            for tmp, path in self._staged:
                os.replace(tmp, path)
            return tuple(path for _, path in self._staged)
        finally:
            self.discard()

    def discard(self) -> None:
        """Delete the staged files not put in place. One that cannot be deleted (a folder
        gone read-only) is left for ``remove_leftovers``: the error that stopped the run is
        the one to report."""
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        self._staged.clear()


def _create_temporary(path: Path, mode: int) -> tuple[int, str]:
    """A new file beside ``path``, named as ``tempfile.mkstemp`` names one, created with
    ``mode`` less the umask (``mkstemp`` makes every file 0600)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_"
    while True:
        token = "".join(secrets.choice(alphabet) for _ in range(8))
        name = os.path.join(path.parent, f".{path.name}.{token}.tmp")
        try:
            return os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode), name
        except FileExistsError:
            continue


# What StagedFiles leaves behind when a run is killed between writing and renaming:
# ".2026-11-21.html.k3j9_x2a.tmp" (tempfile's eight random characters).
_LEFTOVER = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_leftovers(folder: Path, older_than: float = 3600.0) -> int:
    """Delete temporary files a killed run left in ``folder``; returns how many.

    Only files named as ``StagedFiles`` names them and untouched for ``older_than``
    seconds go: a run still writing its own is never disturbed.
    """
    removed = 0
    cutoff = time.time() - older_than
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not _LEFTOVER.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
                    removed += 1
    return removed
