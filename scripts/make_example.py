"""Generate workbooks/MPP_2024-2_aannames.csv, the MPP 2024-2 example.

The values below are CALIBRATED to the published MPP 2024-2 outcomes
(shared/reference/mpp_2024_2_published.csv); they are not the partners' own
assumptions. Each block says where a value comes from: a published
realisation (history up to the peildatum), a planning norm, or calibration.
Run: python scripts/make_example.py [--out PATH]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

YEARS = list(range(2024, 2029))
OUT = Path(__file__).resolve().parents[1] / "workbooks" / "MPP_2024-2_aannames.csv"

rows: list[tuple[str, str, int | None, object]] = []


def single(key: str, value: object, scenario: str = "alle") -> None:
    rows.append((key, scenario, None, value))


def yearly(key: str, values: dict[str, list[float]] | list[float] | float) -> None:
    """values: one number (all years, scenario alle), a list per year (alle),
    or a dict scenario -> list per year."""
    if isinstance(values, (int, float)):
        rows.append((key, "alle", None, values))
    elif isinstance(values, list):
        rows.extend((key, "alle", y, v) for y, v in zip(YEARS, values, strict=True))
    else:
        for s, vs in values.items():
            rows.extend((key, s, y, v) for y, v in zip(YEARS, vs, strict=True))


# --- Kader -------------------------------------------------------------------
single("startjaar", 2024)
single("eindjaar", 2028)
single("mpp_versie", "2024-2")
single("peildatum", "2024-06-01")

# --- DGM-APM: instroom (2024/2025 min/medio/max published; later years calibrated)
EERSTE = {
    "min": [22000, 21000, 20000, 20000, 20000],
    "medio": [42000, 42000, 43000, 44000, 44000],
    "max": [53000, 54000, 58000, 61000, 64000],
}
yearly("eerste_aanvragen", EERSTE)
yearly("herhaalde_aanvragen", 1600)
AMV = {  # published amv instroom / eerste aanvragen
    "min": [2700, 2600, 2500, 2400, 2200],
    "medio": [5000, 5000, 5200, 5300, 5300],
    "max": [6200, 6300, 6700, 7000, 7400],
}
yearly("amv_aandeel", {s: [a / e for a, e in zip(AMV[s], EERSTE[s])] for s in AMV})
yearly("nareis_ratio", 0.5)
single("nareis_vertraging_maanden", 6)

# --- BZ ----------------------------------------------------------------------
yearly("hervestiging", 700)

# --- Politie -----------------------------------------------------------------
yearly("ir_capaciteit", 45000)
yearly("overdrachten_dtv", 6300)  # published DT&V instroom overig

# --- IND asiel ---------------------------------------------------------------
single("ind_werkvoorraad_start_eerste", 30000)
single("ind_werkvoorraad_start_herhaald", 1500)
single("ind_werkvoorraad_start_nareis", 14000)
single("ind_werkvoorraad_start_hervestiging", 400)
yearly("ind_capaciteit", {
    "min": [54300, 64200, 61200, 64700, 64000],
    "medio": [54300, 64200, 61200, 64700, 64000],
    "max": [54300, 64200, 61200, 64700, 64000],
})
single("ind_min_werkvoorraad", 15300)
yearly("inwilligingspercentage_eerste", 0.7)
yearly("inwilligingspercentage_herhaald", 0.3)
yearly("inwilligingspercentage_nareis", 0.85)
yearly("inwilligingspercentage_hervestiging", 0.95)
single("beslistermijn_maanden", 6)
yearly("bntb_fractie", 0.01)
single("ind_inwilligingen_eerste_historie", 24000)
single("ind_afwijzingen_historie", 12000)

# --- IND regulier (visa: BZ) -------------------------------------------------
REG = {  # instroom, capaciteit, start, inwilliging, bezwaaraandeel
    "tev": (110000, 110000, 30000, 0.92, 0.3),
    "vvr_verlenging": (60000, 60000, 12000, 0.97, 0.3),
    "intrekking": (8000, 8000, 3000, 0.6, 0.4),
    "visa": (700000, 700000, 60000, 0.9, 0.05),
    "naturalisatie": (45000, 45000, 25000, 0.95, 0.3),
}
for c, (i, cap, w0, inw, bez) in REG.items():
    yearly(f"regulier_instroom_{c}", i)
    yearly(f"regulier_capaciteit_{c}", cap)
    single(f"regulier_werkvoorraad_start_{c}", w0)
    yearly(f"regulier_inwilliging_{c}", inw)
    yearly(f"bezwaar_aandeel_{c}", bez)
yearly("bezwaar_capaciteit", 12000)
single("bezwaar_werkvoorraad_start", 6000)
yearly("bezwaar_ongegrond_aandeel", 0.6)

# --- COA ---------------------------------------------------------------------
single("coa_start_asielzoekers", 36000)
single("coa_start_statushouders", 17000)
single("coa_start_overig", 11300)
yearly("opvang_aandeel_eerste", 0.85)
yearly("opvang_aandeel_herhaald", 0.5)
yearly("opvang_aandeel_nareis", 0.3)
yearly("opvang_aandeel_hervestiging", 1.0)
yearly("az_uitstroom_fractie", 0.01)
yearly("vv_uitstroom_fractie", 0.04)
yearly("snijverlies", 0.15)  # COA planning norm: 85% bezetting
yearly("taakstelling_h1", [18750, 10000, 10000, 10000, 10000])
yearly("taakstelling_h2", [17000, 10000, 10000, 10000, 10000])
yearly("realisatiegraad_huisvesting", 1.0)

# --- DTV ---------------------------------------------------------------------
yearly("dtv_overdracht_aandeel", 0.6)
single("dtv_vertraging_maanden", 3)
single("dtv_caseload_start", 15000)
yearly("dtv_vertrek_fractie", 0.08)

# --- Nidos -------------------------------------------------------------------
single("nidos_caseload_start", 10800)
yearly("nidos_aandeel", 1.0)
yearly("nidos_duur_maanden", 30)

# --- Rechtspraak -------------------------------------------------------------
yearly("beroep_aandeel_asiel", 0.7)
yearly("beroep_aandeel_regulier", 0.3)
yearly("hoger_beroep_aandeel_asiel", 0.25)
yearly("hoger_beroep_aandeel_regulier", 0.2)
for soort, cap, w0, hcap, hw0 in (("asiel", 16000, 9000, 4000, 1500),
                                  ("regulier", 9000, 6000, 1500, 800)):
    yearly(f"rvdr_{soort}_capaciteit", cap)
    single(f"rvdr_{soort}_voorraad_start", w0)
    yearly(f"rvs_{soort}_capaciteit", hcap)
    single(f"rvs_{soort}_voorraad_start", hw0)


def frame() -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["parameter", "scenario", "jaar", "waarde"])
    df["jaar"] = df["jaar"].astype("Int64")
    return df


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=str(OUT))
    out = Path(ap.parse_args().out)
    frame().to_csv(out, index=False, lineterminator="\n")
    print(f"{len(rows)} regels geschreven naar {out}")
