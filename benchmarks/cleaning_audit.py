#!/usr/bin/env python3
"""What cleaning costs: run the normalise stage over a corpus and report, per rule, what it cut.

Usage::

    python benchmarks/cleaning_audit.py                # the feed corpus in tests/fixtures/feeds
    python benchmarks/cleaning_audit.py --feeds DIR    # another folder of feed files
    python benchmarks/cleaning_audit.py --dir DIR      # a folder of pages (.html) or files (.txt)
    python benchmarks/cleaning_audit.py --sample 100   # print 100 removals to read and judge
    python benchmarks/cleaning_audit.py --heldout benchmarks/data/cleaning_heldout.jsonl
    python benchmarks/cleaning_audit.py --heldout FILE --declared  # in each article's language

Each feed file is one source and each folder one source, read in one build, so a source's own
recurring boilerplate is learnt from its entries as the pipeline learns it.

Per rule it prints how often it fired, the characters it removed, and the share of entries
that lost more than a third of their text when it fired; then the same for the whole corpus,
the time cleaning takes per entry (the fastest of ``--repeat`` passes) and what learning the
templates adds, and a random sample of removals (with the text around them) to read and judge
by hand. ``--no-learning`` measures the rules alone.

``--heldout`` scores a labelled set instead (see ``data/cleaning_heldout.jsonl``: one article a
line, every paragraph labelled ``body`` or ``bp:<kind>``, and the build each article arrives
in): the share of real paragraphs kept (floor .995) and of boilerplate kept (ceiling .05),
with every real paragraph lost and every piece of boilerplate kept listed. ``--declared``
cleans each article in the language its line names (``lang``), as a source that declares one:
sentences are then split by that language's rules; without it, as an undeclared source.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.model import Article, Paragraph, Source  # noqa: E402
from digest.state import State  # noqa: E402
from digest.text.normalise import default_rules, normalise, normalise_text, survey  # noqa: E402
from digest.text.recurring import SourceTemplate, learn  # noqa: E402

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".feed", ""}
TEXT_SUFFIXES = {".txt", ".md"}
PAGE_SUFFIXES = {".html", ".htm"}


@dataclass
class Entry:
    """One article of the corpus, before and after cleaning, and what its source's template
    was then (to time cleaning again under the same conditions)."""

    source: str
    raw: Article
    cleaned: Article | None = None
    template: SourceTemplate | None = None


@dataclass
class RuleFigures:
    fires: int = 0
    chars: int = 0
    entries: set[int] = field(default_factory=set)


# --- reading a corpus -------------------------------------------------------------------------


def feed_sources(folder: Path) -> Iterator[tuple[str, list[Article]]]:
    from digest.sources.feeds import FeedError, parse_feed

    for path in sorted(folder.rglob("*")):
        if (
            not path.is_file()
            or path.suffix.lower() not in FEED_SUFFIXES
            or "LICENSES" in path.parts
        ):
            continue
        name = path.relative_to(folder).as_posix()
        source = Source(name, "feed", path.resolve().as_uri())
        with contextlib.suppress(FeedError):
            articles = list(parse_feed(path.read_bytes(), source).articles)
            # Convert the entries' HTML now: the audit times cleaning, not parsing.
            yield name, [_resolved(a) for a in articles]


def _resolved(article: Article) -> Article:
    from dataclasses import replace

    return replace(article, paragraphs=tuple(article.paragraphs))


def folder_sources(folder: Path) -> Iterator[tuple[str, list[Article]]]:
    from digest.sources.files import parse_article_text
    from digest.sources.pages import PageError, extract_page, page_article

    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES | PAGE_SUFFIXES:
            by_folder[path.parent].append(path)
    for parent, paths in sorted(by_folder.items()):
        name = parent.relative_to(folder).as_posix() if parent != folder else folder.name
        source = Source(name, "folder", str(parent))
        articles = []
        for path in paths:
            key = f"file:{path.relative_to(folder).as_posix()}"
            if path.suffix.lower() in PAGE_SUFFIXES:
                try:
                    content = extract_page(path.read_bytes())
                except PageError:
                    continue
                articles.append(page_article(content, source, key=key, url=None))
            else:
                article, _ = parse_article_text(
                    path.read_bytes(),
                    key=key,
                    default_source=name,
                    fallback_date=dt.datetime.now(dt.UTC),
                    markdown=path.suffix.lower() == ".md",
                    label=str(path),
                )
                if article is not None:
                    articles.append(article)
        if articles:
            yield name, articles


# --- cleaning ---------------------------------------------------------------------------------


@dataclass
class Learning:
    """A state file the audit's builds learn each source's recurring paragraphs in, and the
    time that learning costs (fingerprints, look-ups and the commit) on top of cleaning.
    Without a state file nothing is learnt: the rules alone."""

    state: State | None
    now: dt.datetime = dt.datetime(2026, 11, 1, 7, tzinfo=dt.UTC)
    seconds: float = 0.0


def clean_source(articles: Sequence[Article], learning: Learning) -> list[Entry]:
    """Clean one source's articles as one build would: their fingerprints surveyed, the
    source's history recalled, each article normalised, and the fingerprints committed."""
    rules = default_rules()
    templates: dict[str, SourceTemplate] = {}
    sightings = []
    if learning.state is not None:
        started = time.perf_counter()
        sightings = [survey(a) for a in articles]
        templates = learn(sightings, learning.state.source_history(sightings))
        learning.seconds += time.perf_counter() - started
    entries = []
    for article in articles:
        template = templates.get(article.source)
        cleaned = normalise(article, rules, template)
        entries.append(Entry(article.source, article, cleaned, template))
    if learning.state is not None:
        started = time.perf_counter()
        day = learning.now.date()
        learning.state.commit_build(day, [], [], None, learning.now, sightings=sightings)
        learning.seconds += time.perf_counter() - started
    return entries


def text_chars(paragraphs: Sequence[Paragraph]) -> int:
    return sum(len(normalise_text(p.text)) for p in paragraphs)


# --- the report -------------------------------------------------------------------------------


def timed(entries: list[Entry], repeat: int) -> float:
    """Seconds to clean every entry once, the fastest of ``repeat`` passes (the machine's
    speed drifts; the fastest pass is the one least disturbed)."""
    rules = default_rules()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for entry in entries:
            normalise(entry.raw, rules, entry.template)
        best = min(best, time.perf_counter() - started)
    return best


def audit(
    entries: list[Entry], sample: int, seed: int, learning: Learning, repeat: int = 3
) -> None:
    figures: dict[str, RuleFigures] = defaultdict(RuleFigures)
    heavy: set[int] = set()
    for number, entry in enumerate(entries):
        assert entry.cleaned is not None
        before = text_chars(entry.raw.paragraphs)
        after = text_chars(entry.cleaned.paragraphs)
        if before and before - after > before / 3:
            heavy.add(number)
        for removal in entry.cleaned.removed:
            rule = figures[removal.rule]
            rule.fires += 1
            rule.chars += len(removal.text)
            rule.entries.add(number)

    total_chars = sum(text_chars(e.raw.paragraphs) for e in entries)
    print(f"{len(entries)} entries, {total_chars:,} characters of text")
    print()
    print(f"{'rule':<28} {'fires':>6} {'entries':>8} {'chars':>9} {'lost >1/3':>10}")
    for rule_id, rule in sorted(figures.items(), key=lambda kv: -kv[1].chars):
        lost = len(rule.entries & heavy) / len(rule.entries)
        count = len(rule.entries)
        print(f"{rule_id:<28} {rule.fires:>6} {count:>8} {rule.chars:>9,} {lost:>10.1%}")
    removed = sum(r.chars for r in figures.values())
    touched = set().union(*(r.entries for r in figures.values())) if figures else set()
    print()
    print(f"characters removed: {removed:,} ({removed / max(total_chars, 1):.2%})")
    print(f"entries touched: {len(touched)} ({len(touched) / max(len(entries), 1):.1%})")
    share = len(heavy) / max(len(entries), 1)
    print(f"entries that lost more than a third: {len(heavy)} ({share:.2%})")
    seconds = timed(entries, repeat)
    print(f"cleaning: {1000 * seconds / max(len(entries), 1):.3f} ms per entry on average")
    each = 1000 * learning.seconds / max(len(entries), 1)
    print(f"learning recurring paragraphs: {each:.3f} ms per entry more (survey, state)")

    if sample:
        print_sample(entries, sample, seed)


def print_sample(entries: list[Entry], size: int, seed: int) -> None:
    removals = [
        (number, index)
        for number, entry in enumerate(entries)
        for index in range(len(entry.cleaned.removed if entry.cleaned else ()))
    ]
    chosen = sorted(random.Random(seed).sample(removals, min(size, len(removals))))
    print(f"\n--- a random sample of {len(chosen)} of {len(removals)} removals (seed {seed}) ---")
    for count, (number, index) in enumerate(chosen, 1):
        entry = entries[number]
        assert entry.cleaned is not None
        removal = entry.cleaned.removed[index]
        print(f"\n#{count} [{removal.rule}] {entry.source}: {entry.raw.title[:80]!r}")
        print(f"    cut:  {_clip(removal.text, 400)}")
        for label, text in _context(entry.raw, removal.text):
            print(f"    {label}: {_clip(text, 160)}")


def _context(raw: Article, cut: str) -> list[tuple[str, str]]:
    texts = [normalise_text(p.text) for p in raw.paragraphs]
    for position, text in enumerate(texts):
        if cut in text:
            out = []
            if position > 0:
                out.append(("before", texts[position - 1]))
            if text != cut:
                out.append(("whole", text))
            if position + 1 < len(texts):
                out.append(("after", texts[position + 1]))
            return out
    return []


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# --- the held-out set -------------------------------------------------------------------------


def heldout(path: Path, verbose: bool, learning: Learning, declared: bool = False) -> None:
    articles = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    by_source: dict[str, list[dict]] = defaultdict(list)
    for item in articles:
        by_source[item["source"]].append(item)

    body = body_kept = bp = bp_kept = 0
    lost: list[tuple[str, str]] = []
    survived: list[tuple[str, str, str]] = []
    per_kind: Counter[str] = Counter()
    per_kind_kept: Counter[str] = Counter()
    for source, items in by_source.items():
        builds = sorted({item["build"] for item in items})
        for build in builds:
            learning.now += dt.timedelta(days=1)
            batch = [item for item in items if item["build"] == build]
            raws = [
                Article(
                    key=f"{source}/{build}/{n}",
                    source=source,
                    title=item["title"] or "",
                    paragraphs=tuple(Paragraph(text) for _, text in item["paragraphs"]),
                    # with --declared, in its language ("lang"), as a source that says it
                    language=item.get("lang") if declared else None,
                )
                for n, item in enumerate(batch)
            ]
            entries = clean_source(raws, learning)
            for item, entry in zip(batch, entries, strict=True):
                assert entry.cleaned is not None
                # code is kept verbatim: compare both sides with whitespace collapsed
                kept = [normalise_text(p.text) for p in entry.cleaned.paragraphs]
                for (label, text), survives in zip(
                    item["paragraphs"], survivors(item["paragraphs"], kept), strict=True
                ):
                    if label == "body":
                        body += 1
                        body_kept += survives
                        if not survives:
                            lost.append((source, text))
                    else:
                        bp += 1
                        bp_kept += survives
                        per_kind[label] += 1
                        per_kind_kept[label] += survives
                        if survives:
                            survived.append((source, label, text))
    print(f"{len(articles)} articles from {len(by_source)} sources")
    print(f"real paragraphs kept: {body_kept}/{body} = {body_kept / body:.3f} (floor .995)")
    if bp:
        print(f"boilerplate kept:     {bp_kept}/{bp} = {bp_kept / bp:.3f} (ceiling .05)")
    else:  # a set of real text only: what counts is that none of it is lost
        print("boilerplate kept:     none labelled")
    print("\nboilerplate kept, by kind:")
    for kind in sorted(per_kind):
        print(f"  {kind:<16} {per_kind_kept[kind]}/{per_kind[kind]}")
    if verbose:
        print("\nreal paragraphs lost:")
        for source, text in lost:
            print(f"  {source}: {_clip(text, 120)}")
        print("\nboilerplate kept:")
        for source, label, text in survived:
            print(f"  {source} [{label}]: {_clip(text, 120)}")


def survivors(labelled: list[list[str]], kept: list[str]) -> list[bool]:
    """Which input paragraphs survive, by walking the input and the output in step: a
    paragraph survives whole when it is the next paragraph out, and a piece of it survives
    when the next paragraph out is part of it (a sentence was cut)."""
    out = []
    position = 0
    for _, text in labelled:
        text = normalise_text(text)
        if position < len(kept) and (kept[position] == text or kept[position] in text):
            out.append(True)
            position += 1
        else:
            out.append(False)
    return out


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=Path, action="append", help="a folder of feed files")
    parser.add_argument("--dir", type=Path, action="append", help="a folder of pages or files")
    parser.add_argument("--sample", type=int, default=0, help="print this many removals")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (the fastest counts)")
    parser.add_argument("--heldout", type=Path, help="score a labelled set instead")
    parser.add_argument(
        "--declared",
        action="store_true",
        help="clean each held-out article in its language ('lang'), not as undeclared",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--no-learning",
        action="store_true",
        help="the rules alone: learn no source's recurring paragraphs",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        state = None
        if not args.no_learning:
            state = stack.enter_context(State.open(Path(folder) / "audit-state.sqlite"))
        run(args, Learning(state))


def run(args: argparse.Namespace, learning: Learning) -> None:
    if args.heldout:
        heldout(args.heldout, args.verbose, learning, args.declared)
        return
    feeds = args.feeds
    if feeds is None:
        feeds = [] if args.dir else [ROOT / "tests/fixtures/feeds"]
    sources = [s for folder in feeds for s in feed_sources(folder)]
    sources += [s for folder in args.dir or () for s in folder_sources(folder)]
    entries = [entry for _, articles in sources for entry in clean_source(articles, learning)]
    print(f"{len(sources)} sources")
    audit(entries, args.sample, args.seed, learning, args.repeat)


if __name__ == "__main__":
    main()
