"""Story grouping weighs each article's words in its language: the one its source or feed
declares (``Article.language``), else the one its function words show."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from digest.group import GroupingSettings, comparison_text, member_similarities, similar_links
from digest.model import Article, Paragraph, Story
from digest.text.similarity import vectorise

WHEN = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)


def test_a_declared_language_wins_over_the_guess() -> None:
    """Too few function words to tell: "und" is an English word (a name, say) unless the text
    is declared German, where it is a function word and dropped."""
    text = "Wahl und Regierung"
    guessed = vectorise([text])
    declared = vectorise([text], declared=["de"])
    assert guessed.shape[1] == 3
    assert declared.shape[1] == 2
    # None in the list: that text is guessed as before
    assert vectorise([text, text], declared=[None, "de-AT"]).getnnz(axis=1).tolist() == [3, 2]


def german(key: str, title: str, text: str, language: str | None = "de") -> Article:
    return Article(
        key=key,
        source=f"Quelle {key}",
        title=title,
        paragraphs=(Paragraph(text),),
        published=WHEN,
        language=language,
    )


def test_grouping_stems_a_declared_german_report_as_german() -> None:
    """Two short German reports of one strike: read as German, "Streiks"/"Streik" and
    "Lokführer"/"Lokführern" are one word each, so the reports are more alike."""
    first = german("a", "Streiks der Lokführer legen Fernverkehr lahm", "Bahn streicht Züge.")
    second = german("b", "Streik von Lokführern legt den Fernverkehr lahm", "Bahn streicht Zug.")

    def similarity(a: Article, b: Article) -> float:
        return member_similarities(Story(a.title, (a, b)))[b.key]

    undeclared = [dataclasses.replace(a, language=None) for a in (first, second)]
    assert similarity(first, second) > similarity(*undeclared)


def test_the_configured_language_is_what_undeclared_unclear_text_is_taken_for() -> None:
    first = german("a", "Streiks der Lokführer", "Fernverkehr lahm.", language=None)
    second = german("b", "Streik von Lokführern", "Fernverkehr lahm.", language=None)
    english = similar_links([first, second], GroupingSettings(languages=("en",)))
    german_default = similar_links([first, second], GroupingSettings(languages=("de",)))
    assert german_default.similarity.max() > english.similarity.max()


def test_a_name_spelt_alike_in_two_languages_is_one_word() -> None:
    """Each language's stemmer cuts a name its own way ("Hesper" is "hesper" to the English
    stemmer, "hesp" to the Spanish one; "Galicia" "galicia" and "galici"), and a report in
    another language shares little but its names: they must count as shared."""
    english = "Storm Hesper floods Galicia"
    spanish = "El temporal Hesper inunda Galicia"
    vectors = vectorise([english, spanish], declared=["en", "es"])
    shared = vectors[0].multiply(vectors[1]).getnnz()
    assert shared == 2
    # each text alone still has its own words, stemmed in its language
    assert vectorise([english], declared=["en"]).getnnz() == 4
    assert vectorise([spanish], declared=["es"]).getnnz() == 4


def test_reports_of_one_event_in_two_languages_join_on_their_names() -> None:
    """An English and a Spanish report of one storm, whose common ground is the storm's
    name, the region and its towns; a report of another storm stays apart."""

    def report(key: str, title: str, text: str, language: str) -> Article:
        return dataclasses.replace(german(key, title, text, language), source=f"Outlet {key}")

    english = report(
        "en",
        "Storm Hesper kills three in Galicia",
        "Storm Hesper made landfall in Galicia on Tuesday, killing three people in Vigo and "
        "A Coruña and flooding the old town of Pontevedra.",
        "en",
    )
    spanish = report(
        "es",
        "El temporal Hesper deja tres muertos en Galicia",
        "El temporal Hesper tocó tierra en Galicia el martes y dejó tres muertos en Vigo y "
        "A Coruña, además de inundaciones en el casco antiguo de Pontevedra.",
        "es",
    )
    other = report(
        "other",
        "Storm Jorge batters Brittany",
        "Storm Jorge hit Brittany on Tuesday, cutting power to homes in Brest and Quimper.",
        "en",
    )
    links = similar_links([english, spanish, other], GroupingSettings())
    pairs = {
        (int(a), int(b)): float(s)
        for a, b, s in zip(links.first, links.second, links.similarity, strict=True)
    }
    assert pairs.get((0, 1), 0.0) >= GroupingSettings().similarity
    assert pairs.get((1, 2), 0.0) < GroupingSettings().similarity


def test_terms_made_one_add_up_within_a_row_and_leave_other_rows_as_they_were() -> None:
    import numpy as np

    from digest.text.similarity import _renumbered

    # three rows (the second empty); terms 1 and 3 become one (1): the first row holds both
    columns = np.array([0, 1, 3, 2, 3], dtype=np.int32)
    data = np.array([1.0, 2.0, 4.0, 8.0, 16.0], dtype=np.float32)
    indptr = [0, 3, 3, 5]
    root = np.array([0, 1, 2, 1], dtype=np.int32)
    got_columns, got_data, got_indptr = _renumbered(columns, data, indptr, root)
    assert got_indptr == [0, 2, 2, 4]
    rows = [
        dict(zip(got_columns[a:b].tolist(), got_data[a:b].tolist(), strict=True))
        for a, b in itertools.pairwise(got_indptr)
    ]
    assert rows == [{0: 1.0, 1: 6.0}, {}, {2: 8.0, 1: 16.0}]


def test_terms_made_one_in_a_pool_whose_last_rows_are_empty() -> None:
    import numpy as np

    from digest.text.similarity import _renumbered

    # the first row holds terms 1 and 3, which become one; the last two rows hold nothing
    columns = np.array([0, 1, 3], dtype=np.int32)
    data = np.array([1.0, 2.0, 4.0], dtype=np.float32)
    root = np.array([0, 1, 2, 1], dtype=np.int32)
    got_columns, got_data, got_indptr = _renumbered(columns, data, [0, 3, 3, 3], root)
    assert got_indptr == [0, 2, 2, 2]
    assert dict(zip(got_columns.tolist(), got_data.tolist(), strict=True)) == {0: 1.0, 1: 6.0}


def test_a_pool_of_two_languages_whose_last_text_has_no_content_words() -> None:
    # "Hesper" is "hesp" to the Spanish stemmer, so the English "Hesper" and "Hesp" are made
    # one term; a last text of function words only (a sentence such as "So it is.") is a row
    # with nothing in it, which the rows after the joined term must still count
    texts = ["Hesper met Hesp in Galicia", "Hesper habló en Galicia", "So it is."]
    vectors = vectorise(texts, declared=["en", "es", "en"])
    assert vectors.shape[0] == 3
    assert vectors.getnnz(axis=1).tolist()[2] == 0
    assert (vectors[0] @ vectors[1].T).toarray()[0, 0] > 0.5


def test_a_report_in_another_language_is_measured_against_what_the_languages_share() -> None:
    """An English and a German report of one takeover share its names and places, never
    their words for "buy" or "drugmaker": measured against what the two languages could
    share, they are as alike as two reports of one event must be, while a German report of
    another deal that names one of the same places stays apart."""

    def report(key: str, title: str, text: str, language: str) -> Article:
        return dataclasses.replace(german(key, title, text, language), source=f"Outlet {key}")

    english = report(
        "en",
        "Austrian drugmaker agrees to buy Dutch rival for 410 million euros",
        "Brauneck, based in Graz, will pay 410 million euros in cash for Velthuis, a maker of "
        "hospital medicines in Eindhoven, chief executive Irmgard Posch said on Tuesday. The "
        "deal, which needs approval from competition authorities, would create one of the "
        "largest suppliers of generic injectable drugs to hospitals across Europe.",
        "en",
    )
    german_report = report(
        "de",
        "Grazer Pharmakonzern kauft niederländischen Konkurrenten um 410 Millionen Euro",
        "Der Grazer Arzneimittelhersteller Brauneck kauft den niederländischen Konkurrenten "
        "Velthuis aus Eindhoven um 410 Millionen Euro, sagte Vorstandschefin Irmgard Posch. "
        "Die Wettbewerbsbehörden müssen dem Geschäft noch zustimmen; der Konzern würde damit "
        "zu einem der größten Lieferanten von Nachahmerpräparaten für Spitäler.",
        "de",
    )
    other = report(
        "other",
        "Grazer Stahlkonzern kauft Zulieferer in Slowenien",
        "Der Stahlkonzern aus Graz übernimmt einen Zulieferer in Maribor, teilte das "
        "Unternehmen am Dienstag mit. Über den Kaufpreis wurde Stillschweigen vereinbart.",
        "de",
    )
    links = similar_links([english, german_report, other], GroupingSettings())
    pairs = {
        (int(a), int(b)): float(s)
        for a, b, s in zip(links.first, links.second, links.similarity, strict=True)
    }
    assert pairs.get((0, 1), 0.0) >= GroupingSettings().similarity
    assert pairs.get((0, 2), 0.0) < GroupingSettings().similarity
    assert pairs.get((1, 2), 0.0) < GroupingSettings().similarity
    # more than their plain cosine, which half of each text's weight could never reach
    texts = [comparison_text(a, GroupingSettings()) for a in (english, german_report)]
    plain = vectorise(texts, declared=["en", "de"])
    assert pairs[(0, 1)] > 1.2 * (plain[0] @ plain[1].T).toarray()[0, 0]


def test_texts_whose_language_does_not_show_are_compared_as_they_are() -> None:
    """A German headline too short to show its language is read in the default language;
    beside a German report, it must not be taken for a report in another language and its
    likeness magnified: only what two known languages cannot share is made up for."""
    import numpy as np

    from digest.text.similarity import across_languages, vectorise_dense_with_reach

    texts = [
        "Streik von Lokführern: Fernverkehr lahm",
        "Die Lokführer streiken seit dem Morgen, und der Fernverkehr der Bahn steht still, "
        "sagte eine Sprecherin am Donnerstag in Berlin.",
        "Train drivers strike and halt the long-distance service of the Bahn, a spokeswoman "
        "said in Berlin on Thursday.",
    ]
    dense, reach = vectorise_dense_with_reach(texts)
    assert reach.known.tolist() == [False, True, True]
    left, right = np.array([0, 1]), np.array([1, 2])
    sims = np.array([float(dense[0] @ dense[1]), float(dense[1] @ dense[2])], dtype=np.float32)
    measured = across_languages(sims, left, right, reach)
    assert measured[0] == sims[0]  # the headline's language does not show: as it was
    assert measured[1] > sims[1]  # German and English, both shown: made up for
    assert (measured <= 1.0).all()
    # and never more than twice: an English report of one city's election and a Portuguese
    # one of another's, naming the first in passing, rose from 0.115 to 0.317 (4.5 times)
    assert (measured <= 2 * sims + 1e-6).all()
    tiny = np.array([0.115], dtype=np.float32)
    assert across_languages(tiny, np.array([1]), np.array([2]), reach)[0] <= 0.23 + 1e-6


def test_a_language_without_a_word_list_is_not_taken_to_share_only_names() -> None:
    """Galician has no word list: nothing tells its names from its words, nor which of a
    Spanish report's words Galician writes alike ("incendio", "hectáreas", "Xunta"). A
    Galician and a Spanish report of two fires in Galicia on one day share those words; their
    cosine must be taken as it is, not magnified as if all they shared were names, while the
    Galician and the Spanish report of one fire still join."""

    def report(key: str, title: str, text: str, language: str) -> Article:
        return dataclasses.replace(german(key, title, text, language), source=f"Outlet {key}")

    galician = report(
        "gl",
        "Un incendio forestal en Ourense arrasa 800 hectáreas e obriga a desaloxar Vilariño",
        "O lume declarado na tarde do martes no concello de Chandrexa de Queixa, en Ourense, "
        "xa calcinou 800 hectáreas, segundo a Consellería do Medio Rural. A Xunta desaloxou a "
        "aldea de Vilariño e a Garda Civil cortou a estrada OU-533. Traballan no incendio "
        "catro helicópteros e vinte brigadas.",
        "gl",
    )
    other_fire = report(
        "es",
        "Un incendio forestal en Lugo quema 300 hectáreas en la sierra de O Courel",
        "El fuego declarado el martes en el municipio de Folgoso do Courel, en Lugo, ha "
        "quemado ya 300 hectáreas, según la Consellería do Medio Rural de la Xunta. La Guardia "
        "Civil cortó la carretera LU-651 y los vecinos de Seoane fueron confinados. Trabajan en "
        "la extinción tres helicópteros y doce brigadas.",
        "es",
    )
    same_fire = report(
        "es2",
        "Galicia: incendio en Chandrexa de Queixa obliga a desalojar Vilariño",
        "Un incendio forestal declarado el martes en Chandrexa de Queixa, en Ourense, ha "
        "arrasado 800 hectáreas y ha obligado a desalojar la aldea de Vilariño, informó la "
        "Consellería do Medio Rural. La Guardia Civil cortó la carretera OU-533.",
        "es",
    )
    articles = [galician, other_fire, same_fire]
    links = similar_links(articles, GroupingSettings())
    pairs = {
        (int(a), int(b)): float(s)
        for a, b, s in zip(links.first, links.second, links.similarity, strict=True)
    }
    texts = [comparison_text(a, GroupingSettings()) for a in articles]
    plain = vectorise(texts, declared=["gl", "es", "es"])
    assert pairs.get((0, 1), 0.0) < GroupingSettings().similarity
    assert pairs[(0, 1)] == pytest.approx((plain[0] @ plain[1].T).toarray()[0, 0], abs=1e-5)
    assert pairs.get((0, 2), 0.0) >= GroupingSettings().similarity


def ferry_report(key: str, title: str, text: str, language: str, hours: float) -> Article:
    return Article(
        key=key,
        source=f"Outlet {key}",
        title=title,
        paragraphs=(Paragraph(text),),
        published=WHEN + dt.timedelta(hours=hours),
        language=language,
    )


FERRY_WIRE = ferry_report(
    "wire",
    "Ferry runs aground off Dutch island, 340 passengers taken ashore",
    "A passenger ferry ran aground on a sandbank off the Dutch island of Texel on Saturday "
    "evening, and all 340 passengers and crew were taken off by lifeboats, the coastguard said. "
    "Nobody was hurt. The ship had left the port of Den Helder half an hour earlier and struck "
    "the sandbank in thick fog, a spokesman for the operator said.",
    "en",
    0,
)
FERRY_TRADE = ferry_report(
    "trade",
    "Texel ferry aground in fog: crossings suspended",
    "Crossings between Den Helder and Texel are suspended after the Marsdiep Star ran aground "
    "on the Razende Bol sandbank in thick fog on Saturday evening. The operator, TESO, said "
    "tugs would try to refloat the ferry at high tide; the coastguard's lifeboats took the 340 "
    "passengers ashore.",
    "en",
    2,
)
FERRY_DUTCH = ferry_report(
    "nl",
    "Veerboot Marsdiep Star vastgelopen bij Texel",
    "De veerboot Marsdiep Star van TESO is zaterdagavond in dichte mist vastgelopen op de "
    "Razende Bol. De 340 passagiers werden door de KNRM aan wal gebracht. De overtochten tussen "
    "Den Helder en Texel liggen stil.",
    "nl",
    1,
)


def test_a_report_in_another_language_stays_with_the_report_it_shares_little_with() -> None:
    """The Dutch report names what the trade site's does (the ship, its operator, the
    sandbank); the wire's names only the island, the port and the 340 passengers, a plain
    cosine under half the threshold. Measured against what English and Dutch could share,
    that pair still counts in the average that keeps the three together: dropped before it
    is measured, it left the Dutch report alone (an average of 0.24 against the two)."""
    from digest.group import cluster_articles

    settings = GroupingSettings()
    articles = [FERRY_WIRE, FERRY_TRADE, FERRY_DUTCH]
    links = similar_links(articles, settings)
    pairs = {
        (int(a), int(b)): float(s)
        for a, b, s in zip(links.first, links.second, links.similarity, strict=True)
    }
    assert settings.similarity * 0.5 <= pairs[(0, 2)] < settings.similarity
    assert cluster_articles(articles, settings) == [[0, 1, 2]]


def test_a_story_continues_an_earlier_days_story_told_in_another_language() -> None:
    """Yesterday's story was the Dutch report of the grounding; today's English report of the
    ferry refloated continues it: they share the ship, the island, the port and the 340
    passengers, a plain cosine of 0.24, and 0.33 measured as grouping measures two languages.
    An English story of another ferry's grounding on another island does not."""
    from digest.group import group_stories, link_earlier, make_story, story_record

    yesterday = WHEN.date()
    earlier = [story_record(make_story([FERRY_DUTCH]), yesterday, WHEN)]
    refloated = ferry_report(
        "refloated",
        "Stranded Texel ferry refloated",
        "Tugs refloated the Marsdiep Star from a sandbank off the Dutch island of Texel at high "
        "tide on Sunday morning, a day after it ran aground in fog with 340 passengers on board. "
        "Crossings from the port of Den Helder resume on Monday, the operator said.",
        "en",
        26,
    )
    other = ferry_report(
        "other",
        "Ferry aground off Norderney in fog, passengers taken off",
        "A ferry ran aground in fog off the German island of Norderney on Sunday morning; "
        "the 85 passengers were taken off by a lifeboat of the DGzRS, the operator Frisia said.",
        "en",
        27,
    )
    linked = {s.lead.key: s.earlier for s in link_earlier(group_stories([refloated]), earlier)}
    assert linked["refloated"] is not None
    assert linked["refloated"].story_id == earlier[0].id
    (story,) = link_earlier(group_stories([other]), earlier)
    assert story.earlier is None
