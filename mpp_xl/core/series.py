"""Registry of result series (reeksen): key, flow or stock, unit, Dutch label.

Keys are those of docs/model.md; they are used by the API, the CSV export, the
workbook tables and the ``MPP_<REEKS>`` functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from .registry import ASIEL_CATEGORIES, ASIEL_LABELS, REGULIER_CATEGORIES, REGULIER_LABELS

FLOW = "stroom"
STOCK = "voorraad"
#: Unit of the cost series (euros of each year, in millions).
EURO_MLN = "€ mln"


@dataclass(frozen=True)
class Series:
    """One result series.

    A flow (``stroom``) is reported as the total per year (aantal per jaar);
    a stock (``voorraad``) as its value per 1 jan, for every year of the
    horizon and 1 jan of eindjaar+1.
    """

    key: str
    kind: str
    label: str
    partner: str
    unit: str = "aantal"
    #: Shown in the main summary and given a table on Uitkomsten.
    main: bool = False

    @property
    def is_stock(self) -> bool:
        return self.kind == STOCK

    @property
    def is_cost(self) -> bool:
        """A cost series (€ mln per jaar): absent without prices."""
        return self.unit == EURO_MLN

    @property
    def unit_text(self) -> str:
        if self.is_cost:
            return "€ mln per jaar"
        if self.unit == "fractie":
            return "fractie per 1 jan"
        return "aantal per 1 jan" if self.is_stock else "aantal per jaar"


_S: list[Series] = []


def _f(key: str, label: str, partner: str, main: bool = False, unit: str = "aantal") -> None:
    _S.append(Series(key, FLOW, label, partner, unit=unit, main=main))


def _s(key: str, label: str, partner: str, main: bool = False, unit: str = "aantal") -> None:
    _S.append(Series(key, STOCK, label, partner, unit=unit, main=main))


for _k in ASIEL_CATEGORIES:
    _f(f"instroom_{_k}", f"Asielinstroom: {ASIEL_LABELS[_k]}", "DGM-APM", main=True)
_f("instroom_totaal", "Asielinstroom totaal", "DGM-APM", main=True)
_f("instroom_asiel_excl_hervestiging", "Asielinstroom zonder hervestiging (eerste, herhaald, "
   "nareis)", "DGM-APM")
_f("amv_instroom", "Instroom alleenstaande minderjarigen (amv)", "DGM-APM", main=True)
_f("ir_benodigd", "Benodigde I&R-capaciteit", "Politie", main=True)
_f("ir_tekort", "Tekort I&R-capaciteit", "Politie", main=True)
for _k in ASIEL_CATEGORIES:
    _f(f"ind_afdoeningen_{_k}", f"IND-afdoeningen: {ASIEL_LABELS[_k]}", "IND", main=True)
_f("ind_afdoeningen_totaal", "IND-afdoeningen asiel totaal", "IND", main=True)
_f("ind_afdoeningen_eerste_herhaald", "IND-afdoeningen eerste en herhaalde aanvragen (zonder "
   "nareis en hervestiging)", "IND")
_f("ind_inwilligingen", "IND-inwilligingen asiel", "IND", main=True)
_f("ind_afwijzingen", "IND-afwijzingen asiel", "IND", main=True)
_f("ind_bntb", "Beroepen niet tijdig beslissen", "IND", main=True)
_s("ind_werkvoorraad", "IND-werkvoorraad asiel", "IND", main=True)
_f("rvdr_asiel_instroom", "Instroom beroep asiel (RvdR)", "RvdR", main=True)
_f("rvdr_asiel_afdoeningen", "Afdoeningen beroep asiel (RvdR)", "RvdR", main=True)
_s("rvdr_asiel_voorraad", "Voorraad beroep asiel (RvdR)", "RvdR", main=True)
_f("rvs_asiel_instroom", "Instroom hoger beroep asiel (RvS)", "RvS", main=True)
_f("rvs_asiel_afdoeningen", "Afdoeningen hoger beroep asiel (RvS)", "RvS", main=True)
_s("rvs_asiel_voorraad", "Voorraad hoger beroep asiel (RvS)", "RvS", main=True)
_s("coa_bezetting", "COA-bezetting", "COA", main=True)
_s("coa_capaciteit", "Benodigde COA-capaciteit", "COA", main=True)
_s("coa_asielzoekers", "COA-bewoners: asielzoekers in procedure", "COA", main=True)
_s("coa_statushouders", "COA-bewoners: statushouders", "COA", main=True)
_s("coa_overig", "COA-bewoners: overig", "COA", main=True)
_s("coa_aandeel_statushouders", "Aandeel statushouders in COA", "COA", main=True,
   unit="fractie")
_f("coa_instroom", "Instroom COA", "COA", main=True)
_f("coa_uitstroom_huisvesting", "Uitstroom COA naar huisvesting", "COA", main=True)
_f("coa_uitstroom_vertrek", "Uitstroom COA: vertrek asielzoekers", "COA", main=True)
_f("coa_uitstroom_overig", "Uitstroom COA: overige bewoners", "COA", main=True)
_f("nidos_instroom", "Instroom Nidos", "Nidos", main=True)
_f("nidos_uitstroom", "Uitstroom Nidos", "Nidos", main=True)
_s("nidos_caseload", "Nidos-caseload", "Nidos", main=True)
_f("dtv_instroom_ind", "DT&V-instroom vanuit IND", "DTV", main=True)
_f("dtv_instroom_overig", "DT&V-instroom overig (Politie, KMar)", "DTV", main=True)
_f("dtv_instroom", "DT&V-instroom totaal", "DTV", main=True)
_f("dtv_vertrek", "DT&V-vertrek", "DTV", main=True)
_s("dtv_caseload", "DT&V-caseload", "DTV", main=True)
for _c in REGULIER_CATEGORIES:
    _p = "BZ" if _c == "visa" else "IND"
    _f(f"regulier_{_c}_instroom", f"Instroom {REGULIER_LABELS[_c]}", _p)
    _f(f"regulier_{_c}_afdoeningen", f"Afdoeningen {REGULIER_LABELS[_c]}", _p)
    _s(f"regulier_{_c}_werkvoorraad", f"Werkvoorraad {REGULIER_LABELS[_c]}", _p)
_f("bezwaar_regulier_instroom", "Instroom bezwaar regulier", "IND")
_f("bezwaar_regulier_afdoeningen", "Afdoeningen bezwaar regulier", "IND")
_s("bezwaar_regulier_werkvoorraad", "Werkvoorraad bezwaar regulier", "IND")
_f("rvdr_regulier_instroom", "Instroom beroep regulier (RvdR)", "RvdR")
_f("rvdr_regulier_afdoeningen", "Afdoeningen beroep regulier (RvdR)", "RvdR")
_s("rvdr_regulier_voorraad", "Voorraad beroep regulier (RvdR)", "RvdR")
_f("rvs_regulier_instroom", "Instroom hoger beroep regulier (RvS)", "RvS")
_f("rvs_regulier_afdoeningen", "Afdoeningen hoger beroep regulier (RvS)", "RvS")
_s("rvs_regulier_voorraad", "Voorraad hoger beroep regulier (RvS)", "RvS")
# Costs (p×q, docs/model.md "Kosten"): only with prices on Financiën, else absent.
for _k, _l in (("kosten_coa", "Kosten COA-opvang"),
               ("kosten_coa_noodopvang", "Kosten COA: deel noodopvang"),
               ("kosten_ind", "Kosten IND-beslissingen"),
               ("kosten_dtv", "Kosten DT&V"),
               ("kosten_nidos", "Kosten Nidos"),
               ("kosten_rechtspraak", "Kosten rechtspraak (RvdR en RvS)"),
               ("kosten_totaal", "Kosten keten totaal")):
    _f(_k, _l, "Financiën", main=True, unit=EURO_MLN)

SERIES: dict[str, Series] = {s.key: s for s in _S}

#: The cost series (€ mln per jaar); absent from a run without prices.
COST_SERIES: tuple[str, ...] = tuple(k for k, s in SERIES.items() if s.is_cost)
#: The parts whose sum is ``kosten_totaal`` (``kosten_coa_noodopvang`` is part of COA).
COST_PARTS: tuple[str, ...] = ("kosten_coa", "kosten_ind", "kosten_dtv", "kosten_nidos",
                               "kosten_rechtspraak")
#: Cost series added to the printed summary when the prices are given.
COST_SUMMARY_KEYS: tuple[str, ...] = ("kosten_coa", "kosten_totaal")
#: The message where a cost series is asked without prices (UDF cells, CLI).
NO_PRICES = "Geen kosten: de prijzen op het blad Financiën ontbreken"


def absent_message(reeks: str) -> str:
    """The Dutch message for a series a run does not have (a cost series without
    prices): for a cell, the CLI and errors."""
    return f"{NO_PRICES} ({reeks})." if reeks in COST_SERIES else f"Geen uitkomst voor {reeks}."


#: The series of the printed summary table (``mpp reken`` without ``--csv``).
SUMMARY_KEYS: tuple[str, ...] = (
    "instroom_eerste",
    "instroom_totaal",
    "amv_instroom",
    "ind_afdoeningen_totaal",
    "ind_werkvoorraad",
    "coa_bezetting",
    "coa_capaciteit",
    "coa_aandeel_statushouders",
    "nidos_caseload",
    "dtv_instroom",
    "dtv_caseload",
    "rvdr_asiel_voorraad",
)
