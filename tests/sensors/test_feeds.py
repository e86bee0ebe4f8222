"""Sensor feeds: file formats, conversions, end-of-data policies, and clear errors."""
import struct
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from lab.errors import LabError
from lab.sensors import imu, resd
from lab.sensors.audio import AudioFeed, read_wav

ROOT = Path(__file__).resolve().parent.parent.parent


def wav_bytes(fmt_tag, channels, rate, bits, payload: bytes) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + \
        b"data" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_wav_formats_decode_to_int16_units(tmp_path):
    values = np.array([0, 1000, -1000, 32767, -32768], dtype=np.int16)
    cases = {
        "pcm16.wav": wav_bytes(1, 1, 8000, 16, values.astype("<i2").tobytes()),
        "pcm24.wav": wav_bytes(1, 1, 8000, 24, b"".join(
            (int(v) * 256).to_bytes(3, "little", signed=True) for v in values)),
        "float32.wav": wav_bytes(3, 1, 8000, 32, (values / 32768.0).astype("<f4").tobytes()),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        samples, rate = read_wav(tmp_path / name)
        assert rate == 8000
        assert np.allclose(samples[:, 0], values, atol=1e-3), name


def test_feed_resamples_and_mixes_and_names_the_conversion(tmp_path):
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(48000)
        handle.writeframes(np.zeros((4800, 2), dtype="<i2").tobytes())
    feed = AudioFeed.from_path(path)
    feed.configure(16000.0, 1)
    assert feed.stream.shape == (1600, 1)
    assert any("48000 Hz to 16000 Hz" in c for c in feed.conversions)
    assert any("2 channel(s) to 1" in c for c in feed.conversions)


@pytest.mark.parametrize("policy, expected", [("silence", [1, 2, 3, 0, 0]),
                                              ("loop", [1, 2, 3, 1, 2])])
def test_audio_end_policies(tmp_path, policy, expected):
    path = tmp_path / "three.pcm"
    path.write_bytes(np.array([1, 2, 3], dtype="<i2").tobytes())
    feed = AudioFeed.from_path(path, on_end=policy)
    feed.configure(16000.0, 1)
    assert feed.take(5)[:, 0].tolist() == expected


def test_audio_end_policy_end_ends_the_feed(tmp_path):
    path = tmp_path / "three.pcm"
    path.write_bytes(np.array([1, 2, 3], dtype="<i2").tobytes())
    feed = AudioFeed.from_path(path, on_end="end")
    feed.configure(16000.0, 1)
    assert feed.take(3) is not None and feed.take(1) is None


def test_csv_with_and_without_header_and_zero_order_hold(tmp_path):
    for text in ("t,ax,ay,az\n0,0,0,1\n0.5,1,0,0\n", "0,0,0,1\n0.5,1,0,0\n"):
        path = tmp_path / "a.csv"
        path.write_text(text)
        feed = imu.load_acceleration(path)
        assert feed.value(0, 0.49) == (0, 0, 1)
        assert feed.value(0, 0.5) == (1, 0, 0)


def test_renode_text_feed_takes_one_sample_per_tick(tmp_path):
    path = tmp_path / "circle.data"
    path.write_text("# comment\n0.1 0.2 0.3\n\n0.4 0.5 0.6 # trailing\n")
    feed = imu.load_acceleration(path)
    assert [feed.value(i, 99.0) for i in range(3)] == [(0.1, 0.2, 0.3), (0.4, 0.5, 0.6),
                                                       (0.4, 0.5, 0.6)]


def test_resd_acceleration_and_angular_rate_blocks(tmp_path):
    accel = resd.Block(resd.ACCELERATION, np.array([[0, 0, 1_000_000], [500_000, 0, 0]]),
                       start_time_ns=0, period_ns=500_000_000)
    rate = resd.Block(resd.ANGULAR_RATE, np.array([[0, 0, 314159]]), start_time_ns=0,
                      timestamps_ns=np.array([0]))
    path = tmp_path / "motion.resd"
    resd.write(path, [accel, rate])
    assert imu.load_acceleration(path).value(0, 0.6) == (0.5, 0.0, 0.0)
    gyro = imu.load_angular_rate(path)
    assert gyro.value(0, 0.0)[2] == pytest.approx(180.0, rel=1e-5)


def corrupt_files(tmp_path):
    good = wav_bytes(1, 1, 16000, 16, np.zeros(100, dtype="<i2").tobytes())
    (tmp_path / "truncated.wav").write_bytes(good[:-50])
    (tmp_path / "bad_row.csv").write_text("t,ax,ay,az\n0,0,0,1\n0.1,zero,0,1\n")
    (tmp_path / "bad_magic.resd").write_bytes(b"RESX\x01\x00\x00\x00")
    block = resd.encode([resd.Block(resd.ACCELERATION, np.zeros((4, 3), dtype=np.int32),
                                    period_ns=1000)])
    (tmp_path / "past_end.resd").write_bytes(block[:-5])
    return {"truncated.wav": ("--audio", "truncated WAV"),
            "bad_row.csv": ("--imu", "bad_row.csv:3"),
            "bad_magic.resd": ("--imu", "RESD"),
            "past_end.resd": ("--imu", "past_end.resd")}


def test_corrupt_inputs_stop_with_one_clear_line_and_exit_two(tmp_path):
    for name, (option, phrase) in corrupt_files(tmp_path).items():
        proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", "sensor_echo",
                               "--platform", "nrf52840", option, str(tmp_path / name)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 2, (name, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and phrase in lines[0], (name, lines)


def test_loaders_raise_lab_errors_for_missing_files(tmp_path):
    with pytest.raises(LabError, match="no such file"):
        AudioFeed.from_path(tmp_path / "missing.wav")
    with pytest.raises(LabError, match="no such file"):
        imu.load_acceleration(tmp_path / "missing.csv")


def test_convert_csv_resd_round_trip_and_wav_to_pcm(tmp_path):
    from lab.sensors.convert import convert
    t = np.arange(50) / 119
    rows = "\n".join(f"{x:.6f},{0.1 * i:.6f},0.000000,1.000000" for i, x in enumerate(t))
    (tmp_path / "a.csv").write_text("t,ax,ay,az\n" + rows + "\n")
    assert "constant frequency" in convert(tmp_path / "a.csv", tmp_path / "a.resd")
    block = resd.read(tmp_path / "a.resd")[0]
    assert abs(block.period_ns - 1e9 / 119) < 20      # what microsecond timestamps pin down
    assert np.abs(block.times_ns() / 1e9 - t).max() < 1e-6
    assert block.samples[3].tolist() == [300000, 0, 1000000]
    convert(tmp_path / "a.resd", tmp_path / "b.csv")
    times, values = imu.read_csv(tmp_path / "b.csv")
    assert np.allclose(times, t, atol=1e-6) and np.allclose(values[:, 0], 0.1 * np.arange(50))
    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(np.array([[100, 300], [-50, -150]], dtype="<i2").tobytes())
    convert(path, tmp_path / "s.pcm")
    assert np.frombuffer((tmp_path / "s.pcm").read_bytes(), "<i2").tolist() == [200, -100]


def test_convert_refuses_unknown_pairs(tmp_path):
    from lab.sensors.convert import convert
    (tmp_path / "x.csv").write_text("0,0,0,1\n")
    with pytest.raises(LabError, match="cannot convert to .wav"):
        convert(tmp_path / "x.csv", tmp_path / "y.wav")
    (tmp_path / "empty.txt").write_text("# nothing\n")
    with pytest.raises(LabError, match="no samples"):
        convert(tmp_path / "empty.txt", tmp_path / "y.csv")
    with pytest.raises(LabError, match="not a WAV"):
        convert(tmp_path / "x.csv", tmp_path / "y.pcm")
    assert not (tmp_path / "y.csv").exists()
