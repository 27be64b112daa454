"""Group articles into stories: what several sources say about one event, told once.

Articles are compared by the cosine similarity of their content-word vectors (headline and
opening words; see ``digest.text.similarity``) and joined by **average linkage**: two groups
merge only while the *average* similarity over all their pairs of articles stays above the
threshold. Single linkage (joining whatever has one similar pair, i.e. connected components)
chains unrelated articles into giant clusters on a busy day; average linkage does not.

Guards keep a wrong join rarer than a missed one, since a reader notices a story that
mixes two events at once, while two separate items on one event merely repeat:

* articles published more than ``max_days_apart`` apart are never compared (the same words a
  year later are a different event);
* two articles from the same source need ``same_source_margin`` more similarity: a feed rarely
  reports one event twice in a day, but often runs several pieces on one topic; and the words
  in most of one source's articles of the pool (its name, a series' or a machine feed's
  label: ``digest.text.similarity.template_overlap``) count for nothing between two of them;
* a pair must share at least ``MIN_SHARED_WORDS`` distinct content words, so that one rare
  shared name is not enough;
* two articles more than ``later_grace_hours`` apart need ``later_margin`` more similarity
  for each day beyond that: one event is reported within hours, and what follows a day later
  (arrests after a crime, a verdict after a trial) is another event with the same names.

Two articles in different languages can share only what both languages write alike (names,
places, loan words): their similarity is measured against that (see
``digest.text.similarity.across_languages``) when they share ``MIN_SHARED_ACROSS_LANGUAGES``
words, so that a report in German or French joins the English ones as readily as another
English report would.

Figures count as words (``digest.text.words.figures_of``: "2,300", "7.1", "78", not a year,
a day of a month or a number of one significant digit), weighed as wordfreq weighs numbers
and spelt alike in every language: two reports giving a toll or a magnitude alike share it,
and a look-alike event with other figures is that much less alike.

The clustering works on the sparse graph of similar pairs only, so its cost grows with the
number of similar pairs, not with the square of the pool.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

import numpy as np

from digest.model import Article, Disagreement, EarlierStory, Figure, Story, StoryRecord

# The default average similarity two groups need to merge. Chosen on labelled news (see
# benchmarks/stories_eval.py and its README for the figures behind it).
DEFAULT_SIMILARITY = 0.25
MIN_SHARED_WORDS = 2
MIN_SHARED_ACROSS_LANGUAGES = MIN_SHARED_WORDS + 1


@dataclass(frozen=True)
class GroupingSettings:
    """How readily articles are joined into one story."""

    enabled: bool = True
    similarity: float = DEFAULT_SIMILARITY  # lower joins more, higher joins less
    same_source_margin: float = 0.1
    max_days_apart: float = 3.0
    # Reports of one event come within hours; a later development (the arrests after a
    # stabbing, the verdict after a trial's opening, a stranded ship refloated) comes a day or
    # more later and names the same people and places. Two articles further apart than the
    # grace need this much more similarity for each day beyond it. (Stronger, it starts to
    # split one conference's recaps posted over two days.)
    later_margin: float = 0.1
    later_grace_hours: float = 12.0
    title_weight: int = 2
    lead_words: int = 60
    # What a text's language is taken to be when neither its source nor its feed declares
    # it (``Article.language``) and its words do not tell: the first of these.
    languages: tuple[str, ...] = ("en",)


def comparison_text(article: Article, settings: GroupingSettings) -> str:
    """What an article is compared by: its headline (repeated) and its opening body words."""
    words: list[str] = []
    for paragraph in article.paragraphs:
        if paragraph.kind != "body":
            continue
        words.extend(paragraph.text.split())
        if len(words) >= settings.lead_words:
            break
    # A derived title is the lead sentence again: counting it would weigh the lead thrice.
    # A site's name in its titles ("... | Example News") says nothing about the event.
    if article.title_derived:
        title = ""
    else:
        from digest.text.headlines import site_names_for, strip_cruft

        headline = strip_cruft(article.title, site_names_for(article.source, article.url))
        title = (headline + " . ") * settings.title_weight
    return title + " ".join(words[: settings.lead_words])


@dataclass(frozen=True)
class Links:
    """Pairs of articles similar enough to be compared: ``first[k]`` and ``second[k]`` with
    ``similarity[k]`` (after the same-publisher margin), as parallel arrays."""

    first: np.ndarray
    second: np.ndarray
    similarity: np.ndarray

    def __len__(self) -> int:
        return len(self.first)


def similar_links(articles: Sequence[Article], settings: GroupingSettings) -> Links:
    """The pairs that may join, with the similarity the clustering uses for them.

    Pairs down to half the threshold are kept: below the threshold they cannot start a
    cluster, but they still count in the average similarity between two clusters. A pair in
    two languages is kept where it reaches that floor measured across languages, though its
    plain cosine is under it (an English wire story and a Dutch report of one grounding met
    at 0.09 plainly, 0.13 so: without it, the Dutch report fell out of their story).
    """
    from digest.text import similarity as measure

    index = measure.PAIR_INDEX
    empty = Links(np.zeros(0, index), np.zeros(0, index), np.zeros(0, np.float32))
    if len(articles) < 2:
        return empty
    texts = [comparison_text(a, settings) for a in articles]
    declared = [a.language for a in articles]
    publishers = [publisher(a) for a in articles]
    times = np.array(
        [a.published.timestamp() if a.published else np.nan for a in articles], dtype=float
    )
    floor = max(settings.similarity * 0.5, 0.01)
    apart = settings.max_days_apart * 86400
    if len(articles) <= SMALL_POOL:
        dense, reach = measure.vectorise_dense_with_reach(
            texts, settings.languages, declared, figures=True
        )
        left, right, sims = measure.similar_pairs_dense(dense, floor, times, apart, reach)
        shared = measure.shared_word_counts_dense(dense, left, right)
        matrix: Any = dense
    else:
        vectors, reach = measure.vectorise_with_reach(
            texts, settings.languages, declared, figures=True
        )
        left, right, sims = measure.similar_pairs(vectors, floor, times, apart, reach=reach)
        shared = measure.shared_word_counts(vectors, left, right)
        matrix = vectors
    if not len(left):
        return empty
    numbers: dict[str, int] = {}
    source = np.array([numbers.setdefault(p, len(numbers)) for p in publishers], dtype=np.int64)
    # Two texts of a series are not alike by what it writes in most of its texts of the pool
    # (``measure.template_overlap``: its name, its blurb, a machine feed's label).
    own, own_words = measure.template_overlap(
        matrix, source, left, right, series=_series(articles, source)
    )
    # ... unless an article of another source is alike enough to both to join each of them:
    # what they share is then an event's words, as a live feed's or a labelled wire's
    # ("LIVE: …", "Kenya: …") reports of the event that fills its day share them
    vouched = _vouched(left, right, sims, source, own_words > 0, settings.similarity)
    own, own_words = np.where(vouched, 0.0, own), np.where(vouched, 0, own_words)
    sims, shared = sims - own, shared - own_words
    # Reports in two languages are measured against what the two languages could share
    # (``measure.across_languages``), which magnifies each shared name: only where they
    # share a word more than the least, so that one name and one loan word are not enough.
    across = shared >= MIN_SHARED_ACROSS_LANGUAGES
    sims = np.where(across, measure.across_languages(sims, left, right, reach), sims)
    # (a pair found only by what its languages could share, and sharing too few words to be
    # measured so, is as far under the floor as it was)
    keep = (shared >= MIN_SHARED_WORDS) & (sims >= floor)
    left, right, sims = left[keep], right[keep], sims[keep].astype(np.float32)
    sims = np.where(source[left] == source[right], sims - settings.same_source_margin, sims)
    if settings.later_margin:
        # (an undated article is never later than another: NaN counts as no time apart)
        hours = np.abs(times[left] - times[right]) / 3600
        late = np.nan_to_num(np.maximum(hours - settings.later_grace_hours, 0.0) / 24)
        sims = sims - (settings.later_margin * late).astype(np.float32)
    keep = sims > 0
    return Links(left[keep], right[keep], sims[keep])


def _series(articles: Sequence[Article], source: np.ndarray) -> np.ndarray:
    """For each source number of ``source`` (one per article), whether its articles are a
    series: a podcast's episodes ("Harbour Talk 41: …"), a project's releases ("PostGIS
    3.5.0"), a machine feed's entries ("Changeset 159634146 - …"), a diary ("ZedShaw:
    2009-01-08"). Such a source's titles open alike (``_opening``), two thirds of them at
    least, of ``measure.TEMPLATE_TEXTS`` or more. A news outlet's mostly do not, though one
    event may fill most of its day (a local paper's four reports of a stabbing in its city):
    what most of its articles share is then that event's words, not a template. (Those that
    do, a live feed's "LIVE: …" or a wire's "Kenya: …", are told by another source's reports
    of the event: ``_vouched``.)"""
    from digest.text import similarity as measure

    sizes = np.bincount(source)
    series = np.zeros(len(sizes), dtype=bool)
    if int(sizes.max()) < measure.TEMPLATE_TEXTS:
        return series
    openings: dict[tuple[int, str], int] = {}
    for article, number in zip(articles, source.tolist(), strict=True):
        if sizes[number] < measure.TEMPLATE_TEXTS or article.title_derived:
            continue
        opening = _opening(article.title)
        if opening:
            key = (number, opening)
            openings[key] = openings.get(key, 0) + 1
    for (number, _), count in openings.items():
        if count >= measure.TEMPLATE_SHARE * sizes[number] - 1e-9:
            series[number] = True
    return series


# A title's first token without the punctuation around it ("ZedShaw:", "#41"), and a run of
# digits in it, one digit
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_DIGIT_RUN = re.compile(r"\d+")


def _opening(title: str) -> str:
    """What a series' titles open alike with: the first word ("Taverncast 41: …" and
    "Taverncast VIP: …"), or a release's or a diary's number with its figures left out, so
    that "v2.4.0" and "v3.0.0", "2.4.0" and "2.3.1" or "10:22pm" and "6:40pm" open alike."""
    token = _EDGES.sub("", next(iter(title.split()), "")).lower()
    return _DIGIT_RUN.sub("0", token)


def _vouched(
    left: np.ndarray,
    right: np.ndarray,
    sims: np.ndarray,
    source: np.ndarray,
    candidates: np.ndarray,
    threshold: float,
) -> np.ndarray:
    """Which of the ``candidates`` (a flag per pair of ``left``, ``right``) have a third
    article, of another source than each, whose similarity (``sims``) with both reaches
    ``threshold``. A series' template is what its source writes whatever the subject; an
    independent report alike to two of its entries shows that what those two share is an
    event's words (a live feed's "LIVE: …" updates, or a labelled wire's "Kenya: …" reports,
    on the event that fills its day), and two podcast episodes rarely have one."""
    vouched = np.zeros(len(left), dtype=bool)
    pairs = np.flatnonzero(candidates)
    if not len(pairs):
        return vouched
    # (the strong links of the candidates' articles only: a busy pool has many others)
    involved = np.zeros(len(source), dtype=bool)
    involved[left[pairs]] = involved[right[pairs]] = True
    strong = (source[left] != source[right]) & (sims >= threshold)
    strong = np.flatnonzero(strong & (involved[left] | involved[right]))
    # only the pairs both of whose articles another source's report is alike to: a feed of
    # thousands of near-copies makes millions of candidate pairs, and none has one
    linked = np.zeros(len(source), dtype=bool)
    linked[left[strong]] = linked[right[strong]] = True
    pairs = pairs[linked[left[pairs]] & linked[right[pairs]]]
    if not len(pairs):
        return vouched
    neighbours: dict[int, set[int]] = {}
    for first, second in zip(left[strong].tolist(), right[strong].tolist(), strict=True):
        neighbours.setdefault(first, set()).add(second)
        neighbours.setdefault(second, set()).add(first)
    for k, first, second in zip(
        pairs.tolist(), left[pairs].tolist(), right[pairs].tolist(), strict=True
    ):
        mine = neighbours.get(first)
        if mine and not mine.isdisjoint(neighbours.get(second, ())):
            vouched[k] = True
    return vouched


def cluster(
    count: int, links: Iterable[tuple[int, int, float]], threshold: float
) -> list[list[int]]:
    """Average-linkage clusters of ``count`` items over a sparse similarity graph.

    ``links`` are (item, item, similarity); pairs absent from it count as similarity 0.
    Returns the clusters as lists of item indices, each in ascending order, ordered by their
    first item.
    """
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    # total similarity between two live clusters, keyed by (smaller id, larger id)
    totals: dict[tuple[int, int], float] = {}
    neighbours: dict[int, set[int]] = {}
    for first, second, similarity in links:
        a, b = (first, second) if first < second else (second, first)
        totals[(a, b)] = totals.get((a, b), 0.0) + similarity
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


# Components up to this size are clustered by scipy on a dense distance matrix (fast, in C;
# 64 MB of distances, twice, at 4,000); a larger one (a pathological pool where everything
# resembles everything) by the sparse heap above, whose memory grows with its links, each
# article keeping its strongest (``STRONGEST_LINKS``).
DENSE_LIMIT = 4000
# A pool up to this size (a usual day) is compared as one dense product and clustered by the
# heap above, both without scipy: loading it would cost a small build more than all its
# grouping. The clusters are the same (benchmarks/stories_eval.py gives the same figures).
SMALL_POOL = 400
# In a larger pool too, a component up to this size goes to the heap, and the components are
# found by union-find up to this many strong links: a backlog's largest component had 67
# articles and a year's full-text day's 8, which the heap clusters in milliseconds, where
# loading scipy's clustering and graph modules cost 0.2 s of a 2.7 s build. (The clusters
# are scipy's but where similarities tie exactly, as copies of one post do: the heap then
# joins the lowest-numbered pair first, as it does for every small pool.)
HEAP_LIMIT = 200
UNION_FIND_LINKS = 100_000


def _components(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The connected component of each of ``count`` items joined by the pairs given, as a
    label per item (union-find; scipy's ``connected_components`` where the pairs are very
    many)."""
    from digest.text.similarity import joined

    return joined(count, zip(first.tolist(), second.tolist(), strict=True))


def _linked_components(count: int, links: Links, threshold: float, small: bool) -> np.ndarray:
    """The connected component of each of ``count`` articles in the graph of ``links`` at
    ``threshold`` or above, as a label per article."""
    strong = links.similarity >= threshold
    if small or int(strong.sum()) <= UNION_FIND_LINKS:
        return _components(count, links.first[strong], links.second[strong])
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix(
        (np.ones(int(strong.sum()), dtype=np.int8), (links.first[strong], links.second[strong])),
        shape=(count, count),
    )
    _, component = connected_components(graph, directed=False)
    return np.asarray(component)


def cluster_articles(
    articles: Sequence[Article],
    settings: GroupingSettings | None = None,
    dense_limit: int = DENSE_LIMIT,
) -> list[list[int]]:
    """Which articles report the same event: clusters of indices into ``articles``.

    Average linkage never joins two groups without at least one pair above the threshold
    between them, so it runs separately inside each connected component of the graph of
    such pairs: most articles have none and are never looked at again.
    """
    from digest.text.similarity import PAIR_INDEX, distinct, run_starts

    settings = settings or GroupingSettings()
    count = len(articles)
    if not settings.enabled or count < 2:
        return [[i] for i in range(count)]
    links = similar_links(articles, settings)
    small = count <= SMALL_POOL
    component = _linked_components(count, links, settings.similarity, small)
    # (a pool of near-copies has millions of links: each array of them is tens of megabytes,
    # so none is copied that need not be, and each is let go as soon as it is done with)
    first, second, similarity = links.first, links.second, links.similarity
    del links
    inside = component[first] == component[second]
    if not inside.all():
        first, second, similarity = first[inside], second[inside], similarity[inside]
    del inside
    owner = component[first]
    if len(owner) > 1 and bool((owner[1:] < owner[:-1]).any()):
        order = np.argsort(owner, kind="stable")
        first, second = first[order], second[order]
        similarity, owner = similarity[order], owner[order]
        del order
    # each component's links are now a run of the arrays, taken as views
    starts = run_starts(owner).tolist()
    del owner
    clusters: list[list[int]] = []
    grouped = np.zeros(count, dtype=bool)
    for start, end in zip(starts, [*starts[1:], len(first)][: len(starts)], strict=True):
        left, right, sims = first[start:end], second[start:end], similarity[start:end]
        members = distinct(np.concatenate([left, right]))  # the component's items, in order
        if int(members[-1]) - int(members[0]) + 1 == len(members):  # (one in a row: no search)
            local_left, local_right = left - members[0], right - members[0]
        else:
            local_left = np.searchsorted(members, left).astype(PAIR_INDEX)
            local_right = np.searchsorted(members, right).astype(PAIR_INDEX)
        if HEAP_LIMIT < len(members) <= dense_limit and not small:
            found = _average_linkage(len(members), local_left, local_right, sims, settings)
        else:
            if len(members) > dense_limit:
                local_left, local_right, sims = _strongest(local_left, local_right, sims)
            pairs = zip(local_left.tolist(), local_right.tolist(), sims.tolist(), strict=True)
            found = cluster(len(members), pairs, settings.similarity)
        del local_left, local_right
        for group in found:
            clusters.append([int(members[n]) for n in group])
        grouped[members] = True
    clusters.extend([int(i)] for i in np.flatnonzero(~grouped))
    return sorted(clusters, key=lambda members: members[0])


# In a component too large for the dense clustering (thousands of near-copies of one text, a
# machine feed's entries all alike), each article keeps its strongest links only: the heap's
# memory grows with its links, and 2,500 alike entries made three million of them (2 GB).
STRONGEST_LINKS = 50


def _strongest(
    left: np.ndarray, right: np.ndarray, similarity: np.ndarray, keep: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links among the ``keep`` (``STRONGEST_LINKS``) strongest of either of their
    articles' links."""
    from digest.text.similarity import run_starts

    keep = STRONGEST_LINKS if keep is None else keep
    # (32-bit throughout: these arrays are twice the links long, millions of them)
    ends = np.concatenate([left, right]).astype(np.int32)
    order = np.lexsort((-np.concatenate([similarity, similarity]), ends))  # strongest first
    ends = ends[order]
    starts = run_starts(ends).astype(np.int32)
    del ends
    rank = np.arange(len(order), dtype=np.int32)
    rank -= np.repeat(starts, np.diff(np.append(starts, len(order))))
    kept = np.zeros(len(left), dtype=bool)
    kept[order[rank < keep] % len(left)] = True
    return left[kept], right[kept], similarity[kept]


def _average_linkage(
    size: int,
    left: np.ndarray,
    right: np.ndarray,
    similarity: np.ndarray,
    settings: GroupingSettings,
) -> list[list[int]]:
    """``cluster`` on a dense matrix, by scipy: average linkage (UPGMA) over distances of
    1 - similarity (1 for pairs without a link), cut where the average similarity falls below
    the threshold."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if size == 2:
        return [[0, 1]] if float(similarity.max()) >= settings.similarity else [[0], [1]]
    # The condensed matrix (each pair once, as scipy reads it) built directly: a square one
    # and its condensed copy held three times the memory, 150 MB at 2,500 articles. Pair
    # (i, j), i < j, is at row i's offset plus j; the offsets are a table of ``size``.
    rows = np.arange(size, dtype=np.int64)
    offset = size * rows - rows * (rows + 1) // 2 - rows - 1
    place = offset[np.minimum(left, right)]
    place += np.maximum(left, right)
    distance = np.ones(size * (size - 1) // 2)
    # (a copy's similarity can round to a hair above 1)
    distance[place] = np.clip(1.0 - similarity, 0.0, 1.0)
    tree = linkage(distance, method="average")
    # a hair above the cut, so that an average exactly at the threshold still joins
    labels = fcluster(tree, t=1.0 - settings.similarity + 1e-9, criterion="distance")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(index)
    return list(groups.values())


# ---------------------------------------------------------------------------------------------
# From clusters to stories

# Copies: texts sharing this share of their word 5-grams (Jaccard), or a short text found
# almost whole inside a longer one, are one text published twice.
COPY_OVERLAP = 0.5
COPY_CONTAINMENT = 0.8
_COPY_WORDS = 250  # the opening words compared: enough to tell, cheap on long articles
# ... and how far into the other text they are looked for: an outlet's update that puts new
# paragraphs above its first version holds that version further down.
_COPY_REACH = 4 * _COPY_WORDS
# A reprint that only adds a line or two (a standfirst, "This article first appeared in ...",
# "Source: ... press release") is no more complete than its original: of copies from several
# publishers at most this many characters shorter than the longest, the first published is
# kept.
_COPY_ADDED_LINE = 200
# A story of more articles than this has its copies found against each copy group's first
# article rather than pair by pair: thousands of near-copies made millions of comparisons.
_COPY_PAIRS_UP_TO = 200

_NO_DATE = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class StorySettings:
    """How stories are made from articles: grouping, and the summary's budget."""

    grouping: GroupingSettings = GroupingSettings()
    summary_sentences: int = 3
    summary_chars: int = 600


def group_stories(
    articles: Iterable[Article], settings: StorySettings | None = None
) -> tuple[Story, ...]:
    """The stories told by ``articles``: one per event, most widely reported first.

    Stories carried by more independent sources come first, then the most recent; a story
    of one article is that article with its own headline and lead.
    """
    settings = settings or StorySettings()
    return tuple(complete_story(s, settings) for s in outline_stories(articles, settings))


def outline_stories(
    articles: Iterable[Article], settings: StorySettings | None = None
) -> tuple[Story, ...]:
    """``group_stories`` without the work only a shown story needs: each story's reports,
    copies and id, in the same order, its headline its first report's title and no summary
    (see ``story_outline``). A day of thousands of articles shows a hundred stories at most:
    the others are counted, never read."""
    settings = settings or StorySettings()
    articles = list(articles)
    clusters = cluster_articles(articles, settings.grouping)
    stories = [story_outline([articles[i] for i in members]) for members in clusters]
    return tuple(sorted(stories, key=_story_order))


def _story_order(story: Story) -> tuple[int, float]:
    # ties keep the order of the clusters, i.e. of the articles given (a stable sort)
    newest = max((a.published or _NO_DATE for a in story.reports), default=_NO_DATE)
    return (-independent_sources(story.reports), -newest.timestamp())


def publisher(article: Article) -> str:
    """Who published ``article``, for telling independent sources apart."""
    return f"\0{article.key}" if article.publisher_unknown else article.source


def independent_sources(reports: Sequence[Article]) -> int:
    return len({publisher(a) for a in reports})


def make_story(members: Sequence[Article], settings: StorySettings | None = None) -> Story:
    """One story from the articles of one event."""
    return complete_story(story_outline(members), settings)


def story_outline(members: Sequence[Article]) -> Story:
    """What ranking and shaping a day need of the story of ``members``: its distinct reports
    (most complete first), its copies and its id. Its headline is its first report's title
    until ``complete_story`` chooses one."""
    reports, copies = fold_copies(members)
    return Story(headline=reports[0].title, reports=reports, copies=copies, id=story_id(members))


def complete_story(outline: Story, settings: StorySettings | None = None) -> Story:
    """An outlined story as the reader sees it: its headline, its summary (each fact once),
    and the counts its reports give differently."""
    from digest.summarise import story_summary
    from digest.text.headlines import Candidate, choose_headline, site_names_for

    settings = settings or StorySettings()
    reports = outline.reports
    headline = choose_headline(
        [Candidate(a.title, a.title_derived, site_names_for(a.source, a.url)) for a in reports]
    )
    # Room for what the other reports add: a sentence more for each, two at most.
    extra = min(len(reports) - 1, 2)
    sentences = settings.summary_sentences + extra
    chars = settings.summary_chars * sentences // max(settings.summary_sentences, 1)
    summary = story_summary(reports, sentences, chars, settings.grouping.languages)
    return replace(
        outline,
        headline=headline or reports[0].title,
        summary=summary,
        disagreements=figure_disagreements(reports),
    )


def member_similarities(story: Story, settings: GroupingSettings | None = None) -> dict[str, float]:
    """How alike each of the story's articles is to its first report (1.0 for itself), by
    the measure grouping uses: for telling a user why they were joined."""
    from digest.text import similarity as measure

    settings = settings or GroupingSettings()
    articles = story.articles
    if len(articles) == 1:
        return {articles[0].key: 1.0}
    texts = [comparison_text(a, settings) for a in articles]
    declared = [a.language for a in articles]
    first = np.zeros(len(articles), dtype=np.int64)
    others = np.arange(len(articles))
    if len(articles) <= SMALL_POOL:  # as grouping measures a small pool: dense, without scipy
        dense, reach = measure.vectorise_dense_with_reach(
            texts, settings.languages, declared, figures=True
        )
        cosine = (dense @ dense[0]).astype(np.float32)
        shared = measure.shared_word_counts_dense(dense, first, others)
    else:
        vectors, reach = measure.vectorise_with_reach(
            texts, settings.languages, declared, figures=True
        )
        cosine = (vectors @ vectors[0].T).toarray().ravel().astype(np.float32)
        shared = measure.shared_word_counts(vectors, first, others)
    across = shared >= MIN_SHARED_ACROSS_LANGUAGES
    cosine = np.where(across, measure.across_languages(cosine, first, others, reach), cosine)
    return {a.key: round(float(c), 3) for a, c in zip(articles, cosine, strict=True)}


def story_id(members: Iterable[Article]) -> str:
    """A stable id: from the first-published article's key (a later report does not move it)."""
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    first = min(members, key=lambda a: (a.published or latest, a.key))
    return hashlib.sha1(first.key.encode("utf-8")).hexdigest()[:12]


def fold_copies(members: Sequence[Article]) -> tuple[tuple[Article, ...], tuple[Article, ...]]:
    """Split an event's articles into distinct reports (most complete first, a briefing that
    joins other events to it after every report of it alone) and copies.

    Articles whose opening words are one text (see ``COPY_OVERLAP``), or one of whose opening
    is found almost whole in the other, form a copy group; the group is represented by its
    newest member when one publisher issued them all (an update), else by its most complete
    one (a wire story and its reprints), the first published of those about as complete (an
    original, not its reprint with a line added).
    """
    from digest.text.similarity import containment, overlap, shingles

    if len(members) == 1:
        return (members[0],), ()
    grams = [shingles(_opening_words(a)) for a in members]
    reach = [shingles(_opening_words(a, _COPY_REACH)) for a in members]
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def copied(i: int, j: int) -> bool:
        small, large = sorted((grams[i], grams[j]), key=len)
        if len(small) < 3:
            return False  # a line or two says too little to call it a copy
        if overlap(small, large) >= COPY_OVERLAP:
            return True
        # one text's opening found almost whole in the other, anywhere within reach
        inside = max(containment(grams[i], reach[j]), containment(grams[j], reach[i]))
        return inside >= COPY_CONTAINMENT

    if len(members) <= _COPY_PAIRS_UP_TO:
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                if root(i) != root(j) and copied(i, j):
                    parent[root(i)] = root(j)
    else:
        # (a story of thousands of articles, a feed's near-copies: each is compared with the
        # first of each copy group found so far, not with every other article)
        leaders: list[int] = []
        for i in range(len(members)):
            leader = next((k for k in leaders if copied(i, k)), None)
            if leader is None:
                leaders.append(i)
            else:
                parent[i] = leader
    groups: dict[int, list[Article]] = {}
    for i, article in enumerate(members):
        groups.setdefault(root(i), []).append(article)
    reports: list[Article] = []
    copies: list[Article] = []
    for group in groups.values():
        if len({publisher(a) for a in group}) == 1:
            keeper = max(group, key=lambda a: (a.published or _NO_DATE, _completeness(a)))
        else:
            longest = max(_completeness(a) for a in group)
            complete = [a for a in group if _completeness(a) >= longest - _COPY_ADDED_LINE]
            keeper = min(complete, key=lambda a: (a.published or _NO_DATE, -_completeness(a)))
        reports.append(keeper)
        copies.extend(a for a in group if a is not keeper)
    reports.sort(key=lambda a: (_briefing(a), -_completeness(a), a.published or _NO_DATE, a.key))
    return tuple(reports), tuple(copies)


def _completeness(article: Article) -> int:
    return sum(len(p.text) for p in article.paragraphs if p.kind == "body")


def _briefing(article: Article) -> bool:
    """Whether ``article`` is a briefing that joins this event to others, by its title
    (``digest.text.headlines.joins_items``: "X has died. And, Y", "Morning Briefing: X, Y and
    Z"): the story's other reports lead it, however long the briefing, which would open its
    summary with its own lead and carry its other items' sentences into it."""
    from digest.text.headlines import joins_items

    return not article.title_derived and joins_items(article.title)


def _opening_words(article: Article, count: int = _COPY_WORDS) -> str:
    words: list[str] = []
    for paragraph in article.paragraphs:
        if paragraph.kind == "body":
            words.extend(paragraph.text.split())
            if len(words) >= count:
                break
    return " ".join(words[:count]) or article.title


# Figures are looked for in each report's opening sentences: where reports give their counts,
# and not so far in that a background figure (last year's toll) comes into it.
_FIGURE_SENTENCES = 30


def _body_sentences(report: Article) -> Iterator[str]:
    from digest.text.sentences import iter_sentences

    for paragraph in report.paragraphs:
        if paragraph.kind == "body":
            yield from iter_sentences(paragraph.text, report.language)


def figure_disagreements(reports: Sequence[Article]) -> tuple[Disagreement, ...]:
    """Counts the reports give differently (see ``digest.text.figures``). Only reports from
    different publishers can disagree: an outlet's update is not a second opinion."""
    from digest.text.figures import disagreements

    if independent_sources(reports) < 2:
        return ()
    sentences = [list(islice(_body_sentences(report), _FIGURE_SENTENCES)) for report in reports]
    found = []
    for item in disagreements(sentences):
        if len({publisher(reports[f.report]) for f in item.figures}) < 2:
            continue
        found.append(Disagreement(item.kind, tuple(Figure(f.text, f.report) for f in item.figures)))
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Across builds and days


def story_record(story: Story, day: dt.date, day_published: dt.datetime) -> StoryRecord:
    """What the state keeps of a story: its id, headline, comparison text, article keys, and
    when its feed entry says it was published (``day_published``: when its day was first
    built, for a story whose lead has no date)."""
    text = " ".join([story.headline, *(s.text for s in story.summary[:2])])
    keys = tuple(a.key for a in story.articles)
    published = story.published_at(day_published)
    return StoryRecord(day, story.id, story.headline, text, keys, story.updated, published)


def keep_ids(
    stories: Sequence[Story],
    stored: Sequence[StoryRecord],
    changed_at: dt.datetime | None = None,
) -> tuple[Story, ...]:
    """``stories`` with the ids an earlier build of the same day gave them.

    A story takes the id of the stored story it shares the most articles with, so its
    anchor and its feed entry stay put when a rebuild adds a report to it. The largest shares
    are settled first: when two stored stories merged, the larger share wins; when one split,
    the part holding most of its articles keeps the id, whichever part is shown first. A
    story whose articles are just as stored keeps the stored time of its last change (None:
    none since it was first made); one whose articles changed since takes ``changed_at``
    (the build's time), and a new story none. A story keeps the stored time its feed entry
    was published, whichever report leads it now (``Story.published_at``).
    """
    owner = {key: record.id for record in stored for key in record.keys}
    by_id = {record.id: record for record in stored}
    shares: list[tuple[int, int, str]] = []  # (-articles shared, story, stored id)
    for index, story in enumerate(stories):
        counts: dict[str, int] = {}
        for article in story.articles:
            if article.key in owner:
                counts[owner[article.key]] = counts.get(owner[article.key], 0) + 1
        shares.extend((-count, index, stored_id) for stored_id, count in counts.items())
    kept: dict[int, str] = {}
    taken: set[str] = set()
    for _, index, stored_id in sorted(shares):
        if index not in kept and stored_id not in taken:
            kept[index] = stored_id
            taken.add(stored_id)
    result = []
    for index, story in enumerate(stories):
        chosen = kept.get(index)
        if chosen is None:
            chosen = story.id if story.id not in taken else f"{story.id}-{len(taken)}"
            taken.add(chosen)
        record = by_id.get(chosen)
        if record is None:
            updated = None
        elif set(record.keys) == {a.key for a in story.articles}:
            updated = record.updated
        else:
            updated = changed_at
        published = None
        if record is not None:
            # (a story stored before its date was kept: its stored lead's, as its entry said)
            published = record.published or next(
                (a.published for a in story.articles if record.keys and a.key == record.keys[0]),
                None,
            )
        if chosen != story.id or updated != story.updated or published != story.published:
            story = replace(story, id=chosen, updated=updated, published=published)
        result.append(story)
    return tuple(result)


def link_earlier(
    stories: Sequence[Story],
    earlier: Sequence[StoryRecord],
    settings: GroupingSettings | None = None,
) -> tuple[Story, ...]:
    """``stories`` with ``earlier`` set where a story continues one of an earlier day.

    A story continues an earlier one when their headlines and leads are as similar as two
    reports must be to join one story, sharing at least ``MIN_SHARED_WORDS`` words, by the
    measure grouping uses (figures count, and a story told in another language is measured
    against what the two languages could share); of several, the most recent day's wins, and
    a story of the same day is never its own continuation.
    """
    from digest.text.similarity import (
        across_languages,
        shared_word_counts,
        similar_pairs,
        vectorise_with_reach,
    )

    settings = settings or GroupingSettings()
    if not stories or not earlier:
        return tuple(stories)
    texts = [" ".join([s.headline, *(x.text for x in s.summary[:2])]) for s in stories]
    texts += [record.text for record in earlier]
    # an earlier day's story is stored as text only: its language is guessed
    declared = [s.lead.language for s in stories] + [None] * len(earlier)
    vectors, reach = vectorise_with_reach(
        texts, settings.languages, declared, remember=True, figures=True
    )
    left, right, sims = similar_pairs(vectors, settings.similarity, reach=reach)
    shared = shared_word_counts(vectors, left, right)
    across = shared >= MIN_SHARED_ACROSS_LANGUAGES
    sims = np.where(across, across_languages(sims, left, right, reach), sims)
    keep = (shared >= MIN_SHARED_WORDS) & (sims >= settings.similarity)
    left, right, sims = left[keep], right[keep], sims[keep]
    count = len(stories)
    best: dict[int, tuple[dt.date, float, StoryRecord]] = {}
    for i, j, similarity in zip(left.tolist(), right.tolist(), sims.tolist(), strict=True):
        if i >= count or j < count:
            continue  # two of today's stories, or two earlier ones
        record = earlier[j - count]
        current = best.get(i)
        if current is None or (record.day, similarity) > (current[0], current[1]):
            best[i] = (record.day, similarity, record)
    result = []
    for index, story in enumerate(stories):
        found = best.get(index)
        if found is None:
            result.append(story)
            continue
        record = found[2]
        result.append(replace(story, earlier=EarlierStory(record.day, record.id, record.headline)))
    return tuple(result)
