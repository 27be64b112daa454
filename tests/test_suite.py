"""The suite's own settings (``conftest.py``)."""

from __future__ import annotations

import os

import hypothesis
import pytest


@pytest.mark.skipif("HYPOTHESIS_PROFILE" in os.environ, reason="a profile was chosen")
def test_property_tests_draw_the_same_examples_on_every_run() -> None:
    # CI's verdict must depend on the code alone, not on the day's random draw
    assert hypothesis.settings.default.derandomize
