"""Variants and sensitivity: one batch against the plain loop over single
engine runs (the baseline, measured in the same run)."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_seconds  # noqa: E402

from mpp_xl import read_assumptions  # noqa: E402
from mpp_xl.analysis.sensitivity import sensitivity, stepped  # noqa: E402
from mpp_xl.analysis.variants import run_variants  # noqa: E402
from mpp_xl.core.registry import ENGINE_KEYS  # noqa: E402
from mpp_xl.core.variants import VariantRow, apply_variant, check_variants  # noqa: E402
from mpp_xl.engine import compute  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "MPP_2024-2_aannames.csv"


def _ten_variants(resolved):  # type: ignore[no-untyped-def]
    keys = ["ind_capaciteit", "eerste_aanvragen", "nareis_ratio", "opvang_aandeel_eerste",
            "taakstelling_h1", "taakstelling_h2", "vv_uitstroom_fractie", "dtv_vertrek_fractie",
            "inwilligingspercentage_eerste", "herhaalde_aanvragen"]
    rows = [VariantRow(f"v{i}", k, "alle", "2026-2028", "*", 0.9) for i, k in enumerate(keys)]
    problems, variants = check_variants(rows, resolved)
    assert not problems and len(variants) == 10
    return rows, variants


def _loop_sensitivity(resolved) -> None:  # type: ignore[no-untyped-def]
    """The baseline: one ordinary 3-scenario engine run per parameter and side."""
    for k in ENGINE_KEYS:
        for f in (0.9, 1.1):
            vals = dict(resolved.values)
            vals[k], _ = stepped(k, resolved.values[k], f)
            compute(vals, resolved.n_years)


def _refresh_cost() -> list[tuple[str, float, str]]:
    """Refresh (in process, median) of the example built with the example variants,
    against the same workbook without the Varianten and Gevoeligheid sheets."""
    import tempfile

    import openpyxl

    from mpp_xl.core.variants import read_variants_csv
    from mpp_xl.workbook.builder import build
    from mpp_xl.workbook.refresh_file import refresh_workbook

    a = read_assumptions(EXAMPLE)
    rows = read_variants_csv(EXAMPLE.with_name("varianten_voorbeeld.csv"))
    with tempfile.TemporaryDirectory() as d:
        with_sheets, without = Path(d) / "met.xlsx", Path(d) / "zonder.xlsx"
        build(a, with_sheets, varianten=rows)
        wb = openpyxl.load_workbook(with_sheets)
        for name in ("Varianten", "Gevoeligheid"):
            del wb[name]
        wb.save(without)
        refresh_workbook(with_sheets)  # warm up: imports, model cache
        refresh_workbook(without)
        # interleaved, so that load on a shared machine hits both alike
        pairs = [(median_seconds(lambda: refresh_workbook(with_sheets), 1),
                  median_seconds(lambda: refresh_workbook(without), 1)) for _ in range(7)]
        t_with = statistics.median(w for w, _ in pairs)
        t_without = statistics.median(o for _, o in pairs)
        cost = statistics.median(w - o for w, o in pairs)
    return [
        ("refresh with Varianten (3 variants) + Gevoeligheid (median)", t_with, "s"),
        ("refresh of the same workbook without those two sheets (median)", t_without, "s"),
        ("refresh: cost of variants and sensitivity (median of 7 paired runs)", cost, "s"),
    ]


def benchmarks() -> list[tuple[str, float, str]]:
    r = read_assumptions(EXAMPLE).resolve()
    rows, variants = _ten_variants(r)
    sensitivity(r)  # warm up
    sens = median_seconds(lambda: sensitivity(r), 20)
    sens_loop = median_seconds(lambda: _loop_sensitivity(r), 3)
    batch = median_seconds(lambda: run_variants(r, check_variants(rows, r)[1]), 20)
    loop = median_seconds(
        lambda: [compute(apply_variant(r, v).values, r.n_years) for v in variants]
        + [compute(r.values, r.n_years)], 20)
    n_range = int(np.sum([np.any(r.values[k][0] != r.values[k][2]) for k in ENGINE_KEYS]))
    return [
        (f"sensitivity: {len(ENGINE_KEYS)} parameters x 2 + {n_range} ranges, one batch",
         sens * 1e3, "ms"),
        (f"sensitivity baseline: {2 * len(ENGINE_KEYS)} single 3-scenario runs in a loop",
         sens_loop * 1e3, "ms"),
        ("variants: base + 10 variants, check + one batch (median of 20)", batch * 1e3, "ms"),
        ("variants baseline: base + 10 single runs in a loop (median of 20)", loop * 1e3,
         "ms"),
        *_refresh_cost(),
    ]
