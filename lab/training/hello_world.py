"""hello_world: a small network that learns y = sin(x) on [0, 2pi] (TFLite Micro's first example).

Training data are noisy samples (y = sin x + N(0, 0.1)), as in TFLite Micro's
notebook; the model is judged by its mean and its largest absolute error against
the true sine on a dense grid over [0, 2pi] (the firmware drives an LED with
(y + 1) / 2, so the largest error, halved, is how far the LED strays).

TFLite Micro's 1 -> 16 -> 16 -> 1 network has a mean error of 0.035 as int8 but
strays up to 0.14; three hidden layers of 32 with a cosine-decaying learning
rate, quantized with the whole [0, 2pi] grid as the representative set (so 2pi
itself does not saturate the int8 input), stay within about 0.04.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from lab.training import common

NOISE = 0.1
GRID = np.linspace(0.0, 2 * np.pi, 1000, dtype=np.float32)
HIDDEN = (32, 32, 32)
LEARNING_RATE = 0.01         # Adam, cosine decay to 1 % of it over the training
BATCH = 64


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
    x = inputs
    for units in HIDDEN:
        x = keras.layers.Dense(units, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(1)(x))


def train(tf, data, epochs: int):
    keras = tf.keras
    model = build(keras)
    steps = epochs * -(-len(data["training"][0]) // BATCH)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="mse", metrics=["mae"])
    model.fit(*data["training"], validation_data=data["validation"], epochs=epochs,
              batch_size=BATCH, verbose=0, shuffle=True)
    return model


def grid_errors(micro: common.MicroModel) -> np.ndarray:
    """|y - sin x| on the 1000-point grid over [0, 2pi]."""
    return np.abs(micro.run(GRID.reshape(-1, 1)).reshape(-1) - np.sin(GRID))


def grid_mae(micro: common.MicroModel) -> float:
    return float(np.mean(grid_errors(micro)))


def main(args) -> int:
    started = time.monotonic()
    common.seed_everything(args.seed)
    out = Path(args.out or "models/hello_world")
    data = make_data(args.seed, 400 if args.quick else 3000)
    trained = train(common.tensorflow(), data, 40 if args.quick else 600)
    float_bytes, int8_bytes, ops, float_model, int8_model = common.to_tflite(
        build, trained, GRID.reshape(-1, 1), "hello_world")
    errors = {"float": grid_errors(float_model), "int8": grid_errors(int8_model)}
    mae = {k: float(np.mean(e)) for k, e in errors.items()}
    worst = {k: float(np.max(e)) for k, e in errors.items()}
    x_test, y_test = data["testing"]
    test_mae = float(np.mean(np.abs(int8_model.run(x_test.reshape(-1, 1)).reshape(-1) - np.sin(x_test))))
    print(f"hello_world |y - sin x| on [0, 2pi] (TFLite Micro): mean float {mae['float']:.4f}, "
          f"int8 {mae['int8']:.4f}; largest float {worst['float']:.4f}, int8 {worst['int8']:.4f} "
          f"(x = {GRID[np.argmax(errors['int8'])]:.3f}); int8 test split mean {test_mae:.4f}")
    card = {
        "name": "hello_world",
        "description": "y = sin(x) regression, 1 -> " + " -> ".join(str(u) for u in HIDDEN)
                       + " -> 1 fully connected, ReLU",
        "models": {"int8": common.write_model(out, "hello_world.tflite", int8_bytes),
                   "float": common.write_model(out, "sine_float.tflite", float_bytes)},
        "ops": ops, "arena_bytes": int8_model.arena_bytes(),
        "arena_bytes_float": float_model.arena_bytes(),
        "inputs": [dict(int8_model.input, name="x", range=[0.0, 2 * np.pi],
                        quantize="q = clamp(round_half_away(x / scale) + zero_point, -128, 127)")],
        "outputs": [dict(int8_model.output, name="y", dequantize="y = (q - zero_point) * scale")],
        "accuracy": {"metric": "mean absolute error against sin(x), 1000 points on [0, 2pi]",
                     "float": round(mae["float"], 5), "int8": round(mae["int8"], 5),
                     "max_abs_error": {"float": round(worst["float"], 5),
                                       "int8": round(worst["int8"], 5),
                                       "int8_at_x": round(float(GRID[np.argmax(errors["int8"])]), 4),
                                       "led_error_bound": round(worst["int8"] / 2, 5)},
                     "int8_test_split": round(test_mae, 5), "evaluated_with": "tflite-micro"},
        "training": {"hidden_units": list(HIDDEN), "optimizer": "adam",
                     "learning_rate": f"{LEARNING_RATE} cosine decay to 1 %", "batch": BATCH,
                     "representative_set": "the 1000-point grid on [0, 2pi]"},
        "dataset": {"samples": {k: len(v[0]) for k, v in data.items()},
                    "noise_std": NOISE, "sha256": common.sha256(
                        b"".join(a.tobytes() for pair in data.values() for a in pair))},
        **common.provenance(args, started),
    }
    common.write_card(out, card)
    print(f"wrote {out}/hello_world.tflite ({len(int8_bytes)} B), sine_float.tflite "
          f"({len(float_bytes)} B), card.json")
    return 0
