"""`lab data convert IN OUT`: between the lab's sensor formats.

  CSV (t,ax,ay,az in s and g) -> RESD: one acceleration block (micro-g); constant-frequency
      when the timestamps are evenly spaced (within the CSV's microsecond resolution),
      arbitrary-timestamp otherwise;
  RESD -> CSV: the acceleration blocks' samples with their times;
  WAV -> raw s16le PCM (Renode's `pdm SetInputFile` format), optionally resampled and mixed
      to mono (`--rate`, default: keep the WAV's rate).
Output is written to a temporary file and renamed: never a half-written file.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from ..errors import LabError
from . import imu, resd
from .audio import read_wav, resample, to_int16


def convert(source: str | Path, target: str | Path, rate: float | None = None) -> str:
    source, target = Path(source), Path(target)
    kinds = (source.suffix.lower(), target.suffix.lower())
    if kinds == (".csv", ".resd"):
        data, what = _csv_to_resd(source)
    elif kinds == (".resd", ".csv"):
        data, what = _resd_to_csv(source)
    elif kinds[0] == ".wav" and kinds[1] in (".pcm", ".raw", ".s16le"):
        data, what = _wav_to_pcm(source, rate)
    else:
        raise LabError(f"cannot convert {source.suffix or source.name} to "
                       f"{target.suffix or target.name}: the lab converts .csv <-> .resd and "
                       ".wav -> .pcm/.raw/.s16le")
    _write_atomically(target, data)
    return what


def _csv_to_resd(source: Path) -> tuple[bytes, str]:
    times, values = imu.read_csv(source)
    times_ns = np.round(times * 1e9).astype(np.int64)
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


def _resd_to_csv(source: Path) -> tuple[bytes, str]:
    blocks = [b for b in resd.read(source) if b.sample_type == resd.ACCELERATION]
    if not blocks:
        raise LabError(f"{source}: no acceleration block to write as CSV")
    times = np.concatenate([b.times_ns() for b in blocks]) / 1e9
    values = np.concatenate([b.samples for b in blocks]) / 1e6
    order = np.argsort(times, kind="stable")
    lines = ["t,ax,ay,az"] + [f"{t:.9f},{x:.6f},{y:.6f},{z:.6f}"
                              for t, (x, y, z) in zip(times[order], values[order])]
    return ("\n".join(lines) + "\n").encode(), f"{len(times)} acceleration samples"


def _wav_to_pcm(source: Path, rate: float | None) -> tuple[bytes, str]:
    samples, source_rate = read_wav(source)
    mono = samples.mean(axis=1, keepdims=True)
    notes = [f"{samples.shape[1]} channel(s) -> mono"] if samples.shape[1] != 1 else []
    if rate and abs(rate - source_rate) > 1e-6:
        mono = resample(mono, source_rate, rate)
        notes.append(f"{source_rate} Hz -> {rate:g} Hz")
    pcm = to_int16(mono)[:, 0]
    detail = f" ({', '.join(notes)})" if notes else ""
    return pcm.astype("<i2").tobytes(), f"{len(pcm)} samples at {rate or source_rate:g} Hz{detail}"


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
