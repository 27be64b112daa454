"""Configuration: a TOML file parsed and validated once, at the entry point, into a ``Config``.

Every error names the file, the key and what was expected, because the person reading it is
usually looking at a cron mail hours after the edit that broke it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from digest.model import Source

DEFAULT_SOURCES_DIR = "seeds"
DEFAULT_OUTPUT_DIR = "output"
STATE_FILENAME = "digest-state.sqlite"


class ConfigError(ValueError):
    """A config file that cannot be used; the message says where and how to fix it."""


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
    path: Path | None = None  # the file this came from, for messages

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


def load_config(path: Path) -> Config:
    """Read and validate a TOML config file. Relative paths are taken from the file's folder."""
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
    return parse_config(data, path=path, base=path.parent)


def parse_config(data: Mapping[str, Any], *, path: Path | None = None, base: Path) -> Config:
    """Turn an already-parsed TOML mapping into a Config (split out so tests need no file)."""
    where = str(path) if path else "config"

    def fail(key: str, expected: str, got: Any = None) -> ConfigError:
        shown = "" if got is None else f", got {got!r}"
        return ConfigError(f"{where}: key '{key}' must be {expected}{shown}")

    unknown = sorted(set(data) - set(_TOP_KEYS))
    if unknown:
        known = ", ".join(sorted(_TOP_KEYS))
        return_msg = f"{where}: unknown key '{unknown[0]}' (known keys: {known})"
        raise ConfigError(return_msg)

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
    if raw_sources is None:
        sources: tuple[Source, ...] = (
            Source(name=DEFAULT_SOURCES_DIR, kind="folder", location=str(base / "seeds")),
        )
    elif not isinstance(raw_sources, list):
        raise fail("sources", _TOP_KEYS["sources"], raw_sources)
    else:
        sources = tuple(
            _parse_source(entry, index, where, base) for index, entry in enumerate(raw_sources)
        )
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
        path=path,
    )


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
