"""Models per board, as MLonMCU tabulates them (`lab bench models`, bench/models.py):
cycles and instructions per inference, flash, RAM and tensor arena, with the runtime's
reference and optimized kernels, for each model on each board.

Each (model, board, kernels) is one model_runner build with the model linked into
flash, as deployed. The lab writes one seeded random input, runs it once to warm what
a first run warms (the nRF52840's flash cache) and measures the second run:
  - cycles: model_runner's own count (DWT CYCCNT, or SysTick on cores without DWT)
    under the board's timing model, i.e. what `lab model run --platform` prints;
  - instructions: the engine's exact count between the firmware's two reads of its
    cycle counter (so CPI = cycles / instructions over the same span);
  - flash, RAM: the image's load size and static RAM (data + bss, the arena buffer
    included) from its linker map (lab.footprint); arena: what the runtime plans.
Every run's outputs must equal TFLite Micro's for the same input. The build compiles
the optimized kernels for every core (lab builds use them by default); on cores without
the DSP extension their primitives are plain C, so the table marks those rows.

Boards by default: one per timing class (core and its timing options, wait states of
flash and RAM, flash cache) among the boards whose firmware runs model_runner; boards of one class give
the same cycles.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from . import platforms
from .build import APPS_DIR, app_spec, missing_for
from .errors import LabError
from .platforms import ROOT, Platform

KERNELS = {"reference": ("LABRT_OPTIMIZED=0",), "optimized": ()}   # build defines
MODELS_DIR = ROOT / "models"
RUNNER = "model_runner"
SEED = 18


# ------------------------------------------------------------------ what to run

def committed_models() -> dict[str, Path]:
    """name -> int8 .tflite of the models committed under models/ (their card.json)."""
    found = {}
    for card in sorted(MODELS_DIR.glob("*/card.json")):
        try:
            entry = json.loads(card.read_text())["models"]["int8"]
            found[card.parent.name] = card.parent / entry["file"]
        except (OSError, ValueError, KeyError, TypeError):
            continue       # not a model card the lab can use
    return found


def resolve_model(name_or_path: str, builders: dict | None = None) -> Path:
    """A .tflite file, the name of a committed model, or a name in `builders` (name ->
    a function that makes the .tflite and returns its path)."""
    path = Path(name_or_path)
    if path.suffix == ".tflite":
        if not path.is_file():
            raise LabError(f"{name_or_path}: no such file")
        return path
    committed, builders = committed_models(), builders or {}
    if name_or_path in committed:
        return committed[name_or_path]
    if name_or_path in builders:
        return builders[name_or_path]()
    raise LabError(f"unknown model {name_or_path!r}: give a .tflite file or one of "
                   f"{', '.join([*committed, *builders])}")


def timing_class(platform: Platform) -> tuple:
    """What decides a board's cycles for code in flash and data in RAM: the core, its
    timing table with the part's options (the M0+'s multiplier), wait states, cache."""
    table = json.dumps(platform.cpu.timing, sort_keys=True, default=str)
    waits = tuple(platform.region(name).wait_states for name in ("flash", "ram"))
    cache = tuple(sorted(platform.icache.items())) if platform.icache else ()
    return platform.cpu.core, table, waits, cache


def runs_model_runner(platform: Platform) -> bool:
    return "embedded" in platform.engines and platform.build.get("board") is not None and \
        not missing_for(app_spec(APPS_DIR / RUNNER), platform)


def default_platforms() -> list[Platform]:
    """One board per timing class, among the boards that run model_runner: the board
    named after its SoC if the class has one, else the first by name."""
    classes: dict[tuple, list[Platform]] = {}
    for name in platforms.available():
        platform = platforms.load(name)
        if runs_model_runner(platform):
            classes.setdefault(timing_class(platform), []).append(platform)
    chosen = [min(boards, key=lambda p: (p.name != p.soc, p.name)) for boards in classes.values()]
    return sorted(chosen, key=lambda p: (p.cpu.core, p.name))


def load_platforms(names, timing: str | None = None) -> list[Platform]:
    """The boards named (each must run model_runner), or the default ones; `timing`
    replaces their timing mode."""
    if not names:
        chosen = default_platforms()
        return [platforms.load(p.name, timing) for p in chosen] if timing else chosen
    loaded = [platforms.load(name, timing) for name in names]
    for platform in loaded:
        if not runs_model_runner(platform):
            missing = missing_for(app_spec(APPS_DIR / RUNNER), platform)
            raise LabError(f"{platform.name} cannot run {RUNNER} (its firmware lacks "
                           f"{', '.join(missing) or 'a build for the embedded engine'})")
    return loaded


def random_inputs(path: Path, count: int, seed: int = SEED) -> list[list[np.ndarray]]:
    """`count` sets of seeded random values for the model's inputs (their full range)."""
    from .runtime import HostModel

    infos = HostModel(Path(path).read_bytes()).inputs
    rng = np.random.default_rng(seed)
    sets = []
    for _ in range(count):
        arrays = []
        for info in infos:
            if np.issubdtype(info.dtype, np.integer):
                limits = np.iinfo(info.dtype)
                arrays.append(rng.integers(limits.min, limits.max + 1, size=info.shape,
                                           dtype=np.int64).astype(info.dtype))
            else:
                arrays.append(rng.normal(size=info.shape).astype(info.dtype))
        sets.append(arrays)
    return sets


def tflm_outputs(path: Path, input_sets) -> list[list[np.ndarray]]:
    """TFLite Micro's output 0 for each input set (its Python interpreter)."""
    from tflite_micro.python.tflite_micro import runtime

    interpreter = runtime.Interpreter.from_bytes(Path(path).read_bytes())
    results = []
    for inputs in input_sets:
        for i, x in enumerate(inputs):
            interpreter.set_input(x, i)
        interpreter.invoke()
        results.append([interpreter.get_output(0).copy()])
    return results


# ------------------------------------------------------------------ measuring

class CycleCounterReads:
    """Each firmware read of its cycle counter (DWT CYCCNT, or SysTick's current value
    on cores without DWT), with the engine's exact instruction count at that
    instruction: [(value read, instructions executed)]."""

    def __init__(self, machine):
        self.machine = machine
        self.reads: list[tuple[int, int]] = []
        for register in (machine.dwt.regs["CYCCNT"], machine.scs.regs["SYST_CVR"]):
            register.on_read = self._recorder(register.on_read)

    def _recorder(self, read):
        def on_read() -> int:
            value = read()
            self.reads.append((value, self.machine.instructions()))
            return value
        return on_read

    def take(self) -> list[tuple[int, int]]:
        reads, self.reads = self.reads, []
        return reads


@dataclass
class Measurement:
    model: str
    board: str
    core: str
    kernels: str
    dsp: bool              # the core has the DSP extension (the optimized kernels use it)
    cycles: int            # per inference (model_runner's count, the board's timing)
    instructions: int      # executed over the same span
    flash: int             # bytes: the image's load size (code, constants, model, data)
    ram: int               # bytes: static data + bss (the arena buffer included)
    arena: int             # bytes the runtime plans in the arena
    model_flash: int       # bytes of flash the model itself takes
    clock_hz: int
    outputs: list = field(default_factory=list, repr=False)

    @property
    def cpi(self) -> float:
        return self.cycles / self.instructions

    @property
    def milliseconds(self) -> float:
        return 1000.0 * self.cycles / self.clock_hz

    def to_dict(self) -> dict:
        row = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "outputs"}
        return {**row, "cpi": round(self.cpi, 4), "ms": round(self.milliseconds, 4)}


def measure(name: str, path: Path, platform: Platform, kernels: str, inputs) -> Measurement:
    """One model_runner build of `path` on `platform` with `kernels`: the second of two
    inferences on `inputs`."""
    from .model_firmware import FirmwareModel

    firmware = FirmwareModel(path, platform, in_flash=True, defines=KERNELS[kernels])
    try:
        counter = CycleCounterReads(firmware.session.machine)
        firmware.invoke(inputs)          # warms the flash cache, as any first run does
        counter.take()
        result = firmware.invoke(inputs)
        reads = counter.take()
        if len(reads) < 2:
            raise LabError(f"{RUNNER} on {platform.name} read its cycle counter {len(reads)} "
                           "times around an inference, expected 2")
        footprint = firmware.footprint
        return Measurement(name, platform.name, platform.cpu.core, kernels,
                           platform.cpu.profile.dsp, result.cycles,
                           reads[-1][1] - reads[0][1], footprint.flash_total,
                           footprint.ram_total, firmware.arena, footprint.flash.get("model", 0),
                           platform.cpu.clock_hz, result.outputs)
    finally:
        firmware.close()


def bench(models: dict[str, Path], boards: list[Platform], progress=None) -> dict:
    """Every model on every board with each of its kernels: the JSON object of
    `lab bench models --json` (docs/timing.md)."""
    rows: list[Measurement] = []
    skipped = []
    for name, path in models.items():
        inputs = random_inputs(path, 1)[0]
        expected = tflm_outputs(path, [inputs])[0]
        for platform in boards:
            for kernels in KERNELS:
                try:
                    row = measure(name, path, platform, kernels, inputs)
                except LabError as error:      # e.g. the model does not fit the board
                    skipped.append({"model": name, "board": platform.name,
                                    "kernels": kernels, "reason": str(error)})
                    continue
                if any(got.tobytes() != want.tobytes() for got, want in
                       zip(row.outputs[:1], expected)):
                    raise LabError(f"{name} on {platform.name} ({kernels} kernels): the "
                                   "output differs from TFLite Micro's")
                rows.append(row)
                if progress:
                    progress(row)
    return {"seed": SEED, "inference": "the second of two on one seeded random input",
            "models": [{"name": n, "path": str(p), "bytes": p.stat().st_size}
                       for n, p in models.items()],
            "platforms": [{"board": p.name, "core": p.cpu.core, "soc": p.soc,
                           "clock_hz": p.cpu.clock_hz, "dsp": p.cpu.profile.dsp,
                           "timing": p.timing} for p in boards],
            "rows": [row.to_dict() for row in rows], "skipped": skipped,
            "outputs_equal_tflm": True,
            "optimized_speedup": speedups(rows)}


def speedups(rows: list[Measurement]) -> dict[str, float]:
    """Per board with both kernel sets: the geometric mean over models of reference
    cycles / optimized cycles."""
    cycles = {(r.board, r.model, r.kernels): r.cycles for r in rows}
    ratios: dict[str, list[float]] = {}
    for (board, model, kernels), optimized in cycles.items():
        if kernels == "optimized":
            ratios.setdefault(board, []).append(cycles[board, model, "reference"] / optimized)
    return {board: round(math.exp(sum(map(math.log, r)) / len(r)), 4)
            for board, r in ratios.items()}


# ------------------------------------------------------------------ printing

COLUMNS = (("model", "<14"), ("board", "<16"), ("core", "<15"), ("kernels", "<11"),
           ("cycles", ">12"), ("instructions", ">13"), ("CPI", ">6"), ("ms", ">9"),
           ("flash B", ">9"), ("RAM B", ">8"), ("arena B", ">8"))


def table(result: dict) -> list[str]:
    """The rows as text ("-" where a build or run failed, its reason below the table),
    and the summary line last."""
    lines = ["".join(f"{title:{fmt}}" for title, fmt in COLUMNS)]
    measured = {(r["model"], r["board"], r["kernels"]): r for r in result["rows"]}
    for model in result["models"]:
        for board in result["platforms"]:
            for kernels in KERNELS:
                row = measured.get((model["name"], board["board"], kernels))
                marked = kernels + ("" if board["dsp"] or kernels == "reference" else "*")
                cells = [model["name"], board["board"], board["core"], marked]
                if row is None:
                    cells += ["-"] * 7
                else:
                    cells += [f"{row['cycles']:,}", f"{row['instructions']:,}",
                              f"{row['cpi']:.2f}", f"{row['ms']:.3f}", f"{row['flash']:,}",
                              f"{row['ram']:,}", f"{row['arena']:,}"]
                lines.append("".join(f"{cell:{fmt}}" for cell, (_, fmt) in zip(cells, COLUMNS)))
    if not all(board["dsp"] for board in result["platforms"]):
        lines.append("* a core without the DSP extension: the optimized kernels' primitives "
                     "in plain C")
    lines += [f"- {s['model']} on {s['board']} ({s['kernels']}): {s['reason']}"
              for s in result["skipped"]]
    speedup = result["optimized_speedup"]
    lines.append(" ".join(f"optimized_speedup_{board}={ratio:.2f}"
                          for board, ratio in speedup.items()) or "optimized_speedup=-")
    return lines
