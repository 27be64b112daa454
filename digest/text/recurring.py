"""A source's own boilerplate, learnt from its history rather than from any wording.

A paragraph that recurs across different articles of one source (a footer, a share bar, "The
post … appeared first on …", a newsletter box, a disclaimer in any language) is that source's
template. Each paragraph is remembered as a *fingerprint*: a 64-bit hash of its words,
case-folded, with links masked, so that "Read it at <link to this article>" is one
fingerprint across articles. Numbers and titles are kept: a market report's "DAX 15,234" is
news each day, and so is "We are pleased to release <this version>". The state store keeps, per
source and fingerprint, how many distinct articles held it; this module turns that history and
the articles of the current build into what the normalise stage needs to know
(:class:`SourceTemplate`), and says what the stage should store (:class:`Sighting`).

Everything here is pure: the pipeline reads the history before cleaning and writes the
sightings in the build's single commit.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from digest.text.shapes import list_marker, word_key

# A paragraph is the source's template once it has been seen in this many distinct articles of
# the source (never on the first sighting, and never from one article alone).
RECURS_IN = 3
# A fingerprint not seen again for this long is forgotten: the template changed, or it was
# never one (most fingerprints are of article text, seen once).
FORGET_AFTER = dt.timedelta(days=90)

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)


def paragraph_words(text: str) -> str:
    """The words a fingerprint is made of: case-folded, each link one token (a paragraph
    that is nothing but a link keeps it: the link is what it says), a list's bullet or number
    left out. (An item is the same line whatever list it stands in and wherever: a footer's
    contact lines are a list in one article and paragraphs in the next, a series' list of
    posts grows by one each time; and an HTML list's items were fingerprinted so before they
    carried their bullets.)"""
    marker = list_marker(text)
    if marker:
        text = text[len(marker) :]
    if "://" in text or "www." in text or "@" in text:
        masked = _URL.sub(" \x00link ", text)
        if masked.replace("\x00link", "").strip(" \t.,;:()[]<>|-"):
            text = masked
    return word_key(text)


@functools.lru_cache(maxsize=4096)
def fingerprint(text: str) -> int:
    """A 64-bit fingerprint of one paragraph. (Remembered for a while: the pipeline asks for
    each paragraph's twice, once to learn and once to clean.)"""
    digest = hashlib.blake2b(paragraph_words(text).encode("utf-8"), digest_size=8).digest()
    # SQLite integers are signed 64-bit.
    return int.from_bytes(digest, "big", signed=True)


@dataclass(frozen=True, slots=True)
class Sighting:
    """The paragraphs one article showed, as fingerprints: what the stage saw.

    They are packed, 8 bytes each (``of`` makes one): a build holds every new article's
    sighting until it commits, and at 46,000 articles a set of Python integers apiece cost
    40 MB more."""

    source: str
    key: str
    packed: bytes  # the distinct fingerprints, sorted, as signed 64-bit integers

    @classmethod
    def of(cls, source: str, key: str, prints: Iterable[int]) -> Sighting:
        return cls(source, key, array("q", sorted(set(prints))).tobytes())

    @property
    def prints(self) -> Sequence[int]:
        """The distinct fingerprints."""
        return array("q", self.packed)


@dataclass(frozen=True, slots=True)
class PrintHistory:
    """What the state store remembers of one fingerprint of one source."""

    articles: int  # distinct articles that held it
    since: int  # how many articles the source had brought before it was first seen


@dataclass(frozen=True, slots=True)
class SourceHistory:
    """A source's remembered fingerprints (only those the current build asked about)."""

    source: str
    articles: int  # articles of the source seen so far, in all builds
    prints: Mapping[int, PrintHistory] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recurrence:
    """How often a paragraph recurs in its source, this build's articles included."""

    articles: int  # distinct articles that held it
    share: float  # of the source's articles since it was first seen


@dataclass(frozen=True, slots=True)
class SourceTemplate:
    """What the normalise stage is told of one source's recurring paragraphs."""

    source: str
    prints: Mapping[int, Recurrence] = field(default_factory=dict)

    def recurrence(self, print_: int) -> Recurrence | None:
        return self.prints.get(print_)

    @property
    def recurs(self) -> bool:
        """Whether any paragraph recurs often enough to be cut (else there is nothing to do)."""
        return any(r.articles >= RECURS_IN for r in self.prints.values())


def learn(
    sightings: Sequence[Sighting], history: Mapping[str, SourceHistory]
) -> dict[str, SourceTemplate]:
    """Each source's template: its history, plus the articles of this build.

    The articles cleaned together count as well as the remembered ones, so a new source whose
    first read brings a dozen entries with the same footer loses that footer at once.
    """
    batch: dict[str, Counter[int]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for sighting in _distinct(sightings):
        batch[sighting.source].update(sighting.prints)
        sizes[sighting.source] += 1
    templates = {}
    for source, counts in batch.items():
        known = history.get(source, SourceHistory(source, 0))
        total = known.articles + sizes[source]
        prints = {}
        for print_, count in counts.items():
            earlier = known.prints.get(print_)
            articles = count + (earlier.articles if earlier else 0)
            since = earlier.since if earlier else known.articles
            prints[print_] = Recurrence(articles, articles / max(1, total - since))
        templates[source] = SourceTemplate(source, prints)
    return templates


def _distinct(sightings: Sequence[Sighting]) -> list[Sighting]:
    """One sighting per article: an article read twice in one build counts once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for sighting in sightings:
        if (sighting.source, sighting.key) not in seen:
            seen.add((sighting.source, sighting.key))
            out.append(sighting)
    return out


def new_counts(
    sightings: Sequence[Sighting],
) -> dict[str, tuple[int, Counter[int]]]:
    """Per source, the articles this build brought and how many held each fingerprint: what
    the state store adds to its history."""
    out: dict[str, tuple[int, Counter[int]]] = {}
    for sighting in _distinct(sightings):
        articles, counts = out.get(sighting.source, (0, Counter()))
        counts.update(sighting.prints)
        out[sighting.source] = (articles + 1, counts)
    return out
