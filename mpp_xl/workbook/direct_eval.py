"""A direct evaluator for the simple native formulas of the master workbook.

The build writes a few hundred native formulas of a handful of shapes: a
difference of two cells (``D8-B8``), a check (``IF(C19=0,"OK","LET OP")``,
``IF(C8<=D8,"OK","FOUT")``), a balance (``SUMPRODUCT(MAX(ABS(...)))``), a
count (``COUNTIF(A8:A12,"fout")``), a caption (``"Uitkomsten MPP "&Kader!$E$12``).
Compiling each with the ``formulas`` package cost about 4 ms and importing it
about a second; this module parses such a formula once into Python closures
(microseconds per evaluation).

It is deliberately narrow. Anything it does not know - a function outside
:data:`FUNCTIONS`, an operator such as ``^`` or ``%``, a whole-column range -
fails to compile (:func:`compile_formula` returns None), and anything whose
Excel semantics need care at run time - an error value or a text in
arithmetic, a comparison of a number with a text, division by zero, an
empty result - raises :class:`Unsupported`; the caller then evaluates the
formula with ``formulas`` as before. What it does evaluate follows the
``formulas`` package (case-insensitive text comparison, ``SUMPRODUCT`` summed
with numpy), and ``tests/workbook/test_direct_eval.py`` checks both evaluators
on every formula of the shipped workbook for identical values.

Values: float (int and bool where Excel keeps them), str, None (empty cell);
a range is a 2-D list of values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from .xlsxio import XlErr, col_index


class Unsupported(Exception):
    """The formula needs the full evaluator (``formulas``) for these values."""


class Context(Protocol):
    """What a compiled formula reads: cell values (evaluating formula cells on
    demand) and the sheet names of the workbook."""

    def value(self, key: tuple[str, int, int]) -> object:
        """The value of a cell (a formula cell evaluated first)."""
        ...

    def sheet(self, name: str | None, current: str) -> str:
        """The workbook's name of sheet ``name`` (None: the ``current`` sheet)."""
        ...


Node = Callable[[Context, str], Any]  # (context, current sheet) -> value

_CELL = r"\$?[A-Za-z]{1,3}\$?\d+"
_TOKEN = re.compile(rf"""\s*(?:
    (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(?P<a>{_CELL})(?::(?P<b>{_CELL}))?)
        (?![\w(!:])
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<func>[A-Za-z][A-Za-z0-9.]*)\s*\(
  | (?P<bool>TRUE|FALSE)(?![\w(])
  | (?P<op><>|<=|>=|[-+*/&=<>(),])
)""", re.X | re.I)
_CELL_PARTS = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
#: A COUNTIF criterion this module matches: plain text (no operator, wildcard or number).
_PLAIN_CRITERION = re.compile(r"^[A-Za-z][A-Za-z _-]*$")


def _rc(ref: str) -> tuple[int, int]:
    m = _CELL_PARTS.match(ref)
    assert m is not None
    return int(m.group(2)), col_index(m.group(1).upper())


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos, n = 0, len(text)
    while pos < n:
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise SyntaxError(text[pos:])
        kind = m.lastgroup if m.lastgroup not in ("sheet", "a", "b") else "ref"
        if m.group("ref") is not None:
            kind = "ref"
        if kind == "str":
            out.append(("str", m.group("str")[1:-1].replace('""', '"')))
        elif kind == "ref":
            sheet = m.group("sheet")
            if sheet is not None and sheet.startswith("'"):
                sheet = sheet[1:-1].replace("''", "'")
            out.append(("ref", (sheet, _rc(m.group("a")),
                                _rc(m.group("b")) if m.group("b") else None)))
        elif kind == "num":
            out.append(("num", float(m.group("num"))))
        elif kind == "func":
            out.append(("func", m.group("func").upper()))
        elif kind == "bool":
            out.append(("bool", m.group("bool").upper() == "TRUE"))
        else:
            out.append(("op", m.group("op")))
        pos = m.end()
    return out


# --- scalar semantics ---------------------------------------------------------------
def _number(v: object) -> float | int | bool:
    """An operand of arithmetic: a number, a logical (1/0) or an empty cell (0)."""
    if v is None:
        return 0.0
    if type(v) in (float, int, bool):
        return v  # type: ignore[return-value]
    raise Unsupported  # text (Excel may convert "3") or an error value


def _elementwise(f: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    if isinstance(a, list) or isinstance(b, list):
        if not isinstance(a, list):
            return [[f(a, y) for y in row] for row in b]
        if not isinstance(b, list):
            return [[f(x, b) for x in row] for row in a]
        if len(a) != len(b) or any(len(r) != len(s) for r, s in zip(a, b, strict=True)):
            raise Unsupported  # Excel pads with #N/A
        return [[f(x, y) for x, y in zip(r, s, strict=True)] for r, s in zip(a, b, strict=True)]
    return f(a, b)


def _add(x: object, y: object) -> Any:
    return _number(x) + _number(y)


def _sub(x: object, y: object) -> Any:
    return _number(x) - _number(y)


def _mul(x: object, y: object) -> Any:
    return _number(x) * _number(y)


def _div(x: object, y: object) -> Any:
    d = _number(y)
    if d == 0:
        raise Unsupported  # #DIV/0!
    return _number(x) / d


def _negate(x: object, _unused: object) -> Any:
    if type(x) is bool:
        raise Unsupported  # formulas keeps a logical under unary minus
    return -_number(x)


def _kind(v: object) -> int:
    """Excel's order of types in a comparison: number < text < logical."""
    if type(v) in (float, int):
        return 0
    if type(v) is str:
        return 1
    if type(v) is bool:
        return 2
    raise Unsupported  # an error value


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda x, y: x == y, "<>": lambda x, y: x != y, "<": lambda x, y: x < y,
    ">": lambda x, y: x > y, "<=": lambda x, y: x <= y, ">=": lambda x, y: x >= y}


def _comparison(op: str) -> Callable[[object, object], bool]:
    test = _COMPARE[op]

    def compare(x: object, y: object) -> bool:
        if x is None and y is None:
            x = y = 0.0
        elif x is None:
            x = "" if type(y) is str else (False if type(y) is bool else 0.0)
        elif y is None:
            y = "" if type(x) is str else (False if type(x) is bool else 0.0)
        kx, ky = _kind(x), _kind(y)
        if kx != ky:
            raise Unsupported  # mixed types: left to the full evaluator
        if kx == 1:
            return test(x.upper(), y.upper())  # type: ignore[union-attr]
        return test(x, y)

    return compare


def _text(v: object) -> str:
    if v is None:
        return ""
    if type(v) is str:
        return v
    if type(v) in (float, int) and float(v).is_integer() and abs(v) < 1e15:  # type: ignore[arg-type]
        return str(int(v))  # type: ignore[arg-type]
    raise Unsupported  # a fraction's or a logical's text, an error value


def _concat(x: object, y: object) -> str:
    return _text(x) + _text(y)


def _cells(v: Any) -> list[object]:
    return [x for row in v for x in row] if isinstance(v, list) else [v]


def _truth(v: object) -> bool:
    if v is None:
        return False
    if type(v) in (bool, float, int):
        return bool(v)
    raise Unsupported


# --- functions ----------------------------------------------------------------------
def _if(ctx: Context, sheet: str, args: list[Node]) -> Any:
    if len(args) not in (2, 3):
        raise Unsupported
    cond = args[0](ctx, sheet)
    if isinstance(cond, list):
        raise Unsupported  # an array condition
    if _truth(cond):
        return args[1](ctx, sheet)
    return args[2](ctx, sheet) if len(args) == 3 else False


def _logical(all_: bool) -> Callable[[Context, str, list[Node]], Any]:
    def f(ctx: Context, sheet: str, args: list[Node]) -> Any:
        seen: list[bool] = []
        for a in args:
            v = a(ctx, sheet)
            for x in _cells(v):
                if x is None:
                    continue
                if type(x) is str:
                    raise Unsupported
                seen.append(_truth(x))
        if not seen:
            raise Unsupported  # #VALUE!
        return all(seen) if all_ else any(seen)
    return f


def _not(ctx: Context, sheet: str, args: list[Node]) -> Any:
    if len(args) != 1:
        raise Unsupported
    v = args[0](ctx, sheet)
    if isinstance(v, list):
        raise Unsupported
    return not _truth(v)


def _extreme(pick: Callable[..., Any]) -> Callable[[Context, str, list[Node]], Any]:
    def f(ctx: Context, sheet: str, args: list[Node]) -> Any:
        nums: list[Any] = []
        for a in args:
            for x in _cells(a(ctx, sheet)):
                if x is None:
                    continue
                if type(x) not in (float, int):
                    raise Unsupported  # texts and logicals: Excel's rules differ by source
                nums.append(x)
        return pick(nums) if nums else 0.0
    return f


def _abs(ctx: Context, sheet: str, args: list[Node]) -> Any:
    if len(args) != 1:
        raise Unsupported
    v = args[0](ctx, sheet)
    if isinstance(v, list):
        return [[abs(_number(x)) for x in row] for row in v]
    return abs(_number(v))


def _sumproduct(ctx: Context, sheet: str, args: list[Node]) -> Any:
    if len(args) != 1:
        raise Unsupported
    vals = []
    for x in _cells(args[0](ctx, sheet)):
        if x is None:
            continue  # formulas drops empty cells
        vals.append(float(_number(x)))
    # summed as the formulas package sums (numpy's pairwise sum)
    return float(np.sum(np.array(vals, dtype=float)))


def _sum(ctx: Context, sheet: str, args: list[Node]) -> Any:
    total: Any = 0.0
    for a in args:
        v = a(ctx, sheet)
        if not isinstance(v, list):
            raise Unsupported  # a scalar argument: Excel converts texts and logicals
        for x in _cells(v):
            if x is None:
                continue
            if type(x) not in (float, int):
                raise Unsupported
            total += x
    return total


def _countif(ctx: Context, sheet: str, args: list[Node]) -> Any:
    if len(args) != 2:
        raise Unsupported
    rng, crit = args[0](ctx, sheet), args[1](ctx, sheet)
    if not isinstance(rng, list) or type(crit) is not str \
            or not _PLAIN_CRITERION.match(crit) or crit.upper() in ("TRUE", "FALSE"):
        raise Unsupported  # operators, wildcards, numbers, logicals: Excel's full rules
    want = crit.casefold()
    n = 0
    for x in _cells(rng):
        if isinstance(x, XlErr):
            raise Unsupported
        if type(x) is str and x.casefold() == want:
            n += 1
    return n


def _isnumber(ctx: Context, sheet: str, args: list[Node]) -> Any:
    """ISNUMBER: a number (not a truth value, text, error value or empty cell)."""
    if len(args) != 1:
        raise Unsupported
    v = args[0](ctx, sheet)
    if isinstance(v, list):
        raise Unsupported  # a range: an array result
    return type(v) in (int, float)


FUNCTIONS: dict[str, Callable[[Context, str, list[Node]], Any]] = {
    "IF": _if, "AND": _logical(True), "OR": _logical(False), "NOT": _not,
    "MAX": _extreme(max), "MIN": _extreme(min), "ABS": _abs, "SUM": _sum,
    "SUMPRODUCT": _sumproduct, "COUNTIF": _countif, "ISNUMBER": _isnumber,
}


# --- the parser ---------------------------------------------------------------------
class _Parser:
    """Recursive descent in Excel's precedence: comparison < & < + - < * / < unary."""

    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.t = tokens
        self.i = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None:
            raise SyntaxError("end")
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        if self.take() != ("op", op):
            raise SyntaxError(op)

    def binary(self, ops: dict[str, Callable[[Any, Any], Any]],
               sub: Callable[[], Node]) -> Node:
        left = sub()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ops:
            self.i += 1
            left = _binary(ops[tok[1]], left, sub())
        return left

    def comparison(self) -> Node:
        return self.binary({op: _comparison(op) for op in _COMPARE}, self.concat)

    def concat(self) -> Node:
        return self.binary({"&": _concat}, self.additive)

    def additive(self) -> Node:
        return self.binary({"+": _add, "-": _sub}, self.term)

    def term(self) -> Node:
        return self.binary({"*": _mul, "/": _div}, self.unary)

    def unary(self) -> Node:
        tok = self.peek()
        if tok == ("op", "-"):
            self.i += 1
            inner = self.unary()
            return lambda ctx, sheet: _elementwise(_negate, inner(ctx, sheet), 0.0)
        if tok == ("op", "+"):
            self.i += 1
            return self.unary()
        return self.primary()

    def primary(self) -> Node:
        kind, val = self.take()
        if kind in ("num", "str", "bool"):
            return lambda ctx, sheet, v=val: v
        if kind == "ref":
            return _reference(*val)
        if kind == "func":
            fn = FUNCTIONS.get(val)
            if fn is None:
                raise SyntaxError(val)
            args: list[Node] = []
            if self.peek() == ("op", ")"):
                self.i += 1
            else:
                while True:
                    if self.peek() in (("op", ","), ("op", ")")):
                        raise SyntaxError("empty argument")
                    args.append(self.comparison())
                    tok = self.take()
                    if tok == ("op", ")"):
                        break
                    if tok != ("op", ","):
                        raise SyntaxError(str(tok))
            return lambda ctx, sheet, fn=fn, args=args: fn(ctx, sheet, args)
        if (kind, val) == ("op", "("):
            inner = self.comparison()
            self.expect(")")
            return inner
        raise SyntaxError(str(val))


def _binary(f: Callable[[Any, Any], Any], left: Node, right: Node) -> Node:
    return lambda ctx, sheet: _elementwise(f, left(ctx, sheet), right(ctx, sheet))


def _reference(sheet_name: str | None, a: tuple[int, int], b: tuple[int, int] | None) -> Node:
    if b is None:
        r, c = a
        return lambda ctx, sheet: ctx.value((ctx.sheet(sheet_name, sheet), r, c))
    r1, r2 = sorted((a[0], b[0]))
    c1, c2 = sorted((a[1], b[1]))

    def block(ctx: Context, sheet: str) -> list[list[object]]:
        s = ctx.sheet(sheet_name, sheet)
        return [[ctx.value((s, r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    return block


def compile_formula(text: str) -> Node | None:
    """The formula (without '=') as a function of (context, sheet), or None when
    it uses anything this module does not evaluate."""
    try:
        p = _Parser(_tokens(text))
        node = p.comparison()
        if p.peek() is not None:
            return None
    except (SyntaxError, AssertionError):
        return None
    return node


def run(node: Node, ctx: Context, sheet: str) -> object:
    """The cell value of a compiled formula; raises :class:`Unsupported`."""
    v = node(ctx, sheet)
    if isinstance(v, list) or v is None:
        raise Unsupported  # an array result or a reference to an empty cell
    if type(v) is int:
        return float(v)
    if type(v) is float and not math.isfinite(v):
        raise Unsupported
    return v
