"""`lab run --save-at EVENT|SECONDS FILE` and `--load FILE` (issue 14): a run started
from a snapshot ends exactly as the saved run; bad snapshots are refused in one line."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YES = sorted((ROOT / "data" / "test" / "speech" / "yes").glob("*.wav"))[0]
SAME = ("uart", "events", "cycles", "instructions", "virtual_s", "end", "analysis", "streams")


def lab(*args):
    return subprocess.run([sys.executable, "-m", "lab.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def test_micro_speech_saved_when_listening_and_loaded_ends_as_the_whole_run(tmp_path):
    state = tmp_path / "listening.snap"
    saved = lab("run", "micro_speech", "-p", "nrf52840", "--audio", YES,
                "--save-at", "listening", state, "--json")
    assert saved.returncode == 0, saved.stderr
    loaded = lab("run", "micro_speech", "-p", "nrf52840", "--load", state, "--json")
    assert loaded.returncode == 0, loaded.stderr
    a, b = json.loads(saved.stdout), json.loads(loaded.stdout)
    for key in SAME:
        assert a[key] == b[key], key
    assert a["analysis"]["micro_speech"]["clips"][0]["outcome"] == "yes"
    assert "listening" in [e["event"] for e in b["events"]]


def test_bad_save_points_and_snapshots_get_one_line_errors(tmp_path):
    state = tmp_path / "hello.snap"
    assert lab("run", "hello", "-p", "nrf52840", "--save-at", "0.2", state).returncode == 0
    cases = [
        (("run", "hello", "-p", "nrf52840", "--save-at", "soon!", tmp_path / "x"),
         "virtual seconds"),
        (("run", "hello", "-p", "nrf52840", "--save-at", "-1", tmp_path / "x"), ">= 0"),
        (("run", "hello", "-p", "nrf52840", "--save-at", "99", tmp_path / "x", "--timeout", "2"),
         "ended before 99 s"),
        (("run", "hello_world", "-p", "nrf52840", "--load", state), "another firmware"),
        (("run", "micro_speech", "-p", "nrf52840", "--load", state, "--audio", YES),
         "give no --audio"),
    ]
    corrupt = tmp_path / "corrupt.snap"
    corrupt.write_bytes(state.read_bytes()[:-10])
    cases.append((("run", "hello", "-p", "nrf52840", "--load", corrupt), "corrupt"))
    foreign = tmp_path / "foreign.snap"
    foreign.write_bytes(b"not a snapshot at all")
    cases.append((("run", "hello", "-p", "nrf52840", "--load", foreign), "not a lab snapshot"))
    for args, message in cases:
        proc = lab(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) <= 2, proc.stderr
    assert not (tmp_path / "x").exists()
