"""Data Watchpoint and Trace unit: CTRL and CYCCNT (ARMv7-M C1.8), at 0xE0001000.

CYCCNT counts the cycles the core executes (not sleep) while DEMCR.TRCENA and
CTRL.CYCCNTENA are set, exactly: a read returns the count just before the
reading instruction. ARMv6-M's DWT (Cortex-M0/M0+) has two comparators and no cycle
counter (ARMv6-M ARM C1.8): there CTRL reads NUMCOMP = 2 and the CYCCNT word reads 0 and
ignores writes, as firmware that assumed a CYCCNT would find on the part.
"""
from __future__ import annotations

from .ppb import PrivateBusModel

CYCCNTENA = 1 << 0
TRCENA = 1 << 24
NUMCOMP_SHIFT = 28


class Dwt(PrivateBusModel):
    def __init__(self, machine, name="dwt", base=0xE0001000, **options):
        super().__init__(machine, name, base, **options)
        self.trcena = False            # DEMCR.TRCENA gates the whole DWT
        self.ctrl = 0
        self.base_count = 0            # CYCCNT at the last enable or write
        self.since = 0                 # active cycles at that moment
        self.has_cycle_counter = machine.profile.architecture != "armv6-m"
        comparators = 4 if self.has_cycle_counter else 2
        self.regs.define(0x000, "CTRL", read=lambda: comparators << NUMCOMP_SHIFT | self.ctrl,
                         write=self._write_ctrl)
        self.regs.define(0x004, "CYCCNT", read=self.cyccnt, write=self._write_cyccnt)

    def reset(self) -> None:
        super().reset()
        self.trcena, self.ctrl, self.base_count, self.since = False, 0, 0, 0

    def counting(self) -> bool:
        return self.has_cycle_counter and self.trcena and bool(self.ctrl & CYCCNTENA)

    def set_demcr(self, value: int) -> None:
        current = self.cyccnt()
        self.trcena = bool(value & TRCENA)
        self.base_count, self.since = current, self.machine.active_cycles()

    def cyccnt(self) -> int:
        if not self.counting():
            return self.base_count
        return (self.base_count + self.machine.active_cycles() - self.since) & 0xFFFFFFFF

    def _write_ctrl(self, value: int) -> None:
        current = self.cyccnt()
        self.ctrl = value & (0x1FFF if self.has_cycle_counter else 0)
        self.base_count, self.since = current, self.machine.active_cycles()

    def _write_cyccnt(self, value: int) -> None:
        if self.has_cycle_counter:
            self.base_count, self.since = value & 0xFFFFFFFF, self.machine.active_cycles()
