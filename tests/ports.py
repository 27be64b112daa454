"""Loopback ports for tests: one that refuses every connection, and one free for a server.

A port merely found free (bound, then let go) may be taken by another test running beside
this one before it is used: a test counting on a refusal could then meet a live server. So
``closed_port`` keeps its port bound, never listening, until the test process ends: a
connection to it is refused, and no other socket can take it meanwhile.
"""

from __future__ import annotations

import socket

_held: list[socket.socket] = []


def closed_port() -> int:
    """A loopback port nothing listens on, and nothing will while the tests run."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _held.append(sock)
    return sock.getsockname()[1]


def free_port() -> int:
    """A loopback port free now, for a server that must be given its port (aiosmtpd)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
