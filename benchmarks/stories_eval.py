"""Score story grouping against a labelled set of articles.

    python benchmarks/stories_eval.py FILE.jsonl [--similarity S ...] [--days N] [--sample K]

FILE holds one article per line, ``{"id", "cluster", "title", "text", "source", "date"}``,
where articles with the same ``cluster`` report the same event. Articles are read by the same
code as ``digest stories --jsonl`` and grouped by ``digest.group.cluster_articles``, so the
figures are the product's. Printed, for each similarity threshold:

* on the **whole pool**: B-cubed precision/recall/F1 (per article, averaged) and pairwise
  precision/recall/F1 (over all pairs of articles), the number of clusters, and the labelled
  multi-article clusters found whole;
* on **day-sized pools** (``--days N``: every run of N calendar days with articles, grouped
  alone, as a daily build would): the same figures summed over the pools;
* on **random pools** (``--sample K``: random subsets of K articles, as a quiet day would).

With ``--show`` the wrong and missed pairs of the first threshold are listed for reading.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.group import GroupingSettings, cluster_articles
from digest.jsonl import JsonlArticle, read_articles


@dataclass
class Counts:
    """Pairwise and B-cubed tallies that add up over pools."""

    true_pairs: int = 0
    predicted_pairs: int = 0
    gold_pairs: int = 0
    b3_precision: float = 0.0
    b3_recall: float = 0.0
    articles: int = 0
    clusters: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float]:
        p = self.true_pairs / self.predicted_pairs if self.predicted_pairs else 1.0
        r = self.true_pairs / self.gold_pairs if self.gold_pairs else 1.0
        bp = self.b3_precision / self.articles if self.articles else 1.0
        br = self.b3_recall / self.articles if self.articles else 1.0
        return {
            "b3_p": bp,
            "b3_r": br,
            "b3_f1": 2 * bp * br / (bp + br) if bp + br else 0.0,
            "pair_p": p,
            "pair_r": r,
            "pair_f1": 2 * p * r / (p + r) if p + r else 0.0,
        }


def pairs(groups: Sequence[Sequence[int]]) -> set[tuple[int, int]]:
    return {pair for g in groups for pair in itertools.combinations(sorted(g), 2)}


def score(gold: Sequence[str], predicted: Sequence[Sequence[int]]) -> tuple[Counts, set, set]:
    """Counts for one pool, plus its wrong and missed pairs (indices into the pool)."""
    by_label: dict[str, list[int]] = collections.defaultdict(list)
    for index, label in enumerate(gold):
        by_label[label].append(index)
    gold_groups = list(by_label.values())
    gold_of = {i: set(g) for g in gold_groups for i in g}
    predicted_of = {i: set(g) for g in predicted for i in g}
    counts = Counts(articles=len(gold), clusters=len(predicted))
    for i in range(len(gold)):
        common = len(gold_of[i] & predicted_of[i])
        counts.b3_precision += common / len(predicted_of[i])
        counts.b3_recall += common / len(gold_of[i])
    gold_pairs, predicted_pairs = pairs(gold_groups), pairs(predicted)
    counts.true_pairs = len(gold_pairs & predicted_pairs)
    counts.predicted_pairs = len(predicted_pairs)
    counts.gold_pairs = len(gold_pairs)
    return counts, predicted_pairs - gold_pairs, gold_pairs - predicted_pairs


def run_pool(
    items: Sequence[JsonlArticle], labels: dict[str, str], settings: GroupingSettings
) -> tuple[Counts, set, set]:
    groups = cluster_articles([item.article for item in items], settings)
    return score([labels[item.id] for item in items], groups)


def day_pools(items: Sequence[JsonlArticle], days: int) -> list[list[JsonlArticle]]:
    """Consecutive windows of ``days`` calendar days (UTC), each with its articles."""
    dated = sorted(
        (i for i in items if i.article.published), key=lambda i: i.article.published or 0
    )
    pools: list[list[JsonlArticle]] = []
    current: list[JsonlArticle] = []
    end: dt.date | None = None
    for item in dated:
        day = item.article.published.date()  # type: ignore[union-attr]
        if end is None or day >= end:
            if current:
                pools.append(current)
            current, end = [], day + dt.timedelta(days=days)
        current.append(item)
    if current:
        pools.append(current)
    return pools


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--similarity", type=float, nargs="+", default=None)
    parser.add_argument("--days", type=int, default=1, help="calendar days per daily pool")
    parser.add_argument("--sample", type=int, default=0, help="size of random pools")
    parser.add_argument("--samples", type=int, default=50, help="how many random pools")
    parser.add_argument("--show", action="store_true", help="list wrong and missed pairs")
    parser.add_argument("--json", action="store_true", help="one JSON line per threshold")
    args = parser.parse_args(argv)

    lines = args.file.read_text(encoding="utf-8").splitlines()
    items = read_articles(lines, label=str(args.file))
    labels = {str(json.loads(line)["id"]): json.loads(line)["cluster"] for line in lines if line}
    base = GroupingSettings()
    thresholds = args.similarity or [base.similarity]
    multi = sum(1 for c in collections.Counter(labels.values()).values() if c > 1)
    print(
        f"{args.file.name}: {len(items)} articles, {len(set(labels.values()))} labelled "
        f"clusters, {multi} with more than one article"
    )
    for threshold in thresholds:
        settings = replace(base, similarity=threshold)
        started = time.perf_counter()
        whole, wrong, missed = run_pool(items, labels, settings)
        elapsed = time.perf_counter() - started
        daily = Counts()
        for pool in day_pools(items, args.days):
            daily.add(run_pool(pool, labels, settings)[0])
        sampled = Counts()
        if args.sample:
            rng = random.Random(20261204)
            for _ in range(args.samples):
                pool = rng.sample(list(items), min(args.sample, len(items)))
                sampled.add(run_pool(pool, labels, settings)[0])
        report = {
            "similarity": threshold,
            "clusters": whole.clusters,
            "seconds": round(elapsed, 3),
            **{f"pool_{k}": round(v, 3) for k, v in whole.figures().items()},
            **{f"days_{k}": round(v, 3) for k, v in daily.figures().items()},
        }
        if args.sample:
            report.update({f"sample_{k}": round(v, 3) for k, v in sampled.figures().items()})
        if args.json:
            print(json.dumps(report))
        else:
            print(
                f"s={threshold:.2f} clusters={whole.clusters} ({elapsed:.2f} s)  "
                + "  ".join(
                    f"{scope}: B3 F1 {f['b3_f1']:.3f} pair P {f['pair_p']:.3f} "
                    f"R {f['pair_r']:.3f} F1 {f['pair_f1']:.3f}"
                    for scope, f in (
                        ("pool", whole.figures()),
                        (f"{args.days}-day pools", daily.figures()),
                        *((f"{args.sample}-samples", sampled.figures()),) * bool(args.sample),
                    )
                )
            )
        if args.show and threshold == thresholds[0]:

            def name(i: int) -> str:
                a = items[i].article
                return f"{items[i].id} [{a.source[:14]}] {a.title[:60]}"

            for what, found in (("wrong", wrong), ("missed", missed)):
                print(f"  {what} pairs: {len(found)}")
                for i, j in sorted(found):
                    print(f"    {name(i)}  ||  {name(j)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
