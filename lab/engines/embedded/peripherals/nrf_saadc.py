"""nRF52 SAADC (successive-approximation ADC with EasyDMA) at 0x40007000 (IRQ 7).

Source: nRF52833 / nRF52840 Product Specification, chapter "SAADC" (registers, the
RESULT formula, continuous sampling with the internal timer); summarised in
docs/reference/nrf52-saadc.md.

- Channels CH[0..7]: PSELP/PSELN pick the inputs (1..8 = AIN0..AIN7, 9 = VDD), CONFIG
  the gain (1/6 .. 4), reference (internal 0.6 V or VDD/4), single-ended or differential.
  RESULT = (V(P) - V(N)) * GAIN / REFERENCE * 2^(RESOLUTION - m), m = 0 single-ended,
  1 differential; RESOLUTION 8/10/12/14 bits; rounded, clipped to the result's range.
- The board may put a microphone on an AIN input (its `peripherals: {saadc:
  {microphone: {ain, bias_v, full_scale_v, enable}}}`): the input then reads
  bias_v + pcm / 32768 * full_scale_v while its enable pin is driven high, 0 V
  otherwise; `--audio` feeds the PCM (the amplifier's gain is folded into full_scale_v).
- START latches RESULT.PTR / RESULT.MAXCNT (EasyDMA into Data RAM) and generates STARTED,
  so firmware can write the next pointer at once. SAMPLERATE.MODE = Timers: a SAMPLE
  task starts the internal timer, one sample every CC / 16 MHz until STOP (one channel,
  as the PS allows). When MAXCNT results are written, END fires; samples that fall
  before the next START are lost (`dropped_samples`). MODE = Task: every SAMPLE task
  converts each enabled channel once (after 2^OVERSAMPLE SAMPLE tasks with
  oversampling, their average) and writes the results at once.
- A timed buffer reaches RAM when it completes (firmware reading it before END sees the
  old contents), and DONE / RESULTDONE are generated then, with END: per-sample events in
  timer mode are not modelled (no interrupt or PPI can see each one). Limits, calibration
  offsets and the acquisition time are not modelled (CALIBRATEOFFSET just reports done).
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..registers import RO
from .nrf_audio_dma import AudioDma
from .nrf_base import NrfPeripheral

CHANNELS = 8
TIMER_CLOCK_HZ = 16_000_000
GAINS = {0: Fraction(1, 6), 1: Fraction(1, 5), 2: Fraction(1, 4), 3: Fraction(1, 3),
         4: Fraction(1, 2), 5: Fraction(1), 6: Fraction(2), 7: Fraction(4)}
RESOLUTION_BITS = {0: 8, 1: 10, 2: 12, 3: 14}
INTERNAL_REFERENCE_V = 0.6
PSEL_VDD = 9
MODE_TIMERS = 1
TASK_FEED_RATE_HZ = 16000.0     # a recording's rate when SAMPLE tasks pace it


class Saadc(AudioDma, NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, microphone=None, vdd_v: float = 3.0,
                 **options):
        super().__init__(machine, name, base, irq, **options)
        self.microphone = dict(microphone or {})
        self.vdd_v = vdd_v
        self.source = None                  # an AudioFeed: what the microphone hears
        self.captured_samples = 0
        self.dropped_samples = 0
        self.start_active_cycles = 0
        self.task(0x000, "TASKS_START", self._start)
        self.task(0x004, "TASKS_SAMPLE", self._sample)
        self.task(0x008, "TASKS_STOP", self._stop)
        self.task(0x00C, "TASKS_CALIBRATEOFFSET", lambda: self.generate("EVENTS_CALIBRATEDONE"))
        for offset, event in ((0x100, "EVENTS_STARTED"), (0x104, "EVENTS_END"),
                              (0x108, "EVENTS_DONE"), (0x10C, "EVENTS_RESULTDONE"),
                              (0x110, "EVENTS_CALIBRATEDONE"), (0x114, "EVENTS_STOPPED")):
            self.event(offset, event)
        for n in range(CHANNELS):
            self.event(0x118 + 8 * n, f"EVENTS_CH[{n}].LIMITH")
            self.event(0x11C + 8 * n, f"EVENTS_CH[{n}].LIMITL")
        r = self.regs
        r.define(0x400, "STATUS").with_flag(0, "STATUS", mode=RO, value=lambda: self._timer is not None)
        r.define(0x500, "ENABLE").with_flag(0, "ENABLE")
        for n in range(CHANNELS):
            at = 0x510 + 16 * n
            r.define(at, f"CH[{n}].PSELP").with_value_field(0, 5, "PSELP")
            r.define(at + 4, f"CH[{n}].PSELN").with_value_field(0, 5, "PSELN")
            r.define(at + 8, f"CH[{n}].CONFIG").with_value_field(0, 2, "RESP") \
                .with_value_field(4, 2, "RESN").with_value_field(8, 3, "GAIN") \
                .with_flag(12, "REFSEL").with_value_field(16, 3, "TACQ", reset=2) \
                .with_flag(20, "MODE").with_flag(24, "BURST")
            r.define(at + 12, f"CH[{n}].LIMIT").with_value_field(0, 16, "LOW", reset=0x8000) \
                .with_value_field(16, 16, "HIGH", reset=0x7FFF)
        r.define(0x5F0, "RESOLUTION").with_value_field(0, 3, "VAL", reset=1)
        r.define(0x5F4, "OVERSAMPLE").with_value_field(0, 4, "OVERSAMPLE")
        r.define(0x5F8, "SAMPLERATE").with_value_field(0, 11, "CC").with_flag(12, "MODE")
        r.define(0x62C, "RESULT.PTR").with_value_field(0, 32)
        r.define(0x630, "RESULT.MAXCNT").with_value_field(0, 15, "MAXCNT")
        r.define(0x634, "RESULT.AMOUNT").with_value_field(0, 15, "AMOUNT", mode=RO)
        self._clear_state()

    def _clear_state(self) -> None:
        self._buffer = None            # (pointer, results) latched by START
        self._written: list[int] = []  # results of the task-mode buffer so far
        self._timer = None             # (start cycle, period in cycles) while sampling
        self._next_sample = 0          # index of the next timed sample
        self._event = None
        self._oversampled: list[list[float]] = []
        self._delivered: list[np.ndarray] = []
        self._start_time = 0

    # --------------------------------------------------------- microphone
    def sample_rate(self) -> float:
        cc = self.regs.value("SAMPLERATE", "CC")
        return TIMER_CLOCK_HZ / cc if cc else 0.0

    def _microphone_on(self) -> bool:
        enable = self.microphone.get("enable")
        if not enable:
            return True
        gpio = self.machine.peripherals[enable["port"]]
        return gpio.level(enable["pin"]) == 1

    def _heard(self, frames: int) -> np.ndarray:
        return self.take_audio(frames, 1)[:, 0]

    # -------------------------------------------------------------- inputs
    def _input_volts(self, psel: int, pcm: np.ndarray) -> np.ndarray:
        if psel == PSEL_VDD:
            return np.full(len(pcm), self.vdd_v)
        if self.microphone and psel == self.microphone.get("ain", -1) + 1:
            if not self._microphone_on():
                return np.zeros(len(pcm))
            return self.microphone.get("bias_v", 0.0) + \
                pcm.astype(np.float64) / 32768.0 * self.microphone.get("full_scale_v", 1.0)
        return np.zeros(len(pcm))

    def _convert(self, channel: int, pcm: np.ndarray) -> np.ndarray:
        """RESULT for `pcm` heard on channel `channel` (the PS's formula)."""
        config = f"CH[{channel}].CONFIG"
        positive = self._input_volts(self.regs.value(f"CH[{channel}].PSELP"), pcm)
        differential = self.regs.value(config, "MODE")
        negative = self._input_volts(self.regs.value(f"CH[{channel}].PSELN"), pcm) \
            if differential else 0.0
        gain = float(GAINS[self.regs.value(config, "GAIN")])
        reference = self.vdd_v / 4 if self.regs.value(config, "REFSEL") else \
            INTERNAL_REFERENCE_V
        bits = RESOLUTION_BITS.get(self.regs.value("RESOLUTION", "VAL"), 14)
        scale = 2 ** (bits - (1 if differential else 0))
        value = (positive - negative) * gain / reference * scale
        rounded = np.sign(value) * np.floor(np.abs(value) + 0.5)
        return np.clip(rounded, -2 ** bits, 2 ** bits - 1).astype(np.int16)

    def _channels(self) -> list[int]:
        return [n for n in range(CHANNELS) if self.regs.value(f"CH[{n}].PSELP")]

    # --------------------------------------------------------------- tasks
    def _start(self) -> None:
        if not self.regs.value("ENABLE"):
            return
        self._buffer = (self.regs.value("RESULT.PTR"),
                        self.regs.value("RESULT.MAXCNT", "MAXCNT"))
        self._written = []
        self.generate("EVENTS_STARTED")
        if self._timer is not None:
            self._skip_lost_samples()
            self._schedule_buffer()

    def _sample(self) -> None:
        if self._buffer is None or not self.regs.value("ENABLE"):
            return
        if self.regs.value("SAMPLERATE", "MODE") == MODE_TIMERS:
            if self._timer is None and self.regs.value("SAMPLERATE", "CC"):
                self._start_timer()
            return
        self._sample_once()

    def _stop(self) -> None:
        if self._timer is not None:
            self._finish_buffer(partial=True)
            self._timer = None
        self._buffer = None
        self.generate("EVENTS_STOPPED")

    # ------------------------------------------------------- task mode
    def _sample_once(self) -> None:
        """One SAMPLE task: convert every enabled channel (averaging with oversampling).
        Each conversion takes the feed's next sample (played at TASK_FEED_RATE_HZ)."""
        if self.source is not None and self.source.stream is None:
            self.source.configure(TASK_FEED_RATE_HZ, 1)
        pcm = self._heard(1)
        self._delivered.append(pcm)
        values = [float(self._convert(n, pcm)[0]) for n in self._channels()]
        self._oversampled.append(values)
        if len(self._oversampled) < 2 ** self.regs.value("OVERSAMPLE"):
            return
        averaged = np.mean(np.array(self._oversampled), axis=0)
        self._oversampled = []
        pointer, capacity = self._buffer
        for value in averaged:
            if len(self._written) < capacity:
                self._written.append(int(math.floor(value + 0.5)))
        self.captured_samples += 1
        self.dma_write(pointer, np.array(self._written, dtype="<i2").tobytes())
        self.regs.set("RESULT.AMOUNT", len(self._written))
        self.generate("EVENTS_RESULTDONE")
        self.generate("EVENTS_DONE")
        if len(self._written) >= capacity:
            self.generate("EVENTS_END")

    # ------------------------------------------------------ timer mode
    def _start_timer(self) -> None:
        cc = self.regs.value("SAMPLERATE", "CC")
        self._timer = (self.now(), Fraction(cc * self.machine.clock_hz, TIMER_CLOCK_HZ))
        self.start_stream(1)
        self._schedule_buffer()

    def _time_of_sample(self, index: int) -> int:
        start, period = self._timer
        return start + math.ceil((index + 1) * period)

    def _skip_lost_samples(self) -> None:
        """Samples taken while no buffer was latched are lost."""
        start, period = self._timer
        taken = math.floor((self.now() - start) / period)
        lost = max(0, taken - self._next_sample)
        if lost:
            self.dropped_samples += lost
            self._heard(lost)
            self._next_sample += lost

    def _schedule_buffer(self) -> None:
        self.cancel_buffer_end()
        _, capacity = self._buffer
        self.schedule_buffer_end(self._next_sample, capacity)

    def _finish_buffer(self, partial: bool = False) -> None:
        self.cancel_buffer_end()
        if self._buffer is None:
            return
        pointer, capacity = self._buffer
        count = capacity
        if partial:
            start, period = self._timer
            taken = math.floor((self.now() - start) / period)
            count = max(0, min(capacity, taken - self._next_sample))
        pcm = self._heard(count)
        self._delivered.append(pcm)
        channel = (self._channels() or [0])[0]
        self.write_samples("RESULT.PTR", pointer, self._convert(channel, pcm))
        self._next_sample += count
        self.captured_samples += count
        self.regs.set("RESULT.AMOUNT", count)
        self._buffer = None
        self.generate("EVENTS_RESULTDONE")
        self.generate("EVENTS_DONE")
        self.generate("EVENTS_END")

