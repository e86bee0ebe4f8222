"""Fixtures for the front-end tests: TensorFlow (the oracle) and synthetic speech."""
from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from lab.data.audio import read_wav

from . import oracle

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.fixture(scope="session")
def speak(tmp_path_factory):
    """speak(word, voice, speed=175, pitch=50) -> int16 samples at 16 kHz (espeak-ng + sox)."""
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (apt-get install espeak-ng sox)")
    folder = tmp_path_factory.mktemp("speech")

    def synthesize(word: str, voice: str, speed: int = 175, pitch: int = 50) -> np.ndarray:
        stem = folder / f"{word}-{voice.replace('+', '_')}-{speed}-{pitch}"
        raw, resampled = stem.with_suffix(".raw.wav"), stem.with_suffix(".wav")
        if not resampled.exists():
            subprocess.run(["espeak-ng", "-w", str(raw), "-v", voice, "-s", str(speed),
                            "-p", str(pitch), word], check=True, capture_output=True)
            subprocess.run(["sox", "-D", str(raw), "-r", "16000", "-b", "16", "-c", "1",
                            "-e", "signed-integer", str(resampled)],
                           check=True, capture_output=True)
        samples, rate = read_wav(resampled)
        assert rate == 16000 and samples.size > 4000, f"espeak-ng made no speech for {word!r}"
        return samples
    return synthesize


def pytest_terminal_summary(terminalreporter):
    for line in oracle.summary_lines():
        terminalreporter.write_line(line)
