"""Engine speed: one 3-scenario run of the example, and a 1,000-run loop."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from mpp_xl import read_assumptions, run
from mpp_xl.engine import compute

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "MPP_2024-2_aannames.csv"


def benchmarks() -> list[tuple[str, float, str]]:
    a = read_assumptions(EXAMPLE)
    r = a.resolve()
    compute(r.values, r.n_years)  # warm up
    times = []
    for _ in range(200):
        t = time.perf_counter()
        compute(r.values, r.n_years)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    for _ in range(1000):
        compute(r.values, r.n_years)
    loop = time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(20):
        run(read_assumptions(EXAMPLE))
    full = (time.perf_counter() - t) / 20
    return [
        ("engine: 3-scenario run of the example (median of 200)",
         statistics.median(times) * 1e3, "ms"),
        ("engine: 1,000 runs in a loop (total)", loop, "s"),
        ("read CSV + validate + run (mean of 20)", full * 1e3, "ms"),
    ]
