"""What ``digest sources add`` stores for an address: the feed, found and followed for real.

The test server is on 127.0.0.1, outside the public internet: the addresses it serves are
read with ``allow_private``, as a user's own intranet is.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeinternet import PUBLIC, FakeInternet
from httpserver import FixtureServer

from digest.sources.discover import find_feed, resolve_new_source
from digest.sources.errors import SourceError
from digest.sources.feeds import discover_feeds
from digest.sources.http import FetchSettings

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    "<link>https://example.org/</link><description>d</description></channel></rss>"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>{title}</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated></feed>"
)
JSON_FEED_1_0 = (
    '{{"version": "https://jsonfeed.org/version/1", "title": "{title}",'
    ' "home_page_url": "https://example.org/", "items": []}}'
)


def feed(server: FixtureServer, path: str, title: str, kind: str = "rss") -> None:
    body, content_type = {
        "rss": (RSS, "application/rss+xml"),
        "atom": (ATOM, "application/atom+xml"),
        "json": (JSON_FEED_1_0, "application/json"),
    }[kind]
    server.route(path, body=body.format(title=title), headers={"Content-Type": content_type})


def redirect(server: FixtureServer, path: str, status: int, target: str) -> None:
    server.route(path, status=status, headers={"Location": target})


def page(server: FixtureServer, path: str, *links: tuple[str, str]) -> None:
    tags = "".join(f'<link rel="alternate" type="{kind}" href="{href}">' for kind, href in links)
    server.route(
        path,
        body=f"<html><head><title>Home</title>{tags}</head><body><p>Hi</p></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


# --------------------------------------------------------------------------------------------
# Redirects: a temporary target is not the feed's address


def test_a_feed_behind_a_temporary_redirect_is_stored_as_given(http_server) -> None:
    redirect(http_server, "/tmpredir.xml", 302, "/cdn.xml?expires=123&sig=abc")
    feed(http_server, "/cdn.xml", "Signed")
    given = http_server.url("/tmpredir.xml")
    assert find_feed(given, allow_private=True) == (given, "Signed")
    assert resolve_new_source(given, allow_private=True)["url"] == given
    assert http_server.requests_to("/cdn.xml")  # it was followed and read


def test_a_feed_that_moved_for_good_is_stored_at_its_new_address(http_server) -> None:
    redirect(http_server, "/old.xml", 301, "/older.xml")
    redirect(http_server, "/older.xml", 308, "/new.xml")
    feed(http_server, "/new.xml", "Moved")
    assert find_feed(http_server.url("/old.xml"), allow_private=True) == (
        http_server.url("/new.xml"),
        "Moved",
    )


def test_one_temporary_hop_in_a_chain_keeps_the_address_given(http_server) -> None:
    redirect(http_server, "/old.xml", 301, "/tmp.xml")
    redirect(http_server, "/tmp.xml", 307, "/cdn.xml?sig=abc")
    feed(http_server, "/cdn.xml", "Chain")
    given = http_server.url("/old.xml")
    assert find_feed(given, allow_private=True) == (given, "Chain")


def test_a_discovered_feed_behind_a_temporary_redirect_is_stored_as_the_page_names_it(
    http_server,
) -> None:
    page(http_server, "/", ("application/rss+xml", "/feeds/all.xml"))
    redirect(http_server, "/feeds/all.xml", 302, "/cdn.xml?expires=123&sig=abc")
    feed(http_server, "/cdn.xml", "Harbour")
    assert find_feed(http_server.url("/"), allow_private=True) == (
        http_server.url("/feeds/all.xml"),
        "Harbour",
    )


def test_a_discovered_feed_that_moved_for_good_is_stored_at_its_new_address(
    http_server,
) -> None:
    page(http_server, "/", ("application/atom+xml", "/atom.xml"))
    redirect(http_server, "/atom.xml", 301, "/feeds/atom.xml")
    feed(http_server, "/feeds/atom.xml", "Harbour", "atom")
    assert find_feed(http_server.url("/"), allow_private=True) == (
        http_server.url("/feeds/atom.xml"),
        "Harbour",
    )


# --------------------------------------------------------------------------------------------
# JSON Feed 1.0 advertised as application/json, and WordPress's REST links that are not feeds


def test_a_json_feed_1_0_advertised_as_application_json_is_found(http_server) -> None:
    page(http_server, "/", ("application/json", "/feed.json"))
    feed(http_server, "/feed.json", "Jason's", "json")
    assert find_feed(http_server.url("/"), allow_private=True) == (
        http_server.url("/feed.json"),
        "Jason's",
    )


def test_a_wordpress_rest_link_is_not_taken_for_a_feed(http_server) -> None:
    page(
        http_server,
        "/",
        ("application/json", "/wp-json/wp/v2/posts/123"),
        ("application/json", "/blog/wp-json/wp/v2/feed.json"),
    )
    http_server.route("/wp-json/wp/v2/posts/123", body='{"id": 123}')
    with pytest.raises(SourceError, match="names no feed"):
        find_feed(http_server.url("/"), allow_private=True)
    assert not http_server.requests_to("/wp-json/wp/v2/posts/123")


def test_an_application_json_link_comes_after_every_rss_atom_and_json_feed_link(
    http_server,
) -> None:
    page(
        http_server,
        "/",
        ("application/json", "/feed.json"),
        ("application/atom+xml", "/atom.xml"),
        ("application/rss+xml", "/rss.xml"),
    )
    feed(http_server, "/feed.json", "JSON", "json")
    feed(http_server, "/atom.xml", "Atom", "atom")
    feed(http_server, "/rss.xml", "RSS")
    assert find_feed(http_server.url("/"), allow_private=True) == (
        http_server.url("/atom.xml"),
        "Atom",
    )
    assert not http_server.requests_to("/feed.json")


def test_discover_feeds_puts_plain_json_links_last_and_only_when_they_look_like_feeds() -> None:
    html = """<html><head>
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/123">
      <link rel="alternate" type="application/json" href="/feeds/latest">
      <link rel="alternate" type="application/json" href="/api/items.JSON">
      <link rel="alternate" type="application/json" href="/about">
      <link rel="alternate" type="application/json; charset=utf-8" href="/feed.json">
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" href="/rss.xml">
      <link rel="alternate" type="application/atom+xml" href="/atom.xml">
    </head></html>"""
    assert discover_feeds(html, "https://example.org/") == [
        "https://example.org/feed.json",
        "https://example.org/rss.xml",
        "https://example.org/atom.xml",
        "https://example.org/feeds/latest",
        "https://example.org/api/items.JSON",
    ]


# --------------------------------------------------------------------------------------------
# The network policy: what a site on the internet names is read only on the internet


@pytest.fixture
def internet() -> FakeInternet:
    internet = FakeInternet()
    internet.name("news.example", PUBLIC[0])
    internet.name("intranet.example", "10.0.0.7")
    return internet


def test_a_news_sitemap_is_not_a_feed_and_the_advice_says_how_to_add_it(http_server) -> None:
    http_server.route(
        "/news-sitemap.xml",
        body='<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/2026/11/21/a</loc></url></urlset>",
        headers={"Content-Type": "application/xml"},
    )
    with pytest.raises(SourceError) as caught:
        find_feed(http_server.url("/news-sitemap.xml"), allow_private=True)
    assert "sitemap" in caught.value.problem
    assert "--kind sitemap" in caught.value.advice and "--page" not in caught.value.advice


def test_a_document_that_is_no_page_says_what_it_is(http_server) -> None:
    http_server.route(
        "/logo.png", body=b"\x89PNG\r\n\x1a\n" + bytes(64), headers={"Content-Type": "image/png"}
    )
    with pytest.raises(SourceError) as caught:
        find_feed(http_server.url("/logo.png"), allow_private=True)
    assert "PNG image" in caught.value.problem
    assert "--page" not in caught.value.advice


def test_a_public_page_cannot_get_a_feed_in_the_local_network_added(
    http_server, internet: FakeInternet
) -> None:
    port = http_server.port
    page(http_server, "/", ("application/rss+xml", f"http://intranet.example:{port}/feed.xml"))
    feed(http_server, "/feed.xml", "Payroll")
    settings = FetchSettings(network=internet, retries=0)
    with pytest.raises(SourceError) as refused:
        resolve_new_source(f"http://news.example:{port}/", settings=settings)
    assert refused.value.problem.endswith(
        f"but none could be read: http://intranet.example:{port}/feed.xml: not fetched: "
        "intranet.example resolves to 10.0.0.7, a private network address"
    )
    assert not http_server.requests_to("/feed.xml")
    assert internet.connected == [PUBLIC[0]]


def test_a_feed_that_moved_into_the_local_network_is_not_added(
    http_server, internet: FakeInternet
) -> None:
    port = http_server.port
    redirect(http_server, "/feed.xml", 301, f"http://intranet.example:{port}/moved.xml")
    feed(http_server, "/moved.xml", "Payroll")
    with pytest.raises(SourceError, match="refused the redirect") as refused:
        find_feed(f"http://news.example:{port}/feed.xml", settings=FetchSettings(network=internet))
    assert "--allow-private" in refused.value.advice
    assert not http_server.requests_to("/moved.xml")


def test_an_address_in_the_local_network_is_added_only_when_allowed(http_server) -> None:
    feed(http_server, "/feed.xml", "Intranet")
    with pytest.raises(SourceError, match=r"127\.0\.0\.1 is a loopback address") as refused:
        find_feed(http_server.url("/feed.xml"))
    assert "add it with --allow-private" in refused.value.advice
    assert http_server.requests == []
    found = find_feed(http_server.url("/feed.xml"), allow_private=True)
    assert found == (http_server.url("/feed.xml"), "Intranet")


def test_a_local_feed_file_is_named_by_its_own_title_and_a_folder_by_its_name(
    tmp_path: Path,
) -> None:
    feed_file = tmp_path / "df.atom"
    feed_file.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Harbour Notes</title><id>urn:x</id><updated>2026-11-20T09:00:00Z</updated>"
        "</feed>",
        encoding="utf-8",
    )
    (tmp_path / "clippings").mkdir()
    (tmp_path / "notes.txt").write_text("Not a feed at all.", encoding="utf-8")
    assert resolve_new_source("df.atom", base=tmp_path) == {
        "name": "Harbour Notes",
        "path": "df.atom",
    }
    assert resolve_new_source("clippings", base=tmp_path)["name"] == "clippings"
    assert resolve_new_source("notes.txt", base=tmp_path)["name"] == "notes.txt"
