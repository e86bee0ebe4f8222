"""`lab bench models` (bench/models.py, lab/model_bench.py): hello_world on the generic
Cortex-M0+ (semihosting console, SysTick cycle counter, no DSP) and the nRF52840 (DWT
CYCCNT, flash wait states and cache). Each figure is checked against what plain
model_runner runs and builds give on their own: the cycles of the same second
inference, the instruction count as cycles with one cycle per instruction, flash and
RAM from the linker map, the arena the host's runtime plans."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab import model_bench, platforms
from lab.build import build
from lab.model_firmware import FirmwareModel
from lab.runtime import HostModel, inspect_model, quantize_for

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "hello_world" / "hello_world.tflite"
BOARDS = ("generic-m0plus", "nrf52840")
DEFINES = {"reference": ("LABRT_OPTIMIZED=0",), "optimized": ()}
ROW_FIELDS = {"model": str, "board": str, "core": str, "kernels": str, "dsp": bool,
              "cycles": int, "instructions": int, "cpi": float, "ms": float, "flash": int,
              "ram": int, "arena": int, "model_flash": int, "clock_hz": int}


def lab_bench(*args):
    return subprocess.run([sys.executable, "-m", "lab.cli", "bench", "models", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def result():
    platform_args = [arg for board in BOARDS for arg in ("--platform", board)]
    proc = lab_bench("hello_world", *platform_args, "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def second_inference(platform, kernels):
    """Plain model_runner, as `lab model run --platform` drives it (model in flash): the
    firmware's cycles for the second inference on the bench's seeded input."""
    seeded = np.random.default_rng(model_bench.SEED).integers(-128, 128, size=(1, 1))
    firmware = FirmwareModel(MODEL, platform, in_flash=True, defines=DEFINES[kernels])
    try:
        firmware.invoke([seeded.astype(np.int8)])
        return firmware.invoke([seeded.astype(np.int8)]).cycles
    finally:
        firmware.close()


def test_json_has_every_model_board_and_kernels_row_with_its_fields(result):
    assert [m["name"] for m in result["models"]] == ["hello_world"]
    assert [p["board"] for p in result["platforms"]] == list(BOARDS)
    assert [(p["core"], p["dsp"]) for p in result["platforms"]] == \
        [("cortex-m0plus", False), ("cortex-m4f", True)]
    assert [(r["board"], r["kernels"]) for r in result["rows"]] == \
        [(b, k) for b in BOARDS for k in ("reference", "optimized")]
    for row in result["rows"]:
        assert {k: type(v) for k, v in row.items()} == ROW_FIELDS, row
        assert row["cpi"] == round(row["cycles"] / row["instructions"], 4)
    assert result["skipped"] == [] and result["outputs_equal_tflm"] is True
    rows = {(r["board"], r["kernels"]): r for r in result["rows"]}
    assert set(result["optimized_speedup"]) == set(BOARDS)
    for board, speedup in result["optimized_speedup"].items():
        ratio = rows[board, "reference"]["cycles"] / rows[board, "optimized"]["cycles"]
        assert speedup == round(ratio, 4) and speedup > 1


@pytest.mark.parametrize("board, kernels", [("generic-m0plus", "reference"),
                                            ("nrf52840", "optimized")])
def test_cycles_and_instructions_are_those_of_plain_model_runner_runs(result, board, kernels):
    row = next(r for r in result["rows"] if (r["board"], r["kernels"]) == (board, kernels))
    assert row["cycles"] == second_inference(platforms.load(board), kernels)
    # one cycle per instruction: the firmware's count is then the instructions counted
    assert row["instructions"] == second_inference(platforms.load(board, "instructions"),
                                                   kernels)
    built = build("model_runner", platforms.load(board), model=MODEL, defines=DEFINES[kernels])
    assert (row["flash"], row["ram"]) == (built.footprint.flash_total,
                                          built.footprint.ram_total)
    assert row["model_flash"] == built.footprint.flash["model"] >= MODEL.stat().st_size
    assert row["arena"] == inspect_model(MODEL.read_bytes(), kernels).arena.needed


def test_text_table_has_a_row_per_board_and_kernels_and_ends_with_the_speedups(result):
    lines = model_bench.table(result)
    assert lines[0].split()[:4] == ["model", "board", "core", "kernels"]
    assert [line.split()[1:4] for line in lines[1:5]] == [
        ["generic-m0plus", "cortex-m0plus", "reference"],
        ["generic-m0plus", "cortex-m0plus", "optimized*"],   # no DSP: plain C primitives
        ["nrf52840", "cortex-m4f", "reference"], ["nrf52840", "cortex-m4f", "optimized"]]
    assert lines[-1] == " ".join(f"optimized_speedup_{board}={ratio:.2f}"
                                 for board, ratio in result["optimized_speedup"].items())


def test_model_run_loads_a_model_into_ram_over_semihosting(tmp_path):
    """`lab model run --platform` on a board without a UART: the model and the commands
    go in through semihosting; the output is the host runtime's."""
    np.save(tmp_path / "x.npy", np.array([[1.5]], dtype=np.float32))
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "model", "run", str(MODEL),
                           "--input", str(tmp_path / "x.npy"), "--platform", "generic-m0plus"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("generic-m0plus: inference took ")
    host = HostModel(MODEL.read_bytes())
    want = host.run(quantize_for(host.inputs[0], np.array([[1.5]], dtype=np.float32)))[0]
    assert f"output 0: INT8 [1, 1] [{int(want.ravel()[0])}]" in proc.stdout


def test_model_run_links_a_model_too_large_for_the_ram_buffer_into_flash(tmp_path):
    """magic_wand (22.7 KB) on the 32 KiB M0+: model_runner's 12 KiB RAM slot is too
    small, so the model is built into the image, as it would be deployed."""
    model = ROOT / "models" / "magic_wand" / "magic_wand.tflite"
    x = np.zeros((1, 128, 3, 1), dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "model", "run", str(model),
                           "--input", str(tmp_path / "x.npy"), "--platform", "generic-m0plus"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    want = HostModel(model.read_bytes()).run(x)[0]
    assert f"output 0: INT8 [1, 4] {np.array2string(want.ravel())}" in proc.stdout, proc.stdout


@pytest.mark.parametrize("args, message", [
    (["no_such_model"], "unknown model 'no_such_model'"),
    (["missing.tflite"], "missing.tflite: no such file"),
    (["hello_world", "--platform", "no-such-board"], "unknown platform 'no-such-board'")])
def test_bad_model_or_platform_is_one_line_and_exit_2(args, message):
    proc = lab_bench(*args)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_default_boards_are_one_per_timing_class():
    runnable = [platforms.load(name) for name in platforms.available()]
    runnable = [p for p in runnable if model_bench.runs_model_runner(p)]
    chosen = model_bench.default_platforms()
    classes = [model_bench.timing_class(p) for p in chosen]
    assert len(set(classes)) == len(classes)
    assert set(classes) == {model_bench.timing_class(p) for p in runnable}
    names = {p.name for p in chosen}
    assert {"generic-m0plus", "mps2-an385", "mps2-an386", "nrf52840"} <= names
    assert not names & {"pico", "microbit-v2", "nano33-rev2", "xiao-sense"}  # same classes


def test_ctrl_c_ends_a_benchmark_in_one_line():
    """Ctrl-C (SIGINT to the terminal's process group) while `lab bench models` works."""
    import os
    import signal
    bench = subprocess.Popen([sys.executable, "-m", "lab.cli", "bench", "models", "mobilenet",
                              "resnet8"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert bench.stdout.readline().startswith("boards: ")      # it is at work
    os.killpg(bench.pid, signal.SIGINT)
    _, err = bench.communicate(timeout=60)
    # (a cold start may put TensorFlow's own log lines first)
    assert bench.returncode == 130, err
    assert ("\n" + err).endswith("\nlab bench models: interrupted\n"), err
    assert "Traceback" not in err
