"""Engine speed: emulated MIPS of the embedded engine against QEMU.

The same int8 multiply-accumulate loop (bench/firmware/mac_loop, ~410-460 M
instructions, so start-up costs are amortised) runs
  - as nRF52840 firmware on the embedded engine, with exact instruction counting and
    the whole system and board model on;
  - as MPS2-AN386 firmware under `qemu-system-arm -M mps2-an386` (whole process timed).
QEMU does not count instructions, so the count of the very same MPS2 ELF comes from
the embedded engine. Each side runs three times; the median is reported.
Last line: `embedded_mips=X qemu_mips=Y ratio=Z`.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import platforms  # noqa: E402
from lab.build import build  # noqa: E402
from lab.engines import qemu  # noqa: E402
from lab.engines.embedded.session import Session  # noqa: E402

APP = ROOT / "bench" / "firmware" / "mac_loop"
REPEATS = 3


def run_embedded(platform_name: str) -> tuple[int, float, str]:
    """(instructions, wall seconds of the run, the firmware's result line)."""
    platform = platforms.load(platform_name)
    elf = build(str(APP), platform).elf
    session = Session(platform, elf, app="mac_loop")
    try:
        session.run(120.0)
        result = session.result()
    finally:
        session.close()
    if result.end != "done":
        raise SystemExit(f"mac_loop did not finish on {platform_name}: {result.end}")
    line = next(e for e in result.events if e["event"] == "mac")
    return result.instructions, result.wall_s, f"{line['result']}"


def run_qemu(elf: Path, platform) -> tuple[float, str]:
    command = [a for a in qemu.command(platform, elf)]
    # timing QEMU at full speed: without -icount (which slows it down)
    at = command.index("-icount")
    del command[at:at + 2]
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    wall = time.monotonic() - started
    if proc.returncode != 0 or "@lab done" not in proc.stdout:
        raise SystemExit(f"QEMU run failed: {proc.stderr.strip() or proc.stdout.strip()}")
    result = proc.stdout.split("result=")[1].split()[0]
    return wall, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if not shutil.which("qemu-system-arm"):
        raise SystemExit("qemu-system-arm not found: run `make setup`")
    embedded = [run_embedded("nrf52840") for _ in range(REPEATS)]
    instructions, _, embedded_result = embedded[0]
    embedded_wall = statistics.median(wall for _, wall, _ in embedded)
    embedded_mips = instructions / embedded_wall / 1e6

    mps2 = platforms.load("mps2-an386")
    mps2_elf = build(str(APP), mps2).elf
    mps2_instructions, mps2_embedded_wall, mps2_result = run_embedded("mps2-an386")
    qemu_runs = [run_qemu(mps2_elf, mps2) for _ in range(REPEATS)]
    qemu_wall = statistics.median(wall for wall, _ in qemu_runs)
    qemu_mips = mps2_instructions / qemu_wall / 1e6
    if {r for _, r in qemu_runs} != {mps2_result} or mps2_result != embedded_result:
        raise SystemExit("the engines disagree on the loop's result")

    if args.json:
        print(json.dumps({"instructions": instructions, "embedded_wall_s": embedded_wall,
                          "embedded_mips": embedded_mips, "qemu_wall_s": qemu_wall,
                          "qemu_mips": qemu_mips, "ratio": embedded_mips / qemu_mips}))
        return 0
    print(f"{'run':<42}{'instructions':>14}{'wall s':>9}{'MIPS':>8}")
    print(f"{'embedded engine, nrf52840 (full model)':<42}{instructions:>14}"
          f"{embedded_wall:>9.3f}{embedded_mips:>8.0f}")
    print(f"{'embedded engine, mps2-an386 (same ELF as QEMU)':<42}{mps2_instructions:>14}"
          f"{mps2_embedded_wall:>9.3f}{mps2_instructions / mps2_embedded_wall / 1e6:>8.0f}")
    print(f"{'qemu-system-arm -M mps2-an386 (process)':<42}{mps2_instructions:>14}"
          f"{qemu_wall:>9.3f}{qemu_mips:>8.0f}")
    print(f"embedded_mips={embedded_mips:.0f} qemu_mips={qemu_mips:.0f} "
          f"ratio={embedded_mips / qemu_mips:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
