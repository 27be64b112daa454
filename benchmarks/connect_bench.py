"""What does opening a connection cost digest's fetching, in CPU?

A real build reads each feed from a host of its own, so each needs a new connection (the
build benchmark's feeds all come from one loopback server, and share kept-alive ones). This
serves "304 Not Modified" from a loopback server in a process of its own, closing every
connection, and fetches ``--requests`` URLs through one ``fetch_all``; it prints the build
process's CPU per round (median of ``--rounds``). Compare two checkouts by running it with
each on ``PYTHONPATH`` (the digest it imports is the one measured):

    PYTHONPATH=. python benchmarks/connect_bench.py [--requests 800] [--rounds 7]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from digest.sources.http import FetchRequest, FetchSettings, fetch_all


class _NotModified(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection

    def do_GET(self) -> None:
        self.send_response(304)
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(ready: multiprocessing.Queue) -> None:
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotModified)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    ready: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(ready,), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=30)
        requests = [
            FetchRequest(f"s{n}", f"http://127.0.0.1:{port}/{n}", etag='"v"', allow_private=True)
            for n in range(args.requests)
        ]
        cpu = []
        for _ in range(args.rounds):
            started = time.process_time()
            results = fetch_all(requests, FetchSettings(retries=0))
            cpu.append(time.process_time() - started)
            assert all(r.outcome == "not_modified" for r in results)
        per = statistics.median(cpu) / args.requests * 1e6
        print(
            f"{args.requests} connections: {statistics.median(cpu):.3f} s CPU a round "
            f"(median of {args.rounds}), {per:.0f} us each"
        )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
