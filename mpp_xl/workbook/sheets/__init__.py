"""Names and fixed positions of the master workbook's sheets, shared by the
builder, the refresh, the sign-off and the partner files.

The parameter sheets follow :mod:`mpp_xl.workbook.layout`; this module adds
the header block (rows 1-4), the outcome block beside the inputs and the
layout of the result, check and sign-off sheets.

The package holds one module per sheet, each writing its sheet with openpyxl
(``write(ws, ...)``), assembled by :mod:`mpp_xl.workbook.builder`:
:mod:`.partner` (Kader and every partner sheet), :mod:`.uitkomsten`,
:mod:`.grafieken`, :mod:`.onzekerheid`, :mod:`.bijstelling`, :mod:`.financien`,
:mod:`.realisatie`, :mod:`.controles`, :mod:`.toelichting`, :mod:`.logboek`
and :mod:`.xlwings_conf` (Validatie and Vaststelling are written from their
spec alone). A new sheet is a new module here. This ``__init__`` imports none
of them (``from . import sheets as S`` stays light and free of cycles); the
modules share :mod:`~mpp_xl.workbook.frames`, :mod:`~mpp_xl.workbook.styles`
and :mod:`~mpp_xl.workbook.printing`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...core.problems import Problem
from ...core.registry import PARTNERS, SHEETS

TOELICHTING = "Toelichting"
KADER = "Kader"
UITKOMSTEN = "Uitkomsten"
GRAFIEKEN = "Grafieken"
ONZEKERHEID = "Onzekerheid"
BIJSTELLING = "Bijstelling"
REALISATIE = "Realisatie"
VALIDATIE = "Validatie"
CONTROLES = "Controles"
VASTSTELLING = "Vaststelling"
LOGBOEK = "Logboek"
CONF = "xlwings.conf"
FINANCIEN = "Financiën"  # FIN's prices (core.registry.FINANCIEN) and the budget block
#: What-if sheets (modules .varianten and .gevoeligheid).
VARIANTEN = "Varianten"
GEVOELIGHEID = "Gevoeligheid"

#: All sheets of the master workbook, in order.
ALL_SHEETS: tuple[str, ...] = (TOELICHTING, *SHEETS, UITKOMSTEN, GRAFIEKEN, ONZEKERHEID,
                               VARIANTEN, GEVOELIGHEID, BIJSTELLING, REALISATIE, VALIDATIE,
                               CONTROLES, VASTSTELLING, LOGBOEK, CONF)
#: Sheets whose XML the refresh regenerates (data rows only).
OWNED_SHEETS: tuple[str, ...] = (VALIDATIE, VASTSTELLING, LOGBOEK)

# --- Bijstelling: the refresh writes its content from this row (column A)
BIJ_FIRST_ROW = 4

# --- Realisatie: the input table (A-E, E the optional month) and the backtest beside it
# (from column F)
REAL_HEADER_ROW = 6
REAL_FIRST_ROW = REAL_HEADER_ROW + 1
REAL_INPUT_HEADERS = ("reeks", "jaar", "waarde", "bron", "maand")
REAL_INPUT_ROWS = 500
REAL_BT_COL = 6  # F
REAL_SUMMARY_ROW = 5
#: The backtest columns on the sheet (as mpp_xl.analysis.backtest, without bron: the
#: source stays in the input table on the left).
REAL_BT_HEADERS = ("Reeks", "Jaar", "Realisatie", "Min", "Medio", "Max",
                   "Fout (medio − realisatie)", "Procent / pp", "Binnen band")

# --- header block of a parameter sheet (1-based rows, column B holds the value)
CONTACT_CELL = "B2"
STATUS_CELL = "B3"

# --- sign-off block in a partner file (mpp export-partner): label in D, value in E
PF_SIGN_CELLS: dict[str, str] = {"name": "E2", "date": "E3", "fingerprint": "E4"}
PF_SIGN_LABELS: dict[str, str] = {"D2": "Vastgesteld door", "D3": "Datum vaststelling",
                                  "D4": "Vingerafdruk"}

# --- Uitkomsten
MODEL_CELL = "B3"
MODEL_REF = f"{UITKOMSTEN}!$B$3"
UITKOMSTEN_FIRST_TABLE_ROW = 6

# --- Validatie
VAL_ERRORS_CELL = "B3"
VAL_WARNINGS_CELL = "B4"
VAL_CHECKED_CELL = "B5"
VAL_HEADER_ROW = 7
VAL_HEADERS = ("Niveau", "Blad", "Cel", "Parameter", "Scenario", "Jaar", "Regel", "Melding")
VAL_NONE = "Geen fouten of waarschuwingen gevonden."


def validatie_rows(problems: Sequence[Problem]) -> list[list[object]]:
    """The rows under the Validatie header, per VAL_HEADERS, errors first; one
    row saying so when there are none. Shared by the headless refresh and the
    Excel button, so both write the same sheet."""
    rows: list[list[object]] = [
        [p.niveau, p.blad, p.cel, p.parameter, p.scenario,
         float(p.jaar) if p.jaar is not None else None, p.regel, p.melding]
        for p in sorted(problems, key=lambda p: not p.is_error)
    ]
    return rows or [[None] * (len(VAL_HEADERS) - 1) + [VAL_NONE]]
#: Column widths (characters) of Validatie; the labels in column A fit.
VAL_WIDTHS: tuple[float, ...] = (16, 10, 7, 26, 9, 6, 18, 64)
#: Columns (1-based) of Validatie whose text wraps in the data rows.
VAL_WRAP_COLS: tuple[int, ...] = (4, 8)

# --- Controles (native formulas on the Uitkomsten tables; FAST: every stock a
# corkscrew, one master check)
#: The master check ("OK" / "NIET OK") on Controles; Uitkomsten and Validatie show it in B2.
CTRL_MASTER_CELL = "B3"
CTRL_MASTER_REF = f"{CONTROLES}!$B$3"
#: Where the other sheets show the master check (label in A2, value in B2).
CTRL_SHOWN_CELL = "B2"
CTRL_OK, CTRL_FAIL = "OK", "FOUT"
MASTER_OK, MASTER_FAIL = "OK", "NIET OK"
CTRL_HEADER_ROW = 7
CTRL_HEADERS = ("Controle", "Omschrijving", "Max. afwijking", "Tolerantie", "Status")
CTRL_WIDTHS: tuple[float, ...] = (29, 66, 14, 11, 9)
#: Tolerance of a check (personen): results are not rounded, so a sound model
#: is off by floating-point noise only.
CTRL_TOLERANCE = 0.5
ORDER_TITLE = "Scenariovolgorde van de uitkomsten"
ORDER_NOTE = ("Signaal, geen fout (telt niet mee in de Modelcontrole): het aantal jaren "
              "waarin min > medio of medio > max. Scenario's kunnen elkaar kruisen als hun "
              "aannames ook buiten de instroom verschillen; lees de band dan niet als "
              "onder- en bovengrens.")
ORDER_HEADERS = ("Reeks", "Omschrijving", "Jaren buiten volgorde", "", "Status")
ORDER_SIGNAL = "LET OP"
#: Corkscrew checks: stock (per 1 jan) -> (inflows per jaar, outflows per jaar).
CORKSCREWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ind_werkvoorraad": (("instroom_totaal",), ("ind_afdoeningen_totaal",)),
    "rvdr_asiel_voorraad": (("rvdr_asiel_instroom",), ("rvdr_asiel_afdoeningen",)),
    "rvs_asiel_voorraad": (("rvs_asiel_instroom",), ("rvs_asiel_afdoeningen",)),
    "coa_bezetting": (("coa_instroom",), ("coa_uitstroom_huisvesting", "coa_uitstroom_vertrek",
                                          "coa_uitstroom_overig")),
    "dtv_caseload": (("dtv_instroom",), ("dtv_vertrek",)),
    "nidos_caseload": (("nidos_instroom",), ("nidos_uitstroom",)),
}
#: Composition checks: stock = sum of its parts (same dates).
COMPOSITIONS: dict[str, tuple[str, ...]] = {
    "coa_bezetting": ("coa_asielzoekers", "coa_statushouders", "coa_overig"),
}

# --- Vaststelling
VS_STATUS_CELL = "B2"
VS_REFRESHED_CELL = "B3"
VS_HEADER_ROW = 6
VS_HEADERS = ("Partner", "Naam", "Datum", "Vingerafdruk bij vaststelling",
              "Huidige vingerafdruk", "Status", "Toelichting")
VS_FIRST_ROW = VS_HEADER_ROW + 1
VS_ROWS: dict[str, int] = {p: VS_FIRST_ROW + i for i, p in enumerate(PARTNERS)}
VS_LAST_ROW = VS_FIRST_ROW + len(PARTNERS) - 1
#: Column widths of Vaststelling. The fingerprint columns (D, E) show about the
#: first 16 hex characters; the cell holds all 64 (clipped, never spilling over).
VS_WIDTHS: tuple[float, ...] = (14, 22, 12, 14, 14, 16, 44)
VS_FINGERPRINT_COLS: tuple[int, ...] = (4, 5)
VS_WRAP_COLS: tuple[int, ...] = (2, 7)
SIGN_VALID = "geldig"
SIGN_VOID = "vervallen"
SIGN_NONE = "niet vastgesteld"
STATE_DONE = "vastgesteld"
STATE_DRAFT = "concept"

# --- Logboek
LOG_HEADER_ROW = 3
LOG_HEADERS = ("Tijdstip", "Actie", "Gebruiker", "Vingerafdruk", "Toelichting")
LOG_WIDTHS: tuple[float, ...] = (20, 13, 12, 18, 70)
LOG_WRAP_COLS: tuple[int, ...] = (5,)

# --- row heights of wrapped text (Excel and LibreOffice do not fit the height of
# rows written by openpyxl or the refresh, so the height is estimated)
#: Height of one line of text in the default font (Calibri 12), points.
LINE_PT = 15.75
#: Characters of text per unit of column width (conservative: word wrapping
#: leaves space at the end of lines, and LibreOffice's fallback font is wider).
CHARS_PER_UNIT = 1.2


def text_lines(text: object, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (>= 1)."""
    if text is None:
        return 1
    per_line = max(1, int(width * CHARS_PER_UNIT) - 1)
    n = 0
    for part in str(text).split("\n"):
        words = part.split()
        lines, used = 1, 0
        for w in words:
            need = len(w) if used == 0 else used + 1 + len(w)
            if need <= per_line:
                used = need
            else:  # a word longer than the line is broken over lines
                extra = max(0, (len(w) - 1) // per_line)
                lines += 1 + extra if used else extra
                used = len(w) - extra * per_line
        n += lines
    return max(1, n)


def row_height(lines: int) -> float:
    """Row height (points) for ``lines`` lines of wrapped text."""
    return round(LINE_PT * max(1, lines) + 2.25, 2)


#: Key outcomes shown beside each partner's inputs: (reeks, use MPP_WAARDE).
PARTNER_OUTCOMES: dict[str, tuple[str, ...]] = {
    "Kader": (),
    "DGM-APM": ("instroom_totaal", "amv_instroom"),
    "IND": ("ind_werkvoorraad", "ind_afdoeningen_totaal"),
    "COA": ("coa_bezetting", "coa_capaciteit", "coa_statushouders"),
    "DTV": ("dtv_instroom", "dtv_caseload"),
    "Nidos": ("nidos_instroom", "nidos_caseload"),
    "RvdR": ("rvdr_asiel_instroom", "rvdr_asiel_voorraad"),
    "RvS": ("rvs_asiel_instroom", "rvs_asiel_voorraad"),
    "Politie": ("ir_benodigd", "ir_tekort"),
    "BZ": ("instroom_hervestiging", "regulier_visa_werkvoorraad"),
    "Financiën": ("kosten_coa", "kosten_totaal"),
}


def quote_sheet(name: str) -> str:
    """Sheet name as used in a formula: 'DGM-APM'!A1, IND!A1."""
    if name.replace("_", "").isalnum() and not name[0].isdigit():
        return name
    return "'" + name.replace("'", "''") + "'"


def udf_name(reeks: str) -> str:
    """Excel name of the series function: coa_bezetting -> MPP_COA_BEZETTING."""
    return "MPP_" + reeks.upper()
