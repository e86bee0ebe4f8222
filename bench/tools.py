"""What the embedded engineer's tools cost (lab/debug): wall time of the same run plain,
in slices (as --uart/--vcd/--gdb run it), under a debug target continuing, with a VCD and
with a trace recorder; GDB single-steps per second. Counts are checked equal; times are
printed, never asserted.
Last line: `plain_mips=A sliced_mips=B debug_mips=C vcd_mips=D trace_mips=E steps_per_s=F`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import platforms  # noqa: E402
from lab.build import build  # noqa: E402
from lab.debug.target import DebugTarget  # noqa: E402
from lab.debug.tools import run_sliced  # noqa: E402
from lab.debug.trace import TraceRecorder, _default_model  # noqa: E402
from lab.debug.waveforms import WaveformRecorder  # noqa: E402
from lab.engines.embedded.session import Session  # noqa: E402
from lab.cli import guarded  # noqa: E402

REPEATS = 3


def timed(platform, elf, app, seconds, how) -> tuple[tuple[int, int], float]:
    """((instructions, cycles), wall seconds) of one run of `seconds` virtual seconds."""
    session = Session(platform, elf, app=app)
    try:
        started = time.perf_counter()
        how(session, seconds)
        wall = time.perf_counter() - started
        return (session.machine.instructions(), session.machine.active_cycles()), wall
    finally:
        session.close()


def plain(session, seconds):
    session.run(seconds)


def sliced(session, seconds):
    run_sliced(session, session.machine.cycles(seconds))


def debugged(session, seconds):
    target = DebugTarget(session, session.machine.cycles(seconds))
    target.add_breakpoint(0x10)           # a breakpoint that is never hit
    while target.run_slice(session.machine.cycles(0.01)) is None:
        pass
    target.close()


def with_vcd(session, seconds):
    with tempfile.TemporaryDirectory() as folder:
        recorder = WaveformRecorder(session, Path(folder) / "run.vcd")
        session.run(seconds)
        recorder.close()


def with_trace(session, seconds):
    with tempfile.TemporaryDirectory() as folder:
        recorder = TraceRecorder(session, Path(folder) / "trace.json",
                                 _default_model(session.app))
        session.run(seconds)
        recorder.close()


def steps_per_second(platform, elf, steps: int = 500) -> float:
    session = Session(platform, elf)
    target = DebugTarget(session, session.machine.cycles(10.0))
    try:
        started = time.perf_counter()
        for _ in range(steps):
            target.step()
        return steps / (time.perf_counter() - started)
    finally:
        target.close()
        session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="micro_speech", help="app to run (default micro_speech)")
    parser.add_argument("--seconds", type=float, default=2.0, help="virtual seconds per run")
    args = parser.parse_args()
    platform = platforms.load("nrf52840")
    elf = build(args.app, platform).elf
    figures = {}
    counts = set()
    for name, how in (("plain", plain), ("sliced", sliced), ("debug", debugged),
                      ("vcd", with_vcd), ("trace", with_trace)):
        runs = [timed(platform, elf, args.app, args.seconds, how) for _ in range(REPEATS)]
        counts.update(n for n, _ in runs)
        wall = statistics.median(w for _, w in runs)
        instructions, cycles = runs[0][0]
        figures[name] = instructions / wall / 1e6
        print(f"{name:>7}: {instructions} instructions, {cycles} cycles in {wall:.2f} wall s "
              f"({figures[name]:.1f} MIPS, median of {REPEATS})")
    if len(counts) != 1:
        print(f"counts differ between the ways of running: {sorted(counts)}")
        return 1
    steps = steps_per_second(platform, elf)
    print(f"GDB stepi: {steps:.0f} steps/s")
    print(" ".join(f"{k}_mips={v:.1f}" for k, v in figures.items()) + f" steps_per_s={steps:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench tools"))
