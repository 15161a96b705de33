"""xlwings Server (Office.js) for the MPP: the same ``MPP_*`` functions as
custom functions, and the refresh as a script. Optional (``pip install
.[server]``); licence: xlwings PRO under the PolyForm Noncommercial licence
(which permits use by government institutions) or a commercial xlwings
licence. The rest of mpp-xl stays BSD and never imports this module.

Start (development)::

    XLWINGS_ON_SERVER=true XLWINGS_LICENSE_KEY=noncommercial \\
        uvicorn udfs.server_app:app --host 127.0.0.1 --port 8000

The endpoints follow xlwings Server's conventions (``/xlwings/...``), so
the Office.js add-in of the official xlwings-server project (its manifest
and task pane) can talk to this backend; in production run the official
xlwings-server project and import this module's functions there (see
docs/udfs.md).

``/xlwings/custom-functions-code`` is served from this module: the xlwings
0.37.8 wheel lacks the JavaScript template that ``xlwings.server`` would
read, so :data:`CUSTOM_FUNCTIONS_BASE_JS` is the project's own client (it
posts Excel's call to ``/xlwings/custom-functions-call`` and returns the
result), followed by one ``CustomFunctions.associate`` per ``MPP_*``
function. ``/xlwings/mpp-callbacks.js`` registers the client callback that
lifts and restores sheet protection around the refresh's writes
(:data:`PROTECTION_CALLBACK`).

Several users share one process, so (docs/udfs.md, "Meerdere gebruikers"):
a call without a model argument uses the model of its own workbook session
(user, workbook name and the client's random ``X-MPP-Sessie`` token;
:mod:`udfs.server_calls`) or asks for the model cell; a request body over the
size limit gets 413 before parsing, and the work of every request runs in a
worker thread with a time limit (:mod:`udfs.server_http`); a malformed request
gets a Dutch 4xx; the book made for a refresh is always closed.

``XLWINGS_ON_SERVER=true`` must be set before xlwings is first imported: it
decides whether ``@xw.func`` registers custom functions. This module sets
the default itself, so importing it first is enough.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints'
# annotations (Request, Body) at runtime, and they are imported in create_app.
import contextvars
import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from collections.abc import Mapping  # noqa: E402
from typing import Any  # noqa: E402

import xlwings as xw  # noqa: E402

from mpp_xl.analysis import model_cache  # noqa: E402
from mpp_xl.core.problems import MppError  # noqa: E402
from mpp_xl.workbook.excel_book import XlwingsBook, refresh  # noqa: E402
from mpp_xl.workbook.refresh import (  # noqa: E402
    UNKNOWN_REQUEST_USER,
    Formula,
    as_text_input,
    current_user,
)
from mpp_xl.workbook.refresh import USER_HEADER as USER_HEADER  # noqa: E402, F401

from . import mpp_udfs, server_calls, server_http  # noqa: E402
from .server_calls import SESSION_HEADER as SESSION_HEADER  # noqa: E402, F401

if not hasattr(mpp_udfs.MPP_MODEL, "__xlfunc__"):  # xlwings was imported without the flag
    raise RuntimeError(
        "udfs.server_app needs XLWINGS_ON_SERVER=true before xlwings is imported; "
        "start the server with that environment variable set."
    )


#: Name of the client-side callback (registered by ``/xlwings/mpp-callbacks.js``)
#: that lifts (False) or restores (True) the protection of one sheet.
PROTECTION_CALLBACK = "mppBladBeveiliging"

#: The Logboek user when the request names nobody (the request header that
#: names the user is :data:`USER_HEADER`).
UNKNOWN_USER = UNKNOWN_REQUEST_USER


class ServerBook(XlwingsBook):
    """The refresh's Book on an xlwings Server book (``xw.Book(json=...)``).

    Writes are collected as actions that Office.js applies in order when the
    script returns; protection is lifted and restored by the client callback
    :data:`PROTECTION_CALLBACK` (``runMacro`` actions around the writes); the
    recalculation is Excel's own (``calculate`` action)."""

    def write(self, sheet: str, row: int, col: int, values: list[list[Any]]) -> None:
        """Blocks with a :class:`Formula` go to ``range.formulas`` (English function
        names and ``,`` whatever the user's language, as the refresh writes them);
        others to ``range.values``; text that Excel would read as a formula gets
        the quote prefix either way."""
        if not values:
            return
        if any(isinstance(v, Formula) for r in values for v in r):
            last = (row + len(values) - 1, col + len(values[0]) - 1)
            self.book.sheets[sheet].range((row, col), last).formula = [
                [as_text_input(v) for v in r] for r in values]
        else:
            super().write(sheet, row, col, values)

    def unprotect(self, sheet: str) -> object:
        self.book.app.macro(PROTECTION_CALLBACK)(sheet, False)
        return True  # the payload does not say; restoring protection is always right

    def protect(self, sheet: str, state: object) -> None:
        self.book.app.macro(PROTECTION_CALLBACK)(sheet, True)

    def calculate(self) -> None:
        self.book.app.calculate()


def request_user(headers: Mapping[str, str]) -> str:
    """The user for the Logboek from the request Office.js sent: the one user
    lookup of every refresh path (:func:`mpp_xl.workbook.refresh.current_user`)
    with the request's headers: the header :data:`USER_HEADER`, else the name in
    the bearer token, else "onbekend (Office.js)". Never the server's account."""
    return current_user(None, headers)


#: The Logboek user of the script call being served (set per request).
_REQUEST_USER: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mpp_request_user", default=None)


def _refresh_script(book: xw.Book, user: str | None) -> None:
    result = refresh(ServerBook(book), user=user)
    if result.n_errors:
        book.app.alert(
            f"De aannames bevatten {result.n_errors} fout(en); er is niets berekend. "
            "Zie het blad Validatie.", title="MPP vernieuwen")


@xw.script
def MPP_VERNIEUWEN(book: xw.Book) -> None:  # noqa: N802 - Excel-facing name
    """Vernieuwen: controleer de aannames, reken de keten door en werk de bladen
    Validatie, Vaststelling en Logboek bij."""
    # outside create_app's endpoint (e.g. imported into the xlwings-server project)
    # no request is known here: say so rather than log the server's account
    _refresh_script(book, _REQUEST_USER.get() or UNKNOWN_USER)


#: The scripts this app serves (``/xlwings/custom-scripts-call/<name>``).
SCRIPTS = ("MPP_VERNIEUWEN",)


#: The client of the custom functions (the project's own code): collects the
#: call as xlwings Server expects it and returns the result matrix.
CUSTOM_FUNCTIONS_BASE_JS = """\
// MPP custom functions: client for the xlwings Server endpoints of mpp-xl.
const mppXlwingsVersion = "@VERSION@";
const mppCallPath = "@CALL_PATH@";
let mppRuntime = "1.1";
let mppLanguage = "nl-NL";
let mppBookName = null;
// A random token per loaded runtime: the server keeps this workbook session's
// most recent model under it (never shared with other users). Without
// crypto.getRandomValues no token is sent and the model cell must be passed.
const mppSession = (function () {
  try {
    const bytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  } catch (e) {
    return null;
  }
})();

Office.onReady(function () {
  for (const v of ["1.4", "1.3", "1.2"]) {
    if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", v)) {
      mppRuntime = v;
      break;
    }
  }
  mppLanguage = Office.context.contentLanguage || mppLanguage;
});

async function mppWorkbookName() {
  if (mppBookName === null) {
    const context = new Excel.RequestContext();
    context.workbook.load("name");
    await context.sync();
    mppBookName = context.workbook.name;
  }
  return mppBookName;
}

function mppFail(message) {
  if (Office.context.requirements.isSetSupported("CustomFunctionsRuntime", "1.2")) {
    throw new CustomFunctions.Error(CustomFunctions.ErrorCode.invalidValue, message);
  }
  return [[message]];
}

async function base(funcName, isStreaming, ...rest) {
  await Office.onReady();
  const invocation = rest.pop();
  const book = await mppWorkbookName();
  const body = {
    func_name: funcName,
    args: rest,
    caller_address: `[${book}]${invocation.address}`,
    content_language: mppLanguage,
    version: mppXlwingsVersion,
    runtime: mppRuntime,
  };
  const headers = { "Content-Type": "application/json" };
  if (mppSession !== null) {
    headers["@SESSION_HEADER@"] = mppSession;
  }
  if (typeof globalThis.getAuth === "function") {
    headers["Authorization"] = await globalThis.getAuth();
  }
  let response;
  try {
    response = await fetch(window.location.origin + mppCallPath, {
      method: "POST", headers: headers, body: JSON.stringify(body),
    });
  } catch (error) {
    return mppFail(error.toString());
  }
  if (!response.ok) {  // the server's short Dutch message ({"detail": ...})
    const text = await response.text();
    let message = text;
    try {
      message = JSON.parse(text).detail || text;
    } catch (e) {
      // not JSON: show the text as it is
    }
    return mppFail(message);
  }
  return (await response.json()).result;
}
"""

#: Registers the protection callback with xlwings' Office.js client
#: (``xlwings.registerCallback``); the refresh's ``runMacro`` actions call it.
CALLBACKS_JS = """\
// MPP: lift or restore the protection of one sheet around the refresh's writes.
async function @NAME@(context, sheetName, protect) {
  const sheet = context.workbook.worksheets.getItem(sheetName);
  if (protect) {
    sheet.protection.protect({ allowFormatColumns: true, allowFormatRows: true });
  } else {
    sheet.protection.unprotect();
  }
  await context.sync();
}
xlwings.registerCallback(@NAME@);
""".replace("@NAME@", PROTECTION_CALLBACK)


def custom_functions_code(call_path: str = "/xlwings/custom-functions-call") -> str:
    """The JavaScript of the custom functions: the client and one stub per
    ``MPP_*`` function, associated with its id (as in the metadata)."""
    js = (CUSTOM_FUNCTIONS_BASE_JS.replace("@VERSION@", xw.__version__)
          .replace("@CALL_PATH@", call_path)
          .replace("@SESSION_HEADER@", server_calls.SESSION_HEADER))
    for name in sorted(mpp_udfs.CATALOGUE):
        fn = getattr(mpp_udfs, name)
        if not hasattr(fn, "__xlfunc__"):
            continue
        xl_name = fn.__xlfunc__["name"]
        js += (f"async function {xl_name}(...args) {{\n"
               f"  return await base(\"{xl_name}\", false, ...args);\n}}\n"
               f"CustomFunctions.associate(\"{xl_name.upper()}\", {xl_name});\n")
    return js


def _serve_call(body: bytes, headers: Mapping[str, str]) -> tuple[dict[str, Any],
                                                                   server_calls.Call, object]:
    """Parse, check and run one custom-function call (in a worker thread); a
    byte-identical repeat of an answered MPP_MODEL call whose model is still
    kept is answered from :func:`server_calls.known_model_call`."""
    known = server_calls.known_model_call(body, headers)
    if known is not None:
        return known
    data = server_calls.load_json(body)
    call = server_calls.prepare_call(data)
    session = server_calls.session_key(headers, server_calls.book_of(data.get("caller_address")))
    result = server_calls.run_call(call, session)
    server_calls.remember_model_call(body, data, call, result)
    return data, call, result


def _serve_script(script_name: str, body: bytes, headers: Mapping[str, str]) -> Any:
    """Parse, check and run one script call (in a worker thread); the book made
    for the request is always closed again."""
    import asyncio
    import sys

    from xlwings import server

    data = server_calls.load_json(body)
    server_calls.check_book(data)
    session = server_calls.session_key(headers, data["book"].get("name"))
    book = xw.Book(json=data)
    token = _REQUEST_USER.set(request_user(headers))
    try:
        with model_cache.use_session(session):
            asyncio.run(server.custom_scripts_call(sys.modules[__name__], script_name,
                                                   typehint_to_value={xw.Book: book}))
        return book.json()
    finally:
        _REQUEST_USER.reset(token)
        book.close()


def _script(name: str) -> Any:
    fn = globals().get(name)
    return fn if getattr(fn, "__xlscript__", None) is not None else None


def create_app() -> Any:
    """A FastAPI app with xlwings Server's custom-function and script endpoints
    (needs the ``server`` extra: fastapi, uvicorn), behind the request-size
    limit; the work of each call runs in a worker thread with a time limit
    (:mod:`udfs.server_http`)."""
    import logging

    import anyio
    from fastapi import FastAPI, Request
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import JSONResponse, PlainTextResponse
    from xlwings import server
    from xlwings.pro.udfs_officejs import convert

    log = logging.getLogger("udfs.server_app")
    api = FastAPI(title="MPP xlwings Server")
    limits: list[server_http.Limits] = []

    def limiter(kind: str) -> Any:
        if not limits:
            limits.append(server_http.Limits())
        return getattr(limits[0], kind)

    def error(status: int, message: str) -> Any:
        return JSONResponse({"detail": message}, status_code=status)

    async def guarded(what: str, work: Any) -> Any:
        """Await ``work``; malformed requests, time-outs and failures become
        short Dutch JSON answers (4xx/5xx) with one log line, no traceback."""
        try:
            with anyio.fail_after(server_http.TIMEOUT_S):  # reading the body included
                return await work
        except server_http.TooLarge:
            raise  # BodyLimit answers 413
        except server_calls.BadRequest as e:
            log.info("%s geweigerd (%s): %s", what, e.status, e.message)
            return error(e.status, e.message)
        except MppError as e:  # the book cannot be refreshed (e.g. a sheet missing)
            log.info("%s geweigerd (422): %s", what, e)
            return error(422, str(e))
        except (server_http.Timeout, TimeoutError):
            log.warning("%s duurde langer dan %g s", what, server_http.TIMEOUT_S)
            limit = f"{server_http.TIMEOUT_S:g}".replace(".", ",")
            return error(504, f"Het verzoek duurde langer dan {limit} s en is afgebroken; "
                              "probeer het later opnieuw.")
        except Exception as e:  # noqa: BLE001 - never a traceback to the client or log
            log.error("%s mislukt: %s: %s", what, type(e).__name__, e)
            return error(500, f"Interne fout ({type(e).__name__}); meld dit bij het "
                              "MPP-team.")

    @api.get("/xlwings/custom-functions-meta")
    async def custom_functions_meta() -> Any:
        return server.custom_functions_meta(mpp_udfs)

    @api.get("/xlwings/custom-functions-code")
    async def functions_code() -> Any:
        return PlainTextResponse(custom_functions_code(), media_type="text/javascript")

    @api.get("/xlwings/mpp-callbacks.js")
    async def callbacks_code() -> Any:
        return PlainTextResponse(CALLBACKS_JS, media_type="text/javascript")

    @api.post("/xlwings/custom-functions-call")
    async def custom_functions_call(request: Request) -> Any:
        async def work() -> Any:
            body = await request.body()
            data, call, ret = await server_http.run_limited(
                _serve_call, body, request.headers, limiter=limiter("calls"))
            data.setdefault("runtime", "1.1")
            return {"result": await convert(ret, call.ret_info, data)}

        return await guarded("Functie-aanroep", work())

    @api.get("/xlwings/custom-scripts-meta")
    async def custom_scripts_meta() -> Any:
        import sys

        return server.custom_scripts_meta(sys.modules[__name__])

    @api.post("/xlwings/custom-scripts-call/{script_name}")
    async def custom_scripts_call(script_name: str, request: Request) -> Any:
        if _script(script_name) is None:
            shown = script_name if len(script_name) <= 60 else script_name[:57] + "..."
            return error(404, f"Onbekend script '{shown}'; bekend: "
                              f"{', '.join(sorted(SCRIPTS))}.")

        async def work() -> Any:
            body = await request.body()
            return await server_http.run_limited(
                _serve_script, script_name, body, request.headers,
                limiter=limiter("scripts"))

        return await guarded(f"Script {script_name}", work())

    api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["*"])
    api.add_middleware(server_http.BodyLimit, max_bytes=server_http.MAX_BODY_BYTES)
    return api


def __getattr__(name: str) -> Any:
    # `uvicorn udfs.server_app:app` builds the app on first access only, so that
    # importing this module (tests, meta) does not need FastAPI.
    if name == "app":
        globals()["app"] = created = create_app()
        return created
    raise AttributeError(name)
