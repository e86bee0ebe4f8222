"""Motion feeds for the virtual IMU: acceleration in g, angular rate in degrees/s.

  - CSV `t,ax,ay,az` (seconds of virtual time, g; a header line is optional);
  - Renode sensor sample text files (what `FeedAccelerationSample @file` takes): one
    `x y z` sample per line in g, `#` comments, consumed one per output-data-rate tick;
  - RESD (Renode Sensor Data): acceleration (micro-g) and angular-rate (1e-5 rad/s)
    blocks, constant-frequency or arbitrary-timestamp, times in virtual nanoseconds.
A timestamped sample holds until the next one (the sensor samples it at its ODR).
When the data run out the feed holds its last value, loops, or ends the run.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import LabError
from . import resd

ON_END = ("hold", "loop", "end")
TIME_TOLERANCE_S = 1e-9     # a sample stamped at a tick's time is seen by that tick
RAD_PER_S_TO_DPS = 180.0 / math.pi


class TimedFeed:
    """Samples with timestamps (seconds): zero-order hold."""

    def __init__(self, times_s: np.ndarray, values: np.ndarray, source: str,
                 on_end: str = "hold"):
        _check_policy(on_end)
        if len(times_s) == 0:
            raise LabError(f"{source}: no samples")
        if np.any(np.diff(times_s) < 0):
            raise LabError(f"{source}: timestamps go backwards")
        self.times = np.asarray(times_s, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.source, self.on_end = source, on_end
        step = np.median(np.diff(self.times)) if len(self.times) > 1 else 0.0
        self.end_time = self.times[-1] + step

    def value(self, index: int, seconds: float):
        if seconds >= self.end_time:
            if self.on_end == "end":
                return None
            if self.on_end == "loop" and self.end_time > self.times[0]:
                span = self.end_time - self.times[0]
                seconds = self.times[0] + (seconds - self.times[0]) % span
        position = np.searchsorted(self.times, seconds + TIME_TOLERANCE_S, side="right") - 1
        return tuple(self.values[max(position, 0)])


class SequenceFeed:
    """Samples without timestamps, one per sensor output tick (Renode's text files)."""

    def __init__(self, values: np.ndarray, source: str, on_end: str = "hold"):
        _check_policy(on_end)
        if len(values) == 0:
            raise LabError(f"{source}: no samples")
        self.values = np.asarray(values, dtype=np.float64)
        self.source, self.on_end = source, on_end

    def value(self, index: int, seconds: float):
        if index >= len(self.values):
            if self.on_end == "end":
                return None
            index = index % len(self.values) if self.on_end == "loop" else len(self.values) - 1
        return tuple(self.values[index])


def _check_policy(on_end: str) -> None:
    if on_end not in ON_END:
        raise LabError(f"unknown end-of-data policy {on_end!r}; use one of {ON_END}")


# ------------------------------------------------------------------ loading
def load_acceleration(path: str | Path, on_end: str = "hold"):
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        times, values = read_csv(path)
        return TimedFeed(times, values, str(path), on_end)
    if suffix == ".resd":
        return _resd_feed(path, resd.ACCELERATION, 1e-6, on_end)
    return SequenceFeed(read_sample_text(path), str(path), on_end)


def load_angular_rate(path: str | Path, on_end: str = "hold"):
    """Gyroscope data from a RESD file (angular-rate blocks), or None when it has none."""
    path = Path(path)
    if path.suffix.lower() != ".resd":
        return None
    blocks = [b for b in resd.read(path) if b.sample_type == resd.ANGULAR_RATE]
    if not blocks:
        return None
    return _resd_feed(path, resd.ANGULAR_RATE, 1e-5 * RAD_PER_S_TO_DPS, on_end)


def _resd_feed(path: Path, sample_type: int, unit: float, on_end: str) -> TimedFeed:
    blocks = [b for b in resd.read(path) if b.sample_type == sample_type]
    if not blocks:
        name = resd.SAMPLE_TYPES[sample_type][0]
        raise LabError(f"{path}: RESD file has no {name} block")
    times = np.concatenate([b.times_ns() for b in blocks]).astype(np.float64) / 1e9
    values = np.concatenate([b.samples for b in blocks]).astype(np.float64) * unit
    order = np.argsort(times, kind="stable")
    return TimedFeed(times[order], values[order], str(path), on_end)


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """`t,ax,ay,az` rows; an optional header; a clear error naming a bad row."""
    times, values = [], []
    for number, line in enumerate(_lines(path), start=1):
        text = line.strip()
        if not text:
            continue
        fields = [f.strip() for f in text.split(",")]
        try:
            row = [float(f) for f in fields]
        except ValueError:
            if number == 1 and not times:
                continue                     # a header line
            raise LabError(f"{path}:{number}: expected numbers t,ax,ay,az, got {text!r}")
        if len(row) != 4 or not all(math.isfinite(v) for v in row):
            raise LabError(f"{path}:{number}: expected 4 numbers t,ax,ay,az, got {text!r}")
        times.append(row[0])
        values.append(row[1:])
    if not times:
        raise LabError(f"{path}: no samples")
    return np.array(times), np.array(values)


def read_sample_text(path: Path) -> np.ndarray:
    """Renode's format: `x y z` per line (g), `#` starts a comment line."""
    values = []
    for number, line in enumerate(_lines(path), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            row = [float(f) for f in text.replace(",", " ").split()]
        except ValueError:
            row = []
        if len(row) != 3 or not all(math.isfinite(v) for v in row):
            raise LabError(f"{path}:{number}: expected three numbers `x y z` (g), got "
                           f"{line.strip()!r}")
        values.append(row)
    if not values:
        raise LabError(f"{path}: no samples")
    return np.array(values)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        raise LabError(f"{path}: no such file")
    except UnicodeDecodeError:
        raise LabError(f"{path}: not a text file")
