"""The one refresh of the master workbook, over a small :class:`Book` interface.

Every path runs :func:`refresh`:

* ``mpp ververs`` (and ``mpp vaststellen`` / ``mpp importeer-partner``) over a
  package on disk, :class:`mpp_xl.workbook.package_book.PackageBook`, which
  edits the sheet XML and stores the cached values of every formula;
* the refresh button in Windows Excel over classic xlwings
  (:class:`mpp_xl.workbook.excel_book.XlwingsBook`);
* the Office.js script ``MPP_VERNIEUWEN`` of the xlwings Server app
  (``udfs.server_app.ServerBook``).

The algorithm:

1. read every parameter sheet (one bulk read of the used range from A1 each);
   only the declared input table counts
   (:func:`mpp_xl.workbook.layout.rows_from_block`); error cells become their
   Dutch text, dates ISO text, as on every path;
2. validate and compute through :mod:`mpp_xl.analysis.model_cache` (one engine run per
   distinct assumptions; the result is also the current model of the
   ``MPP_*`` functions);
3. write the owned cells: Validatie (problem rows, counters, time),
   Vaststelling (current fingerprints, states, time; the sign-off columns only
   for sign-offs given to the refresh), a Logboek entry, Bijstelling and the
   backtest beside the inputs on Realisatie - with the protection of those
   sheets lifted and put back afterwards, also when a write fails;
4. ``book.calculate()``: Excel recalculates; the package book evaluates every
   formula and stores the results as cached values.

``refuse_errors`` (the command line): inputs with errors raise
:class:`ValidationError` before anything is written. Without it (Excel) the
errors are written to Validatie, so the user sees them in the workbook.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import getpass
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..analysis import model_cache
from ..analysis.monthly import run_monthly
from ..analysis.scenario_order import scenario_crossings
from ..analysis.sheet_content import (
    BIJ_DIFF_HEADERS,
    Layout,
    backtest_layout,
    bijstelling_layout,
)
from ..core.assumptions import Assumptions, Resolved, fingerprint
from ..core.problems import MppError, Problem, ValidationError
from ..core.registry import PARTNERS, SHEETS
from ..io.grid import clean_cell
from . import sensitivity_refresh as gevoeligheid
from . import sheets as S
from . import specs
from . import variants_refresh as varianten
from .layout import HEADER_ROW, table_width
from .reader import (
    ERROR_NL,
    WorkbookAssumptions,
    _places,
    _plain,
    realisaties_from_rows,
    rows_from_blocks,
    structure_problems,
)
from .reader import read_assumptions as read_file
from .xlsxio import split_ref

Block = list[list[Any]]

#: The sheets the refresh must find (and writes to).
REQUIRED_SHEETS: tuple[str, ...] = S.OWNED_SHEETS
#: The only sheets the refresh writes to (the analysis sheets when present).
OUTPUT_SHEETS: tuple[str, ...] = (*REQUIRED_SHEETS, S.BIJSTELLING, S.REALISATIE, S.VARIANTEN,
                                  S.GEVOELIGHEID)

#: Logboek actions of the refresh itself.
ACTION_REFRESH = "ververst"
ACTION_REFUSED = "verversen geweigerd"

#: The request header in which a task pane may name the user for the Logboek.
USER_HEADER = "X-MPP-Gebruiker"
#: The Logboek user of a server request that names nobody.
UNKNOWN_REQUEST_USER = "onbekend (Office.js)"
#: The Logboek user when the operating system names nobody either.
UNKNOWN_USER = "onbekend"

# Vaststelling columns (1-based) from the spec: the sign-off (Naam, Datum, Vingerafdruk bij
# vaststelling) and the refresh's own (Huidige vingerafdruk, Status, Toelichting).
_VS_NAME_COL = specs.column(specs.VASTSTELLING, "Naam")
_VS_SIGNED_COL = specs.column(specs.VASTSTELLING, "Vingerafdruk bij vaststelling")
_VS_CURRENT_COL = specs.column(specs.VASTSTELLING, "Huidige vingerafdruk")


class Formula(str):
    """A formula to write (with its leading '=', English function names, ','
    between arguments). Every other text is written as text, also when it
    starts with '=' (a name typed as '=HYPERLINK(...)' never becomes a formula)."""


#: The first characters that make Excel read typed (or COM/Office.js-assigned)
#: text as a formula; books prefix such text with Excel's quote prefix.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@")


def as_text_input(v: object) -> object:
    """``v`` as a live workbook must receive it: a :class:`Formula` as its
    text, a text that Excel would read as a formula with the quote prefix
    (``'``, which Excel shows and stores as text, not as part of the value)."""
    if isinstance(v, Formula):
        return str(v)
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


class Book(Protocol):
    """What the refresh needs from a workbook (bulk access only)."""

    def sheet_names(self) -> list[str]:
        """The names of all sheets, in order."""
        ...

    def read(self, sheet: str) -> Block:
        """All values from A1 to the last used cell as a 2-D list (formulas as
        their computed values, empty cells None, error cells as their text)."""
        ...

    def write(self, sheet: str, row: int, col: int, values: Block) -> None:
        """Write a rectangular 2-D block with its top-left cell at (row, col),
        1-based; None clears a cell; a :class:`Formula` is a formula, every
        other text is text."""
        ...

    def calculate(self) -> None:
        """Recalculate every formula in the workbook."""
        ...

    def unprotect(self, sheet: str) -> object:
        """Lift the sheet's protection; returns what :meth:`protect` needs to put
        it back as it was (None: the sheet was not protected)."""
        ...

    def protect(self, sheet: str, state: object) -> None:
        """Put back the protection that :meth:`unprotect` lifted."""
        ...

    def set_kinds(self, sheet: str, kinds: dict[tuple[int, int], str]) -> None:
        """The kind of each written analysis cell (a key of
        :data:`mpp_xl.workbook.specs.KINDS`: number format and style)."""
        ...

    def folder(self) -> Path | None:
        """The workbook's folder (Kader's vorige_mpp is relative to it), or None."""
        ...


@dataclass(frozen=True)
class SignOff:
    """A partner's sign-off as stored on Vaststelling."""

    partner: str
    name: str
    date: str
    fingerprint: str


@dataclass
class RefreshResult:
    """Outcome of one refresh (every path)."""

    n_errors: int
    n_warnings: int
    #: The overall state: vastgesteld or concept.
    state: str
    #: The model handle (``MPP 2024-2 · 1a2b3c4d``), or the failure handle.
    handle: str
    problems: list[Problem]
    #: Per partner: signed, valid, name, date, fingerprint, status, toelichting, current.
    partners: dict[str, dict[str, object]]
    #: Timings and counts of the package book (seconds, numbers of formulas).
    stats: dict[str, float] = field(default_factory=dict)
    #: Dutch warnings of the analysis sheets (Bijstelling, Realisatie).
    meldingen: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """The overall state (alias of :attr:`state`)."""
        return self.state


def clock() -> dt.datetime:
    """The time of a refresh (local time; tests replace this function)."""
    return dt.datetime.now()


# --- the user for the Logboek --------------------------------------------------------
def user_from_request(headers: Mapping[str, str]) -> str:
    """The user a server request names: the header :data:`USER_HEADER`, else
    the name in the bearer token (``Authorization``, as xlwings'
    ``runPython(url, {auth: token})`` sends it; read for the log only, not
    verified), else :data:`UNKNOWN_REQUEST_USER`. Never the server's account."""
    low = {k.lower(): v for k, v in headers.items()}
    named = (low.get(USER_HEADER.lower()) or "").strip()
    if named:
        return named[:100]
    auth = (low.get("authorization") or "").strip()
    token = auth.split()[-1] if auth else ""
    parts = token.split(".")
    if len(parts) == 3:
        try:
            pad = "=" * (-len(parts[1]) % 4)
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + pad))
        except (ValueError, TypeError):
            claims = {}
        if isinstance(claims, dict):
            for key in ("preferred_username", "upn", "email", "name", "sub"):
                v = claims.get(key)
                if isinstance(v, str) and v.strip():
                    return v.strip()[:100]
    return UNKNOWN_REQUEST_USER


def os_user() -> str:
    """The account running Python, or :data:`UNKNOWN_USER`."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except Exception:  # noqa: BLE001 - no user name in some containers
        return UNKNOWN_USER


def current_user(explicit: str | None = None,
                 headers: Mapping[str, str] | None = None) -> str:
    """The one user lookup for the Logboek: an explicit name, else (on a
    server, ``headers`` given) the user the request names, else the account
    running Python."""
    if explicit is not None and explicit.strip():
        return explicit.strip()[:100]
    if headers is not None:
        return user_from_request(headers)
    return os_user()


# --- reading ----------------------------------------------------------------------
def _norm(v: object) -> object:
    """One cell as every path sees it: blanks None, error values as the Dutch
    Excel shows them, dates as ISO text."""
    v = clean_cell(v)
    if isinstance(v, str):
        if v == "":
            return None
        code = v.strip().upper()
        if code.startswith("#") and code in ERROR_NL:
            return ERROR_NL[code]
    return _plain(v)


def read_grids(book: Book) -> dict[str, Block]:
    """The parameter sheets present in ``book``, each as its used range from A1."""
    names = set(book.sheet_names())
    return {s: [[_norm(v) for v in r] for r in book.read(s)] for s in SHEETS if s in names}


def assumptions_from_grids(grids: Mapping[str, Block], names: Sequence[str],
                           source: str) -> tuple[Assumptions | None, list[Problem]]:
    """The assumptions of the parameter sheets' input tables (each problem
    later names its sheet and cell), or None with the structure problems
    (a missing sheet, a sheet without the input table header)."""
    headers: dict[str, object] = {}
    for s, rows in grids.items():
        hdr = rows[HEADER_ROW - 1] if len(rows) >= HEADER_ROW else []
        a6 = hdr[0] if hdr else None
        headers[s] = a6.strip().lower() if isinstance(a6, str) else a6
    problems = structure_problems(names, headers)
    if problems:
        return None, problems
    blocks = {s: [list(r[:table_width(rows[HEADER_ROW - 1])]) for r in rows[HEADER_ROW - 1:]]
              for s, rows in grids.items()}
    return WorkbookAssumptions(rows_from_blocks(blocks), source=source,
                               places=_places(blocks)), []


def read_assumptions(book: Book) -> Assumptions:
    """The assumptions of every parameter sheet in ``book``; raises
    :class:`ValidationError` on structure problems."""
    a, problems = assumptions_from_grids(read_grids(book), book.sheet_names(), "werkmap")
    if a is None:
        raise ValidationError(problems)
    return a


@contextlib.contextmanager
def unprotected(book: Book, sheets: Sequence[str]) -> Iterator[None]:
    """Lift the protection of ``sheets`` for the duration of the block and put
    it back afterwards, also when a write fails. Books without protection
    support (``unprotect`` missing) are written as they are."""
    lift = getattr(book, "unprotect", None)
    states: list[tuple[str, object]] = []
    try:
        if lift is not None:
            for s in sheets:
                states.append((s, lift(s)))
        yield
    finally:
        for s, state in reversed(states):
            if state is not None:
                book.protect(s, state)


# --- sign-off states ---------------------------------------------------------------
def _text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def _get(block: Block, row: int, col: int) -> Any:
    if row - 1 < len(block) and col - 1 < len(block[row - 1]):
        return block[row - 1][col - 1]
    return None


def read_signoffs(rows: Block) -> dict[str, SignOff]:
    """The sign-offs on Vaststelling (columns B, C, D of each partner row)."""
    out: dict[str, SignOff] = {}
    for partner, r in S.VS_ROWS.items():
        fp = _text(_get(rows, r, _VS_SIGNED_COL))
        if fp:
            out[partner] = SignOff(partner, _text(_get(rows, r, 2)),
                                   _text(_get(rows, r, 3)), fp)
    return out


def partner_states(signoffs: Mapping[str, SignOff], current: Mapping[str, str] | None,
                   ) -> dict[str, dict[str, object]]:
    """Per partner: signed, valid, name, date, fingerprint (the signed one),
    status text and explanation. ``current`` is None when the inputs have errors."""
    out: dict[str, dict[str, object]] = {}
    for p in PARTNERS:
        so = signoffs.get(p)
        if so is None:
            status, note, valid = S.SIGN_NONE, "", False
        elif current is None:
            status, valid = S.SIGN_VOID, False
            note = "De aannames bevatten fouten; zie het blad Validatie."
        elif so.fingerprint == current.get(p):
            status, note, valid = S.SIGN_VALID, "", True
        else:
            status, valid = S.SIGN_VOID, False
            note = "De aannames zijn na de vaststelling gewijzigd; opnieuw vaststellen."
        out[p] = {"signed": so is not None, "valid": valid,
                  "name": so.name if so else None, "date": so.date if so else None,
                  "fingerprint": so.fingerprint if so else None,
                  "status": status, "toelichting": note,
                  "current": current.get(p) if current else None}
    return out


def overall_state(states: Mapping[str, Mapping[str, object]], n_errors: int) -> str:
    ok = n_errors == 0 and all(s["valid"] for s in states.values())
    return S.STATE_DONE if ok else S.STATE_DRAFT


# --- the owned cells ---------------------------------------------------------------
def _pad(rows: Block, n_rows: int, width: int) -> Block:
    """``rows`` followed by empty rows up to ``n_rows`` (clears old content)."""
    return rows + [[None] * width for _ in range(max(0, n_rows - len(rows)))]


def _write_cells(book: Book, sheet: str, values: dict[str, Any]) -> None:
    """Write single cells; cells stacked in one column go in one block."""
    pos = sorted((split_ref(ref), v) for ref, v in values.items())
    (r0, c0), _ = pos[0]
    if all(rc == (r0 + i, c0) for i, (rc, _) in enumerate(pos)):
        book.write(sheet, r0, c0, [[v] for _, v in pos])
        return
    for (r, c), v in pos:
        book.write(sheet, r, c, [[v]])


def write_validatie(book: Book, problems: Sequence[Problem], stamp: str) -> None:
    """The problem rows (:func:`mpp_xl.workbook.sheets.validatie_rows`), the
    counters (COUNTIF formulas over exactly the new rows) and the time of the
    check; old rows below are cleared."""
    old = book.read(S.VALIDATIE)
    first = specs.VALIDATIE.first_row
    rows = S.validatie_rows(problems)
    width = len(specs.VALIDATIE.columns)
    book.write(S.VALIDATIE, first, 1, _pad(rows, max(0, len(old) - first + 1), width))
    last = first + len(rows) - 1
    counters = {ref: Formula(f) for ref, f in specs.validatie_counters(first, last).items()}
    _write_cells(book, S.VALIDATIE, {**counters, S.VAL_CHECKED_CELL: stamp})


def write_vaststelling(book: Book, states: Mapping[str, Mapping[str, object]],
                       changed: Sequence[str], stamp: str) -> None:
    """Columns E:G (current fingerprint, status, explanation) of every partner
    row in one block and the refresh time; the sign-off columns B:D only for
    the partners in ``changed`` (a sign-off given to the refresh or removed).
    The status formula (B2) stays."""
    first = min(S.VS_ROWS.values())
    assert [S.VS_ROWS[p] for p in PARTNERS] == list(range(first, first + len(PARTNERS)))
    for p in changed:
        st = states[p]
        book.write(S.VASTSTELLING, S.VS_ROWS[p], _VS_NAME_COL,
                   [[st["name"], st["date"], st["fingerprint"]]])
    block = [[states[p]["current"], states[p]["status"], states[p]["toelichting"] or None]
             for p in PARTNERS]
    book.write(S.VASTSTELLING, first, _VS_CURRENT_COL, block)
    _write_cells(book, S.VASTSTELLING, {S.VS_REFRESHED_CELL: stamp})


def write_logboek(book: Book, entry: Sequence[object]) -> None:
    """Append ``entry`` (per LOG_HEADERS) below the last entry."""
    old = book.read(S.LOGBOEK)
    spec = specs.LOGBOEK
    row = spec.first_row
    for i in range(len(old) - 1, spec.header_row - 1, -1):
        if any(v not in (None, "") for v in old[i][:len(spec.columns)]):
            row = i + 2
            break
    book.write(S.LOGBOEK, row, 1, [list(entry)[:len(spec.columns)]])


def _write_layout(book: Book, sheet: str, layout: Layout, top: int, left: int,
                  width: int, fixed: dict[tuple[int, int], object] | None = None) -> None:
    """Write ``layout`` (counted from 0 at (top, left)) as one block, ``width``
    columns wide, down to the last new or old row (old content below is
    cleared); ``fixed`` cells (sheet coordinates) keep their given value. The
    cells' kinds through the book's ``set_kinds``."""
    old = book.read(sheet)
    last_old = 0
    for i in range(len(old) - 1, top - 2, -1):
        if any(v not in (None, "") for v in old[i][left - 1:left - 1 + width]):
            last_old = i + 1
            break
    placed = {(top + r, left + c): vk for (r, c), vk in layout.items()}
    last = max([r for r, _ in placed] + [r for r, _ in (fixed or {})] + [last_old, top])
    block: Block = [[None] * width for _ in range(last - top + 1)]
    for (r, c), v in (fixed or {}).items():
        block[r - top][c - left] = v
    for (r, c), (v, _kind) in placed.items():
        block[r - top][c - left] = v
    book.write(sheet, top, left, block)
    set_kinds = getattr(book, "set_kinds", None)
    if set_kinds is not None:
        set_kinds(sheet, {rc: k for rc, (_v, k) in placed.items()})


def _folder(book: Book) -> Path | None:
    folder = getattr(book, "folder", None)
    return folder() if callable(folder) else None


def write_analysis(book: Book, a: Assumptions, resolved: Resolved,
                   model: model_cache.Model) -> list[str]:
    """Bijstelling and the backtest on Realisatie (when the sheets exist) from the
    computed model; returns Dutch warnings. ``resolved``: this workbook's own
    values (a cached model may come from a workbook that differs in the meta
    parameters, such as vorige_mpp, which the fingerprint leaves out)."""
    names = set(book.sheet_names())
    notes: list[str] = []
    if S.BIJSTELLING in names:
        vorige = str(resolved.text.get("vorige_mpp", "") or "")
        lay, msgs = bijstelling_layout(vorige, _folder(book), read_file, a,
                                       model.forecast)
        _write_layout(book, S.BIJSTELLING, lay, S.BIJ_FIRST_ROW, 1,
                      max([c + 1 for _, c in lay] + [len(BIJ_DIFF_HEADERS)]))
        notes += [f"Bijstelling: {m}" for m in msgs]
    if S.REALISATIE in names:
        block = [[_norm(v) for v in r] for r in book.read(S.REALISATIE)]
        width = len(S.REAL_INPUT_HEADERS)  # reeks, jaar, waarde, bron, maand
        rows = [(list(r[:width]) + [None] * width)[:width]
                for r in block[S.REAL_FIRST_ROW - 1:]]
        summary, table, msgs = backtest_layout(lambda: realisaties_from_rows(rows),
                                               model.forecast, lambda: run_monthly(resolved))
        below = S.REAL_FIRST_ROW - S.REAL_SUMMARY_ROW  # the table starts below the summary
        lay = {(0, 0): summary, **{(below + r, c): v for (r, c), v in table.items()}}
        headers = {(S.REAL_HEADER_ROW, S.REAL_BT_COL + j): h
                   for j, h in enumerate(S.REAL_BT_HEADERS)}
        _write_layout(book, S.REALISATIE, lay, S.REAL_SUMMARY_ROW, S.REAL_BT_COL,
                      len(S.REAL_BT_HEADERS), headers)
        notes += [f"Realisatie: {m}" for m in msgs]
    return notes


# --- the refresh -------------------------------------------------------------------
def refresh(book: Book, *, now: dt.datetime | None = None, user: str | None = None,
            signoffs: Mapping[str, SignOff | None] | None = None,
            action: str = ACTION_REFRESH, note: str = "",
            refuse_errors: bool = False, source: str = "werkmap") -> RefreshResult:
    """Read, validate, compute, write the owned cells, recalculate (see the
    module docstring). ``user``: the Logboek user (default: the account
    running Python; servers pass the request's user); ``signoffs`` adds or
    removes (None) sign-offs before the states are computed; ``action`` and
    ``note``: the Logboek entry (default: "ververst" and a summary)."""
    stamp = (now or clock()).strftime("%Y-%m-%d %H:%M:%S")
    names = book.sheet_names()
    missing = [s for s in REQUIRED_SHEETS if s not in names]
    if missing:
        raise MppError(f"Deze werkmap mist het blad {', '.join(missing)}; bouw de werkmap "
                       "opnieuw met 'mpp bouw'.")
    if S.FINANCIEN not in names:  # Vaststelling has no row for FIN: never write past it
        raise MppError(f"Deze werkmap is gebouwd vóór de kostenraming (geen blad "
                       f"{S.FINANCIEN}); bouw hem opnieuw, de aannames blijven: mpp bouw "
                       "OUD.xlsm -o NIEUW.xlsm, daarna mpp ververs NIEUW.xlsm.")
    a, problems = assumptions_from_grids(read_grids(book), names, source)
    resolved: Resolved | None = None
    model: model_cache.Model | None = None
    handle = ""
    if a is not None:
        problems, resolved = a.check()
        problems = list(problems)
        entry = model_cache.model_from_assumptions(a)
        handle = entry.handle
        if isinstance(entry, model_cache.Model) and resolved is not None:
            model = entry
            # the results' scenario order: warnings, as MPP_VALIDATIE and mpp valideer give them
            problems += scenario_crossings(entry.forecast)
    variants = None  # the Varianten sheet, validated like a partner sheet
    if model is not None and resolved is not None and S.VARIANTEN in names:
        variants = varianten.check(book.read(S.VARIANTEN), resolved)
        problems += variants.problems
    n_err = sum(p.is_error for p in problems)
    if refuse_errors and (model is None or n_err):
        raise ValidationError(problems)

    so = read_signoffs(book.read(S.VASTSTELLING))
    for p, s in (signoffs or {}).items():
        if s is None:
            so.pop(p, None)
        else:
            so[p] = s
    current = None if model is None or resolved is None else \
        {p: fingerprint(resolved, p) for p in PARTNERS}
    states = partner_states(so, current)
    state = overall_state(states, n_err)
    n_warn = len(problems) - n_err
    if model is not None:
        fp = model.fingerprint[:16]
        log_note = note or f"{n_err} fouten, {n_warn} waarschuwingen; {handle}; status {state}."
        log_action = action
    else:
        fp = ""
        log_note = note or f"{n_err} fouten: niets berekend; zie het blad Validatie."
        log_action = ACTION_REFUSED if action == ACTION_REFRESH else action
    meldingen: list[str] = []
    with unprotected(book, [s for s in OUTPUT_SHEETS if s in names]):
        write_validatie(book, problems, stamp)
        write_vaststelling(book, states, [p for p in (signoffs or {}) if p in states], stamp)
        if model is not None and a is not None and resolved is not None:
            meldingen = write_analysis(book, a, resolved, model)
            if variants is not None:
                meldingen += varianten.write_results(book, variants, resolved,
                                                     model.fingerprint, _write_layout)
            if S.GEVOELIGHEID in names:
                meldingen += gevoeligheid.write_results(book, resolved, _write_layout)
        write_logboek(book, [stamp, log_action, current_user(user), fp, log_note])
    book.calculate()
    return RefreshResult(n_err, n_warn, state, handle, problems, states, {}, meldingen)
