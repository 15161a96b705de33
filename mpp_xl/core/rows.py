"""The rows of an assumptions table and their resolved arrays (:class:`Row`,
:class:`Resolved`), with the parsing of numbers and years shared by the table
(:mod:`mpp_xl.core.assumptions`) and its checks (:mod:`mpp_xl.core.validation`)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

COLUMNS = ("parameter", "scenario", "jaar", "waarde")
MAX_HORIZON_YEARS = 15
MAX_ABS_VALUE = 1e12  # larger numbers are typing errors (and overflow the engine)
JUMP_WARNING = 0.5


@dataclass(frozen=True)
class Row:
    """One input row as given (values not yet checked).

    ``blad``/``cel`` say where it came from (workbook sheet and cell, or
    ``regel N`` of a CSV file).
    """

    parameter: str
    scenario: object
    jaar: object
    waarde: object
    blad: str | None = None
    cel: str | None = None
    #: Source of the value (optional column ``bron``; the workbook's Bron column).
    bron: str | None = None


@dataclass
class Resolved:
    """Validated assumptions as arrays, ready for the engine.

    ``values[key]`` has shape (S, n_years) for per-year parameters and (S,)
    for single ones, with S = len(scenarios) (the batch axis).
    """

    startjaar: int
    eindjaar: int
    scenarios: tuple[str, ...]
    values: dict[str, np.ndarray]
    text: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> np.ndarray:
        return np.arange(self.startjaar, self.eindjaar + 1)

    @property
    def n_years(self) -> int:
        return self.eindjaar - self.startjaar + 1

    def select(self, idx: Sequence[int] | np.ndarray, names: Sequence[str]) -> Resolved:
        """A batch made of the rows ``idx`` of this one (e.g. one scenario many times)."""
        idx = np.asarray(idx)
        return replace(
            self,
            scenarios=tuple(names),
            values={k: v[idx].copy() for k, v in self.values.items()},
        )


class CellText(str):
    """Text typed into a workbook cell. Unlike CSV text it is never read as a
    number: "42.000" in a Dutch workbook is ambiguous (see layout.cell_value)."""


def _fmt_num(x: float) -> str:
    return repr(float(x))


def _parse_number(v: object) -> float | None:
    """A finite float from a cell or CSV value, or None."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
    elif isinstance(v, str) and not isinstance(v, CellText):
        s = v.strip()
        if not s:
            return None
        try:
            f = float(s)
        except ValueError:
            return None
    else:
        return None
    return f if math.isfinite(f) else None


_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")


_DECIMAL_COMMA = re.compile(r"[+-]?\d+(,\d+)?")


def _dutch_csv_value(v: str) -> object:
    """A value from a ';'-separated (Dutch Excel) CSV: decimal comma."""
    t = v.strip()
    if _DECIMAL_COMMA.fullmatch(t):
        return t.replace(",", ".")
    return CellText(v) if "." in t else v



def _parse_year(v: object) -> tuple[int | None, bool]:
    """(year, ok). Empty -> (None, True)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None, True
    if isinstance(v, str) and not v.strip():
        return None, True
    f = _parse_number(v)
    if f is None or not f.is_integer():
        return None, False
    return int(f), True
