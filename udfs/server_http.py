"""HTTP limits of the xlwings Server app: request size, worker threads, time.

- :class:`BodyLimit` is a pure ASGI middleware that refuses a request body
  larger than :data:`MAX_BODY_BYTES` with 413 before anything parses it: at
  once from ``Content-Length``, or as soon as a streamed (chunked) body goes
  past the limit. The answer carries ``Connection: close`` (the rest of the
  body is never read).
- :func:`run_limited` runs CPU-heavy work (JSON parsing, ``MPP_MODEL``, the
  refresh) in a worker thread under a capacity limiter and a time limit, so
  the event loop keeps answering cheap calls; past the limit the client gets
  504 (the thread finishes on its own; Python threads cannot be stopped).

Settings (environment variables, read at import):

- ``MPP_SERVER_MAX_MB``: largest request body in MB (default 8; the master's
  refresh payload is about 1 MB, an ``MPP_MODEL`` call about 0.3 MB);
- ``MPP_SERVER_TIMEOUT_S``: time limit per request in seconds (default 120);
- ``MPP_SERVER_THREADS``: worker threads for custom functions (default 4);
  refresh scripts have their own, smaller limit (``MPP_SERVER_SCRIPT_THREADS``,
  default 2) so that refreshes never take every thread.
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeVar

T = TypeVar("T")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MB = 1024 * 1024
#: Largest accepted request body in bytes.
MAX_BODY_BYTES = int(float(os.environ.get("MPP_SERVER_MAX_MB", "8")) * MB)
#: Time limit per request in seconds.
TIMEOUT_S = float(os.environ.get("MPP_SERVER_TIMEOUT_S", "120"))
#: Worker threads for custom-function calls and for refresh scripts.
CALL_THREADS = int(os.environ.get("MPP_SERVER_THREADS", "4"))
SCRIPT_THREADS = int(os.environ.get("MPP_SERVER_SCRIPT_THREADS", "2"))


def error_body(message: str) -> bytes:
    """The JSON body of an error answer: ``{"detail": message}``."""
    return json.dumps({"detail": message}, ensure_ascii=False).encode("utf-8")


def too_large_message(limit: int = MAX_BODY_BYTES) -> str:
    return (f"Het verzoek is groter dan {limit / MB:g} MB en is geweigerd; "
            "geef kleinere bereiken mee (MPP_SERVER_MAX_MB op de server).")


class TooLarge(Exception):
    """A streamed body went past the limit (raised from ``receive``; the app
    must let it through to :class:`BodyLimit`)."""


class BodyLimit:
    """ASGI middleware: 413 for a request body over ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        body = error_body(message)
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"),
                        None)
        if declared is not None:
            try:
                n = int(declared)
            except ValueError:
                await self._refuse(send, 400, "Ongeldige Content-Length.")
                return
            if n > self.max_bytes:
                await self._refuse(send, 413, too_large_message(self.max_bytes))
                return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except TooLarge:
            if started:
                raise
            await self._refuse(send, 413, too_large_message(self.max_bytes))


class Limits:
    """The capacity limiters of one app (made inside its event loop's life)."""

    def __init__(self) -> None:
        import anyio

        self.calls = anyio.CapacityLimiter(CALL_THREADS)
        self.scripts = anyio.CapacityLimiter(SCRIPT_THREADS)


class Timeout(Exception):
    """The request took longer than :data:`TIMEOUT_S`."""


async def run_limited(fn: Callable[..., T], *args: object, limiter: Any,
                      timeout: float = TIMEOUT_S) -> T:
    """``fn(*args)`` in a worker thread under ``limiter``, within ``timeout``
    seconds (else :class:`Timeout`; the thread is left to finish)."""
    import anyio
    import anyio.to_thread

    with anyio.move_on_after(timeout) as scope:
        return await anyio.to_thread.run_sync(fn, *args, limiter=limiter,
                                              abandon_on_cancel=True)
    if scope.cancelled_caught:
        raise Timeout
    raise AssertionError("unreachable")  # pragma: no cover
