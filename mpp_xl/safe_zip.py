"""Guards for workbooks from outside (e-mail, other Excel versions): checked
before any library inflates or parses them.

- the file must be a zip with the parts of an Office Open XML workbook;
- .xls (OLE2) and .ods files get a message on how to convert them;
- member sizes are checked from the zip directory *before* inflating
  (zip bombs), and inflating is capped again while reading;
- XML parts with a DOCTYPE or ENTITY declaration are refused (entity bombs,
  external entities): Excel never writes them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .problems import MppError

MAX_TOTAL_UNCOMPRESSED = 300 * 1024 * 1024  # bytes, all members together
MAX_MEMBER_UNCOMPRESSED = 150 * 1024 * 1024  # bytes, one member
MAX_RATIO = 200  # uncompressed / compressed, for members above 1 MB
MAX_MEMBERS = 5000
HEAD = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_workbook_file(path: str | Path) -> None:
    """Raise :class:`MppError` (Dutch) unless ``path`` is a plausible, safe
    .xlsx/.xlsm. Reads only the zip directory and the first bytes of XML parts."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    if path.is_dir():
        raise MppError(f"{name} is een map, geen werkmap.")
    size = path.stat().st_size
    if size == 0:
        raise MppError(f"{name} is leeg (0 bytes): geen werkmap.")
    with open(path, "rb") as fh:
        magic = fh.read(8)
    suffix = path.suffix.lower()
    if magic == _OLE2 or suffix == ".xls":
        raise MppError(f"{name} is een oud Excel-bestand (.xls). Open het in Excel en sla het "
                       "op als Excel-werkmap (.xlsx of .xlsm).")
    if suffix == ".ods":
        raise MppError(f"{name} is een OpenDocument-rekenblad (.ods). Sla het in LibreOffice "
                       "op als Excel 2007-365 (.xlsx).")
    if not zipfile.is_zipfile(path):
        raise MppError(f"{name} is geen geldige Excel-werkmap (het bestand is beschadigd of "
                       "van een ander type).")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            _check_sizes(name, infos)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                if "content.xml" in names and "mimetype" in names:
                    raise MppError(f"{name} is een OpenDocument-rekenblad (.ods), geen "
                                   "Excel-werkmap. Sla het op als .xlsx.")
                raise MppError(f"{name} is een zip-bestand maar geen Excel-werkmap.")
            for i in infos:
                if i.filename.endswith((".xml", ".rels", ".vml")):
                    with z.open(i) as fh:
                        head = fh.read(HEAD)
                    if _has_dtd(head):
                        raise MppError(
                            f"{name} bevat een onveilig XML-onderdeel ({i.filename}: "
                            "DOCTYPE/ENTITY-declaratie). Excel schrijft dat nooit; het bestand "
                            "wordt niet gelezen.")
    except zipfile.BadZipFile as e:
        raise MppError(f"{name} is een beschadigde werkmap ({e}).") from e
    except (OSError, EOFError, NotImplementedError, RuntimeError) as e:
        # e.g. unsupported compression, encrypted members, truncated data
        raise MppError(f"{name} kan niet worden gelezen ({type(e).__name__}: {e}).") from e


def _check_sizes(name: str, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise MppError(f"{name} bevat {len(infos)} onderdelen; dat is geen normale werkmap.")
    total = 0
    for i in infos:
        total += i.file_size
        ratio = i.file_size / max(i.compress_size, 1)
        if (i.file_size > MAX_MEMBER_UNCOMPRESSED
                or (i.file_size > 1024 * 1024 and ratio > MAX_RATIO)):
            raise MppError(
                f"{name} wordt niet gelezen: onderdeel {i.filename} pakt uit tot "
                f"{i.file_size / 1e6:,.0f} MB (zip-bom of beschadigd bestand).".replace(",", "."))
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise MppError(f"{name} wordt niet gelezen: uitgepakt {total / 1e6:,.0f} MB "
                       "(te groot voor een MPP-werkmap).".replace(",", "."))


def _has_dtd(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode()
    else:
        text = head
    return b"<!DOCTYPE" in text or b"<!ENTITY" in text
