"""Print every speed figure of the project: ``python benchmarks/run.py``.

Each ``benchmarks/bench_*.py`` module exposes ``benchmarks()`` returning
(name, value, unit) rows (medians over repeated runs). This runner adds
machine information and the peak memory of the process.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))  # for benchmarks/timing.py


def main(only: list[str]) -> int:
    print(f"mpp-xl benchmarks, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {platform.platform()}")
    import numpy

    print(f"numpy {numpy.__version__}")
    print(f"{'figure':<66}{'value':>12}  unit")
    print("-" * 86)
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if only and not any(o in path.stem for o in only):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
            rows = mod.benchmarks()
        except Exception as e:  # report and go on with the others
            print(f"{path.stem}: FAILED ({type(e).__name__}: {e})")
            failed += 1
            continue
        for name, value, unit in rows:
            print(f"{name:<66}{value:>12.3f}  {unit}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("-" * 86)
    print(f"{'peak resident memory of this process':<66}{peak:>12.1f}  MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
