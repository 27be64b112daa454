"""``fetch`` and ``fetch_all``: attempts retried with backoff within one deadline, never fatal.

A transient failure (a timeout, a dropped connection, a 5xx or a 429) is tried again after a
pause that doubles each time, with jitter, while the request's ``total_timeout`` allows it;
other answers are final. A pause the server asks for with Retry-After, up to
``max_retry_after``, is taken and added to the deadline (it is not the site being slow); a
longer one skips the source this run. A bug in here comes back as a failed result too, so
one source cannot take the others down with it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Iterable

from digest import PROJECT_URL
from digest.room import Room
from digest.sources.http.attempt import attempt
from digest.sources.http.client import Client
from digest.sources.http.model import (
    DEFAULT_SETTINGS,
    FetchRequest,
    FetchResult,
    FetchSettings,
    FinalAnswer,
    TransientFailure,
)
from digest.sources.urls import host_name, host_of

log = logging.getLogger(__name__)


def fetch(
    request: FetchRequest,
    settings: FetchSettings = DEFAULT_SETTINGS,
    *,
    client: Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """Fetch one source. Never raises for network or HTTP trouble; see ``FetchResult``.

    ``client`` may be shared between threads (``fetch_all`` does); without one, a client is
    made for this call. ``sleep`` and ``clock`` are there so tests can watch the pauses.
    """
    start = clock()
    own_client = client is None
    try:
        if client is None:
            client = Client(network=settings.network)
        return _fetch(request, settings, client, sleep, clock, start)
    except Exception as exc:  # a bug here must not take the other sources down with it
        log.exception("unexpected error fetching %s (%s)", request.source, request.url)
        return FetchResult(
            request=request,
            outcome="failed",
            url=request.url,
            problem=f"unexpected error while fetching: {type(exc).__name__}: {exc}",
            advice=f"this is a bug in digest; please report it at {PROJECT_URL}/issues",
            elapsed=clock() - start,
        )
    finally:
        if own_client and client is not None:
            client.close()


def fetch_all(
    requests: Iterable[FetchRequest],
    settings: FetchSettings = DEFAULT_SETTINGS,
    *,
    on_done: Callable[[FetchResult], None] | None = None,
    client: Client | None = None,
    keep_bodies: bool = True,
    room: Room | None = None,
) -> list[FetchResult]:
    """Fetch every request on at most ``settings.workers`` threads; results in request order.

    ``on_done`` is called once per result as each finishes, always on the calling thread, so
    it may draw a progress bar or log a line without locking. With ``keep_bodies=False`` the
    results returned carry no body: ``on_done`` had it, and many bodies need not stay in memory.
    With a ``room``, each request first waits for room in it (its deadline starts after),
    and each body is held in it until ``on_done`` has had it: so that bodies come no faster
    than whoever handles them can (``digest.room``).

    A host that could not be reached (``FetchResult.host_down``) is not tried again for the
    requests that start after: each would wait as long for the same answer (a dead server
    with many feeds, each one ``connect_timeout``). Those fail at once, saying which source
    found the host down.
    """
    requests = list(requests)
    if not requests:
        return []
    workers = min(settings.workers, len(requests))
    own_client = client is None
    if client is None:
        client = Client(network=settings.network)
    results: list[FetchResult | None] = [None] * len(requests)
    # Set when the caller stops waiting (Ctrl-C, or an error of its own): a fetch still
    # running ends at its next pause between attempts rather than sleep through it, and the
    # requests not started are never made.
    stop = threading.Event()
    down = _DownHosts()
    # Threads that each take the next request and hand its result back, through two queues:
    # a future a request and a waiter over them all cost three times as much CPU a request
    # (54 against 17 µs on 8 threads), contended for by the threads that make the requests.
    waiting: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    finished: queue.SimpleQueue[tuple[int, FetchResult | BaseException]] = queue.SimpleQueue()
    for index in range(len(requests)):
        waiting.put(index)

    def work() -> None:
        while (index := waiting.get()) is not None:
            if stop.is_set():
                continue  # (the caller stopped waiting: the rest are not started)
            try:
                done = _admitted(room, requests[index], settings, client, stop, down)
            except BaseException as exc:  # a bug outside ``fetch``'s own net: the caller's
                finished.put((index, exc))
            else:
                finished.put((index, done))

    # Daemons, as the article pages' threads are (``digest.fulltext``): the interpreter does
    # not wait for them as it exits. A request under way is not stopped (libcurl would ask a
    # progress function of ours some ten times a request to know, 15 to 30 µs of CPU on a
    # request of about 290), and one waiting for a slow server, or for a host that does not
    # answer to connect, lasts up to the fetch timeout: Ctrl-C during a build waited for it.
    threads = [
        threading.Thread(target=work, name=f"digest-fetch_{n}", daemon=True) for n in range(workers)
    ]
    for _ in threads:
        waiting.put(None)
    try:
        for thread in threads:
            thread.start()
        for _ in range(len(requests)):
            index, outcome = finished.get()
            if isinstance(outcome, BaseException):
                raise outcome
            results[index] = result = outcome
            try:
                if on_done is not None:
                    on_done(result)
            except BaseException:
                stop.set()  # before the room is released: a thread waiting for it must see it
                raise
            finally:
                if room is not None and result.body:
                    room.release(len(result.body))
            if not keep_bodies and result.body:
                results[index] = dataclasses.replace(result, body=b"")
    except BaseException:
        stop.set()
        raise
    else:
        for thread in threads:
            thread.join()
    finally:
        if own_client:
            client.close()
    return [result for result in results if result is not None]


def _admitted(
    room: Room | None,
    request: FetchRequest,
    settings: FetchSettings,
    client: Client,
    stop: threading.Event,
    down: _DownHosts,
) -> FetchResult:
    def pause(seconds: float) -> None:
        if stop.wait(seconds):
            raise _Stopped

    try:
        if room is not None:
            room.wait()
            if stop.is_set():  # (woken by the room released or closed as the caller stopped)
                raise _Stopped
        skipped = down.skipped(request)  # (found down while this request waited its turn)
        if skipped is not None:
            return skipped
        result = down.learn(fetch(request, settings, client=client, sleep=pause))
    except _Stopped:  # nobody waits for this result any more
        return FetchResult(
            request=request,
            outcome="failed",
            url=request.url,
            problem="not fetched: the run was stopped",
        )
    if room is not None and result.body:
        room.hold(len(result.body))  # until the calling thread has handed it on
    return result


class _DownHosts:
    """The hosts found down in one ``fetch_all`` (``FetchResult.host_down``), each with the
    result that found it so; shared by its threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[tuple[str, bool], FetchResult] = {}

    # Keyed by the host and whether private addresses were allowed: a host with a public
    # address that refuses and a private one that answers is down only for the requests that
    # may not use the private one.
    def learn(self, result: FetchResult) -> FetchResult:
        if result.host_down:
            with self._lock:
                key = (host_of(result.url), result.request.allow_private)
                self._found.setdefault(key, result)
        return result

    def skipped(self, request: FetchRequest) -> FetchResult | None:
        """A failed result for ``request`` if its host was found down earlier in the run."""
        if not self._found:  # (most runs: no host is down, and no URL need be taken apart)
            return None
        with self._lock:
            found = self._found.get((host_of(request.url), request.allow_private))
        if found is None:
            return None
        return FetchResult(
            request=request,
            outcome="failed",
            url=request.url,
            problem=f"not tried: {host_name(request.url)} could not be reached earlier in this "
            f'run; source "{found.request.named}" found: {found.problem}',
            advice=found.advice,
            attempts=0,
            host_down=True,
        )


class _Stopped(BaseException):
    """Raised by a pause between attempts once ``fetch_all``'s caller has stopped waiting.
    A BaseException, so that ``fetch``'s net for bugs (``except Exception``) lets it pass."""


def _fetch(
    request: FetchRequest,
    settings: FetchSettings,
    client: Client,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    start: float,
) -> FetchResult:
    deadline = start + settings.total_timeout
    attempts = 0
    while True:
        attempts += 1
        answer = attempt(client, request, settings, deadline, clock)
        if isinstance(answer, FinalAnswer):
            return FetchResult(
                request=request,
                outcome=answer.outcome,
                url=answer.url,
                moved_to=answer.moved_to,
                status=answer.status,
                body=answer.body,
                content_type=answer.content_type,
                etag=answer.etag,
                last_modified=answer.last_modified,
                problem=answer.problem,
                advice=answer.advice,
                attempts=attempts,
                elapsed=clock() - start,
                refused=answer.refused,
                host_down=answer.host_down,
                body_hash=hashlib.sha256(answer.body).hexdigest()
                if answer.outcome == "ok"
                else None,
            )

        if attempts > settings.retries:
            return _give_up(request, answer, attempts, clock() - start)
        if answer.retry_after is not None:
            if answer.retry_after > settings.max_retry_after:
                wait = _duration(answer.retry_after)
                problem = (
                    f"{answer.problem}: the site asked us to wait {wait} before trying again,"
                    f" longer than the {settings.max_retry_after:g} s limit"
                )
                advice = "skipped this run; it will be tried again on the next one"
                return _give_up(request, answer, attempts, clock() - start, problem, advice)
            delay = answer.retry_after
            deadline += delay  # the server asked for this pause: it is not the site being slow
        else:
            delay = settings.backoff * 2 ** (attempts - 1) * random.uniform(0.5, 1.5)
            if clock() + delay >= deadline:  # no time left for another try
                return _give_up(request, answer, attempts, clock() - start)
        log.info(
            "%s: %s; retrying in %.1f s (attempt %d)",
            request.named,
            answer.problem,
            delay,
            attempts + 1,
        )
        sleep(delay)


def _give_up(
    request: FetchRequest,
    answer: TransientFailure,
    attempts: int,
    elapsed: float,
    problem: str | None = None,
    advice: str | None = None,
) -> FetchResult:
    if problem is None:
        problem = answer.problem
        if attempts > 1:
            joiner = " after" if answer.status is not None else "; gave up after"
            problem = f"{problem}{joiner} {attempts} attempts"
    return FetchResult(
        request=request,
        outcome="failed",
        url=answer.url,
        status=answer.status,
        problem=problem,
        advice=advice or answer.advice,
        attempts=attempts,
        elapsed=elapsed,
    )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 86400:.0f} days"
