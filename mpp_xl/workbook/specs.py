"""The sheets the refresh owns (Validatie, Vaststelling, Logboek), declared as data.

A :class:`SheetSpec` says where the table is (header row, first data row),
its columns (header, width, wrap, kind of cell), the fixed cells (labels,
formulas, notes), the fixed data rows and the status colours. Every writer
reads the same spec:

* the build (:func:`mpp_xl.workbook.builder.write_spec`, openpyxl);
* the one refresh (:mod:`mpp_xl.workbook.refresh_core`) over the package on
  disk and over the Excel Book: positions and the counter formulas;
* the row heights of the refreshed XML (:mod:`mpp_xl.workbook.analysis_sheets`).

No openpyxl here: colours are hex strings, kinds are names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.registry import PARTNERS
from . import sheets as S

#: Colours of the status rules (fill, hex RGB).
GREEN, RED, AMBER = "C6EFCE", "F8CBAD", "FFE699"


#: The hidden row holding one styled (empty) cell per kind, on Bijstelling and Realisatie:
#: the headless refresh styles the cells it writes there by kind from it.
STYLE_ROW = 3
#: Cell kinds of the analysis content (:data:`mpp_xl.analysis.sheet_content.Layout`)
#: and their number formats; fonts, fills and borders by kind are in the builder.
KINDS: dict[str, str] = {
    "titel": "General",
    "kop": "General",
    "kolomkop": "General",
    "tekst": "General",
    "notitie": "General",
    "waarschuwing": "General",
    "aantal": "#,##0",
    "aantal_verschil": "+#,##0;-#,##0;0",
    "fractie": "0.0%",
    "fractie_verschil": '+0.0%;-0.0%;0.0%',
    "procent": '+0.0"%";-0.0"%";0.0"%"',
    "procentpunt": '+0.0" pp";-0.0" pp";0.0" pp"',
    "jaar": "0",
    "getal": "General",
    "cel": "General",
}
KIND_ORDER: tuple[str, ...] = tuple(KINDS)


@dataclass(frozen=True)
class Column:
    """One column of an owned table: header text, width (Excel character
    units), wrapped text or not, and the kind of its data cells ("text", or
    "fingerprint": a 64-character hash clipped at the cell border)."""

    header: str
    width: float
    wrap: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class StatusColour:
    """Fill ``colour`` where a cell of ``ref`` (a range) equals ``value``."""

    ref: str
    value: str
    colour: str


@dataclass(frozen=True)
class SheetSpec:
    """An owned sheet. ``cells``: fixed cells (reference -> text or formula);
    ``labels``: bold label cells; ``note``: (row, text) of an italic note
    merged over the table's width; ``rows``: fixed data rows (row -> {column:
    value}); ``emphasis``: cells in bold 12 pt; ``wrap_all``: data cells wrap
    in every column (row heights still follow only the ``wrap`` columns)."""

    name: str
    title: str
    header_row: int
    columns: tuple[Column, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    cells: Mapping[str, object] = field(default_factory=dict)
    note: tuple[int, str] | None = None
    rows: Mapping[int, Mapping[int, object]] = field(default_factory=dict)
    colours: tuple[StatusColour, ...] = ()
    emphasis: tuple[str, ...] = ()
    shows_master_check: bool = False
    wrap_all: bool = False

    @property
    def first_row(self) -> int:
        """First data row (1-based), just below the header."""
        return self.header_row + 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def widths(self) -> tuple[float, ...]:
        return tuple(c.width for c in self.columns)

    @property
    def wrap_cols(self) -> tuple[int, ...]:
        """1-based columns whose text wraps (their row heights follow the text)."""
        return tuple(j for j, c in enumerate(self.columns, start=1) if c.wrap)

    @property
    def note_rows(self) -> tuple[int, ...]:
        return () if self.note is None else (self.note[0],)


def _columns(headers: tuple[str, ...], widths: tuple[float, ...], wrap: tuple[int, ...],
             fingerprint: tuple[int, ...] = ()) -> tuple[Column, ...]:
    assert len(headers) == len(widths)
    return tuple(Column(h, w, j in wrap, "fingerprint" if j in fingerprint else "text")
                 for j, (h, w) in enumerate(zip(headers, widths, strict=True), start=1))


def validatie_counters(first: int, last: int) -> dict[str, str]:
    """The counter formulas of Validatie over data rows ``first``..``last``
    (cell -> formula): the one text the build and every refresh write."""
    return {S.VAL_ERRORS_CELL: f'=COUNTIF(A{first}:A{last},"fout")',
            S.VAL_WARNINGS_CELL: f'=COUNTIF(A{first}:A{last},"waarschuwing")'}


def vaststelling_status() -> str:
    """The overall status formula of Vaststelling (B2): 'vastgesteld' when every
    partner's sign-off is valid and Validatie counts no error."""
    f, last = S.VS_FIRST_ROW, S.VS_LAST_ROW
    return (f'=IF(AND(COUNTIF(F{f}:F{last},"{S.SIGN_VALID}")={len(PARTNERS)},'
            f'{S.VALIDATIE}!{S.VAL_ERRORS_CELL}=0),"{S.STATE_DONE}","{S.STATE_DRAFT}")')


VALIDATIE = SheetSpec(
    name=S.VALIDATIE,
    title="Validatie van de aannames",
    header_row=S.VAL_HEADER_ROW,
    columns=_columns(S.VAL_HEADERS, S.VAL_WIDTHS, S.VAL_WRAP_COLS),
    labels={"A3": "Fouten", "A4": "Waarschuwingen", "A5": "Gecontroleerd op"},
    cells={**validatie_counters(S.VAL_HEADER_ROW + 1, S.VAL_HEADER_ROW + 1),
           S.VAL_CHECKED_CELL: "nog niet gecontroleerd (voer 'mpp ververs' uit)"},
    rows={S.VAL_HEADER_ROW + 1: {}},  # an empty styled row: the sample for new rows
    colours=(StatusColour(f"A{S.VAL_HEADER_ROW + 1}:A2000", "fout", RED),
             StatusColour(f"A{S.VAL_HEADER_ROW + 1}:A2000", "waarschuwing", AMBER)),
    shows_master_check=True,
    wrap_all=True,
)

VASTSTELLING = SheetSpec(
    name=S.VASTSTELLING,
    title="Vaststelling door de ketenpartners",
    header_row=S.VS_HEADER_ROW,
    columns=_columns(S.VS_HEADERS, S.VS_WIDTHS, S.VS_WRAP_COLS, S.VS_FINGERPRINT_COLS),
    labels={"A2": "Status MPP", "A3": "Laatst ververst"},
    cells={S.VS_STATUS_CELL: vaststelling_status(), S.VS_REFRESHED_CELL: "nog niet"},
    note=(4, "Een partner stelt zijn blad vast met 'mpp vaststellen'. De vingerafdruk legt de "
             "aannames vast: verandert daarna een invoer van die partner, dan vervalt de "
             "vaststelling bij de volgende verversing."),
    rows={r: {1: p, 6: S.SIGN_NONE} for p, r in S.VS_ROWS.items()},
    colours=(StatusColour(f"F{S.VS_FIRST_ROW}:F{S.VS_LAST_ROW}", S.SIGN_VALID, GREEN),
             StatusColour(f"F{S.VS_FIRST_ROW}:F{S.VS_LAST_ROW}", S.SIGN_VOID, RED),
             StatusColour(S.VS_STATUS_CELL, S.STATE_DONE, GREEN),
             StatusColour(S.VS_STATUS_CELL, S.STATE_DRAFT, AMBER)),
    emphasis=(S.VS_STATUS_CELL,),
)

LOGBOEK = SheetSpec(
    name=S.LOGBOEK,
    title="Logboek",
    header_row=S.LOG_HEADER_ROW,
    columns=_columns(S.LOG_HEADERS, S.LOG_WIDTHS, S.LOG_WRAP_COLS),
    wrap_all=True,
)

#: Every owned sheet, in workbook order.
OWNED: tuple[SheetSpec, ...] = (VALIDATIE, VASTSTELLING, LOGBOEK)
SPECS: dict[str, SheetSpec] = {s.name: s for s in OWNED}
