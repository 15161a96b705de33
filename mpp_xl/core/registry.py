"""The declarative parameter registry: the single source for validation,
workbook sheets, the reader and the docs.

Every parameter of the tables in docs/model.md is one :class:`Parameter` entry. Adding a
parameter to the MPP is adding one entry here (and using it in the engine).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .numbers import nl_value

SCENARIOS: tuple[str, ...] = ("min", "medio", "max")
ALL_SCENARIOS = "alle"

#: The partner sheets, in workbook order, with the partner's full name.
PARTNERS: dict[str, str] = {
    "DGM-APM": "DGM / Afdeling Prognoses en Monitoring (asielinstroom)",
    "IND": "Immigratie- en Naturalisatiedienst",
    "COA": "Centraal Orgaan opvang asielzoekers",
    "DTV": "Dienst Terugkeer en Vertrek",
    "Nidos": "Nidos (voogdij amv)",
    "RvdR": "Raad voor de rechtspraak",
    "RvS": "Raad van State",
    "Politie": "Politie / KMar (AVIM, I&R)",
    "BZ": "Ministerie van Buitenlandse Zaken",
    "Financiën": "FIN: prijzen per eenheid voor de p×q-raming (begroting)",
}

#: Regular (non-asylum) IND categories.
REGULIER_CATEGORIES: tuple[str, ...] = (
    "tev",
    "vvr_verlenging",
    "intrekking",
    "visa",
    "naturalisatie",
)
REGULIER_LABELS: dict[str, str] = {
    "tev": "toegang en verblijf (TEV)",
    "vvr_verlenging": "verlenging verblijfsvergunning regulier",
    "intrekking": "intrekking verblijfsvergunning",
    "visa": "visumaanvragen",
    "naturalisatie": "naturalisatie",
}

#: Asylum categories of the IND queue.
ASIEL_CATEGORIES: tuple[str, ...] = ("eerste", "herhaald", "nareis", "hervestiging")
ASIEL_LABELS: dict[str, str] = {
    "eerste": "eerste asielaanvragen",
    "herhaald": "herhaalde asielaanvragen",
    "nareis": "nareizigers",
    "hervestiging": "hervestigden",
}

INF = math.inf


@dataclass(frozen=True)
class Parameter:
    """One assumption of the MPP.

    ``per_jaar`` parameters ([j,s] in docs/model.md) have a value per year and
    scenario; the others are single-valued (possibly per scenario).
    """

    key: str
    sheet: str
    unit: str
    per_jaar: bool
    lo: float
    hi: float
    default: float | str | None
    label: str
    help: str
    integer: bool = False
    kind: str = "getal"  # "getal" (number) or "tekst"
    #: False for parameters that must be the same for all scenarios.
    per_scenario: bool = True
    #: Display: "aantal" (thousands separators), "fractie" (%), "getal".
    fmt: str = "aantal"
    #: Warn when min <= medio <= max does not hold (scenario drivers).
    scenario_order: bool = False
    #: Allowed values of a text parameter (empty: any text).
    choices: tuple[str, ...] = ()
    #: No default, yet not required: left out entirely it is absent (the cost
    #: parameters, :data:`COST_KEYS`: without them the cost series are absent).
    optional: bool = False

    @property
    def required(self) -> bool:
        return self.default is None and not self.optional

    def bounds_text(self) -> str:
        """Dutch description of the bounds, e.g. 'tussen 0 en 1'."""
        if self.kind == "tekst":
            return " of ".join(self.choices) if self.choices else "tekst"
        if self.unit == "jaar":
            return f"tussen {int(self.lo)} en {int(self.hi)}"
        if self.hi == INF:
            return f"minimaal {nl_value(self.lo, '')}"
        return f"tussen {nl_value(self.lo, '')} en {nl_value(self.hi, '')}"

    def default_text(self) -> str:
        """Dutch description of the default: 'verplicht' (no default), 'leeg',
        a text as is, a year as is (2024) and any other number in Dutch
        notation (10.000; 0,7; 0)."""
        if self.default is None:
            return "optioneel" if self.optional else "verplicht"
        if self.default == "":
            return "leeg"
        if isinstance(self.default, str):
            return self.default
        if self.unit == "jaar":
            return str(int(self.default))
        return nl_value(self.default, '')


_P: list[Parameter] = []

_DEFAULT_FMT = {
    "fractie": "fractie",
    "per maand": "fractie",
    "maanden": "getal",
    "per inwilliging": "getal",
    "geheel": "getal",
    "jaar": "jaar",
    "tekst": "tekst",
}


def _add(
    key: str,
    sheet: str,
    unit: str,
    per_jaar: bool,
    lo: float = 0.0,
    hi: float = INF,
    default: float | str | None = None,
    label: str = "",
    help: str = "",
    **kw: object,
) -> None:
    fmt = kw.pop("fmt", None) or _DEFAULT_FMT.get(unit, "aantal")
    _P.append(
        Parameter(
            key=key,
            sheet=sheet,
            unit=unit,
            per_jaar=per_jaar,
            lo=lo,
            hi=hi,
            default=default,
            label=label,
            help=help,
            fmt=fmt,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )
    )


# --- Kader -----------------------------------------------------------------
_add("startjaar", "Kader", "jaar", False, 2000, 2100, 2024, "Startjaar",
     "Eerste jaar van de prognose (de berekening start op 1 januari).",
     integer=True, per_scenario=False)
_add("eindjaar", "Kader", "jaar", False, 2000, 2100, 2028, "Eindjaar",
     "Laatste jaar van de prognose (maximaal 15 jaar na het startjaar).",
     integer=True, per_scenario=False)
_add("mc_trekkingen", "Kader", "aantal", False, 100, 1e6, 10000,
     "Aantal Monte-Carlotrekkingen", "Aantal trekkingen voor de onzekerheidsbanden.",
     integer=True, per_scenario=False)
_add("mc_correlatie_jaren", "Kader", "fractie", False, 0, 1, 0.7,
     "Correlatie tussen jaren", "Correlatie rho van de instroom in opeenvolgende "
     "jaren (corr = rho^|i-j|).", per_scenario=False, fmt="getal")
_add("mc_zaad", "Kader", "geheel", False, 0, INF, 20242, "Startgetal toevalsgenerator",
     "Vast startgetal van de toevalsgenerator, zodat een berekening reproduceerbaar is.",
     integer=True, per_scenario=False, fmt="getal")
_add("mpp_versie", "Kader", "tekst", False, default="", label="MPP-versie",
     help='Versie van de prognose, bijvoorbeeld "2024-2".', kind="tekst",
     per_scenario=False, fmt="tekst")
_add("peildatum", "Kader", "tekst", False, default="", label="Peildatum",
     help="Peildatum van de gegevens (jjjj-mm-dd).", kind="tekst",
     per_scenario=False, fmt="tekst")
_add("mc_methode", "Kader", "tekst", False, default="alle_aannames",
     label="Monte-Carlomethode",
     help="alle_aannames: elke aanname die per scenario verschilt wordt getrokken op één "
     "gemeenschappelijke scenarioscore per jaar (min, medio en max op P12,5, P67 en "
     "P87,5); alleen_instroom: alleen de eerste asielaanvragen worden getrokken, de rest "
     "blijft medio.", kind="tekst", per_scenario=False, fmt="tekst",
     choices=("alle_aannames", "alleen_instroom"))
_add("herkomst_aannames", "Kader", "tekst", False, default="", label="Herkomst aannames",
     help="Waar deze aannames vandaan komen (bijvoorbeeld: aangeleverd door de partners, "
     "of een gekalibreerd voorbeeld). Staat ook op het blad Toelichting.", kind="tekst",
     per_scenario=False, fmt="tekst")
_add("vorige_mpp", "Kader", "tekst", False, default="", label="Vorige MPP",
     help="Bestand van de vorige MPP voor de bijstelling.",
     kind="tekst", per_scenario=False, fmt="tekst")

# --- DGM-APM: instroom -------------------------------------------------------
_add("eerste_aanvragen", "DGM-APM", "per jaar", True, label="Eerste asielaanvragen",
     help="Eerste asielaanvragen per jaar, inclusief geboorten.", scenario_order=True)
_add("herhaalde_aanvragen", "DGM-APM", "per jaar", True,
     label="Herhaalde asielaanvragen", help="Herhaalde (opvolgende) asielaanvragen "
     "per jaar.", scenario_order=True)
_add("nareis_ratio", "DGM-APM", "per inwilliging", True, 0, 5,
     label="Nareizigers per inwilliging",
     help="Aantal nareizigers per ingewilligde eerste aanvraag.")
_add("nareis_vertraging_maanden", "DGM-APM", "maanden", False, 1, 36,
     label="Vertraging nareis", help="Maanden tussen inwilliging en aanvraag "
     "nareis (geheel getal, minimaal 1).", integer=True)
_add("amv_aandeel", "DGM-APM", "fractie", True, 0, 1,
     label="Aandeel amv", help="Aandeel alleenstaande minderjarige vreemdelingen "
     "in de eerste aanvragen.")

# --- BZ ----------------------------------------------------------------------
_add("hervestiging", "BZ", "per jaar", True, default=0.0,
     label="Hervestiging", help="Hervestigde vluchtelingen per jaar.")

# --- Politie -----------------------------------------------------------------
_add("ir_capaciteit", "Politie", "per jaar", True, label="I&R-capaciteit",
     help="Capaciteit identificatie en registratie per jaar.")
_add("overdrachten_dtv", "Politie", "per jaar", True, default=0.0,
     label="Overdrachten aan DT&V", help="Overdrachten door Politie en KMar aan "
     "DT&V per jaar (instroom overig).")

# --- IND asiel ---------------------------------------------------------------
for _k in ASIEL_CATEGORIES:
    _add(f"ind_werkvoorraad_start_{_k}", "IND", "aantal", False,
         label=f"Werkvoorraad 1 jan startjaar: {ASIEL_LABELS[_k]}",
         help=f"Werkvoorraad {ASIEL_LABELS[_k]} bij de IND op 1 januari van het "
         "startjaar.")
_add("ind_capaciteit", "IND", "per jaar", True, label="Beslis-capaciteit asiel",
     help="Aantal asielbeslissingen (afdoeningen) dat de IND per jaar kan doen.")
_add("ind_min_werkvoorraad", "IND", "aantal", False, default=0.0,
     label="Minimale werkvoorraad", help="Frictievoorraad: onder dit aantal zaken "
     "wordt niet afgedaan.")
for _k in ASIEL_CATEGORIES:
    _add(f"inwilligingspercentage_{_k}", "IND", "fractie", True, 0, 1,
         label=f"Inwilligingspercentage {ASIEL_LABELS[_k]}",
         help=f"Aandeel inwilligingen in de afdoeningen {ASIEL_LABELS[_k]}.")
_add("beslistermijn_maanden", "IND", "maanden", False, 1, 24, 6.0,
     label="Beslistermijn", help="Wettelijke beslistermijn in maanden.")
_add("bntb_fractie", "IND", "per maand", True, 0, 1, 0.0,
     label="Beroep niet tijdig beslissen",
     help="Deel van de werkvoorraad boven de beslistermijn dat per maand in beroep "
     "gaat wegens niet tijdig beslissen.")
_add("ind_inwilligingen_eerste_historie", "IND", "per jaar", False, default=0.0,
     label="Inwilligingen eerste aanvragen (historie)",
     help="Inwilligingen op eerste aanvragen per jaar vóór het startjaar (voor de "
     "nareis).")
_add("ind_afwijzingen_historie", "IND", "per jaar", False, default=0.0,
     label="Afwijzingen (historie)", help="Afwijzingen eerste en herhaalde "
     "aanvragen per jaar vóór het startjaar (voor DT&V).")

# --- IND regulier (visa: BZ) -------------------------------------------------
for _c in REGULIER_CATEGORIES:
    _s = "BZ" if _c == "visa" else "IND"
    _l = REGULIER_LABELS[_c]
    _add(f"regulier_instroom_{_c}", _s, "per jaar", True,
         label=f"Instroom {_l}", help=f"Aanvragen {_l} per jaar.")
    _add(f"regulier_capaciteit_{_c}", _s, "per jaar", True,
         label=f"Capaciteit {_l}", help=f"Beslissingen {_l} per jaar.")
    _add(f"regulier_werkvoorraad_start_{_c}", _s, "aantal", False,
         label=f"Werkvoorraad 1 jan: {_l}", help=f"Werkvoorraad {_l} op 1 januari "
         "van het startjaar.")
    _add(f"regulier_min_werkvoorraad_{_c}", _s, "aantal", False, default=0.0,
         label=f"Minimale werkvoorraad {_l}", help="Frictievoorraad.")
    _add(f"regulier_inwilliging_{_c}", _s, "fractie", True, 0, 1,
         label=f"Inwilligingspercentage {_l}", help="Aandeel positieve beslissingen.")
    _add(f"bezwaar_aandeel_{_c}", _s, "fractie", True, 0, 1,
         label=f"Bezwaar na afwijzing {_l}",
         help="Aandeel van de negatieve beslissingen waartegen bezwaar wordt gemaakt.")
_add("bezwaar_capaciteit", "IND", "per jaar", True, label="Capaciteit bezwaar",
     help="Afgedane bezwaren regulier per jaar.")
_add("bezwaar_werkvoorraad_start", "IND", "aantal", False,
     label="Werkvoorraad bezwaar 1 jan", help="Werkvoorraad bezwaar regulier op "
     "1 januari van het startjaar.")
_add("bezwaar_min_werkvoorraad", "IND", "aantal", False, default=0.0,
     label="Minimale werkvoorraad bezwaar", help="Frictievoorraad.")
_add("bezwaar_ongegrond_aandeel", "IND", "fractie", True, 0, 1,
     label="Aandeel bezwaren ongegrond", help="Aandeel van de afgedane bezwaren dat "
     "ongegrond is (kan tot beroep leiden).")

# --- COA ---------------------------------------------------------------------
for _k, _l in (("asielzoekers", "asielzoekers in procedure"),
               ("statushouders", "statushouders"), ("overig", "overige bewoners")):
    _add(f"coa_start_{_k}", "COA", "aantal", False, label=f"Bezetting 1 jan: {_l}",
         help=f"Aantal {_l} in de COA-opvang op 1 januari van het startjaar.")
for _k in ASIEL_CATEGORIES:
    _add(f"opvang_aandeel_{_k}", "COA", "fractie", True, 0, 1,
         label=f"Opvangaandeel {ASIEL_LABELS[_k]}",
         help=f"Aandeel {ASIEL_LABELS[_k]} dat in de COA-opvang komt.")
_add("az_uitstroom_fractie", "COA", "per maand", True, 0, 1, 0.0,
     label="Vertrek asielzoekers", help="Deel van de asielzoekers in procedure dat "
     "per maand de opvang verlaat (zelfstandig vertrek, overig).")
_add("vv_uitstroom_fractie", "COA", "per maand", True, 0, 1,
     label="Uitstroom overige bewoners", help="Deel van de overige bewoners "
     "(afgewezen) dat per maand de opvang verlaat.")
_add("snijverlies", "COA", "fractie", True, 0, 0.5, label="Snijverlies",
     help="Deel van de capaciteit dat niet bezet kan worden (COA-planningsnorm).")
_add("taakstelling_h1", "COA", "per halfjaar", True, label="Taakstelling 1e halfjaar",
     help="Taakstelling huisvesting statushouders in de eerste helft van het jaar.")
_add("taakstelling_h2", "COA", "per halfjaar", True, label="Taakstelling 2e halfjaar",
     help="Taakstelling huisvesting statushouders in de tweede helft van het jaar.")
_add("realisatiegraad_huisvesting", "COA", "fractie", True, 0, 2, 1.0,
     label="Realisatiegraad huisvesting", help="Gerealiseerde huisvesting als "
     "fractie van de taakstelling.")

# --- DTV ---------------------------------------------------------------------
_add("dtv_overdracht_aandeel", "DTV", "fractie", True, 0, 1,
     label="Overdracht afgewezen asiel", help="Aandeel van de afwijzingen (eerste en "
     "herhaald) dat aan DT&V wordt overgedragen.")
_add("dtv_vertraging_maanden", "DTV", "maanden", False, 0, 36, 0.0,
     label="Vertraging overdracht", help="Maanden tussen afwijzing en overdracht "
     "(geheel getal).", integer=True)
_add("dtv_caseload_start", "DTV", "aantal", False, label="Caseload 1 jan",
     help="DT&V-caseload op 1 januari van het startjaar.")
_add("dtv_vertrek_fractie", "DTV", "per maand", True, 0, 1, label="Vertrek per maand",
     help="Deel van de caseload dat per maand vertrekt (zelfstandig of gedwongen).")

# --- Nidos -------------------------------------------------------------------
_add("nidos_caseload_start", "Nidos", "aantal", False, label="Caseload 1 jan",
     help="Nidos-caseload op 1 januari van het startjaar.")
_add("nidos_aandeel", "Nidos", "fractie", True, 0, 1, 1.0, label="Aandeel amv "
     "naar Nidos", help="Aandeel van de amv-instroom dat onder voogdij van Nidos "
     "komt.")
_add("nidos_duur_maanden", "Nidos", "maanden", True, 1, 240,
     label="Gemiddelde duur voogdij", help="Gemiddelde duur van de voogdij in maanden.",
     fmt="getal")

# --- Rechtspraak -------------------------------------------------------------
for _soort in ("asiel", "regulier"):
    _add(f"beroep_aandeel_{_soort}", "RvdR", "fractie", True, 0, 1,
         label=f"Beroepsaandeel {_soort}",
         help="Aandeel afwijzingen (asiel) of ongegronde bezwaren (regulier) "
         "waartegen beroep wordt ingesteld.")
for _soort in ("asiel", "regulier"):
    _add(f"rvdr_{_soort}_capaciteit", "RvdR", "per jaar", True,
         label=f"Capaciteit beroep {_soort}", help="Afgedane beroepszaken per jaar.")
    _add(f"rvdr_{_soort}_voorraad_start", "RvdR", "aantal", False,
         label=f"Voorraad beroep {_soort} 1 jan", help="Voorraad op 1 januari van "
         "het startjaar.")
    _add(f"rvdr_{_soort}_min_voorraad", "RvdR", "aantal", False, default=0.0,
         label=f"Minimale voorraad beroep {_soort}", help="Frictievoorraad.")
for _soort in ("asiel", "regulier"):
    _add(f"hoger_beroep_aandeel_{_soort}", "RvS", "fractie", True, 0, 1,
         label=f"Hoger-beroepsaandeel {_soort}",
         help="Aandeel van de afgedane beroepen waartegen hoger beroep wordt "
         "ingesteld.")
for _soort in ("asiel", "regulier"):
    _add(f"rvs_{_soort}_capaciteit", "RvS", "per jaar", True,
         label=f"Capaciteit hoger beroep {_soort}",
         help="Afgedane hoger-beroepszaken per jaar.")
    _add(f"rvs_{_soort}_voorraad_start", "RvS", "aantal", False,
         label=f"Voorraad hoger beroep {_soort} 1 jan",
         help="Voorraad op 1 januari van het startjaar.")
    _add(f"rvs_{_soort}_min_voorraad", "RvS", "aantal", False, default=0.0,
         label=f"Minimale voorraad hoger beroep {_soort}", help="Frictievoorraad.")

# --- Financiën: prijzen (p×q; docs/model.md, "Kosten") ---------------------------
_add("coa_reguliere_capaciteit", "COA", "aantal", True, optional=True,
     label="Reguliere opvangcapaciteit (kosten)",
     help="Plaatsen tegen de reguliere prijs; de bezetting daarboven kost de "
     "noodopvangprijs (alleen voor de kosten).")
for _k, _u, _l, _h in (
    ("prijs_coa_regulier", "€ per bewoner per jaar", "Prijs COA reguliere opvang",
     "Kosten per bewoner per jaar in de reguliere opvang, in euro's van dat jaar."),
    ("prijs_coa_noodopvang", "€ per bewoner per jaar", "Prijs COA noodopvang",
     "Kosten per bewoner per jaar in crisis- en noodopvang (boven de reguliere capaciteit), "
     "in euro's van dat jaar."),
    ("prijs_ind_asiel", "€ per beslissing", "Prijs IND-asielbeslissing",
     "Kosten per asielbeslissing (afdoening) van de IND, in euro's van dat jaar."),
    ("prijs_ind_regulier", "€ per beslissing", "Prijs IND-beslissing regulier",
     "Kosten per reguliere beslissing van de IND (TEV, verlenging, intrekking, "
     "naturalisatie), in euro's van dat jaar."),
    ("prijs_dtv", "€ per persoon per jaar", "Prijs DT&V per persoon",
     "Kosten per persoon in de DT&V-caseload per jaar, in euro's van dat jaar."),
    ("prijs_nidos", "€ per pupil per jaar", "Prijs Nidos per pupil",
     "Kosten per pupil (amv onder voogdij) per jaar, in euro's van dat jaar."),
    ("prijs_rvdr_zaak", "€ per zaak", "Prijs beroepszaak (RvdR)",
     "Kosten per afgedane beroepszaak (asiel en regulier), in euro's van dat jaar."),
    ("prijs_rvs_zaak", "€ per zaak", "Prijs hoger-beroepszaak (RvS)",
     "Kosten per afgedane hoger-beroepszaak (asiel en regulier), in euro's van dat jaar."),
):
    _add(_k, "Financiën", _u, True, label=_l, help=_h, optional=True)

PARAMETERS: dict[str, Parameter] = {p.key: p for p in _P}

#: The sheet of the prices (owner FIN).
FINANCIEN = "Financiën"
#: The prices of the p×q estimate, euros of each year, per year and scenario.
PRICE_KEYS: tuple[str, ...] = tuple(p.key for p in _P if p.sheet == FINANCIEN)
#: Regular categories whose decisions the IND makes (visa: BZ's sheet, not the IND's).
IND_REGULIER_CATEGORIES: tuple[str, ...] = tuple(
    c for c in REGULIER_CATEGORIES if PARAMETERS[f"regulier_capaciteit_{c}"].sheet == "IND")
#: Everything the cost series need: all of it or none of it (then no costs).
COST_KEYS: tuple[str, ...] = ("coa_reguliere_capaciteit", *PRICE_KEYS)


#: Parameters the engine needs (everything but text metadata and Monte Carlo).
ENGINE_KEYS: tuple[str, ...] = tuple(
    k
    for k, p in PARAMETERS.items()
    if p.kind == "getal" and p.sheet != "Kader"
)
MC_KEYS: tuple[str, ...] = ("mc_trekkingen", "mc_correlatie_jaren", "mc_zaad")
#: Settings of the workbook, not assumptions: left out of fingerprints and comparisons
#: (naming the previous MPP must not void a sign-off or show up as a change).
META_KEYS: tuple[str, ...] = ("vorige_mpp",)
#: Text settings added later: left out of fingerprints while at their default,
#: so existing sign-offs stay valid.
QUIET_TEXT_KEYS: tuple[str, ...] = ("mc_methode", "herkomst_aannames")

#: The sheets that hold parameters, in workbook order.
SHEETS: tuple[str, ...] = ("Kader", *PARTNERS)


def parameters_of(sheet: str) -> list[Parameter]:
    """All parameters owned by ``sheet``, in registry order."""
    return [p for p in PARAMETERS.values() if p.sheet == sheet]


SCENARIO_ALIASES: dict[str, str] = {
    "min": "min",
    "minimum": "min",
    "laag": "min",
    "medio": "medio",
    "midden": "medio",
    "max": "max",
    "maximum": "max",
    "hoog": "max",
    "alle": ALL_SCENARIOS,
    "all": ALL_SCENARIOS,
}


def normalise_scenario(text: object) -> str | None:
    """'Minimum', ' MIN ' -> 'min'; unknown -> None."""
    if not isinstance(text, str):
        return None
    return SCENARIO_ALIASES.get(text.strip().lower())


_PARTNER_ALIASES: dict[str, str] = {
    "dt&v": "DTV",
    "dtenv": "DTV",
    "kmar": "Politie",
    "politie/kmar": "Politie",
    "politie-kmar": "Politie",
    "dgm": "DGM-APM",
    "apm": "DGM-APM",
    "dgm apm": "DGM-APM",
    "raad van state": "RvS",
    "raad voor de rechtspraak": "RvdR",
    "rechtspraak": "RvdR",
    "fin": "Financiën",
    "financien": "Financiën",
    "financiën": "Financiën",
    "fez": "Financiën",
}


def normalise_partner(text: object) -> str | None:
    """'coa' -> 'COA', 'DT&V' -> 'DTV', 'KMar' -> 'Politie'; unknown -> None.

    Also accepts 'Kader' (the coordinator's sheet)."""
    if not isinstance(text, str):
        return None
    t = text.strip().lower()
    for sheet in SHEETS:
        if sheet.lower() == t:
            return sheet
    return _PARTNER_ALIASES.get(t)
