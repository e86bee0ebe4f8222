"""`lab eval` (issue 14): a model inside the firmware on the committed micro_speech test
clips agrees with `lab run micro_speech`, and an evaluation killed half way resumes with
only its missing units and ends with the same results."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "micro_speech" / "micro_speech.tflite"
DATA = ROOT / "data" / "test" / "speech"


def lab(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "lab.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def per_clip(result):
    return [(u["unit"]["name"], u["cycles"], u["instructions"],
             u["analysis"]["micro_speech"]["clips"][0]["heard"]) for u in result["units"]]


def test_eval_agrees_with_lab_run_and_resumes_after_being_killed(tmp_path):
    run = lab("run", "micro_speech", "--platform", "nrf52840", "-j", "2", "--json",
              "--results", tmp_path / "run")
    assert run.returncode == 0, run.stderr
    reference = json.loads(run.stdout)
    results = tmp_path / "eval"
    command = [sys.executable, "-m", "lab.cli", "eval", str(MODEL), "--app", "micro_speech",
               "--data", str(DATA), "-j", "2", "--results", str(results)]
    process = subprocess.Popen(command, cwd=ROOT, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        for _ in range(6000):          # half the units written, then Ctrl-C
            if len(list(results.glob("*/units/0*.json"))) >= 24:
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    (folder,) = results.iterdir()
    finished = {p.name: p.stat().st_mtime_ns for p in (folder / "units").glob("0*.json")}
    assert 24 <= len(finished) < 48
    resumed = lab("eval", MODEL, "--app", "micro_speech", "--data", DATA, "-j", "2",
                  "--resume", folder, "--json")
    assert resumed.returncode == 0, resumed.stderr
    evaluation = json.loads(resumed.stdout)
    assert per_clip(evaluation) == per_clip(reference)
    assert evaluation["analysis"]["micro_speech"] == reference["analysis"]["micro_speech"]
    for name, mtime in finished.items():          # not run again
        assert (folder / "units" / name).stat().st_mtime_ns == mtime
    host = evaluation["analysis"]["host"]
    assert len(host["clips"]) == 48 and host["agree"] >= 40
    assert "board and the host" in (folder / "report.html").read_text()
