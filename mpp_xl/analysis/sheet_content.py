"""The content of the analysis sheets that the refresh fills: Bijstelling (this
MPP against the previous one) and the backtest beside the realisations on
Realisatie.

Pure: a content function returns a :data:`Layout`, ``(row, col) -> (value,
kind)`` counted from 0 at the block's top-left cell, plus Dutch warnings. The
workbook layer places the block (positions in :mod:`mpp_xl.workbook.sheets`,
placed by :func:`mpp_xl.workbook.refresh.write_analysis`) and
styles each cell by its kind (number format, font). Reading files is
injected (``load_previous``, ``read_realisaties``), so a bad previous MPP or
bad realisations become a warning on the sheet, never an exception.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.assumptions import Assumptions
from ..core.numbers import nl_number
from ..core.problems import MppError, ValidationError
from ..core.registry import PARAMETERS
from ..core.series import COST_SERIES, SERIES
from .backtest import backtest
from .backtest_monthly import backtest_monthly
from .compare import compare
from .forecast import Forecast, run
from .monthly import MonthlyForecast

#: (row, col) from 0 -> (value, kind); the kinds are named in mpp_xl.workbook.specs.KINDS.
Layout = dict[tuple[int, int], tuple[object, str]]

#: Bijstelling: the number of largest differences listed, text width (characters)
#: of the wrapped lines, the two tables' headers, the most changed assumptions listed.
BIJ_TOP = 30
BIJ_WRAP = 115
BIJ_DIFF_HEADERS = ("Reeks", "Scenario", "Jaar", "Oud", "Nieuw", "Verschil", "Procent")
BIJ_ASSUMPTION_HEADERS = ("Parameter", "Scenario", "Jaar", "Oud", "Nieuw")
BIJ_MAX_ASSUMPTIONS = 300
#: Kader parameters that name the round rather than assume anything: not listed as changes.
META_PARAMETERS: tuple[str, ...] = ("vorige_mpp",)


def series_formats(reeks: str) -> tuple[str, str]:
    """(value kind, difference kind) of a series."""
    if SERIES[reeks].unit == "fractie":
        return "fractie", "fractie_verschil"
    return "aantal", "aantal_verschil"


def _wrap(text: str, width: int = BIJ_WRAP) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def previous_path(text: str, base_dir: str | Path | None) -> tuple[Path | None, str | None]:
    """The file named by Kader's ``vorige_mpp`` and a Dutch warning when it cannot be used."""
    raw = (text or "").strip().strip('"').strip()
    if not raw:
        return None, None
    p = Path(raw)
    if not p.is_absolute():
        if base_dir is None:
            return None, (f"Vorige MPP '{raw}' is een relatief pad, maar de map van de werkmap "
                          "is onbekend; vul op Kader bij vorige_mpp een volledig pad in.")
        p = Path(base_dir) / p
    if not p.is_file():
        return None, (f"Vorige MPP niet gevonden: {p}. Controleer Kader, vorige_mpp (een CSV "
                      "of werkmap; een relatief pad geldt vanaf de map van deze werkmap).")
    return p, None


def bijstelling_layout(vorige: str, base_dir: str | Path | None,
                       load_previous: Callable[[Path], Assumptions],
                       new_assumptions: Assumptions, new_forecast: Forecast,
                       ) -> tuple[Layout, list[str]]:
    """The Bijstelling content (from row 0, column 0) and the warnings for the
    refresh output (Dutch): ``vorige`` is Kader's ``vorige_mpp`` (a path,
    relative to ``base_dir``), read with ``load_previous`` (a CSV or a
    workbook). Never raises for a bad previous file."""

    out: Layout = {}
    row = 0

    def put(text: str, kind: str = "tekst") -> None:
        nonlocal row
        for line in _wrap(text):
            out[(row, 0)] = (line, kind)
            row += 1

    def put_row(cells: list[tuple[object, str]]) -> None:
        nonlocal row
        for j, cell in enumerate(cells):
            out[(row, j)] = cell
        row += 1

    if not (vorige or "").strip():
        put("Geen vorige MPP opgegeven. Vul op het blad Kader bij vorige_mpp (kolom 'Alle "
            "jaren') het bestand van de vorige MPP in: een werkmap (.xlsm/.xlsx) of een CSV "
            "met aannames, bijvoorbeeld MPP_2024-1.xlsm of ../2024-1/MPP_2024-1_aannames.csv "
            "(een relatief pad geldt vanaf de map van deze werkmap). Ververs daarna.")
        return out, []
    path, warning = previous_path(vorige, base_dir)
    cmp = None
    if path is not None:
        try:
            a_old = load_previous(path)
            cmp = compare(run(a_old), new_forecast, a_old, new_assumptions)
        except ValidationError as e:
            n = sum(p.is_error for p in e.problems)
            warning = (f"Vorige MPP {path.name} bevat {n} fout(en) in de aannames en is niet "
                       "vergeleken. Controleer dat bestand met 'mpp valideer'.")
        except (MppError, OSError, ValueError, KeyError) as e:
            msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            warning = f"Vorige MPP {path.name} kon niet worden gelezen: {msg}"
    if cmp is None:
        put(f"Let op: {warning} De bijstelling is niet bijgewerkt.", "waarschuwing")
        return out, [warning or "Vorige MPP niet vergeleken."]

    assert path is not None
    put(f"Vorige MPP: {vorige.strip()} ({path.name}).", "tekst")
    put(f"Vergeleken: {cmp.jaren[0]}–{cmp.jaren[1]} (voorraden per 1 januari, t/m "
        f"{cmp.jaren[1] + 1}), scenario's {', '.join(cmp.scenarios)}. Verschil = nieuw − oud; "
        "procent = verschil / oud.", "notitie")
    for m in cmp.meldingen:
        put(f"Let op: {m}", "waarschuwing")
    row += 1
    changed = cmp.gewijzigde_reeksen
    out[(row, 0)] = ("Toelichting per reeks", "kop")
    row += 1
    if not changed:
        put("Geen verschillen in de uitkomsten ten opzichte van de vorige MPP.")
    if cmp.gedeelde_zin():
        put(cmp.gedeelde_zin())
    for reeks in changed:
        put(cmp.toelichting[reeks])
    row += 1

    out[(row, 0)] = (f"Grootste verschillen (de {BIJ_TOP} grootste absolute wijzigingen)", "kop")
    row += 1
    d = cmp.verschillen
    d = d[d["verschil"] != 0].head(BIJ_TOP)
    if d.empty:
        put("Geen verschillen.")
    else:
        put_row([(h, "kolomkop") for h in BIJ_DIFF_HEADERS])
        for rec in d.to_dict("records"):
            vk, dk = series_formats(rec["reeks"])
            pct = rec["procent"]
            put_row([(rec["reeks"], "cel"), (rec["scenario"], "cel"),
                     (float(rec["jaar"]), "jaar"), (float(rec["oud"]), vk),
                     (float(rec["nieuw"]), vk), (float(rec["verschil"]), dk),
                     (None if pct is None or pct != pct else float(pct), "procent")])
    row += 1
    costs = cost_rows(cmp.verschillen)
    if costs:
        out[(row, 0)] = (BIJ_COST_TITLE, "kop")
        row += 1
        put_row([(h, "kolomkop") for h in BIJ_DIFF_HEADERS])
        for cells in costs:
            put_row(cells)
        row += 1

    out[(row, 0)] = ("Gewijzigde aannames", "kop")
    row += 1
    ch = cmp.aannames
    ch = ch[~ch["parameter"].isin(META_PARAMETERS)]
    if ch.empty:
        put("Geen gewijzigde aannames.")
    else:
        put_row([(h, "kolomkop") for h in BIJ_ASSUMPTION_HEADERS])
        for rec in ch.head(BIJ_MAX_ASSUMPTIONS).to_dict("records"):
            kind = _param_kind(rec["parameter"])
            jaar = rec["jaar"]
            jaar_v = None if jaar is None or jaar != jaar or jaar == "" else float(jaar)
            put_row([(rec["parameter"], "cel"), (rec["scenario"], "cel"), (jaar_v, "jaar"),
                     (_plain(rec["oud"]), kind), (_plain(rec["nieuw"]), kind)])
        if len(ch) > BIJ_MAX_ASSUMPTIONS:
            put(f"… en nog {len(ch) - BIJ_MAX_ASSUMPTIONS} gewijzigde waarden; zie "
                "'mpp vergelijk --aannames-csv'.", "notitie")
    return out, []


#: Title of the Bijstelling's cost table (medio, every cost series and year).
BIJ_COST_TITLE = "Kosten, medio (€ mln per jaar, euro's van elk jaar)"


def cost_rows(verschillen: pd.DataFrame) -> list[list[tuple[object, str]]]:
    """The rows of the Bijstelling's cost table: the medio differences of every
    cost series per year, when the costs changed (both rounds have prices). They
    seldom reach the largest differences, which mix € mln with numbers of people."""
    d = verschillen[verschillen["reeks"].isin(COST_SERIES)
                    & (verschillen["scenario"] == "medio")]
    if d.empty or not (d["verschil"] != 0).any():
        return []
    order = {k: i for i, k in enumerate(COST_SERIES)}
    d = d.assign(_o=d["reeks"].map(order)).sort_values(["_o", "jaar"])
    rows = []
    for rec in d.to_dict("records"):
        pct = rec["procent"]
        rows.append([(rec["reeks"], "cel"), ("medio", "cel"), (float(rec["jaar"]), "jaar"),
                     (float(rec["oud"]), "aantal"), (float(rec["nieuw"]), "aantal"),
                     (float(rec["verschil"]), "aantal_verschil"),
                     (None if pct is None or pct != pct else float(pct), "procent")])
    return rows


def _plain(v: object) -> object:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (np.floating, np.integer)):
        return float(v)
    return v


def _param_kind(key: str) -> str:
    p = PARAMETERS.get(key)
    if p is None:
        return "getal"
    return {"aantal": "aantal", "fractie": "fractie", "jaar": "jaar"}.get(p.fmt, "getal")


def backtest_layout(read_realisaties: Callable[[], pd.DataFrame], forecast: Forecast,
                    monthly: Callable[[], MonthlyForecast] | None = None,
                    ) -> tuple[tuple[object, str], Layout, list[str]]:
    """The backtest of ``forecast`` against the realisations ``read_realisaties()``
    returns (:func:`mpp_xl.analysis.backtest.realisaties_from_frame`; an
    :class:`MppError` becomes the warning): the summary cell, the table (one row
    per realisation, columns as the sheet's backtest header) and the warnings.
    Realisations with a month are compared per month when ``monthly`` gives the
    forecast per month (the Jaar column then shows ``jjjj-mm``), and the summary
    names the running year: realised months plus the forecast of the rest."""

    try:
        real = read_realisaties()
    except MppError as e:
        return (f"Let op: {e} Geen terugtoets berekend.", "waarschuwing"), {}, [str(e)]
    if real.empty:
        return (("Nog geen realisaties ingevuld; vul links reeks, jaar en waarde in en "
                 "ververs.", "notitie"), {}, [])
    bt = backtest(forecast, real)
    t = bt.tabel
    meldingen = list(bt.meldingen)
    running = ""
    has_months = "maand" in real.columns and bool(real["maand"].notna().any())
    if has_months and monthly is not None:
        mbt = backtest_monthly(monthly(), real)
        meldingen += mbt.meldingen
        t = pd.concat([t, mbt.tabel], ignore_index=True) if len(mbt.tabel) else t
        running = " ".join(_running_sentence(rec) for rec in mbt.lopend.to_dict("records"))
    n_in = int(t["binnen_band"].sum()) if len(t) else 0
    summary = (f"{n_in} van {len(t)} realisaties liggen binnen de band min–max. "
               "Fout = medio − realisatie; procent = fout / realisatie.")
    if running:
        summary += " " + running
    if meldingen:
        summary += " " + " ".join(meldingen)
    out: Layout = {}
    for r, rec in enumerate(t.to_dict("records")):
        vk, dk = series_formats(rec["reeks"])
        pct, pct_kind = _plain(rec["procent"]), "procent"
        if pct is None and _plain(rec.get("procentpunt")) is not None:
            pct, pct_kind = _plain(rec["procentpunt"]), "procentpunt"  # share series
        maand = _plain(rec.get("maand"))
        when = ((f"{int(rec['jaar'])}-{int(maand):02d}", "cel") if maand is not None
                else (float(rec["jaar"]), "jaar"))
        vals = [(rec["reeks"], "cel"), when,
                (float(rec["realisatie"]), vk), (_plain(rec["min"]), vk),
                (float(rec["medio"]), vk), (_plain(rec["max"]), vk),
                (float(rec["fout"]), dk), (pct, pct_kind),
                ("ja" if rec["binnen_band"] else "nee", "cel")]
        for j, v in enumerate(vals):
            out[(r, j)] = v
    return (summary, "waarschuwing" if meldingen else "notitie"), out, meldingen


def _running_sentence(rec: dict[str, object]) -> str:
    """One running year in words (Dutch), for the backtest summary."""
    def n(key: str) -> str:
        return nl_number(float(rec[key]))  # type: ignore[arg-type]

    return (f"Lopend jaar {rec['reeks']} {rec['jaar']}: maanden {rec['maanden_gerealiseerd']} "
            f"gerealiseerd ({n('gerealiseerd')}); met de prognose van de overige maanden "
            f"verwacht {n('verwacht_medio')} (min {n('verwacht_min')}, max "
            f"{n('verwacht_max')}), prognose {n('prognose_medio')} (min {n('prognose_min')}, "
            f"max {n('prognose_max')}).")
