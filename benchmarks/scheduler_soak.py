"""What one long-running ``digest run`` process keeps from build to build.

Runs many scheduled jobs in one process, as ``digest run`` does over weeks, against a real
HTTP server on 127.0.0.1 whose feeds bring new articles for each build, and prints, every
few builds, what a leak would show: the process's resident memory, its open file
descriptors, its threads, its child processes (the worker pool's fork server and resource
tracker, each with its state: a "Z" is a zombie) and the files beside the state and in the
output folder. With ``--trace``, the lines of digest whose memory grew most between the
``--trace-from``-th build and the last (tracemalloc: several times slower).

    python benchmarks/scheduler_soak.py [--builds 100] [--feeds 45] [--hours 1] [--trace]

45 feeds or more start the worker processes (``digest.intake.POOL_MIN_SOURCES``); fewer are
read in the build's own process. The clock moves ``--hours`` per build, so the state gains
days as it would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import logging
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

WORDS = [
    "river",
    "council",
    "budget",
    "storm",
    "harbour",
    "rail",
    "school",
    "vote",
    "market",
    "bridge",
    "festival",
    "court",
    "energy",
    "water",
    "farm",
    "trade",
]


@dataclass
class Moment:
    """The build under way and the clock it reads, moved by the loop."""

    build: int
    now: dt.datetime


def feed(index: int, moment: Moment, base: str) -> Callable[[Any], Any]:
    """Source ``index``'s feed: its last five articles, one new each build."""
    from httpserver import Reply

    def reply(_request: object) -> Reply:
        build, now = moment.build, moment.now
        items = []
        for k in range(max(0, build - 4), build + 1):
            one, two = WORDS[(index + k) % len(WORDS)], WORDS[(index * 3 + k) % len(WORDS)]
            when = now - dt.timedelta(minutes=10 * (build - k) + index)
            items.append(
                f"<item><title>{one.title()} {two} report {k} from source {index}</title>"
                f"<link>{base}/article/{index}-{k}</link><guid>s{index}-{k}</guid>"
                f"<pubDate>{format_datetime(when)}</pubDate><description>The {one} {two} "
                f"story number {k} told by source {index}, with more words about the {two} "
                f"and the {one} today. A second sentence follows.</description></item>"
            )
        body = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Source {index}</title>'
            f"<link>{base}/</link><description>d</description>{''.join(items)}</channel></rss>"
        )
        return Reply(200, body, headers={"Content-Type": "application/rss+xml"})

    return reply


HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(index: int, k: int) -> str:
    one, two = WORDS[(index + k) % len(WORDS)], WORDS[(index * 3 + k) % len(WORDS)]
    paragraphs = "".join(
        f"<p>Paragraph {n} of report {k} from source {index}: the {one} and the {two}, as "
        f"the town saw them on the day, with a few more words to make it read as news.</p>"
        for n in range(6)
    )
    return (
        f"<!doctype html><html><head><title>{one.title()} {two} report {k}</title></head>"
        f"<body><article><h1>{one.title()} {two} report {k}</h1>{paragraphs}</article>"
        "</body></html>"
    )


def resident_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def children() -> list[str]:
    """This process's children, as "pid:state"."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.append(f"{stat.parent.name}:{fields[0]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=100)
    parser.add_argument("--feeds", type=int, default=45)
    parser.add_argument("--hours", type=float, default=1.0, help="clock moved per build")
    parser.add_argument("--trace", action="store_true", help="compare memory with tracemalloc")
    parser.add_argument("--trace-from", type=int, default=10)
    args = parser.parse_args()

    logging.basicConfig(level=logging.ERROR)  # the table alone, and what failed
    with tempfile.TemporaryDirectory(prefix="digest-soak-") as folder:
        soak(args, Path(folder))


def soak(args: argparse.Namespace, root: Path) -> None:
    from httpserver import FixtureServer, Reply

    from digest.config import load_config
    from digest.scheduler import Scheduler, scheduled_job

    moment = Moment(0, dt.datetime(2026, 11, 20, 6, tzinfo=dt.UTC))
    with FixtureServer() as server:
        base = server.url("/").rstrip("/")
        for i in range(args.feeds):
            server.route(f"/feed/{i}.xml", feed(i, moment, base))
            for k in range(args.builds + 1):  # each article's page, for its full text
                server.route(f"/article/{i}-{k}", Reply(200, page(i, k), headers=HTML))
        sources = "".join(
            f'[[sources]]\nname = "Source {i}"\nurl = "{base}/feed/{i}.xml"\n'
            for i in range(args.feeds)
        )
        (root / "digest.toml").write_text(f'title = "Soak"\ntimezone = "UTC"\n{sources}')
        config = load_config(root / "digest.toml")

        def clock() -> dt.datetime:
            return moment.now

        scheduler = Scheduler(config, lambda: scheduled_job(config, clock=clock), clock=clock)
        if args.trace:
            tracemalloc.start(10)
        first = None
        started = time.perf_counter()
        print("build  RSS (KB)  fds  threads  children  beside the state  output files")
        for build in range(1, args.builds + 1):
            moment.build = build
            moment.now += dt.timedelta(hours=args.hours)
            report = scheduler.run_job()
            if not report.ok:
                print(f"build {build} failed: {report.detail}")
            gc.collect()
            if build in (1, 2, 5) or build % 10 == 0 or build == args.builds:
                print(
                    f"{build:5d}  {resident_kb():8d}  {len(os.listdir('/proc/self/fd')):3d}  "
                    f"{threading.active_count():7d}  {' '.join(children()) or '-':8}  "
                    f"{len(os.listdir(root)):16d}  {len(os.listdir(root / 'output')):12d}",
                    flush=True,
                )
            if args.trace and build == args.trace_from:
                first = tracemalloc.take_snapshot()
        print(f"{args.builds} builds in {time.perf_counter() - started:.0f} s")
        if first is not None:
            grown = tracemalloc.take_snapshot().compare_to(first, "lineno")
            for stat in grown[:10]:
                print(stat)


if __name__ == "__main__":  # (the worker pool's fork server imports this module too)
    main()
