"""Bad input, interruptions and the user's own data (issue 10): each case feeds exactly
the input a new user tried. Bad usage or input is one line on stderr and exit 2, with
nothing run and nothing written; a run that fails says so with exit 1."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from lab.data.audio import write_wav

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE = ROOT / "tests" / "firmware"
YES = sorted((ROOT / "data/test/speech/yes").glob("*.wav"))[0]


def lab(*args, timeout=600, **kwargs):
    return subprocess.run([sys.executable, "-m", "lab.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=timeout, **kwargs)


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# ------------------------------------------------------------- your own data
def test_a_correct_yes_recording_of_ones_own_is_heard_and_passes(tmp_path):
    """1. No label from a folder that is not a Speech Commands word, no accuracy check
    of the committed test set: the run reports what it heard, exit 0."""
    clip = tmp_path / "mine" / "yes.wav"
    clip.parent.mkdir()
    shutil.copy(YES, clip)
    results = tmp_path / "results"
    proc = lab("run", "micro_speech", "--platform", "nrf52840", "--audio", clip,
               "--results", results)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "do not apply" in proc.stdout
    (folder,) = results.iterdir()
    result = json.loads((folder / "result.json").read_text())
    (row,) = result["analysis"]["micro_speech"]["clips"]
    assert row["expected"] is None and row["heard"] == "yes"
    assert not any(c["name"] == "accuracy" for c in result["checks"])


def test_labels_come_from_a_speech_commands_layout_and_a_manifest():
    from lab.apps import micro_speech
    assert micro_speech.label_of_folder("bad", layout=False) is None
    assert micro_speech.label_of_folder("tree", layout=False) == "unknown"
    assert micro_speech.label_of_folder("hello", layout=True) == "unknown"
    assert micro_speech.label_of_folder("_background_noise_", layout=False) == "silence"
    assert micro_speech.label_of_folder("no", layout=False) == "no"


def test_own_labelled_data_reports_accuracy_without_the_committed_threshold(tmp_path):
    from lab.runner import plan_inputs
    folder = tmp_path / "clips" / "yes"
    folder.mkdir(parents=True)
    shutil.copy(YES, folder / "a.wav")
    manifest = tmp_path / "labels.csv"
    manifest.write_text("file,label\nyes/a.wav,no\n")
    plan = plan_inputs("micro_speech", audio=tmp_path / "clips", manifest=manifest)
    assert plan.own_data and [c["expected"] for c in plan.clips] == ["no"]


@pytest.mark.parametrize("app, option, name, content", [
    ("micro_speech", "--audio", "corrupt.wav", b"RIFF\x10\x00\x00\x00WAVEfmt "),
    ("magic_wand", "--imu", "nan.csv", b"t,ax,ay,az\n0,0,0,1\n0.01,nan,0,1\n"),
])
def test_bad_data_in_scenario_mode_is_exit_two_and_writes_no_results(tmp_path, app, option,
                                                                      name, content):
    """2. Inputs are checked before a results folder exists."""
    path = tmp_path / name
    path.write_bytes(content)
    results = tmp_path / "results"
    proc = lab("run", app, option, path, "--results", results)
    assert_one_line_error(proc, name)
    assert not results.exists() or not any(results.iterdir())


def test_a_model_that_is_not_a_model_is_refused_before_building(tmp_path):
    """3. `--model` goes through the runtime's own checks on the host first."""
    model = tmp_path / "random.bin"
    model.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, np.uint8).tobytes())
    assert_one_line_error(lab("build", "hello_world", "--platform", "nrf52840",
                              "--model", model), "random.bin")
    assert_one_line_error(lab("run", "firmware/apps/hello_world", "--platform", "nrf52840",
                              "--model", model), "random.bin")
    assert_one_line_error(lab("build", "hello", "--platform", "nrf52840", "--model",
                              ROOT / "models/hello_world/hello_world.tflite"), "runs no model")


def test_an_at_lab_error_event_fails_the_run_in_every_mode(tmp_path):
    app = FIRMWARE / "reports_error"
    proc = lab("run", app, "--platform", "nrf52840")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "reported an error: stage=init status=3" in proc.stderr
    proc = lab("run", app, "--platform", "nrf52840", "--json")
    assert proc.returncode == 1 and json.loads(proc.stdout)["end"] == "error"
    scenario = tmp_path / "error.yaml"
    scenario.write_text(f"name: error\napp: {app}\nplatforms: [nrf52840]\n")
    proc = lab("run", scenario, "--results", tmp_path / "results")
    assert proc.returncode == 1 and "run finishes: expected done, got error" in proc.stdout


def test_robot_waits_fail_at_an_at_lab_error_event(tmp_path):
    from lab.robot import LabKeywords
    keywords = LabKeywords()
    keywords.create_machine("nrf52840")
    keywords.load_firmware(str(FIRMWARE / "reports_error"))
    keywords.create_terminal_tester()
    keywords.start_emulation()
    try:
        with pytest.raises(AssertionError, match="@lab error stage=init"):
            keywords.wait_for_line_on_uart("never printed", timeout=2)
    finally:
        keywords.close_machine()


# ------------------------------------------------------------ tracebacks, hangs
def test_imu_folder_for_an_app_that_plays_one_recording(tmp_path):
    """4. `--imu DIR`: folders of labelled recordings are magic_wand's; others say so."""
    assert_one_line_error(lab("run", "sensor_echo", "--platform", "nrf52840", "--imu",
                              tmp_path), "is a folder")


@pytest.mark.parametrize("args, fragment", [
    (["run", "hello", "--platform", "nrf52840", "--timeout", "inf"], "finite"),
    (["run", "hello", "--platform", "nrf52840", "--timeout", "nan"], "finite"),
    (["profile", "hello", "--platform", "nrf52840", "--timeout", "-1"], "positive"),
    (["profile", "hello", "--platform", "nrf52840", "--output", "/nonexistent/x"],
     "does not exist"),
    (["data", "convert", YES, "out.pcm", "--rate", "-5"], "positive"),
    (["data", "speech", "--out", "x", "--noise-seconds", "-1"], "positive"),
])
def test_bad_numbers_and_paths_are_refused_before_any_work(args, fragment):
    """4-6. One validation for every timeout, rate and output path."""
    started = time.monotonic()
    assert_one_line_error(lab(*args), fragment)
    assert time.monotonic() - started < 60    # refused at once (a bound, not a benchmark)


def test_results_and_out_pointing_at_a_file(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert_one_line_error(lab("run", "hello", "--results", a_file), "is a file")
    assert_one_line_error(lab("data", "gestures", "--out", a_file), "is a file")
    assert_one_line_error(lab("data", "speech", "--out", a_file), "is a file")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):            # root writes anywhere: nothing to check
        return
    assert_one_line_error(lab("run", "hello", "--results", locked / "sub"), "cannot write")


def test_qemu_timeout_holds_in_wall_time_when_the_firmware_prints_nothing(tmp_path):
    """5. The reader must not block on a silent QEMU."""
    if not shutil.which("qemu-system-arm"):
        pytest.fail("qemu-system-arm is not installed: run `make setup`")
    proc = lab("run", FIRMWARE / "silent", "--platform", "mps2-an386", "--engine", "qemu",
               "--timeout", "1", "--json", timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["end"] == "timeout"


# ------------------------------------------------------------- data integrity
def test_convert_refuses_acceleration_that_does_not_fit_resd(tmp_path):
    """7. 1e9 g used to wrap to -2147.48 g in RESD's int32 micro-g."""
    (tmp_path / "imu.csv").write_text("t,ax,ay,az\n0,1e9,0,1\n0.01,1e9,0,1\n")
    proc = lab("data", "convert", tmp_path / "imu.csv", tmp_path / "out.resd")
    assert_one_line_error(proc, "does not fit RESD", "2147.48 g")
    assert not (tmp_path / "out.resd").exists()


@pytest.mark.parametrize("times, fragment", [
    ((0, 10, 20, 30), "name the column t_ms"),          # milliseconds without a unit
    ((0, 0, 0, 0), "every sample has the time 0")])
def test_csv_times_that_cannot_be_seconds_are_refused(tmp_path, times, fragment):
    """7. CSV times in ms instead of s, or all zero."""
    rows = "".join(f"{t},0,0,1\n" for t in times)
    (tmp_path / "imu.csv").write_text("t,ax,ay,az\n" + rows)
    assert_one_line_error(lab("data", "convert", tmp_path / "imu.csv", tmp_path / "o.resd"),
                          fragment)
    (tmp_path / "ms.csv").write_text("t_ms,ax,ay,az\n" + rows)
    if len(set(times)) > 1:                   # named, milliseconds are fine
        assert lab("data", "convert", tmp_path / "ms.csv", tmp_path / "o.resd").returncode == 0


def test_wav_to_raw_pcm_is_written_at_the_boards_rate(tmp_path):
    """8. Raw PCM has no rate: a 22050 Hz WAV becomes 16 kHz PCM, and the output says so."""
    write_wav(tmp_path / "x.wav", np.zeros(22050, dtype=np.int16), 22050)
    proc = lab("data", "convert", tmp_path / "x.wav", tmp_path / "x.pcm")
    assert proc.returncode == 0, proc.stderr
    assert "16000 Hz" in proc.stdout and "22050 Hz -> 16000 Hz" in proc.stdout
    assert (tmp_path / "x.pcm").stat().st_size == 16000 * 2
    current = os.umask(0o022)
    os.umask(current)
    assert (tmp_path / "x.pcm").stat().st_mode & 0o777 == 0o666 & ~current   # not 0600


def test_the_last_line_before_a_fault_is_delivered(tmp_path):
    """10. `about to call NULL` was still in the UARTE's EasyDMA when the core faulted."""
    proc = lab("run", FIRMWARE / "null_call", "--platform", "nrf52840")
    assert proc.returncode == 1, proc.stderr
    output = proc.stdout + proc.stderr
    assert "about to call NULL" in output
    assert output.index("about to call NULL") < output.index("fault: HardFault")


# -------------------------------------------------------------- interruptions
def interrupt_scenario(results: Path, ready) -> tuple[subprocess.Popen, str]:
    """Start `lab run micro_speech -j 2`, send SIGINT once `ready(folder)` holds."""
    process = subprocess.Popen([sys.executable, "-m", "lab.cli", "run", "micro_speech",
                                "--platform", "nrf52840", "-j", "2", "--results", str(results)],
                               cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            folders = list(results.iterdir()) if results.exists() else []
            if folders and ready(folders[0]):
                break
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)   # workers stop at once
    finally:
        if process.poll() is None:
            process.kill()
    return process, stdout + stderr


def test_ctrl_c_during_a_scenario_keeps_what_ran(tmp_path):
    """9. SIGINT: result.json says `interrupted`, with the UART log and report of the
    units that finished."""
    results = tmp_path / "results"
    process, output = interrupt_scenario(
        results, lambda folder: (folder / "units" / "00000.json").exists())
    assert process.returncode == 130, output
    (folder,) = results.iterdir()
    result = json.loads((folder / "result.json").read_text())
    assert result["end"] == "interrupted" and result["virtual_s"] > 0
    assert 1 <= result["inputs"]["units"] < 48
    assert "@lab listening" in (folder / "uart.log").read_text()
    assert (folder / "report.html").exists() and (folder / "junit.xml").exists()


def test_ctrl_c_before_any_unit_finished_still_writes_the_results_folder(tmp_path):
    results = tmp_path / "results"
    process, output = interrupt_scenario(results, lambda folder: True)
    assert process.returncode == 130, output
    (folder,) = results.iterdir()
    result = json.loads((folder / "result.json").read_text())
    assert result["end"] == "interrupted"
    assert (folder / "report.html").exists() and (folder / "junit.xml").exists()


# ------------------------------------------------------ every option, walked
BAD_VALUES = {
    "seconds": ["-1", "0", "nan", "inf", "soon"],
    "positive_number": ["-5", "0", "nan", "inf", "fast"],
    "positive_int": ["-1", "0", "1.5", "many"],
    "non_negative_int": ["-1", "1.5", "seed"],
    "existing_file": ["{folder}", "{missing}"],
    "existing_path": ["{missing}"],
    "existing_folder": ["{file}", "{missing}"],
    "output_file": ["{folder}", "{missing}/x"],
    "output_folder": ["{file}"],
}
# What each subcommand needs besides the option under test: its positionals by name,
# then required options.
REQUIRED = {
    "build": ({"app": "hello"}, ["--platform", "nrf52840"]),
    "run": ({"target": "hello"}, ["--platform", "nrf52840"]),
    "profile": ({"app": "hello"}, ["--platform", "nrf52840"]),
    "speech": ({}, ["--out", "{fresh}"]), "gestures": ({}, ["--out", "{fresh}"]),
    "convert": ({"input": "{file}", "output": "{fresh}/out.csv"}, []),
    "inspect": ({"model": "{file}"}, []),
    "model run": ({"model": "{file}"}, ["--input", "{file}"]),
    "train": ({"model": "hello_world"}, []), "report": ({"folder": "{folder}"}, []),
    "test": ({}, []),
}


def _options():
    """(command path, option, type name) of every option with a validating type, and the
    options that take a number or a path without one (there must be none)."""
    import argparse
    from lab.cli import build_parser
    from lab.commands import arguments

    validating = {getattr(arguments, name): name for name in BAD_VALUES}
    found, unvalidated = [], []

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + [name])
            elif action.type in validating:
                found.append((path, action, validating[action.type]))
            elif action.type in (int, float, Path) or \
                    (action.option_strings and action.dest in ("out", "output", "results",
                                                               "outputdir", "data", "model")):
                unvalidated.append(f"{' '.join(path)} {action.dest}")
    walk(build_parser(), [])
    return found, unvalidated


def test_every_number_and_path_option_has_a_validating_type():
    _, unvalidated = _options()
    assert not unvalidated


def test_every_option_refuses_bad_values_with_one_line_and_exit_two(tmp_path, capsys):
    from lab.cli import main
    a_file = tmp_path / "a_file.bin"
    a_file.write_bytes(b"\0")
    places = {"folder": str(tmp_path), "missing": str(tmp_path / "missing"),
              "file": str(a_file), "fresh": str(tmp_path / "fresh")}
    found, _ = _options()
    tried = 0
    for path, action, type_name in found:
        key = "model run" if path == ["model", "run"] else path[-1]
        positionals, options = REQUIRED.get(key, ({}, []))
        for bad in BAD_VALUES[type_name]:
            value = bad.format(**places)
            given = {name: text.format(**places) for name, text in positionals.items()}
            if not action.option_strings:
                given[action.dest] = value
            argv = path + list(given.values()) + [o.format(**places) for o in options]
            if action.option_strings:
                argv += [action.option_strings[0], value]
            capsys.readouterr()
            with pytest.raises(SystemExit) as exit_info:
                main(argv)
            err = capsys.readouterr().err
            assert exit_info.value.code == 2, (argv, err)
            assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, (argv, err)
            tried += 1
    assert tried > 60


def test_lab_test_names_a_missing_suite_in_one_line():
    """Newcomer friction: `lab test nosuch.robot` buried the error in pabot's output."""
    assert_one_line_error(lab("test", "nosuch.robot"), "nosuch.robot: no such suite")
