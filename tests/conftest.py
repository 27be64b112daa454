"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpserver import FixtureServer


@pytest.fixture
def http_server() -> Iterator[FixtureServer]:
    """A real HTTP server on 127.0.0.1 with programmable routes (see tests/httpserver.py)."""
    with FixtureServer() as server:
        yield server
