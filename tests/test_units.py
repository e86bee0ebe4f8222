"""A data set as units (issue 14): the same per-clip results and cycle counts for any
number of workers, locally or on a Dask cluster; an interrupted run resumes with only
the missing units."""
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEECH = ROOT / "data" / "test" / "speech"
SAME_IN_EVERY_RUN = ("end", "events", "uart", "instructions", "cycles", "virtual_s",
                     "analysis", "streams")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """micro_speech on four committed clips: yes, no, an unknown word, noise."""
    folder = tmp_path_factory.mktemp("four")
    for word in ("yes", "no", "tree", "_silence_"):
        clip = sorted((SPEECH / word).glob("*.wav"))[0]
        (folder / "clips" / word).mkdir(parents=True)
        shutil.copy(clip, folder / "clips" / word / clip.name)
    path = folder / "four.yaml"
    path.write_text(f"name: four\napp: micro_speech\nplatforms: [nrf52840]\n"
                    f"data:\n  audio: {folder / 'clips'}\nexpect:\n  labels: true\n")
    return path


def lab_run(*args, timeout=600):
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", *map(str, args), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def per_unit(result):
    return [{k: unit[k] for k in SAME_IN_EVERY_RUN} for unit in result["units"]]


def test_one_two_workers_and_a_dask_cluster_give_identical_units(scenario, tmp_path):
    one = lab_run(scenario, "-j", "1", "--results", tmp_path / "one")
    two = lab_run(scenario, "-j", "2", "--results", tmp_path / "two")
    dask = lab_run(scenario, "--cluster", "local", "-j", "2", "--results", tmp_path / "dask")
    assert len(one["units"]) == 4 and one["end"] == "done"
    assert per_unit(one) == per_unit(two) == per_unit(dask)
    for key in ("analysis", "instructions", "cycles", "stages"):
        assert one[key] == two[key] == dask[key], key
    names = [c["name"] for c in one["analysis"]["micro_speech"]["clips"]]
    assert names == sorted(names) and len(names) == 4       # in unit order, whoever ran them


def test_an_interrupted_run_resumes_with_only_the_missing_units(scenario, tmp_path):
    complete = lab_run(scenario, "-j", "1", "--results", tmp_path / "complete")
    results = tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-m", "lab.cli", "run", str(scenario), "-j", "1",
                                "--results", str(results)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):           # stop it once the first unit is written
            if list(results.glob("*/units/00000.json")):
                break
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    (folder,) = results.iterdir()
    before = sorted(p.name for p in (folder / "units").glob("0*.json"))
    assert 1 <= len(before) < 4
    assert json.loads((folder / "result.json").read_text())["end"] == "interrupted"
    written = {p.name: p.stat().st_mtime_ns for p in (folder / "units").glob("0*.json")}
    resumed = lab_run(scenario, "--resume", folder, "-j", "1")
    assert per_unit(resumed) == per_unit(complete)
    assert resumed["analysis"] == complete["analysis"] and resumed["end"] == "done"
    for name, mtime in written.items():     # finished units were not run again
        assert (folder / "units" / name).stat().st_mtime_ns == mtime


def test_resume_refuses_another_data_set(scenario, tmp_path):
    lab_run(scenario, "-j", "1", "--results", tmp_path)
    (folder,) = tmp_path.iterdir()
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", "micro_speech", "--platform",
                           "nrf52840", "--resume", str(folder)], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    assert proc.returncode == 2 and "holds units of another run" in proc.stderr


def test_units_from_the_shared_snapshot_are_the_runs_from_reset():
    """Boot once, run the lead-in's silence, snapshot: each unit continued from there is
    the very run it is from reset (every event, byte and cycle), only shorter to run."""
    from lab import platforms, units
    from lab.build import build

    board = platforms.load("nrf52840")
    firmware = units.Firmware("nrf52840", "micro_speech",
                              build("micro_speech", board).elf.read_bytes(), 0.0)
    shared = units.with_snapshot(firmware)
    assert shared.snapshot and firmware.snapshot is None
    planned = units.plan_units("micro_speech", audio=SPEECH / "yes")[:1] + \
        units.plan_units("micro_speech", audio=SPEECH / "no")[:1]
    for unit in planned:
        from_reset, _ = units.run_unit(firmware, unit)
        from_snapshot, _ = units.run_unit(shared, unit)
        for key in SAME_IN_EVERY_RUN:
            assert from_reset[key] == from_snapshot[key], key
        assert from_reset["analysis"]["micro_speech"]["clips"][0]["outcome"] in ("yes", "no")
    # the units really continue the snapshot (not a fall-back to reset): their feeds
    # take over where the lead-in's silence stopped, well into it
    from lab import apps
    from lab.engines.embedded.session import Session
    session = Session(board, build("micro_speech", board).elf, app="micro_speech")
    session.load_snapshot(shared.snapshot)
    assert session.machine.seconds() > 2.0
    assert units._switch_feeds(session, apps.analyzer("micro_speech").unit_plan(planned[0]))
    session.close()
