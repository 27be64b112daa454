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
from digest.sources.feeds.autodiscovery import feed_links, linked_feeds
from digest.sources.http import FetchSettings

RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    "<link>https://example.org/</link><description>d</description></channel></rss>"
)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>{title}</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated></feed>"
)
# A feed with an entry: what a guessed address must be to be taken.
RSS_WITH_ENTRY = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    "<link>https://example.org/</link><description>d</description>"
    "<item><title>Harbour reopens</title><link>https://example.org/a</link>"
    "<description>The harbour reopened on Monday.</description></item></channel></rss>"
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
        "entries": (RSS_WITH_ENTRY, "application/rss+xml"),
    }[kind]
    server.route(path, body=body.format(title=title), headers={"Content-Type": content_type})


def redirect(server: FixtureServer, path: str, status: int, target: str) -> None:
    server.route(path, status=status, headers={"Location": target})


def found(
    url: str, *, allow_private: bool = False, settings: FetchSettings | None = None
) -> tuple[str, str]:
    """The address ``find_feed`` would store for ``url``, and the feed's title."""
    feed = find_feed(url, allow_private=allow_private, settings=settings)
    return feed.url, feed.title


def page(server: FixtureServer, path: str, *links: tuple[str, str], body: str = "") -> None:
    tags = "".join(f'<link rel="alternate" type="{kind}" href="{href}">' for kind, href in links)
    server.route(
        path,
        body=f"<html><head><title>Home</title>{tags}</head><body><p>Hi</p>{body}</body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def titled_page(server: FixtureServer, path: str, *links: tuple[str, str]) -> None:
    """A page declaring RSS feeds as WordPress does: each link with its title."""
    tags = "".join(
        f'<link rel="alternate" type="application/rss+xml" title="{title}" href="{href}">'
        for title, href in links
    )
    server.route(
        path,
        body=f"<html><head><title>Harbour</title>{tags}</head><body><p>Hi</p></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


# --------------------------------------------------------------------------------------------
# Redirects: a temporary target is not the feed's address


def test_a_feed_behind_a_temporary_redirect_is_stored_as_given(http_server) -> None:
    redirect(http_server, "/tmpredir.xml", 302, "/cdn.xml?expires=123&sig=abc")
    feed(http_server, "/cdn.xml", "Signed")
    given = http_server.url("/tmpredir.xml")
    assert found(given, allow_private=True) == (given, "Signed")
    assert resolve_new_source(given, allow_private=True).entry["url"] == given
    assert http_server.requests_to("/cdn.xml")  # it was followed and read


def test_a_feed_that_moved_for_good_is_stored_at_its_new_address(http_server) -> None:
    redirect(http_server, "/old.xml", 301, "/older.xml")
    redirect(http_server, "/older.xml", 308, "/new.xml")
    feed(http_server, "/new.xml", "Moved")
    assert found(http_server.url("/old.xml"), allow_private=True) == (
        http_server.url("/new.xml"),
        "Moved",
    )


def test_one_temporary_hop_in_a_chain_keeps_the_address_given(http_server) -> None:
    redirect(http_server, "/old.xml", 301, "/tmp.xml")
    redirect(http_server, "/tmp.xml", 307, "/cdn.xml?sig=abc")
    feed(http_server, "/cdn.xml", "Chain")
    given = http_server.url("/old.xml")
    assert found(given, allow_private=True) == (given, "Chain")


def test_a_discovered_feed_behind_a_temporary_redirect_is_stored_as_the_page_names_it(
    http_server,
) -> None:
    page(http_server, "/", ("application/rss+xml", "/feeds/all.xml"))
    redirect(http_server, "/feeds/all.xml", 302, "/cdn.xml?expires=123&sig=abc")
    feed(http_server, "/cdn.xml", "Harbour")
    assert found(http_server.url("/"), allow_private=True) == (
        http_server.url("/feeds/all.xml"),
        "Harbour",
    )


def test_a_discovered_feed_that_moved_for_good_is_stored_at_its_new_address(
    http_server,
) -> None:
    page(http_server, "/", ("application/atom+xml", "/atom.xml"))
    redirect(http_server, "/atom.xml", 301, "/feeds/atom.xml")
    feed(http_server, "/feeds/atom.xml", "Harbour", "atom")
    assert found(http_server.url("/"), allow_private=True) == (
        http_server.url("/feeds/atom.xml"),
        "Harbour",
    )


# --------------------------------------------------------------------------------------------
# JSON Feed 1.0 advertised as application/json, and WordPress's REST links that are not feeds


def test_a_json_feed_1_0_advertised_as_application_json_is_found(http_server) -> None:
    page(http_server, "/", ("application/json", "/feed.json"))
    feed(http_server, "/feed.json", "Jason's", "json")
    assert found(http_server.url("/"), allow_private=True) == (
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
    assert found(http_server.url("/"), allow_private=True) == (
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
# A page that declares several feeds: the site's main one, and the user is told of the others


def test_the_main_feed_is_chosen_over_comment_and_category_feeds_and_the_others_are_named(
    http_server,
) -> None:
    titled_page(
        http_server,
        "/",
        ("Harbour » Comments Feed", "/comments/feed/"),
        ("Harbour » Ships Category Feed", "/category/ships/feed/"),
        ("Harbour » Feed", "/feed/"),
    )
    for path in ("/comments/feed/", "/category/ships/feed/", "/feed/"):
        feed(http_server, path, f"Harbour {path}")
    chosen = find_feed(http_server.url("/"), allow_private=True)
    assert (chosen.url, chosen.title) == (http_server.url("/feed/"), "Harbour /feed/")
    assert f"chose {http_server.url('/feed/')} (Harbour » Feed)" in chosen.note
    assert f"{http_server.url('/comments/feed/')} (Harbour » Comments Feed)" in chosen.note
    assert http_server.url("/category/ships/feed/") in chosen.note
    assert not http_server.requests_to("/comments/feed/")  # the main one was read first


def test_a_category_page_gets_its_own_feed_not_the_sites(http_server) -> None:
    titled_page(
        http_server,
        "/category/ships/",
        ("Harbour » Feed", "/feed/"),
        ("Harbour » Comments Feed", "/comments/feed/"),
        ("Harbour » Ships Category Feed", "/category/ships/feed/"),
    )
    feed(http_server, "/category/ships/feed/", "Harbour: Ships")
    assert found(http_server.url("/category/ships/"), allow_private=True) == (
        http_server.url("/category/ships/feed/"),
        "Harbour: Ships",
    )


def test_a_blog_under_a_path_gets_its_main_feed_not_a_category_under_that_path(
    http_server,
) -> None:
    titled_page(
        http_server,
        "/blog/",
        ("Harbour » Ships Category Feed", "/blog/category/ships/feed/"),
        ("Harbour » Feed", "/blog/feed/"),
    )
    feed(http_server, "/blog/category/ships/feed/", "Harbour: Ships")
    feed(http_server, "/blog/feed/", "Harbour")
    assert found(http_server.url("/blog/"), allow_private=True) == (
        http_server.url("/blog/feed/"),
        "Harbour",
    )


def test_discover_feeds_puts_the_sites_own_feed_before_comment_and_section_feeds() -> None:
    html = """<html><head>
      <link rel="alternate" type="application/rss+xml" href="/?feed=comments-rss2">
      <link rel="alternate" type="application/atom+xml" href="/feeds/comments/default">
      <link rel="alternate" type="application/rss+xml" title="Tag Feed" href="/t/rust.xml">
      <link rel="alternate" type="application/rss+xml" href="/tag/rust/feed/">
      <link rel="alternate" type="application/rss+xml" title="Kommentare" href="/k.xml">
      <link rel="alternate" type="application/rss+xml" href="/?feed=rss2">
      <link rel="alternate" type="application/json" href="/feed.json">
    </head></html>"""
    assert discover_feeds(html, "https://example.org/") == [
        "https://example.org/?feed=rss2",
        "https://example.org/feed.json",
        "https://example.org/t/rust.xml",
        "https://example.org/tag/rust/feed/",
        "https://example.org/?feed=comments-rss2",
        "https://example.org/feeds/comments/default",
        "https://example.org/k.xml",
    ]


def test_a_single_declared_feed_needs_no_note_and_a_feed_given_is_read_once(http_server) -> None:
    feed(http_server, "/feed.xml", "Harbour", "entries")
    given = find_feed(http_server.url("/feed.xml"), allow_private=True)
    assert (given.url, given.note) == (http_server.url("/feed.xml"), "")
    assert [r.path for r in http_server.requests] == ["/feed.xml"]  # nothing guessed
    page(http_server, "/", ("application/rss+xml", "/feed.xml"))
    assert find_feed(http_server.url("/"), allow_private=True).note == ""


def test_a_feed_is_named_alike_given_or_found_through_a_page_or_a_guess(http_server) -> None:
    # the name 'digest sources add' writes is the one a build shows for the feed: a feed
    # found through its page was named by its raw title ("World"), one given directly not
    feed(http_server, "/world.xml", "World", "entries")
    assert found(http_server.url("/world.xml"), allow_private=True)[1] == "example.org – World"
    page(http_server, "/", ("application/rss+xml", "/world.xml"))
    assert found(http_server.url("/"), allow_private=True)[1] == "example.org – World"
    feed(http_server, "/feed", "Latest News", "entries")  # a usual address, guessed
    page(http_server, "/news/")
    assert found(http_server.url("/news/"), allow_private=True)[1] == "example.org – Latest News"


# --------------------------------------------------------------------------------------------
# A page that declares no feed: its links to one, then the usual addresses, within a budget


def test_a_link_in_the_page_that_leads_to_a_feed_is_followed(http_server) -> None:
    page(
        http_server,
        "/",
        body='<a href="/feedback">Feedback</a>'
        '<a href="/2026/how-to-feed-a-harbour-seal">How to feed a harbour seal in winter</a>'
        '<a href="/about/atom-clock">The atom clock</a>'
        '<a href="/syndication/all.rss"><img src="/img/feed-icon.png" alt=""></a>',
    )
    feed(http_server, "/syndication/all.rss", "Harbour", "entries")
    chosen = find_feed(http_server.url("/"), allow_private=True)
    assert (chosen.url, chosen.title) == (http_server.url("/syndication/all.rss"), "Harbour")
    assert "declares no feed" in chosen.note and "through its link" in chosen.note
    assert [r.path for r in http_server.requests] == ["/", "/syndication/all.rss"]


def test_only_links_that_clearly_lead_to_a_feed_are_guesses() -> None:
    html = """<html><body>
      <a href="/feedback">Feedback</a>
      <a href="/2026/feed-the-gulls">Why you should never feed the gulls on the quay</a>
      <a href="/2026/atom-clock">The atom clock that keeps the harbour's time</a>
      <a class="feed-item" href="/2026/tides"><img src="/img/tides.jpg">Tides</a>
      <a href="/about"><img src="/img/feed-icon-14x14.png" alt=""></a>
      <a href="/s"><i class="fa fa-rss"></i></a>
      <a href="/subscribe">Subscribe to the RSS feed to hear of every ship</a>
      <a href="https://feeds.example.net/harbour">Updates</a>
      <a href="/index.php?feed=rss2">Posts</a>
      <a href="/news/all.atom">All news</a>
      <a href="mailto:rss@example.org">RSS</a>
      <a href="#">RSS</a>
    </body></html>"""
    assert [link.url for link in linked_feeds(html, "https://example.org/", limit=20)] == [
        "https://feeds.example.net/harbour",
        "https://example.org/index.php?feed=rss2",
        "https://example.org/news/all.atom",
        "https://example.org/about",
        "https://example.org/s",
        "https://example.org/subscribe",
    ]


def test_a_link_whose_text_says_rss_is_followed_and_a_comments_link_comes_last(
    http_server,
) -> None:
    page(
        http_server,
        "/",
        body='<a href="/comments/rss">Comments RSS</a><a href="/subscribe">RSS</a>',
    )
    feed(http_server, "/comments/rss", "Comments", "entries")
    feed(http_server, "/subscribe", "Harbour", "entries")
    assert found(http_server.url("/"), allow_private=True) == (
        http_server.url("/subscribe"),
        "Harbour",
    )
    assert not http_server.requests_to("/comments/rss")


def test_a_linked_comments_feed_gives_way_to_the_sites_own_feed_at_a_usual_address(
    http_server,
) -> None:
    page(http_server, "/", body='<a href="/comments/feed/">Comments RSS</a>')
    feed(http_server, "/comments/feed/", "Comments on Harbour", "entries")
    feed(http_server, "/feed", "Harbour", "entries")
    chosen = find_feed(http_server.url("/"), allow_private=True)
    assert (chosen.url, chosen.title) == (http_server.url("/feed"), "Harbour")
    assert chosen.note.endswith("at a usual feed address")


def test_a_linked_category_feed_is_taken_when_the_site_has_no_feed_of_its_own(
    http_server,
) -> None:
    page(http_server, "/", body='<a href="/category/ships/feed/">Ships RSS</a>')
    feed(http_server, "/category/ships/feed/", "Harbour: Ships", "entries")
    chosen = find_feed(http_server.url("/"), allow_private=True)
    assert (chosen.url, chosen.title) == (
        http_server.url("/category/ships/feed/"),
        "Harbour: Ships",
    )
    assert "only" in chosen.note and "through its link" in chosen.note
    # every usual address was asked for the site's own feed first, within the budget of 8
    asked = [r.path for r in http_server.requests]
    assert asked[:2] == ["/", "/category/ships/feed/"] and len(asked) == 1 + 8


def test_a_site_whose_pages_name_no_feed_is_found_at_a_usual_address(http_server) -> None:
    page(http_server, "/blog/post.html")
    feed(http_server, "/rss.xml", "Harbour", "entries")
    chosen = find_feed(http_server.url("/blog/post.html"), allow_private=True)
    assert (chosen.url, chosen.title) == (http_server.url("/rss.xml"), "Harbour")
    assert chosen.note.endswith(f"found {http_server.url('/rss.xml')} at a usual feed address")
    # /feed was asked first, answered 404, and the search stopped at the first feed
    assert [r.path for r in http_server.requests] == ["/blog/post.html", "/feed", "/rss.xml"]


def test_a_usual_address_that_moved_for_good_is_stored_at_its_new_address(http_server) -> None:
    page(http_server, "/")
    redirect(http_server, "/feed", 301, "/feed/")
    feed(http_server, "/feed/", "Harbour", "entries")
    assert found(http_server.url("/"), allow_private=True) == (
        http_server.url("/feed/"),
        "Harbour",
    )


def test_a_guess_behind_a_temporary_redirect_is_stored_as_guessed(http_server) -> None:
    page(http_server, "/")
    redirect(http_server, "/feed", 302, "/cdn/feed.xml?sig=abc")
    feed(http_server, "/cdn/feed.xml", "Harbour", "entries")
    assert found(http_server.url("/"), allow_private=True) == (http_server.url("/feed"), "Harbour")


def soft_404_site(server: FixtureServer, *, delay: float = 0.0) -> list[str]:
    """Every address of the site (its feed links and the usual addresses) answers 200 with
    the same HTML page, as many sites do for a missing page. Returns the paths served."""
    from urllib.parse import urlsplit

    from digest.sources.feeds.autodiscovery import well_known_feed_urls

    html = "<html><head><title>Harbour</title></head><body><p>Not here.</p>"
    html += "".join(f'<a href="/feeds/{n}.rss">RSS {n}</a>' for n in range(10))
    html += "</body></html>"
    paths = ["/", *(f"/feeds/{n}.rss" for n in range(10))]
    paths += [urlsplit(url).path for url in well_known_feed_urls(server.url("/"))]
    for path in paths:
        server.route(
            path,
            body=html,
            headers={"Content-Type": "text/html; charset=utf-8"},
            delay=0.0 if path == "/" else delay,
        )
    return paths


def test_a_site_that_answers_every_address_with_a_page_offers_no_feed(http_server) -> None:
    soft_404_site(http_server)
    feed(http_server, "/atom.xml", "Empty", "atom")  # a feed, but with nothing in it
    with pytest.raises(SourceError) as caught:
        find_feed(http_server.url("/"), allow_private=True)
    problem = caught.value.problem
    assert "names no feed" in problem and "--page" in caught.value.advice
    # what was tried, each with why it is no feed
    assert "/feeds/0.rss: not a feed: an HTML page" in problem
    assert "/feed: not a feed: an HTML page" in problem
    assert "/atom.xml: a feed with no entries" in problem
    # the page's links first, at most 4 of them, and 8 guesses in all
    asked = [r.path for r in http_server.requests]
    links = ["/feeds/0.rss", "/feeds/1.rss", "/feeds/2.rss", "/feeds/3.rss"]
    assert asked == ["/", *links, "/feed", "/rss.xml", "/atom.xml", "/feed.xml"]


def test_guessing_stops_at_one_requests_deadline(http_server) -> None:
    soft_404_site(http_server, delay=0.4)
    settings = FetchSettings(total_timeout=1.0, retries=0)
    with pytest.raises(SourceError, match="names no feed") as caught:
        find_feed(http_server.url("/"), allow_private=True, settings=settings)
    assert "not tried, out of time" in caught.value.problem
    assert len(http_server.requests) <= 1 + 3


def test_a_page_declaring_dozens_of_dead_feeds_costs_a_bounded_search(http_server) -> None:
    # each declared feed answers 404 slowly: read one by one, with a retry each, they took
    # minutes; now at most MAX_GUESSES of them, within one request's deadline
    links = [("application/rss+xml", f"/feeds/{n}.xml") for n in range(30)]
    page(http_server, "/", *links)
    for n in range(30):
        http_server.route(f"/feeds/{n}.xml", status=404, body="gone", delay=0.2)
    settings = FetchSettings(total_timeout=1.0, retries=1)
    with pytest.raises(SourceError, match="none could be read") as caught:
        find_feed(http_server.url("/"), allow_private=True, settings=settings)
    assert "not tried, out of time" in caught.value.problem
    declared = [r for r in http_server.requests if r.path.startswith("/feeds/")]
    assert len(declared) <= 8  # then the usual addresses, in a budget of their own
    assert len(http_server.requests) <= 1 + 8 + 8


def test_a_page_whose_declared_feed_is_dead_is_searched_at_the_usual_addresses(
    http_server,
) -> None:
    # the theme still declares the feed of a plugin long gone; the site serves its feed at /feed
    page(http_server, "/", ("application/rss+xml", "/old-plugin/rss.php"))
    feed(http_server, "/feed", "Harbour Notes", "entries")
    result = find_feed(http_server.url("/"), allow_private=True)
    assert (result.url, result.title) == (http_server.url("/feed"), "Harbour Notes")
    # a declared address that failed is not asked again among the guesses
    page(http_server, "/b/", ("application/rss+xml", "/b/feed"))
    http_server.route("/b/feed", status=404, body="gone")
    assert find_feed(http_server.url("/b/"), allow_private=True).url == http_server.url("/feed")
    assert len(http_server.requests_to("/b/feed")) == 1
    assert result.note.startswith(f"{http_server.url('/')} names feeds that could not be read")
    assert f"found {http_server.url('/feed')} at a usual feed address" in result.note


def test_a_hugo_sites_feed_is_still_found_from_a_page_one_folder_deep(http_server) -> None:
    # the folder's guesses must leave room for the site's own usual addresses
    page(http_server, "/posts/")
    feed(http_server, "/index.xml", "A Hugo Site", "entries")
    assert found(http_server.url("/posts/"), allow_private=True) == (
        http_server.url("/index.xml"),
        "A Hugo Site",
    )


def test_a_blog_kept_under_a_folder_is_found_at_its_folders_feed(http_server) -> None:
    page(http_server, "/blog/")
    feed(http_server, "/blog/feed", "The Blog", "entries")
    feed(http_server, "/feed", "The Shop's News", "entries")
    assert found(http_server.url("/blog/"), allow_private=True) == (
        http_server.url("/blog/feed"),
        "The Blog",
    )
    # under an article's address, "/feed" is the article's comments: the site's is tried
    page(http_server, "/2026/05/a-post/")
    feed(http_server, "/2026/05/a-post/feed", "Comments on: A post", "entries")
    assert found(http_server.url("/2026/05/a-post/"), allow_private=True)[0] == (
        http_server.url("/feed")
    )


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
    private = f"http://intranet.example:{port}/private/payroll.xml"
    page(http_server, "/", ("application/rss+xml", private))
    feed(http_server, "/private/payroll.xml", "Payroll")
    settings = FetchSettings(network=internet, retries=0)
    with pytest.raises(SourceError) as refused:
        resolve_new_source(f"http://news.example:{port}/", settings=settings)
    assert (
        f"but none could be read: {private}: not fetched: "
        "intranet.example resolves to 10.0.0.7, a private network address; and none was found "
        "through its links or at the usual addresses: /feed: HTTP 404"
    ) in refused.value.problem
    assert not http_server.requests_to("/private/payroll.xml")
    assert set(internet.connected) == {PUBLIC[0]}  # the usual addresses, on the public site


def test_a_public_page_without_a_declared_feed_cannot_lead_discovery_into_the_local_network(
    http_server, internet: FakeInternet
) -> None:
    port = http_server.port
    page(http_server, "/", body=f'<a href="http://intranet.example:{port}/private/rss.xml">RSS</a>')
    redirect(http_server, "/feed", 302, f"http://intranet.example:{port}/private/feed.xml")
    feed(http_server, "/private/rss.xml", "Payroll", "entries")
    feed(http_server, "/private/feed.xml", "Payroll", "entries")
    settings = FetchSettings(network=internet, retries=0)
    with pytest.raises(SourceError, match="names no feed") as refused:
        find_feed(f"http://news.example:{port}/", settings=settings)
    assert "intranet.example resolves to 10.0.0.7, a private network address" in (
        refused.value.problem
    )
    assert not http_server.requests_to("/private/rss.xml")
    assert not http_server.requests_to("/private/feed.xml")
    assert set(internet.connected) == {PUBLIC[0]}
    assert http_server.requests_to("/rss.xml")  # the guessing went on, on the public site


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
    assert found(http_server.url("/feed.xml"), allow_private=True) == (
        http_server.url("/feed.xml"),
        "Intranet",
    )


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
    assert resolve_new_source("df.atom", base=tmp_path).entry == {
        "name": "Harbour Notes",
        "path": "df.atom",
    }
    assert resolve_new_source("clippings", base=tmp_path).entry["name"] == "clippings"


def test_a_local_file_that_is_no_feed_is_refused_as_an_address_that_gives_none_is(
    tmp_path: Path,
) -> None:
    # Added, it would fail every build; the likeliest mistake, an article file, is told
    # where such files are read from.
    (tmp_path / "notes.txt").write_text("Not a feed at all.", encoding="utf-8")
    (tmp_path / "page.xml").write_text("<html><body><p>Hello</p></body></html>")
    (tmp_path / "empty.xml").write_bytes(b"")
    with pytest.raises(SourceError) as caught:
        resolve_new_source("notes.txt", base=tmp_path)
    assert caught.value.problem.startswith("notes.txt: not a feed")
    assert "an article file is read from a folder" in caught.value.advice
    for name, problem in [("page.xml", "page.xml: not a feed"), ("empty.xml", "empty.xml: empty")]:
        with pytest.raises(SourceError) as caught:
            resolve_new_source(name, base=tmp_path)
        assert caught.value.problem.startswith(problem)
        assert "URL" not in caught.value.advice and "'path'" in caught.value.advice


def test_an_address_no_parser_reads_hides_no_other_feed_link() -> None:
    # (the readers once caught every error of a page as "names nothing": a bug of theirs
    # looked like a page without feeds)
    html = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="http://[::1">'
        b'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
        b'<body><a href="http://[bad">RSS</a><a href="/rss.xml">RSS</a></body></html>'
    )
    assert [link.url for link in feed_links(html, "https://example.org/")] == [
        "https://example.org/feed.xml"
    ]
    assert [link.url for link in linked_feeds(html, "https://example.org/")] == [
        "https://example.org/rss.xml"
    ]


def test_an_article_one_folder_deep_gets_the_sites_feed_not_its_own_comments(
    http_server,
) -> None:
    # WordPress's "post name" permalinks put every post one folder deep ("/a-post/"), where
    # "/a-post/feed" is that post's comments; the theme declares a FeedBurner feed long dead
    page(http_server, "/a-post/", ("application/rss+xml", "/feedburner/harbour"))
    post = http_server.url("/a-post/")
    comments = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Comments on: A post</title>'
        f"<link>{post}</link><description>d</description>"
        f"<item><title>By: Ana</title><link>{post}#comment-12</link>"
        "<description>Lovely photos of the harbour.</description></item>"
        f"<item><title>By: Tom</title><link>{post}#comment-14</link>"
        "<description>I was there on Monday.</description></item></channel></rss>"
    )
    http_server.route(
        "/a-post/feed", body=comments, headers={"Content-Type": "application/rss+xml"}
    )
    feed(http_server, "/feed", "Harbour Notes", "entries")
    assert found(post, allow_private=True) == (http_server.url("/feed"), "Harbour Notes")


@pytest.mark.parametrize("given", ["/", "/updates"])
def test_a_sites_feed_whose_entries_all_link_to_the_page_given_is_still_its_feed(
    http_server, given: str
) -> None:
    # A one-page site (or its updates page) whose hand-written feed links every entry to a
    # place on that page: the feed at the site's usual address is its own, not a post's
    # comments, which only a feed under the page's own address can be.
    page(http_server, given)
    target = http_server.url(given)
    notes = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Updates</title>'
        f"<link>{target}</link><description>d</description>"
        f"<item><title>Quay reopened</title><link>{target}#quay</link>"
        "<description>The quay reopened on Monday.</description></item>"
        f"<item><title>New timetable</title><link>{target}#timetable</link>"
        "<description>The ferry leaves earlier from June.</description></item></channel></rss>"
    )
    http_server.route("/feed", body=notes, headers={"Content-Type": "application/rss+xml"})
    assert found(target, allow_private=True) == (http_server.url("/feed"), "Harbour Updates")


def test_an_address_typed_without_its_scheme_is_answered_with_it(tmp_path: Path) -> None:
    for typed, meant in [
        ("example.org/feed", "https://example.org/feed"),
        ("192.168.1.20:8080/rss", "http://192.168.1.20:8080/rss"),
        ("htp://example.net/rss", "http://example.net/rss"),  # a slip of the keys
    ]:
        with pytest.raises(SourceError) as caught:
            resolve_new_source(typed, base=tmp_path)
        assert f"did you mean {meant}?" in caught.value.advice
    with pytest.raises(SourceError) as caught:  # a path that is not there: no address to offer
        resolve_new_source("my-articles", base=tmp_path)
    assert "did you mean" not in caught.value.advice
