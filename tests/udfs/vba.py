"""Read the VBA module sources of an .xlsm without oletools: a minimal
Compound File Binary reader ([MS-CFB]) and the VBA decompression of
[MS-OVBA] 2.4.1, enough to check which xlwings version the embedded
xlwings.bas pins."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


class Cfb:
    """Streams of a compound file, by (last path component) name."""

    def __init__(self, data: bytes) -> None:
        if data[:8] != bytes.fromhex("D0CF11E0A1B11AE1"):
            raise ValueError("not a compound file")
        self.data = data
        self.ss = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mss = 1 << struct.unpack_from("<H", data, 0x20)[0]
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        self.cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
            "<IIIII", data, 0x38)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sec = first_difat
        for _ in range(n_difat):
            if sec in (_END, _FREE):
                break
            vals = struct.unpack_from(f"<{self.ss // 4}I", data, self._off(sec))
            difat.extend(vals[:-1])
            sec = vals[-1]
        fat_secs = [s for s in difat if s not in (_END, _FREE)][:n_fat]
        self.fat: list[int] = []
        for s in fat_secs:
            self.fat.extend(struct.unpack_from(f"<{self.ss // 4}I", data, self._off(s)))
        dir_bytes = self._chain(first_dir)
        self.entries = []
        for i in range(0, len(dir_bytes), 128):
            e = dir_bytes[i:i + 128]
            name_len = struct.unpack_from("<H", e, 0x40)[0]
            name = e[:max(0, name_len - 2)].decode("utf-16-le")
            etype = e[0x42]
            start, size = struct.unpack_from("<IQ", e, 0x74)
            self.entries.append((name, etype, start, size))
        root = self.entries[0]
        self.ministream = self._chain(root[2])[:root[3]]
        self.minifat: list[int] = []
        if n_minifat:
            mf = self._chain(first_minifat)
            self.minifat = list(struct.unpack_from(f"<{len(mf) // 4}I", mf, 0))

    def _off(self, sec: int) -> int:
        return (sec + 1) * self.ss

    def _chain(self, sec: int) -> bytes:
        out = bytearray()
        seen = 0
        while sec not in (_END, _FREE) and seen < len(self.fat) + 1:
            out += self.data[self._off(sec):self._off(sec) + self.ss]
            sec = self.fat[sec]
            seen += 1
        return bytes(out)

    def _minichain(self, sec: int) -> bytes:
        out = bytearray()
        while sec not in (_END, _FREE):
            out += self.ministream[sec * self.mss:(sec + 1) * self.mss]
            sec = self.minifat[sec]
        return bytes(out)

    def stream(self, name: str) -> bytes:
        for n, etype, start, size in self.entries:
            if etype == 2 and n.lower() == name.lower():
                raw = self._minichain(start) if size < self.cutoff else self._chain(start)
                return raw[:size]
        raise KeyError(name)


def decompress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1 decompression of a CompressedContainer."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos + 2 <= len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                else:
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    bits = max((len(out) - start - 1).bit_length(), 4)
                    offset = (token >> (16 - bits)) + 1
                    length = (token & (0xFFFF >> bits)) + 3
                    for _ in range(length):
                        out.append(out[-offset])
    return bytes(out)


def module_sources(vba_project: bytes) -> dict[str, str]:
    """Module name -> VBA source text of a vbaProject.bin."""
    cfb = Cfb(vba_project)
    d = decompress(cfb.stream("dir"))
    pos = 0
    modules: list[tuple[str, int]] = []
    name: str | None = None
    while pos + 6 <= len(d):
        rid, size = struct.unpack_from("<HI", d, pos)
        if rid == 0x0009:  # PROJECTVERSION: size says 4, data is 6 bytes
            size = 6
        body = d[pos + 6:pos + 6 + size]
        pos += 6 + size
        if rid == 0x001A:  # MODULESTREAMNAME
            name = body.decode("latin-1")
        elif rid == 0x0031 and name is not None:  # MODULEOFFSET
            modules.append((name, struct.unpack_from("<I", body, 0)[0]))
            name = None
    out = {}
    for mod, offset in modules:
        src = decompress(cfb.stream(mod)[offset:])
        out[mod] = src.decode("cp1252", errors="replace")
    return out


def xlsm_vba_sources(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return module_sources(z.read("xl/vbaProject.bin"))
