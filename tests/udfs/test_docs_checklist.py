"""docs/udfs.md ends with the Excel acceptance checklist: every line names the
automated test that covers it (which must exist) or says "handmatig"."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "udfs.md"


def _items() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    head = "## Acceptatielijst Excel"
    assert head in text
    tail = text[text.index(head):]
    assert "\n## " not in tail[len(head):]  # it is the last section
    return [" ".join(i.split()) for i in re.split(r"\n- \[ \] ", tail)[1:]]


def _find_test(file: str, name: str | None) -> bool:
    hits = list((ROOT / "tests").rglob(file))
    if not hits:
        return False
    if name is None:
        return any(re.search(r"^def test_", h.read_text(), re.M) for h in hits)
    return any(re.search(rf"^def {re.escape(name)}\(", h.read_text(), re.M) for h in hits)


def test_every_checklist_line_names_a_test_or_says_manual() -> None:
    items = _items()
    assert len(items) >= 10
    for item in items:
        refs = re.findall(r"`(test_\w+\.py)(?:::(test_\w+))?`|`::(test_\w+)`", item)
        assert refs or "handmatig" in item, item
        last_file = None
        for file, name, bare in refs:
            if file:
                last_file = file
                assert _find_test(file, name or None), (file, name)
            else:
                assert last_file is not None, item
                assert _find_test(last_file, bare), (last_file, bare)


def test_docs_state_the_conf_the_shipped_workbook_has() -> None:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(ROOT / "workbooks" / "mpp_2024_2.xlsm")) \
        .get_sheet_by_name("xlwings.conf").to_python()
    conf = {str(r[0]).strip(): r[1] for r in rows if r and r[0] not in (None, "")}
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert f"`UDF Modules`: `{conf['UDF Modules']}`" in text
    assert "`PYTHONPATH`: **leeg**" in text and not conf.get("PYTHONPATH")
    assert f"Standaard `{conf['Interpreter_Win']}`" in text
    assert "--interpreter" in text
