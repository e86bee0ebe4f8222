"""RP2040 PLL_SYS (0x40028000) and PLL_USB (0x4002C000).

RP2040 datasheet §2.18 (PLL), registers §2.18.4:
  0x0 CS         REFDIV [5:0] (reset 1), BYPASS [8], LOCK [31] (read-only)
  0x4 PWR        PD [0], DSMPD [2], POSTDIVPD [3], VCOPD [5]; reset 0x2D (all down)
  0x8 FBDIV_INT  [11:0] feedback divisor, 16..320
  0xC PRIM       POSTDIV2 [14:12], POSTDIV1 [18:16] (reset 7 each), 1..7
Output (§2.18.2): FOUTVCO = FREF / REFDIV x FBDIV (750..1600 MHz, datasheet table
"PLL frequency limits"), FOUTPOSTDIV = FOUTVCO / (POSTDIV1 x POSTDIV2). The SDK's
clk_sys: 12 MHz / 1 x 125 = 1500 MHz / (6 x 2) = 125 MHz.

LOCK is reported once the PLL and the VCO are powered with a divisor in range and a
running reference; the lock time (microseconds on the chip) is not modelled.
"""
from __future__ import annotations

from ..registers import RO
from .rp2040_base import Rp2040Peripheral

FBDIV_RANGE = (16, 320)
VCO_RANGE_HZ = (750_000_000, 1_600_000_000)


class Pll(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.reference = None
        r = self.regs
        r.define(0x0, "CS").with_value_field(0, 6, "REFDIV", reset=1).with_flag(8, "BYPASS") \
            .with_flag(31, "LOCK", mode=RO, value=lambda: int(self.locked()))
        r.define(0x4, "PWR").with_flag(0, "PD", reset=1).with_flag(2, "DSMPD", reset=1) \
            .with_flag(3, "POSTDIVPD", reset=1).with_flag(5, "VCOPD", reset=1)
        r.define(0x8, "FBDIV_INT").with_value_field(0, 12)
        r.define(0xC, "PRIM").with_value_field(12, 3, "POSTDIV2", reset=7) \
            .with_value_field(16, 3, "POSTDIV1", reset=7)

    def connect_board(self, platform) -> None:
        self.reference = self.link(platform, "reference")

    def _reference_hz(self) -> int:
        return self.reference.frequency() if self.reference is not None else 0

    def vco_hz(self) -> int:
        refdiv = self.regs.value("CS", "REFDIV")
        fbdiv = self.regs.value("FBDIV_INT")
        if not refdiv or not FBDIV_RANGE[0] <= fbdiv <= FBDIV_RANGE[1]:
            return 0
        return self._reference_hz() // refdiv * fbdiv

    def locked(self) -> bool:
        powered = not (self.regs.value("PWR", "PD") or self.regs.value("PWR", "VCOPD"))
        return powered and VCO_RANGE_HZ[0] <= self.vco_hz() <= VCO_RANGE_HZ[1]

    def frequency(self) -> int:
        """FOUTPOSTDIV in Hz (the reference in bypass, 0 while off or unlocked)."""
        if self.regs.value("CS", "BYPASS"):
            return self._reference_hz()
        postdivs = self.regs.value("PRIM", "POSTDIV1") * self.regs.value("PRIM", "POSTDIV2")
        if not self.locked() or self.regs.value("PWR", "POSTDIVPD") or not postdivs:
            return 0
        return self.vco_hz() // postdivs
