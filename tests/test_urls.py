"""Canonical URLs, URL keys and safe links (digest.sources.urls)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.sources.urls import (
    _canonical_parsed,
    canonical_url,
    host_name,
    host_of,
    is_safe_link,
    url_key,
)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("http://example.com", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&b=2&a=1&fbclid=x&gclid=y",
            "https://example.com/a?a=1&b=2",
        ),
        ("https://example.com/a?mc_cid=1&mc_eid=2&ref=hn&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/search?q=a%20b&page=2", "https://example.com/search?page=2&q=a%20b"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://user@Example.com/a", "https://user@example.com/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
        ("https://example.com/a?", "https://example.com/a"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent():
    for url in ("HTTP://a.B/c?z=1&utm_x=2&y=#f", "https://example.com:8443/p?b&a"):
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_url_key_ignores_scheme():
    assert url_key("http://Example.com/a?utm_source=x") == "//example.com/a"
    assert url_key("https://example.com/a") == url_key("http://example.com/a")
    assert url_key("https://example.com/a") != url_key("https://example.com/b")


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("  https://example.org/a  ", True),
        ("javascript:alert(1)", False),
        ("  JaVaScRiPt:alert(1)", False),
        ("&#106;avascript:alert(2)", False),
        ("java\tscript:alert(3)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("vbscript:msgbox", False),
        ("ftp://example.org/file", False),
        ("mailto:a@example.org", False),
        ("/relative/path", False),
        ("//example.org/protocol-relative", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_is_safe_link(url, safe):
    assert is_safe_link(url) is safe


# --- the fast path agrees with the long way ------------------------------------------------

_LABEL = st.text("abcxyz0123456789-", min_size=1, max_size=8)
_PIECE = st.text("abcXYZ019-_.~%!$'()*+,;=:@/\\ \t", max_size=12)
_PAIR = st.tuples(st.sampled_from(["a", "id", "utm_source", "ref", "Q", "fbclid", ""]), _PIECE)


@st.composite
def web_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP"]))
    host = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=4)))
    port = draw(st.one_of(st.just(""), st.integers(0, 99_999).map(str), st.just("080")))
    path = draw(st.one_of(st.just(""), _PIECE.map(lambda p: "/" + p)))
    pairs = draw(st.lists(_PAIR, max_size=4))
    query = "&".join(f"{name}={value}" for name, value in pairs)
    fragment = draw(st.one_of(st.just(""), _PIECE.map(lambda f: "#" + f)))
    return (
        f"{scheme}://{host}{':' + port if port else ''}{path}"
        f"{'?' + query if pairs else ''}{fragment}"
    )


@given(web_urls())
@settings(max_examples=500)
def test_the_fast_path_gives_what_urlsplit_gives(url: str) -> None:
    assert canonical_url(url) == _canonical_parsed(url.strip())


@given(web_urls())
@example("http://news.example/a?b=1 &utm_source=rss")  # a feed's link and a sitemap's <loc>
@example("https://news.example/a #top")
@example("https://.//elsewhere.example/a")  # a host of dots only, and a path like "//host"
@settings(max_examples=500)
def test_a_canonical_url_is_its_own_canonical_and_keeps_the_key(url: str) -> None:
    """Cutting a fragment or a last tracking parameter once left a blank at the end, which the
    next reading cut: a feed (which keys its link's canonical form) and a sitemap (which keys
    the address as listed) gave the same article two keys."""
    canonical = canonical_url(url)
    assert canonical_url(canonical) == canonical
    assert url_key(canonical) == url_key(url)


def test_ports_on_the_fast_path() -> None:
    assert (
        canonical_url("http://127.0.0.1:8080/feed?b=2&a=1#x")
        == "http://127.0.0.1:8080/feed?a=1&b=2"
    )
    assert canonical_url("https://example.com:443") == "https://example.com/"
    assert canonical_url("http://example.com:443/a") == "http://example.com:443/a"
    assert canonical_url("http://example.com:99999/a") == "http://example.com:99999/a"  # as given


def test_host_of_names_the_server_a_url_connects_to() -> None:
    # what a failure to connect is about: the same server whatever the path, the case or a
    # login; another port, or the other scheme's default one, is another server
    assert host_of("https://Example.org/feed.xml") == "example.org:443"
    assert host_of("https://user:secret@example.org:443/other") == "example.org:443"
    assert host_of("http://example.org/feed") == "example.org:80"
    assert host_of("http://example.org:8080/feed") == "example.org:8080"
    assert host_of("http://[::1]:8080/feed") == "::1:8080"
    assert host_of("http://example.org:port/feed") == "example.org:80"  # (the fetch says why)
    assert host_name("https://user:secret@Example.org:8443/feed") == "Example.org:8443"
