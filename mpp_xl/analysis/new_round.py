"""A new MPP round from the previous one (docs/model.md and MODEL.md, "A new round
from an old one"): the pure part, from the old round's assumptions, its forecast
per month and the realisations to the new round's assumption rows.

- The horizon moves (by default one year on).
- Every assumption is carried: per-year values before the new start are dropped,
  years after the old last year take the old last year's value, and every
  carried row's Bron says "doorgetrokken uit MPP <oud>".
- Start stocks at 1 jan of the new start year are the realisation for that stock
  on that date where the realisations have one, else the old round's medio
  forecast for that date; one value for every scenario. A realised
  ``coa_aandeel_statushouders`` splits COA's start stock (asielzoekers and
  overig keep the forecast's ratio). Bron names which was used.
- History inputs (grants on first applications and rejections in the year
  before the new start) come from the realisations, else the old round's medio
  result for that year.
- Kader gets the new version, peildatum and horizon, and ``vorige_mpp`` names
  the old master.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.assumptions import Assumptions, Resolved, Row
from ..core.numbers import nl_number, nl_value
from ..core.registry import ASIEL_CATEGORIES, PARAMETERS, REGULIER_CATEGORIES
from ..core.series import SERIES
from .monthly import MonthlyForecast

#: Start-stock parameter -> the (monthly) series whose value on 1 jan it is.
START_STOCKS: dict[str, str] = {
    **{f"ind_werkvoorraad_start_{k}": f"ind_werkvoorraad_{k}" for k in ASIEL_CATEGORIES},
    "coa_start_asielzoekers": "coa_asielzoekers",
    "coa_start_statushouders": "coa_statushouders",
    "coa_start_overig": "coa_overig",
    "dtv_caseload_start": "dtv_caseload",
    "nidos_caseload_start": "nidos_caseload",
    **{f"{c}_{s}_voorraad_start": f"{c}_{s}_voorraad" for c in ("rvdr", "rvs")
       for s in ("asiel", "regulier")},
    **{f"regulier_werkvoorraad_start_{c}": f"regulier_{c}_werkvoorraad"
       for c in REGULIER_CATEGORIES},
    "bezwaar_werkvoorraad_start": "bezwaar_regulier_werkvoorraad",
}
_COA = ("coa_start_asielzoekers", "coa_start_statushouders", "coa_start_overig")
_IND = tuple(f"ind_werkvoorraad_start_{k}" for k in ASIEL_CATEGORIES)

#: History parameter -> (monthly flows summed over the year before the start,
#: the realisation series that gives it directly).
HISTORY: dict[str, tuple[tuple[str, ...], str]] = {
    "ind_inwilligingen_eerste_historie": (("ind_inwilligingen_eerste",),
                                          "ind_inwilligingen_eerste"),
    "ind_afwijzingen_historie": (("ind_afwijzingen_eerste", "ind_afwijzingen_herhaald"),
                                 "ind_afwijzingen_eerste_herhaald"),
}

#: Series a realisations file for a new round may name: every result series, the IND
#: stock per asylum category and the two history series.
REALISATION_SERIES: frozenset[str] = frozenset(
    set(SERIES) | {f"ind_werkvoorraad_{k}" for k in ASIEL_CATEGORIES}
    | {real for _, real in HISTORY.values()})

#: Kader parameters the new round sets itself.
_KADER_NEW = ("startjaar", "eindjaar", "mpp_versie", "peildatum", "vorige_mpp")


@dataclass(frozen=True)
class RoundRequest:
    """What the coordinator asks: the new version and peildatum (jjjj-mm-dd) and
    horizon (None: the old one plus one year)."""

    versie: str
    peildatum: str
    startjaar: int | None = None
    eindjaar: int | None = None


@dataclass
class NewRound:
    """The new round's assumption rows and, per start stock and history input,
    the Dutch line saying where its value came from."""

    rows: list[Row]
    startjaar: int
    eindjaar: int
    herkomst: dict[str, str] = field(default_factory=dict)

    def assumptions(self, source: str = "nieuwe ronde") -> Assumptions:
        return Assumptions(self.rows, source)


def parse_date(text: str) -> dt.date | None:
    """A date jjjj-mm-dd, or None."""
    try:
        return dt.date.fromisoformat(str(text).strip()[:10])
    except ValueError:
        return None


def check_request(old: Resolved, req: RoundRequest) -> list[str]:
    """Every problem of the request against the old round (Dutch); empty when fine."""
    out: list[str] = []
    old_version = str(old.text.get("mpp_versie", "") or "").strip()
    if not req.versie.strip():
        out.append("--versie is leeg; geef de versie van de nieuwe ronde, bijv. 2025-1.")
    elif old_version and req.versie.strip() == old_version:
        out.append(f"--versie {req.versie} is de versie van de vorige ronde; geef de nieuwe "
                   "versie, bijv. 2025-1.")
    new_date = parse_date(req.peildatum)
    old_date = parse_date(str(old.text.get("peildatum", "") or ""))
    if new_date is None:
        out.append(f"--peildatum '{req.peildatum}' is geen datum; schrijf jjjj-mm-dd, bijv. "
                   "2025-01-01.")
    elif old_date is not None and new_date <= old_date:
        out.append(f"--peildatum {new_date.isoformat()} ligt niet na de peildatum van de "
                   f"vorige ronde ({old_date.isoformat()}).")
    start, end = horizon(old, req)
    if not old.startjaar <= start <= old.eindjaar + 1:
        out.append(f"Startjaar {start} kan niet: de vorige ronde rekent {old.startjaar}–"
                   f"{old.eindjaar} (voorraden t/m 1 jan {old.eindjaar + 1}); het nieuwe "
                   f"startjaar ligt tussen {old.startjaar} en {old.eindjaar + 1}.")
    if not start <= end <= start + 15:
        out.append(f"Eindjaar {end} kan niet bij startjaar {start}: kies een eindjaar van "
                   f"{start} t/m {start + 15}.")
    return out


def horizon(old: Resolved, req: RoundRequest) -> tuple[int, int]:
    """The new (startjaar, eindjaar): as asked, else the old one plus one year."""
    start = req.startjaar if req.startjaar is not None else old.startjaar + 1
    end = req.eindjaar if req.eindjaar is not None else old.eindjaar + (start - old.startjaar)
    return start, end


def _realised(real: pd.DataFrame | None, reeks: str, jaar: int, stock: bool
              ) -> tuple[float, str] | None:
    """A realisation of ``reeks``: a stock on 1 jan ``jaar`` (maand empty or 1), or a
    flow's total of ``jaar`` (maand empty); (value, bron) or None."""
    if real is None or real.empty:
        return None
    maand = real["maand"] if "maand" in real.columns else pd.Series([None] * len(real))
    ok = maand.isna() | ((maand == 1) if stock else False)
    hit = real[(real["reeks"] == reeks) & (real["jaar"] == jaar) & ok.to_numpy()]
    if hit.empty:
        return None
    rec = hit.iloc[0]
    return float(rec["waarde"]), str(rec.get("bron", "") or "").strip()


def _with_source(text: str, bron: str) -> str:
    return f"{text} ({bron})" if bron else text


def start_stocks(mf: MonthlyForecast, real: pd.DataFrame | None, start: int, label: str
                 ) -> dict[str, tuple[float, str]]:
    """Per start-stock parameter (value on 1 jan ``start``, Bron text)."""
    med = mf.scenarios.index("medio")
    fc = {p: float(mf.stock_on(s, start)[med]) for p, s in START_STOCKS.items()}
    when = f"1 jan {start}"
    from_fc = f"Prognose MPP {label} (medio) voor {when}, in alle scenario's gelijk"
    out: dict[str, tuple[float, str]] = {}
    for p, s in START_STOCKS.items():
        if p in _COA or p in _IND:
            continue
        r = _realised(real, s, start, True)
        out[p] = (r[0], _with_source(f"Realisatie {when}", r[1])) if r else (fc[p], from_fc)

    # IND: per category where realised; else the realised total in the forecast's ratio
    cats = {p: _realised(real, START_STOCKS[p], start, True) for p in _IND}
    total = _realised(real, "ind_werkvoorraad", start, True)
    fc_sum = sum(fc[p] for p in _IND)
    for p in _IND:
        r = cats[p]
        if r is not None:
            out[p] = (r[0], _with_source(f"Realisatie {when}", r[1]))
        elif total is not None and fc_sum > 0:
            out[p] = (total[0] * fc[p] / fc_sum, _with_source(
                f"Realisatie werkvoorraad asiel {when} ({nl_number(total[0])}), verdeeld naar "
                f"de categorieën van de prognose MPP {label} (medio)", total[1]))
        else:
            out[p] = (fc[p], from_fc)

    # COA: the groups where realised; else the total (realised or forecast) split by a
    # realised share of statushouders, asielzoekers and overig in the forecast's ratio
    groups = {p: _realised(real, START_STOCKS[p], start, True) for p in _COA}
    if any(groups.values()):
        for p in _COA:
            r = groups[p]
            out[p] = (r[0], _with_source(f"Realisatie {when}", r[1])) if r else (fc[p], from_fc)
        return out
    az, sh, vv = _COA
    bez = _realised(real, "coa_bezetting", start, True)
    share = _realised(real, "coa_aandeel_statushouders", start, True)
    fc_total = fc[az] + fc[sh] + fc[vv]
    total = bez[0] if bez else fc_total
    total_text = (_with_source(f"realisatie bezetting {when} {nl_number(total)}", bez[1]) if bez
                  else f"prognose MPP {label} (medio) bezetting {when} {nl_number(total)}")
    if share is not None:
        rest = fc[az] + fc[vv]
        out[sh] = (share[0] * total, _with_source(
            f"Realisatie aandeel statushouders {when} {nl_value(100 * share[0])}% van de "
            f"{total_text}", share[1]))
        for p in (az, vv):
            part = fc[p] / rest if rest > 0 else 0.5
            out[p] = ((1.0 - share[0]) * total * part,
                      f"{total_text} min statushouders (realisatie aandeel "
                      f"{nl_value(100 * share[0])}%), verdeeld als in de prognose MPP {label}")
    elif bez is not None and fc_total > 0:
        for p in _COA:
            out[p] = (total * fc[p] / fc_total,
                      f"{total_text}, verdeeld als in de prognose MPP {label} (medio)")
    else:
        for p in _COA:
            out[p] = (fc[p], from_fc)
    return out


def history(mf: MonthlyForecast, real: pd.DataFrame | None, start: int, label: str
            ) -> dict[str, tuple[float, str]]:
    """Per history parameter (total of the year before ``start``, Bron text); only
    when that year is realised or lies in the old horizon."""
    year = start - 1
    med = mf.scenarios.index("medio")
    out: dict[str, tuple[float, str]] = {}
    for p, (keys, real_key) in HISTORY.items():
        r = _realised(real, real_key, year, False)
        if r is not None:
            out[p] = (r[0], _with_source(f"Realisatie {year}", r[1]))
        elif mf.startjaar <= year <= mf.eindjaar:
            v = float(sum(mf.year_total(k, year)[med] for k in keys))
            out[p] = (v, f"Uitkomst MPP {label} (medio) voor {year}")
    return out


def carried_bron(bron: str | None, label: str) -> str:
    """The Bron of a carried row: says it was carried, keeps the old source."""
    head = f"doorgetrokken uit MPP {label}"
    old = (bron or "").strip()
    if old.lower().startswith("doorgetrokken uit mpp"):
        old = old.split(";", 1)[1].strip() if ";" in old else ""
    return f"{head}; {old}" if old else head


def _scen(v: object) -> str:
    t = str(v).strip().lower() if v is not None else ""
    return t if t in ("min", "medio", "max") else "alle"


def carry(old: Assumptions, old_resolved: Resolved, mf: MonthlyForecast,
          real: pd.DataFrame | None, req: RoundRequest, vorige: str, vorige_bron: str
          ) -> NewRound:
    """The new round's rows (see the module docstring). ``vorige``: the text for
    Kader's ``vorige_mpp`` (the old master's path as the new master will see it),
    ``vorige_bron``: its Bron (round id and fingerprint)."""
    label = str(old_resolved.text.get("mpp_versie", "") or "").strip() or "vorige ronde"
    start, end = horizon(old_resolved, req)
    old_end = old_resolved.eindjaar
    stocks = start_stocks(mf, real, start, label)
    hist = history(mf, real, start, label)
    bron_new = f"Nieuwe ronde uit MPP {label} (mpp nieuwe-ronde)"
    rows: list[Row] = [
        Row("startjaar", "alle", None, start, bron=bron_new),
        Row("eindjaar", "alle", None, end, bron=bron_new),
        Row("mpp_versie", "alle", None, req.versie.strip(), bron=bron_new),
        Row("peildatum", "alle", None, req.peildatum.strip()[:10], bron=bron_new),
        Row("vorige_mpp", "alle", None, vorige, bron=vorige_bron),
    ]
    skip = set(_KADER_NEW) | set(stocks) | set(hist)
    frame = old.to_frame()
    last: dict[tuple[str, str], tuple[object, str]] = {}
    for r, rec in zip(old.rows, frame.to_dict("records"), strict=True):
        key = str(rec["parameter"]).strip().lower()
        p = PARAMETERS.get(key)
        if p is None or key in skip:
            continue
        scen = _scen(rec["scenario"])
        value = rec["waarde"]
        bron = carried_bron(r.bron, label)
        jaar = None if pd.isna(rec["jaar"]) else int(rec["jaar"])
        if p.per_jaar and jaar is not None:
            if jaar == old_end:
                last[(key, scen)] = (value, bron)
            if not start <= jaar <= end:
                continue
        rows.append(Row(key, scen, jaar, value, bron=bron))
    for (key, scen), (value, bron) in last.items():
        for y in range(max(old_end + 1, start), end + 1):
            rows.append(Row(key, scen, y, value, bron=bron))
    herkomst: dict[str, str] = {}
    for key, (value, bron) in {**stocks, **hist}.items():
        v = float(value)
        rows.append(Row(key, "alle", None, v if np.isfinite(v) else 0.0, bron=bron))
        herkomst[key] = bron
    return NewRound(rows, start, end, herkomst)
