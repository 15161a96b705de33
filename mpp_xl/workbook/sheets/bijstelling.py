"""Bijstelling: the comparison with the previous MPP (frame only; the refresh
writes the content)."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from .. import specs
from ..frames import write_frame
from ..printing import print_columns
from ..styles import style_row


def write(ws: Worksheet) -> None:
    """The frame and the hidden style row; the content is written by the refresh."""
    write_frame(ws, specs.BIJSTELLING)
    style_row(ws)
    print_columns(ws, [list(range(1, len(specs.BIJSTELLING.widths) + 1))])
