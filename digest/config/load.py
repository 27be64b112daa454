"""Configuration: a TOML file parsed and validated once, at the entry point, into a ``Config``.

Every error names the file, the key and what was expected, because the person reading it is
usually looking at a cron mail hours after the edit that broke it. What each key must be comes
from ``digest.config.settings``; this module adds what holds between keys (a source has a
``url`` or a ``path``; ``state`` sits beside ``output``; port 465 goes with ``tls``;
``[schedule]`` has ``at`` or ``every``, not both) and what a wrong ``[[sources]]`` entry does
to a run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from digest.config.keys import (
    ConfigError,
    Key,
    Problems,
    entry_label,
    read_entry,
    read_table,
)
from digest.config.settings import (
    CONFIG_FILENAME,
    DEFAULT_OUTPUT_DIR,
    DEFAULT_SOURCES_DIR,
    EMAIL,
    FETCH,
    IMPLICIT_TLS_PORT,
    SCHEDULE,
    SECTION,
    SOURCE,
    STATE_FILENAME,
    STORIES,
    TOP,
    Config,
    EmailConfig,
    FetchConfig,
    ScheduleConfig,
    SectionConfig,
    StoriesConfig,
    source_kinds,
)
from digest.errors import toml_key_line, toml_mistake
from digest.model import Source, SourceFailure
from digest.sources.urls import canonical_url, host_name, url_key
from digest.state import SourceRecord, StateError, StoredSource, read_source_locations


def default_config(base: Path | None = None) -> Config:
    """The configuration used when no file is given: ``seeds/`` in, ``output/`` out."""
    base = base or Path.cwd()
    output = base / DEFAULT_OUTPUT_DIR
    return Config(
        sources=(_default_source(base),),
        output=output,
        state=output.parent / STATE_FILENAME,
    )


def _default_source(base: Path) -> Source:
    return Source(name=DEFAULT_SOURCES_DIR, kind="folder", location=str(base / "seeds"))


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The config to use: the one named, else ``digest.toml`` in the working folder if any."""
    if explicit is not None:
        return explicit
    candidate = (cwd or Path.cwd()) / CONFIG_FILENAME
    return candidate if candidate.is_file() else None


def load_config(path: Path, *, strict: bool = False) -> Config:
    """Read and validate a TOML config file. Relative paths are taken from the file's folder.

    A ``[[sources]]`` entry that is wrong becomes a failure in ``invalid_sources`` (the run
    goes on without it) unless ``strict``; anything else wrong raises ConfigError. The sources
    left unnamed are named as the state file keeps them (``_named_by_state_file``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text ({exc.reason})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {toml_mistake(text, exc)}") from exc
    try:
        config = parse_config(data, path=path, base=path.parent, strict=strict, text=text)
    except ConfigError as exc:
        raise located(exc, text) from exc.__cause__
    return _named_by_state_file(config)


def _named_by_state_file(config: Config) -> Config:
    """``config`` with the sources it leaves unnamed named by the keys its state file keeps
    them by (``keyed_by_state``), read as the config is loaded; as they are when there is no
    state yet. A state that cannot be read now (damaged, or held by another program) is no
    reason to refuse the config, which 'digest state restore' needs too: they keep the names
    made from their addresses, and ``state_unread`` says why, for the commands that show
    them to say so. A command that opens the state names them by it again."""
    if not any(_made_from_url(source) for source in config.sources):
        return config  # (no reading of the state: nothing in it can change a name)
    try:
        stored = read_source_locations(config.state)
    except StateError as exc:
        unread = (
            f"{exc.problem}; until it can be read, the sources the config leaves unnamed go "
            "by the names made from their addresses, which may not be those it keeps them by"
        )
        if exc.advice:
            unread += f" ({exc.advice})"
        return dataclasses.replace(config, state_unread=unread)
    return keyed_by_state(config, stored)


def located(error: ConfigError, text: str | None) -> ConfigError:
    """``error`` with the line of the key it is about (``ConfigError.at``) after its file's
    name, as a TOML syntax error has it: found in the file's ``text``, which tomllib's data no
    longer knows. As it was when the line cannot be told. An error that stands for several
    (``ConfigError.each``) has each located, in the order of their lines, as someone fixing
    the file goes down it (those whose line cannot be told last, in the order found)."""
    placed = [(_line_of(one, text), order, one) for order, one in enumerate(error.each)]
    placed.sort(key=lambda item: (item[0] is None, item[0] or 0, item[1]))
    each = [_at_line(one, line) for line, _, one in placed]
    result = each[0] if len(each) == 1 else ConfigError.of(each)
    result.warnings = error.warnings
    return result


def _line_of(error: ConfigError, text: str | None) -> int | None:
    return toml_key_line(text, error.at) if text and error.at else None


def _at_line(error: ConfigError, line: int | None) -> ConfigError:
    start = f"{error.file}: "
    message = str(error)
    if line is None or not error.file or not message.startswith(start):
        return error
    return ConfigError(f"{start}line {line}: {message.removeprefix(start)}")


def parse_config(
    data: Mapping[str, Any],
    *,
    path: Path | None = None,
    base: Path,
    strict: bool = False,
    text: str | None = None,
) -> Config:
    """Turn an already-parsed TOML mapping into a Config (split out so tests need no file).
    ``strict``: as for ``load_config``; ``text``: the file's, to name the line of a wrong
    [[sources]] entry's key. Reads nothing: a source left unnamed has the name made from its
    address, which ``keyed_by_state`` may change for the key its state keeps it by.

    Each part that can be read without the others is, whatever is wrong with another: the
    ConfigError raised names every mistake found (``ConfigError.each``), and the wrong
    [[sources]] entries with them, which alone would stop nothing; and what a config that
    could be used would warn of (``ConfigError.warnings``)."""
    where = str(path) if path else "config"
    problems = Problems()
    values: dict[str, Any] | None = problems.read(
        lambda: read_entry(data, TOP.keys, where, "", base), None
    )

    read = _ReadSources((_default_source(base),))  # (no [[sources]]: the seeds/ folder)
    if isinstance(data.get("sources"), list):
        read = _parse_sources(data["sources"], where, base, strict, text, problems)
    elif "sources" in data:
        expected, got = TOP["sources"].expected, data["sources"]
        problems.add(
            ConfigError(
                f"{where}: key 'sources' must be {expected}, got {got!r}",
                file=where,
                at=("sources",),
            )
        )

    sections: tuple[SectionConfig, ...] = problems.read(
        lambda: _parse_sections(data.get("sections", []), where, base), ()
    )
    email = problems.read(lambda: _parse_email(data.get("email"), where, base), None)
    fetch = problems.read(
        lambda: FetchConfig(**read_table(data.get("fetch", {}), FETCH, where, base)),
        FetchConfig(),
    )
    stories = problems.read(
        lambda: StoriesConfig(**read_table(data.get("stories", {}), STORIES, where, base)),
        StoriesConfig(),
    )
    schedule = problems.read(
        lambda: _parse_schedule(data.get("schedule", {}), where, base), ScheduleConfig()
    )
    if values is not None:
        if "output" not in data:
            values["output"] = (base / DEFAULT_OUTPUT_DIR).resolve()
        if "state" not in data:
            values["state"] = values["output"].parent / STATE_FILENAME
        output, private = (
            values["output"],
            {
                "state": values["state"],
                "config": path.resolve() if path else None,
                "password_file": email.password_file if email else None,
            },
        )
        problems.read(lambda: _keep_private_out_of_output(output, private, where), None)
    problems.check(also=read.wrong, warnings=read.warnings)
    assert values is not None  # (else the problems were raised)
    return Config(
        **values,
        sources=read.sources,
        sections=sections,
        email=email,
        fetch=fetch,
        stories=stories,
        schedule=schedule,
        path=path,
        invalid_sources=read.invalid,
        warnings=read.warnings,
    )


def _parse_email(table: Any, where: str, base: Path) -> EmailConfig | None:
    """``[email]``, if there is one; its port is 465 when ``security = "tls"`` names none."""
    if table is None:
        return None
    email = read_table(table, EMAIL, where, base)
    if "smtp_port" not in table and email["security"] == "tls":
        email["smtp_port"] = IMPLICIT_TLS_PORT
    return EmailConfig(**email)


def _keep_private_out_of_output(output: Path, files: Mapping[str, Path | None], where: str) -> None:
    """Refuse a config that puts one of digest's private files in its output folder, which is
    published as it is (served, or synced to a web server): anyone could download it from
    the site. The state holds every source's address (a feed's token or login with it) and
    every article kept, and its copies, its lock and a damaged file moved aside sit beside it
    (``digest-state.sqlite.backups/``...); the config names the sources and the mail
    account; the password file is the password."""
    for key, file in files.items():
        if file is None or not file.is_relative_to(output):
            continue
        what, advice = _PRIVATE_FILES[key]
        raise ConfigError(
            f"{where}: {what} ({file}) is inside the output folder ({output}), which is "
            f"published with the pages: anyone who can read the site could download it; "
            f"{advice}"
        )


_PRIVATE_FILES = {
    "state": (
        "the state file",
        "set 'state' to a file outside the output folder, and move the state file and its "
        ".backups folder there with no build running",
    ),
    "config": (
        "the config file",
        "set 'output' to a folder of its own, such as \"output\" (the default)",
    ),
    "password_file": (
        "email.password_file",
        "keep the password file outside the output folder",
    ),
}


def _parse_schedule(table: Any, where: str, base: Path) -> ScheduleConfig:
    """``[schedule]``: daily ``at`` a time or ``every`` interval, not both (one would be
    silently ignored, and the user would wonder why digest runs when it does)."""
    problems = Problems()
    values: dict[str, Any] = problems.read(lambda: read_table(table, SCHEDULE, where, base), {})
    if isinstance(table, dict) and "at" in table and "every" in table:
        problems.add(
            ConfigError(
                f"{where}: [schedule] sets both 'at' ({table['at']!r}) and 'every' "
                f"({table['every']!r}); keep one: 'at' runs daily at that time, 'every' at "
                "that interval",
                file=where,
                at=("schedule", "every"),
            )
        )
    problems.check()
    return ScheduleConfig(**values)


def _parse_sections(entries: Any, where: str, base: Path) -> tuple[SectionConfig, ...]:
    if not isinstance(entries, list):
        expected = TOP["sections"].expected
        raise ConfigError(
            f"{where}: key 'sections' must be {expected}, got {entries!r}",
            file=where,
            at=("sections",),
        )
    problems = Problems()
    sections: list[tuple[int, SectionConfig]] = []
    for index, entry in enumerate(entries):
        here, place = f"{where}: {entry_label('sections', index)}", ("sections", index)
        if not isinstance(entry, dict):
            problems.add(
                ConfigError(
                    f"{here}: must be a table with a 'name', got {entry!r}", file=here, at=place
                )
            )
            continue
        try:
            values = read_entry(entry, SECTION.keys, here, "", base, place)
        except ConfigError as exc:
            problems.add(exc)
        else:
            sections.append((index, SectionConfig(**values)))
    first: dict[str, int] = {}
    for index, section in sections:
        if section.name not in first:
            first[section.name] = index
            continue
        here = f"{where}: {entry_label('sections', index)}"
        problems.add(
            ConfigError(
                f"{here}: the name '{section.name}' is the name of "
                f"{entry_label('sections', first[section.name])} too; name each [[sections]] "
                "once",
                file=here,
                at=("sections", index, "name"),
            )
        )
    problems.check()
    return tuple(section for _, section in sections)


@dataclasses.dataclass(frozen=True)
class _ReadSources:
    """What ``_parse_sources`` made of the ``[[sources]]`` entries."""

    sources: tuple[Source, ...]
    invalid: tuple[SourceFailure, ...] = ()  # the wrong entries, each a failure of the runs
    wrong: tuple[ConfigError, ...] = ()  # and their errors, to name if the config is refused
    warnings: tuple[str, ...] = ()  # what is likely a mistake, though not wrong (``Config``)


def _parse_sources(
    entries: list[Any],
    where: str,
    base: Path,
    strict: bool,
    text: str | None,
    problems: Problems,
) -> _ReadSources:
    """The entries that can be read, and failures for the others (their errors added to
    ``problems`` when ``strict``), with the line of the wrong key when ``text`` is the
    file's. Two sources with one name would share their state: that stops the run. Two
    entries of one address with names of their own are said to be (``_same_address``)."""
    kind_keys = _kind_keys(source_kinds())
    sources, places, invalid, wrong = [], [], [], []
    for index, entry in enumerate(entries):
        try:
            sources.append(_parse_source(entry, index, where, base, kind_keys))
            places.append(index)
        except ConfigError as exc:
            if strict:
                problems.add(exc)
                continue
            wrong.append(exc)
            invalid.append((entry, index, _invalid_source(entry, index, located(exc, text))))
    sources = _unique_made_names(sources)
    for error in _shared_names(sources, places, where, text):
        problems.add(error)
    names = {s.name for s in sources}
    return _ReadSources(
        tuple(sources),
        _told_apart(invalid, names | _names_kept_for(sources)),
        tuple(wrong),
        _same_address(sources, places, where, text),
    )


def _shared_names(
    sources: Sequence[Source], places: Sequence[int], where: str, text: str | None
) -> list[ConfigError]:
    """An error for each source (at ``places``: their entries' indexes) that has the name of
    one before it: they would share what the state keeps of a source. One address given
    twice and left unnamed is said to be, as its one made name is none of the user's."""
    first: dict[str, int] = {}
    unnamed: dict[str, int] = {}  # the web addresses left unnamed, as they are requested
    errors = []
    for at, source in enumerate(sources):
        if source.name not in first:
            first[source.name] = at
            twice = _twice_unnamed(source, at, unnamed)
            if twice is not None:
                errors.append(_twice_unnamed_error(sources, places, twice, at, where, text))
            continue
        earlier = sources[first[source.name]]
        index, before = places[at], places[first[source.name]]
        here = f"{where}: {entry_label('sources', index)}"
        other = _entry_at(before, "name" if earlier.named else _given(earlier), text)
        if not source.named and not earlier.named and source.location == earlier.location:
            message = (
                f"{here}: reads the same {_WHAT[_given(source)]} as {other}, and neither is "
                f"named: the two would share the name '{source.name}' and what digest keeps "
                "of the source; remove one (or, to read it twice with other filters, give "
                "each a 'name')"
            )
        else:
            message = (
                f"{here}: two sources share the name '{source.name}', this one and "
                f"{other}; give each a unique 'name'"
            )
        key = "name" if source.named else _given(source)
        errors.append(ConfigError(message, file=here, at=("sources", index, key)))
    return errors


def _twice_unnamed(source: Source, at: int, unnamed: dict[str, int]) -> int | None:
    """Where (in ``sources``) the address of ``source``, a web address left unnamed, was
    given before, unnamed too, spelt otherwise ("HTTPS://Example.org/feed", a "#fragment",
    the scheme's own port): None when it was not; ``unnamed`` keeps those given so far."""
    if source.named or urlsplit(source.location).scheme not in ("http", "https"):
        return None
    address = canonical_url(source.location)
    if address in unnamed:
        return unnamed[address]
    unnamed[address] = at
    return None


def _twice_unnamed_error(
    sources: Sequence[Source],
    places: Sequence[int],
    before: int,
    at: int,
    where: str,
    text: str | None,
) -> ConfigError:
    """The error for ``sources[at]``, which reads the address of ``sources[before]`` spelt
    otherwise, both left unnamed: their names, made from the addresses as written, differ,
    but the feed would be fetched twice every build and each of its entries shown twice,
    as a copy of itself in its story."""
    index = places[at]
    here = f"{where}: {entry_label('sources', index)}"
    other = _entry_at(places[before], "url", text)
    message = (
        f"{here}: reads the same address as {other}, written otherwise "
        f"('{sources[at].location}'), and neither is named: the feed would be fetched and its "
        "entries shown twice; remove one (or, to read it twice with other filters, give each "
        "a 'name')"
    )
    return ConfigError(message, file=here, at=("sources", index, "url"))


def _same_address(
    sources: Sequence[Source], places: Sequence[int], where: str, text: str | None
) -> tuple[str, ...]:
    """A warning for each address (or path) that more than one source reads under names of
    their own: each is fetched on its own, every build. Not an error: the entries may differ
    on purpose, in their filters or categories (those left unnamed share a name, which
    ``_shared_names`` refuses)."""
    readers: dict[str, list[int]] = {}
    for at, source in enumerate(sources):
        web = urlsplit(source.location).scheme in ("http", "https")
        readers.setdefault(url_key(source.location) if web else source.location, []).append(at)
    warnings = []
    for every in readers.values():
        # (not the later of one address given twice unnamed: ``_twice_unnamed_error``)
        unnamed: dict[str, int] = {}
        ats = [at for at in every if _twice_unnamed(sources[at], at, unnamed) is None]
        names = {sources[at].name for at in ats}
        if len(ats) < 2 or len(names) < len(ats):
            continue
        first = sources[ats[0]]
        entries = [_entry_at(places[at], _given(sources[at]), text) for at in ats]
        what = (
            f"the same address (on {host_name(first.location)})"
            if _given(first) == "url"
            else f"the same path ({first.location})"
        )
        warnings.append(
            f"{where}: {' and '.join(entries)} read {what}: it is fetched once for each of "
            "them, every build; keep one, unless they differ on purpose (their filters, "
            "category or options)"
        )
    return tuple(warnings)


_WHAT = {"url": "address", "path": "path"}


def _given(source: Source) -> str:
    """The key a source's location was given by: "url" or "path"."""
    return "url" if urlsplit(source.location).scheme in ("http", "https") else "path"


def _entry_at(index: int, key: str, text: str | None) -> str:
    """A ``[[sources]]`` entry as a message names it: "[[sources]] #2 (line 7)", the line
    its ``key`` is on, when the file's ``text`` tells it."""
    line = toml_key_line(text, ("sources", index, key)) if text else None
    return entry_label("sources", index) + (f" (line {line})" if line else "")


def _names_kept_for(sources: Sequence[Source]) -> set[str]:
    """The names besides their own that the sources left unnamed may be given by the keys
    their state keeps (``keyed_by_state``, once the config is parsed): a web address's host
    alone, or with its path, as one of its made names was when it was first read."""
    names: set[str] = set()
    for source in sources:
        if _made_from_url(source):
            host = made_name(source.location, url=True)
            path = urlsplit(source.location).path.strip("/")
            names.update((host, f"{host}/{path}") if path else (host,))
    return names


def _told_apart(
    invalid: list[tuple[Any, int, SourceFailure]], names: set[str]
) -> tuple[SourceFailure, ...]:
    """The failures of wrong entries, each under a name of its own: one named by its host as
    a valid entry of that host is or may be by its state (``_names_kept_for``: "fetched:
    example.org" and "source failed: example.org" in one run), or as another wrong entry, is
    named by its address's path too, and by its place in the config if that is not enough."""
    counts: dict[str, int] = {}
    for _, _, failure in invalid:
        counts[failure.source] = counts.get(failure.source, 0) + 1
    result, taken = [], set(names)
    for entry, index, failure in invalid:
        name = failure.source
        if name in names or counts[name] > 1:
            url = entry.get("url") if isinstance(entry, dict) and not entry.get("name") else None
            path = urlsplit(url).path.strip("/") if isinstance(url, str) else ""
            name = f"{name}/{path}" if path and not name.endswith(f"/{path}") else name
            if name in taken:
                name = f"{name} ({entry_label('sources', index)})"
        taken.add(name)
        result.append(dataclasses.replace(failure, source=name))
    return tuple(result)


def _unique_made_names(sources: list[Source]) -> list[Source]:
    """Sources whose names were made from their address, each made unique: two feeds of one
    site ("example.org") are told apart by their paths ("example.org/world",
    "example.org/tech"). A name given in the config is never changed."""
    taken = {s.name for s in sources if s.named}
    made: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        if not source.named:
            made.setdefault(source.name, []).append(index)
    result = list(sources)
    for name, indexes in made.items():
        if len(indexes) == 1 and name not in taken:
            continue
        for index in indexes:
            source = sources[index]
            parts = urlsplit(source.location)
            path = parts.path.strip("/") if parts.scheme in ("http", "https") else ""
            longer = f"{name}/{path}" if path else name
            result[index] = dataclasses.replace(source, name=longer)
    # Never the query: it is where a private feed's token goes (?token=...), and a name is
    # shown to the digest's readers. Addresses that differ in their query or login alone
    # are numbered in config order instead; one address given twice keeps its one name,
    # which the duplicate check refuses, as it does two files of one name.
    web = [_made_from_url(s) for s in result]
    seen = {s.name: "" for s, made in zip(result, web, strict=True) if not made}
    for index, source in enumerate(result):
        if not web[index]:
            continue
        name, number = source.name, 1
        while seen.get(name, source.location) != source.location:
            number += 1
            name = f"{source.name} ({number})"
        seen[name] = source.location
        result[index] = dataclasses.replace(source, name=name)
    return result


def _made_from_url(source: Source) -> bool:
    """Whether ``source`` is a web address the config leaves unnamed: its name is made from
    the address, and depends on the other sources of its site (``_unique_made_names``)."""
    return not source.named and urlsplit(source.location).scheme in ("http", "https")


def keyed_by_state(config: Config, stored: Sequence[StoredSource]) -> Config:
    """``config`` with each source it leaves unnamed named by the key its state keeps it by,
    and every source's entries keyed as the state keeps them (``Source.key_scope``): with the
    name the state first kept the source by, or, for a source the config has renamed since
    (``renamed_sources``), by the one it renamed; a source new to the state by a name another
    still keys its entries with, by that name and a hash of its address. ``stored`` is what
    the state keeps (``State.source_locations``). For loading the config
    (``_named_by_state_file``), and for each command that opens the state, with the state it
    holds: a config loaded while the state could not be read, or kept by ``digest run``
    across a restore of the state, names its sources as the state does all the same."""
    sources = _keep_stored_names(list(config.sources), stored)
    renamed = renamed_sources(sources, stored)
    by_name = {kept.name: kept for kept in stored}
    # the names a source renamed since still makes its keys with: a source new to the state
    # by one of them makes its own with its address too, or an entry of one would hide the
    # other's of the same guid ("123") for good (the state keeps it from its first read)
    in_use = {kept.key_scope for kept in stored if kept.key_scope}
    for index, source in enumerate(sources):
        kept = renamed.get(source.name) or by_name.get(source.name)
        scope: str | None
        if kept is not None:
            scope = kept.key_scope or kept.name
        else:
            # (its address as a hash: the state and messages that name a key never show a
            # feed's token)
            where = hashlib.sha256(source.location.encode()).hexdigest()[:12]
            scope = f"{source.name} ({where})" if source.name in in_use else None
        if scope == source.name:
            scope = None
        if scope != source.key_scope:
            sources[index] = dataclasses.replace(source, key_scope=scope)
    return dataclasses.replace(config, sources=tuple(sources), state_unread="")


def renamed_sources(
    sources: Sequence[Source], stored: Sequence[StoredSource]
) -> dict[str, StoredSource]:
    """The sources of the config that continue one the state keeps under another name (by
    their name): a source whose name the state does not know, at the address of a source
    the state keeps and the config no longer names. A name changed in the config (or given
    to a source left unnamed, or taken away) must not make the source a new one, whose last
    day of entries would show again (their keys hold the name: see ``Source.scope``), its
    validators and learnt boilerplate lost. Only where it is plain: one such source at the
    address, and one kept there."""
    names = {source.name for source in sources}
    kept = {stored_source.name for stored_source in stored}
    left: dict[str, list[StoredSource]] = {}
    for stored_source in stored:
        if stored_source.name not in names:
            left.setdefault(stored_source.location, []).append(stored_source)
    arrived: dict[str, list[Source]] = {}
    for source in sources:
        if source.name not in kept:
            arrived.setdefault(source.location, []).append(source)
    return {
        newcomers[0].name: left[location][0]
        for location, newcomers in arrived.items()
        if len(newcomers) == 1 and len(left.get(location, ())) == 1
    }


def records_as_named(
    sources: Sequence[Source], records: Mapping[str, SourceRecord]
) -> dict[str, SourceRecord]:
    """What the state knows of each source (``records``, by the state's names), also under
    the name the config gives it now where the config renamed it since the last run
    (``renamed_sources``), as the next build will keep it: so that a command run before that
    build (``sources list``, ``sources remove`` by its title, ``check``) finds its record, and
    the title an unnamed one is shown by."""
    stored = [StoredSource(record.name, record.location) for record in records.values()]
    found = dict(records)
    for new, kept in renamed_sources(sources, stored).items():
        found[new] = dataclasses.replace(records[kept.name], name=new)
    return found


def _keep_stored_names(sources: list[Source], stored: Sequence[StoredSource]) -> list[Source]:
    """``sources`` with each web address left unnamed under the made name the state already
    keeps it by (``stored``: its keys and their addresses, the most recently read first). A
    made name depends on the other sources: a feed alone on its site is named by its host
    ("example.org"), and a second unnamed feed of the site makes both longer
    ("example.org/world"), as removing it makes them short again. The name is the source's
    key in the state, and the keys of entries whose guids are unique only within their feed
    hold it: a new key would make the feed a new source, its entries of the last day shown
    again, its validators, learnt boilerplate and health lost. So a source whose made name
    the state does not know at its address keeps the one it does (made from the same host),
    unless another source of the config has that name now."""
    web = [_made_from_url(s) for s in sources]
    known = {(kept.name, kept.location) for kept in stored}
    taken = {s.name for s in sources}
    result = list(sources)
    for index, source in enumerate(sources):
        if not web[index] or (source.name, source.location) in known:
            continue
        host = made_name(source.location, url=True)
        kept = next(
            (
                name
                for name, location, _ in stored
                if location == source.location
                and name not in taken
                and (name == host or name.startswith((f"{host}/", f"{host} (")))
            ),
            None,
        )
        if kept is not None:
            taken.discard(source.name)
            taken.add(kept)
            result[index] = dataclasses.replace(source, name=kept)
    return result


def _kind_keys(kinds: Mapping[str, Sequence[Key]]) -> tuple[Key, ...]:
    """The keys that kinds add, each once (the registry checks each is declared alike). Every
    source accepts all of them, as it did before kinds declared their own (``sources add
    --page --full-text`` writes ``full_text`` on a page): a key meant for another kind is
    checked, and kept in the source's options, unused."""
    keys: dict[str, Key] = {}
    for declared in kinds.values():
        for key in declared:
            keys.setdefault(key.name, key)
    return tuple(keys.values())


def _parse_source(
    entry: Any, index: int, where: str, base: Path, kind_keys: Sequence[Key]
) -> Source:
    from digest.sources import kinds
    from digest.sources.errors import SourceError

    # (the entry as the user counts it, and its line: keys are named as written in it)
    here, place = f"{where}: {entry_label('sources', index)}", ("sources", index)
    if not isinstance(entry, dict):
        raise ConfigError(
            f"{here}: must be a table with 'url' or 'path', got {entry!r}", file=here, at=place
        )
    keys = (*SOURCE.keys, *kind_keys)
    problems = Problems()
    if ("url" in entry) == ("path" in entry):
        problems.add(
            ConfigError(f"{here}: needs exactly one of 'url' or 'path'", file=here, at=place)
        )
    values: dict[str, Any] = problems.read(
        lambda: read_entry(entry, keys, here, "", base, place), {}
    )
    problems.check()
    url, path = values.pop("url"), values.pop("path")
    try:
        kind = kinds.kind(
            values.pop("kind") or kinds.guess(kinds.location_type(url=url, path=path)).name
        )
    except SourceError as exc:
        raise ConfigError(f"{here}: {exc.problem}", file=here, at=(*place, "kind")) from exc
    given = "url" if url is not None else "path"
    if given not in kind.reads:
        other = "path" if given == "url" else "url"
        raise ConfigError(
            f"{here}: a {kind.name} source needs a '{other}', not a '{given}'",
            file=here,
            at=(*place, given),
        )
    location = url if url is not None else str(path)
    default_name = made_name(location, url=url is not None)
    own = {key.name for key in kind.keys}
    options = {
        key.field: values.pop(key.field)
        for key in kind_keys
        if key.name in own or key.name in entry
    }
    for key in kind_keys:
        values.pop(key.field, None)
    given_name = values.pop("name")
    name = (given_name or default_name).strip()
    return Source(
        name=name,
        kind=kind.name,
        location=location,
        options=options,
        named=bool(given_name),
        **values,
    )


def _invalid_source(entry: Any, index: int, error: ConfigError) -> SourceFailure:
    name = ""
    if isinstance(entry, dict):
        given, url, path = entry.get("name"), entry.get("url"), entry.get("path")
        if isinstance(given, str) and given.strip():
            name = given.strip()
        elif isinstance(url, str):  # named as a valid entry would be: never its login
            name = made_name(url, url=True)
        elif isinstance(path, str):
            name = made_name(path, url=False)
    return SourceFailure(
        source=name or entry_label("sources", index),
        problem=f"{INVALID_ENTRY}{error})",
        advice=f"{FIX_SOURCE_ENTRY}; the other sources were read as usual",
        reason="config",
    )


# How a wrong [[sources]] entry's problem begins (its error follows, in brackets).
INVALID_ENTRY = "not read: the config entry is wrong ("

# What to do about a [[sources]] entry that is wrong: a build adds what it did without it.
FIX_SOURCE_ENTRY = "fix this [[sources]] entry"


def made_name(location: str, *, url: bool) -> str:
    """The name of a source the config leaves unnamed, made from its ``location``: a URL's
    host (and port), a path's last part. Never a URL's ``user:password@``: a name is shown
    to the digest's readers, on every article and in the list of sources that failed."""
    return host_name(location) if url else Path(location).name
