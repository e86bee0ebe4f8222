"""What the stack watch costs: the same firmware with the engine's stack high-water
tracking on (the default) and off, in one process, alternately.

Workloads: bench/firmware/mac_loop (one tight loop, no calls: the block hook's extra
check only) and micro_speech on silence (front end and model: calls, pushes, interrupts).
Prints MIPS with and without the watch (the fastest of the repeats: the machine may be
shared) and the change.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import platforms  # noqa: E402
from lab.build import build  # noqa: E402
from lab.engines.embedded.session import Session  # noqa: E402
from lab.cli import guarded  # noqa: E402

WORKLOADS = {"mac_loop": (str(ROOT / "bench" / "firmware" / "mac_loop"), 120.0),
             "micro_speech": ("micro_speech", 4.0)}


def run(platform, elf, app: str, seconds: float, watch: bool) -> tuple[int, float, float]:
    """(instructions, wall s, share of blocks that read SP)."""
    session = Session(platform, elf, app=app)
    try:
        core = session.machine.core
        if not watch:
            core.stack_disable()
        session.run(seconds)
        result = session.result()
        share = core.stack_sp_reads() / max(core.state.blocks, 1)
    finally:
        session.close()
    return result.instructions, result.wall_s, share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    platform = platforms.load("nrf52840")
    print(f"{'workload':<14}{'instructions':>14}{'MIPS off':>10}{'MIPS on':>10}{'change':>9}"
          f"{'blocks reading SP':>19}")
    for name, (app, seconds) in WORKLOADS.items():
        elf = build(app, platform).elf
        walls = {True: [], False: []}
        for repeat in range(args.repeats):
            # alternate the order too: the second run of a pair tends to be slower
            for watch in ((False, True) if repeat % 2 == 0 else (True, False)):
                instructions, wall, read_share = run(platform, elf, name, seconds, watch)
                walls[watch].append(wall)
                if watch:
                    share = read_share
        off, on = (instructions / min(walls[w]) / 1e6 for w in (False, True))
        print(f"{name:<14}{instructions:>14}{off:>10.0f}{on:>10.0f}{(on - off) / off:>+9.1%}"
              f"{share:>19.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench stack_watch"))
