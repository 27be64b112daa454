"""Feed parsing speed and coverage: digest's parse_feed against feedparser.parse.

    python benchmarks/parse_bench.py [DIR] [--repeat N]

Parses every file under DIR (default: tests/fixtures/feeds; README.md, LICENSES/ and the
expected-counts CSV are skipped) with both parsers and prints throughput in MB/s of CPU
time, the entries each found, every file where parse_feed found fewer entries than
feedparser (there must be none), and the speed ratio.

For each file the two parsers take turns, N times, and each one's best time counts: on a
busy machine both then see the same conditions, and the best-of-N drops the interruptions.
parse_feed's time is the whole job (decoding, XML, HTML to
paragraphs, dates, URLs); feedparser's is feedparser.parse alone. "Entries" for parse_feed
are the articles it returned plus the ones it reported as skipped for having no title, link
or text (ParsedFeed.skipped).
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
    source = Source(name="bench", kind="feed", location="bench")
    try:
        parsed = parse_feed(data, source)
    except FeedError as exc:
        return 0, f"FeedError: {exc.problem}", ""
    return len(parsed.articles) + parsed.skipped, parsed.parser, parsed.skipped


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
    ours(files[0].read_bytes())  # warm caches and imports for both sides
    theirs(files[0].read_bytes())

    datas = [path.read_bytes() for path in files]
    total_bytes = sum(len(data) for data in datas)
    timings = [timed_turns((ours, theirs), data, args.repeat) for data in datas]
    our_time = sum(mine[0] for mine, _ in timings)
    their_time = sum(other[0] for _, other in timings)
    our_results = [mine[1] for mine, _ in timings]
    their_results = [other[1] for _, other in timings]
    our_entries = sum(result[0] for result in our_results)
    their_entries = sum(their_results)
    fewer: list[str] = []
    fallbacks: list[str] = []
    errors: list[str] = []
    for path, (found, how, _skipped), their_found in zip(
        files, our_results, their_results, strict=True
    ):
        name = str(path.relative_to(args.folder))
        if found < their_found:
            fewer.append(f"  {name}: parse_feed {found}, feedparser {their_found} ({how})")
        if how == "feedparser":
            fallbacks.append(f"  {name}")
        if how.startswith("FeedError"):
            errors.append(f"  {name}: {how[11:]} (feedparser: {their_found} entries)")

    megabytes = total_bytes / 1_000_000
    print(f"{len(files)} files, {megabytes:.1f} MB, best of {args.repeat} runs, CPU time")
    print(
        f"parse_feed:       {our_time:6.2f} s  {megabytes / our_time:7.1f} MB/s  "
        f"{our_entries} entries"
    )
    print(
        f"feedparser.parse: {their_time:6.2f} s  {megabytes / their_time:7.1f} MB/s  "
        f"{their_entries} entries"
    )
    print(f"speed ratio: {their_time / our_time:.1f}x")
    print(f"files where parse_feed found fewer entries than feedparser: {len(fewer)}")
    print("\n".join(fewer))
    print(f"files read through the feedparser fallback: {len(fallbacks)}")
    print("\n".join(fallbacks))
    print(f"files rejected with FeedError: {len(errors)}")
    print("\n".join(errors))
    return 1 if fewer else 0


if __name__ == "__main__":
    raise SystemExit(main())
