"""The timing model: cycles against instructions per core and app, and what it costs.

Each app runs on the embedded engine twice, with the core's timing model
(`timing: cycles`) and with one cycle per instruction (`timing: instructions`):
  - apps hello_world, magic_wand, micro_speech on the nRF52840 (Cortex-M4F, flash wait
    states, I-Code cache): cycles per inference (median), the whole run's instructions,
    cycles and CPI;
  - the int8 multiply-accumulate loop (bench/firmware/mac_loop, ~410 M instructions) on
    the MPS2 board, its core swapped for each profile that runs ARMv7E-M code with an FPU
    (cortex-m4f, cortex-m7, cortex-m33): the same ELF, so cycles differ only by the
    timing tables; built for the Cortex-M7 (mps2-an500), the Cortex-M33 (mps2-an505),
    the Cortex-M3 (mps2-an385) and the Cortex-M0+ (generic-m0plus); and on the nRF52840,
    for the engine's speed with the model on and off;
  - hello_world's int8 model in model_runner on a board per core (generic-m0plus,
    mps2-an385, mps2-an386, mps2-an505, mps2-an500), each built for its core, with the
    optimized and the reference kernels: cycles per inference (CYCCNT, SysTick on the
    M0+) with the timing model, and instructions per inference (the same span counted
    with `timing: instructions`), so CPI = cycles / instructions of the inference.
Engine MIPS = instructions / CPU seconds of the run (this process's, so other jobs on a
shared machine disturb it less than wall time would). Last line:
`timing_overhead=<MIPS off / MIPS on>` for the mac loop on the nRF52840 (median of 3).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import cores, platforms  # noqa: E402
from lab.build import build  # noqa: E402
from lab.engines.embedded.session import Session  # noqa: E402
from lab.runner import plan_inputs, run_app  # noqa: E402
from lab.cli import guarded  # noqa: E402

# app -> what it hears or feels: one test recording each, so a row takes seconds
APPS = {"hello_world": {},
        "magic_wand": {"imu": "data/test/gestures/ring/u008_000.resd"},
        "micro_speech": {"audio": "data/test/speech/yes/espeak-en-gb-x-gbclan-Alicia-0_nohash_0.wav"}}
MAC_LOOP = ROOT / "bench" / "firmware" / "mac_loop"
HELLO_WORLD = ROOT / "models" / "hello_world" / "hello_world.tflite"
CORE_BOARDS = ("generic-m0plus", "mps2-an385", "mps2-an386", "mps2-an505", "mps2-an500")
SWAPPED_CORES = ("cortex-m4f", "cortex-m7", "cortex-m33")


def app_row(app: str, timing: str) -> dict:
    platform = platforms.load("nrf52840", timing)
    inputs = {what: ROOT / path for what, path in APPS[app].items()}
    started = time.process_time()
    result = run_app(platform, app, plan=plan_inputs(app, **inputs))
    cpu_s = time.process_time() - started
    inference = result.stages.get("inference", {}).get("median")
    return {"core": platform.cpu.core, "app": app, "timing": timing,
            "inference_cycles": inference, "instructions": result.instructions,
            "cycles": result.cycles, "cpu_s": cpu_s}


def mac_row(board: str, timing: str, core: str | None = None) -> dict:
    platform = platforms.load(board, timing)
    if core:   # the profile and the timing table the machine charges (default options)
        platform.cpu.profile = cores.load(core)
        platform.cpu.timing = platform.cpu.profile.timing_for({})
        platform.cpu.core = core
    session = Session(platform, build(str(MAC_LOOP), platform).elf, app="mac_loop")
    try:
        started = time.process_time()
        session.run(120.0)
        cpu_s = time.process_time() - started
        result = session.result()
    finally:
        session.close()
    if result.end != "done":
        raise SystemExit(f"mac_loop did not finish on {board} ({core}): {result.end}")
    return {"core": platform.cpu.core, "app": f"mac_loop@{board}", "timing": timing,
            "inference_cycles": None, "instructions": result.instructions,
            "cycles": result.cycles, "cpu_s": cpu_s}


def model_row(board: str, kernels: str) -> dict:
    """hello_world's model, one inference with the same input, per core: its cycles and
    its instructions (the same span, one cycle per instruction)."""
    import numpy as np
    from lab.model_firmware import FirmwareModel
    defines = ("LABRT_OPTIMIZED=0",) if kernels == "reference" else ()
    spans = {}
    for timing in ("cycles", "instructions"):
        platform = platforms.load(board, timing)
        firmware = FirmwareModel(HELLO_WORLD, platform, defines=defines)
        try:
            spans[timing] = firmware.invoke([np.array([[37]], dtype=np.int8)]).cycles
        finally:
            firmware.close()
    return {"core": platforms.load(board).cpu.core, "app": f"hello_world@{board} {kernels}",
            "timing": "cycles", "inference_cycles": spans["cycles"],
            "instructions": spans["instructions"], "cycles": spans["cycles"], "cpu_s": 0.0}


def with_speed(row: dict) -> dict:
    row["cpi"] = row["cycles"] / row["instructions"]
    row["mips"] = row["instructions"] / row["cpu_s"] / 1e6 if row["cpu_s"] else 0.0
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="only the mac loop")
    parser.add_argument("--cores", action="store_true",
                        help="only hello_world's model on a board per core")
    args = parser.parse_args()
    if args.cores:
        return print_cores(args.json)
    rows = []
    for app in () if args.quick else APPS:
        rows += [with_speed(app_row(app, timing)) for timing in ("cycles", "instructions")]
    for core in SWAPPED_CORES:
        rows.append(with_speed(mac_row("mps2-an386", "cycles", core)))
    rows.append(with_speed(mac_row("mps2-an500", "cycles")))       # built for the M7
    rows.append(with_speed(mac_row("mps2-an505", "cycles")))       # built for the M33
    rows.append(with_speed(mac_row("mps2-an385", "cycles")))       # built for the M3
    rows.append(with_speed(mac_row("generic-m0plus", "cycles")))   # built for the M0+
    on, off = [], []
    for _ in range(3):   # interleaved, so both see the same load
        on.append(with_speed(mac_row("nrf52840", "cycles")))
        off.append(with_speed(mac_row("nrf52840", "instructions")))
    rows += [on[0], off[0]]
    overhead = statistics.median(r["mips"] for r in off) / \
        statistics.median(r["mips"] for r in on)
    if args.json:
        print(json.dumps({"rows": rows, "timing_overhead": overhead}))
        return 0
    print(f"{'core':<15}{'app':<28}{'timing':<14}{'inference':>11}{'instructions':>14}"
          f"{'cycles':>14}{'CPI':>7}{'MIPS':>7}")
    for r in rows:
        inference = "" if r["inference_cycles"] is None else r["inference_cycles"]
        print(f"{r['core']:<15}{r['app']:<28}{r['timing']:<14}{inference:>11}"
              f"{r['instructions']:>14}{r['cycles']:>14}{r['cpi']:>7.2f}{r['mips']:>7.0f}")
    print(f"timing_overhead={overhead:.2f}")
    return 0


def print_cores(as_json: bool) -> int:
    rows = [with_speed(model_row(board, kernels)) for board in CORE_BOARDS
            for kernels in ("optimized", "reference")]
    if as_json:
        print(json.dumps({"rows": rows}))
        return 0
    print(f"{'core':<15}{'model':<40}{'cycles':>10}{'instructions':>14}{'CPI':>7}")
    for r in rows:
        print(f"{r['core']:<15}{r['app']:<40}{r['cycles']:>10}{r['instructions']:>14}"
              f"{r['cpi']:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench timing"))
