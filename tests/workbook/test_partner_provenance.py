"""Round identity in partner files: the export records the master's round id
and input cells, ``mpp valideer PARTNERBESTAND`` shows the round, an import
from another round or master is refused naming both (unless --forceer), a
master without a round id follows the documented rule, and --forceer keeps
what the coordinator changed after the export unless asked explicitly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.workbook.partner_provenance import (
    NO_ROUND,
    decode_basis,
)
from mpp_xl.workbook.round_id import PROP_RONDE, PROP_RONDE_MASTER, round_id_of
from mpp_xl.workbook.xlsxio import Package
from tests.corpus.make_corpus import rezip

from .helpers import EXAMPLE_CSV, cell_of, edit_cells


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _props(path: Path) -> dict[str, str]:
    """Custom document properties, parsed here independently of mpp_xl."""
    raw = Package.open(path).parts["docProps/custom.xml"].decode()
    return dict(re.findall(r'name="([^"]+)"[^>]*>\s*<vt:lpwstr>([^<]*)<', raw))


def _export(capsys: pytest.CaptureFixture[str], master: Path, out: Path,
            partner: str = "COA") -> Path:
    rc, _, err = _run(capsys, "exporteer-partner", str(master), "--partner", partner, "-o",
                      str(out))
    assert rc == 0, err
    return out


def _value(path: Path, sheet: str, ref: str) -> object:
    return next(r.waarde for r in read_assumptions(path).rows if r.blad == sheet and r.cel == ref)


def _without_round(path: Path) -> None:
    """Make ``path`` a master built before round ids (no mpp_ronde)."""
    path.write_bytes(rezip(path.read_bytes(), {"docProps/custom.xml": lambda x: re.sub(
        rb'<property[^>]*name="mpp_ronde".*?</property>', b"", x, flags=re.S)}))
    assert round_id_of(Package.open(path)) is None


def test_export_records_round_and_exported_cells(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    props = _props(f)
    assert props[PROP_RONDE_MASTER] == _props(master)[PROP_RONDE]
    assert PROP_RONDE not in props  # a partner file is no master
    basis = decode_basis(props)
    assert basis is not None
    ws = openpyxl.load_workbook(master, keep_vba=True)["COA"]
    ref = cell_of(master, "COA", "coa_start_asielzoekers")
    assert basis[ref] == ("v", float(ws[ref].value))
    bron = "L" + ref[1:]
    assert ws["L6"].value == "Bron" and basis[bron] == ("v", ws[bron].value)
    assert all(len(v) <= 255 for v in props.values())  # Excel keeps up to 255 characters


def test_valideer_shows_the_round(master: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    rid = _props(master)[PROP_RONDE]
    rc, out, _ = _run(capsys, "valideer", str(f))
    assert rc == 0
    assert f"ronde 2024-2 ({rid})" in out and f"geëxporteerd uit {master.name}" in out
    assert "formule" not in out
    ref = cell_of(f, "COA", "coa_start_asielzoekers")
    edit_cells(f, "COA", {ref: (36900.0, "36000+900")})  # as Excel saves a typed formula
    rc, out, _ = _run(capsys, "valideer", str(f))
    assert rc == 0
    assert f"Let op: COA!{ref} bevat de formule =36000+900" in out and "alleen de waarde" in out


def test_file_from_another_round_is_refused_naming_both(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _export(capsys, master, tmp_path / "IND.xlsx", "IND")
    old_id = _props(master)[PROP_RONDE]
    csv = tmp_path / "aannames_2025-1.csv"
    csv.write_text(EXAMPLE_CSV.read_text(encoding="utf-8").replace("2024-2", "2025-1"),
                   encoding="utf-8")
    new = tmp_path / "nieuw" / "MPP_2025-1.xlsm"
    new.parent.mkdir()
    assert _run(capsys, "bouw", str(csv), "-o", str(new))[0] == 0
    new_id = _props(new)[PROP_RONDE]
    assert new_id.startswith("2025-1#")
    before = new.read_bytes()
    rc, out, err = _run(capsys, "importeer-partner", str(new), str(old))
    assert rc == 2, err
    assert f"ronde 2024-2 ({old_id}" in err and f"ronde 2025-1 ({new_id})" in err
    assert "IND.xlsx" in err and "niets samengevoegd" in err and "--forceer" in err
    assert new.read_bytes() == before
    assert not (new.parent / ".backup").exists()


def test_file_from_another_master_of_the_same_round(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "ander" / master.name  # same name, built again: another round id
    other.parent.mkdir()
    assert _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(other))[0] == 0
    f = _export(capsys, other, tmp_path / "COA.xlsx")
    ref = cell_of(f, "COA", "snijverlies")
    edit_cells(f, "COA", {ref: (0.2, None)})
    before = master.read_bytes()
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 2
    assert "andere master van ronde 2024-2" in err
    assert _props(other)[PROP_RONDE] in err and _props(master)[PROP_RONDE] in err
    assert master.read_bytes() == before
    # forced: the partner's change is taken, shown per cell
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f), "--forceer")
    assert rc == 0, err
    assert f"COA!{ref} snijverlies (alle, Alle jaren)" in out and "bestand 0,2" in out
    assert _value(master, "COA", ref) == 0.2


def test_master_without_round_id(master: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The documented rule: a file from a master without a round id records
    'geen' and matches only a master without one of the same file name."""
    _without_round(master)
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    assert _props(f)[PROP_RONDE_MASTER] == NO_ROUND
    rc, out, _ = _run(capsys, "valideer", str(f))
    assert rc == 0 and "master zonder ronde-id" in out
    ref = cell_of(f, "COA", "snijverlies")
    edit_cells(f, "COA", {ref: (0.2, None)})
    renamed = tmp_path / "andere_naam.xlsm"
    shutil.copy(master, renamed)
    before = renamed.read_bytes()
    rc, _, err = _run(capsys, "importeer-partner", str(renamed), str(f))
    assert rc == 2 and "bestandsnaam" in err and master.name in err
    assert renamed.read_bytes() == before
    with_round = tmp_path / "met_ronde" / master.name
    with_round.parent.mkdir()
    assert _run(capsys, "bouw", str(EXAMPLE_CSV), "-o", str(with_round))[0] == 0
    rc, _, err = _run(capsys, "importeer-partner", str(with_round), str(f))
    assert rc == 2 and "zonder ronde-id" in err
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert _value(master, "COA", ref) == 0.2


def test_forced_import_keeps_a_cell_both_changed_unless_asked(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    ref = cell_of(master, "COA", "snijverlies")
    other = cell_of(master, "COA", "vv_uitstroom_fractie")
    edit_cells(master, "COA", {ref: (0.12, None)})  # the coordinator, after the export
    edit_cells(f, "COA", {ref: (0.2, None), other: (0.09, None)})  # the partner
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 2 and "gewijzigd" in err
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f), "--forceer")
    assert rc == 0, err
    assert _value(master, "COA", ref) == 0.12 and _value(master, "COA", other) == 0.09
    assert f"COA!{ref} snijverlies (alle, Alle jaren): master 0,12 -> bestand 0,2" in err
    assert "én door de partner gewijzigd" in err
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f), "--forceer",
                        "--overschrijf-masterwijzigingen")
    assert rc == 0, err
    assert _value(master, "COA", ref) == 0.2


@pytest.mark.libreoffice
def test_partner_file_saved_by_libreoffice_imports_values(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real save by another program keeps the provenance (mpp_basis_*,
    mpp_ronde_master) and passes the package checks; a formula the partner
    typed arrives as its value."""
    from .test_libreoffice import _soffice

    f = _export(capsys, master, tmp_path / "COA.xlsx")
    ref = cell_of(f, "COA", "snijverlies")
    count = cell_of(f, "COA", "coa_start_asielzoekers")
    edit_cells(f, "COA", {ref: (0.2, None), count: (None, "36000+900")})
    saved = _soffice(tmp_path, f, "xlsx")  # LibreOffice computes and stores 36900
    props = _props(saved)
    assert props[PROP_RONDE_MASTER] == _props(master)[PROP_RONDE]
    assert decode_basis(props) == decode_basis(_props(f))
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(saved))
    assert rc == 0, err
    assert _value(master, "COA", ref) == 0.2 and _value(master, "COA", count) == 36900
    assert f"COA!{count}: de formule =36000+900 is niet overgenomen" in err
    ws = openpyxl.load_workbook(master, keep_vba=True)["COA"]
    assert ws[count].data_type == "n" and ws[count].value == 36900
