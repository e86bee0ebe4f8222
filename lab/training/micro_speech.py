"""micro_speech: "yes"/"no" keyword spotting on TFLite Micro's audio front end.

Features are exactly those of TFLite Micro's micro_speech front end, computed
with TensorFlow's audio_microfrontend op (30 ms windows every 20 ms, 40
channels over 125-7500 Hz, noise reduction, PCAN, log): 49 x 40 uint16 per
second. The float model sees feature / 25.6 (TensorFlow speech_commands'
convention); the int8 model's input scale and zero point come from the
converter and are recorded in the card. The model starts like TFLite Micro's
"tiny_conv" (CONV_2D 8 filters 10x8, stride 2), adds three small 3x3
convolutions, and ends in FULLY_CONNECTED to 4 and SOFTMAX, within TFLite
Micro's budget (under 20 KB of flash, under 10 KB of arena).

Guarding against learning one synthesizer instead of speech: the data set
varies voices, vocal-tract length, pitch, rate, microphone band and room;
every training clip is re-augmented each epoch (time shift, level, background
noise mixed in, then vocal-tract length perturbation and time/channel masks on
the features); and accuracy is reported per voice family, including families
held out of training entirely.

Working as deployed: the firmware slides the 49-frame window over a continuous
stream (inference every 80 ms, front-end state carried over) and TFLite Micro's
recognizer reports a command only when the average score of the last second
passes 200 of 255, so a word must score high through most of its passage
through the window, partly visible at both ends. Besides each whole clip (fresh
front-end state, as TensorFlow's speech_commands trains), every epoch therefore
chains the training clips into streams (gaps of digital silence, as `lab run`
plays clips, or continuous background noise) run through the firmware's own
streaming front end, and cuts windows at random offsets: a window is the word
when it holds most of that word's energy, silence when it holds almost none of
any word, and is left out in between. The epoch kept is the one whose
recognizer accuracy on the validation clips, laid out as `lab run` plays them,
is best (lab.training.streaming replays the firmware's pipeline exactly).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.data.audio import read_wav
from lab.errors import LabError
from lab.training import common

LABELS = ("silence", "unknown", "yes", "no")       # TFLite Micro's order
SILENCE_DIR, BACKGROUND_DIR = "_silence_", "_background_noise_"
CLIP_SAMPLES = 16000
FEATURE_SHAPE = (49, 40)
FEATURE_DIVISOR = 25.6
FRONTEND = dict(
    sample_rate=16000, window_size=30, window_step=20, num_channels=40,
    upper_band_limit=7500.0, lower_band_limit=125.0, smoothing_bits=10,
    even_smoothing=0.025, odd_smoothing=0.06, min_signal_remaining=0.05,
    enable_pcan=True, pcan_strength=0.95, pcan_offset=80.0, gain_bits=21,
    enable_log=True, scale_shift=6, left_context=0, right_context=0,
    frame_stride=1, zero_padding=False, out_scale=1)

# Augmentation, as TensorFlow's speech_commands trainer does it (plus level changes).
TIME_SHIFT = 1600            # up to +-100 ms
BACKGROUND_PROBABILITY = 0.8
BACKGROUND_VOLUME = 0.1
GAIN_DB = (-12.0, 6.0)
GENERATED_SILENCE_SHARE = 0.1
WARP = (0.88, 1.12)          # channel-axis stretch (vocal-tract length)
MAX_TIME_MASK = 5            # frames
MAX_CHANNEL_MASK = 4

# Streams: windows as the firmware sees them.
STREAM_CLIPS = 16            # clips chained into one stream
STREAM_GAP_S = (0.4, 2.0)    # silence between clips
STREAM_BACKGROUND_PROBABILITY = 0.5   # continuous noise under the stream (else digital silence)
STREAM_WINDOWS_PER_CLIP = 3  # windows cut from the stream per clip, at random offsets
WORD_VISIBLE = 0.6           # a window is the word when it holds this share of its energy
NOTHING_VISIBLE = 0.1        # ... and silence when no word has more than this share
PROFILE_STEP = 160           # word energy is tracked in 10 ms steps
EPOCHS, EPOCHS_QUICK = 60, 30
# The recognizer averages scores: it wants confident ones. After training, the final
# layer's logits are scaled by the factor from this list that detects best on the
# validation clips (softmax(k z): the same arg-max, sharper scores).
SHARPENING = (1.0, 1.5, 2.0, 3.0, 4.0)


@dataclass(frozen=True)
class Clip:
    path: Path
    label: int
    split: str
    speaker: str
    family: str


def load_index(root: Path) -> list[Clip]:
    """Every clip of a Speech Commands-layout directory, with label and split."""
    if not root.is_dir():
        raise LabError(f"{root}: no such data directory")
    listed = {name: set(_read_list(root / f"{name}_list.txt")) for name in ("validation", "testing")}
    families = _read_families(root / "speakers.csv")
    clips = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != BACKGROUND_DIR):
        label = _label_of(folder.name)
        for wav in sorted(folder.glob("*.wav")):
            relative = f"{folder.name}/{wav.name}"
            split = next((s for s, names in listed.items() if relative in names), "training")
            speaker = wav.name.split("_nohash_")[0]
            clips.append(Clip(wav, label, split, speaker, families.get(speaker, "")))
    if not any(c.label == LABELS.index("yes") for c in clips):
        raise LabError(f"{root}: no yes/ clips; expected the Speech Commands layout")
    return clips


def _label_of(folder: str) -> int:
    if folder == SILENCE_DIR:
        return LABELS.index("silence")
    return LABELS.index(folder) if folder in ("yes", "no") else LABELS.index("unknown")


def _read_list(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _read_families(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with open(path, newline="") as handle:
        return {row["id"]: row["family"] for row in csv.DictReader(handle)}


def load_background(root: Path) -> list[np.ndarray]:
    noises = [read_wav(p)[0] for p in sorted((root / BACKGROUND_DIR).glob("*.wav"))]
    return [n for n in noises if len(n) >= CLIP_SAMPLES]


def read_clip(path: Path) -> np.ndarray:
    samples, rate = read_wav(path)
    if rate != 16000:
        raise LabError(f"{path}: {rate} Hz; micro_speech needs 16 kHz audio")
    return np.pad(samples[:CLIP_SAMPLES], (0, max(0, CLIP_SAMPLES - len(samples))))


# ------------------------------------------------------------ features

class Frontend:
    """TFLite Micro's micro_speech front end, as TensorFlow's op computes it."""

    def __init__(self, tf):
        from tensorflow.lite.experimental.microfrontend.python.ops import audio_microfrontend_op
        self.tf, self.op = tf, audio_microfrontend_op.audio_microfrontend

    def __call__(self, clip: np.ndarray) -> np.ndarray:
        features = self.op(self.tf.constant(clip, dtype=self.tf.int16),
                           out_type=self.tf.uint16, **FRONTEND).numpy()
        if features.shape != FEATURE_SHAPE:
            raise LabError(f"front end gave {features.shape}, expected {FEATURE_SHAPE}")
        return features

    def model_input(self, clips) -> np.ndarray:
        """Float model input: uint16 features / 25.6, shape (n, 49, 40, 1)."""
        return np.stack([self(c) for c in clips]).astype(np.float32)[..., None] / FEATURE_DIVISOR


class Augmenter:
    """Fresh random shift, level and background noise for every use of a clip."""

    def __init__(self, rng, background: list[np.ndarray]):
        self.rng, self.background = rng, background

    def noise(self) -> np.ndarray:
        noise = self.background[self.rng.integers(len(self.background))]
        start = self.rng.integers(len(noise) - CLIP_SAMPLES + 1)
        return noise[start:start + CLIP_SAMPLES].astype(np.float64)

    def __call__(self, clip: np.ndarray) -> np.ndarray:
        shift = int(self.rng.integers(-TIME_SHIFT, TIME_SHIFT + 1))
        shifted = np.zeros(CLIP_SAMPLES)
        if shift >= 0:
            shifted[shift:] = clip[:CLIP_SAMPLES - shift]
        else:
            shifted[:shift] = clip[-shift:]
        shifted *= 10 ** (self.rng.uniform(*GAIN_DB) / 20)
        if self.background and self.rng.random() < BACKGROUND_PROBABILITY:
            shifted += self.noise() * self.rng.uniform(0, BACKGROUND_VOLUME)
        return np.clip(np.rint(shifted), -32768, 32767).astype(np.int16)

    def silence(self) -> np.ndarray:
        """Background only, at a random volume (TF's generated silence)."""
        return np.clip(np.rint(self.noise() * self.rng.uniform(0, BACKGROUND_VOLUME)),
                       -32768, 32767).astype(np.int16)


# ------------------------------------------------------------ model

def build(keras, batch_size=None, dropout: float = 0.1):
    """TFLite Micro's tiny_conv front layer (8 filters 10x8, stride 2) followed by
    three 3x3 convolutions, then FULLY_CONNECTED to 4 and SOFTMAX: about 14 k
    weights (under 20 KB as int8) and small activations (arena under 10 KB)."""
    inputs = keras.Input((*FEATURE_SHAPE, 1), batch_size=batch_size)
    x = keras.layers.Conv2D(8, (10, 8), strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(16, (3, 3), strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(24, (3, 3), padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(24, (3, 3), strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(len(LABELS))(x)
    return keras.Model(inputs, keras.layers.Softmax()(x))


class FeatureAugmenter:
    """Vocal-tract length perturbation (a random stretch of the channel axis) and
    SpecAugment-style time and channel masks, on the front end's output: voices
    the data set lacks become shifted versions of the ones it has."""

    def __init__(self, rng):
        self.rng = rng

    def __call__(self, features: np.ndarray) -> np.ndarray:
        out = np.empty_like(features)
        for i, example in enumerate(features[..., 0]):
            out[i, ..., 0] = self.mask(self.warp(example))
        return out

    def warp(self, example: np.ndarray) -> np.ndarray:
        """Read channel c from channel c x stretch, interpolating linearly."""
        last = FEATURE_SHAPE[1] - 1
        source = np.clip(np.arange(FEATURE_SHAPE[1]) * self.rng.uniform(*WARP), 0, last)
        low = np.floor(source).astype(int)
        weight = source - low
        return example[:, low] * (1 - weight) + example[:, np.minimum(low + 1, last)] * weight

    def mask(self, example: np.ndarray) -> np.ndarray:
        """Zero a few frames, then a few channels, each half of the time."""
        if self.rng.random() < 0.5:
            start = self.rng.integers(FEATURE_SHAPE[0] - MAX_TIME_MASK)
            example[start:start + self.rng.integers(1, MAX_TIME_MASK + 1)] = 0
        if self.rng.random() < 0.5:
            start = self.rng.integers(FEATURE_SHAPE[1] - MAX_CHANNEL_MASK)
            example[:, start:start + self.rng.integers(1, MAX_CHANNEL_MASK + 1)] = 0
        return example


def word_energy(clip: np.ndarray, label: int) -> np.ndarray:
    """Cumulative share of the word's energy at every 10 ms step of a clip (101
    values, 0 .. 1): frame power above twice the clip's noise floor (its 10th
    percentile). Silence clips hold no word: all zeros."""
    steps = len(clip) // PROFILE_STEP
    power = np.mean(clip[:steps * PROFILE_STEP].astype(np.float64).reshape(steps, PROFILE_STEP) ** 2,
                    axis=1)
    speech = np.maximum(0.0, power - 2 * np.percentile(power, 10))
    if label == LABELS.index("silence") or speech.sum() <= 0:
        return np.zeros(steps + 1)
    return np.concatenate([[0.0], np.cumsum(speech) / speech.sum()])


def window_labels(visible: np.ndarray, clip_labels: np.ndarray) -> np.ndarray:
    """visible (windows x clips): share of each clip's word inside each window ->
    label per window, -1 to leave it out (a word partly in view)."""
    labels = np.full(len(visible), -1)
    if visible.shape[1] == 0:
        return np.zeros(len(visible), dtype=int)
    best = np.argmax(visible, axis=1)
    share = visible[np.arange(len(visible)), best]
    others = visible.sum(axis=1) - share
    labels[(share >= WORD_VISIBLE) & (others <= NOTHING_VISIBLE)] = clip_labels[best][
        (share >= WORD_VISIBLE) & (others <= NOTHING_VISIBLE)]
    labels[visible.max(axis=1) <= NOTHING_VISIBLE] = LABELS.index("silence")
    return labels


class Streams:
    """Training clips chained into streams and run through the firmware's streaming
    front end; windows cut at random offsets, labelled by the word energy they hold."""

    def __init__(self, rng, augment: Augmenter, audio: dict, clips: list[Clip]):
        self.rng, self.augment, self.audio, self.clips = rng, augment, audio, clips
        self.profiles = {c.path: word_energy(audio[c.path], c.label) for c in clips}

    def epoch(self):
        """Float features (n, 49, 40, 1) and labels of this epoch's stream windows."""
        return common.in_streams(self.rng, self.clips, STREAM_CLIPS, self.stream)

    def stream(self, group: list[Clip]):
        from lab.training.streaming import stream_features
        gap = [round(s * 16000 / PROFILE_STEP) for s in STREAM_GAP_S]
        steps = CLIP_SAMPLES // PROFILE_STEP
        starts, cursor = [], 0
        for _ in group:
            cursor += int(self.rng.integers(gap[0], gap[1] + 1))
            starts.append(cursor)
            cursor += steps
        cursor += int(self.rng.integers(gap[0], gap[1] + 1))
        audio = np.zeros(cursor * PROFILE_STEP)
        for clip, start in zip(group, starts):
            gain = 10 ** (self.rng.uniform(*GAIN_DB) / 20)
            audio[start * PROFILE_STEP:(start + steps) * PROFILE_STEP] += self.audio[clip.path] * gain
        if self.augment.background and self.rng.random() < STREAM_BACKGROUND_PROBABILITY:
            noise = self.augment.background[self.rng.integers(len(self.augment.background))]
            noise = np.resize(np.roll(noise, -int(self.rng.integers(len(noise)))), len(audio))
            audio += noise * self.rng.uniform(0, BACKGROUND_VOLUME)
        features = stream_features(np.clip(np.rint(audio), -32768, 32767).astype(np.int16))
        first_end = FEATURE_SHAPE[0] - 1
        count = min(STREAM_WINDOWS_PER_CLIP * len(group), len(features) - first_end)
        ends = np.sort(self.rng.choice(np.arange(first_end, len(features)), count, replace=False))
        # Window ending at frame e covers samples [320 (e - 48), 320 e + 480): in 10 ms steps
        # [2 (e - 48), 2 e + 3).
        low, high = 2 * (ends - first_end), 2 * ends + 3
        visible = np.zeros((count, len(group)))
        for j, (clip, start) in enumerate(zip(group, starts)):
            profile = self.profiles[clip.path]
            visible[:, j] = (profile[np.clip(high - start, 0, steps)]
                             - profile[np.clip(low - start, 0, steps)])
        labels = window_labels(visible, np.array([c.label for c in group]))
        keep = labels >= 0
        windows = np.stack([features[e - first_end:e + 1] for e in ends[keep]])
        return windows.astype(np.float32)[..., None] / FEATURE_DIVISOR, labels[keep]


class Trainer:
    def __init__(self, tf, clips: list[Clip], background, frontend: Frontend, seed: int):
        self.tf, self.frontend = tf, frontend
        self.rng = np.random.default_rng(seed)
        self.augment = Augmenter(self.rng, background)
        self.augment_features = FeatureAugmenter(self.rng)
        self.train = [c for c in clips if c.split == "training"]
        self.audio = {c.path: read_clip(c.path) for c in clips}
        self.streams = Streams(self.rng, self.augment, self.audio, self.train)

    def clip_data(self):
        """Augmented features of every training clip (fresh front-end state each) plus
        generated silence."""
        clips = [self.augment(self.audio[c.path]) for c in self.train]
        labels = [c.label for c in self.train]
        if self.augment.background:
            extra = int(len(self.train) * GENERATED_SILENCE_SHARE)
            clips += [self.augment.silence() for _ in range(extra)]
            labels += [LABELS.index("silence")] * extra
        return self.frontend.model_input(clips), np.array(labels)

    def epoch_data(self):
        """Whole clips and stream windows, shuffled, with feature augmentation."""
        x_clips, y_clips = self.clip_data()
        x_stream, y_stream = self.streams.epoch()
        x, y = np.concatenate([x_clips, x_stream]), np.concatenate([y_clips, y_stream])
        order = self.rng.permutation(len(x))
        return self.augment_features(x[order]), y[order]

    def fit(self, validate, epochs: int):
        """Adam at 1e-3, then 2e-4 for the last quarter; the best epoch on validation wins."""
        keras = self.tf.keras
        model = build(keras)
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        merit = common.fit_keeping_best(
            model, self.epoch_data, validate, epochs, batch_size=100,
            learning_rate=lambda epoch: 1e-3 if epoch < epochs * 0.75 else 2e-4)
        return model, merit


def streaming_validation(x_windows, y_windows, replay):
    """fit_keeping_best's judge: recognizer accuracy on the laid-out validation clips
    (float model at the firmware's inference times, the best logit scale), then
    whole-clip accuracy."""
    def stream_accuracy(model):
        scale, by_scale = choose_sharpening(model, replay)
        return by_scale[scale], f" (logit scale {scale:g}; unscaled {by_scale[1.0]:.3f})"
    return common.streaming_judge(stream_accuracy, x_windows, y_windows, "streaming")


def choose_sharpening(model, replay) -> tuple[float, dict]:
    """The factor of SHARPENING with the best streaming accuracy on `replay` (the
    smallest on ties), and the accuracy of each."""
    from lab.training.streaming import as_scores
    times, p = replay.probabilities(lambda x: model.predict(x, verbose=0, batch_size=512),
                                    FEATURE_DIVISOR)
    accuracy = {k: replay.result(times, as_scores(p, k))["accuracy"] for k in SHARPENING}
    best = max(SHARPENING, key=lambda k: (accuracy[k], -k))
    return best, accuracy


def sharpened(model, factor: float):
    """The model with its final layer's logits scaled by `factor`."""
    final = [layer for layer in model.layers if layer.weights][-1]
    final.set_weights([w * factor for w in final.get_weights()])
    return model


def laid_out_split(trainer: Trainer, members: list[Clip], background, noise_seconds: float = 2.0):
    """The split's clips, then `noise_seconds` of every background noise, laid out as
    `lab run` plays a folder."""
    from lab.training.streaming import Replay, lay_out
    pieces = [trainer.audio[c.path] for c in members]
    expected = [LABELS[c.label] for c in members]
    for noise in background:
        pieces.append(noise[:int(noise_seconds * 16000)])
        expected.append("silence")
    return Replay(*lay_out(pieces, expected))


# ------------------------------------------------------------ evaluation and card

def evaluate(micro: common.MicroModel, x: np.ndarray, y: np.ndarray):
    predicted = np.argmax(micro.run(x), axis=1)
    return float(np.mean(predicted == y)), predicted


def family_accuracy(clips: list[Clip], truth, predicted) -> dict:
    """Accuracy per voice family of the test split (words only)."""
    results = {}
    for family in sorted({c.family for c in clips if c.family}):
        mask = np.array([c.family == family for c in clips])
        results[family] = {"clips": int(mask.sum()),
                           "accuracy": round(float(np.mean(truth[mask] == predicted[mask])), 4)}
    return results


def held_out_accuracy(root: Path, clips: list[Clip], truth, predicted) -> dict:
    """Accuracy on the voice families the generator kept out of training entirely."""
    info = root / "info.json"
    families = json.loads(info.read_text()).get("held_out_families", []) if info.exists() else []
    mask = np.array([c.family in families for c in clips])
    if not mask.any():
        return {}
    return {"families": families, "clips": int(mask.sum()),
            "accuracy": round(float(np.mean(truth[mask] == predicted[mask])), 4),
            "other_test_voices_accuracy": round(float(np.mean(truth[~mask] == predicted[~mask])), 4)}


def main(args) -> int:
    from lab.data import speech
    return common.train_on_dataset(args, speech.generate, 800 if args.quick else 8000,
                                   "a synthetic speech set", _train_and_report)


def _train_and_report(tf, args, root: Path, started: float) -> int:
    from lab.training import streaming
    clips = load_index(root)
    frontend = Frontend(tf)
    background = load_background(root)
    trainer = Trainer(tf, clips, background, frontend, args.seed)
    split = common.splits_of(clips, lambda c: c.split, ("validation", "testing"), root)
    features = {s: frontend.model_input(trainer.audio[c.path] for c in members) for s, members in split.items()}
    truth = {s: np.array([c.label for c in members]) for s, members in split.items()}
    replays = {s: laid_out_split(trainer, members, background) for s, members in split.items()}
    print(f"micro_speech: {len(trainer.train)} training, {len(split['validation'])} validation, "
          f"{len(split['testing'])} testing clips from {root}")
    validate = streaming_validation(features["validation"], truth["validation"], replays["validation"])
    model, (validation_streaming, validation_accuracy) = trainer.fit(
        validate, epochs=EPOCHS_QUICK if args.quick else EPOCHS)

    sharpen, sharpen_accuracy = choose_sharpening(model, replays["validation"])
    print(f"streaming validation accuracy by logit scale: "
          + ", ".join(f"{k:g}: {a:.3f}" for k, a in sharpen_accuracy.items()) + f"; using {sharpen:g}")
    model = sharpened(model, sharpen)
    sample = np.random.default_rng(args.seed).permutation(len(trainer.train))[:300]
    representative = np.concatenate([
        frontend.model_input(trainer.audio[trainer.train[i].path] for i in sample),
        trainer.streams.epoch()[0][:300]])
    float_bytes, int8_bytes, ops, float_model, int8_model = common.to_tflite(
        build, model, representative, "micro_speech")
    x_test, y_test = features["testing"], truth["testing"]
    float_accuracy, _ = evaluate(float_model, x_test, y_test)
    int8_accuracy, int8_predicted = evaluate(int8_model, x_test, y_test)
    matrix = common.confusion_matrix(y_test, int8_predicted, len(LABELS))
    families = family_accuracy(split["testing"], y_test, int8_predicted)
    held_out = held_out_accuracy(root, split["testing"], y_test, int8_predicted)
    streamed = {s: replay.int8(int8_bytes) for s, replay in replays.items()}
    print(f"test accuracy (TFLite Micro): float {float_accuracy:.4f}, int8 {int8_accuracy:.4f}")
    print("int8 confusion matrix (test split):\n" + common.format_confusion(matrix, LABELS))
    for family, result in families.items():
        print(f"  {family:24s} {result['accuracy']:.3f} ({result['clips']} clips)")
    if held_out:
        print(f"held-out families {', '.join(held_out['families'])}: {held_out['accuracy']:.4f} "
              f"({held_out['clips']} clips); other test voices {held_out['other_test_voices_accuracy']:.4f}")
    for s, result in streamed.items():
        print(f"streaming ({s} split laid out as `lab run` plays it, int8, firmware pipeline): "
              f"{result['accuracy']:.4f} of {result['clips']}, "
              f"{result['false_on_silence']} detections on silence")

    out = Path(args.out or "models/micro_speech")
    scale, zero_point = int8_model.input["scale"], int8_model.input["zero_point"]
    card = {
        "name": "micro_speech",
        "description": "keyword spotting (yes/no): CONV_2D 8x(10x8)/2 (TFLite Micro tiny_conv's "
                       "layer), CONV_2D 16x(3x3)/2, 24x(3x3), 24x(3x3)/2, all + RELU, "
                       "FULLY_CONNECTED 4, SOFTMAX",
        "models": {"int8": common.write_model(out, "micro_speech.tflite", int8_bytes),
                   "float": common.write_model(out, "micro_speech_float.tflite", float_bytes)},
        "ops": ops, "arena_bytes": int8_model.arena_bytes(),
        "labels": list(LABELS),
        "inputs": [dict(int8_model.input, name="features",
                        layout="49 frames (oldest first) x 40 channels",
                        quantize=f"q = clamp(round_half_away(feature_uint16 / {FEATURE_DIVISOR} / scale)"
                                 " + zero_point, -128, 127)",
                        feature_to_int8_multiplier=1.0 / (FEATURE_DIVISOR * scale))],
        "outputs": [dict(int8_model.output, name="scores", labels=list(LABELS),
                         dequantize="p = (q - zero_point) * scale")],
        "features": {"frontend": "tensorflow audio_microfrontend_op (TFLite Micro micro_speech)",
                     **FRONTEND, "out_type": "uint16", "shape": list(FEATURE_SHAPE),
                     "float_input": f"feature_uint16 / {FEATURE_DIVISOR}",
                     "clip_seconds": 1.0},
        "accuracy": {"split": "testing (voices never heard in training)",
                     "float": round(float_accuracy, 4), "int8": round(int8_accuracy, 4),
                     "validation_float_keras": round(validation_accuracy, 4),
                     "evaluated_with": "tflite-micro",
                     "confusion_int8": {"rows_truth_columns_predicted": list(LABELS),
                                        "matrix": matrix.tolist()},
                     "held_out_families_int8": held_out,
                     "per_voice_family_int8": families},
        "streaming": {
            "what": "the firmware's pipeline replayed on the host (lab.training.streaming: the "
                    "C front end streaming, TFLite Micro every inference_every slices, TFLite "
                    "Micro's recognizer) over a split's clips laid out as `lab run micro_speech` "
                    "plays them (2 s of digital silence between clips, then 2 s of each "
                    "background noise as silence clips); a clip is right when its first "
                    "detection is its label (no detection for silence)",
            "inference_every_slices": streaming.INFERENCE_EVERY,
            "recognizer": {"average_window_ms": streaming.AVERAGE_WINDOW_MS,
                           "detection_threshold": streaming.DETECTION_THRESHOLD,
                           "suppression_ms": streaming.SUPPRESSION_MS,
                           "minimum_count": streaming.MINIMUM_COUNT},
            "validation_float_keras_at_selection": round(validation_streaming, 4),
            "logit_scale": {"chosen": sharpen, "validation_float_keras_by_scale":
                            {f"{k:g}": a for k, a in sharpen_accuracy.items()}},
            **{f"{s}_int8": {k: v for k, v in result.items() if k != "table"}
               for s, result in streamed.items()}},
        "augmentation": {"time_shift_ms": TIME_SHIFT / 16, "gain_db": list(GAIN_DB),
                         "background_probability": BACKGROUND_PROBABILITY,
                         "background_volume_max": BACKGROUND_VOLUME,
                         "generated_silence_share": GENERATED_SILENCE_SHARE,
                         "channel_warp": list(WARP), "max_time_mask_frames": MAX_TIME_MASK,
                         "max_channel_mask": MAX_CHANNEL_MASK,
                         "streams": {"clips_per_stream": STREAM_CLIPS, "gap_s": list(STREAM_GAP_S),
                                     "background_probability": STREAM_BACKGROUND_PROBABILITY,
                                     "windows_per_clip": STREAM_WINDOWS_PER_CLIP,
                                     "word_when_energy_share_at_least": WORD_VISIBLE,
                                     "silence_when_energy_share_at_most": NOTHING_VISIBLE}},
        "dataset": common.dataset_card(args, root, {"clips": {
            "training": len(trainer.train), **{s: len(m) for s, m in split.items()}}}),
        **common.provenance(args, started),
    }
    common.write_card(out, card)
    print(f"wrote {out}/micro_speech.tflite ({len(int8_bytes)} B, arena {card['arena_bytes']} B) "
          f"and card.json")
    return 0
