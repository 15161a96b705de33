"""Dutch numbers: the one formatter and the one parser for every number a
user reads or types (messages, sheet texts, reports, command-line options).

Formatting writes a decimal comma and, where asked, a point between
thousands (12.345,6); parsing reads what a user types on the command line
(40.000, 2,5, 0.15) and refuses what is ambiguous.
"""

from __future__ import annotations

import math
import re

MINUS = "\u2212"  # the typographic minus sign (−) of signed changes


def nl_number(x: float, decimals: int = 0) -> str:
    """12345.6 -> '12.346' (decimals=0) or '12.345,6'."""
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def nl_decimal(x: float, spec: str = "g") -> str:
    """``x`` in the Python format ``spec`` with a decimal comma and no thousands
    separator: 2.5 -> '2,5', (0.131, '.1%') -> '13,1%'. ``spec`` must not ask
    for a thousands separator (that is :func:`nl_number`)."""
    return format(x, spec).replace(".", ",")


def nl_signed(x: float, spec: str = "+.1f") -> str:
    """A signed change with the typographic minus: (-1.25, '+.1f') -> '−1,2'."""
    return nl_decimal(x, spec).replace("-", MINUS)


def nl_value(x: float, spec: str = "g") -> str:
    """A value in a message: a whole number with thousands points (42.000),
    anything else by :func:`nl_decimal` with ``spec`` (0,15)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}".replace(",", ".")
    return nl_decimal(x, spec)


#: Dutch thousands notation: 40.000, 1.234.567, 40.000,5 (first group without a leading 0).
_NL_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_DECIMAL_COMMA = re.compile(r"(\d+),(\d+)")
_DECIMAL_POINT = re.compile(r"\d*\.\d+")
_SCIENTIFIC = re.compile(r"(?:\d+(?:[.,]\d+)?)[eE][+-]?\d+")


def parse_nl_number(text: str) -> float:
    """A number typed by a user (command line), read the Dutch way.

    ``40000``, ``40.000`` (thousands dots) -> 40000; ``40.000,5`` and
    ``2026,5`` (decimal comma) -> 40000.5 and 2026.5; a point that cannot be
    a thousands separator is a decimal point (``0.15``, ``1.5``); ``1e7``
    works. Ambiguous input is refused, never guessed: ``40,000`` (English
    thousands comma or decimal comma with three decimals?), ``1,234.5``,
    ``1.234.5``. Raises ValueError with a Dutch message saying what to write.
    """
    raw = text
    t = text.strip().replace("\u2212", "-").replace("_", "")
    sign = -1.0 if t.startswith("-") else 1.0
    if t[:1] in ("+", "-"):
        t = t[1:]
    value: float | None = None
    if t.isdigit() and t.isascii():
        value = float(t)
    elif _NL_THOUSANDS.fullmatch(t):
        value = float(t.replace(".", "").replace(",", "."))
    elif m := _DECIMAL_COMMA.fullmatch(t):
        whole, frac = m.groups()
        if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
            short = frac.rstrip("0") or "0"
            decimal = f"{whole},{short if len(short) < 3 else short + '0'}"
            raise ValueError(
                f"'{raw}' is dubbelzinnig: {whole}{frac} (komma als duizendtallen-teken) of "
                f"{whole},{frac} (decimaalkomma)? Schrijf {whole}{frac} of {whole}.{frac} "
                f"voor het duizendtal, of {decimal} voor het decimale getal.")
        value = float(f"{whole}.{frac}")
    elif _DECIMAL_POINT.fullmatch(t) or _SCIENTIFIC.fullmatch(t):
        value = float(t.replace(",", "."))
    if value is None or not math.isfinite(value):
        raise ValueError(
            f"'{raw}' is geen getal dat eenduidig te lezen is. Schrijf bijvoorbeeld 40000 of "
            "40.000 (punt alleen voor duizendtallen) en 2,5 (komma als decimaalteken).")
    return sign * value


#: A CSV value that looks like a count in Dutch thousands notation ("42.000",
#: "1.234.567"): in a CSV the point is the decimal sign, so it is never read as such.
THOUSANDS_LIKE = re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+")


def thousands_advice(text: str) -> str:
    """The common part of every message about a count written with a Dutch
    thousands point (``text`` matches :data:`THOUSANDS_LIKE`): how it would be
    read and what to write instead."""
    whole = text.replace(".", "")
    read = (f" (het zou als {nl_value(float(text))} gelezen worden)"
            if text.count(".") == 1 else "")
    return (f"in een CSV is de punt het decimaalteken{read}. Bedoelt u "
            f"{nl_value(float(whole))}: schrijf {whole} (getallen zonder duizendtallen-punten)")

