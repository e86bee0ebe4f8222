"""Taps on a run's sensor feeds: what the board hears and feels, sent to the page as it
happens (spectrogram columns, acceleration samples).

A tap sits between a feed and the board's model and passes everything through
unchanged; it only watches, so the run is the same with or without it.
"""
from __future__ import annotations

import base64

import numpy as np

COLUMN_S = 0.02          # one spectrogram column per 20 ms (the front end's step)
FFT_SIZE = 512
BANDS = 64
FLOOR_DB = -100.0        # dB below full scale drawn as black
BATCH_COLUMNS = 10       # columns per message
MOTION_BATCH_S = 0.1     # acceleration samples per message (virtual seconds)


class AudioTap:
    """Passes a microphone feed through, sending spectrogram columns of what it delivers:
    {"type": "spectrum", "t0": s, "step_s", "bands", "max_hz", "data": base64 uint8
    (columns x bands, 0 = FLOOR_DB, 255 = full scale)}; t0 is stream time, the time
    base of the firmware's `t_ms`."""

    def __init__(self, feed, emit):
        self.feed, self.emit = feed, emit
        self.rate = None
        self.window = np.hanning(FFT_SIZE)
        self._history = np.zeros(FFT_SIZE)
        self._pending = np.zeros(0)
        self._columns: list[np.ndarray] = []
        self._next_column = 0                 # index of the next column in the stream

    def __getattr__(self, name):              # source, conversions, ... of the feed
        return getattr(self.feed, name)

    def configure(self, rate_hz: float, channels: int) -> None:
        self.feed.configure(rate_hz, channels)
        self.rate = rate_hz
        self.step = max(1, round(rate_hz * COLUMN_S))
        self._history[:] = 0
        self._pending = np.zeros(0)
        self._columns, self._next_column = [], 0

    def take(self, frames: int):
        samples = self.feed.take(frames)
        if samples is None:
            self.flush()
        else:
            self._add(samples[:, 0].astype(np.float64) / 32768.0)
        return samples

    def _add(self, samples: np.ndarray) -> None:
        self._pending = np.concatenate([self._pending, samples])
        while len(self._pending) >= self.step:
            step, self._pending = self._pending[:self.step], self._pending[self.step:]
            self._history = np.concatenate([self._history[len(step):], step])
            self._columns.append(self._column(self._history))
            if len(self._columns) >= BATCH_COLUMNS:
                self.flush()

    def _column(self, window_samples: np.ndarray) -> np.ndarray:
        spectrum = np.abs(np.fft.rfft(window_samples * self.window)) / (self.window.sum() / 2)
        power = (spectrum[1:1 + BANDS * (FFT_SIZE // 2 // BANDS)] ** 2).reshape(BANDS, -1).mean(1)
        decibels = 10 * np.log10(np.maximum(power, 1e-12))
        return np.clip((decibels - FLOOR_DB) / -FLOOR_DB * 255, 0, 255).astype(np.uint8)

    def flush(self) -> None:
        if not self._columns:
            return
        data = np.stack(self._columns)
        self.emit({"type": "spectrum", "t0": round(self._next_column * self.step / self.rate, 6),
                   "step_s": self.step / self.rate, "bands": BANDS, "max_hz": self.rate / 2,
                   "data": base64.b64encode(data.tobytes()).decode()})
        self._next_column += len(self._columns)
        self._columns = []


class MotionTap:
    """Passes an acceleration feed through, sending what the IMU samples:
    {"type": "motion", "samples": [[t virtual s, x, y, z g], ...]}."""

    def __init__(self, feed, emit):
        self.feed, self.emit = feed, emit
        self._samples: list[list[float]] = []

    def __getattr__(self, name):
        return getattr(self.feed, name)

    def value(self, index: int, seconds: float):
        reading = self.feed.value(index, seconds)
        if reading is not None:
            self._samples.append([round(seconds, 4)] + [round(float(v), 4) for v in reading])
            if seconds - self._samples[0][0] >= MOTION_BATCH_S:
                self.flush()
        else:
            self.flush()
        return reading

    def flush(self) -> None:
        if self._samples:
            self.emit({"type": "motion", "samples": self._samples})
            self._samples = []
