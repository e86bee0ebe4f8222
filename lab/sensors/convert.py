"""`lab data convert IN OUT`: between the lab's sensor formats.

The input's format is told from its content (imu.py: RESD, CSV t,ax,ay,az in g, milli-g
or m/s^2, Renode sample text; WAV by its RIFF/WAVE header); the output's from its
extension:
  .resd   one acceleration block (micro-g): constant-frequency when the samples are evenly
          spaced (within a CSV's microsecond resolution), arbitrary-timestamp otherwise;
  .csv    t,ax,ay,az in s and g;
  .data / .txt   Renode sample text `x y z` in g, one line per sensor tick at `rate`
          (default 119 Hz, the LSM9DS1 rate of the lab's firmware): each sample of a slower
          recording repeated until the next one is due, as the sensor would see it;
  .pcm / .raw / .s16le   from a WAV: raw s16le PCM (Renode's `pdm SetInputFile` format),
          mono, at `rate` (default 16 kHz, the rate the board's microphone plays raw PCM at:
          the file itself cannot say its rate).
`rate` also resamples a recording written as CSV or RESD (zero-order hold, as a sensor
sampling it); without it they keep the recording's own samples. A sample text input has
no times: its lines are taken one per 119 Hz tick. Output is written to a temporary file
and renamed: never a half-written file.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import LabError
from ..files import write_atomically
from . import imu, resd
from .audio import read_wav, resample, to_int16

PCM_SUFFIXES = (".pcm", ".raw", ".s16le")
TEXT_SUFFIXES = (".data", ".txt")
IMU_SUFFIXES = (".resd", ".csv") + TEXT_SUFFIXES
SENSOR_TICK_HZ = imu.SAMPLE_TEXT_RATE_HZ
RESD_LIMIT_MICRO_G = 2**31 - 1
BOARD_AUDIO_RATE_HZ = 16000    # what the lab's PDM microphone plays raw PCM at


def convert(source: str | Path, target: str | Path, rate: float | None = None) -> str:
    source, target = Path(source), Path(target)
    suffix = target.suffix.lower()
    if _is_wav(source):
        if suffix not in PCM_SUFFIXES:
            raise LabError(f"{source} is a WAV file: it converts to {'/'.join(PCM_SUFFIXES)}, "
                           f"not {suffix or target.name}")
        data, what = _wav_to_pcm(source, rate)
    elif suffix in IMU_SUFFIXES:
        times, values = imu.read_recording(source)
        if suffix in TEXT_SUFFIXES or rate:
            times, values = sensor_ticks(times, values, rate or SENSOR_TICK_HZ)
        writer = {".resd": _resd_bytes, ".csv": _csv_bytes}.get(suffix, _sample_text_bytes)
        data, what = writer(times, values, rate or SENSOR_TICK_HZ)
        what += f" from {imu.detect_format(source)}"
    elif suffix in PCM_SUFFIXES:
        raise LabError(f"{source}: not a WAV file (no RIFF/WAVE header); only WAV converts to "
                       f"raw PCM")
    else:
        raise LabError(f"cannot convert to {suffix or target.name}: the lab writes accelerometer "
                       f"recordings as {', '.join(IMU_SUFFIXES)} and WAV as "
                       f"{', '.join(PCM_SUFFIXES)}")
    write_atomically(target, data)
    return what


def sensor_ticks(times: np.ndarray, values: np.ndarray, rate: float):
    """What a sensor ticking at `rate` Hz sees of a recording (zero-order hold): ticks from
    the first sample's time until the last sample's time plus one sample period."""
    step = float(np.median(np.diff(times))) if len(times) > 1 else 1 / rate
    count = max(1, int(np.floor((times[-1] + step - times[0]) * rate + 1e-9)))
    ticks = times[0] + np.arange(count) / rate
    latest = np.searchsorted(times, ticks + imu.TIME_TOLERANCE_S, side="right") - 1
    return ticks, values[np.maximum(latest, 0)]


def _resd_bytes(times, values, _rate) -> tuple[bytes, str]:
    times_ns = np.round(times * 1e9).astype(np.int64)
    largest = float(np.abs(values).max())
    if largest * 1e6 > RESD_LIMIT_MICRO_G:
        raise LabError(f"acceleration of {largest:.6g} g does not fit RESD's int32 micro-g "
                       f"(at most {RESD_LIMIT_MICRO_G / 1e6:.2f} g): check the recording's "
                       "unit (name it in the header, e.g. ax_mg or ax_g)")
    micro_g = np.round(values * 1e6).astype(np.int32)
    period = _even_period_ns(times_ns)
    if period:
        block = resd.Block(resd.ACCELERATION, micro_g, start_time_ns=int(times_ns[0]),
                           period_ns=period)
        kind = f"constant frequency, period {period} ns"
    else:
        block = resd.Block(resd.ACCELERATION, micro_g, start_time_ns=int(times_ns[0]),
                           timestamps_ns=times_ns)
        kind = "arbitrary timestamps"
    return resd.encode([block]), f"{len(micro_g)} acceleration samples ({kind})"


def _even_period_ns(times_ns: np.ndarray, tolerance_ns: int = 1000) -> int | None:
    """The period when every timestamp is within `tolerance_ns` of an even grid."""
    if len(times_ns) < 2:
        return None
    period = int(round((times_ns[-1] - times_ns[0]) / (len(times_ns) - 1)))
    grid = times_ns[0] + period * np.arange(len(times_ns))
    return period if period > 0 and np.abs(times_ns - grid).max() <= tolerance_ns else None


def _csv_bytes(times, values, _rate) -> tuple[bytes, str]:
    lines = ["t,ax,ay,az"] + [f"{t:.9f},{x:.6f},{y:.6f},{z:.6f}"
                              for t, (x, y, z) in zip(times, values)]
    return ("\n".join(lines) + "\n").encode(), f"{len(times)} acceleration samples (g)"


def _sample_text_bytes(times, values, rate) -> tuple[bytes, str]:
    lines = [f"# acceleration x y z in g, one sample per {rate:g} Hz sensor tick"]
    lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in values]
    return ("\n".join(lines) + "\n").encode(), \
        f"{len(values)} samples of Renode sample text, one per {rate:g} Hz tick"


def _is_wav(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(12)
    except FileNotFoundError:
        raise LabError(f"{path}: no such file")
    except IsADirectoryError:
        raise LabError(f"{path}: is a folder, expected a file")
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE"


def _wav_to_pcm(source: Path, rate: float | None) -> tuple[bytes, str]:
    samples, source_rate = read_wav(source)
    mono = samples.mean(axis=1, keepdims=True)
    notes = [f"{samples.shape[1]} channel(s) -> mono"] if samples.shape[1] != 1 else []
    rate = rate or BOARD_AUDIO_RATE_HZ   # raw PCM has no rate: write what the board plays
    if abs(rate - source_rate) > 1e-6:
        mono = resample(mono, source_rate, rate)
        notes.append(f"{source_rate} Hz -> {rate:g} Hz")
    pcm = to_int16(mono)[:, 0]
    detail = f" ({', '.join(notes)})" if notes else ""
    return pcm.astype("<i2").tobytes(), \
        f"{len(pcm)} samples at {rate:g} Hz{detail} (raw PCM keeps no rate: play it at {rate:g} Hz)"
