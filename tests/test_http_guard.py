"""digest.sources.http.guard: links from untrusted content stay on the public internet."""

from __future__ import annotations

import pytest
from fetchhelpers import FEED, get
from httpserver import FixtureServer

from digest.sources.http import (
    Client,
    FetchRequest,
    fetch,
)

pytestmark = pytest.mark.usefixtures("no_proxies")


# --- public-only requests -----------------------------------------------------------------


def test_a_public_only_request_never_reaches_a_private_address(http_server: FixtureServer):
    http_server.route("/secret", body=b"router admin password")
    result = get(http_server.url("/secret"), public_only=True)
    assert result.outcome == "failed"
    assert result.problem == "not fetched: 127.0.0.1 is a private network address (127.0.0.1)"
    assert result.body == b"" and result.attempts == 1
    assert http_server.requests == []


def test_a_kept_alive_private_connection_is_not_reused_for_a_public_only_request(
    http_server: FixtureServer,
):
    http_server.route("/feed", body=FEED)
    client = Client()
    assert fetch(FetchRequest("s", http_server.url("/feed")), client=client).outcome == "ok"
    refused = fetch(FetchRequest("s", http_server.url("/feed"), public_only=True), client=client)
    assert refused.outcome == "failed" and "private network" in refused.problem
    assert len(http_server.requests) == 1


def test_a_public_only_request_through_a_proxy_checks_the_name(
    http_server: FixtureServer, proxy_environment
):
    proxy_environment(http_server.url("/"))
    result = get("http://localhost:9/secret", public_only=True)
    assert result.outcome == "failed" and "private network" in result.problem
    assert http_server.requests == []  # the proxy was never asked
