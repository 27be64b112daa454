"""How fast stories are grouped, and with how much memory, on real feed entries.

    python benchmarks/stories_bench.py [--feeds DIR] [--repeat 5]

Every entry of the feed corpus (``tests/fixtures/feeds``, real feeds from many sites) is parsed
and cleaned as a build would, then grouped by ``digest.group.group_stories`` in three pools:

* **a day of 2,000 articles**: 2,000 entries re-dated into one 24-hour day;
* **11,000 articles in one day**: every entry re-dated into one day, and the pool filled up
  with copies of it re-published by other sites (each entry is then a wire story carried by
  four sites), the worst case a busy day can bring;
* **a backlog of 11,000**: the entries keep their real dates (spread over years), copied at
  60-day offsets, as a first run with ``first_run_hours = 0`` would see them.

Each pool is grouped in a fresh process (``--repeat`` times; the median is printed) so that
peak memory (the process's maximum resident set) is the pool's own. Loading scipy, the word
lists and the lexicon happens once per process, on the first grouping of a build: it is timed
apart (``load_libraries``), then the pool's grouping alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POOLS = ("day-2000", "day-11000", "backlog-11000")


def corpus_articles(feeds: Path) -> list:
    from digest.config import Config
    from digest.model import Source
    from digest.pipeline import prepare_article
    from digest.sources.feeds import FeedError, parse_feed
    from digest.text.normalise import load_rules

    rules, config = load_rules(None), Config()
    articles = []
    for path in sorted(p for p in feeds.rglob("*") if p.is_file()):
        if path.suffix in (".md", ".csv", ".txt") or "LICENSE" in path.name:
            continue
        source = Source(path.stem, "feed", str(path))
        try:
            parsed = parse_feed(path.read_bytes(), source)
        except FeedError:
            continue
        for article in parsed.articles:
            try:
                cleaned = prepare_article(article, rules, config)
            except Exception:
                continue
            if cleaned.paragraphs and cleaned.published:
                articles.append(cleaned)
    return articles


def make_pool(name: str, articles: list) -> list:
    day = dt.datetime(2026, 2, 17, tzinfo=dt.UTC)
    if name == "day-2000":
        chosen = articles[:2000]
        return [
            dataclasses.replace(a, published=day + dt.timedelta(seconds=k * 86400 // 2000))
            for k, a in enumerate(chosen)
        ]
    copies = -(-11000 // len(articles))
    pool = []
    for copy in range(copies):
        for k, a in enumerate(articles):
            if name == "day-11000":
                when = day + dt.timedelta(seconds=(k * 86400) // len(articles) + copy * 60)
            else:
                when = a.published + dt.timedelta(days=60 * copy)
            pool.append(
                dataclasses.replace(
                    a, key=f"{a.key}#{copy}", source=f"{a.source} {copy}", published=when
                )
            )
    return pool[:11000]


def load_libraries(pool: list) -> None:
    """What a build loads once, on its first grouping of a pool this size: scipy's sparse
    matrices, graphs and clustering, the lexicon and the word lists of the pool's languages.
    A three-article grouping loads only the lexicon (small pools need neither scipy nor the
    word lists), so they are loaded here by name."""
    import scipy.cluster.hierarchy
    import scipy.sparse
    import scipy.sparse.csgraph
    import scipy.spatial.distance  # noqa: F401

    from digest.group import group_stories
    from digest.text.similarity import _frequencies

    group_stories(pool[:3])
    for language in {(a.language or "en").split("-")[0].lower() for a in pool}:
        _frequencies(language)


def run_one(name: str, feeds: Path) -> dict:
    from digest.group import group_stories

    pool = make_pool(name, corpus_articles(feeds))
    started = time.perf_counter()
    load_libraries(pool)
    loading = time.perf_counter() - started
    started = time.perf_counter()
    stories = group_stories(pool)
    elapsed = time.perf_counter() - started
    return {
        "pool": name,
        "articles": len(pool),
        "stories": len(stories),
        "multi": sum(1 for s in stories if len(s.articles) > 1),
        "seconds": elapsed,
        "loading": loading,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def one_source_stories(feeds: Path) -> int:
    """Group the corpus's entries on their real dates and list the stories of several
    articles that all come from one source: mostly a series' episodes or a machine feed's
    entries joined by what they all repeat, sometimes one outlet's two reports of an event."""
    from digest.group import group_stories, publisher

    stories = group_stories(corpus_articles(feeds))
    several = [s for s in stories if len(s.reports) + len(s.copies) > 1]
    alone = [s for s in several if len({publisher(a) for a in (*s.reports, *s.copies)}) == 1]
    for story in alone:
        members = (*story.reports, *story.copies)
        print(f"{publisher(members[0])} ({len(members)}):")
        for article in members[:6]:
            print(f"    {article.published:%Y-%m-%d}  {article.title[:90]}")
    print(f"{len(stories)} stories, {len(several)} of several articles, {len(alone)} of one source")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=Path, default=ROOT / "tests" / "fixtures" / "feeds")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--one", choices=POOLS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--one-source",
        action="store_true",
        help="list the stories whose articles all come from one source (no timing)",
    )
    args = parser.parse_args()
    if args.one_source:
        return one_source_stories(args.feeds)
    if args.one:
        print(json.dumps(run_one(args.one, args.feeds)))
        return 0
    for name in POOLS:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--one", name, "--feeds", str(args.feeds)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in runs)
        loading = statistics.median(r["loading"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        first = runs[0]
        print(
            f"{name:>14}: {first['articles']:>6} articles -> {first['stories']:>6} stories "
            f"({first['multi']} with several articles); grouping {seconds:.2f} s median of "
            f"{len(runs)} (min {min(r['seconds'] for r in runs):.2f}; loading the libraries and "
            f"word lists first: {loading:.2f} s), peak RSS {peak:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
