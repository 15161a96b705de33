"""Parse and cast the arguments of the ``MPP_*`` Excel functions.

Excel hands arguments over in different shapes depending on the runtime:

- classic xlwings (Windows, COM): numbers as floats (``2026.0``), empty cells
  and omitted optional arguments as ``None``, error cells as the text
  ``"#N/A"`` because every argument is declared with ``err_to_str=True``
  (without it xlwings turns error cells into ``None``, which would silently
  look like "not given");
- xlwings Server (Office.js): numbers as JSON numbers (``2026``), empty as
  ``None``, errors as ``{"type": "Error", "basicValue": "#N/A", ...}``, which
  xlwings turns into ``"#N/A"`` with ``err_to_str=True``; single cells may
  still arrive as ``[[value]]``;
- the headless refresh (the ``formulas`` package): numbers as int/float,
  ranges as numpy object arrays, errors as ``XlError`` (a ``str`` subclass
  such as ``"#N/A"``) and empty cells as a ``str`` token ``"empty"``.

Every parser returns a clean Python value or raises :class:`ArgError` (a
short Dutch message for the cell) or :class:`ExcelErrorArg` (an Excel error
value in an argument, which the function returns unchanged so that it
propagates like in native Excel functions).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence

from mpp_xl.core.numbers import nl_decimal
from mpp_xl.core.registry import SCENARIOS, SHEETS, normalise_scenario
from mpp_xl.core.series import SERIES
from mpp_xl.io.grid import (
    ArgError,
    excel_error,
    flatten,
    is_blank,
    is_ndarray,
)

_TRUE = frozenset({"1", "ja", "j", "waar", "true", "yes", "y", "lijst"})
_FALSE = frozenset({"0", "nee", "n", "onwaar", "false", "no", ""})


class ExcelErrorArg(Exception):
    """An argument is an Excel error value; the function returns ``code``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code



def shown(v: object) -> str:
    """A cell value as Dutch Excel shows it: 2026,5 and 150 (not 2026.5, 150.0)."""
    if isinstance(v, float) and not isinstance(v, bool):
        return str(int(v)) if v.is_integer() else nl_decimal(v)
    return str(v)

def single_error(v: object) -> str | None:
    """The error code when ``v`` is one cell (scalar, ``[x]`` or ``[[x]]``) holding
    an Excel error value, else None (a real range is never "an error")."""
    if is_ndarray(v):
        if v.size != 1:  # type: ignore[attr-defined]
            return None
        v = v.reshape(-1)[0]  # type: ignore[attr-defined]
    for _ in range(2):  # [[x]] -> [x] -> x, without copying a large range
        if isinstance(v, (list, tuple)):
            if len(v) != 1:
                return None
            v = v[0]
    if isinstance(v, (list, tuple)):
        return None
    return excel_error(v)


def scalar(v: object, what: str) -> object:
    """Unwrap ``[[x]]``, ``[x]`` and 1-element numpy arrays; refuse real ranges.

    Raises :class:`ExcelErrorArg` for an error value and :class:`ArgError`
    for a range of more than one cell.
    """
    if isinstance(v, (list, tuple)) or is_ndarray(v):
        flat = list(flatten(v))
        if len(flat) != 1:
            raise ArgError(f"Geef bij {what} één waarde op, geen bereik van {len(flat)} cellen.")
        v = flat[0]
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        try:
            v = v.item()  # type: ignore[union-attr]
        except (TypeError, ValueError):
            pass
    code = excel_error(v)
    if code is not None:
        raise ExcelErrorArg(code)
    return None if is_blank(v) else v


def parse_year(v: object, years: Sequence[int], reeks: str | None = None) -> int:
    """A year from ``2026.0``, ``2026``, ``"2026"`` or ``" 2026 "``.

    ``years`` are the valid years (ascending); a year outside them gives a
    Dutch message naming the valid range.
    """
    v = scalar(v, "jaar")
    choice = f"kies {years[0]} t/m {years[-1]}" if years else "er zijn geen jaren"
    if v is None:
        raise ArgError(f"Geef een jaar op; {choice}.")
    jaar: int | None = None
    if isinstance(v, bool):
        jaar = None
    elif isinstance(v, int):
        jaar = v
    elif isinstance(v, float):
        jaar = int(v) if v.is_integer() else None
    elif isinstance(v, str):
        s = v.strip()
        if s.isdigit():
            jaar = int(s)
        else:
            try:
                f = float(s.replace(",", "."))
                jaar = int(f) if f.is_integer() else None
            except ValueError:
                jaar = None
    if jaar is None:
        raise ArgError(f"Ongeldig jaar '{shown(v)}'; {choice}.")
    if jaar not in years:
        voor = f" voor {reeks}" if reeks else ""
        raise ArgError(f"Jaar {jaar} bestaat niet{voor}; {choice}.")
    return jaar


def parse_scenario(v: object, scenarios: Sequence[str] = SCENARIOS) -> str:
    """``"Medio"``, ``" MINIMUM "``, ``"hoog"`` -> ``"medio"``, ``"min"``, ``"max"``."""
    v = scalar(v, "scenario")
    choice = "kies " + ", ".join(scenarios[:-1]) + f" of {scenarios[-1]}"
    if v is None:
        raise ArgError(f"Geef een scenario op; {choice}.")
    s = normalise_scenario(v) if isinstance(v, str) else None
    if s is None or s not in scenarios:
        raise ArgError(f"Onbekend scenario '{v}'; {choice}.")
    return s


def _series_key(text: str) -> str:
    s = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return s[4:] if s.startswith("mpp_") else s


def parse_series(v: object) -> str:
    """A series key from ``"coa_bezetting"``, ``"COA_BEZETTING"``,
    ``"MPP_COA_BEZETTING"`` or ``"coa bezetting"``."""
    v = scalar(v, "reeks")
    if v is None:
        raise ArgError("Geef een reeks op, bijvoorbeeld \"coa_bezetting\"; zie =MPP_REEKSEN().")
    key = _series_key(str(v))
    if key in SERIES:
        return key
    close = difflib.get_close_matches(key, list(SERIES), n=3, cutoff=0.6)
    hint = f" Bedoelt u {' of '.join(close)}?" if close else ""
    raise ArgError(f"Onbekende reeks '{v}'.{hint} Zie =MPP_REEKSEN() voor de lijst.")


def parse_percentile(v: object) -> float:
    """A percentile in percent: ``87.5``, ``"P87,5"``, ``"87,5%"``; a number
    below 1 is a fraction (a cell formatted as 87,5% holds 0.875)."""
    v = scalar(v, "percentiel")
    msg = "kies een getal tussen 0 en 100, bijvoorbeeld 12,5, 50, 67 of 87,5"
    if v is None:
        raise ArgError(f"Geef een percentiel op; {msg}.")
    p: float | None = None
    if isinstance(v, bool):
        p = None
    elif isinstance(v, (int, float)):
        p = float(v)
        if 0 < p < 1:
            p *= 100.0
    elif isinstance(v, str):
        s = v.strip().upper().removeprefix("P").replace(",", ".").strip()
        pct = s.endswith("%")
        try:
            p = float(s.rstrip("%").strip())
        except ValueError:
            p = None
        if p is not None and not pct and 0 < p < 1:
            p *= 100.0
    if p is None or not math.isfinite(p) or not 0 <= p <= 100:
        raise ArgError(f"Ongeldig percentiel '{shown(v)}'; {msg}.")
    return round(p, 6)


def parse_partner(v: object) -> str | None:
    """A parameter sheet name (any case) or None for all sheets (empty, "alle")."""
    v = scalar(v, "partner")
    if v is None:
        return None
    s = str(v).strip()
    if s.lower() in ("alle", "totaal", "all", "*"):
        return None
    for sheet in SHEETS:
        if sheet.lower() == s.lower():
            return sheet
    raise ArgError(f"Onbekende partner '{s}'; kies {', '.join(SHEETS)} of alle.")


def parse_flag(v: object, what: str) -> bool:
    """WAAR/ONWAAR, 1/0, "ja"/"nee"; empty -> False."""
    v = scalar(v, what)
    if v is None:
        return False
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return v != 0
    s = str(v).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ArgError(f"Ongeldige waarde '{v}' bij {what}; kies WAAR of ONWAAR.")
