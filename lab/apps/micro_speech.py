"""micro_speech: clips played back to back into the virtual microphone, and what the
firmware heard in each.

plan() lays the clips out with silence between them (knowing when each starts and its
expected label: from a manifest, the Speech Commands folder layout, or none), and
analyze() pairs each `@lab detection` with the clip it follows and builds the per-clip
table, the confusion matrix, accuracy and the firmware's load, from the result alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import LabError
from ..inputs import Plan
from ..platforms import ROOT
from ..sensors.audio import (RAW_SUFFIXES, AudioFeed, read_raw_pcm, read_wav, resample,
                             to_int16)
from . import clips as clip_apps

LABELS = ("silence", "unknown", "yes", "no")
NOTHING = "silence"
DEFAULT_DATA = ROOT / "data" / "test" / "speech"
RATE = 16000
LEAD_IN_S = 2.0        # the front end's noise estimate settles, the feature window fills
GAP_S = 2.0            # silence between clips: a detection comes ~2.3 s after a word starts
TAIL_S = 3.0           # time for the last detection
BOOT_MARGIN_S = 3.0    # firmware start-up before the microphone starts
SILENCE_NAMES = ("silence", "_silence_", "_background_noise_", "noise")
# The Speech Commands words other than yes and no: "unknown" to this model.
SPEECH_COMMANDS_WORDS = (
    "backward", "bed", "bird", "cat", "dog", "down", "eight", "five", "follow", "forward",
    "four", "go", "happy", "house", "learn", "left", "marvin", "nine", "off", "on", "one",
    "right", "seven", "sheila", "six", "stop", "three", "tree", "two", "up", "visual", "wow",
    "zero")

EXPECT = clip_apps.EXPECT


def label_of_folder(folder: str, layout: bool) -> str | None:
    """The label a Speech Commands-style folder name gives its clips: yes/no as named,
    silence and background noise as silence, the data set's other words as unknown.
    Any other folder names a word only inside a layout (a folder with yes/ or no/)."""
    if folder in ("yes", "no"):
        return folder
    if folder in SILENCE_NAMES or folder.startswith("_"):
        return "silence"
    if folder in SPEECH_COMMANDS_WORDS or (layout and folder):
        return "unknown"
    return None


def _clips(audio: Path, manifest: Path | None) -> list[tuple[Path, str, str | None]]:
    """(file, name, expected label) of each clip, in name order."""
    labels = clip_apps.read_manifest(manifest) if manifest else {}
    if audio.is_file():
        label = labels.get(audio.name, label_of_folder(audio.parent.name, layout=False))
        return [(audio, audio.name, label)]
    files = sorted(audio.rglob("*.wav"))
    if not files:
        raise LabError(f"{audio}: no .wav clips in this folder")
    layout = (audio / "yes").is_dir() or (audio / "no").is_dir()
    out = []
    for path in files:
        name = str(path.relative_to(audio))
        folder = path.parent.name if path.parent != audio else ""
        out.append((path, name, labels.get(name, labels.get(path.name,
                                                             label_of_folder(folder, layout)))))
    return out


def _mono_at_rate(path: Path) -> np.ndarray:
    if path.suffix.lower() in RAW_SUFFIXES:        # raw PCM: at the board's rate
        return read_raw_pcm(path)[:, 0]
    samples, rate = read_wav(path)
    mono = samples.mean(axis=1)
    return resample(mono[:, None], rate, RATE)[:, 0] if rate != RATE else mono


def lay_out(pieces, tail_s: float = TAIL_S) -> tuple[np.ndarray, list[dict]]:
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
    signal.append(np.zeros(int(tail_s * RATE)))
    return np.concatenate(signal), clips


def _pieces(audio, imu, manifest) -> tuple[Path, list]:
    if imu:
        raise LabError("micro_speech listens to the microphone only: --imu does not apply")
    root = Path(audio) if audio else DEFAULT_DATA
    if not root.exists():
        raise LabError(f"{root}: no such audio file or folder"
                       + ("" if audio else " (the committed test clips: see models/README.md)"))
    return root, [(_mono_at_rate(path), name, label)
                  for path, name, label in _clips(root, Path(manifest) if manifest else None)]


def _plan_of(pieces, source: str, tail_s: float = TAIL_S) -> Plan:
    signal, clips = lay_out(pieces, tail_s)
    feed = AudioFeed(signal, RATE, source, on_end="end")   # the run ends with the audio
    return Plan(audio=feed, clips=clips, min_timeout_s=len(signal) / RATE + BOOT_MARGIN_S)


def plan(audio=None, imu=None, on_end="end", manifest=None) -> Plan:
    """Every clip in one stream, back to back."""
    root, pieces = _pieces(audio, imu, manifest)
    return _plan_of(pieces, str(root))


def units(audio=None, imu=None, manifest=None) -> list[dict]:
    """One unit of work per clip: {name, expected, samples (int16 at RATE)}."""
    _, pieces = _pieces(audio, imu, manifest)
    return [{"name": name, "expected": label, "samples": to_int16(samples)}
            for samples, name, label in pieces]


SHARED_MARGIN_S = 0.05   # the resampler reaches back a few ms from a clip's first sample


def shared_start():
    """What every unit's run shares: the boot and the lead-in's silence. (the plan, and
    whether a run is still in the part every unit shares.)"""
    plan = _plan_of([], "lead-in", tail_s=0.0)

    def still_shared(session) -> bool:
        feed = session.microphone.source if session.microphone is not None else None
        if feed is None or feed.stream is None:
            return True
        return feed.position <= len(feed.stream) - SHARED_MARGIN_S * feed.stream_rate

    return plan, still_shared


def unit_plan(unit: dict) -> Plan:
    """A unit played alone: the lead-in, the clip and the gap that follows it in a
    stream (where its detections belong), nothing after."""
    return _plan_of([(unit["samples"].astype(np.float64), unit["name"], unit["expected"])],
                    unit["name"], tail_s=0.0)


def analyze(result) -> dict:
    """Clips are laid out in audio time; detections are stamped in audio time (t_ms), so
    a clip owns the detections from its start until the next clip starts."""
    detections = [e for e in result.events_named("detection") if e.get("label") != NOTHING]
    clips = clip_apps.attribute(result.clips, detections, until=lambda clip, next_start: next_start,
                                time_of=lambda d: d["t_ms"] / 1000.0, nothing=NOTHING)
    stream = result.streams.get("audio")
    start = stream.start_s if stream and stream.start_s is not None else 0.0
    for clip in clips:                                  # on the virtual clock for reports
        clip["start_s"] = round(start + clip["start_s"], 6)
        clip["end_s"] = round(start + clip["end_s"], 6)
    return clip_apps.summarize(clips, LABELS, NOTHING, len(detections), _load(result, stream))


def _load(result, stream) -> float | None:
    """Busy cycles / elapsed cycles while listening (sleep is not busy)."""
    if stream is None or stream.start_s is None or not stream.samples:
        return None
    elapsed = (result.virtual_s - stream.start_s) * result.clock_hz
    busy = result.cycles - stream.busy_cycles_at_start
    return round(busy / elapsed, 4) if elapsed > 0 else None


def host_heard(model_bytes: bytes, units: list[dict]) -> dict[int, str | None]:
    """What each unit's clip gives on the host: the C front end, TFLite Micro's own
    interpreter and the recognizer (lab.training.streaming), laid out as the unit."""
    from ..training.streaming import Replay
    from ..sensors.audio import to_int16
    heard = {}
    for unit in units:
        laid = unit_plan(unit)
        replay = Replay(to_int16(laid.audio.original[:, 0]), laid.clips)
        heard[unit["index"]] = replay.int8(model_bytes)["table"][0]["heard"]
    return heard


def merge(parts) -> dict:
    return clip_apps.merge(parts, LABELS, NOTHING)


def checks(expect: dict, result) -> list:
    return clip_apps.checks(expect, result, result.analysis.get("micro_speech", {}))


def summary(result) -> list[str]:
    analysis = result.analysis.get("micro_speech", {})
    lines = clip_apps.summary(result, analysis)
    load = analysis.get("load")
    if load is not None:
        verdict = "keeps up in real time" if load < 1 else "does NOT keep up"
        audio = result.streams.get("audio")
        lines.append(f"load: {load:.1%} of the core busy ({verdict}); dropped audio samples "
                     f"{audio.dropped if audio else 0}")
    return lines


def tables(result) -> list:
    return clip_apps.tables(result.analysis.get("micro_speech", {}))
