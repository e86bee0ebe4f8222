"""Apps that play clips or recordings back to back and detect something in each
(micro_speech, magic_wand): which detection belongs to which clip, accuracy, the
confusion matrix, and the expectations about them.

Labels come from the data (a Speech Commands-style layout, labels.csv, a manifest) or
are absent; an unlabelled clip is reported, never judged. The expectations here are
about the scenario's own data (its accuracy, its clips' names): with the user's own
data (`--audio`, `--imu`) they do not apply, and the run reports what it heard.
"""
from __future__ import annotations

import csv
import fnmatch
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import LabError
from ..results import Check

EXPECT = {
    "labels": {"type": "boolean"},
    "accuracy_at_least": {"type": "number", "minimum": 0, "maximum": 1},
    "no_detection_on": {"type": "array", "items": {"type": "string"}},
}


@dataclass
class ClipAnalysis:
    clips: list[dict]                 # name, expected, heard, outcome, score, latency_s, ...
    labels: list[str]                 # the model's labels, for the confusion matrix
    nothing: str                      # the label that no detection counts as
    accuracy: float | None            # over the labelled clips
    confusion: dict                   # {"labels": [...], "matrix": rows expected x heard}
    recall: dict                      # {label: share of its clips heard as it}
    detections: int
    load: float | None = None         # busy share of the core while listening
    extra: dict = field(default_factory=dict)


def read_manifest(path: Path) -> dict[str, str]:
    """file -> label, from CSV (file,label) or JSON ({file: label} or [{file, label}])."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise LabError(f"{path}: cannot read the manifest ({error})") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
            items = data.items() if isinstance(data, dict) else \
                ((d["file"], d["label"]) for d in data)
            return {str(k): str(v) for k, v in items}
        rows = [r for r in csv.reader(text.splitlines()) if r and not r[0].startswith("#")]
        if rows and [c.strip() for c in rows[0][:2]] == ["file", "label"]:
            rows = rows[1:]
        return {r[0].strip(): r[1].strip() for r in rows}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise LabError(f"{path}: a manifest is CSV `file,label` rows or JSON "
                       "{file: label}") from None


def attribute(clips: list[dict], detections: list[dict], until, time_of, nothing: str) -> list[dict]:
    """Each clip with the first detection that belongs to it: from the clip's start
    until `until(clip, next_start)` (the model needs time to react)."""
    starts = [c["start_s"] for c in clips] + [float("inf")]
    out = []
    for index, clip in enumerate(clips):
        clip = dict(clip)
        end = until(clip, starts[index + 1])
        heard = [d for d in detections if clip["start_s"] <= time_of(d) < end]
        first = heard[0] if heard else None
        clip["heard"] = first["label"] if first else None
        clip["outcome"] = clip["heard"] or nothing       # what counts, no detection included
        clip["score"] = first["score"] if first else None
        clip["latency_s"] = round(time_of(first) - clip["start_s"], 3) if first else None
        out.append(clip)
    return out


def summarize(clips: list[dict], labels, nothing: str, detections: int,
              load: float | None = None) -> dict:
    labelled = [c for c in clips if c.get("expected") is not None]
    correct = sum(c["outcome"] == c["expected"] for c in labelled)
    matrix = confusion(labelled, labels, nothing)
    analysis = ClipAnalysis(
        clips=clips, labels=list(labels), nothing=nothing,
        accuracy=round(correct / len(labelled), 4) if labelled else None,
        confusion=matrix, recall=recall(matrix), detections=detections, load=load)
    return asdict(analysis)


def recall(matrix: dict) -> dict:
    """Per expected label: the share of its clips heard as that label."""
    out = {}
    for i, (label, row) in enumerate(zip(matrix["labels"], matrix["matrix"])):
        if sum(row):
            out[label] = round(row[i] / sum(row), 4)
    return out


def merge(parts, labels, nothing: str) -> dict:
    """One analysis of units laid end to end: [(unit analysis, offset s, virtual s)]."""
    clips, detections, busy, listened = [], 0, 0.0, 0.0
    for analysis, offset, virtual_s in parts:
        for clip in analysis["clips"]:
            clips.append(dict(clip, start_s=round(clip["start_s"] + offset, 6),
                              end_s=round(clip["end_s"] + offset, 6)))
        detections += analysis["detections"]
        if analysis.get("load") is not None:
            busy += analysis["load"] * virtual_s
            listened += virtual_s
    load = round(busy / listened, 4) if listened else None
    return summarize(clips, labels, nothing, detections, load)


def confusion(clips, labels, nothing: str) -> dict:
    """Rows: expected label; columns: what was heard (no detection counts as `nothing`)."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for clip in clips:
        expected, heard = clip["expected"], clip["heard"] or nothing
        if expected in index and heard in index:
            matrix[index[expected]][index[heard]] += 1
    return {"labels": list(labels), "matrix": matrix}


def checks(expect: dict, result, analysis: dict) -> list[Check]:
    """The clip expectations, on the scenario's own data only."""
    if result.inputs.get("own_data"):
        return []
    clips = analysis.get("clips", [])
    out = []
    if expect.get("labels"):
        out += [Check(f"clip {c['name']}", c["outcome"] == c["expected"], str(c["expected"]),
                      str(c["outcome"])) for c in clips if c.get("expected") is not None]
    if "accuracy_at_least" in expect:
        accuracy = analysis.get("accuracy")
        out.append(Check("accuracy", accuracy is not None and
                         accuracy >= expect["accuracy_at_least"],
                         f">= {expect['accuracy_at_least']:.3f}", Check.format(accuracy)))
    for pattern in expect.get("no_detection_on", []):
        out += [Check(f"no detection on {c['name']}", c["heard"] is None, "no detection",
                      str(c["heard"])) for c in clips if fnmatch.fnmatch(c["name"], pattern)]
    return out


def summary(result, analysis: dict) -> list[str]:
    clips = analysis.get("clips", [])
    width = max([len(c["name"]) for c in clips] + [4]) + 2
    lines = [f"{'clip':<{width}}{'expected':>10}{'heard':>10}{'score':>7}{'latency s':>11}"]
    for c in clips:
        latency = f"{c['latency_s']:.2f}" if c["latency_s"] is not None else "-"
        lines.append(f"{c['name']:<{width}}{str(c['expected'] or '-'):>10}"
                     f"{str(c['heard'] or '-'):>10}{str(c['score'] or '-'):>7}{latency:>11}")
    matrix = analysis.get("confusion")
    if matrix and any(any(row) for row in matrix["matrix"]):
        lines.append(f"confusion (rows expected, columns heard; no detection = "
                     f"{analysis['nothing']}):")
        lines.append(" " * 10 + "".join(f"{label:>9}" for label in matrix["labels"]))
        for label, row in zip(matrix["labels"], matrix["matrix"]):
            lines.append(f"{label:>10}" + "".join(f"{n:>9}" for n in row))
    if analysis.get("accuracy") is not None:
        labelled = sum(c.get("expected") is not None for c in clips)
        lines.append(f"accuracy {analysis['accuracy']:.1%} on {labelled} labelled clips; "
                     "recall " + ", ".join(f"{label} {share:.1%}" for label, share
                                           in (analysis.get("recall") or {}).items()))
    elif clips:
        lines.append(f"{len(clips)} clips without labels: what the board heard is above "
                     "(labels come from a Speech Commands-style folder, labels.csv or "
                     "--manifest)")
    return lines


def tables(analysis: dict) -> list[tuple[str, list, list]]:
    clips = analysis.get("clips", [])
    out = []
    if clips:
        out.append(("Clips", ["clip", "expected", "heard", "score", "latency s"],
                    [[c["name"], c.get("expected"), c.get("heard"), c.get("score"),
                      c.get("latency_s")] for c in clips]))
    matrix = analysis.get("confusion")
    if matrix and any(any(row) for row in matrix["matrix"]):
        labels = matrix["labels"]
        out.append(("Confusion matrix (rows: expected, columns: heard)", [""] + labels,
                    [[labels[i]] + row for i, row in enumerate(matrix["matrix"])]))
    return out
