"""Speed of the workbook layer on the example: build, read, refresh
(targets: build <= 3 s, refresh <= 5 s). Medians over repeated runs; the
first (cold) refresh, which imports the `formulas` package and runs the
engine, is reported separately."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import median_seconds  # benchmarks/timing.py

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "workbooks" / "MPP_2024-2_aannames.csv"




def benchmarks() -> list[tuple[str, float, str]]:
    from mpp_xl.api import read_assumptions
    from mpp_xl.core.assumptions import Assumptions
    from mpp_xl.workbook.builder import build
    from mpp_xl.workbook.refresh_file import refresh_workbook

    a = Assumptions.from_csv(CSV)
    with tempfile.TemporaryDirectory() as d:
        wb = Path(d) / "mpp_bench.xlsm"
        # cold: a fresh interpreter runs `mpp bouw` + `mpp ververs` (imports included)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mpp_xl", "bouw", str(CSV), "-o", str(wb)],
                       check=True, capture_output=True)
        cold_build = time.perf_counter() - t
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mpp_xl", "ververs", str(wb)], check=True,
                       capture_output=True)
        cold_refresh = time.perf_counter() - t
        build_s = median_seconds(lambda: build(a, wb), 5)
        shutil.copy(wb, Path(d) / "base.xlsm")
        refresh_workbook(wb)
        read_s = median_seconds(lambda: read_assumptions(wb), 5)
        refresh_s = median_seconds(lambda: refresh_workbook(wb), 5)
        analysis = _analysis_refresh(Path(d), a)
    return [
        ("workbook: mpp bouw (CLI, fresh process)", cold_build, "s"),
        ("workbook: mpp ververs (CLI, fresh process)", cold_refresh, "s"),
        ("workbook: build (in process, median)", build_s, "s"),
        ("workbook: read assumptions (median)", read_s, "s"),
        ("workbook: refresh (in process, median)", refresh_s, "s"),
        *analysis,
    ]


def _analysis_refresh(d: Path, a) -> list[tuple[str, float, str]]:  # type: ignore[no-untyped-def]
    """Refresh with the analysis sheets at work: a previous MPP named in Kader
    (Bijstelling) and the example realisations (Realisatie). The first refresh
    of a new model also runs the Monte Carlo simulation of MPP_BAND."""
    import pandas as pd

    from mpp_xl.analysis import model_cache
    from mpp_xl.analysis.backtest import read_realisaties
    from mpp_xl.core.assumptions import Assumptions
    from mpp_xl.workbook.builder import build
    from mpp_xl.workbook.refresh_file import refresh_workbook

    df = a.to_frame()
    df = df[df["parameter"] != "vorige_mpp"]
    prev = df.copy()
    m = (prev["parameter"] == "eerste_aanvragen") & (prev["scenario"] == "medio")
    prev.loc[m, "waarde"] = [float(v) * 0.9 for v in prev.loc[m, "waarde"]]
    prev.to_csv(d / "vorige.csv", index=False)
    cur = pd.concat([df, pd.DataFrame([{"parameter": "vorige_mpp", "scenario": "alle",
                                        "jaar": None, "waarde": "vorige.csv"}])])
    wb = d / "mpp_analyse.xlsm"
    build(Assumptions.from_frame(cur), wb,
          realisaties=read_realisaties(ROOT / "workbooks" / "realisaties_voorbeeld.csv"))

    def cold() -> None:
        model_cache.clear()
        refresh_workbook(wb)

    cold_s = median_seconds(cold, 3)
    warm_s = median_seconds(lambda: refresh_workbook(wb), 5)
    return [
        ("workbook: refresh + Bijstelling/Realisatie, new model incl. MC (median)", cold_s, "s"),
        ("workbook: refresh + Bijstelling/Realisatie, same model (median)", warm_s, "s"),
    ]


if __name__ == "__main__":
    for name, value, unit in benchmarks():
        print(f"{name:<48}{value:8.3f} {unit}")
