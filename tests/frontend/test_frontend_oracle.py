"""The C front end gives TensorFlow's audio_microfrontend_op output byte for byte:
synthetic speech, noise, silence, saturation, chirps, odd lengths, other settings."""
from __future__ import annotations

import numpy as np
import pytest

from lab.frontend import micro_speech_settings

from .oracle import MICRO_SPEECH, assert_same_as_tensorflow, c_settings

RATE = 16000
# (word, espeak-ng voice, speed in words per minute, pitch 0-99): voices, accents and speeds vary.
SPEECH = [("yes", "en-us", 175, 50), ("no", "en", 150, 40),
          ("up", "en-gb-scotland+f3", 190, 60), ("down", "en-us+m3", 140, 30),
          ("left", "en+f1", 175, 70), ("right", "en-029+m7", 160, 50),
          ("on", "en-us-nyc+klatt", 175, 50), ("off", "en+f5", 200, 80),
          ("stop", "en-gb-x-rp+m1", 130, 45), ("go", "en-us+Andy", 175, 55),
          ("seven", "en-gb-x-gbclan+f2", 165, 65), ("zero", "en-us+klatt4", 185, 20)]


def one_second(samples: np.ndarray) -> np.ndarray:
    """The clip centred in (or cropped to) one second, as micro_speech's clips are."""
    out = np.zeros(RATE, dtype=np.int16)
    start = max(0, (RATE - samples.size) // 2)
    clip = samples[:RATE]
    out[start:start + clip.size] = clip
    return out


def scaled(samples: np.ndarray, gain: float) -> np.ndarray:
    return np.clip(np.rint(samples * gain), -32768, 32767).astype(np.int16)


def test_micro_speech_defaults_are_the_ops_settings():
    """The C default configuration is the op's micro_speech configuration."""
    ours = micro_speech_settings()
    for name, value in c_settings(MICRO_SPEECH).items():
        assert ours[name] == pytest.approx(value, rel=1e-7), name


def test_training_code_uses_the_same_settings():
    from lab.training.micro_speech import FRONTEND
    assert {k: FRONTEND[k] for k in MICRO_SPEECH} == MICRO_SPEECH


@pytest.mark.parametrize("word, voice, speed, pitch", SPEECH,
                         ids=[f"{w}-{v}" for w, v, *_ in SPEECH])
def test_speech(tf, speak, word, voice, speed, pitch):
    samples = speak(word, voice, speed, pitch)
    natural = assert_same_as_tensorflow(tf, f"speech {word} {voice}", samples)
    assert natural.max() > 300 and np.ptp(natural) > 200, "speech should give varied features"
    assert_same_as_tensorflow(tf, f"speech {word} {voice}, 1 s", one_second(samples))


@pytest.mark.parametrize("gain", [0.01, 0.1, 4.0, 30.0])
def test_speech_at_other_levels(tf, speak, gain):
    """Quiet speech (few bits) and speech clipped hard at full scale."""
    samples = one_second(scaled(speak("yes", "en-us"), gain))
    assert_same_as_tensorflow(tf, f"speech x{gain}", samples)


@pytest.mark.parametrize("level", [1, 10, 100, 1000, 8000, 30000])
def test_white_noise(tf, level):
    rng = np.random.default_rng(level)
    noise = scaled(rng.standard_normal(RATE), level)
    out = assert_same_as_tensorflow(tf, f"white noise {level}", noise)
    assert out.any()


def test_full_scale_uniform_noise(tf):
    noise = np.random.default_rng(7).integers(-32768, 32768, RATE, dtype=np.int16)
    assert_same_as_tensorflow(tf, "uniform noise, full scale", noise)


@pytest.mark.parametrize("length", [RATE, RATE + 77])
def test_silence(tf, length):
    out = assert_same_as_tensorflow(tf, f"silence {length}", np.zeros(length, dtype=np.int16))
    assert not out.any()


@pytest.mark.parametrize("frequency", [50, 440, 1000, 3000, 7000])
def test_full_scale_square_wave(tf, frequency):
    t = np.arange(RATE) / RATE
    square = np.where(np.sin(2 * np.pi * frequency * t) >= 0, 32767, -32768).astype(np.int16)
    assert_same_as_tensorflow(tf, f"square {frequency} Hz", square)


@pytest.mark.parametrize("value", [-32768, 32767, 1, -1])
def test_constant_signal(tf, value):
    assert_same_as_tensorflow(tf, f"constant {value}", np.full(RATE, value, dtype=np.int16))


def test_lone_full_scale_samples(tf):
    """-32768 where the window's coefficient is 1.0 (its centre) stays -32768, and TF's
    int16 |x| leaves it negative: it sets no input shift and wraps when shifted up."""
    samples = np.random.default_rng(5).integers(-40, 40, RATE, dtype=np.int16)
    window_centres = 320 * np.arange(40) + 239
    samples[window_centres[::3]] = -32768
    samples[window_centres[1::3]] = 32767
    samples[[100, 5003, 9000]] = -32768
    assert_same_as_tensorflow(tf, "lone full-scale samples", samples)


@pytest.mark.parametrize("start, end, amplitude, kind", [
    (20, 8000, 30000, "linear"), (8000, 20, 30000, "linear"),
    (100, 7500, 900, "logarithmic"), (300, 3000, 32767, "logarithmic")])
def test_chirp(tf, start, end, amplitude, kind):
    t = np.arange(2 * RATE) / RATE
    duration = t[-1]
    if kind == "linear":
        phase = 2 * np.pi * (start * t + (end - start) * t * t / (2 * duration))
    else:
        k = (end / start) ** (1 / duration)
        phase = 2 * np.pi * start * (k ** t - 1) / np.log(k)
    samples = scaled(np.sin(phase), amplitude)
    assert_same_as_tensorflow(tf, f"{kind} chirp {start}-{end} Hz", samples)


@pytest.mark.parametrize("length", [0, 1, 479, 480, 481, 799, 800, 801, 12345, 16001, 23999])
def test_odd_lengths(tf, speak, length):
    """Lengths that are not a window plus whole steps: the tail makes no frame."""
    rng = np.random.default_rng(length)
    speech = np.resize(speak("seven", "en-gb-x-gbclan+f2", 165, 65), length)
    samples = scaled(speech + rng.standard_normal(length) * 300, 1.0)
    assert_same_as_tensorflow(tf, f"{length} samples", samples)


def test_log_over_a_wide_range(tf):
    """Without PCAN the log sees raw filterbank magnitudes; 10 s of noise swept over
    80 dB reaches rounding corners of the log's interpolation that speech rarely does."""
    rng = np.random.default_rng(11)
    level = 10 ** np.linspace(0.3, 4.3, 10 * RATE)
    samples = scaled(rng.standard_normal(10 * RATE) * level, 1.0)
    assert_same_as_tensorflow(tf, "noise sweep, no PCAN", samples, enable_pcan=False)


@pytest.mark.parametrize("settings", [
    dict(window_size=25, window_step=10, num_channels=32),          # the op's own defaults
    dict(enable_pcan=False),
    dict(enable_log=False),
    dict(num_channels=20, lower_band_limit=300.0, upper_band_limit=4000.0, scale_shift=3),
    dict(window_size=16, window_step=8, num_channels=16),   # 256-point FFT: a radix-2 stage
    dict(sample_rate=8000, window_size=32, window_step=16, num_channels=16,
         upper_band_limit=3800.0),
    dict(smoothing_bits=8, even_smoothing=0.1, odd_smoothing=0.2, min_signal_remaining=0.1,
         pcan_strength=0.5, pcan_offset=10.0, gain_bits=18),
], ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_other_settings(tf, speak, settings):
    """The code follows the op's parameters, not just micro_speech's values."""
    rng = np.random.default_rng(3)
    speech = one_second(speak("left", "en+f1", 175, 70))
    samples = scaled(np.concatenate([speech, rng.standard_normal(RATE // 2) * 2000]), 1.0)
    assert_same_as_tensorflow(tf, f"settings {settings}", samples, **settings)
