"""The checks of an assumptions table against the registry: every problem
(errors and warnings, each naming sheet!cell, parameter and rule) and, without
errors, the resolved engine arrays. :meth:`mpp_xl.core.assumptions.Assumptions.check`
calls :func:`check`.

Lookup rules (MODEL.md): a ``[y,s]`` parameter is given per year or without a
year (then it holds for every year), not both; a row for scenario ``alle``
holds for all scenarios unless a named scenario overrides it; duplicates are
errors; a horizon year without a value takes the default or is an error.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from .kosten_check import emergency_below_regular, incomplete_prices
from .numbers import THOUSANDS_LIKE, nl_value, thousands_advice
from .problems import WAARSCHUWING, Problem, Regel
from .registry import ALL_SCENARIOS, PARAMETERS, SCENARIOS, Parameter, normalise_scenario
from .rows import (
    _DATE_TEXT,
    JUMP_WARNING,
    MAX_ABS_VALUE,
    MAX_HORIZON_YEARS,
    CellText,
    Resolved,
    Row,
    _parse_number,
    _parse_year,
)

#: Looks like Dutch thousands notation: 42.000, 1.234.567 (not 0.150).
#: Units of count parameters (persons, per year, per half year): a value
#: such as "42.000" there is a thousands figure, refused with the fix.
COUNT_UNITS = frozenset({"aantal", "per jaar", "per halfjaar"})


def _why_not_number(v: object) -> str:
    """Dutch explanation of a value that is not a number (for messages)."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return "leeg is geen getal."
    if isinstance(v, bool):
        return f"{'WAAR' if v else 'ONWAAR'} is geen getal."
    if isinstance(v, float | int):
        return f"{v} is geen eindig getal."
    if not isinstance(v, str):
        return f"'{v}' ({type(v).__name__}) is geen getal; typ een getal, geen datum."
    s = v.strip()
    if s.startswith("#"):
        return f"'{s}' is een Excel-foutwaarde; herstel de formule of typ een getal."
    if _DATE_TEXT.fullmatch(s):
        return (f"'{s}' is een datum, geen getal (Excel heeft de invoer als datum "
                "gelezen); typ een getal in een cel met getalnotatie.")
    if s.endswith("%"):
        return (f"'{s}' staat als tekst in de cel; typ het percentage als getal "
                "(bijv. 1,5% als 0,015 of in een cel met procentnotatie).")
    if any(ch.isdigit() for ch in s) and ("." in s or "," in s):
        return (f"'{s}' staat als tekst in de cel en is dubbelzinnig (punt of komma als "
                "scheidingsteken); typ het als getal, zonder duizendtallen-punten.")
    return f"'{s}' is geen getal."


def _thousands_text(r: Row) -> str | None:
    """The value of a CSV row when it looks like Dutch thousands notation
    ("42.000", "1.234.567"), else None. Workbook text (CellText) is reported
    by :func:`_why_not_number` instead."""
    if isinstance(r.waarde, str) and not isinstance(r.waarde, CellText):
        text = r.waarde.strip()
        if THOUSANDS_LIKE.fullmatch(text):
            return text
    return None


def _thousands_refusal(r: Row, p: Parameter) -> str | None:
    """The error for a thousands dot in a count parameter (aantal, per jaar,
    per halfjaar): a count is never 42.0 with three decimals, so "42.000" is
    42000 typed the Dutch way, and reading it as 42 would be silently wrong."""
    text = _thousands_text(r)
    if text is None or not (p.unit in COUNT_UNITS or p.unit.startswith("€")) or p.kind != "getal":
        return None
    return (f"{p.label} ({p.key}) = '{text}' is een aantal met een duizendtallen-punt; "
            f"{thousands_advice(text)}.")


def _thousands_warning(r: Row, p: Parameter, value: float | str) -> str | None:
    """The warning for a value that is read with a decimal point but whose
    thousands reading is just as possible (both within the bounds), e.g.
    "1.200" for a ratio between 0 and 5000. Not for fractions: 0.150 is
    never a thousands figure."""
    text = _thousands_text(r)
    if text is None or p.kind != "getal" or p.unit in ("fractie", "per maand", "jaar"):
        return None
    whole = float(text.replace(".", ""))
    if not (p.lo <= whole <= p.hi):
        return None
    return (f"{p.label} ({p.key}) = '{text}' is gelezen als {nl_value(float(value))}; bedoelt "
            f"u {nl_value(whole)} (met een duizendtallen-punt)? Schrijf getallen zonder "
            f"duizendtallen-punten ({text.replace('.', '')}).")



# ---------------------------------------------------------------------------
def _problem(r: Row | None, regel: Regel, melding: str, niveau: str | None = None,
             **kw: object) -> Problem:
    """A problem of ``regel`` at the row ``r`` (sheet and cell), at the rule's
    level unless ``niveau`` is given."""
    loc = {"blad": r.blad, "cel": r.cel} if r is not None else {}
    loc.update(kw)  # type: ignore[arg-type]
    return Problem(niveau=niveau or regel.niveau, regel=regel, melding=melding,
                   **loc)  # type: ignore[arg-type]


def _year_mix_where(q: _Parsed, with_year: list[_Parsed]) -> str:
    """Where a parameter is given both without a year (``q``) and per year,
    and the fix, in Dutch: names the Alle-jaren cell and the first per-year
    cell(s) of the same scenario (a CSV: the lines)."""
    cel = q.row.cel
    if not cel:
        return "; kies één van beide."
    same = [w for w in with_year if w.scenario == q.scenario and w.row.cel] or \
        [w for w in with_year if w.row.cel]
    shown = ", ".join(f"{_cell(w.row, q.row)} ({w.jaar})" for w in same[:2])
    more = f" en {len(same) - 2} meer" if len(same) > 2 else ""
    if cel.startswith("regel "):
        return (f": {cel} (zonder jaar) en {shown}{more} (per jaar). Verwijder {cel} en "
                "geef elk jaar een eigen regel, of verwijder de regels met een jaar.")
    return (f": {cel} (Alle jaren) en {shown}{more}. Oplossing: maak {cel} leeg en vul elk "
            "jaar, of maak de jaarcellen leeg.")


def _cell(r: Row, ref: Row) -> str:
    """``r``'s cell, with its sheet when that differs from ``ref``'s."""
    return str(r.cel) if r.blad == ref.blad else f"{r.blad}!{r.cel}"


@dataclass
class _Parsed:
    row: Row
    param: Parameter
    scenario: str
    jaar: int | None
    value: float | str


def check(rows: Sequence[Row]) -> tuple[list[Problem], Resolved | None]:
    problems: list[Problem] = []
    parsed: list[_Parsed] = []
    invalid_keys: set[str] = set()  # given, but with a bad row: no 'ontbreekt' on top

    # 1. each row on its own
    for r in rows:
        key = r.parameter.strip().lower() if isinstance(r.parameter, str) else ""
        p = PARAMETERS.get(key)
        if p is None:
            near = get_close_matches(key, PARAMETERS, n=1, cutoff=0.75)
            hint = f" Bedoelt u '{near[0]}'?" if near else ""
            problems.append(_problem(r, Regel.ONBEKENDE_PARAMETER,
                                     f"Onbekende parameter '{r.parameter}'.{hint}",
                                     parameter=str(r.parameter)))
            continue
        scen = normalise_scenario(r.scenario)
        if scen is None:
            problems.append(_problem(
                r, Regel.ONBEKEND_SCENARIO,
                f"Onbekend scenario '{r.scenario}' bij {key}; kies min, medio, max "
                "of alle.", parameter=key))
            continue
        jaar, ok = _parse_year(r.jaar)
        if not ok:
            problems.append(_problem(r, Regel.ONGELDIG_JAAR,
                                     f"Ongeldig jaar '{r.jaar}' bij {key}.",
                                     parameter=key, scenario=scen))
            continue
        if p.kind == "tekst":
            value: float | str = "" if r.waarde is None else str(r.waarde).strip()
            if p.choices and value.lower() not in p.choices:
                problems.append(_problem(
                    r, Regel.ONGELDIGE_KEUZE,
                    f"{p.label} ({key}) = '{value}' is geen geldige keuze; kies "
                    + " of ".join(p.choices) + ".", parameter=key, scenario=scen))
                continue
            value = value.lower() if p.choices else value
        else:
            refusal = _thousands_refusal(r, p)
            if refusal is not None:
                problems.append(_problem(r, Regel.DUIZENDTAL_PUNT, refusal, parameter=key,
                                         scenario=scen, jaar=jaar))
                continue
            f = _parse_number(r.waarde)
            if f is None:
                problems.append(_problem(
                    r, Regel.GEEN_GETAL,
                    f"{p.label} ({key}): waarde {_why_not_number(r.waarde)}",
                    parameter=key, scenario=scen, jaar=jaar))
                continue
            value = f
            if abs(f) > MAX_ABS_VALUE and p.hi > MAX_ABS_VALUE:
                problems.append(_problem(
                    r, Regel.TE_GROOT,
                    f"{p.label} ({key}) = {f:.6g} is te groot om mee te rekenen (meer dan "
                    "1.000.000.000.000); controleer de invoer.",
                    parameter=key, scenario=scen, jaar=jaar))
                continue
            if not (p.lo <= f <= p.hi):
                problems.append(_problem(
                    r, Regel.BUITEN_GRENZEN,
                    f"{p.label} ({key}) = {nl_value(f)} ligt buiten de grenzen: "
                    f"moet {p.bounds_text()} zijn.",
                    parameter=key, scenario=scen, jaar=jaar))
                continue
            if p.integer and not f.is_integer():
                problems.append(_problem(
                    r, Regel.GEEN_GEHEEL_GETAL,
                    f"{p.label} ({key}) = {nl_value(f)} moet een geheel getal zijn.",
                    parameter=key, scenario=scen, jaar=jaar))
                continue
        if jaar is not None and not p.per_jaar:
            problems.append(_problem(
                r, Regel.JAAR_BIJ_ENKELE_WAARDE,
                f"{p.label} ({key}) heeft één waarde, zonder jaar; laat het jaar leeg.",
                parameter=key, scenario=scen, jaar=jaar))
            continue
        if scen != ALL_SCENARIOS and not p.per_scenario:
            problems.append(_problem(
                r, Regel.SCENARIO_NIET_TOEGESTAAN,
                f"{p.label} ({key}) geldt voor alle scenario's; gebruik scenario "
                "'alle'.", parameter=key, scenario=scen))
            continue
        warning = _thousands_warning(r, p, value)
        if warning is not None:
            problems.append(_problem(r, Regel.VERDACHT_DUIZENDTAL, warning, niveau=WAARSCHUWING,
                                     parameter=key, scenario=scen, jaar=jaar))
        parsed.append(_Parsed(r, p, scen, jaar, value))
    parsed_ids = {id(q.row) for q in parsed}
    for r in rows:
        if id(r) not in parsed_ids and isinstance(r.parameter, str):
            invalid_keys.add(r.parameter.strip().lower())

    # 2. duplicates and year/no-year mix
    seen: dict[tuple[str, str, int | None], _Parsed] = {}
    by_param: dict[str, list[_Parsed]] = defaultdict(list)
    for q in parsed:
        k = (q.param.key, q.scenario, q.jaar)
        if k in seen:
            first = seen[k].row
            where = f" (eerder in {first.blad}!{first.cel})" if first.cel else ""
            problems.append(_problem(
                q.row, Regel.DUBBELE_RIJ,
                f"{q.param.label} ({q.param.key}) staat dubbel voor scenario "
                f"{q.scenario}" + (f", jaar {q.jaar}" if q.jaar else "") + where + ".",
                parameter=q.param.key, scenario=q.scenario, jaar=q.jaar))
            continue
        seen[k] = q
        by_param[q.param.key].append(q)
    for key, qs in by_param.items():
        with_year = [q for q in qs if q.jaar is not None]
        if with_year and len(with_year) < len(qs):
            q = next(q for q in qs if q.jaar is None)
            problems.append(_problem(
                q.row, Regel.JAAR_EN_GEEN_JAAR,
                f"{q.param.label} ({key}) is zowel per jaar als zonder jaar gegeven"
                + _year_mix_where(q, with_year), parameter=key))

    # 3. horizon
    def single(key: str) -> float | str:
        qs = by_param.get(key, [])
        return qs[0].value if qs else PARAMETERS[key].default  # type: ignore[return-value]

    start, eind = int(single("startjaar")), int(single("eindjaar"))
    horizon_ok = 0 <= eind - start <= MAX_HORIZON_YEARS
    if not horizon_ok:
        q = (by_param.get("eindjaar") or by_param.get("startjaar") or [None])[0]
        problems.append(_problem(
            q.row if q else None, Regel.HORIZON,
            f"De horizon {start}–{eind} is ongeldig: het eindjaar moet 0 tot "
            f"{MAX_HORIZON_YEARS} jaar na het startjaar liggen.", parameter="eindjaar"))
    years = list(range(start, eind + 1)) if horizon_ok else []
    if horizon_ok:
        for q in parsed:
            if q.jaar is not None and q.param.per_jaar and not start <= q.jaar <= eind:
                problems.append(_problem(
                    q.row, Regel.JAAR_BUITEN_HORIZON,
                    f"{q.param.label} ({q.param.key}): jaar {q.jaar} ligt buiten de "
                    f"horizon {start}–{eind}.",
                    parameter=q.param.key, scenario=q.scenario, jaar=q.jaar))

    # 4. fill every parameter for every scenario (and year)
    values: dict[str, np.ndarray] = {}
    text: dict[str, str] = {}
    for key, p in PARAMETERS.items():
        qs = by_param.get(key, [])
        if p.kind == "tekst":
            text[key] = str(qs[0].value) if qs else str(p.default or "")
            continue
        table = {(q.scenario, q.jaar): float(q.value) for q in qs}  # type: ignore[arg-type]
        if (p.per_jaar and not horizon_ok) or (p.optional and not qs):
            continue  # optional and not given: absent (the cost parameters, all or none)
        cols = years if p.per_jaar else [None]
        arr = np.empty((len(SCENARIOS), len(cols)))
        missing: list[tuple[str, int | None]] = []
        for i, s in enumerate(SCENARIOS):
            for j, y in enumerate(cols):
                v = _lookup(table, s, y)
                if v is None:
                    if p.default is None:
                        missing.append((s, y))
                        v = math.nan
                    else:
                        v = float(p.default)  # type: ignore[arg-type]
                arr[i, j] = v
        if missing and key not in invalid_keys:
            problems.append(_missing_problem(p, qs, missing, years))
        values[key] = arr if p.per_jaar else arr[:, 0]

    problems.extend(incomplete_prices(by_param, invalid_keys))

    # 5. warnings on plausibility (only where values are complete)
    if horizon_ok:
        problems.extend(_warnings(values, by_param, years))
        problems.extend(emergency_below_regular(values, by_param, years))

    if any(p.is_error for p in problems):
        return problems, None
    return problems, Resolved(start, eind, SCENARIOS, values, text)


def _lookup(table: dict[tuple[str, int | None], float], s: str, y: int | None) -> float | None:
    for k in ((s, y), (ALL_SCENARIOS, y), (s, None), (ALL_SCENARIOS, None)):
        if k in table:
            return table[k]
    return None


def _missing_problem(p: Parameter, qs: list[_Parsed], missing: list[tuple[str, int | None]],
                     years: list[int]) -> Problem:
    if not qs:
        return _problem(None, Regel.ONTBREEKT,
                        f"Verplichte parameter {p.label} ({p.key}) ontbreekt.",
                        parameter=p.key, blad=p.sheet)
    scen = sorted({s for s, _ in missing}, key=SCENARIOS.index)
    yrs = sorted({y for _, y in missing if y is not None})
    what = f"scenario {', '.join(scen)}"
    if yrs:
        what += f", jaar {', '.join(map(str, yrs))}"
    return _problem(
        None, Regel.ONTBREEKT,
        f"{p.label} ({p.key}) heeft geen waarde voor {what}.",
        parameter=p.key, scenario=scen[0] if len(scen) == 1 else None,
        jaar=yrs[0] if len(yrs) == 1 else None, blad=p.sheet)


def _warnings(values: dict[str, np.ndarray], by_param: dict[str, list[_Parsed]],
              years: list[int]) -> list[Problem]:
    out: list[Problem] = []
    for key, arr in values.items():
        p = PARAMETERS[key]
        if not p.per_jaar or np.isnan(arr).any():
            continue
        first_row = by_param[key][0].row if by_param.get(key) else None
        blad = first_row.blad if first_row else p.sheet
        if p.scenario_order:
            bad = [y for j, y in enumerate(years)
                   if not arr[0, j] <= arr[1, j] <= arr[2, j]]
            if bad:
                out.append(Problem(
                    WAARSCHUWING, Regel.SCENARIOVOLGORDE,
                    f"{p.label} ({key}): de volgorde min ≤ medio ≤ max klopt niet in "
                    f"{', '.join(map(str, bad))}.", parameter=key, blad=blad))
        if p.unit in ("per jaar", "per halfjaar") and arr.shape[1] > 1:
            prev, nxt = arr[:, :-1], arr[:, 1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                jump = np.abs(nxt - prev) / prev
            flagged = (prev > 0) & (jump > JUMP_WARNING)
            for i, j in zip(*np.nonzero(flagged), strict=True):
                same = flagged[:, j].all() and (arr[:, j:j + 2] == arr[0, j:j + 2]).all()
                if same and i > 0:
                    continue  # one warning for a jump that is the same in every scenario
                out.append(Problem(
                    WAARSCHUWING, Regel.JAARSPRONG,
                    f"{p.label} ({key}), "
                    + ("alle scenario's" if same else f"scenario {SCENARIOS[i]}") + ": van "
                    f"{nl_value(prev[i, j])} in {years[j]} naar {nl_value(nxt[i, j])} in "
                    f"{years[j + 1]} is een sprong van meer dan "
                    f"{JUMP_WARNING:.0%}.".replace("%", " procent"),
                    parameter=key, scenario=ALL_SCENARIOS if same else SCENARIOS[i],
                    jaar=years[j + 1], blad=blad))
    return out

