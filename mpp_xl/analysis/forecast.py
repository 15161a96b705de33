"""The result of a run: every series per scenario and year, with metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.assumptions import Assumptions, Resolved, fingerprint
from ..core.problems import MppError, Problem
from ..core.series import SERIES, Series, absent_message
from ..engine import compute


@dataclass
class Forecast:
    """Results of one run of the chain.

    ``data[reeks]`` has shape (S, n_years) for flows (aantal per jaar) and
    (S, n_years + 1) for stocks (per 1 jan, the last being 1 jan eindjaar+1).
    """

    startjaar: int
    eindjaar: int
    scenarios: tuple[str, ...]
    data: dict[str, np.ndarray]
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    text: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def series(reeks: str) -> Series:
        try:
            return SERIES[reeks]
        except KeyError:
            raise MppError(f"Onbekende reeks '{reeks}'. Zie 'mpp reeksen' voor de lijst.") from None

    def years(self, reeks: str) -> list[int]:
        """The years reported for ``reeks`` (stocks include eindjaar+1)."""
        end = self.eindjaar + (1 if self.series(reeks).is_stock else 0)
        return list(range(self.startjaar, end + 1))

    def value(self, reeks: str, jaar: int, scenario: str) -> float:
        """One figure: a year total (flow) or the stock per 1 jan of ``jaar``."""
        years = self.years(reeks)
        if jaar not in years:
            raise MppError(
                f"Jaar {jaar} bestaat niet voor {reeks}; kies {years[0]} t/m {years[-1]}."
            )
        if scenario not in self.scenarios:
            raise MppError(
                f"Onbekend scenario '{scenario}'; kies {', '.join(self.scenarios)}."
            )
        return float(self.array(reeks)[self.scenarios.index(scenario), jaar - self.startjaar])

    def array(self, reeks: str) -> np.ndarray:
        """The (scenarios, years) array of ``reeks``; a clear message for a series
        this run lacks (the cost series without prices)."""
        self.series(reeks)
        if reeks not in self.data:
            raise MppError(absent_message(reeks))
        return self.data[reeks]

    def table(self, reeks: str) -> pd.DataFrame:
        """Years × scenarios for one series."""
        return pd.DataFrame(self.array(reeks).T, index=self.years(reeks),
                            columns=list(self.scenarios))

    def to_frame(self) -> pd.DataFrame:
        """Long format reeks, scenario, jaar, waarde (every series)."""
        frames = []
        for reeks, arr in self.data.items():
            years = self.years(reeks)
            S, n = arr.shape
            frames.append(pd.DataFrame({
                "reeks": reeks,
                "scenario": np.repeat(self.scenarios, n),
                "jaar": np.tile(years, S),
                "waarde": arr.ravel(),
            }))
        return pd.concat(frames, ignore_index=True)


def run_resolved(resolved: Resolved) -> Forecast:
    """Run the engine on validated arrays (all scenarios at once)."""
    data = compute(resolved.values, resolved.n_years)
    return Forecast(resolved.startjaar, resolved.eindjaar, resolved.scenarios, data,
                    text=dict(resolved.text))


def run(assumptions: Assumptions) -> Forecast:
    """Validate and run. Raises :class:`ValidationError` listing every error."""
    resolved = assumptions.resolve()
    fc = run_resolved(resolved)
    fc.problems = assumptions.validate()
    fc.fingerprint = fingerprint(resolved)
    return fc
