"""Run the base and every policy variant in one vectorised engine call.

The engine's batch axis holds (variant, scenario): rows 0..S-1 are the base
(the round itself), the next S rows the first variant, and so on. Each
variant's results are exactly those of :func:`mpp_xl.analysis.forecast.run_resolved`
on :func:`mpp_xl.core.variants.apply_variant` (the scenarios of one run are
independent, so stacking them changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.assumptions import Resolved
from ..core.problems import MppError
from ..core.series import SERIES
from ..core.variants import BASE_NAME, Variant, VariantRow, apply_change, resolve_variants
from ..engine import compute
from .forecast import Forecast

#: The headline series of the variants block (Varianten sheet, terminal table):
#: per variant the difference from the base, per year, for medio. A declared
#: tuple so further series (e.g. costs) can be appended.
VARIANT_HEADLINE_KEYS: tuple[str, ...] = (
    "instroom_totaal",
    "ind_werkvoorraad",
    "coa_bezetting",
    "coa_capaciteit",
    "coa_statushouders",
    "dtv_caseload",
)
#: The scenario of the headline block.
HEADLINE_SCENARIO = "medio"
#: Columns of the long variants CSV.
VARIANT_CSV_COLUMNS: tuple[str, ...] = (
    "variant", "reeks", "scenario", "jaar", "waarde", "basis", "verschil")


@dataclass
class VariantResults:
    """The base and every variant.

    ``data[reeks]`` has shape (1 + V, S, n) with n = n_years for flows (aantal
    per jaar) and n_years + 1 for stocks (per 1 jan); index 0 is the base,
    index 1 + i the variant ``variants[i]``.
    """

    startjaar: int
    eindjaar: int
    scenarios: tuple[str, ...]
    variants: tuple[Variant, ...]
    data: dict[str, np.ndarray]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(v.naam for v in self.variants)

    def index(self, variant: str) -> int:
        """The position of ``variant`` on the first axis of ``data`` (0: base)."""
        if variant.strip().lower() == BASE_NAME:
            return 0
        for i, v in enumerate(self.variants):
            if v.naam == variant:
                return 1 + i
        known = ", ".join(self.names) or "geen"
        raise MppError(f"Onbekende variant '{variant}'; bekend: {known}.")

    def years(self, reeks: str) -> list[int]:
        end = self.eindjaar + (1 if SERIES[reeks].is_stock else 0)
        return list(range(self.startjaar, end + 1))

    def forecast(self, variant: str = BASE_NAME) -> Forecast:
        """One variant (or the base) as an ordinary :class:`Forecast`."""
        i = self.index(variant)
        return Forecast(self.startjaar, self.eindjaar, self.scenarios,
                        {k: v[i] for k, v in self.data.items()})

    def value(self, reeks: str, jaar: int, scenario: str, variant: str) -> float:
        """One figure of one variant (flow: year total; stock: per 1 jan)."""
        return self.forecast(variant).value(reeks, jaar, scenario)

    def difference(self, reeks: str, scenario: str = HEADLINE_SCENARIO) -> np.ndarray:
        """(V, n): each variant minus the base for one series and scenario."""
        s = self.scenarios.index(scenario)
        arr = self.data[reeks][:, s]
        return arr[1:] - arr[0]

    def to_frame(self) -> pd.DataFrame:
        """Long format ``variant,reeks,scenario,jaar,waarde,basis,verschil``
        for every variant, series, scenario and year (verschil = waarde − basis)."""
        frames = []
        V = len(self.variants)
        for reeks, arr in self.data.items():
            _, S, n = arr.shape
            years = self.years(reeks)
            waarde = arr[1:].ravel()
            basis = np.broadcast_to(arr[0], arr[1:].shape).ravel()
            frames.append(pd.DataFrame({
                "variant": np.repeat(self.names, S * n),
                "reeks": reeks,
                "scenario": np.tile(np.repeat(self.scenarios, n), V),
                "jaar": np.tile(years, V * S),
                "waarde": waarde,
                "basis": basis,
                "verschil": waarde - basis,
            }))
        if not frames or V == 0:
            return pd.DataFrame(columns=list(VARIANT_CSV_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def headline(self, keys: Sequence[str] = VARIANT_HEADLINE_KEYS,
                 scenario: str = HEADLINE_SCENARIO) -> pd.DataFrame:
        """variant, reeks, jaar, verschil for the headline series in one scenario."""
        recs = []
        for reeks in keys:
            diff = self.difference(reeks, scenario)
            for i, naam in enumerate(self.names):
                for j, y in enumerate(self.years(reeks)):
                    recs.append({"variant": naam, "reeks": reeks, "jaar": y,
                                 "verschil": float(diff[i, j])})
        return pd.DataFrame(recs, columns=["variant", "reeks", "jaar", "verschil"])


def stack_values(resolved: Resolved, variants: Sequence[Variant]) -> dict[str, np.ndarray]:
    """The engine input of the batch: the base's arrays repeated 1 + V times
    along axis 0, each variant's changes applied to its block of S rows."""
    S = len(resolved.scenarios)
    reps = 1 + len(variants)
    values = {k: np.tile(v, (reps,) + (1,) * (v.ndim - 1)) for k, v in resolved.values.items()}
    touched = {c.parameter for v in variants for c in v.changes}
    for i, var in enumerate(variants):
        block = slice((1 + i) * S, (2 + i) * S)
        view = {k: values[k][block] for k in touched}  # views: changes land in ``values``
        for c in var.changes:
            apply_change(view, c, resolved.startjaar)
    return values


def run_variants(resolved: Resolved, variants: Sequence[Variant]) -> VariantResults:
    """The base and every variant in one engine call."""
    S = len(resolved.scenarios)
    out = compute(stack_values(resolved, variants), resolved.n_years)
    reps = 1 + len(variants)
    data = {k: v.reshape(reps, S, v.shape[-1]) for k, v in out.items()}
    return VariantResults(resolved.startjaar, resolved.eindjaar, resolved.scenarios,
                          tuple(variants), data)


def run_variant_rows(resolved: Resolved, rows: Iterable[VariantRow]) -> VariantResults:
    """Check the rows (every problem; :class:`VariantError` on any error) and
    run the base and all variants in one batch."""
    return run_variants(resolved, resolve_variants(rows, resolved))
