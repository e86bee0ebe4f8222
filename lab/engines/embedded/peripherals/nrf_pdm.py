"""nRF52840 PDM microphone interface at 0x4001D000 (IRQ 29), fed from recorded audio.

Sample rate = PDM_CLK / RATIO (PDMCLKCTRL, RATIO 64 or 80); sample k after START is
captured at cycle ceil(k * period), exactly. EasyDMA double buffering as Nordic
describes it: START latches SAMPLE.PTR/MAXCNT and generates STARTED, so firmware can
write the next pointer at once; when MAXCNT halfwords are captured the buffer is
written to RAM, END fires, and the next pointer is latched (STARTED again).

Keep-up accounting: a latch of a SAMPLE.PTR the firmware has not written since the
previous latch means it did not re-arm in time, and the new buffer overwrites the
previous one: those MAXCNT samples count as dropped (`dropped_samples`).

Data go to RAM when a buffer completes (not sample by sample): firmware reading a
buffer before its END sees the old contents.
"""
from __future__ import annotations

import numpy as np

from .nrf_audio_dma import AudioDma
from .nrf_base import NrfPeripheral, define_psel

PDM_BASE_CLOCK_HZ = 32_000_000
# PDMCLKCTRL codes -> divider of 32 MHz (Nordic's table; other codes: FREQ / 2^32 * 32 MHz)
CLOCK_DIVIDERS = {0x08000000: 32, 0x08400000: 31, 0x08800000: 30, 0x09800000: 26,
                  0x0A000000: 25, 0x0A800000: 24}
FREQ_DEFAULT = 0x08400000
GAIN_DEFAULT = 0x28   # 0 dB; 0.5 dB per step from 0x00 (-20 dB) to 0x50 (+20 dB)
GAIN_MAX = 0x50
OPERATION_MONO = 1
EDGE_LEFT_RISING = 1
RATIO_80 = 1


class Pdm(AudioDma, NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.source = None            # an AudioFeed (lab.sensors.audio)
        self.dropped_samples = 0
        self.captured_samples = 0
        self.start_active_cycles = 0      # the core's busy cycles when capture started
        self.task(0x000, "TASKS_START", self._start)
        self.task(0x004, "TASKS_STOP", self._stop)
        self.event(0x100, "EVENTS_STARTED")
        self.event(0x104, "EVENTS_STOPPED")
        self.event(0x108, "EVENTS_END")
        r = self.regs
        r.define(0x500, "ENABLE").with_flag(0)
        r.define(0x504, "PDMCLKCTRL").with_value_field(0, 32, "FREQ", reset=FREQ_DEFAULT)
        r.define(0x508, "MODE").with_flag(0, "OPERATION").with_flag(1, "EDGE")
        r.define(0x518, "GAINL").with_value_field(0, 7, reset=GAIN_DEFAULT)
        r.define(0x51C, "GAINR").with_value_field(0, 7, reset=GAIN_DEFAULT)
        r.define(0x520, "RATIO").with_flag(0)
        define_psel(r, 0x540, "PSEL.CLK")
        define_psel(r, 0x544, "PSEL.DIN")
        r.define(0x560, "SAMPLE.PTR").with_value_field(0, 32, write=self._pointer_written)
        r.define(0x564, "SAMPLE.MAXCNT").with_value_field(0, 15, "BUFFSIZE")
        self._clear_state()

    def _clear_state(self) -> None:
        self.running = False
        self._stopping = False
        self._buffer = None           # (pointer, halfwords, first sample index)
        self._rearmed = False
        self._start_time = 0
        self._next_sample = 0         # index of the next sample the microphone delivers
        self._event = None
        self._delivered: list[np.ndarray] = []

    # ---------------------------------------------------------- configuration
    def sample_rate(self) -> float:
        numerator, denominator = self._period()
        return self.machine.clock_hz * denominator / numerator

    def _period(self) -> tuple[int, int]:
        """Cycles per sample as numerator / denominator (exact)."""
        ratio = 80 if self.regs.value("RATIO") == RATIO_80 else 64
        frequency = self.regs.value("PDMCLKCTRL", "FREQ")
        hz = self.machine.clock_hz
        if frequency in CLOCK_DIVIDERS:
            return hz * CLOCK_DIVIDERS[frequency] * ratio, PDM_BASE_CLOCK_HZ
        return hz * (1 << 32) * ratio, PDM_BASE_CLOCK_HZ * max(frequency, 1)

    def _time_of_sample(self, index: int) -> int:
        """Cycle at which sample `index` (0 = first after START) has been captured."""
        numerator, denominator = self._period()
        return self._start_time + ((index + 1) * numerator + denominator - 1) // denominator

    def channels(self) -> int:
        return 1 if self.regs.value("MODE", "OPERATION") == OPERATION_MONO else 2

    # ------------------------------------------------------------------ tasks
    def _start(self) -> None:
        if self.running or not self.regs.value("ENABLE"):
            return
        self.running, self._stopping = True, False
        self.start_stream(self.channels())
        self._latch()

    def _stop(self) -> None:
        if self.running:
            self._stopping = True    # finishes the current sample, then END and STOPPED
            self._finish_buffer(partial=True)

    def _pointer_written(self, pointer: int) -> None:
        self._rearmed = True

    # ---------------------------------------------------------------- buffers
    def _latch(self) -> None:
        """Take SAMPLE.PTR/MAXCNT for the next buffer and generate STARTED."""
        halfwords = self.regs.value("SAMPLE.MAXCNT", "BUFFSIZE")
        pointer = self.regs.value("SAMPLE.PTR")
        if self._buffer is not None and not self._rearmed:
            self.dropped_samples += halfwords // self.channels()
        self._rearmed = False
        self._buffer = (pointer, halfwords, self._next_sample)
        self.generate("EVENTS_STARTED")
        self.schedule_buffer_end(self._next_sample, halfwords // self.channels())

    def _finish_buffer(self, partial: bool = False) -> None:
        self.cancel_buffer_end()
        pointer, halfwords, first = self._buffer
        frames = halfwords // self.channels()
        if partial:   # STOP: keep the samples captured so far
            numerator, denominator = self._period()
            elapsed = (self.now() - self._start_time) * denominator // numerator
            frames = max(0, min(frames, elapsed - first))
        samples = self._capture(frames)
        self._delivered.append(samples[:, 0])        # the left channel, gain applied
        self.write_samples("SAMPLE.PTR", pointer, samples)
        self._next_sample = first + frames
        self.captured_samples += frames
        self.generate("EVENTS_END")
        if self._stopping or partial:
            self.running = False
            self._buffer = None
            self.generate("EVENTS_STOPPED")
        else:
            self._latch()

    def _capture(self, frames: int) -> np.ndarray:
        """`frames` samples as int16 (frames x channels), gain applied."""
        channels = self.channels()
        if self.source is None or frames == 0:
            return np.zeros((frames, channels), dtype=np.int16)
        raw = self.take_audio(frames, channels)
        edge_swapped = self.regs.value("MODE", "EDGE") == EDGE_LEFT_RISING and channels == 2
        if edge_swapped:
            raw = raw[:, ::-1]
        gains = [self.regs.value("GAINL"), self.regs.value("GAINR")][:channels]
        return apply_gain(raw, gains)


def gain_factor(register: int) -> float:
    """GAINL/GAINR code -> linear factor (0x28 = 0 dB, 0.5 dB per step)."""
    return 10 ** ((min(register, GAIN_MAX) - GAIN_DEFAULT) * 0.5 / 20)


def apply_gain(samples: np.ndarray, gains: list[int]) -> np.ndarray:
    """Scale int16 samples per channel, rounding half away from zero, saturating."""
    out = samples.astype(np.float64)
    for channel, gain in enumerate(gains):
        if gain != GAIN_DEFAULT:
            out[:, channel] *= gain_factor(gain)
    out = np.sign(out) * np.floor(np.abs(out) + 0.5)
    return np.clip(out, -32768, 32767).astype(np.int16)
