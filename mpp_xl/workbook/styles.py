"""Styles, header cells, result formulas, print scaling and the fonts and fills
by content kind of the sheet modules (:mod:`mpp_xl.workbook.sheets`) and the
partner files."""

from __future__ import annotations

from copy import copy

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.series import SERIES
from . import sheets as S
from . import specs

# --- styles -----------------------------------------------------------------
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="1F3FBF")
NA_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
OUT_FILL = PatternFill("solid", fgColor="E2EFDA")
OUT_HEADER_FILL = PatternFill("solid", fgColor="548235")
TITLE_FONT = Font(bold=True, size=14, color="1F4E79")
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
#: Fingerprints on Vaststelling: a fixed-width font, so the visible part is the
#: first ~16 hex characters.
FINGERPRINT_FONT = Font(name="Courier New", size=10)
#: Fonts without a name or size get the workbook default (Calibri) at this size;
#: LibreOffice would otherwise use a serif font at 10 pt.
FONT_NAME, FONT_SIZE = "Calibri", 11
UNLOCKED = Protection(locked=False)


def header(ws: Worksheet, row: int, col: int, text: object, fill: PatternFill = HEADER_FILL,
           ) -> None:
    """A header cell: bold white text on the header fill, boxed and wrapped."""
    c = ws.cell(row, col, text)
    c.font = HEADER_FONT
    c.fill = fill
    c.border = BOX
    c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def series_formula(reeks: str, year_arg: str, scen: str, model: str = S.MODEL_REF) -> str:
    """The Excel formula of one result cell (``reeks`` for ``year_arg`` in ``scen``)."""
    if SERIES[reeks].main:
        return f'={S.udf_name(reeks)}({year_arg},"{scen}",{model})'
    return f'=MPP_WAARDE("{reeks}",{year_arg},"{scen}",{model})'


def series_number_format(reeks: str) -> str:
    """The cell format of a result series: shares as %, costs (€ mln) with one
    decimal, numbers of people whole."""
    s = SERIES[reeks]
    return "0.0%" if s.unit == "fractie" else "#,##0.0" if s.is_cost else "#,##0"


def width_formula(hi: str, lo: str, reeks: str) -> str:
    """A band width ``=hi-lo``; for a cost series empty while the cells hold the
    message of a run without prices (instead of an error value)."""
    if SERIES[reeks].is_cost:
        return f'=IF(ISNUMBER({hi}),{hi}-{lo},"")'
    return f"={hi}-{lo}"


def header_height(headers: tuple[str, ...], widths: tuple[float, ...]) -> float:
    """Height (points) of a header row whose bold titles wrap in their columns."""
    lines = max(S.text_lines(h, w * 0.9) for h, w in zip(headers, widths, strict=True))
    return S.row_height(lines)


# --- print layout ----------------------------------------------------------------
#: Page margins (inches): left/right and top/bottom.
MARGIN_LR_IN, MARGIN_TB_IN = 0.4, 0.6
#: Printed width of one unit of column width at 100 % (points). LibreOffice's is
#: the wider (Excel: about 6.8 pt for Calibri 12), so pages fit in both.
UNIT_PT = 7.7
#: Default row height (points) when estimating what fits on a page.
ROW_PT = 16.0
#: The smallest scale (percent) for a sheet; below it a page is split instead.
MIN_SCALE = 60
A4_LANDSCAPE_PT = (842.0, 595.0)
DEFAULT_WIDTH = 9.0
#: The last row of a worksheet: a print area down to it is a range of whole columns.
MAX_ROW = 1048576


def printable_pt() -> tuple[float, float]:
    """Width and height (points) inside the margins of an A4 landscape page."""
    w, h = A4_LANDSCAPE_PT
    return w - 2 * 72 * MARGIN_LR_IN, h - 2 * 72 * MARGIN_TB_IN


def column_width(ws: Worksheet, col: int) -> float:
    """Width (units of column width) of the 1-based column ``col``."""
    dim = ws.column_dimensions.get(get_column_letter(col))
    return float(dim.width) if dim is not None and dim.width else DEFAULT_WIDTH


def units(ws: Worksheet, cols: list[int] | range) -> float:
    """Total column width (units of column width) of ``cols``."""
    return sum(column_width(ws, c) for c in cols)


def scale_for(units: float) -> int:
    """The print scale (percent, at most 100) at which ``units`` of column width
    fill the printable page width."""
    return max(10, min(100, int(printable_pt()[0] / (units * UNIT_PT) * 100)))


def fixed_scale(ws: Worksheet, scale: int) -> None:
    """Print ``ws`` at ``scale`` percent instead of fitting it to the page."""
    ws.page_setup.scale = scale
    ws.page_setup.fitToWidth = None
    ws.page_setup.fitToHeight = None
    ws.sheet_properties.pageSetUpPr.fitToPage = False


# --- fonts and fills by content kind -------------------------------------------
def kind_font(kind: str) -> Font:
    """The openpyxl font of a kind (:data:`mpp_xl.workbook.specs.KIND_FONTS`)."""
    f = specs.KIND_FONTS.get(kind, specs.PLAIN)
    return Font(name=FONT_NAME, size=f.size, bold=f.bold or None, italic=f.italic or None,
                color=None if f.color == specs.PLAIN.color else f.color)


#: The content kinds of table values: boxed like the other tables.
_BOXED_KINDS = ("aantal", "aantal_verschil", "fractie", "fractie_verschil", "procent",
                "procentpunt", "jaar", "getal", "cel")


def kind_styles() -> dict[str, dict[str, object]]:
    """Style attributes per content kind (:data:`mpp_xl.workbook.specs.KINDS`)."""
    out: dict[str, dict[str, object]] = {k: {"number_format": f} for k, f in specs.KINDS.items()}
    for k, style in out.items():
        style["font"] = kind_font(k)  # plain: Calibri 11, the template's default is smaller
        if k in _BOXED_KINDS:
            style["border"] = BOX
    out["kolomkop"].update(fill=HEADER_FILL, border=BOX,
                           alignment=Alignment(horizontal="center", vertical="center",
                                               wrap_text=True))
    return out


def style_row(ws: Worksheet) -> None:
    """The hidden row with one styled cell per kind (read by the headless refresh)."""
    styles = kind_styles()
    for j, kind in enumerate(specs.KIND_ORDER, start=1):
        for attr, v in styles[kind].items():
            setattr(ws.cell(specs.STYLE_ROW, j), attr, v)
    ws.row_dimensions[specs.STYLE_ROW].hidden = True


def name_fonts(ws: Worksheet) -> None:
    """Give every font without a name or size the workbook's Calibri (see FONT_NAME):
    one replacement per distinct font of the sheet, shared by its cells (see
    :mod:`mpp_xl.workbook.style_cache`), instead of a copy per cell."""
    fonts = ws.parent._fonts  # noqa: SLF001 - the workbook's font list
    replacement: dict[int, Font | None] = {}
    for c in ws._cells.values():  # noqa: SLF001 - also styled empty cells
        if not c.has_style:
            continue
        fid = c._style.fontId  # noqa: SLF001 - the cell's index into the font list
        if fid not in replacement:
            f = fonts[fid]
            nf = None
            if f.name is None or f.sz is None:
                nf = copy(f)
                nf.name, nf.sz = f.name or FONT_NAME, f.sz or FONT_SIZE
            replacement[fid] = nf
        if (nf := replacement[fid]) is not None:
            c.font = nf
