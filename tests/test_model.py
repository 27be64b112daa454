"""The data model's own rules: here, the name a source the config leaves unnamed is shown by."""

from __future__ import annotations

import pytest

from digest.model import own_title


@pytest.mark.parametrize(
    ("title", "site", "shown"),
    [
        # a site's name, then its tagline: the name its home page bears
        (
            "Le Monde.fr - Actualités et Infos en France et dans le monde",
            "https://www.lemonde.fr/",
            "Le Monde.fr",
        ),
        ("TechCrunch – Startup and Technology News", "https://techcrunch.com/", "TechCrunch"),
        (
            "SPIEGEL ONLINE - Schlagzeilen aus Politik, Wirtschaft und Sport",
            "https://www.spiegel.de/",
            "SPIEGEL ONLINE",
        ),
        # a section first, a short tail, or a name the home page does not bear: as it is
        ("World news | The Guardian", "https://www.theguardian.com/world", None),
        ("Hacker News: Front Page", "https://news.ycombinator.com/", None),
        ("Politics - Latest news and analysis from around the world", "https://x.org/", None),
        ("Le Monde.fr - Actualités et Infos en France et dans le monde", None, None),
    ],
)
def test_a_sites_name_before_its_tagline_is_the_name_it_is_shown_by(title, site, shown) -> None:
    assert own_title(title, site) == (shown or title)


def test_a_title_is_one_line_and_no_longer_than_a_name_in_a_list() -> None:
    assert own_title("  Harbour\n  Times  ") == "Harbour Times"
    assert len(own_title("word " * 40)) == 80
