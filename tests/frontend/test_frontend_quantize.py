"""uint16 features -> int8 model inputs, for every possible feature value."""
from __future__ import annotations

import numpy as np
import pytest

from lab.frontend import feature_to_int8, feature_to_int8_classic

ALL_FEATURES = np.arange(65536, dtype=np.uint16)


def reference_int8(features: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """float32 feature / 25.6 / scale, rounded half away from zero (TFLite's quantize)."""
    x = (features.astype(np.float32) / np.float32(25.6)) / np.float32(scale)
    whole = np.trunc(x)
    rounded = whole + np.sign(x) * (np.abs(x - whole) >= 0.5)
    return np.clip(rounded + zero_point, -128, 127).astype(np.int8)


@pytest.mark.parametrize("scale, zero_point", [
    (0.1015625, -128), (0.078125, -128), (0.05, -20), (0.3125, 0), (1.7, 127), (0.0031, -128)])
def test_scale_and_zero_point(scale, zero_point):
    ours = feature_to_int8(ALL_FEATURES, scale, zero_point)
    assert ours.dtype == np.int8
    assert np.array_equal(ours, reference_int8(ALL_FEATURES, scale, zero_point))
    assert ours.min() == max(-128, zero_point) and ours.max() == 127


def test_halves_round_away_from_zero():
    """Feature 1 / 25.6 / 0.078125 is exactly 0.5 in float32: 1, where half-to-even gives 0."""
    assert feature_to_int8(np.array([1, 3, 5]), 0.078125, 0).tolist() == [1, 2, 3]


def test_classic_micro_speech_formula():
    expected = np.clip((ALL_FEATURES.astype(np.int64) * 256 + 333) // 666 - 128, -128, 127)
    assert np.array_equal(feature_to_int8_classic(ALL_FEATURES), expected)


def test_classic_formula_is_scale_26_over_256():
    """666 = round(25.6 * 26): the classic formula quantizes with scale 26/256, zero point
    -128, up to its integer divisor's rounding."""
    classic = feature_to_int8_classic(ALL_FEATURES).astype(int)
    scaled = feature_to_int8(ALL_FEATURES, 26 / 256, -128).astype(int)
    assert np.abs(classic - scaled).max() <= 1
    assert np.mean(classic == scaled) > 0.99
