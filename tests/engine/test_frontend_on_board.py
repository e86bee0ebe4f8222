"""The micro_speech front end as it runs on the virtual board: audio through the PDM
model, EasyDMA, the firmware's ring buffer and the C front end must give exactly the
features TensorFlow's audio_microfrontend_op computes from the same clips."""
from pathlib import Path

import numpy as np
import pytest

from lab.build import build
from lab.engines.embedded.session import Session
from lab.platforms import ROOT
from lab.sensors.audio import AudioFeed, read_wav

FIRMWARE = Path(__file__).resolve().parent.parent / "firmware" / "frontend_dump"
TEST_CLIPS = Path(__import__("os").environ.get("LAB_TEST_CLIPS", ROOT / "data" / "test" / "speech"))
UARTE_1M = "CONSOLE_BAUDRATE=0x10000000u"


def clips() -> list[Path]:
    files = sorted(TEST_CLIPS.rglob("*.wav"))
    if not files:
        pytest.skip("no committed test clips in data/test/speech")
    return files


def tensorflow_features(samples: np.ndarray) -> np.ndarray:
    import tensorflow as tf
    from tensorflow.lite.experimental.microfrontend.python.ops import audio_microfrontend_op
    return audio_microfrontend_op.audio_microfrontend(
        tf.convert_to_tensor(samples), sample_rate=16000, window_size=30, window_step=20,
        num_channels=40, upper_band_limit=7500.0, lower_band_limit=125.0, smoothing_bits=10,
        even_smoothing=0.025, odd_smoothing=0.06, min_signal_remaining=0.05, enable_pcan=True,
        pcan_strength=0.95, pcan_offset=80.0, gain_bits=21, enable_log=True, scale_shift=6,
        left_context=0, right_context=0, frame_stride=1, zero_padding=False, out_scale=1,
        out_type=tf.uint16).numpy()


def test_firmware_features_equal_tensorflow_on_the_committed_clips(nrf52840):
    audio = []
    for path in clips():
        samples, rate = read_wav(path)
        assert rate == 16000 and len(samples) % 16000 == 0, path
        audio.append(np.round(samples[:, 0]).astype(np.int16))
    stream = np.concatenate(audio)
    segments = stream.reshape(-1, 16000)        # the firmware restarts every 1 s segment
    built = build(str(FIRMWARE), nrf52840, defines=[UARTE_1M])
    session = Session(nrf52840, built.elf, audio=AudioFeed(stream.astype(np.float64), 16000,
                                                           "clips", on_end="silence"))
    try:
        session.run(len(segments) * 1.0 + 2.0)
        frames = {}
        for event in session.result().events_named("frame"):
            values = [int(event["hex"][4 * c:4 * c + 4], 16) for c in range(40)]
            frames.setdefault(event["clip"], []).append(values)
    finally:
        session.close()
    worst = 0
    for index, segment in enumerate(segments):
        expected = tensorflow_features(segment)
        got = np.array(frames.get(index, []), dtype=np.int64)
        assert got.shape == expected.shape, (index, got.shape, expected.shape)
        worst = max(worst, int(np.abs(got - expected.astype(np.int64)).max()))
    assert len(segments) >= 40 and worst == 0
