"""Goal seek: the value of one parameter (one year, one scenario) that makes
one result series hit a target, by bracketing and Brent's method."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from difflib import get_close_matches

import numpy as np
from scipy.optimize import brentq

from ..core.assumptions import Assumptions, Resolved, Row
from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError
from ..core.registry import ALL_SCENARIOS, PARAMETERS, SCENARIOS, Parameter, normalise_scenario
from ..core.rows import _parse_year
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
        x = _short(f, float(x), xtol, doel, p)
    return GoalSeekResult(parameter, scenario, jaar if p.per_jaar else None, float(x),
                          reeks, doeljaar, doel, f(x) + doel)


def _short(f: object, x: float, xtol: float, doel: float, p: Parameter) -> float:
    """The shortest rounding of ``x`` (fewest decimals) within the search
    tolerance ``xtol`` that hits the target as well as ``x`` does (or within
    a millionth of the target), so a written CSV shows 75089.670898, not
    75089.6708975666."""
    tol = max(abs(f(x)), 1e-6 * max(1.0, abs(doel)))  # type: ignore[operator]
    for d in range(16):
        xr = round(x, d)
        if abs(xr - x) <= xtol and p.lo <= xr <= p.hi and abs(f(xr)) <= tol:  # type: ignore[operator]
            return xr
    return x


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
    """The assumptions with the found value written in, every other row (and
    its ``bron``) unchanged.

    The row for the changed scenario (and year) gets the new value and a bron
    naming the goal seek; where only an ``alle`` row held it, a row for the
    scenario is added (it overrides ``alle``). A parameter given without year
    is split into per-year rows only when one year changes.
    """
    res = assumptions.resolve()
    p = PARAMETERS[result.parameter]
    old = res.values[p.key]
    years = [int(y) for y in res.years]
    si = SCENARIOS.index(result.scenario)
    scen = result.scenario if p.per_scenario else ALL_SCENARIOS
    all_rows = list(assumptions.rows)
    own_at = [i for i, r in enumerate(all_rows) if _is(r, p.key)]
    own = [all_rows[i] for i in own_at]
    if p.per_jaar and result.jaar is not None and any(_year(r) is None for r in own):
        own = [replace(r, jaar=y) if _year(r) is None else r
               for r in own for y in (years if _year(r) is None else [None])]
    if not p.per_jaar:
        keys: list[int | None] = [None]
    elif result.jaar is not None:
        keys = [result.jaar]
    else:
        keys = list(years) if any(_year(r) is not None for r in own) else [None]
    for y in keys:
        was = old[si] if not p.per_jaar else old[si, years.index(y) if y is not None else 0]
        bron = (f"doelzoeken: {result.reeks} {result.doeljaar} = {nl_number(result.doel)} "
                f"(was {_show(p, float(was))})")
        hit = [i for i, r in enumerate(own) if _scen(r) == scen and _year(r) == y]
        if hit:
            own[hit[0]] = replace(own[hit[0]], waarde=result.waarde, bron=bron)
            continue
        new = Row(p.key, scen, y, result.waarde, bron=bron)
        after = [i for i, r in enumerate(own) if _year(r) == y]
        own.insert(after[-1] + 1 if after else len(own), new)
    first = own_at[0] if own_at else len(all_rows)
    rest = [r for r in all_rows if not _is(r, p.key)]
    out = assumptions.with_rows(rest[:first] + own + rest[first:])
    if _changed_only(res, out, p, si, result):
        return out
    return _expanded(assumptions, res, p, result)  # safety net: explicit rows per scenario


def _is(r: Row, key: str) -> bool:
    return isinstance(r.parameter, str) and r.parameter.strip().lower() == key


def _year(r: Row) -> int | None:
    return _parse_year(r.jaar)[0]


def _scen(r: Row) -> str:
    return normalise_scenario(r.scenario) or str(r.scenario)


def _changed_only(res: Resolved, out: Assumptions, p: Parameter, si: int,
                  result: GoalSeekResult) -> bool:
    """Whether ``out`` differs from ``res`` in exactly the goal-sought cells."""
    problems, new = out.check()
    if new is None or list(new.years) != list(res.years):
        return False
    want = res.values[p.key].copy()
    rows = slice(si, si + 1) if p.per_scenario else slice(None)
    if p.per_jaar:
        cols = slice(None) if result.jaar is None else list(res.years).index(result.jaar)
        want[rows, cols] = result.waarde
    else:
        want[rows] = result.waarde
    return all(np.array_equal(new.values[k], want if k == p.key else v)
               for k, v in res.values.items())


def _expanded(assumptions: Assumptions, res: Resolved, p: Parameter,
              result: GoalSeekResult) -> Assumptions:
    """Explicit per-scenario (and per-year) rows for the parameter; each keeps
    the bron of the row it came from."""
    own = [r for r in assumptions.rows if _is(r, p.key)]

    def bron(s: str, y: int | None) -> str | None:
        for sc in (s, ALL_SCENARIOS):
            for yy in (y, None):
                for r in own:
                    if _scen(r) == sc and _year(r) == yy:
                        return r.bron
        return None

    rows = [r for r in assumptions.rows if not _is(r, p.key)]
    arr = res.values[p.key]
    new_bron = f"doelzoeken: {result.reeks} {result.doeljaar} = {nl_number(result.doel)}"
    for i, s in enumerate(SCENARIOS):
        if p.per_jaar:
            for j, y in enumerate(res.years):
                hit = s == result.scenario and (result.jaar is None or result.jaar == y)
                rows.append(Row(p.key, s, int(y), result.waarde if hit else float(arr[i, j]),
                                bron=new_bron if hit else bron(s, int(y))))
        else:
            hit = s == result.scenario
            rows.append(Row(p.key, s, None, result.waarde if hit else float(arr[i]),
                            bron=new_bron if hit else bron(s, None)))
    return assumptions.with_rows(rows)
