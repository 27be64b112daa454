"""Feed entries that carry only a teaser (digest.sources.pages.teaser)."""

from __future__ import annotations

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
