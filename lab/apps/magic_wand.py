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
from ..inputs import Plan
from ..platforms import ROOT
from ..sensors import imu as motion
from . import clips as clip_apps
from .clips import read_manifest as _manifest

LABELS = ("wing", "ring", "slope", "negative")
NOTHING = "negative"
EXPECT = clip_apps.EXPECT
DEFAULT_DATA = ROOT / "data" / "test" / "gestures"
LEAD_IN_S = 3.0          # the wand lies still while the firmware starts
# A unit's recording plays alone: the wand lies still long enough for the model's whole
# window to see it at rest first, as the recordings before it left it in a stream.
UNIT_LEAD_IN_S = 6.0
GAP_S = 1.0
STILL_AFTER_S = 1.0      # with the gap: 2 s, the detection rule's time after a gesture
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


def chain(recordings, lead_in_s: float = LEAD_IN_S):
    """(times, values, clip table, end s) of (times s, values g (n, 3), row) recordings
    played back to back: the first sample held for the lead-in while the firmware
    starts, GAP_S between recordings. A row with a gesture window (label, start_s,
    end_s within the recording, file) gets a clip. Training replays the same stream
    (lab.training.wand_streaming)."""
    times, values, clips, offset = [np.array([0.0])], [recordings[0][1][:1]], [], lead_in_s
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
    """The stream the IMU plays: a folder's recordings (labels.csv), or one file in any
    format lab.sensors.imu reads by its content (CSV in g or milli-g at any rate, Renode
    sample text one line per 119 Hz tick as Renode plays it, RESD)."""
    if audio:
        raise LabError("magic_wand feels the accelerometer only: --audio does not apply")
    root = Path(imu) if imu else DEFAULT_DATA
    if not root.exists():
        raise LabError(f"{root}: no such file or folder")
    recordings = []
    for row in _recordings(root, Path(manifest) if manifest else None):
        recording_times, recording_values = motion.read_recording(Path(row["path"]))
        recordings.append((recording_times, recording_values, row))
    times, values, clips, offset = chain(recordings)
    # The wand stays still after the last recording (the gap, and STILL_AFTER_S more) so
    # that a gesture ending with the recording is still reported before the run ends.
    times = np.append(times, offset + STILL_AFTER_S)
    values = np.vstack([values, values[-1:]])
    feed = motion.TimedFeed(times, values, str(root), on_end="end")
    return Plan(imu=(feed, None), clips=clips,
                min_timeout_s=offset + STILL_AFTER_S + BOOT_MARGIN_S)


def analyze(result) -> dict:
    """A gesture belongs to a recording from the gesture's start until the model's
    window has slid past it (or the next recording's gesture starts); times are the
    virtual clock, on which the recordings were laid out."""
    gestures = result.events_named("gesture")
    clips = clip_apps.attribute(
        result.clips, gestures, time_of=lambda g: g["t"], nothing=NOTHING,
        until=lambda clip, next_start: min(clip["end_s"] + MODEL_WINDOW_S + 0.5, next_start))
    return clip_apps.summarize(clips, LABELS, NOTHING, len(gestures))


def checks(expect: dict, result) -> list:
    return clip_apps.checks(expect, result, result.analysis.get("magic_wand", {}))


def tables(result) -> list:
    return clip_apps.tables(result.analysis.get("magic_wand", {}))


def summary(result) -> list[str]:
    return clip_apps.summary(result, result.analysis.get("magic_wand", {}))


# ------------------------------------------------------------------ units
def units(audio=None, imu=None, manifest=None) -> list[dict]:
    """One unit of work per recording: {name, expected, times, values, row}."""
    if audio:
        raise LabError("magic_wand feels the accelerometer only: --audio does not apply")
    root = Path(imu) if imu else DEFAULT_DATA
    if not root.exists():
        raise LabError(f"{root}: no such file or folder")
    out = []
    for row in _recordings(root, Path(manifest) if manifest else None):
        times, values = motion.read_recording(Path(row["path"]))
        out.append({"name": row["file"], "expected": row["label"], "times": times,
                    "values": values, "row": {k: v for k, v in row.items() if k != "path"}})
    return out


def shared_start():
    """What every unit's run shares: the boot, up to the IMU's first sample (the wand's
    lead-in is each recording's own first sample)."""
    def still_shared(session) -> bool:
        return session.imu is None or session.imu.produced_samples == 0

    return Plan(), still_shared


def unit_plan(unit: dict) -> Plan:
    """A recording played alone: the lead-in, the recording, and the wand held still
    after it as plan() holds it after its last recording (2 s: the detection rule's time
    after a gesture that ends with the recording)."""
    times, values, clips, offset = chain([(unit["times"], unit["values"], unit["row"])],
                                         UNIT_LEAD_IN_S)
    times = np.append(times, offset + STILL_AFTER_S)  # still as after plan()'s last recording
    values = np.vstack([values, values[-1:]])
    feed = motion.TimedFeed(times, values, unit["name"], on_end="end")
    return Plan(imu=(feed, None), clips=clips,
                min_timeout_s=offset + STILL_AFTER_S + BOOT_MARGIN_S)


def merge(parts) -> dict:
    return clip_apps.merge(parts, LABELS, NOTHING)


def host_heard(model_bytes: bytes, units: list[dict]) -> dict:
    """Each recording through the host's replay of the firmware's pipeline
    (lab.training.wand_streaming: the sensor's sampling, the windows, TFLite Micro, the
    firmware's detection rule)."""
    from ..training.wand_streaming import Replay, firmware_rule
    heard, rule = {}, firmware_rule()
    for unit in units:
        laid = unit_plan(unit)
        feed = laid.imu[0]
        replay = Replay(feed.times, feed.values, laid.clips, laid.min_timeout_s)
        heard[unit["index"]] = replay.int8(model_bytes, **rule)["table"][0]["heard"]
    return heard
