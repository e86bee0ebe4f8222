"""Live feeds: a person's microphone and phone streamed into the virtual board as it runs.

`lab serve` receives what a browser's microphone hears and what a phone's motion sensor
feels, as they happen, and pushes them here (from another thread). The board's models
pull from these feeds as they pull from recordings (the PDM calls configure() at START
and take() for each buffer; the IMU calls value() at each output tick) and the pull
waits until the stream has delivered that much, so the virtual board runs paced to real
time while the stream is live and hears what the person says as they say it.

Waiting is bounded. When the stream stalls for `max_wait_s`, the board gets silence (or
the last motion reading) for that one buffer and goes on; when the board falls more
than `max_lag_s` behind the stream, the oldest data are skipped (counted in
`skipped_s`), so what the board hears stays close to now. The stream ends when the
sender closes it or sends nothing for `idle_end_s`; the feed then ends the run.

Only live runs use these feeds. Recordings (lab.sensors.audio, lab.sensors.imu) never
wait, so runs on recorded data never depend on wall time.

Phone motion on the board's IMU
-------------------------------
DeviceMotionEvent.accelerationIncludingGravity is in m/s^2 in the phone's frame: x to
the right of the screen, y towards the top edge, z out of the screen; lying flat, screen
up, it reads (0, 0, +9.81): the reaction to gravity, which is what an accelerometer
measures. The board's LSM9DS1 measures the same quantity in g, and the magic wand is
held with the sensor's +y pointing forward, +x to the right and +z up (lab.data.gestures).
A phone held flat, screen up, its top edge pointing forward like the wand's tip,
therefore has the board's axes: board (x, y, z) = phone (x, y, z) / 9.80665 m/s^2.
"""
from __future__ import annotations

import threading
import time

import numpy as np

from .audio import to_int16

STANDARD_GRAVITY = 9.80665          # m/s^2 per g
# Rows: board x, y, z; columns: phone x, y, z (see the module docstring).
PHONE_TO_BOARD = np.eye(3)
MAX_WAIT_S = 1.0                    # a stalled stream holds the board this long per pull
MAX_LAG_S = 0.5                     # the board never hears more than this far behind
IDLE_END_S = 30.0                   # a stream silent this long has ended


def phone_to_board_g(phone_m_s2) -> np.ndarray:
    """DeviceMotion accelerationIncludingGravity (m/s^2, phone frame) -> board axes in g."""
    return PHONE_TO_BOARD @ np.asarray(phone_m_s2, dtype=np.float64) / STANDARD_GRAVITY


class _LiveStream:
    """What both feeds share: a condition to wait on, the end of the stream, timing."""

    def __init__(self, source: str, max_wait_s: float, max_lag_s: float, idle_end_s: float,
                 clock=time.monotonic):
        self.source = source
        self.on_end = "end"
        self.max_wait_s, self.max_lag_s, self.idle_end_s = max_wait_s, max_lag_s, idle_end_s
        self.clock = clock
        self.changed = threading.Condition()
        self.closed = False
        self.last_arrival: float | None = None    # wall time data last came in
        self.stalls = 0                            # pulls that gave up waiting
        self.skipped_s = 0.0                       # stream time skipped: the board lagged

    def close(self) -> None:
        """The sender is done: what is buffered still plays, then the run ends."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _arrived(self) -> None:
        self.last_arrival = self.clock()
        self.changed.notify_all()

    def _ended(self) -> bool:
        """Closed, or silent for idle_end_s since it last sent something."""
        return self.closed or (self.last_arrival is not None and
                               self.clock() - self.last_arrival > self.idle_end_s)

    def _wait(self, ready) -> bool:
        """Wait (holding self.changed) until ready() or the stream ended, at most
        max_wait_s; False when it gave up."""
        deadline = self.clock() + self.max_wait_s
        while not ready():
            if self._ended():
                return False
            remaining = deadline - self.clock()
            if remaining <= 0:
                self.stalls += 1
                return False
            self.changed.wait(remaining)
        return True


class LiveAudioFeed(_LiveStream):
    """Microphone samples as the browser sends them (int16 mono at any rate), resampled
    to the rate the PDM runs at."""

    def __init__(self, source: str = "live microphone", max_wait_s: float = MAX_WAIT_S,
                 max_lag_s: float = MAX_LAG_S, idle_end_s: float = IDLE_END_S,
                 clock=time.monotonic):
        super().__init__(source, max_wait_s, max_lag_s, idle_end_s, clock)
        self.stream_rate: float | None = None
        self.channels = 1
        self.received_samples = 0        # at the sender's rate
        self.delivered_samples = 0       # at the PDM's rate, silence for stalls included
        self._input_rate: float | None = None
        self._resampler = None
        self._buffer = np.zeros(0, dtype=np.float32)   # at the PDM's rate

    # ------------------------------------------------------------ the sender's side
    def push(self, samples: np.ndarray, rate: float) -> None:
        """Samples as they arrive (int16 or float in int16 units), at `rate` Hz."""
        chunk = np.asarray(samples, dtype=np.float32).reshape(-1)
        with self.changed:
            self.received_samples += len(chunk)
            if self.stream_rate is not None:        # the board is listening
                self._append(chunk, rate)
            self._input_rate = rate
            self._arrived()

    def _append(self, chunk: np.ndarray, rate: float) -> None:
        if self._resampler is None or rate != self._input_rate:
            self._resampler = _resampler(rate, self.stream_rate)
        converted = self._resampler.resample_chunk(chunk) if self._resampler else chunk
        self._buffer = np.concatenate([self._buffer, converted.reshape(-1)])
        too_late = len(self._buffer) - int(self.max_lag_s * self.stream_rate)
        if too_late > 0:                      # the board is behind: skip the oldest
            self._buffer = self._buffer[too_late:]
            self.skipped_s += too_late / self.stream_rate

    # -------------------------------------------------------------- the board's side
    def configure(self, rate_hz: float, channels: int) -> None:
        """The PDM starts: the board listens from now on (nothing sent before counts)."""
        with self.changed:
            self.stream_rate, self.channels = rate_hz, channels
            self._resampler = None
            self._buffer = np.zeros(0, dtype=np.float32)

    def take(self, frames: int) -> np.ndarray | None:
        """The next `frames` samples (frames x channels int16), once they have arrived;
        silence for what a stalled stream did not send; None once the stream ended."""
        with self.changed:
            complete = self._wait(lambda: len(self._buffer) >= frames)
            if not complete and self._ended() and not len(self._buffer):
                return None
            count = min(frames, len(self._buffer))
            samples = np.zeros(frames, dtype=np.float32)
            samples[:count] = self._buffer[:count]
            self._buffer = self._buffer[count:]
            self.delivered_samples += frames
        return np.repeat(to_int16(samples)[:, None], self.channels, axis=1)

    @property
    def duration_s(self) -> float:
        return self.delivered_samples / self.stream_rate if self.stream_rate else 0.0


def _resampler(from_hz: float, to_hz: float):
    """A streaming soxr resampler, or None when the rates already match."""
    if abs(from_hz - to_hz) < 1e-6:
        return None
    import soxr
    return soxr.ResampleStream(from_hz, to_hz, 1, dtype="float32", quality="HQ")


class LiveMotionFeed(_LiveStream):
    """Acceleration as a phone sends it: (t seconds on the phone's clock, x, y, z m/s^2
    in the phone's frame), as the board's IMU reads it (board axes, g). Zero-order hold
    between readings, as the sensor samples at its own rate."""

    REST = (0.0, 0.0, 1.0)     # lying flat until the phone says otherwise

    def __init__(self, source: str = "live motion", max_wait_s: float = MAX_WAIT_S,
                 max_lag_s: float = MAX_LAG_S, idle_end_s: float = IDLE_END_S,
                 clock=time.monotonic):
        super().__init__(source, max_wait_s, max_lag_s, idle_end_s, clock)
        self.received_samples = 0
        self._times: list[float] = []            # phone seconds, increasing
        self._values: list[tuple] = []           # board g
        self._offset: float | None = None        # phone time - board time

    def push(self, rows) -> None:
        """Readings [(t, x, y, z), ...] in m/s^2; out-of-order ones are ignored."""
        with self.changed:
            for t, *phone in rows:
                if self._times and t <= self._times[-1]:
                    continue
                self._times.append(float(t))
                self._values.append(tuple(phone_to_board_g(phone)))
                self.received_samples += 1
            self._arrived()

    def value(self, index: int, seconds: float):
        """The reading at board time `seconds`, once the phone has sent that far;
        the held reading for a stalled stream; None once the stream ended."""
        with self.changed:
            if self._offset is None:
                if not self._wait(lambda: bool(self._times)):
                    return None if self._ended() else self.REST
                self._offset = self._times[-1] - seconds    # the stream starts now
            self._catch_up(seconds)
            target = seconds + self._offset
            reached = self._wait(lambda: self._times[-1] >= target)
            if not reached and self._ended():
                return None
            return self._held(target)

    def _catch_up(self, seconds: float) -> None:
        lag = self._times[-1] - (seconds + self._offset)
        if lag > self.max_lag_s:                   # the board is behind: skip ahead
            self._offset += lag
            self.skipped_s += lag

    def _held(self, target: float):
        index = int(np.searchsorted(self._times, target, side="right")) - 1
        if index > 0:                              # older readings are never needed again
            del self._times[:index], self._values[:index]
        return self._values[0] if target >= self._times[0] else self.REST
