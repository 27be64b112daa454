"""How fast is a whole `digest build` over real feeds, against feedparser alone?

Serves every feed file under a corpus folder from a loopback HTTP server (with ETags, so a
rerun is all "304 Not Modified"), then, in one process and one run:

1. parses every file with ``feedparser.parse`` (the baseline most feed tools spend their time in);
2. runs ``digest build`` against the served feeds with a fresh state (the ratio to 1 is the
   headline figure), then again with nothing new (every source answers 304);
3. times each stage on its own (fetch, parse, normalise, summarise, render) and prints
   entries per second;
4. optionally repeats the build with the corpus replicated to N feeds at distinct URLs, to
   show how the cost grows.

Peak memory is the process's maximum resident set size. Run it as:

    python benchmarks/build_bench.py [CORPUS_DIR] [--scale 2000] [--window-hours 0]

CORPUS_DIR defaults to tests/fixtures/feeds. ``--window-hours 0`` (the default here) makes
the first run take every entry, so that every stage sees the whole corpus; the default
config's 24-hour first-run window would skip almost all of these old entries.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest import present, render  # noqa: E402
from digest.config import Config, FetchConfig  # noqa: E402
from digest.model import Digest, Source  # noqa: E402
from digest.pipeline import build, prepare_article  # noqa: E402
from digest.summarise import summarise  # noqa: E402
from digest.text.normalise import default_rules, normalise  # noqa: E402

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".feed", ""}


def corpus_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in FEED_SUFFIXES | {".txt"}
        and "LICENSES" not in p.parts
        and p.name.lower() not in {"readme.md", "readme"}
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # and no 40 ms delayed-ACK stalls between header and body
    files: ClassVar[dict[str, bytes]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        # /copyN/<relative path>: the same bytes served at many distinct URLs
        path = self.path.split("?", 1)[0]
        relative = path.split("/", 2)[2] if path.startswith("/copy") else path.lstrip("/")
        body = self.files.get(relative)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


def _serve_forever(folder: str, ready: multiprocessing.Queue) -> None:
    root = Path(folder)
    _Handler.files = {p.relative_to(root).as_posix(): p.read_bytes() for p in corpus_files(root)}
    ThreadingHTTPServer.request_queue_size = 256  # the default 5 drops concurrent connects
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """The corpus on a loopback HTTP server in its own process, as a remote site would be:
    sharing this process's interpreter lock would slow both sides and flatter nobody."""
    ready: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_forever, args=(str(folder), ready))
    process.start()
    try:
        yield f"http://127.0.0.1:{ready.get(timeout=60)}"
    finally:
        process.terminate()
        process.join(10)


def make_config(base_url: str, names: list[str], copies: int, folder: Path, window: int) -> Config:
    sources = tuple(
        Source(name=f"{copy}/{name}", kind="feed", location=f"{base_url}/copy{copy}/{name}")
        for copy in range(copies)
        for name in names
    )
    return Config(
        title="Benchmark",
        sources=sources,
        output=folder / "output",
        state=folder / "state.sqlite",
        first_run_hours=window,
        # default workers and timeouts; the corpus is served on loopback, a private address
        fetch=FetchConfig(retries=0, full_text_limit=0, allow_private=True),
    )


def timed(function, *args, **kwargs):  # a tiny stopwatch: (result, seconds)
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def feedparser_baseline(files: dict[str, bytes]) -> tuple[float, int]:
    import feedparser

    entries = 0
    started = time.perf_counter()
    for data in files.values():
        entries += len(feedparser.parse(data).entries)
    return time.perf_counter() - started, entries


def stage_timings(config: Config) -> dict[str, tuple[int, float]]:
    """Each stage alone, over every entry of the corpus: (items, seconds)."""
    from digest.sources.feeds import FeedError, parse_feed
    from digest.sources.http import FetchRequest, FetchSettings, fetch_all

    settings = FetchSettings(workers=16, retries=0)
    requests = [
        FetchRequest(source=s.name, url=s.location, allow_private=True) for s in config.sources
    ]
    results, fetch_time = timed(fetch_all, requests, settings)
    ok = [(s, r) for s, r in zip(config.sources, results, strict=True) if r.outcome == "ok"]

    articles = []
    started = time.perf_counter()
    for source, result in ok:
        with contextlib.suppress(FeedError):
            articles.extend(parse_feed(result.body, source, url=result.url).articles)
    parse_time = time.perf_counter() - started

    rules = default_rules()
    cleaned, normalise_time = timed(lambda: [normalise(a, rules) for a in articles])
    summarised, summarise_time = timed(lambda: [summarise(a, 3, 600) for a in cleaned])
    prepared = [prepare_article(a, rules, config) for a in articles]
    from digest.group import group_stories

    env = present.make_environment(None)
    digest = Digest(
        day=dt.date(2026, 11, 21),
        title="Benchmark",
        stories=group_stories(prepared),
        generated_at=dt.datetime.now(dt.UTC),
    )
    _, render_time = timed(render.render_day_page, digest, config, env, [])
    return {
        "fetch": (len(requests), fetch_time),
        "parse": (len(articles), parse_time),
        "normalise*": (len(articles), normalise_time),
        "summarise": (len(summarised), summarise_time),
        "render": (len(prepared), render_time),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT / "tests/fixtures/feeds")
    parser.add_argument("--scale", type=int, default=0, help="also run with this many feeds")
    parser.add_argument("--window-hours", type=int, default=0, help="first_run_hours (0: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    paths = corpus_files(args.corpus)
    files = {p.relative_to(args.corpus).as_posix(): p.read_bytes() for p in paths}
    size_mb = sum(map(len, files.values())) / 1e6
    print(f"corpus: {len(files)} files, {size_mb:.1f} MB from {args.corpus}")

    baselines = [feedparser_baseline(files) for _ in range(args.repeat)]
    baseline = statistics.median(b[0] for b in baselines)
    print(
        f"feedparser.parse alone: {baseline:.2f} s median of {args.repeat} "
        f"({baselines[0][1]} entries, {size_mb / baseline:.1f} MB/s)"
    )

    with serve(args.corpus) as base_url:
        names = list(files)
        first_runs, reruns = [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as folder:
                config = make_config(base_url, names, 1, Path(folder), args.window_hours)
                result, took = timed(build, config, dt.date(2026, 11, 21))
                first_runs.append((took, result))
                _, again = timed(build, config, dt.date(2026, 11, 21))
                reruns.append(again)
        first = statistics.median(t for t, _ in first_runs)
        result = first_runs[0][1]
        print(
            f"digest build (fresh state): {first:.2f} s median; {len(result.digest.stories)} "
            f"stories, {result.sources_read} sources read, {len(result.digest.failures)} "
            f"not feeds or broken (as expected for the HTML/fragment/broken files)"
        )
        print(f"  ratio feedparser / digest build: {baseline / first:.1f}x (floor 10x, goal 20x)")
        print(f"digest build again, nothing new (all 304): {statistics.median(reruns):.2f} s")

        with tempfile.TemporaryDirectory() as folder:
            config = make_config(base_url, names, 1, Path(folder), args.window_hours)
            print("stages alone, over every entry:")
            for stage, (items, seconds) in stage_timings(config).items():
                rate = items / seconds if seconds else float("inf")
                print(f"  {stage:<10} {items:>6} items in {seconds:6.3f} s = {rate:>9.0f}/s")
            print("  * includes turning entry HTML into paragraphs, which parsing defers")

        if args.scale:
            copies = max(1, args.scale // len(names))
            with tempfile.TemporaryDirectory() as folder:
                config = make_config(base_url, names, copies, Path(folder), args.window_hours)
                scaled, took = timed(build, config, dt.date(2026, 11, 21))
                _, again = timed(build, config, dt.date(2026, 11, 21))
            print(
                f"scaled: {len(config.sources)} feeds ({copies} copies at distinct URLs): "
                f"build {took:.2f} s ({took / first:.1f}x the single corpus for "
                f"{copies}x the feeds), rerun {again:.2f} s, "
                f"{len(scaled.digest.stories)} stories (copies share entry ids)"
            )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
