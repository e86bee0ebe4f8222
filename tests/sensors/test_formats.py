"""Accelerometer recordings are recognised by their content, not their file name: Renode
sample text with comments, CSV t,ax,ay,az in g or milli-g (with or without a header), RESD;
and `lab data convert` turns any of them into any other, 25 Hz recordings included."""
import re

import numpy as np
import pytest

from lab.errors import LabError
from lab.sensors import imu, resd
from lab.sensors.convert import convert

RENODE_TEXT = """# Renode sensor samples for FeedAccelerationSample
# x y z in g
0.10 -0.20 0.95
0.12 -0.21 0.96   # a trailing comment

0.14 -0.22 0.97
"""


def write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["ring.data", "ring.csv", "ring.txt", "ring"])
def test_commented_renode_sample_text_is_recognised_whatever_its_name(tmp_path, name):
    path = write(tmp_path / name, RENODE_TEXT)
    assert imu.detect_format(path) == imu.SAMPLE_TEXT
    feed = imu.load_acceleration(path)
    assert isinstance(feed, imu.SequenceFeed)
    assert [feed.value(i, 0.0) for i in range(4)] == [(0.10, -0.20, 0.95), (0.12, -0.21, 0.96),
                                                      (0.14, -0.22, 0.97), (0.14, -0.22, 0.97)]
    times, values = imu.read_recording(path)
    np.testing.assert_allclose(times, np.arange(3) / 119)
    assert values.shape == (3, 3)


@pytest.mark.parametrize("text", [
    "t,ax,ay,az\n0,-665,228,827\n0.04,-680,339,716\n",         # milli-g, plain header
    "0,-665,228,827\n0.04,-680,339,716\n",                      # milli-g, no header
    "t_ms;ax (mg);ay (mg);az (mg)\n0;-665;228;827\n40;-680;339;716\n",
    "# 25 Hz, g\nt ax ay az\n0 -0.665 0.228 0.827\n0.04 -0.680 0.339 0.716\n",
    "t,ax (m/s^2),ay (m/s^2),az (m/s^2)\n0,-6.5214,2.2359,8.1101\n0.04,-6.6685,3.3245,7.0216\n",
])
def test_csv_in_g_milli_g_or_m_per_s2_with_or_without_header(tmp_path, text):
    path = write(tmp_path / "recording.data", text)
    assert imu.detect_format(path) == imu.CSV
    times, values = imu.read_recording(path)
    np.testing.assert_allclose(times, [0, 0.04])
    np.testing.assert_allclose(values, [[-0.665, 0.228, 0.827], [-0.680, 0.339, 0.716]], atol=2e-4)


def test_resd_is_recognised_by_its_magic_whatever_its_name(tmp_path):
    block = resd.Block(resd.ACCELERATION, np.array([[0, 0, 1_000_000], [500_000, 0, 0]]),
                       start_time_ns=0, period_ns=40_000_000)
    path = tmp_path / "recording.csv"
    resd.write(path, [block])
    assert imu.detect_format(path) == imu.RESD
    times, values = imu.read_recording(path)
    np.testing.assert_allclose(times, [0, 0.04])
    assert values.tolist() == [[0, 0, 1], [0.5, 0, 0]]


@pytest.mark.parametrize("text,message", [
    ("t,ax,ay,az\n0,0,0,9.81\n", "name the unit in a header line"),
    ("0.1 0.2 0.3\n0,0.1,0.2,0.3\n", ":2: expected three numbers `x y z` as on line 1"),
    ("# only comments\n", "no samples"),
    ("1 2\n", ":1: expected numbers: t,ax,ay,az (CSV) or x y z"),
    ("t,ax,ay,az\n0,0,nan,1\n", ":2: expected 4 numbers t,ax,ay,az, got '0,0,nan,1'"),
])
def test_unreadable_recordings_name_the_file_and_line(tmp_path, text, message):
    path = write(tmp_path / "bad.data", text)
    with pytest.raises(LabError, match=re.escape(message)) as error:
        imu.load_acceleration(path)
    assert str(path) in str(error.value)


def test_a_binary_file_that_is_not_resd_is_refused(tmp_path):
    path = tmp_path / "noise.data"
    path.write_bytes(b"RESX\x01\x00\x00\x00")
    with pytest.raises(LabError, match="binary file that is not RESD"):
        imu.load_acceleration(path)


def test_convert_25_hz_milli_g_to_renode_sample_text_repeats_each_sample(tmp_path):
    rows = [f"{k * 0.04:.2f},{k},0,1000" for k in range(25)]
    source = write(tmp_path / "slow.csv", "t,ax,ay,az\n" + "\n".join(rows) + "\n")
    assert "one per 119 Hz tick" in convert(source, tmp_path / "slow.data")
    text = (tmp_path / "slow.data").read_text()
    assert text.startswith("#")
    values = imu.read_sample_text(tmp_path / "slow.data")
    assert len(values) == 119                      # 25 samples of 40 ms: one second of ticks
    repeats = np.bincount(np.rint(values[:, 0] * 1000).astype(int))
    assert set(repeats) == {4, 5} and repeats.sum() == 119
    np.testing.assert_allclose(values[:, 2], 1.0)


def test_convert_keeps_a_25_hz_recording_at_25_hz_in_resd_and_csv(tmp_path):
    rows = [f"{k * 0.04:.2f},{k},0,1000" for k in range(10)]
    source = write(tmp_path / "slow.txt", "\n".join(rows) + "\n")
    assert "period 40000000 ns" in convert(source, tmp_path / "slow.resd")
    assert resd.read(tmp_path / "slow.resd")[0].samples[3].tolist() == [3000, 0, 1_000_000]
    convert(tmp_path / "slow.resd", tmp_path / "back.csv")
    times, values = imu.read_csv(tmp_path / "back.csv")
    np.testing.assert_allclose(times, np.arange(10) * 0.04)
    np.testing.assert_allclose(values[:, 0], np.arange(10) / 1000)
    convert(tmp_path / "slow.resd", tmp_path / "fast.csv", rate=119)
    assert len(imu.read_csv(tmp_path / "fast.csv")[0]) == 47       # 0.4 s at 119 Hz


def test_convert_sample_text_to_csv_puts_its_lines_on_the_119_hz_ticks(tmp_path):
    source = write(tmp_path / "ring.data", RENODE_TEXT)
    convert(source, tmp_path / "ring.csv")
    times, values = imu.read_csv(tmp_path / "ring.csv")
    np.testing.assert_allclose(times, np.arange(3) / 119, atol=1e-9)
    np.testing.assert_allclose(values[1], [0.12, -0.21, 0.96])
