"""What the wheel holds: every package of digest and every data file it reads at run time.

An editable install reads the source tree, so a package or a data file left out of
pyproject.toml goes unnoticed until someone installs the wheel: these tests read the
packaging config against the tree instead of building a wheel.
"""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]


def test_every_package_is_in_the_wheel() -> None:
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "digest").rglob("__init__.py")
    }
    assert packages - set(SETUPTOOLS["packages"]) == set()


def test_the_catalogues_are_in_the_wheel() -> None:
    patterns = SETUPTOOLS["package-data"]["digest"]
    files = [p for p in (ROOT / "digest" / "locale").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".po", ".mo", ".pot"}
    for path in files:
        relative = path.relative_to(ROOT / "digest").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative
