"""Building blocks of the chain (docs/model.md, "Bouwstenen").

Arrays are time-major: flows have shape (T, B) with T months and B the batch
(scenarios or Monte Carlo draws); stocks have shape (T+1, B), row t being the
stock at the start of month t. The loops run over months only, never over
the batch.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class QueueResult(NamedTuple):
    afdoeningen: np.ndarray  # (T, B) aantal per maand
    voorraad: np.ndarray  # (T+1, B) aantal aan het begin van elke maand


def queue(
    instroom: np.ndarray, capaciteit: np.ndarray, vloer: np.ndarray, start: np.ndarray
) -> QueueResult:
    """Werkvoorraad queue.

    a[t] = min(c[t], max(0, W[t] + i[t] − f));  W[t+1] = W[t] + i[t] − a[t].

    instroom, capaciteit: (T, B) aantal per maand; vloer, start: (B,) aantal.
    """
    T, B = instroom.shape
    W = np.empty((T + 1, B))
    a = np.empty((T, B))
    W[0] = start
    for t in range(T):
        x = W[t] + instroom[t]  # werkbaar: stock plus this month's inflow
        np.minimum(capaciteit[t], np.maximum(x - vloer, 0.0), out=a[t])
        np.subtract(x, a[t], out=W[t + 1])  # W[t+1] = W[t] + i[t] − a[t]
    return QueueResult(a, W)


def split_afdoeningen(a: np.ndarray, werkbaar_k: np.ndarray) -> np.ndarray:
    """Multi-category share: a_k = a · (W_k + i_k) / V, 0 where V = 0.

    a: (B,) total afdoeningen; werkbaar_k: (K, B) = W_k + i_k.
    """
    V = werkbaar_k.sum(axis=0)
    share = np.divide(a, V, out=np.zeros_like(a), where=V > 0)
    return werkbaar_k * share


def multi_queue(
    instroom_k: np.ndarray, capaciteit: np.ndarray, vloer: np.ndarray, start_k: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-category queue with exogenous inflows.

    instroom_k: (T, K, B); capaciteit: (T, B); vloer: (B,); start_k: (K, B).
    Returns (afdoeningen_k (T, K, B), voorraad_k (T+1, K, B)).
    The IND asylum queue, whose nareis inflow feeds back, steps the same
    formulas itself (engine.ind).
    """
    T, K, B = instroom_k.shape
    W = np.empty((T + 1, K, B))
    a = np.empty((T, K, B))
    W[0] = start_k
    for t in range(T):
        x = W[t] + instroom_k[t]
        tot = np.minimum(capaciteit[t], np.maximum(x.sum(axis=0) - vloer, 0.0))
        a[t] = split_afdoeningen(tot, x)
        W[t + 1] = x - a[t]
    return a, W


class PoolResult(NamedTuple):
    uitstroom: np.ndarray  # (T, B) aantal per maand
    voorraad: np.ndarray  # (T+1, B)


def pool(instroom: np.ndarray, fractie: np.ndarray, start: np.ndarray) -> PoolResult:
    """First-order stock: o[t] = r[t] · P[t];  P[t+1] = P[t] + i[t] − o[t].

    instroom: (T, B) aantal per maand; fractie: (T, B) per maand; start: (B,).
    """
    T, B = instroom.shape
    P = np.empty((T + 1, B))
    o = np.empty((T, B))
    P[0] = start
    for t in range(T):
        np.multiply(fractie[t], P[t], out=o[t])
        P[t + 1] = P[t] + instroom[t] - o[t]
    return PoolResult(o, P)


def lag(x: np.ndarray, months: np.ndarray, historie: np.ndarray) -> np.ndarray:
    """x_L[t] = x[t − L] for t ≥ L, else the history value.

    x: (T, B); months: (B,) whole months L ≥ 0 (may differ per batch row);
    historie: (B,) aantal per maand used for t < L.
    """
    T, B = x.shape
    L = np.asarray(months, dtype=np.int64)
    t = np.arange(T)[:, None]
    src = t - L[None, :]
    cols = np.broadcast_to(np.arange(B), (T, B))
    out = x[np.clip(src, 0, None), cols]
    return np.where(src >= 0, out, historie[None, :])
