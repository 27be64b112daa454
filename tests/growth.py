"""How a stage's time grows with its input: for tests that an adversarial input stays linear.

A wall-clock limit would fail on a slow or busy machine; a ratio between two sizes of the same
input does not. Ten times the input may take up to ``GENEROUS`` times as long: linear work
passes easily, quadratic work (a hundred times) does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

GENEROUS = 50
_FLOOR = 0.002  # seconds: below this the small input's time is noise


def seconds(stage: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        stage()
        best = min(best, time.perf_counter() - start)
    return best


def growth(stage: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """How many times longer ``stage`` takes on ``make(10 * size)`` than on ``make(size)``."""
    small, large = make(size), make(10 * size)
    stage(small)  # (imports and caches warmed)
    return seconds(lambda: stage(large), repeat=1) / max(seconds(lambda: stage(small)), _FLOOR)
