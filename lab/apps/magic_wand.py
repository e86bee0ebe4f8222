"""magic_wand: recorded gestures played back to back into the virtual IMU, and what the
firmware recognised in each.

plan() chains the recordings (labels.csv: file, label, start_s, end_s of the gesture)
into one accelerometer stream, still in between; analyze() gives each `@lab gesture`
to the recording whose gesture it follows: a detection belongs to a gesture from its
start until the model's 5.12 s window has slid past it (or the next gesture starts).
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from ..errors import LabError
from ..platforms import ROOT
from ..runner import Plan
from ..sensors import imu as motion
from .hello_world import model_arena, stage_cycles
from .micro_speech import _confusion_for, _manifest

LABELS = ("wing", "ring", "slope", "negative")
DEFAULT_DATA = ROOT / "data" / "test" / "gestures"
LEAD_IN_S = 3.0          # the wand lies still while the firmware starts
GAP_S = 1.0
MODEL_WINDOW_S = 128 / 25
BOOT_MARGIN_S = 2.0


def _recordings(root: Path, manifest: Path | None = None) -> list[dict]:
    """labels.csv's rows; a manifest (file,label) overrides their labels."""
    labels = root / "labels.csv"
    if root.is_file():
        return [{"file": root.name, "path": root, "label": None, "start_s": None,
                 "end_s": None}]
    if not labels.exists():
        raise LabError(f"{root}: no labels.csv (make a set with `lab data gestures`)")
    with open(labels, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["path"] = root / row["file"]
        row["start_s"], row["end_s"] = float(row["start_s"]), float(row["end_s"])
    relabel = _manifest(manifest) if manifest else {}
    for row in rows:
        row["label"] = relabel.get(row["file"], relabel.get(Path(row["file"]).name, row["label"]))
    return rows


def chain(recordings):
    """(times, values, clip table, end s) of (times s, values g (n, 3), row) recordings
    played back to back: the first sample held for the lead-in while the firmware
    starts, GAP_S between recordings. A row with a gesture window (label, start_s,
    end_s within the recording, file) gets a clip. Training replays the same stream
    (lab.training.wand_streaming)."""
    times, values, clips, offset = [np.array([0.0])], [recordings[0][1][:1]], [], LEAD_IN_S
    for recording_times, recording_values, row in recordings:
        times.append(recording_times - recording_times[0] + offset)
        values.append(recording_values)
        if row["start_s"] is not None:
            clips.append({"name": row["file"], "expected": row["label"],
                          "start_s": round(offset + row["start_s"], 6),
                          "end_s": round(offset + row["end_s"], 6)})
        offset += recording_times[-1] - recording_times[0] + 1 / 119 + GAP_S
    return np.concatenate(times), np.concatenate(values), clips, offset


def plan(audio=None, imu=None, on_end="end", manifest=None) -> Plan:
    root = Path(imu) if imu else DEFAULT_DATA
    if not root.exists():
        raise LabError(f"{root}: no such file or folder")
    recordings = []
    for row in _recordings(root, Path(manifest) if manifest else None):
        recording_times, recording_values = motion.read_csv(Path(row["path"]))
        recordings.append((recording_times, recording_values, row))
    times, values, clips, offset = chain(recordings)
    feed = motion.TimedFeed(times, values, str(root), on_end="end")
    return Plan(imu=(feed, None), context={"clips": clips,
                                           "min_timeout_s": offset + BOOT_MARGIN_S})


def analyze(session, result, context=None) -> None:
    clips = [dict(c) for c in (context or {}).get("clips", [])]
    gestures = result.events_named("gesture")
    starts = [c["start_s"] for c in clips] + [float("inf")]
    for index, clip in enumerate(clips):
        until = min(clip["end_s"] + MODEL_WINDOW_S + 0.5, starts[index + 1])
        heard = [g for g in gestures if clip["start_s"] <= g["t"] < until]
        first = heard[0] if heard else None
        clip["heard"] = first["label"] if first else None
        clip["outcome"] = clip["heard"] or "negative"   # what counts, no detection included
        clip["score"] = first["score"] if first else None
        clip["latency_s"] = round(first["t"] - clip["start_s"], 3) if first else None
    result.extras["clips"] = clips
    correct = sum(c["outcome"] == c["expected"] for c in clips)
    result.extras["accuracy"] = round(correct / len(clips), 4) if clips else None
    result.extras["confusion"] = _confusion_for(clips, LABELS, "negative")
    result.extras["stages"] = stage_cycles(
        {"inference": [e["cycles_inference"] for e in result.events_named("scores")]})
    result.extras["arena"] = model_arena(result)


def summary(result) -> list[str]:
    from .micro_speech import summary as speech_summary
    return speech_summary(result, no_detection="negative")
