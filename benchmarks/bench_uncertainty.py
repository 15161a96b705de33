"""Monte Carlo benchmark: time and peak memory for 1,000, 10,000 and 100,000
draws of the full chain on the MPP 2024-2 example.

Run directly (``python benchmarks/bench_uncertainty.py``) or through
``benchmarks/run.py`` via :func:`benchmarks`. Peak memory is measured with
tracemalloc (numpy allocations are traced) in the same process, and as the
process's maximum resident set size for the 100,000-draw run in a child.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"
SIZES = (1_000, 10_000, 100_000)
REPEATS = {1_000: 5, 10_000: 5, 100_000: 3}


def _resolved():
    from mpp_xl import read_assumptions

    return read_assumptions(EXAMPLE).resolve()


def _time(n: int, repeats: int) -> float:
    from mpp_xl.analysis.uncertainty import simulate

    r = _resolved()
    simulate(r, draws=min(n, 2000), seed=1)  # warm-up
    times = []
    for i in range(repeats):
        t = time.perf_counter()
        simulate(r, draws=n, seed=i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _traced_peak(n: int) -> float:
    from mpp_xl.analysis.uncertainty import simulate

    r = _resolved()
    tracemalloc.start()
    simulate(r, draws=n, seed=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


_CHILD = """
import resource, sys
sys.path.insert(0, {root!r})
from mpp_xl import read_assumptions
from mpp_xl.analysis.uncertainty import simulate
r = read_assumptions({ex!r}).resolve()
simulate(r, draws={n}, seed=1)
try:  # this process's own peak (ru_maxrss may include the parent's, inherited at fork)
    hwm = [ln for ln in open("/proc/self/status") if ln.startswith("VmHWM:")][0]
    print(int(hwm.split()[1]) / 1024)
except (OSError, IndexError):
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _max_rss(n: int) -> float:
    """Peak resident set size (MiB) of a process of its own running n draws: the
    kernel's high-water mark of that process (``VmHWM``), which, unlike
    ``ru_maxrss``, does not start from the size of the parent it was forked from."""
    code = _CHILD.format(root=str(ROOT), ex=str(EXAMPLE), n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def benchmarks() -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    for n in SIZES:
        rows.append((f"uncertainty_{n}_draws_time", _time(n, REPEATS[n]), "s"))
        rows.append((f"uncertainty_{n}_draws_traced_peak", _traced_peak(n), "MiB"))
    rows.append(("uncertainty_100000_draws_max_rss", _max_rss(100_000), "MiB"))
    return rows


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<44}{value:>12.3f} {unit}")
