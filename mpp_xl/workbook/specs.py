"""The sheets of the master workbook declared as data.

A :class:`Frame` is the fixed part of a sheet: its cells (title, labels,
notes, fixed formulas; each with a *kind* that names its style), merged
notes that wrap over several columns, column widths, and whether the
master check shows in B2. A :class:`SheetSpec` is an owned sheet (Validatie,
Vaststelling, Logboek): a frame plus a table the refresh rewrites, with its
header row, columns (header, width, wrap, kind), fixed data rows and status
colours. The texts of Toelichting and the xlwings.conf settings are data here
as well.

Every writer reads the same declarations:

* the build (:mod:`mpp_xl.workbook.builder` and the sheet modules of
  :mod:`mpp_xl.workbook.sheets`, openpyxl): ``write_frame``
  (:mod:`~mpp_xl.workbook.frames`) for every sheet's fixed part (``write_spec`` adds an
  owned sheet's table), then the
  dynamic tables and charts; Toelichting and xlwings.conf from their texts here;
* the one refresh (:mod:`mpp_xl.workbook.refresh`) over the package on
  disk and over the Excel Book: positions, columns and the counter formulas;
* the row heights of the refreshed XML (:mod:`mpp_xl.workbook.package_book`).

No openpyxl here: colours are hex strings, kinds and fonts are names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.registry import PARTNERS
from . import sheets as S

#: Colours of the status rules (fill, hex RGB).
GREEN, RED, AMBER = "C6EFCE", "F8CBAD", "FFE699"


#: The hidden row holding one styled (empty) cell per kind, on Bijstelling and Realisatie:
#: the headless refresh styles the cells it writes there by kind from it.
STYLE_ROW = 3
#: Cell kinds of the analysis content (:data:`mpp_xl.analysis.sheet_content.Layout`)
#: and their number formats; fonts, fills and borders by kind are in :mod:`mpp_xl.workbook.styles`.
KINDS: dict[str, str] = {
    "titel": "General",
    "kop": "General",
    "kolomkop": "General",
    "tekst": "General",
    "notitie": "General",
    "waarschuwing": "General",
    "aantal": "#,##0",
    "aantal_verschil": "+#,##0;-#,##0;0",
    "fractie": "0.0%",
    "fractie_verschil": '+0.0%;-0.0%;0.0%',
    "procent": '+0.0"%";-0.0"%";0.0"%"',
    "procentpunt": '+0.0" pp";-0.0" pp";0.0" pp"',
    "jaar": "0",
    "getal": "General",
    "cel": "General",
}
KIND_ORDER: tuple[str, ...] = tuple(KINDS)


@dataclass(frozen=True)
class KindFont:
    """The font of a content kind: bold, italic, size (points), colour (hex RGB)."""

    bold: bool = False
    italic: bool = False
    size: float = 11
    color: str = "000000"


#: Fonts by kind, of the frame cells (:class:`Cell`) and the content cells (:data:`KINDS`);
#: every other content kind is :data:`PLAIN` (Calibri 11), a frame's "tekst" keeps the
#: sheet's default. The build writes the content fonts into the hidden style row, the
#: Excel button sets them on the cells.
KIND_FONTS: dict[str, KindFont] = {
    "titel": KindFont(bold=True, size=14, color="1F4E79"),
    "kop": KindFont(bold=True, size=12, color="1F4E79"),
    "kolomkop": KindFont(bold=True, color="FFFFFF"),
    "notitie": KindFont(italic=True, color="595959"),
    "waarschuwing": KindFont(bold=True, color="C00000"),
    "label": KindFont(bold=True),
    "nadruk": KindFont(bold=True, size=12),
    "uitkomst_kop": KindFont(bold=True, size=12, color="375623"),
}
PLAIN = KindFont()
#: Fills of the content kinds (hex RGB); the others have none.
KIND_FILLS: dict[str, str] = {"kolomkop": "1F4E79"}


@dataclass(frozen=True)
class Cell:
    """A fixed cell: its value (text or formula) and kind (the style: "titel",
    "label" bold, "nadruk" bold 12 pt, "kop" a blue heading, "uitkomst_kop" a
    green heading, "notitie" italic grey, "tekst" plain). ``span`` > 0: merged
    over that many columns, wrapped, and the row as high as the text needs."""

    value: object
    kind: str = "tekst"
    span: int = 0


def title(text: str) -> Cell:
    return Cell(text, "titel")


def label(text: str) -> Cell:
    return Cell(text, "label")


def note(text: str, span: int = 0) -> Cell:
    return Cell(text, "notitie", span)


@dataclass(frozen=True, kw_only=True)
class Frame:
    """The fixed part of a sheet: ``cells`` (reference -> :class:`Cell`; A1 is
    the title), ``widths`` (column letter -> width in Excel character units,
    used for the merged notes' row heights as well), ``shows_master_check``:
    the Modelcontrole of Controles in B2; ``protect``: the sheet is protected
    (its unlocked cells stay editable)."""

    name: str
    cells: Mapping[str, Cell]
    widths: Mapping[str, float] = field(default_factory=dict)
    shows_master_check: bool = False
    protect: bool = True

    @property
    def title(self) -> str:
        return str(self.cells["A1"].value)

    @property
    def labels(self) -> dict[str, str]:
        return {r: str(c.value) for r, c in self.cells.items() if c.kind == "label"}


@dataclass(frozen=True)
class Column:
    """One column of an owned table: header text, width (Excel character
    units), wrapped text or not, and the kind of its data cells ("text", or
    "fingerprint": a 64-character hash clipped at the cell border)."""

    header: str
    width: float
    wrap: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class StatusColour:
    """Fill ``colour`` where a cell of ``ref`` (a range) equals ``value``."""

    ref: str
    value: str
    colour: str


@dataclass(frozen=True, kw_only=True)
class SheetSpec(Frame):
    """An owned sheet: the frame plus the table the refresh rewrites from
    ``header_row`` + 1 on. ``rows``: fixed data rows (row -> {column: value});
    ``wrap_all``: data cells wrap in every column (row heights still follow
    only the ``wrap`` columns). The widths are the columns'."""

    header_row: int
    columns: tuple[Column, ...]
    rows: Mapping[int, Mapping[int, object]] = field(default_factory=dict)
    colours: tuple[StatusColour, ...] = ()
    wrap_all: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "widths", {chr(64 + j): c.width
                                            for j, c in enumerate(self.columns, start=1)})

    @property
    def first_row(self) -> int:
        """First data row (1-based), just below the header."""
        return self.header_row + 1

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    @property
    def column_widths(self) -> tuple[float, ...]:
        return tuple(c.width for c in self.columns)

    @property
    def wrap_cols(self) -> tuple[int, ...]:
        """1-based columns whose text wraps (their row heights follow the text)."""
        return tuple(j for j, c in enumerate(self.columns, start=1) if c.wrap)

    @property
    def note_rows(self) -> tuple[int, ...]:
        """Rows of merged notes in column A (their heights follow the text)."""
        return tuple(int(r[1:]) for r, c in self.cells.items()
                     if c.span and r[0] == "A" and r[1:].isdigit())


def _columns(headers: tuple[str, ...], widths: tuple[float, ...], wrap: tuple[int, ...],
             fingerprint: tuple[int, ...] = ()) -> tuple[Column, ...]:
    assert len(headers) == len(widths)
    return tuple(Column(h, w, j in wrap, "fingerprint" if j in fingerprint else "text")
                 for j, (h, w) in enumerate(zip(headers, widths, strict=True), start=1))


def validatie_counters(first: int, last: int) -> dict[str, str]:
    """The counter formulas of Validatie over data rows ``first``..``last``
    (cell -> formula): the one text the build and every refresh write."""
    return {S.VAL_ERRORS_CELL: f'=COUNTIF(A{first}:A{last},"fout")',
            S.VAL_WARNINGS_CELL: f'=COUNTIF(A{first}:A{last},"waarschuwing")'}


def vaststelling_status() -> str:
    """The overall status formula of Vaststelling (B2): 'vastgesteld' when every
    partner's sign-off is valid and Validatie counts no error."""
    f, last = S.VS_FIRST_ROW, S.VS_LAST_ROW
    return (f'=IF(AND(COUNTIF(F{f}:F{last},"{S.SIGN_VALID}")={len(PARTNERS)},'
            f'{S.VALIDATIE}!{S.VAL_ERRORS_CELL}=0),"{S.STATE_DONE}","{S.STATE_DRAFT}")')


# --- the owned sheets -----------------------------------------------------------------
VALIDATIE = SheetSpec(
    name=S.VALIDATIE,
    cells={"A1": title("Validatie van de aannames"), "A3": label("Fouten"),
           "A4": label("Waarschuwingen"), "A5": label("Gecontroleerd op"),
           **{ref: Cell(f) for ref, f in validatie_counters(S.VAL_HEADER_ROW + 1,
                                                            S.VAL_HEADER_ROW + 1).items()},
           S.VAL_CHECKED_CELL: Cell("nog niet gecontroleerd (voer 'mpp ververs' uit)")},
    header_row=S.VAL_HEADER_ROW,
    columns=_columns(S.VAL_HEADERS, S.VAL_WIDTHS, S.VAL_WRAP_COLS),
    rows={S.VAL_HEADER_ROW + 1: {}},  # an empty styled row: the sample for new rows
    colours=(StatusColour(f"A{S.VAL_HEADER_ROW + 1}:A2000", "fout", RED),
             StatusColour(f"A{S.VAL_HEADER_ROW + 1}:A2000", "waarschuwing", AMBER)),
    shows_master_check=True,
    wrap_all=True,
)

VASTSTELLING = SheetSpec(
    name=S.VASTSTELLING,
    cells={"A1": title("Vaststelling door de ketenpartners"), "A2": label("Status MPP"),
           "A3": label("Laatst ververst"), S.VS_STATUS_CELL: Cell(vaststelling_status(), "nadruk"),
           S.VS_REFRESHED_CELL: Cell("nog niet"),
           "A4": note("Een partner stelt zijn blad vast met 'mpp vaststellen'. De vingerafdruk "
                      "legt de aannames vast: verandert daarna een invoer van die partner, dan "
                      "vervalt de vaststelling bij de volgende verversing.",
                      span=len(S.VS_HEADERS))},
    header_row=S.VS_HEADER_ROW,
    columns=_columns(S.VS_HEADERS, S.VS_WIDTHS, S.VS_WRAP_COLS, S.VS_FINGERPRINT_COLS),
    rows={r: {1: p, 6: S.SIGN_NONE} for p, r in S.VS_ROWS.items()},
    colours=(StatusColour(f"F{S.VS_FIRST_ROW}:F{S.VS_LAST_ROW}", S.SIGN_VALID, GREEN),
             StatusColour(f"F{S.VS_FIRST_ROW}:F{S.VS_LAST_ROW}", S.SIGN_VOID, RED),
             StatusColour(S.VS_STATUS_CELL, S.STATE_DONE, GREEN),
             StatusColour(S.VS_STATUS_CELL, S.STATE_DRAFT, AMBER)),
)

LOGBOEK = SheetSpec(
    name=S.LOGBOEK,
    cells={"A1": title("Logboek")},
    header_row=S.LOG_HEADER_ROW,
    columns=_columns(S.LOG_HEADERS, S.LOG_WIDTHS, S.LOG_WRAP_COLS),
    wrap_all=True,
)

#: Every owned sheet, in workbook order.
OWNED: tuple[SheetSpec, ...] = (VALIDATIE, VASTSTELLING, LOGBOEK)


def column(spec: SheetSpec, header: str) -> int:
    """The 1-based column of ``header`` in an owned table."""
    return spec.headers.index(header) + 1


# --- the parameter sheets (header block above the input table) -------------------------
PARAM_NOTE = ("Vul alleen de gele cellen in. Een lege cel betekent: de standaardwaarde "
              "(zie Toelichting). Een waarde onder 'Alle jaren' geldt voor elk jaar. "
              "Formules zijn toegestaan.")


def parameter_frame(sheet: str, version: str) -> Frame:
    """Kader (coordinator, overall status) or a partner sheet (contact, its sign-off
    status); B2 is the yellow input cell of the contact."""
    if sheet == S.KADER:
        head = (f"Kader — uitgangspunten van de MPP {version}".strip(), "Coördinator",
                "Status MPP", f"={S.VASTSTELLING}!${S.VS_STATUS_CELL[0]}${S.VS_STATUS_CELL[1:]}")
    else:
        head = (f"{sheet} — {PARTNERS[sheet]}", "Contactpersoon", "Status vaststelling",
                f"={S.VASTSTELLING}!$F${S.VS_ROWS[sheet]}")
    return Frame(name=sheet, cells={"A1": title(head[0]), "A2": label(head[1]),
                                    "A3": label(head[2]), S.STATUS_CELL: label(head[3]),
                                    "A4": note(PARAM_NOTE)})


#: Title of the outcome block beside a partner's input table.
OUTCOME_TITLE = "Uitkomsten van deze aannames (berekend met de MPP-functies; niet invullen)"


# --- Uitkomsten, Grafieken ---------------------------------------------------------------
def uitkomsten_frame(version_ref: str, model_formula: str, last_year: int) -> Frame:
    """Title (with Kader's mpp_versie), the model cell and the notes."""
    return Frame(
        name=S.UITKOMSTEN,
        cells={"A1": title(f'="Uitkomsten MPP "&{version_ref}'), "A3": label("Rekenmodel"),
               S.MODEL_CELL: label(model_formula),
               "D3": Cell("Deze cel rekent de hele keten door met alle aannames van de "
                          "partnerbladen; de tabellen hieronder lezen eruit.", span=3),
               "A4": note("Stromen: totaal per jaar. Voorraden: stand per 1 januari "
                          f"(tot en met 1 januari {last_year + 1}). Bandbreedte = max − min.",
                          span=6)},
        widths={"A": 14, "B": 13, "C": 13, "D": 13, "E": 13, "F": 24},  # F: the series key
        shows_master_check=True)


GRAFIEKEN = Frame(name=S.GRAFIEKEN,
                  cells={"A1": title("Grafieken (scenario medio, tenzij anders vermeld)")},
                  protect=False)

# --- Onzekerheid -----------------------------------------------------------------------
#: Percentiles of the Onzekerheid tables (percent) and their column headers.
PERCENTILES: tuple[float, ...] = (12.5, 50.0, 67.0, 87.5)
PCT_HEADERS: tuple[str, ...] = ("P12,5", "P50", "P67", "P87,5")
#: Series with a fan chart on Onzekerheid.
FAN_SERIES: tuple[str, ...] = ("instroom_totaal", "coa_bezetting", "ind_werkvoorraad",
                               "nidos_caseload", "amv_instroom", "dtv_caseload")
ONZ_FIRST_CHART_ROW = 6
ONZ_CHART_ROWS = 18
ONZ_TABLES_PER_PAGE = 5
#: The cell showing the Monte Carlo method (Kader's mc_methode) on Onzekerheid.
METHOD_CELL = "A5"
METHOD_LABEL = "Monte-Carlomethode: "
#: The default Monte Carlo method (``analysis.uncertainty.METHODS[0]``; a test keeps them equal).
DEFAULT_METHOD = "alle_aannames"
#: Legend labels of the fan charts' lines (as in the report's fan charts).
MEDIO_LABEL = "medio (P67)"
MEDIAN_LABEL = "mediaan (P50)"


def onzekerheid_frame(method_formula: str) -> Frame:
    """Title, the three notes and the Monte Carlo method in use (A5)."""
    return Frame(name=S.ONZEKERHEID, cells={
        "A1": title("Onzekerheid: Monte-Carlobanden"),
        "A2": note("Methode alle_aannames (standaard): per trekking en jaar één scenarioscore "
                   "voor elke aanname die per scenario verschilt, zo dat P12,5, P67 en P87,5 "
                   "van die aannames gelijk zijn aan min, medio en max. Methode "
                   "alleen_instroom: alleen de eerste asielaanvragen worden getrokken, alle "
                   "andere aannames staan op medio."),
        "A3": note("Methode, aantal trekkingen, startgetal en correlatie tussen de jaren staan "
                   "op Kader (mc_methode, mc_trekkingen, mc_zaad, mc_correlatie_jaren). "
                   "Stromen: totaal per jaar; voorraden: per 1 januari."),
        "A4": note("Grafieken: het vlak is de band P12,5–P87,5, de dikke lijn medio (P67, wat "
                   "de MPP medio noemt), de dunne stippellijn de mediaan (P50), de punten de "
                   "drie scenario's van de MPP (min, medio, max). Voorraden tot 1 januari van "
                   "het eindjaar, zoals in de publicatie; de tabellen tonen ook 1 januari "
                   "daarna."),
        METHOD_CELL: label(method_formula)},
        widths={"A": 10, **dict.fromkeys("BCDEFGH", 13), "I": 18})


# --- Bijstelling, Realisatie -------------------------------------------------------------
BIJSTELLING = Frame(
    name=S.BIJSTELLING,
    cells={"A1": title("Bijstelling: vergelijking met de vorige MPP"),
           "A2": note("Wordt bij elke verversing bijgewerkt (mpp ververs of Vernieuwen in "
                      "Excel). De vorige MPP staat op Kader bij vorige_mpp."),
           f"A{S.BIJ_FIRST_ROW}": Cell("Nog niet ververst: voer 'mpp ververs' uit of klik op "
                                       "Vernieuwen.")},
    widths=dict(zip("ABCDEFG", (30, 10, 8, 14, 14, 14, 11), strict=True)))

_BT = S.REAL_BT_COL
REALISATIE = Frame(
    name=S.REALISATIE,
    cells={"A1": title("Realisaties en terugtoets"),
           "A2": note("Vul per reeks en jaar de gerealiseerde waarde in (gele cellen): stromen "
                      "als totaal van het jaar, voorraden per 1 januari; met een maand (1–12) "
                      "het totaal van die maand of de voorraad op de 1e. De reeksnamen staan "
                      "op Uitkomsten (grijs, rechts van elke titel).", span=_BT - 1),
           "A4": Cell("Realisaties (invoer)", "kop"),
           f"{chr(64 + _BT)}4": Cell("Terugtoets: deze prognose tegen de realisaties (berekend "
                                     "bij verversen; niet invullen)", "uitkomst_kop"),
           f"{chr(64 + _BT)}{S.REAL_SUMMARY_ROW}": Cell("Nog niet ververst.")},
    widths={**dict(zip("ABCDE", (24, 7, 11, 18, 7), strict=True)),
            **{chr(64 + _BT + j): w for j, w in enumerate((24, 7, 11, 11, 11, 11, 13, 10, 8))}})

# --- Controles ----------------------------------------------------------------------------
CONTROLES = Frame(
    name=S.CONTROLES,
    cells={"A1": title("Controles op het rekenmodel"), "A3": Cell("Modelcontrole", "nadruk"),
           "A4": label("Fouten op Validatie"),
           "A5": note("Modelcontrole: OK als elke controle hieronder OK is en Validatie geen "
                      "fouten meldt, anders NIET OK. Balanscontrole per voorraad: stand per 1 "
                      "januari + instroom − uitstroom = stand per 1 januari van het volgende "
                      "jaar, per scenario (min, medio, max) en per jaar, gerekend op de tabellen "
                      "van Uitkomsten. Afwijking = grootste absolute verschil in personen.",
                      span=len(S.CTRL_HEADERS))},
    widths={chr(64 + j): w for j, w in enumerate(S.CTRL_WIDTHS, start=1)})


# --- Toelichting and xlwings.conf ---------------------------------------------------------
#: Toelichting, one (kind, text) per paragraph: "h" a heading, "" a paragraph.
TOELICHTING_TEKST: tuple[tuple[str, str], ...] = (
    ("h", "Meerjaren Productie Prognose (MPP) van de migratieketen"),
    ("", "Deze werkmap is de master van de MPP. Elke ketenpartner heeft een eigen blad met "
         "aannames; de uitkomsten worden berekend door het rekenmodel in Python (de "
         "MPP-functies)."),
    ("h", "Bladen"),
    ("", "Kader: horizon (startjaar, eindjaar), MPP-versie en peildatum."),
    ("", "DGM-APM, IND, COA, DTV, Nidos, RvdR, RvS, Politie, BZ: de aannames per partner. "
         "Rechts op elk blad staan de belangrijkste uitkomsten van die aannames."),
    ("", "Financiën (FIN): de prijzen per eenheid voor de kostenraming (p×q), met de "
         "reguliere opvangcapaciteit op COA. Rechts: de kosten, en per jaar de begroting op "
         "medio (P67), de risicomarge tot P87,5 en het deel noodopvang, met een grafiek. "
         "Zonder prijzen rekent de MPP zoals altijd, zonder kosten. De prijzen van het "
         "meegeleverde voorbeeld zijn illustratief."),
    ("", "Uitkomsten: per reeks een tabel jaren × scenario's (min, medio, max)."),
    ("", "Grafieken: de grafieken van de publicatie."),
    ("", "Onzekerheid: Monte-Carlobanden (P12,5, P50, P67, P87,5) per reeks en jaar, met "
         "waaiergrafieken. Instellingen op Kader: mc_trekkingen, mc_zaad, mc_correlatie_jaren "
         "en mc_methode (alle_aannames: elke aanname die per scenario verschilt wordt "
         "getrokken; alleen_instroom: alleen de eerste asielaanvragen)."),
    ("", "Bijstelling: wat is er veranderd ten opzichte van de vorige MPP en door welke "
         "aannames. Vul op Kader bij vorige_mpp het bestand van de vorige MPP in (werkmap of "
         "CSV, pad vanaf de map van deze werkmap)."),
    ("", "Realisatie: vul de gerealiseerde waarden per reeks en jaar in; na verversen staat "
         "ernaast hoe deze prognose het deed (fout en binnen of buiten de band min–max)."),
    ("", "Validatie: alle fouten en waarschuwingen, met blad en cel."),
    ("", "Controles: de balanscontrole van elke voorraad (stand 1 januari + instroom − "
         "uitstroom = stand 1 januari volgend jaar) per scenario en jaar, en de "
         "Modelcontrole: OK als elke controle klopt en Validatie geen fouten meldt, anders "
         "NIET OK. Uitkomsten en "
         "Validatie tonen de Modelcontrole bovenaan (cel B2)."),
    ("", "Vaststelling: wie heeft welk blad vastgesteld, en is die vaststelling nog geldig."),
    ("", "Logboek: elke verversing, vaststelling en samenvoeging."),
    ("h", "Invullen"),
    ("", "Vul alleen de gele cellen in. Een lege cel betekent: de standaardwaarde uit de "
         "kolom Toelichting. Een waarde onder 'Alle jaren' geldt voor elk jaar; waarden "
         "per jaar gaan in de jaarkolommen. Gebruik niet beide voor dezelfde rij."),
    ("", "Scenario 'alle' geldt voor min, medio en max; een rij voor een scenario gaat voor."),
    ("", "Percentages vult u in als fractie of met %: 12% = 0,12."),
    ("", "Eigen formules mogen (bijvoorbeeld =F7*1,05); de uitkomst telt."),
    ("h", "Verversen"),
    ("", "In Excel (Windows, met xlwings): de MPP-functies rekenen vanzelf; de knop "
         "Vernieuwen (op Uitkomsten en op elk partnerblad; macro MPP_Vernieuwen) ververst de "
         "controles, de vaststelling en het logboek, onder elke bestandsnaam."),
    ("", "Zonder Excel: mpp ververs WERKMAP. Bij fouten verandert er niets en krijgt u de "
         "lijst met fouten; de vorige versie blijft bewaard in de map .backup."),
    ("h", "Vaststellen"),
    ("", "mpp vaststellen WERKMAP --partner IND --naam \"Naam\" legt naam, datum en een "
         "vingerafdruk van de aannames van IND vast. Wijzigt daarna een aanname van IND, "
         "dan vervalt de vaststelling. De MPP is 'vastgesteld' als alle partners geldig "
         "hebben vastgesteld en er geen fouten zijn; anders 'concept'."),
    ("", "mpp status WERKMAP toont de stand per partner."),
    ("h", "Partnerbestanden"),
    ("", "mpp exporteer-partner WERKMAP --partner COA -o COA.xlsx maakt een los bestand met "
         "alleen het blad van COA; mpp importeer-partner WERKMAP COA.xlsx voegt het weer samen."),
)


#: Characters per line of Toelichting text (column A is 110 wide).
TOELICHTING_WRAP = 100

#: The interpreter written into xlwings.conf when ``mpp bouw`` gets no
#: ``--interpreter``: ``python`` (the python.exe found on PATH) unless the
#: build itself runs on Windows, where it is the running python.exe.
DEFAULT_INTERPRETER = "python"

CONF_VALUES: dict[str, object] = {
    "Interpreter_Win": DEFAULT_INTERPRETER,
    "Interpreter_Mac": "python",
    # Empty on purpose: xlwings puts PYTHONPATH entries on sys.path unchanged, so a
    # relative path resolves against Excel's working directory, not the workbook.
    # The functions come from the installed package (pip install mpp-xl).
    "PYTHONPATH": None,
    "UDF Modules": "udfs.mpp_udfs",
    "Debug UDFs": False,
    "Use UDF Server": False,
    "Show Console": False,
}

#: The explanation below the settings on the xlwings.conf sheet (Dutch).
CONF_NOTES: tuple[str, ...] = (
    "Toelichting:",
    "UDF Modules = udfs.mpp_udfs: de MPP-functies komen uit het geïnstalleerde pakket "
    "mpp-xl (py -m pip install -e . in de map van mpp-xl); PYTHONPATH blijft leeg.",
    "Interpreter_Win: het volledige pad van python.exe waarin mpp-xl is geïnstalleerd "
    "(mpp bouw --interpreter PAD); 'python' betekent: de python.exe die Windows op het "
    "PATH vindt.",
    "De knop Vernieuwen (Uitkomsten en elk partnerblad) voert de macro MPP_Vernieuwen uit: "
    "RunPython \"import mpp_xl.workbook.excel_book as mpp_knop; mpp_knop.refresh_caller()\" "
    "(het geïnstalleerde pakket; de bestandsnaam van de werkmap doet er niet toe).",
)
