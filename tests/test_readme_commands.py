"""The README's first lines promise two commands on a fresh machine; CI must run the second
one exactly as written, or the promise is never checked."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block, "the README opens with no sh block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_readme_opens_with_an_install_and_build_command_and_a_test_command() -> None:
    build, tests = readme_commands()
    assert "pip install -e ." in build and build.endswith("digest build")
    assert "pip install -e '.[test]'" in tests and tests.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_as_written() -> None:
    _, tests = readme_commands()
    install, run = tests.rsplit(" && ", 1)
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert install in ci and run in ci
    assert ci.index(install) < ci.index(run)
