"""digest.sources.http.client: kept-alive connections, HTTPS and proxies."""

from __future__ import annotations

import base64
import threading
import time

import pytest
from fakeinternet import PUBLIC, FakeInternet
from fetchhelpers import FEED, answering_once, closed_port, get, unanswered_port
from httpserver import FixtureServer

from digest.sources.http import (
    Client,
    FetchRequest,
    FetchResult,
    FetchSettings,
    fetch,
    fetch_all,
)

pytestmark = pytest.mark.usefixtures("no_proxies")


# --- connections: keep-alive, HTTPS -------------------------------------------------------


def test_fetch_all_keeps_connections_alive(http_server: FixtureServer):
    http_server.route("/feed", body=FEED)
    http_server.route("/moved", status=301, headers={"Location": "/feed"})
    http_server.route("/same", status=304)
    paths = ["/feed", "/moved", "/same"] * 10
    requests = [
        FetchRequest(f"s{i}", http_server.url(path), allow_private=True)
        for i, path in enumerate(paths)
    ]
    results = fetch_all(requests, FetchSettings(workers=2))
    assert {r.outcome for r in results} == {"ok", "not_modified"}
    ports = {r.client_port for r in http_server.requests}
    assert len(http_server.requests) == 40  # 30 requests and the 10 redirects' second hops
    assert len(ports) <= 2  # one connection per worker carried every request


def test_https_with_a_trusted_certificate(server_tls, certificate):
    with FixtureServer(tls=server_tls) as server:
        server.route("/feed.xml", body=FEED)
        url = server.url("/feed.xml")
        assert url.startswith("https://")
        client = Client(ca_file=str(certificate[0]))
        result = fetch(FetchRequest("s", url, allow_private=True), client=client)
    assert result.outcome == "ok"
    assert result.body == FEED


def test_https_with_an_untrusted_certificate_is_refused(server_tls):
    with FixtureServer(tls=server_tls) as server:
        server.route("/feed.xml", body=FEED)
        result = get(server.url("/feed.xml"))  # the system's trust store: self-signed fails
        assert server.requests == []  # no request was sent over the untrusted connection
    assert result.outcome == "failed"
    assert result.problem.startswith("the HTTPS certificate of 127.0.0.1 is not valid")
    assert "certificate" in result.advice
    assert result.attempts == 1  # a bad certificate is not retried


# --- proxies ------------------------------------------------------------------------------


def test_requests_go_through_the_environments_proxy(http_server: FixtureServer, proxy_environment):
    # The fixture server plays the proxy: a proxied request names the whole URL.
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/"))
    result = get("http://feeds.example.invalid/feed.xml")
    assert result.outcome == "ok"
    assert result.body == FEED
    (seen,) = http_server.requests
    assert seen.path == "http://feeds.example.invalid/feed.xml"
    assert seen.headers["user-agent"].startswith("calm-digest/")


def test_no_proxy_hosts_are_fetched_directly(http_server: FixtureServer, proxy_environment):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(f"http://127.0.0.1:{closed_port()}", no_proxy="localhost,127.0.0.1")
    result = get(http_server.url("/feed.xml"))
    assert result.outcome == "ok"
    assert http_server.requests[0].path == "/feed.xml"


def test_a_request_sent_through_the_proxy_never_goes_direct_by_libcurl_s_own_no_proxy(
    proxy_environment,
):
    # Whether a host is in no_proxy is decided once, by digest: a request to go through the
    # proxy had its name checked for the proxy, and libcurl reading no_proxy again its own
    # way ("localhost." matches "localhost" for it) must not connect it directly, to
    # whatever the system's resolver says, where the network policy never saw the address.
    internet = FakeInternet()
    internet.name("localhost", PUBLIC[0])  # what the policy was told: a public address
    with FixtureServer() as proxy, FixtureServer() as local:
        proxy.route("/feed.xml", body=FEED)
        local.route("/feed.xml", body=b"a page on this machine")
        proxy_environment(proxy.url("/"), no_proxy="localhost")
        url = f"http://localhost.:{local.port}/feed.xml"
        result = fetch(FetchRequest("s", url), FetchSettings(network=internet, retries=0))
        assert local.requests == []
        assert result.outcome == "ok" and result.body == FEED
        assert [seen.path for seen in proxy.requests] == [url]


def test_unreachable_proxy_is_reported_as_the_proxy(proxy_environment):
    proxy_environment(f"http://127.0.0.1:{closed_port()}")
    result = get("http://feeds.example.invalid/feed.xml", FetchSettings(retries=0))
    assert result.outcome == "failed"
    assert "proxy" in result.problem
    assert "http_proxy" in result.advice


def test_unsupported_proxy_scheme_is_explained(proxy_environment):
    proxy_environment("socks5://127.0.0.1:1080")
    result = get("http://feeds.example.invalid/feed.xml")
    assert result.outcome == "failed"
    assert "proxy" in result.problem
    assert "http_proxy" in result.advice


def test_a_proxy_login_is_sent_and_never_shown(http_server: FixtureServer, proxy_environment):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/").replace("http://", "http://alice:s%40cret@"))
    assert get("http://feeds.example.invalid/feed.xml").outcome == "ok"
    (seen,) = http_server.requests
    expected = base64.b64encode(b"alice:s@cret").decode()
    assert seen.headers["proxy-authorization"] == f"Basic {expected}"

    proxy_environment(f"http://alice:s%40cret@127.0.0.1:{closed_port()}")
    failed = get("http://feeds.example.invalid/feed.xml", FetchSettings(retries=0))
    assert failed.outcome == "failed"
    assert "proxy http://127.0.0.1:" in failed.problem
    assert "cret" not in failed.problem and "alice" not in failed.problem


def test_all_proxy_is_used_when_no_scheme_proxy_is_set(
    http_server: FixtureServer, proxy_environment
):
    http_server.route("/feed.xml", body=FEED)
    proxy_environment(http_server.url("/"), name="all_proxy")
    assert get("http://feeds.example.invalid/feed.xml").body == FEED
    assert http_server.requests[0].path == "http://feeds.example.invalid/feed.xml"


def test_closing_a_client_while_a_request_is_still_out_does_not_fail(http_server: FixtureServer):
    # (a build stopped with Ctrl-C closes its client while requests are still out)
    http_server.route("/slow", body=FEED, delay=1.0)
    client = Client()
    done: list[FetchResult] = []
    request = FetchRequest("s", http_server.url("/slow"), allow_private=True)
    worker = threading.Thread(target=lambda: done.append(fetch(request, client=client)))
    worker.start()
    waited = time.monotonic()
    while not http_server.requests_to("/slow") and time.monotonic() - waited < 5:
        time.sleep(0.01)  # until the request is under way, on its own handle
    client.close()
    worker.join(10)
    assert [r.outcome for r in done] == ["ok"]


def test_an_https_proxy_is_trusted_by_the_same_certificates(
    server_tls, certificate, proxy_environment
):
    with FixtureServer(tls=server_tls) as proxy:
        proxy.route("/feed.xml", body=FEED)
        proxy_environment(proxy.url("/"))
        assert proxy.url("/").startswith("https://")
        client = Client(ca_file=str(certificate[0]))
        request = FetchRequest("s", "http://feeds.example.invalid/feed.xml", allow_private=True)
        result = fetch(request, client=client)
        client.close()
    assert result.outcome == "ok", result.problem
    assert result.body == FEED
    assert proxy.requests[0].path == "http://feeds.example.invalid/feed.xml"


def test_a_proxy_that_does_not_accept_the_connection_is_given_up_at_the_deadline(
    proxy_environment,
):
    with unanswered_port() as port:
        proxy_environment(f"http://127.0.0.1:{port}")
        started = time.monotonic()
        settings = FetchSettings(total_timeout=1.0, connect_timeout=4.0, retries=0)
        result = get("http://feeds.example.invalid/feed.xml", settings)
        took = time.monotonic() - started
    assert result.outcome == "failed"
    assert took < 2.5


def test_a_secure_cookie_set_over_https_is_not_sent_over_plain_http(server_tls, certificate):
    # A cookie a site marks "Secure" on the way through a redirect chain goes back to it over
    # HTTPS only: a hop down to plain HTTP on the same host must not carry it in the clear
    with FixtureServer(tls=server_tls) as secure, FixtureServer() as plain:
        plain.route("/feed.xml", body=FEED)
        target = plain.url("/feed.xml")
        secure.route(
            "/start",
            status=302,
            headers={"Location": target, "Set-Cookie": "session=s3cret; Secure; Path=/"},
        )
        client = Client(ca_file=str(certificate[0]))
        result = fetch(FetchRequest("s", secure.url("/start"), allow_private=True), client=client)
        assert result.outcome == "ok" and result.body == FEED
        (seen,) = plain.requests_to("/feed.xml")
        assert "s3cret" not in seen.headers.get("cookie", "")


def test_an_https_feed_is_read_through_a_proxy_tunnel(server_tls, certificate, proxy_environment):
    # An https:// address goes through the proxy in a tunnel (CONNECT): the proxy's "200
    # Connection established" is a header block of its own, before the site's answer.
    sent = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s" % (
        len(FEED),
        FEED,
    )
    with answering_once(sent, tunnel=server_tls) as port:
        proxy_environment(f"http://127.0.0.1:{port}", name="https_proxy")
        client = Client(ca_file=str(certificate[0]))
        request = FetchRequest("s", "https://localhost/feed.xml", allow_private=True)
        result = fetch(request, FetchSettings(retries=0, total_timeout=5), client=client)
        client.close()
    assert (result.outcome, result.body) == ("ok", FEED), result.problem


@pytest.mark.parametrize("body", [b"", b"login first"], ids=["empty", "with-a-body"])
def test_a_proxy_that_wants_a_login_for_its_tunnel_says_so(proxy_environment, body: bytes):
    # An https:// address goes through the proxy's tunnel: a 407 to its CONNECT is said as a
    # 407 to a plain request is, with the login's place, whether or not it has a body.
    sent = (
        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Basic realm="office"\r\n'
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    with answering_once(sent) as port:
        proxy_environment(f"http://127.0.0.1:{port}", name="https_proxy")
        request = FetchRequest("s", "https://localhost/feed.xml", allow_private=True)
        result = fetch(request, FetchSettings(retries=0, total_timeout=5))
    assert result.outcome == "failed"
    assert result.problem == "HTTP 407 Proxy Authentication Required"
    assert "http://user:password@host:port" in result.advice
    assert result.attempts == 1


@pytest.mark.parametrize("site", ["silent", "closes"])
def test_a_site_that_never_answers_through_a_proxy_tunnel_is_not_taken_for_its_answer(
    server_tls, certificate, proxy_environment, site: str
):
    # The proxy's "200 Connection established" opens the tunnel: it is not the site's
    # answer. A site that then says nothing was still being waited for, not downloaded; one
    # that closes the tunnel sent no feed, empty or not.
    with answering_once(b"", tunnel=server_tls, hold=site == "silent") as port:
        proxy_environment(f"http://127.0.0.1:{port}", name="https_proxy")
        client = Client(ca_file=str(certificate[0]))
        request = FetchRequest("s", "https://localhost/feed.xml", allow_private=True)
        try:
            result = fetch(request, FetchSettings(retries=0, total_timeout=1.0), client=client)
        finally:
            client.close()
    assert result.outcome == "failed"
    assert (
        result.problem
        == {
            "silent": "timed out after 1 s (waiting for a response)",
            "closes": "localhost closed the connection without a complete response",
        }[site]
    )


@pytest.mark.parametrize(
    ("status", "outcome", "advice"),
    [
        ("403 Forbidden", "failed", "the proxy's rules may block this site"),
        ("502 Bad Gateway", "failed", "it will be tried again next run"),
    ],
)
def test_a_proxy_that_will_not_open_a_tunnel_says_to_which_site_and_why(
    proxy_environment, status: str, outcome: str, advice: str
):
    # A proxy's refusal to CONNECT is its own answer about the site: by its rules (403), or
    # because it could not reach the site (502). Neither is "check the proxy settings".
    sent = b"HTTP/1.1 %s\r\nContent-Length: 0\r\n\r\n" % status.encode()
    with answering_once(sent) as port:
        proxy_environment(f"http://user:secret@127.0.0.1:{port}", name="https_proxy")
        request = FetchRequest("s", "https://localhost/feed.xml", allow_private=True)
        result = fetch(request, FetchSettings(retries=0, total_timeout=5))
    assert result.outcome == outcome
    assert result.problem == (
        f"the proxy http://127.0.0.1:{port} would not open a connection to localhost"
        f" (HTTP {status})"
    )
    assert advice in result.advice
    assert "secret" not in result.problem + result.advice
