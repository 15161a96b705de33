"""The refresh's :class:`~mpp_xl.workbook.refresh.Book` over a workbook
package held in memory (``mpp ververs``, ``mpp vaststellen``,
``mpp importeer-partner``).

* :meth:`PackageBook.read` gives a sheet's values from A1 as Excel would hand
  them over: cached values of formulas (a formula without a cached value, e.g.
  in a file written by openpyxl, is evaluated), dates as dates (python-calamine
  reads the number formats), error cells as their Dutch text;
* :meth:`PackageBook.write` records the new cell values; nothing is changed in
  the package until :meth:`PackageBook.to_bytes`;
* :meth:`PackageBook.calculate` evaluates every formula of the workbook with
  the written cells in place: ``MPP_*`` calls through the ``CATALOGUE`` of
  ``udfs/mpp_udfs.py`` (the module Excel uses, so the model comes from the
  same model cache), native formulas with the ``formulas`` package;
* :meth:`PackageBook.to_bytes` writes the new cells into the sheet XML (style
  of the cell at that place, else of the sheet's template row; analysis cells
  by kind, from the sheet's hidden style row), stores the cached value of
  every formula, the charts' cached data and fitting row heights, and drops a
  ``fullCalcOnLoad``; every other byte of the other parts stays as it was.

Protection needs no lifting here (the XML is written directly), so
:meth:`unprotect` reports "not protected".
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import python_calamine as pc

from ..analysis import model_cache
from ..core.problems import MppError
from . import sheets as S
from . import specs
from .chart_cache import fill_chart_caches
from .evaluate import Evaluator, Key, load_catalogue
from .reader import _overlay_errors, _package_rows, check_extent, error_text, missing_sheets
from .refresh import Formula
from .xlsxio import (
    CUSTOM_PART,
    Package,
    XlErr,
    cell_xml,
    col_letter,
    custom_properties,
    merge_cells_xml,
    scan_cells,
    set_cached_values,
    set_custom_property,
    set_row_heights,
    split_ref,
)

Block = list[list[Any]]

#: Excel's calculation engine id of Microsoft 365 (written by the build and every refresh).
CALC_ID = 191029

#: Per owned sheet the row whose cells give the style of new data cells.
TEMPLATE_ROW: dict[str, int] = {s.name: s.first_row for s in specs.OWNED}

_REMOVE = object()  # a cleared cell that disappears from the XML (style and all)

#: Custom document property: the model the stored ``MPP_BAND`` values belong to
#: (:func:`mpp_xl.analysis.model_cache.bands_key`).
PROP_BANDS = "mpp_banden"
#: The function whose stored values a refresh of the same model reuses.
BAND_FUNCTION = "MPP_BAND"


def no_full_calc_on_load(workbook_xml: bytes) -> bytes:
    """workbook.xml without ``fullCalcOnLoad="1"`` and with a current ``calcId``,
    so that readers show the stored values instead of recalculating (unchanged
    when it already is so)."""
    m = re.search(rb"<calcPr\b[^>]*?/?>", workbook_xml)
    if m is None or not re.search(rb'fullCalcOnLoad="(1|true)"', m.group(0)):
        return workbook_xml
    tag = re.sub(rb'\s+fullCalcOnLoad="[^"]*"', b"", m.group(0))
    tag = re.sub(rb'\bcalcId="\d+"', f'calcId="{CALC_ID}"'.encode(), tag)
    return workbook_xml[:m.start()] + tag + workbook_xml[m.end():]


def _missing_cache(c: Any) -> bool:
    return c.formula is not None and (c.value is None
                                      or (c.value == "" and c.attrs.get("t") != "str"))


class PackageBook:
    """A :class:`~mpp_xl.workbook.refresh.Book` on workbook bytes."""

    def __init__(self, data: bytes, name: str = "werkmap", *,
                 base_dir: str | Path | None = None, udf_dir: str | None = None,
                 pkg: Package | None = None) -> None:
        self.data = data
        self.name = name
        self.pkg = pkg if pkg is not None else Package(data, name)
        self.base_dir = None if base_dir is None else Path(base_dir)
        self.udf_dir = udf_dir
        #: sheet -> (row, col) -> new value (a :class:`Formula` is a formula).
        self.edits: dict[str, dict[tuple[int, int], object]] = {}
        #: sheet -> (row, col) -> kind of an analysis cell.
        self.kinds: dict[str, dict[tuple[int, int], str]] = {}
        self.results: dict[Key, object] | None = None
        self._values: dict[Key, object] = {}
        self.stats: dict[str, float] = {}
        self._calamine: Any = False
        self._plain: Evaluator | None = None
        #: The key of the bands this refresh computed or reused (to store), or None.
        self.bands_key: str | None = None

    # -- reading ---------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return list(self.pkg.sheet_paths)

    def _calamine_rows(self, sheet: str) -> list[list[object]] | None:
        if self._calamine is False:
            try:
                self._calamine = pc.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            except Exception:  # noqa: BLE001 - fall back to our own XML reading
                self._calamine = None
        if self._calamine is None:
            return None
        try:
            return self._calamine.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception:  # noqa: BLE001 - e.g. an error value calamine does not know
            return None

    def _evaluator(self) -> Evaluator:
        """Evaluates formulas that have no cached value (no ``MPP_*`` functions)."""
        if self._plain is None:
            values: dict[Key, object] = {}
            formulas: dict[Key, str] = {}
            for s in self.pkg.sheet_paths:
                for c in self.pkg.cells(s):
                    values[(s, c.row, c.col)] = c.value
                    if _missing_cache(c):
                        formulas[(s, c.row, c.col)] = self.pkg.formula_text(s, c)
            self._plain = Evaluator(values, formulas, {}, self.pkg.sheet_paths)
        return self._plain

    def read(self, sheet: str) -> Block:
        """Values from A1 to the last used cell (see the module docstring)."""
        check_extent(self.pkg, sheet)
        rows = self._calamine_rows(sheet)
        if rows is None:
            rows = _package_rows(self.pkg, sheet)
        rows = [list(r) for r in rows]
        _overlay_errors(self.pkg, sheet, rows)

        def put(r: int, c: int, v: object) -> None:
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            if len(row) < c:
                row.extend([None] * (c - len(row)))
            row[c - 1] = v

        for c in self.pkg.cells(sheet):
            if _missing_cache(c):
                formula = self.pkg.formula_text(sheet, c)
                # a reference to a sheet that does not exist is #REF! in Excel
                v = XlErr("#REF!") if missing_sheets(formula, self.pkg.sheet_paths) \
                    else self._evaluator().value((sheet, c.row, c.col))
                put(c.row, c.col, error_text(v) if isinstance(v, XlErr) else v)
        for (r, c), v in self.edits.get(sheet, {}).items():
            put(r, c, None if v is _REMOVE else v)
        out = [[None if v == "" else v for v in r] for r in rows]
        while out and all(v is None for v in out[-1]):
            out.pop()
        width = max((len(r) for r in out), default=0)
        return [r + [None] * (width - len(r)) for r in out]

    # -- writing ---------------------------------------------------------------
    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        """Record a block; an all-empty row of an owned sheet, and every empty
        cell of another sheet, disappears from the XML (stale rows leave no
        styled cells behind); other empty cells keep their style."""
        edits = self.edits.setdefault(sheet, {})
        for i, r in enumerate(values):
            gone = sheet not in S.OWNED_SHEETS or all(v in (None, "") for v in r)
            for j, v in enumerate(r):
                edits[(row + i, col + j)] = _REMOVE if v in (None, "") and gone else \
                    (None if v == "" else v)

    def set_kinds(self, sheet: str, kinds: dict[tuple[int, int], str]) -> None:
        self.kinds.setdefault(sheet, {}).update(kinds)

    def unprotect(self, sheet: str) -> object:
        return None

    def protect(self, sheet: str, state: object) -> None:
        """Nothing to do: :meth:`unprotect` lifts nothing."""

    def folder(self) -> Path | None:
        return self.base_dir

    # -- calculation -----------------------------------------------------------
    def calculate(self) -> None:
        """Evaluate every formula with the written cells in place; refuse when
        the model cell (Uitkomsten!B3) gives no model."""
        t0 = time.perf_counter()
        values: dict[Key, object] = {}
        formulas: dict[Key, str] = {}
        for sheet in self.pkg.sheet_paths:
            for c in self.pkg.cells(sheet):
                values[(sheet, c.row, c.col)] = c.value
                if c.formula is not None:
                    formulas[(sheet, c.row, c.col)] = self.pkg.formula_text(sheet, c)
        stored = dict(values)  # as the file has them: the last refresh's values
        for sheet, edits in self.edits.items():
            for (r, c), v in edits.items():
                key = (sheet, r, c)
                formulas.pop(key, None)
                if isinstance(v, Formula):
                    formulas[key], values[key] = v[1:], None
                else:
                    values[key] = None if v is _REMOVE else v
        ev = Evaluator(values, formulas, load_catalogue(self.udf_dir), self.pkg.sheet_paths)
        mr, mc = split_ref(S.MODEL_CELL)
        model = _model_of(ev.value((S.UITKOMSTEN, mr, mc)))
        self.bands_key = None if model is None else model_cache.bands_key(model)
        if self.bands_key is not None and \
                custom_properties(self.pkg).get(PROP_BANDS) == self.bands_key:
            ev.recalled = self._stored_bands(stored, formulas)
        t1 = time.perf_counter()
        results = ev.evaluate_all()
        t2 = time.perf_counter()
        handle = results.get((S.UITKOMSTEN, mr, mc))
        if not isinstance(handle, str) or isinstance(handle, XlErr) \
                or not handle.startswith("MPP "):
            raise MppError(f"Het rekenmodel (Uitkomsten!{S.MODEL_CELL}) gaf geen uitkomst: "
                           f"{handle!r}. Er is niets gewijzigd.")
        self.results = results
        self._values = values
        n_mpp = sum(1 for t in formulas.values() if "MPP_" in t.upper())
        self.stats = {"voorbereiden_s": t1 - t0, "rekenen_s": t2 - t1,
                      "formules": float(len(formulas)), "mpp_formules": float(n_mpp),
                      "snel": float(ev.stats["fast"]), "direct": float(ev.stats["direct"]),
                      "formulas_pakket": float(ev.stats["compiled"]),
                      "banden_hergebruikt": float(ev.stats["recalled"])}

    def _stored_bands(self, stored: dict[Key, object], formulas: dict[Key, str],
                      ) -> dict[tuple[str, tuple[object, ...]], object]:
        """The ``MPP_BAND`` calls of the last refresh with their stored values:
        (function, arguments as the file has them) -> number. Called only when
        the file's :data:`PROP_BANDS` names the model of this refresh, so these
        are the values a new Monte Carlo run would give. A formula the refresh
        replaced, a changed argument or a cell that holds no number (e.g. after
        a save by a program without the MPP functions) is simply not found."""
        old = Evaluator(stored, {}, {}, self.pkg.sheet_paths)
        out: dict[tuple[str, tuple[object, ...]], object] = {}
        for key, text in formulas.items():
            v = stored.get(key)
            if type(v) is not float or BAND_FUNCTION not in text.upper():
                continue
            call = old.call_of(key[0], text)
            if call is None or call[0] != BAND_FUNCTION:
                continue
            try:
                out[(call[0], tuple(call[1]))] = v
            except TypeError:  # a range argument
                continue
        return out

    # -- the new package -------------------------------------------------------
    def _style(self, sheet: str, r: int, c: int, old: dict[tuple[int, int], Any],
               kind_styles: dict[str, str | None]) -> str | None:
        kind = self.kinds.get(sheet, {}).get((r, c))
        if kind is not None:
            return kind_styles.get(kind)
        src = old.get((r, c))
        if src is None and sheet in TEMPLATE_ROW:
            src = old.get((TEMPLATE_ROW[sheet], c))
        return None if src is None else src.style

    def _sheet_xml(self, sheet: str, results: dict[Key, object]) -> bytes:
        pkg = self.pkg
        xml = pkg.sheet_xml(sheet)
        cells = pkg.cells(sheet)
        edits = self.edits.get(sheet, {})
        upd = {c.ref: results[(sheet, c.row, c.col)] for c in cells
               if c.formula is not None and (c.row, c.col) not in edits
               and (sheet, c.row, c.col) in results}
        xml = set_cached_values(xml, cells, upd)
        if not edits:
            return xml
        old = {(c.row, c.col): c for c in cells}
        by_col = {c.col: c.style for c in cells if c.row == specs.STYLE_ROW}
        kind_styles = {k: by_col.get(j) for j, k in enumerate(specs.KIND_ORDER, start=1)}
        new: dict[tuple[int, int], bytes] = {}
        for (r, c), v in edits.items():
            if v is _REMOVE:
                continue
            ref = f"{col_letter(c)}{r}"
            style = self._style(sheet, r, c, old, kind_styles)
            if isinstance(v, Formula):
                new[(r, c)] = cell_xml(ref, results.get((sheet, r, c)), style, v[1:])
            else:
                new[(r, c)] = cell_xml(ref, v, style)
        return merge_cells_xml(xml, new, lambda r, c: (r, c) in edits)

    def to_bytes(self) -> bytes:
        """The workbook with every write, the cached values of the formulas (after
        :meth:`calculate`), the charts' caches and fitting row heights."""
        if self.results is None:
            raise MppError("De werkmap is nog niet doorgerekend; er is niets opgeslagen.")
        t0 = time.perf_counter()
        pkg, results = self.pkg, self.results
        replaced: dict[str, bytes] = {}
        for sheet, path in pkg.sheet_paths.items():
            new = self._sheet_xml(sheet, results)
            if new != pkg.sheet_xml(sheet):
                replaced[path] = new

        def base(sheet: str) -> bytes:
            path = pkg.sheet_paths[sheet]
            return replaced.get(path, pkg.parts[path])

        replaced.update(owned_row_heights(pkg, base))
        values = self._values

        def shown(sheet: str, r: int, c: int) -> object:
            key = (sheet, r, c)
            return results[key] if key in results else values.get(key)

        # the charts' own copy of their data, for readers that do not recalculate
        replaced.update(fill_chart_caches(pkg.parts, shown))
        # the model the stored MPP_BAND values belong to (a master without custom
        # properties, built before they existed, recomputes its bands every refresh)
        if self.bands_key is not None and CUSTOM_PART in pkg.parts:
            props = set_custom_property(pkg.parts[CUSTOM_PART], PROP_BANDS, self.bands_key)
            if props != pkg.parts[CUSTOM_PART]:
                replaced[CUSTOM_PART] = props
        # a master built before this release may still force a recalculation on open
        wb_xml = no_full_calc_on_load(pkg.parts["xl/workbook.xml"])
        if wb_xml != pkg.parts["xl/workbook.xml"]:
            replaced["xl/workbook.xml"] = wb_xml
        out = pkg.to_bytes(replaced)
        self.stats["schrijven_s"] = time.perf_counter() - t0
        return out


def header_height(headers: tuple[str, ...], widths: tuple[float, ...]) -> float:
    """Height (points) of a header row whose bold titles wrap in their columns: the
    rule of :func:`mpp_xl.workbook.styles.header_height`, here without the
    openpyxl styles module (the headless refresh does not load openpyxl)."""
    lines = max(S.text_lines(h, w * 0.9) for h, w in zip(headers, widths, strict=True))
    return S.row_height(lines)


def _model_of(handle: object) -> model_cache.Model | None:
    """The computed model a handle (the model cell's value) names, or None."""
    if not isinstance(handle, str) or isinstance(handle, XlErr):
        return None
    try:
        entry = model_cache.lookup(handle)
    except Exception:  # noqa: BLE001 - not a model: nothing to reuse or store
        return None
    return entry if isinstance(entry, model_cache.Model) else None


def owned_row_heights(pkg: Package, base: Callable[[str], bytes]) -> dict[str, bytes]:
    """Validatie, Vaststelling and Logboek with row heights that fit their wrapped
    text (part name -> XML). The refresh regenerates their rows without a height,
    and neither Excel nor LibreOffice fits the height of such rows when opening
    the file, so long messages would overlap the next row. ``base(sheet)``: the
    sheet's current XML."""

    parts: dict[str, bytes] = {}
    for spec in specs.OWNED:
        sheet, head, first, widths, wrap = (spec.name, spec.header_row, spec.first_row,
                                            spec.column_widths, spec.wrap_cols)
        if sheet not in pkg.sheet_paths:
            continue
        xml = base(sheet)
        try:
            cells = scan_cells(xml, pkg.shared)
        except (ValueError, IndexError):
            continue  # unreadable cells: leave the heights to the application
        lines: dict[int, int] = {}
        for c in cells:
            if c.row >= first and c.col in wrap and c.col <= len(widths):
                lines[c.row] = max(lines.get(c.row, 1), S.text_lines(c.value, widths[c.col - 1]))
            elif c.row >= first:
                lines.setdefault(c.row, 1)
        for c in cells:
            if c.row in spec.note_rows and c.col == 1 and c.value:
                lines[c.row] = S.text_lines(c.value, sum(widths))
        heights = {r: S.row_height(n) for r, n in lines.items()}
        headers = tuple(str(c.value or "") for c in cells if c.row == head)
        if len(headers) == len(widths):
            heights[head] = header_height(headers, widths)
        parts[pkg.sheet_paths[sheet]] = set_row_heights(xml, heights)
    return parts
