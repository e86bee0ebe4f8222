"""`lab eval`: a model inside the firmware, on a whole data set, on one or more boards.

The data set runs as units (lab.units: local processes or a Dask cluster, resumable);
each board's merged result is analyzed and checked like a scenario's and written to its
results folder. Next to the firmware's answer, each clip gets the host's: the same
front end and TFLite Micro's own interpreter on the host (the app's `host_heard`), so
the clips where the board and the host disagree are listed (the model is the same: a
disagreement is the firmware's pipeline, its timing or its arithmetic).
"""
from __future__ import annotations

from pathlib import Path

from . import apps, scenarios
from .errors import LabError


def evaluation_scenario(model: Path, app: str, data: Path, platforms: list[str],
                        manifest: Path | None = None) -> scenarios.Scenario:
    if not apps.analyzer(app) or not hasattr(apps.analyzer(app), "units"):
        raise LabError(f"lab eval evaluates apps that play a data set: micro_speech, "
                       f"magic_wand (not {app})")
    kind = "imu" if app == "magic_wand" else "audio"
    return scenarios.Scenario(name=f"eval-{app}", app=app, platforms=platforms, model=model,
                              manifest=manifest, expect={"finishes": True, "no_fault": True},
                              **{kind: data})


def compare_with_host(result, model_bytes: bytes, units: list[dict]) -> dict:
    """{clip rows with `host`, the clips only the firmware or only the host gets
    right}: stored in result.analysis["host"]."""
    app_analyzer = apps.analyzer(result.app)
    heard = app_analyzer.host_heard(model_bytes, units)
    clips = result.analysis[result.app]["clips"]
    nothing = result.analysis[result.app]["nothing"]
    rows = []
    for unit, clip in zip(units, clips):
        host = heard[unit["index"]]
        rows.append({"name": clip["name"], "expected": clip["expected"],
                     "firmware": clip["heard"], "host": host,
                     "firmware_right": clip["outcome"] == clip["expected"],
                     "host_right": (host or nothing) == clip["expected"]})
    labelled = [r for r in rows if r["expected"] is not None]
    return {"clips": rows,
            "agree": sum(r["firmware"] == r["host"] for r in rows),
            "host_accuracy": round(sum(r["host_right"] for r in labelled) / len(labelled), 4)
            if labelled else None,
            "only_host_right": [r["name"] for r in labelled
                                if r["host_right"] and not r["firmware_right"]],
            "only_firmware_right": [r["name"] for r in labelled
                                    if r["firmware_right"] and not r["host_right"]]}
