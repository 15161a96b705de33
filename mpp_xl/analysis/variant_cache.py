"""The variants of the current workbook for ``MPP_VARIANT``.

The refresh (headless and the Excel button) runs the Varianten sheet's
variants with the model and stores the result here under the model's
fingerprint; ``MPP_VARIANT`` reads it. Kept beside
:mod:`mpp_xl.analysis.model_cache` (same lock discipline, bounded size) so the
model cache itself is unchanged: two workbooks with the same assumptions share
a model but the last refresh's variants win.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from ..io.grid import ArgError
from .variants import VariantResults

MAX_ENTRIES = 16

_lock = threading.RLock()
_results: OrderedDict[str, VariantResults] = OrderedDict()


def store(fingerprint: str, results: VariantResults) -> None:
    """Keep ``results`` as the variants of the model with ``fingerprint``."""
    with _lock:
        _results[fingerprint] = results
        _results.move_to_end(fingerprint)
        while len(_results) > MAX_ENTRIES:
            _results.popitem(last=False)


def clear() -> None:
    with _lock:
        _results.clear()


def get(fingerprint: str) -> VariantResults:
    """The variants of a model; a Dutch :class:`ArgError` when none were computed."""
    with _lock:
        found = _results.get(fingerprint)
    if found is None:
        raise ArgError("Geen varianten berekend voor dit model: vul het blad Varianten in en "
                       "klik op Vernieuwen (of mpp ververs).")
    return found
