"""The shared word lists (digest.text.lexicon and lexicon.toml): read once, checked, typed."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from digest.text.lexicon import LexiconError, any_of, lexicon, parse_lexicon

TOML = resources.files("digest.text").joinpath("lexicon.toml").read_text(encoding="utf-8")


def test_the_lexicon_is_read_once_per_process() -> None:
    assert lexicon() is lexicon()


def test_month_names_of_every_language_map_to_their_number() -> None:
    months = lexicon().months
    assert months["jan"] == months["januar"] == months["gennaio"] == months["januari"] == 1
    assert months["févr"] == months["fevereiro"] == 2
    assert months["märz"] == months["mrt"] == months["março"] == 3
    assert months["mai"] == months["mayo"] == months["mei"] == 5
    assert months["sept"] == months["set"] == months["setembro"] == 9
    assert "januar" not in lexicon().english_months  # English text is read with English words
    assert len(lexicon().english_months) == 24
    assert lexicon().english_weekdays >= {"mon", "tues", "thurs", "sunday"}


def test_timestamp_zones_are_the_parsers_and_the_ambiguous_ones_but_no_words() -> None:
    lex = lexicon()
    assert {"gmt", "bst", "cest", "nzdt", "msk", "z"} <= lex.timestamp_zones
    assert {"et", "pt", "ist"} <= lex.timestamp_zones  # no single offset: not for the parser
    assert not {"et", "pt", "ist"} & set(lex.zone_offsets)
    assert lex.zone_offsets["cest"] == 120 and lex.zone_offsets["est"] == -300
    assert "met" in lex.zone_offsets and "met" not in lex.timestamp_zones
    assert "west" not in lex.timestamp_zones


def test_furniture_hints_are_word_sequences_and_include_every_widget() -> None:
    lex = lexicon()
    assert ("most", "read") in lex.furniture_hints
    assert {(w,) for w in lex.widget_names} <= lex.furniture_hints
    assert ("author",) in lex.furniture_hints and "author" not in lex.widget_names
    assert ("screen", "reader", "text") in lex.hidden_hints
    assert ("article", "body") in lex.article_body_hints


def test_byline_and_credit_words() -> None:
    lex = lexicon()
    assert {"correspondent", "de", "la", "staff"} <= lex.byline_words
    assert "Reporting by" in lex.byline_starters
    assert {"photo", "footage", "pic"} <= set(lex.credit_media)
    assert {"Getty Images", "Xinhua", "iStock"} <= set(lex.photo_agencies)


def test_release_words() -> None:
    lex = lexicon()
    assert {"beta", "rc", "lts", "preview"} <= lex.release_stages
    assert {"release", "version"} <= lex.version_words
    assert {"release notes", "releases", "tags", "versionen"} <= lex.release_feeds
    assert {"from", "for", "für"} <= lex.release_links


def test_briefing_and_paid_post_words_in_several_languages() -> None:
    lex = lexicon()
    assert {"headlines", "morning briefing", "schlagzeilen", "les titres"} <= lex.briefing_names
    assert {"and", "plus", "also", "außerdem", "además"} <= lex.briefing_next_item
    assert {"and more", "und mehr", "y más"} <= lex.briefing_and_more
    assert {"sponsored", "advertorial", "anzeige", "publireportage"} <= lex.paid_labels
    # a word that also names a subject marks a paid post only where a title puts its label
    assert {"ad", "sponsor", "werbung"} <= lex.paid_title_labels
    assert not lex.paid_title_labels & lex.paid_labels
    # what a bracket says of the post itself, never a publisher's name
    assert {"updated", "pdf", "video", "aktualisiert", "vidéo", "opinión"} <= lex.post_labels


def test_the_words_a_section_feed_is_titled_by_in_several_languages() -> None:
    sections = lexicon().feed_sections
    assert {"world", "top stories", "latest news", "home", "rss", "middle east"} <= sections
    assert {"welt", "monde", "à la une", "deportes", "notizie", "binnenland"} <= sections
    # never an article, which makes a section's word a paper's name ("Die Welt", "Le Monde")
    assert not sections & {"the", "die", "le", "el", "il", "de"}


def test_any_of_is_literal_and_tries_longer_forms_first() -> None:
    pattern = any_of(["Getty", "Getty Images", "EPA-EFE", "A.P."])
    assert pattern.split("|")[0] == r"Getty\s+Images"
    assert re.fullmatch(pattern, "Getty  Images")
    assert re.fullmatch(pattern, "EPA-EFE")
    assert not re.fullmatch(pattern, "AxPx")


def test_the_modules_read_the_lexicon_rather_than_lists_of_their_own() -> None:
    from digest.sources.pages import furniture, tidy
    from digest.text import dates, html

    lex = lexicon()
    assert lex.months == dates._MONTHS
    assert lex.zone_offsets == dates._ZONES
    assert html._CLUTTER_NAMES is lex.widget_names
    assert furniture._FURNITURE_HINTS is lex.furniture_hints
    assert tidy._BYLINE_WORDS is lex.byline_words


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("[clutter]", "[clatter]"), r"\[clutter\] is missing"),
        (lambda t: t.replace('"jan january", ', ""), "dates.months.en must list 12 entries"),
        (lambda t: t.replace('"januari"', '"januari mar"'), "'mar' is given two numbers"),
        (lambda t: t.replace('"a2a",', '"a2a", "share bar",'), "widgets must be single words"),
        (lambda t: t.replace('"pullquote",', '"PullQuote",'), "must be lowercase"),
        (lambda t: t.replace("nzdt = 780", 'nzdt = "+13"'), "dates.zones.nzdt"),
        (lambda t: t + "\n[broken", "not valid TOML"),
        (lambda t: t.replace("[releases]", "[released]"), r"\[releases\] is missing"),
        (lambda t: t.replace("[paid]", "[payed]"), r"\[paid\] is missing"),
        (lambda t: t.replace('"advertorial",', '"Advertorial",'), "paid.labels must be lowercase"),
        (lambda t: t.replace("[feed_titles]", "[feeds]"), r"\[feed_titles\] is missing"),
    ],
)
def test_a_malformed_lexicon_is_reported(change, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(change(TOML))


def test_the_shipped_file_parses_to_the_cached_lexicon() -> None:
    assert parse_lexicon(TOML) == lexicon()
