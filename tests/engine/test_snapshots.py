"""Snapshots (issue 14, section 1): the whole machine saved mid-run and restored in a
fresh one continues bit-identically: the same UART bytes, events, cycles and sensor
data as the run that never stopped, on every app."""
from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pytest

from lab import platforms
from lab.build import build
from lab.engines.embedded import snapshot
from lab.engines.embedded.session import Session
from lab.runner import plan_inputs

ROOT = Path(__file__).resolve().parents[2]
YES = sorted((ROOT / "data" / "test" / "speech" / "yes").glob("*.wav"))[0]
WING = ROOT / "data" / "test" / "gestures" / "wing" / "u008_000.csv"
SAME = ("uart", "events", "cycles", "instructions", "virtual_s", "end", "leds", "streams",
        "resets", "exit_code", "memory")   # memory: the stack and heap high-water marks

# app, its input, where to save (virtual s), how long the whole run lasts
APPS = [("hello", None, 0.37, 1.5), ("hello_world", None, 0.0011, 1.0),
        ("sensor_echo", None, 0.8, 2.0), ("model_runner", None, 0.002, 1.0),
        ("magic_wand", WING, 3.1, 9.0), ("micro_speech", YES, 2.7, 6.0)]


@pytest.fixture(scope="module")
def board():
    return platforms.load("nrf52840")


def session(board, app, data=None):
    plan = plan_inputs(app, audio=data if app == "micro_speech" else None,
                       imu=data if app == "magic_wand" else None) if data else None
    return Session(board, build(app, board).elf, app=app,
                   audio=plan.audio if plan else None, imu=plan.imu if plan else None)


def compare(whole, restored):
    a, b = whole.result(), restored.result()
    for key in SAME:
        assert getattr(a, key) == getattr(b, key), key
    for kind, recording in a.recordings.items():
        for x, y in zip(recording, b.recordings[kind]):
            assert np.array_equal(x, y), kind
    assert a.recordings.keys() == b.recordings.keys()


@pytest.mark.parametrize("app,data,save_at,total", APPS, ids=[a[0] for a in APPS])
def test_a_run_restored_mid_way_continues_as_if_it_never_stopped(board, app, data, save_at,
                                                                 total):
    end = int(total * board.cpu.clock_hz)     # the same end, in cycles, for every run
    whole = session(board, app, data)
    whole.machine.run(end)
    saved = session(board, app, data)
    saved.run(save_at)
    state = saved.save_snapshot()
    saved.machine.run(end)              # the run that saved goes on unchanged, too
    restored = session(board, app)      # no input: the snapshot brings the feeds
    restored.load_snapshot(state)
    assert restored.machine.now() >= save_at * board.cpu.clock_hz
    restored.machine.run(end)
    compare(whole, saved)
    compare(whole, restored)
    assert whole.result().cycles > 0 and whole.lines
    for s in (whole, saved, restored):
        s.close()


@pytest.mark.parametrize("app,save_at,total", [("hello", 0.37, 1.5), ("hello_world", 0.3, 1.2)])
def test_the_pico_restored_mid_way_continues_as_if_it_never_stopped(app, save_at, total):
    """The generic capture covers another SoC's models (RP2040) with no code of its own."""
    pico = platforms.load("pico")
    elf = build(app, pico).elf
    end = int(total * pico.cpu.clock_hz)
    whole, saved, restored = (Session(pico, elf, app=app) for _ in range(3))
    whole.machine.run(end)
    saved.run(save_at)
    restored.load_snapshot(saved.save_snapshot())
    restored.machine.run(end)
    compare(whole, restored)
    assert whole.lines
    for s in (whole, saved, restored):
        s.close()


def test_a_restored_machine_saves_the_very_same_snapshot(board):
    """Nothing captured is lost in a round trip (every model, event, register, byte)."""
    first = session(board, "micro_speech", YES)
    first.run(2.6)
    state = first.save_snapshot()
    second = session(board, "micro_speech")
    second.load_snapshot(state)
    assert snapshot.unpack(second.save_snapshot())[0] == snapshot.unpack(state)[0]
    queued = first.machine.scheduler.queued()
    assert len(queued) == len(second.machine.scheduler.queued()) >= 1
    first.close()
    second.close()


@pytest.mark.parametrize("name", ["nano33-rev2", "xiao-sense", "microbit-v2"])
def test_the_other_boards_restored_mid_way_continue_as_if_they_never_stopped(name):
    """Their IMUs (BMI270, LSM6DS3, LSM303AGR) and microphones (PDM, SAADC) mid-stream."""
    board = platforms.load(name)
    end = int(2.0 * board.cpu.clock_hz)
    whole = session(board, "sensor_echo")
    whole.machine.run(end)
    saved = session(board, "sensor_echo")
    saved.run(0.8)
    state = saved.save_snapshot()
    restored = session(board, "sensor_echo")
    restored.load_snapshot(state)
    restored.machine.run(end)
    compare(whole, restored)
    assert whole.lines
    for s in (whole, saved, restored):
        s.close()


@pytest.mark.parametrize("name,app", [("nrf52840", "magic_wand"), ("pico", "hello"),
                                      ("microbit-v2", "magic_wand"),
                                      ("nano33-rev2", "magic_wand")])
def test_every_object_holding_the_machine_is_a_captured_model(name, app):
    """A model the snapshot does not reach would silently keep its fresh state: every
    object that refers to the machine must be one the snapshot captures."""
    board = platforms.load(name)
    s = session(board, app, WING if app == "magic_wand" else None)
    s.run(0.5)
    machine = s.machine
    captured = {id(m) for m in snapshot.models(machine).values()}
    holders = [o for o in gc.get_objects()
               if isinstance(getattr(o, "__dict__", None), dict) and
               o.__dict__.get("machine") is machine and o is not s]
    assert holders
    missing = [type(o).__name__ for o in holders if id(o) not in captured]
    assert missing == []
    names = snapshot.models(machine)
    assert any(type(m).__name__ == "SysTick" for m in names.values())
    if name == "nrf52840":
        assert any(type(m).__name__ == "Lsm9ds1" for m in names.values())
    for peripheral in machine.peripherals:
        assert f"peripherals.{peripheral}" in names
    s.close()


def test_an_event_that_cannot_be_named_is_refused_with_its_place(board):
    s = session(board, "hello")
    s.run(0.01)
    s.machine.scheduler.at(s.machine.now() + 1000, lambda time: None)
    with pytest.raises(snapshot.SnapshotError, match="not a method of a model"):
        s.save_snapshot()
    s.close()


def test_corrupt_foreign_or_mismatched_snapshots_are_refused_in_one_line(board, tmp_path):
    s = session(board, "hello")
    s.run(0.05)
    state = bytearray(s.save_snapshot())
    fresh = session(board, "hello")
    state[-5] ^= 0xFF
    with pytest.raises(snapshot.SnapshotError, match="corrupt"):
        fresh.load_snapshot(bytes(state))
    with pytest.raises(snapshot.SnapshotError, match="not a lab snapshot"):
        fresh.load_snapshot(b"ELF\x7f" + bytes(100))
    other = session(board, "hello_world")
    with pytest.raises(snapshot.SnapshotError, match="another firmware"):
        other.load_snapshot(s.save_snapshot())
    header, blobs = snapshot.unpack(s.save_snapshot())
    header["platform"] = "mps2-an386"
    with pytest.raises(snapshot.SnapshotError, match="platform mps2-an386, not nrf52840"):
        fresh.load_snapshot(snapshot._pack(header, blobs))
    for x in (s, fresh, other):
        x.close()
