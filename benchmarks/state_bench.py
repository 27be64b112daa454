"""What does the state's check, and its copy after each build, cost on a year's state?

Builds a state file as a year of daily builds leaves it, through the state's own API: each day
``--per-day`` shown articles (several paragraphs each, stored whole, as a day is rebuilt from
them) with the day's record and stories, and ``--skipped`` backlog entries in all. Then times,
the median of ``--runs``:

- ``integrity_problems``: the check ``State.open`` runs (schema, then SQLite's quick_check);
- opening the state, with the check, against opening the database alone (what it was before);
- ``back_up``: the online backup into the backup folder, the copy's own check and the rotation.

With ``--keep-days N`` each build drops the articles of the days more than N days back, as a
build with ``keep_days = N`` does (0, the default here, keeps them all).

    python benchmarks/state_bench.py [--days 365] [--per-day 30] [--skipped 40000] [--runs 5]
                                     [--keep-days 90]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.backup import back_up  # noqa: E402
from digest.model import Article, Paragraph, StoryRecord  # noqa: E402
from digest.state import Keep, State, integrity_problems  # noqa: E402

WORDS = (
    *("harbour", "council", "ferry", "bridge", "repair", "orchard", "library", "winter"),
    *("market", "tide", "storm", "lantern", "railway", "schedule", "volunteer", "meadow"),
    *("minister", "election", "budget", "hospital", "school", "flood", "energy", "court"),
)


def sentence(rng: random.Random, words: int = 22) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def make_state(path: Path, days: int, per_day: int, skipped: int, keep_days: int = 0) -> None:
    rng = random.Random(1)
    first = dt.date(2025, 1, 1)
    backlog_per_day = skipped // days
    number = 0
    with State.open(path) as state:
        for offset in range(days):
            day = first + dt.timedelta(days=offset)
            now = dt.datetime.combine(day, dt.time(7), dt.UTC)
            shown = []
            for _ in range(per_day):
                number += 1
                paragraphs = tuple(
                    Paragraph(" ".join(sentence(rng) for _ in range(4)), "body") for _ in range(8)
                )
                shown.append(
                    Article(
                        key=f"id:https://example.org/{number}",
                        source=f"Source {number % 40}",
                        title=sentence(rng, 9),
                        url=f"https://example.org/{number}",
                        published=now,
                        paragraphs=paragraphs,
                        summary=(paragraphs[0].text,),
                    )
                )
            backlog = []
            for _ in range(backlog_per_day):
                number += 1
                backlog.append(
                    Article(
                        key=f"id:https://example.org/{number}",
                        source="Old",
                        title="",
                        url=None,
                        published=None,
                        paragraphs=(),
                    )
                )
            html = "".join(f"<article><p>{a.summary[0]}</p></article>" for a in shown)
            record = state.prepare_day(day, "Morning Read", per_day, html, now)
            stories = [
                StoryRecord(day, f"s{a.key[-8:]}", a.title, a.summary[0], (a.key,)) for a in shown
            ]
            keep = None
            if keep_days:  # as a build with keep_days and the default feed_days (30) keeps
                first = day - dt.timedelta(days=keep_days - 1)
                keep = Keep(first, first - dt.timedelta(days=30))
            state.commit_build(day, shown, backlog, record, now, stories=stories, keep=keep)


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=30)
    parser.add_argument("--skipped", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep-days", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "digest-state.sqlite"
        started = time.perf_counter()
        make_state(path, args.days, args.per_day, args.skipped, args.keep_days)
        made = time.perf_counter() - started
        with sqlite3.connect(path) as db:
            entries = db.execute("SELECT count(*) FROM entries").fetchone()[0]
        db.close()
        size = path.stat().st_size / 1e6
        kept = f", keep_days = {args.keep_days}" if args.keep_days else ""
        print(
            f"state: {entries:,} entries over {args.days} days{kept}, {size:.1f} MB ({made:.0f} s)"
        )
        assert integrity_problems(path) == []

        def open_plain() -> None:
            db = sqlite3.connect(path)
            db.execute("PRAGMA user_version").fetchone()
            db.close()

        def open_checked() -> None:
            with State.open(path):
                pass

        def copy() -> None:
            with State.open(path) as state:
                back_up(state)

        check = median_time(lambda: integrity_problems(path), args.runs)
        plain = median_time(open_plain, args.runs)
        checked = median_time(open_checked, args.runs)
        copied = median_time(copy, args.runs) - checked
        print(f"integrity_problems (schema + quick_check): {check * 1000:.0f} ms")
        print(f"opening: {checked * 1000:.0f} ms with the check, {plain * 1000:.1f} ms without")
        print(f"back_up (copy, its check, rotation): {copied * 1000:.0f} ms")


if __name__ == "__main__":
    main()
