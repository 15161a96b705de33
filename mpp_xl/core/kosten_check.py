"""Validation of the cost parameters (docs/model.md, "Kosten"): all or none,
and an emergency price below the regular one is a warning.

Negative prices or capacity are errors through the registry bounds (lo = 0,
rule ``buiten_grenzen``) like any other parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from .numbers import nl_value
from .problems import WAARSCHUWING, Problem, Regel
from .registry import ALL_SCENARIOS, COST_KEYS, FINANCIEN, PARAMETERS, SCENARIOS, Parameter


class _Row(Protocol):
    blad: str | None
    cel: str | None


class _Given(Protocol):
    """A parsed input row (assumptions._Parsed)."""

    row: _Row
    param: Parameter
    scenario: str
    jaar: int | None


def incomplete_prices(by_param: Mapping[str, Sequence[_Given]],
                      invalid_keys: set[str]) -> list[Problem]:
    """Errors for the cost parameters left out while others are given: the
    costs need all of them (or none: then the cost series are absent)."""
    given = [k for k in COST_KEYS if by_param.get(k) or k in invalid_keys]
    if not given:
        return []
    out = []
    for key in COST_KEYS:
        if key in given:
            continue
        p = PARAMETERS[key]
        out.append(Problem(
            niveau=Regel.KOSTEN_ONVOLLEDIG.niveau, regel=Regel.KOSTEN_ONVOLLEDIG,
            melding=(f"{p.label} ({key}) ontbreekt, terwijl er wel prijzen voor de kosten zijn "
                     f"ingevuld. Vul alle prijzen op {FINANCIEN} en de reguliere capaciteit op "
                     "COA in, of laat ze allemaal leeg (dan geen kosten)."),
            parameter=key, blad=p.sheet))
    return out


def _row_for(qs: Sequence[_Given], s: str, y: int) -> _Given | None:
    """The input row that gives the value for scenario ``s`` and year ``y``
    (the lookup order of assumptions._lookup)."""
    for ks, ky in ((s, y), (ALL_SCENARIOS, y), (s, None), (ALL_SCENARIOS, None)):
        for q in qs:
            if q.scenario == ks and q.jaar == ky:
                return q
    return None


def emergency_below_regular(values: Mapping[str, np.ndarray],
                            by_param: Mapping[str, Sequence[_Given]],
                            years: Sequence[int]) -> list[Problem]:
    """Warnings where ``prijs_coa_noodopvang`` < ``prijs_coa_regulier``: one per
    input row of the emergency price, naming its cell and the scenarios and years."""
    reg, nood = values.get("prijs_coa_regulier"), values.get("prijs_coa_noodopvang")
    if reg is None or nood is None or np.isnan(reg).any() or np.isnan(nood).any():
        return []
    qs = by_param.get("prijs_coa_noodopvang", [])
    grouped: dict[int, tuple[_Given | None, list[str]]] = {}
    for i, j in zip(*np.nonzero(nood < reg), strict=True):
        s, y = SCENARIOS[int(i)], years[int(j)]
        q = _row_for(qs, s, y)
        entry = grouped.setdefault(id(q), (q, []))
        entry[1].append(f"{y} ({s}: {nl_value(float(nood[i, j]))} < "
                        f"{nl_value(float(reg[i, j]))})")
    out = []
    p = PARAMETERS["prijs_coa_noodopvang"]
    for q, where in grouped.values():
        out.append(Problem(
            niveau=WAARSCHUWING, regel=Regel.NOODOPVANG_ONDER_REGULIER,
            melding=(f"{p.label} (prijs_coa_noodopvang) ligt onder de prijs van de reguliere "
                     f"opvang in {', '.join(where)}. Noodopvang is duurder (COA 2022: ongeveer "
                     "het dubbele); controleer de prijzen."),
            parameter="prijs_coa_noodopvang",
            blad=q.row.blad if q else p.sheet, cel=q.row.cel if q else None))
    return out
