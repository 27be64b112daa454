#!/usr/bin/env python3
"""Score article-body extraction: trafilatura's precision mode and readability alone against
digest's pipeline.

Usage::

    python benchmarks/extract_eval.py DIR [--ngram N] [--per-page]

DIR is either

* a folder of pairs: ``NAME.html`` (or ``.htm``, ``.html.gz``) next to ``NAME.txt``, the gold
  article body as plain text (pages without a ``.txt`` are skipped); or
* the layout of the ScrapingHub article-extraction-benchmark: ``DIR/ground-truth.json``
  mapping each page id to an object with an ``"articleBody"``, and ``DIR/html/ID.html.gz``.

Three systems are scored on the same pages:

* ``trafilatura``: ``trafilatura.extract(favor_precision=True, include_comments=False,
  include_tables=False)``, its plain-text output;
* ``readability``: readability-lxml's ``Document.summary()``, its HTML turned into text;
* ``digest``: ``extract_page`` then the normalise stage, paragraphs joined by blank lines (a
  page ``extract_page`` rejects counts as an empty prediction).

Each system's time over all pages is printed, and for digest how many pages it asked its
second extractor about and how many it took that one's text for.

The metric is the one that benchmark uses: both texts are split into ``\\w+`` tokens and
compared as bags (multisets) of n-token shingles (n = 4 there; ``--ngram 1`` is a plain bag of
words). Per page, true positives, false positives and false negatives are normalised to sum to
one so long pages do not dominate; precision is the mean over pages with any prediction, recall
the mean over pages with any gold text, and F1 the harmonic mean of those two means.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from lxml.html import fromstring
from readability import Document

from digest.model import Source
from digest.sources.pages import PageError, extract_page, page_article
from digest.text.normalise import normalise

_WORD = re.compile(r"\w+", re.UNICODE)
_PAGE_SUFFIXES = (".html.gz", ".html", ".htm")


@dataclass(frozen=True)
class Page:
    name: str
    html: bytes
    gold: str
    url: str | None = None
    utf8_text: bool = False  # the benchmark's pages are UTF-8 and its runners read them as text


@dataclass(frozen=True)
class Counts:
    tp: float
    fp: float
    fn: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of page/gold pairs or benchmark layout")
    parser.add_argument("--ngram", type=int, default=4, help="shingle size (default 4)")
    parser.add_argument("--per-page", action="store_true", help="print F1 for every page")
    args = parser.parse_args(argv)

    pages = list(load_pages(args.folder))
    if not pages:
        print(f"no scorable pages in {args.folder}", file=sys.stderr)
        return 2
    systems: dict[str, Callable[[Page], str]] = {
        "trafilatura": trafilatura_precision,
        "readability": readability_alone,
        "digest": digest_pipeline,
    }
    results = {}
    seconds = {}
    for name, run in systems.items():
        start = time.perf_counter()
        predictions = [run(page) for page in pages]
        seconds[name] = time.perf_counter() - start
        results[name] = [
            score(page.gold, predicted, args.ngram)
            for page, predicted in zip(pages, predictions, strict=True)
        ]

    print(f"{len(pages)} pages, {args.ngram}-token shingles")
    for name, counts in results.items():
        precision, recall, f1 = summarise(counts)
        print(
            f"{name:<12} precision={precision:.3f}  recall={recall:.3f}  F1={f1:.3f}"
            f"  {1000 * seconds[name] / len(pages):6.1f} ms/page"
        )
    asked = [e for e in _EXTRACTIONS if e.reason]
    taken = [e for e in asked if e.extractor != "trafilatura"]
    print(f"digest asked its second extractor on {len(asked)} pages, took its text on {len(taken)}")
    for extraction in asked if args.per_page else ():
        print(f"  {extraction}")
    if args.per_page:
        print()
        print(f"{'page':<40} " + " ".join(f"{name:>12}" for name in results))
        for index, page in enumerate(pages):
            row = " ".join(f"{page_f1(results[name][index]):>12.3f}" for name in results)
            print(f"{page.name[:40]:<40} {row}")
    return 0


# ---------------------------------------------------------------------------------------------
# Loading


def load_pages(folder: Path) -> Iterator[Page]:
    truth = folder / "ground-truth.json"
    if truth.is_file():
        yield from _benchmark_pages(folder, json.loads(truth.read_text(encoding="utf-8")))
        return
    for path in sorted(folder.iterdir()):
        suffix = next((s for s in _PAGE_SUFFIXES if path.name.endswith(s)), None)
        if suffix is None:
            continue
        name = path.name[: -len(suffix)]
        gold = path.with_name(name + ".txt")
        if not gold.is_file():
            continue
        yield Page(name, _read(path), gold.read_text(encoding="utf-8"))


def _benchmark_pages(folder: Path, truth: dict[str, dict]) -> Iterator[Page]:
    for page_id, item in sorted(truth.items()):
        path = folder / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            print(f"missing {path}; skipped", file=sys.stderr)
            continue
        yield Page(page_id, _read(path), item.get("articleBody") or "", item.get("url"), True)


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


# ---------------------------------------------------------------------------------------------
# Systems


def trafilatura_precision(page: Page) -> str:
    html: bytes | str = page.html.decode("utf-8", errors="replace") if page.utf8_text else page.html
    text = trafilatura.extract(
        html,
        url=page.url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
    )
    return text or ""


def readability_alone(page: Page) -> str:
    html = page.html.decode("utf-8", errors="replace") if page.utf8_text else page.html
    try:
        summary = Document(html, url=page.url).summary(html_partial=True)
        return fromstring(summary).text_content()
    except Exception:  # a page it cannot read scores as an empty prediction
        return ""


_SOURCE = Source(name="benchmark", kind="page", location="")
_EXTRACTIONS: list = []


def digest_pipeline(page: Page) -> str:
    try:
        content = extract_page(page.html, url=page.url)
    except PageError:
        return ""
    _EXTRACTIONS.append(content.extraction)
    article = normalise(page_article(content, _SOURCE, key=page.name, url=None))
    return article.body_text


# ---------------------------------------------------------------------------------------------
# Metric


def shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def score(gold: str, predicted: str, n: int) -> Counts:
    expected, found = shingles(gold, n), shingles(predicted, n)
    tp = fp = fn = 0.0
    for key in expected.keys() | found.keys():
        tp += min(expected[key], found[key])
        fp += max(0, found[key] - expected[key])
        fn += max(0, expected[key] - found[key])
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


def _precision(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fp) if c.tp + c.fp else 0.0


def _recall(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fn) if c.tp + c.fn else 0.0


def summarise(counts: list[Counts]) -> tuple[float, float, float]:
    precisions = [_precision(c) for c in counts if c.tp + c.fp > 0]
    recalls = [_recall(c) for c in counts if c.tp + c.fn > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def page_f1(c: Counts) -> float:
    precision, recall = _precision(c), _recall(c)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


if __name__ == "__main__":
    sys.exit(main())
