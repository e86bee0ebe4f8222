"""nRF52 FICR (factory information, read-only) at 0x10000000 (PS "FICR" register table,
the same offsets on the nRF52840 and nRF52833).

What identifies the chip comes from the SoC description: `part` (0x52840, 0x52833),
`variant` (four ASCII letters, e.g. AAD0), `package` (e.g. 0x2004 QI); INFO.RAM and
INFO.FLASH (KiB) and CODESIZE (pages) follow from the SoC's memory regions `ram` and
`flash`. DEVICEID and DEVICEADDR are fixed per board description (`device_id` option)
so runs stay deterministic.
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO

CODE_PAGE_BYTES = 4096
ADDRESS_RANDOM = 1
KIB = 1024


def ascii_code(text: str) -> int:
    """INFO.VARIANT holds four ASCII letters, the first in the top byte ("AAD0")."""
    return int.from_bytes(text.encode("ascii")[:4].ljust(4, b"\0"), "big")


class Ficr(Peripheral):
    def __init__(self, machine, name, base, irq=None, part: int = 0, variant: str = "AAAA",
                 package: int = 0, device_id: int = 0x1AB5C0DE5EED0001, **options):
        super().__init__(machine, name, base, irq, **options)
        flash, ram = machine.platform.region("flash"), machine.platform.region("ram")
        low, high = device_id & 0xFFFFFFFF, device_id >> 32
        r = self.regs
        r.define(0x010, "CODEPAGESIZE").with_value_field(0, 32, mode=RO, reset=CODE_PAGE_BYTES)
        r.define(0x014, "CODESIZE").with_value_field(0, 32, mode=RO,
                                                     reset=flash.size // CODE_PAGE_BYTES)
        r.define(0x060, "DEVICEID[0]").with_value_field(0, 32, mode=RO, reset=low)
        r.define(0x064, "DEVICEID[1]").with_value_field(0, 32, mode=RO, reset=high)
        r.define(0x0A0, "DEVICEADDRTYPE").with_flag(0, mode=RO, reset=ADDRESS_RANDOM)
        r.define(0x0A4, "DEVICEADDR[0]").with_value_field(0, 32, mode=RO,
                                                         reset=low ^ 0xA5A5A5A5)
        # a random static BLE address: its two top bits are 1
        r.define(0x0A8, "DEVICEADDR[1]").with_value_field(0, 32, mode=RO,
                                                         reset=(high & 0xFFFF) | 0xC000)
        r.define(0x100, "INFO.PART").with_value_field(0, 32, mode=RO, reset=part)
        r.define(0x104, "INFO.VARIANT").with_value_field(0, 32, mode=RO,
                                                        reset=ascii_code(str(variant)))
        r.define(0x108, "INFO.PACKAGE").with_value_field(0, 32, mode=RO, reset=package)
        r.define(0x10C, "INFO.RAM").with_value_field(0, 32, mode=RO, reset=ram.size // KIB)
        r.define(0x110, "INFO.FLASH").with_value_field(0, 32, mode=RO, reset=flash.size // KIB)
