"""Fuzz at the XML level: random cell markup (any type attribute, any value
text, error codes, formulas) in an input cell of a real workbook never makes
the reader raise anything but a Dutch MppError/ValidationError, and every
problem it reports for that cell names the cell."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpp_xl.core.problems import MppError
from mpp_xl.workbook.reader import read_bytes_assumptions
from tests.corpus import make_corpus as mc

types = st.sampled_from(["", "n", "s", "str", "b", "e", "inlineStr", "d", "x"])
values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["#DIV/0!", "#N/A", "#DEEL/0!", "#REF!", "1E+308", "-1", "0", "1.5", "NaN",
                     "INF", "45352", "TRUE", "2024-03-01T00:00:00", "99", "&amp;", "1e400"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
formulas = st.one_of(st.none(), st.sampled_from(["1/0", "Onbekend!A1", "E8*2", "E7", "SUM(",
                                                  "'[1]Blad'!A1", "NA()", "\"tekst\""]))


def markup(t: str, v: str, f: str | None, inline: bool) -> str:
    ta = f' t="{t}"' if t else ""
    fx = f"<f>{escape(f)}</f>" if f is not None else ""
    body = f"<is><t>{escape(v)}</t></is>" if inline else f"<v>{escape(v)}</v>"
    return f'<c r="E7"{{s}}{ta}>{fx}{body}</c>'


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(t=types, v=values, f=formulas, inline=st.booleans())
def test_random_cell_markup_never_crashes_the_reader(example_xlsx: Path, t: str, v: str,
                                                     f: str | None, inline: bool) -> None:
    data = mc.edit(example_xlsx.read_bytes(), "COA", {"E7": markup(t, v, f, inline)})
    try:
        a = read_bytes_assumptions(data, "fuzz.xlsx")
        problems = a.validate()
    except MppError as e:  # includes ValidationError
        assert str(e)
        return
    for p in problems:
        if p.parameter == "coa_start_asielzoekers" and p.is_error:
            assert (p.blad, p.cel) == ("COA", "E7"), p
