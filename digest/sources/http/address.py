"""A request's address: parsed and normalised as urllib3's ``parse_url`` does (RFC 3986:
lower-case scheme and host, IDNA, dot segments removed, percent-encoding), and checked to
be http(s) with a host.

Most addresses need nothing done: a lower-case ``http(s)://`` name or IPv4 address, maybe
a port, and a path, query and fragment of characters RFC 3986 allows as they are. Those are
taken apart here with one regular expression, and give what urllib3 gives
(``tests/test_http_address.py`` holds the two to the same answers). Anything else goes to
urllib3. Importing urllib3 loads its whole HTTP stack: the HTTP package took 66 ms to import
and read an address with it, 40 ms without (medians of 15 fresh processes), out of about
0.55 s for a cron run that finds 900 feeds unchanged.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class WebAddress(NamedTuple):
    """An http(s) address as requested: ``url`` is the whole address, normalised."""

    scheme: str  # "http" or "https"
    host: str  # lower-case, IDNA-encoded; an IPv6 address in brackets
    port: int | None  # as written, or None for the scheme's own
    url: str


class NotWebAddress(ValueError):
    """An address that cannot be requested: not http(s), no host, or not parseable."""


# What RFC 3986 lets a path, query or fragment hold unencoded (unreserved, sub-delims, ":",
# "@", "/" and, after the path, "?"), and percent-encodings in upper-case hex, which
# ``parse_url`` would otherwise rewrite. A path with a "/." might hold a dot segment: slow.
_PART = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*"
_PLAIN = re.compile(
    rf"(https?)://([a-z0-9.\-]+)(?::([1-9][0-9]{{0,4}}))?((?:/{_PART})?)"
    rf"(?:\?((?:{_PART[:-1]}|\?)*))?(?:#((?:{_PART[:-1]}|\?)*))?"
)


def web_address(text: str) -> WebAddress:
    """``text`` (stripped) as an http(s) address, normalised; or ``NotWebAddress``, saying
    why it cannot be requested."""
    text = text.strip()
    plain = _PLAIN.fullmatch(text)
    if plain is not None and "/." not in plain.group(4):
        scheme, host, port = plain.group(1, 2, 3)
        number = int(port) if port else None
        if number is None or number <= 65535:  # (a port past it: urllib3 says what is wrong)
            return WebAddress(scheme, host, number, text)
    return _parsed(text)


def _parsed(text: str) -> WebAddress:
    from urllib3.exceptions import LocationParseError, LocationValueError
    from urllib3.util import parse_url

    try:
        url = parse_url(text)
    except (LocationParseError, LocationValueError, ValueError) as exc:
        raise NotWebAddress(f"not a usable URL ({exc})") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise NotWebAddress("not an http:// or https:// address")
    return WebAddress(url.scheme, url.host, url.port, url.url)
