"""Speed of the workbook layer on the example: build, read, refresh
(targets: build <= 3 s, refresh <= 5 s). Medians over repeated runs; the
first (cold) refresh, which imports the `formulas` package and runs the
engine, is reported separately."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"


def _median(fn, n: int = 5) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def benchmarks() -> list[tuple[str, float, str]]:
    from mpp_xl.assumptions import Assumptions, read_assumptions
    from mpp_xl.workbook.builder import build
    from mpp_xl.workbook.refresh import refresh_workbook

    a = Assumptions.from_csv(CSV)
    with tempfile.TemporaryDirectory() as d:
        wb = Path(d) / "mpp_bench.xlsm"
        # cold: a fresh interpreter runs `mpp build` + `mpp refresh` (imports included)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mpp_xl", "build", str(CSV), "-o", str(wb)],
                       check=True, capture_output=True)
        cold_build = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mpp_xl", "refresh", str(wb)], check=True,
                       capture_output=True)
        cold_refresh = time.perf_counter() - t
        build_s = _median(lambda: build(a, wb))
        shutil.copy(wb, Path(d) / "base.xlsm")
        refresh_workbook(wb)
        read_s = _median(lambda: read_assumptions(wb))
        refresh_s = _median(lambda: refresh_workbook(wb))
    return [
        ("workbook: mpp build (CLI, fresh process)", cold_build, "s"),
        ("workbook: mpp refresh (CLI, fresh process)", cold_refresh, "s"),
        ("workbook: build (in process, median)", build_s, "s"),
        ("workbook: read assumptions (median)", read_s, "s"),
        ("workbook: refresh (in process, median)", refresh_s, "s"),
    ]


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<48}{value:8.3f} {unit}")
