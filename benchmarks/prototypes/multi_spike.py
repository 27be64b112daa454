"""What would one thread driving every transfer (libcurl's multi interface) save digest?

Not part of digest, and not a test: a script to run by hand (pycurl is a dependency of digest
since 6 December), whose printed figures ``benchmarks/README.md`` quotes. It answers one
question before anyone rewrites the fetching around ``pycurl.CurlMulti``: how much of a
request's CPU is the price of eight fetching threads contending for the interpreter lock?

Over the same loopback server as ``transport_bench.py`` (in a process of its own), the same
requests ("304 Not Modified", then 200s with ``--body-kb`` of XML), kept-alive connections,
``--concurrency`` requests at once, medians of ``--rounds``, CPU of this process:

* ``digest``: ``fetch_all`` on that many threads, as a build fetches;
* ``threads``: bare libcurl, one easy handle a thread, with Python callbacks doing what
  digest's do for each header line and piece of body (decode and split the line, keep it in
  a dict; count the piece against a cap), and the socket opened by Python
  (``OPENSOCKETFUNCTION``, as digest's network policy opens it);
* ``multi``: the same handles and the same callbacks, driven by one thread through a
  ``CurlMulti``.

What the multi row leaves out, which a real transport would need: names resolved and checked
by the network policy before curl asks for a socket (a lookup in the socket callback would
stall every transfer; here the server is an IP address and the connect is on loopback),
redirects, retries and their delays, the deadline of each request, decoders, proxies. It is
the floor of that design, as the bare threaded row is of today's.

    python benchmarks/prototypes/multi_spike.py [--requests 895] [--concurrency 8] [--rounds 5]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pycurl  # type: ignore[import-not-found,import-untyped,unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from transport_bench import _ETAG, compare, digest_client

CAP = 10 * 2**20


def _callbacks(handle: Any, headers: list[str]) -> Callable[[], tuple[int, int]]:
    """Set up ``handle`` for one request with digest-like callbacks; returns a function
    giving (status, body bytes) once it is done."""
    kept: dict[str, str] = {}
    pieces: list[bytes] = []
    size = 0

    def header(line: bytes) -> None:
        text = line.decode("latin-1")
        if text.startswith("HTTP/"):
            kept.clear()
            return
        name, colon, value = text.partition(":")
        if colon:
            name, value = name.strip().lower(), value.strip()
            earlier = kept.get(name)
            kept[name] = f"{earlier}, {value}" if earlier else value

    def write(data: bytes) -> int | None:
        nonlocal size
        size += len(data)
        if size > CAP:
            return 0
        pieces.append(data)
        return None

    def open_socket(purpose: int, address: tuple[Any, ...]) -> socket.socket:
        return socket.create_connection(address[3][:2], timeout=10)

    handle.setopt(pycurl.HTTPHEADER, headers)
    handle.setopt(pycurl.HEADERFUNCTION, header)
    handle.setopt(pycurl.WRITEFUNCTION, write)
    handle.setopt(pycurl.OPENSOCKETFUNCTION, open_socket)
    handle.setopt(pycurl.SOCKOPTFUNCTION, lambda fd, purpose: pycurl.SOCKOPT_ALREADY_CONNECTED)
    handle.setopt(pycurl.TIMEOUT_MS, 30_000)

    def done() -> tuple[int, int]:
        b"".join(pieces)
        return int(handle.getinfo(pycurl.RESPONSE_CODE)), size

    return done


def _new_handle() -> Any:
    handle = pycurl.Curl()
    handle.setopt(pycurl.NOSIGNAL, 1)
    handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1)
    return handle


def threads_client(concurrency: int, conditional: bool) -> Callable[[list[str]], list[int]]:
    headers = [f"If-None-Match: {_ETAG}"] if conditional else []

    def run(urls: list[str]) -> list[int]:
        local = threading.local()

        def get(url: str) -> int:
            handle = getattr(local, "handle", None)
            if handle is None:
                handle = local.handle = _new_handle()
            handle.setopt(pycurl.URL, url)
            done = _callbacks(handle, headers)
            handle.perform()
            return done()[0]

        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            return list(pool.map(get, urls))

    return run


def multi_client(concurrency: int, conditional: bool) -> Callable[[list[str]], list[int]]:
    headers = [f"If-None-Match: {_ETAG}"] if conditional else []
    handles = [_new_handle() for _ in range(concurrency)]  # kept, with their connections

    def run(urls: list[str]) -> list[int]:
        multi = pycurl.CurlMulti()
        statuses = [0] * len(urls)
        waiting = list(reversed(range(len(urls))))
        running: dict[Any, tuple[int, Callable[[], tuple[int, int]]]] = {}

        def start(handle: Any) -> None:
            index = waiting.pop()
            handle.setopt(pycurl.URL, urls[index])
            running[handle] = (index, _callbacks(handle, headers))
            multi.add_handle(handle)

        for handle in handles[: len(urls)]:
            start(handle)
        while running:
            while multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
                pass
            while True:
                queued, finished, failed = multi.info_read()
                for handle in finished:
                    index, done = running.pop(handle)
                    multi.remove_handle(handle)
                    statuses[index] = done()[0]
                    if waiting:
                        start(handle)
                for _handle, _code, message in failed:
                    raise RuntimeError(message)
                if not queued:
                    break
            if running:
                multi.select(1.0)
        multi.close()
        return statuses

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=895)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--body-kb", type=int, default=58, help="size of a 200's body")
    args = parser.parse_args()
    print(
        f"{args.requests} requests, {args.concurrency} at once, {args.rounds} rounds "
        "(medians; CPU of this process)"
    )
    compare(
        lambda conditional: {
            "digest": digest_client(args.concurrency, conditional),
            "threads": threads_client(args.concurrency, conditional),
            "multi": multi_client(args.concurrency, conditional),
        },
        args.requests,
        args.rounds,
        args.body_kb,
    )


if __name__ == "__main__":
    main()
