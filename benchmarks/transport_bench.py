"""How much CPU does each request cost digest's HTTP transport, against the libraries under it?

A rerun where every feed answers "304 Not Modified" is CPU-bound on loopback: over urllib3
the build's process spent about half a millisecond of CPU a request, and ``build_bench.py``'s
rerun took 0.6 s for 895 feeds. This measures where that goes, on the same requests, the same
threads and the same loopback server (in a process of its own, so its CPU is not counted):

* ``digest``: ``fetch_all`` as a build calls it (over libcurl since 6 December: the network
  policy opening each connection, redirects by hand, the body decoded under its cap);
* ``urllib3``: a bare ``PoolManager``, as ``fetch_all`` uses it, with nothing of digest's;
* ``pycurl``: one libcurl easy handle a thread, if pycurl is installed (it is not a
  dependency of digest: ``pip install pycurl``), whose HTTP is done in C with the
  interpreter lock released.

Two kinds of request: ``304`` (a conditional GET answered "Not Modified": a rerun), and
``body`` (a 200 with ``--body-kb`` of XML: a first build). Connections are kept alive, as
one host's feeds share them. Medians of ``--rounds``, wall and CPU of this process.

The three do not do the same work: urllib3 and libcurl here make the bare request (no
network policy, deadline, redirects, size cap or decompression, nor digest's other
headers), and digest's requests are allowed private addresses (the server is on loopback),
the network policy's cheapest path. So the libcurl row is what the transport costs, not
what a digest built on it would: that adds digest's own work, which the gap between the
digest and urllib3 rows shows.

    python benchmarks/transport_bench.py [--requests 895] [--threads 8] [--rounds 5]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import statistics
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from digest.sources.http import FetchRequest, FetchSettings, fetch_all

_ETAG = '"v1"'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    body: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == _ETAG:
            self.send_response(304)
            self.send_header("ETag", _ETAG)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", _ETAG)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(ready: multiprocessing.Queue, body_bytes: int) -> None:
    item = (
        b"<item><title>A headline</title><description>Some text of the entry.</description></item>"
    )
    _Handler.body = (
        b'<?xml version="1.0"?><rss><channel>'
        + item * (body_bytes // len(item))
        + b"</channel></rss>"
    )
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def _on_threads(threads: int, get: Callable[[str], Any], urls: list[str]) -> list[Any]:
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        return list(pool.map(get, urls))


def digest_client(threads: int, conditional: bool) -> Callable[[list[str]], list[Any]]:
    settings = FetchSettings(workers=threads, retries=0)
    etag = _ETAG if conditional else None

    def run(urls: list[str]) -> list[Any]:
        requests = [
            FetchRequest(f"s{n}", url, etag=etag, allow_private=True) for n, url in enumerate(urls)
        ]
        return [r.status for r in fetch_all(requests, settings)]

    return run


def urllib3_client(threads: int, conditional: bool) -> Callable[[list[str]], list[Any]]:
    import urllib3

    headers = {"If-None-Match": _ETAG} if conditional else {}

    def run(urls: list[str]) -> list[Any]:
        manager = urllib3.PoolManager(maxsize=threads)

        def get(url: str) -> int:
            response = manager.urlopen(
                "GET", url, headers=headers, redirect=False, retries=False, preload_content=False
            )
            response.read()
            response.release_conn()
            return response.status

        return _on_threads(threads, get, urls)

    return run


def pycurl_client(threads: int, conditional: bool) -> Callable[[list[str]], list[Any]] | None:
    try:
        import pycurl  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    headers = [f"If-None-Match: {_ETAG}"] if conditional else []

    def run(urls: list[str]) -> list[Any]:
        local = threading.local()

        def get(url: str) -> int:
            handle = getattr(local, "handle", None)
            if handle is None:  # one per thread, kept: its connection is kept alive
                handle = local.handle = pycurl.Curl()
            chunks: list[bytes] = []
            lines: list[bytes] = []
            handle.setopt(pycurl.URL, url)
            handle.setopt(pycurl.HTTPHEADER, headers)
            handle.setopt(pycurl.WRITEFUNCTION, chunks.append)
            handle.setopt(pycurl.HEADERFUNCTION, lines.append)
            handle.setopt(pycurl.TIMEOUT_MS, 30_000)
            handle.perform()
            b"".join(chunks)
            return int(handle.getinfo(pycurl.RESPONSE_CODE))

        return _on_threads(threads, get, urls)

    return run


def compare(
    clients_for: Callable[[bool], dict[str, Callable[[list[str]], list[Any]] | None]],
    requests: int,
    rounds: int,
    body_kb: int,
    missing: dict[str, str] | None = None,
) -> None:
    """Serve the bodies, then time each client ``clients_for(conditional)`` gives (None: not
    installed; ``missing`` says what to do about it) on the same ``requests``, "304" then
    200s, over interleaved ``rounds`` after one that warms up, and print the medians beside
    the first client's."""
    ready: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ready, body_kb * 1024), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=30)
        urls = [f"http://127.0.0.1:{port}/feed/{n}" for n in range(requests)]
        heads = ("wall s", "cpu s", "us cpu/req", "x digest")
        print(f"{'requests':8} {'client':8} " + " ".join(f"{h:>10}" for h in heads))
        for kind, conditional, expected in (("304", True, 304), ("body", False, 200)):
            clients = clients_for(conditional)
            timings: dict[str, list[tuple[float, float]]] = {n: [] for n, c in clients.items() if c}
            for _ in range(rounds + 1):  # the first round warms up, and is not counted
                for name in timings:
                    client = clients[name]
                    assert client is not None
                    wall, cpu = time.perf_counter(), time.process_time()
                    statuses = client(urls)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    assert set(statuses) == {expected}, (name, set(statuses))
                    timings[name].append((wall, cpu))
            base = statistics.median(c for _, c in next(iter(timings.values()))[1:])
            for name, measured in timings.items():
                wall = statistics.median(w for w, _ in measured[1:])
                cpu = statistics.median(c for _, c in measured[1:])
                per = cpu / requests * 1e6
                print(f"{kind:8} {name:8} {wall:10.3f} {cpu:10.3f} {per:10.0f} {cpu / base:10.2f}")
            for name, advice in (missing or {}).items():
                if name not in timings:
                    print(f"{kind:8} {name:8} ({advice})")
    finally:
        server.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=895)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--body-kb", type=int, default=58, help="size of a 200's body")
    args = parser.parse_args()
    print(
        f"{args.requests} requests on {args.threads} threads, {args.rounds} rounds "
        "(medians; CPU of this process)"
    )
    compare(
        lambda conditional: {
            "digest": digest_client(args.threads, conditional),
            "urllib3": urllib3_client(args.threads, conditional),
            "pycurl": pycurl_client(args.threads, conditional),
        },
        args.requests,
        args.rounds,
        args.body_kb,
        missing={"pycurl": "not installed: pip install pycurl"},
    )


if __name__ == "__main__":
    main()
