"""nRF52840 FICR (factory information, read-only) at 0x10000000.

DEVICEID and DEVICEADDR are fixed per board description (`device_id` option) so
runs stay deterministic.
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO

PART_NRF52840 = 0x00052840
VARIANT_AAD0 = 0x41414430       # "AAD0"
PACKAGE_QI = 0x2004
RAM_256K, FLASH_1M = 0x100, 0x400
CODE_PAGE_BYTES, CODE_PAGES = 4096, 256
ADDRESS_RANDOM = 1


class Ficr(Peripheral):
    def __init__(self, machine, name, base, irq=None, device_id: int = 0x1AB5C0DE5EED0001,
                 **options):
        super().__init__(machine, name, base, irq, **options)
        low, high = device_id & 0xFFFFFFFF, device_id >> 32
        r = self.regs
        r.define(0x010, "CODEPAGESIZE").with_value_field(0, 32, mode=RO, reset=CODE_PAGE_BYTES)
        r.define(0x014, "CODESIZE").with_value_field(0, 32, mode=RO, reset=CODE_PAGES)
        r.define(0x060, "DEVICEID[0]").with_value_field(0, 32, mode=RO, reset=low)
        r.define(0x064, "DEVICEID[1]").with_value_field(0, 32, mode=RO, reset=high)
        r.define(0x0A0, "DEVICEADDRTYPE").with_flag(0, mode=RO, reset=ADDRESS_RANDOM)
        r.define(0x0A4, "DEVICEADDR[0]").with_value_field(0, 32, mode=RO,
                                                         reset=low ^ 0xA5A5A5A5)
        # a random static BLE address: its two top bits are 1
        r.define(0x0A8, "DEVICEADDR[1]").with_value_field(0, 32, mode=RO,
                                                         reset=(high & 0xFFFF) | 0xC000)
        r.define(0x100, "INFO.PART").with_value_field(0, 32, mode=RO, reset=PART_NRF52840)
        r.define(0x104, "INFO.VARIANT").with_value_field(0, 32, mode=RO, reset=VARIANT_AAD0)
        r.define(0x108, "INFO.PACKAGE").with_value_field(0, 32, mode=RO, reset=PACKAGE_QI)
        r.define(0x10C, "INFO.RAM").with_value_field(0, 32, mode=RO, reset=RAM_256K)
        r.define(0x110, "INFO.FLASH").with_value_field(0, 32, mode=RO, reset=FLASH_1M)
