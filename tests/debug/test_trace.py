"""`lab profile --trace`: the file follows the Trace Event Format (JSON Object Format:
`traceEvents`; every event has name, ph, ts, pid, tid; complete events `X` have a
non-negative dur; slices on one track nest), and its slices agree with the cycles the
firmware measured with DWT CYCCNT."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 120
PHASES = {"X", "B", "E", "i", "I", "C", "M"}


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trace")
    path, speedscope = folder / "hello_world.json", folder / "speedscope.json"
    run = subprocess.run([sys.executable, "-m", "lab.cli", "profile", "hello_world",
                          "--platform", "nrf52840", "--trace", str(path), "--speedscope",
                          str(speedscope), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    result["speedscope"] = json.loads(speedscope.read_text())
    return json.loads(path.read_text()), result


def test_every_event_has_the_fields_the_format_requires(traced):
    trace, _ = traced
    events = trace["traceEvents"]
    assert trace["displayTimeUnit"] in ("ms", "ns")
    for event in events:
        assert {"name", "ph", "ts", "pid", "tid"} <= set(event), event
        assert event["ph"] in PHASES
        assert isinstance(event["ts"], (int, float)) and event["ts"] >= 0
        if event["ph"] == "X":
            assert event["dur"] >= 0
        if event["ph"] == "C":
            assert all(isinstance(v, (int, float)) for v in event["args"].values())
        if event["ph"] == "i":
            assert event["s"] in ("g", "p", "t")
    named = {(e["tid"], e["args"]["name"]) for e in events if e["name"] == "thread_name"}
    assert (1, "core") in named and any(name == "uart0" for _, name in named)


def test_slices_on_a_track_nest_or_follow_each_other(traced):
    trace, _ = traced
    tracks = defaultdict(list)
    for e in trace["traceEvents"]:
        if e["ph"] == "X":
            tracks[e["tid"]].append((e["ts"], e["ts"] + e["dur"], e["name"]))
    for slices in tracks.values():
        open_ends = []
        for start, end, name in sorted(slices, key=lambda s: (s[0], -s[1])):
            while open_ends and open_ends[-1] <= start:
                open_ends.pop()
            assert not open_ends or end <= open_ends[-1] + 1e-6, f"{name} overlaps its parent"
            open_ends.append(end)


def test_inference_slices_match_the_firmwares_cycles_and_hold_its_ops(traced):
    trace, result = traced
    events = trace["traceEvents"]
    inferences = [e for e in events if e["ph"] == "X" and e["cat"] == "inference"]
    measured = [e["cycles_inference"] for e in result["events"] if e["event"] == "inference"]
    assert len(inferences) == len(measured) == 40
    # the firmware's CYCCNT brackets the call: its two reads of CYCCNT, the call and the
    # return (with their pipeline refills and flash wait states) add the same few dozen
    # cycles to every inference
    brackets = {cycles - inference["args"]["cycles"] for inference, cycles
                in zip(inferences, measured)}
    assert len(brackets) == 1 and 0 <= brackets.pop() <= 40
    for inference, cycles in zip(inferences, measured):
        start, end = inference["ts"], inference["ts"] + inference["dur"]
        ops = [e for e in events if e["ph"] == "X" and e["cat"] == "op"
               and start <= e["ts"] and e["ts"] + e["dur"] <= end]
        assert [op["args"]["index"] for op in ops] == [0, 1, 2, 3]
        assert {op["name"] for op in ops} == {"FULLY_CONNECTED"}
        assert ops[1]["args"]["inputs"][:2] == [[1, 32], [32, 32]]
        op_cycles = sum(op["args"]["cycles"] for op in ops)
        # the interpreter's loop between the ops is the only difference
        assert 0.95 * inference["args"]["cycles"] <= op_cycles <= inference["args"]["cycles"]
        # instructions too, and on the M4 no op retires more than one instruction a cycle
        op_instructions = sum(op["args"]["instructions"] for op in ops)
        assert 0.95 * inference["args"]["instructions"] <= op_instructions \
            <= inference["args"]["instructions"]
        assert all(0 < op["args"]["instructions"] <= op["args"]["cycles"] for op in ops)


def test_isrs_peripherals_and_firmware_events_have_their_tracks(traced):
    trace, result = traced
    events = trace["traceEvents"]
    isrs = {e["name"] for e in events if e["ph"] == "X" and e["cat"] == "isr"}
    assert "UARTE0_IRQHandler" in isrs
    sent = [e for e in events if e["ph"] == "X" and e["cat"] == "uart"]
    assert "".join(e["args"]["text"] for e in sent) == result["uart"]
    instants = [e["name"] for e in events if e["ph"] == "i"]
    assert instants == [e["event"] for e in result["events"]]


def test_speedscope_file_has_one_weighted_sample_per_function(traced):
    _, result = traced
    document = result["speedscope"]
    assert document["$schema"] == "https://www.speedscope.app/file-format-schema.json"
    profile = document["profiles"][0]
    assert profile["type"] == "sampled" and profile["unit"] == "none"
    frames = [f["name"] for f in document["shared"]["frames"]]
    assert [frames[s[0]] for s in profile["samples"]] == [r[0] for r in result["profile"]
                                                          if r[1] > 0]
    assert profile["weights"] == [r[1] for r in result["profile"] if r[1] > 0]
    assert profile["endValue"] == sum(profile["weights"]) > 0
