"""Assumptions: CSV round trip, lookup rules and every validation rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mpp_xl import Assumptions, ValidationError, read_assumptions
from mpp_xl.core.assumptions import COLUMNS, Row
from mpp_xl.core.registry import PARAMETERS, SCENARIOS
from tests.conftest import EXAMPLE_CSV


@pytest.fixture(scope="module")
def example() -> Assumptions:
    return read_assumptions(EXAMPLE_CSV)


def with_rows(base: Assumptions, drop: str | None = None, add: list[Row] = ()) -> Assumptions:
    rows = [r for r in base.rows if drop is None or r.parameter != drop]
    return Assumptions([*rows, *add])


def errors(a: Assumptions) -> list:
    return [p for p in a.validate() if p.is_error]


def test_example_is_valid(example: Assumptions) -> None:
    assert errors(example) == []


def test_csv_round_trip(example: Assumptions, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    example.to_csv(out)
    again = read_assumptions(out)
    pd.testing.assert_frame_equal(again.to_frame(), example.to_frame())
    assert again.fingerprint() == example.fingerprint()
    out2 = tmp_path / "b.csv"
    again.to_csv(out2)
    assert out2.read_text() == out.read_text()
    assert out.read_text().splitlines()[0] == "parameter,scenario,jaar,waarde,bron"
    assert "\nstartjaar,alle,,2024,Publicatie MPP 2024-2" in out.read_text()
    assert [r.bron for r in again.rows] == [r.bron for r in example.rows]


def test_alle_holds_unless_a_scenario_overrides(example: Assumptions) -> None:
    a = with_rows(example, drop="herhaalde_aanvragen", add=[
        Row("herhaalde_aanvragen", "alle", None, 1000),
        Row("herhaalde_aanvragen", "Maximum", None, 3000),
    ])
    v = a.resolve().values["herhaalde_aanvragen"]
    assert v.shape == (3, 5)
    np.testing.assert_array_equal(v[:2], 1000)
    np.testing.assert_array_equal(v[2], 3000)


def test_missing_year_takes_default_or_is_error(example: Assumptions) -> None:
    a = with_rows(example, drop="hervestiging", add=[Row("hervestiging", "alle", 2024, 500)])
    v = a.resolve().values["hervestiging"]
    np.testing.assert_array_equal(v[:, 0], 500)
    np.testing.assert_array_equal(v[:, 1:], PARAMETERS["hervestiging"].default)
    b = with_rows(example, drop="ind_capaciteit",
                  add=[Row("ind_capaciteit", "alle", 2024, 50000)])
    (p,) = [p for p in errors(b)]
    assert p.regel == "ontbreekt" and "2025, 2026, 2027, 2028" in p.melding


def _one_error(a: Assumptions, regel: str) -> str:
    es = errors(a)
    assert [e.regel for e in es] == [regel], [e.as_text() for e in es]
    return es[0].melding


@pytest.mark.parametrize(("rows", "drop", "regel", "fragment"), [
    ([Row("onzin_parameter", "alle", None, 1)], None, "onbekende_parameter", "onzin_parameter"),
    ([], "ind_capaciteit", "ontbreekt", "Verplichte parameter"),
    ([Row("snijverlies", "medio", 2025, 0.9)], None, "buiten_grenzen", "tussen 0 en 0,5"),
    ([Row("herhaalde_aanvragen", "min", 2025, -5)], None, "buiten_grenzen", "minimaal 0"),
    ([Row("nareis_vertraging_maanden", "medio", None, 0)], "nareis_vertraging_maanden",
     "buiten_grenzen", "tussen 1 en 36"),
    ([Row("nareis_vertraging_maanden", "alle", None, 2.5)], "nareis_vertraging_maanden",
     "geen_geheel_getal", "geheel getal"),
    ([Row("hervestiging", "alle", 2026, "n.v.t.")], "hervestiging", "geen_getal", "'n.v.t.'"),
    ([Row("hervestiging", "alle", 2026, "")], "hervestiging", "geen_getal", "leeg"),
    ([Row("hervestiging", "hoog-laag", 2026, 5)], None, "onbekend_scenario", "hoog-laag"),
    ([Row("hervestiging", "alle", 2031, 5)], "hervestiging", "jaar_buiten_horizon", "2031"),
    ([Row("hervestiging", "alle", "volgend jaar", 5)], None, "ongeldig_jaar", "volgend jaar"),
    ([Row("dtv_caseload_start", "alle", 2025, 5)], "dtv_caseload_start",
     "jaar_bij_enkele_waarde", "zonder jaar"),
    ([Row("startjaar", "medio", None, 2024)], None, "scenario_niet_toegestaan", "alle"),
    ([Row("eindjaar", "alle", None, 2045)], "eindjaar", "horizon", "15 jaar"),
    ([Row("hervestiging", "alle", None, 5), Row("hervestiging", "alle", 2025, 5)], "hervestiging",
     "jaar_en_geen_jaar", "zowel per jaar als zonder jaar"),
])
def test_each_rule_gives_its_dutch_message(example: Assumptions, rows: list[Row],
                                           drop: str | None, regel: str, fragment: str) -> None:
    assert fragment in _one_error(with_rows(example, drop=drop, add=rows), regel)


def test_duplicate_rows_are_errors_even_when_equal(example: Assumptions) -> None:
    dup = [r for r in example.rows if r.parameter == "dtv_caseload_start"]
    a = with_rows(example, add=dup)
    assert "staat dubbel" in _one_error(a, "dubbele_rij")


def test_all_problems_are_collected_at_once(example: Assumptions) -> None:
    a = with_rows(example, drop="ind_capaciteit", add=[
        Row("onzin", "alle", None, 1), Row("snijverlies", "medio", 2025, 2),
        Row("hervestiging", "x", 2025, 1),
    ])
    assert sorted(p.regel for p in errors(a)) == sorted(
        ["onbekende_parameter", "buiten_grenzen", "onbekend_scenario", "ontbreekt"])
    with pytest.raises(ValidationError) as e:
        a.resolve()
    assert "4 fout(en)" in str(e.value)


def test_problem_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)[list(COLUMNS)]
    df.loc[len(df)] = ["snijverlies", "max", "2027", "0,9"]
    df.to_csv(p, index=False)
    (e,) = errors(read_assumptions(p))
    assert e.blad == "x.csv" and e.cel == f"regel {len(df) + 1}" and e.regel == "geen_getal"


def test_warnings_scenario_order_and_jump(example: Assumptions) -> None:
    a = with_rows(example, drop="herhaalde_aanvragen", add=[
        *(Row("herhaalde_aanvragen", s, None, v) for s, v in zip(SCENARIOS, (3000, 2000, 4000))),
    ])
    ws = [p for p in a.validate() if not p.is_error]
    assert any(w.regel == "scenariovolgorde" and w.parameter == "herhaalde_aanvragen" for w in ws)
    assert errors(a) == []
    b = with_rows(example, drop="overdrachten_dtv", add=[
        Row("overdrachten_dtv", "alle", y, v) for y, v in
        zip(range(2024, 2029), (6000, 6000, 12000, 12000, 12000))])
    jumps = [p for p in b.validate() if p.regel == "jaarsprong"]
    # the same jump in every scenario (an 'alle' row) is reported once
    assert [(w.scenario, w.jaar) for w in jumps] == [("alle", 2026)]
    assert "alle scenario's: van 6.000 in 2025 naar 12.000 in 2026" in jumps[0].melding
    c = with_rows(example, drop="overdrachten_dtv", add=[
        *(Row("overdrachten_dtv", "alle", y, 6000) for y in range(2024, 2029)),
        Row("overdrachten_dtv", "max", 2027, 20000)])
    jumps_c = [p for p in c.validate() if p.regel == "jaarsprong"]
    # only max jumps (up in 2027, down in 2028)
    assert [(w.scenario, w.jaar) for w in jumps_c] == [("max", 2027), ("max", 2028)]


def test_dutch_excel_csv_and_suspicious_thousands(tmp_path: Path) -> None:
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)[list(COLUMNS)]
    semi = tmp_path / "nl.csv"
    nl = df.copy()
    nl["waarde"] = nl["waarde"].str.replace(".", ",", regex=False)
    nl.to_csv(semi, sep=";", index=False)
    a = read_assumptions(semi)
    assert errors(a) == []
    assert a.fingerprint() == read_assumptions(EXAMPLE_CSV).fingerprint()
    # in a ';' file a '.' is ambiguous: reported, not guessed
    nl.loc[len(nl)] = ["herhaalde_aanvragen", "max", "", "1.600"]
    nl.to_csv(semi, sep=";", index=False)
    es = errors(read_assumptions(semi))
    assert [e.regel for e in es] == ["geen_getal"] and "dubbelzinnig" in es[0].melding
    # in the ',' machine format "64.200" for a count is a thousands figure: refused, with the fix
    dot = tmp_path / "dot.csv"
    df.loc[len(df)] = ["bezwaar_werkvoorraad_start", "max", "", "64.200"]
    df = df[~((df.parameter == "bezwaar_werkvoorraad_start") & (df.scenario == "alle"))]
    df.to_csv(dot, index=False)
    es = errors(read_assumptions(dot))
    assert [e.regel for e in es] == ["duizendtal_punt"]
    assert "schrijf 64200" in es[0].melding and es[0].cel == f"regel {len(df) + 1}"


def test_unknown_parameter_suggests_the_near_one(example: Assumptions) -> None:
    a = with_rows(example, add=[Row("ind_capacitiet", "alle", 2025, 5)])
    assert "Bedoelt u 'ind_capaciteit'?" in errors(a)[0].melding


def test_fingerprint_per_sheet_changes_only_for_that_sheet(example: Assumptions) -> None:
    changed = with_rows(example, drop="dtv_caseload_start",
                        add=[Row("dtv_caseload_start", "alle", None, 12345)])
    assert changed.fingerprint("DTV") != example.fingerprint("DTV")
    assert changed.fingerprint("IND") == example.fingerprint("IND")
    assert changed.fingerprint() != example.fingerprint()


def test_naming_the_previous_mpp_is_not_an_assumption(example: Assumptions) -> None:
    from mpp_xl.analysis.compare import changed_assumptions

    a = with_rows(example, add=[Row("vorige_mpp", "alle", None, "mpp_2024_1.xlsm")])
    assert a.resolve().text["vorige_mpp"] == "mpp_2024_1.xlsm"
    assert a.fingerprint() == example.fingerprint()
    assert a.fingerprint("Kader") == example.fingerprint("Kader")
    assert changed_assumptions(example.resolve(), a.resolve()).empty
    b = with_rows(example, drop="peildatum", add=[Row("peildatum", "alle", None, "2024-07-01")])
    assert b.fingerprint("Kader") != example.fingerprint("Kader")


@pytest.mark.parametrize(("key", "text", "fix"), [
    ("eerste_aanvragen", "42.000", "42000"),       # per jaar
    ("taakstelling_h1", "12.500", "12500"),        # per halfjaar
    ("coa_start_overig", "1.234.567", "1234567"),  # aantal
    ("mc_trekkingen", "10.000", "10000"),          # aantal, with bounds 100..1.000.000
])
def test_thousands_dot_in_a_count_is_an_error_with_the_fix(example: Assumptions, key: str,
                                                          text: str, fix: str) -> None:
    a = with_rows(example, drop=key, add=[Row(key, "alle", None, text)])
    es = errors(a)
    assert [e.regel for e in es] == ["duizendtal_punt"]
    assert es[0].parameter == key and f"schrijf {fix}" in es[0].melding
    with pytest.raises(ValidationError):
        a.resolve()
    # the same figure without the dot is fine
    assert errors(with_rows(example, drop=key, add=[Row(key, "alle", None, fix)])) == []


@pytest.mark.parametrize(("key", "text", "warned"), [
    ("mc_zaad", "1.000", True),                # seed 1 or 1000: both possible, warn
    ("nareis_ratio", "1.200", False),          # 1200 per inwilliging is out of bounds: 1,2
    ("beslistermijn_maanden", "6.000", False),  # 6000 maanden is out of bounds: 6
    ("snijverlies", "0.150", False),           # a fraction: a decimal point, nothing to say
    ("eerste_aanvragen", "42000.5", False),    # not a thousands pattern
])
def test_thousands_like_values_outside_counts_only_warn(example: Assumptions, key: str,
                                                        text: str, warned: bool) -> None:
    a = with_rows(example, drop=key, add=[Row(key, "alle", None, text)])
    assert not any(e.regel == "duizendtal_punt" for e in errors(a))
    ws = [p for p in a.validate() if p.regel == "verdacht_duizendtal"]
    assert len(ws) == (1 if warned else 0)
    if warned:
        assert not ws[0].is_error and text.replace(".", "") in ws[0].melding


def test_year_and_no_year_names_both_cells_and_the_fix(example: Assumptions) -> None:
    """A partner fills G10 (2026) while E10 (Alle jaren) holds a value: the
    message names E10 and G10 and says how to fix it."""
    a = with_rows(example, drop="hervestiging", add=[
        Row("hervestiging", "medio", None, 500, blad="COA", cel="E10"),
        Row("hervestiging", "medio", 2026, 600, blad="COA", cel="G10"),
        Row("hervestiging", "medio", 2027, 600, blad="COA", cel="H10"),
    ])
    (e,) = [p for p in errors(a) if p.regel == "jaar_en_geen_jaar"]
    assert (e.blad, e.cel) == ("COA", "E10")
    assert "E10 (Alle jaren)" in e.melding and "G10 (2026)" in e.melding
    assert "maak E10 leeg en vul elk jaar, of maak de jaarcellen leeg" in e.melding


def test_year_and_no_year_in_csv_names_both_lines(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    df = pd.read_csv(EXAMPLE_CSV, dtype=str, keep_default_na=False)[list(COLUMNS)]
    first = df[(df["parameter"] == "hervestiging") & (df["jaar"] != "")].iloc[0]
    line = int(first.name) + 2  # header is line 1
    df.loc[len(df)] = ["hervestiging", "alle", "", "500"]
    df.to_csv(p, index=False)
    (e,) = errors(read_assumptions(p))
    assert e.regel == "jaar_en_geen_jaar" and e.cel == f"regel {len(df) + 1}"
    assert f"regel {len(df) + 1} (zonder jaar)" in e.melding
    assert f"regel {line} ({first['jaar']})" in e.melding
    assert f"verwijder regel {len(df) + 1}" in e.melding.lower()
