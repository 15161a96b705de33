"""The pure chain engine: numpy only, no Excel imports."""

from .chain import compute

__all__ = ["compute"]
