"""Learning a source's template from its own history: fingerprints and how often they recur."""

from __future__ import annotations

from digest.text.recurring import (
    RECURS_IN,
    PrintHistory,
    Sighting,
    SourceHistory,
    fingerprint,
    learn,
    new_counts,
)

FOOTER = "Pohjolan Sanomat on riippumaton maakuntalehti. Kaikki oikeudet pidätetään."


def test_a_fingerprint_ignores_case_punctuation_and_spacing() -> None:
    assert fingerprint(FOOTER) == fingerprint(FOOTER.upper().replace(".", " ! "))
    assert fingerprint(FOOTER) != fingerprint(FOOTER.replace("riippumaton", "paikallinen"))


def test_links_are_masked_unless_they_are_all_the_paragraph_says() -> None:
    one = "Read the whole story at https://example.org/2026/ferry-timetable"
    other = "Read the whole story at https://example.org/2026/school-roof"
    assert fingerprint(one) == fingerprint(other)
    assert fingerprint("https://example.org/a") != fingerprint("https://example.org/b")


def test_numbers_are_kept_a_market_report_is_news_each_day() -> None:
    assert fingerprint("DAX 15,234 (+0.5%)") != fingerprint("DAX 15,310 (+0.4%)")


def test_a_lists_bullet_or_number_is_no_part_of_a_fingerprint() -> None:
    # a footer's contact line is a list's item in one article and a paragraph in the next;
    # a series' list of posts numbers a post anew as the list grows
    line = "Telegram: https://t.me/harbourwatch"
    assert fingerprint("\u2022 " + line) == fingerprint(line) == fingerprint("- " + line)
    post = "Dredging the eastern channel, part two"
    assert fingerprint("2. " + post) == fingerprint("3. " + post) == fingerprint(post)
    # a figure that is the line's own stays
    assert fingerprint("2026 budget approved") != fingerprint("budget approved")


def sighting(key: str, *texts: str, source: str = "Pohjolan Sanomat") -> Sighting:
    return Sighting.of(source, key, (fingerprint(t) for t in texts))


def test_one_build_learns_from_its_own_articles() -> None:
    batch = [sighting(f"a{n}", f"Article {n} text.", FOOTER) for n in range(RECURS_IN)]
    template = learn(batch, {})["Pohjolan Sanomat"]
    recurrence = template.recurrence(fingerprint(FOOTER))
    assert recurrence is not None and recurrence.articles == RECURS_IN and recurrence.share == 1
    assert template.recurrence(fingerprint("Article 0 text.")).articles == 1
    assert template.recurs


def test_an_article_read_twice_counts_once() -> None:
    twice = [sighting("a1", FOOTER), sighting("a1", FOOTER)]
    assert learn(twice, {})["Pohjolan Sanomat"].recurrence(fingerprint(FOOTER)).articles == 1
    assert new_counts(twice)["Pohjolan Sanomat"][0] == 1


def test_history_adds_to_the_build() -> None:
    print_ = fingerprint(FOOTER)
    history = {
        "Pohjolan Sanomat": SourceHistory("Pohjolan Sanomat", 10, {print_: PrintHistory(2, 6)})
    }
    template = learn([sighting("a11", FOOTER)], history)["Pohjolan Sanomat"]
    recurrence = template.recurrence(print_)
    # 3 articles of the 5 the source brought since the footer first appeared
    assert recurrence.articles == 3 and recurrence.share == 3 / 5


def test_sources_are_kept_apart() -> None:
    batch = [sighting(f"a{n}", FOOTER, source=f"Source {n}") for n in range(3)]
    templates = learn(batch, {})
    assert all(not t.recurs for t in templates.values())
