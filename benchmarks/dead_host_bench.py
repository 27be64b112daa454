"""How long does a host that never answers hold a build up?

Builds a copy of ``seeds/`` plus ``--feeds`` feeds on one loopback address that never answers
a connection (a listener whose queue is full drops new connection requests, as a firewall
that drops them does), with ``connect_timeout = --connect-timeout``, as a command in a
process of its own (start-up included), and prints each round's wall time and how many of
the feeds were not tried. Compare checkouts with ``--tree`` (each measured in the same
rounds, the digest on its ``PYTHONPATH``):

    python benchmarks/dead_host_bench.py [--feeds 20] [--connect-timeout 2] [--rounds 2]
    python benchmarks/dead_host_bench.py --tree ../digest-before --tree .

A build asks the first few of the host's feeds at once (one per fetching thread); each of
those waits ``connect_timeout``. What it does with the rest is what this measures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def silent_listener() -> tuple[socket.socket, list[socket.socket]]:
    """A loopback listener that answers no new connection: its queue is full."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    waiting = []
    for _ in range(4):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        waiting.append(client)
    return listener, waiting


def site(folder: Path, port: int, feeds: int, connect_timeout: float) -> None:
    shutil.copytree(ROOT / "seeds", folder / "seeds")
    lines = [
        'title = "Dead host"',
        "[fetch]",
        f"connect_timeout = {connect_timeout:g}",
        "[[sources]]",
        'path = "seeds"',
    ]
    for number in range(feeds):
        lines += [
            "[[sources]]",
            f'name = "Silent {number}"',
            f'url = "http://127.0.0.1:{port}/feed-{number}.xml"',
            "allow_private = true",
        ]
    (folder / "digest.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def build(tree: Path, folder: Path) -> tuple[float, int]:
    """One build of ``folder`` with ``tree``'s digest: its wall time, and the feeds not tried."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "digest", "build", "-q"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"the build failed ({done.returncode}):\n{done.stderr}")
    return took, (done.stdout + done.stderr).count("not tried")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--connect-timeout", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tree", type=Path, action="append", help="a checkout (default: this)")
    args = parser.parse_args()
    trees = [tree.resolve() for tree in args.tree or [ROOT]]
    listener, waiting = silent_listener()
    port = listener.getsockname()[1]
    times: dict[Path, list[float]] = {tree: [] for tree in trees}
    try:
        for round_number in range(args.rounds):
            for tree in trees:
                with tempfile.TemporaryDirectory() as scratch:
                    folder = Path(scratch)
                    site(folder, port, args.feeds, args.connect_timeout)
                    took, skipped = build(tree, folder)
                times[tree].append(took)
                print(
                    f"round {round_number + 1} {tree}: {took:.2f} s, "
                    f"{skipped} of {args.feeds} feeds not tried"
                )
    finally:
        for client in waiting:
            client.close()
        listener.close()
    for tree, values in times.items():
        print(f"{tree}: median {statistics.median(values):.2f} s")


if __name__ == "__main__":
    main()
