"""The wiring module: puts the layers together for the command line and
the Excel functions.

The package has one allowed import direction (checked by import-linter, see
``[tool.importlinter]`` in pyproject.toml)::

    core  <-  io, engine  <-  analysis  <-  workbook  <-  api  <-  cli, commands, udfs

``core`` holds what every layer shares (registry, series, problems and their
rules, assumptions and their validation, the sign-off policy, Dutch numbers);
``io`` writes files and reads Excel cell values; ``engine`` is the pure numpy
chain model; ``analysis`` runs it (forecast, model cache, uncertainty,
comparison, backtest, goal seek, report); ``workbook`` reads and writes the
Excel workbook. What needs more than one layer at once (a path that may be
a CSV or a workbook, a report from a file) is wired here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .analysis.compare import Comparison, compare
from .analysis.forecast import Forecast, run
from .analysis.report import ReportInfo
from .analysis.report import make_report as _make_report
from .core.assumptions import Assumptions
from .workbook.reader import read_assumptions

__all__ = [
    "Assumptions",
    "Comparison",
    "Forecast",
    "ReportInfo",
    "compare_files",
    "make_report",
    "read_assumptions",
    "run",
]


def compare_files(old_path: str | Path, new_path: str | Path) -> Comparison:
    """Read, validate and run two assumption files (CSV or workbook) and compare."""
    a_old, a_new = read_assumptions(old_path), read_assumptions(new_path)
    return compare(run(a_old), run(a_new), a_old, a_new)


def make_report(input_path: str | Path, output: str | Path, png_dir: str | Path | None = None,
                vorige: str | Path | None = None, draws: int | None = None,
                seed: int | None = None,
                progress: Callable[[int], None] | None = None,
                year_after_end: bool = False) -> ReportInfo:
    """:func:`mpp_xl.analysis.report.make_report` for the assumptions in
    ``input_path`` (CSV or workbook), compared with those in ``vorige`` when
    given. Nothing is written when anything fails."""
    a = read_assumptions(input_path)
    a_old = read_assumptions(vorige) if vorige else None
    return _make_report(a, output, png_dir=png_dir, vorige=a_old, draws=draws, seed=seed,
                        progress=progress, year_after_end=year_after_end)
