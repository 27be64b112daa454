"""Benchmark the lead-sentence summariser: cost per article, and ROUGE-1 of Lead-3.

    python benchmarks/summarise_bench.py                      # bundled articles
    python benchmarks/summarise_bench.py --dir SOME/TEXTS     # plus a folder of .txt files
    python benchmarks/summarise_bench.py --jsonl test.jsonl   # CNN/DailyMail-style references

Every splitter runs through the same lead logic (skip headings, bylines, datelines, credits),
so the figures compare the splitters alone. digest's own splitter always runs; blingfire, pysbd,
syntok and NLTK's punkt (with its data already installed) run when importable, else are skipped.

Cost: wall time of split + lead for one article (the default 3 sentences, 600 characters),
median and 95th percentile over every article of every run. "full split" is the cost of
splitting the whole article, for comparison with splitters that cannot stop early.

Quality, with --jsonl (one {"article": ..., "highlights": ...} object per line, the format of
the CNN/DailyMail test split; highlights are newline-separated): ROUGE-1 F1 (also P and R) of
the first three sentences against the highlights, averaged over articles. Tokens are runs of
word characters after lower-casing; there is no stemming and no stop-word removal, so figures
run a little below those of the ``rouge-score`` package with its Porter stemmer on.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.model import Paragraph  # noqa: E402
from digest.summarise import _lead_sentences  # noqa: E402
from digest.text.sentences import iter_sentences, split_sentences  # noqa: E402

Splitter = Callable[[str], Iterable[str]]
_TOKEN = re.compile(r"\w+")
_BLANK_LINE = re.compile(r"\n\s*\n")


def splitters() -> dict[str, tuple[Splitter, Splitter]]:
    """name -> (the splitter the lead uses, the full splitter); missing libraries skipped."""
    found: dict[str, tuple[Splitter, Splitter]] = {"digest": (iter_sentences, split_sentences)}
    try:
        import blingfire

        def bling(text: str) -> list[str]:
            return [s for s in blingfire.text_to_sentences(text).split("\n") if s.strip()]

        found["blingfire"] = (bling, bling)
    except (ImportError, OSError) as exc:  # it also loads a native library
        print(f"skipping blingfire: {exc}", file=sys.stderr)
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)

        def sbd(text: str) -> list[str]:
            return [s.strip() for s in segmenter.segment(text) if s.strip()]

        found["pysbd"] = (sbd, sbd)
    except ImportError as exc:
        print(f"skipping pysbd: {exc}", file=sys.stderr)
    try:
        import syntok.segmenter as syntok_segmenter

        def syn(text: str) -> list[str]:
            return [
                "".join(t.spacing + t.value for t in sentence).strip()
                for paragraph in syntok_segmenter.process(text)
                for sentence in paragraph
            ]

        found["syntok"] = (syn, syn)
    except ImportError as exc:
        print(f"skipping syntok: {exc}", file=sys.stderr)
    try:  # punkt needs its data installed beforehand; nothing is downloaded here
        import nltk

        nltk.sent_tokenize("One. Two.")
        found["nltk-punkt"] = (nltk.sent_tokenize, nltk.sent_tokenize)
    except (ImportError, LookupError) as exc:
        print(f"skipping nltk punkt: {type(exc).__name__}", file=sys.stderr)
    return found


def to_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Blank-line paragraphs; a file with none but several lines has one paragraph a line."""
    blocks = _BLANK_LINE.split(text.strip())
    if len(blocks) == 1 and "\n" in blocks[0]:
        blocks = blocks[0].split("\n")
    return tuple(Paragraph(b.strip()) for b in blocks if b.strip())


def read_jsonl(path: Path) -> list[tuple[str, str]]:
    pairs = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                pairs.append((row["article"], row["highlights"]))
    return pairs


def bundled_texts(extra_dir: Path | None) -> list[str]:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    files += sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))
    if extra_dir is not None:
        files += sorted(extra_dir.rglob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in files]
    texts += [article for article, _ in read_jsonl(ROOT / "benchmarks" / "data" / "news30.jsonl")]
    return [t for t in texts if t.strip()]


def time_per_article(fn: Callable[[object], object], items: list, runs: int) -> tuple[float, float]:
    """Median and p95 milliseconds per item over ``runs`` passes (after one warm-up pass)."""
    for item in items:
        fn(item)
    samples = []
    clock = time.perf_counter_ns
    for _ in range(runs):
        for item in items:
            t0 = clock()
            fn(item)
            samples.append(clock() - t0)
    samples.sort()
    return samples[len(samples) // 2] / 1e6, samples[int(len(samples) * 0.95)] / 1e6


def rouge1(candidate: str, reference: str) -> tuple[float, float, float]:
    """ROUGE-1 precision, recall and F1: clipped unigram overlap, lower-cased word tokens."""
    cand = Counter(_TOKEN.findall(candidate.lower()))
    ref = Counter(_TOKEN.findall(reference.lower()))
    overlap = sum((cand & ref).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p = overlap / sum(cand.values())
    r = overlap / sum(ref.values())
    return p, r, 2 * p * r / (p + r)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="also time the .txt files under this folder")
    parser.add_argument("--jsonl", type=Path, help="score Lead-3 against these references")
    parser.add_argument("--runs", type=int, default=10, help="timing passes (default 10)")
    parser.add_argument("--min-articles", type=int, default=300, help="replicate up to this")
    parser.add_argument("--limit", type=int, help="use only the first N JSONL articles")
    args = parser.parse_args(argv)

    found = splitters()
    texts = bundled_texts(args.dir)
    pairs = read_jsonl(args.jsonl) if args.jsonl else []
    if args.limit:
        pairs = pairs[: args.limit]
    texts += [article for article, _ in pairs]
    texts = list(dict.fromkeys(texts))  # the bundled JSONL may also be the --jsonl one
    corpus = [to_paragraphs(t) for t in texts]
    # The raw CNN/DailyMail layout: the whole article as one block of text.
    blocks = [(Paragraph(" ".join(t.split())),) for t in texts]
    copies = max(1, -(-args.min_articles // len(corpus)))
    chars = statistics.mean(len(t) for t in texts)
    print(f"{len(texts)} distinct articles (mean {chars:.0f} chars), each timed {copies} times")
    print(f"per pass, over {args.runs} passes; ms per article, median / p95")
    print("lead: split + lead (3 sentences, 600 chars); full: split the whole article\n")

    ours = [_lead_sentences(p, 3, 600, iter_sentences) for p in corpus]
    header = ("lead, paragraphs", "lead, one block", "full, one block")
    print(f"{'splitter':<10}" + "".join(f"{h:>18}" for h in header) + "  same lead as digest")
    for name, (lazy, full) in found.items():
        cells = [
            time_per_article(
                lambda ps, lazy=lazy: _lead_sentences(ps, 3, 600, lazy), corpus * copies, args.runs
            ),
            time_per_article(
                lambda ps, lazy=lazy: _lead_sentences(ps, 3, 600, lazy), blocks * copies, args.runs
            ),
            time_per_article(lambda ps, full=full: full(ps[0].text), blocks * copies, args.runs),
        ]
        leads = [_lead_sentences(p, 3, 600, lazy) for p in corpus]
        same = sum(a == b for a, b in zip(leads, ours, strict=True)) / len(corpus)
        print(
            f"{name:<10}"
            + "".join(f"{med:>9.3f} / {p95:<6.3f}" for med, p95 in cells)
            + f"  {same:6.1%}"
        )

    if pairs:
        print(f"\nROUGE-1 of Lead-3 on {len(pairs)} articles of {args.jsonl.name} (P / R / F1)")
        rows: list[tuple[str, Callable[[str], list[str]]]] = [
            ("digest, first 3 sentences as split (no skipping)", _plain_lead3),
        ]
        for name, (lazy, _) in found.items():
            rows.append((f"{name} + lead (3 sentences, no budget)", _lead3_with(lazy, 0)))
        rows.append(("digest + lead (3 sentences, 600 chars)", _lead3_with(iter_sentences, 600)))
        for label, lead in rows:
            scores = [rouge1(" ".join(lead(article)), ref) for article, ref in pairs]
            p, r, f = (100 * statistics.mean(s[i] for s in scores) for i in range(3))
            print(f"  {label:<52} {p:5.1f} / {r:5.1f} / {f:5.1f}")
    return 0


def _plain_lead3(article: str) -> list[str]:
    return split_sentences(article)[:3]


def _lead3_with(split: Splitter, max_chars: int) -> Callable[[str], list[str]]:
    def lead(article: str) -> list[str]:
        return list(_lead_sentences(to_paragraphs(article), 3, max_chars, split))

    return lead


if __name__ == "__main__":
    raise SystemExit(main())
