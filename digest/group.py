"""Group articles into stories: what several sources say about one event, told once.

Articles are compared by the cosine similarity of their content-word vectors (headline and
opening words; see ``digest.text.similarity``) and joined by **average linkage**: two groups
merge only while the *average* similarity over all their pairs of articles stays above the
threshold. Single linkage (joining whatever has one similar pair, i.e. connected components)
chains unrelated articles into giant clusters on a busy day; average linkage does not.

Three guards keep a wrong join rarer than a missed one, since a reader notices a story that
mixes two events at once, while two separate items on one event merely repeat:

* articles published more than ``max_days_apart`` apart are never compared (the same words a
  year later are a different event);
* two articles from the same source need ``same_source_margin`` more similarity: a feed rarely
  reports one event twice in a day, but often runs several pieces on one topic;
* a pair must share at least ``MIN_SHARED_WORDS`` distinct content words, so that one rare
  shared name is not enough.

The clustering works on the sparse graph of similar pairs only, so its cost grows with the
number of similar pairs, not with the square of the pool.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from digest.model import Article

# The default average similarity two groups need to merge. Chosen on labelled news (see
# benchmarks/stories_eval.py and its README for the figures behind it).
DEFAULT_SIMILARITY = 0.25
MIN_SHARED_WORDS = 2


@dataclass(frozen=True)
class GroupingSettings:
    """How readily articles are joined into one story."""

    enabled: bool = True
    similarity: float = DEFAULT_SIMILARITY  # lower joins more, higher joins less
    same_source_margin: float = 0.1
    max_days_apart: float = 3.0
    title_weight: int = 2
    lead_words: int = 60


def comparison_text(article: Article, settings: GroupingSettings) -> str:
    """What an article is compared by: its headline (repeated) and its opening body words."""
    words: list[str] = []
    for paragraph in article.paragraphs:
        if paragraph.kind != "body":
            continue
        words.extend(paragraph.text.split())
        if len(words) >= settings.lead_words:
            break
    title = (article.title + " . ") * settings.title_weight
    return title + " ".join(words[: settings.lead_words])


@dataclass(frozen=True)
class Link:
    """One pair of articles similar enough to be compared, and how similar."""

    first: int
    second: int
    similarity: float


def similar_links(articles: Sequence[Article], settings: GroupingSettings) -> list[Link]:
    """The pairs that may join, with the similarity the clustering uses for them."""
    from digest.text.similarity import shared_word_counts, similar_pairs, vectorise

    if len(articles) < 2:
        return []
    vectors = vectorise([comparison_text(a, settings) for a in articles])
    # Same-source pairs must clear the threshold plus the margin: no need to keep weaker ones.
    floor = max(settings.similarity - settings.same_source_margin, 0.0) * 0.5
    left, right, sims = similar_pairs(vectors, max(floor, 0.01))
    if not len(left):
        return []
    shared = shared_word_counts(vectors, left, right)
    seconds = np.array(
        [a.published.timestamp() if a.published else np.nan for a in articles], dtype=float
    )
    apart = np.abs(seconds[left] - seconds[right])
    too_far = apart > settings.max_days_apart * 86400  # NaN (undated) compares False
    sources = [a.source for a in articles]
    links = []
    for k in np.flatnonzero(~too_far & (shared >= MIN_SHARED_WORDS)):
        i, j = int(left[k]), int(right[k])
        similarity = float(sims[k])
        if sources[i] == sources[j]:
            similarity -= settings.same_source_margin
        if similarity > 0:
            links.append(Link(i, j, similarity))
    return links


def cluster(count: int, links: Sequence[Link], threshold: float) -> list[list[int]]:
    """Average-linkage clusters of ``count`` items over a sparse similarity graph.

    Pairs absent from ``links`` count as similarity 0. Returns the clusters as lists of item
    indices, each in ascending order, ordered by their first item.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    # total similarity between two live clusters, keyed by (smaller id, larger id)
    totals: dict[tuple[int, int], float] = {}
    neighbours: dict[int, set[int]] = {}
    for link in links:
        a, b = sorted((link.first, link.second))
        totals[(a, b)] = totals.get((a, b), 0.0) + link.similarity
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    heap = [(-total, a, b) for (a, b), total in totals.items() if total >= threshold]
    heapq.heapify(heap)
    next_id = count
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue  # one side was merged into another cluster since
        merged = next_id
        next_id += 1
        size_a, size_b = len(members[a]), len(members[b])
        members[merged] = members.pop(a) + members.pop(b)
        around = (neighbours.pop(a, set()) | neighbours.pop(b, set())) - {a, b}
        neighbours[merged] = set()
        for other in around:
            total = totals.pop((min(a, other), max(a, other)), 0.0) + totals.pop(
                (min(b, other), max(b, other)), 0.0
            )
            totals[(other, merged)] = total
            neighbours[other].discard(a)
            neighbours[other].discard(b)
            neighbours[other].add(merged)
            neighbours[merged].add(other)
            average = total / ((size_a + size_b) * len(members[other]))
            if average >= threshold:
                heapq.heappush(heap, (-average, other, merged))
        del negative
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def cluster_articles(
    articles: Sequence[Article], settings: GroupingSettings | None = None
) -> list[list[int]]:
    """Which articles report the same event: clusters of indices into ``articles``."""
    settings = settings or GroupingSettings()
    if not settings.enabled:
        return [[i] for i in range(len(articles))]
    return cluster(len(articles), similar_links(articles, settings), settings.similarity)
