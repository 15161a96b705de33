"""Bijstelling: what changed between two MPP rounds, and why.

:func:`compare` lines up two forecasts on their common years and scenarios,
lists every changed assumption, and finds out empirically which changed
assumption moves which series: the new run is repeated with one changed
parameter at a time put back to its old value (the engine takes milliseconds),
and a series that then moves is attributed to that parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.assumptions import Assumptions, Resolved
from ..core.numbers import nl_number, nl_signed
from ..core.registry import ENGINE_KEYS, META_KEYS, PARAMETERS
from ..core.series import COST_SERIES, EURO_MLN, SERIES, Series
from ..engine import compute
from .forecast import Forecast

DIFF_COLUMNS = ("reeks", "scenario", "jaar", "oud", "nieuw", "verschil", "procent")
ASSUMPTION_COLUMNS = ("parameter", "scenario", "jaar", "oud", "nieuw")
#: Relative tolerance below which two values count as equal.
RTOL = 1e-9


def _differs(a: np.ndarray, b: np.ndarray, rtol: float = RTOL) -> np.ndarray:
    """Elementwise: a and b differ by more than rtol·max(1, |a|, |b|)."""
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return np.abs(a - b) > rtol * scale


@dataclass
class Comparison:
    """The result of :func:`compare`.

    ``verschillen``: one row per series, scenario and year of the common
    horizon (``reeks, scenario, jaar, oud, nieuw, verschil, procent``;
    verschil = nieuw − oud, procent = 100·verschil/oud, empty when oud = 0),
    sorted by the largest absolute change. ``aannames``: the changed
    assumptions (``parameter, scenario, jaar, oud, nieuw``; scenario ``alle``
    when the change is the same in every scenario, jaar empty for
    single-valued parameters). ``invloed``: per changed series the changed
    parameters that move it. ``toelichting``: one Dutch sentence per changed
    series.
    """

    verschillen: pd.DataFrame
    aannames: pd.DataFrame
    invloed: dict[str, list[str]] = field(default_factory=dict)
    toelichting: dict[str, str] = field(default_factory=dict)
    jaren: tuple[int, int] = (0, 0)
    scenarios: tuple[str, ...] = ()
    meldingen: list[str] = field(default_factory=list)
    #: changed parameters that act on most changed series, named once in
    #: :meth:`gedeelde_zin` instead of in every sentence (see :func:`shared_params`)
    gedeelde_aannames: list[str] = field(default_factory=list)

    def gedeelde_zin(self) -> str:
        """The one Dutch line naming the shared parameters, or '' when there are none."""
        if not self.gedeelde_aannames:
            return ""
        n = sum(1 for ks in self.invloed.values() if set(self.gedeelde_aannames) <= set(ks))
        return (f"Gemeenschappelijke aannames (werken op {n} van de "
                f"{len(self.gewijzigde_reeksen)} gewijzigde reeksen): "
                + ", ".join(parameter_label(k) for k in self.gedeelde_aannames) + ".")

    @property
    def gewijzigde_reeksen(self) -> list[str]:
        """Series with any difference, in order of the change their sentence
        describes (:func:`headline`: the largest medio change, or the largest
        change of another scenario when medio is unchanged)."""
        d = self.verschillen
        d = d[d["verschil"].abs() > 0]
        first = list(dict.fromkeys(d["reeks"]))
        size = {r: abs(float(headline(d, r)[0]["verschil"])) for r in first}
        return sorted(first, key=lambda r: -size[r])  # stable: ties keep the CSV order

    def toelichting_frame(self) -> pd.DataFrame:
        """``reeks, toelichting, aannames`` for every changed series."""
        rows = [{"reeks": r, "toelichting": self.toelichting.get(r, ""),
                 "aannames": ", ".join(self.invloed.get(r, []))}
                for r in self.gewijzigde_reeksen]
        return pd.DataFrame(rows, columns=["reeks", "toelichting", "aannames"])


# ---------------------------------------------------------------------------
def _resolved(a: Assumptions | Resolved | None) -> Resolved | None:
    if a is None or isinstance(a, Resolved):
        return a
    return a.resolve()


def _year_cols(start: int, years: range) -> list[int]:
    return [y - start for y in years]


def changed_assumptions(old: Resolved, new: Resolved) -> pd.DataFrame:
    """Every assumption whose value differs, on the common years.

    Scenario ``alle`` when old and new agree across all scenarios; ``jaar``
    empty (None) for single-valued parameters. Text parameters (MPP-versie,
    peildatum) are listed too.
    """
    scen = [s for s in new.scenarios if s in old.scenarios]
    io = [old.scenarios.index(s) for s in scen]
    inew = [new.scenarios.index(s) for s in scen]
    common = range(max(old.startjaar, new.startjaar), min(old.eindjaar, new.eindjaar) + 1)
    rows: list[dict[str, object]] = []
    for key, p in PARAMETERS.items():
        if key in META_KEYS:
            continue
        if p.kind == "tekst":
            a, b = old.text.get(key, ""), new.text.get(key, "")
            if a != b:
                rows.append({"parameter": key, "scenario": "alle", "jaar": None,
                             "oud": a, "nieuw": b})
            continue
        if key not in old.values or key not in new.values:
            continue
        va, vb = old.values[key], new.values[key]
        if p.per_jaar:
            ca = _year_cols(old.startjaar, common)
            cb = _year_cols(new.startjaar, common)
            A, B = va[io][:, ca], vb[inew][:, cb]
            for j, y in enumerate(common):
                _add_rows(rows, key, y, A[:, j], B[:, j], scen)
        else:
            _add_rows(rows, key, None, va[io], vb[inew], scen)
    df = pd.DataFrame(rows, columns=list(ASSUMPTION_COLUMNS))
    df["jaar"] = df["jaar"].astype("Int64")
    return df


def _add_rows(rows: list[dict[str, object]], key: str, jaar: int | None,
              a: np.ndarray, b: np.ndarray, scen: list[str]) -> None:
    d = _differs(a, b)
    if not d.any():
        return
    if np.all(a == a[0]) and np.all(b == b[0]):
        rows.append({"parameter": key, "scenario": "alle", "jaar": jaar,
                     "oud": float(a[0]), "nieuw": float(b[0])})
        return
    for i in np.flatnonzero(d):
        rows.append({"parameter": key, "scenario": scen[i], "jaar": jaar,
                     "oud": float(a[i]), "nieuw": float(b[i])})


def _reverted(old: Resolved, new: Resolved, key: str) -> dict[str, np.ndarray]:
    """New values with ``key`` put back to its old value (common years)."""
    vals = dict(new.values)
    arr = new.values[key].copy()
    io = [old.scenarios.index(s) for s in new.scenarios]
    if PARAMETERS[key].per_jaar:
        common = range(max(old.startjaar, new.startjaar), min(old.eindjaar, new.eindjaar) + 1)
        arr[:, _year_cols(new.startjaar, common)] = \
            old.values[key][io][:, _year_cols(old.startjaar, common)]
    else:
        arr[:] = old.values[key][io]
    vals[key] = arr
    return vals


def attribute(old: Resolved, new: Resolved, params: list[str],
              series: list[str]) -> dict[str, list[str]]:
    """For each series, the parameters among ``params`` whose reversal moves it.

    Runs the new assumptions once per parameter with that parameter put back
    to its old value; a series is attributed to a parameter when any of its
    values on the new horizon moves by more than the tolerance.
    """
    if any(s not in old.scenarios for s in new.scenarios):
        return {}
    base = compute(new.values, new.n_years)
    out: dict[str, list[str]] = {s: [] for s in series}
    for key in params:
        alt = compute(_reverted(old, new, key), new.n_years)
        for s in series:
            if _differs(base[s], alt[s]).any():
                out[s].append(key)
    return out


# ---------------------------------------------------------------------------
def _fmt_signed(x: float, unit: str) -> str:
    if unit == EURO_MLN:
        return ("+" if x > 0 else ("−" if x < 0 else "±")) + f"€ {nl_number(abs(x), 1)} mln"
    if unit == "fractie":
        return f"{nl_signed(x * 100, '+.1f')} procentpunt"
    r = round(x, -2) if abs(x) >= 1000 else round(x)
    sign = "+" if r > 0 else ("−" if r < 0 else "±")
    return sign + nl_number(abs(r))


def _fmt_pct(p: float) -> str:
    if not np.isfinite(p):
        return "nieuw t.o.v. 0"
    return f"{nl_signed(p, '+.1f')}%"


def parameter_label(key: str) -> str:
    """The Dutch label of a parameter with its code in parentheses:
    'Eerste asielaanvragen (eerste_aanvragen)'."""
    p = PARAMETERS.get(key)
    return f"{p.label} ({key})" if p is not None and p.label else key


MAIN_SCENARIO = "medio"


def headline(diff: pd.DataFrame, reeks: str) -> tuple[pd.Series, pd.Series | None]:
    """The change a series is ranked and described by, and a larger one elsewhere.

    ``diff`` is sorted by the largest absolute change. The headline is the
    largest change in the medio scenario (the MPP's main scenario); when medio
    is unchanged, the largest change in any scenario. The second value is the
    largest change of another scenario when it is larger than the medio one
    (else None).
    """
    d = diff[(diff["reeks"] == reeks) & (diff["verschil"] != 0)]
    med = d[d["scenario"] == MAIN_SCENARIO]
    if not len(med):
        return d.iloc[0], None
    top, other = med.iloc[0], d.iloc[0]
    bigger = abs(float(other["verschil"])) > abs(float(top["verschil"]))
    return top, (other if bigger else None)


def _change_text(s: Series, row: pd.Series) -> str:
    """'1 jan 2027: −50 (−0,1%)' for a stock, '2026: +9.800 (+146,8%)' for a flow."""
    when = f"1 jan {int(row['jaar'])}" if s.is_stock else str(int(row["jaar"]))
    text = f"{when}: {_fmt_signed(float(row['verschil']), s.unit)}"
    if s.unit != "fractie":
        text += f" ({_fmt_pct(float(row['procent']))})"
    return text


#: Shared parameters are named once only when at least this many qualify.
MIN_SHARED = 3


def shared_params(invloed: dict[str, list[str]]) -> list[str]:
    """Parameters that act on at least half of the changed series (of at least 3),
    in attribution order; empty unless at least :data:`MIN_SHARED` qualify."""
    n = len(invloed)
    if n < 3:
        return []
    keys = list(dict.fromkeys(k for ks in invloed.values() for k in ks))
    shared = [k for k in keys if 2 * sum(k in ks for ks in invloed.values()) >= n]
    return shared if len(shared) >= MIN_SHARED else []


def explain(reeks: str, row: pd.Series, params: list[str], horizon_changed: bool,
            larger: pd.Series | None = None, shared: list[str] | None = None) -> str:
    """One Dutch sentence on the headline change of a series (see :func:`headline`),
    with the larger change of another scenario when there is one."""
    s = SERIES[reeks]
    head = f"{s.label} {row['scenario']} {_change_text(s, row)}"
    head += " t.o.v. vorige MPP"
    if larger is not None:
        head += f"; grootste wijziging in {larger['scenario']}: {_change_text(s, larger)}"
    if params:
        names = [parameter_label(k) for k in params]
        if shared and set(shared) <= set(params):
            rest = [parameter_label(k) for k in params if k not in shared]
            names = ["de gemeenschappelijke aannames (zie boven)"
                     + (" en " + ", ".join(rest) if rest else "")]
        return head + "; gewijzigde aannames die hierop werken: " + ", ".join(names) + "."
    reason = ("de verschoven horizon" if horizon_changed
              else "het samenspel van de gewijzigde aannames")
    return head + f"; geen afzonderlijke aanname verklaart dit, het komt door {reason}."


def compare(old: Forecast, new: Forecast,
            old_assumptions: Assumptions | Resolved | None = None,
            new_assumptions: Assumptions | Resolved | None = None) -> Comparison:
    """Compare two forecasts on their common years and scenarios.

    With the assumptions of both rounds, the changed assumptions are listed
    and attributed to the series they move; without them, only the
    differences in the results are given.
    """
    scen = [s for s in new.scenarios if s in old.scenarios]
    lo_y, hi_y = max(old.startjaar, new.startjaar), min(old.eindjaar, new.eindjaar)
    meldingen: list[str] = []
    if (old.startjaar, old.eindjaar) != (new.startjaar, new.eindjaar):
        meldingen.append(
            f"De horizons verschillen ({old.startjaar}–{old.eindjaar} en "
            f"{new.startjaar}–{new.eindjaar}); alleen de gemeenschappelijke jaren "
            f"{lo_y}–{hi_y} zijn vergeleken.")
    priced = [COST_SERIES[0] in fc.data for fc in (old, new)]
    if priced[0] != priced[1]:
        meldingen.append(
            "De kosten zijn niet vergeleken: "
            + ("de vorige MPP" if not priced[0] else "deze MPP")
            + " heeft geen prijzen (blad Financiën).")
    frames = []
    for reeks in SERIES:
        if reeks not in old.data or reeks not in new.data:
            continue
        stock = SERIES[reeks].is_stock
        years = list(range(lo_y, hi_y + (2 if stock else 1)))
        years = [y for y in years if y in old.years(reeks) and y in new.years(reeks)]
        if not years:
            continue
        for s in scen:
            a = old.data[reeks][old.scenarios.index(s), [y - old.startjaar for y in years]]
            b = new.data[reeks][new.scenarios.index(s), [y - new.startjaar for y in years]]
            d = np.where(_differs(a, b), b - a, 0.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                pct = np.where(a != 0, 100.0 * d / np.where(a != 0, a, 1.0), np.nan)
            pct = np.where(d == 0, 0.0, pct)
            frames.append(pd.DataFrame({"reeks": reeks, "scenario": s, "jaar": years,
                                        "oud": a, "nieuw": b, "verschil": d,
                                        "procent": pct}))
    diff = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame(columns=list(DIFF_COLUMNS))
    order = np.argsort(-diff["verschil"].abs().to_numpy(), kind="stable")
    diff = diff.iloc[order].reset_index(drop=True)

    ro, rn = _resolved(old_assumptions), _resolved(new_assumptions)
    if ro is not None and rn is not None:
        changes = changed_assumptions(ro, rn)
    else:
        changes = pd.DataFrame(columns=list(ASSUMPTION_COLUMNS))
    cmp = Comparison(diff, changes, jaren=(lo_y, hi_y), scenarios=tuple(scen),
                     meldingen=meldingen)
    changed_series = cmp.gewijzigde_reeksen
    params = [k for k in dict.fromkeys(changes["parameter"]) if k in ENGINE_KEYS]
    if ro is not None and rn is not None and changed_series:
        cmp.invloed = attribute(ro, rn, params, changed_series)
    horizon_changed = bool(meldingen)
    cmp.gedeelde_aannames = shared_params(cmp.invloed)
    for reeks in changed_series:
        row, larger = headline(diff, reeks)
        cmp.toelichting[reeks] = explain(reeks, row, cmp.invloed.get(reeks, []),
                                         horizon_changed, larger, cmp.gedeelde_aannames)
    return cmp

