"""``python -m digest.config --reference``: print the configuration reference;
``--update-readme [README.md]``: rewrite it in the README."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from digest.config.reference import reference, update_readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digest.config", description=__doc__)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--reference", action="store_true", help="print the reference (Markdown)")
    what.add_argument(
        "--update-readme",
        metavar="README",
        nargs="?",
        const=Path("README.md"),
        type=Path,
        help="rewrite the reference in this file (default: README.md)",
    )
    args = parser.parse_args(argv)
    if args.reference:
        sys.stdout.write(reference())
    else:
        changed = update_readme(args.update_readme)
        print(f"{args.update_readme}: " + ("reference updated" if changed else "up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
