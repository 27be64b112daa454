"""docs/hardening.md: every row of its tables is backed by a test that exists.

The table lists each hostile input, fault and attack digest has been tried against, with the
test that holds it. A test renamed, moved or deleted would leave a row claiming a promise
nothing checks; this fails instead, naming the row.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "docs" / "hardening.md"
# tests/test_x.py::test_name, or ::test_name[a parametrised case's id]
CITATION = re.compile(r"(tests/[\w/]+\.py)::(\w+)(?:\[[^\]\s`]*\])?")


def rows() -> list[str]:
    """Every row of every table, less the header and separator rows."""
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    table_lines = [line for line in lines if line.startswith("|")]
    return [
        line
        for line in table_lines
        if not re.fullmatch(r"\|(\s*-+\s*\|)+", line) and not line.startswith("| what |")
    ]


@functools.cache
def defined_tests(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.name.startswith("test_")
    )


def test_the_table_has_rows_under_each_heading() -> None:
    text = TABLE.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert len(headings) >= 8
    sections = re.split(r"^## .+$", text, flags=re.M)[1:]
    for heading, body in zip(headings, sections, strict=True):
        if heading.startswith("Not covered"):
            assert re.search(r"^- ", body, re.M), heading
        else:
            assert re.search(r"^\| ", body, re.M), f"no rows under '{heading}'"


@pytest.mark.parametrize("row", rows(), ids=lambda row: row.split("|")[1].strip()[:60])
def test_every_row_cites_tests_that_exist(row: str) -> None:
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert len(cells) == 3, f"a row has three cells (what, outcome, test): {row}"
    what, outcome, tests = cells
    assert what and outcome
    cited = CITATION.findall(tests)
    assert cited, f"no test named as tests/<file>.py::<test> for: {what}"
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not (ROOT / path).is_file() or name not in defined_tests(path)
    ]
    assert not missing, f"{what}: no such test: {', '.join(missing)}"
