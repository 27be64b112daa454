"""``digest sources add/remove``: the config file edited in place, comments and layout kept.

The edited text is validated as a whole (strictly: a wrong ``[[sources]]`` entry is an error
here, not a source left out) before it replaces the file, so an edit never leaves a config
that the next cron run cannot read.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from digest.config.keys import ConfigError
from digest.config.load import load_config, parse_config
from digest.config.settings import TOP, Config


def add_sources_to_file(path: Path, entries: Sequence[Mapping[str, Any]]) -> Config:
    """Append ``[[sources]]`` tables to the config file, keeping its comments and layout."""
    import tomlkit
    from tomlkit.items import AoT, Array

    from digest.output import write_atomic

    text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    document = tomlkit.parse(text)
    sources = document.get("sources")
    inline = isinstance(sources, Array)
    if inline and not sources:
        # ``sources = []``: what removing the last source leaves. ``[[sources]]`` tables cannot
        # follow it, so it goes, and the tables are appended at the end as for a new file.
        del document["sources"]
        sources, inline = None, False
    if sources is None:
        sources = tomlkit.aot()
        document["sources"] = sources
    elif not inline and not isinstance(sources, AoT):
        raise ConfigError(f"{path}: key 'sources' must be {TOP['sources'].expected}")
    # A blank line before each new table, as people write them, except at the very top of a
    # file or after one already there.
    blank_before = text.strip() != "" and not text.endswith("\n\n")
    gap: list[tuple[Any, Any]] = []
    if not inline and len(sources):
        # What follows the last table's keys (a blank line, the comment above the next
        # table's header) goes after the new tables, still above that header.
        gap = _take_gap(sources[-1])
        blank_before = True
    for entry in entries:
        # An inline list written by hand grows in its own style: inline tables.
        table = tomlkit.inline_table() if inline else tomlkit.table()
        for key, value in entry.items():
            if value is not None:
                table[key] = value
        if not inline and blank_before:
            table.trivia.indent = "\n"
        blank_before = True
        sources.append(table)
    if gap:
        sources[-1].value.body.extend(gap)
    return _validate_and_write(path, tomlkit.dumps(document), write_atomic)


class NoSuchSource(LookupError):
    """No source has the name or address asked for: the user's request is wrong, not the
    config file, which stays as it was."""

    def __init__(self, asked: str, names: tuple[str, ...]) -> None:
        super().__init__(asked)
        self.asked = asked
        self.names = names  # the sources there are, in config order


def remove_source_from_file(path: Path, name_or_location: str) -> tuple[Config, str]:
    """Remove the source whose name, url or path matches; returns the new config and its name."""
    import tomlkit
    from tomlkit.items import AoT, Whitespace

    from digest.output import write_atomic

    config = load_config(path, strict=True)
    matches = [
        (i, s) for i, s in enumerate(config.sources) if name_or_location in (s.name, s.location)
    ]
    if not matches:
        raise NoSuchSource(name_or_location, tuple(s.name for s in config.sources))
    index, source = matches[0]
    document = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    tables = document["sources"]
    # The comment above what follows the removed table's keys is in its text: it stays, above
    # that header (the next [[sources]] or another table).
    gap = _take_gap(tables[index]) if isinstance(tables, AoT) else []
    at_end: list[tuple[Any, Any]] = []
    del tables[index]
    if gap and index > 0:
        before = tables[index - 1].value.body
        while before and before[-1][0] is None and isinstance(before[-1][1], Whitespace):
            before.pop()
        before.extend(gap)
    elif gap:
        text = "".join(item.as_string() for _, item in gap)
        after = tables[0] if tables else _table_after(document, "sources")
        if after is not None:
            # above the next header: the first [[sources]] left (the blank line before it is
            # the document's), or the table after the last one, set apart by its blank line
            after.trivia.indent = (text.lstrip("\n") if tables else text) + after.trivia.indent
        else:
            at_end = gap  # the end of the file, once the last key is in
    if not document["sources"]:
        # The last one: an empty list of tables has no TOML text, and no 'sources' key at all
        # would mean the default seeds/ folder. Say "none" with ``sources = []`` among the
        # top-level keys (tomlkit would put it above the file's opening comment), which
        # add_sources_to_file replaces by ``[[sources]]`` tables again.
        del document["sources"]
        document["sources"] = tomlkit.array()
    document.body.extend(at_end)
    return _validate_and_write(path, tomlkit.dumps(document), write_atomic), source.name


def _take_gap(table: Any) -> list[tuple[Any, Any]]:
    """Take off the end of a ``[[sources]]`` table what follows its keys from the first blank
    line on: blank lines, and the comments above the next header, which are not the table's.
    Comments right below its keys, with no blank line between, are the table's own."""
    from tomlkit.items import Comment, Whitespace

    body = table.value.body
    start = len(body)
    while (
        start
        and body[start - 1][0] is None
        and isinstance(body[start - 1][1], Comment | Whitespace)
    ):
        start -= 1
    while start < len(body) and not isinstance(body[start][1], Whitespace):
        start += 1  # the table's own comments, right below its keys
    gap = body[start:]
    del body[start:]
    return gap


def _table_after(document: Any, name: str) -> Any:
    """The first table the document holds after the key ``name``, or None."""
    from tomlkit.items import AoT, Table

    keys = [key.key if key is not None else None for key, _ in document.body]
    if name not in keys:
        return None
    for _, item in document.body[keys.index(name) + 1 :]:
        if isinstance(item, Table):
            return item
        if isinstance(item, AoT) and len(item):
            return item[0]
    return None


def _validate_and_write(path: Path, text: str, write: Any) -> Config:
    config = parse_config(tomllib.loads(text), path=path, base=path.parent, strict=True)
    if path.exists():
        # A config kept elsewhere and linked here (a dotfiles folder) is edited where it is,
        # not replaced by a file of its own; and it stays as private as it was.
        target = path.resolve()
        write(target, text, stat.S_IMODE(target.stat().st_mode))
    else:
        write(path, text)
    return config
