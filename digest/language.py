"""The reader's language: the words of the interface, and how dates, numbers and plurals read.

``language = "de"`` in the config (a BCP 47 tag) picks both halves:

* the interface's words ("Also today", "min read", the email's subject) come from the gettext
  catalogue ``digest/locale/<language>/LC_MESSAGES/digest.mo``, compiled from the ``.po``
  beside it; the templates reach it through Jinja's i18n extension, the code through
  ``Language.gettext`` and ``Language.ngettext``;
* dates, numbers and plural rules come from the CLDR data that ships inside Babel: nothing is
  downloaded, and the process locale (a cron job under ``LANG=fr_FR``) changes nothing.

A tag is matched to a catalogue by its full form, then its language alone ("de-AT" reads the
German catalogue and writes Austrian dates: "Jänner"). A language digest has no catalogue for
falls back to English, all of it, and ``choose_language`` says so in a warning for the build
to show: a page in two languages reads worse than one in English, whose stories keep their
own ``lang``.

Plain "en", the default, keeps digest's house style, which readers of earlier versions know
("Saturday 21 November 2026", "Sat 21 Nov, 08:30", a 24-hour clock); any other English tag
follows CLDR ("en-US": "Saturday, November 21, 2026", "8:30 AM").

Nothing here reads the clock; a ``Language`` is made once per tag and shared.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel is imported when a language is first made: tags need none of it
    from babel import Locale
    from babel.dates import DateTimePattern

DEFAULT_LANGUAGE = "en"
DOMAIN = "digest"  # the catalogues' gettext domain: digest/locale/*/LC_MESSAGES/digest.mo

# A well-formed BCP 47 tag, as far as digest uses one: language, then optional script, region
# and variants ("de", "pt-BR", "zh-Hant-TW", "de-CH-1996"). Extensions and private use are
# not needed to pick a catalogue or a calendar.
LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(-[A-Za-z]{4})?(-(?:[A-Za-z]{2}|\d{3}))?(-(?:[A-Za-z\d]{5,8}|\d[A-Za-z\d]{3}))*"
)


def normalise_tag(tag: str) -> str:
    """``de_at`` or ``DE-at`` → ``de-AT``: the spelling ``lang`` attributes use. Raises
    ``ValueError`` for what is not a language tag."""
    text = tag.strip().replace("_", "-")
    if not LANGUAGE_TAG.fullmatch(text):
        raise ValueError(f"not a language tag: {tag!r}")
    parts = text.split("-")
    fixed = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            fixed.append(part.title())  # script: Hant, Latn
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            fixed.append(part.upper())  # region: AT, 419
        else:
            fixed.append(part.lower())  # variant
    return "-".join(fixed)


def primary_subtag(tag: str | None) -> str | None:
    """``pt-BR`` → ``pt``; None stays None."""
    return tag.split("-")[0].split("_")[0].lower() if tag else None


@functools.lru_cache(maxsize=256)
def direction(tag: str | None) -> str:
    """``rtl`` for a language written right to left (``he``, ``ar-EG``, ``az-Arab``: CLDR's
    character order for the tag, its script included), else ``ltr``, as for a tag CLDR does
    not know."""
    from babel import Locale, UnknownLocaleError

    for candidate in (tag, primary_subtag(tag)):
        try:
            locale = Locale.parse(normalise_tag(candidate or ""), sep="-")
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        return "rtl" if locale.character_order == "right-to-left" else "ltr"
    return "ltr"


@dataclass(frozen=True)
class DateStyle:
    """The patterns (CLDR syntax) a language writes each of digest's dates and times in."""

    long: str  # Saturday 21 November 2026
    day_month_year: str  # 21 November 2026
    month_year: str  # November 2026
    short: str  # Sat 21 Nov
    short_year: str  # Sat 21 Nov 2025
    time: str  # 08:30
    date_time: str  # "{1}, {0}": the date ({1}) and the time ({0}) together

    @classmethod
    def of(cls, locale: Locale) -> DateStyle:
        """The style CLDR gives ``locale``: its full date, and its best patterns for the rest."""
        from babel.dates import match_skeleton

        def skeleton(wanted: str) -> str:
            found = match_skeleton(wanted, locale.datetime_skeletons) or wanted
            return str(locale.datetime_skeletons[found].pattern)

        return cls(
            long=str(locale.date_formats["full"].pattern),
            day_month_year=skeleton("yMMMMd"),
            month_year=skeleton("yMMMM"),
            short=skeleton("MMMEd"),
            short_year=skeleton("yMMMEd"),
            time=str(locale.time_formats["short"].pattern),
            date_time=str(locale.datetime_formats["short"]),
        )


# digest's own English, as it was written before dates went through CLDR: day before month,
# no commas, a 24-hour clock. CLDR's plain "en" is American English.
HOUSE_ENGLISH = DateStyle(
    long="EEEE d MMMM y",
    day_month_year="d MMMM y",
    month_year="MMMM y",
    short="E d MMM",
    short_year="E d MMM y",
    time="HH:mm",
    date_time="{1}, {0}",
)


class Language:
    """One language of the interface: its tag, its CLDR locale and its catalogue."""

    def __init__(
        self,
        tag: str,
        locale: Locale,
        translations: gettext.NullTranslations,
        style: DateStyle | None = None,
    ) -> None:
        self.tag = tag  # as ``lang`` attributes and ``xml:lang`` write it: "de", "pt-BR"
        self.locale = locale
        self.translations = translations
        self._style = style  # None: the locale's own, looked up when first wanted
        # Formatting through CLDR costs some microseconds a call, and a page asks for the
        # same few dates, times and counts over and over: each is worked out once.
        self._written: dict[tuple[str, object], str] = {}

    def __repr__(self) -> str:
        return f"Language({self.tag!r})"

    @property
    def direction(self) -> str:
        """``ltr`` or ``rtl``: how this language is written (``dir`` attributes)."""
        return direction(self.tag)

    # ------------------------------------------------------------ words

    def gettext(self, message: str) -> str:
        """``message`` in this language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of ``singular``/``plural`` this language uses for ``count`` things, its
        ``%(num)s`` already the count as the language writes numbers ("1.234 Meldungen");
        any other ``%(name)s`` is left for the caller to fill in."""
        text = self.translations.ngettext(singular, plural, count)
        return text.replace("%(num)s", self.number(count))

    def number(self, value: float) -> str:
        """``1234`` → ``1,234`` (English), ``1.234`` (German), ``1 234`` (French)."""
        key = ("number", value)
        if key not in self._written:
            from babel.numbers import format_decimal

            self._remember(key, format_decimal(value, locale=self.locale))
        return self._written[key]

    # ------------------------------------------------------------ dates and times

    def long_date(self, day: dt.date) -> str:
        """``Saturday 21 November 2026`` / ``Samstag, 21. November 2026``."""
        return self._format("long", day)

    def day_month_year(self, day: dt.date) -> str:
        """``21 November 2026`` / ``21. November 2026``."""
        return self._format("day_month_year", day)

    def month_year(self, day: dt.date) -> str:
        """``November 2026`` / ``novembre 2026``."""
        return self._format("month_year", day)

    def short_date(self, day: dt.date, reference: dt.date | None = None) -> str:
        """``Sat 21 Nov``; the year is added unless it is ``reference``'s."""
        same_year = reference is not None and reference.year == day.year
        return self._format("short" if same_year else "short_year", day)

    def time(self, moment: dt.datetime) -> str:
        """``08:30`` (a local time: the moment is written in its own zone)."""
        # CLDR's short time patterns show hours and minutes, and what follows from them
        # (AM/PM), never seconds or a zone: the hour and minute are all that tell times apart
        key = ("time", (moment.hour, moment.minute))
        if key not in self._written:
            self._remember(key, self._patterns["time"].apply(moment, self.locale))
        return self._written[key]

    def date_time(self, moment: dt.datetime, reference: dt.date | None = None) -> str:
        """``Sat 21 Nov, 08:30`` (with the year when it is not ``reference``'s)."""
        date = self.short_date(moment, reference)
        return self.style.date_time.replace("{1}", date).replace("{0}", self.time(moment))

    def _format(self, name: str, day: dt.date) -> str:
        if isinstance(day, dt.datetime):
            day = day.date()
        key = (name, day)
        if key not in self._written:
            self._remember(key, self._patterns[name].apply(day, self.locale))
        return self._written[key]

    # Looked up and parsed on the first date written: a build that writes no page (nothing
    # new) never loads Babel's date formatting.
    @functools.cached_property
    def style(self) -> DateStyle:
        """The patterns this language writes dates and times in."""
        return self._style or DateStyle.of(self.locale)

    @functools.cached_property
    def _patterns(self) -> Mapping[str, DateTimePattern]:
        from babel.dates import parse_pattern

        return MappingProxyType(
            {name: parse_pattern(getattr(self.style, name)) for name in _PATTERNS}
        )

    def _remember(self, key: tuple[str, object], text: str) -> None:
        if len(self._written) >= _MAX_REMEMBERED:  # a process that runs for months
            self._written.clear()
        self._written[key] = text


_PATTERNS = ("long", "day_month_year", "month_year", "short", "short_year", "time")
_MAX_REMEMBERED = 10_000


@functools.cache
def language(tag: str = DEFAULT_LANGUAGE) -> Language:
    """The language ``tag`` names, or English if digest does not speak it (see
    ``choose_language`` for why)."""
    return choose_language(tag)[0]


@functools.cache
def choose_language(tag: str) -> tuple[Language, str | None]:
    """The language ``tag`` names, and None; or English and a warning saying why not."""
    from babel import Locale, UnknownLocaleError

    try:
        wanted = normalise_tag(tag)
    except ValueError:
        return english(), f"language {tag!r} is not a language tag: the digest is in English"
    translations = _catalogue(wanted)
    if translations is None and wanted == DEFAULT_LANGUAGE:
        # the msgids are English: without its catalogue, English still reads as it should
        translations = gettext.NullTranslations()
    if translations is None:
        known = ", ".join(f'"{code}"' for code in catalogues())
        return english(), (
            f"language {wanted!r} has no translation in digest, so the digest is in English "
            f"(digest speaks {known}); the stories keep their own language"
        )
    if wanted == DEFAULT_LANGUAGE:
        return Language(wanted, Locale("en"), translations, HOUSE_ENGLISH), None
    try:
        locale = Locale.parse(wanted, sep="-")
    except (UnknownLocaleError, ValueError):  # a region CLDR does not know: "de-XX"
        locale = Locale.parse(primary_subtag(wanted) or DEFAULT_LANGUAGE)
    return Language(wanted, locale, translations), None


def english() -> Language:
    """The default language, digest's house English."""
    return language(DEFAULT_LANGUAGE)


def _catalogue(tag: str) -> gettext.NullTranslations | None:
    """The compiled catalogue for ``tag``: its own (``de_AT``), else its language's (``de``)."""
    parts = tag.split("-")
    candidates = [tag.replace("-", "_"), parts[0]]
    for name in dict.fromkeys(candidates):
        data = _catalogue_bytes(name)
        if data is not None:
            return gettext.GNUTranslations(io.BytesIO(data))
    return None


@functools.cache
def catalogues() -> tuple[str, ...]:
    """The languages digest speaks: those with a compiled catalogue in ``digest/locale``
    ("de", "en", "es", "fr", ...). Adding a language is adding its catalogue."""
    try:
        folders = list((resources.files("digest") / "locale").iterdir())
    except (FileNotFoundError, NotADirectoryError, OSError):
        return ()
    return tuple(sorted(f.name for f in folders if _catalogue_bytes(f.name) is not None))


def _catalogue_bytes(name: str) -> bytes | None:
    """``digest/locale/<name>/LC_MESSAGES/digest.mo``, read through importlib.resources so
    that a zipped install works too."""
    try:
        path = resources.files("digest") / "locale" / name / "LC_MESSAGES" / f"{DOMAIN}.mo"
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, OSError):
        return None
