"""Where an image's flash and RAM go, from its linker map (firmware/Makefile links every
source as its own object under obj/<part>/, so each input section names its part).

Parts: the app, the board HAL, the lab's common code, the inference runtime (split into
its core and its kernels), the audio front end, the model, extra sources, the C library
(newlib-nano, libm), the compiler's runtime (libgcc) and start-up files; alignment
padding is shown as such. Flash is the load image (code, constants, initial data); RAM is
the static data and bss, with the stack and heap reserves of the linker script beside it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import LabError

FLASH_SECTIONS = (".isr_vector", ".text", ".ARM.exidx", ".init_array", ".fini_array",
                  ".eh_frame", ".rodata")
RAM_SECTIONS = (".bss", ".heap", ".noinit")
BOTH_SECTIONS = (".data",)            # in RAM, and its initial values in flash
_INPUT = re.compile(r"^ (\.[\w.$]+|\*fill\*|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s*(\S.*)?$")
_PART = re.compile(r"/obj/([^/]+)/(.*)\.o$")


@dataclass
class Footprint:
    flash: dict[str, int] = field(default_factory=dict)   # part -> bytes
    ram: dict[str, int] = field(default_factory=dict)
    stack_reserve: int = 0
    heap_reserve: int = 0
    flash_size: int = 0                                      # the board's memories
    ram_size: int = 0

    @property
    def flash_total(self) -> int:
        return sum(self.flash.values())

    @property
    def ram_total(self) -> int:
        return sum(self.ram.values())

    def to_dict(self) -> dict:
        return {**asdict(self), "flash_total": self.flash_total, "ram_total": self.ram_total}

    def table(self) -> list[str]:
        parts = sorted(set(self.flash) | set(self.ram),
                       key=lambda p: -(self.flash.get(p, 0) + self.ram.get(p, 0)))
        lines = [f"{'part':<22}{'flash B':>10}{'RAM B':>10}"]
        lines += [f"{p:<22}{self.flash.get(p, 0):>10}{self.ram.get(p, 0):>10}" for p in parts]
        lines.append(f"{'total':<22}{self.flash_total:>10}{self.ram_total:>10}")
        lines.append(f"of the board's {self.flash_size} B flash ({self.flash_total / self.flash_size:.1%}"
                     f") and {self.ram_size} B RAM ({self.ram_total / self.ram_size:.1%}); "
                     f"stack reserve {self.stack_reserve} B; {self.heap_reserve} B free "
                     "between them for the heap")
        return lines


def part_of(path: str) -> str:
    """The part an input file belongs to."""
    match = _PART.search(path)
    if match:
        part, below = match.groups()
        if part == "runtime":
            return "runtime kernels" if below.startswith("kernels/") else "runtime"
        return {"hal": "HAL", "common": "lab common"}.get(part, part)
    if "libc" in path or "libm.a" in path or "libnosys" in path:
        return "C library"
    if "libgcc" in path:
        return "compiler runtime"
    if re.search(r"crt\w*\.o$", path):
        return "start-up (crt)"
    return "other"


def read(map_path: Path, symbols: dict, flash_size: int, ram_size: int) -> Footprint:
    """The footprint from `app.map`; `symbols` (name -> address) give the linker
    script's stack and heap (_sstack, _estack, end)."""
    try:
        lines = map_path.read_text(errors="replace").splitlines()
    except OSError as error:
        raise LabError(f"{map_path}: cannot read the linker map ({error.strerror})") from None
    footprint = Footprint(flash_size=flash_size, ram_size=ram_size)
    start = next((i for i, line in enumerate(lines) if line.startswith("Linker script and "
                                                                        "memory map")), None)
    if start is None:
        raise LabError(f"{map_path}: not a GNU ld map file")
    outputs, inputs = {}, {}
    section, pending = None, None
    for line in lines[start + 1:]:
        if line and not line.startswith(" "):
            fields = line.split()
            section = fields[0] if _counted(fields[0]) else None
            if section and len(fields) >= 3 and fields[2].startswith("0x"):
                outputs[section] = outputs.get(section, 0) + int(fields[2], 16)
            continue
        if section is None:
            continue
        if re.match(r"^ (\.[\w.$]+)$", line):        # a long input section name: values follow
            pending = line.strip()
            continue
        match = _INPUT.match(line)
        if not match or (match.group(1) is None and pending is None):
            continue
        size, source = int(match.group(3), 16), (match.group(4) or "").strip()
        pending = None
        if size:
            part = "padding" if match.group(1) == "*fill*" else part_of(source)
            _add(footprint, section, part, size)
            inputs[section] = inputs.get(section, 0) + size
    for section, size in outputs.items():     # ld merges equal strings after listing them
        if size != inputs.get(section, 0):
            _add(footprint, section, "merged constants" if size < inputs.get(section, 0)
                 else "padding", size - inputs.get(section, 0))
    footprint.stack_reserve = _span(symbols, "_sstack", "_estack")
    footprint.heap_reserve = max(0, _span(symbols, "end", "_sstack"))
    return footprint


def _add(footprint: Footprint, section: str, part: str, size: int) -> None:
    if section in FLASH_SECTIONS or section in BOTH_SECTIONS:
        footprint.flash[part] = footprint.flash.get(part, 0) + size
    if section in RAM_SECTIONS or section in BOTH_SECTIONS:
        footprint.ram[part] = footprint.ram.get(part, 0) + size


def _counted(section: str) -> bool:
    return any(section == s or section.startswith(s + ".") for s in
               FLASH_SECTIONS + RAM_SECTIONS + BOTH_SECTIONS)


def _span(symbols: dict, low: str, high: str) -> int:
    if low in symbols and high in symbols:
        return symbols[high] - symbols[low]
    return 0


def of_build(elf: Path, platform) -> Footprint | None:
    """The footprint of a lab build (its app.map beside the ELF), None for ELFs built
    elsewhere."""
    from .elf import read_firmware
    map_path = Path(elf).with_name("app.map")
    if not map_path.exists():
        return None
    symbols = {name: symbol.address for name, symbol in read_firmware(elf).symbols.items()}
    return read(map_path, symbols, platform.region("flash").size, platform.region("ram").size)
