"""Firmware images: loadable segments, symbols and sizes from an ELF file."""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.constants import P_FLAGS
from elftools.elf.elffile import ELFFile

from .errors import LabError


@dataclass
class Segment:
    address: int      # load (physical) address
    data: bytes
    executable: bool


@dataclass
class Symbol:
    name: str
    address: int
    size: int


class Firmware:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            with open(self.path, "rb") as handle:
                elf = ELFFile(handle)
                if elf["e_machine"] != "EM_ARM":
                    raise LabError(f"{self.path}: not an ARM ELF ({elf['e_machine']}); "
                                   "build it with arm-none-eabi-gcc")
                self.entry = elf["e_entry"]
                self.segments = self._segments(elf)
                self.functions, self.symbols = self._symbols(elf)
                self.sections = {s.name: (s["sh_addr"], s["sh_size"], s["sh_type"], s["sh_flags"])
                                 for s in elf.iter_sections() if s["sh_flags"] & 0x2}
        except FileNotFoundError:
            raise LabError(f"{self.path}: no such ELF file")
        except (ELFError, OSError, ValueError) as error:
            raise LabError(f"{self.path}: not a readable ELF file ({error})")
        if not self.segments:
            raise LabError(f"{self.path}: the ELF has no loadable segments")
        self._starts = [f.address for f in self.functions]

    @staticmethod
    def _segments(elf) -> list[Segment]:
        segments = []
        for segment in elf.iter_segments():
            if segment["p_type"] != "PT_LOAD" or segment["p_filesz"] == 0:
                continue
            segments.append(Segment(segment["p_paddr"], segment.data()[:segment["p_filesz"]],
                                    bool(segment["p_flags"] & P_FLAGS.PF_X)))
        return segments

    @staticmethod
    def _symbols(elf):
        table = elf.get_section_by_name(".symtab")
        functions, symbols = [], {}
        if table is None:
            return functions, symbols
        for sym in table.iter_symbols():
            if not sym.name or sym["st_shndx"] == "SHN_UNDEF":
                continue
            kind = sym["st_info"]["type"]
            if kind == "STT_FUNC":
                functions.append(Symbol(sym.name, sym["st_value"] & ~1, sym["st_size"]))
            if kind in ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE"):
                symbols.setdefault(sym.name, Symbol(sym.name, sym["st_value"], sym["st_size"]))
        functions.sort(key=lambda f: f.address)
        return functions, symbols

    def function_at(self, address: int) -> str | None:
        """Name of the function containing `address` (Thumb bit ignored)."""
        address &= ~1
        index = bisect.bisect_right(self._starts, address) - 1
        if index < 0:
            return None
        function = self.functions[index]
        if address < function.address + max(function.size, 2):
            return function.name
        return None

    def label_before(self, address: int) -> str:
        """`name+0xOFFSET` of the closest function or code symbol at or below
        `address`, for code no sized function symbol covers."""
        address &= ~1
        labels = [(s.address & ~1, s.name) for s in self.symbols.values()
                  if s.address & ~1 <= address and not s.name.startswith("$")]
        if not labels:
            return f"0x{address:08X} (no symbol)"
        start, name = max(labels)
        return f"{name}+0x{address - start:X}" if address != start else name

    def describe(self, address: int) -> str:
        name = self.function_at(address)
        if name is None:
            return f"0x{address:08X}"
        offset = (address & ~1) - self.symbols[name].address if name in self.symbols else 0
        return f"0x{address:08X} ({name}+0x{offset & ~1:X})" if offset else \
            f"0x{address:08X} ({name})"

    def address_of(self, name: str) -> int:
        try:
            return self.symbols[name].address
        except KeyError:
            raise LabError(f"{self.path}: no symbol {name!r}")

    def sizes(self, flash: tuple[int, int], ram: tuple[int, int]) -> dict:
        """Bytes of flash (load image, incl. initialised data) and RAM the image uses."""
        def inside(address, region):
            return region[0] <= address < region[0] + region[1]

        flash_bytes = sum(len(s.data) for s in self.segments if inside(s.address, flash))
        ram_bytes = sum(length for addr, length, _, _ in self.sections.values()
                        if inside(addr, ram))
        return {"flash": flash_bytes, "ram": ram_bytes}


def read_firmware(path: str | Path) -> Firmware:
    """The ELF at `path`, parsed once per version of the file: a run reads it for the
    build's sizes, the footprint and the session, and pyelftools takes a noticeable
    fraction of a second per read. Callers treat the result as read-only."""
    path = Path(path)
    try:
        status = path.stat()
    except OSError:
        return Firmware(path)          # its one-line error
    return _parsed(path.resolve(), status.st_mtime_ns, status.st_size, status.st_ino)


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int, size: int, inode: int) -> Firmware:
    return Firmware(path)
