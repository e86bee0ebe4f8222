"""The `lab` command as users run it: exit codes, JSON, determinism, build cache."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAB = [sys.executable, "-m", "lab.cli"]


def lab(*args, env=None, results=None):
    env = dict(env or os.environ)
    env.setdefault("LAB_RESULTS_DIR", str(results or ROOT / ".cache" / "test-results"))
    return subprocess.run(LAB + list(args), capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_hello_run_prints_banner_and_cycles_and_exits_zero():
    proc = lab("run", "hello", "--platform", "nrf52840")
    assert proc.returncode == 0, proc.stderr
    assert "Virtual MCU Lab: hello from nrf52840" in proc.stdout
    assert "@lab loop cycles_loop=9014" in proc.stdout


def test_three_json_runs_are_identical():
    runs = []
    for _ in range(3):
        proc = lab("run", "hello", "--platform", "nrf52840", "--json")
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout))
    first = runs[0]
    assert first["end"] == "done" and first["fault"] is None
    assert {"platform", "app", "end", "virtual_s", "instructions", "uart", "events",
            "fault"} <= set(first)
    for other in runs[1:]:
        for key in ("uart", "events", "instructions", "cycles", "virtual_s"):
            assert other[key] == first[key], key


def test_fault_exits_one_with_a_report(tmp_path):
    proc = lab("run", str(ROOT / "tests" / "firmware" / "null_call"), "--platform", "nrf52840")
    assert proc.returncode == 1
    assert "HardFault" in proc.stderr and "caller_function" in proc.stderr


def test_timeout_exits_one():
    proc = lab("run", "hello", "--platform", "nrf52840", "--timeout", "0.5", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["end"] == "timeout"


@pytest.mark.parametrize("args, message", [
    (["run", "hello", "--platform", "nosuchboard"], "unknown platform 'nosuchboard'"),
    (["run", "nosuchapp", "--platform", "nrf52840"], "unknown app 'nosuchapp'"),
    (["run", "--elf", "/nonexistent.elf", "--platform", "nrf52840"], "/nonexistent.elf: no such file"),
    (["run", "hello", "--platform", "nrf52840", "--timeout", "-1"], "--timeout"),
])
def test_bad_usage_is_one_line_and_exit_two(args, message):
    proc = lab(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_toolchain_says_what_to_do(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path), LAB_CACHE_DIR=str(tmp_path / "cache"))
    proc = lab("build", "hello", "--platform", "nrf52840", env=env)
    assert proc.returncode == 2
    assert "arm-none-eabi-gcc" in proc.stderr and "make setup" in proc.stderr


def test_second_build_of_same_inputs_is_a_cache_hit(tmp_path):
    env = dict(os.environ, LAB_CACHE_DIR=str(tmp_path))
    first = lab("build", "hello", "--platform", "nrf52840", env=env)
    second = lab("build", "hello", "--platform", "nrf52840", env=env)
    assert first.returncode == 0 and first.stdout.startswith("built hello for nrf52840 in ")
    assert second.returncode == 0 and second.stdout.startswith("cached hello for nrf52840:")
    assert "flash" in second.stdout and "RAM" in second.stdout


def test_a_change_in_the_hals_shared_code_misses_the_build_cache(tmp_path, monkeypatch):
    """firmware/hal/common is compiled into several HALs' images: it is in the key."""
    from lab import build, platforms
    platform = platforms.load("pico")
    firmware = tmp_path / "firmware"
    board = firmware / "boards" / platform.build["board"]
    board.mkdir(parents=True)
    (board / "board.mk").write_text("HAL := rp2040\n")
    (firmware / "Makefile").write_text("all:\n")
    shared = firmware / "hal" / "common" / "startup_semihosting.c"
    shared.parent.mkdir(parents=True)
    shared.write_text("void Reset_Handler(void) {}\n")
    app = tmp_path / "app"
    app.mkdir()
    monkeypatch.setattr(build, "FIRMWARE_DIR", firmware)
    before = build.cache_key(app, platform, (), ())
    shared.write_text("void Reset_Handler(void) { for (;;) {} }\n")
    assert build.cache_key(app, platform, (), ()) != before


def test_the_same_app_from_another_folder_is_another_build():
    """The ELF's debug information names its sources by path: identical sources in
    another checkout are not served the first checkout's ELF."""
    import shutil
    import tempfile
    from lab import build, platforms
    platform = platforms.load("nrf52840")
    app = build.FIRMWARE_DIR / "apps" / "hello"
    with tempfile.TemporaryDirectory() as other:
        copy = Path(shutil.copytree(app, Path(other) / "hello"))
        assert build.cache_key(copy, platform, (), ()) != build.cache_key(app, platform, (), ())


def test_list_and_doctor():
    listing = lab("list")
    assert listing.returncode == 0
    assert "nrf52840" in listing.stdout and "hello" in listing.stdout
    doctor = lab("doctor")
    assert "arm-none-eabi-gcc" in doctor.stdout and "engine: embedded" in doctor.stdout
    assert doctor.returncode == 0, doctor.stdout


def test_strict_alignment_traps_an_unaligned_ldrd():
    app = str(ROOT / "tests" / "firmware" / "unaligned_ldrd")
    strict = lab("run", app, "--platform", "nrf52840", "--strict-alignment", "--json")
    assert strict.returncode == 1
    fault = json.loads(strict.stdout)["fault"]
    assert "UNALIGNED" in fault["reasons"] and fault["pc_function"] == "load_pair"
    # Without strict mode the lab does not check every access (documented gap):
    assert lab("run", app, "--platform", "nrf52840").returncode == 0


def test_profile_shows_where_the_cycles_go():
    proc = lab("profile", "hello", "--platform", "nrf52840", "--top", "5")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1].split()[:2] == ["function", "cycles"]
    assert any(line.startswith("main ") for line in lines[2:7])


@pytest.mark.parametrize("board", ["mps2-an386", "mps2-an500", "mps2-an505"])
def test_qemu_and_embedded_engines_agree_on_the_same_firmware(board):
    """The M4F, the M7 and the M33 (in the Secure state QEMU's AN505 starts in)."""
    app = str(ROOT / "bench" / "firmware" / "mac_loop")
    runs = {}
    for engine in ("qemu", "embedded"):
        proc = lab("run", app, "--platform", board, "--engine", engine, "-D", "ROUNDS=3000",
                   "--json")
        assert proc.returncode == 0, proc.stderr
        runs[engine] = json.loads(proc.stdout)
    results = {e: [ev for ev in r["events"] if ev["event"] == "mac"][0]["result"]
               for e, r in runs.items()}
    assert results["qemu"] == results["embedded"]
    assert runs["embedded"]["instructions"] > 3000 * 256 * 6   # the loop, counted exactly
    assert lab("run", "hello", "--platform", "nrf52840", "--engine", "qemu").returncode == 2


def test_every_results_command_prints_one_json_object_with_json(tmp_path):
    """build, list, doctor, model inspect, profile and run: `--json` is one object."""
    build = json.loads(lab("build", "hello", "--platform", "nrf52840", "--json").stdout)
    assert build["app"] == "hello" and build["flash"] > 0 and Path(build["elf"]).exists()
    assert isinstance(build["cached"], bool)
    listing = json.loads(lab("list", "--json").stdout)
    nrf = next(p for p in listing["platforms"] if p["name"] == "nrf52840")
    assert "micro_speech" in nrf["apps"] and "hello" in listing["scenarios"]
    doctor = json.loads(lab("doctor", "--json").stdout)
    assert doctor["ready"] is True and any(c["what"] == "make" for c in doctor["checks"])
    model = json.loads(lab("model", "inspect", "models/hello_world/hello_world.tflite",
                           "--json").stdout)
    assert model["status"] == "OK" and model["arena_needed"] > 0 and model["ops"]
    profile = lab("profile", "hello", "--platform", "nrf52840", "--json")
    result = json.loads(profile.stdout)
    assert profile.returncode == 0 and result["end"] == "done"
    assert sum(row[1] for row in result["profile"]) > 9014
    # every instruction the run executed is in exactly one function's row
    assert sum(row[2] for row in result["profile"]) == result["instructions"]


def test_build_breaks_flash_and_ram_down_by_part_from_the_linker_map():
    """The parts add up to the image's flash and RAM, exactly."""
    build = json.loads(lab("build", "micro_speech", "--platform", "nrf52840", "--json").stdout)
    footprint = build["footprint"]
    assert footprint["flash_total"] == build["flash"] and footprint["ram_total"] == build["ram"]
    for part in ("app", "runtime", "runtime kernels", "frontend", "model", "HAL", "C library"):
        assert footprint["flash"].get(part, 0) > 0, part
    assert footprint["flash"]["model"] >= (ROOT / "models/micro_speech/micro_speech.tflite").stat().st_size
    assert footprint["stack_reserve"] == 8192 and footprint["ram_size"] == 256 * 1024


def test_micro_speech_builds_into_40_kb_of_ram_with_the_arena_its_model_needs():
    """Issue 17: the arena buffer is what the runtime's planner needs for the model (with
    the optimized kernels the build compiles), and the image's RAM stays within 40 KB."""
    build = json.loads(lab("build", "micro_speech", "--platform", "nrf52840", "--json").stdout)
    inspected = json.loads(lab("model", "inspect", "models/micro_speech/micro_speech.tflite",
                               "--json").stdout)
    assert build["arena"] == inspected["arena"]
    assert build["ram"] <= 40960
    text = lab("build", "micro_speech", "--platform", "nrf52840").stdout
    assert f"tensor arena: {inspected['arena']['needed']} B = activations" in text


def test_model_inspect_and_run_report_the_same_arena_with_the_same_parts():
    """The host computes the firmware's arena (32-bit records, optimized kernels); the
    firmware reports it; both print the same line."""
    inspected = lab("model", "inspect", "models/hello_world/hello_world.tflite").stdout
    line = next(text for text in inspected.splitlines() if text.startswith("tensor arena in"))
    breakdown = line.split(": ", 1)[1]          # "1152 B = activations 64 + ..."
    run = lab("run", "hello_world", "--platform", "nrf52840")
    assert run.returncode == 0, run.stderr
    assert f"tensor arena: {breakdown}" in run.stdout
    assert "stack: high-water " in run.stdout and "of the 8192 B reserve" in run.stdout
    assert "inference 256 B (40x)" in run.stdout
