"""Calibrate the MPP 2024-2 example to the published figures.

Derives every value of the CALIBRATED block of scripts/make_example.py from
referentie/mpp_2024_2_gepubliceerd.csv, with the engine (mpp_xl) and
mpp_xl.goalseek.goal_seek / scipy, then prints the values and the residual
table (published vs model, per figure).

    python scripts/calibrate.py            # derive, compare with make_example, print residuals
    python scripts/calibrate.py --write    # also rewrite the CALIBRATED block and the CSV
    python scripts/calibrate.py --markdown # residual table as Markdown (docs/calibratie.md)
    python scripts/calibrate.py --residuals [--markdown]  # residuals of make_example only

Stages (each on the rounded result of the previous ones):
  A. IND asiel, medio: least squares over the category start stocks, the
     nareis ratio per year, the nareis history, herhaalde aanvragen and
     hervestiging per year and medio eerste aanvragen 2026-2027, so that the
     werkvoorraad path and the eerste/nareis/totaal afdoeningen are hit (hard
     band at 60% of the tolerance) while staying close to realised levels.
     ind_capaciteit medio = published afdoeningen totaal.
  B. IND asiel, min and max: eerste aanvragen 2026-2028 from the published amv
     instroom and the 2024-2025 amv share; ind_capaciteit per year by goal
     seek on the werkvoorraad on 1 jan of the next year.
  C. DT&V: dtv_overdracht_aandeel per year (all scenarios) by goal seek on
     the medio dtv_instroom_ind.
  D. Nidos: nidos_duur_maanden per scenario and year by goal seek on the
     caseload on 1 jan of the next year.
  E. COA: realisatiegraad_huisvesting per scenario and year by goal seek on
     coa_bezetting on 1 jan of the next year (2028: 2027's value). The medio
     share of statushouders on 1 jan 2026 is a check, not a target.
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

from mpp_xl.assumptions import Assumptions, Resolved  # noqa: E402
from mpp_xl.engine import compute  # noqa: E402
from mpp_xl.goalseek import goal_seek  # noqa: E402
from mpp_xl.registry import SCENARIOS  # noqa: E402
from mpp_xl.series import SERIES  # noqa: E402

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


def r3(x: float) -> float:
    return round(float(x), 3)


def r4(x: float) -> float:
    return round(float(x), 4)


def r2(x: float) -> float:
    return round(float(x), 2)


def num(x: float) -> float | int:
    """Integer-valued floats as int for a tidy CALIBRATED block."""
    return int(x) if float(x).is_integer() else float(x)


# --- stage A: IND asiel, medio ---------------------------------------------------------

IND_TARGETS = [("ind_werkvoorraad", y) for y in range(2025, 2029)] + [
    (f"ind_afdoeningen_{k}", y) for y in YEARS for k in ("eerste", "nareis", "totaal")]


def stage_a(m: Model, cal: dict[str, me.Spec]) -> None:
    M = SCENARIOS.index("medio")
    v = m.v
    total0 = m.pub("ind_werkvoorraad", "medio", 2024)
    cap = [m.pub("ind_afdoeningen_totaal", "medio", y) for y in YEARS]
    amv_share = np.mean([me.AMV["medio"][j] / m.pub("ir_benodigd", "medio", y)
                         for j, y in enumerate(YEARS[:2])])
    e_amv = [me.AMV["medio"][j] / amv_share for j in range(5)]  # amv-implied eerste
    e28 = r10(e_amv[4])
    v["ind_capaciteit"][M] = cap
    v["eerste_aanvragen"][M, 4] = e28

    def setx(x: np.ndarray) -> None:
        wn, wh, wr, hist, e26, e27 = x[:6]
        for k, w in (("nareis", wn), ("herhaald", wh), ("hervestiging", wr)):
            v[f"ind_werkvoorraad_start_{k}"][:] = w
        v["ind_werkvoorraad_start_eerste"][:] = total0 - wn - wh - wr
        v["ind_inwilligingen_eerste_historie"][:] = hist
        v["eerste_aanvragen"][M, 2:4] = (e26, e27)
        v["nareis_ratio"][:] = x[6:11]
        v["herhaalde_aanvragen"][:] = x[11:16]
        v["hervestiging"][:] = x[16:21]

    def fit(x: np.ndarray) -> np.ndarray:
        setx(x)
        out = m.run()
        r = []
        for reeks, y in IND_TARGETS:
            p = m.pub(reeks, "medio", y)
            r.append((out[reeks][M, y - 2024] - p) / tolerance(reeks, p))
        return np.array(r)

    def jumps(a: np.ndarray) -> np.ndarray:  # keep year-on-year changes < 40%
        rel = np.abs(np.diff(a)) / np.maximum(a[:-1], 1.0)
        return np.maximum(0.0, rel - 0.35) * 300

    def resid(x: np.ndarray) -> np.ndarray:
        r = fit(x)
        hard = np.sign(r) * np.maximum(0.0, np.abs(r) - 0.75) * 100 + 0.2 * r
        soft = np.r_[
            (x[3] - 15000) / 3000,  # nareis history near 2023 grants
            np.diff(x[7:11]) / 0.1,  # smooth nareis ratio 2025-2028
            (x[11:16] - 1600) / 600, np.diff(x[11:16]) / 300, jumps(x[11:16]),
            (x[16:21] - 800) / 300, np.diff(x[16:21]) / 200, jumps(x[16:21]),
            (x[4:6] - e_amv[2:4]) / 5000,
        ]
        return np.r_[hard, 0.3 * soft]

    x0 = np.r_[14000, 2000, 800, 0, 40000, 45000, [2.0, 0.9, 1.0, 1.0, 1.0],
               [1500] * 5, [800] * 5]
    lo = np.zeros(21)
    hi = np.r_[40000, 8000, 5000, 40000, 80000, 80000, [5] * 5, [5000] * 10]
    sol = least_squares(resid, x0, bounds=(lo, hi),
                        x_scale=np.r_[1e4, 1e3, 1e3, 1e4, 1e4, 1e4, [0.1] * 5, [1e3] * 10])
    x = sol.x
    wn, wh, wr = r10(x[0]), r10(x[1]), r10(x[2])
    cal["ind_werkvoorraad_start_nareis"] = num(wn)
    cal["ind_werkvoorraad_start_herhaald"] = num(wh)
    cal["ind_werkvoorraad_start_hervestiging"] = num(wr)
    cal["ind_werkvoorraad_start_eerste"] = num(total0 - wn - wh - wr)
    cal["ind_inwilligingen_eerste_historie"] = num(r10(x[3]))
    cal["nareis_ratio"] = [r3(a) for a in x[6:11]]
    cal["herhaalde_aanvragen"] = [num(r10(a)) for a in x[11:16]]
    cal["hervestiging"] = [num(r10(a)) for a in x[16:21]]
    cal["_eerste_medio"] = [num(m.pub("ir_benodigd", "medio", 2024)),
                            num(m.pub("ir_benodigd", "medio", 2025)),
                            num(r10(x[4])), num(r10(x[5])), num(e28)]


# --- stage B: IND min/max -----------------------------------------------------------

def stage_b(m: Model, cal: dict[str, me.Spec]) -> None:
    eerste: dict[str, list[float | int]] = {}
    for s in SCENARIOS:
        if s == "medio":
            eerste[s] = cal.pop("_eerste_medio")  # type: ignore[assignment]
            continue
        e = [m.pub("instroom_eerste", s, y) for y in YEARS[:2]]
        share = np.mean([me.AMV[s][j] / e[j] for j in range(2)])
        eerste[s] = [num(x) for x in e] + [num(r10(me.AMV[s][j] / share)) for j in range(2, 5)]
    cal["eerste_aanvragen"] = eerste
    cap_medio = [num(m.pub("ind_afdoeningen_totaal", "medio", y)) for y in YEARS]
    cal["ind_capaciteit"] = {"min": list(cap_medio), "medio": cap_medio, "max": list(cap_medio)}
    # re-resolve with the new eerste/capacity, then seek capacity per year
    m.__init__(_public(cal))  # type: ignore[misc]
    for s in ("min", "max"):
        caps = cal["ind_capaciteit"][s]  # type: ignore[index]
        for y in YEARS[:-1]:
            target = m.pub("ind_werkvoorraad", s, y + 1)
            if s == "min" and target <= m.v["ind_min_werkvoorraad"][0] + 200:
                break  # at the floor: capacity no longer binds, keep medio's
            caps[y - 2024] = num(m.seek("ind_capaciteit", "ind_werkvoorraad", s, y, y + 1, r10))
        if s == "max":  # 2028: no published werkvoorraad 2029, keep 2027's capacity
            caps[4] = caps[3]
            m.v["ind_capaciteit"][SCENARIOS.index(s), 4] = caps[3]


# --- stage C: DT&V ------------------------------------------------------------------

def stage_c(m: Model, cal: dict[str, me.Spec]) -> None:
    shares = []
    for y in YEARS:
        x = m.seek("dtv_overdracht_aandeel", "dtv_instroom_ind", "medio", y, y, r4)
        m.v["dtv_overdracht_aandeel"][:, y - 2024] = x  # all scenarios
        shares.append(x)
    cal["dtv_overdracht_aandeel"] = shares


# --- stage D: Nidos -----------------------------------------------------------------

def stage_d(m: Model, cal: dict[str, me.Spec]) -> None:
    duur: dict[str, list[float]] = {}
    for s in SCENARIOS:
        d = [m.seek("nidos_duur_maanden", "nidos_caseload", s, y, y + 1, r2) for y in YEARS[:-1]]
        d.append(d[-1])  # 2028: no published caseload 2029
        m.v["nidos_duur_maanden"][SCENARIOS.index(s), 4] = d[-1]
        duur[s] = d
    cal["nidos_duur_maanden"] = duur


# --- stage E: COA -------------------------------------------------------------------

def _coa_realisatie(m: Model) -> dict[str, list[float]]:
    rg: dict[str, list[float]] = {}
    for s in SCENARIOS:
        g = [m.seek("realisatiegraad_huisvesting", "coa_bezetting", s, y, y + 1, r4)
             for y in YEARS[:-1]]
        g.append(g[-1])
        m.v["realisatiegraad_huisvesting"][SCENARIOS.index(s), 4] = g[-1]
        rg[s] = g
    return rg


def stage_e(m: Model, cal: dict[str, me.Spec]) -> None:
    cal["realisatiegraad_huisvesting"] = _coa_realisatie(m)


# --- driver --------------------------------------------------------------------------

def _public(cal: dict[str, me.Spec]) -> dict[str, me.Spec]:
    """The calibration dict without helper keys, filled up with the current block."""
    out = {k: v for k, v in me.CALIBRATED.items()}
    out.update({k: v for k, v in cal.items() if not k.startswith("_")})
    return out


def calibrate() -> tuple[dict[str, me.Spec], pd.DataFrame]:
    cal: dict[str, me.Spec] = {}
    m = Model(dict(me.CALIBRATED))
    stage_a(m, cal)
    stage_b(m, cal)
    for stage in (stage_c, stage_d, stage_e):
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


def markdown(table: pd.DataFrame) -> str:
    lines = ["| reeks | scenario | jaar | gepubliceerd | model | verschil | tolerantie |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in table.itertuples():
        if r.reeks in SHARE_SERIES:
            f = "{:.3f}".format
        else:
            f = "{:,.0f}".format
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
    return 0 if (table["benut"] <= 1).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
