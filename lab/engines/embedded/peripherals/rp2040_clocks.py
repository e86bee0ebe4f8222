"""RP2040 CLOCKS (0x40008000): the clock generators' muxes and dividers.

RP2040 datasheet §2.15 (clocks), registers §2.15.7. Each generator n has three
registers at 0x0C x n: CTRL, DIV, SELECTED; n = gpout0..3 (0..3), ref (4), sys (5),
peri (6), usb (7), adc (8), rtc (9).
  CLK_REF_CTRL   SRC [1:0] (0 rosc, 1 aux, 2 xosc), AUXSRC [6:5] (0 pll_usb, 1-2 gpin)
  CLK_REF_DIV    INT [9:8] (reset 1)
  CLK_SYS_CTRL   SRC [0] (0 clk_ref, 1 aux), AUXSRC [7:5] (0 pll_sys, 1 pll_usb,
                 2 rosc, 3 xosc, 4-5 gpin)
  CLK_SYS_DIV    INT [31:8] (reset 1), FRAC [7:0]
  CLK_PERI_CTRL  KILL [10], ENABLE [11], AUXSRC [7:5] (0 clk_sys, 1 pll_sys,
                 2 pll_usb, 3 rosc, 4 xosc, 5-6 gpin); no divider
  CLK_x_SELECTED the glitchless muxes (ref, sys) read one-hot of SRC (reset 0x1);
                 the others are hardwired to 0x1
An integer divisor of 0 divides by 2^width (§2.15.3.2).

The frequencies are computed from the sources (XOSC, the PLLs, the ROSC at its
nominal 6.5 MHz) for the models that need them (UART baud rate, the watchdog tick).
The core itself always runs at the board's clock_hz: a firmware that leaves clk_sys
elsewhere gets a warning, and its timing in cycles, not seconds, stays right.
The frequency counter (FC0), resus and the GPOUT outputs are stored, not modelled.
"""
from __future__ import annotations

import logging

from ..registers import RO
from .rp2040_base import Rp2040Peripheral

log = logging.getLogger("lab.rp2040")

GENERATORS = ("gpout0", "gpout1", "gpout2", "gpout3", "ref", "sys", "peri", "usb", "adc",
              "rtc")
ROSC_NOMINAL_HZ = 6_500_000
REF_SOURCES = ("rosc", "aux", "xosc")
REF_AUX = ("pll_usb", "gpin0", "gpin1")
SYS_AUX = ("pll_sys", "pll_usb", "rosc", "xosc", "gpin0", "gpin1")
PERI_AUX = ("clk_sys", "pll_sys", "pll_usb", "rosc", "xosc", "gpin0", "gpin1")


class Clocks(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.sources = {}
        self._warned_hz = None
        for n, generator in enumerate(GENERATORS):
            self._define_generator(0x0C * n, generator.upper())
        r = self.regs
        for offset, register in ((0xA0, "WAKE_EN0"), (0xA4, "WAKE_EN1"), (0xA8, "SLEEP_EN0"),
                                 (0xAC, "SLEEP_EN1")):
            r.define(offset, register, reset=0xFFFFFFFF if register.endswith("0") else 0x7FFF)

    def _define_generator(self, offset: int, g: str) -> None:
        r = self.regs
        ctrl = r.define(offset, f"CLK_{g}_CTRL", write=lambda v: self._check_sys())
        if g == "REF":
            ctrl.with_value_field(0, 2, "SRC").with_value_field(5, 2, "AUXSRC")
            r.define(offset + 4, f"CLK_{g}_DIV").with_value_field(8, 2, "INT", reset=1)
        elif g == "SYS":
            ctrl.with_flag(0, "SRC").with_value_field(5, 3, "AUXSRC")
            r.define(offset + 4, f"CLK_{g}_DIV", write=lambda v: self._check_sys()) \
                .with_value_field(0, 8, "FRAC").with_value_field(8, 24, "INT", reset=1)
        else:
            ctrl.with_value_field(5, 4 if g.startswith("GPOUT") else 3, "AUXSRC") \
                .with_flag(10, "KILL").with_flag(11, "ENABLE")
            if g != "PERI":
                ctrl.with_value_field(16, 2, "PHASE").with_flag(20, "NUDGE")
                div = r.define(offset + 4, f"CLK_{g}_DIV")
                if g in ("USB", "ADC"):
                    div.with_value_field(8, 2, "INT", reset=1)
                else:
                    div.with_value_field(0, 8, "FRAC").with_value_field(8, 24, "INT", reset=1)
        glitchless = g in ("REF", "SYS")
        r.define(offset + 8, f"CLK_{g}_SELECTED").with_value_field(
            0, 32, mode=RO, reset=1,
            value=(lambda g=g: 1 << self.regs.value(f"CLK_{g}_CTRL", "SRC")) if glitchless
            else None)

    def connect_board(self, platform) -> None:
        self.sources = {name: self.link(platform, name) for name in ("xosc", "pll_sys", "pll_usb")}

    # ------------------------------------------------------------ frequencies
    def _source(self, name: str) -> int:
        if name == "rosc":
            return ROSC_NOMINAL_HZ
        if name == "clk_sys":
            return self.frequency("sys")
        model = self.sources.get(name)
        return model.frequency() if model is not None else 0   # gpin: nothing connected

    def frequency(self, generator: str) -> int:
        """The output of clk_<generator> in Hz (ref, sys, peri)."""
        g = generator.upper()
        r = self.regs
        if g == "REF":
            src = REF_SOURCES[min(r.value("CLK_REF_CTRL", "SRC"), 2)]
            hz = self._source(REF_AUX[min(r.value("CLK_REF_CTRL", "AUXSRC"), 2)]
                              if src == "aux" else src)
            return hz // (r.value("CLK_REF_DIV", "INT") or 4)
        if g == "SYS":
            if r.value("CLK_SYS_CTRL", "SRC"):
                hz = self._source(SYS_AUX[min(r.value("CLK_SYS_CTRL", "AUXSRC"), 5)])
            else:
                hz = self.frequency("ref")
            divisor_256 = (r.value("CLK_SYS_DIV", "INT") or 1 << 24) * 256 + \
                r.value("CLK_SYS_DIV", "FRAC")
            return hz * 256 // divisor_256
        if g == "PERI":
            if not r.value("CLK_PERI_CTRL", "ENABLE") or r.value("CLK_PERI_CTRL", "KILL"):
                return 0
            return self._source(PERI_AUX[min(r.value("CLK_PERI_CTRL", "AUXSRC"), 6)])
        raise ValueError(f"clk_{generator} frequency is not modelled")

    def _check_sys(self) -> None:
        """The core runs at the board's clock_hz whatever clk_sys is set to: say so once
        when the firmware runs clk_sys from a source at another frequency."""
        if not self.regs.value("CLK_SYS_CTRL", "SRC"):
            return       # on clk_ref: the boot-time setting before the PLL runs
        hz = self.frequency("sys")
        if hz and hz != self.machine.clock_hz and hz != self._warned_hz:
            self._warned_hz = hz
            log.warning("%s: clk_sys set to %d Hz; the core runs at the board's %d Hz",
                        self.name, hz, self.machine.clock_hz)
