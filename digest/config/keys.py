"""Config keys as data: each key's name, type, default and meaning, declared once.

A ``Key`` is all there is to know about one config key: what it must be (its ``ValueType``,
which also says so in words: "an integer from 1 to 20"), its default, and what it does. The
same declaration checks a value read from TOML and turns it into the Python value, words the
error when it is wrong, and writes the key's line in the README's reference. Kinds of source
declare the extra keys their ``[[sources]]`` entries take with these types too.

Nothing here knows digest's own keys (``digest.config.settings`` declares them); this module
only knows how to read a TOML table against a list of keys, and how to say what went wrong:
file, key, what was expected, what was given.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


class ConfigError(ValueError):
    """A config file that cannot be used; the message says where and how to fix it.

    ``file`` and ``at``, when given, say which key (``digest.errors.toml_key_line``) of which
    file the message is about, whose text alone can tell the line it is written on: the
    message starts with ``file``, and the loader adds the line after it. One error may stand
    for several (``ConfigError.of``): each of them is in ``each``, to be shown on its own.
    ``warnings``: what the config refused also does that is likely a mistake though not
    wrong (``Config.warnings``), to be shown after the errors: said only once they were
    fixed, the user met them on the next run, as a second round of mistakes."""

    def __init__(self, message: str, *, file: str = "", at: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.file = file
        self.at = at
        self.errors: tuple[ConfigError, ...] = ()
        self.warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, errors: Iterable[ConfigError]) -> ConfigError:
        """One error for all of ``errors``, whose message is theirs, in order, one after the
        other (for a log's line); the one itself when it is alone."""
        each = tuple(one for error in errors for one in error.each)
        if len(each) == 1:
            return each[0]
        joined = cls("; ".join(str(one) for one in each))
        joined.errors = each
        return joined

    @property
    def each(self) -> tuple[ConfigError, ...]:
        """The errors this one stands for: itself, unless it joins several (``of``)."""
        return self.errors or (self,)


_T = TypeVar("_T")


class Problems:
    """The errors of a config's parts that can be read one without the other, gathered as
    each is read so that one run names them all: a cron mail that names one mistake a day,
    or a user who fixes one to meet the next, is slow to get a config right."""

    def __init__(self) -> None:
        self.errors: list[ConfigError] = []

    def read(self, part: Callable[[], _T], instead: _T) -> _T:
        """What ``part`` reads, or ``instead`` when it raises ConfigError, which is kept."""
        try:
            return part()
        except ConfigError as exc:
            self.errors.append(exc)
            return instead

    def add(self, error: ConfigError) -> None:
        self.errors.append(error)

    def check(self, also: Sequence[ConfigError] = (), warnings: Sequence[str] = ()) -> None:
        """Raise the errors gathered, as one (``ConfigError.of``), if there are any; with
        them ``also``, errors that alone would stop nothing, and ``warnings``
        (``ConfigError.warnings``)."""
        if self.errors:
            error = ConfigError.of([*self.errors, *also])
            error.warnings = tuple(warnings)
            raise error


class Invalid(ValueError):
    """A value its type refuses. ``expected`` and ``got`` replace the key's own phrase and the
    value given, for a more precise complaint ("at least 1 minute"). ``problem`` replaces the
    whole "must be ..., got ..." when the value has the right shape but one part of it is
    wrong, the part being ``at`` ("[2]", for a list's third item)."""

    def __init__(
        self, expected: str | None = None, got: Any = None, *, problem: str = "", at: str = ""
    ) -> None:
        super().__init__(problem or expected)
        self.expected = expected
        self.got = got
        self.problem = problem
        self.at = at


class ValueType:
    """What a key's value must be: checked and converted by ``parse``, worded by ``describe``."""

    nested = False  # a table of its own keys, read by the caller rather than by ``read_values``

    def describe(self) -> str:
        raise NotImplementedError

    def parse(self, value: Any, base: Path) -> Any:
        """The Python value for a TOML ``value``, or ``Invalid``. ``base``: the config's folder."""
        raise NotImplementedError

    def show(self, value: Any) -> str:
        """A default as TOML, for the reference."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return f"{value:g}"
        return '"' + str(value) + '"' if isinstance(value, str | Path) else str(value)


def _number(value: Any, allowed: type | tuple[type, ...]) -> bool:
    return isinstance(value, allowed) and not isinstance(value, bool)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True)
class Named(ValueType):
    """A type worded by what the value names ("the SMTP login name"), not by a range."""

    what: str

    def describe(self) -> str:
        return self.what


@dataclass(frozen=True)
class Text(Named):
    """A string that is not blank."""

    what: str = "a string"

    def parse(self, value: Any, base: Path) -> str:
        if not _text(value):
            raise Invalid
        return str(value)


@dataclass(frozen=True)
class Integer(ValueType):
    """A whole number from ``low`` to ``high``."""

    low: int
    high: float = math.inf
    noun: str = "integer"  # "port number"

    def describe(self) -> str:
        if self.high == math.inf:
            return "a positive integer" if self.low == 1 else f"an integer of at least {self.low}"
        article = "an" if self.noun[0] in "aeiou" else "a"
        return f"{article} {self.noun} from {self.low} to {self.high}"

    def parse(self, value: Any, base: Path) -> int:
        if not _number(value, int) or not self.low <= value <= self.high:
            raise Invalid
        return int(value)


@dataclass(frozen=True)
class Number(ValueType):
    """An integer or decimal from ``low`` to ``high``, in ``unit``s; read as a float."""

    low: float
    high: float
    unit: str

    def describe(self) -> str:
        of = f" of {self.unit}" if self.unit else ""
        return f"a number{of} from {self.low:g} to {self.high:g}"

    def parse(self, value: Any, base: Path) -> float:
        if not _number(value, (int, float)) or not self.low <= value <= self.high:
            raise Invalid
        return float(value)


@dataclass(frozen=True)
class Boolean(ValueType):
    def describe(self) -> str:
        return "true or false"

    def parse(self, value: Any, base: Path) -> bool:
        if not isinstance(value, bool):
            raise Invalid
        return value


@dataclass(frozen=True)
class Choice(ValueType):
    """One of a few strings; ``options`` may be a function, for a set that grows at run time
    (kinds of source, as their modules register)."""

    options: Sequence[str] | Callable[[], Iterable[str]]

    def names(self) -> tuple[str, ...]:
        return tuple(self.options() if callable(self.options) else self.options)

    def describe(self) -> str:
        quoted = [f'"{name}"' for name in self.names()]
        return " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)

    def parse(self, value: Any, base: Path) -> str:
        if value not in self.names():
            raise Invalid
        return str(value)


@dataclass(frozen=True)
class Url(ValueType):
    """An http(s) URL; ``site``: the absolute address of a folder, given a trailing slash so
    that relative links resolve inside it."""

    what: str = ""  # "of a feed or a web page"
    site: bool = False

    def describe(self) -> str:
        if self.site:
            return "an absolute http(s) URL, such as https://example.org/digest/"
        return f"an http(s) URL {self.what}".strip()

    def parse(self, value: Any, base: Path) -> str:
        if not isinstance(value, str):
            raise Invalid
        try:
            parts = urlsplit(value)
        except ValueError as exc:  # "http://[::1/feed": an IPv6 address left open
            raise Invalid from exc
        if parts.scheme not in ("http", "https") or not names_a_server(parts):
            meant = _with_scheme(value)
            if meant:
                raise Invalid(problem=f"must be {self.describe()}, got {value!r}: {meant}")
            raise Invalid
        return value if not self.site or value.endswith("/") else value + "/"


def names_a_server(address: str | SplitResult) -> bool:
    """Whether a web address names a server to connect to: a host with no space in it, and
    a port that is one, if any ("https:/example.org/feed" has none: its source failed every
    run, and was shown everywhere by the name made from its host, an empty one)."""
    parts = urlsplit(address) if isinstance(address, str) else address
    try:
        port = parts.port
    except ValueError:  # not a number, or past 65535
        return False
    host = parts.hostname or ""
    return bool(host) and not any(c.isspace() for c in host) and port != 0


def from_feed_scheme(url: str) -> str:
    """The web address a feed reader's subscription link stands for: ``feed://host/path`` is
    ``http://host/path`` (the server moves it to https itself if it likes), and
    ``feed:https://host/path`` wraps the address whole. Empty when ``url`` is no such link."""
    scheme, colon, rest = url.strip().partition(":")
    if not colon or scheme.lower() != "feed":
        return ""
    if rest[:8].lower().startswith(("http://", "https://")):
        return rest
    return f"http:{rest}" if rest.startswith("//") and rest[2:3] not in ("", "/") else ""


# A host (a name with a dot, localhost or an IP address), maybe a port, then a path or nothing:
# an address copied from a browser's bar, which leaves out the "https://" it shows.
_SCHEMELESS = re.compile(
    r"^(?P<host>localhost|\[[0-9a-f:.]+\]|[\w-]+(?:\.[\w-]+)+)(?::\d{1,5})?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# http or https with a slash, or the colon, too few or too many: all but "://"
_SLASHES = re.compile(r"(?P<scheme>https?)(?::/?|:/{3,}|/{2,})(?P<rest>[^/].*)", re.IGNORECASE)


def with_scheme(value: str) -> str:
    """For an address that is not quite a web address, what it most likely meant: a feed
    reader's ``feed:`` link, the address it stands for (``from_feed_scheme``); http or https
    with a slash or its colon short or over ("https:/", "http//"), or a scheme that is a
    slip of the keys for either ("htp://", "htps://"), that one; an address
    written without its scheme ("example.org/feed"), http:// for this machine or a private
    network (where https is rare), https:// elsewhere. Empty for anything else (a path, a
    word, another scheme such as ftp://)."""
    import ipaddress

    value = value.strip()
    meant = from_feed_scheme(value)
    if meant:
        return meant
    slip = _SLASHES.fullmatch(value)  # "https:/example.org", "http//example.org"
    if slip and _SCHEMELESS.match(slip["rest"]):
        return f"{slip['scheme'].lower()}://{slip['rest']}"
    scheme, sep, rest = value.partition("://")
    if sep and _SCHEME.fullmatch(scheme) and scheme.lower() not in ("http", "https"):
        close = difflib.get_close_matches(scheme.lower(), ("https", "http"), n=1, cutoff=0.7)
        return f"{close[0]}://{rest}" if close and _SCHEMELESS.match(rest) else ""
    found = _SCHEMELESS.match(value)
    if found is None:
        return ""
    host = found["host"].strip("[]")
    try:
        local = not ipaddress.ip_address(host).is_global
    except ValueError:
        local = host.lower() == "localhost"
    return f"{'http' if local else 'https'}://{value}"


def _with_scheme(value: str) -> str:
    meant = with_scheme(value)
    return f"did you mean '{meant}'?" if meant else ""


@dataclass(frozen=True)
class LocalPath(Named):
    """A file or folder, taken from the config's folder when relative (``~`` is expanded).
    ``must_be`` a file or folder already there, else ``existing`` words the error."""

    must_be: Literal["file", "folder", None] = None
    existing: str = ""  # "an existing folder of templates"

    def parse(self, value: Any, base: Path) -> Path:
        if not _text(value):
            raise Invalid
        try:
            path = (base / Path(value).expanduser()).resolve()
        except (RuntimeError, ValueError) as exc:  # "~nobody/x" (no such user), a NUL byte
            raise Invalid from exc
        there = {"file": path.is_file, "folder": path.is_dir, None: lambda: True}[self.must_be]
        if not there():
            raise Invalid(self.existing, str(path))
        return path


@dataclass(frozen=True)
class Timezone(ValueType):
    def describe(self) -> str:
        return "an IANA timezone name, such as Europe/Paris"

    def parse(self, value: Any, base: Path) -> ZoneInfo:
        if not _text(value):
            raise Invalid
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Europe", a folder
            offset = _offset_meant(value)
            if offset:
                raise Invalid(
                    problem=f"must be {self.describe()}, got {value!r}: {offset}"
                ) from exc
            meant = _zones_meant(value)
            if meant:
                names = " or ".join(f"'{name}'" for name in meant)
                raise Invalid(
                    problem=f"must be {self.describe()}, got {value!r}: did you mean {names}?"
                ) from exc
            raise Invalid from exc

    def show(self, value: Any) -> str:
        return f'"{value.key}"'


# A UTC offset written for a timezone: "GMT+2", "UTC-05:00", "+10".
_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


def _offset_meant(value: str) -> str:
    """What to say of a timezone written as a UTC offset ("GMT+2", "UTC-05:00"), "" for any
    other value. IANA names a whole hour's fixed offset "Etc/GMT-2" for UTC+2: the sign the
    other way round, as POSIX has it, so the name spelt like the value ("Etc/GMT+2", which
    ``_zones_meant`` finds) is that many hours off the other way. Neither keeps summer time,
    as a city's zone does."""
    found = _OFFSET.fullmatch(value.strip())
    if found is None:
        return ""
    sign, hours, minutes = found.group(1), int(found.group(2)), int(found.group(3) or 0)
    offset = f"UTC{'+' if hours == minutes == 0 else sign}{hours}" + (
        f":{minutes:02d}" if minutes else ""
    )
    summer = "a fixed offset keeps no summer time, which your city's zone does"
    if minutes or hours > (14 if sign == "+" else 12):
        return f"{offset} has no timezone name of its own: name your city's zone"
    if not hours:
        return f"did you mean 'UTC'? ({offset}: {summer})"
    name = f"Etc/GMT{'+' if sign == '-' else '-'}{hours}"
    return (
        f"did you mean '{name}'? ({offset}: an Etc name's sign is its offset's reversed; {summer})"
    )


def _zones_meant(value: str) -> list[str]:
    """The IANA names a timezone ``value`` most likely meant: those that end with it, as a
    city is written alone ("Paris": "Europe/Paris"; "new york": "America/New_York"), else
    those spelt closest ("Europe/Pariss"). A few at most."""
    zones = sorted(available_timezones())
    wanted = value.strip().replace(" ", "_").casefold()
    ending = [z for z in zones if z.casefold() == wanted or z.casefold().endswith(f"/{wanted}")]
    return ending[:3] or difflib.get_close_matches(value.strip(), zones, n=3, cutoff=0.8)


@dataclass(frozen=True)
class LanguageTag(ValueType):
    """A BCP 47 language tag such as "de" or "pt-BR" (``de_AT`` is read as ``de-AT``); read
    in its usual spelling. Whether digest speaks it is for ``digest.language`` to say."""

    def describe(self) -> str:
        return 'a language tag (BCP 47), such as "de" or "pt-BR"'

    def parse(self, value: Any, base: Path) -> str:
        from digest.language import normalise_tag

        if not isinstance(value, str):
            raise Invalid
        try:
            return normalise_tag(value)
        except ValueError as exc:
            raise Invalid from exc


@dataclass(frozen=True)
class Address(Named):
    """An email address, with or without a display name; ``many``: a non-empty list of them,
    or a string for just one."""

    many: bool = False

    def parse(self, value: Any, base: Path) -> Any:
        addresses = [value] if isinstance(value, str) or not self.many else value
        if not isinstance(addresses, list) or not addresses:
            raise Invalid
        if not all(isinstance(a, str) and "@" in a for a in addresses):
            raise Invalid
        return tuple(addresses) if self.many else value


@dataclass(frozen=True)
class TimeOfDay(ValueType):
    """A local time "HH:MM" (or "H:MM"); read as "HH:MM"."""

    def describe(self) -> str:
        return 'a local time of day as "HH:MM", such as "07:00"'

    def parse(self, value: Any, base: Path) -> str:
        match = re.match(r"^([01]?\d|2[0-3]):([0-5]\d)$", value) if isinstance(value, str) else None
        if not match:
            raise Invalid
        return f"{int(match[1]):02d}:{match[2]}"


_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Interval(ValueType):
    """A duration such as "90m"; read as seconds, at least ``minutes`` minutes and at most
    ``most_days`` days (beyond the calendar's end, no next run can be worked out)."""

    minutes: int = 1
    most_days: int = 366

    def describe(self) -> str:
        return 'an interval such as "6h", "90m" or "1d"'

    def parse(self, value: Any, base: Path) -> int:
        match = re.match(r"^\s*(\d+)\s*([smhd])\s*$", value) if isinstance(value, str) else None
        if not match or int(match[1]) == 0:
            raise Invalid
        seconds = int(match[1]) * _UNIT_SECONDS[match[2]]
        if seconds < self.minutes * 60:
            raise Invalid(f"at least {self.minutes} minute" + ("s" if self.minutes > 1 else ""))
        if seconds > self.most_days * 86400:
            raise Invalid(f"at most {self.most_days} days")
        return seconds


@dataclass(frozen=True)
class FilterRules(ValueType):
    """A list of include or exclude rules (see ``digest.filters``), or a string for just one;
    read as compiled ``FilterRule``s, so a rule that cannot be used is an error here, naming it."""

    def describe(self) -> str:
        return (
            'a list of words, phrases and "re:" regular expressions, each optionally limited '
            'to some fields ("title:sponsored")'
        )

    def parse(self, value: Any, base: Path) -> tuple[Any, ...]:
        from digest.filters import RuleError, parse_rule

        rules = [value] if isinstance(value, str) else value
        if not isinstance(rules, list):
            raise Invalid
        compiled = []
        for index, rule in enumerate(rules):
            try:
                compiled.append(parse_rule(rule))
            except RuleError as exc:
                raise Invalid(problem=exc.problem, at=f"[{index}]") from exc
        return tuple(compiled)

    def show(self, value: Any) -> str:
        return "[]" if not value else str([str(rule) for rule in value])


@dataclass(frozen=True)
class Key:
    """One config key. ``default`` is the Python value a config without the key gets (and the
    dataclass field's default); ``default_text`` words a default that is worked out from other
    keys or the config's folder (a function, when the words depend on what registers at run
    time, such as the kinds of source). ``note`` is added, in parentheses, to what the value
    must be."""

    name: str
    type: ValueType
    default: Any = None
    help: str = ""
    note: str = ""
    attr: str = ""  # the dataclass field it fills, when not ``name`` ("from" → ``sender``)
    required: bool = False
    default_text: str | Callable[[], str] = ""

    @property
    def field(self) -> str:
        return self.attr or self.name

    @property
    def expected(self) -> str:
        """What the value must be, in the words of the error messages and the reference."""
        text = self.type.describe()
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Table:
    """A TOML table's keys, in the order the reference lists them. ``name``: "" for the top
    level, else the table's name ("fetch", "sources")."""

    name: str
    keys: tuple[Key, ...]
    help: str = ""

    def __getitem__(self, name: str) -> Key:
        return next(key for key in self.keys if key.name == name)


@dataclass(frozen=True)
class Section(ValueType):
    """A key holding a table of its own keys (``[fetch]``)."""

    table: Table
    nested = True

    @property
    def header(self) -> str:
        return f"[{self.table.name}]"

    def describe(self) -> str:
        article = "an" if self.table.name[0] in "aeiou" else "a"
        return f"{article} {self.header} table"


@dataclass(frozen=True)
class TableList(Section):
    """A key holding a list of tables (``[[sources]]``)."""

    @property
    def header(self) -> str:
        return f"[[{self.table.name}]]"

    def describe(self) -> str:
        return f"a list of {self.header} tables"


def label_of(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def did_you_mean(name: str, names: Iterable[str], prefix: str = "") -> str:
    """``", did you mean 'KEY'?"`` for the one of ``names`` a mistyped ``name`` most likely
    meant (``ful_text``: ``full_text``), labelled within ``prefix``; empty when none is close.
    The list of every key is long to read in a cron mail."""
    close = difflib.get_close_matches(name, sorted(names), n=1)
    return f", did you mean '{label_of(prefix, close[0])}'?" if close else ""


def entry_label(table: str, index: int) -> str:
    """An entry of an array of tables as the user counts it: the 2nd ``[[sources]]`` is
    "[[sources]] #2" (a Python index, "sources[1]", reads as the first or the second)."""
    return f"[[{table}]] #{index + 1}"


def check_known(
    raw: Mapping[str, Any],
    keys: Iterable[Key],
    where: str,
    prefix: str,
    place: tuple[str | int, ...] = (),
) -> None:
    """Refuse a key that is not among ``keys``, naming the known key it most likely meant.
    ``place``: where the table is in the file (see ``ConfigError``), when ``where`` names it;
    ``prefix``: how its keys are labelled ("fetch" for ``fetch.timeout``), if at all.

    Each unknown key is an error of its own, on its own line. The list of the table's keys
    goes with the first that has no likely meaning, and only with it: a guess is the fix,
    and the list repeated under three misspelt keys buried it (in the order of the file,
    which tomllib keeps, so it is the first of them the user reads)."""
    names = sorted({key.name for key in keys})
    listed = False
    problems = Problems()
    for name in (name for name in raw if name not in names):
        meant = did_you_mean(name, names, prefix)
        known = ""
        if not meant and not listed:
            known, listed = f" (known keys: {', '.join(names)})", True
        problems.add(
            ConfigError(
                f"{where}: unknown key '{label_of(prefix, name)}'{meant}{known}",
                file=where,
                at=(*place, name),
            )
        )
    problems.check()


def read_values(
    raw: Mapping[str, Any],
    keys: Sequence[Key],
    where: str,
    prefix: str,
    base: Path,
    place: tuple[str | int, ...] = (),
) -> dict[str, Any]:
    """Each key's value by its field: parsed from ``raw``, else its default. Keys holding tables
    of their own are left to the caller. Every key in ``raw`` is known (``check_known``).
    ``place`` and ``prefix``: as for ``check_known``. Every key that is wrong is named (one
    ConfigError for them all), not only the first."""
    problems = Problems()
    for key in keys:
        if key.required and key.name not in raw:
            problems.add(
                ConfigError(
                    f"{where}: key '{label_of(prefix, key.name)}' is missing; it must be "
                    f"{key.expected}",
                    file=where,
                    at=place,
                )
            )
    values = {}
    for key in keys:
        if key.type.nested:
            continue
        if key.name not in raw:
            values[key.field] = key.default
            continue
        try:
            values[key.field] = key.type.parse(raw[key.name], base)
        except Invalid as exc:
            problems.add(_wrong_value(key, raw[key.name], exc, where, prefix, place))
    problems.check()
    return values


def _wrong_value(
    key: Key, value: Any, exc: Invalid, where: str, prefix: str, place: tuple[str | int, ...]
) -> ConfigError:
    """What ``read_values`` says of a ``value`` that ``key``'s type refused (``exc``)."""
    if exc.problem:
        label = label_of(prefix, key.name) + exc.at
        error = ConfigError(
            f"{where}: key '{label}': {exc.problem}", file=where, at=(*place, key.name)
        )
    else:
        got = value if exc.got is None else exc.got
        error = ConfigError(
            f"{where}: key '{label_of(prefix, key.name)}' must be "
            f"{exc.expected or key.expected}, got {got!r}",
            file=where,
            at=(*place, key.name),
        )
    error.__cause__ = exc
    return error


def read_entry(
    raw: Mapping[str, Any],
    keys: Sequence[Key],
    where: str,
    prefix: str,
    base: Path,
    place: tuple[str | int, ...] = (),
) -> dict[str, Any]:
    """``read_values`` for a table that must hold only known keys (``check_known``): a key it
    does not know and a value that is wrong are both named."""
    problems = Problems()
    problems.read(lambda: check_known(raw, keys, where, prefix, place), None)
    values: dict[str, Any] = problems.read(
        lambda: read_values(raw, keys, where, prefix, base, place), {}
    )
    problems.check()
    return values


def read_table(raw: Any, table: Table, where: str, base: Path) -> dict[str, Any]:
    """``read_entry`` for a whole ``[table]``, which must be a table."""
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where}: '{table.name}' must be a table ([{table.name}]), got {raw!r}",
            file=where,
            at=(table.name,),
        )
    return read_entry(raw, table.keys, where, table.name, base, (table.name,))
