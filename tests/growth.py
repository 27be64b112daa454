"""How a stage's time grows with its input: for tests that an adversarial input stays linear.

A wall-clock limit would fail on a slow or busy machine; a ratio between two sizes of the same
input does not. Ten times the input may take up to ``GENEROUS`` times as long: linear work
passes easily, quadratic work (a hundred times) does not.

The time measured is the CPU time of the thread running the stage, the best of a few runs of
each size, with the garbage collector held off: on a busy machine the wall clock also counts
the time other processes had the core, and a full collection walks every object the process
holds (what the earlier tests in the same worker left behind), not the stage's input. One
falling inside the large run made linear work look sixty times slower.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable

GENEROUS = 50
_FLOOR = 0.002  # seconds: below this the small input's time is noise

# Windows counts a thread's CPU time in ticks of about 15 ms: too coarse for these timings.
_clock = time.perf_counter if sys.platform == "win32" else time.thread_time


def seconds(stage: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = _clock()
        stage()
        best = min(best, _clock() - start)
    return best


def growth(stage: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """How many times longer ``stage`` takes on ``make(10 * size)`` than on ``make(size)``."""
    small, large = make(size), make(10 * size)
    stage(small)  # (imports and caches warmed)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return seconds(lambda: stage(large)) / max(seconds(lambda: stage(small)), _FLOOR)
    finally:
        if collecting:
            gc.enable()
