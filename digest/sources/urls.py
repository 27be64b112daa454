"""Canonical article URLs: one spelling per link, so the same story is recognised across runs.

``canonical_url`` keeps a URL usable (scheme kept, only noise removed); ``url_key`` is the
identity used for deduplication and drops the scheme too, so a site moving from http to
https does not make every old article look new. ``host_of`` is the server a URL connects to.
"""

from __future__ import annotations

import contextlib
import html
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "mkt_tok",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wt.mc_id",
        "ncid",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "cmpid",
        "__s",
        "s_cid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Browsers drop ASCII tab and newline anywhere in a URL and trim C0 controls and spaces.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# An http(s) URL with a plain host: safe without further decoding.
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?(?:[/?#]|\Z)")
_SIMPLE = re.compile(
    r"(https?)://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::([1-9][0-9]{0,4}))?"
    r"(/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?"
)


def canonical_url(url: str) -> str:
    """Lowercase scheme and host, no default port, no fragment, no tracking parameters,
    remaining query parameters sorted. Anything that cannot be parsed comes back stripped."""
    url = url.strip()
    simple = _SIMPLE.fullmatch(url)
    if simple:  # already lower-case, no user: the common case, without urlsplit
        scheme, host, port, path, query = simple.groups()
        if port is None or (int(port) <= 65535 and _DEFAULT_PORTS[scheme] == port):
            port = ""
        elif int(port) <= 65535:
            port = ":" + port
        else:
            return _canonical_parsed(url)  # (which refuses it as urlsplit does)
        query = _clean_query(query) if query else ""
        return f"{scheme}://{host}{port}{path or '/'}{'?' + query if query else ''}"
    return _canonical_parsed(url)


def _canonical_parsed(url: str) -> str:
    """``canonical_url`` the long way, by ``urlsplit``: for any URL at all."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    # The root's dot goes; a host of dots only stays, or the path would be read as the host.
    host = (parts.hostname or "").rstrip(".") or parts.hostname or ""
    netloc = ""
    if parts.netloc:
        userinfo, _, _ = parts.netloc.rpartition("@")
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        netloc = f"{userinfo}@{host}" if userinfo else host
        if port is not None and _DEFAULT_PORTS.get(scheme) != str(port):
            netloc = f"{netloc}:{port}"
    path = parts.path
    if not path and netloc and scheme in ("http", "https", ""):
        path = "/"
    # Cutting the fragment or a last tracking parameter may leave a blank at the end, which
    # the next reading would strip: the URL would not be its own canonical form.
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), "")).strip()


def url_key(url: str) -> str:
    """The canonical URL without its scheme ("//host/path?query"): http and https agree."""
    canonical = canonical_url(url)
    scheme, sep, rest = canonical.partition("://")
    if sep and scheme and "/" not in scheme:
        return "//" + rest
    return canonical


def host_of(url: str) -> str:
    """The server ``url`` connects to, as ``host:port`` (the scheme's port when it names
    none: ``http://example.org`` and ``https://example.org`` are two servers): what a failure
    to connect is about, whichever of its feeds or pages asked."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # not a number: the fetch itself says what is wrong with it
        port = None
    host = parts.hostname or ""
    if not host.isascii():  # as the request goes out (and as a failure names it): punycode
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return f"{host}:{port or _DEFAULT_PORTS.get(parts.scheme.lower(), '0')}"


def host_name(url: str) -> str:
    """``url``'s host (and port, when it names one) as written, for messages."""
    return urlsplit(url).netloc.rpartition("@")[2]


# Aggregators whose links lead to a page that only sends the browser on by script (or, in
# Europe, to a consent page first): never the article, and nothing to read its text from.
_REDIRECT_PAGES = (("news.google.com", "/articles/"),)


def is_redirect_page(url: str | None) -> bool:
    """Whether ``url`` is an aggregator's page that only redirects to the article (a Google
    News item's link): fetching it for the article's text would read Google's page."""
    if not url:
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return any(host == name and part in parts.path for name, part in _REDIRECT_PAGES)


def is_safe_link(url: str | None) -> bool:
    """True for an absolute http(s) URL with a host, judged the way a browser would read it
    (entities decoded, whitespace and control characters ignored, any letter case)."""
    if not url or not isinstance(url, str):
        return False
    if _PLAIN_HTTP.match(url):
        return True
    cleaned = _INVISIBLE.sub("", html.unescape(url)).lower()
    if not cleaned.startswith(("http://", "https://")):
        return False
    try:
        return bool(urlsplit(cleaned).hostname)
    except ValueError:
        return False


def _clean_query(query: str) -> str:
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote_plus(pair.partition("=")[0]).strip().lower()
        if name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
            continue
        # (a blank at the end of a pair would end the URL once sorted last, and be cut then)
        kept.append(pair.rstrip())
    kept.sort()
    return "&".join(kept)
