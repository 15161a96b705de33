"""The xlwings decorators of the UDF module (``func``, ``arg``, ``ret``), without
importing xlwings where they would do nothing.

xlwings' decorators register a function only in a runtime that serves UDFs:
Windows (the COM server) or an xlwings Server (``XLWINGS_ON_SERVER=true``, read
when xlwings is imported). Everywhere else they return the function unchanged,
and importing xlwings - which imports matplotlib - was most of the CPU of a
headless ``mpp ververs``. So: xlwings' own decorators when xlwings is already
imported or the runtime serves UDFs; otherwise the same no-ops, defined here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


def serves_udfs() -> bool:
    """Whether xlwings' decorators would register functions in this process."""
    return ("xlwings" in sys.modules or os.environ.get("XLWINGS_ON_SERVER") == "true"
            or sys.platform.startswith("win"))


if serves_udfs():
    from xlwings import arg, func, ret  # noqa: F401
else:
    def func(f: Any = None, *args: Any, **kwargs: Any) -> Any:
        """No-op (as xlwings outside a UDF runtime)."""
        def inner(g: _F) -> _F:
            return g
        return inner if f is None else inner(f)

    def arg(*args: Any, **kwargs: Any) -> Callable[[_F], _F]:
        """No-op (as xlwings outside a UDF runtime)."""
        def inner(g: _F) -> _F:
            return g
        return inner

    def ret(*args: Any, **kwargs: Any) -> Callable[[_F], _F]:
        """No-op (as xlwings outside a UDF runtime)."""
        def inner(g: _F) -> _F:
            return g
        return inner
