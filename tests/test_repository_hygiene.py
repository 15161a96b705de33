"""No tracked file names a machine path (a home or work folder, a temporary
folder used as a data path, a folder beside the repository) or an internal
working note: a clone is self-contained and speaks of the product alone.
Workbooks are checked inside (their XML parts), since a path can hide in a
cell or in xlwings.conf."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SELF = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Built from parts so that this file does not match itself.
_SLASH = "/"
FORBIDDEN: dict[str, re.Pattern[str]] = {
    "machine path": re.compile(_SLASH + r"(?:work|root|Users)" + _SLASH
                               + r"|" + _SLASH + r"home" + _SLASH + r"[a-z]"),
    "temporary folder as a data path": re.compile(r"(?<![\w.])" + _SLASH + "tmp" + _SLASH),
    "folder beside the repository": re.compile(r"(?<![\w-])shared" + _SLASH),
    "Windows user folder": re.compile(r"[A-Za-z]:\\+Users\\+(?!<)", re.I),
    "internal brief": re.compile(r"TEAM_" + r"BRIEF|brief_" + r"common|interne? brief",
                                 re.I),
}
#: (path, kind) pairs that may match, with the reason. Keep it short.
ALLOWED: dict[tuple[str, str], str] = {
}
ZIPPED = (".xlsx", ".xlsm")


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("geen git-checkout: de lijst van bestanden ontbreekt")
    return [p for p in out.decode().split("\0") if p]


def texts(rel: str) -> list[tuple[str, str]]:
    """(where, text) of a tracked file: the file itself, or each part of a workbook."""
    path = ROOT / rel
    if not path.is_file():  # deleted in the work tree
        return []
    data = path.read_bytes()
    if rel.endswith(ZIPPED):
        with zipfile.ZipFile(path) as z:
            return [(f"{rel}:{n}", z.read(n).decode("utf-8", "replace"))
                    for n in z.namelist() if n.endswith((".xml", ".rels", ".vba"))
                    or "vbaProject" in n]
    if b"\0" in data[:8000]:  # binary
        return []
    return [(rel, data.decode("utf-8", "replace"))]


def offences(files: list[str]) -> list[str]:
    found = []
    for rel in files:
        if rel == SELF:
            continue
        for where, text in texts(rel):
            for kind, pat in FORBIDDEN.items():
                if (rel, kind) in ALLOWED:
                    continue
                for m in pat.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    around = text[max(0, m.start() - 30):m.end() + 30]
                    found.append(f"{where}:{line}: {kind}: …{around!r}")
    return found


def test_no_tracked_file_names_a_machine_path_or_an_internal_brief() -> None:
    files = tracked_files()
    assert "README.md" in files and any(f.startswith("mpp_xl/") for f in files)
    found = offences(files)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("text", [
    "zie ../shared/MODEL.md", "pad = '/work/main/referentie'", "open('/tmp/x.csv')",
    "C:\\Users\\jan\\mpp", "docs/TEAM_" + "BRIEF.md", "/home/analist/mpp",
])
def test_the_patterns_catch_what_they_should(text: str) -> None:
    assert any(pat.search(text) for pat in FORBIDDEN.values()), text


@pytest.mark.parametrize("text", [
    "tmp_path / 'x.csv'", "een brief aan de partners", "mpp_xl/workbook/tmp",
    "tests/corpus/gedeeld/", "~/.cache/mpp", "geen gedeelde map",
    "C:\\Users\\<naam>\\AppData",
])
def test_the_patterns_leave_ordinary_text_alone(text: str) -> None:
    assert not any(pat.search(text) for pat in FORBIDDEN.values()), text
