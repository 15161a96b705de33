"""Sensitivity: which assumptions drive one outcome (MODEL.md, "Variants").

For one target (series, year, scenario) every numeric chain parameter (the
registry's ENGINE_KEYS: not the Kader settings) is multiplied alone by
(1 − stap/100) and by (1 + stap/100) in every year and scenario, clipped to
its registry bounds (whole-number parameters rounded); ``begrensd`` says where
that clipping or rounding changed the step. The swing is the outcome at the
high value minus the outcome at the low value. For a parameter whose min and
max scenario values differ, the range swing moves it alone from its min-
scenario values to its max-scenario values (in the target scenario).

All runs go through :func:`mpp_xl.engine.compute` in one batch. Only the
target scenario is computed: the scenarios of a run are independent, so the
target's outcome is the same as in a run where all scenarios changed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
import pandas as pd

from ..core.assumptions import Resolved
from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError
from ..core.registry import ENGINE_KEYS, PARAMETERS, SCENARIOS
from ..core.series import SERIES
from ..engine import compute

DEFAULT_TARGET = "coa_bezetting"
DEFAULT_SCENARIO = "medio"
DEFAULT_STEP = 10.0
#: Bars in the tornado chart.
TORNADO_TOP = 15
#: Columns of the sensitivity CSV (the step swing), then the range swing.
SENSITIVITY_COLUMNS: tuple[str, ...] = (
    "parameter", "basis", "laag", "hoog", "uitkomst_laag", "uitkomst_hoog", "zwaai",
    "begrensd")
RANGE_COLUMNS: tuple[str, ...] = ("bereik_uitkomst_min", "bereik_uitkomst_max", "bereik_zwaai")


@dataclass(frozen=True)
class Target:
    """The outcome studied: a series in one year (flow: year total; stock:
    per 1 jan) and scenario; ``stap`` in percent."""

    reeks: str
    jaar: int
    scenario: str
    stap: float


@dataclass
class Sensitivity:
    """The result: ``tabel`` has :data:`SENSITIVITY_COLUMNS` and
    :data:`RANGE_COLUMNS` (empty where min and max are equal), one row per
    parameter, sorted by |zwaai| descending; ``uitkomst_basis`` is the
    target's value in the round itself."""

    target: Target
    uitkomst_basis: float
    tabel: pd.DataFrame

    def top(self, n: int = TORNADO_TOP) -> pd.DataFrame:
        """The ``n`` parameters with the largest |zwaai|."""
        return self.tabel.head(n)


def tornado_title(s: Sensitivity) -> tuple[str, str]:
    """(title, subtitle) in Dutch."""
    t = s.target
    at = f"per 1 januari {t.jaar}" if SERIES[t.reeks].is_stock else f"in {t.jaar}"
    title = f"Gevoeligheid: {SERIES[t.reeks].label} {at} ({t.scenario})"
    sub = (f"elke aanname alleen × (1 ∓ {nl_decimal(t.stap)}%) in alle jaren en scenario's; "
           f"verschil met de basis {nl_number(s.uitkomst_basis)}")
    return title, sub


def default_year(resolved: Resolved, reeks: str) -> int:
    """The last 1 January of the horizon for a stock (eindjaar + 1), the
    last year for a flow."""
    return resolved.eindjaar + (1 if SERIES[reeks].is_stock else 0)


def check_target(resolved: Resolved, reeks: str | None = None, jaar: int | None = None,
                 scenario: str | None = None, stap: float | None = None) -> Target:
    """The target with defaults filled in; :class:`MppError` listing every
    problem (Dutch) otherwise."""
    reeks = (reeks or DEFAULT_TARGET).strip()
    scenario = (scenario or DEFAULT_SCENARIO).strip().lower()
    stap = DEFAULT_STEP if stap is None else float(stap)
    problems = []
    if reeks not in SERIES:
        near = get_close_matches(reeks, list(SERIES), n=1, cutoff=0.7)
        problems.append(f"Onbekende reeks '{reeks}'." + (f" Bedoelt u '{near[0]}'?" if near
                                                         else " Zie 'mpp reeksen'."))
    elif jaar is not None:
        last = default_year(resolved, reeks)
        if not resolved.startjaar <= jaar <= last:
            problems.append(f"Jaar {jaar} bestaat niet voor {reeks}; kies {resolved.startjaar} "
                            f"t/m {last}.")
    if scenario not in SCENARIOS:
        problems.append(f"Onbekend scenario '{scenario}'; kies {', '.join(SCENARIOS)}.")
    if not (math.isfinite(stap) and 0 < stap < 100):
        problems.append(f"De stap moet meer dan 0 en minder dan 100 procent zijn (nu {stap:g}).")
    if problems:
        raise MppError("Gevoeligheid kan zo niet:\n  " + "\n  ".join(problems))
    if jaar is None:
        jaar = default_year(resolved, reeks)
    return Target(reeks, int(jaar), scenario, stap)


def stepped(key: str, x: np.ndarray, factor: float) -> tuple[np.ndarray, bool]:
    """``x`` times ``factor`` within the registry bounds of ``key`` (rounded
    for whole-number parameters) and whether that changed the product."""
    p = PARAMETERS[key]
    raw = x * factor
    got = np.clip(raw, p.lo, p.hi)
    if p.integer:
        got = np.round(got)
    return got, bool(np.any(got != raw))


def range_keys(resolved: Resolved, keys: Sequence[str] = ENGINE_KEYS) -> list[str]:
    """The parameters whose min- and max-scenario values differ somewhere."""
    lo, hi = resolved.scenarios.index("min"), resolved.scenarios.index("max")
    return [k for k in keys if k in resolved.values  # no prices: the cost keys are absent
            and np.any(resolved.values[k][lo] != resolved.values[k][hi])]


def sensitivity(resolved: Resolved, reeks: str | None = None, jaar: int | None = None,
                scenario: str | None = None, stap: float | None = None,
                keys: Sequence[str] = ENGINE_KEYS) -> Sensitivity:
    """Every parameter in ``keys`` alone at −stap % and +stap %, and the range
    swings, in one engine call (one batch row per run, target scenario only)."""
    t = check_target(resolved, reeks, jaar, scenario, stap)
    s = resolved.scenarios.index(t.scenario)
    lo_s, hi_s = resolved.scenarios.index("min"), resolved.scenarios.index("max")
    f = t.stap / 100.0
    keys = [k for k in keys if k in resolved.values]  # no prices: the cost keys are absent
    rkeys = range_keys(resolved, keys)
    B = 1 + 2 * len(keys) + 2 * len(rkeys)
    values = {k: np.repeat(v[s : s + 1], B, axis=0) for k, v in resolved.values.items()}
    low, high, clipped = {}, {}, {}
    for i, k in enumerate(keys):
        x = resolved.values[k][s]
        low[k], c_lo = stepped(k, x, 1.0 - f)
        high[k], c_hi = stepped(k, x, 1.0 + f)
        clipped[k] = c_lo or c_hi
        values[k][1 + 2 * i] = low[k]
        values[k][2 + 2 * i] = high[k]
    r0 = 1 + 2 * len(keys)
    for i, k in enumerate(rkeys):
        values[k][r0 + 2 * i] = resolved.values[k][lo_s]
        values[k][r0 + 2 * i + 1] = resolved.values[k][hi_s]
    out = compute(values, resolved.n_years)[t.reeks][:, t.jaar - resolved.startjaar]
    col = min(t.jaar, resolved.eindjaar) - resolved.startjaar
    at = {k: (lambda a, k=k: float(a[col]) if PARAMETERS[k].per_jaar else float(a))
          for k in keys}
    recs = []
    rpos = {k: i for i, k in enumerate(rkeys)}
    for i, k in enumerate(keys):
        u_lo, u_hi = float(out[1 + 2 * i]), float(out[2 + 2 * i])
        rec = {"parameter": k, "basis": at[k](resolved.values[k][s]), "laag": at[k](low[k]),
               "hoog": at[k](high[k]), "uitkomst_laag": u_lo, "uitkomst_hoog": u_hi,
               "zwaai": u_hi - u_lo, "begrensd": clipped[k]}
        if k in rpos:
            b_lo, b_hi = float(out[r0 + 2 * rpos[k]]), float(out[r0 + 2 * rpos[k] + 1])
            rec.update(bereik_uitkomst_min=b_lo, bereik_uitkomst_max=b_hi,
                       bereik_zwaai=b_hi - b_lo)
        recs.append(rec)
    tabel = pd.DataFrame(recs, columns=[*SENSITIVITY_COLUMNS, *RANGE_COLUMNS])
    order = np.argsort(-np.abs(tabel["zwaai"].to_numpy()), kind="stable")
    tabel = tabel.iloc[order].reset_index(drop=True)
    return Sensitivity(t, float(out[0]), tabel)
