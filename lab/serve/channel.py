"""Live sensor data from the server to a run's process: frames on the process's stdin.

A frame is one kind byte, a little-endian u32 length and the payload:
  `a` audio:  u32 sample rate (Hz), then int16 little-endian mono samples
  `m` motion: float64 little-endian rows (t seconds, x, y, z m/s^2 in the phone's frame)
  `e` end:    the name of the stream that ended ("audio" or "motion")
The browser sends audio to the server in the same layout after its own `a` byte, and
motion as JSON; the server checks both before they reach a run.
"""
from __future__ import annotations

import struct

import numpy as np

AUDIO, MOTION, END = b"a", b"m", b"e"
HEADER = struct.Struct("<cI")
RATE = struct.Struct("<I")
MIN_RATE_HZ, MAX_RATE_HZ = 8000, 192000
MAX_FRAME = 1 << 20
MAX_MOTION_ROWS = 2000


class BadFrame(ValueError):
    pass


def frame(kind: bytes, payload: bytes) -> bytes:
    return HEADER.pack(kind, len(payload)) + payload


def read_frames(stream):
    """(kind, payload) for each frame until the stream closes (`stream`: a raw,
    unbuffered file, which a daemon thread may still be reading when the process ends)."""
    while True:
        header = _read_exactly(stream, HEADER.size)
        if header is None:
            return
        kind, size = HEADER.unpack(header)
        payload = _read_exactly(stream, size)
        if payload is None:
            return
        yield kind, payload


def _read_exactly(stream, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def check_audio(payload: bytes) -> bytes:
    """A browser's audio payload (rate, int16 samples), or BadFrame."""
    if len(payload) < RATE.size or (len(payload) - RATE.size) % 2:
        raise BadFrame("audio: expected a u32 rate and int16 samples")
    rate = RATE.unpack_from(payload)[0]
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise BadFrame(f"audio: rate {rate} Hz is outside {MIN_RATE_HZ}..{MAX_RATE_HZ}")
    return payload


def decode_audio(payload: bytes) -> tuple[np.ndarray, int]:
    rate = RATE.unpack_from(payload)[0]
    return np.frombuffer(payload, dtype="<i2", offset=RATE.size), rate


def motion_payload(rows) -> bytes:
    """JSON rows [[t, x, y, z], ...] as a frame payload, or BadFrame."""
    try:
        table = np.asarray(rows, dtype="<f8")
    except (TypeError, ValueError):
        raise BadFrame("motion: expected rows of four numbers [t, x, y, z]") from None
    if table.ndim != 2 or table.shape[1] != 4 or len(table) > MAX_MOTION_ROWS or \
            not np.isfinite(table).all():
        raise BadFrame(f"motion: expected up to {MAX_MOTION_ROWS} rows of four finite "
                       "numbers [t, x, y, z]")
    return table.tobytes()


def decode_motion(payload: bytes) -> np.ndarray:
    return np.frombuffer(payload, dtype="<f8").reshape(-1, 4)
