"""The example apps end to end on the virtual nRF52840 (short inputs, to stay quick)."""
import json
import os
import subprocess
import sys
from pathlib import Path

from speech_clips import FOUR_KINDS, speech_folder

ROOT = Path(__file__).resolve().parent.parent


def lab_json(*args) -> dict:
    env = dict(os.environ, LAB_RESULTS_DIR=str(ROOT / ".cache" / "test-results"))
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", *args, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def few_clips(tmp_path) -> Path:
    """One clip each of yes, no, an unknown word and background noise."""
    return speech_folder(tmp_path / "clips", FOUR_KINDS)


def test_two_micro_speech_runs_give_identical_results_and_cycles(tmp_path):
    clips = few_clips(tmp_path)
    first, second = (lab_json("micro_speech", "--platform", "nrf52840", "--audio", str(clips))
                     for _ in range(2))
    assert first["end"] == "done" and len(first["analysis"]["micro_speech"]["clips"]) == 4
    for key in ("events", "uart", "instructions", "cycles", "virtual_s", "analysis", "stages",
                "streams"):
        assert first[key] == second[key], key
    assert first["stages"]["frontend"]["count"] > 100
    assert first["streams"]["audio"]["dropped"] == 0


def test_two_magic_wand_runs_give_identical_results_and_cycles():
    first, second = (lab_json("magic_wand", "--platform", "nrf52840", "--timeout", "40")
                     for _ in range(2))
    for key in ("events", "instructions", "cycles", "analysis", "stages"):
        assert first[key] == second[key], key
