"""Golden test: shipped example assumptions reproduce the published MPP figures.

Table-driven (PySD style): one entry per reference set, each with its
tolerance rule; one runner checks every engine-series row of the reference
CSV and reports all misses at once. Add a future MPP round by appending a
``GoldenSet`` to ``GOLDEN_SETS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import mpp_xl
from mpp_xl.registry import SCENARIOS
from mpp_xl.series import SERIES

ROOT = Path(__file__).resolve().parents[1]
REFERENTIE = ROOT / "referentie"


def mpp_tolerance(reeks: str, published: float) -> float:
    """MPP rule: max(1% of the published value, 200); shares 0.05 absolute."""
    if SERIES[reeks].unit == "fractie":
        return 0.05
    return max(0.01 * abs(published), 200.0)


@dataclass(frozen=True)
class GoldenSet:
    name: str
    assumptions: Path
    reference: Path
    tolerance: Callable[[str, float], float] = mpp_tolerance


GOLDEN_SETS = [
    GoldenSet("MPP 2024-2", ROOT / "workbooks" / "MPP_2024-2_aannames.csv",
              REFERENTIE / "mpp_2024_2_gepubliceerd.csv"),
]


def reference_rows(path: Path) -> list[tuple[str, str, int, float]]:
    """(reeks, scenario, jaar, waarde) for every engine-series row with a
    calendar year; scenario ``alle`` expands to the three scenarios. Rows of
    other series (Monte Carlo bands, half-year taakstelling) are inputs or
    belong to other checks."""
    df = pd.read_csv(path, dtype={"jaar": str})
    rows = []
    for r in df.itertuples(index=False):
        if r.reeks not in SERIES or not str(r.jaar).isdigit():
            continue
        for s in (SCENARIOS if r.scenario == "alle" else (r.scenario,)):
            rows.append((r.reeks, s, int(r.jaar), float(r.waarde)))
    return rows


def misses(gs: GoldenSet) -> tuple[int, list[str]]:
    forecast = mpp_xl.run(mpp_xl.read_assumptions(gs.assumptions))
    rows = reference_rows(gs.reference)
    out = []
    for reeks, s, jaar, pub in rows:
        got = forecast.value(reeks, jaar, s)
        tol = gs.tolerance(reeks, pub)
        if not abs(got - pub) <= tol:
            out.append(f"{reeks} {s} {jaar}: gepubliceerd {pub:g}, model {got:.4g}, "
                       f"verschil {got - pub:+.4g} > tolerantie {tol:g}")
    return len(rows), out


@pytest.mark.parametrize("gs", GOLDEN_SETS, ids=lambda g: g.name)
def test_example_reproduces_published_figures(gs: GoldenSet) -> None:
    n, bad = misses(gs)
    assert n > 0, f"{gs.reference} bevat geen reeksen van het model"
    assert not bad, f"{len(bad)} van {n} cijfers buiten de tolerantie:\n" + "\n".join(bad)


def test_reference_rows_cover_all_engine_rows_and_skip_inputs() -> None:
    """The runner checks every engine row and no input/band row."""
    rows = reference_rows(GOLDEN_SETS[0].reference)
    keys = {r[0] for r in rows}
    assert "taakstelling" not in keys
    assert not any(k.startswith("instroom_totaal_band") for k in keys)
    # 'alle' rows expand to three scenarios: ind_werkvoorraad 2024 is one of them
    assert {s for r, s, j, _ in rows if r == "ind_werkvoorraad" and j == 2024} == set(SCENARIOS)


def test_runner_detects_a_miss(tmp_path: Path) -> None:
    """A reference figure far off the model must be reported."""
    gs = GOLDEN_SETS[0]
    ref = tmp_path / "ref.csv"
    ref.write_text("reeks,scenario,jaar,waarde\nind_werkvoorraad,alle,2024,46500\n"
                   "coa_aandeel_statushouders,medio,2026,0.6\n", encoding="utf-8")
    n, bad = misses(GoldenSet("kapot", gs.assumptions, ref))
    assert n == 4
    assert len(bad) == 4  # 3 scenarios of the stock (off by 600 > 459) + the share
