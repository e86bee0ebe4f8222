"""Comparing the C front end with TensorFlow's audio_microfrontend_op, and keeping a
tally of what was compared for the end-of-run summary."""
from __future__ import annotations

import numpy as np

from lab.frontend import features

# The op's settings for TFLite Micro micro_speech (TF attribute names), written out
# here rather than taken from the code under test.
MICRO_SPEECH = dict(sample_rate=16000, window_size=30, window_step=20, num_channels=40,
                    upper_band_limit=7500.0, lower_band_limit=125.0, smoothing_bits=10,
                    even_smoothing=0.025, odd_smoothing=0.06, min_signal_remaining=0.05,
                    enable_pcan=True, pcan_strength=0.95, pcan_offset=80.0, gain_bits=21,
                    enable_log=True, scale_shift=6)
OUTPUT_LAYOUT = dict(left_context=0, right_context=0, frame_stride=1, zero_padding=False,
                     out_scale=1)

compared: list[tuple[str, int, int]] = []      # (name, frames, largest difference)


def tensorflow_features(tf, samples: np.ndarray, **settings) -> np.ndarray:
    from tensorflow.lite.experimental.microfrontend.python.ops import audio_microfrontend_op
    attrs = {**MICRO_SPEECH, **settings}
    tensor = tf.convert_to_tensor(np.asarray(samples, dtype=np.int16))
    return audio_microfrontend_op.audio_microfrontend(
        tensor, out_type=tf.uint16, **OUTPUT_LAYOUT, **attrs).numpy()


def c_settings(settings: dict) -> dict:
    """Op attributes -> lab.frontend settings (C ints for the booleans)."""
    return {k: int(v) if isinstance(v, bool) else v for k, v in settings.items()}


def expected_frames(samples: int, settings: dict) -> int:
    attrs = {**MICRO_SPEECH, **settings}
    size = attrs["window_size"] * attrs["sample_rate"] // 1000
    step = attrs["window_step"] * attrs["sample_rate"] // 1000
    return 0 if samples < size else (samples - size) // step + 1


def assert_same_as_tensorflow(tf, name: str, samples: np.ndarray, **settings) -> np.ndarray:
    """C features == TensorFlow's, byte for byte; returns them."""
    ours = features(samples, **c_settings(settings))
    theirs = tensorflow_features(tf, samples, **settings)
    frames = expected_frames(len(samples), settings)
    assert ours.dtype == np.uint16 and ours.shape == theirs.shape == (frames, ours.shape[1]), \
        f"{name}: shapes C {ours.shape}, TensorFlow {theirs.shape}, expected {frames} frames"
    diff = np.abs(ours.astype(np.int32) - theirs.astype(np.int32))
    largest = int(diff.max(initial=0))
    compared.append((name, frames, largest))
    assert largest == 0, (f"{name}: {np.count_nonzero(diff)} of {diff.size} values differ, by up "
                          f"to {largest}; first at (frame, channel) {tuple(np.argwhere(diff)[0])}")
    return ours


def summary_lines() -> list[str]:
    if not compared:
        return []
    frames = sum(f for _, f, _ in compared)
    largest = max(d for _, _, d in compared)
    return [f"front end vs TensorFlow audio_microfrontend_op: {len(compared)} signals, "
            f"{frames} frames, largest difference {largest}"]
