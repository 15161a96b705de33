"""The forecast per month: every series (and the engine's detail series) per
scenario and month, for monthly realisations and a new round's start stocks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.assumptions import Resolved
from ..core.problems import MppError
from ..core.series import SERIES
from ..engine import DETAIL_KEYS, compute_monthly

#: Stock series among the detail series (the others are flows).
_DETAIL_STOCKS = frozenset(k for k in DETAIL_KEYS if k.startswith("ind_werkvoorraad_"))


def is_stock(reeks: str) -> bool:
    """Whether ``reeks`` (a series or a detail series) is a stock."""
    if reeks in SERIES:
        return SERIES[reeks].is_stock
    return reeks in _DETAIL_STOCKS


@dataclass
class MonthlyForecast:
    """Results per month. ``data[reeks]`` is (S, 12·n_years) for flows (aantal
    per maand) and (S, 12·n_years + 1) for stocks (on the 1st of each month, the
    last being 1 jan eindjaar+1)."""

    startjaar: int
    eindjaar: int
    scenarios: tuple[str, ...]
    data: dict[str, np.ndarray]

    def _index(self, reeks: str, jaar: int, maand: int) -> int:
        if reeks not in self.data:
            raise MppError(f"Onbekende reeks '{reeks}'. Zie 'mpp reeksen' voor de lijst.")
        t = 12 * (jaar - self.startjaar) + (maand - 1)
        last = self.data[reeks].shape[1] - 1
        if not 0 <= t <= last:
            raise MppError(f"{reeks}: {jaar}-{maand:02d} ligt buiten de prognose "
                           f"({self.startjaar}–{self.eindjaar}).")
        return t

    def stock_on(self, reeks: str, jaar: int, maand: int = 1) -> np.ndarray:
        """The stock on the 1st of ``maand`` of ``jaar``, per scenario (aantal)."""
        return self.data[reeks][:, self._index(reeks, jaar, maand)].copy()

    def month(self, reeks: str, jaar: int, maand: int) -> np.ndarray:
        """A flow's total of one month (a stock: its value on the 1st), per scenario."""
        return self.data[reeks][:, self._index(reeks, jaar, maand)].copy()

    def year_total(self, reeks: str, jaar: int) -> np.ndarray:
        """A flow's total of ``jaar``, per scenario (aantal per jaar)."""
        t = self._index(reeks, jaar, 1)
        return self.data[reeks][:, t:t + 12].sum(axis=1)

    def value(self, reeks: str, jaar: int, maand: int, scenario: str) -> float:
        return float(self.month(reeks, jaar, maand)[self.scenarios.index(scenario)])


def run_monthly(resolved: Resolved) -> MonthlyForecast:
    """Run the engine on validated arrays and keep every month."""
    data = compute_monthly(resolved.values, resolved.n_years)
    return MonthlyForecast(resolved.startjaar, resolved.eindjaar, resolved.scenarios, data)
