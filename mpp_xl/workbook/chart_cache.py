"""Cached data in the charts (``c:numCache``/``c:strCache``).

A chart part names its data by reference (``'Uitkomsten'!$B$10:$B$16``) and
may carry a copy of the values. Excel redraws from the cells; a reader
without xlwings (Excel without the add-in, LibreOffice, a previewer) that does
not recalculate draws from the copy, or draws nothing when there is none.
The refresh therefore writes the copy from the values it just computed, and
the values-only copy from the cached cell values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from xml.sax.saxutils import escape

from .xlsxio import split_ref

#: ``(sheet, row, col) -> value`` (1-based), the value a cell shows.
Lookup = Callable[[str, int, int], object]

_REF = re.compile(
    rb"<(?P<p>(?:\w+:)?)(?P<kind>numRef|strRef)>\s*<(?P=p)f>(?P<f>[^<]*)</(?P=p)f>"
    rb"(?P<cache>.*?)</(?P=p)(?P=kind)>", re.S)


def chart_part_names(parts: Mapping[str, bytes]) -> list[str]:
    return sorted(n for n in parts if re.fullmatch(r"xl/charts/chart\d+\.xml", n))


def split_reference(ref: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """``'Sheet'!$A$1:$B$3`` -> (sheet, (min_col, min_row, max_col, max_row)); None
    for what a chart cache cannot hold (several areas, whole rows, names)."""
    ref = ref.strip()
    if ref.startswith("(") or "," in ref or "!" not in ref:
        return None
    sheet, _, rng = ref.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    a, _, b = rng.partition(":")
    try:  # whole rows or columns (1:3, A:B) are not cell references: None
        r0, c0 = split_ref(a)
        r1, c1 = split_ref(b) if b else (r0, c0)
    except ValueError:
        return None
    return sheet, (min(c0, c1), min(r0, r1), max(c0, c1), max(r0, r1))


def _number(v: object) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, (int, float)) and math.isfinite(float(v)):
        return float(v)
    return None


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def cache_xml(prefix: str, kind: str, values: list[object]) -> str:
    """The ``numCache``/``strCache`` element for ``values`` (in reference order)."""
    p = prefix
    pts = []
    if kind == "numRef":
        for i, v in enumerate(values):
            x = _number(v)
            if x is not None:
                pts.append(f'<{p}pt idx="{i}"><{p}v>{_fmt(x)}</{p}v></{p}pt>')
        return (f"<{p}numCache><{p}formatCode>General</{p}formatCode>"
                f'<{p}ptCount val="{len(values)}"/>{"".join(pts)}</{p}numCache>')
    for i, v in enumerate(values):
        if v is not None and v != "":
            text = _fmt(v) if isinstance(v, float) else str(v)
            pts.append(f'<{p}pt idx="{i}"><{p}v>{escape(text)}</{p}v></{p}pt>')
    return f'<{p}strCache><{p}ptCount val="{len(values)}"/>{"".join(pts)}</{p}strCache>'


def fill_chart_caches(parts: Mapping[str, bytes], value: Lookup) -> dict[str, bytes]:
    """Every chart part whose caches change, with each reference's cache
    (re)written from ``value``; references a cache cannot hold stay as they are."""
    out: dict[str, bytes] = {}
    for name in chart_part_names(parts):
        xml = parts[name]

        def repl(m: re.Match[bytes]) -> bytes:
            formula = m.group("f").decode()
            formula = formula.replace("&amp;", "&").replace("&apos;", "'")
            split = split_reference(formula)
            if split is None:
                return m.group(0)
            sheet, (c0, r0, c1, r1) = split
            vals = [value(sheet, r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            p, kind = m.group("p").decode(), m.group("kind").decode()
            return (f"<{p}{kind}><{p}f>{m.group('f').decode()}</{p}f>"
                    f"{cache_xml(p, kind, vals)}</{p}{kind}>").encode()

        new = _REF.sub(repl, xml)
        if new != xml:
            out[name] = new
    return out
