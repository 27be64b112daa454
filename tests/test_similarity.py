"""digest.text.similarity: words, languages, weights, vectors, similar pairs and shingles."""

from __future__ import annotations

import itertools
import tracemalloc

import numpy as np
import pytest
from story_samples import FERRY_AEGEAN, FERRY_REPRINT, FERRY_WIRE, GROUNDING_WIRE

from digest.text.similarity import (
    COMMONEST,
    RAREST,
    across_languages,
    containment,
    content_words,
    figure_weight,
    guess_language,
    overlap,
    shared_word_counts,
    shared_word_counts_dense,
    shingles,
    similar_pairs,
    similar_pairs_dense,
    story_weighted,
    template_overlap,
    vectorise,
    vectorise_dense,
    vectorise_dense_with_reach,
    vectorise_with_reach,
    word_weights,
    words_of,
)
from digest.text.words import figures_of

GERMAN = (
    "Die Polizei hat am Dienstag in der Stadt zwei Männer festgenommen, die nach Angaben der "
    "Behörden an dem Überfall beteiligt waren."
)
FRENCH = "La police a arrêté deux hommes mardi dans la ville, selon les autorités de la région."


def cosine(first: str, second: str) -> float:
    vectors = vectorise([first, second])
    return float((vectors[0] @ vectors[1].T).toarray()[0, 0])


# --- words and languages -----------------------------------------------------------------------


def test_words_are_lower_case_with_possessives_cut_and_numbers_left_out() -> None:
    words = words_of("Maduro\u2019s 7th F35 order: Russia-Ukraine talks don't stop, 2026")
    assert words == ["maduro", "f35", "order", "russia", "ukraine", "talks", "don't", "stop"]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # a magnitude and a toll, each spelt one way in every language
        ("A 7.1 quake killed 14 and left 2,300 homeless", ["#7.1", "#14", "#2300"]),
        ("Beben der Stärke 7,1: 14 Tote, 2.300 Obdachlose", ["#7.1", "#14", "#2300"]),
        ("un séisme de magnitude 7,1 : 2\u202f300 sans-abri", ["#7.1", "#2300"]),
        ("a gauge at 78 cm and $2.5bn, 28% more, 120 homes", ["#78", "#2.5", "#28", "#120"]),
        # what any report of any event may give: one significant digit, years, days of a month
        ("3 dead, 10 hurt, 500 homes, 1,000 people, 0.5 points", []),
        ("a rate of 0.125% and 1.234.567 votes", ["#0.125", "#1234567"]),
        ("in 2026, on March 14, on 14 March, am 14. März, the 21st of March", []),
        # not figures: inside a word or a name, times, dates and versions written with dots
        ("F35 jets, COVID-19, at 14:30, on 20.01.2009, version 2.6.32", []),
    ],
)
def test_figures_are_spelt_one_way_and_those_any_report_gives_are_left_out(
    text: str, figures: list[str]
) -> None:
    assert figures_of(text) == figures


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (GERMAN, "de"),
        (FRENCH, "fr"),
        ("The police arrested two men in the city on Tuesday, the authorities said.", "en"),
        # too few function words to tell: the default
        ("Kalliope Star Naxos Piraeus", "en"),
    ],
)
def test_the_language_is_the_one_whose_function_words_the_text_uses(
    text: str, language: str
) -> None:
    assert guess_language(words_of(text)) == language


def test_too_little_evidence_keeps_the_default_language() -> None:
    assert guess_language(words_of("die Grube"), default="en") == "en"
    assert guess_language(words_of("Kalliope Star Naxos"), default="de") == "de"


def test_content_words_drop_the_function_words_of_the_texts_own_language() -> None:
    # "die" is a verb in English and an article in German
    assert content_words("Two miners die in the collapse of a tunnel in the Ruhr") == [
        "two",
        "miners",
        "die",
        "collapse",
        "tunnel",
        "ruhr",
    ]
    assert "die" not in content_words(GERMAN)
    assert {"polizei", "männer", "festgenommen"} <= set(content_words(GERMAN))
    assert "a" not in content_words("A ferry ran aground")  # one letter


# --- weights and vectors -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "ja"])
def test_word_frequencies_are_wordfreqs_own(language: str) -> None:
    import wordfreq

    from digest.text.similarity import _frequencies

    assert _frequencies(language) == wordfreq.get_frequency_dict(language, wordlist="small")
    assert _frequencies("tlh") == {}  # no list for Klingon: every word weighs the same


@pytest.mark.parametrize(
    ("tag", "listed_as", "common", "rare"),
    [
        ("no", "nb", "regjeringen", "kestrelmoor"),  # Norwegian, as most Norwegian feeds say
        ("nn", "nb", "regjeringa", "kestrelmoor"),
        ("hr", "sh", "vlada", "kestrelmoor"),  # Croatian, Serbian, Bosnian: one list
        ("sr-Latn", "sh", "vlada", "kestrelmoor"),
        ("iw", "he", "\u05d4\u05de\u05de\u05e9\u05dc\u05d4", "kestrelmoor"),  # Hebrew's old code
    ],
)
def test_a_language_wordfreq_lists_under_another_code_is_weighed_by_that_list(
    tag: str, listed_as: str, common: str, rare: str
) -> None:
    """wordfreq answers "no" with its Bokmål list, "hr" with Serbo-Croatian's: so do the
    weights, rather than weighing every word of those texts as the rarest."""
    weights = word_weights([common, rare], tag)
    assert list(weights) == list(word_weights([common, rare], listed_as))
    assert weights[0] < weights[1] == RAREST


def test_rare_words_weigh_more_than_common_ones_within_the_bounds() -> None:
    said, government, geneva, invented, the = word_weights(
        ["said", "government", "geneva", "kestrelmoor", "the"]
    )
    assert said < government < geneva < invented
    assert invented == RAREST  # a word the lists never saw
    assert the == COMMONEST  # the most common words still weigh a little


def test_a_figure_weighs_what_wordfreq_estimates_for_that_number() -> None:
    """wordfreq spreads the frequency of the numbers of a shape ("00", "0.0", "0000") over
    them by their leading digit: a common small number weighs less than a magnitude, and an
    exact count of thousands most, as a rare word does."""
    import wordfreq

    for figure, spelt in (("#14", "14"), ("#78", "78"), ("#7.1", "7.1"), ("#2300", "2300")):
        zipf = wordfreq.zipf_frequency(spelt, "en", wordlist="small")
        assert figure_weight(figure) == pytest.approx(RAREST - zipf, abs=0.05)
    assert COMMONEST < figure_weight("#14") < figure_weight("#7.1") < figure_weight("#2300")
    assert figure_weight("#2300") < RAREST


QUAKE = "Magnitude 6.4 earthquake strikes eastern Turkey, 14 killed"
QUAKE_AGAIN = "Turkey earthquake of magnitude 6.4 kills 14 in eastern province"
OTHER_QUAKE = "Magnitude 5.8 earthquake strikes eastern Turkey, 37 killed"


def test_figures_count_as_shared_words_only_when_asked() -> None:
    """Two reports of one earthquake give its magnitude and toll alike; a look-alike quake the
    same day gives others, which count against it as much as they count for the first."""

    def similarity(first: str, second: str, figures: bool) -> float:
        vectors = vectorise([first, second], figures=figures)
        return float((vectors[0] @ vectors[1].T).toarray()[0, 0])

    for first, second in ((QUAKE, QUAKE_AGAIN), (QUAKE, OTHER_QUAKE)):
        assert similarity(first, second, False) == pytest.approx(cosine(first, second))
    assert similarity(QUAKE, QUAKE_AGAIN, True) > similarity(QUAKE, QUAKE_AGAIN, False)
    assert similarity(QUAKE, OTHER_QUAKE, True) < similarity(QUAKE, OTHER_QUAKE, False)
    # in the same words, the other quake was the closer; by its figures it is the further
    assert similarity(QUAKE, QUAKE_AGAIN, False) < similarity(QUAKE, OTHER_QUAKE, False)
    assert similarity(QUAKE, QUAKE_AGAIN, True) > similarity(QUAKE, OTHER_QUAKE, True) + 0.1
    # a figure is one term in every language, and written alike in each
    vectors, reach = vectorise_with_reach(
        [QUAKE, "Erdbeben der Stärke 6,4 in der Osttürkei: 14 Tote"],
        declared=["en", "de"],
        figures=True,
    )
    assert vectors[0].multiply(vectors[1]).getnnz() == 2
    dense, dense_reach = vectorise_dense_with_reach(
        [QUAKE, "Erdbeben der Stärke 6,4 in der Osttürkei: 14 Tote"],
        declared=["en", "de"],
        figures=True,
    )
    assert dense == pytest.approx(vectors.toarray())
    assert dense_reach.shareable == pytest.approx(reach.shareable)


def test_inflections_and_accents_count_as_one_term() -> None:
    assert cosine("Nicolás Maduro offers talks", "Nicolas Maduro offered to talk") > 0.99


def test_vectors_are_unit_length_and_an_empty_text_is_a_zero_row() -> None:
    vectors = vectorise(["Ferry fire off Naxos", "", "the of and"])
    lengths = np.sqrt(vectors.multiply(vectors).sum(axis=1)).A.ravel()
    assert lengths[0] == pytest.approx(1.0)
    assert lengths[1] == 0 and lengths[2] == 0  # nothing but function words


def test_repeating_a_word_counts_sublinearly() -> None:
    # one term repeated three times against one other term of the same weight: 1 + ln 3 : 1
    vectors = vectorise(["kestrelmoor kestrelmoor kestrelmoor zalvoria"]).toarray()[0]
    weights = sorted(vectors[vectors > 0])
    assert weights[1] / weights[0] == pytest.approx(1 + np.log(3), rel=1e-4)


def test_reports_of_one_event_are_closer_than_a_look_alike_event() -> None:
    texts = [f"{a.title}. {a.body_text}" for a in (FERRY_WIRE, FERRY_AEGEAN, GROUNDING_WIRE)]
    vectors = vectorise(texts)
    similarity = (vectors @ vectors.T).toarray()
    assert similarity[0, 1] > similarity[0, 2]
    assert similarity[0, 1] > similarity[1, 2]


def test_story_weighting_discounts_the_words_every_row_shares() -> None:
    # every sentence names the ferry and the island; only the first two share a fact
    sentences = [
        "The Kalliope Star ferry off Naxos had left Piraeus at midnight.",
        "The Kalliope Star left Piraeus at midnight for Naxos and Santorini.",
        "Smoke filled the decks of the Kalliope Star off Naxos.",
        "The Kalliope Star was towed into Naxos harbour.",
    ]
    plain = vectorise(sentences)
    weighted = story_weighted(plain)
    before = (plain @ plain.T).toarray()
    after = (weighted @ weighted.T).toarray()
    # the topic's own words say nothing new: sentences sharing only them drift apart ...
    assert after[2, 3] < before[2, 3]
    # ... while the two that share a fact stay the closest pair
    assert after[0, 1] == after[np.triu_indices(4, 1)].max()
    lengths = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A.ravel()
    assert lengths == pytest.approx(np.ones(4), rel=1e-5)


# --- similar pairs -----------------------------------------------------------------------------

POOL = [
    "Fire on ferry Kalliope Star off Naxos forces evacuation",
    "Kalliope Star ferry fire off Naxos: passengers evacuated",
    "Lisbon tram drivers strike over pay",
    "Tram drivers in Lisbon strike over weekend pay",
    "Ferry Kalliope Star fire off Naxos: minister orders inquiry",
    "Ghent council approves cycle bridge over the Leie",
    "Ghent cycle bridge over the Leie approved",
]
HOUR = 3600.0
TIMES = np.array([0, 2, 5, 30, 80, np.nan, 200], dtype=float) * HOUR


def brute_force(vectors, floor: float, times=None, apart=None) -> set[tuple[int, int]]:
    dense = (vectors @ vectors.T).toarray()
    found = set()
    for i, j in itertools.combinations(range(vectors.shape[0]), 2):
        if dense[i, j] < floor:
            continue
        if times is not None and abs(times[i] - times[j]) > apart:
            continue  # NaN compares False: undated rows meet every row
        found.add((i, j))
    return found


def test_similar_pairs_are_every_pair_above_the_floor_each_once_in_order() -> None:
    vectors = vectorise(POOL)
    left, right, sims = similar_pairs(vectors, 0.2)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == brute_force(vectors, 0.2)
    assert {(0, 1), (2, 3), (5, 6)} <= pairs and (0, 2) not in pairs
    assert (left < right).all() and len(pairs) == len(left)
    dense = (vectors @ vectors.T).toarray()
    assert sims == pytest.approx(dense[left, right], abs=1e-5)
    # a pool of near-copies has millions of pairs: their row numbers take 4 bytes, not 8
    assert left.dtype == right.dtype == np.int32
    dense_left, dense_right, _ = similar_pairs_dense(vectors.toarray(), 0.2)
    assert dense_left.dtype == dense_right.dtype == np.int32


@pytest.mark.parametrize("block_rows", [1, 2, 3, 4, 5, 512])
def test_the_time_window_keeps_apart_what_is_too_far_apart_in_any_block_size(
    block_rows: int,
) -> None:
    vectors = vectorise(POOL)
    assert {(0, 4), (1, 4), (2, 3)} <= brute_force(vectors, 0.2)  # alike, but far apart
    left, right, _ = similar_pairs(vectors, 0.2, TIMES, 24 * HOUR, block_rows=block_rows)
    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert pairs == brute_force(vectors, 0.2, TIMES, 24 * HOUR)
    assert (0, 1) in pairs  # two hours apart
    assert (0, 4) not in pairs and (1, 4) not in pairs  # 80 hours: the same words, later
    assert (2, 3) not in pairs  # 25 hours apart
    assert (5, 6) in pairs  # undated: compared with every row


def test_a_small_pool_finds_the_same_pairs_without_sparse_matrices() -> None:
    dense, sparse = vectorise_dense(POOL), vectorise(POOL)
    for times, apart in ((None, None), (TIMES, 24 * HOUR)):
        left, right, sims = similar_pairs_dense(dense, 0.2, times, apart)
        pairs = set(zip(left.tolist(), right.tolist(), strict=True))
        assert pairs == brute_force(sparse, 0.2, times, apart)
        expected = (sparse @ sparse.T).toarray()[left, right]
        assert sims == pytest.approx(expected, abs=1e-6)
        assert (
            shared_word_counts_dense(dense, left, right).tolist()
            == shared_word_counts(sparse, left, right).tolist()
        )


FERRY_AGROUND = (
    "Ferry runs aground off Dutch island, 340 passengers taken ashore. A passenger ferry ran "
    "aground on a sandbank off the Dutch island of Texel on Saturday evening, and all 340 "
    "passengers and crew were taken off by lifeboats, the coastguard said. Nobody was hurt. The "
    "ship had left the port of Den Helder half an hour earlier and struck the sandbank in thick "
    "fog, a spokesman for the operator said."
)
VEERBOOT_VASTGELOPEN = (
    "Veerboot Marsdiep Star vastgelopen bij Texel. De veerboot Marsdiep Star van TESO is "
    "zaterdagavond in dichte mist vastgelopen op de Razende Bol. De 340 passagiers werden door "
    "de KNRM aan wal gebracht. De overtochten tussen Den Helder en Texel liggen stil."
)
PORT_CLOSED = (
    "Storm closes the port of Den Helder. Ferries to Texel stay in port as a storm blows in."
)


@pytest.mark.parametrize("floor", [0.125, 0.15])
def test_with_reach_a_pair_of_two_languages_under_the_floor_is_found_where_it_reaches_it(
    floor: float,
) -> None:
    """An English and a Dutch report of one grounding share its island, port and passengers
    (cosine 0.095): measured against what English and Dutch could share, they reach 0.125,
    and ``similar_pairs`` must not drop them before they are measured so. Two texts of one
    language are found as before."""
    texts = [FERRY_AGROUND, VEERBOOT_VASTGELOPEN, PORT_CLOSED]
    vectors, reach = vectorise_with_reach(texts, declared=["en", "nl", "en"], figures=True)
    dense, _ = vectorise_dense_with_reach(texts, declared=["en", "nl", "en"], figures=True)
    plain = (vectors @ vectors.T).toarray()
    left, right = np.array([0, 0, 1]), np.array([1, 2, 2])
    measured = across_languages(plain[left, right].astype(np.float32), left, right, reach)
    expected = {
        (int(i), int(j)) for i, j, m in zip(left, right, measured, strict=True) if m >= floor
    }
    assert plain[0, 1] < 0.125 <= measured[0] < 0.15
    assert (0, 1) not in brute_force(vectors, floor)
    for found in (
        similar_pairs(vectors, floor, reach=reach),
        similar_pairs(vectors, floor, block_rows=1, reach=reach),
        similar_pairs_dense(dense, floor, reach=reach),
    ):
        got, sims = set(zip(found[0].tolist(), found[1].tolist(), strict=True)), found[2]
        assert got == expected
        assert sims == pytest.approx(plain[found[0], found[1]], abs=1e-5)  # the plain cosines
    assert ((0, 1) in expected) == (floor == 0.125)


def test_shared_word_counts_count_distinct_content_words() -> None:
    vectors = vectorise(
        ["Ferry fire off Naxos", "Naxos ferry fire fire fire", "Naxos wine festival opens"]
    )
    counts = shared_word_counts(vectors, np.array([0, 0, 1]), np.array([1, 2, 2]))
    assert counts.tolist() == [3, 1, 1]
    chunked = shared_word_counts(vectors, np.array([0, 0, 1]), np.array([1, 2, 2]), chunk=2)
    assert chunked.tolist() == [3, 1, 1]
    assert shared_word_counts(vectors, np.zeros(0, int), np.zeros(0, int)).tolist() == []


# --- shingles: the same text? --------------------------------------------------------------------


def test_shingles_fold_case_accents_and_punctuation() -> None:
    assert shingles("Nicolás Maduro offered talks on Tuesday.") == shingles(
        "nicolas maduro, offered talks on TUESDAY"
    )
    assert len(shingles("one two three four five six seven")) == 3
    assert shingles("too short") == frozenset({("too", "short")})
    assert shingles("") == frozenset() and shingles("!!") == frozenset()


def test_a_reprint_overlaps_its_wire_story_and_an_independent_report_does_not() -> None:
    wire, reprint, own = (shingles(a.body_text) for a in (FERRY_WIRE, FERRY_REPRINT, FERRY_AEGEAN))
    assert overlap(wire, wire) == 1.0
    assert overlap(wire, reprint) > 0.6
    assert containment(reprint, wire) > 0.95  # the reprint is the wire story, cut short
    assert containment(wire, reprint) < 0.9
    assert overlap(wire, own) < 0.05 and containment(own, wire) < 0.05


def test_overlap_and_containment_of_nothing_are_zero() -> None:
    some = shingles("a fire broke out on the passenger ferry")
    assert overlap(frozenset(), some) == 0.0 and overlap(some, frozenset()) == 0.0
    assert containment(frozenset(), some) == 0.0


def test_a_pool_in_many_languages_reads_each_word_list_a_few_times_not_once_a_pair() -> None:
    # More languages than the lists kept in memory: read pair by pair, a backlog in a dozen
    # languages read them 132 times (1.3 s of its grouping).
    from digest.text import similarity

    tags = ["en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr", "da", "fi"]
    texts = [f"Ferry {tag} harbour Kilrush Aurora {text}" for tag in tags for text in ("a", "b")]
    declared = [tag for tag in tags for _ in range(2)]
    similarity._frequencies.cache_clear()
    similarity.vectorise_with_reach(texts, ("en",), declared)
    assert similarity._frequencies.cache_info().misses <= 3 * len(tags)


# --- a source's template ------------------------------------------------------------------------

# Four posts of one release feed (each names the project and its changelog link) and two
# outside articles, one of them on the project.
RELEASE_FEED = [
    "Kestrel 2.4.0 released. Kestrel changelog and downloads: fixes a crash on import.",
    "Kestrel 2.3.1 released. Kestrel changelog and downloads: faster tile rendering.",
    "Kestrel 2.3.0 released. Kestrel changelog and downloads: a new dark theme.",
    "Kestrel 2.2.9 released. Kestrel changelog and downloads: Norwegian translation.",
]
OUTSIDE = [
    "The mapping app Kestrel fixes a crash on import in its 2.4.0 release.",
    "Harbour authorities reopened the ferry terminal after the storm.",
]


def _template_pairs(texts, sources, **limits):
    dense, sparse = vectorise_dense(texts), vectorise(texts)
    left, right = np.triu_indices(len(texts), k=1)
    sources = np.array(sources)
    return (
        template_overlap(dense, sources, left, right, **limits),
        template_overlap(sparse, sources, left, right, **limits),
        list(zip(left.tolist(), right.tolist(), strict=True)),
        dense @ dense.T,
    )


def test_a_sources_template_is_what_most_of_its_texts_share_and_only_between_them() -> None:
    (dot, count), (sparse_dot, sparse_count), pairs, cosine = _template_pairs(
        RELEASE_FEED + OUTSIDE, [0, 0, 0, 0, 1, 2]
    )
    np.testing.assert_allclose(dot, sparse_dot, atol=1e-6)  # dense and sparse agree
    assert count.tolist() == sparse_count.tolist()
    for k, (i, j) in enumerate(pairs):
        if j < 4:  # two release posts: "kestrel", "released", "changelog", "downloads"
            assert count[k] == 4
            assert 0 < dot[k] <= cosine[i, j] + 1e-6
            assert cosine[i, j] - dot[k] < 0.5 * cosine[i, j]  # most of their likeness
        else:  # the outside article shares "Kestrel" with each post, as evidence
            assert dot[k] == 0 and count[k] == 0
    assert cosine[0, 4] > 0.2


def test_too_few_texts_or_words_in_too_few_of_them_are_no_template() -> None:
    (dot, count), _, _, _ = _template_pairs(RELEASE_FEED[:3] + OUTSIDE, [0, 0, 0, 1, 2])
    assert not dot.any() and not count.any()  # three posts: too few to tell
    # in two of four texts, a word is a subject, not a template
    texts = [
        RELEASE_FEED[0],
        RELEASE_FEED[1],
        OUTSIDE[1],
        "A second storm is expected to reach the northern isles on Friday evening.",
    ]
    (dot, count), _, _, _ = _template_pairs(texts, [0, 0, 0, 0])
    assert not dot.any() and not count.any()
    # with the share lowered to a half, the shared words of the two posts count as template
    (dot, count), _, _, _ = _template_pairs(texts, [0, 0, 0, 0], share=0.5)
    assert dot[0] > 0 and count[0] >= 3


def test_a_series_template_costs_what_its_terms_do_not_what_the_pool_holds() -> None:
    # A machine feed's sixty entries of a day (1,770 pairs of one source) in a pool whose
    # other articles bring thousands of terms: the template is measured on its few terms.
    comments = ["fixed a road name", "added bus stops", "mapped a new school", "tagged a cafe"]
    texts = [
        f"Changeset {159634146 + 37 * n} - {comments[n % 4]}. Closed by the mapper "
        f"{['kasia_w', 'jorge', 'lindqvist'][n % 3]} in OpenStreetMap."
        for n in range(60)
    ]
    dense = vectorise_dense(texts)
    wide = np.hstack([dense, np.zeros((len(texts), 6_000), dtype=np.float32)])
    left, right = np.triu_indices(len(texts), k=1)
    sources = np.zeros(len(texts), dtype=np.int64)
    tracemalloc.start()
    try:
        dot, count = template_overlap(wide, sources, left, right)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    narrow_dot, narrow_count = template_overlap(dense, sources, left, right)
    np.testing.assert_allclose(dot, narrow_dot, atol=1e-6)
    assert count.tolist() == narrow_count.tolist() and count.min() >= 3
    assert peak < 8_000_000  # the whole vocabulary for each pair: 1,770 x 6,000 x 4 bytes


# --- hyphenated words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hyphenated", "closed", "language"),
    [
        (
            "Both sides accepted the cease-fire.",
            "Both sides accepted the ceasefire.",
            "en",
        ),
        ("The run-off vote is set for May.", "The runoff vote is set for May.", "en"),
        ("Die Polizei bat per E-Mail um Hinweise.", "Die Polizei bat per Email um Hinweise.", "de"),
        # a non-breaking hyphen, as some publishing systems write it
        ("Both sides accepted the cease\u2011fire.", "Both sides accepted the ceasefire.", "en"),
        # a prefix's hyphen before a doubled vowel
        ("Her re-election is likely.", "Her reelection is likely.", "en"),
    ],
)
def test_a_word_one_outlet_hyphenates_and_another_closes_up_is_one_term(
    hyphenated: str, closed: str, language: str
) -> None:
    vectors = vectorise([hyphenated, closed], declared=[language, language])
    assert (vectors @ vectors.T).toarray()[0, 1] > 0.99


def test_a_hyphenated_pair_that_is_no_word_closed_up_stays_two_words() -> None:
    vectors = vectorise(
        [
            "Russia-Ukraine talks resume in Istanbul",
            "Talks between Russia and Ukraine resume in Istanbul",
            "A well-known brewer opens in Istanbul",
        ]
    )
    similarity = (vectors @ vectors.T).toarray()
    assert similarity[0, 1] > 0.99  # the names are shared, split as the other text has them
    assert similarity[0, 2] < 0.5


def test_a_hyphen_that_tells_a_word_from_its_closed_form_keeps_it_apart() -> None:
    # The Eagles re-signing their quarterback and their coordinator resigning are two
    # events of one club: "re-sign" is no "resign" (nor "re-cover" "recover").
    vectors = vectorise(
        [
            "Eagles re-sign quarterback Jalen Hurts on a five-year deal",
            "Eagles defensive coordinator resigns after playoff exit",
            "Crews re-cover the stadium roof",
            "Crews recover the stadium roof",
        ]
    )
    similarity = (vectors @ vectors.T).toarray()
    assert similarity[0, 1] < 0.2  # the club's name only
    assert similarity[2, 3] < 0.8
