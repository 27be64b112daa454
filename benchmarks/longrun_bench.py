"""What do months of unattended daily builds leave behind, and does a build slow down with them?

Serves ``--sources`` RSS feeds from a loopback HTTP server; every simulated day each feed gains
``--per-day`` entries (five paragraphs of made-up words, so that few of them join one story)
and lists its newest 25. Then builds each day in turn, as a daily cron job would, with the
clock pinned to 07:00 UTC of the day (days from 2025-01-01 on), and after each of them runs
the same build an hour later, which finds nothing new (what most hourly runs find). Every
``--every`` days, and on the last, it prints:

- the seconds of the day's build and of the run that found nothing new, and the latter's peak
  of memory allocated by Python (``tracemalloc``; the day's build itself is timed without it);
- the state file's size, and the number and total size of its copies;
- the output folder: its files and bytes, ``archive.html``, ``feed.atom`` and (with
  ``--articles-feed``) ``articles.atom`` with their entries.

    python benchmarks/longrun_bench.py [--days 400] [--sources 12] [--per-day 4]
                                       [--keep-days 90] [--articles-feed] [--every 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest import usecases  # noqa: E402
from digest.config import Config  # noqa: E402
from digest.model import Source  # noqa: E402

FIRST = dt.date(2025, 1, 1)
LISTED = 25  # entries a feed lists, newest first
_rng = random.Random(7)
WORDS = [
    "".join(
        _rng.choice("bcdfghjklmnprstvz") + _rng.choice("aeiou") for _ in range(_rng.randint(2, 4))
    )
    for _ in range(5000)
]
COMMON = ("the", "a", "of", "and", "to", "in", "said", "on", "with", "for", "was", "that", "by")


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) if rng.random() < 0.5 else rng.choice(COMMON) for _ in range(18)]
    return " ".join(words).capitalize() + "."


class Feeds:
    """Every source's entries as of the simulated day, served as RSS."""

    def __init__(self, sources: int, per_day: int) -> None:
        self.per_day = per_day
        self.entries: list[list[str]] = [[] for _ in range(sources)]

    def add_day(self, day: dt.date) -> None:
        for number, items in enumerate(self.entries):
            rng = random.Random(f"{number}-{day}")
            for k in range(self.per_day):
                when = dt.datetime.combine(day, dt.time(1 + k % 5, k), dt.UTC)
                url = f"https://src{number}.example.org/{day}/{k}"
                title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
                body = "".join(
                    f"<p>{' '.join(sentence(rng) for _ in range(4))}</p>" for _ in range(5)
                )
                items.append(
                    f"<item><title>{title}</title><link>{url}</link><guid>{url}</guid>"
                    f"<pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
                    f"<description><![CDATA[{body}]]></description></item>"
                )
            del items[:-LISTED]

    def feed(self, number: int) -> bytes:
        items = "".join(reversed(self.entries[number]))
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel>'
            f"<title>Source {number}</title><link>https://src{number}.example.org/</link>"
            f"<description>Source {number}</description>{items}</channel></rss>"
        ).encode()


def serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                body = feeds.feed(int(self.path.removeprefix("/feed").removesuffix(".xml")))
            except (ValueError, IndexError):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def entries(path: Path) -> str:
    if not path.exists():
        return "-"
    data = path.read_bytes()
    return f"{len(data) / 1e6:.2f} MB, {data.count(b'<entry')} entries"


def report(n: int, config: Config, built: float, rerun: float, peak: int) -> None:
    copies = list(config.state.parent.glob(f"{config.state.name}.backups/*.sqlite"))
    out = list(config.output.iterdir())
    print(
        f"day {n:4}: build {built:5.2f} s, nothing-new run {rerun:5.2f} s and {peak / 1e6:5.1f} MB"
        f" | state {config.state.stat().st_size / 1e6:6.1f} MB, {len(copies)} copies"
        f" {sum(p.stat().st_size for p in copies) / 1e6:6.1f} MB"
        f" | output {len(out)} files {sum(p.stat().st_size for p in out) / 1e6:6.1f} MB,"
        f" archive {(config.output / 'archive.html').stat().st_size / 1e3:.0f} KB,"
        f" feed.atom {entries(config.output / 'feed.atom')},"
        f" articles.atom {entries(config.output / 'articles.atom')}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--per-day", type=int, default=4)
    parser.add_argument("--keep-days", type=int, default=90)
    parser.add_argument("--articles-feed", action="store_true")
    parser.add_argument("--every", type=int, default=50)
    args = parser.parse_args()
    feeds = Feeds(args.sources, args.per_day)
    server = serve(feeds)
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as folder:
        config = Config(
            title="Morning Read",
            site_url="https://example.org/news/",
            sources=tuple(
                Source(f"Source {s}", "feed", f"http://127.0.0.1:{port}/feed{s}.xml")
                for s in range(args.sources)
            ),
            output=Path(folder) / "output",
            state=Path(folder) / "digest-state.sqlite",
            keep_days=args.keep_days,
            articles_feed=args.articles_feed,
        )
        for n in range(1, args.days + 1):
            day = FIRST + dt.timedelta(days=n - 1)
            feeds.add_day(day)
            morning = dt.datetime.combine(day, dt.time(7), dt.UTC)
            started = time.perf_counter()
            usecases.build_day(config, day, now=morning)
            built = time.perf_counter() - started
            tracemalloc.start()
            started = time.perf_counter()
            usecases.build_day(config, day, now=morning + dt.timedelta(hours=1))
            rerun = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            if n == 1 or n % args.every == 0 or n == args.days:
                report(n, config, built, rerun, peak)
    server.shutdown()


if __name__ == "__main__":
    main()
