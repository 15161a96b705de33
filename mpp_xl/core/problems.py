"""Validation problems: every rule violation as one row, in plain Dutch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

FOUT = "fout"
WAARSCHUWING = "waarschuwing"


@dataclass(frozen=True)
class Problem:
    """One validation finding.

    ``regel`` is a short, stable rule code (e.g. ``buiten_grenzen``); ``melding``
    the Dutch message shown to the user. ``blad`` and ``cel`` locate the input
    (for a CSV: ``cel`` is ``regel N``).
    """

    niveau: str
    regel: str
    melding: str
    parameter: str | None = None
    scenario: str | None = None
    jaar: int | None = None
    blad: str | None = None
    cel: str | None = None

    @property
    def is_error(self) -> bool:
        return self.niveau == FOUT

    def location(self) -> str:
        """'IND!C12' or 'regel 7', or '' when unknown."""
        if self.blad and self.cel:
            return f"{self.blad}!{self.cel}"
        return self.blad or self.cel or ""

    def as_text(self) -> str:
        where = self.location()
        head = f"[{self.niveau.upper()}] " + (f"{where}: " if where else "")
        return f"{head}{self.melding} (regel: {self.regel})"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class MppError(Exception):
    """An error the user can act on; the CLI prints it and exits with code 2."""


class ValidationError(MppError):
    """Raised when the assumptions have errors; carries every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        n = sum(p.is_error for p in self.problems)
        super().__init__(f"De aannames bevatten {n} fout(en); er is niets berekend.")

    def report(self) -> str:
        return "\n".join([str(self), *(p.as_text() for p in self.problems)])


def format_problems(problems: Iterable[Problem]) -> str:
    """All problems as text, errors first."""
    ps = sorted(problems, key=lambda p: (not p.is_error,))
    return "\n".join(p.as_text() for p in ps)
