"""Independent reference implementation of the MPP chain model (tests only).

Written straight from the model specification (docs/model.md) ("Time, scenarios, units", "Building
blocks", "The chain, one month t"): pure Python, scalar, one scenario, plain
loops over months.  It is deliberately naive and readable; it exists to
cross-check the production engine, not to be fast.

    reference_run(p, startjaar, eindjaar) -> {series key: list of floats}

`p` holds every parameter of docs/model.md (defaults already applied, no Kader/mc_*
keys): a yearly ([y,s]) parameter is a list with one value per year
startjaar..eindjaar (a bare float is also accepted and means "every year"),
a single-valued parameter is a float.  Flows come back as n yearly sums,
stocks as n+1 values "per 1 jan" (the last one is 1 jan eindjaar+1).
"""
from __future__ import annotations

import random

REG = ["tev", "vvr_verlenging", "intrekking", "visa", "naturalisatie"]
IND = ["eerste", "herhaald", "nareis", "hervestiging"]

YEARLY_KEYS = (
    ["eerste_aanvragen", "herhaalde_aanvragen", "nareis_ratio", "amv_aandeel", "hervestiging",
     "ir_capaciteit", "overdrachten_dtv", "ind_capaciteit"]
    + [f"inwilligingspercentage_{k}" for k in IND]
    + ["bntb_fractie"]
    + [f"{x}_{c}" for c in REG for x in ("regulier_instroom", "regulier_capaciteit",
                                         "regulier_inwilliging", "bezwaar_aandeel")]
    + ["bezwaar_capaciteit", "bezwaar_ongegrond_aandeel"]
    + [f"opvang_aandeel_{k}" for k in IND]
    + ["az_uitstroom_fractie", "vv_uitstroom_fractie", "snijverlies", "taakstelling_h1",
       "taakstelling_h2", "realisatiegraad_huisvesting", "dtv_overdracht_aandeel",
       "dtv_vertrek_fractie", "nidos_aandeel", "nidos_duur_maanden",
       "beroep_aandeel_asiel", "beroep_aandeel_regulier",
       "hoger_beroep_aandeel_asiel", "hoger_beroep_aandeel_regulier",
       "rvdr_asiel_capaciteit", "rvdr_regulier_capaciteit",
       "rvs_asiel_capaciteit", "rvs_regulier_capaciteit"]
)
SINGLE_KEYS = (
    ["nareis_vertraging_maanden"]
    + [f"ind_werkvoorraad_start_{k}" for k in IND]
    + ["ind_min_werkvoorraad", "beslistermijn_maanden",
       "ind_inwilligingen_eerste_historie", "ind_afwijzingen_historie"]
    + [f"{x}_{c}" for c in REG for x in ("regulier_werkvoorraad_start", "regulier_min_werkvoorraad")]
    + ["bezwaar_werkvoorraad_start", "bezwaar_min_werkvoorraad",
       "coa_start_asielzoekers", "coa_start_statushouders", "coa_start_overig",
       "dtv_vertraging_maanden", "dtv_caseload_start", "nidos_caseload_start"]
    + [f"{h}_{t}_{x}" for h in ("rvdr", "rvs") for t in ("asiel", "regulier")
       for x in ("voorraad_start", "min_voorraad")]
)
# Costs (docs/model.md, "Kosten"): optional; without them no cost series.
PRICE_KEYS = ["prijs_coa_regulier", "prijs_coa_noodopvang", "prijs_ind_asiel",
              "prijs_ind_regulier", "prijs_dtv", "prijs_nidos", "prijs_rvdr_zaak",
              "prijs_rvs_zaak"]
COST_PARAM_KEYS = ["coa_reguliere_capaciteit"] + PRICE_KEYS
PARAM_KEYS = YEARLY_KEYS + SINGLE_KEYS
COST_SERIES_KEYS = ["kosten_coa", "kosten_coa_noodopvang", "kosten_ind", "kosten_dtv",
                    "kosten_nidos", "kosten_rechtspraak", "kosten_totaal"]
IND_REG = ["tev", "vvr_verlenging", "intrekking", "naturalisatie"]  # visa is BZ's

FLOW_KEYS = (
    ["instroom_eerste", "instroom_herhaald", "instroom_nareis", "instroom_hervestiging",
     "instroom_totaal", "amv_instroom", "ir_benodigd", "ir_tekort"]
    + [f"ind_afdoeningen_{k}" for k in IND + ["totaal"]]
    + ["ind_inwilligingen", "ind_afwijzingen", "ind_bntb",
       "rvdr_asiel_instroom", "rvdr_asiel_afdoeningen", "rvs_asiel_instroom", "rvs_asiel_afdoeningen",
       "coa_instroom", "coa_uitstroom_huisvesting", "coa_uitstroom_vertrek", "coa_uitstroom_overig",
       "nidos_instroom", "nidos_uitstroom",
       "dtv_instroom_ind", "dtv_instroom_overig", "dtv_instroom", "dtv_vertrek",
       # additions to MODEL.md's list, for realisations with these definitions
       "instroom_asiel_excl_hervestiging", "ind_afdoeningen_eerste_herhaald"]
    + [f"regulier_{c}_{x}" for c in REG for x in ("instroom", "afdoeningen")]
    + [f"{q}_{x}" for q in ("bezwaar_regulier", "rvdr_regulier", "rvs_regulier")
       for x in ("instroom", "afdoeningen")]
)
STOCK_KEYS = (
    ["ind_werkvoorraad", "rvdr_asiel_voorraad", "rvs_asiel_voorraad",
     "coa_bezetting", "coa_capaciteit", "coa_asielzoekers", "coa_statushouders", "coa_overig",
     "coa_aandeel_statushouders", "dtv_caseload", "nidos_caseload"]
    + [f"regulier_{c}_werkvoorraad" for c in REG]
    + ["bezwaar_regulier_werkvoorraad", "rvdr_regulier_voorraad", "rvs_regulier_voorraad"]
)


# ---------------------------------------------------------------- building blocks
def queue_step(W: float, i: float, c: float, f: float) -> tuple[float, float]:
    """Queue: a = min(c, max(0, W + i - f)); returns (a, W_next)."""
    a = min(c, max(0.0, W + i - f))
    return a, W + i - a


def pool_step(P: float, i: float, r: float) -> tuple[float, float]:
    """Pool: o = r * P (stock at start of month); returns (o, P_next)."""
    o = r * P
    return o, P + i - o


# ---------------------------------------------------------------- the model
def reference_run(p: dict, startjaar: int, eindjaar: int) -> dict[str, list[float]]:
    n = eindjaar - startjaar + 1
    months = 12 * n

    def yr(key: str, yi: int) -> float:
        """Value of a [y,s] parameter for year index yi (0 = startjaar)."""
        v = p[key]
        return float(v[yi]) if isinstance(v, (list, tuple)) else float(v)

    flows = {k: [0.0] * n for k in FLOW_KEYS}
    priced = all(k in p for k in COST_PARAM_KEYS)
    euro = {k: [0.0] * n for k in COST_SERIES_KEYS} if priced else {}  # € (not mln) per year
    stocks = {k: [0.0] * (n + 1) for k in STOCK_KEYS}

    # state
    Wind = {k: float(p[f"ind_werkvoorraad_start_{k}"]) for k in IND}
    rvdr_a, rvs_a = float(p["rvdr_asiel_voorraad_start"]), float(p["rvs_asiel_voorraad_start"])
    AZ, SH, VV = (float(p["coa_start_asielzoekers"]), float(p["coa_start_statushouders"]),
                  float(p["coa_start_overig"]))
    dtv, nidos = float(p["dtv_caseload_start"]), float(p["nidos_caseload_start"])
    Wreg = {c: float(p[f"regulier_werkvoorraad_start_{c}"]) for c in REG}
    bezw = float(p["bezwaar_werkvoorraad_start"])
    rvdr_r, rvs_r = float(p["rvdr_regulier_voorraad_start"]), float(p["rvs_regulier_voorraad_start"])

    L_nareis = int(p["nareis_vertraging_maanden"])
    L_dtv = int(p["dtv_vertraging_maanden"])
    hist_inw_e = float(p["ind_inwilligingen_eerste_historie"]) / 12.0
    hist_afw = float(p["ind_afwijzingen_historie"]) / 12.0
    inw_eerste_hist: list[float] = []   # inw_eerste per month t
    afw_eh_hist: list[float] = []       # afw_eerste + afw_herhaald per month t

    def record_stocks(j: int) -> None:
        bez = AZ + SH + VV
        s = stocks
        s["ind_werkvoorraad"][j] = sum(Wind.values())
        s["rvdr_asiel_voorraad"][j], s["rvs_asiel_voorraad"][j] = rvdr_a, rvs_a
        s["coa_asielzoekers"][j], s["coa_statushouders"][j], s["coa_overig"][j] = AZ, SH, VV
        s["coa_bezetting"][j] = bez
        s["coa_capaciteit"][j] = bez / (1.0 - yr("snijverlies", min(j, n - 1)))
        s["coa_aandeel_statushouders"][j] = SH / bez if bez != 0 else 0.0
        s["dtv_caseload"][j], s["nidos_caseload"][j] = dtv, nidos
        for c in REG:
            s[f"regulier_{c}_werkvoorraad"][j] = Wreg[c]
        s["bezwaar_regulier_werkvoorraad"][j] = bezw
        s["rvdr_regulier_voorraad"][j], s["rvs_regulier_voorraad"][j] = rvdr_r, rvs_r

    for t in range(months):
        y = t // 12                      # year index; calendar year = startjaar + y
        if t % 12 == 0:
            record_stocks(y)
        F = {}                           # this month's flows
        if priced:                       # 9. Kosten: month-start stocks, 1/12 of a year each
            B_m = AZ + SH + VV
            R = yr("coa_reguliere_capaciteit", y)
            p_reg, p_nood = yr("prijs_coa_regulier", y), yr("prijs_coa_noodopvang", y)
            regular_part = min(B_m, R) * p_reg
            emergency_part = max(0.0, B_m - R) * p_nood
            euro["kosten_coa"][y] += (regular_part + emergency_part) / 12.0
            euro["kosten_coa_noodopvang"][y] += emergency_part / 12.0
            euro["kosten_dtv"][y] += dtv * yr("prijs_dtv", y) / 12.0
            euro["kosten_nidos"][y] += nidos * yr("prijs_nidos", y) / 12.0

        # 1. Instroom
        e = yr("eerste_aanvragen", y) / 12.0
        h = yr("herhaalde_aanvragen", y) / 12.0
        r = yr("hervestiging", y) / 12.0
        inw_e_L = inw_eerste_hist[t - L_nareis] if t >= L_nareis else hist_inw_e
        nar = yr("nareis_ratio", y) * inw_e_L
        amv = yr("amv_aandeel", y) * e
        F["instroom_eerste"], F["instroom_herhaald"] = e, h
        F["instroom_nareis"], F["instroom_hervestiging"] = nar, r
        F["instroom_totaal"] = e + h + nar + r
        F["instroom_asiel_excl_hervestiging"] = e + h + nar  # addition to MODEL.md's list
        F["amv_instroom"] = amv
        F["ir_benodigd"] = e             # 2. I&R (tekort is computed per year below)

        # 3. IND asiel: multi-category queue
        inflow = {"eerste": e, "herhaald": h, "nareis": nar, "hervestiging": r}
        c_ind = yr("ind_capaciteit", y) / 12.0
        W_tot = sum(Wind.values())
        bntb = yr("bntb_fractie", y) * max(0.0, W_tot - float(p["beslistermijn_maanden"]) * c_ind)
        V = sum(Wind[k] + inflow[k] for k in IND)
        a_tot, _ = queue_step(W_tot, sum(inflow.values()), c_ind, float(p["ind_min_werkvoorraad"]))
        inw, afw = {}, {}
        for k in IND:
            a_k = a_tot * (Wind[k] + inflow[k]) / V if V != 0 else 0.0
            inw[k] = yr(f"inwilligingspercentage_{k}", y) * a_k
            afw[k] = a_k - inw[k]
            Wind[k] = Wind[k] + inflow[k] - a_k
            F[f"ind_afdoeningen_{k}"] = a_k
        F["ind_afdoeningen_totaal"] = sum(F[f"ind_afdoeningen_{k}"] for k in IND)
        # addition to MODEL.md's list: decisions on eerste + herhaald (excl. nareis, hervestiging)
        F["ind_afdoeningen_eerste_herhaald"] = F["ind_afdoeningen_eerste"] + F["ind_afdoeningen_herhaald"]
        F["ind_inwilligingen"] = sum(inw.values())
        F["ind_afwijzingen"] = sum(afw.values())
        F["ind_bntb"] = bntb
        inw_eerste_hist.append(inw["eerste"])
        A = afw["eerste"] + afw["herhaald"]
        afw_eh_hist.append(A)

        # 4. Rechtspraak asiel
        i_rvdr = yr("beroep_aandeel_asiel", y) * A + bntb
        a_rvdr, rvdr_a = queue_step(rvdr_a, i_rvdr, yr("rvdr_asiel_capaciteit", y) / 12.0,
                                    float(p["rvdr_asiel_min_voorraad"]))
        i_rvs = yr("hoger_beroep_aandeel_asiel", y) * a_rvdr
        a_rvs, rvs_a = queue_step(rvs_a, i_rvs, yr("rvs_asiel_capaciteit", y) / 12.0,
                                  float(p["rvs_asiel_min_voorraad"]))
        F["rvdr_asiel_instroom"], F["rvdr_asiel_afdoeningen"] = i_rvdr, a_rvdr
        F["rvs_asiel_instroom"], F["rvs_asiel_afdoeningen"] = i_rvs, a_rvs

        # 5. COA
        oa = {k: yr(f"opvang_aandeel_{k}", y) for k in IND}
        az_in = oa["eerste"] * e + oa["herhaald"] * h
        O_inw = oa["eerste"] * inw["eerste"] + oa["herhaald"] * inw["herhaald"]
        O_afw = oa["eerste"] * afw["eerste"] + oa["herhaald"] * afw["herhaald"]
        O_vertrek = yr("az_uitstroom_fractie", y) * AZ
        total_out = O_inw + O_afw + O_vertrek
        if total_out > AZ + az_in:
            factor = (AZ + az_in) / total_out
            O_inw, O_afw, O_vertrek = O_inw * factor, O_afw * factor, O_vertrek * factor
        sh_ext = oa["nareis"] * nar + oa["hervestiging"] * r
        sh_in = O_inw + sh_ext
        T = yr("taakstelling_h1" if t % 12 < 6 else "taakstelling_h2", y) / 6.0
        U = min(SH + sh_in, T * yr("realisatiegraad_huisvesting", y))
        vv_out = yr("vv_uitstroom_fractie", y) * VV
        AZ = AZ + az_in - O_inw - O_afw - O_vertrek
        SH = SH + sh_in - U
        VV = VV + O_afw - vv_out
        F["coa_instroom"] = az_in + sh_ext
        F["coa_uitstroom_huisvesting"], F["coa_uitstroom_vertrek"] = U, O_vertrek
        F["coa_uitstroom_overig"] = vv_out

        # 6. DT&V
        A_L = afw_eh_hist[t - L_dtv] if t >= L_dtv else hist_afw
        dtv_ind = yr("dtv_overdracht_aandeel", y) * A_L
        dtv_ov = yr("overdrachten_dtv", y) / 12.0
        dtv_out, dtv = pool_step(dtv, dtv_ind + dtv_ov, yr("dtv_vertrek_fractie", y))
        F["dtv_instroom_ind"], F["dtv_instroom_overig"] = dtv_ind, dtv_ov
        F["dtv_instroom"], F["dtv_vertrek"] = dtv_ind + dtv_ov, dtv_out

        # 7. Nidos
        nid_in = yr("nidos_aandeel", y) * amv
        nid_out, nidos = pool_step(nidos, nid_in, 1.0 / yr("nidos_duur_maanden", y))
        F["nidos_instroom"], F["nidos_uitstroom"] = nid_in, nid_out

        # 8. Regulier
        bezw_in = 0.0
        for c in REG:
            i_c = yr(f"regulier_instroom_{c}", y) / 12.0
            a_c, Wreg[c] = queue_step(Wreg[c], i_c, yr(f"regulier_capaciteit_{c}", y) / 12.0,
                                      float(p[f"regulier_min_werkvoorraad_{c}"]))
            afw_c = (1.0 - yr(f"regulier_inwilliging_{c}", y)) * a_c
            bezw_in += yr(f"bezwaar_aandeel_{c}", y) * afw_c
            F[f"regulier_{c}_instroom"], F[f"regulier_{c}_afdoeningen"] = i_c, a_c
        a_bezw, bezw = queue_step(bezw, bezw_in, yr("bezwaar_capaciteit", y) / 12.0,
                                  float(p["bezwaar_min_werkvoorraad"]))
        ongegrond = yr("bezwaar_ongegrond_aandeel", y) * a_bezw
        i_rvdr_r = yr("beroep_aandeel_regulier", y) * ongegrond
        a_rvdr_r, rvdr_r = queue_step(rvdr_r, i_rvdr_r, yr("rvdr_regulier_capaciteit", y) / 12.0,
                                      float(p["rvdr_regulier_min_voorraad"]))
        i_rvs_r = yr("hoger_beroep_aandeel_regulier", y) * a_rvdr_r
        a_rvs_r, rvs_r = queue_step(rvs_r, i_rvs_r, yr("rvs_regulier_capaciteit", y) / 12.0,
                                    float(p["rvs_regulier_min_voorraad"]))
        F["bezwaar_regulier_instroom"], F["bezwaar_regulier_afdoeningen"] = bezw_in, a_bezw
        F["rvdr_regulier_instroom"], F["rvdr_regulier_afdoeningen"] = i_rvdr_r, a_rvdr_r
        F["rvs_regulier_instroom"], F["rvs_regulier_afdoeningen"] = i_rvs_r, a_rvs_r

        for k, v in F.items():
            flows[k][y] += v
        if priced:
            euro["kosten_ind"][y] += (
                F["ind_afdoeningen_totaal"] * yr("prijs_ind_asiel", y)
                + sum(F[f"regulier_{c}_afdoeningen"] for c in IND_REG) * yr("prijs_ind_regulier", y))
            euro["kosten_rechtspraak"][y] += (
                (F["rvdr_asiel_afdoeningen"] + F["rvdr_regulier_afdoeningen"]) * yr("prijs_rvdr_zaak", y)
                + (F["rvs_asiel_afdoeningen"] + F["rvs_regulier_afdoeningen"]) * yr("prijs_rvs_zaak", y))

    record_stocks(n)                     # 1 jan eindjaar+1
    for y in range(n):                   # 2. I&R tekort per year
        flows["ir_tekort"][y] = max(0.0, flows["ir_benodigd"][y] - yr("ir_capaciteit", y))
    costs: dict[str, list[float]] = {}
    if priced:
        for y in range(n):
            euro["kosten_totaal"][y] = sum(euro[k][y] for k in (
                "kosten_coa", "kosten_ind", "kosten_dtv", "kosten_nidos", "kosten_rechtspraak"))
        costs = {k: [v / 1e6 for v in vals] for k, vals in euro.items()}
    return {**flows, **stocks, **costs}


# ---------------------------------------------------------------- random inputs
def random_params(rng: random.Random, n_years: int, prices: bool = True) -> dict:
    """A random but valid full parameter dict (yearly params as lists of n_years),
    with the cost parameters unless ``prices`` is False."""
    def ys(lo: float, hi: float) -> list[float]:
        return [rng.uniform(lo, hi) for _ in range(n_years)]

    def count() -> float:           # occasionally exactly 0 to hit edge cases
        return 0.0 if rng.random() < 0.1 else rng.uniform(0, 50000)

    p: dict = {}
    for k in YEARLY_KEYS:
        if "capaciteit" in k:
            p[k] = ys(0, 60000)
        elif k in ("eerste_aanvragen", "herhaalde_aanvragen", "hervestiging", "overdrachten_dtv") \
                or k.startswith("regulier_instroom_"):
            p[k] = ys(0, 50000)
        elif k.startswith("taakstelling_"):
            p[k] = ys(0, 25000)
        elif k == "nareis_ratio":
            p[k] = ys(0, 2.0)
        elif k == "snijverlies":
            p[k] = ys(0, 0.3)
        elif k == "realisatiegraad_huisvesting":
            p[k] = ys(0, 1.5)
        elif k == "nidos_duur_maanden":
            p[k] = ys(6, 60)
        elif k in ("az_uitstroom_fractie", "vv_uitstroom_fractie", "dtv_vertrek_fractie", "bntb_fractie"):
            p[k] = ys(0, 0.3)
        else:                       # shares / percentages
            p[k] = ys(0, 1)
    for k in SINGLE_KEYS:
        if k == "nareis_vertraging_maanden":
            p[k] = float(rng.randint(1, 6))
        elif k == "dtv_vertraging_maanden":
            p[k] = float(rng.randint(0, 6))
        elif k == "beslistermijn_maanden":
            p[k] = rng.uniform(1, 12)
        elif "min_" in k:
            p[k] = rng.uniform(0, 5000)
        else:                       # start stocks, histories
            p[k] = count()
    if prices:
        p["coa_reguliere_capaciteit"] = ys(0, 60000)
        for k in PRICE_KEYS:        # € of that year; emergency may be below regular (a warning)
            p[k] = ys(0, 80000) if k.startswith("prijs_coa") else ys(0, 20000)
    return p
