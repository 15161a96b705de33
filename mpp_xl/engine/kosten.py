"""Costs, p×q (docs/model.md, "Kosten"): volume times price per unit.

Prices are in euros of each year (``prijs_*`` on Financiën, per year and
scenario); every result is in € mln per year. The monthly formulas, with B_m
the COA occupancy at the start of month m of the year and R the regular
capacity ``coa_reguliere_capaciteit`` of that year:

    kosten_coa   = Σ_m [ B_m · p_coa_regulier
                         + max(0, B_m − R) · (p_coa_noodopvang − p_coa_regulier) ] / 12 / 10⁶
    kosten_coa_noodopvang = Σ_m max(0, B_m − R) · p_coa_noodopvang / 12 / 10⁶
    kosten_ind   = Σ_m (asielafdoeningen_m · p_ind_asiel
                        + reguliere afdoeningen IND_m · p_ind_regulier) / 10⁶
    kosten_dtv   = Σ_m D_m · p_dtv / 12 / 10⁶      (D_m: DT&V-caseload begin maand m)
    kosten_nidos = Σ_m N_m · p_nidos / 12 / 10⁶    (N_m: Nidos-caseload begin maand m)
    kosten_rechtspraak = Σ_m (RvdR-afdoeningen_m · p_rvdr_zaak
                              + RvS-afdoeningen_m · p_rvs_zaak) / 10⁶
    kosten_totaal = kosten_coa + kosten_ind + kosten_dtv + kosten_nidos + kosten_rechtspraak

Prices are per year, so a sum over the 12 months at that year's price is the
year's volume times the price (and a mean of 12 month-start stocks times a
yearly price for the stock-priced partners).
"""

from __future__ import annotations

import numpy as np

from ..core.registry import COST_KEYS
from .context import Months

MLN = 1e6


def has_prices(values: dict[str, np.ndarray]) -> bool:
    """True when every cost parameter is given (validation allows all or none)."""
    return all(k in values for k in COST_KEYS)


def kosten(
    m: Months,
    bezetting: np.ndarray,
    dtv_caseload: np.ndarray,
    nidos_caseload: np.ndarray,
    ind_asiel_afdoeningen: np.ndarray,
    ind_regulier_afdoeningen: np.ndarray,
    rvdr_afdoeningen: np.ndarray,
    rvs_afdoeningen: np.ndarray,
) -> dict[str, np.ndarray]:
    """The cost series per month, each (T, B) in € mln: the month's share of the
    year's cost, so the sum over a year's 12 months is the yearly series (the
    chain reports them like any flow).

    Stocks (bezetting, caseloads) are (T+1, B) aantal at the start of each
    month (row T, 1 jan after the horizon, is not used); afdoeningen (T, B)
    aantal per maand.
    """
    T = m.T
    B_m = bezetting[:T]  # COA occupancy at the start of each month of the horizon
    p_reg = m.yearly("prijs_coa_regulier")  # € per bewoner per jaar
    p_nood = m.yearly("prijs_coa_noodopvang")
    R = m.yearly("coa_reguliere_capaciteit")  # plaatsen
    boven = np.maximum(0.0, B_m - R)  # bewoners boven de reguliere capaciteit
    coa = (B_m * p_reg + boven * (p_nood - p_reg)) / 12.0 / MLN
    nood = boven * p_nood / 12.0 / MLN
    ind = (ind_asiel_afdoeningen * m.yearly("prijs_ind_asiel")
           + ind_regulier_afdoeningen * m.yearly("prijs_ind_regulier")) / MLN
    dtv = dtv_caseload[:T] * m.yearly("prijs_dtv") / 12.0 / MLN
    nidos = nidos_caseload[:T] * m.yearly("prijs_nidos") / 12.0 / MLN
    recht = (rvdr_afdoeningen * m.yearly("prijs_rvdr_zaak")
             + rvs_afdoeningen * m.yearly("prijs_rvs_zaak")) / MLN
    return {
        "kosten_coa": coa,
        "kosten_coa_noodopvang": nood,
        "kosten_ind": ind,
        "kosten_dtv": dtv,
        "kosten_nidos": nidos,
        "kosten_rechtspraak": recht,
        "kosten_totaal": coa + ind + dtv + nidos + recht,
    }
