"""Models per board: cycles and instructions per inference, flash, RAM and arena,
with the reference and the optimized kernels (MLonMCU's result tables).

    lab bench models [--platform BOARD ...] [--json] [--timing instructions] MODEL...

MODEL: a .tflite file, a committed model (hello_world, magic_wand, micro_speech) or an
MLPerf Tiny shape of bench/kernels.py (ds_cnn, mobilenet, micro_speech_conv,
autoencoder, resnet8; built with TensorFlow on first use, `--size small` for the
tests' sizes). Boards: by default one per timing class (lab.model_bench). Both kernel
sets on every core (on cores without the DSP extension the optimized kernels'
primitives are plain C, marked `*`). What is measured
and the JSON object: lab/model_bench.py and docs/timing.md. Last line:
`optimized_speedup_<board>=<reference cycles / optimized cycles>` (geometric mean
over the models) for each board with both kernel sets.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab import model_bench, platforms  # noqa: E402
from lab.model_bench import committed_models  # noqa: E402
from lab.commands.arguments import LabParser, platform_name  # noqa: E402
from lab.errors import LabError  # noqa: E402
from lab.cli import guarded  # noqa: E402

# bench/kernels.py's MLPerf Tiny shapes; its micro_speech is a 4000-wide FC variant,
# named apart from the committed micro_speech model
MLPERF = {"ds_cnn": "ds_cnn", "mobilenet": "mobilenet", "micro_speech_conv": "micro_speech",
          "autoencoder": "autoencoder", "resnet8": "resnet8"}


def builders(size: str) -> dict:
    """name -> a function that builds that MLPerf Tiny shape (bench/kernels.py)."""
    def builder(name):
        def build() -> Path:
            import kernels      # bench/kernels.py, beside this file (TensorFlow)
            return kernels.model_path(MLPERF[name], size)
        return build
    return {name: builder(name) for name in MLPERF}


def model_argument(text: str) -> str:
    """A .tflite that exists or a name the lab knows (checked before any build)."""
    import argparse

    try:
        if text not in MLPERF:
            model_bench.resolve_model(text, builders("full"))
    except LabError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def main() -> int:
    parser = LabParser(prog="lab bench models",
                       description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("models", nargs="+", type=model_argument, metavar="MODEL",
                        help=f"a .tflite file, a committed model ({', '.join(committed_models())})"
                             f" or an MLPerf Tiny shape ({', '.join(MLPERF)})")
    parser.add_argument("--platform", "-p", dest="platforms", action="append",
                        type=platform_name, metavar="BOARD",
                        help="a board to run on (repeat it; default: one per timing class)")
    parser.add_argument("--timing", choices=platforms.TIMING_MODES,
                        help="cycles: the core's timing model (boards' default); "
                             "instructions: one cycle per instruction, as Renode counts")
    parser.add_argument("--size", choices=("full", "small"), default="full",
                        help="size of the MLPerf Tiny shapes (default full)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    models = {}
    for argument in dict.fromkeys(args.models):
        path = model_bench.resolve_model(argument, builders(args.size))
        # a file is named by its stem, as the committed models are (the path is in the JSON)
        name = Path(argument).stem if argument.endswith(".tflite") else argument
        models[name if name not in models else argument] = path
    boards = model_bench.load_platforms(args.platforms or [], args.timing)
    if not args.json:
        print(f"boards: {', '.join(f'{p.name} ({p.cpu.core})' for p in boards)}; cycles of "
              "the second of two inferences on one seeded random input", flush=True)
    result = model_bench.bench(models, boards)
    if args.json:
        print(json.dumps(result))
        return 0
    lines = model_bench.table(result)
    lines.insert(-1, "every output equals TFLite Micro's for the same input")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(guarded(main, "lab bench models"))
