"""nRF52840 PWM0-3 (PWM0 at 0x4001C000, IRQ 28): four channels playing sequences of
compare values from RAM through EasyDMA.

A PWM period lasts COUNTERTOP ticks of 16 MHz / 2^PRESCALER (twice that in
up-and-down mode). SEQSTART[n] plays sequence n: each step loads one value per
channel (DECODER.LOAD: common, grouped, individual or waveform), applies it for
REFRESH + 1 periods; after the last step and ENDDELAY periods SEQEND fires. With
LOOP.CNT the two sequences play back to back LOOP.CNT times (LOOPSDONE). When
playback ends the last value keeps being applied, as on the chip.

Compare value: bits [14:0] the compare, bit 15 the polarity (0: the output starts
low and rises at the compare; 1: it starts high and falls). The model records, per
output pin, the fraction of each period the pin is high, with the virtual time it
changed: the duty-cycle trace behind LED brightness.
"""
from __future__ import annotations

import math

from .nrf_base import NrfPeripheral

BASE_HZ = 16_000_000
LOAD_COMMON, LOAD_GROUPED, LOAD_INDIVIDUAL, LOAD_WAVEFORM = 0, 1, 2, 3
MODE_UP_AND_DOWN = 1
PERIODEND_BIT = 6


class Pwm(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.duty_history: dict[int, list[tuple[int, float]]] = {}  # pin -> [(time, duty)]
        r = self.regs
        self.task(0x004, "TASKS_STOP", self._stop)
        self.task(0x008, "TASKS_SEQSTART[0]", lambda: self._start_sequence(0))
        self.task(0x00C, "TASKS_SEQSTART[1]", lambda: self._start_sequence(1))
        self.task(0x010, "TASKS_NEXTSTEP", self._next_step_task)
        for offset, event in ((0x104, "EVENTS_STOPPED"), (0x108, "EVENTS_SEQSTARTED[0]"),
                              (0x10C, "EVENTS_SEQSTARTED[1]"), (0x110, "EVENTS_SEQEND[0]"),
                              (0x114, "EVENTS_SEQEND[1]"), (0x118, "EVENTS_PWMPERIODEND"),
                              (0x11C, "EVENTS_LOOPSDONE")):
            self.event(offset, event)
        self.shortcut(0, "EVENTS_SEQEND[0]", self._stop)
        self.shortcut(1, "EVENTS_SEQEND[1]", self._stop)
        self.shortcut(2, "EVENTS_LOOPSDONE", lambda: self._start_sequence(0))
        self.shortcut(3, "EVENTS_LOOPSDONE", lambda: self._start_sequence(1))
        self.shortcut(4, "EVENTS_LOOPSDONE", self._stop)
        self.interrupts()
        r.define(0x500, "ENABLE", writable=1)
        r.define(0x504, "MODE", writable=1)
        r.define(0x508, "COUNTERTOP", reset=0x3FF, writable=0x7FFF)
        r.define(0x50C, "PRESCALER", writable=7)
        r.define(0x510, "DECODER", writable=0x103)
        r.define(0x514, "LOOP", writable=0xFFFF)
        for n in range(2):
            r.define(0x520 + 0x20 * n, f"SEQ[{n}].PTR")
            r.define(0x524 + 0x20 * n, f"SEQ[{n}].CNT", writable=0x7FFF)
            r.define(0x528 + 0x20 * n, f"SEQ[{n}].REFRESH", reset=1, writable=0xFFFFFF)
            r.define(0x52C + 0x20 * n, f"SEQ[{n}].ENDDELAY", writable=0xFFFFFF)
        for n in range(4):
            r.define(0x560 + 4 * n, f"PSEL.OUT[{n}]", reset=0xFFFFFFFF,
                     write=lambda v: self._apply(self._values))
        self.finish_declaring()
        self._clear_state()

    def _clear_state(self) -> None:
        self.running = False
        self._values = [None] * 4    # compare values (with polarity) per channel
        self._top = None             # COUNTERTOP in use (waveform mode changes it)
        self._event = None
        self._loops_left = 0

    def reset(self) -> None:
        if getattr(self, "_event", None):
            self._event.cancel()
        super().reset()
        self._clear_state()
        self._apply([None] * 4)

    # ------------------------------------------------------------------ timing
    def _period_cycles(self) -> float:
        top = self._top if self._top is not None else self.regs.value("COUNTERTOP")
        ticks = max(top, 1) * (2 if self.regs.value("MODE") & MODE_UP_AND_DOWN else 1)
        return ticks * self.machine.clock_hz * (1 << self.regs.value("PRESCALER")) / BASE_HZ

    def _after_periods(self, periods: int) -> int:
        return self.now() + math.ceil(periods * self._period_cycles())

    # --------------------------------------------------------------- sequences
    def _start_sequence(self, n: int) -> None:
        if not self.regs.value("ENABLE"):
            return
        if self._event:
            self._event.cancel()
        if not self.running:
            self._loops_left = self.regs.value("LOOP")
        self.running = True
        self.generate(f"EVENTS_SEQSTARTED[{n}]")
        self._play(n, step=0)

    def _steps(self, n: int) -> list[list[int]]:
        """The sequence's steps: one compare value (or None) per channel each."""
        count = self.regs.value(f"SEQ[{n}].CNT")
        pointer = self.regs.value(f"SEQ[{n}].PTR")
        if count == 0 or not self.in_data_ram(pointer, 2 * count):
            return []
        halfwords = [int.from_bytes(self.dma_read(pointer + 2 * i, 2), "little")
                     for i in range(count)]
        load = self.regs.value("DECODER") & 3
        width = {LOAD_COMMON: 1, LOAD_GROUPED: 2, LOAD_INDIVIDUAL: 4, LOAD_WAVEFORM: 4}[load]
        steps = []
        for start in range(0, len(halfwords) - width + 1, width):
            chunk = halfwords[start:start + width]
            if load == LOAD_COMMON:
                steps.append(chunk * 4)
            elif load == LOAD_GROUPED:
                steps.append([chunk[0], chunk[0], chunk[1], chunk[1]])
            else:
                steps.append(chunk)
        return steps

    def _play(self, n: int, step: int) -> None:
        steps = self._steps(n)
        if step >= len(steps):
            self._sequence_done(n)
            return
        values = steps[step]
        if (self.regs.value("DECODER") & 3) == LOAD_WAVEFORM:
            self._top = values[3] & 0x7FFF
            values = values[:3] + [None]
        self._apply(values)
        if self.regs.value("DECODER") >> 8 & 1:      # NextStep mode: wait for the task
            self._pending_step = (n, step + 1)
            return
        periods = self.regs.value(f"SEQ[{n}].REFRESH") + 1
        self._schedule_periods(periods, lambda t: self._play(n, step + 1))

    def _next_step_task(self) -> None:
        pending = getattr(self, "_pending_step", None)
        if self.running and pending:
            self._pending_step = None
            self._play(*pending)

    def _sequence_done(self, n: int) -> None:
        delay = self.regs.value(f"SEQ[{n}].ENDDELAY")
        if delay:
            self._schedule_periods(delay, lambda t: self._end_of_sequence(n))
        else:
            self._end_of_sequence(n)

    def _end_of_sequence(self, n: int) -> None:
        self._event = None
        self.generate(f"EVENTS_SEQEND[{n}]")
        if not self.running or not self._loops_left:
            return                  # playback over: the last value stays applied
        if n == 0 and self.regs.value("SEQ[1].CNT"):
            self.generate("EVENTS_SEQSTARTED[1]")
            self._play(1, 0)
            return
        self._loops_left -= 1
        if self._loops_left:
            self.generate("EVENTS_SEQSTARTED[0]")
            self._play(0, 0)
        else:
            self.generate("EVENTS_LOOPSDONE")

    def _schedule_periods(self, periods: int, callback) -> None:
        if self.inten >> PERIODEND_BIT & 1:
            # PWMPERIODEND is wanted: generate it at every period boundary
            def tick(time, left=periods):
                self.generate("EVENTS_PWMPERIODEND")
                if left > 1:
                    self._event = self.schedule(self._after_periods(1),
                                                lambda t: tick(t, left - 1))
                else:
                    callback(time)
            self._event = self.schedule(self._after_periods(1), tick)
        else:
            self._event = self.schedule(self._after_periods(periods), callback)

    def _stop(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        if self.running:
            self.running = False
            self.generate("EVENTS_STOPPED")
        self._apply([None] * 4)

    # -------------------------------------------------------------- outputs
    def duty(self, value: int | None) -> float | None:
        """Fraction of the period the output is high for one compare value."""
        if value is None:
            return None
        compare, falling_edge = value & 0x7FFF, bool(value & 0x8000)
        top = max(self._top if self._top is not None else self.regs.value("COUNTERTOP"), 1)
        high = min(compare, top) / top
        return high if falling_edge else 1.0 - high

    def _apply(self, values) -> None:
        self._values = list(values)
        time = self.now()
        for channel in range(4):
            pin = self._pin(channel)
            if pin is None:
                continue
            duty = self.duty(self._values[channel]) if self.running else None
            history = self.duty_history.setdefault(pin, [])
            if not history or history[-1][1] != duty:
                history.append((time, duty))

    def _pin(self, channel: int) -> int | None:
        select = self.regs.value(f"PSEL.OUT[{channel}]")
        if select >> 31:
            return None                         # disconnected
        return select & 0x3F                    # port * 32 + pin
