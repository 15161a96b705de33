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

from collections.abc import Callable, Sequence
from pathlib import Path

from .analysis.backtest import read_realisaties
from .analysis.compare import Comparison, compare
from .analysis.forecast import Forecast, run
from .analysis.report import ReportInfo
from .analysis.report import make_report as _make_report
from .analysis.report_vintages import round_label, vintage_figures
from .core.assumptions import Assumptions
from .core.problems import MppError
from .workbook.reader import read_assumptions, read_workbook_realisaties

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
                year_after_end: bool = False, rondes: Sequence[str | Path] = (),
                realisaties: str | Path | None = None) -> ReportInfo:
    """:func:`mpp_xl.analysis.report.make_report` for the assumptions in
    ``input_path`` (CSV or workbook), compared with those in ``vorige`` when
    given; ``rondes`` (earlier rounds, oldest first) add the vintage charts with
    the realisations (``realisaties``, else the Realisatie sheet of a workbook
    ``input_path``). Nothing is written when anything fails."""
    a = read_assumptions(input_path)
    a_old = read_assumptions(vorige) if vorige else None
    extra = _vintages(a, input_path, rondes, realisaties) if rondes else None
    return _make_report(a, output, png_dir=png_dir, vorige=a_old, draws=draws, seed=seed,
                        progress=progress, year_after_end=year_after_end, extra=extra)


def _vintages(a: Assumptions, input_path: str | Path, rondes: Sequence[str | Path],
              realisaties: str | Path | None) -> Callable[[Forecast], list]:  # type: ignore[type-arg]
    """The vintage charts' maker for :func:`make_report`: every earlier round read
    and run now (a bad file fails before anything is written)."""
    earlier = []
    for p in rondes:
        fc = run(read_assumptions(p))
        earlier.append((round_label(fc, Path(p).name), fc))
    if realisaties is not None:
        real = read_realisaties(realisaties)
    elif Path(input_path).suffix.lower() in (".xlsx", ".xlsm"):
        real = read_workbook_realisaties(input_path)
    else:
        real = None
    labels = [lab for lab, _ in earlier]
    if len(set(labels)) != len(labels):
        raise MppError("--rondes noemt dezelfde ronde twee keer: " + ", ".join(labels) + ".")

    def make(fc: Forecast) -> list:  # type: ignore[type-arg]
        return vintage_figures([*earlier, (round_label(fc, Path(input_path).name), fc)], real)

    return make
