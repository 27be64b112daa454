"""A digest in the reader's language, built as a user builds it: ``digest build`` and
``digest send --to-file`` over real feed files in four languages, with a real state file.

The German build is read throughout: the page, the archive, the feeds and both parts of the
email, in German words and German dates. French and Spanish are spot-checked; a language
digest does not speak falls back to English with one warning. Stories in another language
than the page's say so (``lang``), and a source's configured ``language`` wins over what its
feed declares: for the ``lang`` attribute and for how its sentences are split.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import shutil
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
import time_machine
from lxml import etree
from lxml import html as lxml_html

from digest.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "language"
DAY = "2026-11-22"
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin

CONFIG = """\
title = "Morgenlektüre"
language = "{language}"
timezone = "Europe/Berlin"
site_url = "https://example.org/news/"
first_run_hours = 0
max_stories = 7
articles_feed = true

[[sources]]
name = "Nordstädter Tagesblatt"
path = "feeds/tagesblatt.xml"
category = "Norden"
priority = 1

[[sources]]
name = "La Gazette du Littoral"
path = "feeds/gazette.atom"

[[sources]]
name = "Diario de la Sierra"
path = "feeds/diario.json"

[[sources]]
name = "Harbour Wire"
path = "feeds/wire.xml"

[[sources]]
name = "Bergwacht Aktuell"
path = "feeds/mislabelled.xml"
language = "de"    # its feed says en-us
priority = 1

[[sources]]
name = "Inselbote"
path = "feeds/inselbote.xml"   # no such file: a source that cannot be read

[email]
from = "Digest <digest@example.org>"
to = ["ana@example.org"]
smtp_host = "127.0.0.1"
"""

# Interface words that must not be left in English in another language's build.
ENGLISH_WORDS = [
    "Also today",
    "The day at a glance",
    "min read",
    "Full text",
    "Figures differ",
    "Sources that could not be read",
    "Generated",
    "Skip to content",
    "View in your browser",
    "one line each",
    "every story",
    " stories",
    " sources",
    " reports",
    "Archive",
    "Latest",
]


@dataclass
class Built:
    folder: Path
    stderr: str

    def page(self, name: str = f"{DAY}.html") -> lxml_html.HtmlElement:
        return lxml_html.fromstring((self.folder / "output" / name).read_bytes())

    def text(self, name: str) -> str:
        return (self.folder / "output" / name).read_text(encoding="utf-8")

    def feed(self, name: str) -> etree._Element:
        return etree.fromstring((self.folder / "output" / name).read_bytes())

    @property
    def message(self) -> EmailMessage:
        data = (self.folder / "d.eml").read_bytes()
        message = email.message_from_bytes(data, policy=email.policy.SMTP)
        assert isinstance(message, EmailMessage)
        return message

    def part(self, kind: str) -> str:
        body = self.message.get_body(preferencelist=(kind,))
        assert body is not None
        return body.get_content().replace("\r\n", "\n")


def build(folder: Path, language: str, capsys: pytest.CaptureFixture[str] | None = None) -> Built:
    shutil.copytree(FIXTURES, folder / "feeds")
    config = folder / "digest.toml"
    config.write_text(CONFIG.format(language=language), encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        assert main(["build", "-q", "--config", str(config), "--date", DAY]) == 0
        assert (
            main(["send", "-q", "--config", str(config), "--to-file", str(folder / "d.eml")]) == 0
        )
    return Built(folder, capsys.readouterr().err if capsys else "")


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("de"), "de")


def visible(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def css(element: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """The elements a simple CSS selector picks: ``tag.class``, ``#id``, ``tag[attr]`` and
    ``[href="#x"]``, descendants separated by spaces, alternatives by commas."""
    paths = []
    for alternative in selector.split(","):
        path = "."
        for step in alternative.split():
            match = re.fullmatch(
                r"([\w*]*)(?:\.([\w-]+))?(?:#([\w-]+))?(?:\[(\w+)(?:=\"([^\"]*)\")?\])?", step
            )
            assert match, step
            tag, cls, ident, attr, value = match.groups()
            test = tag or "*"
            if cls:
                test += f"[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
            if ident:
                test += f"[@id='{ident}']"
            if attr:
                test += f"[@{attr}='{value}']" if value is not None else f"[@{attr}]"
            path += "//" + test
        paths.append(path)
    return element.xpath(" | ".join(paths))


def story_with(page: lxml_html.HtmlElement, words: str) -> lxml_html.HtmlElement:
    found = [s for s in css(page, "article.story") if words in visible(s)]
    assert len(found) == 1, f"one story holds {words!r}"
    return found[0]


# ---------------------------------------------------------------- German, throughout


def test_the_german_day_page_reads_german(german: Built) -> None:
    page = german.page()
    assert page.get("lang") == "de"
    assert visible(page.find(".//title")) == "Morgenlektüre — Sonntag, 22. November 2026"
    assert visible(css(page, "h1 .date")[0]) == "Sonntag, 22. November 2026"
    assert visible(css(page, ".lede")[0]) == "9 Meldungen aus 5 Quellen"
    assert css(page, "a.skip")[0].text == "Zum Inhalt springen"
    nav = [visible(a) for a in css(page, "header nav a")]
    assert nav == ["Aktuell", "Archiv", "Feed"]

    glance = css(page, "nav.glance")[0]
    assert visible(css(glance, "h2")[0]) == "Der Tag auf einen Blick"
    assert [visible(h) for h in css(page, "h2.section-title")] == ["Norden", "Nachrichten"]
    assert visible(css(glance, ".glance-more")[0]) == (
        "Außerdem heute: 2 weitere Meldungen, je eine Zeile"
    )
    assert visible(css(page, "#also-today-heading")[0]) == "Außerdem heute"

    ferry = story_with(page, "Fähre nach Helgoland")
    assert visible(css(ferry, ".meta")[0]) == "Nordstädter Tagesblatt · So., 22. Nov., 06:10"
    summary = visible(css(ferry, "details summary")[0])
    assert summary == "Volltext · 1 Min. Lesezeit"

    failures = css(page, "section.failures")[0]
    assert visible(css(failures, "h2")[0]) == "Quellen, die nicht gelesen werden konnten"
    # the reason, in German; the error itself (a path of the operator's) stays off the page
    assert [visible(li) for li in css(failures, "li")] == ["Inselbote: ihr Inhalt war nicht lesbar"]
    footer = visible(css(page, "footer.colophon p")[-1])
    assert footer == (
        "Erstellt am Sonntag, 22. November 2026 um 10:00 Uhr (Europe/Berlin) · Archiv · Atom-Feed"
    )


def test_no_interface_word_is_left_in_english(german: Built) -> None:
    for name in (f"{DAY}.html", "archive.html"):
        page = german.page(name)
        for story in css(page, "article.story, .also-today li"):  # the stories' own words
            story.drop_tree()
        text = visible(page)
        assert not [word for word in ENGLISH_WORDS if word in text], name
    plain = german.part("plain")
    for line in plain.splitlines():
        line = re.sub(r"https://\S+", "", line)
        if "Harbour Wire" in line or "lighthouse" in line.lower():
            continue
        assert not [word for word in ENGLISH_WORDS if word.upper() in line.upper()], line


def test_the_german_archive_and_feeds_read_german(german: Built) -> None:
    archive = german.page("archive.html")
    assert archive.get("lang") == "de"
    assert visible(css(archive, "h1 .date")[0]) == "Archiv"
    assert visible(css(archive, ".lede")[0]) == "1 Tag"
    assert visible(css(archive, "section.month h2")[0]) == "November 2026"
    assert visible(css(archive, ".days li")[0]) == "Sonntag, 22. November 2026 9 Meldungen"

    atom = "{http://www.w3.org/2005/Atom}"
    feed = german.feed("feed.atom")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert feed.findtext(f"{atom}entry/{atom}title") == (
        "Morgenlektüre — 22. November 2026 (9 Meldungen)"
    )
    stories = german.feed("articles.atom")
    assert stories.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert stories.findtext(f"{atom}title") == "Morgenlektüre: alle Meldungen"


def test_the_german_email_reads_german(german: Built) -> None:
    message = german.message
    assert message["Subject"] == "Morgenlektüre — So., 22. Nov. 2026: 9 Meldungen"

    html = lxml_html.fromstring(german.part("html").encode())
    assert html.get("lang") == "de"
    assert visible(css(html, "h1")[0]) == "Sonntag, 22. November 2026"
    assert visible(css(html, ".lede")[0]).startswith("9 Meldungen aus 5 Quellen · ")
    assert "Im Browser ansehen" in visible(css(html, ".lede")[0])
    assert visible(css(html, ".glance-title")[0]) == "Der Tag auf einen Blick"
    assert visible(css(html, "#also-today")[0]) == "Außerdem heute"
    footer = visible(css(html, ".footer p")[0])
    assert (
        footer == "Erstellt am Sonntag, 22. November 2026 um 10:00 Uhr (Europe/Berlin) von digest."
    )

    plain = german.part("plain")
    assert "Sonntag, 22. November 2026 · 9 Meldungen aus 5 Quellen" in plain
    assert "DER TAG AUF EINEN BLICK" in plain
    assert "AUSSERDEM HEUTE\n" + "=" * 15 + "\n" in plain  # (underlined as in capitals)
    assert "Außerdem heute: 2 weitere Meldungen am Ende, je eine Zeile." in plain
    assert "Im Browser ansehen: https://example.org/news/2026-11-22.html" in plain
    assert "Quellen, die nicht gelesen werden konnten\n" + "-" * 41 + "\n" in plain
    assert "Erstellt am Sonntag, 22. November 2026 um 10:00 Uhr" in plain


# ---------------------------------------------------------------- each story's own language


def test_stories_in_another_language_carry_their_own_lang(german: Built) -> None:
    page = german.page()
    expected = {
        "Le port de La Rochelle rouvre": "fr",  # Atom xml:lang
        "cosecha de castañas": "es",  # JSON Feed language
        "Lighthouse keepers": "en",  # RSS <language>
    }
    full_texts = 0
    for words, tag in expected.items():
        story = story_with(page, words)
        assert story.get("lang") is None  # its byline and labels are the page's
        assert css(story, ".headline a")[0].get("lang") == tag
        assert css(story, "p.summary")[0].get("lang") == tag
        # a full text is shown only when it says more than the summary
        for full_text in css(story, "div.fulltext"):
            assert full_text.get("lang") == tag
            full_texts += 1
        glance = css(page, f'nav.glance a[href="#{story.get("id")}"]')[0]
        assert glance.get("lang") == tag
    assert full_texts >= 1
    for words in ("Fähre nach Helgoland", "Bergwacht birgt"):  # German, like the page
        story = story_with(page, words)
        assert not css(story, "[lang]")


def test_the_stories_feed_marks_headlines_in_another_language(german: Built) -> None:
    """articles.atom carries a story's headline as its entry's title, whose language is the
    story's, not the feed's: it says so (``xml:lang``), as the page's headline link does."""
    atom = "{http://www.w3.org/2005/Atom}"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    titles = {
        " ".join((title.text or "").split()): title.get(xml_lang)
        for title in german.feed("articles.atom").iter(f"{atom}title")
        if title.getparent().tag == f"{atom}entry"
    }
    expected = {
        "Le port de La Rochelle rouvre": "fr",
        "cosecha de castañas": "es",
        "Lighthouse keepers": "en",
        "Fähre nach Helgoland": None,  # German, like the feed
        "Bergwacht birgt": None,
    }
    for words, tag in expected.items():
        found = [lang for title, lang in titles.items() if words in title]
        assert found == [tag], (words, titles)


def test_a_sources_language_wins_over_what_its_feed_declares(german: Built) -> None:
    """Bergwacht's feed says en-us; its source says de. No lang="en" on it, and its German
    sentences are split by German rules: "am 21. November" is a date, not a sentence end,
    so the summary holds its first three sentences whole."""
    story = story_with(german.page(), "Bergwacht birgt")
    assert not css(story, "[lang]")
    summary = visible(css(story, "p.summary")[0])
    assert summary.endswith("Beide wurden leicht unterkühlt ins Tal gebracht.")
    assert "am 21. November bei Nebel vom Weg abgekommen" in summary


def test_a_feeds_declared_language_splits_its_sentences(german: Built) -> None:
    """ "am 3. November", "Hrn. Petersen", "ca. 400": none ends a German sentence."""
    summary = visible(css(story_with(german.page(), "Fähre nach Helgoland"), "p.summary")[0])
    assert "Laut Hrn. Petersen vom Hafenamt waren zeitweise ca. 400 Reisende betroffen." in summary
    assert summary.endswith("Der Ersatzverkehr mit kleineren Schiffen endet damit.")


def test_the_email_marks_stories_in_another_language(german: Built) -> None:
    html = lxml_html.fromstring(german.part("html").encode())
    french = [h for h in css(html, "div.story h2") if "La Rochelle" in visible(h)]
    assert french and french[0].get("lang") == "fr"
    german_story = [h for h in css(html, "div.story h2") if "Helgoland" in visible(h)]
    assert german_story and german_story[0].get("lang") is None


def test_a_rebuild_from_the_state_keeps_each_storys_language(german: Built, tmp_path) -> None:
    """The state file stores each article's language: a day rendered again from it (a
    neighbour's new day, ``digest send`` of a stored day) marks the same stories."""
    again = tmp_path / "again"
    shutil.copytree(german.folder, again)
    with time_machine.travel(NOW, tick=False):
        assert main(["build", "-q", "--config", str(again / "digest.toml"), "--date", DAY]) == 0
    page = lxml_html.fromstring((again / "output" / f"{DAY}.html").read_bytes())
    assert css(story_with(page, "La Rochelle"), ".headline a")[0].get("lang") == "fr"
    # the same page, but for where the unreadable source's file was looked for
    first = (german.folder / "output" / f"{DAY}.html").read_text(encoding="utf-8")
    second = (again / "output" / f"{DAY}.html").read_text(encoding="utf-8")
    assert second == first.replace(str(german.folder), str(again))


# ---------------------------------------------------------------- French and Spanish


def test_a_french_build_spot_check(tmp_path: Path) -> None:
    built = build(tmp_path, "fr")
    page = built.page()
    assert page.get("lang") == "fr"
    assert visible(css(page, "h1 .date")[0]) == "Dimanche 22 novembre 2026"
    assert visible(css(page, ".lede")[0]) == "9 sujets provenant de 5 sources"
    assert visible(css(page, "#also-today-heading")[0]) == "Aussi aujourd’hui"
    assert [visible(h) for h in css(page, "h2.section-title")] == ["Norden", "Actualités"]
    assert css(story_with(page, "Helgoland"), ".headline a")[0].get("lang") == "de-DE"
    assert css(story_with(page, "La Rochelle"), ".headline a")[0].get("lang") is None
    footer = visible(css(page, "footer.colophon p")[-1])
    assert footer.startswith("Généré le dimanche 22 novembre 2026 à 10:00 (Europe/Berlin)")
    assert built.message["Subject"] == "Morgenlektüre — dim. 22 nov. 2026 : 9 sujets"
    assert "LA JOURNÉE EN UN COUP D’ŒIL" in built.part("plain")


def test_a_spanish_build_spot_check(tmp_path: Path) -> None:
    built = build(tmp_path, "es")
    page = built.page()
    assert page.get("lang") == "es"
    assert visible(css(page, "h1 .date")[0]) == "Domingo, 22 de noviembre de 2026"
    assert visible(css(page, ".lede")[0]) == "9 noticias de 5 fuentes"
    assert visible(css(page, "nav.glance h2")[0]) == "El día de un vistazo"
    assert css(story_with(page, "cosecha de castañas"), ".headline a")[0].get("lang") is None
    ferry = story_with(page, "Helgoland")
    assert visible(css(ferry, "details summary")[0]) == "Texto completo · 1 min de lectura"
    assert built.message["Subject"] == "Morgenlektüre — dom, 22 nov 2026: 9 noticias"
    archive = built.page("archive.html")
    assert visible(css(archive, "section.month h2")[0]) == "Noviembre de 2026"


# ---------------------------------------------------------------- a language digest does not speak


def test_an_unknown_language_falls_back_to_english_with_one_warning(tmp_path: Path, capsys) -> None:
    built = build(tmp_path, "it", capsys)
    warnings = [line for line in built.stderr.splitlines() if "language 'it'" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: language 'it' has no translation in digest")
    page = built.page()
    assert page.get("lang") == "en"
    assert visible(css(page, "h1 .date")[0]) == "Sunday 22 November 2026"
    assert visible(css(page, "nav.glance h2")[0]) == "The day at a glance"
    assert [visible(h) for h in css(page, "h2.section-title")] == ["Norden", "News"]
    assert css(story_with(page, "Helgoland"), ".headline a")[0].get("lang") == "de-DE"
    assert built.message["Subject"] == "Morgenlektüre — Sun 22 Nov 2026: 9 stories"
