"""SysTick (ARMv7-M B3.3): a 24-bit down-counter on the processor clock.

The counter is computed from virtual time, never ticked: an anchor (time, value)
plus LOAD gives VAL at any time, and one scheduled event per wrap sets COUNTFLAG
and pends the SysTick exception. SysTick runs from FCLK, so it keeps counting
while the core sleeps in WFI.
"""
from __future__ import annotations

from .exceptions import SYSTICK

ENABLE, TICKINT, CLKSOURCE, COUNTFLAG = 1 << 0, 1 << 1, 1 << 2, 1 << 16
CALIB_NOREF_SKEW = 0xC0000000   # no reference clock, TENMS not exact


class SysTick:
    def __init__(self, machine, exceptions):
        self.machine = machine
        self.exceptions = exceptions
        self.reset()

    def reset(self) -> None:
        self.ctrl = CLKSOURCE
        self.load = 0
        self.anchor_time = 0
        self.anchor_value = 0
        self.countflag = False
        self._event = None

    def define(self, regs) -> None:
        regs.define(0x010, "SYST_CSR", read=self._read_ctrl, write=self._write_ctrl)
        regs.define(0x014, "SYST_RVR", read=lambda: self.load, write=self._write_load)
        regs.define(0x018, "SYST_CVR", read=self.value, write=self._write_value)
        regs.define(0x01C, "SYST_CALIB", reset=CALIB_NOREF_SKEW, writable=0)

    # ------------------------------------------------------------- counter
    @property
    def period(self) -> int:
        return self.load + 1

    def value(self) -> int:
        if not self.ctrl & ENABLE or self.load == 0:
            return self.anchor_value
        ticks = self.machine.now() - self.anchor_time
        if self.anchor_value and ticks <= self.anchor_value:
            return self.anchor_value - ticks
        since_first_reload = ticks - self.anchor_value - 1
        return self.load - since_first_reload % self.period

    def _next_zero(self) -> int:
        """Virtual time of the next 1 -> 0 transition after now."""
        now = self.machine.now()
        first = self.anchor_time + (self.anchor_value if self.anchor_value else self.period)
        if first > now:
            return first
        return first + ((now - first) // self.period + 1) * self.period

    def _reschedule(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        if self.ctrl & ENABLE and self.load:
            self._event = self.machine.scheduler.at(self._next_zero(), self._on_zero)

    def _on_zero(self, time: int) -> None:
        self.countflag = True
        if self.ctrl & TICKINT:
            self.exceptions.set_pending(SYSTICK)
        self._event = self.machine.scheduler.at(time + self.period, self._on_zero)

    # ----------------------------------------------------------- registers
    def _read_ctrl(self) -> int:
        value = self.ctrl | (COUNTFLAG if self.countflag else 0)
        self.countflag = False   # COUNTFLAG clears when read
        return value

    def _write_ctrl(self, value: int) -> None:
        was_enabled = self.ctrl & ENABLE
        if was_enabled:
            self.anchor_value, self.anchor_time = self.value(), self.machine.now()
        self.ctrl = (value & (ENABLE | TICKINT)) | CLKSOURCE
        if not was_enabled and self.ctrl & ENABLE:
            self.anchor_time = self.machine.now()
        self._reschedule()

    def _write_load(self, value: int) -> None:
        if self.ctrl & ENABLE:
            self._reanchor_keeping_count()
        self.load = value & 0xFFFFFF
        self._reschedule()

    def _reanchor_keeping_count(self) -> None:
        self.anchor_value, self.anchor_time = self.value(), self.machine.now()

    def _write_value(self, value: int) -> None:
        self.anchor_time, self.anchor_value = self.machine.now(), 0
        self.countflag = False
        self._reschedule()
