"""Rounding of derived figures before a CSV export (terugtoets, vergelijk), so a
user sees 0 instead of float noise such as 1.13686837722e-13 and 30,52 instead
of 30.515848353. Exact exports (``mpp reken``) do not use this."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..core.series import SERIES

#: Decimals of a count (aantal, aantal per jaar): persons, so 2 is ample.
COUNT_DECIMALS = 2
#: Decimals of a fraction (e.g. coa_aandeel_statushouders 0,263412).
FRACTION_DECIMALS = 6
#: Decimals of a percentage or percentage points.
PERCENT_DECIMALS = 2


def _round(values: pd.Series, decimals: np.ndarray | int) -> pd.Series:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    factor = np.power(10.0, decimals)
    out = np.round(x * factor) / factor + 0.0  # + 0.0: no -0.0
    return pd.Series(out, index=values.index)


def rounded_figures(df: pd.DataFrame, values: Sequence[str],
                    percents: Sequence[str] = ()) -> pd.DataFrame:
    """A copy of ``df`` with the columns ``values`` rounded per row by the unit of
    its series (column ``reeks``: fractions to :data:`FRACTION_DECIMALS`, counts to
    :data:`COUNT_DECIMALS`) and the columns ``percents`` to
    :data:`PERCENT_DECIMALS`. Empty cells stay empty."""
    out = df.copy()
    if out.empty:
        return out
    frac = np.array([SERIES.get(str(r)) is not None and SERIES[str(r)].unit == "fractie"
                     for r in out["reeks"]])
    decimals = np.where(frac, FRACTION_DECIMALS, COUNT_DECIMALS)
    for c in values:
        if c in out.columns:
            out[c] = _round(out[c], decimals)
    for c in percents:
        if c in out.columns:
            out[c] = _round(out[c], PERCENT_DECIMALS)
    return out
