"""One request of the xlwings Server app, checked and prepared off the event loop.

The app (``udfs/server_app.py``) hands the raw request body to the functions
here, which run in a worker thread:

- :func:`load_json` and :func:`prepare_call` / :func:`check_book` refuse a
  malformed request with :class:`BadRequest` (a 4xx status and a short Dutch
  message), never with a traceback;
- :func:`prepare_call` converts the custom function's arguments itself, the way
  xlwings' Office.js engine does for the options the ``MPP_*`` functions use
  (``err_to_str`` on every argument, ``ndim=2`` for the ranges of
  ``MPP_MODEL``): an empty cell (``""`` or ``null``) becomes ``None``, an error
  cell ``{"type": "Error", "basicValue": "#N/A", ...}`` its text ``"#N/A"``,
  another data type its ``basicValue``. xlwings 0.37.8 instead calls
  ``xlwings.utils.is_jsnull`` per cell, which tries ``from pyodide.ffi import
  JsNull`` and fails outside Pyodide: a failing import per cell, about 200 ms
  for the master's ~7,000 cells of one ``MPP_MODEL`` call;
- :func:`session_key` names the workbook session whose "current model" a call
  without a model argument may use (:mod:`mpp_xl.analysis.model_cache`);
- :func:`known_model_call` answers a byte-identical repeat of an answered
  ``MPP_MODEL`` request (Excel recalculating an unchanged model cell) without
  parsing it again, as long as its model is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mpp_xl.analysis import model_cache
from mpp_xl.workbook.refresh import current_user

from . import mpp_udfs

#: The request header with the client's random session token (made once per
#: loaded custom-functions runtime by the served JavaScript).
SESSION_HEADER = "X-MPP-Sessie"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
_BOOK = re.compile(r"\[(.*)\]")


class BadRequest(Exception):
    """A malformed request: ``status`` (4xx) and a short Dutch ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def load_json(body: bytes) -> dict[str, Any]:
    """The request body as a non-empty JSON object, else :class:`BadRequest`."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "Het verzoek is geen geldige JSON.") from None
    except RecursionError:
        raise BadRequest(400, "Het verzoek is te diep genest.") from None
    if not isinstance(data, dict) or not data:
        raise BadRequest(400, "Het verzoek is leeg of geen JSON-object.")
    return data


def session_key(headers: Mapping[str, str], book: str | None) -> str | None:
    """The session of a request: its user (:func:`current_user` of the headers),
    the workbook's name and the client's random token in :data:`SESSION_HEADER`.
    Without a well-formed token there is no trustworthy session:
    :data:`model_cache.NO_SESSION` (a workbook's name alone is shared by every
    user who opened a copy of the same master)."""
    token = (headers.get(SESSION_HEADER) or "").strip()
    if not _TOKEN.fullmatch(token):
        return model_cache.NO_SESSION
    who = current_user(None, headers)
    raw = "\0".join((who, book or "", token)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def book_of(caller_address: object) -> str | None:
    """The workbook's name from ``"[book.xlsx]Sheet!B2"``, else None."""
    if isinstance(caller_address, str) and (m := _BOOK.match(caller_address)):
        return m.group(1)
    return None


# --- arguments ---------------------------------------------------------------------
def _cell(v: object) -> object:
    """One Office.js cell value as the function receives it (err_to_str)."""
    if v is None or v == "":
        return None
    if type(v) is dict:
        if v.get("type") == "Error":
            return v.get("basicValue", "#VALUE!")
        return v.get("basicValue")
    return v


def _block(v: object) -> list[list[object]]:
    """A 2-D block of cleaned cells from a range, a row or a single value."""
    if not isinstance(v, list):
        return [[_cell(v)]]
    rows = v if all(isinstance(r, list) for r in v) else [v]
    return [[c if type(c) is float or type(c) is int else _cell(c) for c in r]  # noqa: E721
            for r in rows]


def _to_scalar(arg: object) -> object:
    """xlwings' ``to_scalar``: ``[[x]]`` and ``[x]`` become ``x``."""
    if isinstance(arg, list) and len(arg) == 1:
        inner = arg[0]
        return inner[0] if isinstance(inner, list) and len(inner) == 1 else inner
    return arg


def _argument(arg: object, info: dict[str, Any]) -> object:
    arg = _to_scalar(arg)
    if arg is None:
        return info.get("optional")
    if info["options"].get("ndim") == 2:
        return _block(arg)
    if isinstance(arg, list):
        return _block(arg)  # a range where one value belongs: the function says so
    return _cell(arg)


@dataclass
class Call:
    """A checked custom-function call: the function and its arguments."""

    name: str
    function: Callable[..., Any]
    args: list[object]
    ret_info: dict[str, Any]


def prepare_call(data: dict[str, Any]) -> Call:
    """Check a custom-function request and convert its arguments.

    Raises :class:`BadRequest`: 400 without a text ``func_name`` or with
    ``args`` that is not a list, 404 for a name that is no ``MPP_*`` function."""
    name = data.get("func_name")
    if name is None:
        raise BadRequest(400, "Het verzoek mist 'func_name' (de naam van de functie).")
    if not isinstance(name, str):
        raise BadRequest(400, "'func_name' moet de naam van een functie zijn (tekst).")
    fn = mpp_udfs.CATALOGUE.get(name)
    info = getattr(fn, "__xlfunc__", None)
    if fn is None or info is None:
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise BadRequest(404, f"Onbekende functie '{shown}'; de MPP-functies beginnen met "
                              "MPP_ (zie =MPP_REEKSEN()). Laad de invoegtoepassing opnieuw.")
    raw = data.get("args", [])
    if not isinstance(raw, list):
        raise BadRequest(400, "'args' moet een lijst met argumenten zijn.")
    infos = info["args"]
    args: list[object] = []
    for i, arg in enumerate(raw):
        arg_info = infos[min(i, len(infos) - 1)] if infos else {"options": {}}
        if arg_info.get("vararg"):  # a repeating parameter: the list of its ranges
            for a in (arg if isinstance(arg, list) else [arg]):
                args.append(_argument(a, arg_info))
        else:
            args.append(_argument(arg, arg_info))
    return Call(name, fn, args, info["ret"])


def run_call(call: Call, session: str | None) -> object:
    """Run ``call`` with ``session`` as the model session (in a worker thread)."""
    with model_cache.use_session(session):
        return call.function(*call.args)


# --- unchanged MPP_MODEL requests ---------------------------------------------------
#: Request bodies of MPP_MODEL calls already answered (BLAKE2b of the body ->
#: the model's handle, the workbook's name, the runtime); the same bytes ask
#: for the same content, so such a call skips JSON, conversion and hashing.
MAX_KNOWN_BODIES = 256
_known: OrderedDict[bytes, tuple[str, str | None, str]] = OrderedDict()
_known_lock = threading.Lock()


def _body_key(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def known_model_call(body: bytes, headers: Mapping[str, str]) -> tuple[dict[str, Any],
                                                                      Call, str] | None:
    """A byte-identical repeat of an answered ``MPP_MODEL`` request whose model
    is still kept: (request data for the answer, the call, the handle), with
    the model made current in this request's session; else None."""
    key = _body_key(body)
    with _known_lock:
        hit = _known.get(key)
    if hit is None:
        return None
    handle, book, runtime = hit
    with model_cache.use_session(session_key(headers, book)):
        if not model_cache.touch(handle):
            with _known_lock:
                _known.pop(key, None)
            return None
    fn = mpp_udfs.CATALOGUE["MPP_MODEL"]
    return {"runtime": runtime}, Call("MPP_MODEL", fn, [], fn.__xlfunc__["ret"]), handle


def remember_model_call(body: bytes, data: dict[str, Any], call: Call, result: object) -> None:
    """Keep an answered ``MPP_MODEL`` request for :func:`known_model_call`."""
    if call.name != "MPP_MODEL" or not isinstance(result, str):
        return
    if not model_cache.is_kept(result):
        return
    runtime = data.get("runtime", "1.1")
    with _known_lock:
        _known[_body_key(body)] = (result, book_of(data.get("caller_address")),
                                   runtime if isinstance(runtime, str) else "1.1")
        while len(_known) > MAX_KNOWN_BODIES:
            _known.popitem(last=False)


# --- the refresh script's book -------------------------------------------------------
def check_book(data: dict[str, Any]) -> None:
    """A script request must carry a book with at least one sheet (``sheets``:
    a list of ``{"name": text, "values": rows}``); else :class:`BadRequest`."""
    sheets = data.get("sheets")
    if not isinstance(data.get("book"), dict):
        raise BadRequest(400, "Het verzoek mist de werkmap ('book').")
    if not isinstance(sheets, list) or not sheets:
        raise BadRequest(400, "Het verzoek bevat geen werkbladen ('sheets').")
    for i, sh in enumerate(sheets):
        if (not isinstance(sh, dict) or not isinstance(sh.get("name"), str)
                or not isinstance(sh.get("values"), list)
                or not all(isinstance(r, list) for r in sh["values"])):
            raise BadRequest(400, f"Werkblad {i + 1} in het verzoek heeft geen naam of "
                                  "geen waarden.")
    data.setdefault("client", "Office.js")
    data.setdefault("version", "")
    data.setdefault("names", [])
