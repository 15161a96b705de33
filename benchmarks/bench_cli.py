"""The command line as a user meets it, side by side with LibreOffice (issue 22):
``mpp --hulp``, ``mpp reken CSV``, ``mpp bouw`` and ``mpp ververs`` in fresh
processes, against LibreOffice headless recalculating and saving the same
refreshed workbook. Wall time and CPU time (user + system of the child
processes, from ``RUSAGE_CHILDREN``), medians over repeated runs, measured in
turns so that the load of a shared machine falls on both sides alike.

Targets: ``mpp --hulp`` <= 0.3 s, ``mpp reken CSV`` <= 0.8 s, ``mpp bouw`` <= 1 s,
``mpp ververs`` <= 1.5 s wall and <= 0.35x the CPU of LibreOffice."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"
REALISATIES = ROOT / "workbooks" / "realisaties_voorbeeld.csv"
REPEATS = 5

#: LibreOffice recalculates every formula when it loads an .xlsx/.xlsm (as in
#: tests/workbook/test_libreoffice.py), then saves: the same job as mpp ververs.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _run(cmd: list[str], before: Callable[[], None] | None = None) -> tuple[float, float]:
    """(wall s, CPU s of the children) of one command."""
    if before is not None:
        before()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}  # this checkout's code
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def benchmarks() -> list[tuple[str, float, str]]:
    mpp = [sys.executable, "-m", "mpp_xl"]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        wb = d / "mpp_bench.xlsm"
        build = [*mpp, "bouw", str(CSV), "-o", str(wb), "--overschrijf",
                 "--realisaties", str(REALISATIES)]
        _run(build)
        first_refresh = _run([*mpp, "ververs", str(wb)])  # new model: bands simulated
        refreshed = d / "refreshed.xlsm"
        shutil.copy(wb, refreshed)
        work = d / "work.xlsm"
        profile = d / "lo_profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
        lo_cmd = [soffice or "soffice", f"-env:UserInstallation=file://{profile}",
                  "--headless", "--norestore", "--convert-to", "xlsx", "--outdir",
                  str(d / "lo"), str(refreshed)]
        if soffice:
            subprocess.run(lo_cmd, check=True, capture_output=True)  # first start makes the profile

        def fresh_copy() -> None:
            shutil.copy(refreshed, work)

        jobs: dict[str, tuple[list[str], Callable[[], None] | None]] = {
            "mpp --hulp": ([*mpp, "--hulp"], None),
            "mpp reken --hulp": ([*mpp, "reken", "--hulp"], None),
            "mpp reken CSV": ([*mpp, "reken", str(CSV)], None),
            "mpp bouw": (build, None),
            "mpp ververs": ([*mpp, "ververs", str(work)], fresh_copy),
        }
        if soffice:
            jobs["LibreOffice recalculation"] = (lo_cmd, None)
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in jobs}
        for _ in range(REPEATS):  # in turns: a burst of load hits every job alike
            for name, (cmd, before) in jobs.items():
                runs[name].append(_run(cmd, before))
    rows: list[tuple[str, float, str]] = []
    med: dict[str, tuple[float, float]] = {}
    for name, rs in runs.items():
        med[name] = (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
        rows.append((f"cli: {name}, wall (median of {REPEATS})", med[name][0], "s"))
        rows.append((f"cli: {name}, CPU", med[name][1], "s"))
    rows.append(("cli: mpp ververs of a new model (bands simulated), wall", first_refresh[0], "s"))
    rows.append(("cli: mpp ververs of a new model (bands simulated), CPU", first_refresh[1], "s"))
    lo = med.get("LibreOffice recalculation")
    if lo:
        rows.append(("cli: mpp ververs / LibreOffice, CPU", med["mpp ververs"][1] / lo[1], "x"))
        rows.append(("cli: mpp ververs / LibreOffice, wall", med["mpp ververs"][0] / lo[0], "x"))
        rows.append(("cli: mpp ververs (new model) / LibreOffice, CPU", first_refresh[1] / lo[1],
                     "x"))
    return rows


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<66}{value:>12.3f}  {unit}")
