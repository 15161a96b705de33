"""The whole chain for one batch, in the order of docs/model.md, reported per year
(:func:`compute`) or per month (:func:`compute_monthly`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.registry import ASIEL_CATEGORIES, IND_REGULIER_CATEGORIES, REGULIER_CATEGORIES
from .coa import coa
from .context import Months, per_jan, per_year_sum
from .dtv_nidos import dtv, nidos
from .ind import IndResult, ind_asiel
from .instroom import instroom, ir_tekort
from .kosten import has_prices, kosten
from .rechtspraak import CourtResult, rechtspraak
from .regulier import regulier

#: Monthly-only detail series of :func:`compute_monthly` (not in the series registry):
#: the IND stock and the grants and rejections per asylum category, for a new round's
#: start stocks and history inputs.
DETAIL_KEYS: tuple[str, ...] = (
    *(f"ind_werkvoorraad_{k}" for k in ASIEL_CATEGORIES),
    *(f"ind_inwilligingen_{k}" for k in ASIEL_CATEGORIES),
    *(f"ind_afwijzingen_{k}" for k in ASIEL_CATEGORIES),
)


def compute(values: dict[str, np.ndarray], n_years: int) -> dict[str, np.ndarray]:
    """Run every stage. Returns series key -> (B, n_years) for flows (yearly
    totals) and (B, n_years + 1) for stocks (per 1 jan, incl. eindjaar+1).
    The cost series (€ mln per jaar) are there only when ``values`` holds the
    prices (:func:`mpp_xl.engine.kosten.has_prices`)."""
    m = Months(values, n_years)
    out: dict[str, np.ndarray] = {}
    flow = lambda key, x: out.__setitem__(key, per_year_sum(x))  # noqa: E731
    stock = lambda key, x: out.__setitem__(key, per_jan(x))  # noqa: E731
    _chain(m, values, out, flow, stock)
    out["ir_tekort"] = ir_tekort(m, m.flow("eerste_aanvragen"))
    return out


def compute_monthly(values: dict[str, np.ndarray], n_years: int) -> dict[str, np.ndarray]:
    """Run every stage and report per month: series key -> (B, 12·n_years) for
    flows (aantal per maand) and (B, 12·n_years + 1) for stocks (at the start of
    each month, the last being 1 jan eindjaar+1), plus :data:`DETAIL_KEYS`.
    ``ir_tekort`` (a yearly comparison with a yearly capacity) is left out.
    Summing a flow per 12 months, or taking every 12th stock value, gives
    :func:`compute` exactly."""
    m = Months(values, n_years)
    out: dict[str, np.ndarray] = {}
    flow = lambda key, x: out.__setitem__(key, np.ascontiguousarray(x.T))  # noqa: E731
    stock = lambda key, x: out.__setitem__(key, np.ascontiguousarray(x.T))  # noqa: E731
    ind = _chain(m, values, out, flow, stock)
    assert ind.werkvoorraad_k is not None
    for j, k in enumerate(ASIEL_CATEGORIES):
        stock(f"ind_werkvoorraad_{k}", ind.werkvoorraad_k[:, j])
        flow(f"ind_inwilligingen_{k}", ind.inwilligingen_k[:, j])
        flow(f"ind_afwijzingen_{k}", ind.afwijzingen_k[:, j])
    del out["ir_tekort"]
    return out


def _chain(m: Months, values: dict[str, np.ndarray], out: dict[str, np.ndarray],
           flow: Callable[[str, np.ndarray], None],
           stock: Callable[[str, np.ndarray], None]) -> IndResult:
    """Every stage; ``flow``/``stock`` report a monthly (T, B) / (T+1, B) array;
    derived stock series are computed on what ``stock`` stored (per 1 jan or per
    month: the same formulas). Returns the IND result for the detail series."""

    # 1-2. Instroom and I&R
    ins = instroom(m)
    # 3. IND asiel (nareis is fed back from IND grants)
    ind = ind_asiel(m, ins["eerste"], ins["herhaald"], ins["hervestiging"])
    for j, k in enumerate(ASIEL_CATEGORIES):
        flow(f"instroom_{k}", ind.instroom_k[:, j])
        flow(f"ind_afdoeningen_{k}", ind.afdoeningen_k[:, j])
    flow("instroom_totaal", ind.instroom_k.sum(axis=1))
    # Series for realisations with another definition (beyond the series list of docs/model.md):
    # asylum inflow without hervestiging, decisions on eerste + herhaald only.
    flow("instroom_asiel_excl_hervestiging", ind.instroom_k[:, :3].sum(axis=1))
    flow("ind_afdoeningen_eerste_herhaald", ind.afdoeningen_k[:, :2].sum(axis=1))
    flow("amv_instroom", ins["amv"])
    out["ir_benodigd"] = out["instroom_eerste"]
    out["ir_tekort"] = np.empty(0)  # placeholder keeps the registry order; set by the caller
    flow("ind_afdoeningen_totaal", ind.afdoeningen_k.sum(axis=1))
    flow("ind_inwilligingen", ind.inwilligingen_k.sum(axis=1))
    flow("ind_afwijzingen", ind.afwijzingen_k.sum(axis=1))
    flow("ind_bntb", ind.bntb)
    stock("ind_werkvoorraad", ind.werkvoorraad)

    # 4. Rechtspraak asiel: appeals on rejections of eerste + herhaald, plus BNTB
    afw_eh = ind.afwijzingen_k[:, 0] + ind.afwijzingen_k[:, 1]
    court = rechtspraak(m, "asiel", m.yearly("beroep_aandeel_asiel") * afw_eh + ind.bntb)
    _report_courts(court, "asiel", flow, stock)

    # 5. COA
    c = coa(m, ind)
    bez = c.az + c.sh + c.vv
    stock("coa_asielzoekers", c.az)
    stock("coa_statushouders", c.sh)
    stock("coa_overig", c.vv)
    stock("coa_bezetting", bez)
    snij = np.concatenate([values["snijverlies"], values["snijverlies"][:, -1:]], axis=1)
    if out["coa_bezetting"].shape[1] != snij.shape[1]:  # monthly: the year of each month
        snij = np.concatenate([np.repeat(values["snijverlies"], 12, axis=1),
                               values["snijverlies"][:, -1:]], axis=1)
    out["coa_capaciteit"] = out["coa_bezetting"] / (1.0 - snij)
    b, s = out["coa_bezetting"], out["coa_statushouders"]
    out["coa_aandeel_statushouders"] = np.divide(s, b, out=np.zeros_like(b), where=b > 0)
    flow("coa_instroom", c.instroom)
    flow("coa_uitstroom_huisvesting", c.uit_huisvesting)
    flow("coa_uitstroom_vertrek", c.uit_vertrek)
    flow("coa_uitstroom_overig", c.uit_overig)

    # 6. DT&V
    uit_ind, overig, d = dtv(m, ind)
    flow("dtv_instroom_ind", uit_ind)
    flow("dtv_instroom_overig", overig)
    flow("dtv_instroom", d.instroom)
    flow("dtv_vertrek", d.uitstroom)
    stock("dtv_caseload", d.caseload)

    # 7. Nidos
    n = nidos(m, ins["amv"])
    flow("nidos_instroom", n.instroom)
    flow("nidos_uitstroom", n.uitstroom)
    stock("nidos_caseload", n.caseload)

    # 8. Regulier
    reg = regulier(m)
    for cat in REGULIER_CATEGORIES:
        flow(f"regulier_{cat}_instroom", reg.instroom[cat])
        flow(f"regulier_{cat}_afdoeningen", reg.queues[cat].afdoeningen)
        stock(f"regulier_{cat}_werkvoorraad", reg.queues[cat].voorraad)
    flow("bezwaar_regulier_instroom", reg.bezwaar_instroom)
    flow("bezwaar_regulier_afdoeningen", reg.bezwaar.afdoeningen)
    stock("bezwaar_regulier_werkvoorraad", reg.bezwaar.voorraad)
    _report_courts(reg.courts, "regulier", flow, stock)

    # 9. Kosten (p×q), only with prices: € mln per month, summed per year by ``flow``
    if has_prices(values):
        for key, monthly in kosten(
            m, bez, d.caseload, n.caseload,
            ind_asiel_afdoeningen=ind.afdoeningen_k.sum(axis=1),
            ind_regulier_afdoeningen=sum(  # type: ignore[arg-type]
                (reg.queues[c].afdoeningen for c in IND_REGULIER_CATEGORIES),
                np.zeros((m.T, m.B))),
            rvdr_afdoeningen=court.rvdr_afdoeningen + reg.courts.rvdr_afdoeningen,
            rvs_afdoeningen=court.rvs_afdoeningen + reg.courts.rvs_afdoeningen,
        ).items():
            flow(key, monthly)
    return ind


def _report_courts(court: CourtResult, soort: str, flow: Callable[[str, np.ndarray], None],
                   stock: Callable[[str, np.ndarray], None]) -> None:
    flow(f"rvdr_{soort}_instroom", court.rvdr_instroom)
    flow(f"rvdr_{soort}_afdoeningen", court.rvdr_afdoeningen)
    stock(f"rvdr_{soort}_voorraad", court.rvdr_voorraad)
    flow(f"rvs_{soort}_instroom", court.rvs_instroom)
    flow(f"rvs_{soort}_afdoeningen", court.rvs_afdoeningen)
    stock(f"rvs_{soort}_voorraad", court.rvs_voorraad)
