"""RP2040 TIMER (0x40054000): the 64-bit microsecond timebase and four alarms.

RP2040 datasheet §4.6 (timer), registers §4.6.5:
  0x00 TIMEHW / 0x04 TIMELW  write the time: TIMELW first, then TIMEHW (write-only)
  0x08 TIMEHR / 0x0C TIMELR  read the time: reading TIMELR latches the high word
                             that TIMEHR then returns (§4.6.2)
  0x10-0x1C ALARM0..3        writing arms the alarm; it fires when TIMELR equals it
                             (only the low 32 bits are compared), then disarms
  0x20 ARMED   [3:0]         read: armed alarms; write 1 to disarm (W1C)
  0x24 TIMERAWH / 0x28 TIMERAWL  the time without the latch
  0x2C DBGPAUSE [2:1] (reset 0x7), 0x30 PAUSE [0]: the timer stands still while set
  0x34 INTR  [3:0] raw interrupts, write 1 to clear
  0x38 INTE, 0x3C INTF (force), 0x40 INTS = (INTR | INTF) & INTE
IRQ: TIMER_IRQ_n = n (§2.3.2), one line per alarm.
The timer counts the watchdog's tick (1 MHz from 12 MHz clk_ref / 12): its value
is computed from virtual time, each alarm is one scheduled event. The tick rate is
taken when WATCHDOG.TICK is written (a later change of clk_ref alone is not seen).
"""
from __future__ import annotations

from fractions import Fraction
from math import ceil

from ..registers import RO, W1C, WO
from .rp2040_base import Rp2040Peripheral

ALARMS = 4
LOW = 0xFFFFFFFF


class Timer(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.tick = None
        self._rate = Fraction(1_000_000)
        r = self.regs
        r.define(0x00, "TIMEHW").with_value_field(0, 32, mode=WO, write=self._write_high)
        r.define(0x04, "TIMELW").with_value_field(0, 32, mode=WO, write=self._write_low)
        r.define(0x08, "TIMEHR").with_value_field(0, 32, mode=RO, value=lambda: self._latched)
        r.define(0x0C, "TIMELR").with_value_field(0, 32, mode=RO, value=self._read_low)
        for n in range(ALARMS):
            r.define(0x10 + 4 * n, f"ALARM{n}") \
                .with_value_field(0, 32, write=lambda v, n=n: self._arm(n))
        r.define(0x20, "ARMED").with_value_field(0, ALARMS, mode=W1C,
                                                 write=lambda v: self._reschedule())
        r.define(0x24, "TIMERAWH").with_value_field(0, 32, mode=RO,
                                                    value=lambda: self.value() >> 32)
        r.define(0x28, "TIMERAWL").with_value_field(0, 32, mode=RO,
                                                    value=lambda: self.value() & LOW)
        r.define(0x2C, "DBGPAUSE").with_flag(1, "DBG0", reset=1).with_flag(2, "DBG1", reset=1)
        r.define(0x30, "PAUSE").with_flag(0, change=lambda old, new: self._reanchor(bool(old)))
        r.define(0x34, "INTR").with_value_field(0, ALARMS, mode=W1C,
                                                write=lambda v: self._update_irqs())
        r.define(0x38, "INTE").with_value_field(0, ALARMS, write=lambda v: self._update_irqs())
        r.define(0x3C, "INTF").with_value_field(0, ALARMS, write=lambda v: self._update_irqs())
        r.define(0x40, "INTS").with_value_field(0, ALARMS, mode=RO, value=self._status)
        self._clear_state(time=0)

    def _clear_state(self, time: int) -> None:
        self.anchor_time = time
        self.anchor_value = 0
        self._latched = 0
        self._written_low = 0
        self._events = [None] * ALARMS

    def connect_board(self, platform) -> None:
        self.tick = self.link(platform, "tick")
        if self.tick is not None:
            self.tick.listeners.append(lambda: self._reanchor(self._paused()))
        self._rate = self._tick_hz()

    def reset(self) -> None:
        for event in self._events:
            if event is not None:
                event.cancel()
        super().reset()
        self._clear_state(self.now())
        self._rate = self._tick_hz()
        self._update_irqs()

    # ------------------------------------------------------------- time
    def _tick_hz(self) -> Fraction:
        return self.tick.tick_hz() if self.tick is not None else Fraction(1_000_000)

    def _paused(self) -> bool:
        return bool(self.regs.value("PAUSE"))

    def value(self, time: int | None = None) -> int:
        """The 64-bit time in ticks at virtual time `time` (default: now)."""
        time = self.now() if time is None else time
        return self.anchor_value if self._paused() else self._running_value(time)

    def _running_value(self, time: int) -> int:
        elapsed = (time - self.anchor_time) * self._rate / self.machine.clock_hz
        return (self.anchor_value + int(elapsed)) & (2**64 - 1)

    def _time_of(self, ticks_ahead: int) -> int:
        """The first virtual time at which `ticks_ahead` more ticks have counted."""
        cycles = ceil((self._ticks_counted() + ticks_ahead) * self.machine.clock_hz / self._rate)
        return self.anchor_time + cycles

    def _ticks_counted(self) -> int:
        return self.value() - self.anchor_value

    def _reanchor(self, was_paused: bool) -> None:
        """PAUSE or the tick changed: keep the value, count on from now at the new rate."""
        now = self.now()
        if not was_paused:     # PAUSE may be set already: count up to now at the old rate
            self.anchor_value = self._running_value(now)
        self.anchor_time = now
        self._rate = self._tick_hz()
        self._reschedule()

    def _read_low(self) -> int:
        value = self.value()
        self._latched = value >> 32
        return value & LOW

    def _write_low(self, value: int) -> None:
        self._written_low = value

    def _write_high(self, value: int) -> None:
        self.anchor_value, self.anchor_time = (value << 32) | self._written_low, self.now()
        self._reschedule()

    # ------------------------------------------------------------ alarms
    def _arm(self, n: int) -> None:
        self.regs.set("ARMED", self.regs.value("ARMED") | 1 << n)
        self._reschedule()

    def _reschedule(self) -> None:
        for n in range(ALARMS):
            if self._events[n] is not None:
                self._events[n].cancel()
                self._events[n] = None
            if not self.regs.value("ARMED") >> n & 1 or self._paused() or not self._rate:
                continue
            ahead = (self.regs.value(f"ALARM{n}") - self.value()) & LOW
            self._events[n] = self.schedule(max(self._time_of(ahead), self.now()), self._fire,
                                            n)

    def _fire(self, time: int, n: int) -> None:
        self._events[n] = None
        self.regs.set("ARMED", self.regs.value("ARMED") & ~(1 << n))
        self.regs.set("INTR", self.regs.value("INTR") | 1 << n)
        self._update_irqs()

    # -------------------------------------------------------- interrupts
    def _status(self) -> int:
        return (self.regs.value("INTR") | self.regs.value("INTF")) & self.regs.value("INTE")

    def _update_irqs(self) -> None:
        status = self._status()
        for n in range(ALARMS):
            self.machine.exceptions.set_irq_line(self.irq + n, bool(status >> n & 1))
