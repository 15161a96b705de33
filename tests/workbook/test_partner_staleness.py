"""Stale partner files, lock-file advice and consistent messages of the
workbook commands.

An older partner export must not silently revert newer changes in the
master: the export stores the master's fingerprint of the partner's sheet,
the import refuses when it no longer matches (unless --forceer), and a file
whose inputs the master already holds is recognised as "niets gewijzigd".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import python_calamine as pc

from mpp_xl.api import read_assumptions
from mpp_xl.cli import main as cli
from mpp_xl.workbook import sheets as S
from mpp_xl.workbook.partner_io import PROP_EXPORT, PROP_FINGERPRINT, master_sheet_fingerprint
from mpp_xl.workbook.signoff import status
from mpp_xl.workbook.xlsxio import Package

from .helpers import cell_of, edit_cells


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli(list(argv))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _export(capsys: pytest.CaptureFixture[str], master: Path, out: Path,
            partner: str = "COA") -> Path:
    rc, _, err = _run(capsys, "exporteer-partner", str(master), "--partner", partner,
                      "-o", str(out))
    assert rc == 0, err
    return out


def _props(path: Path) -> dict[str, str]:
    """Custom document properties, parsed here independently of partner_io."""
    raw = Package.open(path).parts["docProps/custom.xml"].decode()
    return dict(re.findall(r'name="([^"]+)"[^>]*>\s*<vt:lpwstr>([^<]*)<', raw))


def _value(path: Path, sheet: str, ref: str) -> object:
    return next(r.waarde for r in read_assumptions(path).rows if r.blad == sheet and r.cel == ref)


def _logboek(path: Path) -> list[list[object]]:
    rows = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.LOGBOEK).to_python()
    return [r for r in rows[S.LOG_HEADER_ROW:] if r and r[0]]


def _backups(master: Path) -> list[Path]:
    d = master.parent / ".backup"
    return sorted(d.glob(f"{master.stem}.*{master.suffix}")) if d.exists() else []


# --- the fingerprint stored at export -------------------------------------------------
def test_export_stores_the_masters_fingerprint_of_the_partner(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    props = _props(f)
    assert props[PROP_FINGERPRINT] == read_assumptions(master).fingerprint("COA")
    assert props[PROP_FINGERPRINT] != read_assumptions(master).fingerprint("IND")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", props[PROP_EXPORT])


def test_sheet_fingerprint_ignores_errors_on_other_sheets(master: Path) -> None:
    want = read_assumptions(master).fingerprint("COA")
    edit_cells(master, "IND", {cell_of(master, "IND", "beslistermijn_maanden"): ("x", None)})
    _, resolved = read_assumptions(master).check()
    assert resolved is None  # the master as a whole has an error now
    assert master_sheet_fingerprint(master.read_bytes(), master.name, "COA") == want


# --- an older export is refused ---------------------------------------------------------
def test_older_export_does_not_revert_a_newer_import(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _export(capsys, master, tmp_path / "COA_oud.xlsx")
    new = _export(capsys, master, tmp_path / "COA_nieuw.xlsx")
    ref = cell_of(master, "COA", "snijverlies")
    other = cell_of(master, "COA", "vv_uitstroom_fractie")
    orig = _value(master, "COA", ref)
    assert orig != 0.2
    edit_cells(new, "COA", {ref: (0.2, None)})
    assert _run(capsys, "importeer-partner", str(master), str(new))[0] == 0
    assert _value(master, "COA", ref) == 0.2
    edit_cells(old, "COA", {other: (0.09, None)})  # the old file carries the old ref value
    before = master.read_bytes()
    n_backups = len(_backups(master))
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(old))
    assert rc == 2
    exported = _props(old)[PROP_EXPORT]
    assert exported in err
    assert "COA_oud.xlsx is geëxporteerd op" in err
    assert "invoer van COA" in err and "gewijzigd" in err and "eerdere import" in err
    assert "mpp exporteer-partner" in err and "--forceer" in err
    assert "Traceback" not in err and not out
    assert master.read_bytes() == before
    assert len(_backups(master)) == n_backups
    # --forceer: the partner's change is taken, the coordinator's newer value
    # is kept (and listed per cell), logged as such
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(old), "--forceer")
    assert rc == 0, err
    assert "--forceer" in err
    assert _value(master, "COA", ref) == 0.2
    assert _value(master, "COA", other) == 0.09
    assert f"COA!{other} vv_uitstroom_fractie (alle, Alle jaren)" in out
    assert f"COA!{ref} snijverlies (alle, Alle jaren): master 0,2" in err
    assert "na de export in de master gewijzigd" in err
    assert "--forceer" in str(_logboek(master)[-1][4])
    # asked explicitly: the file's value overwrites the coordinator's change
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(old), "--forceer",
                        "--overschrijf-masterwijzigingen")
    assert rc == 0, err
    assert _value(master, "COA", ref) == orig
    assert f"COA!{ref} snijverlies" in out and "--overschrijf-masterwijzigingen" in out


def test_edit_in_the_master_since_export_is_refused(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    edit_cells(master, "COA", {cell_of(master, "COA", "snijverlies"): (0.12, None)})
    edit_cells(f, "COA", {cell_of(f, "COA", "vv_uitstroom_fractie"): (0.09, None)})
    before = master.read_bytes()
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 2
    assert "gewijzigd" in err and "--forceer" in err
    assert master.read_bytes() == before


def test_a_changed_other_partner_does_not_block(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    edit_cells(master, "IND", {cell_of(master, "IND", "beslistermijn_maanden"): (7.0, None)})
    ref = cell_of(f, "COA", "snijverlies")
    edit_cells(f, "COA", {ref: (0.2, None)})
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "Let op" not in err
    assert _value(master, "COA", ref) == 0.2
    assert _value(master, "IND", cell_of(master, "IND", "beslistermijn_maanden")) == 7.0


# --- importing the same file twice ------------------------------------------------------
def test_second_import_of_the_same_file_changes_nothing(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.2, None)})
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "niets gewijzigd" not in out
    before = master.read_bytes()
    n_backups, n_log = len(_backups(master)), len(_logboek(master))
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "niets gewijzigd" in out and "COA.xlsx" in out
    assert "Fout" not in err and "Let op" not in err
    assert master.read_bytes() == before
    assert len(_backups(master)) == n_backups
    assert len(_logboek(master)) == n_log


def test_second_import_takes_over_a_sign_off_added_since(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.2, None)})
    assert _run(capsys, "importeer-partner", str(master), str(f))[0] == 0
    assert not status(master)["partners"]["COA"]["signed"]
    assert _run(capsys, "vaststellen", str(f), "--partner", "COA", "--naam", "Piet",
                "--datum", "2024-06-10")[0] == 0
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0, err
    assert "overgenomen" in out and "niets gewijzigd" not in out
    st = status(master)["partners"]["COA"]
    assert st["valid"] and st["name"] == "Piet" and st["date"] == "2024-06-10"
    rc, out, _ = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 0 and "niets gewijzigd" in out and "al overgenomen" in out


# --- files exported before the fingerprint existed ---------------------------------------
def test_file_without_stored_fingerprint_is_refused_unless_forced(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    pkg = Package.open(f)
    part = "docProps/custom.xml"
    xml = re.sub(rb'<property[^>]*name="' + PROP_FINGERPRINT.encode() + rb'".*?</property>',
                 b"", pkg.parts[part])
    assert xml != pkg.parts[part]
    f.write_bytes(pkg.to_bytes({part: xml}))
    assert PROP_FINGERPRINT not in _props(f)
    changed = cell_of(master, "COA", "vv_uitstroom_fractie")
    edit_cells(master, "COA", {changed: (0.09, None)})
    ref = cell_of(f, "COA", "snijverlies")
    edit_cells(f, "COA", {ref: (0.2, None)})
    before = master.read_bytes()
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f))
    assert rc == 2, err
    assert "onvolledig" in err and PROP_FINGERPRINT in err and "--forceer" in err
    assert master.read_bytes() == before
    # forced: the exported cells (mpp_basis) still tell the coordinator's change apart
    rc, out, err = _run(capsys, "importeer-partner", str(master), str(f), "--forceer")
    assert rc == 0, err
    assert _value(master, "COA", ref) == 0.2
    assert _value(master, "COA", changed) == 0.09
    assert "COA samengevoegd" in out


@pytest.mark.libreoffice
def test_fingerprint_survives_a_save_by_libreoffice(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .test_libreoffice import _soffice

    f = _export(capsys, master, tmp_path / "COA.xlsx")
    saved = _soffice(tmp_path, f, "xlsx")
    assert _props(saved)[PROP_FINGERPRINT] == _props(f)[PROP_FINGERPRINT]
    edit_cells(master, "COA", {cell_of(master, "COA", "snijverlies"): (0.12, None)})
    edit_cells(saved, "COA", {cell_of(saved, "COA", "vv_uitstroom_fractie"): (0.09, None)})
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(saved))
    assert rc == 2 and "--forceer" in err


# --- lock files ---------------------------------------------------------------------------
@pytest.mark.parametrize(("lock", "program"), [("~${}", "Excel"), (".~lock.{}#", "LibreOffice")])
def test_lock_file_message_explains_a_stale_lock(
        master: Path, capsys: pytest.CaptureFixture[str], lock: str, program: str) -> None:
    name = lock.format(master.name)
    (master.parent / name).write_bytes(b"")
    before = master.read_bytes()
    for argv in (["ververs", str(master)],
                 ["vaststellen", str(master), "--partner", "IND", "--naam", "X"]):
        rc, _, err = _run(capsys, *argv)
        assert rc == 2, argv
        assert "geopend in Excel of LibreOffice" in err
        assert f"Is de werkmap niet open? Dan is {name} een restant van een afgebroken " \
               f"{program}-sessie; verwijder dat bestand" in err
        assert "probeer opnieuw" in err
    assert master.read_bytes() == before
    (master.parent / name).unlink()
    assert _run(capsys, "ververs", str(master))[0] == 0


# --- consistent messages: master and partner file mixed up ---------------------------------
def test_partner_file_where_the_master_is_expected(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    before = f.read_bytes()
    rc, _, err = _run(capsys, "ververs", str(f))
    assert rc == 2
    assert "COA.xlsx is een partnerbestand; 'mpp ververs' werkt op de masterwerkmap" in err
    assert "mpp importeer-partner" in err and "bouw de werkmap opnieuw" not in err
    rc, _, err = _run(capsys, "status", str(f))
    assert rc == 2 and "'mpp status' werkt op de masterwerkmap" in err
    rc, _, err = _run(capsys, "importeer-partner", str(f), str(master))  # swapped
    assert rc == 2
    assert "'mpp importeer-partner' werkt op de masterwerkmap" in err
    assert "eerst de master, dan het partnerbestand" in err
    assert "'mpp status'" not in err
    rc, _, err = _run(capsys, "importeer-partner", str(master), str(master))
    assert rc == 2 and "masterwerkmap, geen partnerbestand" in err
    assert f.read_bytes() == before


def test_export_does_not_overwrite_a_partner_file_without_overschrijf(
        master: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _export(capsys, master, tmp_path / "COA.xlsx")
    edit_cells(f, "COA", {cell_of(f, "COA", "snijverlies"): (0.2, None)})  # partner's work
    filled = f.read_bytes()
    rc, _, err = _run(capsys, "exporteer-partner", str(master), "--partner", "COA", "-o", str(f))
    assert rc == 2 and "bestaat al" in err and "--overschrijf" in err
    assert f.read_bytes() == filled
    rc, out, err = _run(capsys, "exporteer-partner", str(master), "--partner", "COA", "-o", str(f),
                        "--overschrijf")
    assert rc == 0, err
    kept = list((tmp_path / ".backup").glob("COA.*.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes() == filled
    assert kept[0].name in out
    assert f.read_bytes() != filled


def test_status_names_errors_as_the_reason_a_sign_off_is_void(
        master: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "vaststellen", str(master), "--partner", "COA", "--naam", "A",
                "--datum", "2024-06-10")[0] == 0
    edit_cells(master, "IND", {cell_of(master, "IND", "beslistermijn_maanden"): ("x", None)})
    rc, out, _ = _run(capsys, "status", str(master))
    assert rc == 0
    assert re.search(r"Status MPP: concept \(\d+ fout\(en\) in de aannames; zie mpp valideer",
                     out)
    assert "VERVALLEN (vastgesteld door A op 2024-06-10; de aannames bevatten fouten)" in out
