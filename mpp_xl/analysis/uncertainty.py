"""Monte Carlo uncertainty bands (docs/model.md, section 8).

Two methods (Kader setting ``mc_methode``):

- ``alle_aannames`` (default): every assumption whose value differs between
  the scenarios is drawn on one common scenario score z_y per year. Each such
  parameter is piecewise linear in z_y through (Φ⁻¹(0.125), min_y),
  (Φ⁻¹(0.67), medio_y) and (Φ⁻¹(0.875), max_y), extended with the slope of the
  nearest segment and kept within the parameter's registry bounds (whole
  numbers for lags); a single-valued parameter uses the score of the first
  year. So one draw is a consistent "scenario" between and beyond min, medio
  and max, and wherever an outcome is monotone in the score its P12.5, P67 and
  P87.5 are the deterministic min, medio and max (exactly so with ρ = 1).
  Parameters equal in all scenarios keep that value.
- ``alleen_instroom`` (the original specification's method): each draw gives one value x_y of
  ``eerste_aanvragen`` per year through the same map (floored at 0); every
  other parameter takes its medio value.

The z's of one draw are correlated across years by a Gaussian copula with
corr(z_i, z_j) = ρ^|i−j| (ρ = ``mc_correlatie_jaren``).

The draws are pushed through :func:`mpp_xl.engine.compute` in chunks (the
engine's batch axis is the draw axis); only the yearly values per draw are
kept, then percentiles are taken per series and year over the draws (numpy's
linear interpolation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..core.assumptions import Resolved, fingerprint
from ..core.numbers import nl_number, parse_nl_number
from ..core.problems import MppError
from ..core.registry import ENGINE_KEYS, PARAMETERS
from ..core.series import SERIES, absent_message
from ..engine import compute
from ..io.output import write_csv

#: Percentiles always reported (P12.5 = min, P67 = medio, P87.5 = max inputs).
DEFAULT_PERCENTILES: tuple[float, ...] = (12.5, 50.0, 67.0, 87.5)
#: Probabilities of the three scenario knots.
KNOT_PROBABILITIES: tuple[float, float, float] = (0.125, 0.67, 0.875)
#: z-values of the knots, Φ⁻¹(0.125), Φ⁻¹(0.67), Φ⁻¹(0.875).
Z_KNOTS: tuple[float, float, float] = tuple(  # type: ignore[assignment]
    NormalDist().inv_cdf(p) for p in KNOT_PROBABILITIES
)
#: Draws per engine call; keeps the engine's monthly temporaries small.
CHUNK = 2000
#: The parameter that is drawn by the inflow-only method.
DRAWN_PARAMETER = "eerste_aanvragen"
#: Monte Carlo methods (values of the Kader setting ``mc_methode``), default first.
METHODS: tuple[str, ...] = ("alle_aannames", "alleen_instroom")
#: What each method draws, in a sentence fragment (report, summaries).
METHOD_TEXT: dict[str, str] = {
    "alle_aannames": "elke aanname die per scenario verschilt, op één scenarioscore per jaar",
    "alleen_instroom": "alleen de eerste asielinstroom, overige aannames medio",
}


def method_text(methode: str) -> str:
    """'methode alle_aannames (elke aanname ...)': the method by name and what it draws."""
    m = check_method(methode)
    return f"methode {m} ({METHOD_TEXT[m]})"

ProgressFn = Callable[[int], None]


# ---------------------------------------------------------------------------
# Distribution and copula
def quantile_map(z: np.ndarray, lo: np.ndarray, med: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """First applications (aantal per jaar) for standard-normal scores ``z``.

    ``z`` has shape (N, n_years); ``lo``, ``med``, ``hi`` (n_years,) are the
    min, medio and max inputs. Piecewise linear in z through the three knots,
    extended with the slope of the nearest segment, floored at 0. A degenerate
    segment (e.g. min == medio) has slope 0, so the flat part is exact.
    """
    return scenario_map(z, lo, med, hi, (0.0, np.inf))


def scenario_map(z: np.ndarray, lo: np.ndarray, med: np.ndarray, hi: np.ndarray,
                 bounds: tuple[float, float] = (0.0, np.inf)) -> np.ndarray:
    """Any scenario-dependent parameter for standard-normal scores ``z``.

    Like :func:`quantile_map` (piecewise linear through the three knots, the
    outer slopes extended) but the knots need not be ordered (a parameter may
    fall from min to max) and the result is clipped to ``bounds`` (the
    parameter's registry bounds, in its own unit) instead of floored at 0.
    """
    z_lo, z_med, z_hi = Z_KNOTS
    lo, med, hi = (np.asarray(a, dtype=float) for a in (lo, med, hi))
    s_low = (med - lo) / (z_med - z_lo)
    s_high = (hi - med) / (z_hi - z_med)
    dz = z - z_med
    x = med + np.where(dz <= 0.0, s_low, s_high) * dz
    return np.clip(x, bounds[0], bounds[1])


def check_method(methode: str) -> str:
    """The Monte Carlo method, validated (Dutch message on an unknown one)."""
    m = str(methode).strip().lower()
    if m not in METHODS:
        raise MppError(f"Onbekende Monte-Carlomethode '{methode}'; kies "
                       + " of ".join(METHODS) + ".")
    return m


def drawn_parameters(resolved: Resolved, methode: str = METHODS[0]) -> list[str]:
    """The parameters a method draws: for ``alle_aannames`` every engine
    parameter whose min, medio and max differ anywhere (eerste_aanvragen
    first), for ``alleen_instroom`` only eerste_aanvragen."""
    if check_method(methode) == "alleen_instroom":
        return [DRAWN_PARAMETER]
    idx = [resolved.scenarios.index(s) for s in ("min", "medio", "max")]
    keys = [k for k in ENGINE_KEYS if k in resolved.values
            and not np.all(resolved.values[k][idx] == resolved.values[k][idx[1]])]
    return sorted(keys, key=lambda k: k != DRAWN_PARAMETER)


def draw_parameters(resolved: Resolved, z: np.ndarray, methode: str = METHODS[0],
                    ) -> tuple[dict[str, np.ndarray], list[str]]:
    """Drawn values per parameter for scores ``z`` (draws, n_years): (draws,
    n_years) for per-year parameters, (draws,) for single ones; and notes."""
    lo, med, hi, notes = _knots(resolved)
    out = {DRAWN_PARAMETER: quantile_map(z, lo, med, hi)}
    idx = [resolved.scenarios.index(s) for s in ("min", "medio", "max")]
    for key in drawn_parameters(resolved, methode):
        if key == DRAWN_PARAMETER:
            continue
        p = PARAMETERS[key]
        arr = resolved.values[key]
        a, b, c = (arr[i] for i in idx)
        zz = z if p.per_jaar else z[:, 0]
        x = scenario_map(zz, a, b, c, (p.lo, p.hi))
        out[key] = np.round(x) if p.integer else x
    return out, notes


def ar1_cholesky(n: int, rho: float) -> np.ndarray:
    """Lower-triangular L with L Lᵀ = [ρ^|i−j|] (n × n).

    Closed form of the Cholesky factor of the AR(1) correlation matrix:
    L[i,0] = ρ^i and L[i,j] = ρ^(i−j)·√(1−ρ²) for 1 ≤ j ≤ i. It stays valid for
    ρ = 1 (all years share one z; the matrix is singular there, which a
    numerical Cholesky would reject) and ρ = 0 (independent years).
    """
    if not 0.0 <= rho <= 1.0:
        raise MppError("De correlatie tussen jaren moet tussen 0 en 1 liggen (nu "
                       f"{f'{rho:g}'.replace('.', ',')}).")
    i = np.arange(n)
    lag = i[:, None] - i[None, :]
    L = np.where(lag >= 0, float(rho) ** np.maximum(lag, 0), 0.0)
    L[:, 1:] *= np.sqrt(max(0.0, 1.0 - rho * rho))
    return L


def normal_scores(draws: int, n_years: int, rho: float, seed: int,
                  stratify: bool = True) -> np.ndarray:
    """(draws, n_years) standard-normal scores z with corr(z_i, z_j) = ρ^|i−j|.

    Draws independent standard normals from PCG64(``seed``) and correlates them
    with :func:`ar1_cholesky` (a Gaussian copula). With ``stratify`` (default)
    each year's column is then replaced by its normal scores
    Φ⁻¹((rank + 0.5) / draws): the ranks, and so the copula, are kept, while
    every year's marginal is spread exactly over the quantiles. Without it, the
    sampling error of P12.5 at 10,000 draws is about 1% of the value; with it
    the three input quantiles are met to within interpolation (≈ 1/draws).
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    z = rng.standard_normal((draws, n_years)) @ ar1_cholesky(n_years, rho).T
    if stratify and draws > 0:
        ranks = np.argsort(np.argsort(z, axis=0, kind="stable"), axis=0, kind="stable")
        z = ndtri((ranks + 0.5) / draws)
    return z


def _knots(resolved: Resolved) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """min, medio, max of eerste_aanvragen per year (sorted if not ordered)."""
    arr = resolved.values[DRAWN_PARAMETER]
    idx = {s: resolved.scenarios.index(s) for s in ("min", "medio", "max")
           if s in resolved.scenarios}
    if len(idx) < 3:
        raise MppError("Voor de onzekerheidsbanden zijn de scenario's min, medio en max nodig.")
    lo, med, hi = (np.asarray(arr[idx[s]], dtype=float) for s in ("min", "medio", "max"))
    notes: list[str] = []
    bad = ~((lo <= med) & (med <= hi))
    if bad.any():
        years = [str(y) for y in resolved.years[bad]]
        notes.append(
            "Eerste asielaanvragen: min ≤ medio ≤ max geldt niet in "
            + ", ".join(years)
            + "; voor de trekkingen zijn de drie waarden per jaar op volgorde gezet."
        )
        stacked = np.sort(np.stack([lo, med, hi]), axis=0)
        lo, med, hi = stacked[0], stacked[1], stacked[2]
    return lo, med, hi, notes


def kader_value(resolved: Resolved, key: str, default: float) -> float:
    v = resolved.values.get(key)
    if v is None:
        return default
    return float(np.ravel(v)[0])


def sample_eerste_aanvragen(resolved: Resolved, draws: int, seed: int,
                            rho: float | None = None, stratify: bool = True) -> np.ndarray:
    """The drawn first applications, (draws, n_years), aantal per jaar.

    Exactly the values :func:`simulate` uses with the same draws and seed.
    """
    lo, med, hi, _ = _knots(resolved)
    if rho is None:
        rho = kader_value(resolved, "mc_correlatie_jaren", 0.7)
    z = normal_scores(draws, resolved.n_years, rho, seed, stratify)
    return quantile_map(z, lo, med, hi)


# ---------------------------------------------------------------------------
# Result
def _fmt_percentile(p: float) -> int | float:
    return int(p) if float(p).is_integer() else float(p)


@dataclass
class Bands:
    """Percentile bands per series and year.

    ``data[reeks]`` has shape (P, n_years) for flows (aantal per jaar) and
    (P, n_years + 1) for stocks (per 1 jan, incl. 1 jan eindjaar+1), one row
    per entry of ``percentiles`` (0..100). With ``keep_draws`` the yearly
    values of every draw are kept in ``draws_data`` (same layout with the draw
    axis first) so that any percentile can be asked afterwards.
    """

    startjaar: int
    eindjaar: int
    percentiles: tuple[float, ...]
    data: dict[str, np.ndarray]
    draws: int
    seed: int
    rho: float
    fingerprint: str = ""
    meldingen: list[str] = field(default_factory=list)
    draws_data: dict[str, np.ndarray] | None = None
    #: The Monte Carlo method (``alle_aannames`` or ``alleen_instroom``).
    methode: str = METHODS[0]

    def years(self, reeks: str) -> list[int]:
        """Years reported for ``reeks`` (stocks include eindjaar+1)."""
        s = SERIES.get(reeks)
        if s is None:
            raise MppError(f"Onbekende reeks '{reeks}'. Zie 'mpp reeksen' voor de lijst.")
        end = self.eindjaar + (1 if s.is_stock else 0)
        return list(range(self.startjaar, end + 1))

    def value(self, reeks: str, jaar: int, percentiel: float) -> float:
        """Percentile ``percentiel`` (0..100) of ``reeks`` in ``jaar`` over the draws."""
        years = self.years(reeks)
        if jaar not in years:
            raise MppError(
                f"Jaar {jaar} bestaat niet voor {reeks}; kies {years[0]} t/m {years[-1]}.")
        if reeks not in self.data:
            raise MppError(absent_message(reeks))
        j = jaar - self.startjaar
        p = float(percentiel)
        for i, q in enumerate(self.percentiles):
            if abs(q - p) < 1e-9:
                return float(self.data[reeks][i, j])
        if not 0.0 <= p <= 100.0:
            raise MppError(f"Percentiel {percentiel} moet tussen 0 en 100 liggen.")
        if self.draws_data is None:
            shown = ", ".join(str(_fmt_percentile(q)) for q in self.percentiles)
            raise MppError(
                f"Percentiel {_fmt_percentile(p)} is niet berekend; beschikbaar: {shown}.")
        return float(np.percentile(self.draws_data[reeks][:, j], p))

    def table(self, reeks: str) -> pd.DataFrame:
        """Years × percentiles for one series."""
        return pd.DataFrame(self.data[reeks].T, index=self.years(reeks),
                            columns=[_fmt_percentile(p) for p in self.percentiles])

    def to_frame(self) -> pd.DataFrame:
        """Long format ``reeks, jaar, percentiel, waarde`` (series in registry order)."""
        frames = []
        pcol = np.asarray(self.percentiles, dtype=float)
        for reeks, arr in self.data.items():
            years = self.years(reeks)
            P, n = arr.shape
            frames.append(pd.DataFrame({
                "reeks": reeks,
                "jaar": np.repeat(years, P),
                "percentiel": np.tile(pcol, n),
                "waarde": arr.T.ravel(),
            }))
        return pd.concat(frames, ignore_index=True)

    def to_csv(self, path: str | Path) -> None:
        """Atomic CSV export ``reeks,jaar,percentiel,waarde``; percentiel written
        as 12.5, 50, 67, 87.5 (no trailing .0)."""
        df = self.to_frame()
        df["percentiel"] = [f"{p:g}" for p in df["percentiel"]]
        write_csv(df, path)


# ---------------------------------------------------------------------------
def _check_percentiles(percentiles: Sequence[float]) -> tuple[float, ...]:
    out: list[float] = []
    for p in percentiles:
        try:
            f = float(p)
        except (TypeError, ValueError):
            raise MppError(f"Percentiel '{p}' is geen getal.") from None
        if not 0.0 <= f <= 100.0:
            raise MppError(f"Percentiel {p} moet tussen 0 en 100 liggen.")
        if all(abs(f - q) > 1e-12 for q in out):
            out.append(f)
    if not out:
        raise MppError("Geef minstens één percentiel.")
    return tuple(sorted(out))


def _split_numbers(text: str) -> list[str]:
    """Split a list of percentiles on ';' and whitespace. A comma is always a
    decimal comma (as in every number on the command line), so it never
    separates: '2,5;97,5' -> ['2,5', '97,5'], '12,5 50 87,5' -> ['12,5', '50',
    '87,5'], '5,5' -> ['5,5']."""
    return [p for p in re.split(r"[;\s]+", text.strip()) if p]


def parse_percentiles(text: str | Sequence[str]) -> tuple[float, ...]:
    """Extra percentiles (strictly between 0 and 100) plus the defaults.

    ``text`` is one list or several (the option repeated): items separated by
    ';' or spaces, each read as a Dutch number ('2,5;97,5', '5 95', ['5', '95']).
    A comma is a decimal comma: '5,5' is 5.5, '5,95' is 5.95."""
    texts = [text] if isinstance(text, str) else list(text)
    vals: list[float] = []
    for t in (item for chunk in texts for item in _split_numbers(chunk)):
        try:
            v = parse_nl_number(t)  # one reading of a number everywhere (docs/cli.md)
        except ValueError as e:
            raise MppError(f"Percentiel '{t}' is geen getal: {e} Scheid percentielen met een "
                           "puntkomma of herhaal de optie: --percentielen '2,5;97,5' of "
                           "--percentielen 5 --percentielen 95.") from None
        if not (0.0 < v < 100.0) or not np.isfinite(v):
            raise MppError(f"Percentiel {t} moet tussen 0 en 100 liggen (0 en 100 zelf niet).")
        vals.append(v)
    return _check_percentiles([*DEFAULT_PERCENTILES, *vals])


def check_draws(draws: int) -> int:
    """The number of draws within the bounds of ``mc_trekkingen``."""
    p = PARAMETERS["mc_trekkingen"]
    if not p.lo <= draws <= p.hi:
        raise MppError(f"Het aantal trekkingen moet tussen {nl_number(p.lo)} en "
                       f"{nl_number(p.hi)} liggen (nu {nl_number(draws)}).")
    return int(draws)


def simulate(
    resolved: Resolved,
    draws: int | None = None,
    seed: int | None = None,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    progress: ProgressFn | None = None,
    rho: float | None = None,
    keep_draws: bool = False,
    chunk: int = CHUNK,
    stratify: bool = True,
    methode: str | None = None,
) -> Bands:
    """Monte Carlo bands for every result series.

    ``draws``, ``seed`` and ``rho`` default to the Kader parameters
    ``mc_trekkingen``, ``mc_zaad`` and ``mc_correlatie_jaren``. ``progress`` is
    called with the number of draws finished after each chunk. The same
    resolved values, draws and seed give identical bands (any chunk size).
    ``stratify`` (default) uses normal scores per year, see
    :func:`normal_scores`; ``keep_draws`` keeps every draw's yearly values so
    :meth:`Bands.value` can answer any percentile. ``methode`` (default: the
    Kader setting ``mc_methode``) is ``alle_aannames`` or ``alleen_instroom``.
    """
    if methode is None:
        methode = resolved.text.get("mc_methode") or METHODS[0]
    methode = check_method(methode)
    if draws is None:
        draws = int(kader_value(resolved, "mc_trekkingen", 10000))
    if seed is None:
        seed = int(kader_value(resolved, "mc_zaad", 20242))
    if rho is None:
        rho = kader_value(resolved, "mc_correlatie_jaren", 0.7)
    draws, seed = int(draws), int(seed)
    if draws < 1:
        raise MppError(f"Het aantal trekkingen moet minstens 1 zijn (nu {draws}).")
    if seed < 0:
        raise MppError(f"Het startgetal van de toevalsgenerator moet 0 of groter zijn (nu {seed}).")
    if chunk < 1:
        raise MppError("De blokgrootte moet minstens 1 zijn.")
    pcts = _check_percentiles(percentiles)
    n = resolved.n_years
    medio = resolved.scenarios.index("medio")
    x_all, notes = draw_parameters(resolved, normal_scores(draws, n, rho, seed, stratify),
                                   methode)

    store: dict[str, np.ndarray] = {}
    for start in range(0, draws, chunk):
        m = min(chunk, draws - start)
        batch = resolved.select(np.full(m, medio), ["medio"] * m)
        for key, x in x_all.items():
            batch.values[key] = x[start:start + m]
        out = compute(batch.values, n)
        if not store:
            store = {k: np.empty((draws, v.shape[1])) for k, v in out.items()}
        for k, v in out.items():
            store[k][start:start + m] = v
        if progress is not None:
            progress(m)

    q = np.asarray(pcts)
    data = {k: np.percentile(store[k], q, axis=0) for k in SERIES if k in store}
    return Bands(
        startjaar=resolved.startjaar,
        eindjaar=resolved.eindjaar,
        percentiles=pcts,
        data=data,
        draws=draws,
        seed=seed,
        rho=float(rho),
        fingerprint=fingerprint(resolved),
        meldingen=notes,
        draws_data=store if keep_draws else None,
        methode=methode,
    )
