"""Where the cycles go: the native block histogram, summed per function (ELF symbols)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path


def functions(session) -> list[tuple[str, int, int]]:
    """[(function, cycles, block executions)], most cycles first."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pc, count, cycles in session.machine.core.read_profile():
        name = session.firmware.function_at(pc) or f"0x{pc:08X}"
        totals[name][0] += cycles
        totals[name][1] += count
    return sorted(((name, c, n) for name, (c, n) in totals.items()), key=lambda r: -r[1])


def format_table(rows, total_cycles: int, top: int | None = None) -> str:
    lines = [f"{'function':<40}{'cycles':>14}{'share':>8}{'blocks run':>14}"]
    for name, cycles, count in rows[:top]:
        share = cycles / total_cycles if total_cycles else 0.0
        lines.append(f"{name[:39]:<40}{cycles:>14}{share:>8.1%}{count:>14}")
    return "\n".join(lines)


def write_profile(session, path: str | Path) -> None:
    rows = functions(session)
    total = sum(c for _, c, _ in rows)
    Path(path).write_text(format_table(rows, total) + "\n")
