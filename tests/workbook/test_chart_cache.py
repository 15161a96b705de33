"""Chart caches as Excel writes charts (``c:`` prefix, existing caches, text
references) are rewritten from the cell values."""

from __future__ import annotations

import re

from mpp_xl.workbook.chart_cache import fill_chart_caches, split_reference

EXCEL_CHART = (
    b'<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart">'
    b"<c:ser><c:tx><c:strRef><c:f>'Uit &amp; komsten'!$B$7</c:f><c:strCache>"
    b'<c:ptCount val="1"/><c:pt idx="0"><c:v>oud</c:v></c:pt></c:strCache></c:strRef></c:tx>'
    b"<c:cat><c:numRef><c:f>'Uit &amp; komsten'!$A$8:$A$10</c:f></c:numRef></c:cat>"
    b"<c:val><c:numRef><c:f>'Uit &amp; komsten'!$B$8:$B$10</c:f><c:numCache>"
    b'<c:formatCode>General</c:formatCode><c:ptCount val="3"/>'
    b'<c:pt idx="0"><c:v>1</c:v></c:pt></c:numCache></c:numRef></c:val>'
    b"<c:val><c:numRef><c:f>Blad1!$A:$A</c:f></c:numRef></c:val>"
    b"</c:ser></c:chartSpace>")


def test_excel_charts_get_fresh_caches() -> None:
    cells = {("Uit & komsten", 7, 2): "medio", ("Uit & komsten", 8, 1): 2024,
             ("Uit & komsten", 9, 1): 2025, ("Uit & komsten", 10, 1): 2026,
             ("Uit & komsten", 8, 2): 10.5, ("Uit & komsten", 9, 2): "#N/A",
             ("Uit & komsten", 10, 2): 30.0}
    out = fill_chart_caches({"xl/charts/chart1.xml": EXCEL_CHART},
                            lambda s, r, c: cells.get((s, r, c)))
    xml = out["xl/charts/chart1.xml"].decode()
    assert "<c:v>oud</c:v>" not in xml and "<c:v>medio</c:v>" in xml
    caches = re.findall(r"<c:numCache>(.*?)</c:numCache>", xml)
    assert len(caches) == 2
    assert re.findall(r'<c:pt idx="(\d)"><c:v>([^<]*)</c:v>', caches[0]) == [
        ("0", "2024"), ("1", "2025"), ("2", "2026")]
    # an error value is a gap in the series, not a number
    assert re.findall(r'<c:pt idx="(\d)"><c:v>([^<]*)</c:v>', caches[1]) == [
        ("0", "10.5"), ("2", "30")]
    assert '<c:ptCount val="3"/>' in caches[1]
    # a whole-column reference cannot be cached: left as it was
    assert "<c:f>Blad1!$A:$A</c:f></c:numRef>" in xml


def test_split_reference() -> None:
    assert split_reference("'Uit ''x'''!$B$8:$C$9") == ("Uit 'x'", (2, 8, 3, 9))
    assert split_reference("Uitkomsten!$B$8") == ("Uitkomsten", (2, 8, 2, 8))
    assert split_reference("(Blad1!$A$1,Blad1!$A$3)") is None
    assert split_reference("MijnNaam") is None
