"""The virtual microphone and accelerometer, checked by the sensor_echo firmware: it must
receive exactly the samples the lab fed, at exactly the configured rates."""
import csv
import math
import wave
import zlib
from fractions import Fraction

import numpy as np
import pytest

from lab.build import build
from lab.engines.embedded.session import Session
from lab.sensors import imu, resd
from lab.sensors.audio import AudioFeed

from .conftest import event

CORE_HZ = 64_000_000
ODR = Fraction(119)
ACCEL_G_PER_LSB = 0.122e-3          # +-4 g
SECONDS = 3


# ------------------------------------------------------------------ test data
def write_wav(path, samples, rate, channels=1):
    data = np.asarray(samples, dtype="<i2").reshape(-1, channels)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(data.tobytes())


def chirp(rate, seconds, channels=1):
    t = np.arange(int(rate * seconds)) / rate
    left = 9000 * np.sin(2 * np.pi * (200 + 400 * t) * t)
    right = 7000 * np.sin(2 * np.pi * 1234 * t)
    signal = np.stack([left, right][:channels], axis=1)
    return np.round(signal).astype(np.int16)


def gesture(seconds, rate):
    """A wrist-like motion: gravity tilting plus a fast swing that saturates at +-4 g."""
    t = np.arange(int(seconds * rate)) / rate
    ax = 0.3 * np.sin(2 * np.pi * 1.3 * t) + 4.6 * np.exp(-((t - 1.5) / 0.05) ** 2)
    ay = 0.2 * np.cos(2 * np.pi * 0.7 * t)
    az = np.sqrt(np.clip(1 - ax.clip(-1, 1) ** 2 - ay ** 2, 0, 1))
    return t, np.stack([ax, ay, az], axis=1)


# ------------------------------------------------------------------ expectations
def audio_crc(feed_path, count):
    feed = AudioFeed.from_path(feed_path)
    feed.configure(16000.0, 1)                       # sensor_echo: 16 kHz mono, 0 dB
    return zlib.crc32(feed.stream[:count].astype("<i2").tobytes())


def raw(value_g):
    scaled = value_g / ACCEL_G_PER_LSB
    rounded = math.floor(abs(scaled) + 0.5) * (1 if scaled >= 0 else -1)
    return max(-32768, min(32767, rounded))


def tick_seconds(device, count):
    """Virtual time of the IMU's first `count` output ticks (the device's clock)."""
    start = device._odr_start
    return [(start + math.ceil(Fraction(k * CORE_HZ) / ODR)) / CORE_HZ
            for k in range(1, count + 1)]


def imu_crc_timed(times, values, tick_times):
    index = np.searchsorted(times, np.array(tick_times) + 1e-9, side="right") - 1
    picked = values[np.maximum(index, 0)]
    data = np.array([[raw(v) for v in row] for row in picked], dtype="<i2")
    return zlib.crc32(data.tobytes())


def imu_crc_sequence(values, count):
    data = np.array([[raw(v) for v in values[min(k, len(values) - 1)]] for k in range(count)],
                    dtype="<i2")
    return zlib.crc32(data.tobytes())


# ------------------------------------------------------------------ running
@pytest.fixture
def echo(nrf52840):
    sessions = []

    def run(audio=None, accel=None, defines=(), seconds=6.0):
        built = build("sensor_echo", nrf52840, defines=list(defines))
        session = Session(nrf52840, built.elf, app="sensor_echo", audio=audio, imu=accel)
        sessions.append(session)
        session.run(seconds)
        result = session.result()
        assert result.end == "done", result.uart
        return result, session

    yield run
    for session in sessions:
        session.close()


def check_counts_per_second(result):
    seconds = result.events_named("echo")
    assert len(seconds) == SECONDS
    for second in seconds:
        assert second["audio"] == 16000 and second["imu"] == 119, second


@pytest.mark.parametrize("kind", ["wav16k", "wav44k_stereo", "raw_pcm"])
def test_audio_arrives_bit_exact(echo, tmp_path, kind):
    if kind == "wav16k":
        path = tmp_path / "clip.wav"
        write_wav(path, chirp(16000, 4), 16000)
    elif kind == "wav44k_stereo":
        path = tmp_path / "clip.wav"
        write_wav(path, chirp(44100, 4, channels=2), 44100, channels=2)
    else:
        path = tmp_path / "clip.s16le"
        path.write_bytes(chirp(16000, 4).astype("<i2").tobytes())
    result, _ = echo(audio=AudioFeed.from_path(path))
    total = event(result, "echo_total")
    assert total["audio"] == SECONDS * 16000
    assert total["audio_crc"] == audio_crc(path, total["audio"])
    assert result.streams["audio"].dropped == 0
    check_counts_per_second(result)


def test_acceleration_from_csv_arrives_bit_exact(echo, tmp_path):
    times, values = gesture(4, 119)
    path = tmp_path / "wand.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t", "ax", "ay", "az"])
        writer.writerows([[f"{t:.9f}", *[f"{v:.6f}" for v in row]] for t, row in zip(times, values)])
    result, session = echo(accel=imu.load_acceleration(path))
    total = event(result, "echo_total")
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    expected = imu_crc_timed(rows[:, 0], rows[:, 1:], tick_seconds(session.imu, total["imu"]))
    assert total["imu"] == SECONDS * 119
    assert total["imu_crc"] == expected
    assert raw(4.6) == 32767                 # the swing saturates at +-4 g
    check_counts_per_second(result)


def test_acceleration_from_renode_sample_text_arrives_bit_exact(echo, tmp_path):
    _, values = gesture(4, 119)
    path = tmp_path / "circle.data"
    path.write_text("# x y z in g, one sample per output tick\n" +
                    "".join(f"{x:.5f} {y:.5f} {z:.5f}\n" for x, y, z in values))
    result, _ = echo(accel=imu.load_acceleration(path))
    total = event(result, "echo_total")
    parsed = np.loadtxt(path, comments="#")
    assert total["imu_crc"] == imu_crc_sequence(parsed, total["imu"])
    check_counts_per_second(result)


def test_acceleration_from_resd_arrives_bit_exact(echo, tmp_path):
    _, values = gesture(4, 100)
    micro_g = np.round(values * 1e6).astype(np.int32)
    path = tmp_path / "wand.resd"
    resd.write(path, [resd.Block(resd.ACCELERATION, micro_g, start_time_ns=0,
                                 period_ns=10_000_000)])
    result, session = echo(accel=imu.load_acceleration(path))
    total = event(result, "echo_total")
    times = np.arange(len(micro_g)) * 0.01
    expected = imu_crc_timed(times, micro_g / 1e6, tick_seconds(session.imu, total["imu"]))
    assert total["imu_crc"] == expected
    check_counts_per_second(result)


def test_late_pdm_rearm_drops_exactly_the_overwritten_buffers(echo, tmp_path):
    path = tmp_path / "clip.wav"
    write_wav(path, chirp(16000, 4), 16000)
    result, _ = echo(audio=AudioFeed.from_path(path), defines=["LATE_REARM=1"])
    late = event(result, "echo_total")["late_rearms"]
    assert late > 0
    assert result.streams["audio"].dropped == 160 * late


def test_undrained_fifo_overruns_and_counts_every_lost_sample(echo):
    result, session = echo(defines=["STOP_DRAIN_AFTER=1"])
    total = event(result, "echo_total")
    assert total["overrun"] == 1                      # OVRN seen by the firmware
    assert total["fifo"] == 32                        # FIFO full
    device = session.imu
    assert result.streams["imu"].dropped == device.produced_samples - total["imu"] - 32
    assert result.streams["imu"].dropped > 100


def test_twim_read_from_an_absent_address_gives_anack(run_firmware):
    result, _ = run_firmware("twim_absent")
    assert result.end == "done", result.uart
    twim = event(result, "twim")
    assert twim["absent_error"] == 2                  # ERRORSRC.ANACK
    assert twim["present_error"] == 0 and twim["who_am_i"] == 0x68
