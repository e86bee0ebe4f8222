"""What the runtime tests measured, printed at the end of the run."""
from __future__ import annotations

comparisons: dict[str, int] = {}           # model -> outputs compared with TFLM
bit_exact_float: dict[str, bool] = {}      # float model -> every output bit-identical
# model -> (ours, planned, persistent, tflm total, tflm head)
arenas: dict[str, tuple[int, int, int, int, int]] = {}
fuzz_runs: tuple[int, int] | None = None  # (executions, seconds)


def summary_lines() -> list[str]:
    lines = []
    if comparisons:
        lines.append(f"runtime oracle: {sum(comparisons.values())} inference comparisons with "
                     f"TFLite Micro over {len(comparisons)} models")
        exact = [name for name, same in bit_exact_float.items() if same]
        if bit_exact_float:
            lines.append(f"runtime oracle: float models bit-identical to TFLM: "
                         f"{len(exact)}/{len(bit_exact_float)}")
    if fuzz_runs:
        lines.append(f"runtime fuzz: {fuzz_runs[0]} executions in {fuzz_runs[1]} s, no crash")
    if arenas:
        lines.append("runtime arena (bytes): model, ours (activations, tables), "
                     "TFLM total (head)")
        for name, (ours, planned, persistent, tflm, head) in sorted(arenas.items()):
            lines.append(f"  {name:36s} {ours:7d} ({planned}, {persistent})"
                         f"  {tflm:7d} ({head})")
    return lines
