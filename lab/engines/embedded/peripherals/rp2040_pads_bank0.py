"""RP2040 PADS_BANK0 (0x4001C000): pad controls of GPIO0..29.

RP2040 datasheet §2.19.6.3 (pad control, user bank), register table:
  0x00 VOLTAGE_SELECT  bit 0: 0 = 3.3 V, 1 = 1.8 V
  0x04 + 4n GPIOn      SLEWFAST [0], SCHMITT [1] (reset 1), PDE [2] (reset 1),
                       PUE [3], DRIVE [5:4] (reset 1: 4 mA), IE [6] (reset 1),
                       OD [7] (output disable); reset value 0x56
  0x7C SWCLK, 0x80 SWD  (same layout; reset 0xDA and 0x5A)
The registers are stored as written. The pad's pull resistors decide what an
undriven input reads (IO_BANK0 asks); drive strength and slew have no effect here.
"""
from __future__ import annotations

from .rp2040_base import Rp2040Peripheral

GPIOS = 30


def _define_pad(regs, offset: int, name: str, pull_up: int = 0, pull_down: int = 1,
                output_disable: int = 0):
    regs.define(offset, name) \
        .with_flag(0, "SLEWFAST").with_flag(1, "SCHMITT", reset=1) \
        .with_flag(2, "PDE", reset=pull_down).with_flag(3, "PUE", reset=pull_up) \
        .with_value_field(4, 2, "DRIVE", reset=1).with_flag(6, "IE", reset=1) \
        .with_flag(7, "OD", reset=output_disable)


class PadsBank0(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.regs.define(0x00, "VOLTAGE_SELECT").with_flag(0, "VOLTAGE_SELECT")
        for n in range(GPIOS):
            _define_pad(self.regs, 0x04 + 4 * n, f"GPIO{n}")
        _define_pad(self.regs, 0x7C, "SWCLK", pull_up=1, pull_down=0, output_disable=1)
        _define_pad(self.regs, 0x80, "SWD", pull_up=1, pull_down=0)

    def pull(self, pin: int) -> int | None:
        """The level an undriven input settles to: 1 (pull-up), 0 (pull-down), None."""
        if self.regs.value(f"GPIO{pin}", "PUE"):
            return 1
        if self.regs.value(f"GPIO{pin}", "PDE"):
            return 0
        return None

    def output_disabled(self, pin: int) -> bool:
        return bool(self.regs.value(f"GPIO{pin}", "OD"))

    def input_enabled(self, pin: int) -> bool:
        return bool(self.regs.value(f"GPIO{pin}", "IE"))
