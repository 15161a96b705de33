"""The sign-off (vaststelling) policy, without any file: which partners can
sign off, what a valid sign-off date is, who counts as the same person and
what a command says when it is given a partner file instead of the master.

The workbook side (reading and writing sign-offs in the master workbook and
in partner files) is :mod:`mpp_xl.workbook.signoff`.
"""

from __future__ import annotations

import datetime as dt
import re

from .problems import MppError
from .registry import PARTNERS
from .registry import normalise_partner as _registry_partner


def normalise_partner(text: str) -> str:
    """'ind' -> 'IND', 'DT&V' -> 'DTV', 'KMar' -> 'Politie' (see
    :func:`mpp_xl.core.registry.normalise_partner`); 'Kader' and unknown names are a
    Dutch error listing the valid partners."""
    found = _registry_partner(text)
    valid = ", ".join(PARTNERS)
    if found == "Kader":
        raise MppError(f"Het blad Kader is van de coördinator en wordt niet per partner "
                       f"vastgesteld of uitgewisseld; kies een partner: {valid}.")
    if found not in PARTNERS:
        raise MppError(f"Onbekende partner '{text}'; kies uit {valid} "
                       "(ook 'DT&V' en 'KMar' worden herkend).")
    return found


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def check_date(text: str | None) -> str:
    """A sign-off date as 'jjjj-mm-dd' (a real calendar date); None -> today."""
    if text is None:
        return dt.date.today().isoformat()
    t = str(text).strip()
    try:
        if not _DATE.fullmatch(t):
            raise ValueError
        return dt.date.fromisoformat(t).isoformat()
    except ValueError:
        raise MppError(f"Datum '{text}' is geen geldige datum; schrijf jjjj-mm-dd, "
                       "bijvoorbeeld 2024-06-15.") from None


def same_name(a: str, b: str) -> bool:
    """Two names of a person are the same up to case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


_PARTNER_FILE_HINT = {
    "status": "de vaststelling van het partnerbestand zelf staat bovenaan het partnerblad",
    "ververs": "voeg het partnerbestand samen met: mpp importeer-partner MASTER.xlsm {name}",
    "importeer-partner": "eerst de master, dan het partnerbestand: "
                         "mpp importeer-partner MASTER.xlsm {name}",
}


def partner_file_refusal(name: str, command: str) -> MppError:
    """The Dutch error for a partner file given where ``mpp COMMAND`` needs
    the master workbook."""
    hint = _PARTNER_FILE_HINT.get(command, "")
    text = f"{name} is een partnerbestand; 'mpp {command}' werkt op de masterwerkmap"
    return MppError(text + ("; " + hint.format(name=name) if hint else "") + ".")
