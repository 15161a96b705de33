"""Round identity: which MPP round (and which master) a workbook belongs to.

Every master carries a round id in the custom document property
``mpp_ronde`` (``docProps/custom.xml``; Excel and LibreOffice keep custom
properties when they save): the MPP version, ``#``, and 12 hex digits of a
SHA-256 made when the round was created (``mpp bouw`` or ``mpp nieuwe-ronde``),
e.g. ``2024-2#3f9a0c51d2e7``. Two masters built from the same assumptions
still get different round ids: the digest includes the moment of creation and
a random nonce. A partner file records the round id of the master it was
exported from (:data:`PROP_RONDE_MASTER`), so an import into another round or
another master can be recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from .xlsxio import Package, custom_properties

#: Custom document property of a master: its round id.
PROP_RONDE = "mpp_ronde"
#: Custom document property of a partner file: the round id of the master it came from.
PROP_RONDE_MASTER = "mpp_ronde_master"


def make_round_id(version: str, seed: str = "") -> str:
    """A new round id for MPP version ``version`` (text, e.g. ``2025-1``);
    ``seed`` (e.g. the assumptions' fingerprint) is mixed into the digest."""
    stamp = dt.datetime.now(dt.UTC).isoformat()
    digest = hashlib.sha256(
        "|".join((version, seed, stamp, secrets.token_hex(8))).encode()).hexdigest()
    return f"{version.strip() or 'onbekend'}#{digest[:12]}"


def round_version(round_id: str) -> str:
    """The MPP version part of a round id (``2024-2#…`` -> ``2024-2``)."""
    return round_id.split("#", 1)[0]


def round_id_of(pkg: Package) -> str | None:
    """The round id of a master (``mpp_ronde``); None for a workbook without one
    (built before round ids existed)."""
    return custom_properties(pkg).get(PROP_RONDE) or None
