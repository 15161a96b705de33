"""What kind of file a command was given: a workbook at all, a master or a
partner file. Light on purpose (no openpyxl): ``mpp ververs`` checks its input
with it before the refresh."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..core.problems import MppError
from ..core.signoff import partner_file_refusal
from ..io.safe_zip import check_workbook_file
from . import sheets as S
from .xlsxio import Package


def is_partner_file(pkg: Package) -> bool:
    """A partner file (made by ``mpp exporteer-partner``) has neither Vaststelling
    nor Uitkomsten; the master has both."""
    return S.VASTSTELLING not in pkg.sheet_paths and S.UITKOMSTEN not in pkg.sheet_paths


def require_workbook(path: str | Path, hint: str | None = None) -> Path:
    """Refuse a file that is not an Excel workbook at all (a CSV with
    assumptions, a text file) with a hint how to make one (default: how to
    build a master); a damaged .xlsx is left to the reader's 'beschadigd'
    message."""
    path = Path(path)
    if path.is_dir():
        raise MppError(f"{path} is een map, geen werkmap.")
    if not path.is_file():
        raise MppError(f"Bestand niet gevonden: {path}")
    if path.suffix.lower() in (".xls", ".ods", ".xlsb"):
        check_workbook_file(path)  # says what the file is and how to save it
    if path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path):
        return path
    hint = hint or ("bouw er eerst een met: "
                    f"mpp bouw {path} -o {path.with_suffix('.xlsm').name}")
    raise MppError(f"{path.name} is geen werkmap; {hint}")


def require_master(path: str | Path, command: str) -> Path:
    """:func:`require_workbook`, and refuse a partner file (Dutch message
    naming ``command`` and what to do instead)."""
    path = require_workbook(path)
    if is_partner_file(Package.open(path)):
        raise partner_file_refusal(path.name, command)
    return path
