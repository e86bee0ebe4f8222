"""The C audio front end (firmware/frontend) on the host, through ctypes.

    features(samples)                      # (frames x 40) uint16, fresh state, whole clip
    fe = Frontend()                        # micro_speech settings; or Frontend(window_size=25, ...)
    fe.process(chunk)                      # frames completed by this chunk, (k x channels)
    fe.reset()

Settings use the TensorFlow op's attribute names (window_size and window_step in ms).
"""
from __future__ import annotations

import ctypes
from functools import lru_cache

import numpy as np

from ..errors import LabError
from .build import build_library

STATUS_MESSAGES = {
    1: "a zero, negative or out-of-range setting",
    2: "window longer than the maximum FFT size, or step longer than the window",
    3: "more channels than FRONTEND_MAX_CHANNELS",
    4: "band limits outside 0 .. sample_rate / 2",
}


class _Config(ctypes.Structure):
    """frontend_config, field for field (named as the TensorFlow op's attributes)."""
    _fields_ = [("sample_rate", ctypes.c_int), ("window_size", ctypes.c_int),
                ("window_step", ctypes.c_int), ("num_channels", ctypes.c_int),
                ("lower_band_limit", ctypes.c_float), ("upper_band_limit", ctypes.c_float),
                ("smoothing_bits", ctypes.c_int), ("even_smoothing", ctypes.c_float),
                ("odd_smoothing", ctypes.c_float), ("min_signal_remaining", ctypes.c_float),
                ("enable_pcan", ctypes.c_int), ("pcan_strength", ctypes.c_float),
                ("pcan_offset", ctypes.c_float), ("gain_bits", ctypes.c_int),
                ("enable_log", ctypes.c_int), ("scale_shift", ctypes.c_int)]


SETTINGS = tuple(name for name, _ in _Config._fields_)


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(str(build_library()))
    lib.frontend_micro_speech_config.restype = _Config
    lib.frontend_init.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Config)]
    lib.frontend_reset.argtypes = [ctypes.c_void_p]
    lib.frontend_process_samples.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                             ctypes.POINTER(ctypes.c_size_t)]
    lib.frontend_process_samples.restype = ctypes.POINTER(ctypes.c_uint16)
    lib.frontend_state_size.restype = ctypes.c_size_t
    lib.frontend_feature_to_int8.argtypes = [ctypes.c_uint16, ctypes.c_float, ctypes.c_int32]
    lib.frontend_feature_to_int8.restype = ctypes.c_int8
    lib.frontend_feature_to_int8_classic.argtypes = [ctypes.c_uint16]
    lib.frontend_feature_to_int8_classic.restype = ctypes.c_int8
    return lib


def micro_speech_settings() -> dict:
    """TFLite Micro micro_speech's front-end settings, as the C code defines them."""
    config = _library().frontend_micro_speech_config()
    return {name: getattr(config, name) for name in SETTINGS}


class Frontend:
    """One streaming front end: feed samples in any chunks, get each frame once."""

    def __init__(self, **settings):
        unknown = set(settings) - set(SETTINGS)
        if unknown:
            raise LabError(f"unknown front-end setting(s) {sorted(unknown)}; "
                           f"known: {', '.join(SETTINGS)}")
        self._lib = _library()
        config = self._lib.frontend_micro_speech_config()
        for name, value in settings.items():
            setattr(config, name, value)
        self.state_size = self._lib.frontend_state_size()
        self._state = ctypes.create_string_buffer(self.state_size)
        status = self._lib.frontend_init(self._state, ctypes.byref(config))
        if status != 0:
            raise LabError(f"front-end settings rejected: {STATUS_MESSAGES.get(status, status)}")
        self.num_channels = config.num_channels

    def reset(self) -> None:
        self._lib.frontend_reset(self._state)

    def process(self, samples: np.ndarray) -> np.ndarray:
        """Frames completed by these samples, (k x num_channels) uint16, oldest first."""
        data = np.ascontiguousarray(samples, dtype=np.int16).ravel()
        frames, offset, used = [], 0, ctypes.c_size_t()
        base = data.ctypes.data
        while offset < data.size:
            frame = self._lib.frontend_process_samples(
                self._state, base + 2 * offset, data.size - offset, ctypes.byref(used))
            offset += used.value
            if frame:
                frames.append(np.ctypeslib.as_array(frame, shape=(self.num_channels,)).copy())
        if not frames:
            return np.zeros((0, self.num_channels), dtype=np.uint16)
        return np.stack(frames)


def features(samples: np.ndarray, **settings) -> np.ndarray:
    """A whole clip's features with fresh state: what TensorFlow's op returns."""
    return Frontend(**settings).process(samples)


def feature_to_int8(values: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """Model inputs with this scale and zero point, as the firmware computes them."""
    convert = _library().frontend_feature_to_int8
    flat = np.asarray(values, dtype=np.uint16).ravel()
    out = np.fromiter((convert(int(v), scale, zero_point) for v in flat), np.int8, flat.size)
    return out.reshape(np.shape(values))


def feature_to_int8_classic(values: np.ndarray) -> np.ndarray:
    """TFLite Micro micro_speech's (feature * 256 + 333) / 666 - 128, clamped, as the firmware
    computes it."""
    convert = _library().frontend_feature_to_int8_classic
    flat = np.asarray(values, dtype=np.uint16).ravel()
    out = np.fromiter((convert(int(v)) for v in flat), np.int8, flat.size)
    return out.reshape(np.shape(values))
