"""Stage 3: IND asiel, a multi-category queue with the nareis feedback."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core.registry import ASIEL_CATEGORIES
from .blocks import split_afdoeningen
from .context import Months

K_EERSTE, K_HERHAALD, K_NAREIS, K_HERVESTIGING = range(4)


class IndResult(NamedTuple):
    instroom_k: np.ndarray  # (T, 4, B) per maand, categories as ASIEL_CATEGORIES
    afdoeningen_k: np.ndarray  # (T, 4, B)
    inwilligingen_k: np.ndarray  # (T, 4, B)
    afwijzingen_k: np.ndarray  # (T, 4, B)
    werkvoorraad: np.ndarray  # (T+1, B) total stock at the start of each month
    bntb: np.ndarray  # (T, B) beroepen niet tijdig beslissen
    #: (T+1, 4, B) stock per category at the start of each month (None when not kept)
    werkvoorraad_k: np.ndarray | None = None


def ind_asiel(m: Months, e: np.ndarray, h: np.ndarray, r: np.ndarray) -> IndResult:
    """IND asylum queue over eerste, herhaald, nareis, hervestiging.

    n[t] = nareis_ratio[y(t)] · inw_eerste[t − L] (history for t < L, L ≥ 1),
    so nareis is known before month t is computed.
    """
    T, B = m.T, m.B
    c = m.flow("ind_capaciteit")
    f = m.single("ind_min_werkvoorraad")
    pct = np.stack([m.yearly(f"inwilligingspercentage_{k}") for k in ASIEL_CATEGORIES], 1)
    ratio = m.yearly("nareis_ratio")
    L = m.single("nareis_vertraging_maanden").astype(np.int64)
    hist = m.single("ind_inwilligingen_eerste_historie") / 12.0
    cols = np.arange(B)

    i_k = np.zeros((T, 4, B))
    i_k[:, K_EERSTE], i_k[:, K_HERHAALD], i_k[:, K_HERVESTIGING] = e, h, r
    W_k = np.empty((T + 1, 4, B))
    W_k[0] = np.stack([m.single(f"ind_werkvoorraad_start_{k}") for k in ASIEL_CATEGORIES])
    a_k = np.empty((T, 4, B))
    inw_e = np.empty((T, B))
    for t in range(T):
        src = t - L
        lagged = np.where(src >= 0, inw_e[np.maximum(src, 0), cols], hist)
        i_k[t, K_NAREIS] = ratio[t] * lagged
        x = W_k[t] + i_k[t]  # W_k + i_k
        a = np.minimum(c[t], np.maximum(x.sum(axis=0) - f, 0.0))
        a_k[t] = split_afdoeningen(a, x)
        W_k[t + 1] = x - a_k[t]  # W_k[t+1] = W_k[t] + i_k[t] − a_k[t]
        inw_e[t] = pct[t, K_EERSTE] * a_k[t, K_EERSTE]

    inw_k = pct * a_k
    W = W_k.sum(axis=1)
    # BNTB: appeals on the stock above the legal term; they stay in the IND stock.
    termijn = m.single("beslistermijn_maanden")
    bntb = m.yearly("bntb_fractie") * np.maximum(0.0, W[:-1] - termijn * c)
    return IndResult(i_k, a_k, inw_k, a_k - inw_k, W, bntb, W_k)
