"""``mpp nieuwe-ronde`` on the refreshed example: the new master's horizon,
carried assumptions, start stocks, sign-offs, Logboek and round id, the old
master left byte for byte, ``mpp vergelijk OLD NEW``, and every refusal."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mpp_xl.analysis.forecast import run
from mpp_xl.cli import main
from mpp_xl.core.registry import PARTNERS
from mpp_xl.workbook.reader import read_assumptions
from mpp_xl.workbook.round_id import round_id_of
from mpp_xl.workbook.xlsxio import Package
from tests.conftest import ROOT

REAL = ROOT / "referentie" / "realisaties.csv"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory, refreshed_master: Path
           ) -> tuple[Path, Path, str]:
    d = tmp_path_factory.mktemp("ronde")
    old = d / "mpp_2024_2.xlsm"
    shutil.copy(refreshed_master, old)
    assert main(["vaststellen", str(old), "--partner", "IND", "--naam", "A. Jansen"]) == 0
    before = _sha(old)
    new = d / "mpp_2025_1.xlsm"
    assert main(["nieuwe-ronde", str(old), "--versie", "2025-1", "--peildatum", "2025-01-01",
                 "--realisaties", str(REAL), "-o", str(new)]) == 0
    return old, new, before


def test_old_master_unchanged(rolled: tuple[Path, Path, str]) -> None:
    old, _, before = rolled
    assert _sha(old) == before


def test_horizon_and_start_stocks(rolled: tuple[Path, Path, str]) -> None:
    old, new, _ = rolled
    fo, fn = run(read_assumptions(old)), run(read_assumptions(new))
    assert (fn.startjaar, fn.eindjaar) == (2025, 2029)
    assert fn.years("coa_instroom") == [2025, 2026, 2027, 2028, 2029]
    for reeks in ("ind_werkvoorraad", "coa_bezetting", "dtv_caseload", "nidos_caseload",
                  "rvdr_asiel_voorraad", "rvs_asiel_voorraad", "bezwaar_regulier_werkvoorraad"):
        want = fo.value(reeks, 2025, "medio")
        for s in ("min", "medio", "max"):
            assert fn.value(reeks, 2025, s) == pytest.approx(want, rel=1e-9), (reeks, s)
        assert fo.value(reeks, 2025, "min") != fo.value(reeks, 2025, "max") or reeks in (
            "bezwaar_regulier_werkvoorraad", "rvs_asiel_voorraad", "rvdr_asiel_voorraad")
    for s in ("min", "medio", "max"):
        assert fn.value("coa_aandeel_statushouders", 2025, s) == pytest.approx(0.26, abs=1e-9)


def test_assumptions_2029_extend_2028(rolled: tuple[Path, Path, str]) -> None:
    old, new, _ = rolled
    # read both with openpyxl (independent of the package's reader): IND capacity row
    def row(path: Path, sheet: str, key: str, scen: str = "alle") -> dict[object, object]:
        ws = openpyxl.load_workbook(path, read_only=True, data_only=True)[sheet]
        rows = list(ws.iter_rows(values_only=True))
        hdr = next(r for r in rows if r and r[0] == "parameter")
        rec = next(r for r in rows if r and r[0] == key and r[3] == scen)
        width = list(hdr).index("Bron") + 1  # the input table; outcomes lie to the right
        return dict(zip(hdr[:width], rec[:width], strict=True))

    for sheet, key, scen in (("IND", "ind_capaciteit", "alle"),
                             ("DGM-APM", "eerste_aanvragen", "min"),
                             ("DGM-APM", "eerste_aanvragen", "max"),
                             ("COA", "taakstelling_h1", "alle")):
        o, n = row(old, sheet, key, scen), row(new, sheet, key, scen)
        assert 2024 not in n and 2029 in n
        assert n[2029] == o[2028], key
        assert n[2025] == o[2025]
        assert str(n["Bron"]).startswith("doorgetrokken uit MPP 2024-2"), n["Bron"]
    k = row(new, "Kader", "vorige_mpp")
    assert k["Alle jaren"] == "mpp_2024_2.xlsm"
    assert "vingerafdruk" in str(k["Bron"])


def test_signoffs_reset_and_logboek(rolled: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
                                    ) -> None:
    old, new, _ = rolled
    import json

    capsys.readouterr()
    main(["status", str(old), "--json"])
    st_old = json.loads(capsys.readouterr().out)
    assert st_old["partners"]["IND"]["naam"] == "A. Jansen"  # signed off in the old round
    main(["status", str(new), "--json"])
    st_new = json.loads(capsys.readouterr().out)
    assert st_new["status"] == "concept"
    assert set(st_new["partners"]) == set(PARTNERS)  # every partner sheet, FIN's Financiën too
    for p, st in st_new["partners"].items():
        assert (st["vastgesteld"], st["naam"], st["vingerafdruk"]) == (False, None, None), p
    wb = openpyxl.load_workbook(new, read_only=True)
    log = [r for r in wb["Logboek"].iter_rows(values_only=True) if r and r[1] == "nieuwe ronde"]
    assert len(log) == 1
    old_round, new_round = round_id_of(Package.open(old)), round_id_of(Package.open(new))
    assert old_round and new_round and old_round != new_round
    assert new_round.startswith("2025-1#")
    assert old_round in log[0][4] and new_round in log[0][4]
    assert read_assumptions(old).fingerprint()[:16] in log[0][4]
    assert read_assumptions(new).fingerprint()[:16] in log[0][4]
    # Bijstelling compares with the old master from the first refresh
    bij = [r[0] for r in wb["Bijstelling"].iter_rows(values_only=True) if r and r[0]]
    assert any(str(v).startswith("Vorige MPP: mpp_2024_2.xlsm") for v in bij)


def test_vergelijk_old_new(rolled: tuple[Path, Path, str], tmp_path: Path) -> None:
    old, new, _ = rolled
    out = tmp_path / "bijstelling.csv"
    assert main(["vergelijk", str(old), str(new), "--csv", str(out)]) == 0
    df = pd.read_csv(out)
    assert set(df["jaar"]) <= set(range(2025, 2030))
    assert len(df) > 0


@pytest.mark.parametrize(("case", "needle"), [
    ("reeks", "onbekende reeks 'bestaat_niet'"),
    ("maand", "maand '13' ligt niet tussen 1 en 12"),
    ("peildatum", "ligt niet na de peildatum"),
    ("zelfde", "is de werkmap van de vorige ronde zelf"),
    ("bestaat", "bestaat al"),
    ("ongeververst", "nog nooit ververst"),
    ("fout", "fout(en) in de aannames"),
    ("gewijzigd", "gewijzigd sinds de laatste verversing"),
    ("partner", "is een partnerbestand"),
])
def test_refusals(case: str, needle: str, refreshed_master: Path, built_master: Path,
                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "oud.xlsm"
    shutil.copy(built_master if case == "ongeververst" else refreshed_master, old)
    if case in ("fout", "gewijzigd"):
        from tests.workbook.helpers import cell_of, edit_cells

        value = -5 if case == "fout" else 5
        edit_cells(old, "IND", {cell_of(old, "IND", "ind_min_werkvoorraad"): (value, None)})
    if case == "partner":
        assert main(["exporteer-partner", str(refreshed_master), "--partner", "IND", "-o",
                     str(tmp_path / "IND.xlsx")]) == 0
        old = tmp_path / "IND.xlsx"
    real = tmp_path / "r.csv"
    rows = {"reeks": "bestaat_niet,2025,,1,x", "maand": "instroom_eerste,2025,13,1,x"}
    real.write_text("reeks,jaar,maand,waarde,bron\n" + rows.get(case, "dtv_caseload,2025,,1,x")
                    + "\n", encoding="utf-8")
    out = old if case == "zelfde" else tmp_path / "nieuw.xlsm"
    if case == "bestaat":
        out.write_bytes(b"iets")
    before = {p.name: _sha(p) for p in tmp_path.iterdir()}
    peil = "2024-05-01" if case == "peildatum" else "2025-01-01"
    rc = main(["nieuwe-ronde", str(old), "--versie", "2025-1", "--peildatum", peil,
               "--realisaties", str(real), "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    assert needle in err
    assert "Traceback" not in err
    assert {p.name: _sha(p) for p in tmp_path.iterdir()} == before  # nothing written


def test_interpreter_kept(refreshed_master: Path, tmp_path: Path) -> None:
    from tests.workbook.helpers import edit_cells

    old = tmp_path / "oud.xlsm"
    shutil.copy(refreshed_master, old)
    edit_cells(old, "xlwings.conf", {"B1": (r"C:\Python311\python.exe", None)})
    new = tmp_path / "nieuw.xlsx"
    assert main(["nieuwe-ronde", str(old), "--versie", "2025-1", "--peildatum", "2025-01-01",
                 "-o", str(new)]) == 0
    ws = openpyxl.load_workbook(new, read_only=True)["xlwings.conf"]
    assert next(ws.iter_rows(max_row=1, values_only=True))[:2] == (
        "Interpreter_Win", r"C:\Python311\python.exe")


def test_realisation_from_old_sheet(refreshed_master: Path, tmp_path: Path) -> None:
    """Without --realisaties a start stock realised on the old Realisatie sheet is used."""
    from tests.workbook.helpers import edit_cells

    old = tmp_path / "oud.xlsm"
    shutil.copy(refreshed_master, old)
    edit_cells(old, "Realisatie", {"A7": ("dtv_caseload", None), "B7": (2025, None),
                                   "C7": (11111, None), "D7": ("DT&V jaarcijfers", None)})
    new = tmp_path / "nieuw.xlsx"
    assert main(["nieuwe-ronde", str(old), "--versie", "2025-1", "--peildatum", "2025-01-01",
                 "-o", str(new)]) == 0
    fc = run(read_assumptions(new))
    assert [fc.value("dtv_caseload", 2025, s) for s in ("min", "medio", "max")] == [11111] * 3
    ws = openpyxl.load_workbook(new, read_only=True)["DTV"]
    bron = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "dtv_caseload_start")
    assert "Realisatie 1 jan 2025 (DT&V jaarcijfers)" in bron


def test_partner_file_of_old_round_refused(rolled: tuple[Path, Path, str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """An IND file exported from the old master is not merged into the new one."""
    old, new, _ = rolled
    ind = tmp_path / "IND.xlsx"
    assert main(["exporteer-partner", str(old), "--partner", "IND", "-o", str(ind)]) == 0
    target = tmp_path / "nieuw.xlsm"
    shutil.copy(new, target)
    before = _sha(target)
    capsys.readouterr()
    assert main(["importeer-partner", str(target), str(ind)]) == 2
    err = capsys.readouterr().err
    assert "IND.xlsx" in err
    assert "geëxporteerd uit ronde 2024-2 (2024-2#" in err and "is ronde 2025-1 (2025-1#" in err
    assert _sha(target) == before
