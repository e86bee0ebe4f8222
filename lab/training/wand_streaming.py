"""magic_wand as the firmware runs it, on the host: recordings chained as `lab run
magic_wand` plays them (lab.apps.magic_wand.plan: the wand still between them), the
LSM9DS1 sampling that stream at 119 Hz (zero-order hold, 0.122 mg steps), the FIFO
drained every 125 ms, every 250 ms the last 5.12 s turned into the model's axes and
resampled to 128 x 3 at 25 Hz in float32 exactly as firmware/apps/magic_wand/main.c
does, TFLite Micro's interpreter,
and the firmware's detection rule (score >= THRESHOLD for CONSECUTIVE inferences, then
nothing for SUPPRESSION_MS). Detections are attributed to recordings as the lab's
analyzer does.

The firmware's start-up (when the IMU and the RTC start) is not modelled cycle by
cycle: the two start times below were fitted to a `lab run --json` of the committed
firmware (its per-inference scores agree on almost every inference), which is close
enough to tune a model or the detection defaults on validation recordings (on the
committed test gestures all 902 inferences of that run agree exactly).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SENSOR_HZ, MODEL_HZ, WINDOW = 119.0, 25.0, 128
G_PER_LSB = 0.000122
TICK_S, INFER_EVERY_TICKS = 0.125, 2
LABELS = ("wing", "ring", "slope", "negative")
NEGATIVE = 3
MODEL_AXES = [1, 0, 2]      # model x, y, z = board y, x, z (the Arduino example's swap)
# The rule training judges its epochs by (0.8 of 255, twice in a row). The firmware's
# defaults (main.c) are the rule chosen with the final model (its card: streaming.rule).
THRESHOLD, CONSECUTIVE, SUPPRESSION_MS = 204, 2, 2000
# Fitted start-up times (virtual seconds): IMU output starts, RTC ticks start.
IMU_START_S, RTC_START_S = 0.2575, 0.2615


def lab_layout(folder: Path):
    """The stream and clip table `lab run magic_wand --imu folder` plays."""
    from lab.apps.magic_wand import _recordings, chain
    from lab.sensors import imu as motion
    return chain([(*motion.read_recording(Path(row["path"])), row) for row in _recordings(Path(folder))])


def sensor_samples(times: np.ndarray, values: np.ndarray, until_s: float) -> np.ndarray:
    """The IMU's raw int16 samples (n, 3): sample j at IMU_START_S + (j + 1) / 119 s,
    the feed's value then (zero-order hold), rounded half away to 0.122 mg steps."""
    count = int((until_s - IMU_START_S) * SENSOR_HZ)
    at = IMU_START_S + (np.arange(count) + 1) / SENSOR_HZ
    position = np.maximum(np.searchsorted(times, at + 1e-9, side="right") - 1, 0)
    scaled = values[position] / G_PER_LSB
    raw = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
    return np.clip(raw, -32768, 32767).astype(np.int16)


def firmware_window(raw: np.ndarray, received: int) -> np.ndarray:
    """fill_window() before quantization: (128, 3) g in the model frame (the board's y, x,
    z: MODEL_AXES) from the first `received` raw samples, in float32 as the firmware
    computes it."""
    raw = raw[:, MODEL_AXES]
    f32 = np.float32
    newest = f32(received - 1)
    step = f32(SENSOR_HZ) / f32(MODEL_HZ)
    p = newest - (f32(WINDOW - 1) - np.arange(WINDOW, dtype=f32)) * step
    i = np.maximum(p, f32(0)).astype(np.uint32)
    frac = p - i.astype(f32)
    nxt = np.where(i + 1 < received, i + 1, i)
    a, b = raw[i].astype(f32), raw[nxt].astype(f32)
    g = (a + (b - a) * frac[:, None]) * f32(G_PER_LSB)
    return np.where((p <= 0)[:, None], raw[0].astype(f32) * f32(G_PER_LSB), g)


def quantize(window_g: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    """fill_window()'s lroundf(g / scale) + zero_point, saturated to int8."""
    v = window_g / np.float32(scale)
    q = np.sign(v) * np.floor(np.abs(v) + np.float32(0.5)) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def inference_windows(times, values, duration_s: float):
    """(t_s, t_ms, windows g (n, 128, 3)) of every inference the firmware makes."""
    raw = sensor_samples(times, values, duration_s + 1)
    produced = IMU_START_S + (np.arange(len(raw)) + 1) / SENSOR_HZ
    t_s, t_ms, windows, handled = [], [], [], 0
    while True:
        handled += INFER_EVERY_TICKS
        now = RTC_START_S + handled * TICK_S
        if now > duration_s:
            break
        received = int(np.searchsorted(produced, now, side="right"))
        if received >= 2:
            t_s.append(now)
            t_ms.append(handled * 1000 // 8)
            windows.append(firmware_window(raw, received))
    return np.array(t_s), np.array(t_ms), np.array(windows)


def int8_scores(model_bytes: bytes, windows: np.ndarray):
    """(label, score 0..255) per window: TFLite Micro, the firmware's arg-max."""
    from lab.training.common import MicroModel
    micro = MicroModel(model_bytes)
    scale, zero_point = micro.input["scale"], micro.input["zero_point"]
    labels, scores = [], []
    for window in windows:
        micro.interpreter.set_input(quantize(window, scale, zero_point).reshape(micro.input["shape"]), 0)
        micro.interpreter.invoke()
        s = micro.interpreter.get_output(0).reshape(-1).astype(int)
        best = int(np.argmax(s))
        labels.append(best)
        scores.append(int(s[best] - micro.output["zero_point"]))
    return np.array(labels), np.array(scores)


def float_scores(predict, windows: np.ndarray):
    """(label, score 0..255) per window from a float model's probabilities."""
    p = predict(windows[..., None].astype(np.float32)) if len(windows) else np.zeros((0, 4))
    labels = np.argmax(p, axis=1)
    return labels, np.clip(np.floor(p[np.arange(len(p)), labels] * 256 + 0.5), 0, 255).astype(int)


class Replay:
    """One laid-out stream, its inference windows computed once."""

    def __init__(self, times, values, clips, duration_s):
        self.clips = clips
        self.t_s, self.t_ms, self.windows = inference_windows(times, values, duration_s)

    def result(self, labels, scores, **rule) -> dict:
        return attribute(self.clips, detect(zip(self.t_s, self.t_ms, labels, scores), **rule))

    def int8(self, model_bytes: bytes, **rule) -> dict:
        return self.result(*int8_scores(model_bytes, self.windows), **rule)

    def float(self, predict, **rule) -> dict:
        return self.result(*float_scores(predict, self.windows), **rule)


def detect(scores, threshold=THRESHOLD, consecutive=CONSECUTIVE, suppression_ms=SUPPRESSION_MS):
    """main.c's rule over (t_s, t_ms, label, score): [(t_s, label, score)]."""
    found, candidate, streak, quiet_until = [], -1, 0, 0
    for t_s, t_ms, label, score in scores:
        streak = streak + 1 if label == candidate else 1
        candidate = label
        if label != NEGATIVE and score >= threshold and streak >= consecutive and t_ms >= quiet_until:
            found.append((t_s, LABELS[label], score))
            quiet_until = t_ms + suppression_ms
    return found


def attribute(clips: list[dict], found) -> dict:
    """lab.apps.magic_wand.analyze's rule: a recording owns the detections from its
    gesture's start until its end + 5.12 s + 0.5 s (or the next recording's start)."""
    window_s = WINDOW / MODEL_HZ
    starts = [c["start_s"] for c in clips] + [float("inf")]
    table = []
    for index, clip in enumerate(clips):
        until = min(clip["end_s"] + window_s + 0.5, starts[index + 1])
        heard = [f for f in found if clip["start_s"] <= f[0] < until]
        table.append(dict(clip, heard=heard[0][1] if heard else None))
    matrix = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    for c in table:
        matrix[LABELS.index(c["expected"]), LABELS.index(c["heard"] or "negative")] += 1
    correct = int(np.trace(matrix))
    return {"recordings": len(table), "correct": correct,
            "accuracy": round(correct / len(table), 4) if table else None,
            "confusion": matrix.tolist(), "table": table}


def firmware_rule() -> dict:
    """The detection rule main.c is built with by default: the one chosen with the
    committed model (its card's streaming.rule; a test keeps the two equal)."""
    from lab.platforms import ROOT
    card = json.loads((ROOT / "models" / "magic_wand" / "card.json").read_text())
    return {key: card["streaming"]["rule"][key] for key in ("threshold", "consecutive")}


def replay(model_bytes: bytes, folder: Path, **rule) -> dict:
    """Detection accuracy of a model on a folder, as `lab run magic_wand --imu` scores it
    (with the firmware's rule unless another is given)."""
    return Replay(*lab_layout(folder)).int8(model_bytes, **(rule or firmware_rule()))
