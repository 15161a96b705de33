"""Logboek: the log of builds, refreshes and sign-offs (an owned sheet,
:data:`mpp_xl.workbook.specs.LOGBOEK`); the build writes its first line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from ...core.assumptions import Assumptions
from ...core.problems import MppError
from .. import specs
from ..frames import write_spec
from ..refresh import current_user


def write(ws: Worksheet, assumptions: Assumptions) -> None:
    """The Logboek table with the line "gebouwd" (time, user, the first 16
    characters of the assumptions' fingerprint, the source file)."""
    fp = ""
    try:
        fp = assumptions.fingerprint()[:16]
    except MppError:
        pass
    write_spec(ws, specs.LOGBOEK, {specs.LOGBOEK.first_row: [
        datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "gebouwd", current_user(), fp,
        f"Werkmap gebouwd uit {Path(assumptions.source).name if assumptions.source else 'aannames'}"
        f" ({len(assumptions)} aannames)."]})
