"""Shared style objects for the build: each style object is registered once.

openpyxl stores a cell's font, fill, border, alignment, protection and number
format as an index into the workbook's style lists; every assignment
(``cell.font = HEADER_FONT``) looks the object up by value, which hashes it
recursively (a font with its colour, ...) - twice. With some 24,000 style
assignments that was most of the time of ``mpp bouw``. The build assigns the
same few shared objects (:mod:`mpp_xl.workbook.styles`, :mod:`~mpp_xl.workbook.specs`)
over and over, so after :func:`share_styles` an object the workbook has seen
is found by identity, without hashing; a new object is registered as before.

This relies on what openpyxl's own lists rely on: a style object is not changed
after it has been assigned (openpyxl keys its lists by the object's value at
that moment; cells hand out read-only proxies).
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.workbook import Workbook

#: The workbook's style lists (attribute names of openpyxl's Workbook).
STYLE_LISTS = ("_fonts", "_fills", "_borders", "_alignments", "_protections",
               "_number_formats")


class SharedStyles(IndexedList):  # type: ignore[misc]
    """An openpyxl style list that finds an object it registered by identity."""

    def __init__(self, iterable: Any = None) -> None:
        super().__init__(iterable)
        #: id(object) -> (the object, kept alive so its id stays unique; its index)
        self._seen: dict[int, tuple[object, int]] = {}

    def add(self, value: Any) -> int:
        hit = self._seen.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        idx: int = super().add(value)
        self._seen[id(value)] = (value, idx)
        return idx


def share_styles(wb: Workbook) -> Workbook:
    """``wb`` with its style lists replaced by :class:`SharedStyles` (same content)."""
    for name in STYLE_LISTS:
        old = getattr(wb, name)
        if not isinstance(old, SharedStyles):
            setattr(wb, name, SharedStyles(old))
    return wb
