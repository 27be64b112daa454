"""Builds killed with SIGKILL at random moments lose nothing, double nothing, break nothing.

Real ``digest build`` processes read feeds from a real HTTP server on 127.0.0.1; between builds
the feeds gain entries, dated on the day being built, and the days move on. Each build is
killed at a random moment of its run or left to finish, at random: at least ``KILLS`` kills,
some of ``python -m digest build`` started from nothing, most of processes forked from one
that has done the imports (``buildforker.py``), so that the moments that matter (fetching,
writing the state, the pages and the copies) get most of the kills. Then two builds run to
their end (the day again, then the next day), as the next cron runs would, and:

- every entry a build that ran to its end was given (as content, or as "304 Not Modified":
  what it already had) is in exactly one day's page, and in ``feed.atom`` once; an entry only
  killed builds saw, and that left its feed before another build came, is in one at most;
- every page parses as HTML, whole; ``feed.atom`` is valid Atom; and after every kill, every
  published page and feed is whole, as a reader polling the site would see it;
- the state and every copy of it pass their check.

The decisions come from a seeded generator: the seed is printed when the test fails, and
``DIGEST_KILL_SEED=<seed>`` replays the same decisions (the moments, being times, only roughly).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser
import lxml.html
import pytest
from httpserver import FixtureServer, Recorded, Reply
from lxml import etree
from seedsite import copy_seeds

from digest.state import backup_files, integrity_problems

pytestmark = pytest.mark.slow

KILLS = 50
EXEC_SHARE = 0.15  # of the builds, started as ``python -m digest build``: the command itself
FEEDS = ("harbour", "valley")
WINDOW = 20  # entries a feed lists, newest first
FIRST_DAY = dt.date(2026, 3, 1)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
WORDS = (
    *("harbour", "council", "ferry", "bridge", "repair", "orchard", "library", "winter"),
    *("market", "tide", "storm", "lantern", "railway", "schedule", "volunteer", "meadow"),
    *("quarry", "festival", "bakery", "mill", "river", "island", "lighthouse", "school"),
)


@dataclass
class Feeds:
    """The feeds the server serves, each its newest ``WINDOW`` entries, as real feeds do:
    an entry can leave a feed before any build that read it ran to its end, and then digest
    cannot know of it. Served with an ETag, and "304 Not Modified" when unchanged.

    Each response is logged with the build it went to (``current``): what a build that ran to
    its end was given, as content or as "304: what you have", must be shown; what only killed
    builds saw may be missing, but nothing may be shown twice."""

    entries: dict[str, list[tuple[str, str, dt.datetime]]] = field(
        default_factory=lambda: {name: [] for name in FEEDS}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    current: int | None = None  # the build the server is answering now
    given: dict[int, set[str]] = field(default_factory=dict)  # build → links it was given

    def add(self, rng: random.Random, feed: str, day: dt.date, link: str) -> None:
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {link[-6:]}"
        when = dt.datetime.combine(day, dt.time(6), dt.UTC) + dt.timedelta(
            minutes=rng.randrange(12 * 60)
        )
        with self.lock:
            self.entries[feed].append((link, title, when))

    def reply(self, feed: str, request: Recorded) -> Reply:
        with self.lock:
            items = self.entries[feed][-WINDOW:]
            build = self.current
        body = _rss(feed, items)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if build is not None:
            with self.lock:
                self.given.setdefault(build, set()).update(link for link, _, _ in items)
        if request.headers.get("if-none-match") == etag:
            return Reply(304, headers={"ETag": etag})
        return Reply(200, body, headers={"Content-Type": "application/rss+xml", "ETag": etag})

    def links(self, builds: set[int] | None = None) -> set[str]:
        """The links given to ``builds`` (default: to any build)."""
        return {
            link
            for build, links in self.given.items()
            if builds is None or build in builds
            for link in links
        }


def _rss(feed: str, items: list[tuple[str, str, dt.datetime]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{feed.title()} Gazette</title><link>https://{feed}.example.org/</link>"
        "<description>News</description>"
    ]
    for link, title, when in reversed(items):  # newest first, as feeds list them
        seed = random.Random(link)
        paragraphs = "".join(
            "<p>" + " ".join(seed.choice(WORDS) for _ in range(45)) + ".</p>" for _ in range(3)
        )
        parts.append(
            f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
            f"<guid>{escape(link)}</guid><pubDate>{format_datetime(when)}</pubDate>"
            f"<content:encoded>{escape(paragraphs)}</content:encoded></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


class Forker:
    """``buildforker.py``: forks builds from a process that has done the imports."""

    def __init__(self, env: dict[str, str], warm_up: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("buildforker.py")), "--warm-up", warm_up],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def start(self, argv: list[str], cwd: Path, log: Path) -> int:
        assert self.process.stdin is not None
        request = {"argv": argv, "cwd": str(cwd), "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        word, pid = self.read().split()
        assert word == "started"
        return int(pid)

    def wait(self, pid: int) -> int:
        word, ended, status = self.read().split()
        assert (word, int(ended)) == ("exited", pid)
        return int(status)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(30)


@dataclass
class Tally:
    kills: int = 0
    builds: int = 0  # ran to their end
    exec_kills: int = 0
    finished: set[int] = field(default_factory=set)  # the numbers of those that ran to the end
    started: int = 0
    durations: dict[str, list[float]] = field(default_factory=lambda: {"exec": [], "fork": []})


@pytest.fixture
def forker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forker]:
    # one thread for numerical libraries: a forked child must not inherit a pool of them
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    warm_up = tmp_path_factory.mktemp("warm-up")
    copy_seeds(warm_up)
    started = Forker(env, warm_up)
    yield started
    started.close()


def test_builds_killed_at_random_moments_lose_and_double_nothing(
    tmp_path: Path, http_server: FixtureServer, forker: Forker, no_proxies: None
) -> None:
    seed = int(os.environ.get("DIGEST_KILL_SEED") or random.SystemRandom().randrange(2**32))
    started = time.monotonic()
    try:
        tally, feeds = _kill_loop(seed, tmp_path, http_server, forker)
        _check_outputs(tmp_path, feeds, tally)
    except BaseException:
        print(f"\nkill loop seed {seed}: replay with DIGEST_KILL_SEED={seed}")
        for log in sorted(tmp_path.glob("logs/*.log"))[-3:]:
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}")
        raise
    print(
        f"\nkill loop (seed {seed}): {tally.kills} kills ({tally.exec_kills} of python -m "
        f"digest), {tally.builds} builds to the end, {len(feeds.links())} entries served, "
        f"{len(feeds.links(tally.finished))} of them to a build that ran to its end, "
        f"{time.monotonic() - started:.1f} s; median build "
        f"{_median(tally.durations['fork']):.2f} s forked, "
        f"{_median(tally.durations['exec']):.2f} s started afresh"
    )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _kill_loop(seed: int, site: Path, server: FixtureServer, forker: Forker) -> tuple[Tally, Feeds]:
    rng = random.Random(seed)
    feeds = Feeds()
    for name in FEEDS:
        server.route(f"/{name}.xml", lambda request, name=name: feeds.reply(name, request))
    (site / "digest.toml").write_text(
        "first_run_hours = 0\nfeed_days = 3650\nmax_per_source = 1000\nmax_stories = 1000\n"
        "also_today_limit = 10000\n[stories]\nenabled = false\n"
        + "".join(f'[[sources]]\nname = "{n}"\nurl = "{server.url(f"/{n}.xml")}"\n' for n in FEEDS),
        encoding="utf-8",
    )
    (site / "logs").mkdir()
    tally = Tally()
    day, number = FIRST_DAY, 0

    def add_entries(count: int) -> None:
        nonlocal number
        for _ in range(count):
            number += 1
            link = server.url(f"/{rng.choice(FEEDS)}/{number:06d}")
            feeds.add(rng, link.split("/")[-2], day, link)

    def run(launcher: str, kill_after: float | None, where: Path = site) -> None:
        argv = ["build", "-q", "--date", day.isoformat()]
        tally.started += 1
        this = tally.started
        log = site / "logs" / f"{this:04d}-{launcher}.log"
        feeds.current = this if where == site else None
        began = time.monotonic()
        if launcher == "exec":
            with log.open("a") as out:
                child = subprocess.Popen(
                    [sys.executable, "-m", "digest", *argv], cwd=where, stdout=out, stderr=out
                )
            pid = child.pid
        else:
            pid = forker.start(argv, where, log)
        if kill_after is not None:
            time.sleep(kill_after)
            with contextlib.suppress(ProcessLookupError):  # it ended first
                os.kill(pid, signal.SIGKILL)
        status = child.wait(120) if launcher == "exec" else forker.wait(pid)
        if status == -signal.SIGKILL:
            tally.kills += 1
            tally.exec_kills += launcher == "exec"
            _check_whole(where / "output")  # what a reader polling the site sees right now
            return
        assert status == 0, f"build of {day} ended with {status}: {log.read_text()}"
        tally.builds += 1
        tally.finished.add(this)
        tally.durations[launcher].append(time.monotonic() - began)

    # How long a build takes, each way, so that kills fall anywhere in one: measured beside
    # the site, so that its own first build (which creates the state) may be killed too.
    add_entries(3)
    calibration = site / "calibration"
    calibration.mkdir()
    shutil.copy(site / "digest.toml", calibration)
    run("exec", None, calibration)
    run("fork", None, calibration)
    tally.builds = 0
    tally.finished.clear()
    while tally.kills < KILLS:
        add_entries(rng.choice((0, 1, 1, 2, 3)))
        launcher = "exec" if rng.random() < EXEC_SHARE else "fork"
        if rng.random() < 0.85:
            run(launcher, rng.uniform(0, 1.1 * _median(tally.durations[launcher])))
        else:
            run(launcher, None)
        if rng.random() < 0.4:
            day += dt.timedelta(days=1)
    # The next run, unhurried: today's build again, then the next day's with its news.
    run("fork", None)
    day += dt.timedelta(days=1)
    add_entries(1)
    run("exec", None)
    return tally, feeds


def _check_whole(output: Path) -> None:
    """Every published file is whole, whenever it is read: pages end as pages do, the feed
    parses as XML."""
    for page in output.glob("*.html"):
        assert page.read_text("utf-8").rstrip().endswith("</html>"), f"{page.name} is cut short"
    if (output / "feed.atom").exists():
        etree.fromstring((output / "feed.atom").read_bytes())


def _check_outputs(site: Path, feeds: Feeds, tally: Tally) -> None:
    output = site / "output"
    pages = {p.name: p.read_text("utf-8") for p in output.glob("*.html")}
    days = {n: text for n, text in pages.items() if re.fullmatch(r"\d{4}-\d\d-\d\d\.html", n)}
    # every page whole, and HTML
    for name, text in pages.items():
        assert text.rstrip().endswith("</html>"), f"{name} is cut short"
        doc = lxml.html.document_fromstring(text)
        assert doc.find("body") is not None and doc.xpath("//main"), name
    # every entry a finished build was given is on exactly one day's page, once; an entry
    # only killed builds saw is on one at most
    links = sorted(feeds.links())
    owed = feeds.links(tally.finished)
    assert owed
    for link in links:
        found = {name: text.count(f'href="{link}"') for name, text in days.items()}
        found = {name: count for name, count in found.items() if count}
        expected = [[1]] if link in owed else [[1], []]
        assert list(found.values()) in expected, f"{link} is shown {found or 'nowhere'}"
    # the feed: valid Atom, one entry per day with stories (a day without any has a page but
    # no entry), each story once
    atom = (output / "feed.atom").read_bytes()
    schema = etree.RelaxNG(etree.parse(str(FIXTURES / "atom.rng")))
    assert schema.validate(etree.fromstring(atom)), schema.error_log
    parsed = feedparser.parse(atom)
    shown_on = {name for name, text in days.items() if any(f'href="{u}"' in text for u in links)}
    assert parsed.bozo == 0 and {e.link for e in parsed.entries} == shown_on
    contents = "".join(entry.content[0].value for entry in parsed.entries)
    for link in links:
        shown = any(f'href="{link}"' in text for text in days.values())
        assert contents.count(f'href="{link}"') == shown, f"{link} in feed.atom"
    # the state and its copies pass their check; a killed run's half-made files are gone
    # or harmless (never taken for a copy)
    state = site / "digest-state.sqlite"
    assert integrity_problems(state) == []
    copies = backup_files(state)
    assert 1 <= len(copies) <= 3
    assert all(integrity_problems(copy) == [] for copy in copies)
