"""16-bit mono WAV files and the sox command line."""
from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from lab.errors import LabError
from lab.files import write_atomically

SAMPLE_RATE = 16000


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(int16 samples of the first channel, sample rate)."""
    with wave.open(str(path), "rb") as handle:
        if handle.getsampwidth() != 2:
            raise LabError(f"{path}: expected 16-bit PCM, got {8 * handle.getsampwidth()}-bit")
        frames = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2")
        channels = handle.getnchannels()
        return frames.reshape(-1, channels)[:, 0].copy(), handle.getframerate()


def write_wav(path: str | Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """A whole file or none: an interrupted run never leaves a truncated WAV."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    write_atomically(Path(path), buffer.getvalue())


def to_int16(signal: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1) -> int16, rounded and clipped."""
    return np.clip(np.rint(signal * 32768.0), -32768, 32767).astype(np.int16)


def require_tools(*names: str) -> None:
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        raise LabError(f"missing {', '.join(missing)}: install the Debian packages "
                       "(sudo apt-get install espeak-ng flite festival festvox-kallpc16k "
                       "festvox-kdlpc16k festvox-us-slt-hts sox)")


def run(command: list[str], what: str) -> None:
    """Run a tool; a failure becomes a LabError that shows its stderr."""
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        status = (f"killed by signal {-result.returncode}" if result.returncode < 0
                  else f"exit {result.returncode}")
        raise LabError(f"{what} failed ({command[0]} {status}): "
                       f"{message[-1] if message else 'no message'}; command: {' '.join(command)}")


def sox(inputs: list[str], output: str, effects: list[str], mix: bool = False) -> None:
    """sox with repeatable randomness (-R) and no dither (-D), 16 kHz mono s16 out,
    into a temporary file renamed into place (never a half-written output)."""
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial.wav")
    command = ["sox", "-R", "-D"] + (["-m"] if mix else []) + inputs
    command += ["-r", str(SAMPLE_RATE), "-b", "16", "-c", "1", "-e", "signed-integer",
                str(partial)]
    try:
        run(command + effects, "sox")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
