"""micro_speech as the firmware runs it, on the host: the same C front end streaming
over the whole recording (lab.frontend), the same feature -> int8 conversion, TFLite
Micro's interpreter every INFERENCE_EVERY slices on the last 49, and TFLite Micro's
command recognizer (firmware/apps/micro_speech/recognizer.c, line for line).

`replay(model_bytes, folder)` lays a folder out exactly as `lab run micro_speech` does
(lab.apps.micro_speech.plan: lead-in, clips 2 s apart, tail), and attributes detections
to clips as its analyzer does. Its detections equal the firmware's (checked against
`lab run --json` events), at a fraction of the cost of emulating the board, so model
and data choices can be tuned on validation recordings in the training loop.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

SLICES, CHANNELS = 49, 40
SAMPLES_PER_MS = 16
WINDOW_SAMPLES, STEP_SAMPLES = 480, 320
LABELS = ("silence", "unknown", "yes", "no")
# TFLite Micro micro_speech's recognizer, as the firmware initialises it.
AVERAGE_WINDOW_MS, DETECTION_THRESHOLD, SUPPRESSION_MS, MINIMUM_COUNT = 1000, 200, 1500, 3
INFERENCE_EVERY = 4


class Recognizer:
    """recognizer.c: average of the results in the last window_ms; a command when the
    top average passes the threshold and differs from the last one (or the same one
    after suppression_ms). Label 0 is silence."""

    def __init__(self, window_ms=AVERAGE_WINDOW_MS, threshold=DETECTION_THRESHOLD,
                 suppression_ms=SUPPRESSION_MS, minimum_count=MINIMUM_COUNT, capacity=64):
        self.window_ms, self.threshold = window_ms, threshold
        self.suppression_ms, self.minimum_count, self.capacity = suppression_ms, minimum_count, capacity
        self.results: list[tuple[int, np.ndarray]] = []
        self.previous_label, self.previous_time_ms = 0, None

    def update(self, time_ms: int, scores) -> tuple[int, int] | None:
        """(label, average score) of a new command, else None."""
        if self.results and time_ms < self.results[-1][0]:
            return None
        self.results.append((time_ms, np.asarray(scores, dtype=np.int32)))
        if len(self.results) > self.capacity:
            self.results.pop(0)
        while self.results and self.results[0][0] < time_ms - self.window_ms:
            self.results.pop(0)
        if len(self.results) < self.minimum_count:
            return None
        total = np.sum([s for _, s in self.results], axis=0)
        average = total // len(self.results)          # C integer division, non-negative
        top = int(np.argmax(average))                  # first of equal maxima, as the C loop
        fresh = self.previous_label == 0 or self.previous_time_ms is None
        since_last = None if fresh else time_ms - self.previous_time_ms
        if average[top] > self.threshold and (top != self.previous_label or fresh
                                              or since_last > self.suppression_ms):
            self.previous_label, self.previous_time_ms = top, time_ms
            return top, int(average[top])
        return None


@lru_cache(maxsize=8)
def _int8_table(scale: float, zero_point: int) -> np.ndarray:
    """frontend_feature_to_int8 (the firmware's C function) for every uint16 value."""
    from lab.frontend import feature_to_int8
    return feature_to_int8(np.arange(65536, dtype=np.uint16), scale, zero_point)


def stream_features(samples: np.ndarray) -> np.ndarray:
    """Frames of one continuous recording (int16 at 16 kHz), one front-end state
    throughout: (n, 40) uint16. Frame k ends at sample 480 + 320 k."""
    from lab.frontend import Frontend
    return Frontend().process(np.asarray(samples, dtype=np.int16))


def frame_time_ms(k) -> np.ndarray:
    """The firmware's time stamp of frame k: samples consumed / 16."""
    return (WINDOW_SAMPLES + STEP_SAMPLES * np.asarray(k)) // SAMPLES_PER_MS


class StreamModel:
    """The int8 model run by TFLite Micro on raw int8 windows."""

    def __init__(self, model_bytes: bytes):
        from lab.training.common import MicroModel
        self.micro = MicroModel(model_bytes)
        self.table = _int8_table(self.micro.input["scale"], self.micro.input["zero_point"])
        self.output_zero_point = self.micro.output["zero_point"]

    def scores(self, features: np.ndarray, inference_every: int = INFERENCE_EVERY):
        """(times_ms, uint8 scores (n, 4)) as the firmware computes them."""
        quantized = self.table[features]
        # main.c counts slices from the one that fills the window: the first inference is
        # on frame SLICES - 2 + inference_every (0-based), then every inference_every.
        ends = np.arange(SLICES - 2 + inference_every, len(features), inference_every)
        interpreter, shape = self.micro.interpreter, self.micro.input["shape"]
        out = np.empty((len(ends), len(LABELS)), dtype=np.int32)
        for i, end in enumerate(ends):
            interpreter.set_input(quantized[end - SLICES + 1:end + 1].reshape(shape), 0)
            interpreter.invoke()
            out[i] = interpreter.get_output(0).reshape(-1).astype(np.int32) - self.output_zero_point
        return frame_time_ms(ends), out


def detections(times_ms, scores, **recognizer) -> list[dict]:
    """Commands the recognizer reports (silence excluded, as the firmware does)."""
    r, found = Recognizer(**recognizer), []
    for t, s in zip(times_ms, scores):
        command = r.update(int(t), s)
        if command and command[0] != 0:
            found.append({"t_ms": int(t), "label": LABELS[command[0]], "score": command[1]})
    return found


def attribute(clips: list[dict], found: list[dict]) -> list[dict]:
    """lab.apps.micro_speech.analyze's rule: a clip owns the detections from its start
    until the next clip starts (audio time); the first one is what was heard."""
    starts = [c["start_s"] for c in clips] + [float("inf")]
    out = []
    for index, clip in enumerate(clips):
        heard = [d for d in found if clip["start_s"] <= d["t_ms"] / 1000.0 < starts[index + 1]]
        out.append(dict(clip, heard=heard[0]["label"] if heard else None,
                        score=heard[0]["score"] if heard else None))
    return out


def summarize(clips: list[dict]) -> dict:
    index = {label: i for i, label in enumerate(LABELS)}
    matrix = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    labelled = [c for c in clips if c["expected"] is not None]
    for c in labelled:
        matrix[index[c["expected"]], index[c["heard"] or "silence"]] += 1
    correct = int(np.trace(matrix))
    return {"clips": len(labelled), "correct": correct,
            "accuracy": round(correct / len(labelled), 4) if labelled else None,
            "confusion": matrix.tolist(),
            "false_on_silence": int(matrix[0, 1:].sum())}


def lab_layout(folder: Path) -> tuple[np.ndarray, list[dict]]:
    """The signal and clip table `lab run micro_speech --audio folder` plays."""
    from lab.apps.micro_speech import plan
    from lab.sensors.audio import to_int16
    laid_out = plan(audio=str(folder))
    return to_int16(laid_out.audio.original[:, 0]), laid_out.clips


def lay_out(pieces: list[np.ndarray], expected: list[str]) -> tuple[np.ndarray, list[dict]]:
    """In-memory clips (int16, 16 kHz) laid out as lab.apps.micro_speech.plan does."""
    from lab.apps import micro_speech
    signal, clips = micro_speech.lay_out([(np.asarray(p), "", label)
                                          for p, label in zip(pieces, expected)])
    return signal.astype(np.int16), clips


def float_probabilities(predict, features: np.ndarray, divisor: float,
                        inference_every: int = INFERENCE_EVERY, batch: int = 2048):
    """(times_ms, probabilities) of a float model (`predict`: (n, 49, 40, 1) ->
    probabilities) at the firmware's inference times."""
    ends = np.arange(SLICES - 2 + inference_every, len(features), inference_every)
    scaled = features.astype(np.float32) / divisor
    out = []
    for first in range(0, len(ends), batch):
        chunk = ends[first:first + batch]
        out.append(predict(np.stack([scaled[e - SLICES + 1:e + 1] for e in chunk])[..., None]))
    return frame_time_ms(ends), np.concatenate(out) if out else np.zeros((0, len(LABELS)))


def as_scores(probabilities: np.ndarray, sharpen: float = 1.0) -> np.ndarray:
    """Probabilities -> the int8 model's 0..255 scores (round(p x 256), saturated),
    after sharpening the softmax by `sharpen` (p^k renormalised = softmax(k x logits))."""
    p = np.asarray(probabilities, dtype=np.float64) ** sharpen
    p /= p.sum(axis=1, keepdims=True)
    return np.clip(np.floor(p * 256 + 0.5), 0, 255).astype(np.int32)


class Replay:
    """One laid-out recording, its features computed once; scores any model on it."""

    def __init__(self, signal: np.ndarray, clips: list[dict]):
        self.clips, self.features = clips, stream_features(signal)

    def result(self, times_ms, scores) -> dict:
        table = attribute(self.clips, detections(times_ms, scores))
        return dict(summarize(table), table=table)

    def int8(self, model_bytes: bytes, inference_every: int = INFERENCE_EVERY) -> dict:
        return self.result(*StreamModel(model_bytes).scores(self.features, inference_every))

    def probabilities(self, predict, divisor: float, inference_every: int = INFERENCE_EVERY):
        return float_probabilities(predict, self.features, divisor, inference_every)

    def float(self, predict, divisor: float, inference_every: int = INFERENCE_EVERY,
              sharpen: float = 1.0) -> dict:
        times, p = self.probabilities(predict, divisor, inference_every)
        return self.result(times, as_scores(p, sharpen))


def replay(model_bytes: bytes, folder: Path, inference_every: int = INFERENCE_EVERY) -> dict:
    """Streaming accuracy of a model on a folder, as the firmware on the lab would score it."""
    return Replay(*lab_layout(Path(folder))).int8(model_bytes, inference_every)
