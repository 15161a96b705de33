"""The MPP Excel functions (``MPP_*``), for every Excel runtime.

This module is what ``xlwings.conf`` names under ``UDF Modules``
(``udfs.mpp_udfs``). The same module serves:

- classic xlwings on Windows (COM UDF server; "Import Functions" once);
- xlwings Server / Office.js custom functions (``XLWINGS_ON_SERVER=true``,
  see ``udfs/server_app.py``);
- the headless refresh (``CATALOGUE`` is registered in the ``formulas``
  package by the workbook layer).

Functions use only ``@xw.func``/``@xw.arg``/``@xw.ret``; on Linux without
``XLWINGS_ON_SERVER`` these are no-ops and the functions are plain callables
(:mod:`udfs.xw_api`: xlwings is then not even imported).
No Excel logic beyond argument handling lives here: parsing is in
:mod:`udfs.udf_args`, computing in :mod:`mpp_xl.analysis.model_cache`.

Conventions:

- The Excel names are the Python names (upper case), so the VBA stubs of
  classic xlwings and the Office.js ids are both ``MPP_...``.
- UDF parameters carry no type annotations on purpose: xlwings turns
  annotations into value converters. Every argument is declared with
  ``err_to_str=True`` so that an Excel error value arrives as its text
  (``"#N/A"``) and is returned unchanged (propagation) instead of turning
  into ``None`` ("not given").
- A bad argument gives a short Dutch message in the cell, never a traceback.
- The docstrings are the descriptions Excel shows, hence in Dutch.
"""

from __future__ import annotations

import functools
import importlib.util
import inspect
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from mpp_xl.analysis import model_cache, variant_cache
from mpp_xl.core.assumptions import fingerprint
from mpp_xl.core.problems import MppError
from mpp_xl.core.registry import normalise_scenario
from mpp_xl.core.series import SERIES, absent_message
from mpp_xl.io.grid import ArgError, as_block, is_blank
from mpp_xl.workbook.layout import rows_from_sheet_blocks
from udfs import xw_api as xw
from udfs.udf_args import (
    ExcelErrorArg,
    parse_flag,
    parse_partner,
    parse_percentile,
    parse_scenario,
    parse_series,
    parse_year,
    scalar,
    single_error,
)

logger = logging.getLogger(__name__)

#: On a server shared by several users (``XLWINGS_ON_SERVER=true``: this app or
#: the official xlwings-server project) a call runs in no session unless the
#: app names one (``model_cache.use_session``): without a model argument it
#: then asks for the model cell instead of using another user's model. The
#: classic Excel UDF server serves one user: the process is the session.
if os.environ.get("XLWINGS_ON_SERVER") == "true":
    model_cache.set_default_session(model_cache.NO_SESSION)


def _record_missing_pyodide() -> None:
    """xlwings 0.37.8 (``xlwings.utils.is_jsnull``) tries ``from pyodide.ffi
    import JsNull`` once per cell of every argument; outside Pyodide each try
    searches sys.path again (about 0.15 ms a cell, 200 ms for one MPP_MODEL of
    the master). Where pyodide is really not installed, record it as absent
    (``None`` in sys.modules, the import system's own "not importable"): every
    later try fails at once with the same ModuleNotFoundError, and
    ``importlib.util.find_spec`` still answers None. No file of xlwings changes.
    Our own app converts arguments itself (udfs.server_calls); this helps the
    official xlwings-server project that imports these functions."""
    if (sys.platform != "emscripten" and "pyodide" not in sys.modules
            and importlib.util.find_spec("pyodide") is None):
        sys.modules["pyodide"] = None  # type: ignore[assignment]


if os.environ.get("XLWINGS_ON_SERVER") == "true":
    _record_missing_pyodide()

#: Excel name -> function, for the headless refresh (``formulas``) and tests.
CATALOGUE: dict[str, Callable[..., Any]] = {}

#: Maximum number of ranges MPP_MODEL accepts in Excel (Excel's argument limit).
MAX_RANGES = 255

_DOC_JAAR = "Jaar, bijvoorbeeld 2026 (voorraden: stand per 1 januari)."
_DOC_SCEN = 'Scenario: "min", "medio" of "max" (ook "minimum", "maximum").'
_DOC_MODEL = ("Optioneel: de cel met =MPP_MODEL(...); leeg = het laatst berekende model "
              "van deze werkmap.")
_DOC_REEKS = 'Reeks, bijvoorbeeld "coa_bezetting" (zie =MPP_REEKSEN()).'


def _safe(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn argument problems into a Dutch cell message and Excel error
    arguments into the same error; never let a traceback reach the cell."""
    name = fn.__name__
    if fn.__doc__:
        fn.__doc__ = " ".join(inspect.cleandoc(fn.__doc__).split())
    count_message = _count_check(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        if (msg := count_message(len(args))) is not None:
            return msg
        for a in args:  # an error argument propagates first, as in native functions
            if a is not None and type(a) is not float and (code := single_error(a)):
                return code
        try:
            return fn(*args)
        except ExcelErrorArg as e:
            return e.code
        except (ArgError, MppError) as e:
            return str(e)
        except Exception as e:  # noqa: BLE001 - a cell must never show a traceback
            logger.exception("Fout in %s", name)
            return (f"Onverwachte fout in {name} ({type(e).__name__}: {e}); "
                    "meld dit bij het MPP-team.")

    return wrapper


def _count_check(fn: Callable[..., Any]) -> Callable[[int], str | None]:
    """A check of the number of arguments: None when ``n`` fits the signature
    of ``fn``, else the Dutch message for the cell (a server or a hand-made
    call may send too many or too few; Excel itself never does)."""
    params = list(inspect.signature(fn).parameters.values())
    var = any(p.kind is p.VAR_POSITIONAL for p in params)
    fixed = [p for p in params if p.kind is not p.VAR_POSITIONAL]
    n_min = sum(p.default is p.empty for p in fixed)
    n_max = None if var else len(fixed)
    names = "; ".join(p.name + ("..." if p.kind is p.VAR_POSITIONAL else "") for p in params)
    if n_max is None:
        wanted = f"minstens {n_min}"
    elif n_min == n_max:
        wanted = f"{n_max}"
    else:
        wanted = f"{n_min} tot {n_max}"
    noun = "argument" if (n_max or n_min) == 1 else "argumenten"

    def check(n: int) -> str | None:
        if n >= n_min and (n_max is None or n <= n_max):
            return None
        if n_max == 0:
            return f"{fn.__name__} heeft geen argumenten, niet {n}."
        return f"{fn.__name__} verwacht {wanted} {noun} ({names}), niet {n}."

    return check


def _register(fn: Callable[..., Any], docs: dict[str, str]) -> Callable[..., Any]:
    """Apply the xlwings decorators (err_to_str on every argument, Dutch
    argument help) and add the function to CATALOGUE."""
    for arg, doc in docs.items():
        fn = xw.arg(arg, err_to_str=True, doc=doc)(fn)
    fn = xw.func(fn)
    CATALOGUE[fn.__name__] = fn
    return fn


def _blank_arg(v: object) -> bool:
    """An omitted argument: None, or a single empty cell (Office.js sends
    ``[[None]]`` or ``[[""]]`` for ``=MPP_MODEL()``)."""
    block = as_block(v)
    return all(is_blank(c) for r in block for c in r)


def _model(model: object) -> model_cache.Model:
    return model_cache.get(scalar(model, "model"))


# Fast scenario lookup for the common spellings (a dict hit instead of parsing).
_SCEN_FAST: dict[object, int] = {}
for _s in ("min", "medio", "max", "Min", "Medio", "Max", "MIN", "MEDIO", "MAX",
           "minimum", "Minimum", "maximum", "Maximum"):
    _SCEN_FAST[_s] = ("min", "medio", "max").index(normalise_scenario(_s) or "")


def _series_value(reeks: str, is_stock: bool, jaar: object, scenario: object,
                  model: object) -> float:
    m = _model(model) if model is not None else model_cache.get(None)
    yi = m.year_index[is_stock]
    j = yi.get(jaar) if type(jaar) in (float, int) else None  # type: ignore[call-overload]
    if j is None:
        j = yi[parse_year(jaar, list(yi), reeks)]
    i = _SCEN_FAST.get(scenario) if type(scenario) is str else None
    if i is None or m.forecast.scenarios[i] != ("min", "medio", "max")[i]:
        i = m.scenario_index[parse_scenario(scenario, m.forecast.scenarios)]
    arr = m.forecast.data.get(reeks)
    if arr is None:  # a cost series without prices: a short message in the cell
        raise MppError(absent_message(reeks))
    return float(arr[i, j])


# --- the model -----------------------------------------------------------------
@xw.func
@xw.arg("bereiken", ndim=2, err_to_str=True,
        doc="De bereiken van de parameterbladen (Kader en partners), elk vanaf kolom A "
            "met de kopregel 'parameter'.")
@_safe
def MPP_MODEL(*bereiken):  # noqa: N802 - Excel name
    """Rekent de MPP-keten door met de aannames uit de parameterbladen en geeft een
    modelnaam terug, bijvoorbeeld "MPP 2024-2 · 9f3a1c2b". Bij fouten in de aannames:
    een melding met het aantal fouten (zie het blad Validatie)."""
    given = [b for b in bereiken if single_error(b) is not None or not _blank_arg(b)]
    if not given:
        raise ArgError("MPP_MODEL heeft de bereiken van de parameterbladen nodig, "
                       "bijvoorbeeld =MPP_MODEL(Kader!A6:L14;IND!A6:Q80) (vanaf kolom A, "
                       "met de kopregel 'parameter').")
    for b in given:  # a broken reference (#VERW!) among the ranges: pass it on
        if (code := single_error(b)) is not None:
            raise ExcelErrorArg(code)
    return model_cache.model_from_blocks(bereiken, rows_from_sheet_blocks).handle


CATALOGUE["MPP_MODEL"] = MPP_MODEL


# --- one function per series ---------------------------------------------------
def _make_series_function(reeks: str) -> Callable[..., Any]:
    s = SERIES[reeks]
    is_stock = s.is_stock
    when = "stand per 1 januari van het jaar" if is_stock else "totaal over het jaar"

    def series_function(jaar, scenario, model=None):
        return _series_value(reeks, is_stock, jaar, scenario, model)

    name = f"MPP_{reeks.upper()}"
    series_function.__name__ = name
    series_function.__qualname__ = name
    series_function.__module__ = __name__
    series_function.__doc__ = f"{s.label} ({s.unit_text}; {when}) voor jaar en scenario."
    return _register(_safe(series_function),
                     {"jaar": _DOC_JAAR, "scenario": _DOC_SCEN, "model": _DOC_MODEL})


for _reeks in SERIES:
    globals()[f"MPP_{_reeks.upper()}"] = _make_series_function(_reeks)
del _reeks


# --- general functions -----------------------------------------------------------
@_safe
def MPP_WAARDE(reeks, jaar, scenario, model=None):  # noqa: N802
    """Eén uitkomst: reeks, jaar en scenario, bijvoorbeeld
    =MPP_WAARDE("coa_bezetting";2026;"medio")."""
    key = parse_series(reeks)
    return _series_value(key, SERIES[key].is_stock, jaar, scenario, model)


MPP_WAARDE = _register(MPP_WAARDE, {"reeks": _DOC_REEKS, "jaar": _DOC_JAAR,
                                    "scenario": _DOC_SCEN, "model": _DOC_MODEL})


@_safe
def MPP_TABEL(reeks, model=None):  # noqa: N802
    """Tabel van een reeks: jaren onder elkaar, scenario's naast elkaar, met kopregel
    en kopkolom (loopt over in de cellen eronder en ernaast)."""
    key = parse_series(reeks)
    m = _model(model)
    arr = m.forecast.data.get(key)
    if arr is None:
        raise MppError(absent_message(key))
    out: list[list[object]] = [["jaar", *m.forecast.scenarios]]
    for y, j in m.year_index[SERIES[key].is_stock].items():
        out.append([y, *(float(v) for v in arr[:, j])])
    return out


MPP_TABEL = _register(MPP_TABEL, {"reeks": _DOC_REEKS, "model": _DOC_MODEL})


@_safe
def MPP_REEKSEN():  # noqa: N802
    """Lijst van alle uitkomstreeksen met omschrijving, soort, eenheid en partner."""
    rows: list[list[object]] = [["reeks", "omschrijving", "soort", "eenheid", "partner",
                                 "functie"]]
    for key, s in SERIES.items():
        rows.append([key, s.label, s.kind, s.unit_text, s.partner, f"MPP_{key.upper()}"])
    return rows


MPP_REEKSEN = _register(MPP_REEKSEN, {})


@_safe
def MPP_VINGERAFDRUK(partner, model=None):  # noqa: N802
    """Vingerafdruk (SHA-256) van de aannames van één partnerblad (of "alle"), zoals
    de vaststelling die vastlegt."""
    sheet = parse_partner(partner)
    m = _model(model)
    return m.fingerprint if sheet is None else fingerprint(m.resolved, sheet)


MPP_VINGERAFDRUK = _register(MPP_VINGERAFDRUK, {
    "partner": 'Partnerblad, bijvoorbeeld "IND", of "Kader"; "alle" voor alles.',
    "model": _DOC_MODEL})


@_safe
def MPP_VALIDATIE(model=None, lijst=None):  # noqa: N802
    """Controle van de aannames: aantal fouten en waarschuwingen naast elkaar, of met
    lijst=WAAR de lijst met meldingen (niveau, blad, cel, parameter, regel, melding)."""
    entry = model_cache.lookup(scalar(model, "model"))
    show_list = parse_flag(lijst, "lijst")
    if not show_list:
        return [[entry.n_errors, entry.n_warnings]]
    rows: list[list[object]] = [["niveau", "blad", "cel", "parameter", "regel", "melding"]]
    for p in sorted(entry.problems, key=lambda p: not p.is_error):
        rows.append([p.niveau, p.blad or "", p.cel or "", p.parameter or "", p.regel,
                     p.melding])
    if len(rows) == 1:
        rows.append(["", "", "", "", "", "Geen meldingen."])
    return rows


MPP_VALIDATIE = _register(MPP_VALIDATIE, {
    "model": _DOC_MODEL,
    "lijst": "Optioneel: WAAR voor de lijst met meldingen, leeg of ONWAAR voor de aantallen."})


@_safe
def MPP_BAND(reeks, jaar, percentiel, model=None):  # noqa: N802
    """Onzekerheidsband (Monte Carlo): percentiel van een reeks in een jaar, bijvoorbeeld
    =MPP_BAND("coa_bezetting";2026;87,5). P12,5/P67/P87,5 horen bij min/medio/max."""
    key = parse_series(reeks)
    m = _model(model)
    y = parse_year(jaar, m.years(key), key)
    p = parse_percentile(percentiel)
    return model_cache.band_value(m, key, y, p)


MPP_BAND = _register(MPP_BAND, {
    "reeks": _DOC_REEKS, "jaar": _DOC_JAAR,
    "percentiel": "Percentiel in procenten, bijvoorbeeld 12,5, 50, 67 of 87,5.",
    "model": _DOC_MODEL})


@_safe
def MPP_VARIANT(reeks, jaar, scenario, variantnaam, model=None):  # noqa: N802
    """Uitkomst van een beleidsvariant van het blad Varianten (na Vernieuwen; de parameter
    heet variantnaam omdat Variant in VBA gereserveerd is), bijvoorbeeld
    =MPP_VARIANT("coa_bezetting";2028;"medio";"tweestatusstelsel"); variant "basis" is de
    ronde zelf."""
    key = parse_series(reeks)
    m = _model(model) if model is not None else model_cache.get(None)
    res = variant_cache.get(m.fingerprint)
    name = scalar(variantnaam, "variantnaam")
    if name is None or not str(name).strip():
        raise ArgError("Geef de naam van een variant op (kolom Variant op het blad Varianten), "
                       'of "basis".')
    y = parse_year(jaar, res.years(key), key)
    scen = parse_scenario(scenario, res.scenarios)
    try:
        return res.value(key, y, scen, str(name).strip())
    except MppError as e:
        raise ArgError(str(e)) from None


MPP_VARIANT = _register(MPP_VARIANT, {
    "reeks": _DOC_REEKS, "jaar": _DOC_JAAR, "scenario": _DOC_SCEN,
    "variantnaam": 'Naam van de variant (blad Varianten), of "basis" voor de ronde zelf.',
    "model": _DOC_MODEL})


__all__ = sorted(CATALOGUE)
