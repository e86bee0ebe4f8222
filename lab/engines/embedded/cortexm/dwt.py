"""Data Watchpoint and Trace unit: CTRL and CYCCNT (ARMv7-M C1.8), at 0xE0001000.

CYCCNT counts the cycles the core executes (not sleep) while DEMCR.TRCENA and
CTRL.CYCCNTENA are set, exactly: a read returns the count just before the
reading instruction.
"""
from __future__ import annotations

from .ppb import PrivateBusModel

CYCCNTENA = 1 << 0
NUMCOMP_4 = 4 << 28
TRCENA = 1 << 24


class Dwt(PrivateBusModel):
    def __init__(self, machine, name="dwt", base=0xE0001000, **options):
        super().__init__(machine, name, base, **options)
        self.trcena = False            # DEMCR.TRCENA gates the whole DWT
        self.ctrl = 0
        self.base_count = 0            # CYCCNT at the last enable or write
        self.since = 0                 # active cycles at that moment
        self.regs.define(0x000, "CTRL", read=lambda: NUMCOMP_4 | self.ctrl,
                         write=self._write_ctrl)
        self.regs.define(0x004, "CYCCNT", read=self.cyccnt, write=self._write_cyccnt)

    def reset(self) -> None:
        super().reset()
        self.trcena, self.ctrl, self.base_count, self.since = False, 0, 0, 0

    def counting(self) -> bool:
        return self.trcena and bool(self.ctrl & CYCCNTENA)

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
        self.ctrl = value & 0x1FFF
        self.base_count, self.since = current, self.machine.active_cycles()

    def _write_cyccnt(self, value: int) -> None:
        self.base_count, self.since = value & 0xFFFFFFFF, self.machine.active_cycles()
