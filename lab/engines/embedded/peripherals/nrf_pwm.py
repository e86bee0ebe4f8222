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

from .nrf_base import NrfPeripheral, define_psel, selected_pin

BASE_HZ = 16_000_000
CHANNELS = 4
COUNTERTOP_DEFAULT = 0x3FF
LOAD_COMMON, LOAD_GROUPED, LOAD_INDIVIDUAL, LOAD_WAVEFORM = 0, 1, 2, 3
VALUES_PER_STEP = {LOAD_COMMON: 1, LOAD_GROUPED: 2, LOAD_INDIVIDUAL: 4, LOAD_WAVEFORM: 4}
DECODER_MODE_NEXTSTEP = 1
UPDOWN_UP_AND_DOWN = 1
# A sequence value in RAM: COMPARE [14:0], POLARITY [15] (1 = falling edge first);
# in waveform mode every fourth value is a COUNTERTOP [14:0].
COMPARE_MASK, POLARITY_FALLING = 0x7FFF, 0x8000


class Pwm(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self._duty_by_pin: dict[int, list[tuple[int, float]]] = {}  # pin -> [(time, duty)]
        self.task(0x004, "TASKS_STOP", self._stop)
        self.task(0x008, "TASKS_SEQSTART[0]", lambda: self._start_sequence(0))
        self.task(0x00C, "TASKS_SEQSTART[1]", lambda: self._start_sequence(1))
        self.task(0x010, "TASKS_NEXTSTEP", self._next_step_task)
        for offset, event in ((0x104, "EVENTS_STOPPED"), (0x108, "EVENTS_SEQSTARTED[0]"),
                              (0x10C, "EVENTS_SEQSTARTED[1]"), (0x110, "EVENTS_SEQEND[0]"),
                              (0x114, "EVENTS_SEQEND[1]"), (0x118, "EVENTS_PWMPERIODEND"),
                              (0x11C, "EVENTS_LOOPSDONE")):
            self.event(offset, event)
        self.shortcut(0, "SEQEND0_STOP", "EVENTS_SEQEND[0]", self._stop)
        self.shortcut(1, "SEQEND1_STOP", "EVENTS_SEQEND[1]", self._stop)
        self.shortcut(2, "LOOPSDONE_SEQSTART0", "EVENTS_LOOPSDONE",
                      lambda: self._start_sequence(0))
        self.shortcut(3, "LOOPSDONE_SEQSTART1", "EVENTS_LOOPSDONE",
                      lambda: self._start_sequence(1))
        self.shortcut(4, "LOOPSDONE_STOP", "EVENTS_LOOPSDONE", self._stop)
        r = self.regs
        r.define(0x500, "ENABLE").with_flag(0)
        r.define(0x504, "MODE").with_flag(0, "UPDOWN")
        r.define(0x508, "COUNTERTOP").with_value_field(0, 15, reset=COUNTERTOP_DEFAULT)
        r.define(0x50C, "PRESCALER").with_value_field(0, 3)
        r.define(0x510, "DECODER").with_value_field(0, 2, "LOAD").with_flag(8, "MODE")
        r.define(0x514, "LOOP").with_value_field(0, 16, "CNT")
        for n in range(2):
            r.define(0x520 + 0x20 * n, f"SEQ[{n}].PTR").with_value_field(0, 32)
            r.define(0x524 + 0x20 * n, f"SEQ[{n}].CNT").with_value_field(0, 15, "CNT")
            r.define(0x528 + 0x20 * n, f"SEQ[{n}].REFRESH").with_value_field(0, 24, "CNT", reset=1)
            r.define(0x52C + 0x20 * n, f"SEQ[{n}].ENDDELAY").with_value_field(0, 24, "CNT")
        for n in range(CHANNELS):
            define_psel(r, 0x560 + 4 * n, f"PSEL.OUT[{n}]",
                        write=lambda v: self._apply(self._values))
        self._clear_state()

    def _clear_state(self) -> None:
        self.running = False
        self._values = [None] * CHANNELS   # compare values (with polarity) per channel
        self._top = None             # COUNTERTOP in use (waveform mode changes it)
        self._event = None
        self._loops_left = 0
        self._pending_step = None    # (sequence, step) NEXTSTEP plays

    def reset(self) -> None:
        if self._event:
            self._event.cancel()
        super().reset()
        self._clear_state()
        self._apply([None] * CHANNELS)

    # ------------------------------------------------------------------ timing
    def _period_cycles(self) -> float:
        up_and_down = self.regs.value("MODE", "UPDOWN") == UPDOWN_UP_AND_DOWN
        ticks = self._counter_top() * (2 if up_and_down else 1)
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
            self._loops_left = self.regs.value("LOOP", "CNT")
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
        load = self.regs.value("DECODER", "LOAD")
        width = VALUES_PER_STEP[load]
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
        if not steps:
            # An empty sequence "shall not be started" (PS, SEQ[n].CNT). The model lets
            # one period pass, so empty sequences looping through shortcuts still let
            # virtual time advance.
            self._schedule_periods(1, self._sequence_done, n)
            return
        if step >= len(steps):
            self._sequence_done(self.now(), n)
            return
        values = steps[step]
        if self.regs.value("DECODER", "LOAD") == LOAD_WAVEFORM:
            self._top = values[3] & COMPARE_MASK
            values = values[:3] + [None]
        self._apply(values)
        if self._next_step_mode():      # wait for the NEXTSTEP task
            self._pending_step = (n, step + 1)
            return
        periods = self.regs.value(f"SEQ[{n}].REFRESH") + 1
        self._schedule_periods(periods, self._play_step, n, step + 1)

    def _play_step(self, time: int, n: int, step: int) -> None:
        self._play(n, step)

    def _next_step_mode(self) -> bool:
        return self.regs.value("DECODER", "MODE") == DECODER_MODE_NEXTSTEP

    def _next_step_task(self) -> None:
        pending = self._pending_step
        if self.running and pending and self._next_step_mode():
            self._pending_step = None
            self._play(*pending)

    def _sequence_done(self, time: int, n: int) -> None:
        delay = self.regs.value(f"SEQ[{n}].ENDDELAY")
        if delay:
            self._schedule_periods(delay, self._end_of_sequence, n)
        else:
            self._end_of_sequence(time, n)

    def _end_of_sequence(self, time: int, n: int) -> None:
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

    def _schedule_periods(self, periods: int, then, *args) -> None:
        """then(time, *args) after `periods` PWM periods."""
        if self.interrupt_enabled("EVENTS_PWMPERIODEND"):
            # PWMPERIODEND is wanted: generate it at every period boundary
            self._event = self.schedule(self._after_periods(1), self._period_end, periods,
                                        then, *args)
        else:
            self._event = self.schedule(self._after_periods(periods), then, *args)

    def _period_end(self, time: int, left: int, then, *args) -> None:
        self.generate("EVENTS_PWMPERIODEND")
        if left > 1:
            self._event = self.schedule(self._after_periods(1), self._period_end, left - 1,
                                        then, *args)
        else:
            then(time, *args)

    def _stop(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        if self.running:
            self.running = False
            self.generate("EVENTS_STOPPED")
        self._apply([None] * CHANNELS)

    # -------------------------------------------------------------- outputs
    def duty(self, value: int | None) -> float | None:
        """Fraction of the period the output is high for one compare value."""
        if value is None:
            return None
        compare, falling_edge = value & COMPARE_MASK, bool(value & POLARITY_FALLING)
        top = self._counter_top()
        high = min(compare, top) / top
        return high if falling_edge else 1.0 - high

    def _apply(self, values) -> None:
        self._values = list(values)
        time = self.now()
        for channel in range(CHANNELS):
            pin = selected_pin(self.regs, f"PSEL.OUT[{channel}]")
            if pin is None:
                continue
            duty = self.duty(self._values[channel]) if self.running else None
            history = self._duty_by_pin.setdefault(pin, [])
            if not history or history[-1][1] != duty:
                history.append((time, duty))

    def duty_history(self, pin: int) -> list[tuple[int, float | None]]:
        return self._duty_by_pin.get(pin, [])

    def _counter_top(self) -> int:
        """The wave counter's top: COUNTERTOP, or the waveform's own (at least 1)."""
        return max(self._top if self._top is not None else self.regs.value("COUNTERTOP"), 1)
