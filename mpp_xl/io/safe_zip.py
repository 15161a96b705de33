"""Guards for workbooks from outside (e-mail, other Excel versions): checked
before any library inflates or parses them.

- the file must be a zip with the parts of an Office Open XML workbook;
- .xls (OLE2), password-protected (encrypted OLE2), .xlsb, .ods and Strict
  Open XML files get a message on how to save them instead;
- member sizes are checked from the zip directory *before* inflating
  (zip bombs); then every member is inflated once, streaming and capped at the
  size its directory entry declares, so a directory that lies about a member
  (which Python's zipfile would silently truncate but other readers, e.g. the
  Rust zip reader inside python-calamine, would inflate in full) is caught too;
- XML parts with a DOCTYPE or ENTITY declaration anywhere are refused (entity
  bombs, external entities): Excel never writes them;
- every entry name is a valid package part name, and no name occurs twice
  (also not in another case): readers disagree on which copy they read;
- a file named .xlsx whose workbook part is macro-enabled, a template or an
  add-in is refused (untrusted partner files get more checks, see
  :mod:`mpp_xl.io.package_checks`).

Every path that opens a workbook goes through :func:`check_workbook_bytes` or
:func:`check_workbook_file`: ``read_assumptions`` (validate, run, compare,
backtest, report), and :class:`mpp_xl.workbook.xlsxio.Package` (refresh,
sign-off, status, export/import of partner files, the reader).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..core.numbers import nl_number
from ..core.problems import MppError

MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024  # bytes, all members together
MAX_MEMBER_UNCOMPRESSED = 50 * 1024 * 1024  # bytes, one member
MAX_RATIO = 200  # uncompressed / compressed, for members above 1 MB
MAX_MEMBERS = 5000
CHUNK = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DANGER = (b"<!DOCTYPE", b"<!ENTITY")
_STRICT_NS = b"purl.oclc.org/ooxml/spreadsheetml/main"
_SST_COUNT = re.compile(rb'\buniqueCount="(\d{1,15})"')
_SI = re.compile(rb"<si[>/\s]")


def check_workbook_file(path: str | Path) -> None:
    """Raise :class:`MppError` (Dutch) unless ``path`` is a plausible, safe
    .xlsx/.xlsm. Reads the zip directory, then inflates each member once in
    64 kB chunks (never more than its declared size)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise MppError(f"Bestand niet gevonden: {path}")
    if path.is_dir():
        raise MppError(f"{name} is een map, geen werkmap.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            _check_stream(fh, size, name, path.suffix.lower())
    except PermissionError as e:
        raise MppError(f"{name} kan niet gelezen worden (geen toegang).") from e


def check_workbook_bytes(data: bytes, name: str = "werkmap") -> None:
    """The same checks for a workbook held in memory."""
    _check_stream(io.BytesIO(data), len(data), name, Path(name).suffix.lower())


def _check_stream(fh: BinaryIO, size: int, name: str, suffix: str) -> None:
    if size == 0:
        raise MppError(f"{name} is leeg (0 bytes): geen werkmap.")
    head = fh.read(4096)
    fh.seek(0)
    if head.startswith(_OLE2):
        fh.seek(0)
        if _ENCRYPTED in fh.read(min(size, 4 * 1024 * 1024)):
            raise MppError(f"{name} is met een wachtwoord beveiligd (versleuteld). Sla het in "
                           "Excel op zonder wachtwoord (Bestand > Info > Werkmap beveiligen) "
                           "en probeer het opnieuw.")
        raise MppError(f"{name} is een oud Excel-bestand (.xls). Open het in Excel en sla het "
                       "op als Excel-werkmap (.xlsx of .xlsm).")
    if suffix == ".xls":
        raise MppError(f"{name} heeft de extensie .xls; alleen Excel-werkmappen (.xlsx of "
                       ".xlsm) worden gelezen. Sla het op als .xlsx.")
    if suffix == ".ods":
        raise MppError(f"{name} is een OpenDocument-rekenblad (.ods). Sla het in LibreOffice "
                       "op als Excel 2007-365 (.xlsx).")
    fh.seek(0)
    if not zipfile.is_zipfile(fh):
        raise MppError(f"{name} is geen geldige Excel-werkmap (het bestand is beschadigd of "
                       "van een ander type).")
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as z:
            infos = z.infolist()
            _check_sizes(name, infos)
            _check_names(name, infos)
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                if "content.xml" in names and "mimetype" in names:
                    raise MppError(f"{name} is een OpenDocument-rekenblad (.ods), geen "
                                   "Excel-werkmap. Sla het op als .xlsx.")
                if "xl/workbook.bin" in names:
                    raise MppError(f"{name} is een binaire Excel-werkmap (.xlsb). Sla het in "
                                   "Excel op als Excel-werkmap (.xlsx of .xlsm).")
                raise MppError(f"{name} is een zip-bestand maar geen Excel-werkmap.")
        fh.seek(0)
        for i in infos:
            _check_member(fh, size, name, i)
        if suffix == ".xlsx":
            fh.seek(0)
            with zipfile.ZipFile(fh) as z:
                _check_xlsx_kind(name, z.read("[Content_Types].xml"))
    except zipfile.BadZipFile as e:
        raise MppError(f"{name} is een beschadigde werkmap ({e}).") from e
    except (EOFError, zlib.error, struct.error) as e:
        raise MppError(f"{name} is een beschadigde werkmap (onderdeel kan niet worden "
                       f"uitgepakt: {e}).") from e
    except (OSError, NotImplementedError, RuntimeError) as e:
        raise MppError(f"{name} kan niet worden gelezen ({type(e).__name__}: {e}).") from e


_WORKBOOK_TYPE = re.compile(
    rb'<Override\b[^>]*PartName="/xl/workbook\.xml"[^>]*ContentType="([^"]+)"'
    rb'|<Override\b[^>]*ContentType="([^"]+)"[^>]*PartName="/xl/workbook\.xml"', re.I)
#: What a workbook part that is not a plain workbook is (content type in lower case).
_NOT_XLSX = {
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": ("een werkmap met macro's", ".xlsm"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":
        ("een sjabloon", ".xltx"),
    "application/vnd.ms-excel.template.macroenabled.main+xml":
        ("een sjabloon met macro's", ".xltm"),
    "application/vnd.ms-excel.addin.macroenabled.main+xml":
        ("een invoegtoepassing met macro's", ".xlam"),
}


def _check_xlsx_kind(name: str, content_types: bytes) -> None:
    """An .xlsx name on a macro-enabled workbook, a template or an add-in is
    refused: Excel itself will not open such a file, and the name hides the
    macros."""
    m = _WORKBOOK_TYPE.search(content_types)
    kind = (m.group(1) or m.group(2)).decode("latin-1").lower() if m else ""
    if kind in _NOT_XLSX:
        what, ext = _NOT_XLSX[kind]
        raise MppError(f"{name} heet .xlsx, maar is {what} ({ext}); Excel opent het zo niet, "
                       "en de naam verbergt wat erin zit. Het bestand wordt niet gelezen. Sla "
                       "het in Excel op als gewone Excel-werkmap (.xlsx).")


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
                f"{nl_number(i.file_size / 1e6)} MB (zip-bom of beschadigd bestand).")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise MppError(f"{name} wordt niet gelezen: uitgepakt {nl_number(total / 1e6)} MB "
                       "(te groot voor een MPP-werkmap).")


#: A valid package part name segment (ECMA-376 part 2, 9.1.1): RFC 3986
#: pchar characters (percent-escapes allowed), not '.' or '..', not ending in '.'.
_SEGMENT = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@%\[\]]+")


def part_name_problem(entry: str) -> str | None:
    """Why a zip entry name is not a valid package part name (Dutch), or None.
    A directory entry (``xl/``, no data) is tolerated: some zip tools write them."""
    if not entry or entry.startswith("/") or "\\" in entry:
        return "geen geldige onderdeelnaam (leeg, begint met / of bevat \\)"
    segments = entry.split("/")
    if segments[-1] == "":
        segments = segments[:-1]
    for seg in segments:
        if seg in ("", ".", "..") or seg.endswith("."):
            return "geen geldige onderdeelnaam (leeg deel, '.' of '..')"
        if not _SEGMENT.fullmatch(seg):
            return "geen geldige onderdeelnaam (teken dat niet in een onderdeelnaam mag)"
        if re.search(r"%(?:2[fF]|5[cC])", seg) or re.search(r"%(?![0-9A-Fa-f]{2})", seg):
            return "geen geldige onderdeelnaam (gecodeerde / of \\, of een losse %)"
    return None


def _check_names(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Every entry a valid part name, and no name twice (part names are
    case-insensitive): two entries of one name are read differently by
    different programs (Python's zipfile takes the last, others the first)."""
    seen: dict[str, str] = {}
    for i in infos:
        why = part_name_problem(i.filename)
        if why is not None:
            raise MppError(f"{name} wordt niet gelezen: onderdeel {i.filename!r} heeft {why}. "
                           "Excel schrijft zulke namen niet; het bestand is beschadigd of "
                           "bewerkt met een ander programma.")
        key = i.filename.lower()
        if key in seen:
            raise MppError(f"{name} wordt niet gelezen: het onderdeel {i.filename} staat er "
                           f"twee keer in (ook als {seen[key]}). Verschillende programma's "
                           "lezen dan verschillende inhoud; Excel schrijft dat nooit. Sla het "
                           "bestand opnieuw op in Excel.")
        seen[key] = i.filename


def _check_member(fh: BinaryIO, size: int, name: str, info: zipfile.ZipInfo) -> None:
    """Inflate one member from its raw bytes, at most its declared size (+1
    byte to notice a lie), and look for DTD declarations in XML parts."""
    if info.flag_bits & 0x1:
        raise MppError(f"{name} bevat een versleuteld onderdeel ({info.filename}); sla de "
                       "werkmap op zonder wachtwoord.")
    fh.seek(info.header_offset)
    hdr = fh.read(_LOCAL_HEADER.size)
    if len(hdr) < _LOCAL_HEADER.size or hdr[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"onderdeel {info.filename} ontbreekt of is afgekapt")
    fields = _LOCAL_HEADER.unpack(hdr)
    start = info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    if start + info.compress_size > size:
        raise zipfile.BadZipFile(f"onderdeel {info.filename} is afgekapt")
    fh.seek(start)
    if info.compress_type == zipfile.ZIP_STORED:
        inflate = None
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflate = zlib.decompressobj(-15)
    else:
        raise MppError(f"{name}: onderdeel {info.filename} gebruikt een compressie die Excel "
                       "niet gebruikt; het bestand wordt niet gelezen.")
    scan = _DtdScan() if info.filename.lower().endswith(_XML_SUFFIXES) else None
    limit = info.file_size
    out = 0
    for piece in _pieces(fh, info.compress_size, inflate, limit):
        out += len(piece)
        if out > limit:
            raise MppError(
                f"{name} wordt niet gelezen: onderdeel {info.filename} pakt uit tot meer "
                f"dan de opgegeven {nl_number(limit)} bytes (zip-bom of beschadigd "
                "bestand).")
        if scan is not None and scan.feed(piece):
            raise MppError(
                f"{name} bevat een onveilig XML-onderdeel ({info.filename}: "
                "DOCTYPE/ENTITY-declaratie). Excel schrijft dat nooit; het bestand "
                "wordt niet gelezen.")
    if inflate is not None and not inflate.eof:
        raise zipfile.BadZipFile(f"onderdeel {info.filename} is afgekapt")
    if out != limit:
        raise zipfile.BadZipFile(f"onderdeel {info.filename} heeft niet de opgegeven grootte")
    if scan is not None and scan.declared_strings > scan.strings:
        # python-calamine reserves memory for the declared number up front
        raise MppError(f"{name} is beschadigd: {info.filename} meldt "
                       f"{nl_number(scan.declared_strings)} teksten maar bevat er "
                       f"{nl_number(scan.strings)}.")
    if scan is not None and scan.strict and info.filename == "xl/workbook.xml":
        raise MppError(f"{name} is opgeslagen als 'Strict Open XML'. Sla het in Excel op als "
                       "gewone Excel-werkmap (.xlsx of .xlsm).")


def _pieces(fh: BinaryIO, compressed: int, inflate: zlib._Decompress | None,  # noqa: SLF001
            limit: int) -> Iterator[bytes]:
    """The member's inflated bytes in pieces of at most :data:`CHUNK`; stops
    one byte after ``limit`` (the caller then refuses the file)."""
    left = compressed
    produced = 0
    while left and produced <= limit:
        raw = fh.read(min(CHUNK, left))
        if not raw:
            raise zipfile.BadZipFile("onderdeel is afgekapt")
        left -= len(raw)
        if inflate is None:
            produced += len(raw)
            yield raw
            continue
        buf = raw
        while produced <= limit:
            piece = inflate.decompress(buf, CHUNK)
            produced += len(piece)
            if piece:
                yield piece
            buf = inflate.unconsumed_tail
            if not buf or inflate.eof:
                break
        if inflate.eof:
            break


class _DtdScan:
    """Streaming search for ``<!DOCTYPE``/``<!ENTITY`` in UTF-8 or UTF-16 XML."""

    def __init__(self) -> None:
        self.decoder: codecs.IncrementalDecoder | None = None
        self.first = True
        self.tail = b""
        self.strict = False
        self.head = b""
        self.declared_strings = 0  # uniqueCount of a shared-strings part
        self.strings = 0  # <si> elements seen
        self.si_tail = b""

    def feed(self, chunk: bytes) -> bool:
        if self.first:
            self.first = False
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                self.decoder = codecs.getincrementaldecoder("utf-16")("ignore")
            elif chunk.startswith(b"<\x00"):
                self.decoder = codecs.getincrementaldecoder("utf-16-le")("ignore")
            elif chunk.startswith(b"\x00<"):
                self.decoder = codecs.getincrementaldecoder("utf-16-be")("ignore")
        text = self.decoder.decode(chunk).encode() if self.decoder is not None else chunk
        window = self.tail + text
        self.tail = window[-16:]
        if len(self.head) < 4096:
            self.head += text[:4096 - len(self.head)]
            if _STRICT_NS in self.head:
                self.strict = True
            m = _SST_COUNT.search(self.head)
            if m and b"<sst" in self.head:
                self.declared_strings = int(m.group(1))
        si = self.si_tail + text
        self.strings += len(_SI.findall(si))
        self.si_tail = si[-3:]
        return any(d in window for d in _DANGER)
