"""digest.text.headlines: a sentence made a headline, SEO cruft stripped, the clearest chosen."""

from __future__ import annotations

import re

import pytest
from growth import GENEROUS, growth

from digest.text.headlines import (
    HEADLINE_CHARS,
    Candidate,
    choose_headline,
    headline_score,
    is_section_title,
    is_seo_title,
    is_shouting,
    joins_items,
    names_nothing,
    naming_source,
    opens_text,
    paid_tag_pattern,
    paid_title_label,
    released_project,
    sentence_headline,
    site_names_for,
    source_title,
    strip_cruft,
    unshouted,
)

# Words a headline may not end on: what a cut mid-phrase leaves behind.
DANGLING = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by"}

LONG_LEADS = [
    "A fire broke out on the passenger ferry Kalliope Star off the Greek island of Naxos early "
    "on Tuesday, forcing the evacuation of all 412 passengers and crew, the Hellenic coastguard "
    "said.",
    "Storm Hesper, which made landfall on Monday, has cut power to 40,000 homes in Galicia and "
    "closed schools across the region, officials said Tuesday.",
    "Tram drivers in Lisbon began a 24-hour strike on Tuesday over pay and shift patterns, "
    "halting the city's historic lines and leaving tourists queueing for buses.",
    "Ghent city council approved on Tuesday evening the plans for a cycle and footbridge over "
    "the river Leie near the Sint-Pietersstation, a project first proposed in 2019.",
    "However, the ministry said on Wednesday that it would not extend the deadline for "
    "applications from farmers whose crops were destroyed by the floods in the Po valley.",
]


def words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text.lower())


# --- from a sentence ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", LONG_LEADS)
def test_a_long_lead_becomes_whole_clauses_within_the_limit(sentence: str) -> None:
    headline = sentence_headline(sentence)
    assert len(headline) <= HEADLINE_CHARS
    assert "\u2026" not in headline and not headline.endswith((".", ",", ";", ":", "-"))
    assert words(headline)[-1] not in DANGLING
    assert len(headline) >= HEADLINE_CHARS * 0.4  # a headline, not a stub
    # made of the sentence's own words, in their order
    source = words(sentence)
    position = 0
    for word in words(headline):
        position = source.index(word, position) + 1


def test_shortening_drops_an_aside_and_a_closing_attribution_before_cutting() -> None:
    headline = sentence_headline(LONG_LEADS[1])
    assert headline == (
        "Storm Hesper has cut power to 40,000 homes in Galicia and closed schools across the region"
    )


def test_shortening_drops_an_opening_however_and_starts_with_a_capital() -> None:
    headline = sentence_headline(LONG_LEADS[4])
    assert headline.startswith("The ministry said")


def test_a_long_lead_is_cut_before_a_subordinate_clause() -> None:
    headline = sentence_headline(LONG_LEADS[2])
    assert headline == (
        "Tram drivers in Lisbon began a 24-hour strike on Tuesday over pay and shift patterns"
    )


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [
        ("Ghent approves the Leie bridge.", "Ghent approves the Leie bridge"),
        (
            "Is the Leie bridge worth 9.4 million euros?!",
            "Is the Leie bridge worth 9.4 million euros?",
        ),
        ("Ferry ablaze off Naxos!", "Ferry ablaze off Naxos!"),
        ("The bill now goes to the U.S.", "The bill now goes to the U.S."),
        ("  Ferry   runs aground\n off Crete.  ", "Ferry runs aground off Crete"),
    ],
)
def test_a_short_sentence_is_its_own_headline_without_its_full_stop(
    sentence: str, headline: str
) -> None:
    assert sentence_headline(sentence) == headline


def test_no_limit_keeps_the_whole_sentence() -> None:
    assert sentence_headline(LONG_LEADS[0], limit=0) == LONG_LEADS[0].removesuffix(".")


def test_when_no_clause_fits_the_first_whole_clause_is_kept_rather_than_cut_mid_phrase() -> None:
    sentence = (
        "The Hellenic coastguard's regional command for the southern Aegean and the Cyclades "
        "confirmed the rescue, which involved every available patrol boat."
    )
    assert sentence_headline(sentence, limit=40) == (
        "The Hellenic coastguard's regional command for the southern Aegean and the Cyclades "
        "confirmed the rescue"
    )


@pytest.mark.parametrize(
    ("sentence", "verb"),
    [
        (
            "Officials in Kherson, a city in southern Ukraine, said Tuesday that Russian shelling "
            "had killed four people and wounded 12 others overnight.",
            "said",
        ),
        (
            "Researchers at the University of California, Berkeley, said Tuesday they had built "
            "a battery that charges in five minutes.",
            "said",
        ),
        (
            "The chief executive of Acme Corp., the world's largest maker of widgets, announced "
            "on Monday that he would step down at the end of the year.",
            "announced",
        ),
        (
            "A spokesman for the Ministry of Defence in London, Colonel James Hart, said on "
            "Monday that two more warships would be sent to the region.",
            "said",
        ),
    ],
)
def test_a_long_lead_is_never_cut_between_its_subject_and_its_verb(
    sentence: str, verb: str
) -> None:
    # "Officials in Kherson, a city in southern Ukraine" names who spoke, not what happened
    assert verb in words(sentence_headline(sentence))


def test_text_that_is_not_prose_is_cut_hard_to_fit_a_line() -> None:
    url = "https://example.org/" + "a" * 400
    headline = sentence_headline(url)
    assert headline.endswith("\u2026") and len(headline) <= 2.5 * HEADLINE_CHARS


# --- SEO cruft ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "names", "clean"),
    [
        # a site's name after a pipe, known or not
        ("Storm Hesper batters Galicia | The Northern Ledger", (), "Storm Hesper batters Galicia"),
        ("Fire off Naxos: what we know | Aegean Daily", (), "Fire off Naxos: what we know"),
        # after a dash only when it is the site's name
        (
            "Storm Hesper batters Galicia - The Northern Ledger",
            ("The Northern Ledger",),
            "Storm Hesper batters Galicia",
        ),
        (
            "Ghent approves cycle bridge \u2013 BBC News Online",
            site_names_for("BBC", "https://www.bbc.co.uk/news/1"),
            "Ghent approves cycle bridge",
        ),
        # ... or before it
        (
            "Northline Radio - Greek minister orders ferry inquiry",
            ("Northline Radio",),
            "Greek minister orders ferry inquiry",
        ),
        # the section between the headline and the site's name
        (
            "Ukraine shoots down 20 drones | World | Example News",
            ("Example News",),
            "Ukraine shoots down 20 drones",
        ),
        (
            "Ukraine shoots down 20 drones \u2013 World \u2013 Example News",
            ("Example News",),
            "Ukraine shoots down 20 drones",
        ),
        # a keyword-stuffed lead-in before a colon
        (
            "Ferry Fire Naxos Greece 2026: Hundreds evacuated from burning ship",
            (),
            "Hundreds evacuated from burning ship",
        ),
        (
            "Maduro Venezuela US Talks 2026: dialogue offered amid military strikes",
            (),
            "Dialogue offered amid military strikes",
        ),
        # a wire's, a live page's or a video page's flag
        (
            "UPDATE 2-ECB cuts rates for the first time in two years, signals caution",
            (),
            "ECB cuts rates for the first time in two years, signals caution",
        ),
        (
            "BREAKING: Fire on Lisbon metro train forces evacuation of station",
            (),
            "Fire on Lisbon metro train forces evacuation of station",
        ),
        ("LIVE: ECB cuts interest rates to 2.25%", (), "ECB cuts interest rates to 2.25%"),
        (
            "Watch: Moment crew docks at International Space Station",
            (),
            "Moment crew docks at International Space Station",
        ),
        ("FACTBOX-Who is Chile's president-elect?", (), "Who is Chile's president-elect?"),
    ],
)
def test_cruft_is_stripped(title: str, names: tuple[str, ...], clean: str) -> None:
    assert strip_cruft(title, names) == clean
    assert is_seo_title(title, names)


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("Ukraine - Russia talks resume in Geneva", ("Geneva Times",)),  # a dash in the news
        ("Storm Hesper batters Galicia - power cut to 40,000 homes", ("Northern Ledger",)),
        ("Greece 2026: what the new budget means for you", ()),  # a real lead-in
        ("Naxos: ferry towed into port", ()),
        ("Live music venues face closure as rents soar", ()),  # a word, not a flag
        ("Watch out for scam calls, police warn pensioners", ()),
        ("Breaking Bad star returns to the London stage", ()),
    ],
)
def test_a_plain_title_is_left_alone(title: str, names: tuple[str, ...]) -> None:
    assert strip_cruft(title, names) == title
    assert not is_seo_title(title, names)


@pytest.mark.parametrize(
    "title",
    [
        "European stock markets slide - April sales disappoint",
        "Unions reject pay offer - Apartment rents rise again",
        "Judge blocks port merger - Appeal expected within weeks",
    ],
)
def test_a_site_name_is_a_whole_word_not_the_start_of_one(title: str) -> None:
    names = site_names_for("AP", "https://apnews.example/x")
    assert strip_cruft(title, names) == title
    assert strip_cruft(title.split(" - ")[0] + " - AP", names) == title.split(" - ")[0]


@pytest.mark.parametrize(
    ("title", "names", "clean"),
    [
        # the site's own name, or a news agency's, in brackets before the headline
        ("[allAfrica] Senate passes minimum wage bill", ("allAfrica.com", "allafrica"), None),
        ("[Lagos Ledger] Police arrest four after market fire", ("Lagos Ledger",), None),
        ("[Reuters] Ghana's central bank holds its main rate", ("Harbour Aggregator",), None),
        # a label of the post, or its topic, stays
        ("[PDF] The Art of Computer Programming, volume 4B", (), "="),
        ("[Sponsor] Acme Cloud: Backups that restore in minutes", (), "="),
        ("[Updated] Storm closes Severn crossings", (), "="),
        ("[Node.js] How to use promises in a callback-based codebase", ("Dev Notes",), "="),
        # a credit before too little to be a headline stays
        ("[Lagos Ledger] Market fire", ("Lagos Ledger",), "="),
    ],
)
def test_a_publisher_in_brackets_before_a_title_is_cut(
    title: str, names: tuple[str, ...], clean: str | None
) -> None:
    expected = title if clean == "=" else title.split("] ", 1)[1]
    assert strip_cruft(title, names) == expected


def test_site_names_are_the_source_and_the_hosts_first_label() -> None:
    assert site_names_for("BBC News", "https://www.bbc.co.uk/news/x") == ("BBC News", "bbc")
    assert site_names_for("AP", "https://ap.org/x") == ("AP",)  # a two-letter label says little
    assert site_names_for("Folder", None) == ("Folder",)


# --- choosing ----------------------------------------------------------------------------------


def test_a_real_headline_beats_one_derived_from_the_text() -> None:
    derived = Candidate("A fire broke out on the passenger ferry Kalliope Star off Naxos", True)
    real = Candidate("Fire on Greek ferry off Naxos forces evacuation", False)
    assert choose_headline([derived, real]) == real.title
    assert headline_score(real) > headline_score(derived)


@pytest.mark.parametrize(
    "title",
    ["World | Example News", "Example News", "Example News - World", "Home | Example News"],
)
def test_a_title_that_is_only_the_sites_name_and_a_section_loses_to_a_derived_one(
    title: str,
) -> None:
    names = site_names_for("Example News", "https://www.example.com/world/1")
    derived = Candidate(
        "Ukrainian forces shoot down 20 of 24 drones launched overnight", True, names
    )
    assert choose_headline([Candidate(title, False, names), derived]) == derived.title


def test_a_plain_headline_beats_a_stuffed_one_and_a_stuffed_one_alone_is_cleaned() -> None:
    stuffed = Candidate(
        "Ferry Fire Naxos Greece 2026: Hundreds evacuated from burning ship | Aegean News",
        site_names=("Aegean News",),
    )
    plain = Candidate("Fire on Greek ferry off Naxos forces evacuation")
    assert choose_headline([stuffed, plain]) == plain.title
    assert choose_headline([stuffed]) == "Hundreds evacuated from burning ship"


def test_a_headline_that_tells_beats_one_that_asks() -> None:
    explainer = Candidate(
        "Why is Paris targeting SUVs? Everything you need to know about the new parking fees"
    )
    review = Candidate("Lumora X5 hands-on: the camera phone to beat?")
    news = Candidate("Paris triples parking fees for heavy SUVs after referendum")
    assert choose_headline([explainer, news]) == news.title
    assert choose_headline([review, Candidate("Lumora unveils the X5 phone")]) == (
        "Lumora unveils the X5 phone"
    )
    assert choose_headline([explainer]) == explainer.title  # alone, it is still the headline


def test_a_flagged_wire_headline_loses_to_a_plain_one_and_alone_is_cleaned() -> None:
    flagged = Candidate("UPDATE 2-ECB cuts rates for the first time in two years, signals caution")
    plain = Candidate("ECB lowers rates but Varga warns against betting on more")
    assert choose_headline([flagged, plain]) == plain.title
    assert choose_headline([flagged]) == (
        "ECB cuts rates for the first time in two years, signals caution"
    )


def test_shouting_and_extreme_lengths_lose_to_a_headline_of_news_length() -> None:
    plain = Candidate("Fire on Greek ferry off Naxos forces evacuation")
    shouting = Candidate("FIRE ON GREEK FERRY OFF NAXOS FORCES EVACUATION")
    short = Candidate("Ferry fire")
    rambling = Candidate(
        "Fire on Greek ferry off Naxos forces evacuation of hundreds of passengers and crew as "
        "coastguard boats and fishing vessels help move them into lifeboats in calm seas overnight"
    )
    for other in (shouting, short, rambling):
        assert choose_headline([other, plain]) == plain.title


def test_a_tie_goes_to_the_first_and_an_empty_title_never_wins() -> None:
    first = Candidate("Fire on Greek ferry off Naxos forces evacuation")
    second = Candidate("Greek minister orders inquiry into Naxos ferry fire")
    assert choose_headline([first, second]) == first.title
    assert choose_headline([second, first]) == second.title
    assert choose_headline([Candidate("  "), Candidate("Ferry fire off Naxos", True)]) == (
        "Ferry fire off Naxos"
    )
    assert choose_headline([]) == ""


# Sentences no clause of which fits: each once took time growing with the square of its length
# (an aside removed at a time from the start again; the clauses measured again from the start
# at every comma). An untitled article whose first "sentence" is a long list is enough.
LONG_SENTENCES = {
    "asides": lambda n: "a (b) " * (n // 6),
    "relative clauses": lambda n: "x, which y, " * (n // 12),
    "commas": lambda n: "a, " * (n // 3),
    "dashes": lambda n: "a - " * (n // 4),
}


@pytest.mark.parametrize("case", LONG_SENTENCES, ids=list(LONG_SENTENCES))
def test_a_long_sentence_becomes_a_headline_in_linear_time(case: str) -> None:
    ratio = growth(sentence_headline, LONG_SENTENCES[case], 4_000)
    assert ratio < GENEROUS, f"ten times the sentence took {ratio:.0f} times as long"


# --- from a sentence, in other languages -------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "verb"),
    [
        (
            "La presidenta de la Comunidad de Madrid, Isabel Díaz Ayuso, anunció este martes "
            "que los autobuses interurbanos serán gratuitos para los menores de 26 años.",
            "es",
            "anunció",
        ),
        (
            "Le directeur général de la SNCF, Jean-Pierre Farandou, a confirmé mercredi que les "
            "prix des billets de TGV augmenteraient de 4 % au printemps prochain.",
            "fr",
            "confirmé",
        ),
        (
            "Il presidente della Regione Lombardia, Attilio Fontana, ha firmato ieri "
            "un'ordinanza che vieta l'uso dei fuochi d'artificio in tutti i comuni.",
            "it",
            "firmato",
        ),
        (
            "Marcelo Rebelo de Sousa, presidente da República, promulgou nesta sexta-feira o "
            "diploma que aumenta o salário mínimo nacional para 870 euros.",
            "pt",
            "promulgou",
        ),
    ],
)
def test_a_lead_is_never_cut_to_its_subject_and_the_aside_beside_it(
    sentence: str, language: str, verb: str
) -> None:
    # "La presidenta de la Comunidad de Madrid, Isabel Díaz Ayuso" names who, not what
    for tag in (language, None):  # told the language, or left to tell it
        assert verb in words(sentence_headline(sentence, language=tag)), tag


@pytest.mark.parametrize(
    ("sentence", "language", "headline"),
    [
        (
            "El Ayuntamiento de Sevilla cerrará al tráfico el puente de Triana durante seis "
            "meses para reforzar sus pilares, según ha informado la Gerencia de Urbanismo.",
            "es",
            "El Ayuntamiento de Sevilla cerrará al tráfico el puente de Triana durante seis meses",
        ),
        (
            "La compagnie aérienne a supprimé plus de 300 vols au départ de Roissy en raison "
            "d'un mouvement social, a indiqué la direction générale de l'aviation civile.",
            "fr",
            "La compagnie aérienne a supprimé plus de 300 vols au départ de Roissy",
        ),
        (
            "Die Lufthansa streicht wegen des Warnstreiks am Freitag mehr als 800 Flüge in "
            "Frankfurt und München, wie das Unternehmen am Donnerstag mitteilte.",
            "de",
            "Die Lufthansa streicht wegen des Warnstreiks am Freitag mehr als 800 Flüge in "
            "Frankfurt und München",
        ),
    ],
)
def test_a_closing_attribution_goes_in_every_language(
    sentence: str, language: str, headline: str
) -> None:
    assert sentence_headline(sentence, language=language) == headline


def test_a_verb_final_clause_keeps_its_verb_rather_than_fit() -> None:
    # German and Dutch put the participle last: a cut before "in" would drop "festgenommen"
    sentence = (
        "Die Bundespolizei hat am Hauptbahnhof in Köln nach einer Schlägerei zwischen "
        "Fußballfans am Samstagabend zwölf Männer festgenommen."
    )
    assert sentence_headline(sentence, language="de").endswith("festgenommen")
    # ... and a reported clause is not cut off after its verb
    sentence = (
        "Die Stadtwerke haben am Dienstag angekündigt, dass die Strompreise für Haushalte "
        "im kommenden Jahr um acht Prozent steigen werden."
    )
    assert sentence_headline(sentence, language="de").endswith("steigen werden")


def test_a_list_of_names_and_a_name_with_a_particle_are_not_cut() -> None:
    sentence = (
        "Die Gewerkschaft hat die Lokführer in Berlin, Dresden und Leipzig für Montag zu "
        "einem Streik aufgerufen, nachdem die Verhandlungen gescheitert waren."
    )
    assert "Leipzig" in sentence_headline(sentence, language="de")
    sentence = (
        "El gobernador del Banco de España advirtió en el Congreso de los Diputados que la "
        "deuda pública sigue siendo demasiado alta para afrontar otra crisis."
    )
    assert not sentence_headline(sentence, language="es").endswith("Banco")


@pytest.mark.parametrize(
    "sentence",
    [
        "Die Bundesregierung hat am Mittwoch beschlossen, das Rentenalter bis 2040 schrittweise "
        "auf 68 Jahre anzuheben, wie ein Sprecher in Berlin mitteilte.",
        "Der Stadtrat hat am Dienstag entschieden, die Gebühren für das Parken in der "
        "Innenstadt deutlich zu erhöhen, wie die Verwaltung in einer Mitteilung bekannt gab.",
    ],
)
def test_an_infinitive_clause_opened_by_an_article_is_not_taken_for_an_aside(
    sentence: str,
) -> None:
    # ", das Rentenalter ... anzuheben," is what was decided: taken out as a relative clause,
    # it left "beschlossen wie ein Sprecher in Berlin mitteilte"
    headline = sentence_headline(sentence, language="de")
    assert " wie " not in headline and headline.endswith(("beschlossen", "entschieden"))


def test_a_relative_clause_opened_by_an_article_word_is_still_an_aside() -> None:
    sentence = (
        "Das Unternehmen, das im vergangenen Jahr mehr als 2000 Stellen gestrichen hatte, "
        "kündigte am Montag einen neuen Sparplan für seine Werke in Bayern an."
    )
    assert sentence_headline(sentence, language="de") == (
        "Das Unternehmen kündigte am Montag einen neuen Sparplan für seine Werke in Bayern an"
    )


def test_a_cut_keeps_the_phrase_a_verb_ends_on_when_another_clause_follows() -> None:
    sentence = (
        "Reminder that the council consultation on the Leith cycle lanes closes on Friday and "
        "the council wants to hear from everyone who rides along Leith Walk."
    )
    assert sentence_headline(sentence) == (
        "Reminder that the council consultation on the Leith cycle lanes closes on Friday"
    )
    # but a pair is not halved: "between Nice | and the Couillole pass"
    pair = (
        "The stage was raced on Saturday over the hills between Nice and the Couillole pass "
        "in brutal heat and strong winds from the sea."
    )
    assert sentence_headline(pair) == (
        "The stage was raced on Saturday over the hills between Nice and the Couillole pass"
    )


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("v2.4.0", "trailmap: v2.4.0"),
        ("2.4.0-rc.1", "trailmap: 2.4.0-rc.1"),
        ("Release 1.2", "trailmap: Release 1.2"),
        ("42", "trailmap: 42"),
        ("trailmap 2.4.0", "trailmap 2.4.0"),
        ("v2 ships offline maps", "v2 ships offline maps"),
        ("Windows 11 is out", "Windows 11 is out"),
        ("2.4.0rc1", "trailmap: 2.4.0rc1"),
        # a release's stages after a space or in brackets, its date in brackets
        ("4.2.0 beta", "trailmap: 4.2.0 beta"),
        ("v1.0.0-rc.1", "trailmap: v1.0.0-rc.1"),
        ("2.0 RC2", "trailmap: 2.0 RC2"),
        ("5.1.0 (LTS)", "trailmap: 5.1.0 (LTS)"),
        ("3.1 Beta 2", "trailmap: 3.1 Beta 2"),
        ("Version 7 preview", "trailmap: Version 7 preview"),
        ("24.04 LTS", "trailmap: 24.04 LTS"),
        ("v0.9.0-beta.3 [pre-release]", "trailmap: v0.9.0-beta.3 [pre-release]"),
        ("1.4.2 (2026-11-21)", "trailmap: 1.4.2 (2026-11-21)"),
        # a number and letters make a word, which names something
        ("5G", "5G"),
        ("3D", "3D"),
        ("1Password", "1Password"),
        # words after a number are a version's only when they are its stages, and a plain
        # number before one counts things
        ("3 dead", "3 dead"),
        ("iPhone 16 Pro", "iPhone 16 Pro"),
        ("Windows 11", "Windows 11"),
        ("2.0 ships today", "2.0 ships today"),
        ("10 stable", "10 stable"),
    ],
)
def test_a_title_that_is_only_a_version_is_shown_with_its_source(title, headline) -> None:
    assert naming_source(title, "trailmap") == headline
    assert names_nothing(title) == (headline != title)


@pytest.mark.parametrize(
    ("title", "site", "shown"),
    [
        # a site's name, then its tagline: the name its home page bears
        (
            "Le Monde.fr - Actualités et Infos en France et dans le monde",
            "https://www.lemonde.fr/",
            "Le Monde.fr",
        ),
        ("TechCrunch – Startup and Technology News", "https://techcrunch.com/", "TechCrunch"),
        (
            "SPIEGEL ONLINE - Schlagzeilen aus Politik, Wirtschaft und Sport",
            "https://www.spiegel.de/",
            "SPIEGEL ONLINE",
        ),
        # a section first, a short tail, or a name the home page does not bear: as it is
        ("World news | The Guardian", "https://www.theguardian.com/world", None),
        ("Hacker News: Front Page", "https://news.ycombinator.com/", None),
        (
            "Dicas-L: Dicas técnicas de Linux e Software Livre",
            "https://www.dicas-l.com.br/",
            "Dicas-L",
        ),
        ("Politics - Latest news and analysis from around the world", "https://x.org/", None),
        ("Le Monde.fr - Actualités et Infos en France et dans le monde", None, None),
    ],
)
def test_a_sites_name_before_its_tagline_is_the_name_it_is_shown_by(title, site, shown) -> None:
    assert source_title(title, site) == (shown or title)


@pytest.mark.parametrize(
    ("title", "site", "site_name", "categories", "shown"),
    [
        # a section's feed: after the name the feed gives its site, else its home page's host
        ("Asia", "https://www.economist.com/asia", "The Economist", (), "The Economist – Asia"),
        ("Asia", "https://www.economist.com/asia", "", (), "economist.com – Asia"),
        ("Asia", "https://www.economist.com/asia", "Asia", (), "economist.com – Asia"),
        ("Top Stories", "https://www.harbour-gazette.example/", "", (), None),
        ("Latest News", "https://news.quayside.example/", "Quayside Times", (), None),
        ("Home", "https://www.ferrylog.example/", "", (), "ferrylog.example – Home"),
        ("RSS", "https://blog.tidewater.example/", "", (), "blog.tidewater.example – RSS"),
        ("Science & Environment", "https://www.bbc.co.uk/news", "BBC News", (), None),
        ("Middle East", "https://www.gulfdaily.example/", "", (), None),
        ("Welt", "https://www.nordkurier.example/welt", "Nordkurier", (), "Nordkurier – Welt"),
        ("Neueste Meldungen", "https://www.elbwacht.example/", "Elbwacht", (), None),
        ("Monde", "https://www.quotidien-du-port.example/", "", (), None),
        ("À la une", "https://www.lecho-des-quais.example/", "L'Écho des quais", (), None),
        ("Deportes", "https://www.diario-del-puerto.example/", "Diario del Puerto", (), None),
        ("Últimas noticias", "https://www.la-marea.example/", "", (), None),
        ("Economia", "https://www.gazzetta-del-molo.example/economia", "", (), None),
        ("Notizie", "https://www.ilfaro.example/", "Il Faro", (), "Il Faro – Notizie"),
        ("Esportes", "https://www.jornal-da-doca.example/", "Jornal da Doca", (), None),
        ("Binnenland", "https://www.havenkrant.example/", "De Havenkrant", (), None),
        # a section's name no word list holds, told by the feed's own category
        ("Agenda", "https://www.comune-di-porto.example/", "", ("Agenda",), None),
        # the site's name holds the section already: it alone says both
        ("World", "https://www.nytimes.com/section/world", "NYT > World", (), "NYT > World"),
        # the site's "name" is a description: its host instead
        (
            "Sport",
            "https://www.harbour-gazette.example/sport",
            "All the latest sport news, results and fixtures from around the region",
            (),
            "harbour-gazette.example – Sport",
        ),
    ],
)
def test_a_feed_titled_by_its_section_alone_is_shown_after_its_sites_name(
    title, site, site_name, categories, shown
) -> None:
    assert is_section_title(title, categories)
    publisher = site_name or site.split("/")[2].removeprefix("www.")
    expected = shown or f"{publisher} – {title}"
    assert source_title(title, site, site_name, categories) == expected


def test_a_sections_feed_is_named_with_a_mark_the_lines_that_show_its_name_do_not_use() -> None:
    # The page, the email and 'digest stories' set a story's count, sources, author and time
    # apart with " · ": "2 reports · The Economist · Asia, Quay Post · Mon 7 Dec, 12:58"
    # read as four parts, of which "Asia" was none.
    shown = source_title("Asia", "https://www.economist.com/asia", "The Economist")
    assert shown == "The Economist – Asia"
    assert "·" not in shown


@pytest.mark.parametrize(
    ("title", "site", "site_name"),
    [
        # a name among the words: the title names its publisher
        ("BBC News - World", "https://www.bbc.co.uk/news/world", "BBC News"),
        ("NPR Topics: World", "https://www.npr.org/sections/world/", ""),
        ("Ars Technica", "https://arstechnica.com/", "Ars Technica"),
        ("Hacker News", "https://news.ycombinator.com/", ""),
        ("Asia Times", "https://asiatimes.com/", ""),
        ("Scripting News", "http://scripting.com/", ""),
        # an article makes a section's word a paper's name
        ("Die Welt", "https://www.welt.de/", ""),
        ("Le Monde", "https://www.lemonde.fr/", ""),
        ("El Mundo", "https://www.elmundo.es/", ""),
        ("The World", "https://theworld.org/", ""),
        # a section's word that is the site's own name
        ("Welt", "https://www.welt.de/", ""),
        ("Science", "https://www.science.org/", ""),
        ("People", "https://people.com/", ""),
        ("Journal", "https://journal.jatan.space/", ""),
        # a one-word blog's name is no section
        ("Otherwise", "https://juliawise.net/", "Otherwise"),
        ("Communications", "http://gscomm.blogspot.com/", ""),
        # a word no list holds, unless the feed files itself under it (above)
        ("Agenda", "https://www.comune-di-porto.example/", ""),
        # part of a phrase alone ("middle east"), a conjunction alone
        ("East", "https://www.eastern.example/", ""),
        ("And", "https://www.and.example/", ""),
        # nothing to name the publisher by: the title stands
        ("Asia", None, ""),
    ],
)
def test_a_feed_title_that_names_its_publisher_stays_as_it_is(title, site, site_name) -> None:
    assert source_title(title, site, site_name) == title


@pytest.mark.parametrize(
    ("feed", "project"),
    [
        ("Release notes from trailmap", "trailmap"),  # GitHub's releases.atom
        ("Tags from trailmap", "trailmap"),  # GitHub's tags.atom
        ("Releases for acme/trailmap", "trailmap"),  # Gitea's, Forgejo's, Codeberg's
        ("Tags for acme/trailmap", "trailmap"),
        ("trailmap releases", "trailmap"),  # GitLab's
        ("trailmap tags", "trailmap"),
        ("Releases · acme/trailmap · GitHub", "trailmap"),  # a releases page's title
        ("Trail Map - Changelog", "Trail Map"),
        ("Versionen von kartenwerk", "kartenwerk"),
        ("Notas de la versión de mapamundi", "mapamundi"),
        # not a release feed's title, or one that names no project
        ("trailmap", None),
        ("Harbour News", None),
        ("Releases", None),
    ],
)
def test_a_release_feeds_title_names_its_project(feed, project) -> None:
    assert released_project(feed) == project
    # a title that is only a version is shown with the project's name, not the feed's words
    assert naming_source("v2.4.0", feed) == f"{project or feed}: v2.4.0"
    assert naming_source("4.2.0 beta", feed) == f"{project or feed}: 4.2.0 beta"
    # a title that names something stays as it is, whatever the feed
    assert naming_source("Trailmap 2.4 adds offline maps", feed) == "Trailmap 2.4 adds offline maps"


POST = (
    "Bin collections in Leith and Newhaven are running a day late this week after the storm "
    "brought down trees on Salamander Street; crews expect to catch up by Saturday."
)


@pytest.mark.parametrize(
    ("title", "opens"),
    [
        # a bridge's title: the post's first words, cut short, in the middle of a word or not
        ("Bin collections in Leith and Newhaven are running a day late this week after th…", True),
        ("Bin collections in Leith and Newhaven are running a day...", True),
        ("R to @edinburgh: Bin collections in Leith and Newhaven are…", True),
        # the article's own headline, or one that says more than its first words
        ("Bin collections in Leith running late", False),
        ("Bin collections in Leith and Newhaven are running a day late this week", False),
        ("Storm delays bin collections in Leith…", False),
        # a writer's headline that runs on into the text is written as a headline
        ("Bin Collections in Leith and Newhaven Are Running…", False),
        ("Bin collections…", False),  # too few words to tell
    ],
)
def test_a_title_that_is_only_its_texts_opening_cut_short(title, opens) -> None:
    assert opens_text(title, POST) is opens


# --- titles of several items, and of paid posts ------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        # a newsletter's second item after the first: "And,", "Plus:", "Also", in any language
        "Rev. Jesse Jackson has died. And, U.S. and Iran set for high-stakes nuclear talks",
        "Harbour cranes idle as dockers strike. Plus: why the Bank held rates",
        "The wildfire season starts early; also, a new mayor for Porto",
        "Bahnstreik legt Norden lahm. Außerdem: Bundestag stimmt über Haushalt ab",
        "La grève paralyse les trains. Et aussi : le budget adopté au Sénat",
        "El Gobierno aprueba los presupuestos. Además: huelga en el metro",
        "Tram fares rise in Leeds \u2014 Plus: the council's new budget",
        # a briefing's name before its items
        "Morning Briefing: Naxos ferry fire, Lisbon tram strike",
        "Today's headlines: Storm Hesper, rail fares, a new pope",
        "Die Lage am Morgen: Haushalt, Streik und Sturm",
        "Les titres du jour : grève, tempête et budget",
        "Titulares del día: huelga, tormenta y presupuestos",
        "Nieuwsoverzicht: staking, storm en begroting",
        # a list closed by "and more"
        "Rail strikes, a heatwave warning, and more",
        "Streiks, Hitze und mehr",
    ],
)
def test_a_title_that_joins_several_items_is_told(title: str) -> None:
    assert joins_items(title)


@pytest.mark.parametrize(
    "title",
    [
        "US civil rights leader Jesse Jackson dies aged 84",
        "U.S. and Iran set for high-stakes nuclear talks in Geneva",  # "U.S. and" is one item
        "J. R. Hartley and the lost fishing book",  # initials
        "Pentagon briefing: Hegseth defends strikes on boats",  # a press briefing: one event
        "Minister sacks adviser \u2014 and hires his son",  # one event, told with a dash
        "Apples, pears and more fruit expected after warm spring",  # "and more" inside it
        "Fire on Greek ferry off Naxos forces evacuation",
        "Gadgets and more",  # no list
        "",
    ],
)
def test_one_events_headline_does_not_join_items(title: str) -> None:
    assert not joins_items(title)


def test_one_events_headline_beats_a_briefings_that_joins_it_to_another() -> None:
    briefing = Candidate(
        "Rev. Jesse Jackson has died. And, U.S. and Iran set for high-stakes nuclear talks"
    )
    obituary = Candidate("US civil rights leader Jesse Jackson dies aged 84")
    derived = Candidate("Jesse Jackson, the civil rights leader, has died at the age of 84", True)
    assert choose_headline([briefing, obituary]) == obituary.title
    assert choose_headline([briefing, derived]) == derived.title
    assert choose_headline([Candidate("Morning Briefing: ferry fire, tram strike"), derived]) == (
        derived.title
    )
    assert choose_headline([briefing]) == briefing.title  # alone, it is still the headline


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("[Sponsor] Acme Cloud: Backups that restore in minutes", "[Sponsor]"),
        ("Sponsored: Five ways to cut your energy bill", "Sponsored:"),
        ("Sponsored Post: The new Vantage EV, tested", "Sponsored Post:"),
        ("Partner content: How Lyon's start-ups hire", "Partner content:"),
        ("Advertorial: The spa hotel of the Alps", "Advertorial:"),
        ("Promoted: Learn Python in 30 days", "Promoted:"),
        ("Anzeige: Die neue Küche von Holzwerk", "Anzeige:"),
        ("Publicidad: Descubre la nueva gama de Solar", "Publicidad:"),
        ("Publi-reportage - Les vins de Loire à l'honneur", "Publi-reportage -"),
        ("[Ad] Try our new meal kits free", "[Ad]"),
        ("(Sponsored) A smarter way to save", "(Sponsored)"),
        ("A smarter way to save (Sponsored)", "(Sponsored)"),
        ("Die besten Laufschuhe im Test | Anzeige", "| Anzeige"),
        ("Contenuto sponsorizzato: viaggi in Puglia", "Contenuto sponsorizzato:"),
    ],
)
def test_a_paid_posts_label_is_found_where_a_title_puts_it(title: str, label: str) -> None:
    assert paid_title_label(title) == label


@pytest.mark.parametrize(
    "title",
    [
        "Club signs new shirt sponsor for next season",
        "Ad spending falls for the first time since 2009",
        "Sponsorship deal: Harbour FC and Acme part ways",
        "Werbung für Zigaretten wird verboten",
        "Adobe: new pricing for Creative Cloud",
        "State-sponsored hackers hit Dutch ministry",
        "Promoted to the Premier League: what next for Leith?",
    ],
)
def test_a_titles_words_on_advertising_are_no_paid_posts_label(title: str) -> None:
    assert paid_title_label(title) is None


def test_a_feeds_tag_marks_a_paid_post_only_when_it_is_the_label_alone() -> None:
    pattern = paid_tag_pattern()
    assert pattern.search("Tech\nSponsored")
    assert pattern.search("Partner Content")
    assert pattern.search("anzeige")
    # a subject's name as a tag: a marketing site's news of advertising, Alzheimer's disease
    assert not pattern.search("Advertising\nAD\nWerbung\nSponsored links explained")


# --- a title in capitals ----------------------------------------------------------------------

TRAM = (
    "The city council voted on Tuesday to approve a new tram line, the first since 1962. "
    "Engineers from NASA and the BBC's science desk were not involved. Officials said the line "
    "would link the harbour to the University of Bergen by 2029, at a cost of 300 million "
    "kroner.\n\nConstruction starts next spring."
)


@pytest.mark.parametrize(
    ("title", "calm"),
    [
        # each word as the text writes it inside a sentence
        ("COUNCIL APPROVES NEW TRAM LINE TO HARBOUR", "Council approves new tram line to harbour"),
        ("TRAM LINE TO UNIVERSITY OF BERGEN BY 2029", "Tram line to University of Bergen by 2029"),
        ("NASA AND BBC'S SCIENCE DESK SIT OUT TRAM", "NASA and BBC's science desk sit out tram"),
        # capitalised only where a sentence starts: a word like any other
        ("OFFICIALS BACK TRAM", "Officials back tram"),
        # not in the text: small, but letters read one by one and the shortest words
        ("UK TRAMS: CNN REPORTS SURGE", "UK trams: CNN reports surge"),
        # a numeral's letters that are a word: small
        ("COUNCIL MIX DELAYS TRAM", "Council mix delays tram"),
        ("TRAM LINE DID WELL", "Tram line did well"),
        # not shouting: as written
        ("NASA picks SpaceX for the UK", "NASA picks SpaceX for the UK"),
        ("UK GDP up", "UK GDP up"),
    ],
)
def test_a_title_in_capitals_is_written_as_its_text_writes_its_words(title: str, calm: str):
    assert unshouted(title, TRAM) == calm


def test_a_shouted_title_keeps_a_names_number_the_text_does_not_write():
    text = (
        "Pope Leo will visit Bergen in June, the diocese said on Monday. It is the first visit "
        "by a pope to the city, and thousands are expected at the harbour for the mass."
    )
    assert unshouted("POPE LEO XIV TO VISIT BERGEN", text) == "Pope Leo XIV to visit Bergen"
    # without a name before it, a numeral's letters are a word like any other
    assert unshouted("VISIT XIV TO BERGEN", text) == "Visit xiv to Bergen"


def test_a_shouted_titles_english_endings_after_an_apostrophe_are_small():
    text = (
        "Pope Leo will visit Bergen in June, the diocese said on Monday. It is the first visit "
        "by a pope to the city, and thousands are expected at the harbour for the mass."
    )
    assert unshouted("POPE LEO'S VISIT WON'T WAIT", text) == "Pope Leo's visit won't wait"
    assert unshouted("BERGEN: THEY\u2019LL WAIT FOR LEO", text) == (
        "Bergen: they\u2019ll wait for Leo"
    )
    # an elided article's word is no ending: "l'UE" is the EU
    assert unshouted("LE PAPE LEO A BERGEN AVEC L'UE", text).endswith("L'UE")


@pytest.mark.parametrize(
    ("title", "text", "language", "calm"),
    [
        # a name's number is a small one: a larger numeral's letters are a word after a name
        (
            "GERMANY MIX OF POWER SHIFTS TO WIND",
            "The grid operator said on Tuesday that wind and solar made up half of the power "
            "used in Germany last year. Coal fell to its lowest share in decades, while gas "
            "imports rose again, the report said.",
            "en",
            "Germany mix of power shifts to wind",
        ),
        (
            "PARIS DIX ANS DE TRAVAUX SUR LES QUAIS",
            "La mairie de Paris a présenté lundi un plan pour les berges de la Seine. Les "
            "travaux commenceront en mars et dureront 10 ans, selon la maire, qui veut plus "
            "de piétons sur les quais.",
            "fr",
            "Paris dix ans de travaux sur les quais",
        ),
        # and one after a colon follows no name: it starts what the title says of it
        (
            "BERGEN: LIV PÅ EN LITEN ØY",
            "Forfatteren har skrevet en ny roman om livet i Bergen. Boken kom ut i går og "
            "handler om en familie som flytter fra byen til en liten øy, der de må begynne "
            "på nytt.",
            "no",
            "Bergen: liv på en liten øy",
        ),
    ],
)
def test_a_numerals_letters_after_a_name_are_a_word_unless_they_number_it(
    title: str, text: str, language: str, calm: str
) -> None:
    assert unshouted(title, text, language) == calm


def test_a_shouted_title_in_other_languages_keeps_their_capitals():
    german = (
        "Die Stadt Hamburg baut eine neue Straßenbahn zum Hafen. Der Senat hat am Dienstag "
        "zugestimmt, die Bauarbeiten beginnen im Frühjahr. Die Linie soll den Hafen mit der "
        "Universität verbinden."
    )
    assert unshouted("HAMBURG BAUT NEUE STRASSENBAHN ZUM HAFEN", german) == (
        "Hamburg baut neue Straßenbahn zum Hafen"
    )
    french = (
        "Le président a reçu lundi à l'Élysée les maires des grandes villes pour parler des "
        "transports. Les maires ont demandé plus de trams et de bus dans les quartiers."
    )
    assert unshouted("LES MAIRES REÇUS À L'ÉLYSÉE", french) == "Les maires reçus à l'Élysée"


def test_a_shouted_title_stays_as_it_is_without_text_enough_to_tell():
    assert is_shouting("COUNCIL APPROVES NEW TRAM LINE")
    assert unshouted("COUNCIL APPROVES NEW TRAM LINE", "") == "COUNCIL APPROVES NEW TRAM LINE"
    short = "The council voted."
    assert unshouted("COUNCIL APPROVES NEW TRAM LINE", short) == "COUNCIL APPROVES NEW TRAM LINE"
    assert not is_shouting("NASA, ESA and JAXA sign a pact")  # (names in capitals: its own)


def test_a_shouted_title_finds_its_words_where_capitals_drop_accents_or_dots():
    # Greek capitals carry no accents, French ones often none; Turkish "I" is "ı" and "İ" is
    # "i": each word is still the text's, and one the text lacks is written small as its
    # language writes it.
    greek = (
        "Η κυβέρνηση ανακοίνωσε την Τρίτη νέα μέτρα για τις συγκοινωνίες στη Θεσσαλονίκη. Τα "
        "λεωφορεία θα περνούν πιο συχνά από το κέντρο, είπε ο υπουργός, και το μετρό θα "
        "ανοίγει νωρίτερα."
    )
    assert unshouted("ΝΕΑ ΜΕΤΡΑ ΓΙΑ ΤΙΣ ΣΥΓΚΟΙΝΩΝΙΕΣ ΣΤΗ ΘΕΣΣΑΛΟΝΙΚΗ", greek, "el") == (
        "Νέα μέτρα για τις συγκοινωνίες στη Θεσσαλονίκη"
    )
    french = (
        "Le préfet a confirmé mardi que l'État reprend le port de Sète à la région. Les "
        "dockers attendent depuis des mois une décision sur les quais et sur les emplois."
    )
    assert unshouted("L'ETAT REPREND LE PORT DE SETE", french, "fr") == (
        "L'État reprend le port de Sète"
    )
    turkish = (
        "Belediye, Kadıköy'de kız çocukları için yeni bir okul açtı. Açılışa veliler ve "
        "öğretmenler katıldı; başkan, ilçedeki ailelerin yıllardır böyle bir okul beklediğini "
        "söyledi."
    )
    assert unshouted("KADIKÖY'DE KIZ ÇOCUKLARI İÇİN YENİ OKUL AÇILDI", turkish, "tr") == (
        "Kadıköy'de kız çocukları için yeni okul açıldı"
    )
    assert "\u0307" not in unshouted("KADIKÖY'DE KIZ ÇOCUKLARI İÇİN YENİ EĞİTİM", turkish)


def test_a_shouted_title_keeps_a_wires_flag_for_it_to_be_cut_and_mixed_words_as_the_text():
    text = (
        "The harbour board is weighing a sale of the north quay, two people familiar with the "
        "talks said on Friday. The board's chair, Fiona McDonald, declined to comment on it."
    )
    title = unshouted("EXCLUSIVE-HARBOUR BOARD WEIGHS SALE OF NORTH QUAY", text)
    assert title == "EXCLUSIVE-Harbour board weighs sale of north quay"
    assert strip_cruft(title) == "Harbour board weighs sale of north quay"
    assert unshouted("McDONALD SILENT ON NORTH QUAY SALE", text) == (
        "McDonald silent on north quay sale"
    )
