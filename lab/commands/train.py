"""`lab train`: train the example models and write .tflite files with JSON cards."""
from __future__ import annotations

import importlib

from lab.errors import LabError

from .arguments import existing_folder, non_negative_int, output_folder

MODELS = ("hello_world", "micro_speech", "magic_wand")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train an example model (TensorFlow) and write .tflite + card.json",
        description="Train an example model with TensorFlow, convert it to float and full-int8 "
                    ".tflite, evaluate the int8 model in TFLite Micro's interpreter and write a "
                    "JSON card next to it.")
    parser.add_argument("model", choices=MODELS, help="which example model")
    parser.add_argument("--data", type=existing_folder, default=None,
                        help="data set directory (micro_speech: Speech Commands layout; "
                             "magic_wand: `lab data gestures` output). Default: generate one")
    parser.add_argument("--out", type=output_folder, default=None,
                        help="output directory (default models/<model>)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny data set and few epochs: an end-to-end check in about a minute")
    parser.add_argument("--seed", type=non_negative_int, default=1,
                        help="random seed (default 1)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if args.data is not None and args.model == "hello_world":
        raise LabError("hello_world makes its own sine data; --data does not apply")
    module = importlib.import_module(f"lab.training.{args.model}")
    return module.main(args)
