"""Writing files safely, and numbers the Dutch way (shown and read)."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.numbers import nl_number
from ..core.problems import MppError
from ..core.series import SERIES
from .fs_errors import fs_error_message

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_read_only(path: Path) -> bool:
    """Whether an existing file is marked read-only (no write permission for
    its owner; on Windows: the read-only attribute). Checked on the mode bits,
    so it holds for every user, root included."""
    try:
        return not path.stat().st_mode & stat.S_IWUSR
    except FileNotFoundError:
        return False


def check_writable(path: str | Path) -> None:
    """Refuse to replace a file marked read-only (often on purpose: an archived
    round, a copy from a share)."""
    path = Path(path)
    if path.is_file() and is_read_only(path):
        raise MppError(f"{path.name} is alleen-lezen (schrijfbeveiligd); er is niets gewijzigd. "
                       "Is dat niet de bedoeling, zet dan de schrijfbeveiliging uit (Windows: "
                       "Eigenschappen > Alleen-lezen uitvinken), of werk verder op een kopie.")


def check_folder_writable(path: str | Path, action: str = "bijgewerkt") -> None:
    """Refuse early, naming ``path``, when its folder does not accept a new
    file (read-only folder, share without write access, full disk): creates
    and removes an empty temporary file there (``.NAME.*.tmp``)."""
    path = Path(path)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                     dir=path.parent or ".")
    except OSError as e:
        raise MppError(fs_error_message(e, path, action)) from e
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Write via a temporary file in the same folder, then replace: the target
    is either the old or the complete new file, never half-written. A
    file-system fault (no permission, disk full, file in use) becomes an
    :class:`MppError` with :func:`fs_error_message`; the temporary file is
    removed. A read-only target is refused (:func:`check_writable`)."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise MppError(f"De map {parent} bestaat niet; maak hem eerst aan of kies een andere "
                       f"plek voor {path.name}.")
    if path.is_dir():
        raise MppError(f"{path} is een map; geef een bestandsnaam op.")
    check_writable(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                   dir=path.parent or ".")
    except OSError as e:
        raise MppError(fs_error_message(e, path)) from e
    try:
        os.close(fd)
        # mkstemp makes 0600 files: keep the mode of the file we replace, else the umask
        # default
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        write(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise MppError(fs_error_message(e, path)) from e
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
