"""How fast is a whole `digest build`, and how much memory does it take, against feedparser?

Serves a feed corpus (default ``tests/fixtures/feeds``, 203 real feeds) from a loopback HTTP
server in its own process, replicated to ``--feeds`` feeds at distinct URLs, and runs each
build in a fresh child process, so that its time, CPU and peak memory are its own:

* ``feedparser``: ``feedparser.parse`` over every distinct file, scaled to the set's bytes
  (the copies are the same documents, rewritten as below); the baseline for the ratios;
* ``default``: ``digest build`` with a fresh state and the default config (24-hour first-run
  window, no full text: almost every entry of the corpus is an old backlog to skip);
* ``fulltext``: the same with full text on (``full_text_limit = 30``, two retries) and a
  first-run window of a year, so that a day's worth of entries is new, with every article
  host unreachable: three in four refuse the connection, one in four answers 404;
* ``rerun``: the default build again, in a process of its own as cron would run it, nothing
  new (every source answers 304);
* ``backlog``: ``first_run_hours = 0``, no full text: every entry is cleaned, grouped and
  stored (the issue's 11,758-entry backlog);
* ``backlog-rerun``: that build again, every source answering 304;
* ``backlog4x``: the backlog with four times the feeds;
* ``seeds``: ``digest build`` as a command on a copy of ``seeds/``, Python start-up included;
* ``seeds-rerun``: that command run again, finding nothing new (as most cron runs do);
* the peers, where they are installed (``pip install rss2email reader sgmllib3k``: reader's
  own copy of feedparser imports sgmllib without depending on it; none of them is a
  dependency of digest): ``rss2email`` (``r2e run --no-send`` over the same set, a fresh
  database) and ``reader`` (``update_feeds()``, its default of one worker, a fresh database),
  each in a fresh child process as digest's builds are, so that the report sets digest's
  default and backlog builds beside them, measured in the same rounds.

Each copy of a feed is made a distinct feed, so that its entries are distinct entries rather
than the same article read from several sources: its links point at hosts of its own, its
``tag:``/``urn:`` ids are marked with the copy, and its dates are moved back four days per copy
(further apart than grouping ever compares, so copies never join one story). Article hosts
are mapped onto loopback addresses where nothing listens (refused) or onto a path of the
benchmark server that answers 404: a benchmark never reaches a real site.

Rounds are interleaved (each round runs every scenario once, for each tree measured), and
medians are printed with the ratios measured within each round; ``--baseline DIR`` measures an
earlier checkout of digest in the same rounds, so that before and after share one machine
state. Peak memory is the child's maximum resident set (``ru_maxrss``); worker processes, if
any, are reported apart.

    python benchmarks/build_bench.py [--feeds 895] [--rounds 3] [--baseline DIR]
    python benchmarks/build_bench.py --only backlog --profile     # where the time goes
    python benchmarks/build_bench.py --only rerun --profile sample  # sampled (pyinstrument)
    python benchmarks/build_bench.py --only rerun backlog-rerun --rounds 3 --reruns 9
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.util
import json
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".feed", ""}
# The build day, and "now" an hour before its end: undated entries are dated now, in the day.
DAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 23, 0, tzinfo=dt.UTC)
SCENARIOS = (
    "feedparser",
    "default",
    "fulltext",
    "rerun",
    "backlog",
    "backlog-rerun",
    "backlog4x",
    "seeds",
    "seeds-rerun",
    "rss2email",
    "reader",
)
# Other programs that read the same feeds, measured beside digest where they are installed
# (the modules each needs, and the packages that give them): not dependencies of digest.
PEERS = {
    "rss2email": {"rss2email": "rss2email"},
    "reader": {"reader": "reader", "sgmllib": "sgmllib3k"},
}
# The corpus's 203 feeds replicated to 895 hold about 11,750 entries: the backlog of 11,758.
DEFAULT_FEEDS = 895
DAYS_PER_COPY = 4  # grouping never compares articles more than three days apart


def corpus_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in FEED_SUFFIXES | {".txt"}
        and "LICENSES" not in p.parts
        and p.name.lower() not in {"readme.md", "readme"}
    )


# --- making each copy a distinct feed ---------------------------------------------------------

_NAMESPACE = re.compile(rb"""xmlns(?::[\w.-]+)?\s*=\s*["']([^"']+)""")
_URL = re.compile(rb"https?://([A-Za-z0-9][A-Za-z0-9.-]*)(?::\d+)?")
_GLOBAL_ID = re.compile(rb"\b(?:tag|urn):", re.IGNORECASE)
_ISO_DATE = re.compile(rb"\b((?:19|20)\d\d)-(\d\d)-(\d\d)(?=[T ]\d\d:\d\d)")
_MONTHS = (b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
           b"Dec")  # fmt: skip
_DAYS = (b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun")
_RFC_DATE = re.compile(
    rb"\b(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), *)?(\d{1,2}) ("
    + b"|".join(_MONTHS)
    + rb") ((?:19|20)\d\d)\b"
)


def distinct_copy(body: bytes, copy: int, port: int) -> bytes:
    """``body`` as the feed of copy ``copy``: hosts of its own, unreachable; its own ids; its
    dates ``DAYS_PER_COPY * copy`` days earlier. Namespace names are left alone."""
    namespaces = {m.start(1) for m in _NAMESPACE.finditer(body)}

    def host(match: re.Match[bytes]) -> bytes:
        if match.start() in namespaces:
            return match.group(0)
        name = match.group(1).lower()
        digest = hashlib.blake2b(name + b"/%d" % copy, digest_size=4).digest()
        if digest[0] < 64:  # one host in four answers 404 for every page
            return b"http://127.0.0.1:%d/missing/%d/%s" % (port, copy, name)
        # the rest refuse: 127.0.0.0/8 is loopback, and nothing listens on port 9 there
        return b"http://127.%d.%d.%d:9" % (1 + digest[1] % 250, digest[2], digest[3])

    body = _URL.sub(host, body)
    if copy:
        body = _GLOBAL_ID.sub(lambda m: m.group(0) + b"copy%d-" % copy, body)
        shift = dt.timedelta(days=DAYS_PER_COPY * copy)
        body = _ISO_DATE.sub(lambda m: _iso_earlier(m, shift), body)
        body = _RFC_DATE.sub(lambda m: _rfc_earlier(m, shift), body)
    return body


def _iso_earlier(match: re.Match[bytes], shift: dt.timedelta) -> bytes:
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3])) - shift
    except ValueError:
        return match.group(0)
    return day.isoformat().encode()


def _rfc_earlier(match: re.Match[bytes], shift: dt.timedelta) -> bytes:
    try:
        day = dt.date(int(match[3]), _MONTHS.index(match[2]) + 1, int(match[1])) - shift
    except ValueError:
        return match.group(0)
    weekday = _DAYS[day.weekday()] + b", " if match.group(0)[:1].isalpha() else b""
    return b"%s%02d %s %d" % (weekday, day.day, _MONTHS[day.month - 1], day.year)


# --- the server ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # and no 40 ms delayed-ACK stalls between header and body
    files: ClassVar[dict[str, bytes]] = {}
    copies: ClassVar[dict[tuple[int, str], tuple[bytes, str]]] = {}
    port: ClassVar[int] = 0

    def log_message(self, *args: object) -> None:
        pass

    def _empty(self, status: int, etag: str | None = None) -> None:
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        # /copyN/<relative path>: copy N of a corpus file; anything else (article pages): 404
        path = self.path.split("?", 1)[0]
        parts = path.split("/", 2)
        if len(parts) < 3 or not parts[1].startswith("copy") or parts[2] not in self.files:
            self._empty(404)
            return
        key = (int(parts[1][4:]), parts[2])
        if key not in self.copies:
            body = distinct_copy(self.files[parts[2]], key[0], self.port)
            self.copies[key] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
        body, etag = self.copies[key]
        if self.headers.get("If-None-Match") == etag:
            self._empty(304, etag)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


def _serve_forever(folder: str, copies: int, ready: multiprocessing.Queue) -> None:
    root = Path(folder)
    _Handler.files = {p.relative_to(root).as_posix(): p.read_bytes() for p in corpus_files(root)}
    ThreadingHTTPServer.request_queue_size = 1024  # the default 5 drops concurrent connects
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    _Handler.port = server.server_address[1]
    # Every copy is made before the first build: rewriting them costs the server no CPU later.
    for copy in range(copies):
        for name, body in _Handler.files.items():
            rewritten = distinct_copy(body, copy, _Handler.port)
            etag = '"' + hashlib.sha1(rewritten).hexdigest()[:16] + '"'
            _Handler.copies[(copy, name)] = (rewritten, etag)
    ready.put(_Handler.port)
    server.serve_forever()


@contextlib.contextmanager
def serve(folder: Path, copies: int) -> Iterator[int]:
    """The corpus on a loopback HTTP server in its own process, as a remote site would be:
    sharing the build's interpreter lock would slow both sides and flatter nobody."""
    ready: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve_forever, args=(str(folder), copies, ready))
    process.start()
    try:
        yield ready.get(timeout=600)
    finally:
        process.terminate()
        process.join(10)


# --- one measurement, in a child process --------------------------------------------------------


def feed_names(corpus: Path, feeds: int) -> list[str]:
    """The set's feeds: /copyN/<file>, every file of copy 0 first, then copy 1 ..."""
    names = [p.relative_to(corpus).as_posix() for p in corpus_files(corpus)]
    return [f"copy{n // len(names)}/{names[n % len(names)]}" for n in range(feeds)]


class Descendants:
    """Samples this process's descendants (worker processes, however started) from /proc
    every 20 ms: their CPU time and largest resident set. ``ru_maxrss`` of children counts
    only children this process waited for, not a forkserver's workers."""

    def __init__(self) -> None:
        import threading

        self.cpu: dict[int, float] = {}
        self.rss: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Descendants:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        tick = os.sysconf("SC_CLK_TCK")
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        me = os.getpid()
        known: list[int] = []
        ticks = 0
        while not self._stop.wait(0.02):
            # The tree is walked five times a second (a worker appears once, and lives for
            # the build); the processes known are read at every tick, so that one that ends
            # is read at most 20 ms before its end. The thread shares the build's interpreter
            # lock: a walk at every tick cost a busy build 2 to 3 % of its main thread.
            if ticks % 10 == 0:
                known = _descendants(me)
            ticks += 1
            for pid in known:
                try:
                    with open(f"/proc/{pid}/stat") as file:
                        fields = file.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue  # it has just ended
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
                self.rss[pid] = max(self.rss.get(pid, 0.0), int(fields[21]) * page)


def _descendants(root: int) -> list[int]:
    """The processes below ``root``, from each thread's list of the children it started
    (a worker's parent may be a forkserver that a thread other than the main one started).
    Where the kernel does not keep those lists, from every process's parent instead. Both
    run in the measured process, 50 times a second, so the first reads a few files, not
    one per process on the machine."""
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                with open(f"/proc/{pid}/task/{thread}/children") as file:
                    children = [int(child) for child in file.read().split()]
            except FileNotFoundError:
                if pid == root and thread == threads[0]:
                    return _descendants_by_parent(root)  # no such lists here
                continue
            except OSError:
                continue
            found.extend(children)
            todo.extend(children)
    return found


def _descendants_by_parent(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as file:
                parents[int(entry)] = int(file.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    found = []
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor and ancestor != root:
            ancestor = parents.get(ancestor)
        if ancestor == root:
            found.append(pid)
    return found


class Timeline:
    """Samples this process's resident memory every few milliseconds, with where the main
    thread is in digest's code, and reports the build's phases and where the peak was."""

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float, tuple[str, ...]]] = []
        self._stop = threading.Event()
        self._main = threading.get_ident()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Timeline:
        self._start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE") / 2**20
        with open("/proc/self/statm") as statm:
            while not self._stop.wait(self.interval):
                statm.seek(0)
                rss = int(statm.read().split()[1]) * page
                frame = sys._current_frames().get(self._main)
                where: list[str] = []
                while frame is not None:
                    name = frame.f_code.co_filename
                    if "/digest/" in name:
                        where.append(f"{Path(name).stem}.{frame.f_code.co_name}")
                    frame = frame.f_back
                self.samples.append((time.perf_counter() - self._start, rss, tuple(where[::-1])))

    def report(self, out: Any) -> None:
        if not self.samples:
            return
        print("memory timeline (s, MB, where the main thread was):", file=out)
        phase: tuple[str, ...] = ()
        last = -1.0
        for at, rss, where in self.samples:
            if where[:4] != phase or at - last >= 2:  # a line per phase, and every 2 s
                phase, last = where[:4], at
                print(f"  {at:7.2f} {rss:7.1f}  {' > '.join(where[1:5])}", file=out)
        at, rss, where = max(self.samples, key=lambda sample: sample[1])
        print(f"peak {rss:.1f} MB at {at:.2f} s in:", file=out)
        for name in where:
            print(f"    {name}", file=out)


def child(args: argparse.Namespace) -> None:
    """Run one scenario in this fresh process and print its figures as one JSON line."""
    sys.path.insert(0, str(args.tree))
    warnings.simplefilter("ignore")
    scenario = args.child
    if scenario == "feedparser":
        import feedparser

        files = [p.read_bytes() for p in corpus_files(args.corpus)]
        started, cpu = time.perf_counter(), time.process_time()
        entries = sum(len(feedparser.parse(data).entries) for data in files)
        print(json.dumps({
            "wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "entries": entries, "bytes": sum(map(len, files)),
        }))  # fmt: skip
        return

    if scenario in PEERS:
        print(json.dumps(peer_run(scenario, args)))
        return

    from digest.config import Config, FetchConfig
    from digest.model import Source
    from digest.pipeline import build

    # What a build loads only when it writes pages (grouping, rendering, the feed writer),
    # loaded before the clock starts, as it was when the pipeline imported it all: the
    # figures stay comparable across versions. What a whole run pays for its imports shows
    # in the seeds scenarios, which time the command.
    for module in ("group", "shape", "atom", "render", "fulltext"):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"digest.{module}")

    imported_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    feeds = args.feeds * (4 if scenario == "backlog4x" else 1)
    names = feed_names(args.corpus, feeds)
    window = {"default": 24, "rerun": 24, "fulltext": 24 * 365}.get(scenario, 0)
    fetch = (
        FetchConfig(retries=2, full_text_limit=30)
        if scenario == "fulltext"
        else FetchConfig(retries=0, full_text_limit=0)
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.folder or scratch
        if scenario.endswith("rerun") and not args.again:
            # The first build in a process of its own: the rerun pays for whatever it loads,
            # as a run from cron does.
            first = "backlog" if scenario == "backlog-rerun" else "default"
            command = [
                sys.executable, __file__, "--child", first, "--tree", str(args.tree),
                "--port", str(args.port), "--feeds", str(args.feeds),
                "--corpus", str(args.corpus), "--folder", folder,
            ]  # fmt: skip
            subprocess.run(command, capture_output=True, check=True)
        config = Config(
            title="Benchmark",
            sources=tuple(
                Source(name=name, kind="feed", location=f"http://127.0.0.1:{args.port}/{name}")
                for name in names
            ),
            output=Path(folder) / "output",
            state=Path(folder) / "state.sqlite",
            first_run_hours=window,
            fetch=fetch,
        )
        if args.profile == "cprofile":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        elif args.profile == "sample":
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0005)
            sampler.start()
        elif args.profile == "threads":
            import yappi

            yappi.set_clock_type("cpu")
            yappi.start()
        if args.tracemalloc:
            import tracemalloc

            tracemalloc.start(8)
        timeline = Timeline() if args.timeline else contextlib.nullcontext()
        with Descendants() as workers, timeline:
            started, cpu = time.perf_counter(), time.process_time()
            result = build(config, DAY, now=NOW)
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        if isinstance(timeline, Timeline):
            timeline.report(sys.stderr)
        traced = 0.0
        if args.tracemalloc:
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            top = tracemalloc.take_snapshot().statistics("lineno")[:25]
            print(
                "\n".join(f"{s.size / 2**20:8.1f} MB {s.traceback}" for s in top), file=sys.stderr
            )
        if args.profile == "cprofile":
            profiler.disable()
            import pstats

            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
            if args.profile_out:  # (each tree's beside it: FILE.<tree's folder name>)
                profiler.dump_stats(f"{args.profile_out}.{Path(args.tree).resolve().name}")
        elif args.profile == "sample":
            sampler.stop()
            print(sampler.output_text(unicode=False, color=False), file=sys.stderr)
        elif args.profile == "threads":
            yappi.stop()
            print(f"{'calls':>9} {'total s':>8} {'own s':>8}  function", file=sys.stderr)
            stats = yappi.get_func_stats()
            for order, count in (("ttot", 60), ("tsub", 30)):  # by time inside, then own time
                if order == "tsub":
                    print("... and by own time:", file=sys.stderr)
                for stat in list(stats.sort(order, "desc"))[:count]:
                    where = f"{Path(stat.module).name}:{stat.lineno} {stat.name}"
                    line = f"{stat.ncall:9} {stat.ttot:8.3f} {stat.tsub:8.3f}  {where}"
                    print(line, file=sys.stderr)
        worker_cpu = sum(workers.cpu.values())
        print(json.dumps({
            "wall": wall, "cpu": cpu + worker_cpu, "worker_cpu": worker_cpu,
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "worker_rss": max(workers.rss.values(), default=0.0), "imported_rss": imported_rss,
            **({"traced_peak": traced} if args.tracemalloc else {}),
            "feeds": feeds, "new": result.new_articles,
            "stories": len(result.digest.stories) + len(result.digest.also_today),
            "read": result.sources_read, "warnings": len(result.warnings),
        }))  # fmt: skip


def peer_run(peer: str, args: argparse.Namespace) -> dict[str, float]:
    """One run of a peer over the set, a fresh database each time, as digest's ``default``
    scenario starts from a fresh state: setting up the feeds is not timed, reading them is."""
    urls = [f"http://127.0.0.1:{args.port}/{name}" for name in feed_names(args.corpus, args.feeds)]
    with tempfile.TemporaryDirectory() as folder:
        if peer == "reader":
            from reader import make_reader

            reader = make_reader(str(Path(folder) / "reader.sqlite"))
            for url in urls:
                reader.add_feed(url)
            with Descendants() as others:
                started, cpu = time.perf_counter(), time.process_time()
                reader.update_feeds()
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            entries = reader.get_entry_counts().total or 0
            read = sum(1 for feed in reader.get_feeds() if feed.last_exception is None)
            reader.close()
        else:
            from rss2email.main import run as r2e

            config, data = str(Path(folder) / "r2e.cfg"), str(Path(folder) / "r2e.json")
            opml = Path(folder) / "feeds.opml"
            outlines = "".join(
                f'<outline type="rss" text="f{n}" xmlUrl="{url}"/>' for n, url in enumerate(urls)
            )
            opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>')
            with contextlib.redirect_stdout(sys.stderr):
                r2e(["-c", config, "-d", data, "new", "bench@example.invalid"])
                r2e(["-c", config, "-d", data, "opmlimport", str(opml)])
                with Descendants() as others:
                    started, cpu = time.perf_counter(), time.process_time()
                    r2e(["-c", config, "-d", data, "run", "--no-send"])
                    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            feeds = json.loads(Path(data).read_text())["feeds"]
            entries = sum(len(feed.get("seen", {})) for feed in feeds)
            read = sum(1 for feed in feeds if feed.get("seen"))
    extra = sum(others.cpu.values())
    return {
        "wall": wall, "cpu": cpu + extra, "worker_cpu": extra,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss": max(others.rss.values(), default=0.0), "imported_rss": 0.0,
        "feeds": len(urls), "new": entries, "stories": 0, "read": read, "warnings": 0,
    }  # fmt: skip


def seeds_build(tree: Path, again: bool = False) -> dict[str, float]:
    """``digest build`` as a user runs it, on a copy of seeds/: wall time from this process.
    ``again``: the second of two runs, which finds nothing new (a cron run on a quiet hour)."""
    # Compiled as an install leaves it (pip compiles what it installs; a checkout's first
    # run writes the bytecode), even where PYTHONDONTWRITEBYTECODE keeps runs from doing so.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "digest")], check=True)
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ROOT / "seeds", Path(folder) / "seeds")
        env = {**os.environ, "PYTHONPATH": str(tree)}
        command = [sys.executable, "-m", "digest", "build", "-q"]
        if again:
            subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
        return {"wall": time.perf_counter() - started}


def measure(scenario: str, tree: Path, args: argparse.Namespace, port: int) -> dict:
    """The figures of one build of ``scenario`` for ``tree`` (for the rerun scenarios with
    ``--reruns``, see ``measure_reruns``)."""
    if scenario.startswith("seeds"):
        return seeds_build(tree, again=scenario == "seeds-rerun")
    return _measure_once(scenario, tree, args, port)


def measure_reruns(
    scenario: str, trees: dict[str, Path], args: argparse.Namespace, port: int
) -> dict[str, list[dict]]:
    """``--reruns`` reruns of ``scenario`` for each of ``trees``, by name, the trees taking
    turns rerun by rerun (the machine's speed drifts within a round). Each tree's first
    build is made once, in a folder of its own, and each rerun starts from a copy of the
    state and pages it left, as the scenario says: one rerun after another would be another
    scenario (entries held back as cut off are shown on the second run after their first,
    which renders the day again)."""
    first = "backlog" if scenario == "backlog-rerun" else "default"
    figures: dict[str, list[dict]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as top:
        places: list[tuple[str, Path, Path, Path]] = []
        for name, tree in trees.items():
            # (built where its reruns run: the pages' fingerprint holds the config's paths)
            folder, built = Path(top) / name / "folder", Path(top) / name / "built"
            folder.mkdir(parents=True)
            command = [
                sys.executable, __file__, "--child", first, "--tree", str(tree),
                "--port", str(port), "--feeds", str(args.feeds), "--corpus", str(args.corpus),
                "--folder", str(folder),
            ]  # fmt: skip
            env = {**os.environ, "PYTHONPATH": str(tree)}
            subprocess.run(command, capture_output=True, check=True, env=env, cwd=tree)
            shutil.copytree(folder, built, symlinks=True)
            places.append((name, tree, folder, built))
        for number in range(args.reruns):
            for name, tree, folder, built in places if number % 2 == 0 else places[::-1]:
                shutil.rmtree(folder, ignore_errors=True)
                shutil.copytree(built, folder, symlinks=True)
                figures[name].append(
                    _measure_once(scenario, tree, args, port, folder=str(folder), again=True)
                )
    return figures


def _measure_once(
    scenario: str,
    tree: Path,
    args: argparse.Namespace,
    port: int,
    *,
    folder: str | None = None,
    again: bool = False,
) -> dict:
    command = [
        sys.executable, __file__, "--child", scenario, "--tree", str(tree), "--port", str(port),
        "--feeds", str(args.feeds), "--corpus", str(args.corpus),
        *(["--profile", args.profile] if args.profile else []),
        *(["--profile-out", str(args.profile_out.resolve())] if args.profile_out else []),
        *(["--tracemalloc"] if args.tracemalloc else []),
        *(["--timeline"] if args.timeline else []),
        *(["--folder", folder] if folder else []),
        *(["--again"] if again else []),
    ]  # fmt: skip
    # The child runs in the tree, with the tree on PYTHONPATH, not only on its sys.path: the
    # worker processes come from a forkserver, which imports digest's modules before it
    # takes the parent's sys.path (Python 3.11), from its working directory first. Run from
    # elsewhere, every tree's workers ran the code of the checkout the command ran in.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env, cwd=tree)
    if args.profile or args.tracemalloc or args.timeline:
        print(done.stderr[-60000:], file=sys.stderr)
    if done.returncode:
        raise SystemExit(f"{scenario} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report -----------------------------------------------------------------------------------

FLOORS = {
    "default": "≤ 0.05 x feedparser",
    "fulltext": "≤ 0.1 x feedparser",
    "rerun": "≤ 0.5 s",
    "backlog": "≤ 3 s, ≤ 300 MB",
    "backlog-rerun": "≤ 0.5 s",
    "backlog4x": "per entry within 10 % of 1x, ≤ 600 MB",
    "seeds": "≤ 0.1 s",
}


def report(results: dict[tuple[str, str], list[dict]], trees: list[str], scale: float) -> None:
    def median(scenario: str, tree: str, key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in results[(scenario, tree)])

    baseline = results.get(("feedparser", "after"))
    if baseline:
        first = baseline[0]
        print(
            f"\nfeedparser.parse: {median('feedparser', 'after', 'wall') * scale:.2f} s for the "
            f"set's bytes (median; {first['bytes'] / 1e6:.1f} MB and {first['entries']} entries "
            f"of distinct files, scaled x{scale:.2f})"
        )
    print(
        f"{'scenario':<14}{'tree':>7}{'wall s':>9}{'cpu s':>8}{'MB':>7}{'+wrk MB':>9}"
        f"{'x fp':>8}{'ms/entry':>10}  floor"
    )
    for scenario in SCENARIOS:
        if scenario == "feedparser":
            continue
        for tree in trees:
            if (scenario, tree) not in results:
                continue
            wall = median(scenario, tree, "wall")
            line = f"{scenario:<14}{tree:>7}{wall:9.3f}"
            if not scenario.startswith("seeds"):
                new = results[(scenario, tree)][0]["new"]
                ratio = ""
                if baseline and scenario in ("default", "fulltext", *PEERS):
                    rounds = zip(results[(scenario, tree)], baseline, strict=False)
                    ratios = [r["wall"] / (f["wall"] * scale) for r, f in rounds]
                    ratio = f"{statistics.median(ratios):.3f}"
                line += (
                    f"{median(scenario, tree, 'cpu'):8.2f}{median(scenario, tree, 'rss'):7.0f}"
                    f"{median(scenario, tree, 'worker_rss'):9.0f}{ratio:>8}"
                    f"{(f'{1e3 * wall / new:.3f}' if new and scenario not in PEERS else ''):>10}"
                )
            else:
                line += " " * 51
            print(f"{line}  {FLOORS.get(scenario, '') if tree == trees[-1] else ''}")
    # The peers store every entry of every feed: digest's default build takes a day's worth
    # (and remembers the rest as keys), its backlog build takes every entry, as they do.
    for ours in ("default", "backlog"):
        if (ours, trees[-1]) not in results:
            continue
        wall = median(ours, trees[-1], "wall")
        for peer in PEERS:
            if (peer, trees[-1]) in results:
                theirs = median(peer, trees[-1], "wall")
                print(
                    f"  {peer} {theirs:.2f} s against digest's {ours} build {wall:.2f} s: "
                    f"digest {theirs / wall:.1f} x as fast (medians)"
                )
    for tree in trees:
        for scenario in SCENARIOS:
            if scenario == "feedparser" or scenario.startswith("seeds"):
                continue
            if (scenario, tree) not in results:
                continue
            last = results[(scenario, tree)][0]
            if scenario in PEERS:
                print(
                    f"  {scenario}: {last['feeds']} feeds, {last['read']} read, {last['new']} "
                    "entries stored"
                )
                continue
            print(
                f"  {tree} {scenario}: {last['feeds']} feeds, {last['read']} read, {last['new']} "
                f"new articles, {last['stories']} stories shown, {last['warnings']} warnings, "
                f"{last['imported_rss']:.0f} MB after imports"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests/fixtures/feeds")
    parser.add_argument("--feeds", type=int, default=DEFAULT_FEEDS, help="feeds in the 1x set")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="these scenarios only")
    parser.add_argument("--baseline", type=Path, help="an earlier checkout, measured alongside")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cprofile",
        choices=("cprofile", "sample", "threads"),
        help="profile each build (stderr): cProfile, or 'sample' with pyinstrument (installed "
        "apart), whose sampling hardly slows what it measures, or 'threads': CPU time in every "
        "thread (the fetching threads too) with yappi (installed apart)",
    )
    parser.add_argument(
        "--profile-out",
        type=Path,
        metavar="FILE",
        help="with --profile cprofile: also save each tree's (last) build's profile, for "
        "pstats, as FILE.<the tree's folder name>",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="trace the build's allocations (slow; stderr)"
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="sample the build's memory and where it is, and say where the peak was (stderr)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--reruns",
        type=int,
        default=1,
        metavar="N",
        help="in the rerun scenarios, time N reruns (each a process of its own, each from the "
        "state the round's one first build left, the trees taking turns): a rerun varies by "
        "more than a tenth from one to the next, and the first build costs far more than a rerun",
    )
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    scenarios = args.only or list(SCENARIOS)
    for peer, needs in PEERS.items():
        missing = [p for module, p in needs.items() if importlib.util.find_spec(module) is None]
        if peer in scenarios and missing:
            scenarios.remove(peer)
            print(f"{peer}: not measured, for want of {' '.join(missing)} (pip install them)")
    if any(s in ("default", "fulltext") for s in scenarios) and "feedparser" not in scenarios:
        scenarios.insert(0, "feedparser")
    trees = {"after": ROOT}
    if args.baseline:
        trees = {"before": args.baseline.resolve(), "after": ROOT}
    files = corpus_files(args.corpus)
    corpus_bytes = sum(p.stat().st_size for p in files)
    copies = -(-args.feeds * (4 if "backlog4x" in scenarios else 1) // len(files))
    scale = args.feeds / len(files)
    print(
        f"corpus: {len(files)} files, {corpus_bytes / 1e6:.1f} MB from {args.corpus}; the set: "
        f"{args.feeds} feeds (about {corpus_bytes * scale / 1e6:.0f} MB), {args.rounds} rounds; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    results: dict[tuple[str, str], list[dict]] = {}
    with serve(args.corpus, copies) as port:
        for number in range(args.rounds):
            for scenario in scenarios:
                if scenario.endswith("rerun") and args.reruns > 1:
                    reruns = measure_reruns(scenario, trees, args, port)
                    measured = [(name, one) for name, runs in reruns.items() for one in runs]
                else:
                    common = scenario == "feedparser" or scenario in PEERS
                    measured = [
                        (name, measure(scenario, tree, args, port))
                        for name, tree in trees.items()
                        if not common or name == "after"  # (the same for every tree)
                    ]
                for name, figures in measured:
                    results.setdefault((scenario, name), []).append(figures)
                    print(
                        f"  round {number + 1} {name:>6} {scenario:<14} "
                        f"{json.dumps({k: round(v, 3) for k, v in figures.items()})}",
                        flush=True,
                    )
    report(results, list(trees), scale)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
