"""A build stopped part-way (Ctrl-C, SIGTERM, SIGKILL) leaves nothing behind that outlives it:
no worker process, no temporary file after the next run, no page left stale by the next run."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpserver import FixtureServer

import digest.output
from digest.config import Config
from digest.intake import POOL_MIN_SOURCES, pool_workers
from digest.model import Source
from digest.pipeline import build

REPO = Path(__file__).resolve().parent.parent

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Paper {n}</title><link>https://example.org/</link>
<description>News</description><item><title>Ferry timetable changes {n}</title>
<link>https://example.org/{n}</link><guid>https://example.org/{n}</guid>
<pubDate>{date}</pubDate><description>The harbour council agreed a new ferry timetable
after a long debate about winter crossings and the costs of repairs.</description></item>
</channel></rss>
"""


def _live_members(group: int) -> list[int]:
    """The processes of process group ``group`` still running (zombies left out)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return members


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_build_leaves_no_worker_process_running(
    tmp_path: Path, http_server: FixtureServer, no_proxies: None, sig: signal.Signals
) -> None:
    # They waited for work for ever (with the process that forks them): every kill of a
    # build reading many feeds left three or four processes behind, holding the state open.
    if not pool_workers(POOL_MIN_SOURCES):
        pytest.skip("one core: a build starts no worker process")
    now = dt.datetime.now(dt.UTC)
    sources = []
    for n in range(POOL_MIN_SOURCES):
        body = FEED.format(n=n, date=now.strftime("%a, %d %b %Y %H:%M:%S +0000"))
        # slow enough that the build is still fetching, its workers up, when it is killed
        http_server.route(f"/{n}.xml", body=body, delay=2.0, headers={"Content-Type": "text/xml"})
        sources.append(f'[[sources]]\nname = "Paper {n}"\nurl = "{http_server.url(f"/{n}.xml")}"\n')
    (tmp_path / "digest.toml").write_text(
        "[fetch]\nallow_private = true\n" + "".join(sources), encoding="utf-8"
    )
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    build_process = subprocess.Popen(
        [sys.executable, "-m", "digest", "build", "-q"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the build and all it starts
    )
    group = build_process.pid
    try:
        deadline = time.monotonic() + 60
        # the build, the process that forks the workers, and the workers
        while len(_live_members(group)) < 3:
            assert build_process.poll() is None, "the build ended before its workers started"
            assert time.monotonic() < deadline, "no worker process started"
            time.sleep(0.05)
        time.sleep(0.5)
        build_process.send_signal(sig)
        assert build_process.wait(30) == -sig
        deadline = time.monotonic() + 15
        while _live_members(group) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _live_members(group) == []
    finally:
        for pid in _live_members(group):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            build_process.wait(10)


def _article(folder: Path, name: str, day: dt.date, title: str) -> None:
    (folder / name).write_text(
        f"title: {title}\ndate: {day.isoformat()}T08:00:00Z\n\n"
        f"{title}, the council said on Tuesday after a long debate about the harbour.\n\n"
        "The ferry will run twice as often from the spring, its officials said.\n",
        encoding="utf-8",
    )


def _interrupted_then_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renames_done: int
) -> tuple[Path, list[str]]:
    """Build a day, then the next one, stopped by Ctrl-C after the state stored it, once
    ``renames_done`` of its pages are in place; then that day again, to its end. Returns the
    output folder and the temporary files the interrupted build left in it."""
    news = tmp_path / "news"
    news.mkdir()
    output = tmp_path / "out"
    config = Config(
        title="T",
        sources=(Source("news", "folder", str(news)),),
        output=output,
        state=tmp_path / "state.sqlite",
        first_run_hours=0,
    )
    first, second = dt.date(2026, 11, 20), dt.date(2026, 11, 21)
    _article(news, "a.txt", first, "Harbour plan approved")
    build(config, first, now=dt.datetime(2026, 11, 20, 18, tzinfo=dt.UTC))
    _article(news, "b.txt", second, "Library opens a new wing")

    replace = os.replace
    renamed: list[Path] = []

    def interrupted(source: Path, target: Path) -> None:
        if len(renamed) == renames_done:
            raise KeyboardInterrupt
        replace(source, target)
        renamed.append(target)

    monkeypatch.setattr(digest.output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(config, second, now=dt.datetime(2026, 11, 21, 18, tzinfo=dt.UTC))
    monkeypatch.setattr(digest.output.os, "replace", replace)
    left = [p.name for p in output.iterdir() if p.name.endswith(".tmp")]
    build(config, second, now=dt.datetime(2026, 11, 21, 19, tzinfo=dt.UTC))
    return output, left


@pytest.mark.parametrize("renames_done", [0, 1, 3])
def test_a_build_interrupted_while_putting_its_pages_in_place_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renames_done: int
) -> None:
    # Ctrl-C after the state stored the day, before or while its pages replaced the old
    # ones: the temporary files of the pages not yet in place stayed in the output folder,
    # and the next build removes only those an hour old, so a site synced from it got them.
    output, left = _interrupted_then_built_again(tmp_path, monkeypatch, renames_done)
    assert left == []
    assert not [p.name for p in output.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("renames_done", [0, 1, 3])
def test_the_build_after_one_stopped_between_the_state_and_the_pages_mends_the_day_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renames_done: int
) -> None:
    # Stopped after the state stored a new day (Ctrl-C here; a kill leaves the same state),
    # before the day before's page got its link to it: the next build of the day, finding
    # the day known, rendered no neighbour, and that page never linked to the new day.
    output, _ = _interrupted_then_built_again(tmp_path, monkeypatch, renames_done)
    assert 'href="2026-11-21.html" rel="next"' in (output / "2026-11-20.html").read_text("utf-8")
    assert 'href="2026-11-20.html" rel="prev"' in (output / "2026-11-21.html").read_text("utf-8")


def test_ctrl_c_reaching_a_worker_leaves_it_to_the_build(tmp_path: Path) -> None:
    # Ctrl-C in a terminal is sent to every process of its group, the workers too: a worker
    # goes on (the build decides what stops) rather than dying with a traceback mid-job
    import concurrent.futures
    import multiprocessing

    from digest import intake
    from digest.state import State

    state = tmp_path / "state.sqlite"
    with State.open(state):
        pass
    context = multiprocessing.get_context("forkserver")
    with concurrent.futures.ProcessPoolExecutor(
        1, mp_context=context, initializer=intake._start_worker, initargs=(state, os.getpid())
    ) as pool:
        worker = pool.submit(os.getpid).result(timeout=30)
        os.kill(worker, signal.SIGINT)
        time.sleep(0.3)
        assert pool.submit(os.getpid).result(timeout=30) == worker  # the same one, still up


# --- Ctrl-C while a feed's server is slow to answer -------------------------------------------


def _slow_site(tmp_path: Path, http_server: FixtureServer) -> Path:
    """A folder whose config reads two feeds, built once; the second feed's server now holds
    its answer for 25 s (within the config's 60 s deadline)."""
    now = dt.datetime.now(dt.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    headers = {"Content-Type": "text/xml"}
    for n in (1, 2):
        http_server.route(f"/{n}.xml", body=FEED.format(n=n, date=now), headers=headers)
    (tmp_path / "digest.toml").write_text(
        "[fetch]\nallow_private = true\ntimeout = 60\n"
        + "".join(
            f'[[sources]]\nname = "Paper {n}"\nurl = "{http_server.url(f"/{n}.xml")}"\n'
            for n in (1, 2)
        ),
        encoding="utf-8",
    )
    built = subprocess.run(
        [sys.executable, "-m", "digest", "build", "-q"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    slow = FEED.format(n=3, date=now)
    http_server.route("/2.xml", body=slow, headers=headers, delay=25)
    return tmp_path


def _env() -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def _what_was_built(folder: Path) -> tuple[list[str], dict[str, bytes]]:
    """The state's content (as SQL) and every output file's bytes."""
    import sqlite3

    db = sqlite3.connect(folder / "digest-state.sqlite")
    try:
        dump = list(db.iterdump())
    finally:
        db.close()
    pages = {p.name: p.read_bytes() for p in sorted((folder / "output").iterdir())}
    return dump, pages


def _building_while_a_server_holds_its_answer(
    folder: Path, http_server: FixtureServer
) -> subprocess.Popen[str]:
    build_process = subprocess.Popen(
        [sys.executable, "-m", "digest", "build", "-q"],
        cwd=folder,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, to which Ctrl-C is sent as a terminal sends it
    )
    deadline = time.monotonic() + 60
    while len(http_server.requests_to("/2.xml")) < 2:  # (the first build's, then this one's)
        assert build_process.poll() is None, build_process.communicate()
        assert time.monotonic() < deadline, "the build never asked for the slow feed"
        time.sleep(0.05)
    time.sleep(0.2)
    return build_process


@pytest.mark.slow
def test_ctrl_c_stops_a_build_waiting_for_a_slow_server_at_once_and_changes_nothing(
    tmp_path: Path, http_server: FixtureServer, no_proxies: None
) -> None:
    # It exited 130 only 22 s after Ctrl-C, saying nothing meanwhile: the interpreter waited
    # for the thread whose request waited for the server, up to the fetch timeout
    folder = _slow_site(tmp_path, http_server)
    before = _what_was_built(folder)
    build_process = _building_while_a_server_holds_its_answer(folder, http_server)
    try:
        pressed = time.monotonic()
        os.killpg(build_process.pid, signal.SIGINT)
        out, err = build_process.communicate(timeout=30)
        took = time.monotonic() - pressed
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build_process.pid, signal.SIGKILL)
    assert build_process.returncode == 130
    assert took < 3.0
    assert (out, err) == ("", "digest: interrupted, stopping\n")
    assert _what_was_built(folder) == before


@pytest.mark.slow
def test_a_second_ctrl_c_while_a_build_stops_ends_it_without_a_traceback(
    tmp_path: Path, http_server: FixtureServer, no_proxies: None
) -> None:
    # The second exited at once, but Python printed "Exception ignored in: <module
    # 'threading'> ... KeyboardInterrupt" with its traceback as it waited for the threads
    folder = _slow_site(tmp_path, http_server)
    build_process = _building_while_a_server_holds_its_answer(folder, http_server)
    try:
        os.killpg(build_process.pid, signal.SIGINT)
        assert build_process.stderr is not None
        said = build_process.stderr.readline()  # (as soon as it is said)
        with contextlib.suppress(ProcessLookupError):  # (it may have ended already)
            os.killpg(build_process.pid, signal.SIGINT)
        _, err = build_process.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build_process.pid, signal.SIGKILL)
    assert build_process.returncode == 130
    assert said.startswith("digest: interrupted")
    assert "Traceback" not in err and "Exception ignored" not in err, err
