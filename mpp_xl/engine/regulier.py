"""Stage 8: the regular chain: five IND queues, bezwaar, then the courts."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..registry import REGULIER_CATEGORIES
from .blocks import QueueResult, queue
from .context import Months
from .rechtspraak import CourtResult, rechtspraak


class RegulierResult(NamedTuple):
    instroom: dict[str, np.ndarray]  # per category (T, B)
    queues: dict[str, QueueResult]
    bezwaar_instroom: np.ndarray
    bezwaar: QueueResult
    courts: CourtResult


def regulier(m: Months) -> RegulierResult:
    instroom: dict[str, np.ndarray] = {}
    queues: dict[str, QueueResult] = {}
    bezwaar_in = np.zeros((m.T, m.B))
    for c in REGULIER_CATEGORIES:
        instroom[c] = m.flow(f"regulier_instroom_{c}")
        q = queue(instroom[c], m.flow(f"regulier_capaciteit_{c}"),
                  m.single(f"regulier_min_werkvoorraad_{c}"),
                  m.single(f"regulier_werkvoorraad_start_{c}"))
        queues[c] = q
        afw = (1.0 - m.yearly(f"regulier_inwilliging_{c}")) * q.afdoeningen
        bezwaar_in += m.yearly(f"bezwaar_aandeel_{c}") * afw
    bezwaar = queue(bezwaar_in, m.flow("bezwaar_capaciteit"),
                    m.single("bezwaar_min_werkvoorraad"),
                    m.single("bezwaar_werkvoorraad_start"))
    ongegrond = m.yearly("bezwaar_ongegrond_aandeel") * bezwaar.afdoeningen
    courts = rechtspraak(m, "regulier", m.yearly("beroep_aandeel_regulier") * ongegrond)
    return RegulierResult(instroom, queues, bezwaar_in, bezwaar, courts)
