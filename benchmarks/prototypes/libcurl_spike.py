"""Can libcurl carry digest's network policy? The questions a libcurl transport would hinge on.

Not part of digest, and not a test: a script to run by hand where pycurl is installed
(``pip install pycurl``; the openssl command makes its certificate), whose printed answers
``benchmarks/README.md`` quotes. Each question is asked of a loopback server in this process:

1. Does curl use a connection opened outside it (by the network policy, through a test's
   ``Network``, to another address than curl resolved), and keep it alive?
2. Does it speak TLS over such a connection, trusting a certificate given with ``CAINFO``
   and refusing it without?
3. Does one handle reuse a kept-alive connection for a request under another policy (so a
   transport needs a handle per policy, or a check of each reuse)?
4. Not asked to decode (no ``ACCEPT_ENCODING``), does it hand over a gzip body as it came,
   so that digest's own decoders (bounded output, streams cut short) stay in charge?
"""

from __future__ import annotations

import gzip
import socket
import ssl
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pycurl  # type: ignore[import-not-found,import-untyped,unused-ignore]

HOST = "feeds.example"  # resolved only by the RESOLVE entries below
PRETEND = "203.0.113.5"  # what curl is told the host is (TEST-NET-3: nothing answers there)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"hello " + self.path.encode()
        self.send_response(200)
        if self.path == "/gzip":
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(tls: ssl.SSLContext | None = None) -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return int(server.server_address[1])


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``HOST``, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", f"/CN={HOST}",
            "-addext", f"subjectAltName=DNS:{HOST}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _handle(port: int, opened: list[Any]) -> pycurl.Curl:
    """A handle whose every connection is opened here, to the loopback server, whatever
    address curl was given: as the network policy would open it."""

    def open_socket(purpose: int, address: tuple[Any, ...]) -> socket.socket:
        opened.append(address[3])
        return socket.create_connection(("127.0.0.1", port), timeout=5)

    handle = pycurl.Curl()
    handle.setopt(pycurl.NOSIGNAL, 1)
    handle.setopt(pycurl.HTTP_VERSION, pycurl.CURL_HTTP_VERSION_1_1)
    handle.setopt(pycurl.RESOLVE, [f"{HOST}:{port}:{PRETEND}"])
    handle.setopt(pycurl.OPENSOCKETFUNCTION, open_socket)
    handle.setopt(pycurl.SOCKOPTFUNCTION, lambda fd, purpose: pycurl.SOCKOPT_ALREADY_CONNECTED)
    return handle


def _get(handle: pycurl.Curl, url: str) -> tuple[int, bytes]:
    chunks: list[bytes] = []
    handle.setopt(pycurl.WRITEFUNCTION, chunks.append)
    handle.setopt(pycurl.URL, url)
    handle.perform()
    return int(handle.getinfo(pycurl.RESPONSE_CODE)), b"".join(chunks)


def main() -> None:
    print(pycurl.version)
    port = _serve()
    opened: list[Any] = []
    handle = _handle(port, opened)
    answers = [_get(handle, f"http://{HOST}:{port}{path}") for path in ("/a", "/b")]
    print(f"1. two requests: {answers}; connections opened here: {len(opened)}")

    with tempfile.TemporaryDirectory() as folder:
        cert, key = _certificate(Path(folder))
        server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_tls.load_cert_chain(str(cert), str(key))
        tls_port = _serve(server_tls)
        for ca in (str(cert), None):
            secure = _handle(tls_port, [])
            if ca is not None:
                secure.setopt(pycurl.CAINFO, ca)
            try:
                answer: object = _get(secure, f"https://{HOST}:{tls_port}/secure")
            except pycurl.error as error:
                answer = error.args
            print(f"2. TLS, {'trusting' if ca else 'not trusting'} the certificate: {answer}")

    before = len(opened)
    _get(handle, f"http://{HOST}:{port}/stricter")  # (as if for a request allowed less)
    print(f"3. a third request on the same handle opened {len(opened) - before} connection(s)")

    status, body = _get(handle, f"http://{HOST}:{port}/gzip")
    print(f"4. a gzip body, curl not asked to decode: {status}, starts {body[:2]!r}")


if __name__ == "__main__":
    main()
