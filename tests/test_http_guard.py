"""digest.sources.http.guard: every request stays on the public internet unless allowed more.

The test server is on 127.0.0.1; ``FakeInternet`` gives test names public or private
addresses and connects them all to it, so that a public site and the local network can be
played without the internet."""

from __future__ import annotations

import pytest
from fakeinternet import PUBLIC, FakeInternet
from fetchhelpers import FEED, get
from httpserver import FixtureServer, Reply

from digest.sources.http import Client, FetchRequest, FetchSettings, fetch, guard

pytestmark = pytest.mark.usefixtures("no_proxies")

ADVICE = "set allow_private = true on it in the config"


@pytest.fixture
def internet() -> FakeInternet:
    internet = FakeInternet()
    internet.name("news.example", PUBLIC[0])
    internet.name("intranet.example", "10.0.0.7")
    internet.name("metadata.example", "169.254.169.254")
    return internet


def public_fetch(url: str, internet: FakeInternet, **request: object):
    """A request as a source on the internet makes it: no private addresses allowed."""
    return fetch(FetchRequest("s", url, **request), FetchSettings(network=internet, retries=0))


# --- the configured address ---------------------------------------------------------------


def test_a_request_never_reaches_a_private_address_unless_allowed(http_server: FixtureServer):
    http_server.route("/secret", body=b"router admin password")
    result = get(http_server.url("/secret"), allow_private=False)
    assert result.outcome == "failed" and result.refused
    assert result.problem == "not fetched: 127.0.0.1 is a loopback address (this machine)"
    assert result.advice.startswith("digest reaches only public internet addresses")
    assert ADVICE in result.advice
    assert result.body == b"" and result.attempts == 1
    assert http_server.requests == []
    assert get(http_server.url("/secret"), allow_private=True).body == b"router admin password"


def test_a_name_that_leads_into_the_local_network_is_refused_and_says_where(
    http_server: FixtureServer, internet: FakeInternet
):
    http_server.route("/admin", body=b"router admin password")
    result = public_fetch(f"http://intranet.example:{http_server.port}/admin", internet)
    assert result.refused
    assert result.problem == (
        "not fetched: intranet.example resolves to 10.0.0.7, a private network address"
    )
    assert internet.connected == [] and http_server.requests == []


def test_a_kept_alive_private_connection_is_not_reused_for_a_request_not_allowed_it(
    http_server: FixtureServer,
):
    http_server.route("/feed", body=FEED)
    client = Client()
    allowed = FetchRequest("s", http_server.url("/feed"), allow_private=True)
    assert fetch(allowed, client=client).outcome == "ok"
    refused = fetch(FetchRequest("s", http_server.url("/feed")), client=client)
    assert refused.outcome == "failed" and "loopback address" in refused.problem
    assert len(http_server.requests) == 1


# --- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("http://127.0.0.1:{port}/secret", "127.0.0.1 is a loopback address (this machine)"),
        ("http://localhost:{port}/secret", "localhost resolves to 127.0.0.1, a loopback"),
        ("http://intranet.example:{port}/secret", "resolves to 10.0.0.7, a private network"),
        ("http://metadata.example:{port}/secret", "169.254.169.254, a link-local address"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "a loopback address (this machine) written"),
        ("http://[::1]:{port}/secret", "::1 is a loopback address (this machine)"),
    ],
)
def test_a_redirect_from_the_internet_into_the_local_network_is_refused(
    http_server: FixtureServer, internet: FakeInternet, status: int, target: str, refused: str
):
    internet.name("localhost", "127.0.0.1")
    http_server.route("/feed", status=status, headers={"Location": target.format(port=9)})
    http_server.route("/secret", body=b"router admin password")
    result = public_fetch(f"http://news.example:{http_server.port}/feed", internet)
    assert result.outcome == "failed" and result.refused
    assert result.problem.startswith("refused the redirect to http://")
    assert refused in result.problem
    assert result.advice.startswith("the site redirects into a private network")
    assert ADVICE in result.advice
    assert result.moved_to is None and result.body == b""
    assert internet.connected == [PUBLIC[0]]  # the site, and nothing after it
    assert http_server.requests_to("/secret") == []


def test_a_redirect_within_the_internet_is_followed(
    http_server: FixtureServer, internet: FakeInternet
):
    internet.name("cdn.example", PUBLIC[1])
    http_server.route(
        "/feed", status=301, headers={"Location": f"http://cdn.example:{http_server.port}/new"}
    )
    http_server.route("/new", body=FEED)
    result = public_fetch(f"http://news.example:{http_server.port}/feed", internet)
    assert result.outcome == "ok" and result.body == FEED
    assert result.moved_to == f"http://cdn.example:{http_server.port}/new"
    assert internet.connected == [PUBLIC[0], PUBLIC[1]]


def test_an_intranet_source_allowed_private_addresses_follows_its_redirects(
    http_server: FixtureServer, internet: FakeInternet
):
    http_server.route(
        "/feed", status=302, headers={"Location": f"http://intranet.example:{http_server.port}/x"}
    )
    http_server.route("/x", body=FEED)
    url = f"http://news.example:{http_server.port}/feed"
    assert public_fetch(url, internet, allow_private=True).body == FEED


# --- DNS: the address checked is the address connected to ---------------------------------


def test_a_name_rebound_to_a_private_address_after_the_check_never_reaches_it(
    http_server: FixtureServer, internet: FakeInternet
):
    # DNS rebinding: the name answers with a public address, then with a private one. Each
    # connection resolves once and connects to the very address it checked.
    internet.rebind("rebind.example", PUBLIC[0], "127.0.0.1")
    http_server.route("/feed", body=FEED)
    url = f"http://rebind.example:{http_server.port}/feed"
    assert public_fetch(url, internet).outcome == "ok"
    second = public_fetch(url, internet)  # a new client: a new connection, a new lookup
    assert second.refused and "resolves to 127.0.0.1" in second.problem
    assert internet.connected == [PUBLIC[0]]
    assert internet.lookups == ["rebind.example", "rebind.example"]


def test_a_name_with_public_and_private_addresses_is_reached_only_at_the_public_one(
    http_server: FixtureServer, internet: FakeInternet
):
    internet.name("mixed.example", "127.0.0.1", PUBLIC[0], "10.0.0.7")
    http_server.route("/feed", body=FEED)
    result = public_fetch(f"http://mixed.example:{http_server.port}/feed", internet)
    assert result.outcome == "ok"
    assert internet.connected == [PUBLIC[0]]


# --- through a proxy ----------------------------------------------------------------------


def test_a_request_through_a_proxy_checks_the_name(http_server: FixtureServer, proxy_environment):
    proxy_environment(http_server.url("/"))
    result = get("http://localhost:9/secret", allow_private=False)
    assert result.outcome == "failed" and "loopback address" in result.problem
    assert http_server.requests == []  # the proxy was never asked


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:127.0.0.1]:{port}/secret",  # an IPv4 address written as IPv6
        "http://[::1]/secret",
        "http://[0:0:0:0:0:ffff:7f00:1]/secret",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[fe80::1%25eth0]/secret",
        "http://127.1/secret",  # shorthand and numeric spellings of 127.0.0.1
        "http://2130706433/secret",
        "http://0x7f000001/secret",
        "http://0/secret",
    ],
)
def test_an_ip_literal_in_any_spelling_is_refused_before_the_proxy(
    http_server: FixtureServer, proxy_environment, url: str
):
    proxy_environment(http_server.url("/"))
    result = get(url.format(port=http_server.port), allow_private=False)
    assert result.outcome == "failed" and result.refused, result.problem
    assert http_server.requests == []  # the proxy was never asked


def test_through_a_proxy_a_name_this_machine_cannot_resolve_is_refused(
    http_server: FixtureServer, proxy_environment, internet: FakeInternet
):
    # The proxy would resolve it, perhaps to an address on its own network: it cannot be
    # checked, so it is refused unless the source is allowed private addresses.
    proxy_environment(http_server.url("/"))
    http_server.route("/feed.xml", body=FEED)
    url = "http://unknown.example/feed.xml"
    result = public_fetch(url, internet)
    assert result.refused and "could not be found by this machine's DNS" in result.problem
    assert http_server.requests == []
    assert public_fetch(url, internet, allow_private=True).body == FEED
    assert public_fetch("http://news.example/feed.xml", internet).body == FEED


# --- the rule, address by address ---------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("::ffff:93.184.215.14", True),  # a public IPv4 address written as IPv6
        ("64:ff9b::5db8:d70e", True),  # ...and as NAT64 gives it on an IPv6-only network
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),  # a cloud metadata service
        ("0.0.0.0", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fd00:ec2::254", False),  # unique local
        ("fec0::1", False),  # site-local, which ipaddress counts as global
        ("::ffff:10.0.0.1", False),  # a private IPv4 address, written as IPv6
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1, which ipaddress counts as global
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("::127.0.0.1", False),  # IPv4-compatible, long deprecated
        ("224.0.0.1", False),  # multicast counts as global, and is not a web server
        ("ff0e::1", False),
        ("240.0.0.1", False),
        ("not an address", False),
    ],
)
def test_only_public_addresses_may_be_reached(address: str, public: bool):
    assert (guard.why_not_public(address) is None) is public
    guard.Reach(allow_private=True).check_reached("host", address)  # allowed: never refused
    if not public:
        with pytest.raises(guard.Refused):
            guard.Reach().check_reached("host", address)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address (this machine)"),
        ("0.0.0.0", "the unspecified address (this machine)"),
        ("10.0.0.7", "a private network address"),
        ("169.254.169.254", "a link-local address"),
        ("::ffff:192.168.1.1", "a private network address written as IPv6"),
        ("100.64.0.1", "an address outside the public internet"),
        ("224.0.0.1", "a multicast address"),
    ],
)
def test_a_refusal_says_what_the_address_is(address: str, why: str):
    assert guard.why_not_public(address) == why


def test_the_checks_cost_nothing_for_a_request_allowed_private_addresses():
    allowed = guard.Reach(allow_private=True)
    allowed.check_name("localhost")
    allowed.check_name("no-such-host.invalid")
    for host in ("localhost", "127.0.0.1", "[::1]", "[::ffff:127.0.0.1]"):
        with pytest.raises(guard.Refused):
            guard.Reach().check_name(host)


def test_a_refusal_is_final_and_never_retried(http_server: FixtureServer, internet: FakeInternet):
    # A refusal is final: it is the policy, not the site being unwell.
    http_server.route(
        "/feed",
        [Reply(302, headers={"Location": f"http://127.0.0.1:{http_server.port}/x"})],
    )
    result = fetch(
        FetchRequest("s", f"http://news.example:{http_server.port}/feed"),
        FetchSettings(network=internet, retries=2),
    )
    assert result.refused and result.attempts == 1
    assert len(http_server.requests_to("/feed")) == 1
