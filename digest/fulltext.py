"""Full text: the linked pages of the day's teaser entries, fetched alongside the rest of the build.

A build asks for an article's page as soon as its source's entries for the day are known
(``PageFetcher.want``), so page downloads overlap the other sources' fetching, parsing and
cleaning; ``finish`` then waits for what is still out, within the phase's time budget.

The phase is bounded, so that unreachable article sites never hold a build up:

* a host that fails to answer (no such host, connection refused or timed out, a broken TLS
  setup, a private address, a 5xx or a 429) is not asked again in this run; a 404 or any
  other 4xx is the page's own problem, and cheap to learn;
* a host's first page is fetched alone, the others once it has answered: a dead host costs one
  attempt, not one per entry (``PER_HOST`` pages of a live host are fetched at once);
* a page is fetched once, with no retries: a teaser is a fine fallback, and the pages of a
  kind that has no other text wait for the next run rather than being lost;
* the whole phase has a time budget (``[fetch] full_text_seconds``), counted from its first
  page: what has not come back by then keeps its teaser, and the build's summary says so.

The fetching threads are daemons and each request's deadline is the budget's: a page still
loading when the budget runs out never keeps the build (or the process) waiting.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from digest.intake import PageWanted, SourceDay
from digest.model import Article, Source, UnreadPage
from digest.sources.urls import host_name, host_of

if TYPE_CHECKING:
    from digest.config import FetchConfig
    from digest.sources.http import Client, FetchResult, FetchSettings
    from digest.sources.pages import PageContent

log = logging.getLogger(__name__)

PER_HOST = 2  # pages of one host fetched at once, once it has answered

T = TypeVar("T")
NotTried = Literal["", "host", "time"]


@dataclass(frozen=True)
class PageRequest:
    """One article's page: ``key`` names the article; ``allow_private`` as in ``FetchRequest``."""

    key: str
    source: str
    url: str
    allow_private: bool = False
    shown: str = ""  # the name the user knows the source by, as in ``FetchRequest``


@dataclass(frozen=True)
class Page(Generic[T]):
    """What became of a ``PageRequest``: ``fetched`` and what the handler made of it; or, not
    tried, why (``host``: its host failed earlier in this run, ``problem`` says how; ``time``:
    the budget ran out first)."""

    request: PageRequest
    fetched: FetchResult | None = None
    value: T | None = None
    not_tried: NotTried = ""
    problem: str = ""
    refused: bool = False  # not tried: the network policy refused its host's address


@dataclass
class _Host:
    active: int = 0
    answered: bool = False  # it has answered (with a page or a 4xx)
    dead: str = ""  # why it is given up for the run
    refused: bool = False  # the network policy refused its address
    queue: deque[PageRequest] = dataclasses.field(default_factory=deque)


def _host_key(request: PageRequest) -> tuple[str, bool]:
    return host_of(request.url), request.allow_private


def host_problem(result: FetchResult) -> bool:
    """Whether a failed page says its whole host is unusable for now, not just this page."""
    return result.status is None or result.status >= 500 or result.status == 429


class PageFetcher(Generic[T]):
    """Fetches pages on ``settings.workers`` daemon threads, host by host, within a budget.

    ``handle(request, result)`` runs on the fetching thread as each page comes back (to
    extract its text while other pages load); what it returns is the ``Page``'s ``value``.
    """

    def __init__(
        self,
        settings: FetchSettings,
        budget: float,
        handle: Callable[[PageRequest, FetchResult], T],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = dataclasses.replace(settings, retries=0)
        self._budget = budget
        self._handle = handle
        self._clock = clock
        self._lock = threading.Condition()
        self._ready: deque[PageRequest] = deque()
        # by host and whether private addresses are allowed: a host refused, or down at its
        # public addresses, may still answer the pages allowed its private ones
        self._hosts: dict[tuple[str, bool], _Host] = {}
        self._pages: dict[str, Page[T]] = {}
        self._pending = 0
        self._running: dict[str, PageRequest] = {}
        self._deadline: float | None = None
        self._threads: list[threading.Thread] = []
        self._client: Client | None = None
        self._stopped = False
        self.timed_out = 0  # pages the budget left unfetched

    # --- asking -------------------------------------------------------------------------------

    def want(self, request: PageRequest) -> None:
        """Fetch ``request``'s page when its host allows; may be called from any thread."""
        with self._lock:
            if self._stopped or request.key in self._pages:
                return
            if self._deadline is None:
                self._deadline = self._clock() + self._budget
            host = self._hosts.setdefault(_host_key(request), _Host())
            if host.dead:
                self._pages[request.key] = Page(
                    request, not_tried="host", problem=host.dead, refused=host.refused
                )
                return
            self._pending += 1
            host.queue.append(request)
            self._release(host)
            self._start_threads()
            self._lock.notify_all()

    def finish(self) -> dict[str, Page[T]]:
        """Wait for every page asked for, or for the budget to run out; then the pages by
        article key. Pages not back by then are ``not_tried = "time"``."""
        with self._lock:
            while self._pending and self._deadline is not None:
                left = self._deadline - self._clock()
                if left <= 0:
                    break
                self._lock.wait(left)
            self._stopped = True
            late = [*self._ready, *self._running.values()]
            self._ready.clear()
            for host in self._hosts.values():
                late.extend(host.queue)
                host.queue.clear()
            for request in late:
                self._pages[request.key] = Page(request, not_tried="time")
            # with those the threads found out of time before this woke up
            self.timed_out = sum(page.not_tried == "time" for page in self._pages.values())
            self._lock.notify_all()
            pages = dict(self._pages)
        return pages

    # --- the threads --------------------------------------------------------------------------

    def _release(self, host: _Host) -> None:
        """Move what ``host`` may start now onto the ready queue (lock held)."""
        limit = PER_HOST if host.answered else 1
        while host.queue and host.active < limit:
            host.active += 1
            self._ready.append(host.queue.popleft())

    def _start_threads(self) -> None:
        if len(self._threads) >= self._settings.workers or len(self._threads) >= self._pending:
            return
        if self._client is None:
            from digest.sources.http import Client

            self._client = Client(network=self._settings.network)
        thread = threading.Thread(target=self._work, name="digest-page", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        from digest.sources.http import FetchRequest, fetch

        while True:
            with self._lock:
                while not self._ready and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    return
                request = self._ready.popleft()
                self._running[request.key] = request
                deadline = self._deadline
                assert deadline is not None
                left = deadline - self._clock()
            if left <= 0:
                self._done(request, None)
                continue
            settings = dataclasses.replace(
                self._settings, total_timeout=min(self._settings.total_timeout, left)
            )
            result = fetch(
                FetchRequest(
                    request.source,
                    request.url,
                    allow_private=request.allow_private,
                    shown=request.shown,
                ),
                settings,
                client=self._client,
            )
            # A failure at the deadline of a request the budget cut short is the budget's (the
            # page is late), whether ``finish`` wakes before this thread notices or after.
            cut = left < self._settings.total_timeout and self._clock() >= deadline
            self._done(request, None if cut and result.outcome == "failed" else result)

    def _done(self, request: PageRequest, result: FetchResult | None) -> None:
        value = None
        if result is not None and result.outcome == "ok" and not self._stopped:
            value = self._handle(request, result)
        with self._lock:
            host = self._hosts[_host_key(request)]
            host.active -= 1
            self._pending -= 1
            self._running.pop(request.key, None)
            if self._stopped:
                return  # too late: ``finish`` has counted it out of time
            if result is None:
                self._pages[request.key] = Page(request, not_tried="time")
            else:
                self._pages[request.key] = Page(request, result, value)
                self._judge(host, result)
            if host.dead:
                for waiting in host.queue:
                    self._pages[waiting.key] = Page(
                        waiting, not_tried="host", problem=host.dead, refused=host.refused
                    )
                    self._pending -= 1
                host.queue.clear()
            self._release(host)
            self._lock.notify_all()

    def _judge(self, host: _Host, result: FetchResult) -> None:
        if result.outcome != "ok" and host_problem(result):
            host.dead = result.problem or "could not be fetched"
            host.refused = result.refused
        else:
            host.answered = True

    def close(self) -> None:
        """Stop the threads once idle; a request still out finishes by its own deadline."""
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
            idle = not self._running
        if idle and self._client is not None:
            self._client.close()

    def __enter__(self) -> PageFetcher[T]:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


# --- articles and their pages -------------------------------------------------------------------


@dataclass(frozen=True)
class PageText:
    """What an article's page gave: the article with the page's text (None when the page held
    no more text than the source gave), or why the page is of no use (``problem``). Cleaning
    waits for the source's other articles (``digest.pipeline.gather``)."""

    article: Article | None = None
    problem: str = ""
    # the page as extracted: an article of the same key that another source brought takes
    # its text from it on its own terms (``settle``), not as the source that asked first
    content: PageContent | None = None


def read_page(wanted: PageWanted, fetched: FetchResult) -> PageText:
    """The article of ``wanted`` with the text of its fetched page."""
    from digest.sources.pages import PageError, extract_page

    try:
        content = extract_page(fetched.body, fetched.url, fetched.content_type)
    except PageError as exc:
        return PageText(problem=exc.problem)
    except Exception as exc:  # one odd page must not cost the others
        log.exception("unexpected error reading the page %s", fetched.url)
        return PageText(problem=f"unexpected error: {type(exc).__name__}: {exc}")
    return with_page(wanted, content)


def with_page(wanted: PageWanted, content: PageContent) -> PageText:
    """The article of ``wanted`` with the text of its page's ``content``."""
    if sum(len(p.text) for p in content.paragraphs) <= wanted.own_chars:
        return PageText(content=content)
    article = wanted.article
    article = dataclasses.replace(
        article,
        paragraphs=content.paragraphs,
        title=article.title or content.title,
        author=article.author or content.author,
        published=(
            (content.published or article.published)
            if wanted.undated
            else (article.published or content.published)
        ),
    )
    return PageText(article, content=content)


class FullText:
    """The full-text phase of one build: asks for the pages each source's day wants (``ask``,
    given to the intake), reads each page as it comes back, and ``finish`` gives them all."""

    def __init__(self, config: FetchConfig) -> None:
        from digest.ingest import fetch_settings

        self.budget = config.full_text_seconds
        self._config = config
        self._wanted: dict[str, PageWanted] = {}
        self._lock = threading.Lock()
        self.fetcher: PageFetcher[PageText] = PageFetcher(
            fetch_settings(config), self.budget, self._read
        )

    def ask(self, source: Source, day: SourceDay) -> None:
        """Ask for the pages the articles of ``day`` want. Article links come from the source:
        they reach what the source may reach (``digest.ingest.allows_private``), so a feed read
        over the internet cannot send digest into the local network (a source allowed private
        addresses, such as an intranet feed, may link within it)."""
        from digest.ingest import allows_private

        private = allows_private(source, self._config)
        for item in day.shown:
            if not isinstance(item, PageWanted) or not item.article.url:
                continue
            # asked within the lock: another thread asking for the same page (a worker's
            # result, asked for on the pool's thread and again on the build's) returns only
            # once it is asked for, not while the first is still on its way to the fetcher
            with self._lock:
                if item.article.key in self._wanted:
                    continue
                self._wanted[item.article.key] = item
                self.fetcher.want(
                    PageRequest(
                        item.article.key, source.name, item.article.url, private, day.shown_as
                    )
                )

    def _read(self, request: PageRequest, fetched: FetchResult) -> PageText:
        return read_page(self._wanted[request.key], fetched)

    def finish(self) -> dict[str, Page[PageText]]:
        return self.fetcher.finish()

    def __enter__(self) -> FullText:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.fetcher.close()


@dataclass(frozen=True)
class Settled:
    """What became of an article that wanted its page: ``article`` to clean and show (with the
    page's text when ``from_page``, else its own teaser), or ``waiting`` for the next run, or
    neither (unreadable: skipped for good). ``unread`` is the page that could not be used, for
    the run's report; ``waiting_for`` says why an article waits (counted per source)."""

    article: Article | None = None
    from_page: bool = False
    waiting: bool = False
    unread: UnreadPage | None = None
    waiting_for: str = ""


def settle(source: str, wanted: PageWanted, page: Page[PageText] | None) -> Settled:
    """What ``wanted`` becomes given its ``page``: the page's text when it brought more, else
    the article's own text (the teaser stands); an article of a kind with no text but its
    page's waits for the next run when its page could not be had for now (host down, out of
    time) and is skipped for good when the page itself is of no use (missing, refused by the
    network policy, holding no article)."""
    article = wanted.article
    teaser = article if wanted.has_teaser else None

    def unread(problem: str) -> UnreadPage:
        return UnreadPage(source, article.url or "", article.title, problem, teaser is not None)

    if page is None or page.not_tried == "time":
        return Settled(teaser) if teaser is not None else Settled(waiting=True)
    if page.not_tried == "host":
        problem = f"{host_name(article.url or '')} failed earlier in this run: {page.problem}"
        if teaser is not None or page.refused:
            return Settled(teaser, unread=unread(f"not tried ({problem})"))
        return Settled(waiting=True, waiting_for=page.problem)
    fetched = page.fetched
    assert fetched is not None
    if fetched.outcome != "ok":
        problem = fetched.problem or "could not be fetched"
        if teaser is None and host_problem(fetched) and not fetched.refused:
            return Settled(waiting=True, waiting_for=problem)
        return Settled(teaser, unread=unread(f"not fetched ({problem})"))
    text = page.value
    assert text is not None
    if text.content is not None:  # (read for whichever source asked first)
        text = with_page(wanted, text.content)
    if text.problem:
        return Settled(teaser, unread=unread(f"holds no article text ({text.problem})"))
    if text.article is not None:
        return Settled(text.article, from_page=True)
    if teaser is not None:
        return Settled(teaser)
    return Settled(unread=unread("holds no article text"))
