"""Stage 4 (asiel) and the court part of stage 8 (regulier): RvdR and RvS queues."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .blocks import queue
from .context import Months


class CourtResult(NamedTuple):
    rvdr_instroom: np.ndarray  # (T, B)
    rvdr_afdoeningen: np.ndarray
    rvdr_voorraad: np.ndarray  # (T+1, B)
    rvs_instroom: np.ndarray
    rvs_afdoeningen: np.ndarray
    rvs_voorraad: np.ndarray


def rechtspraak(m: Months, soort: str, rvdr_instroom: np.ndarray) -> CourtResult:
    """Beroep (RvdR) then hoger beroep (RvS) for ``soort`` 'asiel' or 'regulier'.

    RvS inflow = hoger_beroep_aandeel[y] · RvdR afdoeningen of the same month.
    """
    rvdr = queue(
        rvdr_instroom,
        m.flow(f"rvdr_{soort}_capaciteit"),
        m.single(f"rvdr_{soort}_min_voorraad"),
        m.single(f"rvdr_{soort}_voorraad_start"),
    )
    rvs_in = m.yearly(f"hoger_beroep_aandeel_{soort}") * rvdr.afdoeningen
    rvs = queue(
        rvs_in,
        m.flow(f"rvs_{soort}_capaciteit"),
        m.single(f"rvs_{soort}_min_voorraad"),
        m.single(f"rvs_{soort}_voorraad_start"),
    )
    return CourtResult(
        rvdr_instroom, rvdr.afdoeningen, rvdr.voorraad, rvs_in, rvs.afdoeningen, rvs.voorraad
    )
