"""What every IMU model on an I2C bus shares: the lab's feeds, the output data rate in
virtual time, the chip's mounting on the board, and keep-up accounting.

Feeds (lab.sensors.imu) give the board's motion in the board's frame: acceleration in g,
angular rate in degrees per second. A chip mounted rotated on its board measures other
axes: the board description says which, per chip axis (`axes: [-y, -x, z]` = the chip's
x measures the board's -y, its y the board's -x, its z the board's z). Output samples
appear at the configured ODR: tick k of a rate started at time t0 falls at
t0 + ceil(k * clock / ODR) cycles. A subclass turns a measurement into its registers
(`sample_ready`), and says its ODR. Its registers are reached through a register pointer
(i2c.RegisterDevice); a FIFO of whole samples or data sets fills with `fifo_store`.

`produced_samples`, `dropped_samples` (lost on a full FIFO or overwritten unread) and
`log` (what the chip measured, for the results) are what the session reports.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ....errors import LabError
from .i2c import RegisterDevice

BOARD_AXES = {"x": 0, "y": 1, "z": 2}
GRAVITY_ONLY = (0.0, 0.0, 1.0)       # lying flat, still
STILL = (0.0, 0.0, 0.0)


def to_raw(value: float, unit_per_lsb: float) -> int:
    """Physical value -> int16 output, rounded half away from zero, saturated."""
    scaled = value / unit_per_lsb
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return max(-32768, min(32767, rounded))


def int16_byte(value: int, high: int) -> int:
    """The low (high=0) or high (high=1) byte of an int16 output register pair."""
    value &= 0xFFFF
    return value >> 8 if high else value & 0xFF


def parse_axes(axes, where: str) -> tuple[tuple[int, int], ...]:
    """[-y, -x, z] -> ((sign, board axis) per chip axis)."""
    if axes is None:
        return ((1, 0), (1, 1), (1, 2))
    try:
        parsed = tuple((-1 if str(a).startswith("-") else 1, BOARD_AXES[str(a).lstrip("+-")])
                       for a in axes)
    except KeyError:
        parsed = ()
    if len(parsed) != 3 or sorted(axis for _, axis in parsed) != [0, 1, 2]:
        raise LabError(f"{where}: axes: expected the board axis each chip axis measures, "
                       f"e.g. [-y, -x, z]; got {axes!r}")
    return parsed


class ImuDevice(RegisterDevice):
    def __init__(self, machine, name: str, addresses: tuple[int, ...], axes=None):
        super().__init__(addresses)
        self.machine = machine
        self.name = name
        self.axes = parse_axes(axes, f"device {name}")
        self.accel_feed = None          # board frame, g
        self.gyro_feed = None           # board frame, degrees per second
        self.produced_samples = 0
        self.dropped_samples = 0
        self.log: list[tuple[int, tuple, float]] = []   # (time, chip accel raw, g per LSB)
        self._event = None
        self._odr: Fraction | None = None
        self._odr_start = 0
        self._sample_index = 0

    # --------------------------------------------------------- subclass side
    def output_data_rate(self) -> Fraction | None:
        raise NotImplementedError

    def sample_ready(self, time: int, accel_g: tuple, gyro_dps: tuple) -> None:
        """A new measurement in the chip's axes: put it in the registers / FIFO."""
        raise NotImplementedError

    # ---------------------------------------------------------------- output
    def restart_output(self) -> None:
        """The ODR (or the power state) changed: the output clock restarts now."""
        self.stop_output()
        self._odr = self.output_data_rate()
        if self._odr is None:
            return
        self._odr_start = self.machine.now()
        self._schedule(1)

    def stop_output(self) -> None:
        if self._event:
            self._event.cancel()
            self._event = None
        self._odr = None

    def _schedule(self, tick: int) -> None:
        time = self._odr_start + math.ceil(Fraction(tick * self.machine.clock_hz) / self._odr)
        self._event = self.machine.scheduler.at(time, self._tick_at, tick)

    def _tick_at(self, time: int, tick: int) -> None:   # a snapshot names this event
        self._tick(tick, time)

    def _tick(self, tick: int, time: int) -> None:
        seconds = self.machine.seconds(time)
        accel = self._feed_value(self.accel_feed, seconds, GRAVITY_ONLY)
        gyro = self._feed_value(self.gyro_feed, seconds, STILL)
        self._sample_index += 1
        self.sample_ready(time, self.to_chip(accel), self.to_chip(gyro))
        if self._odr is not None and self._event is not None:
            self._schedule(tick + 1)

    def _feed_value(self, feed, seconds: float, default):
        if feed is None:
            return default
        value = feed.value(self._sample_index, seconds)
        if value is None:                         # the feed ended and ends the run
            self.machine.halt("done", f"{self.name}: sensor feed ended")
            return default
        return value

    # ------------------------------------------------------------------ FIFO
    def fifo_store(self, entries: list, capacity: int, overwrite_oldest: bool) -> bool:
        """Append one sample's entries (words, or the sample itself) to `self.fifo`, which
        holds `capacity` entries. On a full FIFO the sample counts as dropped: in stream
        (continuous) mode the oldest entries make room for it, otherwise it is lost.
        False when the FIFO was full."""
        if len(self.fifo) + len(entries) <= capacity:
            self.fifo.extend(entries)
            return True
        self.dropped_samples += 1
        if overwrite_oldest:
            for _ in entries:
                self.fifo.popleft()
            self.fifo.extend(entries)
        return False

    # ------------------------------------------------------------------ axes
    def to_chip(self, board: tuple) -> tuple:
        return tuple(sign * board[axis] for sign, axis in self.axes)

    def to_board(self, chip) -> list:
        board = [0.0, 0.0, 0.0]
        for (sign, axis), value in zip(self.axes, chip):
            board[axis] = sign * value
        return board

    def record(self, time: int, accel_raw: tuple, g_per_lsb: float) -> None:
        """An accelerometer sample was made (in the chip's axes)."""
        self.produced_samples += 1
        self.log.append((time, tuple(accel_raw), g_per_lsb))

    def delivered_acceleration(self):
        """(times in cycles, acceleration in g (n, 3), board frame) of every sample the
        chip made, as the firmware could read it (quantized at its full scale)."""
        times = np.array([time for time, _, _ in self.log], dtype=np.int64)
        values = np.array([self.to_board([raw * unit for raw in sample])
                           for _, sample, unit in self.log], dtype=np.float64).reshape(-1, 3)
        return times, values
