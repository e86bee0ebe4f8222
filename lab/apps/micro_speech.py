"""micro_speech: clips played back to back into the virtual microphone, and what the
firmware heard in each.

plan() lays the clips out with silence between them (knowing when each starts and its
expected label: from a manifest, or the Speech Commands folder layout), analyze()
pairs each `@lab detection` with the clip it follows, and builds the per-clip table,
the confusion matrix, accuracy, cycles per stage and the firmware's load.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from ..errors import LabError
from ..platforms import ROOT
from ..runner import Plan
from ..sensors.audio import AudioFeed, read_wav, resample
from .hello_world import model_arena, stage_cycles

LABELS = ("silence", "unknown", "yes", "no")
DEFAULT_DATA = ROOT / "data" / "test" / "speech"
RATE = 16000
LEAD_IN_S = 2.0        # the front end's noise estimate settles, the feature window fills
GAP_S = 2.0            # silence between clips: a detection comes ~2.3 s after a word starts
TAIL_S = 3.0           # time for the last detection
BOOT_MARGIN_S = 3.0    # firmware start-up before the microphone starts
SILENCE_NAMES = ("silence", "_silence_", "_background_noise_", "noise")


def label_for(path: Path, root: Path) -> str | None:
    """Expected label from the folder layout: yes/no as named, silence and background
    noise as silence, any other word as unknown."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = path.parts
    folder = parts[-2] if len(parts) >= 2 else (path.parent.name if path.parent != root else "")
    if not folder:
        return None
    if folder in ("yes", "no"):
        return folder
    if folder in SILENCE_NAMES or folder.startswith("_"):
        return "silence"
    return "unknown"


def _manifest(path: Path) -> dict[str, str]:
    """file -> label, from CSV (file,label) or JSON ({file: label} or [{file, label}])."""
    text = path.read_text()
    if path.suffix == ".json":
        data = json.loads(text)
        items = data.items() if isinstance(data, dict) else ((d["file"], d["label"]) for d in data)
        return {str(k): str(v) for k, v in items}
    rows = [r for r in csv.reader(text.splitlines()) if r and not r[0].startswith("#")]
    if rows and rows[0][:2] == ["file", "label"]:
        rows = rows[1:]
    return {r[0]: r[1] for r in rows}


def _clips(audio: Path, manifest: Path | None) -> list[tuple[Path, str | None]]:
    if audio.is_file():
        return [(audio, label_for(audio, audio.parent.parent))]
    files = sorted(audio.rglob("*.wav"))
    if not files:
        raise LabError(f"{audio}: no .wav clips")
    labels = _manifest(manifest) if manifest else {}
    clips = []
    for f in files:
        relative = str(f.relative_to(audio))
        clips.append((f, labels.get(relative, labels.get(f.name, label_for(f, audio)))))
    return clips


def lay_out(pieces) -> tuple[np.ndarray, list[dict]]:
    """(signal at RATE, clip table) of (samples at RATE, name, expected label) pieces
    played back to back: a lead-in, each clip followed by a gap of digital silence, a
    tail. Training replays the same layout (lab.training.streaming)."""
    signal, clips, cursor = [np.zeros(int(LEAD_IN_S * RATE))], [], LEAD_IN_S
    for samples, name, label in pieces:
        duration = len(samples) / RATE
        clips.append({"name": name, "expected": label, "start_s": round(cursor, 6),
                      "end_s": round(cursor + duration, 6)})
        signal += [samples, np.zeros(int(GAP_S * RATE))]
        cursor += duration + GAP_S
    signal.append(np.zeros(int(TAIL_S * RATE)))
    return np.concatenate(signal), clips


def plan(audio=None, imu=None, on_end="end", manifest=None) -> Plan:
    root = Path(audio) if audio else DEFAULT_DATA
    if not root.exists():
        raise LabError(f"{root}: no such audio file or folder"
                       + ("" if audio else " (the committed test clips: see models/README.md)"))
    pieces = []
    for path, label in _clips(root, Path(manifest) if manifest else None):
        samples, rate = read_wav(path)
        mono = samples.mean(axis=1)
        if rate != RATE:
            mono = resample(mono[:, None], rate, RATE)[:, 0]
        pieces.append((mono, str(path.relative_to(root)) if root.is_dir() else path.name, label))
    signal, clips = lay_out(pieces)
    feed = AudioFeed(signal, RATE, str(root), on_end="end")   # the run ends with the audio
    return Plan(audio=feed, context={"clips": clips,
                                     "min_timeout_s": len(signal) / RATE + BOOT_MARGIN_S})


def analyze(session, result, context=None) -> None:
    context = context or {}
    detections = [e for e in result.events_named("detection") if e.get("label") != "silence"]
    clips = [dict(c) for c in context.get("clips", [])]
    microphone = session.microphone
    stream_start = session.machine.seconds(microphone._start_time) if microphone and \
        microphone.captured_samples else 0.0
    # A clip owns the detections from its start until the next clip starts (audio time):
    # the recognizer reports a word after it has filled most of its 1 s average.
    starts = [c["start_s"] for c in clips] + [float("inf")]
    for index, clip in enumerate(clips):
        window = (clip["start_s"], starts[index + 1])
        heard = [d for d in detections if window[0] <= d["t_ms"] / 1000.0 < window[1]]
        first = heard[0] if heard else None
        clip["heard"] = first["label"] if first else None
        clip["outcome"] = clip["heard"] or "silence"   # what counts, no detection included
        clip["score"] = first["score"] if first else None
        clip["latency_s"] = round(first["t_ms"] / 1000.0 - clip["start_s"], 3) if first else None
        clip["start_s"] = round(stream_start + clip["start_s"], 6)    # on the virtual clock
        clip["end_s"] = round(stream_start + clip["end_s"], 6)
    result.extras["clips"] = clips
    labelled = [c for c in clips if c["expected"] is not None]
    correct = sum(c["outcome"] == c["expected"] for c in labelled)
    result.extras["accuracy"] = round(correct / len(labelled), 4) if labelled else None
    result.extras["confusion"] = _confusion_for(labelled, LABELS, "silence")
    scores = result.events_named("scores")
    result.extras["stages"] = stage_cycles({
        "frontend": [e["cycles_frontend"] for e in scores],
        "inference": [e["cycles_inference"] for e in scores]})
    result.extras["arena"] = model_arena(result)
    result.extras["load"] = _load(session, result, microphone)
    result.extras["detections"] = len(detections)


def _confusion_for(clips, labels, nothing: str) -> dict:
    """Rows: expected label; columns: what was heard (no detection counts as `nothing`)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for clip in clips:
        expected, heard = clip["expected"], clip["heard"] or nothing
        if expected in index and heard in index:
            matrix[index[expected]][index[heard]] += 1
    return {"labels": list(labels), "matrix": matrix}


def _load(session, result, microphone) -> float | None:
    """Busy cycles / elapsed cycles while listening (sleep is not busy)."""
    if microphone is None or not microphone.captured_samples:
        return None
    elapsed = session.machine.now() - microphone._start_time
    busy = result.cycles - microphone.start_active_cycles
    return round(busy / elapsed, 4) if elapsed > 0 else None


def summary(result, no_detection: str = "silence") -> list[str]:
    extras = result.extras
    clips = extras.get("clips", [])
    lines = [f"{'clip':<40}{'expected':>10}{'heard':>10}{'score':>7}{'latency s':>11}"]
    for c in clips:
        latency = f"{c['latency_s']:.2f}" if c["latency_s"] is not None else "-"
        lines.append(f"{c['name'][:39]:<40}{str(c['expected']):>10}{str(c['heard'] or '-'):>10}"
                     f"{str(c['score'] or '-'):>7}{latency:>11}")
    confusion = extras.get("confusion")
    if confusion:
        lines.append(f"confusion (rows expected, columns heard; no detection = "
                     f"{no_detection}):")
        lines.append(" " * 10 + "".join(f"{label:>9}" for label in confusion["labels"]))
        for label, row in zip(confusion["labels"], confusion["matrix"]):
            lines.append(f"{label:>10}" + "".join(f"{n:>9}" for n in row))
    if extras.get("accuracy") is not None:
        lines.append(f"accuracy {extras['accuracy']:.1%} on {len(clips)} clips")
    for stage, c in (extras.get("stages") or {}).items():
        lines.append(f"cycles {stage}: min {c['min']}, median {c['median']}, max {c['max']} "
                     f"({c['count']} runs)")
    load = extras.get("load")
    if load is not None:
        verdict = "keeps up in real time" if load < 1 else "does NOT keep up"
        lines.append(f"load: {load:.1%} of the core busy ({verdict}); dropped audio samples "
                     f"{extras.get('dropped_audio_samples', 0)}")
    lines.append(f"flash {result.firmware.get('flash')} B, RAM {result.firmware.get('ram')} B, "
                 f"arena {extras.get('arena')} B")
    return lines
