"""Where the cycles go: the native block histogram, summed per function (ELF symbols)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path


def functions(blocks, firmware) -> list[tuple[str, int, int]]:
    """[(function, cycles, block executions)], most cycles first, from the native block
    histogram [(pc, executions, cycles)]. Code outside every sized function symbol (hand-
    written assembly without `.size`) is named after the symbol before it."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for pc, count, cycles in blocks:
        name = firmware.function_at(pc) or firmware.label_before(pc)
        totals[name][0] += cycles
        totals[name][1] += count
    return sorted(((name, c, n) for name, (c, n) in totals.items()), key=lambda r: -r[1])


def format_table(rows, total_cycles: int, top: int | None = None) -> str:
    lines = [f"{'function':<40}{'cycles':>14}{'share':>8}{'blocks run':>14}"]
    for name, cycles, count in rows[:top]:
        share = cycles / total_cycles if total_cycles else 0.0
        lines.append(f"{name[:39]:<40}{cycles:>14}{share:>8.1%}{count:>14}")
    return "\n".join(lines)


def write_profile(rows, path: str | Path) -> None:
    total = sum(c for _, c, _ in rows)
    Path(path).write_text(format_table(rows, total) + "\n")
