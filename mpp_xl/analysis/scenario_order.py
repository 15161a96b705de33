"""Scenario crossings of the results: years in which min > medio or
medio > max for a result series.

The Controles sheet counts them per series with a formula (signal "LET OP");
``mpp valideer``, ``mpp reken`` and MPP_VALIDATIE report the same finding as a
warning through :func:`scenario_crossings`. Not an error: scenarios may
cross when their assumptions differ in more than the inflow; the band
min–max is then not a pair of bounds.
"""

from __future__ import annotations

import numpy as np

from ..core.problems import WAARSCHUWING, Problem, Regel
from ..core.series import SERIES
from .forecast import Forecast

RULE = Regel.SCENARIO_KRUISING
#: Rounding margin (the same as the Controles formula): half a person for
#: counts (personen, aantal per jaar), 0,05 procentpunt for shares (fractie).
MARGIN_COUNT = 0.5
MARGIN_FRACTION = 0.0005


def margin(reeks: str) -> float:
    """The rounding margin of a series (its unit)."""
    return MARGIN_FRACTION if SERIES[reeks].unit == "fractie" else MARGIN_COUNT


def _years_text(years: list[int]) -> str:
    text = [str(y) for y in years]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " en " + text[-1]


def crossing_years(fc: Forecast, reeks: str) -> tuple[list[int], list[int]]:
    """(years with min > medio, years with medio > max) of one series, beyond
    the rounding margin; empty when the run lacks one of the three scenarios."""
    if not {"min", "medio", "max"} <= set(fc.scenarios):
        return [], []
    data = np.asarray(fc.data[reeks], dtype=float)
    lo, mid, hi = (data[fc.scenarios.index(s)] for s in ("min", "medio", "max"))
    years = np.asarray(fc.years(reeks))
    m = margin(reeks)
    return ([int(y) for y in years[lo > mid + m]], [int(y) for y in years[mid > hi + m]])


def scenario_crossings(fc: Forecast) -> list[Problem]:
    """One warning per result series whose scenarios cross, naming the series
    (label and key), the years and which order is broken."""
    out: list[Problem] = []
    for reeks, s in SERIES.items():
        if reeks not in fc.data:
            continue
        low, high = crossing_years(fc, reeks)
        if not low and not high:
            continue
        parts = []
        if low:
            parts.append(f"min > medio in {_years_text(low)}")
        if high:
            parts.append(f"medio > max in {_years_text(high)}")
        out.append(Problem(
            niveau=WAARSCHUWING, regel=RULE,
            melding=(f"{s.label} ({reeks}): de scenario's kruisen ({'; '.join(parts)}). "
                     "Lees de band min–max in die jaren niet als grenzen (Controles: "
                     "LET OP)."),
        ))
    return out
