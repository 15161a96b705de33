"""xlwings Server (Office.js) for the MPP: the same ``MPP_*`` functions as
custom functions, and the refresh as a script. Optional (``pip install
.[server]``); licence: xlwings PRO under the PolyForm Noncommercial licence
(which permits use by government institutions) or a commercial xlwings
licence. The rest of mpp-xl stays BSD and never imports this module.

Start (development)::

    XLWINGS_ON_SERVER=true XLWINGS_LICENSE_KEY=noncommercial \\
        uvicorn udfs.server_app:app --host 127.0.0.1 --port 8000

The endpoints follow xlwings Server's conventions (``/xlwings/...``), so
the Office.js add-in of the official xlwings-server project (its manifest,
task pane and ``custom-functions-code``) can talk to this backend; in
production run the official xlwings-server project and import this module's
functions there (see docs/udfs.md).

``XLWINGS_ON_SERVER=true`` must be set before xlwings is first imported: it
decides whether ``@xw.func`` registers custom functions. This module sets
the default itself, so importing it first is enough.
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_ON_SERVER", "true")

from typing import Any  # noqa: E402

import xlwings as xw  # noqa: E402

from mpp_xl.excel_refresh import XlwingsBook, refresh  # noqa: E402

from . import mpp_udfs  # noqa: E402

if not hasattr(mpp_udfs.MPP_MODEL, "__xlfunc__"):  # xlwings was imported without the flag
    raise RuntimeError(
        "udfs.server_app needs XLWINGS_ON_SERVER=true before xlwings is imported; "
        "start the server with that environment variable set."
    )


class ServerBook(XlwingsBook):
    """The refresh's Book on an xlwings Server book (``xw.Book(json=...)``).

    Writes are collected as actions that Office.js applies when the script
    returns; the recalculation is Excel's own (``calculate`` action)."""

    def calculate(self) -> None:
        self.book.app.calculate()


@xw.script
def MPP_VERNIEUWEN(book: xw.Book) -> None:  # noqa: N802 - Excel-facing name
    """Vernieuwen: controleer de aannames, reken de keten door en werk de bladen
    Validatie, Vaststelling en Logboek bij."""
    result = refresh(ServerBook(book))
    if result.n_errors:
        book.app.alert(
            f"De aannames bevatten {result.n_errors} fout(en); er is niets berekend. "
            "Zie het blad Validatie.", title="MPP vernieuwen")


def create_app() -> Any:
    """A FastAPI app with xlwings Server's custom-function and script endpoints
    (needs the ``server`` extra: fastapi, uvicorn)."""
    from fastapi import Body, FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi.responses import PlainTextResponse
    from xlwings import server

    api = FastAPI(title="MPP xlwings Server")

    @api.get("/xlwings/custom-functions-meta")
    async def custom_functions_meta() -> Any:
        return server.custom_functions_meta(mpp_udfs)

    @api.get("/xlwings/custom-functions-code")
    async def custom_functions_code() -> Any:
        return PlainTextResponse(server.custom_functions_code(mpp_udfs))

    @api.post("/xlwings/custom-functions-call")
    async def custom_functions_call(data: dict = Body) -> Any:  # noqa: B008
        return {"result": await server.custom_functions_call(data, mpp_udfs)}

    @api.get("/xlwings/custom-scripts-meta")
    async def custom_scripts_meta() -> Any:
        import sys

        return server.custom_scripts_meta(sys.modules[__name__])

    @api.post("/xlwings/custom-scripts-call/{script_name}")
    async def custom_scripts_call(script_name: str, data: dict = Body) -> Any:  # noqa: B008
        import sys

        book = xw.Book(json=data)
        await server.custom_scripts_call(sys.modules[__name__], script_name,
                                         typehint_to_value={xw.Book: book})
        return book.json()

    api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                       allow_headers=["*"])
    return api


def __getattr__(name: str) -> Any:
    # `uvicorn udfs.server_app:app` builds the app on first access only, so that
    # importing this module (tests, meta) does not need FastAPI.
    if name == "app":
        globals()["app"] = created = create_app()
        return created
    raise AttributeError(name)
