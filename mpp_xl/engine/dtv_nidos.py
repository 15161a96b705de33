"""Stage 6 (DT&V) and 7 (Nidos): two first-order pools."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .blocks import lag, pool
from .context import Months
from .ind import K_EERSTE, K_HERHAALD, IndResult


class PoolStage(NamedTuple):
    instroom: np.ndarray  # (T, B)
    uitstroom: np.ndarray  # (T, B)
    caseload: np.ndarray  # (T+1, B)


def dtv(m: Months, ind: IndResult) -> tuple[np.ndarray, np.ndarray, PoolStage]:
    """Returns (instroom_ind, instroom_overig, pool). The share is taken at the
    year of the month of transfer, applied to the lagged rejections."""
    A = ind.afwijzingen_k[:, K_EERSTE] + ind.afwijzingen_k[:, K_HERHAALD]
    A_L = lag(A, m.single("dtv_vertraging_maanden"),
              m.single("ind_afwijzingen_historie") / 12.0)
    uit_ind = m.yearly("dtv_overdracht_aandeel") * A_L
    overig = m.flow("overdrachten_dtv")
    instroom = uit_ind + overig
    p = pool(instroom, m.yearly("dtv_vertrek_fractie"), m.single("dtv_caseload_start"))
    return uit_ind, overig, PoolStage(instroom, p.uitstroom, p.voorraad)


def nidos(m: Months, amv: np.ndarray) -> PoolStage:
    """Nidos caseload: inflow nidos_aandeel · amv, outflow 1 / duur per maand."""
    instroom = m.yearly("nidos_aandeel") * amv
    p = pool(instroom, 1.0 / m.yearly("nidos_duur_maanden"), m.single("nidos_caseload_start"))
    return PoolStage(instroom, p.uitstroom, p.voorraad)
