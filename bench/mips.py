"""Engine speed: emulated MIPS of the embedded engine against QEMU.

The same int8 multiply-accumulate loop (bench/firmware/mac_loop, ~410-460 M
instructions, so start-up costs are amortised) runs
  - as nRF52840 firmware on the embedded engine, with exact instruction counting and
    the whole system and board model on;
  - as firmware of each `--platform` board (default mps2-an386) on the embedded engine,
    and under `qemu-system-arm -M <machine>` (whole process timed) where QEMU has the
    board: mps2-an385 (M3), mps2-an386 (M4F), mps2-an500 (M7), mps2-an505 (M33);
    generic-m0plus runs on the embedded engine only.
QEMU does not count instructions, so the count of the very same ELF comes from the
embedded engine. Each side runs three times; the median is reported.
Last line: `embedded_mips=X qemu_mips=Y ratio=Z` (the nRF52840 against QEMU on the
first `--platform` board that QEMU has).
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
from lab.cli import guarded  # noqa: E402

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


def board_rows(name: str) -> tuple[dict, str]:
    """The mac loop of one board: on the embedded engine, and on QEMU if it has the board."""
    platform = platforms.load(name)
    elf = build(str(APP), platform).elf
    instructions, embedded_wall, result = run_embedded(name)
    row = {"platform": name, "core": platform.cpu.core, "instructions": instructions,
           "embedded_wall_s": embedded_wall, "qemu_wall_s": None}
    if platform.qemu.get("machine"):
        qemu_runs = [run_qemu(elf, platform) for _ in range(REPEATS)]
        if {r for _, r in qemu_runs} != {result}:
            raise SystemExit(f"the engines disagree on the loop's result on {name}")
        row["qemu_wall_s"] = statistics.median(wall for wall, _ in qemu_runs)
    return row, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--platform", action="append", choices=platforms.available(),
                        metavar="BOARD", help="a board to run the same loop on, embedded "
                        "and QEMU (repeatable; default mps2-an386)")
    args = parser.parse_args()
    if not shutil.which("qemu-system-arm"):
        raise SystemExit("qemu-system-arm not found: run `make setup`")
    embedded = [run_embedded("nrf52840") for _ in range(REPEATS)]
    instructions, _, embedded_result = embedded[0]
    embedded_wall = statistics.median(wall for _, wall, _ in embedded)
    embedded_mips = instructions / embedded_wall / 1e6

    rows = []
    for name in args.platform or ["mps2-an386"]:
        row, result = board_rows(name)
        if result != embedded_result:
            raise SystemExit(f"the loop's result on {name} differs from the nRF52840's")
        rows.append(row)
    compared = next((r for r in rows if r["qemu_wall_s"]), None)
    if compared is None:
        raise SystemExit("no --platform board that QEMU has: add e.g. --platform mps2-an386")
    qemu_mips = compared["instructions"] / compared["qemu_wall_s"] / 1e6

    if args.json:
        print(json.dumps({"instructions": instructions, "embedded_wall_s": embedded_wall,
                          "embedded_mips": embedded_mips, "qemu_platform": compared["platform"],
                          "qemu_wall_s": compared["qemu_wall_s"], "qemu_mips": qemu_mips,
                          "ratio": embedded_mips / qemu_mips, "boards": rows}))
        return 0
    print(f"{'run':<48}{'instructions':>14}{'wall s':>9}{'MIPS':>8}")
    print(f"{'embedded engine, nrf52840 (full model)':<48}{instructions:>14}"
          f"{embedded_wall:>9.3f}{embedded_mips:>8.0f}")
    for r in rows:
        label = f"embedded engine, {r['platform']} ({r['core']})"
        print(f"{label:<48}{r['instructions']:>14}{r['embedded_wall_s']:>9.3f}"
              f"{r['instructions'] / r['embedded_wall_s'] / 1e6:>8.0f}")
        if r["qemu_wall_s"]:
            label = f"qemu-system-arm -M {r['platform']} (process)"
            print(f"{label:<48}{r['instructions']:>14}{r['qemu_wall_s']:>9.3f}"
                  f"{r['instructions'] / r['qemu_wall_s'] / 1e6:>8.0f}")
    print(f"embedded_mips={embedded_mips:.0f} qemu_mips={qemu_mips:.0f} "
          f"ratio={embedded_mips / qemu_mips:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench mips"))
