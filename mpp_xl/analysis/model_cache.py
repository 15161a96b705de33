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

The most recent model (from ``MPP_MODEL`` or from a refresh) is remembered
*per session*, so that ``=MPP_COA_BEZETTING(2026;"medio")`` works without a
model argument. A session is one user's workbook: in the classic Excel (COM)
UDF server and the headless refresh one process serves one user, so the
default session :data:`LOCAL_SESSION` is used; the xlwings Server app sets the
session of each request with :func:`use_session` (a key from what the client
sends), or :data:`NO_SESSION` when the request carries no trustworthy identity:
then a call without a model argument gets a Dutch message to pass the model
cell, and no call makes its model anybody's "current" model.

The cache is per Python process and bounded: at most :data:`MAX_MODELS`
models and :data:`MAX_BYTES` bytes (estimated from each model's pickled size,
bands included), least recently used first out; models are keyed by content
(the fingerprint of the resolved assumptions), never by who asked.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import pickle
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
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
#: Estimated bytes of all models kept (``MPP_MODEL_CACHE_MB``, default 64 MB);
#: the most recent model is always kept, even when it alone is larger.
MAX_BYTES = int(float(os.environ.get("MPP_MODEL_CACHE_MB", "64")) * 1024 * 1024)
#: Raw-content keys kept (several raw layouts may map to one model).
MAX_RAW_KEYS = 64
#: Sessions whose current model is remembered (least recently used out).
MAX_SESSIONS = 1024

#: The session of a process that serves one user (COM UDF server, headless).
LOCAL_SESSION = "lokaal"
#: No trustworthy session: no current model is read or recorded.
NO_SESSION: None = None
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
    #: Estimated memory in bytes (pickled size of forecast, resolved and bands).
    nbytes: int = 0

    def years(self, reeks: str) -> list[int]:
        """The years reported for ``reeks`` (stocks per 1 jan incl. eindjaar + 1)."""
        return list(self.year_index[SERIES[reeks].is_stock])


@dataclass
class FailedModel(_Counts):
    """Assumptions with validation errors: nothing computed."""

    key: str
    handle: str
    problems: list[Problem]
    nbytes: int = 0

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
_sessions: OrderedDict[str, str] = OrderedDict()  # session -> key of its current model
_bytes = 0  # sum of the kept entries' nbytes
_UNSET = "\0unset"
_session: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mpp_model_session", default=_UNSET)
_default_session: list[str | None] = [LOCAL_SESSION]

#: Counters for tests and benchmarks: engine runs and raw-cache hits.
stats: dict[str, int] = {"engine_runs": 0, "raw_hits": 0, "fingerprint_hits": 0}


def _n_fouten(n: int) -> str:
    return "1 fout" if n == 1 else f"{n} fouten"


def clear() -> None:
    """Forget every model (tests; a fresh process starts empty)."""
    global _bytes
    with _lock:
        _models.clear()
        _by_handle.clear()
        _by_short.clear()
        _raw.clear()
        _sessions.clear()
        _bytes = 0
        for k in stats:
            stats[k] = 0


@contextlib.contextmanager
def use_session(session: str | None) -> Iterator[None]:
    """Run the calls inside with ``session`` as the session whose current model
    a call without a model argument uses (:data:`NO_SESSION`: none)."""
    token = _session.set(session)
    try:
        yield
    finally:
        _session.reset(token)


def session() -> str | None:
    """The session of the running call: the one set by :func:`use_session`, else
    the process default (:data:`LOCAL_SESSION` unless :func:`set_default_session`)."""
    s = _session.get()
    return _default_session[0] if s == _UNSET else s


def set_default_session(default: str | None) -> None:
    """The session of calls outside :func:`use_session`: :data:`LOCAL_SESSION`
    for a process that serves one user; :data:`NO_SESSION` on a server shared
    by several users (``udfs.mpp_udfs`` sets it under ``XLWINGS_ON_SERVER``)."""
    _default_session[0] = default


def _key(entry: Entry) -> str:
    return entry.fingerprint if isinstance(entry, Model) else entry.key


def _make_current(entry: Entry) -> None:
    s = session()
    if s is NO_SESSION:
        return
    _sessions[s] = _key(entry)
    _sessions.move_to_end(s)
    while len(_sessions) > MAX_SESSIONS:
        _sessions.popitem(last=False)


def _estimate_bytes(*parts: object) -> int:
    """Pickled size of ``parts`` in bytes (an estimate of their memory)."""
    try:
        return len(pickle.dumps(parts, protocol=5))
    except Exception:  # noqa: BLE001 - an unpicklable part: a rough fixed guess
        return 1 << 20


def memory() -> dict[str, int]:
    """What the cache holds: models, estimated bytes, raw keys, sessions."""
    with _lock:
        return {"models": len(_models), "bytes": _bytes, "raw_keys": len(_raw),
                "sessions": len(_sessions)}


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
    global _bytes
    if isinstance(entry, Model):
        entry.nbytes = _estimate_bytes(entry.forecast, entry.resolved)
    else:
        entry.nbytes = _estimate_bytes(entry.problems)
    old = _models.pop(key, None)
    if old is not None:
        _bytes -= old.nbytes
    _models[key] = entry
    _bytes += entry.nbytes
    _by_handle[entry.handle] = entry
    short = entry.fingerprint[:8] if isinstance(entry, Model) else entry.key
    _by_short[short] = entry
    _evict()


def _evict() -> None:
    """Drop least recently used models until both bounds hold (never the newest)."""
    global _bytes
    while len(_models) > MAX_MODELS or (_bytes > MAX_BYTES and len(_models) > 1):
        _, old = _models.popitem(last=False)
        _bytes -= old.nbytes
        _by_handle.pop(old.handle, None)
        old_short = old.fingerprint[:8] if isinstance(old, Model) else old.key
        if _by_short.get(old_short) is old:
            del _by_short[old_short]


def _entry_from_assumptions(a: Assumptions, fail_key: str) -> Entry:
    """Check and run ``a`` (outside the lock, so that other calls are served
    meanwhile) and keep the result; a model already kept is reused."""
    problems, resolved = a.check()
    if resolved is None:
        n = sum(p.is_error for p in problems)
        handle = (f"MPP-fout · {_n_fouten(n)} in de aannames: zie het blad Validatie "
                  f"of klik op Vernieuwen · {fail_key}")
        entry: Entry = FailedModel(fail_key, handle, list(problems))
        with _lock:
            _store(fail_key, entry)
        return entry
    fp = fingerprint(resolved)
    with _lock:
        hit = _models.get(fp)
        if isinstance(hit, Model):
            stats["fingerprint_hits"] += 1
            _models.move_to_end(fp)
            return hit
    model = _make_model(resolved, list(problems), fp)
    with _lock:
        stats["engine_runs"] += 1
        hit = _models.get(fp)
        if isinstance(hit, Model):  # another thread computed the same content meanwhile
            _models.move_to_end(fp)
            return hit
        _store(fp, model)
    return model


def model_from_blocks(blocks: Sequence[object],
                      parse: Callable[[Sequence[object]], list[Row]]) -> Entry:
    """The model for these parameter-sheet blocks (raw 2-D cell values incl.
    the header row), from the cache when the content is unchanged; ``parse``
    turns the blocks into input rows (the sheet layout's
    :func:`mpp_xl.workbook.layout.rows_from_sheet_blocks`), called only on a
    cache miss.

    Becomes the current model of the session. Raises :class:`ArgError` when
    no block holds a parameter table (raised by ``parse``).
    """
    blocks = [b.tolist() if type(b).__name__ == "ndarray" else b for b in blocks]  # type: ignore[union-attr]
    h = content_hash(blocks)
    with _lock:
        key = _raw.get(h)
        entry = _models.get(key) if key is not None else None
        if entry is not None:
            stats["raw_hits"] += 1
            _raw.move_to_end(h)
            _models.move_to_end(key)  # type: ignore[arg-type]
            _make_current(entry)
            return entry
    rows = parse(blocks)
    entry = _entry_from_assumptions(Assumptions(rows, source="MPP_MODEL"), h.hex()[:8])
    with _lock:
        _raw[h] = _key(entry)
        _raw.move_to_end(h)
        while len(_raw) > MAX_RAW_KEYS:
            _raw.popitem(last=False)
        _make_current(entry)
    return entry


def model_from_assumptions(a: Assumptions, make_current: bool = True) -> Entry:
    """The model for assumptions read elsewhere (the refresh button, the
    headless refresh); becomes the session's current model unless told otherwise."""
    key = hashlib.blake2b(repr(a.rows).encode(), digest_size=4).hexdigest()
    entry = _entry_from_assumptions(a, key)
    if make_current:
        with _lock:
            _make_current(entry)
    return entry


def touch(handle: str) -> bool:
    """Mark the kept model with this handle as used and make it the session's
    current model, as an unchanged ``MPP_MODEL`` call would; False when it is
    no longer kept (the caller then computes it again)."""
    with _lock:
        entry = _by_handle.get(handle)
        if entry is None or _models.get(_key(entry)) is not entry:
            return False
        stats["raw_hits"] += 1
        _models.move_to_end(_key(entry))
        _make_current(entry)
        return True


def is_kept(handle: str) -> bool:
    """Whether a model with this handle is in the cache."""
    entry = _by_handle.get(handle)
    return entry is not None and _models.get(_key(entry)) is entry


def current() -> Entry | None:
    """The session's most recent model (from MPP_MODEL or a refresh) while it
    is still in the cache, else None."""
    s = session()
    key = _sessions.get(s) if s is not NO_SESSION else None  # one dict read: no lock
    return _models.get(key) if key is not None else None


#: The message when a call without a model argument has no session (server).
NO_SESSION_MESSAGE = ("Geef de modelcel mee als laatste argument, bijvoorbeeld "
                      "=MPP_COA_BEZETTING(2026;\"medio\";$B$3): op de server is zonder "
                      "modelcel niet vast te stellen welk model van u is.")


def lookup(model: object) -> Entry:
    """The entry for a ``model`` argument (a handle text, or None for the
    session's current model). Raises :class:`ArgError` with a Dutch message
    when unknown, or when there is no session (:data:`NO_SESSION`)."""
    if model is None:
        s = session()
        if s is NO_SESSION:
            raise ArgError(NO_SESSION_MESSAGE)
        key = _sessions.get(s)  # plain dict reads: no lock, never waits for a model run
        entry = _models.get(key) if key is not None else None
        if entry is None:
            if key is not None:
                raise ArgError("Het laatst berekende model van deze werkmap is niet meer "
                               "in het geheugen; herbereken alles (Ctrl+Alt+F9) of klik "
                               "op Vernieuwen.")
            raise ArgError(
                "Nog geen model: zet =MPP_MODEL(...) met de parameterbladen in de werkmap, "
                "of klik op Vernieuwen."
            )
        return entry
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


#: Version of the Monte Carlo bands: raise it when :mod:`mpp_xl.analysis.uncertainty`
#: computes different numbers for the same assumptions, so that band values stored in
#: a workbook (see :func:`bands_key`) are recomputed.
BANDS_VERSION = "1"


def bands_key(model: Model) -> str:
    """What band values stored with a workbook were computed for: the model's
    fingerprint (all inputs, the Monte Carlo settings on Kader included) and
    :data:`BANDS_VERSION`."""
    return f"{model.fingerprint}#{BANDS_VERSION}"


def band_value(model: Model, reeks: str, jaar: int, percentile: float) -> float:
    """One Monte Carlo percentile (``percentile`` in percent) of ``reeks`` in
    ``jaar``, computed once per model and set of percentiles (outside the lock)."""
    if reeks not in model.forecast.data:  # a cost series without prices
        raise MppError(absent_message(reeks))
    with _lock:
        pcts = next((k for k in model.bands if percentile in k), None)
        if pcts is not None:
            result = model.bands[pcts]
        else:
            pcts = tuple(sorted({*STANDARD_PERCENTILES, percentile,
                                 *(p for k in model.bands for p in k)}))
    if pcts not in model.bands:
        result = _compute_bands(model.resolved, pcts)
        with _lock:
            model.bands = {pcts: result}
            _resize(model)
    return _band_lookup(result, pcts, model, reeks, jaar, percentile)


def _resize(model: Model) -> None:
    """Re-estimate a kept model's bytes after its bands changed; evict if needed."""
    global _bytes
    if _models.get(model.fingerprint) is not model:
        return
    _models.move_to_end(model.fingerprint)  # in use: the last to go
    new = _estimate_bytes(model.forecast, model.resolved, model.bands)
    _bytes += new - model.nbytes
    model.nbytes = new
    _evict()


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
