"""A request's address: the quick reading of plain addresses gives what urllib3 gives."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.sources.http import address, guard
from digest.sources.http.address import NotWebAddress, WebAddress, web_address


def _urllib3(text: str) -> WebAddress | str:
    """What urllib3 alone makes of ``text``: the address, or the problem's words."""
    try:
        return address._parsed(text.strip())
    except NotWebAddress as exc:
        return str(exc)


def _ours(text: str) -> WebAddress | str:
    try:
        return web_address(text)
    except NotWebAddress as exc:
        return str(exc)


# Pieces that plain addresses are made of, drawn most often, and the ones that make urllib3
# change or refuse an address: capitals, dot segments, lower-case or broken
# percent-encodings, spaces, other scripts, ports with leading zeros or out of range, logins,
# brackets, backslashes.
def _mostly(plain: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(plain * 4 + odd)


_SCHEMES = _mostly(["http", "https"], ["HTTP", "Https", "ftp", "", "http:", "mailto"])
_SEPARATORS = _mostly(["://"], [":", ":/", "", ":///"])
_HOST_PIECES = _mostly(
    ["example", "com", "news", "co", "uk", "a-b", "1", "127", "xn--bcher-kva", "0"],
    ["0x7f", "", "EXAMPLE", "bücher", "[::1]", "[fe80::1%25eth0]", "user@", "us:er@", "_x",
     "%41", " ", "a b", "..", "Ä", "-"],
)  # fmt: skip
_PORTS = _mostly(
    ["", ":80", ":8080", ":443", ":1"],
    [":", ":0", ":00", ":080", ":65535", ":65536", ":99999", ":x", ":1234567"],
)
_PATH_CHARS = _mostly(
    [*"aZ09-._~!$&'()*+,;=:@/?#", "%2F", "%C3%A9", "/feed", ".xml"],
    ["%2f", "%zz", "%", " ", "é", "\\", "[", "]", "|", "^", "`", "{", "}", '"', "<", ">",
     "/./", "/../", "/.", "/..", "//", "\t", "\x00", "€", "%%", "?#", "#?"],
)  # fmt: skip


@st.composite
def _addresses(draw: st.DrawFn) -> str:
    host = ".".join(draw(st.lists(_HOST_PIECES, min_size=1, max_size=4)))
    rest = "".join(draw(st.lists(_PATH_CHARS, max_size=12)))
    return f"{draw(_SCHEMES)}{draw(_SEPARATORS)}{host}{draw(_PORTS)}{rest}"


@settings(max_examples=2000, deadline=None)
@given(_addresses())
@example("http://127.0.0.1:8080/feed.xml")
@example("https://example.com")
@example("https://example.com/?")
@example("https://example.com/#")
@example("https://example.com/a/./b")
@example("https://example.com/%7euser")
@example("  https://example.com/feed  ")
def test_every_address_reads_as_urllib3_reads_it(text: str) -> None:
    assert _ours(text) == _urllib3(text)


@settings(max_examples=1000, deadline=None)
@given(st.from_regex(address._PLAIN, fullmatch=True))
def test_whatever_the_quick_reading_takes_reads_as_urllib3_reads_it(text: str) -> None:
    # every address the quick pattern matches, dot segments and all
    assert _ours(text) == _urllib3(text)


@given(st.text(max_size=60))
@settings(max_examples=1000, deadline=None)
def test_any_text_reads_as_urllib3_reads_it(text: str) -> None:
    assert _ours(text) == _urllib3(text)


@pytest.mark.parametrize(
    "text",
    [
        "http://127.0.0.1:8080/feed.xml",
        "http://127.0.0.1:54321/copy0/Some-Project+Feeds/feed.atom",
        "https://example.com/news/feed?format=rss&page=2#top",
        "https://sub.example.co.uk/a/b-c_d~e/f.atom",
        "https://example.com/search?q=%C3%A9t%C3%A9",
    ],
)
def test_a_plain_address_is_read_without_urllib3(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the whole point of the quick reading: urllib3 is not asked (nor imported) for these
    def refuse(text: str) -> WebAddress:
        raise AssertionError(f"{text} went to urllib3")

    monkeypatch.setattr(address, "_parsed", refuse)
    assert web_address(text).url == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HTTPS://Example.COM/Feed", "https://example.com/Feed"),
        ("https://example.com/a/../b/./c", "https://example.com/b/c"),
        ("https://example.com/%7efeed", "https://example.com/%7Efeed"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com/a b", "https://example.com/a%20b"),
    ],
)
def test_other_addresses_are_normalised(text: str, expected: str) -> None:
    assert web_address(text).url == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ftp://example.com/feed", "not an http:// or https:// address"),
        ("example.com/feed", "not an http:// or https:// address"),
        ("https://exa mple.com/", "not a usable URL"),
        ("https://example.com:99999/", "not a usable URL"),
    ],
)
def test_an_address_that_cannot_be_requested_says_why(text: str, problem: str) -> None:
    with pytest.raises(NotWebAddress, match=problem):
        web_address(text)


def test_a_run_of_plain_addresses_does_not_load_urllib3() -> None:
    # what the quick reading is for: importing urllib3 cost every run about 50 ms. A name
    # looked up (the address family asked) must not load it either.
    code = (
        "import sys\n"
        "from digest.sources.http import address, guard\n"
        "address.web_address('https://example.com/feed.xml')\n"
        "guard.SYSTEM_NETWORK.resolve('localhost', 80)\n"
        "print('urllib3' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_names_are_looked_up_for_the_families_urllib3_would_ask_for() -> None:
    from urllib3.util.connection import allowed_gai_family

    assert guard._address_family() == allowed_gai_family()
