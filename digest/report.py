"""What a run tells whoever runs it about what went wrong: each thing once, nothing flooded.

That person is usually reading a cron mail or a log hours later, and cron mails whatever a
command prints: a run that went well must print nothing under ``-q``, and one that did not
must say so in a few lines that each ask for something. So:

* each source that could not be read is one line, with what to do; sources that failed
  alike (the feeds of one host that is down) share one line, which names them all;
* each warning is one line, said once however often it was raised;
* article pages that could not be read for their full text are counted, not listed (one
  feed whose pages all moved would be dozens of lines): one line for those whose feed's teaser
  stands in, one for those whose articles were left out, each naming the sources; asked for
  (``-v``), each page is listed instead.

The command line prints these lines; ``digest run`` logs them. The digest's own footer lists
the failed sources by itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from digest.model import SourceFailure, UnreadPage
from digest.present import plural

# In a count of unread pages, the sources named before "and N more".
NAMED_SOURCES = 3


@dataclass(frozen=True)
class Notice:
    """One line of a run's report: a source that failed, or a warning."""

    text: str
    failure: bool = False  # a source that could not be read, rather than a warning

    def __str__(self) -> str:
        return f"source failed: {self.text}" if self.failure else self.text


def notices(
    failures: Iterable[SourceFailure],
    warnings: Iterable[str],
    unread_pages: Iterable[UnreadPage] = (),
    *,
    each_page: bool = False,
    verbose_command: str = "digest build -v",
) -> list[Notice]:
    """The lines a run's problems make: failed sources first (one each), then the warnings
    (each once), then the unread pages, counted (or ``each_page``, listed). An empty list
    means nothing needs anyone's attention. ``verbose_command`` is how to see each page."""
    by_source: dict[str, SourceFailure] = {}
    for failure in failures:
        by_source.setdefault(failure.source, failure)
    lines = [Notice(text, failure=True) for text in _alike(by_source.values())]
    lines.extend(Notice(text) for text in dict.fromkeys(warnings))
    pages = list(unread_pages)
    if each_page:
        lines.extend(Notice(str(page)) for page in dict.fromkeys(pages))
        return lines
    kept = [p for p in pages if p.teaser_kept]
    lost = [p for p in pages if not p.teaser_kept]
    # The pages are named only by a run that meets them with -v: a run after this one, its
    # articles already shown, asks for none of them again. Said so, lest the reader of a cron
    # mail run the command now and wonder why it lists nothing.
    listed = f"{verbose_command} lists each page in the run that meets it"
    if kept:
        lines.append(
            Notice(
                f"{plural(len(kept), 'full-text page', 'full-text pages')} could not be read "
                f"({_by_source(kept)}); the teasers stand ({listed})"
            )
        )
    if lost:
        whose = (
            "its article is left out, having no text but its page's"
            if len(lost) == 1
            else "their articles are left out, having no text but their pages'"
        )
        lines.append(
            Notice(
                f"{plural(len(lost), 'article page', 'article pages')} could not be read "
                f"({_by_source(lost)}); {whose} ({listed})"
            )
        )
    return lines


def _alike(failures: Iterable[SourceFailure]) -> list[str]:
    """A line per failure, but one for the sources whose problem and advice are the same
    (their own names aside: ``digest sources remove "NAME"``), naming them all, in the order
    first met."""
    groups: dict[tuple[str, str], list[SourceFailure]] = {}
    for failure in failures:
        named = f'"{failure.source}"'
        key = (failure.problem.replace(named, '"NAME"'), failure.advice.replace(named, '"NAME"'))
        groups.setdefault(key, []).append(failure)
    lines = []
    for (problem, advice), members in groups.items():
        if len(members) == 1:
            lines.append(str(members[0]))
            continue
        # every name: each may need its own fix or removal
        text = f"{', '.join(m.source for m in members)}: {problem}"
        lines.append(f"{text} ({advice})" if advice else text)
    return lines


def _by_source(pages: list[UnreadPage]) -> str:
    """``Alpha 30, Beta 2 and 4 more sources``; a lone source goes without its count."""
    counts = Counter(page.source for page in pages)
    if len(counts) == 1:
        return next(iter(counts))
    named = [f"{name} {count}" for name, count in counts.most_common(NAMED_SOURCES)]
    more = len(counts) - len(named)
    rest = f" and {plural(more, 'more source', 'more sources')}" if more else ""
    return ", ".join(named) + rest
