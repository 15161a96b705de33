"""Headless evaluation of the formulas of a workbook.

Two paths, measured on the example workbook (about 900 ``MPP_*`` cells and a
few hundred native formulas):

* ``MPP_*`` cells whose formula is one call with plain arguments (cell
  references, ranges, numbers, text) - every cell the builder writes - are
  parsed here and the function from the UDF module's ``CATALOGUE`` is called
  directly (about 10 µs per cell);
* the simple native formulas the build writes (differences, checks,
  balances, counts, captions) are parsed once per formula text by
  :mod:`mpp_xl.workbook.direct_eval` and evaluated directly;
* every other formula (partner formulas in input cells, ``MPP_*`` calls
  nested in other expressions, functions or values the direct evaluator
  leaves alone) is compiled with the ``formulas`` package (once per distinct
  formula text, about 4 ms, plus about a second to import it) with the
  ``MPP_*`` functions registered through ``formulas.get_functions()``.

Evaluating the whole workbook through ``formulas.ExcelModel`` took over 10 s
(it loads the workbook with openpyxl and builds a graph of every cell), far
over the 5 s target, so it is not used.

Cells are keyed ``(sheet, row, col)`` (1-based). Values: float, str, bool,
:class:`XlErr` or None (empty).
"""

from __future__ import annotations

import importlib
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..core.problems import MppError
from . import direct_eval
from .xlsxio import XlErr, col_index

Key = tuple[str, int, int]

_SHEET = r"(?:'(?:[^']|'')+'|[A-Za-z_][\w.\-]*)"
_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_REF_ARG = re.compile(rf"^(?:({_SHEET})!)?({_CELL})(?::({_CELL}))?$")
_NUM_ARG = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_CALL = re.compile(r"^\s*(MPP_[A-Z0-9_]+)\s*\((.*)\)\s*$", re.S | re.I)
_CELL_PARTS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

CIRCULAR = XlErr("#CIRC!")


def _cell_rc(ref: str) -> tuple[int, int]:
    m = _CELL_PARTS.match(ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1).upper())


def split_args(text: str) -> list[str] | None:
    """Top-level comma-separated arguments, or None when unbalanced."""
    args: list[str] = []
    depth, start, i, inq = 0, 0, 0, False
    while i < len(text):
        ch = text[i]
        if inq:
            if ch == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    i += 1
                else:
                    inq = False
        elif ch == '"':
            inq = True
        elif ch == "'":  # quoted sheet name
            j = text.find("'", i + 1)
            while j != -1 and j + 1 < len(text) and text[j + 1] == "'":
                j = text.find("'", j + 2)
            if j == -1:
                return None
            i = j
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
        i += 1
    if depth or inq:
        return None
    last = text[start:].strip()
    if last or args:
        args.append(last)
    return args


def _unquote_sheet(s: str) -> str:
    return s[1:-1].replace("''", "'") if s.startswith("'") else s


def to_plain(x: Any) -> Any:
    """formulas/numpy values -> plain Python (2-D lists for ranges, None for empty)."""
    if x is None:
        return None
    sh = sys.modules.get("schedula")  # formulas' empty cell, only once formulas is loaded
    if sh is not None and x is sh.EMPTY:
        return None
    if isinstance(x, np.ndarray):
        if x.size == 1:
            return to_plain(x.ravel()[0])
        return [[to_plain(v) for v in row] for row in np.atleast_2d(x)]
    if isinstance(x, (np.floating, np.integer)):
        return float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if type(x).__name__ == "XlError":
        return XlErr(str(x))
    return x


def _result(x: Any) -> object:
    """A function result -> a cell value (first element of an array)."""
    if isinstance(x, list):
        while isinstance(x, list):
            x = x[0] if x else None
        return _result(x)
    v = to_plain(x)
    if isinstance(v, list):
        return _result(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return XlErr("#NUM!")
    return v


class Evaluator:
    """Evaluates formula cells on demand (memoised, in dependency order)."""

    def __init__(self, values: Mapping[Key, object], formulas: Mapping[Key, str],
                 catalogue: Mapping[str, Callable[..., Any]], sheets: Iterable[str], *,
                 direct: bool = True) -> None:
        """``direct``: evaluate the simple native formulas directly
        (:mod:`~mpp_xl.workbook.direct_eval`); False sends every native formula to
        ``formulas`` (the tests compare both)."""
        self.values: dict[Key, object] = dict(values)
        self.formulas = dict(formulas)
        self.catalogue = {k.upper(): v for k, v in catalogue.items()}
        self.sheets = {s.upper(): s for s in sheets}
        self.done: dict[Key, object] = {}
        self._busy: set[Key] = set()
        self._compiled: dict[str, Any] = {}
        self._parser: Any = None
        self.direct = direct
        #: (function, arguments) -> result of an earlier refresh, used instead of calling
        #: the function (the package book fills it with stored MPP_BAND values).
        self.recalled: dict[tuple[str, tuple[object, ...]], object] = {}
        self._direct: dict[str, direct_eval.Node | None] = {}
        self.stats = {"fast": 0, "direct": 0, "compiled": 0, "recalled": 0}

    # -- values ------------------------------------------------------------
    def value(self, key: Key) -> object:
        if key in self.formulas:
            if key not in self.done:
                self.done[key] = self._evaluate(key)
            return self.done[key]
        return self.values.get(key)

    def range_values(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> list[list[object]]:
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
        return [[self.value((sheet, r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def evaluate_all(self, keys: Iterable[Key] | None = None) -> dict[Key, object]:
        for k in (self.formulas if keys is None else keys):
            self.value(k)
        return dict(self.done)

    # -- evaluation --------------------------------------------------------
    def _evaluate(self, key: Key) -> object:
        if key in self._busy:
            return CIRCULAR
        self._busy.add(key)
        try:
            text = self.formulas[key].lstrip("=")
            fast = self._fast(key[0], text)
            if fast is not _NO:
                self.stats["fast"] += 1
                return fast
            m = _CALL.match(text)
            if m and m.group(1).upper() not in self.catalogue:
                # an MPP_* function this evaluator does not have (the reader of a file whose
                # formulas have no stored values): #NAME?, as Excel without the add-in
                self.stats["direct"] += 1
                return XlErr("#NAME?")
            if self.direct:
                node = self._direct.get(text, _NO)
                if node is _NO:
                    node = self._direct[text] = direct_eval.compile_formula(text)
                if node is not None:
                    try:
                        v = direct_eval.run(node, self, key[0])
                    except direct_eval.Unsupported:
                        pass
                    else:
                        self.stats["direct"] += 1
                        return v
            self.stats["compiled"] += 1
            return self._compiled_eval(key[0], text)
        finally:
            self._busy.discard(key)

    def sheet(self, name: str | None, current: str) -> str:
        """The workbook's name of sheet ``name`` (quoted or not; None: ``current``)."""
        return self._sheet(name, current)

    def _sheet(self, name: str | None, current: str) -> str:
        if name is None:
            return current
        n = _unquote_sheet(name)
        return self.sheets.get(n.upper(), n)

    def _fast(self, sheet: str, text: str) -> object:
        m = _CALL.match(text)
        fn = self.catalogue.get(m.group(1).upper()) if m else None
        if fn is None:  # (before the arguments are evaluated, as ever)
            return _NO
        call = self.call_of(sheet, text)
        if call is None:
            return _NO
        name, args = call
        if self.recalled:
            try:
                hit = self.recalled.get((name, tuple(args)), _NO)
            except TypeError:  # a range argument: not hashable, never recalled
                hit = _NO
            if hit is not _NO:
                self.stats["recalled"] += 1
                return hit
        return _call(fn, args)

    def call_of(self, sheet: str, text: str) -> tuple[str, list[object]] | None:
        """(function name in upper case, argument values) of a formula that is one
        ``MPP_*`` call with plain arguments (cell references, ranges, numbers,
        texts), with the arguments' current values; None for any other formula."""
        m = _CALL.match(text)
        if not m:
            return None
        args_text = split_args(m.group(2))
        if args_text is None:
            return None
        args: list[object] = []
        for a in args_text:
            if a == "":
                args.append(None)
            elif a.startswith('"') and a.endswith('"') and len(a) >= 2:
                inner = a[1:-1]
                if '"' in inner.replace('""', ""):
                    return None
                args.append(inner.replace('""', '"'))
            elif _NUM_ARG.match(a):
                args.append(float(a))
            elif a.upper() in ("TRUE", "FALSE", "WAAR", "ONWAAR"):
                args.append(a.upper() in ("TRUE", "WAAR"))
            else:
                rm = _REF_ARG.match(a)
                if not rm:
                    return None
                sh = self._sheet(rm.group(1), sheet)
                r1, c1 = _cell_rc(rm.group(2))
                if rm.group(3):
                    r2, c2 = _cell_rc(rm.group(3))
                    args.append(self.range_values(sh, r1, c1, r2, c2))
                else:
                    args.append(self.value((sh, r1, c1)))
        return m.group(1).upper(), args

    def _compiled_eval(self, sheet: str, text: str) -> object:
        func = self._compile(text)
        if isinstance(func, XlErr):
            return func
        import schedula as sh

        inputs = []
        for ref in func.inputs:
            sname, _, rng = ref.rpartition("!")
            s = self._sheet(sname, sheet) if sname else sheet
            a, _, b = rng.partition(":")
            try:
                r1, c1 = _cell_rc(a)
                r2, c2 = _cell_rc(b) if b else (r1, c1)
            except ValueError:
                return XlErr("#REF!")
            block = self.range_values(s, r1, c1, r2, c2)
            arr = np.array([[sh.EMPTY if v is None else v for v in row] for row in block],
                           dtype=object)
            inputs.append(arr)
        try:
            return _result(func(*inputs))
        except Exception:  # noqa: BLE001 - a formula error is a cell error
            return XlErr("#VALUE!")

    def _compile(self, text: str) -> Any:
        if text in self._compiled:
            return self._compiled[text]
        import formulas  # lazily: ~1 s to import, needed only for formulas without a cached value

        if self._parser is None:
            fns = formulas.get_functions()
            for name, fn in self.catalogue.items():
                fns[name] = _wrap(fn)
            self._parser = formulas.Parser()
        try:
            func = self._parser.ast("=" + text)[1].compile()
        except Exception:  # noqa: BLE001 - unknown function or syntax: #NAME?
            func = XlErr("#NAME?")
        self._compiled[text] = func
        return func


class _Sentinel:
    pass


_NO: Any = _Sentinel()


def _call(fn: Callable[..., Any], args: list[object]) -> object:
    try:
        return _result(fn(*args))
    except Exception as e:  # noqa: BLE001 - the UDFs should not raise; be safe
        return f"Fout in {getattr(fn, '__name__', 'functie')}: {e}"


def _wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A UDF made callable by ``formulas``: plain arguments in, scalar out."""

    def wrapped(*args: Any) -> Any:
        res = fn(*(to_plain(a) for a in args))
        if isinstance(res, list):
            return np.array(res, dtype=object)
        return res

    wrapped.__name__ = getattr(fn, "__name__", "udf")
    return wrapped


def load_catalogue(udf_dir: str | None = None) -> dict[str, Callable[..., Any]]:
    """``CATALOGUE`` of the UDF module ``mpp_udfs`` (the module Excel uses)."""
    d = Path(udf_dir) if udf_dir else Path(__file__).resolve().parents[2] / "udfs"
    if str(d) not in sys.path:
        sys.path.insert(0, str(d))
    try:
        mod = importlib.import_module("mpp_udfs")
    except ImportError as e:
        raise MppError(f"De module met MPP-functies (mpp_udfs) is niet gevonden in {d}: {e}"
                       ) from e
    cat = getattr(mod, "CATALOGUE", None)
    if not isinstance(cat, dict):
        raise MppError("De module mpp_udfs heeft geen CATALOGUE met de MPP-functies.")
    return cat
