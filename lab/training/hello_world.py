"""hello_world: a small network that learns y = sin(x) on [0, 2pi] (TFLite Micro's first example).

Training data are noisy samples (y = sin x + N(0, 0.1)), as in TFLite Micro's
notebook; the model is judged by its mean absolute error against the true sine
on a dense grid over [0, 2pi].
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from lab.training import common

NOISE = 0.1
GRID = np.linspace(0.0, 2 * np.pi, 1000, dtype=np.float32)


def make_data(seed: int, count: int):
    """(x, y) split 60/20/20 into training, validation and testing."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2 * np.pi, count).astype(np.float32)
    y = (np.sin(x) + NOISE * rng.standard_normal(count)).astype(np.float32)
    cut = [int(count * 0.6), int(count * 0.8)]
    return {"training": (x[:cut[0]], y[:cut[0]]), "validation": (x[cut[0]:cut[1]], y[cut[0]:cut[1]]),
            "testing": (x[cut[1]:], y[cut[1]:])}


def build(keras, batch_size=None):
    inputs = keras.Input((1,), batch_size=batch_size)
    x = keras.layers.Dense(16, activation="relu")(inputs)
    x = keras.layers.Dense(16, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def train(tf, data, epochs: int):
    model = build(tf.keras)
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    decay = tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=20, min_lr=1e-4)
    model.fit(*data["training"], validation_data=data["validation"], epochs=epochs,
              batch_size=64, verbose=0, shuffle=True, callbacks=[decay])
    return model


def grid_mae(micro: common.MicroModel) -> float:
    predicted = micro.run(GRID.reshape(-1, 1)).reshape(-1)
    return float(np.mean(np.abs(predicted - np.sin(GRID))))


def main(args) -> int:
    started = time.monotonic()
    tf = common.seed_everything(args.seed)
    out = Path(args.out or "models/hello_world")
    data = make_data(args.seed, 400 if args.quick else 3000)
    trained = train(tf, data, 40 if args.quick else 600)
    fixed = build(tf.keras, batch_size=1)
    fixed.set_weights(trained.get_weights())
    float_bytes = common.convert(fixed)
    int8_bytes = common.convert(fixed, representative=GRID[::10].reshape(-1, 1))
    ops = common.check_supported_ops(int8_bytes, "hello_world")
    float_model, int8_model = common.MicroModel(float_bytes), common.MicroModel(int8_bytes)
    mae = {"float": grid_mae(float_model), "int8": grid_mae(int8_model)}
    x_test, y_test = data["testing"]
    test_mae = float(np.mean(np.abs(int8_model.run(x_test.reshape(-1, 1)).reshape(-1) - np.sin(x_test))))
    print(f"hello_world MAE vs sin(x) on [0, 2pi]: float {mae['float']:.4f}, int8 {mae['int8']:.4f} "
          f"(TFLite Micro); int8 test split {test_mae:.4f}")
    card = {
        "name": "hello_world",
        "description": "y = sin(x) regression, 1 -> 16 -> 16 -> 1 fully connected, ReLU",
        "models": {"int8": common.write_model(out, "hello_world.tflite", int8_bytes),
                   "float": common.write_model(out, "sine_float.tflite", float_bytes)},
        "ops": ops, "arena_bytes": int8_model.arena_bytes(),
        "arena_bytes_float": float_model.arena_bytes(),
        "inputs": [dict(int8_model.input, name="x", range=[0.0, 2 * np.pi],
                        quantize="q = clamp(round_half_away(x / scale) + zero_point, -128, 127)")],
        "outputs": [dict(int8_model.output, name="y", dequantize="y = (q - zero_point) * scale")],
        "accuracy": {"metric": "mean absolute error against sin(x), 1000 points on [0, 2pi]",
                     "float": round(mae["float"], 5), "int8": round(mae["int8"], 5),
                     "int8_test_split": round(test_mae, 5), "evaluated_with": "tflite-micro"},
        "dataset": {"samples": {k: len(v[0]) for k, v in data.items()},
                    "noise_std": NOISE, "sha256": common.sha256(
                        b"".join(a.tobytes() for pair in data.values() for a in pair))},
        "seed": args.seed, "quick": bool(args.quick),
        "training_command": common.training_command(args),
        "training_seconds": round(time.monotonic() - started, 1),
        "versions": common.versions(),
    }
    common.write_card(out, card)
    print(f"wrote {out}/hello_world.tflite ({len(int8_bytes)} B), sine_float.tflite "
          f"({len(float_bytes)} B), card.json")
    return 0
