"""What the three training pipelines share: seeding, conversion, TFLite Micro
evaluation, op checks, arena measurement, confusion matrices and model cards.

TensorFlow is imported inside functions so that `lab --help` stays fast.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lab.errors import LabError

# The project's own runtime implements exactly these builtin operators.
SUPPORTED_OPS = frozenset({
    "FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D",
    "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE", "ADD", "MUL", "LOGISTIC", "TANH", "RELU",
    "RELU6", "MEAN", "PAD", "CONCATENATION"})


def tensorflow():
    """Import TensorFlow quietly (its C++ logging goes to stderr otherwise)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf
    except ImportError as error:
        raise LabError("training needs TensorFlow: pip install -e '.[ml]'") from error
    tf.get_logger().setLevel("ERROR")
    return tf


def seed_everything(seed: int):
    """Seed Python, NumPy and TensorFlow and ask TF for deterministic kernels."""
    tf = tensorflow()
    random.seed(seed)
    np.random.seed(seed)
    tf.keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return tf


@contextlib.contextmanager
def captured_output():
    """Collect what C++ code writes to fds 1 and 2 (TFLite prints there)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        text = []
        try:
            yield text
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            text.append(sink.read().decode(errors="replace"))


# ------------------------------------------------------------ conversion

def convert(model, representative=None) -> bytes:
    """Keras model -> .tflite bytes: float, or full int8 (int8 in and out) when
    a representative dataset (an iterable of input arrays) is given."""
    tf = tensorflow()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if representative is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([np.asarray(x, np.float32)[None]]
                                                    for x in representative)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    with captured_output() as log:
        try:
            return converter.convert()
        except Exception as error:       # the converter raises many kinds; report one line
            failure = error
    raise LabError(f"TFLite conversion failed: {failure}\n{log[0][-2000:]}")


def operator_names(model_bytes: bytes) -> list[str]:
    """Builtin operator of every op in the model's first subgraph, in order."""
    from tensorflow.lite.python import schema_py_generated as schema
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    model = schema.Model.GetRootAs(model_bytes, 0)
    codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
    graph = model.Subgraphs(0)
    ops = []
    for i in range(graph.OperatorsLength()):
        code = codes[graph.Operators(i).OpcodeIndex()]
        ops.append(names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())])
    return ops


def check_supported_ops(model_bytes: bytes, name: str) -> list[str]:
    ops = operator_names(model_bytes)
    unsupported = sorted(set(ops) - SUPPORTED_OPS)
    if unsupported:
        raise LabError(f"{name} uses ops the lab's runtime lacks: {', '.join(unsupported)}")
    return ops


# ------------------------------------------------------------ training loop

def fit_keeping_best(model, epoch_data, validate, epochs: int, learning_rate, batch_size: int):
    """Train one epoch at a time on fresh data from `epoch_data()` (augmentation
    differs every epoch), and keep the weights that `validate(model)` likes best.

    `validate(model)` returns (merit, text): merits compare with `>` (numbers or
    tuples), text is printed. `learning_rate(epoch)` gives each epoch's rate.
    Returns the best merit.
    """
    best_merit, best_weights = None, None
    for epoch in range(epochs):
        model.optimizer.learning_rate.assign(learning_rate(epoch))
        x, y = epoch_data()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
        merit, text = validate(model)
        print(f"  epoch {epoch + 1:3d}/{epochs}: {text}", flush=True)
        if best_merit is None or merit > best_merit:
            best_merit, best_weights = merit, model.get_weights()
    model.set_weights(best_weights)
    return best_merit


def accuracy_on(x_validation, y_validation):
    """A `validate` for fit_keeping_best: plain accuracy on a fixed validation set."""
    def validate(model):
        predicted = np.argmax(model.predict(x_validation, verbose=0), axis=1)
        accuracy = float(np.mean(predicted == y_validation))
        return accuracy, f"validation accuracy {accuracy:.3f}"
    return validate


def in_streams(rng, items: list, per_stream: int, stream):
    """One epoch of stream windows: `items` shuffled, chained `per_stream` at a time,
    stream(group) -> (x, y) for each chain; all concatenated."""
    order = rng.permutation(len(items))
    xs, ys = [], []
    for first in range(0, len(order), per_stream):
        x, y = stream([items[i] for i in order[first:first + per_stream]])
        xs.append(x)
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def streaming_judge(stream_accuracy, x_windows, y_windows, what: str):
    """A `validate` for fit_keeping_best: stream_accuracy(model) -> (accuracy, note)
    first (how the firmware would do on laid-out validation data), then plain
    window accuracy."""
    def validate(model):
        streamed, note = stream_accuracy(model)
        predicted = np.argmax(model.predict(x_windows, verbose=0, batch_size=512), axis=1)
        windows = float(np.mean(predicted == y_windows))
        return ((streamed, windows),
                f"validation: {what} {streamed:.3f}{note}, single windows {windows:.3f}")
    return validate


def splits_of(items: list, split_of, names, root) -> dict:
    """{split name: its items}, refusing an empty split."""
    split = {name: [item for item in items if split_of(item) == name] for name in names}
    for name, members in split.items():
        if not members:
            raise LabError(f"{root}: the {name} split is empty")
    return split


def dataset_card(args, root: Path, counts: dict) -> dict:
    from lab.data.common import dataset_hash
    return {"path": str(args.data) if args.data else "generated", "sha256": dataset_hash(root),
            **counts, "generator": generator_of(root)}


def to_tflite(build, trained, representative, name: str):
    """The trained Keras model rebuilt with batch 1, converted to float and full-int8
    .tflite, ops checked against the runtime, both loaded in TFLite Micro.
    Returns (float_bytes, int8_bytes, ops, float MicroModel, int8 MicroModel)."""
    fixed = build(tensorflow().keras, batch_size=1)
    fixed.set_weights(trained.get_weights())
    float_bytes, int8_bytes = convert(fixed), convert(fixed, representative)
    ops = check_supported_ops(int8_bytes, name)
    return float_bytes, int8_bytes, ops, MicroModel(float_bytes), MicroModel(int8_bytes)


# ------------------------------------------------------------ TFLite Micro

class MicroModel:
    """A .tflite model run by TFLite Micro's own interpreter (the oracle)."""

    def __init__(self, model_bytes: bytes):
        try:
            from tflite_micro.python.tflite_micro import runtime
        except ImportError as error:
            raise LabError("evaluation needs TFLite Micro: pip install -e '.[ml]'") from error
        self.model_bytes = model_bytes
        self.interpreter = runtime.Interpreter.from_bytes(model_bytes)
        self.input = _tensor_details(self.interpreter.get_input_details(0))
        self.output = _tensor_details(self.interpreter.get_output_details(0))

    def quantize_input(self, values: np.ndarray) -> np.ndarray:
        """Real values -> the input tensor's type, rounding half away from zero
        (as TFLite's QUANTIZE op does)."""
        if self.input["dtype"] != "int8":
            return values.astype(np.float32)
        scaled = values / self.input["scale"]
        q = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) + self.input["zero_point"]
        return np.clip(q, -128, 127).astype(np.int8)

    def run(self, batch: np.ndarray) -> np.ndarray:
        """Real-valued inputs (n, ...) -> real-valued outputs (n, ...), one invoke each."""
        shape = self.input["shape"]
        outputs = []
        for example in batch:
            self.interpreter.set_input(self.quantize_input(example).reshape(shape), 0)
            self.interpreter.invoke()
            raw = self.interpreter.get_output(0).astype(np.float32)
            if self.output["dtype"] == "int8":
                raw = (raw - self.output["zero_point"]) * self.output["scale"]
            outputs.append(raw.reshape(-1))
        return np.array(outputs)

    def arena_bytes(self) -> int:
        """Arena bytes TFLite Micro's recording allocator reports for this model
        (host build, 64-bit pointers: an upper bound for a 32-bit MCU)."""
        with captured_output() as log:
            self.interpreter.print_allocations()
        match = re.search(r"Arena allocation total (\d+) bytes", log[0])
        if not match:
            raise LabError("TFLite Micro did not report its arena allocation")
        return int(match.group(1))


def _tensor_details(details: dict) -> dict:
    quantization = details.get("quantization_parameters", {})
    scales = quantization.get("scales", np.array([]))
    zero_points = quantization.get("zero_points", np.array([]))
    return {"shape": [int(d) for d in details["shape"]],
            "dtype": np.dtype(details["dtype"]).name,
            "scale": float(scales[0]) if len(scales) else None,
            "zero_point": int(zero_points[0]) if len(zero_points) else None}


# ------------------------------------------------------------ reporting

def confusion_matrix(truth, predicted, classes: int) -> np.ndarray:
    matrix = np.zeros((classes, classes), dtype=int)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


def format_confusion(matrix: np.ndarray, labels) -> str:
    width = max(8, max(len(label) for label in labels) + 1)
    lines = ["truth \\ predicted".ljust(width + 2) + "".join(label.rjust(width) for label in labels)]
    for label, row in zip(labels, matrix):
        lines.append(label.ljust(width + 2) + "".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_model(out: Path, filename: str, model_bytes: bytes) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    (out / filename).write_bytes(model_bytes)
    return {"file": filename, "bytes": len(model_bytes), "sha256": sha256(model_bytes)}


def write_card(out: Path, card: dict) -> Path:
    path = out / "card.json"
    path.write_text(json.dumps(card, indent=2) + "\n")
    return path


def versions() -> dict:
    from importlib.metadata import version
    return {name: version(name) for name in ("tensorflow", "tflite-micro", "numpy")}


def training_command(args) -> str:
    """The command that remakes the artefacts (a --data path is a placeholder
    when it was generated on the fly)."""
    parts = ["lab", "train", args.model]
    if args.data:
        parts += ["--data", str(args.data)]
    if args.out:
        parts += ["--out", str(args.out)]
    if args.quick:
        parts.append("--quick")
    parts += ["--seed", str(args.seed)]
    return " ".join(parts)


def provenance(args, started: float) -> dict:
    """The card's last fields: how to remake it and what made it."""
    return {"seed": args.seed, "quick": bool(args.quick),
            "training_command": training_command(args),
            "training_seconds": round(time.monotonic() - started, 1),
            "versions": versions()}


def generator_of(root: Path) -> str:
    """The `lab data` command recorded in a generated set's info.json ('' if none)."""
    info = Path(root) / "info.json"
    return json.loads(info.read_text()).get("generator", "") if info.exists() else ""


def train_on_dataset(args, generate, size: int, what: str, train_and_report) -> int:
    """`lab train` for a model with a data set: seed everything, use --data or generate
    `size` examples (generate(dir, size, seed)) in a temporary directory, then
    train_and_report(tf, args, root, started)."""
    started = time.monotonic()
    tf = seed_everything(args.seed)
    with tempfile.TemporaryDirectory(prefix="lab-train-") as tmp:
        root = Path(args.data) if args.data else Path(tmp)
        if not args.data:
            print(f"generating {what} ({size}, seed {args.seed}) in {root}")
            generate(root, size, args.seed)
        return train_and_report(tf, args, root, started)
