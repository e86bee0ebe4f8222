"""nRF52840 TIMER0-4: timer mode at 16 MHz / 2^PRESCALER, or counter mode (TASKS_COUNT).

In timer mode the value is computed from virtual time. COMPARE[n] fires when the
counter reaches CC[n] (BITMODE sets the width it wraps at); SHORTS clear or stop
the timer on a compare; CAPTURE[n] copies the value at the exact cycle of the
task write.
"""
from __future__ import annotations

from .nrf_base import NrfPeripheral

BASE_HZ = 16_000_000
WIDTHS = {0: 16, 1: 8, 2: 24, 3: 32}     # BITMODE -> bits
MODE_TIMER = 0
PRESCALER_MAX = 9


class Timer(NrfPeripheral):
    has_inten_register = False

    def __init__(self, machine, name, base, irq=None, channels: int = 4, **options):
        super().__init__(machine, name, base, irq, **options)
        self.channels = channels
        self.task(0x000, "TASKS_START", self._start)
        self.task(0x004, "TASKS_STOP", self._stop)
        self.task(0x008, "TASKS_COUNT", self._count)
        self.task(0x00C, "TASKS_CLEAR", self._clear)
        self.task(0x010, "TASKS_SHUTDOWN", self._stop)
        for n in range(channels):
            self.task(0x040 + 4 * n, f"TASKS_CAPTURE[{n}]", lambda n=n: self._capture(n))
            self.event(0x140 + 4 * n, f"EVENTS_COMPARE[{n}]")
            self.shortcut(n, f"COMPARE{n}_CLEAR", f"EVENTS_COMPARE[{n}]", self._clear)
            self.shortcut(8 + n, f"COMPARE{n}_STOP", f"EVENTS_COMPARE[{n}]", self._stop)
        r = self.regs
        r.define(0x504, "MODE").with_value_field(0, 2, write=lambda v: self._reanchor())
        r.define(0x508, "BITMODE").with_value_field(0, 2, write=lambda v: self._reanchor())
        r.define(0x510, "PRESCALER") \
            .with_value_field(0, 4, reset=4, write=lambda v: self._reanchor())
        for n in range(channels):
            r.define(0x540 + 4 * n, f"CC[{n}]") \
                .with_value_field(0, 32, write=lambda v: self._reschedule())
        self._clear_state()

    def _clear_state(self) -> None:
        self.running = False
        self.anchor_time = 0
        self.anchor_value = 0
        self._pending = []

    def reset(self) -> None:
        for event in self._pending:
            event.cancel()
        super().reset()
        self._clear_state()

    # ------------------------------------------------------------ value
    def _width_mask(self) -> int:
        return (1 << WIDTHS[self.regs.value("BITMODE")]) - 1

    def _timer_mode(self) -> bool:
        return self.regs.value("MODE") == MODE_TIMER

    def _cycles_per_tick(self) -> tuple[int, int]:
        """A tick lasts numerator / denominator core cycles."""
        prescaler = min(self.regs.value("PRESCALER"), PRESCALER_MAX)
        return self.machine.clock_hz << prescaler, BASE_HZ

    def _ticks_since_anchor(self, time: int) -> int:
        numerator, denominator = self._cycles_per_tick()
        return (time - self.anchor_time) * denominator // numerator

    def _time_of_tick(self, ticks: int) -> int:
        numerator, denominator = self._cycles_per_tick()
        return self.anchor_time + (ticks * numerator + denominator - 1) // denominator

    def value(self) -> int:
        if self.running and self._timer_mode():
            return (self.anchor_value + self._ticks_since_anchor(self.now())) & self._width_mask()
        return self.anchor_value & self._width_mask()

    def _reanchor(self) -> None:
        self.anchor_value, self.anchor_time = self.value(), self.now()
        self._reschedule()

    # ------------------------------------------------------------ tasks
    def _start(self) -> None:
        if not self.running:
            self.running = True
            self.anchor_time = self.now()
            self._reschedule()

    def _stop(self) -> None:
        if self.running:
            self.anchor_value = self.value()
            self.running = False
            self._reschedule()

    def _clear(self) -> None:
        self.anchor_value, self.anchor_time = 0, self.now()
        self._reschedule()

    def _count(self) -> None:
        if self.running and not self._timer_mode():
            self.anchor_value = (self.anchor_value + 1) & self._width_mask()
            for n in range(self.channels):
                if self.anchor_value == self.regs.value(f"CC[{n}]") & self._width_mask():
                    self.generate(f"EVENTS_COMPARE[{n}]")

    def _capture(self, n: int) -> None:
        self.regs.set(f"CC[{n}]", self.value())
        self._reschedule()

    # ----------------------------------------------------------- events
    def _reschedule(self) -> None:
        for event in self._pending:
            event.cancel()
        self._pending = []
        if not (self.running and self._timer_mode()):
            return
        mask = self._width_mask()
        now = self.now()
        elapsed = self._ticks_since_anchor(now)
        current = (self.anchor_value + elapsed) & mask
        for n in range(self.channels):
            target = self.regs.value(f"CC[{n}]") & mask
            steps = (target - current) & mask or mask + 1
            time = self._time_of_tick(elapsed + steps)
            self._pending.append(self.schedule(time, self._compare, n))

    def _compare(self, time: int, n: int) -> None:
        self.generate(f"EVENTS_COMPARE[{n}]")   # shortcuts may clear or stop
        self._reschedule()
