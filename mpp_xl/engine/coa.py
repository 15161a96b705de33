"""Stage 5: COA opvang with three groups AZ (asielzoekers), SH (statushouders)
and VV (overige bewoners)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .context import Months
from .ind import K_EERSTE, K_HERHAALD, K_HERVESTIGING, K_NAREIS, IndResult


class CoaResult(NamedTuple):
    az: np.ndarray  # (T+1, B) asielzoekers in procedure, start of month
    sh: np.ndarray  # (T+1, B) statushouders
    vv: np.ndarray  # (T+1, B) overige bewoners
    instroom: np.ndarray  # (T, B) from outside the COA
    uit_huisvesting: np.ndarray  # (T, B) U
    uit_vertrek: np.ndarray  # (T, B) scaled O_vertrek
    uit_overig: np.ndarray  # (T, B) VV outflow


def coa(m: Months, ind: IndResult) -> CoaResult:
    T, B = m.T, m.B
    oa = {k: m.yearly(f"opvang_aandeel_{k}") for k in
          ("eerste", "herhaald", "nareis", "hervestiging")}
    i_k, inw, afw = ind.instroom_k, ind.inwilligingen_k, ind.afwijzingen_k
    in_az = oa["eerste"] * i_k[:, K_EERSTE] + oa["herhaald"] * i_k[:, K_HERHAALD]
    o_inw = oa["eerste"] * inw[:, K_EERSTE] + oa["herhaald"] * inw[:, K_HERHAALD]
    o_afw = oa["eerste"] * afw[:, K_EERSTE] + oa["herhaald"] * afw[:, K_HERHAALD]
    # Nareizigers and hervestigden arrive with a status, straight into SH.
    in_sh_direct = oa["nareis"] * i_k[:, K_NAREIS] + oa["hervestiging"] * i_k[:, K_HERVESTIGING]
    az_r = m.yearly("az_uitstroom_fractie")
    vv_r = m.yearly("vv_uitstroom_fractie")
    taak = np.where(m.h2[:, None], m.yearly("taakstelling_h2"), m.yearly("taakstelling_h1"))
    huisvesting_max = taak / 6.0 * m.yearly("realisatiegraad_huisvesting")

    AZ, SH, VV = (np.empty((T + 1, B)) for _ in range(3))
    AZ[0], SH[0], VV[0] = (m.single(f"coa_start_{g}") for g in
                           ("asielzoekers", "statushouders", "overig"))
    U, O_vertrek, O_vv = (np.empty((T, B)) for _ in range(3))
    for t in range(T):
        avail = AZ[t] + in_az[t]
        oi, oa_, ov = o_inw[t], o_afw[t], az_r[t] * AZ[t]
        out = oi + oa_ + ov
        # If the outflows exceed what is there, scale all three by one factor.
        scale = np.divide(avail, out, out=np.ones(B), where=out > avail)
        oi, oa_, O_vertrek[t] = oi * scale, oa_ * scale, ov * scale
        # AZ[t+1] = AZ[t] + in − outflows; exactly 0 when scaled (no −1e-12 from rounding)
        AZ[t + 1] = np.where(out > avail, 0.0, avail - (oi + oa_ + O_vertrek[t]))
        sh_avail = SH[t] + oi + in_sh_direct[t]
        np.minimum(sh_avail, huisvesting_max[t], out=U[t])
        SH[t + 1] = sh_avail - U[t]
        np.multiply(vv_r[t], VV[t], out=O_vv[t])
        VV[t + 1] = VV[t] + oa_ - O_vv[t]
    return CoaResult(AZ, SH, VV, in_az + in_sh_direct, U, O_vertrek, O_vv)
