"""What the nRF52's audio inputs with EasyDMA (the PDM, and the SAADC with a microphone on
an AIN pin) share: the recording they hear from the stream's start, a buffer of samples
written to Data RAM in one go when it completes, the event that completes it, and what
they delivered.

A peripheral using it sets `source` (None) and defines `_clear_state` (its run state,
with `_event`, `_delivered` and `_start_time`), `_time_of_sample(index)` (the cycle
sample `index` is taken) and `_finish_buffer()` (what END does).
"""
from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger("lab.audio")


class AudioDma:
    def reset(self) -> None:
        self.cancel_buffer_end()
        super().reset()
        self._clear_state()

    def attach(self, source) -> None:
        """Connect an audio feed (what the microphone hears)."""
        self.source = source

    @property
    def start_time(self) -> int:
        """Virtual time (cycles) sampling started: sample 0 of the stream."""
        return self._start_time

    def delivered_audio(self) -> np.ndarray:
        """The PCM the microphone delivered for every sample taken (int16)."""
        return np.concatenate(self._delivered) if self._delivered else \
            np.zeros(0, dtype=np.int16)

    def start_stream(self, channels: int) -> None:
        """Sampling starts now (sample 0): the feed plays at the sample rate from here."""
        self._start_time = self.now()
        self.start_active_cycles = self.machine.active_cycles()
        self._next_sample = 0
        if self.source is not None:
            self.source.configure(self.sample_rate(), channels)

    def take_audio(self, frames: int, channels: int) -> np.ndarray:
        """The feed's next `frames` samples (frames x channels, int16); silence without a
        feed, and once the feed ended (which ends the run)."""
        if self.source is None or frames == 0:
            return np.zeros((frames, channels), dtype=np.int16)
        pcm = self.source.take(frames)
        if pcm is None:
            self.machine.halt("done", f"{self.name}: audio feed ended")
            return np.zeros((frames, channels), dtype=np.int16)
        return pcm

    # ------------------------------------------------------------ buffers
    def schedule_buffer_end(self, first: int, samples: int) -> None:
        """A buffer of `samples` from sample `first` on completes when its last is taken."""
        if samples:
            self._event = self.schedule(self._time_of_sample(first + samples - 1),
                                        self._buffer_full)

    def cancel_buffer_end(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None

    def _buffer_full(self, _time: int) -> None:
        self._finish_buffer()

    def write_samples(self, pointer_register: str, pointer: int, samples: np.ndarray) -> None:
        """A completed buffer to RAM through EasyDMA, which reaches Data RAM only."""
        data = samples.astype("<i2").tobytes()
        if not data:
            return
        if not self.in_data_ram(pointer, len(data)):
            log.warning("%s: %s 0x%08X is not in Data RAM: samples lost", self.name,
                        pointer_register, pointer)
            return
        self.dma_write(pointer, data)
