"""digest.present: what every output shares besides its templates' engine: the built-in
templates' folder, the text filters, and the language the feeds say."""

from __future__ import annotations

from lxml import etree
from page_samples import DAY, FEED_ID, make_config, record

from digest.atom import render_feed
from digest.present import default_templates_dir

# ---------------------------------------------------------------- the built-in templates


def test_default_templates_dir_holds_the_built_in_templates():
    folder = default_templates_dir()
    for name in ("base.html.j2", "day.html.j2", "archive.html.j2", "fragment.html.j2"):
        assert (folder / name).is_file()


# ---------------------------------------------------------------- filters and feeds


def test_text_in_another_language_than_the_page_s_is_marked() -> None:
    from digest.language import language
    from digest.present import lang_attr

    assert lang_attr("de", language("en")) == ' lang="de"'
    assert lang_attr("en-US", language("en")) == ""  # the same language
    # not known: not marked, but its direction is its own (the browser reads its first letter)
    assert lang_attr(None, language("de")) == ' dir="auto"'
    assert lang_attr("", language("he")) == ' dir="auto"'
    assert lang_attr("en", language("de")) == ' lang="en"'
    assert lang_attr('de" onload="x', language("en")) == ' lang="de&#34; onload=&#34;x"'


def test_text_written_the_other_way_than_the_page_says_its_direction() -> None:
    from digest.language import language
    from digest.present import lang_attr

    assert lang_attr("he", language("en")) == ' lang="he" dir="rtl"'
    assert lang_attr("ar-EG", language("de")) == ' lang="ar-EG" dir="rtl"'
    assert lang_attr("fa", language("fr")) == ' lang="fa" dir="rtl"'
    assert lang_attr("az-Arab", language("en")) == ' lang="az-Arab" dir="rtl"'  # its script
    assert lang_attr("fr", language("en")) == ' lang="fr"'  # both left to right
    assert lang_attr("zh-Hant-TW", language("en")) == ' lang="zh-Hant-TW"'
    assert lang_attr("xx-Zzzz", language("en")) == ' lang="xx-Zzzz"'  # not known: as the page


def test_a_date_that_stands_alone_starts_with_a_capital() -> None:
    from digest.present import upper_first

    assert upper_first("samedi 21 novembre 2026") == "Samedi 21 novembre 2026"
    assert upper_first("Saturday") == "Saturday" and upper_first("") == ""


def test_the_kinds_of_differing_figures_are_translated() -> None:
    from digest.language import language
    from digest.present import figure_kind

    assert figure_kind("killed", language("de")) == "Tote"
    assert figure_kind("injured", language("fr")) == "blessés"
    assert figure_kind("killed") == "killed"
    assert figure_kind("unheard-of") == "unheard-of"


def test_the_feeds_say_their_language(tmp_path) -> None:
    feed = etree.fromstring(render_feed([record(DAY)], make_config(), FEED_ID))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    german = etree.fromstring(render_feed([record(DAY)], make_config(language="de"), FEED_ID))
    assert german.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert "21. November 2026" in german.findtext(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title"
    )
