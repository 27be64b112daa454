"""What a page declares about itself (digest.sources.pages.metadata): canonical link, date,
title."""

from __future__ import annotations

import datetime as dt

from pagefixtures import FILLER_HTML, UTC, page, read

from digest.sources.pages import extract_page


def test_relative_canonical_is_resolved_against_the_page_url() -> None:
    raw = read("link_popups")
    assert extract_page(raw).url is None  # relative, and no page URL to resolve it against
    content = extract_page(raw, url="https://northbridge.example/x/y?utm_source=feed")
    assert content.url == "https://northbridge.example/markets/2024/03/20/central-bank-holds-rates"


def test_date_only_metadata_means_midnight_utc() -> None:
    assert extract_page(read("body_repeated")).published == dt.datetime(2024, 2, 8, tzinfo=UTC)


def test_page_without_a_date_has_none() -> None:
    assert extract_page(page(FILLER_HTML)).published is None


def test_date_from_the_url_or_a_time_element_when_no_metadata_states_one() -> None:
    url = "https://news.example/2024/03/05/harbour-repairs"
    assert extract_page(page(FILLER_HTML), url=url).published == dt.datetime(2024, 3, 5, tzinfo=UTC)
    timed = page('<p><time datetime="2024-03-05T10:00:00Z">5 March</time></p>' + FILLER_HTML)
    assert extract_page(timed).published == dt.datetime(2024, 3, 5, tzinfo=UTC)


def test_title_falls_back_to_the_first_heading() -> None:
    html = page(FILLER_HTML, title="").replace("<title></title>", "")
    html = html.replace("<h1></h1>", "")
    content = extract_page(html.replace(FILLER_HTML, "<h2>Repairs at last</h2>" + FILLER_HTML))
    assert content.title == "Repairs at last"
