"""The Gevoeligheid sheet at refresh time (no openpyxl): its positions, the
target cells, and the sensitivity table the refresh writes (the tornado chart
follows the table). The sheet itself is built by
:mod:`mpp_xl.workbook.sheets.gevoeligheid`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..analysis.sensitivity import sensitivity, tornado_title
from ..analysis.variant_sheets import SENS_HEADERS, sensitivity_layout
from ..core.assumptions import Resolved
from ..core.numbers import nl_decimal, nl_number
from ..core.problems import MppError
from ..core.registry import ENGINE_KEYS, normalise_scenario

NAME = "Gevoeligheid"
#: The target cells (label in column A, value in B).
TARGET_CELLS: dict[str, str] = {"reeks": "B5", "jaar": "B6", "scenario": "B7", "stap": "B8"}
TARGET_LABELS: dict[str, str] = {"reeks": "Reeks (uitkomst)", "jaar": "Jaar (voorraad: 1 jan)",
                                 "scenario": "Scenario", "stap": "Stap (procent)"}
BASE_CELL = "B9"
STATUS_CELL = "A10"
TABLE_ROW = 12
#: The tornado chart (top left cell).
CHART_ANCHOR = "D4"

# --- the refresh ---------------------------------------------------------------------------
def _cell(grid: Sequence[Sequence[object]], ref: str) -> object:
    r, c = int(ref[1:]) - 1, ord(ref[0]) - 65
    if r < len(grid) and c < len(grid[r]):
        v = grid[r][c]
        return None if v == "" else v
    return None


def target_from_grid(grid: Sequence[Sequence[object]]) -> dict[str, object]:
    """The four target cells as typed."""
    return {k: _cell(grid, ref) for k, ref in TARGET_CELLS.items()}


WriteLayout = Callable[..., None]


def write_results(book: Any, resolved: Resolved, write_layout: WriteLayout) -> list[str]:
    """Read the target, run the sensitivity, write the base value, the status
    line and the table (the tornado follows the table). A bad target is a Dutch
    line in the status cell (and a note), never an exception."""
    t = target_from_grid(book.read(NAME))
    reeks = str(t["reeks"]).strip() if t["reeks"] not in (None, "") else None
    scen = normalise_scenario(t["scenario"]) if t["scenario"] not in (None, "") else None
    try:
        jaar = None
        if t["jaar"] not in (None, ""):
            f = float(str(t["jaar"]).strip())  # type: ignore[arg-type]
            if not f.is_integer():
                raise MppError(f"Het jaar {t['jaar']} is geen jaartal.")
            jaar = int(f)
        stap = None if t["stap"] in (None, "") else float(
            str(t["stap"]).replace(",", "."))  # type: ignore[arg-type]
        if t["scenario"] not in (None, "") and scen is None:
            raise MppError(f"Onbekend scenario '{t['scenario']}'; kies min, medio of max.")
        s = sensitivity(resolved, reeks, jaar, scen, stap)
    except (MppError, ValueError) as e:
        msg = str(e).replace("\n  ", " ")
        book.write(NAME, int(BASE_CELL[1:]), 2, [[None]])
        book.write(NAME, int(STATUS_CELL[1:]), 1, [[f"Niet berekend: {msg}"]])
        write_layout(book, NAME, {(0, j): (h, "kolomkop") for j, h in enumerate(SENS_HEADERS)},
                     TABLE_ROW, 1, len(SENS_HEADERS))
        return [f"Gevoeligheid: {msg}"]
    head, _ = tornado_title(s)
    book.write(NAME, int(BASE_CELL[1:]), 2, [[s.uitkomst_basis]])
    book.write(NAME, int(STATUS_CELL[1:]), 1,
               [[f"{head}. {len(ENGINE_KEYS)} parameters, elk alleen × (1 ∓ "
                 f"{nl_decimal(s.target.stap)}%); basis {nl_number(s.uitkomst_basis)}."]])
    write_layout(book, NAME, sensitivity_layout(s), TABLE_ROW, 1, len(SENS_HEADERS))
    return []

