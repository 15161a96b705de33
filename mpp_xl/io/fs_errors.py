"""Dutch messages for file-system faults (no permission, disk full, file in
use). Standard library only: the CLI imports it at start-up."""

from __future__ import annotations

import errno
from pathlib import Path

__all__ = ["fs_error_message"]

#: Windows error codes of a file held open by another program (sharing and lock
#: violation); Python raises PermissionError for them.
_WIN_IN_USE = (32, 33)


def fs_error_message(e: OSError, target: Path | None, action: str = "geschreven") -> str:
    """A Dutch message for a file-system fault while writing ``target`` (or
    the file the error names): what happened and what to do. Nothing is
    changed when it happens: every write goes through :func:`atomic_write`."""
    where = target or (Path(e.filename) if e.filename else None)
    name = where.name if where is not None else "het bestand"
    folder = f" in de map {where.absolute().parent}" if where is not None else ""
    code = e.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        what = "de schijf (of uw schijfruimte op de netwerkschijf) is vol"
        todo = "Maak ruimte vrij en probeer het opnieuw."
    elif code == errno.EROFS:
        what = "de schijf kan alleen gelezen worden"
        todo = "Kopieer de werkmap naar een map waarin u mag schrijven en werk daar verder."
    elif getattr(e, "winerror", None) in _WIN_IN_USE or code in (errno.EBUSY, errno.ETXTBSY):
        what = "een ander programma heeft het bestand in gebruik"
        todo = ("Sluit het bestand in Excel of het andere programma (ook een synchronisatie- of "
                "virusscanner kan het tijdelijk vasthouden) en probeer het opnieuw.")
    elif isinstance(e, PermissionError) or code in (errno.EACCES, errno.EPERM):
        what = ("geen toegang: het bestand of de map is alleen-lezen, of een ander programma "
                "heeft het bestand in gebruik")
        todo = ("Sluit het bestand in Excel of een ander programma, controleer of u in de map "
                "mag schrijven (en of het bestand niet alleen-lezen is) en probeer het opnieuw.")
    else:
        what = e.strerror or type(e).__name__
        todo = "Controleer de map en de schijf en probeer het opnieuw."
    return (f"{name} kon niet worden {action}{folder}: {what}. Er is niets gewijzigd (mpp "
            f"vervangt een bestand pas als het nieuwe compleet is geschreven). {todo}")
