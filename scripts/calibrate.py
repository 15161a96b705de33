"""Calibrate the MPP 2024-2 example to the published figures.

Derives every value of the CALIBRATED block of scripts/make_example.py from
referentie/mpp_2024_2_gepubliceerd.csv, with the engine (mpp_xl) and
mpp_xl.analysis.goalseek.goal_seek / scipy, then prints the values and the residual
table (published vs model, per figure).

    python scripts/calibrate.py            # derive, compare with make_example, print residuals
    python scripts/calibrate.py --write    # also rewrite the CALIBRATED block and the CSV
    python scripts/calibrate.py --markdown # residual table as Markdown (docs/calibratie.md)
    python scripts/calibrate.py --residuals [--markdown]  # residuals of make_example only

Stages (each on the rounded result of the previous ones; ~2 s in all):
  A. Nareis: the history of grants on first applications (2023) and one
     nareis ratio on a straight line over the years, least squares on the
     medio IND werkvoorraad (weight 10) and afdoeningen eerste/nareis. The
     start split, eerste aanvragen and IND capacity are sourced inputs.
  B. DT&V: dtv_overdracht_aandeel per year (all scenarios) by goal seek on
     the medio dtv_instroom_ind.
  C. Nidos: nidos_duur_maanden on a straight line, all scenarios, least
     squares on the caseloads of all three scenarios.
  D. COA: realisatiegraad_huisvesting, all scenarios: 2024 by goal seek on
     the medio bezetting 1 jan 2025, 2025-2028 one value by least squares on
     the medio bezetting 2026-2028. The medio share of statushouders on 1 jan
     2026 is a check, not a target.
"""

from __future__ import annotations

import argparse
import pprint
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import make_example as me  # noqa: E402

from mpp_xl.analysis.goalseek import goal_seek  # noqa: E402
from mpp_xl.core.assumptions import Assumptions, Resolved  # noqa: E402
from mpp_xl.core.registry import SCENARIOS  # noqa: E402
from mpp_xl.core.series import SERIES  # noqa: E402
from mpp_xl.engine import compute  # noqa: E402

REFERENCE = ROOT / "referentie" / "mpp_2024_2_gepubliceerd.csv"
YEARS = me.YEARS
SHARE_SERIES = {k for k, s in SERIES.items() if s.unit == "fractie"}


# --- reference and tolerance ---------------------------------------------------------

def load_reference(path: Path = REFERENCE) -> pd.DataFrame:
    """Engine-series rows of a published reference CSV (scenario alle expanded)."""
    df = pd.read_csv(path, dtype={"jaar": str})
    df = df[df["reeks"].isin(SERIES) & df["jaar"].str.fullmatch(r"\d{4}")].copy()
    df["jaar"] = df["jaar"].astype(int)
    rows = []
    for r in df.itertuples():
        for s in (SCENARIOS if r.scenario == "alle" else (r.scenario,)):
            rows.append((r.reeks, s, r.jaar, float(r.waarde)))
    return pd.DataFrame(rows, columns=["reeks", "scenario", "jaar", "gepubliceerd"])


def tolerance(reeks: str, published: float) -> float:
    """max(1% of the published value, 200); shares 0.05 absolute."""
    if reeks in SHARE_SERIES:
        return 0.05
    return max(0.01 * abs(published), 200.0)


def residual_table(out: dict[str, np.ndarray], ref: pd.DataFrame, start: int = 2024) -> pd.DataFrame:
    t = ref.copy()
    t["model"] = [float(out[r][SCENARIOS.index(s), j - start])
                  for r, s, j in zip(t.reeks, t.scenario, t.jaar, strict=True)]
    t["verschil"] = t["model"] - t["gepubliceerd"]
    t["tolerantie"] = [tolerance(r, v) for r, v in zip(t.reeks, t.gepubliceerd, strict=True)]
    t["benut"] = t["verschil"].abs() / t["tolerantie"]  # share of the tolerance used
    t["rel"] = t["verschil"].abs() / t["gepubliceerd"].abs()
    return t


# --- a mutable model around Resolved values --------------------------------------------

class Model:
    def __init__(self, calibrated: dict[str, me.Spec]) -> None:
        self.res: Resolved = Assumptions.from_frame(me.frame(calibrated)).resolve()
        self.v = self.res.values
        self.ref = load_reference()

    def pub(self, reeks: str, scenario: str, jaar: int) -> float:
        r = self.ref
        hit = r[(r.reeks == reeks) & (r.scenario == scenario) & (r.jaar == jaar)]
        return float(hit["gepubliceerd"].iloc[0])

    def run(self) -> dict[str, np.ndarray]:
        return compute(self.v, self.res.n_years)

    def seek(self, parameter: str, reeks: str, scenario: str, jaar: int | None,
             doeljaar: int, rounding: Callable[[float], float]) -> float:
        """goal_seek one value, round it, store it; returns the rounded value."""
        r = goal_seek(self.res, parameter, reeks, self.pub(reeks, scenario, doeljaar),
                      doeljaar, scenario=scenario, jaar=jaar)
        x = rounding(r.waarde)
        s = SCENARIOS.index(scenario)
        if jaar is None:
            self.v[parameter][s] = x
        else:
            self.v[parameter][s, YEARS.index(jaar)] = x
        return x


def r10(x: float) -> float:
    return float(round(x / 10.0) * 10)


def r100(x: float) -> float:
    return float(round(x / 100.0) * 100)


def r3(x: float) -> float:
    return round(float(x), 3)


def r4(x: float) -> float:
    return round(float(x), 4)


def r2(x: float) -> float:
    return round(float(x), 2)


def num(x: float) -> float | int:
    """Integer-valued floats as int for a tidy CALIBRATED block."""
    return int(x) if float(x).is_integer() else float(x)


# --- stage A: nareis, medio -------------------------------------------------------------

IND_TARGETS = [("ind_werkvoorraad", y) for y in range(2025, 2029)] + [
    (f"ind_afdoeningen_{k}", y) for y in YEARS for k in ("eerste", "nareis")]


def stage_a(m: Model, cal: dict[str, me.Spec]) -> None:
    """The nareis history (grants on first applications in 2023) and a nareis
    ratio on a straight line over the years (no zigzag), least squares on the
    medio IND figures (the werkvoorraad path weighs ten times). The start
    split, eerste aanvragen and capacities are fixed inputs."""
    M = SCENARIOS.index("medio")
    v = m.v
    t = np.arange(len(YEARS))

    def resid(x: np.ndarray) -> np.ndarray:
        v["ind_inwilligingen_eerste_historie"][:] = x[0]
        v["nareis_ratio"][:] = np.round(x[1] + x[2] * t, 3)
        out = m.run()
        return np.array([(10.0 if r == "ind_werkvoorraad" else 1.0)
                         * (out[r][M, y - 2024] - m.pub(r, "medio", y)) / tolerance(r, m.pub(r, "medio", y))
                         for r, y in IND_TARGETS])

    sol = least_squares(resid, np.array([13000.0, 1.0, 0.0]), bounds=([0, 0, -0.2], [40000, 5, 0.2]),
                        x_scale=np.array([1e4, 0.1, 0.01]), diff_step=1e-3)
    cal["ind_inwilligingen_eerste_historie"] = num(r10(sol.x[0]))
    cal["nareis_ratio"] = [r3(sol.x[1] + sol.x[2] * j) for j in t]
    v["ind_inwilligingen_eerste_historie"][:] = cal["ind_inwilligingen_eerste_historie"]
    v["nareis_ratio"][:] = cal["nareis_ratio"]


# --- stage B: DT&V ------------------------------------------------------------------

def stage_b(m: Model, cal: dict[str, me.Spec]) -> None:
    """dtv_overdracht_aandeel per year, all scenarios, by goal seek on the medio
    dtv_instroom_ind. It moves within 0.70-0.77: 2024 runs partly on the 2023
    history, 2025 compensates the model's high share of first applications in
    the IND decisions of 2024-2025 (see docs/calibratie.md)."""
    shares = []
    for y in YEARS:
        x = m.seek("dtv_overdracht_aandeel", "dtv_instroom_ind", "medio", y, y, r3)
        m.v["dtv_overdracht_aandeel"][:, y - 2024] = x  # all scenarios
        shares.append(x)
    cal["dtv_overdracht_aandeel"] = shares


# --- stage C: Nidos -----------------------------------------------------------------

def stage_c(m: Model, cal: dict[str, me.Spec]) -> None:
    """One duration path for all scenarios (the duration of a guardianship does
    not depend on the inflow), on a straight line over the years (no steps),
    least squares over the caseloads of all three scenarios (medio counts
    double)."""
    t = np.arange(len(YEARS))

    def resid(x: np.ndarray) -> np.ndarray:
        m.v["nidos_duur_maanden"][:] = np.round(x[0] + x[1] * t, 1)
        out = m.run()
        return np.array([(2.0 if s == "medio" else 1.0)
                         * (out["nidos_caseload"][SCENARIOS.index(s), y - 2024] - m.pub("nidos_caseload", s, y))
                         for s in SCENARIOS for y in range(2025, 2029)])

    sol = least_squares(resid, np.array([38.0, 1.0]), bounds=([1, -10], [240, 10]), diff_step=1e-2)
    d = [round(float(sol.x[0] + sol.x[1] * j), 1) for j in t]
    m.v["nidos_duur_maanden"][:] = d
    cal["nidos_duur_maanden"] = d


# --- stage D: COA -------------------------------------------------------------------

def stage_d(m: Model, cal: dict[str, me.Spec]) -> None:
    """realisatiegraad_huisvesting: one path for all scenarios (housing does not
    depend on the inflow): 2024 by goal seek on the medio bezetting per 1 jan
    2025 (the 2024 taakstelling is published), 2025-2028 one value (no
    zigzag), least squares on the medio bezetting 2026-2028."""
    g24 = m.seek("realisatiegraad_huisvesting", "coa_bezetting", "medio", 2024, 2025, r3)
    m.v["realisatiegraad_huisvesting"][:, 0] = g24
    M = SCENARIOS.index("medio")

    def resid(x: np.ndarray) -> np.ndarray:
        m.v["realisatiegraad_huisvesting"][:, 1:] = round(float(x[0]), 3)
        out = m.run()
        return np.array([(out["coa_bezetting"][M, y - 2024] - m.pub("coa_bezetting", "medio", y))
                         / tolerance("coa_bezetting", m.pub("coa_bezetting", "medio", y))
                         for y in range(2026, 2029)])

    sol = least_squares(resid, np.array([0.45]), bounds=([0.0], [2.0]), diff_step=1e-2)
    g = r3(sol.x[0])
    m.v["realisatiegraad_huisvesting"][:, 1:] = g
    cal["realisatiegraad_huisvesting"] = [g24, g, g, g, g]


# --- driver --------------------------------------------------------------------------

def _public(cal: dict[str, me.Spec]) -> dict[str, me.Spec]:
    """The calibration dict without helper keys, filled up with the current block."""
    out = {k: v for k, v in me.CALIBRATED.items()}
    out.update({k: v for k, v in cal.items() if not k.startswith("_")})
    return out


def calibrate() -> tuple[dict[str, me.Spec], pd.DataFrame]:
    cal: dict[str, me.Spec] = {}
    m = Model(dict(me.CALIBRATED))
    for stage in (stage_a, stage_b, stage_c, stage_d):
        stage(m, cal)
    final = {k: cal[k] for k in me.CALIBRATED_KEYS}
    res = Assumptions.from_frame(me.frame(final)).resolve()
    table = residual_table(compute(res.values, res.n_years), load_reference())
    return final, table


def _block(cal: dict[str, me.Spec]) -> str:
    lines = ["CALIBRATED: dict[str, Spec] = {"]
    for k, v in cal.items():
        lines.append(f"    {k!r}: {pprint.pformat(v, width=200, sort_dicts=False)},")
    lines.append("}")
    return "\n".join(lines)


def write_block(cal: dict[str, me.Spec]) -> None:
    path = ROOT / "scripts" / "make_example.py"
    text = path.read_text(encoding="utf-8")
    pat = re.compile(r"(# --- BEGIN CALIBRATED[^\n]*\n).*?(\n# --- END CALIBRATED)", re.S)
    new = pat.sub(lambda mt: mt.group(1) + _block(cal) + mt.group(2), text)
    path.write_text(new, encoding="utf-8")


def _differences(cal: dict[str, me.Spec]) -> list[str]:
    a = Assumptions.from_frame(me.frame(cal)).resolve().values
    b = Assumptions.from_frame(me.frame()).resolve().values
    out = []
    for k in me.CALIBRATED_KEYS:
        if not np.allclose(a[k], b[k], rtol=0, atol=1e-9):
            out.append(f"{k}: afgeleid {np.round(a[k], 4).tolist()} "
                       f"vs make_example {np.round(b[k], 4).tolist()}")
    return out


def _nl_count(x: float) -> str:
    """A count in Dutch notation for the user docs: 45900 -> '45.900', -5081 -> '-5.081'."""
    return f"{x:,.0f}".replace(",", ".")


def _nl_share(x: float) -> str:
    """A share (fraction) in Dutch notation with three decimals: 0.5 -> '0,500'."""
    return f"{x:.3f}".replace(".", ",")


def markdown(table: pd.DataFrame) -> str:
    """The residual table of docs/calibratie.md (numbers in Dutch notation)."""
    lines = ["| reeks | scenario | jaar | gepubliceerd | model | verschil | tolerantie |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in table.itertuples():
        f = _nl_share if r.reeks in SHARE_SERIES else _nl_count
        lines.append(f"| {r.reeks} | {r.scenario} | {r.jaar} | {f(r.gepubliceerd)} | "
                     f"{f(r.model)} | {f(r.verschil)} | {f(r.tolerantie)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true",
                    help="rewrite the CALIBRATED block of make_example.py and the CSV")
    ap.add_argument("--markdown", action="store_true", help="residual table as Markdown")
    ap.add_argument("--residuals", action="store_true",
                    help="only the residuals of the current make_example values (fast, no fit)")
    args = ap.parse_args(argv)
    if args.residuals:
        cal = dict(me.CALIBRATED)
        res = Assumptions.from_frame(me.frame()).resolve()
        table = residual_table(compute(res.values, res.n_years), load_reference())
    else:
        cal, table = calibrate()
    print("# Calibrated values")
    print(_block(cal))
    print()
    if args.markdown:
        print(markdown(table))
    else:
        with pd.option_context("display.max_rows", 500, "display.width", 200):
            print(table.round({"model": 3, "verschil": 3, "benut": 2, "rel": 4}).to_string(index=False))
    worst = table.loc[table["benut"].idxmax()]
    print(f"\n{len(table)} figures; max share of tolerance used {table['benut'].max():.2f} "
          f"({worst.reeks} {worst.scenario} {worst.jaar}); max relative residual "
          f"{table['rel'].max():.4%}; misses: {int((table['benut'] > 1).sum())}")
    if args.write and not args.residuals:
        write_block(cal)
        n = me.write(me.OUT, cal)
        print(f"CALIBRATED block rewritten; {n} rows written to {me.OUT}")
    elif not args.residuals:
        diff = _differences(cal)
        print("make_example.py matches the derivation." if not diff else
              "make_example.py differs from the derivation (run with --write):\n  "
              + "\n  ".join(diff))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
