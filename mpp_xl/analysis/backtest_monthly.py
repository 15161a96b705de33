"""Backtest per month: realisations with a ``maand`` against the forecast of
that month, and the running year as realised months plus the forecast of the
remaining months, per scenario, beside the forecast of the whole year.

A flow's month realisation is the total of that month (aantal per maand); a
stock's is its value on the 1st of that month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.series import SERIES
from ..io.csv_round import rounded_figures
from ..io.output import write_csv
from .backtest import FIGURES, PERCENTS
from .monthly import MonthlyForecast, is_stock

MONTH_COLUMNS = ("reeks", "jaar", "maand", "realisatie", "min", "medio", "max", "fout",
                 "procent", "procentpunt", "binnen_band", "bron")
RUNNING_COLUMNS = ("reeks", "jaar", "maanden_gerealiseerd", "gerealiseerd",
                   "verwacht_min", "verwacht_medio", "verwacht_max",
                   "prognose_min", "prognose_medio", "prognose_max")
_SCEN = ("min", "medio", "max")


@dataclass
class MonthlyBacktest:
    """``tabel``: per month realisation the forecast of that month (columns as the
    yearly backtest, plus ``maand``). ``lopend``: per flow series and year whose
    months are realised in part, the realised total of those months
    (``gerealiseerd``), the year expected as that plus the forecast of the other
    months (``verwacht_<scenario>``) and the forecast of the whole year
    (``prognose_<scenario>``). ``meldingen``: skipped rows (Dutch)."""

    tabel: pd.DataFrame
    lopend: pd.DataFrame
    meldingen: list[str] = field(default_factory=list)

    def to_csv(self, path: str | Path) -> None:
        t = rounded_figures(self.tabel, FIGURES, PERCENTS)
        t["binnen_band"] = ["ja" if b else "nee" for b in t["binnen_band"]]
        write_csv(t, path)

    def lopend_to_csv(self, path: str | Path) -> None:
        write_csv(rounded_figures(self.lopend, RUNNING_COLUMNS[3:]), path)


def backtest_monthly(mf: MonthlyForecast, real: pd.DataFrame) -> MonthlyBacktest:
    """Compare the month rows of ``real`` (a checked realisations table) with ``mf``."""
    month_rows = real[real["maand"].notna()] if "maand" in real.columns else real.iloc[:0]
    scen = {s: mf.scenarios.index(s) for s in _SCEN if s in mf.scenarios}
    rows: list[dict[str, object]] = []
    unknown: set[str] = set()
    outside = 0
    for rec in month_rows.to_dict("records"):
        reeks, jaar, maand = rec["reeks"], int(rec["jaar"]), int(rec["maand"])
        if reeks not in mf.data or reeks not in SERIES:
            unknown.add(reeks)
            continue
        t = 12 * (jaar - mf.startjaar) + maand - 1
        if not 0 <= t < mf.data[reeks].shape[1]:
            outside += 1
            continue
        col = mf.data[reeks][:, t]
        v = {s: float(col[i]) for s, i in scen.items()}
        r = float(rec["waarde"])
        fout = v["medio"] - r
        share = SERIES[reeks].unit == "fractie"
        tol = 1e-9 * max(1.0, abs(r))
        rows.append({
            "reeks": reeks, "jaar": jaar, "maand": maand, "realisatie": r,
            "min": v.get("min", np.nan), "medio": v["medio"], "max": v.get("max", np.nan),
            "fout": fout,
            "procent": 100.0 * fout / r if r != 0 and not share else np.nan,
            "procentpunt": 100.0 * fout if share else np.nan,
            "binnen_band": bool(min(v.values()) - tol <= r <= max(v.values()) + tol),
            "bron": rec.get("bron", ""),
        })
    meldingen: list[str] = []
    if unknown:
        meldingen.append("Onbekende reeks(en) per maand overgeslagen: "
                         + ", ".join(sorted(unknown)) + ".")
    if outside:
        meldingen.append(f"{outside} maandrealisatie(s) vallen buiten de prognose "
                         f"({mf.startjaar}–{mf.eindjaar}) en zijn niet vergeleken.")
    tabel = pd.DataFrame(rows, columns=list(MONTH_COLUMNS))
    order = {k: i for i, k in enumerate(SERIES)}
    if len(tabel):
        tabel = tabel.assign(_o=tabel["reeks"].map(order)).sort_values(
            ["_o", "jaar", "maand"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return MonthlyBacktest(tabel, _running(mf, tabel, scen), meldingen)


def _running(mf: MonthlyForecast, tabel: pd.DataFrame, scen: dict[str, int]) -> pd.DataFrame:
    """The running year(s): flows with some but not all months of a year realised."""
    out: list[dict[str, object]] = []
    if tabel.empty:
        return pd.DataFrame(columns=list(RUNNING_COLUMNS))
    for (reeks, jaar), grp in tabel.groupby(["reeks", "jaar"], sort=False):
        if is_stock(str(reeks)) or len(grp) >= 12:
            continue
        months = sorted(int(m) for m in grp["maand"])
        t0 = 12 * (int(jaar) - mf.startjaar)
        if t0 + 12 > mf.data[str(reeks)].shape[1]:
            continue
        year = mf.data[str(reeks)][:, t0:t0 + 12]
        rest = [m for m in range(1, 13) if m not in months]
        realised = float(grp["realisatie"].sum())
        rec: dict[str, object] = {"reeks": reeks, "jaar": int(jaar),
                                  "maanden_gerealiseerd": _months_text(months),
                                  "gerealiseerd": realised}
        for s, i in scen.items():
            rec[f"verwacht_{s}"] = realised + float(year[i, [m - 1 for m in rest]].sum())
            rec[f"prognose_{s}"] = float(year[i].sum())
        out.append(rec)
    return pd.DataFrame(out, columns=list(RUNNING_COLUMNS))


def _months_text(months: list[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    parts: list[str] = []
    start = prev = months[0]
    for m in [*months[1:], None]:
        if m is not None and m == prev + 1:
            prev = m
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if m is not None:
            start = prev = m
    return ", ".join(parts)
