"""magic_wand: gesture recognition (wing, ring, slope, negative) from accelerometer windows.

The model sees the last 128 samples x 3 axes (x, y, z in g, the model frame: the board's
y, x, z as TFLite Micro's Arduino example swaps them) at 25 Hz, a 5.12 s window, as TFLite
Micro's magic_wand did. The firmware reads the LSM9DS1 at 119 Hz and resamples: window
sample k (k = 0 oldest .. 127 newest) is the linear interpolation of the 119 Hz stream at
t_k = t_now - (127 - k) / 25 s. Recordings made at 25 Hz reach the 119 Hz sensor as each
sample repeated (zero-order hold), in training as in `lab run`.

Labels follow what the firmware must report in a continuous stream (a window
every 250 ms, a gesture reported once): a window is a gesture when the whole
gesture lies inside it and ended at most RECENT_S ago; a gesture still in
progress, or one that ended more than STALE_S ago, is negative (so a gesture
is not reported again once the firmware's suppression ends, and an incomplete
ring does not look like a wing); the windows in between are left out. Training
windows are cut from streams of chained training recordings, computed as the
firmware computes them (lab.training.wand_streaming), and the epoch kept is
the one that detects best on the validation recordings laid out as `lab run
magic_wand` plays them.

Model: TFLite Micro's magic_wand CNN with twice its widths (its 8/16/16 misses the
unusual styles of some held-out users): CONV_2D 16x(4x3) + RELU, MAX_POOL 3x3,
CONV_2D 32x(4x1) + RELU, MAX_POOL 3x1, FULLY_CONNECTED 32 + RELU,
FULLY_CONNECTED 4, SOFTMAX (0.5 M cycles per inference on the nRF52840 with the
runtime's optimized kernels, 250 ms apart). The firmware's detection rule (threshold,
consecutive inferences) is chosen with the model, on the validation recordings, and
recorded in the card, with the test split's accuracy by the people's drawing style
(lab.data.gestures: two styles held out of training), device and recorder rate.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.data import gestures
from lab.errors import LabError
from lab.sensors.convert import sensor_ticks
from lab.training import common
from lab.training import wand_streaming as streaming

LABELS = gestures.LABELS
NEGATIVE = LABELS.index("negative")
WINDOW = 128
MODEL_HZ = 25.0
WINDOW_S = WINDOW / MODEL_HZ
SENSOR_HZ = gestures.ODR_HZ
RECENT_S = 1.5               # a window is the gesture until it ended this long ago ...
STALE_S = 2.0                # ... and negative once it ended longer ago than this
NEARLY_DONE = 0.85           # a gesture in progress is left out once this share of it is in
STREAM_RECORDINGS = 16       # recordings chained into one training stream
STREAM_GAP_S = (0.3, 2.0)    # the wand held still between them
WINDOWS_PER_RECORDING = (2, 2)   # per epoch: in the gesture's span, anywhere near it
EPOCHS, EPOCHS_QUICK = 60, 25
RULE_THRESHOLDS = tuple(range(128, 240, 8))   # detection rules tried on validation
RULE_CONSECUTIVE = tuple(range(1, 8))
FILTERS, DENSE_UNITS = (16, 32), 32   # twice TFLite Micro's 8, 16 and 16
# Label smoothing keeps the logits small: int8 quantizes them (and so the softmax
# scores the firmware thresholds) finely instead of in a few coarse steps.
LABEL_SMOOTHING = 0.1


def model_window(times: np.ndarray, samples_g: np.ndarray, end_s: float) -> np.ndarray:
    """(128, 3) model-frame window ending at `end_s` of a recording (board axes, any rate):
    what a 119 Hz sensor sees of it (zero-order hold), linearly interpolated at 25 Hz;
    before the first sample, the first sample is held."""
    ticks, held = sensor_ticks(times - times[0], samples_g, SENSOR_HZ)
    at = end_s - (WINDOW - 1 - np.arange(WINDOW)) / MODEL_HZ
    window = np.column_stack([np.interp(at, ticks, held[:, axis]) for axis in range(3)])
    return gestures.model_from_board(window)


def evaluation_end(row: dict) -> float:
    """The window end that judges a recording on its own: the middle of the span in
    which its gesture (or non-gesture motion) counts, RECENT_S / 2 after it ended."""
    return row["end_s"] + RECENT_S / 2


def load_recordings(root: Path) -> list[dict]:
    if not (root / "labels.csv").exists():
        raise LabError(f"{root}: no labels.csv; make the set with `lab data gestures`")
    rows = gestures.read_labels(root)
    for row in rows:
        times, samples = gestures.read_recording(root / row["file"])
        row["times"], row["samples"] = times - times[0], samples
        step = float(np.median(np.diff(times))) if len(times) > 1 else 1 / SENSOR_HZ
        row["duration_s"] = float(times[-1] - times[0]) + step
        row["label_index"] = LABELS.index(row["label"])
    return rows


def windows(rows: list[dict]):
    """Each recording judged on its own: model inputs (n, 128, 3, 1) and labels."""
    x = [model_window(row["times"], row["samples"], evaluation_end(row)) for row in rows]
    return np.array(x, dtype=np.float32)[..., None], np.array([r["label_index"] for r in rows])


def window_label(end_s: float, gestures_in_stream) -> int:
    """The label of the window ending at `end_s` (-1: left out) given the stream's
    gestures [(start_s, end_s, label index)]."""
    positive = []
    for start, end, label in gestures_in_stream:
        if start >= end_s - WINDOW_S and end <= end_s:           # whole gesture inside
            age = end_s - end
            if age <= RECENT_S:
                positive.append(label)
            elif age <= STALE_S:
                return -1
        elif start < end_s < end and (end_s - start) >= NEARLY_DONE * (end - start):
            return -1                                            # all but finished
    if len(positive) > 1:
        return -1
    return positive[0] if positive else NEGATIVE


def laid_out(rows: list[dict]) -> "streaming.Replay":
    """Recordings chained as `lab run magic_wand` plays them, ready to replay."""
    from lab.apps.magic_wand import chain
    return streaming.Replay(*chain([(r["times"], r["samples"], r) for r in rows]))


class Streams:
    """Training recordings chained into streams (the wand still for a random gap
    between them), windows computed as the firmware does at random times."""

    def __init__(self, rows: list[dict], rng):
        self.rows, self.rng = rows, rng

    def epoch(self):
        """Windows (n, 128, 3, 1) in g and labels of this epoch's streams."""
        x, y = common.in_streams(self.rng, self.rows, STREAM_RECORDINGS, self.stream)
        return x[..., None], y

    def stream(self, rows: list[dict]):
        from lab.apps.magic_wand import LEAD_IN_S
        times, values, spans, offset = [np.array([0.0])], [rows[0]["samples"][:1]], [], LEAD_IN_S
        events = []
        for row in rows:
            times.append(row["times"] - row["times"][0] + offset)
            values.append(row["samples"])
            if row["label"] != "negative":
                events.append((offset + row["start_s"], offset + row["end_s"], row["label_index"]))
            spans.append((offset, offset + row["end_s"]))
            offset += row["duration_s"] + self.rng.uniform(*STREAM_GAP_S)
        times, values = np.concatenate(times), np.concatenate(values)
        raw = streaming.sensor_samples(times, values, offset)
        newest_time = streaming.IMU_START_S + (np.arange(len(raw)) + 1) / SENSOR_HZ
        ends = []
        for _, end, _ in events:
            ends += list(self.rng.uniform(end, end + RECENT_S, WINDOWS_PER_RECORDING[0]))
        for low, high in spans:
            ends += list(self.rng.uniform(low, high + STALE_S + 1.0, WINDOWS_PER_RECORDING[1]))
        x, y = [], []
        for end_s in ends:
            received = int(np.searchsorted(newest_time, end_s, side="right"))
            label = window_label(newest_time[received - 1], events) if received >= 2 else -1
            if label >= 0:
                x.append(streaming.firmware_window(raw, received))
                y.append(label)
        return np.array(x, dtype=np.float32), np.array(y)


def build(keras, batch_size=None):
    inputs = keras.Input((WINDOW, 3, 1), batch_size=batch_size)
    x = keras.layers.Conv2D(FILTERS[0], (4, 3), padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPooling2D((3, 3))(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Conv2D(FILTERS[1], (4, 1), padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D((3, 1), padding="same")(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(DENSE_UNITS, activation="relu")(x)
    x = keras.layers.Dropout(0.1)(x)
    x = keras.layers.Dense(len(LABELS))(x)
    return keras.Model(inputs, keras.layers.Softmax()(x))


def detection_validation(x_windows, y_windows, replay):
    """fit_keeping_best's judge: detection accuracy on the laid-out validation
    recordings (float model, the firmware's windows and rule), then window accuracy."""
    def detections(model):
        streamed = replay.float(lambda x: model.predict(x, verbose=0, batch_size=512))
        return streamed["accuracy"], ""
    return common.streaming_judge(detections, x_windows, y_windows, "detections")


GROUP_KEYS = ("style", "device", "rate_hz")


def held_out_report(rows, window_right, streamed) -> dict:
    """{key: {value: {recordings, windows_int8, detections_int8}}} over the test rows by
    style (held-out ones and together), device and recorder rate."""
    detected = {clip["name"]: clip["heard"] or "negative" for clip in streamed["table"]}
    right = [(bool(w), detected.get(row["file"]) == row["label"]) for row, w in zip(rows, window_right)]
    report = {}
    for key in GROUP_KEYS:
        values = sorted({str(row.get(key, "")) for row in rows})
        members = {v: [i for i, row in enumerate(rows) if str(row.get(key, "")) == v] for v in values}
        if key == "style":
            members["held_out"] = [i for i, row in enumerate(rows)
                                   if row.get("style") in gestures.HELD_OUT_STYLES]
        report[f"by_{key}"] = {v: _group(right, m) for v, m in members.items() if m}
    return report


def _group(right, members) -> dict:
    return {"recordings": len(members),
            "windows_int8": round(float(np.mean([right[i][0] for i in members])), 4),
            "detections_int8": round(float(np.mean([right[i][1] for i in members])), 4)}


def choose_rule(replay, labels, scores) -> tuple[dict, float]:
    """The firmware's detection rule (threshold of 255, consecutive inferences) that
    detects best on `replay`; among equals, the one in the middle of a plateau (its
    neighbours do best), so it does not sit on the edge of what the validation set
    happened to contain. `labels`, `scores`: the model's on replay.windows.
    Returns (rule, its accuracy)."""
    accuracy = {(t, c): replay.result(labels, scores, threshold=t, consecutive=c)["accuracy"]
                for t in RULE_THRESHOLDS for c in RULE_CONSECUTIVE}

    def neighbourhood(t, c):
        near = [accuracy[k] for k in ((t - 8, c), (t + 8, c), (t, c - 1), (t, c + 1)) if k in accuracy]
        return sum(near) / len(near)

    best = max(accuracy, key=lambda k: (accuracy[k], neighbourhood(*k)))
    return {"threshold": best[0], "consecutive": best[1]}, accuracy[best]


def fit(tf, train_rows, validate, seed: int, epochs: int):
    """Adam at 2e-3, then 3e-4 for the last 30 %; fresh streams and windows every epoch."""
    rng = np.random.default_rng(seed)
    model = build(tf.keras)
    model.compile(optimizer=tf.keras.optimizers.Adam(2e-3),
                  loss=tf.keras.losses.CategoricalCrossentropy(label_smoothing=LABEL_SMOOTHING))
    streams = Streams(train_rows, rng)

    def epoch_data():
        x, y = streams.epoch()
        order = rng.permutation(len(x))
        return x[order], np.eye(len(LABELS), dtype=np.float32)[y[order]]

    merit = common.fit_keeping_best(
        model, epoch_data, validate, epochs, batch_size=64,
        learning_rate=lambda epoch: 2e-3 if epoch < epochs * 0.7 else 3e-4)
    return model, merit, streams


def main(args) -> int:
    return common.train_on_dataset(args, gestures.generate, 320 if args.quick else 20000,
                                   "a gesture set", _train_and_report)


def _train_and_report(tf, args, root: Path, started: float) -> int:
    rows = load_recordings(root)
    split = common.splits_of(rows, lambda r: r["split"], ("training", "validation", "testing"), root)
    validation, test = windows(split["validation"]), windows(split["testing"])
    replays = {s: laid_out(split[s]) for s in ("validation", "testing")}
    print(f"magic_wand: {len(split['training'])} training, {len(split['validation'])} validation, "
          f"{len(split['testing'])} testing recordings from {root}")
    model, (validation_detections, validation_accuracy), streams = fit(
        tf, split["training"], detection_validation(*validation, replays["validation"]), args.seed,
        epochs=EPOCHS_QUICK if args.quick else EPOCHS)

    representative = streams.epoch()[0][:400]
    float_bytes, int8_bytes, ops, float_model, int8_model = common.to_tflite(
        build, model, representative, "magic_wand")
    float_predicted = np.argmax(float_model.run(test[0]), axis=1)
    int8_predicted = np.argmax(int8_model.run(test[0]), axis=1)
    float_accuracy = float(np.mean(float_predicted == test[1]))
    int8_accuracy = float(np.mean(int8_predicted == test[1]))
    matrix = common.confusion_matrix(test[1], int8_predicted, len(LABELS))
    int8 = {s: streaming.int8_scores(int8_bytes, replay.windows) for s, replay in replays.items()}
    rule, rule_accuracy = choose_rule(replays["validation"], *int8["validation"])
    print(f"detection rule chosen on the validation recordings: {rule} "
          f"(detections {rule_accuracy:.4f})")
    streamed = {s: replay.result(*int8[s], **rule) for s, replay in replays.items()}
    print(f"test accuracy (TFLite Micro): float {float_accuracy:.4f}, int8 {int8_accuracy:.4f}")
    print("int8 confusion matrix (test split):\n" + common.format_confusion(matrix, LABELS))
    for s, result in streamed.items():
        print(f"detections ({s} split laid out as `lab run` plays it, int8, firmware pipeline): "
              f"{result['accuracy']:.4f} of {result['recordings']}")
    groups = held_out_report(split["testing"], int8_predicted == test[1], streamed["testing"])
    for key, table in groups.items():
        print(f"test split {key.replace('_', ' ')}: " + ", ".join(
            f"{name} {g['windows_int8']:.3f} / {g['detections_int8']:.3f} ({g['recordings']})"
            for name, g in table.items()))

    out = Path(args.out or "models/magic_wand")
    card = {
        "name": "magic_wand",
        "description": f"gesture CNN (TFLite Micro magic_wand's layers, twice as wide): CONV_2D "
                       f"{FILTERS[0]}x(4x3) + RELU, MAX_POOL 3x3, CONV_2D {FILTERS[1]}x(4x1) + RELU, "
                       f"MAX_POOL 3x1, FC {DENSE_UNITS} + RELU, FC 4, SOFTMAX",
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
                     "axes": "the model frame of TFLite Micro's magic_wand (the SparkFun Edge's: "
                             "x along the board towards the user, y right, z up) = the Nano 33 "
                             "BLE Sense LSM9DS1's y, x, z (the Arduino example's swap, done by "
                             "the firmware); trained on recordings reaching it both unmirrored "
                             "and mirrored (a Nano's own axes), so one model takes both",
                     "resampling": "window[k] = linear interpolation of the 119 Hz samples at "
                                   "t_now - (127 - k) / 25 s, k = 0..127 (oldest first)",
                     "positive_window": f"the whole gesture lies inside the 5.12 s window and ended "
                                        f"at most {RECENT_S} s ago; negative while it is in "
                                        f"progress or once it ended more than {STALE_S} s ago",
                     "evaluation_window_end": f"gesture end + {RECENT_S / 2} s"},
        "accuracy": {"split": "testing (users never seen in training), one window per recording",
                     "float": round(float_accuracy, 4), "int8": round(int8_accuracy, 4),
                     "validation_float_keras": round(validation_accuracy, 4),
                     "evaluated_with": "tflite-micro",
                     "confusion_int8": {"rows_truth_columns_predicted": list(LABELS),
                                        "matrix": matrix.tolist()}},
        "streaming": {
            "what": "the firmware's pipeline replayed on the host (lab.training.wand_streaming: "
                    "the IMU sampling the chained recordings at 119 Hz, a window every 250 ms "
                    "resampled as main.c does, TFLite Micro, main.c's detection rule) over a "
                    "split's recordings laid out as `lab run magic_wand` plays them; a "
                    "recording is right when its first detection is its label (none for "
                    "negative)",
            "rule": dict(rule, suppression_ms=streaming.SUPPRESSION_MS,
                         chosen="best detection accuracy of the int8 model on the validation "
                                "recordings; ties go to the rule whose neighbours (threshold "
                                "+-8, consecutive +-1) do best"),
            "validation_float_keras_at_selection": round(validation_detections, 4),
            **{f"{s}_int8": {k: v for k, v in result.items() if k != "table"}
               for s, result in streamed.items()}},
        "testing_by_group": {
            "what": "the test split (people never seen in training) by how they drew, what they "
                    "held and what recorded them: single-window accuracy and detections as "
                    "deployed (int8); held-out styles never appear in training or validation",
            "held_out_styles": list(gestures.HELD_OUT_STYLES),
            "training_styles": list(gestures.TRAINING_STYLES),
            **groups},
        "training_windows": {"streams_of_recordings": STREAM_RECORDINGS, "gap_s": list(STREAM_GAP_S),
                             "per_recording_in_gesture_span": WINDOWS_PER_RECORDING[0],
                             "per_recording_anywhere": WINDOWS_PER_RECORDING[1],
                             "recent_s": RECENT_S, "stale_s": STALE_S,
                             "in_progress_left_out_from_share": NEARLY_DONE},
        "dataset": common.dataset_card(args, root, {"recordings": {s: len(m) for s, m in split.items()}}),
        **common.provenance(args, started),
    }
    common.write_card(out, card)
    print(f"wrote {out}/magic_wand.tflite ({len(int8_bytes)} B, arena {card['arena_bytes']} B) and card.json")
    return 0
