"""Feed parsing speed and coverage: digest's parse_feed against feedparser.parse.

    python benchmarks/parse_bench.py [DIR] [--repeat N]

Parses every file under DIR (default: tests/fixtures/feeds; README.md, LICENSES/ and the
expected-counts CSV are skipped) and prints throughput in MB/s of CPU time, the entries
found, every file where parse_feed found fewer entries than feedparser (there must be none),
and the speed ratios.

parse_feed is timed twice: as the pipeline calls it (each article's HTML is converted to
paragraphs only when something reads them, so this is decoding, XML, titles, links, dates
and keys), and with every article's paragraphs read as well, which is the whole job and the
fair comparison with feedparser.parse (it sanitises all of the entries' HTML up front).

For each file the contenders take turns, N times, and each one's best time counts: on a
busy machine they then see the same conditions, and the best-of-N drops the interruptions.
"Entries" for parse_feed are the articles it returned plus the ones it reported as skipped
for having no title, link or text (ParsedFeed.skipped).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import feedparser

from digest.model import Source
from digest.sources.feeds import FeedError, parse_feed

SKIP_NAMES = {"README.md", "expected_counts.csv"}
SOURCE = Source(name="bench", kind="feed", location="bench")


def feed_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.name not in SKIP_NAMES and "LICENSES" not in path.parts
    )


def timed_turns(funcs, data: bytes, repeat: int) -> list[tuple[float, object]]:
    """(best CPU time, result) per function, the functions taking turns ``repeat`` times."""
    best = [float("inf")] * len(funcs)
    results: list = [None] * len(funcs)
    for _ in range(repeat):
        for index, func in enumerate(funcs):
            start = time.process_time()
            results[index] = func(data)
            best[index] = min(best[index], time.process_time() - start)
    return list(zip(best, results, strict=True))


def ours(data: bytes):
    """(entries, which parser or the FeedError) — paragraphs left unread."""
    try:
        parsed = parse_feed(data, SOURCE)
    except FeedError as exc:
        return 0, f"FeedError: {exc.problem}"
    return len(parsed.articles) + parsed.skipped, parsed.parser


def ours_with_paragraphs(data: bytes):
    """(entries, paragraphs) — every article's paragraphs read, so converted."""
    try:
        parsed = parse_feed(data, SOURCE)
    except FeedError:
        return 0, 0
    paragraphs = sum(len(article.paragraphs) for article in parsed.articles)
    return len(parsed.articles) + parsed.skipped, paragraphs


def theirs(data: bytes):
    return len(feedparser.parse(data).entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="tests/fixtures/feeds", type=Path)
    parser.add_argument("--repeat", type=int, default=5, help="runs per file; best counts")
    args = parser.parse_args(argv)

    files = feed_files(args.folder)
    if not files:
        print(f"no files under {args.folder}", file=sys.stderr)
        return 2
    contenders = (ours, ours_with_paragraphs, theirs)
    for func in contenders:  # warm caches and imports for every side
        func(files[0].read_bytes())

    datas = [path.read_bytes() for path in files]
    megabytes = sum(len(data) for data in datas) / 1_000_000
    timings = [timed_turns(contenders, data, args.repeat) for data in datas]
    lazy_time, full_time, their_time = (sum(t[i][0] for t in timings) for i in range(3))
    our_entries = sum(t[0][1][0] for t in timings)
    paragraphs = sum(t[1][1][1] for t in timings)
    their_entries = sum(t[2][1] for t in timings)

    fewer, fallbacks, errors = [], [], []
    for path, ((_, (found, how)), _, (_, their_found)) in zip(files, timings, strict=True):
        name = str(path.relative_to(args.folder))
        if found < their_found:
            fewer.append(f"  {name}: parse_feed {found}, feedparser {their_found} ({how})")
        if how == "feedparser":
            fallbacks.append(f"  {name}")
        if how.startswith("FeedError"):
            errors.append(f"  {name}: {how[11:]} (feedparser: {their_found} entries)")

    def line(label: str, seconds: float, detail: str) -> str:
        return f"{label:34} {seconds:6.2f} s {megabytes / seconds:7.1f} MB/s  {detail}"

    print(f"{len(files)} files, {megabytes:.1f} MB, best of {args.repeat} runs, CPU time")
    print(line("parse_feed (paragraphs deferred):", lazy_time, f"{our_entries} entries"))
    print(line("parse_feed + every paragraph:", full_time, f"{paragraphs} paragraphs"))
    print(line("feedparser.parse:", their_time, f"{their_entries} entries"))
    print(
        f"speed ratio: {their_time / full_time:.1f}x with every paragraph converted, "
        f"{their_time / lazy_time:.1f}x with paragraphs deferred"
    )
    print(f"files where parse_feed found fewer entries than feedparser: {len(fewer)}")
    print("\n".join(fewer))
    print(f"files read through the feedparser fallback: {len(fallbacks)}")
    print("\n".join(fallbacks))
    print(f"files rejected with FeedError: {len(errors)}")
    print("\n".join(errors))
    return 1 if fewer else 0


if __name__ == "__main__":
    raise SystemExit(main())
