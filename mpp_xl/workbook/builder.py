"""``mpp bouw``: the master workbook from the registry and an assumptions CSV.

This module only assembles: every sheet is written by its own module in
:mod:`mpp_xl.workbook.sheets` (a new sheet is a new module there, never code
here), shared pieces come from :mod:`~mpp_xl.workbook.frames`,
:mod:`~mpp_xl.workbook.styles`, :mod:`~mpp_xl.workbook.printing` and
:mod:`~mpp_xl.workbook.saving`.

Built with openpyxl. For an ``.xlsm`` target the bundled xlwings standalone
template (``templates/xlwings_standalone.xlsm``, made by ``xlwings quickstart
NAME --standalone``) is the starting point, loaded with ``keep_vba=True`` so
its VBA project (xlwings.bas and the button's macro ``MPP_Vernieuwen``,
see ``scripts/make_vba_template.py``) is kept byte-identical. Its two sheets
are reused (codeNames ``Sheet1``/``Sheet2`` stay attached to the VBA document
modules): Sheet1 becomes Toelichting and ``_xlwings.conf`` becomes the active
``xlwings.conf`` sheet.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.packaging.custom import StringProperty
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..core.assumptions import Assumptions
from ..core.problems import MppError
from ..core.registry import SHEETS
from ..core.variants import VariantRow
from ..io.output import atomic_write
from . import sheets as S
from . import specs
from .buttons import add_buttons
from .frames import write_spec
from .printing import page_setup
from .refresh_file import CALC_ID
from .round_id import PROP_RONDE, make_round_id
from .saving import save_exact, strip_vba
from .sheets import (
    bijstelling,
    controles,
    financien,
    gevoeligheid,
    grafieken,
    logboek,
    onzekerheid,
    partner,
    realisatie,
    toelichting,
    uitkomsten,
    varianten,
    xlwings_conf,
)
from .style_cache import share_styles
from .styles import UNIT_PT, name_fonts

__all__ = ["TEMPLATE", "UNIT_PT", "build", "build_workbook", "save_exact"]

TEMPLATE = Path(__file__).with_name("templates") / "xlwings_standalone.xlsm"


# --- entry point ---------------------------------------------------------------
def build_workbook(assumptions: Assumptions, realisaties: pd.DataFrame | None = None,
                   interpreter: str | None = None, round_id: str | None = None,
                   varianten_rows: list[VariantRow] | None = None) -> Workbook:
    """The master workbook (openpyxl) for ``assumptions``; not yet saved.
    ``realisaties`` (reeks, jaar, waarde, bron) prefill the Realisatie sheet;
    ``interpreter`` is xlwings.conf's Interpreter_Win (see
    :func:`mpp_xl.workbook.sheets.xlwings_conf.default_interpreter`);
    ``round_id`` the round id (:mod:`mpp_xl.workbook.round_id`; default: a new one
    for the assumptions' MPP version); ``varianten_rows`` prefill the Varianten sheet."""

    tables, years = partner.tables(assumptions)
    start, end = partner.horizon(assumptions)
    horizon = list(range(start, end + 1)) if 0 <= end - start <= 15 else years
    version = herkomst = ""
    for r in assumptions.rows:
        if r.parameter.strip().lower() == "mpp_versie" and r.waarde not in (None, ""):
            version = str(r.waarde)
        if r.parameter.strip().lower() == "herkomst_aannames" and r.waarde not in (None, ""):
            herkomst = str(r.waarde)

    wb = share_styles(openpyxl.load_workbook(TEMPLATE, keep_vba=True))
    wb.custom_doc_props.append(StringProperty(
        name=PROP_RONDE, value=round_id or make_round_id(version)))
    first, conf = wb.worksheets[0], wb.worksheets[1]
    first.title = S.TOELICHTING
    for row in first.iter_rows():
        for c in row:
            c.value = None
    conf.title = S.CONF

    toelichting.write(first, version, herkomst)
    infos: list[partner.SheetInfo] = []
    made: dict[str, Worksheet] = {}
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet)
        made[sheet] = ws
        info = partner.write(ws, sheet, tables[sheet], years, version)
        partner.outcome_block(ws, info, horizon)
        partner.print_setup(ws, info)
        if sheet == S.FINANCIEN:
            financien.write(ws, info, horizon)  # the budget block below the prices
        infos.append(info)
    version_ref = partner.version_ref(made[S.KADER])
    uit = wb.create_sheet(S.UITKOMSTEN)
    pos = uitkomsten.write(uit, infos, horizon, version_ref)
    grafieken.write(wb.create_sheet(S.GRAFIEKEN), uit, pos)
    onzekerheid.write(wb.create_sheet(S.ONZEKERHEID), made[S.KADER], horizon)
    varianten.write(wb.create_sheet(S.VARIANTEN), horizon, varianten_rows or ())
    gevoeligheid.write(wb.create_sheet(S.GEVOELIGHEID), horizon)
    bijstelling.write(wb.create_sheet(S.BIJSTELLING))
    realisatie.write(wb.create_sheet(S.REALISATIE), realisaties)
    write_spec(wb.create_sheet(S.VALIDATIE), specs.VALIDATIE)
    controles.write(wb.create_sheet(S.CONTROLES), pos)
    write_spec(wb.create_sheet(S.VASTSTELLING), specs.VASTSTELLING)
    logboek.write(wb.create_sheet(S.LOGBOEK), assumptions)
    xlwings_conf.write(conf, interpreter)
    for ws in wb.worksheets:
        page_setup(ws)
        name_fonts(ws)
    order = {n: i for i, n in enumerate(S.ALL_SHEETS)}
    wb._sheets.sort(key=lambda w: order.get(w.title, len(order)))  # noqa: SLF001
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == S.TOELICHTING
    # No full recalculation on open: a reader without xlwings (Excel without the
    # add-in, LibreOffice, a viewer) then sees the values of the last refresh
    # instead of #NAME?. calcId of current Excel, so Excel does not recalculate
    # everything because the file looks written by an older calculation engine.
    wb.calculation.fullCalcOnLoad = False
    wb.calculation.calcId = CALC_ID
    return wb


def build(assumptions: Assumptions, out: str | Path,
          realisaties: pd.DataFrame | None = None, interpreter: str | None = None,
          round_id: str | None = None, varianten: list[VariantRow] | None = None) -> Path:
    """Build and save the master workbook atomically (.xlsm: with the xlwings VBA
    and a refresh button on Uitkomsten and every partner sheet);
    ``realisaties`` (a checked table, see :mod:`mpp_xl.analysis.backtest`) prefill Realisatie;
    ``interpreter``: xlwings.conf's Interpreter_Win; ``round_id``: see :func:`build_workbook`;
    ``varianten``: rows that prefill the Varianten sheet."""
    out = Path(out)
    if out.suffix.lower() not in (".xlsm", ".xlsx"):
        raise MppError(f"{out.name}: kies een werkmap met extensie .xlsm (met macro's) of .xlsx.")
    wb = build_workbook(assumptions, realisaties, interpreter, round_id, varianten)
    macros = out.suffix.lower() == ".xlsm"
    if not macros:
        strip_vba(wb)

    def write(p: Path) -> None:
        save_exact(wb, p)
        if macros:
            p.write_bytes(add_buttons(p.read_bytes()))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(p, 0o666 & ~umask)

    atomic_write(out, write)
    return out
