"""RP2040 XOSC (0x40024000): the crystal oscillator (12 MHz on the Pico).

RP2040 datasheet §2.16.7 (XOSC registers):
  0x00 CTRL     FREQ_RANGE [11:0] (0xAA0: 1-15 MHz), ENABLE [23:12] (0xD1E disable,
                0xFAB enable); reset: FREQ_RANGE 0xAA0 (after the bootrom; the
                datasheet lists it as x)
  0x04 STATUS   FREQ_RANGE [1:0], ENABLED [12], BADWRITE [24] (W1C), STABLE [31]
  0x08 DORMANT  write 0x636F6D61 ("dorm") to stop the oscillator: not modelled
  0x0C STARTUP  DELAY [13:0] (reset 0xC4), X4 [20]: STABLE rises DELAY x 256
                (x 4 with X4) crystal cycles after ENABLE
  0x1C COUNT    [7:0] counts down at the XOSC frequency to 0
The start-up delay is counted in virtual time from the write that enables it.
"""
from __future__ import annotations

from ..registers import RO, W1C
from .rp2040_base import Rp2040Peripheral

ENABLE, DISABLE = 0xFAB, 0xD1E
FREQ_RANGE_1_15MHZ = 0xAA0
STARTUP_UNIT = 256


class Xosc(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, frequency_hz: int = 12_000_000,
                 **options):
        super().__init__(machine, name, base, irq, **options)
        self.crystal_hz = frequency_hz
        r = self.regs
        r.define(0x00, "CTRL").with_value_field(0, 12, "FREQ_RANGE", reset=FREQ_RANGE_1_15MHZ) \
            .with_value_field(12, 12, "ENABLE", change=lambda old, new: self._enable_written(new))
        r.define(0x04, "STATUS").with_value_field(0, 2, "FREQ_RANGE", mode=RO) \
            .with_flag(12, "ENABLED", mode=RO, value=lambda: int(self.enabled)) \
            .with_flag(24, "BADWRITE", mode=W1C) \
            .with_flag(31, "STABLE", mode=RO, value=lambda: int(self.stable()))
        r.define(0x08, "DORMANT").with_value_field(0, 32)
        r.define(0x0C, "STARTUP").with_value_field(0, 14, "DELAY", reset=0xC4) \
            .with_flag(20, "X4")
        r.define(0x1C, "COUNT").with_value_field(0, 8, write=lambda v: self._count_written(v),
                                                 value=self._count)
        self._clear_state()

    def _clear_state(self) -> None:
        self.enabled = False
        self.stable_at = None          # virtual time STABLE rises
        self._count_from = (0, 0)      # (value written, time)

    def reset(self) -> None:
        super().reset()
        self._clear_state()

    def _enable_written(self, value: int) -> None:
        if value == ENABLE and not self.enabled:
            self.enabled = True
            delay = self.regs.value("STARTUP", "DELAY") * STARTUP_UNIT
            delay *= 4 if self.regs.value("STARTUP", "X4") else 1
            self.stable_at = self.now() + self._core_cycles(delay)
        elif value == DISABLE:
            self.enabled, self.stable_at = False, None
        elif value not in (ENABLE, DISABLE):
            self.regs.set("STATUS", 1, "BADWRITE")

    def _core_cycles(self, crystal_cycles: int) -> int:
        return -(-crystal_cycles * self.machine.clock_hz // self.crystal_hz)

    def stable(self) -> bool:
        return self.stable_at is not None and self.now() >= self.stable_at

    def frequency(self) -> int:
        """The oscillator's output in Hz (0 until it is stable)."""
        return self.crystal_hz if self.stable() else 0

    def _count_written(self, value: int) -> None:
        self._count_from = (value, self.now())

    def _count(self) -> int:
        value, since = self._count_from
        elapsed = (self.now() - since) * self.crystal_hz // self.machine.clock_hz
        return max(0, value - elapsed)
