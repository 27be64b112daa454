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
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

# A word starts with a letter and may hold digits and inner apostrophes ("F35", "don't");
# numbers alone say little about which event it is. Hyphens split ("Russia-Ukraine talks"
# shares both names with "talks between Russia and Ukraine").
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:'[^\W_]+)*")
_POSSESSIVE = re.compile(r"'s$")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from digest.text.stopwords import STOP_WORDS

    return STOP_WORDS


def content_words(text: str) -> list[str]:
    """The words of ``text`` that can tell one event from another: lower case, accents kept,
    possessives cut, stop words and one-letter words dropped."""
    stop = _stop_words()
    words = []
    for match in _WORD.finditer(text.replace("\u2019", "'")):
        word = _POSSESSIVE.sub("", match.group().lower())
        if len(word) > 1 and word not in stop:
            words.append(word)
    return words


# Word weights on the Zipf scale (log10 of a word's frequency per billion words): a word that
# the lists never saw weighs RAREST, and the most common words still weigh COMMONEST, since
# stop words are dropped before and what is left still says something.
RAREST = 8.0
COMMONEST = 0.5
DEFAULT_LANGUAGES = ("en",)


@lru_cache(maxsize=8)
def _frequencies(language: str) -> dict[str, float]:
    import wordfreq

    if language not in wordfreq.available_languages(wordlist="best"):
        return {}
    return wordfreq.get_frequency_dict(language, wordlist="best")


def word_weights(words: Sequence[str], languages: Sequence[str] = DEFAULT_LANGUAGES) -> np.ndarray:
    """How much each word tells about an event: ``RAREST`` minus its Zipf frequency in the most
    common of ``languages`` (BCP 47 tags; only the primary subtag is used)."""
    tables = [_frequencies(tag.split("-")[0].lower()) for tag in languages or DEFAULT_LANGUAGES]
    frequencies = np.array(
        [max((table.get(word, 0.0) for table in tables), default=0.0) for word in words]
    )
    with np.errstate(divide="ignore"):
        zipf = np.where(frequencies > 0, np.log10(frequencies) + 9.0, 0.0)
    return np.clip(RAREST - zipf, COMMONEST, RAREST).astype(np.float32)


def vectorise(texts: Sequence[str], languages: Sequence[str] = DEFAULT_LANGUAGES) -> csr_matrix:
    """L2-normalised rows of sublinear term frequency (1 + log count) × ``word_weights``."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    frequencies: list[float] = []
    for text in texts:
        for word, count in Counter(content_words(text)).items():
            indices.append(vocabulary.setdefault(word, len(vocabulary)))
            frequencies.append(1.0 + math.log(count))
        indptr.append(len(indices))
    data = np.asarray(frequencies, dtype=np.float32)
    columns = np.asarray(indices, dtype=np.int32)
    if len(vocabulary):
        data *= word_weights(list(vocabulary), languages)[columns]
    lengths = np.sqrt(np.add.reduceat(data * data, indptr[:-1])) if len(data) else data
    row_of = np.repeat(np.arange(len(texts)), np.diff(indptr))
    if len(data):
        # reduceat gives an empty row the next row's first value: those rows hold nothing
        data /= lengths[row_of]
    return csr_matrix((data, columns, indptr), shape=(len(texts), max(len(vocabulary), 1)))


def similar_pairs(
    vectors: csr_matrix, min_similarity: float, block_rows: int = 2048
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``i < j`` whose cosine similarity is at least ``min_similarity``.

    Returns three arrays (i, j, similarity). Rows are multiplied in blocks against the whole
    matrix, and each block's product is thinned before the next is made, so memory grows with
    the number of similar pairs, not with the square of the pool.
    """
    n = vectors.shape[0]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    transposed = vectors.T.tocsc()
    for start in range(0, n, block_rows):
        block = (vectors[start : start + block_rows] @ transposed).tocoo()
        i = block.row + start
        keep = (block.col > i) & (block.data >= min_similarity)
        rows.append(i[keep])
        cols.append(block.col[keep])
        sims.append(block.data[keep])
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(sims)


def shared_word_counts(vectors: csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """How many distinct content words each pair (left[k], right[k]) has in common."""
    if not len(left):
        return np.zeros(0, dtype=np.int64)
    present = vectors.copy()
    present.data[:] = 1
    return np.asarray(present[left].multiply(present[right]).sum(axis=1)).ravel()


SHINGLE_WORDS = 5


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Hashes of the runs of ``size`` consecutive words in ``text`` (case and accents folded),
    or of the whole text when it is shorter."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = [w for w in re.findall(r"[^\W_]+", folded) if not unicodedata.combining(w[0])]
    if len(words) < size:
        return frozenset({hash(" ".join(words))}) if words else frozenset()
    return frozenset(hash(" ".join(words[k : k + size])) for k in range(len(words) - size + 1))


def overlap(first: Iterable[int], second: Iterable[int]) -> float:
    """Jaccard overlap of two shingle sets: 1.0 for the same text, 0.0 for nothing shared."""
    a, b = frozenset(first), frozenset(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(small: Iterable[int], large: Iterable[int]) -> float:
    """The share of ``small``'s shingles found in ``large``: 1.0 when it is a part of it."""
    a, b = frozenset(small), frozenset(large)
    if not a:
        return 0.0
    return len(a & b) / len(a)
