"""The model cache: one engine run per distinct content, bounded, handles."""

from __future__ import annotations

import copy

import pytest

import udfs.mpp_udfs as U
from mpp_xl.analysis import model_cache
from mpp_xl.core.assumptions import Assumptions
from mpp_xl.io.grid import ArgError
from mpp_xl.workbook.layout import rows_from_sheet_blocks

from .blocks import EXAMPLE_CSV, blocks_from_csv

Blocks = dict[str, list[list[object]]]


def _with_value(blocks: Blocks, value: float) -> Blocks:
    """A copy in which the first COA number is replaced by ``value``."""
    b = copy.deepcopy(blocks)
    for row in b["COA"][6:]:
        for j in range(4, len(row)):
            if isinstance(row[j], float):
                row[j] = value
                return b
    raise AssertionError


def test_unchanged_inputs_do_not_rerun(example_blocks: Blocks) -> None:
    h1 = U.MPP_MODEL(*example_blocks.values())
    h2 = U.MPP_MODEL(*copy.deepcopy(list(example_blocks.values())))
    assert h1 == h2
    assert model_cache.stats["engine_runs"] == 1
    assert model_cache.stats["raw_hits"] == 1


def test_changed_inputs_rerun(example_blocks: Blocks) -> None:
    h1 = U.MPP_MODEL(*example_blocks.values())
    h2 = U.MPP_MODEL(*_with_value(example_blocks, 3.0).values())
    assert h1 != h2 and model_cache.stats["engine_runs"] == 2


def test_same_values_other_types_reuse_the_model(example_blocks: Blocks) -> None:
    # ints instead of floats (Office.js), sheets in another order: other raw hash,
    # same resolved fingerprint -> no second engine run
    h1 = U.MPP_MODEL(*example_blocks.values())
    ints = blocks_from_csv(EXAMPLE_CSV, year_as_float=False)
    h2 = U.MPP_MODEL(*reversed(list(ints.values())))
    assert h1 == h2
    assert model_cache.stats["engine_runs"] == 1
    assert model_cache.stats["fingerprint_hits"] == 1


def test_cache_is_bounded(example_blocks: Blocks) -> None:
    handles = [U.MPP_MODEL(*_with_value(example_blocks, float(i + 1)).values())
               for i in range(model_cache.MAX_MODELS + 3)]
    assert len(set(handles)) == len(handles)
    assert len(model_cache._models) == model_cache.MAX_MODELS
    # the oldest are gone (a clear message), the newest answer
    assert "niet (meer) in het geheugen" in U.MPP_COA_BEZETTING(2026, "medio", handles[0])
    assert isinstance(U.MPP_COA_BEZETTING(2026, "medio", handles[-1]), float)
    # asking for an evicted content again recomputes it
    runs = model_cache.stats["engine_runs"]
    assert U.MPP_MODEL(*_with_value(example_blocks, 1.0).values()) == handles[0]
    assert model_cache.stats["engine_runs"] == runs + 1


def test_model_from_assumptions_becomes_current(engine_forecast: object) -> None:
    entry = model_cache.model_from_assumptions(Assumptions.from_csv(EXAMPLE_CSV))
    assert isinstance(entry, model_cache.Model)
    assert model_cache.current() is entry
    assert U.MPP_NIDOS_CASELOAD(2027.0, "min") == \
        engine_forecast.value("nidos_caseload", 2027, "min")  # type: ignore[attr-defined]


def test_lookup_messages() -> None:
    with pytest.raises(ArgError, match="Nog geen model"):
        model_cache.get(None)
    with pytest.raises(ArgError, match="is geen model"):
        model_cache.get(12.0)


def test_owner_sheet_inferred_from_keys(example_blocks: Blocks) -> None:
    rows = rows_from_sheet_blocks([example_blocks["IND"], example_blocks["COA"]])
    assert {r.blad for r in rows} == {"IND", "COA"}
    # header on row 6: the first data row of the block is row 7 of the sheet
    first = next(r for r in rows if r.blad == "IND")
    assert first.cel is not None and first.cel[1:] == "7"


def test_block_starting_at_header_keeps_real_rows(example_blocks: Blocks) -> None:
    # a range that starts at the header row (A6) still names row 7 for the first input
    block = example_blocks["COA"][5:]
    rows = rows_from_sheet_blocks([block])
    assert min(int(r.cel[1:]) for r in rows if r.cel) == 7


def test_sessions_keep_their_own_current_model(example_blocks: Blocks) -> None:
    """Two sessions in one process: a call without a model argument uses the
    model of its own session, whatever the other computed later."""
    with model_cache.use_session("a"):
        ha = U.MPP_MODEL(*example_blocks.values())
    with model_cache.use_session("b"):
        hb = U.MPP_MODEL(*_with_value(example_blocks, 3.0).values())
    assert ha != hb
    with model_cache.use_session("a"):
        va = U.MPP_COA_BEZETTING(2026, "medio")
        assert va == U.MPP_COA_BEZETTING(2026, "medio", ha)
        assert U.MPP_VINGERAFDRUK("alle").startswith(ha[-8:])
    with model_cache.use_session("b"):
        vb = U.MPP_COA_BEZETTING(2026, "medio")
        assert vb == U.MPP_COA_BEZETTING(2026, "medio", hb)
        assert U.MPP_VALIDATIE() == U.MPP_VALIDATIE(hb)
    assert va != vb
    with model_cache.use_session("c"):  # a session that computed nothing
        assert U.MPP_COA_BEZETTING(2026, "medio").startswith("Nog geen model")


def test_no_session_never_uses_or_sets_a_current_model(example_blocks: Blocks) -> None:
    U.MPP_MODEL(*example_blocks.values())  # the local session has a model
    with model_cache.use_session(model_cache.NO_SESSION):
        h = U.MPP_MODEL(*_with_value(example_blocks, 3.0).values())
        for got in (U.MPP_COA_BEZETTING(2026, "medio"), U.MPP_VINGERAFDRUK("alle"),
                    U.MPP_VALIDATIE(), U.MPP_BAND("coa_bezetting", 2026, 50)):
            assert isinstance(got, str) and got.startswith("Geef de modelcel mee"), got
        assert isinstance(U.MPP_COA_BEZETTING(2026, "medio", h), float)
    # the call without a session did not become the local session's current model
    assert model_cache.current() is not None and model_cache.current().handle != h


def test_cache_is_bounded_in_bytes(example_blocks: Blocks,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = U.MPP_MODEL(*_with_value(example_blocks, 1.0).values())
    one = model_cache.memory()["bytes"]
    assert one > 1000  # an estimate of a real model, not a constant
    monkeypatch.setattr(model_cache, "MAX_BYTES", int(2.5 * one))
    handles = [U.MPP_MODEL(*_with_value(example_blocks, float(i + 2)).values())
               for i in range(4)]
    mem = model_cache.memory()
    assert mem["models"] == 2 and mem["bytes"] <= model_cache.MAX_BYTES
    assert mem["bytes"] == sum(e.nbytes for e in model_cache._models.values())
    assert "niet (meer) in het geheugen" in U.MPP_COA_BEZETTING(2026, "medio", first)
    assert isinstance(U.MPP_COA_BEZETTING(2026, "medio", handles[-1]), float)
    # the session's current model was evicted: a clear message, not another model
    monkeypatch.setattr(model_cache, "MAX_BYTES", 1)
    U.MPP_MODEL(*_with_value(example_blocks, 99.0).values())
    with model_cache.use_session("x"):
        U.MPP_MODEL(*example_blocks.values())  # evicts every other model
    assert "niet meer in het geheugen" in U.MPP_COA_BEZETTING(2026, "medio")


def test_sessions_are_bounded(example_blocks: Blocks, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_cache, "MAX_SESSIONS", 3)
    for i in range(5):
        with model_cache.use_session(f"s{i}"):
            U.MPP_MODEL(*example_blocks.values())
    assert model_cache.memory()["sessions"] == 3
    with model_cache.use_session("s0"):  # the oldest is forgotten
        assert U.MPP_COA_BEZETTING(2026, "medio").startswith("Nog geen model")
    with model_cache.use_session("s4"):
        assert isinstance(U.MPP_COA_BEZETTING(2026, "medio"), float)
