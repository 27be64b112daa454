"""How alike two texts are: content-word vectors, their nearest neighbours, and word shingles.

Two uses, two measures:

* **Same event?** Weighted word vectors over an article's headline and the opening words of
  its body, compared by cosine. The headline is counted twice because it names the event; the
  body's opening carries the who, where and when; a long article's later paragraphs mostly
  add background that other reports of the event do not share. A word's weight is its
  rarity in the language at large (``wordfreq``'s frequency lists: "said" or "government"
  weigh little, "Geneva" or "Witkoff" much), not its rarity in the pool: IDF from the pool
  alone is meaningless on a quiet day of a dozen articles, so the same threshold would mean
  different things on small and large days. Only pairs above a small similarity are kept,
  found by a sparse product in row blocks: a day of thousands of articles never builds a
  dense n × n matrix.
* **Same text?** Sets of hashed word 5-grams compared by Jaccard overlap, for copies: the same
  wire story on two sites, a republished or retitled article, a scraper's copy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from digest.text.words import (
    figures_of,
    guess_language,
    shown_language,
    without_accents,
    words_of,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

DEFAULT_LANGUAGES = ("en",)


def content_words(text: str, language: str | None = None) -> list[str]:
    """The words of ``text`` that can tell one event from another: lower case, possessives
    cut, one-letter words and the function words of its language (``language``, or the one
    it looks written in) dropped."""
    from digest.text.lexicon import lexicon

    words = words_of(text)
    language = language or guess_language(words)
    stop = lexicon().stop_words.get(language, frozenset())
    return [w for w in words if len(w) > 1 and w not in stop]


# Within one call, ``_weighted_terms`` stems each spelling once: this cache serves the many
# small calls (story summaries) across a build, and need not hold a backlog's vocabulary.
@lru_cache(maxsize=20_000)
def _term(word: str, language: str) -> str:
    """What a word counts as when texts are compared: its stem, accents folded ("Nicolás"
    and "Nicolas", "talks" and "talk", "striking" and "strikes" are one term)."""
    folded = without_accents(word)  # (the spelling it shares with other languages)
    stemmer = _stemmer(language)
    return stemmer.stemWord(folded) if stemmer else folded


@lru_cache(maxsize=32)
def _stemmer(language: str) -> Any:
    import snowballstemmer

    name = _SNOWBALL.get(language)
    return snowballstemmer.stemmer(name) if name else None


_SNOWBALL = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "nb": "norwegian",
    "no": "norwegian", "fi": "finnish", "ru": "russian", "hu": "hungarian", "ro": "romanian",
    "tr": "turkish", "ca": "catalan", "el": "greek", "id": "indonesian", "ga": "irish",
}  # fmt: skip


# Word weights on the Zipf scale (log10 of a word's frequency per billion words): a word that
# the lists never saw weighs RAREST, and the most common words still weigh COMMONEST, since
# stop words are dropped before and what is left still says something.
RAREST = 8.0
_WORDLIST = "small"
COMMONEST = 0.5


# Languages wordfreq lists under another code, as its own look-up finds them: Norwegian as
# Bokmål, Croatian, Serbian and Bosnian as Serbo-Croatian, the codes ISO 639 retired as the
# ones that replaced them.
_WORDLIST_CODES = {
    "no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh", "iw": "he", "in": "id",
    "tl": "fil",
}  # fmt: skip


@lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's frequency of each word of ``language`` (its ``get_frequency_dict`` for a
    language it has a list for, else empty), read from the list file itself: importing
    wordfreq (its tokenisers, ftfy, langcodes) costs a fifth of a second that a build spends
    on nothing else it needs."""
    code = _WORDLIST_CODES.get(language, language)
    path = _wordfreq_data() / f"{_WORDLIST}_{code}.msgpack.gz"
    if not path.is_file():
        return {}
    import gzip

    import msgpack

    with gzip.open(path, "rb") as file:
        header, *buckets = msgpack.load(file, raw=False)
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"{path}: not a wordfreq list this digest can read ({header!r})")
    # the n-th bucket holds the words of frequency -n centibels, 10 ** (-n / 100): one float
    # shared by the bucket's words (a float a word cost 0.6 MB a language, and four times
    # the time to read)
    frequencies: dict[str, float] = {}
    for index, words in enumerate(buckets):
        frequencies.update(dict.fromkeys(words, 10 ** (-index / 100)))
    return frequencies


def _wordfreq_data() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("wordfreq is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def word_weights(words: Sequence[str], language: str = "en") -> np.ndarray:
    """How much each word tells about an event: ``RAREST`` minus its Zipf frequency in
    ``language`` (a BCP 47 tag; only the primary subtag is used)."""
    table = _frequencies(language.split("-")[0].lower())
    frequencies = np.array([table.get(word, 0.0) for word in words], dtype=float)
    with np.errstate(divide="ignore"):
        zipf = np.where(frequencies > 0, np.log10(frequencies) + 9.0, 0.0)
    return np.clip(RAREST - zipf, COMMONEST, RAREST).astype(np.float32)


# How often a number's leading digit is each of 0-9 (Benford's law, with a share for "007"),
# and the share of four-digit numbers that are not years: wordfreq's own estimates
# (``wordfreq.numbers``), by which it spreads the frequency of "00" or "0.0" over the numbers
# of that shape.
_LEADING_DIGIT = (0.009, 0.300, 0.175, 0.124, 0.096, 0.078, 0.066, 0.057, 0.050, 0.045)
_NOT_YEAR = 0.1
_DIGITS = re.compile(r"\d+")


@lru_cache(maxsize=4_096)
def figure_weight(figure: str) -> float:
    """What a figure (``figures_of``: "#78", "#2300", "#7.1") weighs, as ``word_weights``
    weighs a word: ``RAREST`` minus its Zipf frequency, as wordfreq estimates it (the
    frequency of numbers of its shape, "00", "0000" or "0.0", times the share of those that
    are this one). "78" weighs 3.4, "14" 2.7, "7.1" 4.2, "2,300" 6.1. The figures of every
    language are weighed by English's list: the news of any language writes numbers alike,
    and a figure is one term in every language."""
    value = figure.lstrip("#")
    frequency = _frequencies("en").get(_DIGITS.sub(lambda m: "0" * len(m.group()), value), 0.0)
    for digits in _DIGITS.findall(value):
        frequency *= _LEADING_DIGIT[int(digits[0])] / 10 ** (len(digits) - 1)
        if len(digits) == 4:
            frequency *= _NOT_YEAR
    zipf = math.log10(frequency) + 9.0 if frequency > 0 else 0.0
    return float(np.clip(RAREST - zipf, COMMONEST, RAREST))


def vectorise(
    texts: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    declared: Sequence[str | None] | None = None,
    *,
    remember: bool = False,
    figures: bool = False,
) -> csr_matrix:
    """L2-normalised rows of sublinear term frequency (1 + log count) × ``word_weights``.

    Each text is read in the language ``declared`` gives it (a BCP 47 tag or None, one per
    text), else in the language it looks written in (the first of ``languages`` when that is
    unclear): its function words are dropped, its words stemmed and weighed in that
    language. A term that appears in texts of several languages weighs its lowest.

    ``remember``: the texts are ones the process will be given again (the stories of the days
    before, which each day's stories are compared with): what they hold is remembered
    (``_remembered_words``).

    ``figures``: a text's figures count as words of it (``figures_of``: "2,300", "7.1", not
    a year or "3"), weighed by ``figure_weight`` and spelt alike in every language.
    """
    return vectorise_with_reach(texts, languages, declared, remember=remember, figures=figures)[0]


def vectorise_with_reach(
    texts: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    declared: Sequence[str | None] | None = None,
    *,
    remember: bool = False,
    figures: bool = False,
) -> tuple[csr_matrix, Reach]:
    """``vectorise``, with what ``across_languages`` needs to compare its rows fairly."""
    from scipy.sparse import csr_matrix

    indptr, columns, data, terms, reach = _weighted_terms(
        texts, languages, declared, remember, figures
    )
    return csr_matrix((data, columns, indptr), shape=(len(texts), max(terms, 1))), reach


def vectorise_dense(
    texts: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    declared: Sequence[str | None] | None = None,
) -> np.ndarray:
    """``vectorise`` as a dense array: for a few dozen sentences, where numpy's dense
    operations cost less than sparse bookkeeping."""
    return vectorise_dense_with_reach(texts, languages, declared)[0]


def vectorise_dense_with_reach(
    texts: Sequence[str],
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    declared: Sequence[str | None] | None = None,
    *,
    figures: bool = False,
) -> tuple[np.ndarray, Reach]:
    """``vectorise_dense``, with what ``across_languages`` needs (``figures``: as for
    ``vectorise``)."""
    indptr, columns, data, terms, reach = _weighted_terms(
        texts, languages, declared, figures=figures
    )
    dense = np.zeros((len(texts), max(terms, 1)), dtype=np.float32)
    rows = np.repeat(np.arange(len(texts)), np.diff(indptr))
    dense[rows, columns] = data
    return dense, reach


@dataclass(frozen=True)
class Reach:
    """What of each text another language can say in the same words.

    ``language[row]`` is the index of the language the row was read in, ``known[row]`` whether
    that language is known (declared, or shown by the text's function words) rather than
    taken for the default; ``shareable[row, k]`` the share of the row's squared weight held
    by terms language ``k`` writes alike (1 for its own language). Empty (no columns) when
    every text was read in one language."""

    language: np.ndarray
    known: np.ndarray
    shareable: np.ndarray

    def scale(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """For each pair, the cosine two texts can reach at most in each other's language
        (the geometric mean of what each could share with the other): 1 within a language,
        where either text's language is not known (a headline or a teaser too short to
        show it may well be in the other's: two texts of one language are never compared as
        if in two), and where either language has no word list (see ``_reach``)."""
        if not self.shareable.shape[1]:
            return np.ones(len(left), dtype=np.float32)
        mine, theirs = self.language[left], self.language[right]
        share = self.shareable[left, theirs] * self.shareable[right, mine]
        share = np.where(self.known[left] & self.known[right], share, 1.0)
        return np.sqrt(np.maximum(share, _LEAST_SHAREABLE)).astype(np.float32)

    def least(self) -> float:
        """The lowest ``scale`` any pair of the rows can have (1 in a pool of one language)."""
        return math.sqrt(_LEAST_SHAREABLE) if self.shareable.shape[1] else 1.0

    def reaching(
        self, sims: np.ndarray, left: np.ndarray, right: np.ndarray, floor: float
    ) -> np.ndarray:
        """Which pairs reach ``floor``, plainly or measured ``across_languages``: a pair of two
        languages whose plain cosine is under it may still reach it against what the two
        could share."""
        reached = sims >= floor
        doubt = np.flatnonzero(~reached & (sims >= floor * self.least()))
        if len(doubt):
            reached[doubt] = sims[doubt] >= floor * self.scale(left[doubt], right[doubt])
        return reached


# A text of which another language could write almost nothing alike (a sentence of common
# words) is not compared as if the little it has were all of it: a cosine is at most doubled
# (the square root of this). At 0.05 (4.5 times), an English report of one city's election
# and a Portuguese one of another's rose from 0.115 to 0.317; the evaluation sets give the
# same figures at both.
_LEAST_SHAREABLE = 0.25


def across_languages(
    sims: np.ndarray, left: np.ndarray, right: np.ndarray, reach: Reach
) -> np.ndarray:
    """``sims`` of texts in two languages measured against what the two could share.

    A report in another language shares only what both languages write alike (names, places,
    loan words); its words for "landslide", "evacuated" or "court" can never match, and they
    hold half its weight. Its cosine with a report in English is therefore about half what
    two English reports of the event reach, and the same threshold would keep it apart: its
    cosine is divided by the most it could reach (``Reach.scale``). Within one language the
    cosine is as it was."""
    return np.minimum(sims / reach.scale(left, right), 1.0).astype(np.float32)


def _count_words(
    text: str, tag: str | None, default: str, figures: bool = False
) -> tuple[str, bool, tuple[tuple[str, int], ...]]:
    """The language ``text`` is read in, whether it is known (declared, or shown by its
    function words) rather than taken for ``default``, and its distinct content words with
    their counts (one letter and function words left out): the part of ``vectorise`` that
    depends on the text alone."""
    words = words_of(text)
    shown = _primary(tag) if tag else shown_language(words, default)
    language = shown or default
    if "-" in text or "\u2010" in text or "\u2011" in text:
        words = _closed_compounds(text, words, language)
    stop = _stop_words(language)
    # counted by spelling first (in C), so what follows runs once a distinct word
    counted = tuple(
        (word, count)
        for word, count in Counter(words).items()
        if len(word) >= 2 and word not in stop
    )
    found = figures_of(text) if figures else ()
    if found:
        counted += tuple(Counter(found).items())
    return language, shown is not None, counted


# Two words joined by a hyphen (or a Unicode hyphen, breaking or not), letters only
# ("cease-fire", "run-off", "E-Mail").
_HYPHENATED = re.compile(r"(?<![^\W_])([^\W\d_]+)[-\u2010\u2011]([^\W\d_]+)(?![^\W_])")
# The prefix whose hyphen keeps a word apart from its closed spelling ("the Eagles re-sign
# their quarterback", "re-cover the roof", "a re-creation": no "resign", "recover" or
# "recreation"), but for a vowel doubled ("re-elect", "re-enter": "reelect", "reenter").
_APART = "re"


def _closed_compounds(text: str, words: list[str], language: str) -> list[str]:
    """``words`` (of ``text``) with each hyphenated pair written as one word where the
    language writes it so (its word list knows the closed form): one wire's "cease-fire" or
    "run-off" is another's "ceasefire" or "runoff", and split they shared nothing with it. A
    pair whose closed form is no word ("Russia-Ukraine", "well-known") stays two words, and
    so does one whose hyphen tells it from its closed form ("re-sign", not "resign")."""
    pairs = _HYPHENATED.findall(text)
    if not pairs:  # (most texts: the language's word list is not even read)
        return words
    known = _frequencies(language)
    closed = [
        (first, second)
        for first, second in ((first.lower(), second.lower()) for first, second in pairs)
        if first + second in known and (first != _APART or second[0] == "e")
    ]
    if not closed:
        return words
    counts = Counter(words)
    for first, second in closed:
        if counts[first] and counts[second]:
            counts[first] -= 1
            counts[second] -= 1
            counts[first + second] += 1
    return list(counts.elements())


# A story's text (its headline and first sentences) is compared with the stories of the days
# before it on every build that renders it: the articles feed links each of its days' stories
# to the month before, so a build reads the same few thousand story texts thirty times over.
# Theirs are remembered (``vectorise(remember=True)``); articles, read once a build and
# thousands at a time in a backlog, are not.
_remembered_words = lru_cache(maxsize=4_096)(_count_words)


def _weighted_terms(
    texts: Sequence[str],
    languages: Sequence[str],
    declared: Sequence[str | None] | None = None,
    remember: bool = False,
    figures: bool = False,
) -> tuple[list[int], np.ndarray, np.ndarray, int, Reach]:
    """The rows of ``vectorise`` in CSR form: (indptr, columns, values, number of terms), and
    what each row could share with another language (``Reach``)."""
    default = _primary((languages or DEFAULT_LANGUAGES)[0])
    if declared is not None and len(declared) != len(texts):
        raise ValueError(f"{len(declared)} declared languages for {len(texts)} texts")
    vocabulary: dict[str, int] = {}
    # language → word → the term it counts as (nested: a backlog has hundreds of thousands)
    surface: dict[str, dict[str, int]] = {}
    # Typed arrays, not lists: a backlog of tens of thousands of texts has millions of
    # entries, and a list holds each as an object of its own.
    indptr = [0]
    read_in: list[str] = []  # each row's language
    unknown: list[bool] = []  # ... taken for the default, its words not telling
    indices = array("l")
    frequencies = array("d")
    figure_terms: dict[int, str] = {}  # term → the figure it is
    for index, text in enumerate(texts):
        tag = declared[index] if declared is not None else None
        read = _remembered_words if remember else _count_words
        language, known, counted = read(text, tag, default, figures)
        read_in.append(language)
        unknown.append(not known)
        spellings = surface.setdefault(language, {})
        terms: dict[int, int] = {}
        for word, count in counted:
            term = spellings.get(word)
            if term is None:
                if word[0] == "#":  # a figure (``figures_of``): one term in every language
                    term = vocabulary.setdefault(word, len(vocabulary))
                    figure_terms[term] = word
                else:
                    term = vocabulary.setdefault(_term(word, language), len(vocabulary))
                spellings[word] = term
            terms[term] = terms.get(term, 0) + count
        for term, count in terms.items():
            indices.append(term)
            frequencies.append(1.0 + math.log(count))
        indptr.append(len(indices))
    data = np.frombuffer(frequencies, dtype=np.float64).astype(np.float32)
    columns = np.frombuffer(indices, dtype=f"i{indices.itemsize}").astype(np.int32)
    del frequencies, indices
    # A name is spelt alike in every language, but each language's stemmer cuts it its own
    # way ("Hesper" is "hesper" to the English stemmer, "hesp" to the Spanish one; "Galicia"
    # "galicia" and "galici"), and a report in another language shares little but names:
    # the terms one spelling takes in several languages are made one.
    merged = _alike_across_languages(surface) if len(surface) > 1 else []
    if merged:
        root = joined(len(vocabulary), merged).astype(np.int32)
        columns, data, indptr = _renumbered(columns, data, indptr, root)
        for spellings in surface.values():
            for word, term in spellings.items():
                spellings[word] = int(root[term])
    if len(vocabulary):
        # A term weighs what its most common spelling weighs ("talks" as much as "talk").
        term_weights = np.full(len(vocabulary), RAREST, dtype=np.float32)
        for language, spellings in surface.items():
            if not spellings:
                continue
            weights = word_weights(list(spellings), language)
            terms_of = np.fromiter(spellings.values(), dtype=np.int64, count=len(spellings))
            np.minimum.at(term_weights, terms_of, weights)
        for term, figure in figure_terms.items():
            term_weights[term] = figure_weight(figure)
        data *= term_weights[columns]
    row_of = np.repeat(np.arange(len(texts)), np.diff(indptr))
    lengths = np.sqrt(np.bincount(row_of, weights=data * data, minlength=len(texts)))
    if len(data):
        data /= lengths[row_of].astype(np.float32)
    reach = _reach(read_in, unknown, surface, columns, data, row_of, len(vocabulary))
    return indptr, columns, data, len(vocabulary), reach


def _reach(
    read_in: list[str],
    unknown: list[bool],
    surface: dict[str, dict[str, int]],
    columns: np.ndarray,
    data: np.ndarray,
    row_of: np.ndarray,
    terms: int,
) -> Reach:
    """``Reach`` of normalised rows: for each row and each other language of the pool, the
    squared weight of its terms that language writes alike. A spelling is written alike
    when that language's word list holds it (accents folded or not), or when its own does
    not (a name: "Formazza", "Hollerer"). Nothing to compute in a pool of one language.

    A language without a word list (Galician, Basque, Estonian) gives no way to tell its
    names from its words: every spelling of its texts would pass for a name, and none of
    another language's texts for one of its words, though Galician writes "incendio",
    "hectáreas" and "veciños" much as Spanish does. What such a language shares with another
    is not known, so all of it is taken as shareable (``Reach.scale`` 1: the cosine as it
    is), never the little that the missing list would make it look."""
    names = sorted(surface)
    language = np.array([names.index(tag) for tag in read_in], dtype=np.int64)
    known = ~np.asarray(unknown, dtype=bool)
    if len(names) < 2:
        return Reach(language, known, np.zeros((len(read_in), 0), dtype=np.float32))
    shareable = np.zeros((len(read_in), len(names)), dtype=np.float32)
    shareable[np.arange(len(read_in)), language] = 1.0
    # Each language's list is read once for what its own texts hold that it does not list
    # (their names), then once as the other language of every pair: a backlog in a dozen
    # languages read the lists pair by pair, past what ``_frequencies`` keeps, 132 times
    # (1.3 s of its grouping).
    names_in: dict[int, set[str]] = {}
    unlisted: list[int] = []
    for own, tag in enumerate(names):
        own_list = _frequencies(tag)
        if not own_list:
            unlisted.append(own)
        else:
            names_in[own] = {word for word in surface[tag] if word not in own_list}
    shareable[:, unlisted] = 1.0
    shareable[np.isin(language, unlisted)] = 1.0
    entry_language = language[row_of]
    squared = data * data
    rows = {own: entry_language == own for own in names_in if surface[names[own]]}
    rows = {own: here for own, here in rows.items() if here.any()}
    for other, other_tag in enumerate(names):
        if other in unlisted or not rows.keys() - {other}:
            continue
        other_list = _frequencies(other_tag)
        for own, here in rows.items():
            if own == other:
                continue
            own_names = names_in[own]
            alike = np.zeros(terms, dtype=bool)
            written = [
                term
                for word, term in surface[names[own]].items()
                if word in own_names or word in other_list or without_accents(word) in other_list
            ]
            alike[written] = True
            weights = np.where(alike[columns[here]], squared[here], 0.0)
            shareable[:, other] += np.bincount(
                row_of[here], weights=weights, minlength=len(read_in)
            ).astype(np.float32)
    return Reach(language, known, shareable)


def _alike_across_languages(surface: dict[str, dict[str, int]]) -> list[tuple[int, int]]:
    """The pairs of terms that one spelling (its accents folded) takes in two languages.

    The spellings of every language but the one with the most are indexed, and that one's
    looked up in the index: a pool's vocabulary is mostly one language's, and a backlog's
    holds hundreds of thousands of spellings, which an index of them all would double."""
    languages = sorted(surface, key=lambda language: len(surface[language]))
    largest = languages.pop()
    index: dict[str, tuple[int, str]] = {}  # folded spelling → (term, language) first seen
    pairs: list[tuple[int, int]] = []
    for language in languages:
        for spelling, term in surface[language].items():
            taken, where = index.setdefault(without_accents(spelling), (term, language))
            if where != language and taken != term:  # (in one language, one stem a spelling)
                pairs.append((taken, term))
    for spelling, term in surface[largest].items():
        found = index.get(without_accents(spelling))
        if found is not None and found[0] != term:
            pairs.append((found[0], term))
    return pairs


def joined(count: int, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    """For each of ``count`` items, the item it counts as once each of ``pairs`` is made one
    (union-find): the lowest of its joined set. What terms spelt alike count as here, and
    which connected component each article is in (``digest.group``)."""
    parent = list(range(count))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for first, second in pairs:
        a, b = root(first), root(second)
        parent[max(a, b)] = min(a, b)
    return np.array([root(item) for item in range(count)], dtype=np.int64)


def _renumbered(
    columns: np.ndarray, data: np.ndarray, indptr: list[int], root: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """CSR rows with each term replaced by ``root[term]``; where a row then holds one term
    twice (two of its words whose stems another language's spelling joined), their values
    are added. Only the rows holding a replaced term are looked at: a backlog's rows hold
    millions of entries, of which a few thousand name something spelt alike in two
    languages (sorting them all took 45 MB more at 46,000 articles)."""
    renamed = root[columns]
    changed = np.flatnonzero(renamed != columns)
    starts = np.asarray(indptr, dtype=np.int64)
    touched = np.unique(np.searchsorted(starts, changed, side="right") - 1)
    drop: list[np.ndarray] = []
    for row in touched.tolist():
        begin, end = indptr[row], indptr[row + 1]
        terms, first, which = np.unique(renamed[begin:end], return_index=True, return_inverse=True)
        if len(terms) == end - begin:
            continue
        sums = np.bincount(which, weights=data[begin:end]).astype(np.float32)
        data[begin + first] = sums
        drop.append(np.setdiff1d(np.arange(begin, end), begin + first))
    if not drop:
        return renamed, data, indptr
    keep = np.ones(len(renamed), dtype=bool)
    keep[np.concatenate(drop)] = False
    # each row now starts where the entries kept before it end (an empty row, the last ones
    # included, where the row before it ends: no per-row sum, which fails on a row starting
    # past the last entry)
    kept_before = np.concatenate(([0], np.cumsum(keep)))
    return renamed[keep], data[keep], kept_before[starts].tolist()


def _primary(tag: str) -> str:
    """A BCP 47 tag's language: ``pt-BR`` → ``pt``."""
    return tag.replace("_", "-").split("-")[0].lower()


def story_weighted_dense(vectors: np.ndarray) -> np.ndarray:
    """``story_weighted`` for a dense array."""
    rows = vectors.shape[0]
    counts = (vectors > 0).sum(axis=0)
    idf = (np.log((1.0 + rows) / (1.0 + counts)) + 1.0).astype(np.float32)
    weighted = vectors * idf
    lengths = np.sqrt((weighted * weighted).sum(axis=1))
    lengths[lengths == 0] = 1.0
    return weighted / lengths[:, None]


@lru_cache(maxsize=32)
def _stop_words(language: str) -> frozenset[str]:
    from digest.text.lexicon import lexicon

    return lexicon().stop_words.get(language, frozenset())


def story_weighted(vectors: csr_matrix) -> csr_matrix:
    """``vectors`` re-weighted by how rare each term is *among these rows* (smoothed IDF) and
    normalised again: for telling apart sentences that share a topic, where the topic's own
    words (in every row) say nothing new."""
    from scipy.sparse import csr_matrix as _csr
    from scipy.sparse import diags

    rows = vectors.shape[0]
    counts = np.bincount(vectors.indices, minlength=vectors.shape[1])
    idf = np.log((1.0 + rows) / (1.0 + counts)) + 1.0
    weighted = _csr(vectors @ diags(idf.astype(np.float32)))
    lengths = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return _csr(diags((1.0 / lengths).astype(np.float32)) @ weighted)


# The type of a pair's two row numbers: a pool of near-copies has millions of pairs, and no
# pool has two thousand million texts.
PAIR_INDEX = np.int32


def similar_pairs(
    vectors: csr_matrix,
    min_similarity: float,
    times: np.ndarray | None = None,
    max_apart: float | None = None,
    block_rows: int = 512,
    reach: Reach | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``i < j`` whose cosine similarity is at least ``min_similarity``: with
    ``reach`` (of the texts the rows are), whose cosine reaches it plainly or
    ``across_languages`` (the similarity returned is the plain cosine all the same).

    With ``times`` (seconds, NaN when unknown) and ``max_apart``, rows are only compared with
    rows at most ``max_apart`` seconds away (or undated). Returns three arrays (i, j,
    similarity). Rows are multiplied in blocks, each against the rows in its time window, and
    each block's product is thinned before the next is made, so memory grows with the number
    of similar pairs, not with the square of the pool, and a backlog spread over years costs
    little more than its days.
    """
    from scipy.sparse import csr_matrix as _csr

    n = vectors.shape[0]
    if times is None or max_apart is None:
        order = np.arange(n)
        dated = n
        sorted_times = None
    else:
        undated = np.isnan(times)
        order = np.concatenate(
            [np.flatnonzero(~undated)[np.argsort(times[~undated])], np.flatnonzero(undated)]
        )
        dated = int((~undated).sum())
        sorted_times = times[order[:dated]]
    ordered = _csr(vectors[order])
    least = reach.least() if reach is not None else 1.0
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    for start in range(0, n, block_rows):
        stop = min(start + block_rows, n)
        if sorted_times is None or start >= dated:
            low, high = 0, n  # undated rows are compared with every row
        else:
            first = sorted_times[start]
            last = sorted_times[min(stop, dated) - 1]
            low = int(np.searchsorted(sorted_times, first - max_apart, side="left"))
            high = int(np.searchsorted(sorted_times, last + max_apart, side="right"))
        columns = np.concatenate([np.arange(low, high), np.arange(max(high, dated), n)])
        block = (ordered[start:stop] @ ordered[columns].T).tocoo()
        i = block.row + start
        j = columns[block.col]
        keep = (j > i) & (block.data >= min_similarity * least)
        if sorted_times is not None:
            # the window is the block's: each pair must still be close enough itself
            ti = np.where(i < dated, sorted_times[np.minimum(i, dated - 1)], np.nan)
            tj = np.where(j < dated, sorted_times[np.minimum(j, dated - 1)], np.nan)
            keep &= ~(np.abs(ti - tj) > max_apart)  # NaN (undated) compares False
        if reach is not None and least < 1.0:
            keep[keep] = reach.reaching(
                block.data[keep], order[i[keep]], order[j[keep]], min_similarity
            )
        rows.append(order[i[keep]].astype(PAIR_INDEX))
        cols.append(order[j[keep]].astype(PAIR_INDEX))
        sims.append(block.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=PAIR_INDEX)
        return empty, empty, np.zeros(0, dtype=np.float32)
    left, right = np.concatenate(rows), np.concatenate(cols)
    swap = left > right
    left[swap], right[swap] = right[swap], left[swap].copy()
    return left, right, np.concatenate(sims)


def similar_pairs_dense(
    vectors: np.ndarray,
    min_similarity: float,
    times: np.ndarray | None = None,
    max_apart: float | None = None,
    reach: Reach | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``similar_pairs`` for the rows of a dense array (``vectorise_dense``): for a small
    pool, where one product of the whole matrix costs less than sparse bookkeeping and
    loading scipy. The same pairs, in row order."""
    products = vectors @ vectors.T
    left, right = np.triu_indices(vectors.shape[0], k=1)
    sims = products[left, right]
    least = reach.least() if reach is not None else 1.0
    keep = sims >= min_similarity * least
    if times is not None and max_apart is not None:
        keep &= ~(np.abs(times[left] - times[right]) > max_apart)  # NaN (undated) compares False
    if reach is not None and least < 1.0:
        keep[keep] = reach.reaching(sims[keep], left[keep], right[keep], min_similarity)
    return left[keep].astype(PAIR_INDEX), right[keep].astype(PAIR_INDEX), sims[keep]


def shared_word_counts_dense(
    vectors: np.ndarray, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """``shared_word_counts`` for the rows of a dense array."""
    present = vectors > 0
    return (present[left] & present[right]).sum(axis=1)


def shared_word_counts(
    vectors: csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = 8_192
) -> np.ndarray:
    """How many distinct content words each pair (left[k], right[k]) has in common. Pairs are
    counted ``chunk`` at a time: a backlog has hundreds of thousands of them, and each takes
    two rows of the matrix while it is counted (at 46,000 articles, chunks of 65,536 pairs
    held 350 MB at once and took longer than chunks of 8,192, which hold 90 MB)."""
    from scipy.sparse import csr_matrix

    if not len(left):
        return np.zeros(0, dtype=np.int64)
    # the same rows with every weight 1, sharing the matrix's own index arrays
    present = csr_matrix(
        (np.ones_like(vectors.data), vectors.indices, vectors.indptr), shape=vectors.shape
    )
    counts = [
        np.asarray(
            present[left[start : start + chunk]]
            .multiply(present[right[start : start + chunk]])
            .sum(axis=1)
        ).ravel()
        for start in range(0, len(left), chunk)
    ]
    return np.concatenate(counts)


# A word in at least this share of one source's texts in a pool, when the pool holds at least
# TEMPLATE_TEXTS of them, is that source's own: its name, a podcast's or a series' title in
# each episode ("Taverncast 41", "TMIL: …"), a project's name in each release, a machine
# feed's label ("Changeset 159634146 - …"). It says which source wrote a text, not which of
# its texts another is about: sharing it, two texts share nothing about an event. One event's
# words rarely reach two thirds of a source's texts in a pool of four or more (a news feed's
# day runs many topics; labelled news: benchmarks/README.md, "Story grouping").
TEMPLATE_SHARE = 2 / 3
TEMPLATE_TEXTS = 4


def template_overlap(
    vectors: np.ndarray | csr_matrix,
    sources: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    share: float = TEMPLATE_SHARE,
    least: int = TEMPLATE_TEXTS,
    series: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (``left[k]``, ``right[k]``) of rows of ``vectors`` (dense or sparse,
    L2-normalised) from one source (``sources``: a number per row, who wrote it), how much of
    their cosine and how many of their shared terms come from that source's template: the
    terms in at least ``share`` of its rows, when it has at least ``least``, and (with
    ``series``, a flag per source number) it is a series. Zero for a pair of two sources:
    between them such a word is evidence as any other (an article on a project's release
    shares the project's name with the release notes, not its template)."""
    dot = np.zeros(len(left), dtype=np.float32)
    count = np.zeros(len(left), dtype=np.int64)
    sizes = np.bincount(sources)
    eligible = sizes >= least
    if series is not None:
        eligible &= series
    pairs = np.flatnonzero((sources[left] == sources[right]) & eligible[sources[left]])
    if not len(pairs):
        return dot, count
    first, second = left[pairs], right[pairs]
    wanted = np.zeros(len(sizes), dtype=bool)
    wanted[sources[first]] = True
    if isinstance(vectors, np.ndarray):
        rows, columns = np.nonzero(vectors[wanted[sources]])
        rows = np.flatnonzero(wanted[sources])[rows]
        data = vectors[rows, columns]
    else:
        rows = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
        inside = wanted[sources[rows]]
        rows, columns, data = rows[inside], vectors.indices[inside], vectors.data[inside]
    # how many of its source's rows hold each (source, term): a sort and run lengths
    keys = sources[rows].astype(np.int64) * int(vectors.shape[1]) + columns
    order = np.argsort(keys, kind="stable")
    starts = run_starts(keys[order])
    runs = np.diff(np.append(starts, len(keys)))
    held = np.empty(len(keys), dtype=np.int64)
    held[order] = np.repeat(runs, runs)
    # (a hair under, so that two of three rows are two thirds)
    template = held >= share * sizes[sources[rows]] - 1e-9
    if not template.any():
        return dot, count
    rows, columns, data = rows[template], columns[template], data[template]
    # Source by source, over its template's terms alone (a few), as a small dense matrix: the
    # pool's whole vocabulary made 200 MB and a second of a machine feed's hundred entries on
    # 400 articles, and sparse products one chunk of pairs at a time took seconds where a
    # feed's thousands of near-copies make millions of pairs.
    home = np.full(len(sources), -1, dtype=np.int64)  # a row's place in its source's matrix
    by_source = np.argsort(sources[first], kind="stable")
    pair_sources = sources[first][by_source]
    for number in distinct(sources[rows]):
        mine = sources[rows] == number
        terms = distinct(columns[mine])
        members = np.flatnonzero(sources == number)
        home[members] = np.arange(len(members))
        table = np.zeros((len(members), len(terms)), dtype=np.float32)
        table[home[rows[mine]], np.searchsorted(terms, columns[mine])] = data[mine]
        low, high = np.searchsorted(pair_sources, [number, number + 1])
        own = by_source[low:high]
        step = max(1, 4_000_000 // max(len(terms), 1))  # (memory: a few million products)
        for begin in range(0, len(own), step):
            chunk = own[begin : begin + step]
            products = table[home[first[chunk]]] * table[home[second[chunk]]]
            dot[pairs[chunk]] = products.sum(axis=1)
            count[pairs[chunk]] = (products > 0).sum(axis=1)
    return dot, count


def run_starts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of the sorted ``ordered`` starts (its indices)."""
    if not len(ordered):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values``, sorted (not np.unique: its first call loads numpy.ma, which
    costs a small build more than its whole grouping)."""
    ordered = np.sort(values)
    return ordered[run_starts(ordered)]


SHINGLE_WORDS = 5
_FOLD_WORD = re.compile(r"[^\W_]+")


_COMBINING = re.compile("[\u0300-\u036f]")


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    """The runs of ``size`` consecutive words in ``text`` (case and accents folded), or the
    whole text as one run when it is shorter."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    words = _FOLD_WORD.findall(folded)
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(zip(*(words[k:] for k in range(size)), strict=False))


def overlap(first: frozenset[tuple[str, ...]], second: frozenset[tuple[str, ...]]) -> float:
    """Jaccard overlap of two shingle sets: 1.0 for the same text, 0.0 for nothing shared."""
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


def containment(small: frozenset[tuple[str, ...]], large: frozenset[tuple[str, ...]]) -> float:
    """The share of ``small``'s shingles found in ``large``: 1.0 when it is a part of it."""
    if not small:
        return 0.0
    return len(small & large) / len(small)
