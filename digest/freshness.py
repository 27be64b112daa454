"""Whether a day's pages are current: what they were made from, as one fingerprint.

A run that finds nothing new (every feed answers "304 Not Modified", as most hourly cron
runs do) would otherwise group, summarise and render the day again only to write the same
pages with a newer "Generated at" line. The build stores a fingerprint of everything a day's
pages are made from beyond its stored articles: the configuration, the templates, digest's
own code, every built day's record (previous/next links, the archive, the feeds, an earlier
story a story continues) and the sources that failed; and a digest of each page it wrote.
When a later run brings no new article for the day, the fingerprint is the same and each
page on disk is the one that build wrote, those pages are what it would write, and it leaves
them alone.

Nothing here reads a feed or writes a file; the pipeline asks and stores.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import digest
from digest.config import Config
from digest.model import DayRecord, SourceFailure

# The state's meta key under which a day's fingerprint is kept, with its shown story count.
_META_KEY = "rendered:{day}"


def fingerprint(
    config: Config,
    days: Sequence[DayRecord],
    failures: Sequence[SourceFailure],
    templates: Iterable[Path],
) -> str:
    """What a day's pages are made from beyond its articles, as a hex digest.

    ``templates`` are the template folders (the user's, then the built-ins). Files are known
    by name, size and modification time, as make knows them; code changes with an upgrade of
    digest, and in a checkout with the files' times, so a changed digest renders again.
    """
    hashed = hashlib.sha256()

    def add(*parts: object) -> None:
        hashed.update(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8"))
        hashed.update(b"\n")

    _add_settings(add, config, templates)
    for record in days:
        add("day", record.day.isoformat(), record.content_hash, record.updated.isoformat())
    # A failed source as the pages show it: its name and reason. Its problem, which changes
    # from run to run ("failing for 4 runs in a row"), is the operator's, not the pages'.
    for failure in failures:
        add("failed", failure.source, failure.reason)
    return hashed.hexdigest()


def settings_fingerprint(config: Config, templates: Iterable[Path], *more: str) -> str:
    """What anything digest renders is made from beyond the state: digest's code, the whole
    configuration and the template folders (as ``fingerprint`` knows them), and ``more``,
    as a hex digest."""
    hashed = hashlib.sha256()

    def add(*parts: object) -> None:
        hashed.update(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8"))
        hashed.update(b"\n")

    _add_settings(add, config, templates)
    add("more", *more)
    return hashed.hexdigest()


def _add_settings(add: Callable[..., None], config: Config, templates: Iterable[Path]) -> None:
    add("digest", code_version())
    add("config", _canonical(config))
    for folder in templates:
        for name, size, mtime in _files(folder):
            add("file", str(folder), name, size, mtime)


@functools.cache
def code_version() -> str:
    """digest's own code as a short hex digest: its version, and each of its files by name,
    size and modification time, and the versions of the libraries that shape what it writes
    (``_SHAPING``). It changes with an upgrade, and in a checkout with every edit or pull,
    where the version number stays the same. Taken once per process: the code that renders
    is the code the process imported, whatever is on disk later (``code_on_disk``)."""
    return code_on_disk()


def code_on_disk() -> str:
    """``code_version`` of the files as they are now: after an upgrade under a process that
    runs on (``digest run``), no longer the process's own. (About 2 ms.)"""
    installed = _installed_versions()
    libraries = [f"{name}={installed.get(name, '-')}" for name in _SHAPING]
    version = "\n".join([digest.__version__, *libraries])
    return folder_version(Path(digest.__file__).parent, version)


def _installed_versions() -> dict[str, str]:
    """Each installed distribution's version by its normalised name, read from the names of
    the ``*.dist-info`` and ``*.egg-info`` folders on ``sys.path``: a listing of each folder,
    where asking ``importlib.metadata`` for ten of them took 27 ms, on every run. The first
    found wins, as the first is the one imported."""
    import sys

    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # gone, a file, a zip archive
            continue
        for name in names:
            stem, _, kind = name.rpartition(".")
            if kind not in ("dist-info", "egg-info") or "-" not in stem:
                continue
            # "Babel-2.12.1.dist-info"; an egg's may name its Python after the version
            # ("Babel-2.12.1-py3.11.egg-info"). A Linux distribution's packages often
            # ship egg-info: an upgrade of one of them counts too
            project, _, rest = stem.partition("-")
            found.setdefault(project.lower().replace("-", "_"), rest.partition("-")[0])
    return found


# The libraries whose upgrade can change a page or a feed entry though digest's code did not:
# Babel's dates and numbers, Jinja's and MarkupSafe's rendering, the feed writer, and the
# grouping's arithmetic and word lists (a story joined or linked near its threshold).
_SHAPING = (
    "babel",
    "jinja2",
    "markupsafe",
    "feedgen",
    "lxml",
    "numpy",
    "scipy",
    "snowballstemmer",
    "pystemmer",
    "wordfreq",
)


def folder_version(folder: Path, version: str = "") -> str:
    """``version`` and the files under ``folder`` (by name, size and time) as a hex digest."""
    hashed = hashlib.sha256(version.encode("utf-8"))
    for name, size, mtime in _files(folder):
        hashed.update(f"\n{name}\t{size}\t{mtime}".encode())
    return hashed.hexdigest()[:16]


def meta_key(day: Any) -> str:
    return _META_KEY.format(day=day.isoformat())


@dataclass(frozen=True)
class Rendered:
    """What a build stored of a day's pages: what they were made from (``fingerprint``), how
    many stories the day counts (see ``Digest.story_count``), and each page's content digest
    by file name."""

    fingerprint: str
    stories: int
    pages: Mapping[str, str]

    def to_store(self) -> str:
        return json.dumps(
            {"fingerprint": self.fingerprint, "stories": self.stories, "pages": dict(self.pages)}
        )

    def on_disk(self, paths: Iterable[Path]) -> bool:
        """Whether each of ``paths`` holds the page this build wrote there: not after the
        state was put back from an older copy, nor the pages from an older backup."""
        return all(
            (found := _file_digest(path)) is not None and found == self.pages.get(path.name)
            for path in paths
        )


def _file_digest(path: Path) -> str | None:
    """``page_digest`` of the file at ``path``; None unless it is a regular file digest could
    have written (not a link, nor a named pipe or a device that would never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            return hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return None


def page_digest(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def stored(value: str | None) -> Rendered | None:
    """What a build stored of a day's pages, from the meta value (None: nothing usable)."""
    if not value:
        return None
    try:
        data = json.loads(value)
        pages = {str(k): str(v) for k, v in data["pages"].items()}
        return Rendered(str(data["fingerprint"]), int(data["stories"]), pages)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged value (or one an earlier digest stored) costs one render


def file_stamp(path: Path) -> tuple[int, ...] | None:
    """What tells that one file changed, as make tells it, for a process that reads it again
    when it does (``digest run``: its config, a rules file): the file's identity (an editor
    that saves by renaming makes a new one), size and modification time. None while missing
    or unreadable."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_size, found.st_mtime_ns)


def _files(folder: Path) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []
    seen: set[str] = set()  # folders by their real path: a link back up is walked once
    for root, dirs, names in os.walk(folder, followlinks=True):  # a theme's linked parts too
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(root, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found.append((os.path.relpath(path, folder), info.st_size, info.st_mtime_ns))
    return found


def _plain(value: Any) -> Any:
    """For ``json.dumps``: what it cannot write itself, as data whose text does not depend on
    the process (dataclasses by field, sets sorted, anything else as its type and text)."""
    if isinstance(value, Path):  # "digest.toml", "./digest.toml" and its full path are one
        return f"Path:{os.path.abspath(value)}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(value, key=_canonical)
    return f"{type(value).__name__}:{value}"


def _canonical(value: Any) -> str:
    return json.dumps(value, default=_plain, sort_keys=True, ensure_ascii=False)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))
