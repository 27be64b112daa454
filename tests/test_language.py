"""digest.language and the catalogues: dates, numbers and plurals in the reader's language, and
interface words that every shipped language translates, each one.

The catalogue tests extract the messages from the templates and the code the way translators
do (``pybabel extract -F babel.cfg``), so a new string added to a template without its
translations fails here, naming the string and the catalogue.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from digest.language import (
    HOUSE_ENGLISH,
    catalogues,
    choose_language,
    english,
    language,
    normalise_tag,
    primary_subtag,
)

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "digest" / "locale"
SATURDAY = dt.date(2026, 11, 21)
MORNING = dt.datetime(2026, 11, 21, 8, 30, tzinfo=ZoneInfo("Europe/Paris"))

# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("given", "tag"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("de_at", "de-AT"),
        ("pt-br", "pt-BR"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("es-419", "es-419"),
        (" fr-CA ", "fr-CA"),
    ],
)
def test_language_tags_are_read_in_their_usual_spelling(given: str, tag: str) -> None:
    assert normalise_tag(given) == tag


@pytest.mark.parametrize("given", ["German", "d", "de--AT", "de-", "english please", ""])
def test_what_is_not_a_language_tag_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="not a language tag"):
        normalise_tag(given)


def test_primary_subtag() -> None:
    assert primary_subtag("pt-BR") == "pt"
    assert primary_subtag("de_AT") == "de"
    assert primary_subtag(None) is None


# ---------------------------------------------------------------- choosing a language


def test_each_shipped_language_is_chosen_without_a_warning() -> None:
    for tag in catalogues():
        chosen, warning = choose_language(tag)
        assert (chosen.tag, warning) == (tag, None)


def test_a_regional_tag_reads_its_languages_catalogue_and_its_regions_dates() -> None:
    austrian, warning = choose_language("de-AT")
    assert warning is None and austrian.tag == "de-AT"
    assert austrian.gettext("Also today") == "Außerdem heute"
    assert austrian.month_year(dt.date(2027, 1, 5)) == "Jänner 2027"  # Austrian German
    assert language("de").month_year(dt.date(2027, 1, 5)) == "Januar 2027"


def test_a_region_cldr_does_not_know_still_speaks_its_language() -> None:
    chosen, warning = choose_language("de-XX")
    assert warning is None
    assert chosen.long_date(SATURDAY) == "Samstag, 21. November 2026"


def test_a_language_digest_does_not_speak_falls_back_to_english_with_a_warning() -> None:
    chosen, warning = choose_language("it")
    assert chosen is english()
    assert warning is not None
    assert "'it'" in warning and "English" in warning and '"de"' in warning
    assert language("it") is english()  # the same fallback, without the warning


def test_english_without_its_catalogue_is_still_english(monkeypatch) -> None:
    import digest.language as module

    monkeypatch.setattr(module, "_catalogue_bytes", lambda name: None)
    chosen, warning = module.choose_language.__wrapped__("en")
    assert warning is None
    assert chosen.ngettext("%(num)s story", "%(num)s stories", 2) == "2 stories"


# ---------------------------------------------------------------- dates, numbers, plurals


def test_house_english_is_the_english_digest_always_wrote() -> None:
    en = english()
    assert en.style == HOUSE_ENGLISH
    assert en.long_date(SATURDAY) == "Saturday 21 November 2026"
    assert en.day_month_year(SATURDAY) == "21 November 2026"
    assert en.month_year(SATURDAY) == "November 2026"
    assert en.short_date(SATURDAY, SATURDAY) == "Sat 21 Nov"
    assert en.short_date(dt.date(2025, 12, 4), SATURDAY) == "Thu 4 Dec 2025"
    assert en.time(MORNING) == "08:30"
    assert en.date_time(MORNING, SATURDAY) == "Sat 21 Nov, 08:30"


def test_other_english_tags_follow_cldr() -> None:
    american = language("en-US")
    assert american.long_date(SATURDAY) == "Saturday, November 21, 2026"
    assert american.time(MORNING) == "8:30\u202fAM"


@pytest.mark.parametrize(
    ("tag", "long", "short", "moment", "month"),
    [
        (
            "de",
            "Samstag, 21. November 2026",
            "Sa., 21. Nov.",
            "Sa., 21. Nov., 08:30",
            "November 2026",
        ),
        ("fr", "samedi 21 novembre 2026", "sam. 21 nov.", "sam. 21 nov. 08:30", "novembre 2026"),
        (
            "es",
            "sábado, 21 de noviembre de 2026",
            "sáb, 21 nov",
            "sáb, 21 nov, 8:30",
            "noviembre de 2026",
        ),
    ],
)
def test_dates_read_as_each_language_writes_them(tag, long, short, moment, month) -> None:
    lang = language(tag)
    assert lang.long_date(SATURDAY) == long
    assert lang.short_date(SATURDAY, SATURDAY) == short
    assert lang.date_time(MORNING, SATURDAY) == moment
    assert lang.month_year(SATURDAY) == month


def test_dates_ignore_the_process_locale(monkeypatch) -> None:
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert english().long_date(SATURDAY) == "Saturday 21 November 2026"


def test_a_moment_is_written_in_its_own_zone() -> None:
    late = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC).astimezone(ZoneInfo("Asia/Tokyo"))
    assert english().date_time(late) == "Sun 22 Nov 2026, 08:30"


@pytest.mark.parametrize(
    ("tag", "number"), [("en", "1,234"), ("de", "1.234"), ("fr", "1\u202f234"), ("es", "1.234")]
)
def test_numbers_read_as_each_language_writes_them(tag: str, number: str) -> None:
    assert language(tag).number(1234) == number


@pytest.mark.parametrize(
    ("tag", "counts"),
    [
        ("en", {0: "0 stories", 1: "1 story", 2: "2 stories", 1234: "1,234 stories"}),
        ("de", {0: "0 Meldungen", 1: "1 Meldung", 2: "2 Meldungen", 1234: "1.234 Meldungen"}),
        # French counts 0 as singular
        (
            "fr",
            {0: "0 sujet", 1: "1 sujet", 2: "2 sujets", 1_000_000: "1\u202f000\u202f000 sujets"},
        ),
        ("es", {0: "0 noticias", 1: "1 noticia", 2: "2 noticias", 12345: "12.345 noticias"}),
    ],
)
def test_plurals_follow_each_languages_rules(tag: str, counts: dict[int, str]) -> None:
    lang = language(tag)
    for count, text in counts.items():
        assert lang.ngettext("%(num)s story", "%(num)s stories", count) == text


# ---------------------------------------------------------------- the catalogues


def _extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every message in the templates and the code, as ``pybabel extract -F babel.cfg``
    finds it, with where it was found."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.setdefault(message, []).append(filename)
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[str | tuple[str, ...], list[str]]:
    found = _extracted()
    assert "Also today" in found and ("%(num)s story", "%(num)s stories") in found
    return found


def _catalogue(tag: str):
    with open(LOCALE / tag / "LC_MESSAGES" / "digest.po", "rb") as po:
        return read_po(po, locale=tag)


def test_digest_speaks_each_language_it_ships_a_catalogue_for() -> None:
    assert catalogues() == tuple(sorted(p.name for p in LOCALE.iterdir() if p.is_dir()))
    assert {"de", "en", "es", "fr"} <= set(catalogues())


@pytest.mark.parametrize("tag", catalogues())
def test_every_message_is_translated_in_every_catalogue(tag: str, extracted) -> None:
    catalogue = _catalogue(tag)
    untranslated = []
    for message_id, places in extracted.items():
        key = message_id[0] if isinstance(message_id, tuple) else message_id
        message = catalogue.get(key)
        strings = (
            ()
            if message is None
            else message.string
            if isinstance(message.string, tuple)
            else (message.string,)
        )
        if message is None or message.fuzzy or not strings or not all(strings):
            untranslated.append(f"{message_id!r} (in {', '.join(sorted(set(places)))})")
        elif isinstance(message_id, tuple):
            assert message.id == message_id, f"{tag}: {key!r} is not the same plural message"
            assert len(strings) == catalogue.num_plurals, f"{tag}: {key!r} lacks plural forms"
    assert not untranslated, (
        f"digest/locale/{tag}/LC_MESSAGES/digest.po does not translate: "
        + "; ".join(untranslated)
        + " (see README: Language, for updating the catalogues)"
    )


@pytest.mark.parametrize("tag", catalogues())
def test_no_catalogue_keeps_messages_digest_no_longer_uses(tag: str, extracted) -> None:
    used = {m[0] if isinstance(m, tuple) else m for m in extracted}
    stale = [
        m.id for m in _catalogue(tag) if m.id and (m.id[0] if m.pluralizable else m.id) not in used
    ]
    assert not stale, f"{tag}: messages no longer used: {stale}"


@pytest.mark.parametrize("tag", catalogues())
def test_translations_keep_every_placeholder(tag: str) -> None:
    """A translation that drops or misspells ``%(source)s`` would raise at render time."""
    problems = [
        f"{message.id!r}: {error}"
        for message, errors in _catalogue(tag).check()
        for error in errors
    ]
    assert not problems
    for message in _catalogue(tag):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(_placeholders(ids[-1]))
        for text in strings:
            assert set(_placeholders(text)) == wanted, f"{tag}: {message.id!r} → {text!r}"


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\((\w+)\)s", text)


def test_english_translates_every_message_as_itself() -> None:
    for message in _catalogue("en"):
        if message.id:
            assert message.string == (
                message.id if not message.pluralizable else (message.id[0], message.id[1])
            )


@pytest.mark.parametrize("tag", catalogues())
def test_each_compiled_catalogue_is_its_po_file_compiled(tag: str) -> None:
    """The .mo files ship beside their .po sources: after editing a .po, run
    ``pybabel compile -d digest/locale -D digest`` (README: Language)."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(tag))
    expected = gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
    mo = LOCALE / tag / "LC_MESSAGES" / "digest.mo"
    shipped = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
    # the header (msgid "") names the Babel version that compiled it: compare the messages
    assert _messages(shipped) == _messages(expected), f"{mo} is older than its .po: recompile"


def _messages(translations: gettext.GNUTranslations) -> dict:
    return {k: v for k, v in translations._catalog.items() if k != ""}  # type: ignore[attr-defined]


def test_the_template_catalogue_lists_every_message(extracted) -> None:
    with open(LOCALE / "digest.pot", "rb") as pot:
        template = read_po(pot)
    listed = {m.id for m in template if m.id}
    assert listed == set(extracted), "digest/locale/digest.pot is stale: extract it again"
