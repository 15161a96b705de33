"""Policy variants: named lists of changes to a round's assumptions
(MODEL.md, "Variants"), their validation and their application.

A variants table has the columns of :data:`VARIANT_COLUMNS`, one change per
row. A change names a parameter, a scenario (``min``, ``medio``, ``max`` or
``alle``), a year, a range of years ``2026-2028`` (inclusive) or nothing (every
year; always nothing for a parameter that is not per year), an operation
(``=`` sets, ``*`` multiplies, ``+`` adds; on the sheet the words ``zet``,
``maal``, ``plus``) and a value. An operation works on the value that holds
there after the ordinary lookup, i.e. on the resolved arrays, and the rows of
one variant apply in their order. Every problem is collected (Dutch message,
CSV row or sheet!cell, rule); a variant with an error is never run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from difflib import get_close_matches
from pathlib import Path

import numpy as np
import pandas as pd

from .numbers import THOUSANDS_LIKE, nl_value, thousands_advice
from .problems import MppError, Problem, Regel, ValidationError
from .registry import ALL_SCENARIOS, ENGINE_KEYS, PARAMETERS, SCENARIOS, normalise_scenario
from .rows import MAX_ABS_VALUE, Resolved, _dutch_csv_value, _parse_number, _parse_year

#: The columns of a variants table (CSV and the Varianten sheet), in order.
VARIANT_COLUMNS: tuple[str, ...] = (
    "variant", "parameter", "scenario", "jaar", "bewerking", "waarde", "toelichting")
#: Accepted spellings of the three operations -> the operation.
OPERATIONS: dict[str, str] = {
    "=": "=", "zet": "=",
    "*": "*", "maal": "*", "x": "*", "×": "*",
    "+": "+", "plus": "+",
}
#: The operations offered on the sheet: words, because Excel reads a typed
#: "=" or "+" as the start of a formula.
SHEET_OPERATIONS: tuple[str, ...] = ("zet", "maal", "plus")
#: The name of the round itself (no variant may take it).
BASE_NAME = "basis"
#: Units whose values are counts: "30.000" there is a thousands figure.
_COUNT_UNITS = frozenset({"aantal", "per jaar", "per halfjaar"})
_RANGE = re.compile(r"\s*(\d{4})(?:\.0)?\s*[-–—]\s*(\d{4})(?:\.0)?\s*")


@dataclass(frozen=True)
class VariantRow:
    """One row of a variants table as given (not yet checked); ``blad``/``cel``
    locate it (sheet and cell, or the CSV file and ``regel N``)."""

    variant: object
    parameter: object
    scenario: object
    jaar: object
    bewerking: object
    waarde: object
    toelichting: object = None
    blad: str | None = None
    cel: str | None = None
    #: The cell of each column (``VARIANT_COLUMNS`` order) on a sheet, so a
    #: problem names the cell it is about; None for a CSV (``cel`` = ``regel N``).
    cellen: tuple[str, ...] | None = None

    def cell_of(self, column: str) -> str | None:
        """The cell of ``column`` (sheet) or the row (``regel N``)."""
        if self.cellen is not None:
            return self.cellen[VARIANT_COLUMNS.index(column)]
        return self.cel


@dataclass(frozen=True)
class Change:
    """One checked change: ``scenarios`` are indices into SCENARIOS; ``years``
    the years it touches (None: every year, or a single-valued parameter)."""

    parameter: str
    scenarios: tuple[int, ...]
    years: tuple[int, ...] | None
    bewerking: str
    waarde: float
    toelichting: str = ""
    blad: str | None = None
    cel: str | None = None


@dataclass(frozen=True)
class Variant:
    """A named list of changes, applied in order."""

    naam: str
    changes: tuple[Change, ...]

    @property
    def toelichting(self) -> str:
        """The explanations of its rows, joined (empty ones left out)."""
        return "; ".join(dict.fromkeys(c.toelichting for c in self.changes if c.toelichting))


# ---------------------------------------------------------------------------
# reading
def variant_rows_from_frame(df: pd.DataFrame, blad: str | None = None,
                            first_line: int = 2) -> list[VariantRow]:
    """Rows from a table with the columns of :data:`VARIANT_COLUMNS`
    (``toelichting`` optional); ``cel`` is ``regel N`` counted from
    ``first_line`` unless the frame has a ``cel`` column."""
    cols = [str(c).strip().lower() for c in df.columns]
    df = df.set_axis(cols, axis=1)
    missing = [c for c in VARIANT_COLUMNS if c != "toelichting" and c not in cols]
    if missing:
        raise MppError("De tabel met varianten mist de kolom(men) " + ", ".join(missing)
                       + "; verwacht: " + ",".join(VARIANT_COLUMNS) + ".")
    rows = []
    for i, rec in enumerate(df.to_dict("records")):
        rows.append(VariantRow(
            variant=rec["variant"], parameter=rec["parameter"], scenario=rec["scenario"],
            jaar=rec["jaar"], bewerking=rec["bewerking"], waarde=rec["waarde"],
            toelichting=rec.get("toelichting"),
            blad=rec.get("blad", blad), cel=rec.get("cel", f"regel {i + first_line}")))
    return rows


def read_variants_csv(path: str | Path) -> list[VariantRow]:
    """The rows of a variants CSV (',' between fields, '.' as decimal point;
    a ';' file from Dutch Excel is read with the decimal comma, as the
    assumptions CSV). Untrusted input: every value stays text until checked."""
    path = Path(path)
    if not path.is_file():
        raise MppError(f"Bestand met varianten niet gevonden: {path}")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         sep=sep)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise MppError(f"{path.name}: geen leesbaar CSV-bestand met varianten "
                       f"({str(e).strip() or 'leeg'}); verwacht de kolommen "
                       + ",".join(VARIANT_COLUMNS) + ".") from e
    if sep == ";" and "waarde" in [str(c).strip().lower() for c in df.columns]:
        col = next(c for c in df.columns if str(c).strip().lower() == "waarde")
        df[col] = df[col].map(_dutch_csv_value)
    return variant_rows_from_frame(df, blad=path.name)


# ---------------------------------------------------------------------------
# checking
def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def parse_years(v: object) -> tuple[tuple[int, int] | None, bool]:
    """(first, last) of a year cell, ``None`` when empty, and whether it was
    readable: ``2026`` -> (2026, 2026); ``2026-2028`` -> (2026, 2028)."""
    if isinstance(v, str):
        m = _RANGE.fullmatch(v)
        if m:
            return (int(m.group(1)), int(m.group(2))), True
    y, ok = _parse_year(v)
    if not ok:
        return None, False
    return (None if y is None else (y, y)), True


def _problem(r: VariantRow, regel: Regel, column: str, melding: str,
             **kw: object) -> Problem:
    return Problem(niveau=regel.niveau, regel=regel, melding=melding, blad=r.blad,
                   cel=r.cell_of(column), **kw)  # type: ignore[arg-type]


def _check_row(r: VariantRow, years: Sequence[int]) -> tuple[Change | None, list[Problem]]:
    """One row on its own: its change, or the problems (all of them)."""
    problems: list[Problem] = []
    naam = _text(r.variant)
    if not naam or naam.lower() == BASE_NAME:
        problems.append(_problem(r, Regel.VARIANT_NAAM, "variant", (
            "De variantrij heeft geen naam; vul de kolom variant in." if not naam else
            f"'{naam}' is de naam van de ronde zelf; geef de variant een andere naam.")))
    key = _text(r.parameter).lower()
    p = PARAMETERS.get(key)
    if p is None:
        near = get_close_matches(key, ENGINE_KEYS, n=1, cutoff=0.75)
        problems.append(_problem(r, Regel.ONBEKENDE_PARAMETER, "parameter",
                                 f"Onbekende parameter '{_text(r.parameter)}'."
                                 + (f" Bedoelt u '{near[0]}'?" if near else ""),
                                 parameter=key or None))
    elif key not in ENGINE_KEYS:
        problems.append(_problem(r, Regel.VARIANT_PARAMETER, "parameter",
                                 f"{p.label} ({key}) is een instelling van {p.sheet}, geen "
                                 "rekenparameter van de keten; een variant kan hem niet "
                                 "wijzigen.", parameter=key))
        p = None
    scen = normalise_scenario(r.scenario)
    if scen is None:
        problems.append(_problem(r, Regel.ONBEKEND_SCENARIO, "scenario",
                                 f"Onbekend scenario '{_text(r.scenario)}'; kies min, medio, "
                                 "max of alle.", parameter=key or None))
    span, ok = parse_years(r.jaar)
    if not ok:
        problems.append(_problem(r, Regel.ONGELDIG_JAAR, "jaar",
                                 f"Ongeldig jaar '{_text(r.jaar)}'; schrijf een jaar (2026), "
                                 "een reeks jaren (2026-2028) of laat het leeg (alle jaren).",
                                 parameter=key or None))
    elif span is not None:
        if span[0] > span[1]:
            problems.append(_problem(r, Regel.ONGELDIG_JAAR, "jaar",
                                     f"De jaren {span[0]}-{span[1]} lopen achteruit; schrijf "
                                     f"{span[1]}-{span[0]}.", parameter=key or None))
        elif p is not None and not p.per_jaar:
            problems.append(_problem(r, Regel.JAAR_BIJ_ENKELE_WAARDE, "jaar",
                                     f"{p.label} ({key}) heeft één waarde, zonder jaar; laat "
                                     "het jaar leeg.", parameter=key, jaar=span[0]))
        elif not (years[0] <= span[0] and span[1] <= years[-1]):
            shown = f"{span[0]}" if span[0] == span[1] else f"{span[0]}-{span[1]}"
            problems.append(_problem(r, Regel.JAAR_BUITEN_HORIZON, "jaar",
                                     f"Jaar {shown} ligt (deels) buiten de horizon "
                                     f"{years[0]}–{years[-1]}.", parameter=key or None,
                                     jaar=span[0]))
    op = OPERATIONS.get(_text(r.bewerking).lower())
    if op is None:
        problems.append(_problem(r, Regel.ONBEKENDE_BEWERKING, "bewerking",
                                 f"Onbekende bewerking '{_text(r.bewerking)}'; kies = (zet), "
                                 "* (maal) of + (plus).", parameter=key or None))
    raw = r.waarde
    if (isinstance(raw, str) and THOUSANDS_LIKE.fullmatch(raw.strip()) and op in ("=", "+")
            and p is not None and p.unit in _COUNT_UNITS):
        problems.append(_problem(r, Regel.DUIZENDTAL_PUNT, "waarde",
                                 f"{p.label} ({key}): waarde '{raw.strip()}' heeft een "
                                 f"duizendtallen-punt; {thousands_advice(raw.strip())}.",
                                 parameter=key))
        value = None
    else:
        value = _parse_number(raw)
        if value is None:
            problems.append(_problem(r, Regel.GEEN_GETAL, "waarde",
                                     f"De waarde '{_text(raw)}' is geen getal.",
                                     parameter=key or None))
        elif abs(value) > MAX_ABS_VALUE:
            problems.append(_problem(r, Regel.TE_GROOT, "waarde",
                                     f"De waarde {value:.6g} is te groot om mee te rekenen.",
                                     parameter=key or None))
    if problems or p is None or scen is None or op is None or value is None:
        return None, problems
    scen_idx = tuple(range(len(SCENARIOS))) if scen == ALL_SCENARIOS else (
        SCENARIOS.index(scen),)
    yrs = None if span is None else tuple(range(span[0], span[1] + 1))
    return Change(key, scen_idx, yrs, op, float(value), _text(r.toelichting), r.blad,
                  r.cell_of("waarde")), problems


def apply_change(values: dict[str, np.ndarray], change: Change, startjaar: int) -> np.ndarray:
    """Apply one change to ``values`` (resolved arrays with the scenarios on
    axis 0) in place; returns the boolean mask of the cells it touched."""
    arr = values[change.parameter]
    mask = np.zeros(arr.shape, dtype=bool)
    rows = np.asarray(change.scenarios)
    if arr.ndim == 1:
        mask[rows] = True
    elif change.years is None:
        mask[rows, :] = True
    else:
        cols = np.asarray(change.years) - startjaar
        mask[np.ix_(rows, cols)] = True
    if change.bewerking == "=":
        arr[mask] = change.waarde
    elif change.bewerking == "*":
        arr[mask] = arr[mask] * change.waarde
    else:
        arr[mask] = arr[mask] + change.waarde
    return mask


def check_variants(rows: Iterable[VariantRow], resolved: Resolved,
                   ) -> tuple[list[Problem], list[Variant]]:
    """Every problem of the rows (each row on its own, then each variant's
    results against the registry bounds, row by row in order) and, where a
    variant has none, the variant. Variants keep the order of their first row."""
    years = [int(y) for y in resolved.years]
    problems: list[Problem] = []
    grouped: dict[str, list[Change]] = {}
    bad: set[str] = set()
    for r in rows:
        if all(_text(getattr(r, c)) == "" for c in VARIANT_COLUMNS):
            continue  # an empty row of the sheet
        change, ps = _check_row(r, years)
        naam = _text(r.variant)
        problems.extend(ps)
        grouped.setdefault(naam, [])
        if change is None:
            bad.add(naam)
        else:
            grouped[naam].append(change)
    variants: list[Variant] = []
    for naam, changes in grouped.items():
        ok = naam not in bad
        values = {k: resolved.values[k].copy() for k in {c.parameter for c in changes}}
        for c in changes:
            mask = apply_change(values, c, resolved.startjaar)
            p = PARAMETERS[c.parameter]
            got = values[c.parameter][mask]
            outside = (got < p.lo) | (got > p.hi) | ~np.isfinite(got)
            if p.integer:
                outside |= got != np.round(got)
            if outside.any():
                ok = False
                worst = float(got[outside][0])
                what = (f"moet {p.bounds_text()} zijn" + (" en een geheel getal" if p.integer
                                                          else ""))
                problems.append(Problem(
                    niveau=Regel.VARIANT_BUITEN_GRENZEN.niveau,
                    regel=Regel.VARIANT_BUITEN_GRENZEN,
                    melding=(f"Variant '{naam}': na {c.bewerking} {nl_value(c.waarde)} wordt "
                             f"{p.label} ({p.key}) {nl_value(worst)}; de waarde "
                             f"{what}."),
                    parameter=p.key, blad=c.blad, cel=c.cel))
        if ok:
            variants.append(Variant(naam, tuple(changes)))
    return problems, variants


class VariantError(ValidationError):
    """The variants table has errors; carries every problem (the CLI lists
    them and exits with code 2)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems)
        n = sum(p.is_error for p in self.problems)
        self.args = (f"De varianten bevatten {n} fout(en); er is niets berekend.",)

    def __str__(self) -> str:
        return str(self.args[0])


def resolve_variants(rows: Iterable[VariantRow], resolved: Resolved) -> list[Variant]:
    """The checked variants; raises :class:`VariantError` with every problem
    when any row has an error."""
    problems, variants = check_variants(rows, resolved)
    if any(p.is_error for p in problems):
        raise VariantError(problems)
    return variants


def apply_variant(resolved: Resolved, variant: Variant) -> Resolved:
    """The round's resolved assumptions with the variant's changes applied
    (a copy; the base is left as it is)."""
    values = {k: v.copy() for k, v in resolved.values.items()}
    for c in variant.changes:
        apply_change(values, c, resolved.startjaar)
    return replace(resolved, values=values)
