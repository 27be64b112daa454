"""Canonical URLs, URL keys and safe links (digest.sources.urls)."""

from __future__ import annotations

import pytest

from digest.sources.urls import canonical_url, is_safe_link, url_key


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
