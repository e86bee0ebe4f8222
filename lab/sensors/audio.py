"""Audio feeds for the virtual microphone.

A feed delivers int16 samples, in order, at the rate the firmware configured the
PDM for. Sources:
  - WAV files: PCM 8/16/24/32-bit or 32/64-bit float, any rate and channel count,
    resampled with soxr (a real resampler) when the rate differs; a warning names
    every conversion;
  - raw s16le PCM (.pcm, .raw, .s16le): Renode's `pdm SetInputFile` format, taken at
    whatever rate the PDM samples, as Renode does;
  - a folder: its WAV files in name order, back to back.
When the data run out the feed plays silence, loops, or ends the run (`on_end`).
"""
from __future__ import annotations

import logging
import struct
from pathlib import Path

import numpy as np

from ..errors import LabError

log = logging.getLogger("lab.audio")

RAW_SUFFIXES = (".pcm", ".raw", ".s16le")
ON_END = ("silence", "loop", "end")
FORMAT_PCM, FORMAT_FLOAT, FORMAT_EXTENSIBLE = 1, 3, 0xFFFE


class AudioFeed:
    def __init__(self, samples: np.ndarray, rate: float | None, source: str,
                 on_end: str = "silence"):
        """`samples`: float64 (frames x channels) in [-32768, 32767] units; `rate` None
        for raw PCM, which plays at whatever rate the PDM runs."""
        if on_end not in ON_END:
            raise LabError(f"unknown end-of-audio policy {on_end!r}; use one of {ON_END}")
        self.original = samples if samples.ndim == 2 else samples[:, None]
        self.rate = rate
        self.source = source
        self.on_end = on_end
        self.stream: np.ndarray | None = None   # converted: int16 (frames x channels)
        self.stream_rate: float | None = None
        self.position = 0
        self.conversions: list[str] = []

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_path(cls, path: str | Path, on_end: str = "silence") -> "AudioFeed":
        path = Path(path)
        if path.is_dir():
            files = sorted(path.rglob("*.wav"))
            if not files:
                raise LabError(f"{path}: no .wav files in this folder")
            clips = [read_wav(f) for f in files]
            rates = {rate for _, rate in clips}
            if len(rates) > 1:
                raise LabError(f"{path}: WAV files with different rates {sorted(rates)}")
            channels = max(c.shape[1] for c, _ in clips)
            joined = np.concatenate([_to_channels(c, channels) for c, _ in clips])
            return cls(joined, rates.pop(), str(path), on_end)
        if path.suffix.lower() in RAW_SUFFIXES:
            return cls(read_raw_pcm(path), None, str(path), on_end)
        samples, rate = read_wav(path)
        return cls(samples, rate, str(path), on_end)

    # ------------------------------------------------------------- streaming
    def configure(self, rate_hz: float, channels: int) -> None:
        """Called by the PDM at START: convert once to its rate and channel count."""
        if self.stream is not None and self.stream_rate == rate_hz and \
                self.stream.shape[1] == channels:
            return
        samples = self.original
        if self.rate is not None and abs(self.rate - rate_hz) > 1e-6:
            samples = resample(samples, self.rate, rate_hz)
            self._note(f"resampled {self.rate:g} Hz to {rate_hz:.6g} Hz (the PDM rate)")
        if samples.shape[1] != channels:
            self._note(f"mixed {samples.shape[1]} channel(s) to {channels}")
            samples = _to_channels(samples, channels)
        self.stream = to_int16(samples)
        self.stream_rate = rate_hz

    def _note(self, what: str) -> None:
        message = f"{self.source}: {what}"
        self.conversions.append(message)
        log.warning(message)

    def take(self, frames: int) -> np.ndarray | None:
        """The next `frames` samples (frames x channels int16); None when the feed has
        ended and its policy is to end the run."""
        out = np.zeros((frames, self.stream.shape[1]), dtype=np.int16)
        filled = 0
        total = len(self.stream)
        while filled < frames:
            if self.position >= total:
                if self.on_end == "loop" and total:
                    self.position = 0
                    continue
                if self.on_end == "end":
                    return None
                break                                   # silence: the rest stays 0
            count = min(frames - filled, total - self.position)
            out[filled:filled + count] = self.stream[self.position:self.position + count]
            filled += count
            self.position += count
        return out

    @property
    def duration_s(self) -> float:
        rate = self.rate or self.stream_rate or 16000
        return len(self.original) / rate


# ------------------------------------------------------------------ conversion
def resample(samples: np.ndarray, from_hz: float, to_hz: float) -> np.ndarray:
    import soxr
    return soxr.resample(samples.astype(np.float64), from_hz, to_hz, quality="HQ")


def _to_channels(samples: np.ndarray, channels: int) -> np.ndarray:
    if samples.shape[1] == channels:
        return samples
    mono = samples.mean(axis=1, keepdims=True)
    return np.repeat(mono, channels, axis=1)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Round half away from zero and saturate to int16."""
    rounded = np.sign(samples) * np.floor(np.abs(samples) + 0.5)
    return np.clip(rounded, -32768, 32767).astype(np.int16)


# --------------------------------------------------------------------- reading
def read_raw_pcm(path: Path) -> np.ndarray:
    data = _read(path)
    if len(data) % 2:
        raise LabError(f"{path}: raw s16le PCM must have an even number of bytes "
                       f"(has {len(data)})")
    return np.frombuffer(data, dtype="<i2").astype(np.float64)[:, None]


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(float64 frames x channels scaled to int16 units, sample rate). A clear LabError
    for anything that is not a complete PCM/float WAV."""
    path = Path(path)
    data = _read(path)
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise LabError(f"{path}: not a WAV file (no RIFF/WAVE header)")
    fmt, frames = None, None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if len(body) < size:
            raise LabError(f"{path}: truncated WAV: the {chunk_id.decode('latin-1').strip()!r} "
                           f"chunk declares {size} bytes, the file holds {len(body)}")
        if chunk_id == b"fmt ":
            fmt = _parse_format(path, body)
        elif chunk_id == b"data":
            frames = body
            break
        offset += 8 + size + (size & 1)
    if fmt is None:
        raise LabError(f"{path}: WAV without a fmt chunk (truncated?)")
    if frames is None:
        raise LabError(f"{path}: WAV without a data chunk (truncated?)")
    return _decode(path, frames, *fmt), fmt[1]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LabError(f"{path}: no such file")
    except OSError as error:
        raise LabError(f"{path}: cannot read ({error.strerror})")


def _parse_format(path: Path, body: bytes) -> tuple[int, int, int, int]:
    if len(body) < 16:
        raise LabError(f"{path}: WAV fmt chunk too short ({len(body)} bytes)")
    tag, channels, rate, _, block_align, bits = struct.unpack_from("<HHIIHH", body)
    if tag == FORMAT_EXTENSIBLE and len(body) >= 26:
        tag = struct.unpack_from("<H", body, 24)[0]   # first two bytes of the subformat GUID
    if tag not in (FORMAT_PCM, FORMAT_FLOAT):
        raise LabError(f"{path}: WAV format tag {tag} is not PCM or IEEE float; "
                       "convert it with sox first")
    if channels == 0 or rate == 0 or bits not in (8, 16, 24, 32, 64):
        raise LabError(f"{path}: unsupported WAV ({channels} channels, {rate} Hz, {bits} bit)")
    return tag, rate, channels, bits


def _decode(path: Path, frames: bytes, tag: int, rate: int, channels: int, bits: int):
    width = bits // 8
    usable = len(frames) - len(frames) % (width * channels)
    raw = frames[:usable]
    if tag == FORMAT_FLOAT:
        values = np.frombuffer(raw, dtype="<f4" if bits == 32 else "<f8").astype(np.float64)
        values = values * 32768.0
    elif bits == 8:
        values = (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) * 256.0
    elif bits == 16:
        values = np.frombuffer(raw, dtype="<i2").astype(np.float64)
    elif bits == 24:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float64)
        values /= 256.0
    else:
        values = np.frombuffer(raw, dtype="<i4").astype(np.float64) / 65536.0
    return values.reshape(-1, channels)
