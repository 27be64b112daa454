"""digest.report: a run's problems as lines, each thing once, pages counted."""

from __future__ import annotations

from digest.model import SourceFailure, UnreadPage
from digest.report import Notice, notices


def page(source: str, number: int, *, kept: bool = True) -> UnreadPage:
    url = f"https://example.org/{source.lower()}/{number}.html"
    return UnreadPage(source, url, f"Story {number}", "not fetched (HTTP 404 Not Found)", kept)


def test_nothing_wrong_is_no_line() -> None:
    assert notices((), ()) == []


def test_failed_sources_come_first_one_line_each_then_warnings_once() -> None:
    failures = [
        SourceFailure("Alpha", "HTTP 500 Internal Server Error", "it will be tried again"),
        SourceFailure("Alpha", "HTTP 500 Internal Server Error", "it will be tried again"),
        SourceFailure("Beta", "cannot read beta.xml"),
    ]
    warnings = ["Gamma: moved permanently to https://example.org/new", "Gamma: moved permanently "
                "to https://example.org/new", "language 'it' is not spoken: English"]  # fmt: skip
    assert [str(n) for n in notices(failures, warnings)] == [
        "source failed: Alpha: HTTP 500 Internal Server Error (it will be tried again)",
        "source failed: Beta: cannot read beta.xml",
        "Gamma: moved permanently to https://example.org/new",
        "language 'it' is not spoken: English",
    ]
    assert notices(failures, ())[0] == Notice(str(failures[0]), failure=True)


def test_sources_that_failed_alike_share_a_line() -> None:
    down = "not tried: example.org could not be reached earlier in this run"
    failures = [
        SourceFailure(f"Feed {n}", down, "it will be tried again next run") for n in range(5)
    ]
    failures.insert(2, SourceFailure("Beta", "HTTP 404 Not Found", "check the URL"))
    # the advice names each source (a command to copy): the same advice all the same
    failures += [
        SourceFailure(f"Old {n}", "gone", f"remove it with 'digest sources remove \"Old {n}\"'")
        for n in range(2)
    ]
    assert [str(n) for n in notices(failures, ())] == [
        f"source failed: Feed 0, Feed 1, Feed 2, Feed 3, Feed 4: {down} (it will be tried "
        "again next run)",
        "source failed: Beta: HTTP 404 Not Found (check the URL)",
        "source failed: Old 0, Old 1: gone (remove it with 'digest sources remove \"NAME\"')",
    ]


def test_pages_are_counted_by_what_became_of_their_articles() -> None:
    pages = [page("Alpha", n) for n in range(30)] + [page("Beta", n) for n in range(2)]
    pages += [page("Gazette", n, kept=False) for n in range(1)]
    # a later run asks for none of these pages again: -v lists them in the run that meets them
    listed = "(digest build -v lists each page in the run that meets it)"
    assert [n.text for n in notices((), (), pages)] == [
        f"32 full-text pages could not be read (Alpha 30, Beta 2); the teasers stand {listed}",
        "1 article page could not be read (Gazette); its article is left out, having no "
        f"text but its page's {listed}",
    ]
    more = [page("Gazette", n, kept=False) for n in range(2)]
    assert [n.text for n in notices((), (), more)] == [
        "2 article pages could not be read (Gazette); their articles are left out, having no "
        f"text but their pages' {listed}",
    ]


def test_a_count_names_the_three_sources_with_most_and_counts_the_rest() -> None:
    counts = {"A": 1, "B": 5, "C": 2, "D": 4, "E": 1}
    pages = [page(name, n) for name, count in counts.items() for n in range(count)]
    (line,) = notices((), (), pages, verbose_command="digest run -v")
    assert line.text.startswith("13 full-text pages could not be read (B 5, D 4, C 2 and 2 more")
    assert line.text.endswith("(digest run -v lists each page in the run that meets it)")


def test_asked_for_each_page_is_listed_instead_of_counted() -> None:
    pages = [page("Alpha", 1), page("Gazette", 2, kept=False)]
    assert [n.text for n in notices((), (), pages, each_page=True)] == [
        "Alpha: full text of 'Story 1' (https://example.org/alpha/1.html) not fetched "
        "(HTTP 404 Not Found); the feed's text is used",
        "Gazette: https://example.org/gazette/2.html not fetched (HTTP 404 Not Found); "
        "skipped: it has no text but its page's",
    ]
