"""Every MPP_* function called as plain Python, with Excel-style arguments,
compared with the engine's own run of the same assumptions."""

from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest

import udfs.mpp_udfs as U
from mpp_xl import Forecast
from mpp_xl.analysis import model_cache
from mpp_xl.analysis.scenario_order import scenario_crossings
from mpp_xl.analysis.uncertainty import simulate
from mpp_xl.core.assumptions import fingerprint
from mpp_xl.core.series import SERIES

Blocks = dict[str, list[list[object]]]


def _model(blocks: Blocks) -> str:
    return U.MPP_MODEL(*blocks.values())


# --- catalogue -------------------------------------------------------------------
def test_catalogue_has_every_series_and_the_general_functions() -> None:
    want = {f"MPP_{k.upper()}" for k in SERIES} | {
        "MPP_MODEL", "MPP_WAARDE", "MPP_TABEL", "MPP_REEKSEN", "MPP_VINGERAFDRUK",
        "MPP_VALIDATIE", "MPP_BAND", "MPP_VARIANT"}
    assert set(U.CATALOGUE) == want
    for name, fn in U.CATALOGUE.items():
        assert getattr(U, name) is fn, name  # a real module-level function
        assert fn.__name__ == name and fn.__doc__


def test_series_function_signature() -> None:
    sig = inspect.signature(U.MPP_COA_BEZETTING)
    assert list(sig.parameters) == ["jaar", "scenario", "model"]
    assert sig.parameters["model"].default is None
    assert "COA-bezetting" in U.MPP_COA_BEZETTING.__doc__
    assert list(inspect.signature(U.MPP_MODEL).parameters) == ["bereiken"]
    assert inspect.signature(U.MPP_MODEL).parameters["bereiken"].kind is \
        inspect.Parameter.VAR_POSITIONAL


# --- MPP_MODEL ---------------------------------------------------------------------
def test_model_handle(example_blocks: Blocks, engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    assert h == f"MPP 2024-2 · {engine_forecast.fingerprint[:8]}"


def test_model_without_ranges_or_header() -> None:
    assert "heeft de bereiken" in U.MPP_MODEL()
    assert "geen parametertabel" in U.MPP_MODEL([[1.0, 2.0], [3.0, None]])
    assert U.MPP_MODEL("#REF!") == "#REF!"  # a broken range reference propagates


def test_model_accepts_numpy_blocks_like_formulas(example_blocks: Blocks,
                                                  engine_forecast: Forecast) -> None:
    arrays = [np.array(b, dtype=object) for b in example_blocks.values()]
    assert U.MPP_MODEL(*arrays).endswith(engine_forecast.fingerprint[:8])


def test_model_with_errors_gives_dutch_message_and_blocks_dependents(
        example_blocks: Blocks) -> None:
    bad = _break_first_number(example_blocks, "COA")
    h = U.MPP_MODEL(*bad.values())
    assert h.startswith("MPP-fout · 1 fout in de aannames")
    assert "Validatie" in h and "Vernieuwen" in h
    for v in (U.MPP_COA_BEZETTING(2026.0, "medio", h), U.MPP_COA_BEZETTING(2026.0, "medio"),
              U.MPP_TABEL("coa_bezetting", h), U.MPP_WAARDE("coa_bezetting", 2026, "min", h)):
        assert isinstance(v, str) and "1 fout" in v and "Validatie" in v
    counts = U.MPP_VALIDATIE(h)
    assert counts[0][0] == 1
    lijst = U.MPP_VALIDATIE(h, True)
    assert lijst[0][:3] == ["niveau", "blad", "cel"]
    assert lijst[1][0] == "fout" and lijst[1][1] == "COA"
    assert lijst[1][2].startswith(("E", "F", "G", "H", "I", "J"))  # a real cell, not A


def _break_first_number(blocks: Blocks, sheet: str) -> Blocks:
    b = copy.deepcopy(blocks)
    for row in b[sheet][6:]:
        for j in range(4, len(row)):
            if isinstance(row[j], float):
                row[j] = "veel"
                return b
    raise AssertionError("no number found")


def test_model_error_cell_names_sheet_and_row(example_blocks: Blocks) -> None:
    bad = _break_first_number(example_blocks, "IND")
    h = U.MPP_MODEL(*bad.values())
    row = next(i for i, r in enumerate(bad["IND"]) if "veel" in r) + 1  # 1-based
    col = "ABCDEFGHIJKLMNOP"[bad["IND"][row - 1].index("veel")]
    lijst = U.MPP_VALIDATIE(h, "ja")
    assert [r[1:3] for r in lijst[1:] if r[0] == "fout"] == [["IND", f"{col}{row}"]]


def test_error_cell_inside_parameter_block_is_reported_not_ignored(
        example_blocks: Blocks) -> None:
    b = _break_first_number(example_blocks, "DTV")
    for r in b["DTV"]:
        if "veel" in r:
            r[r.index("veel")] = "#DIV/0!"
    h = U.MPP_MODEL(*b.values())
    assert h.startswith("MPP-fout")
    assert any("#DIV/0!" in r[5] for r in U.MPP_VALIDATIE(h, 1)[1:])


# --- series functions ------------------------------------------------------------
@pytest.mark.parametrize("reeks", sorted(SERIES))
def test_every_series_function_equals_engine(reeks: str, example_blocks: Blocks,
                                             engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    fn = U.CATALOGUE[f"MPP_{reeks.upper()}"]
    for jaar in engine_forecast.years(reeks):
        for scen in ("min", "medio", "max"):
            want = engine_forecast.value(reeks, jaar, scen)
            assert fn(float(jaar), scen, h) == want
    assert fn(str(engine_forecast.years(reeks)[-1]), "Maximum") == \
        engine_forecast.value(reeks, engine_forecast.years(reeks)[-1], "max")


def test_series_excel_style_arguments(example_blocks: Blocks,
                                      engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    want = engine_forecast.value("coa_bezetting", 2026, "medio")
    for args in [(2026.0, "medio"), (2026, "Medio"), ("2026", " MEDIO "), ([[2026.0]], [["medio"]]),
                 (2026.0, "medio", None), (2026.0, "medio", ""), (2026.0, "medio", [[h]]),
                 (np.float64(2026), "medio", h)]:
        assert U.MPP_COA_BEZETTING(*args) == want, args
    assert U.MPP_COA_BEZETTING(2026, "minimum") == engine_forecast.value("coa_bezetting", 2026,
                                                                         "min")


def test_series_errors(example_blocks: Blocks) -> None:
    h = _model(example_blocks)
    assert U.MPP_COA_BEZETTING(2031.0, "medio", h) == \
        "Jaar 2031 bestaat niet voor coa_bezetting; kies 2024 t/m 2029."
    assert U.MPP_INSTROOM_TOTAAL(2029.0, "medio", h) == \
        "Jaar 2029 bestaat niet voor instroom_totaal; kies 2024 t/m 2028."
    assert U.MPP_COA_BEZETTING(2026.0, "gemiddeld", h) == \
        "Onbekend scenario 'gemiddeld'; kies min, medio of max."
    assert U.MPP_COA_BEZETTING(None, "medio", h).startswith("Geef een jaar op")
    assert U.MPP_COA_BEZETTING(2026.0, None, h).startswith("Geef een scenario op")
    assert U.MPP_COA_BEZETTING("#N/A", "medio", h) == "#N/A"
    assert U.MPP_COA_BEZETTING(2026.0, "#VALUE!", h) == "#VALUE!"
    assert U.MPP_COA_BEZETTING(2026.0, "medio", "#REF!") == "#REF!"
    assert "niet (meer) in het geheugen" in U.MPP_COA_BEZETTING(2026.0, "medio",
                                                                "MPP 2024-2 · 00000000")
    assert "geen model" in U.MPP_COA_BEZETTING(2026.0, "medio", "hallo")
    assert "geen bereik" in U.MPP_COA_BEZETTING([[2026.0, 2027.0]], "medio", h)


def test_series_without_any_model() -> None:
    msg = U.MPP_COA_BEZETTING(2026.0, "medio")
    assert msg.startswith("Nog geen model") and "MPP_MODEL" in msg


def test_series_without_model_uses_most_recent(example_blocks: Blocks) -> None:
    h1 = _model(example_blocks)
    changed = _break_first_number(example_blocks, "COA")
    for r in changed["COA"]:
        if "veel" in r:
            r[r.index("veel")] = 1.0  # a valid but different value
    h2 = U.MPP_MODEL(*changed.values())
    assert h1 != h2
    assert U.MPP_COA_BEZETTING(2027.0, "max") == U.MPP_COA_BEZETTING(2027.0, "max", h2)
    U.MPP_MODEL(*example_blocks.values())
    assert U.MPP_COA_BEZETTING(2027.0, "max") == U.MPP_COA_BEZETTING(2027.0, "max", h1)


# --- general functions -----------------------------------------------------------
def test_waarde(example_blocks: Blocks, engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    assert U.MPP_WAARDE("ind_werkvoorraad", 2025.0, "max", h) == \
        engine_forecast.value("ind_werkvoorraad", 2025, "max")
    assert U.MPP_WAARDE("MPP_IND_WERKVOORRAAD", "2025", "Maximum") == \
        engine_forecast.value("ind_werkvoorraad", 2025, "max")
    assert "Onbekende reeks" in U.MPP_WAARDE("ind_werkvoorrad", 2025.0, "max", h)
    assert U.MPP_WAARDE("#N/A", 2025.0, "max", h) == "#N/A"


def test_tabel(example_blocks: Blocks, engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    t = U.MPP_TABEL("coa_bezetting", h)
    years = engine_forecast.years("coa_bezetting")
    assert t[0] == ["jaar", "min", "medio", "max"]
    assert [r[0] for r in t[1:]] == years
    want = engine_forecast.table("coa_bezetting")
    assert np.array([r[1:] for r in t[1:]]).tolist() == want.to_numpy().tolist()
    flows = U.MPP_TABEL("instroom_totaal")
    assert len(flows) == 1 + len(engine_forecast.years("instroom_totaal"))
    assert "Onbekende reeks" in U.MPP_TABEL("nope", h)
    assert U.MPP_TABEL("#NAME?") == "#NAME?"


def test_reeksen() -> None:
    rows = U.MPP_REEKSEN()
    assert rows[0][:4] == ["reeks", "omschrijving", "soort", "eenheid"]
    assert [r[0] for r in rows[1:]] == list(SERIES)
    coa = next(r for r in rows if r[0] == "coa_bezetting")
    assert coa[1] == SERIES["coa_bezetting"].label and coa[-1] == "MPP_COA_BEZETTING"
    assert all(len(r) == len(rows[0]) for r in rows)


def test_vingerafdruk(example_blocks: Blocks, engine_forecast: Forecast) -> None:
    from mpp_xl.core.assumptions import Assumptions

    from .blocks import EXAMPLE_CSV

    resolved = Assumptions.from_csv(EXAMPLE_CSV).resolve()
    h = _model(example_blocks)
    assert U.MPP_VINGERAFDRUK("IND", h) == fingerprint(resolved, "IND")
    assert U.MPP_VINGERAFDRUK("coa") == fingerprint(resolved, "COA")
    assert U.MPP_VINGERAFDRUK("alle") == engine_forecast.fingerprint
    assert U.MPP_VINGERAFDRUK(None) == engine_forecast.fingerprint
    assert U.MPP_VINGERAFDRUK("IND") != U.MPP_VINGERAFDRUK("COA")
    assert "Onbekende partner" in U.MPP_VINGERAFDRUK("KNMI")
    assert U.MPP_VINGERAFDRUK("#N/A") == "#N/A"


def test_vingerafdruk_changes_only_for_changed_partner(example_blocks: Blocks) -> None:
    h1 = _model(example_blocks)
    before = {p: U.MPP_VINGERAFDRUK(p, h1) for p in ("IND", "COA", "DTV")}
    changed = _break_first_number(example_blocks, "COA")
    for r in changed["COA"]:
        if "veel" in r:
            r[r.index("veel")] = 2.0
    h2 = U.MPP_MODEL(*changed.values())
    after = {p: U.MPP_VINGERAFDRUK(p, h2) for p in before}
    assert after["COA"] != before["COA"]
    assert after["IND"] == before["IND"] and after["DTV"] == before["DTV"]


def test_validatie(example_blocks: Blocks, engine_forecast: Forecast) -> None:
    h = _model(example_blocks)
    # the assumptions' problems plus the scenario crossings of the results (warnings)
    problems = [*engine_forecast.problems, *scenario_crossings(engine_forecast)]
    n_err = sum(p.is_error for p in problems)
    n_warn = len(problems) - n_err
    assert U.MPP_VALIDATIE(h) == [[n_err, n_warn]]
    assert U.MPP_VALIDATIE() == [[n_err, n_warn]]
    lijst = U.MPP_VALIDATIE(h, True)
    assert len(lijst) == 1 + max(1, len(problems))
    assert "WAAR of ONWAAR" in U.MPP_VALIDATIE(h, "soms")


def test_validatie_lists_warnings(example_blocks: Blocks) -> None:
    # max below medio in a scenario-ordered driver -> a warning, still computed
    b = copy.deepcopy(example_blocks)
    rows = {r[3]: r for r in b["DGM-APM"] if r and r[0] == "eerste_aanvragen"}
    rows["max"][5] = rows["min"][5] / 2
    h = U.MPP_MODEL(*b.values())
    assert h.startswith("MPP 2024-2 · ")
    n_err, n_warn = U.MPP_VALIDATIE(h)[0]
    assert n_err == 0 and n_warn >= 1
    assert any(r[0] == "waarschuwing" and r[4] == "scenariovolgorde"
               for r in U.MPP_VALIDATIE(h, True)[1:])


def test_band(example_blocks: Blocks) -> None:
    h = _model(example_blocks)
    m = model_cache.get(h)
    bands = simulate(m.resolved, percentiles=[12.5, 50, 67, 87.5])
    assert U.MPP_BAND("coa_bezetting", 2026.0, 87.5, h) == bands.value("coa_bezetting", 2026,
                                                                       87.5)
    assert U.MPP_BAND("coa_bezetting", "2026", "P12,5") == bands.value("coa_bezetting", 2026,
                                                                       12.5)
    lo, hi = U.MPP_BAND("coa_bezetting", 2027, 12.5), U.MPP_BAND("coa_bezetting", 2027, 0.875)
    assert lo < hi
    assert "Ongeldig percentiel" in U.MPP_BAND("coa_bezetting", 2026, 150, h)
    assert "bestaat niet" in U.MPP_BAND("coa_bezetting", 2040, 50, h)
    assert U.MPP_BAND("coa_bezetting", 2026, "#N/A", h) == "#N/A"


def test_variant(example_blocks: Blocks) -> None:
    """MPP_VARIANT reads the variants the refresh stored for the model; values equal
    the ordinary engine on the changed assumptions."""
    from mpp_xl.analysis import variant_cache
    from mpp_xl.analysis.forecast import run_resolved
    from mpp_xl.analysis.variants import run_variant_rows
    from mpp_xl.core.variants import VariantRow, apply_variant

    h = _model(example_blocks)
    m = model_cache.get(h)
    variant_cache.clear()
    assert "Geen varianten" in U.MPP_VARIANT("coa_bezetting", 2027, "medio", "x", h)
    rows = [VariantRow("meer IND", "ind_capaciteit", "alle", "", "+", 5000)]
    res = run_variant_rows(m.resolved, rows)
    variant_cache.store(m.fingerprint, res)
    by_hand = run_resolved(apply_variant(m.resolved, res.variants[0]))
    assert U.MPP_VARIANT("coa_bezetting", 2027.0, "Medio", "meer IND", h) == \
        by_hand.value("coa_bezetting", 2027, "medio")
    assert U.MPP_VARIANT("ind_werkvoorraad", "2026", "max", " meer IND ") == \
        by_hand.value("ind_werkvoorraad", 2026, "max")
    assert U.MPP_VARIANT("coa_bezetting", 2027, "medio", "basis", h) == \
        m.forecast.value("coa_bezetting", 2027, "medio")
    assert by_hand.value("ind_werkvoorraad", 2026, "max") != \
        m.forecast.value("ind_werkvoorraad", 2026, "max")
    assert "Onbekende variant" in U.MPP_VARIANT("coa_bezetting", 2027, "medio", "geen", h)
    assert "bestaat niet" in U.MPP_VARIANT("instroom_totaal", 2029, "medio", "meer IND", h)
    assert U.MPP_VARIANT("coa_bezetting", "#N/A", "medio", "meer IND", h) == "#N/A"
    variant_cache.clear()


def test_unexpected_exception_is_a_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                           example_blocks: Blocks) -> None:
    _model(example_blocks)

    def boom(*a: object) -> None:
        raise ZeroDivisionError("kapot")

    monkeypatch.setattr(model_cache, "lookup", boom)
    v = U.MPP_VALIDATIE()
    assert v.startswith("Onverwachte fout in MPP_VALIDATIE (ZeroDivisionError")
