"""Configuration: a TOML file parsed and validated once, at the entry point, into a ``Config``.

Every error names the file, the key and what was expected, because the person reading it is
usually looking at a cron mail hours after the edit that broke it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.model import Source, SourceFailure

DEFAULT_SOURCES_DIR = "seeds"
DEFAULT_OUTPUT_DIR = "output"
STATE_FILENAME = "digest-state.sqlite"


class ConfigError(ValueError):
    """A config file that cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class EmailConfig:
    """Where and how ``digest send`` delivers. The password never lives in the config itself."""

    sender: str
    recipients: tuple[str, ...]
    smtp_host: str
    smtp_port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit, port 465) or "none"
    username: str | None = None
    password_env: str | None = None  # name of an environment variable holding the password
    password_file: Path | None = None  # a file holding the password (first line)
    timeout: float = 30.0


@dataclass(frozen=True)
class ScheduleConfig:
    """When ``digest run`` builds (and sends): daily at a local time, or every interval."""

    at: str = "07:00"  # HH:MM in the config's timezone
    every: int | None = None  # seconds between runs, instead of daily at ``at``


@dataclass(frozen=True)
class FetchConfig:
    """How feeds and pages are fetched; see ``digest.sources.fetch.FetchSettings``."""

    workers: int = 8
    connect_timeout: float = 10.0
    timeout: float = 30.0  # total per source: redirects, download and retries
    max_mb: float = 10.0  # largest body accepted, after decompression
    retries: int = 2
    full_text_limit: int = 30  # most article pages fetched per source and run for full text
    # The first retry's pause in seconds (it doubles, with jitter). Not a config key: users
    # keep the polite default; tests shorten it so that proving a retry costs no second.
    backoff: float = 1.0


@dataclass(frozen=True)
class Config:
    title: str = "Daily Digest"
    site_url: str | None = None
    author: str = "digest"
    sources: tuple[Source, ...] = ()
    output: Path = Path(DEFAULT_OUTPUT_DIR)
    state: Path = Path(STATE_FILENAME)
    lead_sentences: int = 3
    summary_chars: int = 600
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    feed_days: int = 30
    templates: Path | None = None
    rules: Path | None = None
    first_run_hours: int = 24
    articles_feed: bool = False  # also write articles.atom, one entry per story
    fetch: FetchConfig = field(default_factory=FetchConfig)
    email: EmailConfig | None = None
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    path: Path | None = None  # the file this came from, for messages
    # [[sources]] entries that could not be read: reported with each build, whose other
    # sources are read as usual, rather than stopping the run.
    invalid_sources: tuple[SourceFailure, ...] = ()

    @property
    def tz_name(self) -> str:
        return self.timezone.key


_TOP_KEYS = {
    "title": "a string",
    "site_url": "an absolute http(s) URL, such as https://example.org/digest/",
    "author": "a string",
    "sources": "a list of [[sources]] tables",
    "output": "a folder path",
    "state": "a file path for the SQLite state database",
    "lead_sentences": "an integer from 1 to 20",
    "summary_chars": "an integer from 80 to 5000",
    "timezone": "an IANA timezone name, such as Europe/Paris",
    "feed_days": "an integer from 1 to 3650",
    "templates": "a folder holding your copies of the templates",
    "rules": "a TOML file of extra boilerplate rules",
    "first_run_hours": "an integer from 0 to 87600 (0 takes a new feed's whole backlog)",
    "fetch": "a [fetch] table",
    "articles_feed": "true or false",
    "email": "an [email] table",
    "schedule": "a [schedule] table",
}

_EMAIL_KEYS = {
    "from": 'a sender address, such as "Digest <digest@example.org>"',
    "to": "a list of recipient addresses",
    "smtp_host": "the SMTP server's host name",
    "smtp_port": "a port number from 1 to 65535",
    "security": '"starttls", "tls" or "none"',
    "username": "the SMTP login name",
    "password_env": "the name of an environment variable holding the SMTP password",
    "password_file": "a file whose first line is the SMTP password",
    "timeout": "a number of seconds from 1 to 600",
}

_FETCH_KEYS = {
    "workers": "an integer from 1 to 64",
    "connect_timeout": "a number of seconds from 1 to 300",
    "timeout": "a number of seconds from 1 to 3600",
    "max_mb": "a number of megabytes from 0.1 to 1024",
    "retries": "an integer from 0 to 10",
    "full_text_limit": "an integer from 0 to 1000",
}

_SCHEDULE_KEYS = {
    "at": 'a local time of day as "HH:MM", such as "07:00"',
    "every": 'an interval such as "6h", "90m" or "1d" (instead of "at")',
}

_SOURCE_KEYS = {
    "name": "a string",
    "url": "an http(s) URL of a feed or a web page",
    "path": "a folder of article files or a local feed file",
    "kind": 'one of "folder", "feed", "page"',
    "category": "a string",
    "full_text": "true or false",
    "max_items": "a positive integer",
    "enabled": "true or false",
}


def default_config(base: Path | None = None) -> Config:
    """The configuration used when no file is given: ``seeds/`` in, ``output/`` out."""
    base = base or Path.cwd()
    output = base / DEFAULT_OUTPUT_DIR
    return Config(
        sources=(Source(name=DEFAULT_SOURCES_DIR, kind="folder", location=str(base / "seeds")),),
        output=output,
        state=output.parent / STATE_FILENAME,
    )


def load_config(path: Path, *, strict: bool = False) -> Config:
    """Read and validate a TOML config file. Relative paths are taken from the file's folder.

    A ``[[sources]]`` entry that is wrong becomes a failure in ``invalid_sources`` (the run
    goes on without it) unless ``strict``; anything else wrong raises ConfigError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return parse_config(data, path=path, base=path.parent, strict=strict)


def parse_config(
    data: Mapping[str, Any], *, path: Path | None = None, base: Path, strict: bool = False
) -> Config:
    """Turn an already-parsed TOML mapping into a Config (split out so tests need no file).
    ``strict``: as for ``load_config``."""
    where = str(path) if path else "config"

    def fail(key: str, expected: str, got: Any = None) -> ConfigError:
        shown = "" if got is None else f", got {got!r}"
        return ConfigError(f"{where}: key '{key}' must be {expected}{shown}")

    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        known = ", ".join(sorted(_TOP_KEYS))
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' (known keys: {known})")

    def get_str(key: str, default: str | None) -> str | None:
        value = data.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(key, _TOP_KEYS[key], value)
        return value

    def get_int(key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, _TOP_KEYS[key], value)
        return value

    def get_bool(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise fail(key, _TOP_KEYS[key], value)
        return value

    def get_path(key: str, default: Path | None) -> Path | None:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not value.strip():
            raise fail(key, _TOP_KEYS[key], value)
        return (base / Path(value).expanduser()).resolve()

    site_url = get_str("site_url", None)
    if site_url is not None:
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fail("site_url", _TOP_KEYS["site_url"], site_url)
        if not site_url.endswith("/"):
            site_url += "/"

    tz_name = get_str("timezone", "UTC") or "UTC"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail("timezone", _TOP_KEYS["timezone"], tz_name) from exc

    output = get_path("output", None) or (base / DEFAULT_OUTPUT_DIR).resolve()
    state = get_path("state", None) or output.parent / STATE_FILENAME

    raw_sources = data.get("sources")
    invalid: list[SourceFailure] = []
    if raw_sources is None:
        sources: tuple[Source, ...] = (
            Source(name=DEFAULT_SOURCES_DIR, kind="folder", location=str(base / "seeds")),
        )
    elif not isinstance(raw_sources, list):
        raise fail("sources", _TOP_KEYS["sources"], raw_sources)
    else:
        parsed = []
        for index, entry in enumerate(raw_sources):
            try:
                parsed.append(_parse_source(entry, index, where, base))
            except ConfigError as exc:
                if strict:
                    raise
                invalid.append(_invalid_source(entry, index, exc))
        sources = tuple(parsed)
        names = [s.name for s in sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ConfigError(
                f"{where}: two sources share the name '{duplicates[0]}'; give each a unique 'name'"
            )

    templates = get_path("templates", None)
    if templates is not None and not templates.is_dir():
        raise fail("templates", "an existing folder of templates", str(templates))
    rules = get_path("rules", None)
    if rules is not None and not rules.is_file():
        raise fail("rules", "an existing TOML rules file", str(rules))

    email = _parse_email(data.get("email"), where, base) if "email" in data else None
    fetch = _parse_fetch(data.get("fetch", {}), where)
    schedule = _parse_schedule(data.get("schedule", {}), where)

    return Config(
        title=get_str("title", "Daily Digest") or "Daily Digest",
        site_url=site_url,
        author=get_str("author", "digest") or "digest",
        sources=sources,
        output=output,
        state=state,
        lead_sentences=get_int("lead_sentences", 3, 1, 20),
        summary_chars=get_int("summary_chars", 600, 80, 5000),
        timezone=timezone,
        feed_days=get_int("feed_days", 30, 1, 3650),
        templates=templates,
        rules=rules,
        first_run_hours=get_int("first_run_hours", 24, 0, 87600),
        articles_feed=get_bool("articles_feed", False),
        fetch=fetch,
        email=email,
        schedule=schedule,
        path=path,
        invalid_sources=tuple(invalid),
    )


def _invalid_source(entry: Any, index: int, error: ConfigError) -> SourceFailure:
    name = f"sources[{index}]"
    if isinstance(entry, dict):
        given = entry.get("name") or entry.get("url") or entry.get("path")
        name = given if isinstance(given, str) and given.strip() else name
    return SourceFailure(
        source=name,
        problem=f"not read: the config entry is wrong ({error})",
        advice="fix this [[sources]] entry; the other sources were read as usual",
    )


def _parse_fetch(table: Any, where: str) -> FetchConfig:
    table = _check_keys(table, "fetch", _FETCH_KEYS, where)
    limits = {
        "workers": (1, 64, int),
        "connect_timeout": (1, 300, float),
        "timeout": (1, 3600, float),
        "max_mb": (0.1, 1024, float),
        "retries": (0, 10, int),
        "full_text_limit": (0, 1000, int),
    }
    values: dict[str, Any] = {}
    for key, (low, high, kind) in limits.items():
        if key not in table:
            continue
        value = table[key]
        allowed = (int,) if kind is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, allowed) or not low <= value <= high:
            raise ConfigError(
                f"{where}: key 'fetch.{key}' must be {_FETCH_KEYS[key]}, got {value!r}"
            )
        values[key] = kind(value)
    return FetchConfig(**values)


def _check_keys(table: Any, label: str, known: dict[str, str], where: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: '{label}' must be a table ([{label}]), got {table!r}")
    unknown = sorted(set(table) - set(known))
    if unknown:
        names = ", ".join(sorted(known))
        raise ConfigError(f"{where}: unknown key '{label}.{unknown[0]}' (known keys: {names})")
    return table


def _parse_email(table: Any, where: str, base: Path) -> EmailConfig:
    table = _check_keys(table, "email", _EMAIL_KEYS, where)

    def fail(key: str, got: Any) -> ConfigError:
        return ConfigError(f"{where}: key 'email.{key}' must be {_EMAIL_KEYS[key]}, got {got!r}")

    for key in ("from", "to", "smtp_host"):
        if key not in table:
            raise ConfigError(
                f"{where}: key 'email.{key}' is missing; it must be {_EMAIL_KEYS[key]}"
            )
    recipients = table["to"]
    if isinstance(recipients, str):
        recipients = [recipients]
    if (
        not isinstance(recipients, list)
        or not recipients
        or not all(isinstance(r, str) and "@" in r for r in recipients)
    ):
        raise fail("to", table["to"])
    if not isinstance(table["from"], str) or "@" not in table["from"]:
        raise fail("from", table["from"])
    for key in ("smtp_host", "username", "password_env", "password_file"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise fail(key, table[key])
    port = table.get("smtp_port", 465 if table.get("security") == "tls" else 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise fail("smtp_port", port)
    security = table.get("security", "starttls")
    if security not in ("starttls", "tls", "none"):
        raise fail("security", security)
    timeout = table.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 1 <= timeout <= 600:
        raise fail("timeout", timeout)
    password_file = table.get("password_file")
    return EmailConfig(
        sender=table["from"],
        recipients=tuple(recipients),
        smtp_host=table["smtp_host"],
        smtp_port=port,
        security=security,
        username=table.get("username"),
        password_env=table.get("password_env"),
        password_file=(base / Path(password_file).expanduser()).resolve()
        if password_file
        else None,
        timeout=float(timeout),
    )


_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_schedule(table: Any, where: str) -> ScheduleConfig:
    table = _check_keys(table, "schedule", _SCHEDULE_KEYS, where)
    at = table.get("at", "07:00")
    match = re.match(r"^([01]?\d|2[0-3]):([0-5]\d)$", at) if isinstance(at, str) else None
    if not match:
        raise ConfigError(f"{where}: key 'schedule.at' must be {_SCHEDULE_KEYS['at']}, got {at!r}")
    every = table.get("every")
    seconds = None
    if every is not None:
        interval = _INTERVAL.match(every) if isinstance(every, str) else None
        if not interval or int(interval[1]) == 0:
            raise ConfigError(
                f"{where}: key 'schedule.every' must be {_SCHEDULE_KEYS['every']}, got {every!r}"
            )
        seconds = int(interval[1]) * _UNIT_SECONDS[interval[2]]
        if seconds < 60:
            raise ConfigError(
                f"{where}: key 'schedule.every' must be at least 1 minute, got {every!r}"
            )
    return ScheduleConfig(at=f"{int(match[1]):02d}:{match[2]}", every=seconds)


def _parse_source(entry: Any, index: int, where: str, base: Path) -> Source:
    label = f"sources[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: '{label}' must be a table with 'url' or 'path', got {entry!r}")

    def fail(key: str, got: Any) -> ConfigError:
        return ConfigError(f"{where}: key '{label}.{key}' must be {_SOURCE_KEYS[key]}, got {got!r}")

    unknown = sorted(set(entry) - set(_SOURCE_KEYS))
    if unknown:
        known = ", ".join(sorted(_SOURCE_KEYS))
        raise ConfigError(f"{where}: unknown key '{label}.{unknown[0]}' (known keys: {known})")
    url, path = entry.get("url"), entry.get("path")
    if (url is None) == (path is None):
        raise ConfigError(f"{where}: '{label}' needs exactly one of 'url' or 'path'")
    for key in ("name", "category"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(key, value)
    for key in ("full_text", "enabled"):
        if key in entry and not isinstance(entry[key], bool):
            raise fail(key, entry[key])
    max_items = entry.get("max_items")
    if max_items is not None and (
        isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1
    ):
        raise fail("max_items", max_items)

    kind = entry.get("kind")
    if kind is not None and kind not in ("folder", "feed", "page"):
        raise fail("kind", kind)
    if url is not None:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise fail("url", url)
        location = url
        kind = kind or "feed"
        default_name = urlsplit(url).netloc
    else:
        if not isinstance(path, str) or not path.strip():
            raise fail("path", path)
        resolved = (base / Path(path).expanduser()).resolve()
        location = str(resolved)
        kind = kind or ("folder" if not resolved.is_file() else "feed")
        default_name = resolved.name
    return Source(
        name=(entry.get("name") or default_name).strip(),
        kind=kind,
        location=location,
        category=entry.get("category"),
        full_text=entry.get("full_text", False),
        max_items=max_items,
        enabled=entry.get("enabled", True),
    )


CONFIG_FILENAME = "digest.toml"


def find_config(explicit: Path | None, cwd: Path | None = None) -> Path | None:
    """The config to use: the one named, else ``digest.toml`` in the working folder if any."""
    if explicit is not None:
        return explicit
    candidate = (cwd or Path.cwd()) / CONFIG_FILENAME
    return candidate if candidate.is_file() else None


def add_sources_to_file(path: Path, entries: Sequence[Mapping[str, Any]]) -> Config:
    """Append ``[[sources]]`` tables to the config file, keeping its comments and layout.

    The edited text is validated as a whole before it replaces the file, so a bad entry never
    leaves a config that the next cron run cannot read.
    """
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
        raise ConfigError(f"{path}: key 'sources' must be {_TOP_KEYS['sources']}")
    for entry in entries:
        # An inline list written by hand grows in its own style: inline tables.
        table = tomlkit.inline_table() if inline else tomlkit.table()
        for key, value in entry.items():
            if value is not None:
                table[key] = value
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
