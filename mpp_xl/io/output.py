"""Writing files safely, and numbers the Dutch way (shown and read)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.numbers import nl_number
from ..core.problems import MppError
from ..core.series import SERIES

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
                text = (f"{nl_number(100 * v, 1)}%" if share
                        else nl_number(v, 1) if SERIES[key].is_cost else nl_number(v))
                cells.append(f"{text:>10}")
            name = SERIES[key].label if i == 0 else ""
            lines.append(f"{name:<{width}}{label:<7}" + "".join(cells))
    return "\n".join(lines)
