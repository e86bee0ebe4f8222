"""Kernels on the MLPerf Tiny shapes: the runtime's reference and optimized kernels
inside model_runner firmware on the virtual nRF52840.

Five int8 models, built with TensorFlow by this file from seeded weights (never
downloaded) and cached in .cache/kernels/:
  ds_cnn        keyword spotting DS-CNN: 49x10x1 MFCC, CONV 64 (10x4, s2), 4 x (DW 3x3 +
                PW 64), AVERAGE_POOL 25x5, FC 12, SOFTMAX
  mobilenet     visual wake words MobileNetV1 0.25 on 96x96x3: CONV 8 (3x3, s2), 13 x (DW 3x3
                s1/s2 + PW 16..256), AVERAGE_POOL 3x3, FC 2, SOFTMAX
  micro_speech  CONV 8 (10x8, s2) on 49x40x1, FC 4000 -> 4, SOFTMAX
  autoencoder   anomaly detection: FC 640 -> 4 x 128 -> 8 -> 4 x 128 -> 640
  resnet8       image classification: 32x32x3, CONV 16, three residual stacks (16, 32, 64
                channels, ADD), AVERAGE_POOL 8x8, FC 10, SOFTMAX
`--size small` gives smaller models of the same kinds of layers (for the tests).

Each model runs, with its weights in flash, in one firmware build per variant
(`LABRT_OPTIMIZED=0` and the default optimized build). Printed per model: instructions
and cycles per inference (cycles are DWT CYCCNT as the engine counts them), the same
per op type (model_runner's `profile`: the runtime's op hook), the arena each build
needs and the largest scratch buffer the optimized kernels plan into it; and a check
that every output equals TFLite Micro's (`tflite-micro`). Instructions are counted by
the engine at each CYCCNT read, so they are exact whatever the timing model.

`--json` prints one object; `--compare OLD.json` adds the instructions of an earlier
`--json` run (say, before a change) to the tables.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import inspect
import io
import json
import os
import sys
import warnings
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lab import platforms  # noqa: E402
from lab.errors import LabError  # noqa: E402
# shared with bench/models.py
from lab.model_bench import KERNELS as VARIANTS, CycleCounterReads, random_inputs  # noqa: E402,F401
from lab.model_bench import tflm_outputs  # noqa: E402,F401
from lab.model_firmware import FirmwareModel  # noqa: E402
from lab.profile import format_table  # noqa: E402
from lab.cli import guarded  # noqa: E402

CACHE = ROOT / ".cache" / "kernels"
SIZES = ("full", "small")
SEED = 18


# ---------------------------------------------------------------- models (TensorFlow)

def _tf():
    import tensorflow

    tensorflow.get_logger().setLevel("ERROR")
    return tensorflow


def ds_cnn(L, small: bool):
    """MLPerf Tiny keyword spotting: DS-CNN with 64-channel depthwise-separable blocks."""
    x = inp = L.Input((49, 10, 1), batch_size=1)
    channels, blocks = (16, 2) if small else (64, 4)
    x = L.Conv2D(channels, (10, 4), strides=2, padding="same", activation="relu")(x)
    for _ in range(blocks):
        x = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
        x = L.Conv2D(channels, 1, activation="relu")(x)
    x = L.AveragePooling2D(pool_size=(x.shape[1], x.shape[2]))(x)
    return inp, L.Softmax()(L.Dense(12)(L.Flatten()(x)))


def mobilenet(L, small: bool):
    """MLPerf Tiny visual wake words: MobileNetV1, width 0.25, 96x96 RGB."""
    size = 32 if small else 96
    x = inp = L.Input((size, size, 3), batch_size=1)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    plan = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2)] + [(128, 1)] * 5 + \
           [(256, 2), (256, 1)]
    if small:
        plan = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1)]
    for channels, stride in plan:
        x = L.DepthwiseConv2D(3, strides=stride, padding="same", activation="relu")(x)
        x = L.Conv2D(channels, 1, activation="relu")(x)
    x = L.AveragePooling2D(pool_size=(x.shape[1], x.shape[2]))(x)
    return inp, L.Softmax()(L.Dense(2)(L.Flatten()(x)))


def micro_speech(L, small: bool):
    """TFLM's micro_speech: CONV 8 (10x8, stride 2) on 49x40, FC 4, SOFTMAX."""
    x = inp = L.Input((49, 20 if small else 40, 1), batch_size=1)
    x = L.Conv2D(8, (10, 8), strides=2, padding="same", activation="relu")(x)
    return inp, L.Softmax()(L.Dense(4)(L.Flatten()(x)))


def autoencoder(L, small: bool):
    """MLPerf Tiny anomaly detection: fully connected 640 -> 128 x 4 -> 8 -> 128 x 4 -> 640."""
    width, depth = (160, 32) if small else (640, 128)
    x = inp = L.Input((width,), batch_size=1)
    for units in [depth] * 4 + [8] + [depth] * 4:
        x = L.Dense(units, activation="relu")(x)
    return inp, L.Dense(width)(x)


def resnet8(L, small: bool):
    """MLPerf Tiny image classification: ResNet-8, 32x32 RGB, residual ADDs."""
    size, width = (16, 8) if small else (32, 16)
    x = inp = L.Input((size, size, 3), batch_size=1)
    x = L.Conv2D(width, 3, padding="same", activation="relu")(x)
    for channels, stride in ((width, 1), (2 * width, 2), (4 * width, 2)):
        y = L.Conv2D(channels, 3, strides=stride, padding="same", activation="relu")(x)
        y = L.Conv2D(channels, 3, padding="same")(y)
        if stride > 1:
            x = L.Conv2D(channels, 1, strides=stride)(x)
        x = L.ReLU()(L.Add()([x, y]))
    x = L.AveragePooling2D(pool_size=(x.shape[1], x.shape[2]))(x)
    return inp, L.Softmax()(L.Dense(10)(L.Flatten()(x)))


MODELS = {"ds_cnn": ds_cnn, "mobilenet": mobilenet, "micro_speech": micro_speech,
          "autoencoder": autoencoder, "resnet8": resnet8}


def _calibrate(keras_model, seed: int) -> None:
    """Random weights as a trained network has them: each layer's kernel scaled so
    that its outputs have unit spread on random inputs (deep stacks of random layers
    otherwise blow up or die out), and small random biases."""
    T = _tf()
    rng = np.random.default_rng(seed)
    shape = (8,) + tuple(keras_model.inputs[0].shape)[1:]
    sample = rng.normal(size=shape).astype(np.float32)
    for layer in keras_model.layers:
        weights = layer.get_weights()
        if len(weights) != 2:
            continue
        kernel, bias = weights
        probe = T.keras.Model(keras_model.inputs[0], layer.output)
        spread = float(np.std(probe(sample).numpy())) or 1.0
        bias = rng.normal(scale=0.1, size=bias.shape).astype(np.float32)
        layer.set_weights([kernel / spread, bias])


def _convert(keras_model, seed: int) -> bytes:
    """Full-int8 .tflite (int8 input and output), calibrated on seeded random data."""
    T = _tf()
    shape = tuple(keras_model.inputs[0].shape)
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(32):
            yield [rng.normal(size=shape).astype(np.float32)]
    converter = T.lite.TFLiteConverter.from_keras_model(keras_model)
    converter.optimizations = [T.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [T.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = T.int8
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return converter.convert()


def model_path(name: str, size: str = "full") -> Path:
    """The .tflite of a model, built on first use and cached (keyed by its builder's
    source, so editing a model rebuilds it)."""
    if name not in MODELS:
        raise LabError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    builder = MODELS[name]
    key = hashlib.sha256(f"{SEED} {size} {inspect.getsource(builder)}".encode()).hexdigest()
    path = CACHE / f"{name}-{size}-{key[:12]}.tflite"
    if not path.exists():
        T = _tf()
        T.keras.utils.set_random_seed(SEED)
        inp, out = builder(T.keras.layers, size == "small")
        keras_model = T.keras.Model(inp, out)
        _calibrate(keras_model, SEED)
        data = _convert(keras_model, SEED)
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path


# ---------------------------------------------------------------- measuring

@dataclass
class OpCost:
    index: int
    name: str
    instructions: int
    cycles: int


@dataclass
class Measurement:
    variant: str
    instructions: int                 # per inference (the median input set's)
    cycles: int
    arena: int                        # bytes model_runner's arena must have
    largest_scratch: int              # bytes, the largest scratch buffer planned
    ops: list[OpCost] = field(default_factory=list)

    def per_type(self) -> dict[str, list[int]]:
        """op type -> [ops, instructions, cycles]."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for op in self.ops:
            row = totals[op.name]
            row[0] += 1
            row[1] += op.instructions
            row[2] += op.cycles
        return dict(totals)


def _elapsed(first: tuple[int, int], last: tuple[int, int]) -> tuple[int, int]:
    """(instructions, cycles) between two CYCCNT reads."""
    return last[1] - first[1], (last[0] - first[0]) & 0xFFFFFFFF


def measure(path: Path, variant: str, input_sets, board, functions: int = 0,
            in_flash: bool = True):
    """(Measurement, outputs per input set) of one firmware build running `path` (its
    weights in flash, or loaded into RAM: one build for all models); with `functions`,
    the cycles of that many of the busiest functions are printed (the engine's block
    profile over the first inference, lab.profile)."""
    firmware = FirmwareModel(path, board, in_flash=in_flash, defines=VARIANTS[variant])
    try:
        counter = CycleCounterReads(firmware.session.machine)
        if functions:
            firmware.session.enable_profile()
            firmware.invoke(input_sets[0])
            rows = firmware.session.profile()
            print(f"{path.stem} {variant}, one inference (and model_runner's wait):")
            print(format_table(rows, sum(r[1] for r in rows), functions))
        outputs, instructions, cycles_per_set = [], [], []
        for inputs in input_sets:
            counter.take()
            result = firmware.invoke(inputs)
            reads = counter.take()
            if len(reads) != 2:
                raise LabError(f"expected 2 CYCCNT reads around an inference, saw {len(reads)}")
            count, cycles = _elapsed(*reads)
            if cycles != result.cycles:
                raise LabError(f"model_runner reported {result.cycles} cycles, the engine "
                               f"counted {cycles}")
            outputs.append(result.outputs)
            instructions.append(count)
            cycles_per_set.append(cycles)
        _, ops = firmware.profile(input_sets[0])
        reads = counter.take()[1:-1]   # without the reads around the whole inference
        if len(reads) != 2 * len(ops):
            raise LabError(f"expected two CYCCNT reads per op, saw {len(reads)} for {len(ops)}")
        costs = []
        for op, before, after in zip(ops, reads[0::2], reads[1::2]):
            count, cycles = _elapsed(before, after)
            costs.append(OpCost(op.index, op.name, count, cycles))
        middle = sorted(range(len(input_sets)), key=lambda k: instructions[k])[
            (len(input_sets) - 1) // 2]     # data-dependent branches: the median input set
        return Measurement(variant, instructions[middle], cycles_per_set[middle], firmware.arena,
                           firmware.largest_scratch, costs), outputs
    finally:
        firmware.close()


def bench_model(name: str, size: str, inputs: int, board, functions: int = 0) -> dict:
    path = model_path(name, size)
    input_sets = random_inputs(path, inputs)
    expected = tflm_outputs(path, input_sets)
    result = {"model": name, "size": size, "model_bytes": path.stat().st_size}
    for variant in VARIANTS:
        measurement, outputs = measure(path, variant, input_sets, board, functions)
        for k, (want, got) in enumerate(zip(expected, outputs)):
            if want[0].tobytes() != got[0].tobytes():
                raise LabError(f"{name}: the {variant} kernels differ from TFLite Micro on "
                               f"input set {k}")
        result[variant] = asdict(measurement)
        result[variant]["per_type"] = measurement.per_type()
    result["bit_exact_inputs"] = inputs
    return result


# ---------------------------------------------------------------- printing

def _m(count: int) -> str:
    return f"{count / 1e6:.3f} M" if count >= 100_000 else f"{count:,}"


def _change(new: int, old: int) -> str:
    return f"{(new - old) / old:+.1%}" if old else ""


def report(result: dict, before: dict | None) -> list[str]:
    ref, opt = result["reference"], result["optimized"]
    old = (before or {}).get("optimized")
    lines = [f"{result['model']} ({result['size']}, {result['model_bytes']:,} B): outputs equal "
             f"TFLite Micro's on {result['bit_exact_inputs']} inputs, both variants",
             f"  arena: reference {ref['arena']:,} B, optimized {opt['arena']:,} B "
             f"(largest scratch {opt['largest_scratch']:,} B; bound "
             f"{ref['arena'] + opt['largest_scratch']:,} B)"]
    header = f"  {'op type':<22}{'reference':>14}{'optimized':>14}{'cycles':>14}{'x':>7}"
    if old:
        header += f"{'before':>14}{'change':>9}"
    lines.append(header)
    types = sorted(opt["per_type"], key=lambda t: -ref["per_type"][t][1])
    rows = [(f"{t} ({opt['per_type'][t][0]})", ref["per_type"][t][1], opt["per_type"][t][1],
             opt["per_type"][t][2], (old or {}).get("per_type", {}).get(t, [0, 0])[1])
            for t in types]
    rows.append(("inference", ref["instructions"], opt["instructions"], opt["cycles"],
                 (old or {}).get("instructions", 0)))
    for label, r, o, c, b in rows:
        line = f"  {label:<22}{_m(r):>14}{_m(o):>14}{_m(c):>14}{r / o:>6.1f}x"
        if old:
            line += f"{_m(b):>14}{_change(o, b):>9}"
        lines.append(line)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS),
                        help=f"comma-separated, from: {', '.join(MODELS)}")
    parser.add_argument("--size", choices=SIZES, default="full")
    parser.add_argument("--inputs", type=int, default=3,
                        help="random input sets checked against TFLite Micro (default 3)")
    parser.add_argument("--compare", type=Path, help="an earlier --json output to compare with")
    parser.add_argument("--functions", type=int, default=0, metavar="N",
                        help="also print the N busiest functions of each build")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    names = [n.strip() for n in args.models.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODELS]
    if unknown or args.inputs < 1:
        parser.error(f"unknown model {unknown[0]!r}" if unknown else "--inputs must be >= 1")
    before = {}
    if args.compare:
        before = {r["model"]: r for r in json.loads(args.compare.read_text())["models"]}
    board = platforms.load("nrf52840")
    results = []
    for name in names:
        results.append(bench_model(name, args.size, args.inputs, board, args.functions))
        if not args.json:
            print("\n".join(report(results[-1], before.get(name))) + "\n", flush=True)
    if args.json:
        print(json.dumps({"board": "nrf52840", "models": results}))
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench kernels"))
