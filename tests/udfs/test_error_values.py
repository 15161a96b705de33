"""Excel error values in each runtime's argument shape: classic xlwings
(``err_to_str`` text for the seven classic errors, a bare COM integer for the
newer ones), Office.js (a dict) and the arguments of ``MPP_MODEL``."""

from __future__ import annotations

import pytest

import udfs.mpp_udfs as U
from mpp_xl.io.grid import COM_ERRORS, XL_ERROR_NUMBERS, clean_cell, excel_error

#: The COM integers Excel hands to classic xlwings for the newer errors
#: (-2146826288 + (CVErr number - 2000)); xlwings 0.37.8 translates none of them.
NEW_ERRORS = {"#GETTING_DATA": -2146826245, "#SPILL!": -2146826243, "#CALC!": -2146826238}


def test_com_numbers_of_the_classic_errors_match_xlwings() -> None:
    """Our table agrees with xlwings' own for the seven errors it knows."""
    import importlib.util
    import sys
    import types

    stubs = {}
    for name in ("pythoncom", "pywintypes", "win32api", "win32con", "win32com",
                 "win32com.client", "win32com.server", "win32com.server.util",
                 "win32process", "win32gui", "winreg"):
        if name not in sys.modules:
            stubs[name] = types.ModuleType(name)
    spec = importlib.util.find_spec("xlwings._xlwindows")
    assert spec is not None and spec.origin
    source = open(spec.origin, encoding="utf-8").read()  # noqa: PTH123
    start = source.index("cell_errors = {")
    table = source[start:source.index("}", start) + 1]
    ns: dict[str, dict[int, str]] = {}
    exec(table, {}, ns)  # noqa: S102 - a literal dict from xlwings' source
    assert ns["cell_errors"]
    for number, text in ns["cell_errors"].items():
        assert COM_ERRORS[number] == text
    assert len(XL_ERROR_NUMBERS) > len(ns["cell_errors"])
    del stubs


@pytest.mark.parametrize("code", sorted(NEW_ERRORS))
def test_new_errors_from_classic_xlwings_propagate(code: str) -> None:
    number = NEW_ERRORS[code]
    assert excel_error(number) == code
    assert clean_cell(number) == code
    assert U.MPP_COA_BEZETTING(number, "medio") == code
    assert U.MPP_WAARDE("coa_bezetting", 2026.0, number) == code
    # a float is a number the user typed, never an error
    assert excel_error(float(number)) is None


def test_model_passes_on_a_broken_reference_in_every_shape() -> None:
    """=MPP_MODEL(#VERW!): classic xlwings hands a 2-D range argument over as
    [["#REF!"]], Office.js as [[{"type": "Error", ...}]], COM as an int."""
    assert U.MPP_MODEL([["#REF!"]]) == "#REF!"
    assert U.MPP_MODEL("#REF!") == "#REF!"
    assert U.MPP_MODEL([[{"type": "Error", "basicValue": "#REF!",
                          "errorType": "Reference"}]]) == "#REF!"
    assert U.MPP_MODEL([[-2146826265]]) == "#REF!"
    # also when the broken reference is one of several ranges
    assert U.MPP_MODEL([["parameter"], ["startjaar"]], [["#REF!"]]) == "#REF!"


@pytest.mark.parametrize("args", [(), ([[None]],), ([[""]],), (None,)])
def test_model_without_ranges_gives_a_dutch_message(args: tuple[object, ...]) -> None:
    msg = U.MPP_MODEL(*args)
    assert msg.startswith("MPP_MODEL heeft de bereiken van de parameterbladen nodig")
    assert "kopregel 'parameter'" in msg
