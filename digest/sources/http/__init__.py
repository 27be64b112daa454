"""HTTP fetching for feeds and pages: polite, bounded, and never fatal to the run.

``fetch`` turns one ``FetchRequest`` into one ``FetchResult``; ``fetch_all`` runs many on a
bounded thread pool and returns the results in request order. Nothing here raises for a
network or HTTP problem: a source that is slow, broken, gone or huge comes back as a result
whose ``problem`` and ``advice`` say what happened and what to do, and the other sources carry
on.

What a run relies on:

* Conditional GET: the stored ETag / Last-Modified go out as If-None-Match /
  If-Modified-Since, and a 304 comes back as ``not_modified`` with an empty body.
* ``total_timeout`` is a deadline for the whole request, name lookup, redirects and retries
  included (libcurl bounds each hop by the time left, so a trickling server cannot hold a
  worker; a lookup or connect still running at the deadline is abandoned). A pause the
  server asks for with Retry-After, up
  to ``max_retry_after``, is added to the deadline; a longer one skips the source this run.
* Retries with exponential backoff and jitter on timeouts, connection errors, 5xx and 429;
  never on other 4xx.
* Redirects are followed by hand (at most ``MAX_REDIRECTS`` hops, http and https only) so a
  chain made only of 301/308 can be reported as ``moved_to``: the new address to store.
* ``max_bytes`` caps the body after decompression, so a small gzip or brotli "bomb" cannot
  exhaust memory: decoding here is incremental with a bounded output at every step.
* Connections are kept alive per host (by libcurl, one handle per thread and network policy),
  and the proxy named by ``http_proxy`` / ``https_proxy`` (minus ``no_proxy``) is used.
* A request reaches only public internet addresses, directly, through a redirect or through
  a proxy, unless it allows private ones (``FetchRequest.allow_private``): the policy lives
  in ``guard`` and is applied to the address each connection actually reaches.
* A body cut short (shorter than its Content-Length, a chunked or compressed stream without
  its end, a header block cut by the deadline) is a failure worth retrying, never a success.

The modules, each one concern: ``fetching`` (fetch, fetch_all, retries), ``attempt`` (one
try: redirects, cookies, validators), ``transfer`` (one request over libcurl), ``errors``
(what went wrong, in words), ``body`` (decoding under a size cap), ``deadline`` (opening a
connection within the deadline), ``client`` (libcurl handles, proxies, trusted
certificates), ``guard`` (the private-network policy), ``model`` (data).
"""

from digest.sources.http.attempt import ACCEPT, MAX_REDIRECTS
from digest.sources.http.client import Client
from digest.sources.http.fetching import fetch, fetch_all
from digest.sources.http.guard import (
    Network,
    Refused,
    SystemNetwork,
    names_own_network,
    why_not_public,
)
from digest.sources.http.model import (
    DEFAULT_SETTINGS,
    DEFAULT_USER_AGENT,
    FetchRequest,
    FetchResult,
    FetchSettings,
    Outcome,
)

__all__ = [
    "ACCEPT",
    "DEFAULT_SETTINGS",
    "DEFAULT_USER_AGENT",
    "MAX_REDIRECTS",
    "Client",
    "FetchRequest",
    "FetchResult",
    "FetchSettings",
    "Network",
    "Outcome",
    "Refused",
    "SystemNetwork",
    "fetch",
    "fetch_all",
    "names_own_network",
    "why_not_public",
]
