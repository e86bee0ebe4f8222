"""What the optimized-kernel tests measured, printed at the end of the run."""
from __future__ import annotations

# where -> (models, input sets, output tensors compared byte for byte)
comparisons: dict[str, list[int]] = {}
# model -> {"reference": cycles, "optimized": cycles} per inference on the nRF52840
cycles: dict[str, dict[str, int]] = {}
# model -> (reference arena, optimized arena) in bytes
arenas: dict[str, tuple[int, int]] = {}
fuzz_runs: tuple[int, int] | None = None


def count(where: str, inputs: int, outputs: int, new_model: bool = True) -> None:
    entry = comparisons.setdefault(where, [0, 0, 0])
    entry[0] += int(new_model)
    entry[1] += inputs
    entry[2] += outputs


def summary_lines() -> list[str]:
    lines = []
    for where, (models, inputs, outputs) in sorted(comparisons.items()):
        lines.append(f"optimized kernels, {where}: {outputs} outputs byte-exact "
                     f"({inputs} input sets over {models} models)")
    if arenas:
        extra = [opt - ref for ref, opt in arenas.values()]
        lines.append(f"optimized kernels: arena {min(extra):+d}..{max(extra):+d} bytes against "
                     f"the reference ({len(arenas)} models)")
    for name, by_variant in sorted(cycles.items()):
        ref, opt = by_variant.get("reference"), by_variant.get("optimized")
        if ref and opt:
            lines.append(f"optimized kernels, nRF52840 cycles per inference, {name}: "
                         f"reference {ref}, optimized {opt} ({ref / opt:.1f}x)")
    if fuzz_runs:
        lines.append(f"optimized kernels fuzz: {fuzz_runs[0]} executions in {fuzz_runs[1]} s, "
                     f"no crash")
    return lines
