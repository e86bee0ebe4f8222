"""Motion feeds for the virtual IMU: acceleration in g, angular rate in degrees/s.

Input formats, told apart by their content (a file's name or extension does not matter):
  - RESD (Renode Sensor Data, starts with the magic "RESD"): acceleration (micro-g) and
    angular-rate (1e-5 rad/s) blocks, constant-frequency or arbitrary-timestamp, times in
    virtual nanoseconds;
  - CSV `t,ax,ay,az`: four numbers a line, t in seconds (milliseconds or microseconds when
    the header names the unit: `t_ms`, `t (us)`), then the three axes;
  - Renode sensor sample text (what `FeedAccelerationSample @file` takes): three numbers
    `x y z` a line, consumed one per output-data-rate tick (119 Hz in the lab's firmware).
In both text formats numbers may be separated by commas, semicolons, tabs or spaces, `#`
starts a comment (a whole line or the rest of one), and one header line of column names
may come first. Acceleration is in the unit the header names (`ax_mg`, `ax (g)`,
`ax (m/s^2)`); without one, in g when the samples' median magnitude is at most 5 and in
milli-g when it is above 50 (no accelerometer reports 50 g; milli-g read about 1000 at
rest); anything in between asks for a header.
A timestamped sample holds until the next one (the sensor samples it at its ODR), so a
25 Hz recording reaches a 119 Hz sensor as each sample repeated, as Renode plays it.
When the data run out the feed holds its last value, loops, or ends the run.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import LabError
from . import resd

ON_END = ("hold", "loop", "end")
SAMPLE_TEXT_RATE_HZ = 119.0     # one sample text line per tick of the firmware's LSM9DS1 ODR
MILLI_G_ABOVE = 50.0            # median |a| above this: the numbers are milli-g ...
MAYBE_M_PER_S2_ABOVE = 5.0      # ... at most this: g; in between (m/s^2?) the header must say
GRAVITY = 9.80665
MAX_SAMPLE_STEP_S = 1.0    # an accelerometer recording samples faster than 1 Hz
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
RESD, CSV, SAMPLE_TEXT = "RESD", "CSV t,ax,ay,az", "Renode sample text x y z"


def detect_format(path: str | Path) -> str:
    """RESD, CSV or SAMPLE_TEXT, from the file's content."""
    table = _parse(Path(path))
    return RESD if table is None else table.kind


def load_acceleration(path: str | Path, on_end: str = "hold"):
    """A feed for the accelerometer from a file in any of the formats above."""
    path = Path(path)
    table = _parse(path)
    if table is None:
        return _resd_feed(path, resd.ACCELERATION, 1e-6, on_end)
    if table.kind == CSV:
        return TimedFeed(table.times, table.values, str(path), on_end)
    return SequenceFeed(table.values, str(path), on_end)


def load_angular_rate(path: str | Path, on_end: str = "hold"):
    """Gyroscope data from a RESD file (angular-rate blocks), or None when it has none."""
    path = Path(path)
    if _head(path, len(resd.MAGIC)) != resd.MAGIC:
        return None
    blocks = [b for b in resd.read(path) if b.sample_type == resd.ANGULAR_RATE]
    if not blocks:
        return None
    return _resd_feed(path, resd.ANGULAR_RATE, 1e-5 * RAD_PER_S_TO_DPS, on_end)


def read_recording(path: str | Path, text_rate_hz: float = SAMPLE_TEXT_RATE_HZ):
    """(times s, acceleration g (n, 3)) of a recording in any of the formats above; sample
    text lines are `text_rate_hz` apart (one per sensor tick)."""
    path = Path(path)
    table = _parse(path)
    if table is None:
        feed = _resd_feed(path, resd.ACCELERATION, 1e-6, "hold")
        return feed.times, feed.values
    if table.times is None:
        return np.arange(len(table.values)) / text_rate_hz, table.values
    return table.times, table.values


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(times s, acceleration g) of a CSV `t,ax,ay,az` recording (g or milli-g)."""
    table = _parse(Path(path))
    if table is None or table.kind != CSV:
        raise LabError(f"{path}: expected CSV rows t,ax,ay,az, found "
                       f"{RESD if table is None else table.kind}")
    return table.times, table.values


def read_sample_text(path: Path) -> np.ndarray:
    """Renode's format: `x y z` per line (g, or milli-g as above), `#` comments."""
    table = _parse(Path(path))
    if table is None or table.kind != SAMPLE_TEXT:
        raise LabError(f"{path}: expected Renode sample text `x y z`, found "
                       f"{RESD if table is None else table.kind}")
    return table.values


def _resd_feed(path: Path, sample_type: int, unit: float, on_end: str) -> TimedFeed:
    blocks = [b for b in resd.read(path) if b.sample_type == sample_type]
    if not blocks:
        name = resd.SAMPLE_TYPES[sample_type][0]
        raise LabError(f"{path}: RESD file has no {name} block")
    times = np.concatenate([b.times_ns() for b in blocks]).astype(np.float64) / 1e9
    values = np.concatenate([b.samples for b in blocks]).astype(np.float64) * unit
    order = np.argsort(times, kind="stable")
    return TimedFeed(times[order], values[order], str(path), on_end)


@dataclass
class _Table:
    kind: str                   # CSV or SAMPLE_TEXT
    times: np.ndarray | None    # seconds (CSV only)
    values: np.ndarray          # g


_SEPARATOR = re.compile(r"[,;\s]+")
_SEPARATOR_LINE = re.compile(r"[,; \t]+")
_TIME_UNITS = {"ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_G_UNITS = {"mg": 1e-3, "milli-g": 1e-3, "milli_g": 1e-3, "m/s^2": 1 / GRAVITY,
            "m/s2": 1 / GRAVITY, "ms2": 1 / GRAVITY, "m/s²": 1 / GRAVITY, "g": 1.0}


def _parse(path: Path) -> _Table | None:
    """None for a RESD file (resd.read parses those), else the text recording's table."""
    return None if _head(path, len(resd.MAGIC)) == resd.MAGIC else _read_table(path)


def _read_table(path: Path) -> _Table:
    """The numbers of a text recording: three or four a line, one optional header line."""
    lines = _lines(path)
    header, table = _fast_table(lines)
    if table is None:
        header, table = _checked_table(path, lines)
    columns = _header_columns(header, table.shape[1])
    values = table[:, -3:] * _acceleration_scale(path, columns[-3:], table[:, -3:])
    if table.shape[1] == 3:
        return _Table(SAMPLE_TEXT, None, values)
    time_unit = next((unit for unit in _TIME_UNITS if _names_unit(columns[0], unit)), None)
    times = table[:, 0] * _TIME_UNITS.get(time_unit, 1.0)
    if time_unit is None and not _names_unit(columns[0], "s"):
        _check_seconds(path, times)
    return _Table(CSV, times, values)


def _check_seconds(path: Path, times: np.ndarray) -> None:
    """Times without a unit are seconds: refuse what cannot be an accelerometer's seconds
    (all the same, or samples more than a second apart: milliseconds, most likely)."""
    if len(times) > 1 and np.ptp(times) == 0:
        raise LabError(f"{path}: every sample has the time {times[0]:g}: the first column "
                       "must be each sample's time in seconds")
    steps = np.diff(times)
    step = float(np.median(steps)) if len(steps) else 0.0
    if step > MAX_SAMPLE_STEP_S:
        raise LabError(f"{path}: samples a median {step:g} s apart: if the times are "
                       "milliseconds, name the column t_ms (or t_us, t_ns) in a header line")


def _fast_table(lines: list[str]):
    """(header, numbers) parsed by NumPy when every line is clean; (None, None) otherwise,
    and _checked_table finds what is wrong."""
    body = [line.split("#", 1)[0].strip() for line in lines]
    body = [line for line in body if line]
    header = body.pop(0) if body and body[0][0] not in "+-.0123456789" else None
    if not body:
        return None, None
    try:
        table = np.loadtxt(io.StringIO(_SEPARATOR_LINE.sub(" ", "\n".join(body))), ndmin=2)
    except ValueError:
        return None, None
    if table.shape[1] not in (3, 4) or not np.isfinite(table).all():
        return None, None
    return header, table


def _checked_table(path: Path, lines: list[str]):
    """(header, numbers), line by line, naming the first line that is not numbers."""
    header, rows, first_row = None, [], None
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        fields = [f for f in _SEPARATOR.split(text) if f]
        try:
            row = [float(f) for f in fields]
        except ValueError:
            if header is None and not rows:
                header = text
                continue
            row = None
        width = len(rows[0]) if rows else (len(row) if row else 0)
        if row is None or len(row) != width or width not in (3, 4) or \
                not all(math.isfinite(v) for v in row):
            raise LabError(f"{path}:{number}: {_expected(width, first_row)}, got {line.strip()!r}")
        first_row = first_row or number
        rows.append(row)
    if not rows:
        raise LabError(f"{path}: no samples (expected lines of t,ax,ay,az or x y z)")
    return header, np.array(rows)


def _header_columns(header: str | None, width: int) -> list[str]:
    """The header's column names (lower case); empty names without a header or when
    its names do not line up with the numbers."""
    text = (header or "").lower()
    names = re.split(r"[,;\t]", text) if re.search(r"[,;\t]", text) else text.split()
    return [n.strip() for n in names] if len(names) == width else [""] * width


def _names_unit(column: str, unit: str) -> bool:
    return re.search(rf"(?<![a-zµ]){re.escape(unit)}(?![a-z0-9])", column) is not None


def _acceleration_scale(path: Path, columns: list[str], values: np.ndarray) -> float:
    """g per unit of the numbers: from the header's unit, else from their size."""
    for unit, scale in _G_UNITS.items():
        if unit != "g" and any(_names_unit(c, unit) for c in columns):
            return scale
    magnitude = float(np.median(np.linalg.norm(values, axis=1)))
    if any(_names_unit(c, "g") for c in columns) or magnitude <= MAYBE_M_PER_S2_ABOVE:
        return 1.0
    if magnitude > MILLI_G_ABOVE:
        return 1e-3
    raise LabError(f"{path}: acceleration of median magnitude {magnitude:.3g}: neither g (about "
                   "1 at rest) nor milli-g (about 1000); name the unit in a header line, e.g. "
                   "t,ax_mg,ay_mg,az_mg or t,ax_g,ay_g,az_g")


def _expected(width: int, first_row: int | None) -> str:
    where = f" as on line {first_row}" if first_row else ""
    if width == 4:
        return f"expected 4 numbers t,ax,ay,az{where}"
    if width == 3:
        return f"expected three numbers `x y z`{where}"
    return "expected numbers: t,ax,ay,az (CSV) or x y z (Renode sample text)"


def _head(path: Path, size: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except FileNotFoundError:
        raise LabError(f"{path}: no such file")
    except IsADirectoryError:
        raise LabError(f"{path}: is a folder, expected a recording file")


def _lines(path: Path) -> list[str]:
    head = _head(path, 64)
    if b"\0" in head:
        raise LabError(f"{path}: a binary file that is not RESD (RESD files start with "
                       f"{resd.MAGIC.decode()!r}, this one with {head[:8]!r})")
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        raise LabError(f"{path}: no such file")
    except IsADirectoryError:
        raise LabError(f"{path}: is a folder, expected a recording file")
    except UnicodeDecodeError:
        raise LabError(f"{path}: not a text file (nor RESD)")
