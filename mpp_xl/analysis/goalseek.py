"""Goal seek: the value of one parameter (one year, one scenario) that makes
one result series hit a target, by bracketing and Brent's method."""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np
from scipy.optimize import brentq

from ..core.assumptions import Assumptions, Resolved, Row
from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError
from ..core.registry import PARAMETERS, SCENARIOS, Parameter
from ..core.series import SERIES
from ..engine import compute


@dataclass(frozen=True)
class GoalSeekResult:
    parameter: str
    scenario: str
    jaar: int | None
    waarde: float  # the value found, in the parameter's unit
    reeks: str
    doeljaar: int
    doel: float
    bereikt: float  # the series value at ``waarde``


def goal_seek(
    assumptions: Assumptions | Resolved,
    parameter: str,
    reeks: str,
    doel: float,
    doeljaar: int,
    scenario: str = "medio",
    jaar: int | None = None,
    xtol: float = 1e-6,
) -> GoalSeekResult:
    """Find x for ``parameter`` (in ``jaar``; all years when None; ignored for
    single-valued parameters) in ``scenario`` such that ``reeks`` in
    ``doeljaar`` equals ``doel``. Searches within the registry bounds (an
    unbounded upper bound is widened until the target is bracketed) and
    raises :class:`MppError` in Dutch when the target cannot be reached.
    """
    res = assumptions.resolve() if isinstance(assumptions, Assumptions) else assumptions
    years = list(res.years)
    problems: list[str] = []
    p = PARAMETERS.get(parameter)
    if p is None and parameter in SERIES:
        problems.append(f"'{parameter}' is een uitkomstreeks, geen parameter; gebruik het als "
                        "--reeks en kies een parameter die erop werkt.")
    elif p is None or p.kind != "getal" or p.sheet == "Kader":
        problems.append(f"'{parameter}' is geen parameter van de keten."
                        + _suggest(parameter, PARAMETERS))
    elif p.integer:
        problems.append(f"{parameter} is een geheel getal; doelzoeken werkt op doorlopende "
                        "waarden.")
    elif p.per_jaar and jaar is not None and jaar not in years:
        problems.append(f"Jaar {jaar} ligt buiten de horizon {years[0]}–{years[-1]}.")
    if reeks not in SERIES:
        problems.append(f"Onbekende reeks '{reeks}'.{_suggest(reeks, SERIES)}")
    else:
        last = years[-1] + (1 if SERIES[reeks].is_stock else 0)
        if not years[0] <= doeljaar <= last:
            problems.append(f"Doeljaar {doeljaar} bestaat niet voor {reeks}; kies {years[0]} "
                            f"t/m {last}.")
    if scenario not in SCENARIOS:
        problems.append(f"Onbekend scenario '{scenario}'; kies {', '.join(SCENARIOS)}.")
    if problems:
        raise MppError("Doelzoeken kan zo niet:\n  " + "\n  ".join(problems))
    assert p is not None
    s = SCENARIOS.index(scenario)
    col: slice | int = slice(None)
    if p.per_jaar and jaar is not None:
        col = years.index(jaar)

    base = {k: v[s : s + 1].copy() for k, v in res.values.items()}

    def f(x: float) -> float:
        vals = dict(base)
        arr = base[parameter].copy()
        if p.per_jaar:
            arr[0, col] = x
        else:
            arr[0] = x
        vals[parameter] = arr
        return float(compute(vals, res.n_years)[reeks][0, doeljaar - years[0]]) - doel

    lo = p.lo
    hi = p.hi if math.isfinite(p.hi) else max(1.0, 2.0 * float(np.max(base[parameter])))
    flo, fhi = f(lo), f(hi)
    while math.isfinite(p.hi) is False and flo * fhi > 0 and hi < 1e12:
        hi *= 4.0
        fhi = f(hi)
    if flo == 0:
        x = lo
    elif fhi == 0:
        x = hi
    elif flo * fhi > 0:
        reach = sorted((flo + doel, fhi + doel))
        upper = (f"{_show(p, hi)}" if math.isfinite(p.hi) else "zeer grote waarden")
        raise MppError(
            f"Doel {nl_number(doel)} voor {reeks} in {doeljaar} is niet bereikbaar door "
            f"{parameter} te variëren: tussen {_show(p, lo)} en {upper} loopt de uitkomst "
            f"van {nl_number(reach[0])} tot {nl_number(reach[1])}."
        )
    else:
        x = brentq(f, lo, hi, xtol=xtol, rtol=1e-12, maxiter=200)
    return GoalSeekResult(parameter, scenario, jaar if p.per_jaar else None, float(x),
                          reeks, doeljaar, doel, f(x) + doel)


def _suggest(name: str, options: object) -> str:
    near = get_close_matches(str(name).lower(), list(options), n=1, cutoff=0.7)  # type: ignore[call-overload]
    return f" Bedoelt u '{near[0]}'?" if near else ""


def _show(p: Parameter, x: float) -> str:
    """A parameter value the Dutch way: 13,1% for fractions, 67.864 for counts."""
    if p.fmt == "fractie":
        return nl_decimal(x, ".1%")
    if p.fmt == "aantal":
        return nl_number(x)
    return nl_decimal(x, ".4g")


def describe(result: GoalSeekResult, years: list[int] | None = None) -> str:
    """One Dutch sentence about a goal-seek result."""
    p = PARAMETERS[result.parameter]
    if result.jaar is not None:
        when = f" in {result.jaar}"
    elif p.per_jaar:
        when = " (in alle jaren" + (f" {years[0]}–{years[-1]}" if years else "") + " gelijk)"
    else:
        when = ""
    s = SERIES[result.reeks]
    at = f"per 1 jan {result.doeljaar}" if s.is_stock else f"in {result.doeljaar}"
    return (f"{p.label} ({result.parameter}){when}, scenario {result.scenario}: "
            f"{_show(p, result.waarde)} geeft {s.label} ({result.reeks}) {at} = "
            f"{nl_number(result.bereikt)} (doel {nl_number(result.doel)}).")


def apply(assumptions: Assumptions, result: GoalSeekResult) -> Assumptions:
    """The assumptions with the found value written as an explicit row.

    The parameter's rows are expanded to explicit per-scenario (and per-year)
    rows first, so the change touches exactly one scenario (and year).
    """
    res = assumptions.resolve()
    p = PARAMETERS[result.parameter]
    rows = [r for r in assumptions.rows if r.parameter.strip().lower() != p.key]
    arr = res.values[p.key]
    for i, s in enumerate(SCENARIOS):
        if p.per_jaar:
            for j, y in enumerate(res.years):
                v = float(arr[i, j])
                if s == result.scenario and (result.jaar is None or result.jaar == y):
                    v = result.waarde
                rows.append(Row(p.key, s, int(y), v))
        else:
            v = result.waarde if s == result.scenario else float(arr[i])
            rows.append(Row(p.key, s, None, v))
    return assumptions.with_rows(rows)
