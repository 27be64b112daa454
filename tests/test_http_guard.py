"""digest.sources.http.guard: links from untrusted content stay on the public internet."""

from __future__ import annotations

import socket

import pytest
from fetchhelpers import FEED, get
from httpserver import FixtureServer

from digest.sources.http import Client, FetchRequest, fetch, guard

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


# --- the rule, address by address ---------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # a cloud metadata service
        ("::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:10.0.0.1", False),  # a private IPv4 address, written as IPv6
        ("224.0.0.1", False),  # multicast counts as global, and is not a web server
        ("ff0e::1", False),
        ("not an address", False),
    ],
)
def test_untrusted_content_may_reach_only_public_addresses(address: str, public: bool):
    assert guard.allows(address, public_only=True) is public
    assert guard.allows(address, public_only=False) is True


def test_the_checks_cost_nothing_for_a_trusted_request():
    with socket.socket() as unconnected:  # it has no peer to ask about
        guard.check_peer(unconnected, public_only=False)
    guard.check_name("localhost", public_only=False)
    with pytest.raises(guard.PrivateAddress):
        guard.check_name("localhost", public_only=True)


def test_a_loopback_host_is_not_public():
    assert guard.is_public_host("localhost") is False
    assert guard.is_public_host("127.0.0.1") is False
