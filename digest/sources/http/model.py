"""What fetching takes and gives: its settings, a request, a result, and one attempt's answer.

Data only, no I/O: the modules of this package pass these between them, and callers see
``FetchSettings``, ``FetchRequest`` and ``FetchResult`` (re-exported by the package).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from digest import PROJECT_URL, __version__
from digest.model import FailureReason, SourceFailure

if TYPE_CHECKING:
    from digest.sources.http.guard import Network

Outcome = Literal["ok", "not_modified", "gone", "failed"]

DEFAULT_USER_AGENT = f"calm-digest/{__version__} (+{PROJECT_URL})"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how patiently to fetch. Times are in seconds."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0  # deadline for one request: redirects, reads and retries
    max_bytes: int = 10 * 1024 * 1024  # cap on the decompressed body
    retries: int = 2  # extra attempts after the first, for transient failures only
    backoff: float = 1.0  # first retry pause; doubles each time, with jitter
    max_retry_after: float = 120.0  # a longer Retry-After skips the source this run
    workers: int = 8
    user_agent: str = DEFAULT_USER_AGENT
    # Where names resolve and connections go: the system's (None), or a test's own, so that
    # names can lead to chosen addresses without touching the internet.
    network: Network | None = None

    def __post_init__(self) -> None:
        if not (self.connect_timeout > 0 and self.total_timeout > 0):
            raise ValueError("connect_timeout and total_timeout must be positive")
        if self.max_bytes < 1 or self.workers < 1:
            raise ValueError("max_bytes and workers must be at least 1")
        if self.retries < 0 or self.backoff < 0 or self.max_retry_after < 0:
            raise ValueError("retries, backoff and max_retry_after cannot be negative")


DEFAULT_SETTINGS = FetchSettings()


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One source to fetch, with the validators stored from its last successful fetch.

    The request is refused if it would reach a loopback, private, link-local or other
    non-public address, directly, through a redirect or through a proxy (see ``guard``),
    unless ``allow_private``: a hostile feed, page or redirect must not make digest read a
    router's admin page or a cloud metadata service and publish it in the digest. Only a
    source the user configured with ``allow_private`` (an intranet feed) sets it.
    """

    source: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    allow_private: bool = False
    # the name the user knows the source by (``Source.shown``), for what is said of it; its
    # key (``source``) when empty
    shown: str = ""

    @property
    def named(self) -> str:
        """The source as what is said of the request names it."""
        return self.shown or self.source


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What became of one ``FetchRequest``.

    ``ok``: ``body`` holds the decoded bytes. ``not_modified``: the stored copy is current and
    ``body`` is empty. ``gone``: the publisher removed the feed (HTTP 410); disable the
    source. ``failed``: ``problem`` says what happened and ``advice`` what to do.

    ``url`` is the address the final response came from. ``moved_to`` is set only when every
    redirect hop was permanent (301/308) and the fetch succeeded: store it in place of the
    old address. ``etag`` and ``last_modified`` are the validators to store for next time.
    ``refused``: it failed because an address on the way was outside the public internet
    (the network policy, see ``guard``), not because of the site. ``host_down``: it failed
    because the host of ``url`` could not be reached at all (no such name, nothing listening,
    no answer to connect), which its other addresses on that port would meet too. (Not a TLS
    failure: that is about the scheme asked for, and plain HTTP on the port may answer.)
    """

    request: FetchRequest
    outcome: Outcome
    url: str
    moved_to: str | None = None
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    problem: str | None = None
    advice: str | None = None
    attempts: int = 1
    elapsed: float = 0.0
    refused: bool = False
    host_down: bool = False
    # ``ok``: the SHA-256 of ``body`` (hex), taken on the fetching thread, where hashing a
    # large body lets the others run: what a server that answers every request in full is
    # asked instead of "304 Not Modified" (see ``digest.ingest``)
    body_hash: str | None = None

    @property
    def source(self) -> str:
        return self.request.source

    @property
    def failure(self) -> SourceFailure | None:
        """The problem as a ``SourceFailure`` for the digest, or None when there was none."""
        if self.outcome in ("ok", "not_modified"):
            return None
        reason: FailureReason = "gone" if self.outcome == "gone" else "fetch"
        return SourceFailure(self.source, self.problem or self.outcome, self.advice or "", reason)


@dataclass(slots=True)
class FinalAnswer:
    """An attempt's answer that retrying would not change."""

    outcome: Outcome
    url: str
    status: int | None = None
    moved_to: str | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    problem: str | None = None
    advice: str | None = None
    refused: bool = False
    host_down: bool = False  # see FetchResult


@dataclass(slots=True)
class TransientFailure:
    """A failed attempt worth retrying."""

    problem: str
    advice: str
    url: str
    status: int | None = None
    retry_after: float | None = None
