"""Monthly view of resolved parameters (docs/model.md, "Tijd, scenario's en eenheden")."""

from __future__ import annotations

import numpy as np


class Months:
    """Expands parameters to months for a batch of B runs.

    ``values[key]`` is (B, n_years) for per-year parameters, (B,) for single
    ones. Month t lies in year index t // 12; H1 is months 0–5 of a year.
    """

    def __init__(self, values: dict[str, np.ndarray], n_years: int) -> None:
        self.values = values
        self.n_years = n_years
        self.T = 12 * n_years
        self.year_idx = np.arange(self.T) // 12
        self.h2 = (np.arange(self.T) % 12) >= 6
        self.B = next(iter(values.values())).shape[0]

    def yearly(self, key: str) -> np.ndarray:
        """Per-year parameter at the year of each month: (T, B), unit as given."""
        return np.repeat(self.values[key].T, 12, axis=0)

    def flow(self, key: str) -> np.ndarray:
        """A yearly flow (aantal per jaar) entering each month as X[y(t)]/12: (T, B)."""
        return self.yearly(key) / 12.0

    def single(self, key: str) -> np.ndarray:
        """A single-valued parameter: (B,)."""
        return self.values[key]


def per_year_sum(monthly: np.ndarray) -> np.ndarray:
    """Flow report: (T, B) monthly -> (B, n_years) yearly totals."""
    T, B = monthly.shape
    return monthly.reshape(T // 12, 12, B).sum(axis=1).T


def per_jan(stock: np.ndarray) -> np.ndarray:
    """Stock report: (T+1, B) start-of-month -> (B, n_years+1) per 1 jan."""
    return stock[::12].T.copy()
