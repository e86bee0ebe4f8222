"""Streaming: the same frames whatever the chunking, each the moment its window is
complete, and reset starts over."""
from __future__ import annotations

import numpy as np
import pytest

from lab.frontend import Frontend, features
from lab.errors import LabError

from .oracle import tensorflow_features

WINDOW, STEP = 480, 320
CLIP_SAMPLES = 24001
FRAMES = (CLIP_SAMPLES - WINDOW) // STEP + 1        # 74, and 161 samples left over


@pytest.fixture(scope="module")
def clip(speak):
    """1.5 s: a word, noise, and an odd tail (not a whole number of steps)."""
    rng = np.random.default_rng(2)
    speech = speak("down", "en-us+m3", 140, 30)[:12000]
    noise = rng.standard_normal(CLIP_SAMPLES - speech.size) * 500
    return np.clip(np.concatenate([speech, noise]), -32768, 32767).astype(np.int16)


def in_chunks(clip: np.ndarray, sizes) -> np.ndarray:
    frontend, frames, offset = Frontend(), [], 0
    for size in sizes:
        frames.append(frontend.process(clip[offset:offset + size]))
        offset += size
        if offset >= clip.size:
            break
    return np.concatenate(frames)


@pytest.mark.parametrize("chunk", [1, 7, 160, 320, CLIP_SAMPLES])
def test_chunking_does_not_change_frames(tf, clip, chunk):
    streamed = in_chunks(clip, [chunk] * (clip.size // chunk + 1))
    assert streamed.shape == (FRAMES, 40)
    assert np.array_equal(streamed, features(clip))
    assert np.array_equal(streamed, tensorflow_features(tf, clip))


def test_random_chunks_including_empty_ones(clip):
    sizes = np.random.default_rng(9).integers(0, 700, 200)
    assert np.array_equal(in_chunks(clip, sizes), features(clip))


def test_a_frame_arrives_when_its_window_completes(clip):
    frontend = Frontend()
    completed_at = [n + 1 for n in range(clip.size) if len(frontend.process(clip[n:n + 1]))]
    assert completed_at == [WINDOW + k * STEP for k in range(FRAMES)]


def test_reset_starts_a_new_stream(clip):
    frontend = Frontend()
    frontend.process(clip[:7000])           # a partial window and a noise estimate to forget
    frontend.reset()
    assert np.array_equal(frontend.process(clip[5000:]), features(clip[5000:]))


def test_rejected_settings_say_why():
    with pytest.raises(LabError, match="window longer"):
        Frontend(window_size=40)             # 640 samples > the 512-point FFT maximum
    with pytest.raises(LabError, match="more channels"):
        Frontend(num_channels=41)
    with pytest.raises(LabError, match="band limits"):
        Frontend(upper_band_limit=9000.0)
    with pytest.raises(LabError, match="unknown front-end setting"):
        Frontend(window_ms=30)


def test_missing_compiler_says_what_to_do(monkeypatch, tmp_path):
    from lab import hostlib
    from lab.frontend import build
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CC", raising=False)
    with pytest.raises(LabError, match="install gcc"):
        hostlib.find_compiler(build.WHAT)
