"""Writing files safely and showing numbers the Dutch way."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .problems import MppError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def nl_number(x: float, decimals: int = 0) -> str:
    """12345.6 -> '12.346' (decimals=0) or '12.345,6'."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


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


def write_csv(df: pd.DataFrame, path: str | Path) -> None:
    """Atomic CSV export with formula-like text neutralised."""
    safe = df.copy()
    for c in safe.columns:
        if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c].dtype):
            safe[c] = safe[c].map(neutralise).astype(object)
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
    """A fixed-width table of series × rows (scenarios or percentiles) × years,
    numbers the Dutch way, shares as percentages; years a series lacks stay blank."""
    from .series import SERIES

    years = sorted({y for k in keys for y in years_of(k)})
    head = f"{'reeks':<34}{row_header:<7}" + "".join(f"{y:>10}" for y in years)
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
            lines.append(f"{key if i == 0 else '':<34}{label:<7}" + "".join(cells))
    return "\n".join(lines)
