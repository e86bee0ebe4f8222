"""Where the cycles go: the native block histogram, summed per function (ELF symbols)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path


def functions(blocks, firmware) -> list[tuple[str, int, int, int]]:
    """[(function, cycles, instructions, block executions)], most cycles first, from the
    native block histogram [(pc, executions, cycles, instructions)]. Code outside every
    sized function symbol (hand-written assembly without `.size`) is named after the
    symbol before it."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pc, count, cycles, instructions in blocks:
        name = firmware.function_at(pc) or firmware.label_before(pc)
        totals[name][0] += cycles
        totals[name][1] += instructions
        totals[name][2] += count
    return sorted(((name, *sums) for name, sums in totals.items()), key=lambda r: -r[1])


def format_table(rows, total_cycles: int, top: int | None = None) -> str:
    lines = [f"{'function':<40}{'cycles':>12}{'instructions':>14}{'CPI':>6}{'share':>8}"
             f"{'blocks run':>12}"]
    for name, cycles, instructions, count in rows[:top]:
        share = cycles / total_cycles if total_cycles else 0.0
        cpi = cycles / instructions if instructions else 0.0
        lines.append(f"{name[:39]:<40}{cycles:>12}{instructions:>14}{cpi:>6.2f}{share:>8.1%}"
                     f"{count:>12}")
    return "\n".join(lines)


def write_profile(rows, path: str | Path) -> None:
    total = sum(row[1] for row in rows)
    Path(path).write_text(format_table(rows, total) + "\n")
