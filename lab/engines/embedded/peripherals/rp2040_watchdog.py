"""RP2040 WATCHDOG (0x40058000): its scratch registers and the 1 us tick.

RP2040 datasheet §4.7 (watchdog), registers §4.7.6:
  0x00 CTRL        TIME [23:0] (read-only), PAUSE_JTAG [24], PAUSE_DBG0 [25],
                   PAUSE_DBG1 [26] (reset 1 each), ENABLE [30], TRIGGER [31]
  0x04 LOAD        [23:0] (write-only)
  0x08 REASON      TIMER [0], FORCE [1] (read-only)
  0x0C-0x28 SCRATCH0..7
  0x2C TICK        CYCLES [8:0] clk_ref cycles per tick, ENABLE [9] (reset 1),
                   RUNNING [10] (read-only), COUNT [19:11] (read-only)
§4.7.2 (tick generation): the tick drives the TIMER (and the watchdog); with clk_ref at
12 MHz from XOSC, CYCLES = 12 gives the 1 MHz the TIMER expects.
The watchdog's countdown and the resets it would cause are not modelled (CTRL,
LOAD and REASON are stored); CTRL.TRIGGER, which resets the chip at once, is.
"""
from __future__ import annotations

from fractions import Fraction

from ..registers import RO, WO
from .rp2040_base import Rp2040Peripheral


class Watchdog(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.clocks = None
        self.listeners = []     # callables() when the tick changes (the TIMER re-anchors)
        r = self.regs
        r.define(0x00, "CTRL").with_value_field(0, 24, "TIME", mode=RO) \
            .with_flag(24, "PAUSE_JTAG", reset=1).with_flag(25, "PAUSE_DBG0", reset=1) \
            .with_flag(26, "PAUSE_DBG1", reset=1).with_flag(30, "ENABLE") \
            .with_flag(31, "TRIGGER", mode=WO,
                       write=lambda v: v and self.machine.request_reset("watchdog trigger"))
        r.define(0x04, "LOAD").with_value_field(0, 24, mode=WO)
        r.define(0x08, "REASON").with_flag(0, "TIMER", mode=RO).with_flag(1, "FORCE", mode=RO)
        for n in range(8):
            r.define(0x0C + 4 * n, f"SCRATCH{n}").with_value_field(0, 32)
        r.define(0x2C, "TICK", write=lambda v: self._tick_changed()) \
            .with_value_field(0, 9, "CYCLES").with_flag(9, "ENABLE", reset=1) \
            .with_flag(10, "RUNNING", mode=RO, value=lambda: int(self.tick_hz() > 0)) \
            .with_value_field(11, 9, "COUNT", mode=RO)

    def connect_board(self, platform) -> None:
        self.clocks = self.link(platform, "clocks")

    def tick_hz(self) -> Fraction:
        """Ticks per second, exactly: clk_ref / CYCLES while enabled (0 when stopped)."""
        cycles = self.regs.value("TICK", "CYCLES")
        if not self.regs.value("TICK", "ENABLE") or not cycles or self.clocks is None:
            return Fraction(0)
        return Fraction(self.clocks.frequency("ref"), cycles)

    def _tick_changed(self) -> None:
        for listener in self.listeners:
            listener()

    def reset(self) -> None:
        super().reset()
        self._tick_changed()
