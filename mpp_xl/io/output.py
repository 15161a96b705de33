"""Writing files safely, and numbers the Dutch way (shown and read)."""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.problems import MppError
from ..core.series import SERIES

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def nl_number(x: float, decimals: int = 0) -> str:
    """12345.6 -> '12.346' (decimals=0) or '12.345,6'."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


#: Dutch thousands notation: 40.000, 1.234.567, 40.000,5 (first group without a leading 0).
_NL_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d+)")
_DECIMAL_POINT = re.compile(r"\d*\.\d+")
_SCIENTIFIC = re.compile(r"(?:\d+(?:[.,]\d+)?)[eE][+-]?\d+")


def parse_nl_number(text: str) -> float:
    """A number typed by a user (command line), read the Dutch way.

    ``40000``, ``40.000`` (thousands dots) -> 40000; ``40.000,5`` and
    ``2026,5`` (decimal comma) -> 40000.5 and 2026.5; a point that cannot be
    a thousands separator is a decimal point (``0.15``, ``1.5``); ``1e7``
    works. Ambiguous input is refused, never guessed: ``40,000`` (English
    thousands comma or decimal comma with three decimals?), ``1,234.5``,
    ``1.234.5``. Raises ValueError with a Dutch message saying what to write.
    """
    raw = text
    t = text.strip().replace("\u2212", "-").replace("_", "")
    sign = -1.0 if t.startswith("-") else 1.0
    if t[:1] in ("+", "-"):
        t = t[1:]
    value: float | None = None
    if t.isdigit() and t.isascii():
        value = float(t)
    elif _NL_THOUSANDS.fullmatch(t):
        value = float(t.replace(".", "").replace(",", "."))
    elif m := _DECIMAL_COMMA.fullmatch(t):
        whole, frac = m.groups()
        if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
            short = frac.rstrip("0") or "0"
            decimal = f"{whole},{short if len(short) < 3 else short + '0'}"
            raise ValueError(
                f"'{raw}' is dubbelzinnig: {whole}{frac} (komma als duizendtallen-teken) of "
                f"{whole},{frac} (decimaalkomma)? Schrijf {whole}{frac} of {whole}.{frac} "
                f"voor het duizendtal, of {decimal} voor het decimale getal.")
        value = float(f"{whole}.{frac}")
    elif _DECIMAL_POINT.fullmatch(t) or _SCIENTIFIC.fullmatch(t):
        value = float(t.replace(",", "."))
    if value is None or not math.isfinite(value):
        raise ValueError(
            f"'{raw}' is geen getal dat eenduidig te lezen is. Schrijf bijvoorbeeld 40000 of "
            "40.000 (punt alleen voor duizendtallen) en 2,5 (komma als decimaalteken).")
    return sign * value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then replace: the target
    is either the old or the complete new file, never half-written."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise MppError(f"De map {parent} bestaat niet; maak hem eerst aan of kies een andere "
                       f"plek voor {path.name}.")
    if path.is_dir():
        raise MppError(f"{path} is een map; geef een bestandsnaam op.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.close(fd)
    # mkstemp makes 0600 files: keep the mode of the file we replace, else the umask default
    os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
    try:
        write(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def neutralise(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def nl_bool(value: object) -> object:
    """True/False -> 'ja'/'nee' (CSV values are Dutch); anything else unchanged."""
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nee"
    return value


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Atomic CSV export: formula-like text neutralised, True/False as ja/nee."""
    safe = df.copy()
    for c in safe.columns:
        if pd.api.types.is_bool_dtype(safe[c].dtype):
            safe[c] = safe[c].map(nl_bool).astype(object)
        elif safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c].dtype):
            safe[c] = safe[c].map(lambda v: neutralise(nl_bool(v))).astype(object)
    # 12 significant digits: no float noise such as 21999.999999999996 in exports
    atomic_write(path, lambda p: safe.to_csv(p, index=False, lineterminator="\n",
                                             float_format="%.12g"))


def summary_table(
    data: dict[str, np.ndarray],
    row_labels: list[str],
    years_of: Callable[[str], list[int]],
    keys: Sequence[str],
    row_header: str = "scen.",
) -> str:
    """A fixed-width table of series × rows (scenarios or percentiles) × years:
    each series by its Dutch label (series registry), numbers the Dutch way,
    shares as percentages; years a series lacks stay blank."""
    years = sorted({y for k in keys for y in years_of(k)})
    width = max([len("reeks"), *(len(SERIES[k].label) for k in keys)]) + 2
    head = f"{'reeks':<{width}}{row_header:<7}" + "".join(f"{y:>10}" for y in years)
    lines = [head, "-" * len(head)]
    for key in keys:
        ys = years_of(key)
        share = SERIES[key].unit == "fractie"
        for i, label in enumerate(row_labels):
            cells = []
            for y in years:
                if y not in ys:
                    cells.append(f"{'':>10}")
                    continue
                v = float(data[key][i, ys.index(y)])
                text = f"{nl_number(100 * v, 1)}%" if share else nl_number(v)
                cells.append(f"{text:>10}")
            name = SERIES[key].label if i == 0 else ""
            lines.append(f"{name:<{width}}{label:<7}" + "".join(cells))
    return "\n".join(lines)
