"""Feed entries that carry only a teaser (digest.sources.pages.teaser)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from digest.model import Paragraph
from digest.sources.pages import is_teaser

LONG = "The harbour wall will be raised by half a metre. " * 15


@pytest.mark.parametrize(
    "paragraphs",
    [
        [LONG, "Crews began work on Monday and expect to finish by…"],
        [LONG, "Crews began work on Monday and expect to finish by [...]"],
        [LONG + " Continue reading"],
        [LONG, "Read the full story"],
        [
            LONG,
            "Crews began work on Monday […]",
            "The post Harbour repairs appeared first on Example.",
        ],
        ["A short summary of the story."],
        [],
    ],
)
def test_teasers(paragraphs: list[str]) -> None:
    assert is_teaser([Paragraph(text) for text in paragraphs])


@pytest.mark.parametrize(
    "last",
    [
        "It ends here.",
        "I will continue reading his work.",
        "Officials urged residents to read more about flood defences on the council website.",
    ],
)
def test_full_text_is_not_a_teaser(last: str) -> None:
    full = [Paragraph(LONG), Paragraph("Subheading", "heading"), Paragraph(last)]
    assert not is_teaser(full)
    assert is_teaser(full, min_chars=10_000)


def loaded_extractors(statement: str) -> str:
    """Which extractors are imported in a fresh interpreter once ``statement`` has run."""
    script = (
        "import sys\n"
        "from digest.model import Paragraph\n"
        "from digest.sources.pages import PageError, extract_page, is_teaser\n"
        f"{statement}\n"
        "print(sorted(m for m in ('trafilatura', 'readability') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}  # this checkout's
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_asking_whether_an_entry_is_a_teaser_loads_no_extractor() -> None:
    # Every process that takes a source's day asks this of each entry; most never extract
    # a page, and trafilatura and readability-lxml take a sixth of a second to import.
    assert loaded_extractors("is_teaser([Paragraph('A short teaser ...')])") == "[]"
    # (extracting a page loads them: the check above can fail)
    page = "b'<html><body><article><p>Words.</p></article></body></html>'"
    extract = f"try:\n    extract_page({page})\nexcept PageError:\n    pass"
    assert "trafilatura" in loaded_extractors(extract)


NOTE = "Great turnout at the bike kitchen tonight, thirty people fixed their brakes."


@pytest.mark.parametrize(
    "title",
    [
        *("", "  ", "v2.4.0", "2.4.0-rc.1", "Release 1.2", "4.2.0 beta", "5.1.0 (LTS)"),
        # a Twitter bridge's title: the post's first words, cut short
        NOTE[:40].rstrip() + "…",
    ],
)
def test_a_short_entry_without_a_headline_is_a_whole_post(title: str) -> None:
    # a Mastodon or micro.blog post, a JSON Feed note, a release's notes under its tag
    assert not is_teaser([Paragraph(NOTE), Paragraph("#Leith #cycling")], title=title)
    # ... unless it says it was cut
    assert is_teaser([Paragraph(NOTE[:-1] + "…")], title=title)
    assert is_teaser([Paragraph(NOTE), Paragraph("Read more")], title=title)
    assert is_teaser([], title=title)


def test_a_short_entry_under_a_headline_is_a_teaser() -> None:
    assert is_teaser([Paragraph(NOTE)], title="Bike kitchen draws a crowd")
    assert is_teaser([Paragraph(NOTE)], title="Bike kitchen draws a crowd…")  # not its text's
    assert is_teaser([Paragraph(NOTE)])  # its title not known
