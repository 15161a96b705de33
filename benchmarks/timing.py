"""Timing helper shared by the ``bench_*.py`` modules."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], n: int) -> float:
    """Median wall time of ``n`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
