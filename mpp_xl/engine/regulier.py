"""Stage 8: the regular chain: five IND queues, bezwaar, then the courts."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core.registry import REGULIER_CATEGORIES
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
    """The five category queues run as one batch of 5·B queues (same formulas,
    one loop over months), then bezwaar and the courts."""
    T, B, K = m.T, m.B, len(REGULIER_CATEGORIES)

    def stacked(fmt: str, per_month: bool = True) -> np.ndarray:
        get = m.flow if per_month else m.yearly
        return np.concatenate([get(fmt.format(c)) for c in REGULIER_CATEGORIES], axis=1)

    def singles(fmt: str) -> np.ndarray:
        return np.concatenate([m.single(fmt.format(c)) for c in REGULIER_CATEGORIES])

    i_all = stacked("regulier_instroom_{}")  # (T, K·B), category-major columns
    q_all = queue(i_all, stacked("regulier_capaciteit_{}"),
                  singles("regulier_min_werkvoorraad_{}"),
                  singles("regulier_werkvoorraad_start_{}"))
    # negative decisions afw_c = (1 − inwilliging_c) · a_c; bezwaar_aandeel_c of them object
    afw = (1.0 - stacked("regulier_inwilliging_{}", False)) * q_all.afdoeningen
    bezwaar_in = (stacked("bezwaar_aandeel_{}", False) * afw).reshape(T, K, B).sum(axis=1)

    instroom: dict[str, np.ndarray] = {}
    queues: dict[str, QueueResult] = {}
    for j, c in enumerate(REGULIER_CATEGORIES):
        cols = slice(j * B, (j + 1) * B)
        instroom[c] = i_all[:, cols]
        queues[c] = QueueResult(q_all.afdoeningen[:, cols], q_all.voorraad[:, cols])
    bezwaar = queue(bezwaar_in, m.flow("bezwaar_capaciteit"),
                    m.single("bezwaar_min_werkvoorraad"),
                    m.single("bezwaar_werkvoorraad_start"))
    ongegrond = m.yearly("bezwaar_ongegrond_aandeel") * bezwaar.afdoeningen
    courts = rechtspraak(m, "regulier", m.yearly("beroep_aandeel_regulier") * ongegrond)
    return RegulierResult(instroom, queues, bezwaar_in, bezwaar, courts)
