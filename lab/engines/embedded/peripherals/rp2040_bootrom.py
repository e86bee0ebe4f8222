"""The RP2040's boot ROM (0x00000000, 16 KB): the lab's own, built from
firmware/bootrom/<image>/bootrom.S and placed into the ROM region.

RP2040 datasheet §2.8 (bootrom): the real ROM is Raspberry Pi's code and is not
copied here. The lab's ROM does what §2.8.1 describes for a flash boot (set up the
SSI for 03h reads, copy boot2 to 0x20041F00, check its CRC32, run it); see the
source for what it leaves out. It is assembled once per toolchain and source
(content-addressed in the lab's build cache) and written into the ROM again on
every reset (a power cycle clears memory).
"""
from __future__ import annotations

import ctypes
import hashlib
import subprocess
import tempfile
from pathlib import Path

from ....errors import LabError
from ....platforms import ROOT
from ..peripheral import Peripheral

BOOTROM_DIR = ROOT / "firmware" / "bootrom"
CPU_FLAGS = ["-mcpu=cortex-m0plus", "-mthumb"]


def build_image(name: str) -> bytes:
    """The ROM's bytes, built from firmware/bootrom/<name>/ (cached)."""
    from ....build import cache_root, toolchain_version
    source_dir = BOOTROM_DIR / name
    sources = sorted(source_dir.glob("*"))
    if not sources:
        raise LabError(f"no boot ROM sources in {source_dir}")
    digest = hashlib.sha256(toolchain_version().encode())
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    target = cache_root() / "bootrom" / f"{name}-{digest.hexdigest()[:24]}.bin"
    if not target.exists():
        _build(source_dir, target)
    return target.read_bytes()


def _build(source_dir: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        elf, binary = Path(tmp) / "bootrom.elf", Path(tmp) / "bootrom.bin"
        for command in (["arm-none-eabi-gcc", *CPU_FLAGS, "-nostdlib", "-T",
                         str(source_dir / "bootrom.ld"), str(source_dir / "bootrom.S"),
                         "-o", str(elf)],
                        ["arm-none-eabi-objcopy", "-O", "binary", str(elf), str(binary)]):
            proc = subprocess.run(command, capture_output=True, text=True)
            if proc.returncode != 0:
                raise LabError(f"building the boot ROM in {source_dir} failed: "
                               f"{proc.stderr.strip().splitlines()[0]}")
        binary.replace(target)


class BootRom(Peripheral):
    size = 0

    def __init__(self, machine, name, base, irq=None, image: str = "rp2040", **options):
        super().__init__(machine, name, base, irq, **options)
        self.image = build_image(image)
        self._place()

    def windows(self) -> list[tuple[int, int]]:
        return []             # ROM is memory, not registers

    def _place(self) -> None:
        region = next((r for r in self.machine.platform.memory if r.base == self.base), None)
        if region is None or len(self.image) > region.size:
            raise LabError(f"{self.machine.platform.path}: {self.name}: no memory region "
                           f"of at least {len(self.image)} bytes at 0x{self.base:08X}")
        ctypes.memmove(self.machine.memory(region.name), self.image, len(self.image))

    def reset(self) -> None:
        self._place()          # a power cycle clears every buffer, ROM included
