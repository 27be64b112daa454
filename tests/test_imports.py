"""The layering of the code base, as import-linter contracts in pyproject.toml.

Run here so that the one test command covers it; ``lint-imports`` from the repository's root
gives the same report. A broken contract names the import (and its chain, for an indirect
one) that breaks it.
"""

from __future__ import annotations

from pathlib import Path

import importlinter.api  # noqa: F401 (its import sets import-linter up for the call below)
import pytest

# What the ``lint-imports`` command runs. The command's own function would also reconfigure
# logging, disabling every logger already made (digest's too) for the tests that follow.
from importlinter.application.use_cases import lint_imports

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_every_import_contract_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    # No cache: the import graph is cheap to build, and a cache folder in the repository
    # would be one more thing to ignore.
    kept = lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    if not kept:
        pytest.fail(report, pytrace=False)
    assert "0 broken" in report
