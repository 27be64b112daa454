"""The kinds of source, by name: each module of this package but ``base`` holds one, as ``KIND``.

Adding a kind is adding a module here (see ``base.Kind`` for what it states); nothing else
names kinds. The config asks this registry which kinds there are and which keys they add,
ingest asks it how to read each source, ``digest extract`` which kind reads the article it is
given, OPML how a kind is exported and imported.

Modules are found, not listed, the first time a kind is asked for, and checked together:
names unique, no two kinds guessed for the same kind of location, and a key declared alike by
every kind that declares it (a source accepts every kind's keys: see ``digest.config.load``).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path

from digest.sources.errors import SourceError
from digest.sources.kinds.base import Document, Kind, LocationType

__all__ = [
    "by_opml_type",
    "for_one_article",
    "guess",
    "guess_text",
    "kind",
    "kinds",
    "location_type",
    "names",
]

_LOCATION_WORDS: Mapping[LocationType, str] = {
    "url": "a URL",
    "file": "a file",
    "folder": "a folder",
}


@functools.cache
def _registry() -> Mapping[str, Kind]:
    found: dict[str, Kind] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name == "base" or module.name.startswith("_"):
            continue
        kind = importlib.import_module(f"{__name__}.{module.name}").KIND
        if not isinstance(kind, Kind) or kind.name in found:
            raise TypeError(f"{__name__}.{module.name}: KIND must be a Kind with a new name")
        found[kind.name] = kind
    _check(found)
    return dict(sorted(found.items()))


def _check(found: Mapping[str, Kind]) -> None:
    guessed: dict[str, str] = {}
    keys: dict[str, object] = {}
    for kind in found.values():
        for location in kind.guessed_for:
            if guessed.setdefault(location, kind.name) != kind.name:
                raise TypeError(f"kinds {guessed[location]} and {kind.name} both guess {location}")
        for key in kind.keys:
            if keys.setdefault(key.name, key) != key:
                raise TypeError(f"kind '{kind.name}' declares source key '{key.name}' differently")


def kinds() -> tuple[Kind, ...]:
    """Every kind of source, by name."""
    return tuple(_registry().values())


def names() -> tuple[str, ...]:
    return tuple(_registry())


def kind(name: str) -> Kind:
    """The kind called ``name``; a ``SourceError`` (for the source that names it) if none is."""
    try:
        return _registry()[name]
    except KeyError:
        known = ", ".join(f'"{n}"' for n in names())
        raise SourceError(f"unknown kind of source '{name}'", f"use one of {known}") from None


def location_type(*, url: str | None = None, path: Path | None = None) -> LocationType:
    """What a ``[[sources]]`` entry points at: a URL, a file or a folder. A path that is not
    there is taken for what its name says: a file when it has a suffix (``news.xml``), else a
    folder, so that the error it meets names what the user meant."""
    if url is not None:
        return "url"
    if path is None:
        return "folder"
    if path.exists():
        return "file" if path.is_file() else "folder"
    return "file" if path.suffix else "folder"


def guess(location: LocationType) -> Kind:
    """The kind a source is taken for when its entry gives none."""
    for candidate in kinds():
        if location in candidate.guessed_for:
            return candidate
    raise SourceError(f"no kind of source reads {_LOCATION_WORDS[location]} by default")


def guess_text() -> str:
    """The guesses in words, for the README: '`"feed"` for a URL or a file, ...'."""
    parts = []
    for candidate in kinds():
        where = [
            _LOCATION_WORDS[t] for t in ("url", "file", "folder") if t in candidate.guessed_for
        ]
        if where:
            parts.append(f'`"{candidate.name}"` for ' + " or ".join(where))
    return "guessed: " + ", ".join(parts)


def for_one_article(document: Document) -> Kind:
    """The kind that reads ``document`` as one article: the surest claim wins."""
    claims = sorted(kinds(), key=lambda k: k.one_article_claim(document), reverse=True)
    if not claims or claims[0].one_article_claim(document) == 0:
        raise SourceError(
            f"{document.location}: no kind of source reads it as an article",
            "give an article file (.txt, .md, .html), a URL, or - for standard input",
        )
    return claims[0]


def by_opml_type(opml_type: str) -> Kind | None:
    """The kind an OPML outline of this ``type`` subscribes to, if any."""
    return next((k for k in kinds() if k.opml_type == opml_type.lower()), None)
