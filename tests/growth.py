"""How a stage's time grows with its input: for tests that an adversarial input stays linear.

A wall-clock limit would fail on a slow or busy machine; a ratio between two sizes of the same
input does not, measured in this process's CPU time (what other processes do to the wall
clock does not count) and the best of a few runs of each. Ten times the input may take up to
``GENEROUS`` times as long: linear work passes easily, quadratic work (a hundred times) does
not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GENEROUS = 50
_FLOOR = 0.002  # seconds: below this the small input's time is noise


def seconds(stage: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        stage()
        best = min(best, time.process_time() - start)
    return best


def growth(stage: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """How many times longer ``stage`` takes on ``make(10 * size)`` than on ``make(size)``."""
    small, large = make(size), make(10 * size)
    stage(small)  # (imports and caches warmed)
    return seconds(lambda: stage(large)) / max(seconds(lambda: stage(small)), _FLOOR)
