"""magic_wand: gesture recognition (wing, ring, slope, negative) from accelerometer windows.

The model sees the last 128 samples x 3 axes (x, y, z in g) at 25 Hz, a 5.12 s
window, as TFLite Micro's magic_wand did. The firmware reads the LSM9DS1 at
119 Hz and resamples: window sample k (k = 0 oldest .. 127 newest) is the
linear interpolation of the 119 Hz stream at t_k = t_now - (127 - k) / 25 s.
A window is labelled with a gesture when the whole gesture lies inside it.

Model (TFLite Micro's magic_wand CNN): CONV_2D 8x(4x3) + RELU, MAX_POOL 3x3,
CONV_2D 16x(4x1) + RELU, MAX_POOL 3x1, FULLY_CONNECTED 16 + RELU,
FULLY_CONNECTED 4, SOFTMAX.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from lab.data import gestures
from lab.errors import LabError
from lab.training import common

LABELS = gestures.LABELS
WINDOW = 128
MODEL_HZ = 25.0
WINDOW_S = WINDOW / MODEL_HZ
SENSOR_HZ = gestures.ODR_HZ
WINDOWS_PER_RECORDING = 4          # fresh random windows of each recording per epoch


def model_window(samples_g: np.ndarray, end_s: float) -> np.ndarray:
    """(128, 3) window ending at `end_s`: linear interpolation of the 119 Hz
    stream at 25 Hz; before the first sample, the first sample is held."""
    times = end_s - (WINDOW - 1 - np.arange(WINDOW)) / MODEL_HZ
    stream_times = np.arange(len(samples_g)) / SENSOR_HZ
    return np.column_stack([np.interp(times, stream_times, samples_g[:, axis]) for axis in range(3)])


def window_end_range(row: dict, duration_s: float) -> tuple[float, float]:
    """Window ends for which the whole gesture (or non-gesture motion) is inside."""
    earliest = max(row["end_s"], WINDOW_S)
    latest = min(row["start_s"] + WINDOW_S, duration_s)
    if row["kind"] == "still" or earliest > latest:
        return WINDOW_S, duration_s
    return earliest, latest


def load_recordings(root: Path) -> list[dict]:
    if not (root / "labels.csv").exists():
        raise LabError(f"{root}: no labels.csv; make the set with `lab data gestures`")
    rows = gestures.read_labels(root)
    for row in rows:
        table = gestures.read_csv(root / row["file"])
        row["samples"] = table[:, 1:4]
        row["duration_s"] = len(table) / SENSOR_HZ
        row["label_index"] = LABELS.index(row["label"])
    return rows


def windows(rows: list[dict], rng=None, per_recording: int = 1):
    """Model inputs (n, 128, 3, 1) and labels: random window ends when `rng` is
    given (training), else the middle of the allowed range (evaluation)."""
    x, y = [], []
    for row in rows:
        low, high = window_end_range(row, row["duration_s"])
        ends = rng.uniform(low, high, per_recording) if rng is not None else [(low + high) / 2]
        for end in ends:
            x.append(model_window(row["samples"], end))
            y.append(row["label_index"])
    return np.array(x, dtype=np.float32)[..., None], np.array(y)


def build(keras, batch_size=None):
    inputs = keras.Input((WINDOW, 3, 1), batch_size=batch_size)
    x = keras.layers.Conv2D(8, (4, 3), padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D((3, 3))(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Conv2D(16, (4, 1), padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D((3, 1), padding="same")(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(16, activation="relu")(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Dense(len(LABELS))(x)
    return keras.Model(inputs, keras.layers.Softmax()(x))


def fit(tf, train_rows, validation, seed: int, epochs: int):
    """Adam at 2e-3, then 3e-4 for the last 30 %; fresh random windows every epoch."""
    rng = np.random.default_rng(seed)
    model = build(tf.keras)
    model.compile(optimizer=tf.keras.optimizers.Adam(2e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    def epoch_data():
        x, y = windows(train_rows, rng, WINDOWS_PER_RECORDING)
        order = rng.permutation(len(x))
        return x[order], y[order]

    accuracy = common.fit_keeping_best(
        model, epoch_data, validation, epochs, batch_size=64,
        learning_rate=lambda epoch: 2e-3 if epoch < epochs * 0.7 else 3e-4)
    return model, accuracy


def dataset_for(args, workdir: Path) -> Path:
    if args.data:
        return Path(args.data)
    size = 320 if args.quick else 4000
    print(f"generating a gesture set ({size} recordings, seed {args.seed}) in {workdir}")
    gestures.generate(workdir, size, args.seed)
    return workdir


def main(args) -> int:
    started = time.monotonic()
    tf = common.seed_everything(args.seed)
    with tempfile.TemporaryDirectory(prefix="lab-gestures-") as tmp:
        root = dataset_for(args, Path(tmp))
        return _train_and_report(tf, args, root, started)


def _train_and_report(tf, args, root: Path, started: float) -> int:
    from lab.data.common import dataset_hash
    rows = load_recordings(root)
    split = {s: [r for r in rows if r["split"] == s] for s in ("training", "validation", "testing")}
    for name, members in split.items():
        if not members:
            raise LabError(f"{root}: the {name} split is empty")
    validation, test = windows(split["validation"]), windows(split["testing"])
    print(f"magic_wand: {len(split['training'])} training, {len(split['validation'])} validation, "
          f"{len(split['testing'])} testing recordings from {root}")
    model, validation_accuracy = fit(tf, split["training"], validation, args.seed,
                                     epochs=25 if args.quick else 60)

    fixed = build(tf.keras, batch_size=1)
    fixed.set_weights(model.get_weights())
    representative = windows(split["training"], np.random.default_rng(args.seed), 1)[0][:400]
    float_bytes, int8_bytes = common.convert(fixed), common.convert(fixed, representative)
    ops = common.check_supported_ops(int8_bytes, "magic_wand")
    float_model, int8_model = common.MicroModel(float_bytes), common.MicroModel(int8_bytes)
    float_predicted = np.argmax(float_model.run(test[0]), axis=1)
    int8_predicted = np.argmax(int8_model.run(test[0]), axis=1)
    float_accuracy = float(np.mean(float_predicted == test[1]))
    int8_accuracy = float(np.mean(int8_predicted == test[1]))
    matrix = common.confusion_matrix(test[1], int8_predicted, len(LABELS))
    print(f"test accuracy (TFLite Micro): float {float_accuracy:.4f}, int8 {int8_accuracy:.4f}")
    print("int8 confusion matrix (test split):\n" + common.format_confusion(matrix, LABELS))

    out = Path(args.out or "models/magic_wand")
    card = {
        "name": "magic_wand",
        "description": "gesture CNN (TFLite Micro magic_wand): CONV_2D 8x(4x3) + RELU, MAX_POOL 3x3, "
                       "CONV_2D 16x(4x1) + RELU, MAX_POOL 3x1, FC 16 + RELU, FC 4, SOFTMAX",
        "models": {"int8": common.write_model(out, "magic_wand.tflite", int8_bytes),
                   "float": common.write_model(out, "magic_wand_float.tflite", float_bytes)},
        "ops": ops, "arena_bytes": int8_model.arena_bytes(),
        "labels": list(LABELS),
        "inputs": [dict(int8_model.input, name="acceleration",
                        layout="128 samples (oldest first) x 3 axes (x, y, z), in g",
                        quantize="q = clamp(round_half_away(a_g / scale) + zero_point, -128, 127)")],
        "outputs": [dict(int8_model.output, name="scores", labels=list(LABELS),
                         dequantize="p = (q - zero_point) * scale")],
        "features": {"window_samples": WINDOW, "model_rate_hz": MODEL_HZ, "window_seconds": WINDOW_S,
                     "sensor_rate_hz": SENSOR_HZ, "sensor_full_scale_g": 4.0, "units": "g",
                     "axes": "wand forward +y, right +x, up +z (LSM9DS1 accelerometer axes)",
                     "resampling": "window[k] = linear interpolation of the 119 Hz samples at "
                                   "t_now - (127 - k) / 25 s, k = 0..127 (oldest first)",
                     "positive_window": "the whole gesture lies inside the 5.12 s window"},
        "accuracy": {"split": "testing (users never seen in training)",
                     "float": round(float_accuracy, 4), "int8": round(int8_accuracy, 4),
                     "validation_float_keras": round(validation_accuracy, 4),
                     "evaluated_with": "tflite-micro",
                     "confusion_int8": {"rows_truth_columns_predicted": list(LABELS),
                                        "matrix": matrix.tolist()}},
        "dataset": {"path": str(args.data) if args.data else "generated", "sha256": dataset_hash(root),
                    "recordings": {s: len(m) for s, m in split.items()},
                    "generator": common.generator_of(root)},
        "seed": args.seed, "quick": bool(args.quick),
        "training_command": common.training_command(args),
        "training_seconds": round(time.monotonic() - started, 1),
        "versions": common.versions(),
    }
    common.write_card(out, card)
    print(f"wrote {out}/magic_wand.tflite ({len(int8_bytes)} B, arena {card['arena_bytes']} B) and card.json")
    return 0

