"""The engine behind the ``MPP_*`` functions: one run per distinct set of
assumptions, kept in a small in-process cache.

``MPP_MODEL(range1; range2; ...)`` hands the parameter-sheet blocks to
:func:`model_from_blocks`. The cache has two levels:

1. a content hash of the raw cell values (fast path: an unchanged call costs
   one pickle + BLAKE2 of the values, no parsing);
2. the fingerprint of the resolved assumptions (a changed layout or a
   retyped-but-equal value parses again but does not run the engine again).

Each model is identified in Excel by a short handle text
``MPP <mpp_versie> · <first 8 hex of the fingerprint>``; the series functions
receive that text as their ``model`` argument. Assumptions with validation
errors give a :class:`FailedModel` whose handle is a Dutch message; series
functions given that handle answer with a Dutch message instead of a number.

The most recent model (from ``MPP_MODEL`` or from a refresh) is remembered, so
that ``=MPP_COA_BEZETTING(2026;"medio")`` works without a model argument.
The cache is per Python process (the xlwings UDF server, the xlwings Server
worker or the headless refresh) and bounded (LRU).
"""

from __future__ import annotations

import hashlib
import pickle
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.assumptions import Assumptions, Resolved, Row, fingerprint
from ..core.problems import MppError, Problem
from ..core.series import SERIES, absent_message
from ..io.grid import ArgError
from .forecast import Forecast, run_resolved
from .scenario_order import scenario_crossings

#: Models kept (distinct fingerprints); older ones are evicted (LRU).
MAX_MODELS = 16
#: Raw-content keys kept (several raw layouts may map to one model).
MAX_RAW_KEYS = 64
#: Percentiles always computed for MPP_BAND (the MPP's band and the median).
STANDARD_PERCENTILES: tuple[float, ...] = (12.5, 50.0, 67.0, 87.5)

_HEX8 = re.compile(r"([0-9a-f]{8})\s*$")


class _Counts:
    """Error and warning counts of a model's validation problems."""

    problems: list[Problem]

    @property
    def n_errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def n_warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)


@dataclass
class Model(_Counts):
    """A computed forecast and what the functions need to slice it fast."""

    fingerprint: str
    handle: str
    forecast: Forecast
    resolved: Resolved
    problems: list[Problem]
    #: is_stock -> {jaar: column}; flows end at eindjaar, stocks at eindjaar + 1.
    year_index: dict[bool, dict[int, int]]
    scenario_index: dict[str, int]
    #: percentiles -> result of ``uncertainty.bands`` (filled on demand).
    bands: dict[tuple[float, ...], Any] = field(default_factory=dict)

    def years(self, reeks: str) -> list[int]:
        """The years reported for ``reeks`` (stocks per 1 jan incl. eindjaar + 1)."""
        return list(self.year_index[SERIES[reeks].is_stock])


@dataclass
class FailedModel(_Counts):
    """Assumptions with validation errors: nothing computed."""

    key: str
    handle: str
    problems: list[Problem]

    def message(self) -> str:
        """The Dutch message for cells that depend on this model."""
        return (f"Geen uitkomst: de aannames bevatten {_n_fouten(self.n_errors)}; "
                "zie het blad Validatie of klik op Vernieuwen.")


Entry = Model | FailedModel

_lock = threading.RLock()
_models: OrderedDict[str, Entry] = OrderedDict()  # fingerprint / failed key -> entry
_by_handle: dict[str, Entry] = {}
_by_short: dict[str, Entry] = {}
_raw: OrderedDict[bytes, str] = OrderedDict()  # raw content hash -> fingerprint / key
_current: Entry | None = None

#: Counters for tests and benchmarks: engine runs and raw-cache hits.
stats: dict[str, int] = {"engine_runs": 0, "raw_hits": 0, "fingerprint_hits": 0}


def _n_fouten(n: int) -> str:
    return "1 fout" if n == 1 else f"{n} fouten"


def clear() -> None:
    """Forget every model (tests; a fresh process starts empty)."""
    global _current
    with _lock:
        _models.clear()
        _by_handle.clear()
        _by_short.clear()
        _raw.clear()
        _current = None
        for k in stats:
            stats[k] = 0


def content_hash(blocks: Sequence[object]) -> bytes:
    """BLAKE2b-128 of the raw argument values (type-exact: 2026 and 2026.0 differ,
    which only costs a re-parse, never a wrong hit)."""
    try:
        data = pickle.dumps(blocks, protocol=5)
    except Exception:  # unpicklable exotic cell objects
        data = repr(blocks).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).digest()


def _handle(versie: str, fp: str) -> str:
    versie = versie.strip()
    return f"MPP {versie} · {fp[:8]}" if versie else f"MPP · {fp[:8]}"


def _make_model(resolved: Resolved, problems: list[Problem], fp: str) -> Model:
    fc = run_resolved(resolved)
    stats["engine_runs"] += 1
    problems = [*problems, *scenario_crossings(fc)]  # results' scenario order: warnings
    fc.problems = list(problems)
    fc.fingerprint = fp
    start, end = fc.startjaar, fc.eindjaar
    year_index = {
        False: {y: y - start for y in range(start, end + 1)},
        True: {y: y - start for y in range(start, end + 2)},
    }
    scen = {s: i for i, s in enumerate(fc.scenarios)}
    return Model(fp, _handle(fc.text.get("mpp_versie", ""), fp), fc, resolved,
                 list(problems), year_index, scen)


def _store(key: str, entry: Entry) -> None:
    _models[key] = entry
    _models.move_to_end(key)
    _by_handle[entry.handle] = entry
    short = entry.fingerprint[:8] if isinstance(entry, Model) else entry.key
    _by_short[short] = entry
    while len(_models) > MAX_MODELS:
        _, old = _models.popitem(last=False)
        _by_handle.pop(old.handle, None)
        old_short = old.fingerprint[:8] if isinstance(old, Model) else old.key
        if _by_short.get(old_short) is old:
            del _by_short[old_short]


def _entry_from_assumptions(a: Assumptions, fail_key: str) -> Entry:
    problems, resolved = a.check()
    if resolved is None:
        n = sum(p.is_error for p in problems)
        handle = (f"MPP-fout · {_n_fouten(n)} in de aannames: zie het blad Validatie "
                  f"of klik op Vernieuwen · {fail_key}")
        entry: Entry = FailedModel(fail_key, handle, list(problems))
        _store(fail_key, entry)
        return entry
    fp = fingerprint(resolved)
    hit = _models.get(fp)
    if isinstance(hit, Model):
        stats["fingerprint_hits"] += 1
        _models.move_to_end(fp)
        return hit
    model = _make_model(resolved, list(problems), fp)
    _store(fp, model)
    return model


def model_from_blocks(blocks: Sequence[object],
                      parse: Callable[[Sequence[object]], list[Row]]) -> Entry:
    """The model for these parameter-sheet blocks (raw 2-D cell values incl.
    the header row), from the cache when the content is unchanged; ``parse``
    turns the blocks into input rows (the sheet layout's
    :func:`mpp_xl.workbook.layout.rows_from_sheet_blocks`), called only on a
    cache miss.

    Becomes the current model. Raises :class:`ArgError` when no block holds
    a parameter table (raised by ``parse``).
    """
    global _current
    blocks = [b.tolist() if type(b).__name__ == "ndarray" else b for b in blocks]  # type: ignore[union-attr]
    h = content_hash(blocks)
    with _lock:
        key = _raw.get(h)
        if key is not None:
            entry = _models.get(key)
            if entry is not None:
                stats["raw_hits"] += 1
                _raw.move_to_end(h)
                _models.move_to_end(key)
                _current = entry
                return entry
        rows = parse(blocks)
        entry = _entry_from_assumptions(Assumptions(rows, source="MPP_MODEL"), h.hex()[:8])
        _raw[h] = entry.fingerprint if isinstance(entry, Model) else entry.key
        _raw.move_to_end(h)
        while len(_raw) > MAX_RAW_KEYS:
            _raw.popitem(last=False)
        _current = entry
        return entry


def model_from_assumptions(a: Assumptions, make_current: bool = True) -> Entry:
    """The model for assumptions read elsewhere (the refresh button, the
    headless refresh); becomes the current model unless told otherwise."""
    global _current
    with _lock:
        key = hashlib.blake2b(repr(a.rows).encode(), digest_size=4).hexdigest()
        entry = _entry_from_assumptions(a, key)
        if make_current:
            _current = entry
        return entry


def current() -> Entry | None:
    """The most recent model (from MPP_MODEL or a refresh), or None."""
    return _current


def lookup(model: object) -> Entry:
    """The entry for a ``model`` argument (a handle text, or None for the
    current model). Raises :class:`ArgError` with a Dutch message when unknown."""
    if model is None:
        if _current is None:
            raise ArgError(
                "Nog geen model: zet =MPP_MODEL(...) met de parameterbladen in de werkmap, "
                "of klik op Vernieuwen."
            )
        return _current
    if isinstance(model, str):
        entry = _by_handle.get(model)
        if entry is not None:
            return entry
        m = _HEX8.search(model.strip())
        if m is not None:
            entry = _by_short.get(m.group(1))
            if entry is not None:
                return entry
            raise ArgError(
                f"Model '{model}' is niet (meer) in het geheugen; herbereken alles "
                "(Ctrl+Alt+F9) of klik op Vernieuwen."
            )
    raise ArgError(
        f"'{model}' is geen model; verwijs naar de cel met =MPP_MODEL(...) of laat het "
        "argument leeg."
    )


def get(model: object) -> Model:
    """Like :func:`lookup` but requires a computed model; a failed model gives
    its Dutch message (number of errors, where to look)."""
    entry = lookup(model)
    if isinstance(entry, FailedModel):
        raise ArgError(entry.message())
    return entry


def band_value(model: Model, reeks: str, jaar: int, percentile: float) -> float:
    """One Monte Carlo percentile (``percentile`` in percent) of ``reeks`` in
    ``jaar``, computed once per model and set of percentiles."""
    if reeks not in model.forecast.data:  # a cost series without prices
        raise MppError(absent_message(reeks))
    with _lock:
        pcts = next((k for k in model.bands if percentile in k), None)
        if pcts is None:
            pcts = tuple(sorted({*STANDARD_PERCENTILES, percentile,
                                 *(p for k in model.bands for p in k)}))
            model.bands = {pcts: _compute_bands(model.resolved, pcts)}
        result = model.bands[pcts]
    return _band_lookup(result, pcts, model, reeks, jaar, percentile)


def _compute_bands(resolved: Resolved, pcts: tuple[float, ...]) -> Any:
    """Monte Carlo bands with the Kader settings (mc_trekkingen, mc_zaad,
    mc_correlatie_jaren) via :func:`mpp_xl.analysis.uncertainty.simulate`."""
    try:
        from .uncertainty import simulate  # lazily: scipy only for MPP_BAND
    except ImportError as e:
        raise ArgError(
            "MPP_BAND is niet beschikbaar: de Monte-Carloberekening "
            "(mpp_xl.analysis.uncertainty) ontbreekt in deze installatie."
        ) from e
    return simulate(resolved, percentiles=list(pcts))


def _band_lookup(result: Any, pcts: tuple[float, ...], model: Model, reeks: str,
                 jaar: int, percentile: float) -> float:
    """One value from :class:`mpp_xl.analysis.uncertainty.Bands` (its ``value``)."""
    return float(result.value(reeks, jaar, percentile))
