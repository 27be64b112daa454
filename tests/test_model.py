"""The data model's own rules: here, how a source's own title is written as a name."""

from __future__ import annotations

from digest.model import own_title


def test_a_title_is_one_line_and_no_longer_than_a_name_in_a_list() -> None:
    assert own_title("  Harbour\n  Times  ") == "Harbour Times"
    assert len(own_title("word " * 40)) == 80
