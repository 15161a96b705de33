"""Validation problems: every rule violation as one row, in plain Dutch."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

FOUT = "fout"
WAARSCHUWING = "waarschuwing"


class Regel(StrEnum):
    """The rule codes of validation problems. A value is the stable code shown
    after each message (``(regel: buiten_grenzen)``) and in the Validatie
    sheet; ``uitleg`` says in Dutch what the rule checks (docs/rules.md is
    generated from it by ``mpp regels``)."""

    uitleg: str
    niveau: str

    def __new__(cls, code: str, niveau: str, uitleg: str) -> Regel:
        obj = str.__new__(cls, code)
        obj._value_ = code
        obj.niveau = niveau
        obj.uitleg = uitleg
        return obj

    # one row of input on its own
    ONBEKENDE_PARAMETER = (
        "onbekende_parameter", FOUT,
        "De parameter staat niet in het register (docs/parameters.md); de melding "
        "noemt de naam die er het meest op lijkt.")
    ONBEKEND_SCENARIO = (
        "onbekend_scenario", FOUT, "Het scenario is niet min, medio, max of alle.")
    ONGELDIG_JAAR = ("ongeldig_jaar", FOUT, "Het jaar is geen jaartal.")
    ONGELDIGE_KEUZE = (
        "ongeldige_keuze", FOUT, "Een keuzeparameter heeft een waarde die niet te kiezen is.")
    DUIZENDTAL_PUNT = (
        "duizendtal_punt", FOUT,
        "Een getal met een punt als scheiding van duizendtallen (42.000) wordt niet "
        "geraden: het kan 42000 of 42 betekenen. Schrijf 42000.")
    GEEN_GETAL = ("geen_getal", FOUT, "De waarde is geen getal (of een foutwaarde van Excel).")
    TE_GROOT = (
        "te_groot", FOUT,
        "Het getal is te groot om mee te rekenen (meer dan 1.000.000.000.000).")
    BUITEN_GRENZEN = (
        "buiten_grenzen", FOUT, "De waarde ligt buiten de grenzen van de parameter.")
    GEEN_GEHEEL_GETAL = (
        "geen_geheel_getal", FOUT, "De parameter vraagt een geheel getal.")
    JAAR_BIJ_ENKELE_WAARDE = (
        "jaar_bij_enkele_waarde", FOUT,
        "Bij een parameter met één waarde (niet per jaar) staat een jaar.")
    SCENARIO_NIET_TOEGESTAAN = (
        "scenario_niet_toegestaan", FOUT,
        "De parameter geldt voor alle scenario's, maar er staat een scenario bij.")
    VERDACHT_DUIZENDTAL = (
        "verdacht_duizendtal", WAARSCHUWING,
        "Het getal lijkt duizend keer te klein of te groot (bijvoorbeeld 42 waar "
        "42000 bedoeld lijkt).")
    # the rows together
    DUBBELE_RIJ = (
        "dubbele_rij", FOUT,
        "Dezelfde parameter staat twee keer voor hetzelfde scenario en jaar.")
    JAAR_EN_GEEN_JAAR = (
        "jaar_en_geen_jaar", FOUT,
        "Een parameter is zowel per jaar als zonder jaar (Alle jaren) gegeven.")
    HORIZON = (
        "horizon", FOUT,
        "Het eindjaar ligt niet 0 tot het maximale aantal jaren na het startjaar.")
    JAAR_BUITEN_HORIZON = (
        "jaar_buiten_horizon", FOUT, "Een jaar ligt buiten de horizon startjaar–eindjaar.")
    ONTBREEKT = (
        "ontbreekt", FOUT,
        "Een verplichte parameter heeft geen waarde (voor een scenario of jaar).")
    SCENARIOVOLGORDE = (
        "scenariovolgorde", WAARSCHUWING,
        "Bij een parameter met scenario's klopt de volgorde min ≤ medio ≤ max niet.")
    JAARSPRONG = (
        "jaarsprong", WAARSCHUWING,
        "Een stroom (per jaar of per halfjaar) verandert van het ene jaar op het "
        "volgende sterk.")
    KOSTEN_ONVOLLEDIG = (
        "kosten_onvolledig", FOUT,
        "Een deel van de prijzen (Financiën) of de reguliere COA-capaciteit is ingevuld, een "
        "ander deel niet; de kosten vragen alles of niets.")
    NOODOPVANG_ONDER_REGULIER = (
        "noodopvang_onder_regulier", WAARSCHUWING,
        "De prijs van de noodopvang ligt onder die van de reguliere opvang (noodopvang is in "
        "de praktijk duurder).")
    # variants (what-if changes to the assumptions)
    ONBEKENDE_BEWERKING = (
        "onbekende_bewerking", FOUT,
        "De bewerking van een variantrij is niet = (zet), * (maal) of + (plus).")
    VARIANT_NAAM = (
        "variant_naam", FOUT,
        "Een variantrij heeft geen naam, of de naam 'basis' (die naam is voor de ronde "
        "zelf).")
    VARIANT_PARAMETER = (
        "variant_parameter", FOUT,
        "Een variant kan alleen een rekenparameter van de keten wijzigen, geen "
        "Kader-instelling of tekst.")
    VARIANT_BUITEN_GRENZEN = (
        "variant_buiten_grenzen", FOUT,
        "Na de wijziging van een variant ligt de waarde buiten de grenzen van de parameter "
        "(bijvoorbeeld een fractie boven 1 na *) of is een geheel getal geen geheel getal "
        "meer.")
    # the workbook
    ONTBREKEND_BLAD = (
        "ontbrekend_blad", FOUT, "Een parameterblad (Kader of een partnerblad) ontbreekt.")
    ONBEKENDE_INDELING = (
        "onbekende_indeling", FOUT,
        "Een parameterblad heeft niet de indeling van een MPP-blad (de kop van de "
        "invoertabel ontbreekt).")
    # the results
    SCENARIO_KRUISING = (
        "scenario_kruising", WAARSCHUWING,
        "In de uitkomsten kruisen de scenario's (min boven medio of medio boven max); "
        "lees de band min–max in die jaren niet als grenzen.")


def rules_markdown() -> str:
    """The rule reference (docs/rules.md), generated from :class:`Regel`."""
    lines = [
        "# Regels van de validatie",
        "",
        "Gemaakt uit `mpp_xl/core/problems.py` met `mpp regels > docs/rules.md`;"
        " niet met de hand bewerken.",
        "",
        "Elke melding van `mpp valideer`, het blad Validatie en `MPP_VALIDATIE` noemt "
        "haar regel.",
        "",
        "| regel | niveau | wat de regel controleert |",
        "|---|---|---|",
    ]
    lines += [f"| `{r.value}` | {r.niveau} | {r.uitleg} |" for r in Regel]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Problem:
    """One validation finding.

    ``regel`` is the rule (:class:`Regel`, a ``str``: ``buiten_grenzen``); ``melding``
    the Dutch message shown to the user. ``blad`` and ``cel`` locate the input
    (for a CSV: ``cel`` is ``regel N``).
    """

    niveau: str
    regel: Regel
    melding: str
    parameter: str | None = None
    scenario: str | None = None
    jaar: int | None = None
    blad: str | None = None
    cel: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "regel", Regel(self.regel))  # an unknown code: ValueError

    @property
    def is_error(self) -> bool:
        return self.niveau == FOUT

    def location(self) -> str:
        """'IND!C12' or 'regel 7', or '' when unknown."""
        if self.blad and self.cel:
            return f"{self.blad}!{self.cel}"
        return self.blad or self.cel or ""

    def as_text(self) -> str:
        where = self.location()
        head = f"[{self.niveau.upper()}] " + (f"{where}: " if where else "")
        return f"{head}{self.melding} (regel: {self.regel})"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class MppError(Exception):
    """An error the user can act on; the CLI prints it and exits with code 2."""


class ValidationError(MppError):
    """Raised when the assumptions have errors; carries every problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        n = sum(p.is_error for p in self.problems)
        super().__init__(f"De aannames bevatten {n} fout(en); er is niets berekend.")

    def report(self) -> str:
        return "\n".join([str(self), *(p.as_text() for p in self.problems)])


def format_problems(problems: Iterable[Problem]) -> str:
    """All problems as text, errors first."""
    ps = sorted(problems, key=lambda p: (not p.is_error,))
    return "\n".join(p.as_text() for p in ps)
