"""Snapshots: size, save and restore time of a machine, and what a unit of micro_speech
costs from reset and from the units' shared snapshot (one process, the same clips).

Prints figures only (wall time is never asserted); the last line is
`snapshot_bytes=N save_ms=X restore_ms=Y unit_speedup=Z`.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import platforms, units  # noqa: E402
from lab.build import build  # noqa: E402
from lab.engines.embedded.session import Session  # noqa: E402
from lab.runner import plan_inputs  # noqa: E402
from lab.cli import guarded  # noqa: E402

CLIPS = 6


def main() -> int:
    board = platforms.load("nrf52840")
    elf = build("micro_speech", board).elf
    clip = sorted((ROOT / "data" / "test" / "speech" / "yes").glob("*.wav"))[0]
    plan = plan_inputs("micro_speech", audio=clip)
    session = Session(board, elf, app="micro_speech", audio=plan.audio)
    session.run(2.5)
    started = time.perf_counter()
    data = session.save_snapshot()
    save_s = time.perf_counter() - started
    fresh = Session(board, elf, app="micro_speech")
    started = time.perf_counter()
    fresh.load_snapshot(data)
    restore_s = time.perf_counter() - started
    print(f"micro_speech listening at {session.machine.seconds():.3f} virtual s: snapshot "
          f"{len(data)} bytes, save {save_s * 1e3:.1f} ms, restore {restore_s * 1e3:.1f} ms "
          "(restore into a machine already made)")
    session.close()
    fresh.close()

    firmware = units.Firmware("nrf52840", "micro_speech", elf.read_bytes(), 0.0)
    started = time.perf_counter()
    shared = units.with_snapshot(firmware)
    shared_s = time.perf_counter() - started
    planned = units.plan_units("micro_speech")
    picked = planned[::max(1, len(planned) // CLIPS)][:CLIPS]
    timings = {}
    for name, fw in (("from reset", firmware), ("from snapshot", shared)):
        started = time.perf_counter()
        results = [units.run_unit(fw, unit)[0] for unit in picked]
        timings[name] = time.perf_counter() - started
        print(f"{len(picked)} units {name}: {timings[name]:.2f} s wall, "
              f"{sum(r['virtual_s'] for r in results):.2f} virtual s")
    print(f"the shared snapshot took {shared_s:.2f} s to make (once per evaluation)")
    speedup = timings["from reset"] / timings["from snapshot"]
    print(f"snapshot_bytes={len(data)} save_ms={save_s * 1e3:.1f} "
          f"restore_ms={restore_s * 1e3:.1f} unit_speedup={speedup:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench snapshot"))
