"""mpp bouw: sheet set, layout, styles; build -> read gives the CSV back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.core.registry import PARAMETERS, PARTNERS, SHEETS
from mpp_xl.core.series import SERIES
from mpp_xl.workbook import layout
from mpp_xl.workbook.builder import TEMPLATE, build

from .helpers import EXAMPLE_CSV, cell_of


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["jaar"] = df["jaar"].astype("Int64")
    df["waarde"] = df["waarde"].astype(str)
    return df.sort_values(["parameter", "scenario", "jaar"]).reset_index(drop=True)


def test_build_then_read_gives_the_csv_rows_back(built_master: Path, example: Assumptions):
    back = read_assumptions(built_master)
    pd.testing.assert_frame_equal(_sorted(back.to_frame()), _sorted(example.to_frame()))
    assert back.fingerprint() == example.fingerprint()


def test_rows_know_sheet_and_cell(built_master: Path):
    back = read_assumptions(built_master)
    row = next(r for r in back.rows if r.parameter == "eerste_aanvragen" and r.jaar == 2026
               and r.scenario == "medio")
    assert row.blad == "DGM-APM"
    ws = openpyxl.load_workbook(built_master)["DGM-APM"]
    assert ws[row.cel].value == row.waarde
    assert ws.cell(layout.HEADER_ROW, ws[row.cel].column).value == 2026


def test_sheet_order_and_conf(built_master: Path):
    wb = openpyxl.load_workbook(built_master)
    assert wb.sheetnames == ["Toelichting", *SHEETS, "Uitkomsten", "Grafieken", "Onzekerheid",
                             "Varianten", "Gevoeligheid", "Bijstelling", "Realisatie", "Validatie", "Controles", "Vaststelling",
                             "Logboek",
                             "xlwings.conf"]
    conf = {r[0]: r[1] for r in wb["xlwings.conf"].iter_rows(values_only=True) if r[0]}
    assert conf["UDF Modules"] == "udfs.mpp_udfs"  # from the installed package
    assert not conf.get("PYTHONPATH")


def test_parameters_absent_from_csv_get_an_empty_alle_row(tmp_path: Path, example: Assumptions):
    rows = [r for r in example.rows if r.parameter != "bntb_fractie"]
    out = build(Assumptions(rows), tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out)["IND"]
    hits = [r for r in ws.iter_rows(min_row=layout.HEADER_ROW + 1, values_only=True)
            if r[0] == "bntb_fractie"]
    assert len(hits) == 1 and hits[0][3] == "alle"
    assert all(v is None for v in hits[0][4:10])
    assert "Standaard" in hits[0][10]


def test_input_cells_styled_unlocked_validated(built_master: Path):
    wb = openpyxl.load_workbook(built_master)
    ws = wb["COA"]
    ref = cell_of(built_master, "COA", "snijverlies")
    c = ws[ref]
    assert c.protection.locked is False
    assert c.fill.fgColor.rgb.endswith("FFF2CC")
    assert c.number_format == "0.0%"
    assert ws["A7"].protection.locked is not False and ws["B7"].protection.locked is not False
    assert ws.protection.sheet and not ws.protection.password
    dvs = [dv for dv in ws.data_validations.dataValidation if ref in str(dv.sqref)]
    assert len(dvs) == 1
    dv = dvs[0]
    p = PARAMETERS["snijverlies"]
    assert (dv.type, float(dv.formula1), float(dv.formula2)) == ("decimal", p.lo, p.hi)
    assert "tussen 0 en 0,5" in dv.error and dv.showErrorMessage
    ref2 = cell_of(built_master, "DGM-APM", "nareis_vertraging_maanden",
                   scenario=_scen(built_master, "DGM-APM", "nareis_vertraging_maanden"))
    dv2 = [d for d in wb["DGM-APM"].data_validations.dataValidation if ref2 in str(d.sqref)][0]
    assert dv2.type == "whole"
    count = cell_of(built_master, "COA", "coa_start_asielzoekers")
    assert ws[count].number_format == "#,##0"


def _scen(path: Path, sheet: str, key: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    return next(r[3] for r in ws.iter_rows(values_only=True) if r[0] == key)


def test_uitkomsten_formulas(built_master: Path):
    ws = openpyxl.load_workbook(built_master)["Uitkomsten"]
    model = ws["B3"].value
    assert model.startswith("=MPP_MODEL(")
    for s in SHEETS:
        q = f"'{s}'" if "-" in s else s
        assert f"{q}!$A${layout.HEADER_ROW}:" in model
    formulas = [c.value for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=MPP_")]
    names = {f.split("(")[0][1:] for f in formulas}
    main = {f"MPP_{k.upper()}" for k, s in SERIES.items() if s.main}
    assert main <= names
    assert not any("[" in f or ";" in f for f in formulas)  # no structured refs, ',' separators


def test_partner_sheets_have_outcome_blocks(built_master: Path):
    wb = openpyxl.load_workbook(built_master)
    for p in PARTNERS:
        texts = [c.value for row in wb[p].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=MPP_")]
        assert texts, p
        assert all("Uitkomsten!$B$3" in t for t in texts)
    coa = " ".join(c.value for row in wb["COA"].iter_rows() for c in row
                   if isinstance(c.value, str) and c.value.startswith("=MPP_"))
    for name in ("MPP_COA_BEZETTING", "MPP_COA_CAPACITEIT", "MPP_COA_STATUSHOUDERS"):
        assert name in coa


def test_xlsm_keeps_the_template_vba(built_master: Path):
    with zipfile.ZipFile(TEMPLATE) as t, zipfile.ZipFile(built_master) as b:
        assert b.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")
        ct = b.read("[Content_Types].xml").decode()
    assert "macroEnabled" in ct


def test_charts_present(built_master: Path):
    with zipfile.ZipFile(built_master) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        text = " ".join(z.read(n).decode() for n in charts)
    from mpp_xl.workbook.specs import FAN_SERIES

    # Grafieken, the fan charts on Onzekerheid, two on Varianten, the tornado on
    # Gevoeligheid and the budget chart on Financiën
    assert len(charts) == 7 + len(FAN_SERIES) + 2 + 1 + 1
    assert "Uitkomsten" in text and 'grouping val="stacked"' in text
    assert "Financiën" in text


def test_cli_build_xlsx_and_bad_extension(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "m.xlsx"
    assert cli(["bouw", str(EXAMPLE_CSV), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" not in z.namelist()
    assert cli(["bouw", str(EXAMPLE_CSV), "-o", str(tmp_path / "m.ods")]) == 2
    assert "extensie" in capsys.readouterr().err
    assert not (tmp_path / "m.ods").exists()
