"""Assumptions: the long table ``parameter,scenario,jaar,waarde`` and its
resolution into engine arrays; the checks against the registry are in
:mod:`mpp_xl.core.validation`.

Lookup rules (MODEL.md): a ``[y,s]`` parameter is given per year or without a
year (then it holds for every year), not both; a row for scenario ``alle``
holds for all scenarios unless a named scenario overrides it; duplicates are
errors; a horizon year without a value takes the default or is an error.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import MppError, Problem, ValidationError
from .registry import (
    META_KEYS,
    PARAMETERS,
    QUIET_TEXT_KEYS,
    normalise_scenario,
)
from .rows import (
    COLUMNS,
    JUMP_WARNING,
    MAX_ABS_VALUE,
    MAX_HORIZON_YEARS,
    CellText,
    Resolved,
    Row,
    _dutch_csv_value,
    _fmt_num,
    _parse_number,
    _parse_year,
)
from .validation import check

__all__ = ["COLUMNS", "JUMP_WARNING", "MAX_ABS_VALUE", "MAX_HORIZON_YEARS", "Assumptions",
           "CellText", "Resolved", "Row", "fingerprint"]



class Assumptions:
    """A set of MPP assumptions (the rows of the long format)."""

    def __init__(self, rows: Iterable[Row], source: str | None = None) -> None:
        self.rows: tuple[Row, ...] = tuple(rows)
        self.source = source
        self._checked: tuple[list[Problem], Resolved | None] | None = None

    # -- construction and export ------------------------------------------
    @classmethod
    def from_frame(cls, df: pd.DataFrame, source: str | None = None) -> Assumptions:
        """From a DataFrame with columns parameter, scenario, jaar, waarde
        (optional blad, cel)."""
        missing = [c for c in COLUMNS if c not in df.columns]
        if missing:
            raise MppError(
                "De tabel met aannames mist de kolom(men) "
                + ", ".join(missing)
                + "; verwacht: parameter,scenario,jaar,waarde."
            )
        rows = []
        has_loc = "blad" in df.columns and "cel" in df.columns
        has_bron = "bron" in df.columns
        for rec in df.to_dict("records"):
            jaar = rec["jaar"]
            if jaar is not None and not isinstance(jaar, str) and pd.isna(jaar):
                jaar = None
            rows.append(
                Row(
                    parameter=str(rec["parameter"]).strip(),
                    scenario=rec["scenario"],
                    jaar=jaar,
                    waarde=rec["waarde"],
                    blad=rec.get("blad") if has_loc else None,
                    cel=rec.get("cel") if has_loc else None,
                    bron=_bron(rec.get("bron")) if has_bron else None,
                )
            )
        return cls(rows, source)

    @classmethod
    def from_csv(cls, path: str | Path) -> Assumptions:
        """Read the long CSV format; each row remembers its line number.

        The machine format uses ',' between fields and '.' as decimal point.
        A file saved by Dutch Excel (';' between fields, ',' as decimal
        comma) is read too: there a value like "0,15" is 0.15, and a value
        with a '.' such as "64.200" is reported as ambiguous, never guessed.
        """
        path = Path(path)
        try:
            with open(path, encoding="utf-8-sig") as fh:
                header = fh.readline()
        except UnicodeDecodeError as e:
            raise MppError(f"{path.name}: geen leesbaar CSV-bestand (geen UTF-8-tekst).") from e
        sep = ";" if header.count(";") > header.count(",") else ","
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                             sep=sep)
        except (UnicodeDecodeError, pd.errors.ParserError) as e:
            hint = ""
            if sep == ",":
                hint = (" Staat er een decimaalkomma of een duizendtallen-punt in een waarde? "
                        "Gebruik ',' tussen de velden en '.' als decimaalteken (of sla op als "
                        "CSV met ';' uit Nederlandse Excel).")
            raise MppError(f"{path.name}: geen leesbaar CSV-bestand met aannames "
                           f"({str(e).strip()}).{hint}") from e
        except pd.errors.EmptyDataError as e:
            raise MppError(f"{path.name}: geen leesbaar CSV-bestand met aannames (leeg).") from e
        df.columns = [str(c).strip().lower() for c in df.columns]
        if sep == ";" and "waarde" in df.columns:
            df["waarde"] = df["waarde"].map(_dutch_csv_value)
        df["blad"] = path.name
        df["cel"] = [f"regel {i + 2}" for i in range(len(df))]
        return cls.from_frame(df, source=str(path))

    def to_frame(self) -> pd.DataFrame:
        """The rows as a DataFrame parameter, scenario, jaar (nullable int), waarde."""
        recs = []
        for r in self.rows:
            jaar, _ = _parse_year(r.jaar)
            recs.append(
                {
                    "parameter": r.parameter,
                    "scenario": normalise_scenario(r.scenario) or r.scenario,
                    "jaar": jaar,
                    "waarde": _canonical_value(r),
                }
            )
        df = pd.DataFrame(recs, columns=list(COLUMNS))
        df["jaar"] = df["jaar"].astype("Int64")
        return df

    def to_csv(self, path: str | Path) -> None:
        """Write the long CSV format (``jaar`` empty for single values; whole
        numbers without decimals, others in shortest round-trip form). A
        ``bron`` column follows when any row has a source."""
        df = self.to_frame()
        df["waarde"] = df["waarde"].map(_csv_value)
        if any(r.bron for r in self.rows):
            df["bron"] = [r.bron or "" for r in self.rows]
        df.to_csv(path, index=False, lineterminator="\n")

    # -- validation and resolution ----------------------------------------
    def check(self) -> tuple[list[Problem], Resolved | None]:
        """All problems (errors and warnings) and, without errors, the arrays."""
        if self._checked is None:
            self._checked = check(self.rows)
        return self._checked

    def validate(self) -> list[Problem]:
        """Every problem found (errors and warnings)."""
        return self.check()[0]

    def resolve(self) -> Resolved:
        """The engine arrays; raises :class:`ValidationError` on any error."""
        problems, resolved = self.check()
        if resolved is None:
            raise ValidationError(problems)
        return resolved

    def fingerprint(self, sheet: str | None = None) -> str:
        """SHA-256 of the canonical (resolved) values, of one sheet or all."""
        return fingerprint(self.resolve(), sheet)

    def with_rows(self, rows: Iterable[Row]) -> Assumptions:
        return Assumptions(rows, self.source)

    def __len__(self) -> int:
        return len(self.rows)


def _bron(v: object) -> str | None:
    """The optional source text of a row (None when empty)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    t = str(v).strip()
    return t or None


def _csv_value(v: object) -> object:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(v) if isinstance(v, float) else v


def _canonical_value(r: Row) -> object:
    p = PARAMETERS.get(r.parameter)
    if p is not None and p.kind == "tekst":
        return "" if r.waarde is None else str(r.waarde)
    f = _parse_number(r.waarde)
    return f if f is not None else r.waarde


def fingerprint(resolved: Resolved, sheet: str | None = None) -> str:
    """SHA-256 (hex) of the resolved values of one sheet's parameters, or of all.

    Values, not cell contents: retyping a number as a formula with the same
    result does not change it; any change of a value does.
    """
    data: dict[str, object] = {}
    for key in sorted(PARAMETERS):
        p = PARAMETERS[key]
        if sheet is not None and p.sheet != sheet:
            continue
        if key in META_KEYS or (p.optional and key not in resolved.values):
            continue  # settings; optional parameters left out (no prices: as before)
        if p.kind == "tekst":
            if key in QUIET_TEXT_KEYS and resolved.text.get(key, "") == p.default:
                continue  # at its default: fingerprints stay as before the key existed
            data[key] = resolved.text.get(key, "")
            continue
        data[key] = [_fmt_num(x) for x in np.ravel(resolved.values[key])]
    if sheet is None or sheet == "Kader":
        data["_horizon"] = [resolved.startjaar, resolved.eindjaar]
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()
