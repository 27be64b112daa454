"""The bundled seeds/ as test input: a copy in a folder of its own, dated by pinned file times.

The seeds carry no dates of their own: they are dated by their files' times, which a fresh
checkout sets to the moment of cloning. A copy with pinned times makes a build for a fixed
day find them on any day of the year.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The day the seeds are dated by default (09:00 UTC); a build "--date SEEDS_DAY" finds them.
SEEDS_DAY = "2026-11-22"


def copy_seeds(folder: Path, when: dt.datetime | None = None) -> Path:
    """Copy seeds/ into ``folder``/seeds, every file dated ``when`` (default: SEEDS_DAY, 9:00
    UTC). Returns the copy.
    """
    when = when or dt.datetime.fromisoformat(f"{SEEDS_DAY}T09:00:00+00:00")
    seeds = folder / "seeds"
    shutil.copytree(SEEDS, seeds)
    stamp = when.timestamp()
    for path in seeds.iterdir():
        os.utime(path, (stamp, stamp))
    return seeds
