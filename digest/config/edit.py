"""``digest sources add/remove``: the config file edited in place, comments and layout kept.

The edited text is validated as a whole (strictly: a wrong ``[[sources]]`` entry is an error
here, not a source left out) before it replaces the file, so an edit never leaves a config
that the next cron run cannot read.
"""

from __future__ import annotations

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
    return _validate_and_write(path, tomlkit.dumps(document), write_atomic)


def remove_source_from_file(path: Path, name_or_location: str) -> tuple[Config, str]:
    """Remove the source whose name, url or path matches; returns the new config and its name."""
    import tomlkit

    from digest.output import write_atomic

    config = load_config(path, strict=True)
    matches = [
        (i, s) for i, s in enumerate(config.sources) if name_or_location in (s.name, s.location)
    ]
    if not matches:
        names = ", ".join(s.name for s in config.sources) or "none"
        raise ConfigError(f"{path}: no source named '{name_or_location}' (sources: {names})")
    index, source = matches[0]
    document = tomlkit.parse(path.read_text(encoding="utf-8-sig"))
    del document["sources"][index]
    if not document["sources"]:
        # The last one: an empty list of tables has no TOML text, and no 'sources' key at all
        # would mean the default seeds/ folder. Say "none" with ``sources = []`` among the
        # top-level keys (tomlkit would put it above the file's opening comment), which
        # add_sources_to_file replaces by ``[[sources]]`` tables again.
        del document["sources"]
        document["sources"] = tomlkit.array()
    return _validate_and_write(path, tomlkit.dumps(document), write_atomic), source.name


def _validate_and_write(path: Path, text: str, write: Any) -> Config:
    config = parse_config(tomllib.loads(text), path=path, base=path.parent, strict=True)
    write(path, text)
    return config
