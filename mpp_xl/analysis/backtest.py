"""Realisations and backtesting: how did a forecast hold up?

Realisations are observed values per series, in the long format
``reeks,jaar[,maand],waarde[,bron]``: without ``maand`` a flow's total of the
year or a stock per 1 jan of ``jaar``; with ``maand`` (1–12) a flow's total of
that month or a stock on the 1st of that month. Extra columns are ignored;
series the engine does not know are skipped with a message (or refused, when
the reader is given the known series; :func:`read_realisaties` refuses
every series outside :data:`REALISATION_SERIES`). Month rows are compared per month by
:mod:`mpp_xl.analysis.backtest_monthly`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.numbers import THOUSANDS_LIKE, thousands_advice
from ..core.problems import MppError
from ..core.series import SERIES
from ..io.csv_round import rounded_figures
from ..io.output import write_csv
from .forecast import Forecast
from .new_round import REALISATION_SERIES

REQUIRED = ("reeks", "jaar", "waarde")
RESULT_COLUMNS = ("reeks", "jaar", "realisatie", "min", "medio", "max", "fout", "procent",
                  "procentpunt", "binnen_band", "bron")


#: Looks like Dutch thousands notation: 70.000, 1.234.567 (not 0.150).


def _thousands_refusal(reeks: str, raw: object) -> str | None:
    """The error for a count series (every unit but 'fractie') whose value is
    written with a Dutch thousands point ("70.000"): a count is never 70.0 with
    three decimals, so reading it as 70 would be silently wrong. Same rule as
    for count parameters in the assumptions (core/validation.py)."""
    s = SERIES.get(reeks)
    if s is not None and s.unit == "fractie":
        return None
    text = str(raw).strip()
    if not THOUSANDS_LIKE.fullmatch(text):
        return None
    return (f"waarde '{text}' van {reeks} is een aantal met een duizendtallen-punt; "
            f"{thousands_advice(text)}")


def _suggest(name: str, options: Collection[str]) -> str:
    near = get_close_matches(name.lower(), sorted(options), n=1, cutoff=0.7)
    return f"bedoelt u '{near[0]}'? " if near else ""
#: Columns rounded in the CSV export: figures by the series' unit, and percentages.
FIGURES = ("realisatie", "min", "medio", "max", "fout")
PERCENTS = ("procent", "procentpunt")


def _number(v: object) -> float | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    try:
        f = float(str(v).strip())
    except ValueError:
        return None
    return f if np.isfinite(f) else None


def realisaties_from_frame(df: pd.DataFrame, source: str = "realisaties",
                           known: Collection[str] | None = None) -> pd.DataFrame:
    """Check and normalise a realisations table.

    Returns ``reeks`` (str), ``jaar`` (int), ``maand`` (int 1–12, or None for a
    year total / a stock per 1 jan), ``waarde`` (float), ``bron`` (str, empty
    when not given). Raises :class:`MppError` (Dutch, naming every bad CSV
    line) for missing columns, values that are not numbers, a month outside
    1–12, a series not in ``known`` (when given), or a series, year and month
    given twice.
    """
    df = df.copy()
    df.columns = [str(c).strip().lower() for c in df.columns]
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise MppError(f"{source}: de kolom(men) {', '.join(missing)} ontbreken; verwacht "
                       "reeks,jaar,waarde (en eventueel bron).")
    bad: list[str] = []
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        line = f"regel {i + 2}"
        reeks = str(rec["reeks"]).strip()
        if not reeks or reeks.lower() == "nan":
            continue
        if known is not None and reeks not in known:
            bad.append(f"{line}: onbekende reeks '{reeks}' ({_suggest(reeks, known)}zie "
                       "'mpp reeksen')")
            continue
        jaar, waarde = _number(rec["jaar"]), _number(rec["waarde"])
        if jaar is None or not float(jaar).is_integer():
            bad.append(f"{line}: jaar '{rec['jaar']}' is geen jaartal")
            continue
        maand = _month(rec.get("maand"))
        if maand is False:
            bad.append(f"{line}: maand '{_shown(rec.get('maand'))}' ligt niet tussen 1 en 12 "
                       "(laat de maand leeg voor een jaartotaal of een voorraad per 1 januari)")
            continue
        if waarde is None:
            bad.append(f"{line}: waarde '{rec['waarde']}' is geen getal")
            continue
        refusal = _thousands_refusal(reeks, rec["waarde"])
        if refusal:
            bad.append(f"{line}: {refusal}")
            continue
        bron = rec.get("bron", "")
        bron = "" if bron is None or (isinstance(bron, float) and np.isnan(bron)) else str(bron)
        rows.append({"reeks": reeks, "jaar": int(jaar), "maand": maand, "waarde": waarde,
                     "bron": bron})
    count = Counter((r["reeks"], r["jaar"], r["maand"] or 0) for r in rows)
    twice = sorted(k for k, n in count.items() if n > 1)
    if twice:
        pairs = [f"{r} {j}" + (f"-{m:02d}" if m else "") for r, j, m in twice]
        bad.append("dubbele realisatie voor " + ", ".join(pairs))
    if bad:
        raise MppError(f"{source}: " + "; ".join(bad) + ".")
    out = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object if c == "maand"
                                     else None)
                        for c in ("reeks", "jaar", "maand", "waarde", "bron")})
    if not rows:
        out = pd.DataFrame(columns=["reeks", "jaar", "maand", "waarde", "bron"])
    return out


def _shown(v: object) -> str:
    """A cell value in a message: 13.0 (a whole number read from a sheet) as 13."""
    f = _number(v)
    return str(int(f)) if f is not None and float(f).is_integer() else str(v).strip()


def _month(v: object) -> int | None | bool:
    """A month 1–12 from a CSV cell; None when empty; False when not a month."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
        return None
    f = _number(v)
    if f is None or not float(f).is_integer() or not 1 <= f <= 12:
        return False
    return int(f)


def yearly(real: pd.DataFrame) -> pd.DataFrame:
    """The rows without a month (year totals and stocks per 1 jan)."""
    if "maand" not in real.columns:
        return real
    return real[real["maand"].isna()].reset_index(drop=True)


def read_realisaties(path: str | Path,
                     known: Collection[str] = REALISATION_SERIES) -> pd.DataFrame:
    """Read a realisations CSV (``reeks,jaar[,maand],waarde[,bron]``, UTF-8);
    series outside ``known`` are refused with a typo suggestion (see
    :func:`realisaties_from_frame`)."""
    path = Path(path)
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise MppError(f"{path.name}: geen leesbaar CSV-bestand met realisaties ({e}).") from e
    return realisaties_from_frame(df, path.name, known)


@dataclass
class Backtest:
    """Forecast against realisations.

    ``tabel``: per series and year ``realisatie``, the forecast ``min``,
    ``medio``, ``max``, ``fout`` = medio − realisatie, ``procent`` =
    100·fout/realisatie (empty when the realisation is 0, and for share
    series), ``procentpunt`` = 100·fout for share series (unit 'fractie',
    e.g. coa_aandeel_statushouders; empty for the others), ``binnen_band``
    (the realisation lies between the lowest and highest of the three
    scenarios, bounds included) and ``bron``. ``meldingen``: skipped rows.
    ``invoer``: the (reeks, jaar) of stocks per 1 jan of the start year: their
    forecast is the round's start value, an input (often set from this very
    realisation), so they are marked, not counted as a test.
    """

    tabel: pd.DataFrame
    meldingen: list[str] = field(default_factory=list)
    invoer: frozenset[tuple[str, int]] = frozenset()

    def is_input(self) -> pd.Series:
        """Per row of :attr:`tabel`: True for a start value (see :attr:`invoer`)."""
        return pd.Series([(r, int(j)) in self.invoer
                          for r, j in zip(self.tabel["reeks"], self.tabel["jaar"], strict=True)],
                         index=self.tabel.index, dtype=bool)

    def to_csv(self, path: str | Path) -> None:
        """Atomic CSV export of :attr:`tabel`; ``binnen_band`` as ``ja``/``nee``;
        figures rounded (:func:`mpp_xl.io.csv_round.rounded_figures`)."""
        t = rounded_figures(self.tabel, FIGURES, PERCENTS)
        t["binnen_band"] = ["invoer" if i else "ja" if b else "nee"
                            for b, i in zip(t["binnen_band"], self.is_input(), strict=True)]
        write_csv(t, path)

    def samenvatting(self) -> pd.DataFrame:
        """Per series: ``aantal``, ``binnen_band`` (count), ``gem_abs_procent``
        (mean absolute percentage error; empty for share series) and
        ``gem_abs_procentpunt`` (share series: mean absolute error in
        percentage points); start values (:attr:`invoer`) are left out."""
        t = self.tabel[~self.is_input()] if len(self.tabel) else self.tabel
        cols = ["reeks", "aantal", "binnen_band", "gem_abs_procent", "gem_abs_procentpunt"]
        if t.empty:
            return pd.DataFrame(columns=cols)
        g = t.groupby("reeks", sort=False)
        return pd.DataFrame({
            "aantal": g.size(),
            "binnen_band": g["binnen_band"].sum().astype(int),
            "gem_abs_procent": g["procent"].apply(lambda s: s.abs().mean()),
            "gem_abs_procentpunt": g["procentpunt"].apply(lambda s: s.abs().mean()),
        }).reset_index()


def backtest(forecast: Forecast, realisaties: pd.DataFrame | str | Path) -> Backtest:
    """Compare ``forecast`` with observed values (a table or a CSV path)."""
    if isinstance(realisaties, (str, Path)):
        real = read_realisaties(realisaties)
    else:
        real = realisaties_from_frame(realisaties)
    real = yearly(real)
    meldingen: list[str] = []
    unknown = sorted(set(real["reeks"]) - set(forecast.data))
    strange = [r for r in unknown if r not in REALISATION_SERIES]
    if strange:
        meldingen.append("Onbekende reeks(en) overgeslagen: " + ", ".join(strange) + ".")
    without = [r for r in unknown if r in REALISATION_SERIES]
    if without:
        meldingen.append("Reeks(en) zonder prognose overgeslagen: " + ", ".join(without) + ".")
    scen = {s: forecast.scenarios.index(s) for s in ("min", "medio", "max")
            if s in forecast.scenarios}
    if "medio" not in scen:
        raise MppError("De prognose heeft geen scenario medio; backtesten kan niet.")
    rows = []
    outside = 0
    for rec in real.to_dict("records"):
        reeks, jaar = rec["reeks"], rec["jaar"]
        if reeks not in forecast.data:
            continue
        years = forecast.years(reeks)
        if jaar not in years:
            outside += 1
            continue
        j = jaar - forecast.startjaar
        col = forecast.data[reeks][:, j]
        v = {s: float(col[i]) for s, i in scen.items()}
        lo = min(v.values())
        hi = max(v.values())
        r = float(rec["waarde"])
        fout = v["medio"] - r
        share = SERIES[reeks].unit == "fractie"
        rows.append({
            "reeks": reeks, "jaar": jaar, "realisatie": r,
            "min": v.get("min", np.nan), "medio": v["medio"], "max": v.get("max", np.nan),
            "fout": fout,
            "procent": 100.0 * fout / r if r != 0 and not share else np.nan,
            "procentpunt": 100.0 * fout if share else np.nan,
            # bounds included, up to rounding noise of the monthly sums (1e-9 relative)
            "binnen_band": bool(lo - 1e-9 * max(1.0, abs(r)) <= r <= hi + 1e-9 * max(1.0, abs(r))),
            "bron": rec["bron"],
        })
    invoer = frozenset((r["reeks"], r["jaar"]) for r in rows
                       if SERIES[r["reeks"]].is_stock and r["jaar"] == forecast.startjaar)
    if invoer:
        names = ", ".join(f"{r} {j}" for r, j in sorted(invoer))
        meldingen.append(
            f"Niet getoetst: {names} (per 1 jan {forecast.startjaar}) is een startwaarde van "
            "de prognose, dus invoer van de ronde; in de CSV staat bij binnen_band 'invoer'.")
    if outside:
        meldingen.append(
            f"{outside} realisatie(s) vallen buiten de jaren van de prognose "
            f"({forecast.startjaar}–{forecast.eindjaar}, voorraden t/m 1 jan "
            f"{forecast.eindjaar + 1}) en zijn niet vergeleken.")
    tabel = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    order = {k: i for i, k in enumerate(SERIES)}
    if len(tabel):
        tabel = tabel.assign(_o=tabel["reeks"].map(order)).sort_values(
            ["_o", "jaar"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return Backtest(tabel, meldingen, invoer)
