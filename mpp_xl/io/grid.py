"""Cell values as Excel hands them over, in every runtime (classic xlwings
over COM, xlwings Server / Office.js, the headless ``formulas`` evaluation):
error values, blanks and ranges made plain Python (the grid reading shared by
the UDF arguments, the model cache and the refresh button).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

#: Excel's error values (as text, the way xlwings' ``err_to_str`` delivers them).
EXCEL_ERRORS: frozenset[str] = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#BUSY!", "#FIELD!", "#CONNECT!",
    "#BLOCKED!", "#UNKNOWN!", "#PYTHON!",
})

#: Excel's error numbers (``CVErr``). Over COM an error cell arrives as the
#: integer -2146826288 + (number - 2000). Classic xlwings (``err_to_str``)
#: translates only the seven classic errors; the newer ones (#SPILL!, #CALC!,
#: #GETTING_DATA, ...) would arrive as a bare int, which :data:`COM_ERRORS`
#: turns into their text.
XL_ERROR_NUMBERS: dict[int, str] = {
    2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?",
    2036: "#NUM!", 2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!",
    2046: "#CONNECT!", 2047: "#BLOCKED!", 2048: "#UNKNOWN!", 2049: "#FIELD!",
    2050: "#CALC!",
}
#: The COM integer of an error cell -> its text.
COM_ERRORS: dict[int, str] = {-2146826288 + (n - 2000): t for n, t in XL_ERROR_NUMBERS.items()}


class ArgError(ValueError):
    """A bad argument; ``str(e)`` is the Dutch message shown in the cell."""


def excel_error(v: object) -> str | None:
    """The Excel error code (``"#N/A"``) if ``v`` is an error value, else None."""
    if isinstance(v, str):
        if v[:1] == "#":
            s = str.upper(str(v)).strip()
            if s in EXCEL_ERRORS:
                return s
        return None
    if type(v) is int:  # classic xlwings: an error it does not translate (COM int)
        return COM_ERRORS.get(v)
    if isinstance(v, dict) and v.get("type") == "Error":  # raw Office.js error
        code = v.get("basicValue")
        return str(code) if code else "#VALUE!"
    return None


def is_blank(v: object) -> bool:
    """True for an empty cell or an omitted argument in any runtime."""
    if v is None:
        return True
    if isinstance(v, str):
        # The `formulas` package marks empty cells with a str token "empty".
        return not v.strip() or (type(v) is not str and str.__str__(v) == "empty")
    return isinstance(v, float) and math.isnan(v)


def as_block(v: object) -> list[list[Any]]:
    """A range argument as a 2-D list of rows (scalars and 1-D lists are wrapped)."""
    if is_ndarray(v):
        v = v.tolist()  # type: ignore[union-attr]
        if not isinstance(v, list):
            return [[v]]
    if isinstance(v, (list, tuple)):
        if not v:
            return []
        if all(isinstance(r, (list, tuple)) for r in v):
            return [list(r) for r in v]
        return [list(v)]
    return [[v]]


def clean_cell(v: object) -> object:
    """Normalise one parameter-sheet cell: blanks -> None, error values -> their
    code text (validation then reports them as "geen getal" with the cell),
    numpy scalars -> Python, raw Office.js dict values -> their basic value."""
    if type(v) is int and v in COM_ERRORS:
        return COM_ERRORS[v]
    if v is None or type(v) in (float, int, bool):
        return v
    if isinstance(v, str):
        if type(v) is not str:  # formulas' tokens (empty, XlError)
            return None if is_blank(v) else str.__str__(v)
        return v
    if isinstance(v, dict):
        code = excel_error(v)
        return code if code is not None else v.get("basicValue")
    if hasattr(v, "item"):
        try:
            return v.item()  # type: ignore[union-attr]
        except (TypeError, ValueError):
            return v
    return v


def is_ndarray(v: object) -> bool:
    return type(v).__name__ == "ndarray" and hasattr(v, "tolist")


def flatten(v: object) -> Iterable[object]:
    if is_ndarray(v):
        v = v.tolist()  # type: ignore[union-attr]
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from flatten(x)
    else:
        yield v
