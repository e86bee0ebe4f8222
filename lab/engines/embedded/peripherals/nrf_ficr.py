"""nRF52840 FICR (factory information, read-only) at 0x10000000.

DEVICEID and DEVICEADDR are fixed per board description (`device_id` option) so
runs stay deterministic.
"""
from __future__ import annotations

from ..peripheral import Peripheral

PART_NRF52840 = 0x00052840
VARIANT_AAD0 = 0x41414430       # "AAD0"
PACKAGE_QI = 0x2004
RAM_256K, FLASH_1M = 0x100, 0x400


class Ficr(Peripheral):
    def __init__(self, machine, name, base, irq=None, device_id: int = 0x1AB5C0DE5EED0001,
                 **options):
        super().__init__(machine, name, base, irq, **options)
        low, high = device_id & 0xFFFFFFFF, device_id >> 32
        for offset, register, value in (
                (0x010, "CODEPAGESIZE", 4096), (0x014, "CODESIZE", 256),
                (0x060, "DEVICEID[0]", low), (0x064, "DEVICEID[1]", high),
                (0x0A0, "DEVICEADDRTYPE", 1), (0x0A4, "DEVICEADDR[0]", low ^ 0xA5A5A5A5),
                (0x0A8, "DEVICEADDR[1]", (high & 0xFFFF) | 0xC000),
                (0x100, "INFO.PART", PART_NRF52840), (0x104, "INFO.VARIANT", VARIANT_AAD0),
                (0x108, "INFO.PACKAGE", PACKAGE_QI), (0x10C, "INFO.RAM", RAM_256K),
                (0x110, "INFO.FLASH", FLASH_1M)):
            self.regs.define(offset, register, reset=value, writable=0)
