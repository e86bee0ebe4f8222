"""Each board from its board file alone: the apps build for it and run (hello, sensor_echo
with fed data arriving bit-exact at the chip's rate; hello on the MPS2 M7 and M33 boards
under QEMU too), magic_wand recognises two committed
recordings of each gesture and of the negatives, and micro_speech hears four committed
clips as the Nano 33 BLE Sense does (one run per board and app)."""
import csv
import json
import os
import shutil
import subprocess
import sys
import wave
import zlib
from pathlib import Path

import numpy as np
import pytest

from speech_clips import FOUR_KINDS, speech_folder

from lab import platforms
from lab.build import build
from lab.engines import qemu
from lab.engines.embedded.session import Session
from lab.sensors import imu
from lab.sensors.audio import AudioFeed

from .conftest import imu_of

ROOT = Path(__file__).resolve().parent.parent.parent
IMU_RATE_HZ = {"nano33-rev2": 100, "xiao-sense": 104, "microbit-v2": 100}
ANALOG_MICROPHONE = {"microbit-v2"}      # 14-bit SAADC: PCM comes back within 2 LSB
NEW_BOARDS = sorted(IMU_RATE_HZ)
SECONDS = 3


@pytest.fixture
def session_of():
    sessions = []

    def make(app, board, **feeds):
        platform = platforms.load(board)
        session = Session(platform, build(app, platform).elf, app=app, **feeds)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.mark.parametrize("board", NEW_BOARDS)
def test_hello_runs_from_the_board_file_and_blinks_its_led(session_of, board):
    session = session_of("hello", board)
    session.run(5.0)
    result = session.result()
    assert result.end == "done", result.uart
    part = session.platform.soc.removeprefix("nrf")             # the SoC file's FICR part
    assert f"hello from {board} (FICR part {part})" in result.uart
    toggles = result.leds["led1"]
    assert len(toggles) == 8 + 1                   # off at start, then 8 toggles at 4 Hz
    periods = [round(b - a, 6) for (a, _), (b, _) in zip(toggles[1:], toggles[2:])]
    # the first handler run fetches from a cold flash cache: its toggle comes a few
    # cycles later than the others (as in tests/engine/test_board.py)
    assert 0.2499 < periods[0] <= 0.25 and periods[1:] == [0.25] * 6


MPS2_CORES = {"mps2-an500": "cortex-m7", "mps2-an505": "cortex-m33"}


@pytest.mark.parametrize("board", sorted(MPS2_CORES))
def test_hello_on_the_m7_and_m33_boards_on_both_engines(session_of, board):
    """The MPS2 AN500 and AN505 from their board files: LED1 in the FPGAIO block blinks
    from SysTick every 250 ms exactly on the embedded engine; QEMU runs the same ELF to
    the end (it counts no cycles: its loop reads CYCCNT as 0)."""
    session = session_of("hello", board)
    assert session.platform.cpu.core == MPS2_CORES[board]
    session.run(5.0)
    result = session.result()
    assert result.end == "done", result.uart
    assert f"hello from {board} (FICR part {board.removeprefix('mps2-an')})" in result.uart
    toggles = result.leds["led1"]
    assert list(toggles[0]) == [0.0, 0.0] and len(toggles) == 8 + 1   # off from reset
    periods = {round(b - a, 9) for (a, _), (b, _) in zip(toggles[1:], toggles[2:])}
    assert periods == {0.25}
    qemu_result = qemu.run(session.platform, session.firmware.path, app="hello", timeout_s=60)
    assert qemu_result.end == "done", qemu_result.uart
    assert f"hello from {board}" in qemu_result.uart
    assert "LED1 toggled 8 times at 4 Hz" in qemu_result.uart


def gesture_csv(path, rate=119.0, seconds=4.0):
    t = np.arange(int(rate * seconds)) / rate
    ax = 0.3 * np.sin(2 * np.pi * 1.3 * t) + 4.6 * np.exp(-((t - 1.5) / 0.05) ** 2)
    ay = 0.2 * np.cos(2 * np.pi * 0.7 * t) - 0.5
    az = np.sqrt(np.clip(1 - ax.clip(-1, 1) ** 2 - ay ** 2, 0, 1))
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t", "ax", "ay", "az"])
        writer.writerows([[f"{a:.9f}", f"{x:.6f}", f"{y:.6f}", f"{z:.6f}"]
                          for a, x, y, z in zip(t, ax, ay, az)])


def chirp_wav(path, rate=16000, seconds=4):
    t = np.arange(rate * seconds) / rate
    samples = np.round(9000 * np.sin(2 * np.pi * (200 + 400 * t) * t)).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(samples.tobytes())


def board_frame(device, chip):
    """What the firmware's imu_chip_to_board makes of a chip sample (saturating int16)."""
    board = [0, 0, 0]
    for (sign, axis), value in zip(device.axes, chip):
        board[axis] = max(-32768, min(32767, sign * value))
    return board


@pytest.mark.parametrize("board", NEW_BOARDS)
def test_sensor_echo_gets_every_sample_at_the_chips_rate(session_of, tmp_path, board):
    motion, sound = tmp_path / "wand.csv", tmp_path / "chirp.wav"
    gesture_csv(motion)
    chirp_wav(sound)
    session = session_of("sensor_echo", board, audio=AudioFeed.from_path(sound),
                         imu=imu.load_acceleration(motion))
    session.run(6.0)
    result = session.result()
    assert result.end == "done", result.uart
    rate = IMU_RATE_HZ[board]
    assert result.events_named("sensors")[0]["imu"] == 1
    for second in result.events_named("echo"):
        assert (second["audio"], second["imu"]) == (16000, rate), second
    assert result.streams["imu"].rate_hz == rate
    assert result.streams["imu"].dropped == 0 and result.streams["audio"].dropped == 0
    total = result.events_named("echo_total")[0]
    device = imu_of(session)
    delivered = [board_frame(device, sample) for _, sample, _ in device.log[:total["imu"]]]
    assert total["imu"] == SECONDS * rate
    assert total["imu_crc"] == zlib.crc32(np.array(delivered, dtype="<i2").tobytes())
    feed = AudioFeed.from_path(sound)
    feed.configure(16000.0, 1)
    fed = feed.stream[:total["audio"], 0]
    if board in ANALOG_MICROPHONE:
        firmware_sum = result.events_named("echo")[-1]["audio_sum"]      # uint32, wraps
        difference = (firmware_sum - int(fed.astype(np.int64).sum())) % 2 ** 32
        difference = difference - 2 ** 32 if difference >= 2 ** 31 else difference
        assert abs(difference) <= 2 * len(fed)                 # each sample within 2 LSB
    else:
        assert total["audio_crc"] == zlib.crc32(fed.astype("<i2").tobytes())


def lab_run(*args):
    env = dict(os.environ, LAB_RESULTS_DIR=str(ROOT / ".cache" / "test-results"))
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def few_gestures(folder: Path) -> Path:
    """Two committed recordings of each gesture and of the negatives, with their labels
    (the whole scenario takes minutes per board: `lab run magic_wand --platform P`)."""
    source = ROOT / "data" / "test" / "gestures"
    rows = list(csv.DictReader(open(source / "labels.csv")))
    chosen = [next(r for r in rows if r["label"] == label and r["file"] not in taken)
              for label in ("wing", "ring", "slope", "negative")
              for taken in ([], [next(r["file"] for r in rows if r["label"] == label)])]
    with open(folder / "labels.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(chosen)
    for row in chosen:
        (folder / row["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / row["file"], folder / row["file"])
    return folder


@pytest.mark.parametrize("board", NEW_BOARDS)
def test_magic_wand_recognises_committed_gestures(board, tmp_path):
    code, out, err = lab_run("magic_wand", "--platform", board,
                             "--imu", str(few_gestures(tmp_path)))
    assert code == 0, err[-2000:] + out[-2000:]
    result = json.loads(out)
    assert result["platform"] == board and result["passed"]
    clips = result["analysis"]["magic_wand"]["clips"]
    assert len(clips) == 8
    assert result["analysis"]["magic_wand"]["accuracy"] == 1.0


def few_clips(folder: Path) -> Path:
    """One committed clip each of yes, no, an unknown word and background noise."""
    return speech_folder(folder, FOUR_KINDS)


def heard(board, clips):
    code, out, err = lab_run("micro_speech", "--platform", board, "--audio", str(clips))
    assert code == 0, err[-2000:] + out[-2000:]
    result = json.loads(out)
    assert result["streams"]["audio"]["dropped"] == 0
    assert result["streams"]["audio"]["rate_hz"] == 16000
    return result["analysis"]["micro_speech"]["clips"]


@pytest.fixture(scope="module")
def nano_heard(tmp_path_factory):
    clips = few_clips(tmp_path_factory.mktemp("clips"))
    return clips, heard("nrf52840", clips)


@pytest.mark.parametrize("board", NEW_BOARDS)
def test_micro_speech_hears_what_the_nano_hears(nano_heard, board):
    clips, on_nano = nano_heard
    on_board = heard(board, clips)
    assert [c["outcome"] for c in on_board] == [c["expected"] for c in on_board]
    if board in ANALOG_MICROPHONE:        # 14-bit samples: the same words, close scores
        assert [c["heard"] for c in on_board] == [c["heard"] for c in on_nano]
        assert all(abs((a["score"] or 0) - (b["score"] or 0)) <= 16
                   for a, b in zip(on_board, on_nano))
    else:                                 # the same PDM: the very same samples and results
        assert on_board == on_nano
