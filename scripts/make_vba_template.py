"""Make the workbook template's VBA project: xlwings' standalone quickstart
with the project's own button macro instead of ``SampleCall``.

Excel cannot be run here, so the ``vbaProject.bin`` is written on Linux, from
xlwings' own ``quickstart_standalone.xlsm`` (of the installed, pinned xlwings):

- ``Module1`` gets :data:`MODULE1_SOURCE`: the macro ``MPP_Vernieuwen`` runs
  ``RunPython`` on an installed module (never a module named after the file).
  ``SampleCall`` (``import <file stem>; <stem>.main()``) is gone.
- Every other module's source is kept byte for byte: ``xlwings`` (which pins
  the DLL version), ``Dictionary`` and the document modules.
- No compiled code is kept ("VBA stomping" is impossible): ``_VBA_PROJECT`` is
  the 7-byte form [MS-OVBA] 2.3.4.1 prescribes for writers (version 0xFFFF, no
  PerformanceCache), and each module stream holds only its compressed source
  (MODULEOFFSET 0 in the ``dir`` stream), so Excel compiles every module from
  source when it opens the workbook. xlwings ships its ``xlwings`` module in
  exactly this form.
- The compound file is written like xlwings' original: 512-byte sectors, a
  mini stream for streams under 4096 bytes, the directory's siblings as one
  sorted right-linked chain of black nodes.

Run ``python scripts/make_vba_template.py`` after an xlwings upgrade; it
rewrites ``mpp_xl/workbook/templates/xlwings_standalone.xlsm``.
``tests/udfs/test_vba_button.py`` regenerates it and compares, and reads the
result back with oletools.
"""

from __future__ import annotations

import io
import re
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "mpp_xl" / "workbook" / "templates" / "xlwings_standalone.xlsm"

#: The Python module and function the button runs (installed with mpp-xl).
BUTTON_MODULE = "mpp_xl.workbook.excel_book"
BUTTON_FUNCTION = "refresh_caller"
#: The VBA macro behind every button.
MACRO = "MPP_Vernieuwen"
#: The new source of ``Module1`` (VBA modules use CRLF line ends).
MODULE1_SOURCE = "\r\n".join([
    'Attribute VB_Name = "Module1"',
    f"Sub {MACRO}()",
    "    ' mpp-xl: ververs deze werkmap (controles, vaststelling, logboek).",
    "    ' Werkt onder elke bestandsnaam: de knop roept het geinstalleerde pakket aan.",
    f'    RunPython "import {BUTTON_MODULE} as mpp_knop; mpp_knop.{BUTTON_FUNCTION}()"',
    "End Sub",
    "",
])

_END, _FREE, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR, _MINI, _CUTOFF = 512, 64, 4096


# ---------------------------------------------------------------- [MS-OVBA] 2.4.1
def compress(data: bytes) -> bytes:
    """The [MS-OVBA] 2.4.1 compressed container of ``data``."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096 and len(chunk) == 4096:  # raw chunk is shorter
            out += struct.pack("<H", 0x3000 | (4096 + 2 - 3)) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """One chunk's token sequences; the longest match, the nearest among equals
    (the search order of [MS-OVBA] 2.4.1.3.19.4)."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions
    pos = 0

    def remember(upto: int) -> None:
        nonlocal indexed
        while indexed < upto:
            seen.setdefault(chunk[indexed:indexed + 3], []).append(indexed)
            indexed += 1

    indexed = 0
    while pos < len(chunk):
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            remember(pos)
            bit_count = max((pos - 1).bit_length(), 4) if pos > 0 else 4
            max_len = (0xFFFF >> bit_count) + 3
            best_len, best_off = 0, 0
            for cand in reversed(seen.get(chunk[pos:pos + 3], ())):
                n = 0
                while (n < max_len and pos + n < len(chunk)
                       and chunk[cand + n] == chunk[pos + n]):
                    n += 1
                if n > best_len:
                    best_len, best_off = n, pos - cand
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def dir_records(dir_data: bytes) -> list[tuple[int, bytes]]:
    """The records of a decompressed ``dir`` stream as (id, payload).
    PROJECTVERSION (0x09) is the one record whose size field (4) is not its
    payload's length (6)."""
    out = []
    i = 0
    while i < len(dir_data):
        rid, size = struct.unpack_from("<HI", dir_data, i)
        if rid == 0x09:
            size = 6
        out.append((rid, dir_data[i + 6:i + 6 + size]))
        i += 6 + size
        if rid == 0x10:  # dir terminator
            break
    return out


def dir_bytes(records: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for rid, payload in records:
        size = 4 if rid == 0x09 else len(payload)
        out += struct.pack("<HI", rid, size) + payload
    return bytes(out)


def module_offsets(records: list[tuple[int, bytes]]) -> dict[str, int]:
    """Module stream name -> MODULEOFFSET (where its compressed source starts)."""
    out: dict[str, int] = {}
    stream = ""
    for rid, payload in records:
        if rid == 0x1A:  # MODULESTREAMNAME
            stream = payload.decode("latin-1")
        elif rid == 0x31:  # MODULEOFFSET
            out[stream] = struct.unpack("<I", payload)[0]
    return out


def source_only(records: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
    """The same records with every MODULEOFFSET 0 (no compiled code before the source)."""
    return [(rid, struct.pack("<I", 0) if rid == 0x31 else p) for rid, p in records]


# ---------------------------------------------------------------- [MS-CFB]
def _name_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def write_cfb(storages: dict[str, dict[str, bytes]]) -> bytes:
    """A compound file (version 3) holding ``storages``: ``""`` for the root's
    streams, other keys one level of storage. Streams under 4096 bytes go to
    the mini stream."""
    # directory entries: (name, type, children names, data)
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": []}]
    for storage, streams in storages.items():
        parent = entries[0]
        if storage:
            node = {"name": storage, "type": 1, "children": []}
            entries.append(node)
            parent["children"].append(len(entries) - 1)
            parent = node
        for name, data in streams.items():
            entries.append({"name": name, "type": 2, "children": [], "data": data})
            parent["children"].append(len(entries) - 1)

    big = bytearray()
    big_sectors: list[int] = []  # first FAT chain data goes here
    mini = bytearray()
    minifat: list[int] = []
    fat: list[int] = []

    def alloc(data: bytes) -> int:
        n = max(1, -(-len(data) // _SECTOR))
        first = len(fat)
        for k in range(n):
            fat.append(first + k + 1 if k < n - 1 else _END)
        big.extend(data.ljust(n * _SECTOR, b"\x00"))
        big_sectors.append(first)
        return first

    for e in entries:
        if e["type"] != 2:
            continue
        data = e["data"]
        if len(data) < _CUTOFF:
            n = max(1, -(-len(data) // _MINI))
            first = len(minifat)
            for k in range(n):
                minifat.append(first + k + 1 if k < n - 1 else _END)
            mini.extend(data.ljust(n * _MINI, b"\x00"))
            e["start"] = first if data else _END
        else:
            e["start"] = alloc(data)
        e["size"] = len(data)
    entries[0]["start"] = alloc(bytes(mini)) if mini else _END
    entries[0]["size"] = len(mini)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat)
    minifat_bytes += b"\xff" * (-len(minifat_bytes) % _SECTOR)
    first_minifat = alloc(minifat_bytes) if minifat else _END
    n_minifat = len(minifat_bytes) // _SECTOR if minifat else 0

    # siblings: one sorted right-linked chain of black nodes per storage
    for e in entries:
        e.setdefault("left", _NOSTREAM)
        e.setdefault("right", _NOSTREAM)
        e["child"] = _NOSTREAM
    for e in entries:
        kids = sorted(e["children"], key=lambda i: _name_key(entries[i]["name"]))
        if kids:
            e["child"] = kids[0]
            for a, b in zip(kids, kids[1:], strict=False):
                entries[a]["right"] = b
    dir_data = bytearray()
    for e in entries:
        name = e["name"].encode("utf-16-le") + b"\x00\x00"
        start = e.get("start", 0)
        size = e.get("size", 0)
        if e["type"] == 1:
            start, size = 0, 0
        dir_data += (name.ljust(64, b"\x00") + struct.pack(
            "<HBBIII16sIQQIQ", len(name), e["type"], 1, e["left"], e["right"], e["child"],
            b"\x00" * 16, 0, 0, 0, start, size))
    while len(dir_data) % _SECTOR:
        dir_data += (b"\x00" * 64 + struct.pack("<HBBIII16sIQQIQ", 0, 0, 0, _NOSTREAM,
                                                 _NOSTREAM, _NOSTREAM, b"\x00" * 16,
                                                 0, 0, 0, 0, 0))
    first_dir = alloc(bytes(dir_data))

    # FAT sectors: enough to describe every sector including themselves
    n_fat = 1
    while (len(fat) + n_fat) > n_fat * (_SECTOR // 4):
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_first = len(fat)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREE] * (n_fat * (_SECTOR // 4) - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)

    difat = [fat_first + k for k in range(n_fat)] + [_FREE] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, _CUTOFF,
                            first_minifat, n_minifat, _END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == _SECTOR
    return header + bytes(big) + fat_bytes


# ---------------------------------------------------------------- the template
def read_streams(vba_bin: bytes) -> dict[str, bytes]:
    """Every stream of a VBA project by path (``PROJECT``, ``VBA/dir``, ...)."""
    import olefile  # dev/test dependency (oletools)

    ole = olefile.OleFileIO(io.BytesIO(vba_bin))
    return {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}


def decompress(data: bytes) -> bytes:
    from oletools.olevba import decompress_stream  # dev/test dependency

    return bytes(decompress_stream(bytearray(data)))


def make_vba_project(original: bytes) -> bytes:
    """The template's ``vbaProject.bin`` from xlwings' original one."""
    streams = read_streams(original)
    records = dir_records(decompress(streams["VBA/dir"]))
    offsets = module_offsets(records)
    if any(f"VBA/{name}" not in streams for name in offsets):
        raise ValueError("dir stream names a module stream that is missing")
    if "SampleCall" not in decompress(streams["VBA/Module1"][offsets["Module1"]:]).decode(
            "latin-1"):
        raise ValueError("Module1 is not xlwings' quickstart module")
    vba: dict[str, bytes] = {"dir": compress(dir_bytes(source_only(records)))}
    for name, off in offsets.items():
        if name == "Module1":
            vba[name] = compress(MODULE1_SOURCE.encode("latin-1"))
        elif off == 0:  # already source only (xlwings): kept byte for byte
            vba[name] = streams[f"VBA/{name}"]
        else:  # the same source without the compiled code before it
            vba[name] = compress(decompress(streams[f"VBA/{name}"][off:]))
    head = streams["VBA/_VBA_PROJECT"]
    if len(head) != 7 or head[2:4] != b"\xff\xff":  # xlwings' own is already cache-free
        head = bytes.fromhex("CC61FFFF000000")
    vba["_VBA_PROJECT"] = head  # [MS-OVBA] 2.3.4.1: version 0xFFFF, no PerformanceCache
    root = {"PROJECT": streams["PROJECT"], "PROJECTwm": streams["PROJECTwm"]}
    return write_cfb({"": root, "VBA": vba})


def make_template(quickstart: Path) -> bytes:
    """xlwings' quickstart package with the new VBA project and without its
    author's local folder (``x15ac:absPath``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(quickstart) as src, zipfile.ZipFile(out, "w",
                                                             zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/vbaProject.bin":
                data = make_vba_project(data)
            elif info.filename == "xl/workbook.xml":
                data = re.sub(rb"<mc:AlternateContent\b.*?</mc:AlternateContent>", b"", data,
                              flags=re.S)
            z = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            dst.writestr(z, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def quickstart_path() -> Path:
    import xlwings

    return Path(xlwings.__file__).with_name("quickstart_standalone.xlsm")


def main() -> int:
    TEMPLATE.write_bytes(make_template(quickstart_path()))
    print(f"geschreven: {TEMPLATE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
