"""Stage 1 and 2: instroom (DGM-APM, BZ) and I&R (Politie).

Nareis depends on IND grants and is computed inside the IND stage.
"""

from __future__ import annotations

import numpy as np

from .context import Months, per_year_sum


def instroom(m: Months) -> dict[str, np.ndarray]:
    """Exogenous monthly inflows (T, B), aantal per maand."""
    e = m.flow("eerste_aanvragen")
    return {
        "eerste": e,
        "herhaald": m.flow("herhaalde_aanvragen"),
        "hervestiging": m.flow("hervestiging"),
        "amv": m.yearly("amv_aandeel") * e,
    }


def ir_tekort(m: Months, eerste: np.ndarray) -> np.ndarray:
    """Per year: max(0, ir_benodigd[y] − ir_capaciteit[y]); (B, n_years)."""
    return np.maximum(0.0, per_year_sum(eerste) - m.values["ir_capaciteit"])
