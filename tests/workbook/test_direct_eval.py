"""The direct evaluator of simple native formulas (mpp_xl/workbook/direct_eval.py)
against the ``formulas`` package: identical values on every formula of the
shipped workbook and on generated formulas; what it cannot do it leaves to
``formulas``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mpp_xl.workbook import direct_eval
from mpp_xl.workbook.evaluate import Evaluator, Key, load_catalogue
from mpp_xl.workbook.xlsxio import Package, XlErr
from tests.conftest import ROOT

SHIPPED = ROOT / "workbooks" / "mpp_2024_2.xlsm"


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


@pytest.fixture(scope="module")
def shipped() -> tuple[dict[Key, object], dict[Key, str], list[str]]:
    pkg = Package(SHIPPED.read_bytes(), SHIPPED.name)
    values: dict[Key, object] = {}
    formulas: dict[Key, str] = {}
    for s in pkg.sheet_paths:
        for c in pkg.cells(s):
            values[(s, c.row, c.col)] = c.value
            if c.formula is not None:
                formulas[(s, c.row, c.col)] = pkg.formula_text(s, c)
    return values, formulas, list(pkg.sheet_paths)


def test_both_evaluators_agree_on_every_formula_of_the_shipped_workbook(shipped) -> None:  # type: ignore[no-untyped-def]
    values, formulas, sheets = shipped
    catalogue = load_catalogue()
    direct = Evaluator(values, formulas, catalogue, sheets)
    full = Evaluator(values, formulas, catalogue, sheets, direct=False)
    a, b = direct.evaluate_all(), full.evaluate_all()
    native = sum(1 for t in formulas.values() if not t.upper().startswith("MPP_"))
    assert native > 500  # differences, checks, balances, counts, captions
    # every native formula of the build goes the direct way; none to formulas
    assert direct.stats["direct"] == native and direct.stats["compiled"] == 0
    assert full.stats["direct"] == 0 and full.stats["compiled"] == native
    differ = {k: (a[k], b[k]) for k in formulas if not _same(a[k], b[k])}
    assert differ == {}
    # and both reproduce the values the shipped file stores (computed by the release before)
    stored = {k: (a[k], values[k]) for k in formulas
              if k[0] != "Onzekerheid" and not _same(a[k], values[k])}
    assert stored == {}


# --- generated formulas over a small grid ------------------------------------------
GRID: dict[tuple[int, int], object] = {
    (1, 1): 3.0, (1, 2): -2.5, (1, 3): 0.0, (1, 4): None, (1, 5): 1e-9,
    (2, 1): "OK", (2, 2): "ok", (2, 3): "fout", (2, 4): "", (2, 5): "FOUT",
    (3, 1): True, (3, 2): False, (3, 3): 7.0, (3, 4): 2024.0, (3, 5): XlErr("#N/A"),
    (4, 1): 0.1, (4, 2): 0.2, (4, 3): 0.30000000000000004, (4, 4): 1e300, (4, 5): 5.0,
}
NUMERIC = ["A1", "B1", "C1", "D1", "E1", "C3", "D3", "A4", "B4", "C4", "E4", "0", "1", "0.5",
           "2", "A3"]
ANY = [*NUMERIC, "A2", "B2", "C2", "D2", "E2", "E3", '"OK"', '""', '"fout"']
RANGES = ["A1:E1", "A4:E4", "A1:C1", "C1:E1", "A2:E2", "A1:E2", "A4:C4"]


def _evaluate(text: str, direct: bool) -> tuple[object, dict[str, int]]:
    values: dict[Key, object] = {("S", r, c): v for (r, c), v in GRID.items()}
    ev = Evaluator(values, {("S", 9, 9): text}, {}, ["S"], direct=direct)
    return ev.value(("S", 9, 9)), ev.stats


def _check(text: str) -> bool:
    """Both evaluators give the same value; True when the direct one did it."""
    a, stats = _evaluate(text, True)
    b, _ = _evaluate(text, False)
    assert _same(a, b), (text, a, b)
    return stats["direct"] == 1


@pytest.mark.parametrize("text", [
    "A1-B1", "D1-A1", "A1*B1+C3/A1", "-A1+B1", "(A1+B1)*-2", "A4+B4", "A4+B4-C4",
    'IF(C1=0,"OK","LET OP")', 'IF(D1=0,"OK","LET OP")', 'IF(A1<=B1,"OK","FOUT")',
    'IF(A2="ok",1,2)', 'IF(D1="",1,2)', "IF(A3,A1,B1)", 'IF(B1>A1,"x")',
    'COUNTIF(A2:E2,"fout")', 'COUNTIF(A2:E2,"ok")', 'COUNTIF(A1:E2,"Ok")',
    "SUMPRODUCT(MAX(ABS(A1:E1+A4:E4-A1:E1)))", "SUMPRODUCT(A4:C4)",
    "SUMPRODUCT((((A1:C1>A4:C4+0.5)+(A4:C4>A1:C1+0.5))>0)*1)",
    'IF(AND(COUNTIF(A2:E2,"fout")=1,C1=0),"OK","NIET OK")', "AND(A3,B3)", "OR(A3,B3)",
    "NOT(B3)", '"MPP "&D3', '"MPP "&IF(D1="","x",A2)', "MAX(A1:E1)", "MIN(A4:E4,C3)",
    "SUM(A4:E4)", "ABS(B1)", "A2", "D3",
    # ISNUMBER (the cost tables without prices): number, text, truth value, error, empty
    "ISNUMBER(A1)", "ISNUMBER(A2)", "ISNUMBER(A3)", "ISNUMBER(E3)", "ISNUMBER(D1)",
    'IF(ISNUMBER(C3),C3-A1,"")', 'IF(ISNUMBER(A2),A2,"")',
])
def test_known_shapes_are_evaluated_directly_and_agree(text: str) -> None:
    assert _check(text)


@pytest.mark.parametrize("text", [
    "A1/C1",            # #DIV/0!
    "A2+1",             # text in arithmetic
    "E3+1",             # an error value
    'A1="3"',           # number against text
    "D1",               # a reference to an empty cell
    "A1:E1",            # an array result
    '"x"&A4',           # the text of a fraction
    "A1^2", "A1%",      # operators left to formulas
    "ROUND(A4,1)", "VLOOKUP(A1,A1:B2,2)", 'COUNTIF(A1:E1,">0")',
])
def test_what_it_cannot_do_goes_to_formulas(text: str) -> None:
    assert not _check(text)


def _expression(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(NUMERIC)
    if depth == 0:
        return leaf
    sub = _expression(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        sub.map(lambda e: f"({e})"),
        sub.map(lambda e: f"-{e}"),
        st.tuples(st.sampled_from(ANY), st.sampled_from(["=", "<>", "<", ">", "<=", ">="]),
                  st.sampled_from(ANY)).map(lambda t: f'IF({t[0]}{t[1]}{t[2]},"ja","nee")'),
        st.tuples(st.sampled_from(RANGES), st.sampled_from(["+", "-"]), st.sampled_from(RANGES))
        .map(lambda t: f"SUMPRODUCT(MAX(ABS({t[0]}{t[1]}{t[2]})))"),
    )


@settings(max_examples=60, deadline=None)
@given(_expression(2))
def test_generated_formulas_agree_with_formulas(text: str) -> None:
    _check(text)


def test_compile_rejects_what_it_does_not_parse() -> None:
    for text in ("A:A", "SUM(A1:A3", "A1 A2", "Blad1!A1:", "LAMBDA(x,x)", "A1,,B1", ""):
        assert direct_eval.compile_formula(text) is None, text
