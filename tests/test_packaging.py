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


def package_dir(package: str) -> Path:
    """Where ``package``'s files live in the tree (``digest.templates`` is ``templates/``)."""
    if package in SETUPTOOLS.get("package-dir", {}):
        return ROOT / SETUPTOOLS["package-dir"][package]
    return ROOT.joinpath(*package.split("."))


def test_every_package_is_in_the_wheel() -> None:
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "digest").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert packages - set(SETUPTOOLS["packages"]) == set(), "add to [tool.setuptools] packages"
    assert "digest.templates" in SETUPTOOLS["packages"]  # templates/ ships inside the package


def test_every_data_file_is_in_the_wheel() -> None:
    """Each file that is not Python, in each listed package's folder (not its sub-packages'),
    matches that package's package-data patterns: the lexicon, the rules, the templates and
    the catalogues."""
    listed = set(SETUPTOOLS["packages"])
    missing = []
    for package in listed:
        folder = package_dir(package)
        patterns = SETUPTOOLS.get("package-data", {}).get(package, [])
        for path in folder.rglob("*"):
            inner = path.relative_to(folder)
            if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in inner.parts:
                continue
            # a file inside a sub-package belongs to that package's own patterns
            owner = ".".join([package, *inner.parts[:-1]])
            if owner != package and owner in listed:
                continue
            if not any(fnmatch(inner.as_posix(), pattern) for pattern in patterns):
                missing.append(f"{package}: {inner.as_posix()}")
    assert missing == [], "add to [tool.setuptools.package-data]"


def test_the_catalogues_are_there_to_ship() -> None:
    files = [p for p in (ROOT / "digest" / "locale").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".po", ".mo", ".pot"}
