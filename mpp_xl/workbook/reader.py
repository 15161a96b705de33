"""Reading the assumptions back from a master workbook (or a partner file).

Values come from python-calamine (fast, independent of openpyxl). A formula
in an input cell (a partner may type ``=F7*1.05``) counts with its result:
the cached value when the file has one (every file saved by Excel or
LibreOffice, and every file ``mpp ververs`` wrote), otherwise the formula is
evaluated headless (:mod:`mpp_xl.workbook.evaluate`), e.g. for a file
written by openpyxl or another tool that stores no cached values.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import python_calamine as pc

from ..analysis.backtest import realisaties_from_frame
from ..core.assumptions import Assumptions, Resolved, Row
from ..core.numbers import nl_number
from ..core.problems import FOUT, MppError, Problem, Regel, ValidationError
from ..core.registry import SHEETS, parameters_of
from ..io.safe_zip import check_workbook_bytes, check_workbook_file
from . import layout
from . import sheets as S
from .evaluate import Evaluator, Key
from .layout import table_width
from .xlsxio import Package, XlErr, col_letter


def _plain(v: object) -> object:
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    return v


#: Parameter sheets whose parameters are all optional (Financiën): a workbook
#: without them (built before the costs) reads as one without prices.
OPTIONAL_SHEETS: tuple[str, ...] = tuple(
    s for s in SHEETS if parameters_of(s) and all(p.optional for p in parameters_of(s)))


def structure_problems(names: Sequence[str], headers: dict[str, object],
                       sheets: Sequence[str] = SHEETS) -> list[Problem]:
    """Missing parameter sheets and sheets without the input table header."""
    out: list[Problem] = []
    for s in sheets:
        if s not in names and s in OPTIONAL_SHEETS:
            continue  # a master from before the costs: no prices, as before
        if s not in names:
            out.append(Problem(FOUT, Regel.ONTBREKEND_BLAD,
                               f"Het blad '{s}' ontbreekt in de werkmap; elke partner heeft "
                               "een eigen blad met aannames.", blad=s))
        elif headers.get(s) != layout.KEY_HEADER:
            out.append(Problem(FOUT, Regel.ONBEKENDE_INDELING,
                               f"Blad '{s}' heeft niet de indeling van een MPP-blad: cel "
                               f"A{layout.HEADER_ROW} moet '{layout.KEY_HEADER}' bevatten "
                               "(de kop van de invoertabel).",
                               blad=s, cel=f"A{layout.HEADER_ROW}"))
    return out


#: Largest used area (rows x columns, counted from A1) of a parameter sheet
#: that is read. python-calamine allocates the whole area at once and aborts
#: the process when that fails, so a stray value in XFD1048576 must be
#: refused before it gets there.
MAX_SHEET_CELLS = 1_000_000

#: Excel stores error values in English; the Dutch Excel shows these.
ERROR_NL = {"#DIV/0!": "#DEEL/0!", "#N/A": "#N/B", "#VALUE!": "#WAARDE!", "#REF!": "#VERW!",
            "#NAME?": "#NAAM?", "#NUM!": "#GETAL!", "#NULL!": "#LEEG!",
            "#SPILL!": "#OVERLOOP!", "#CALC!": "#BEREKENEN!",
            "#GETTING_DATA": "#GEGEVENS_OPHALEN", "#CIRC!": "#KRING!"}


def error_text(err: object) -> str:
    """An Excel error value as the Dutch Excel shows it ('#DIV/0!' -> '#DEEL/0!')."""
    text = str(err).strip()
    return ERROR_NL.get(text.upper(), text)


def check_extent(pkg: Package, sheet: str) -> None:
    """Refuse a parameter sheet whose used area (from A1) is absurdly large
    (a value typed in a far corner), naming the cell."""
    far = None
    worst = 0
    for c in pkg.cells(sheet):
        if c.value is None:
            continue  # a formatted empty cell (or a formula without value) does not count
        if c.row * c.col > worst:
            worst, far = c.row * c.col, c
    if far is not None and worst > MAX_SHEET_CELLS:
        raise MppError(
            f"Blad '{sheet}' heeft een gevulde cel ver buiten de invoertabel "
            f"({sheet}!{far.ref}); het blad zou dan {nl_number(worst)} cellen groot zijn. Maak die "
            "cel leeg (of zet de gegevens op een eigen blad) en probeer het opnieuw; er is "
            "niets gewijzigd.")


def _package_rows(pkg: Package, sheet: str) -> list[list[object]]:
    """The sheet's values from A1 read from the XML (when calamine cannot read
    it): numbers, text, booleans; error values as Dutch text."""
    cells = [c for c in pkg.cells(sheet) if c.value is not None]
    if not cells:
        return []
    n_r = max(c.row for c in cells)
    n_c = max(c.col for c in cells)
    rows: list[list[object]] = [[""] * n_c for _ in range(n_r)]
    for c in cells:
        rows[c.row - 1][c.col - 1] = error_text(c.value) if isinstance(c.value, XlErr) \
            else c.value
    return rows


def read_blocks(data: bytes, name: str = "werkmap", sheets: Sequence[str] = SHEETS,
                pkg: Package | None = None) -> dict[str, list[list[object]]]:
    """The input table (from the header row on, cut to the table width) of
    every parameter sheet, formulas in input cells replaced by their values,
    Excel error values as their Dutch text ('#DEEL/0!'), which validation
    reports. Raises :class:`ValidationError` on structure problems and
    :class:`MppError` on unreadable or unsafe files."""
    pkg = pkg or Package(data, name)  # safe_zip guard, then the package
    names = list(pkg.sheet_paths)
    for s in sheets:
        if s in pkg.sheet_paths:
            check_extent(pkg, s)
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - fall back to our own XML reading below
        wb = None
    raw: dict[str, list[list[object]]] = {}
    headers: dict[str, object] = {}
    for s in sheets:
        if s not in names:
            continue
        rows: list[list[object]] | None = None
        if wb is not None:
            try:
                rows = wb.get_sheet_by_name(s).to_python(skip_empty_area=False)
            except Exception:  # noqa: BLE001 - e.g. an error value calamine does not know
                rows = None
        if rows is None:
            rows = _package_rows(pkg, s)
        _overlay_errors(pkg, s, rows)
        raw[s] = rows
        hdr = rows[layout.HEADER_ROW - 1] if len(rows) >= layout.HEADER_ROW else []
        a6 = hdr[0] if hdr else None
        headers[s] = a6.strip().lower() if isinstance(a6, str) else a6
    problems = structure_problems(names, headers, sheets)
    if problems:
        raise ValidationError(problems)

    blocks: dict[str, list[list[object]]] = {}
    for s, rows in raw.items():
        width = table_width(rows[layout.HEADER_ROW - 1])
        blocks[s] = [[_plain(v) for v in r[:width]] for r in rows[layout.HEADER_ROW - 1:]]
    _fill_formulas(pkg, blocks)
    return blocks


def _overlay_errors(pkg: Package, sheet: str, rows: list[list[object]]) -> None:
    """calamine returns error cells as empty (or refuses unknown ones); put
    the Dutch error text there so validation names the cell."""
    for c in pkg.cells(sheet):
        if isinstance(c.value, XlErr) and c.row <= len(rows):
            r = rows[c.row - 1]
            if c.col > len(r):
                r.extend([""] * (c.col - len(r)))
            r[c.col - 1] = error_text(c.value)


def _fill_formulas(pkg: Package, blocks: dict[str, list[list[object]]]) -> None:
    """Input cells holding a formula without a cached value: evaluate them."""
    missing: list[Key] = []
    for s, block in blocks.items():
        width = len(block[0]) if block else 0
        for c in pkg.cells(s):
            if c.formula is None or c.row <= layout.HEADER_ROW or c.col > width:
                continue
            if c.value is None or (c.value == "" and c.attrs.get("t") != "str"):
                missing.append((s, c.row, c.col))
    if not missing:
        return
    values: dict[Key, object] = {}
    formulas: dict[Key, str] = {}
    for s in pkg.sheet_paths:
        width = len(blocks[s][0]) if s in blocks and blocks[s] else 0
        for c in pkg.cells(s):
            values[(s, c.row, c.col)] = c.value
            if c.formula is not None and s in blocks and c.row > layout.HEADER_ROW \
                    and c.col <= width:
                formulas[(s, c.row, c.col)] = pkg.formula_text(s, c)
    ev = Evaluator(values, formulas, {}, pkg.sheet_paths)
    for key in missing:
        s, r, col = key
        gone = missing_sheets(formulas.get(key, ""), pkg.sheet_paths)
        # a reference to a sheet that does not exist (or another file) is #REF! in
        # Excel; the evaluator would read it as an empty cell, i.e. 0
        v = XlErr("#REF!") if gone else ev.value(key)
        blocks[s][r - layout.HEADER_ROW][col - 1] = error_text(v) if isinstance(v, XlErr) else v


_STRING_LIT = re.compile(r'"(?:[^"]|"")*"')
_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!=+\-*/^&,;:(){}<>\"]+))!")


def missing_sheets(formula: str, sheets: Collection[str]) -> list[str]:
    """Sheets a formula refers to that are not in the workbook (external
    references such as ``[1]Blad1!A1`` count as missing)."""
    text = _STRING_LIT.sub('""', formula)
    known = {x.lower() for x in sheets}
    out = []
    for m in _SHEET_REF.finditer(text):
        name = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
        if name.lower() not in known or "[" in name:
            out.append(name)
    return out


def rows_from_blocks(blocks: dict[str, list[list[object]]]) -> list[Row]:
    rows: list[Row] = []
    for s, block in blocks.items():
        rows.extend(layout.rows_from_block(block, s, first_row=layout.HEADER_ROW, first_col=1))
    return rows


class WorkbookAssumptions(Assumptions):
    """Assumptions read from a workbook. Problems that name a parameter but no
    cell (a missing value, a scenario-order or jump warning) get the cell of
    that parameter's row: the year column when the problem has a year, else
    'Alle jaren'."""

    def __init__(self, rows: Sequence[Row], source: str | None = None,
                 places: dict[tuple[str, str], tuple[str, int, dict[int, int]]] | None = None,
                 ) -> None:
        super().__init__(rows, source)
        self.places = places or {}

    def with_rows(self, rows: Sequence[Row]) -> Assumptions:  # type: ignore[override]
        return WorkbookAssumptions(rows, self.source, self.places)

    def check(self) -> tuple[list[Problem], Resolved | None]:
        if self._checked is None:
            problems, resolved = super().check()
            self._checked = ([self._locate(p) for p in problems], resolved)
        return self._checked

    def _locate(self, p: Problem) -> Problem:
        if p.cel or not p.parameter:
            return p
        place = (self.places.get((p.parameter, p.scenario or "alle"))
                 or self.places.get((p.parameter, "alle"))
                 or next((v for (k, _), v in self.places.items() if k == p.parameter), None))
        if place is None:
            return p
        sheet, row, years = place
        col = years.get(p.jaar, layout.COL_ALL) if p.jaar else layout.COL_ALL
        return replace(p, blad=sheet, cel=f"{col_letter(col)}{row}")


def _places(blocks: dict[str, list[list[object]]],
            ) -> dict[tuple[str, str], tuple[str, int, dict[int, int]]]:
    out: dict[tuple[str, str], tuple[str, int, dict[int, int]]] = {}
    for s, block in blocks.items():
        if not block:
            continue
        years = {y: j + 1 for j, v in enumerate(block[0])
                 if (y := layout.as_year(v)) is not None}
        for i, r in enumerate(block[1:], start=layout.HEADER_ROW + 1):
            if not r or layout.is_empty(r[0]):
                continue
            scen = str(r[3]).strip().lower() if len(r) > 3 and not layout.is_empty(r[3]) \
                else "alle"
            out.setdefault((str(r[0]).strip(), scen), (s, i, years))
    return out


def read_bytes_assumptions(data: bytes, name: str = "werkmap",
                           sheets: Sequence[str] = SHEETS,
                           pkg: Package | None = None) -> Assumptions:
    blocks = read_blocks(data, name, sheets, pkg)
    return WorkbookAssumptions(rows_from_blocks(blocks), source=name, places=_places(blocks))


def read_workbook_assumptions(path: str | Path) -> Assumptions:
    """The assumptions of every parameter sheet of an MPP workbook; each row
    knows its sheet and cell (``IND``, ``F12``) for the messages."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MppError(f"{path.name} kan niet gelezen worden: {e.strerror or e}") from e
    a = read_bytes_assumptions(data, path.name)
    a.source = str(path)
    return a


def read_assumptions(path: str | Path) -> Assumptions:
    """Read assumptions from a CSV file or an MPP workbook (.xlsx/.xlsm)."""
    path = Path(path)
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        check_workbook_file(path)
        return read_workbook_assumptions(path)
    if path.suffix.lower() in (".csv", ".txt"):
        return Assumptions.from_csv(path)
    raise MppError(
        f"{path.name}: onbekend bestandstype '{path.suffix}'. Gebruik een CSV met "
        "aannames of een MPP-werkmap (.xlsx of .xlsm)."
    )


# --- Realisatie: the realisations typed on the sheet -----------------------------
def realisaties_from_rows(rows: list[list[object]]) -> pd.DataFrame:
    """The realisations from the input columns (reeks, jaar, waarde, bron, maand) of
    the data rows; empty rows skipped. Raises MppError (Dutch) for bad values."""

    recs = []
    for i, r in enumerate(rows):
        r = list(r[:5]) + [None] * (5 - len(r[:5]))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in r):
            continue
        recs.append({"reeks": "" if r[0] is None else str(r[0]).strip(),
                     "jaar": "" if r[1] is None else _num_text(r[1]),
                     "waarde": "" if r[2] is None else _num_text(r[2]),
                     "bron": "" if r[3] is None else str(r[3]),
                     "maand": "" if r[4] is None else _num_text(r[4]),
                     "_regel": S.REAL_FIRST_ROW + i})
    df = pd.DataFrame(recs, columns=["reeks", "jaar", "waarde", "bron", "maand", "_regel"])
    for rec in recs:
        if not rec["reeks"]:
            raise MppError(f"{S.REALISATIE}!A{rec['_regel']}: de reeks ontbreekt.")
    try:
        return realisaties_from_frame(df.drop(columns="_regel"), f"blad {S.REALISATIE}")
    except MppError as e:  # point at the sheet row instead of the CSV line
        # CSV line N is the (N-1)th record (line 1 the header); empty rows were skipped
        def row(m: re.Match[str]) -> str:
            n = int(m.group(1)) - 2
            return f"rij {recs[n]['_regel'] if 0 <= n < len(recs) else m.group(1)}"

        msg = re.sub(r"regel (\d+)", row, str(e))
        raise MppError(msg) from None


def _num_text(v: object) -> str:
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def realisatie_rows_from_package(pkg: Package,
                                 values: Mapping[tuple[str, int, int], object] | None = None,
                                 ) -> list[list[object]]:
    """The input rows (columns A–E from :data:`S.REAL_FIRST_ROW`) of Realisatie;
    ``values`` (evaluated formula results) override cached values."""
    grid: dict[int, list[object]] = {}
    for c in pkg.cells(S.REALISATIE):
        if c.row >= S.REAL_FIRST_ROW and c.col <= 5:
            v = c.value
            if values is not None and (S.REALISATIE, c.row, c.col) in values:
                v = values[(S.REALISATIE, c.row, c.col)]
            grid.setdefault(c.row, [None] * 5)[c.col - 1] = v
    if not grid:
        return []
    last = max(grid)
    return [grid.get(r, [None] * 5) for r in range(S.REAL_FIRST_ROW, last + 1)]


def read_workbook_realisaties(path: str | Path) -> pd.DataFrame | None:
    """The realisations on the Realisatie sheet of a workbook, or None when the
    workbook has no such sheet."""

    data = Path(path).read_bytes()
    check_workbook_bytes(data, Path(path).name)
    pkg = Package(data, Path(path).name)
    if S.REALISATIE not in pkg.sheet_paths:
        return None
    return realisaties_from_rows(realisatie_rows_from_package(pkg))
