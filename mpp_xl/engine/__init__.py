"""The pure chain engine: numpy only, no Excel imports."""

from .chain import DETAIL_KEYS, compute, compute_monthly

__all__ = ["DETAIL_KEYS", "compute", "compute_monthly"]
