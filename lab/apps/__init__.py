"""What each example app's run means: app-specific analysis of a finished run.

An analyzer module (one per app) is a set of functions of the run's data, never of the
live machine:
  - `plan(audio, imu, on_end, manifest) -> Plan` (optional): lays out the app's inputs;
  - `analyze(result) -> dict`: the app's typed results (a dataclass's fields), stored
    in result.analysis[<app>] so they never overwrite the core fields;
  - `units(audio, imu, manifest)`, `unit_plan(unit)` and `merge([(analysis, offset s,
    virtual s)])` (optional): the data set as independent units (lab.units);
  - `EXPECT`: the JSON-schema properties of the scenario expectations it checks, and
    `checks(expect, result) -> [Check]` that evaluates them;
  - `summary(result) -> [str]`: the lines `lab run` prints after the UART;
  - `tables(result) -> [(title, header, rows)]`: the report's app sections.
"""
from __future__ import annotations

import importlib

ANALYZERS = {"hello_world": "hello_world", "micro_speech": "micro_speech",
             "magic_wand": "magic_wand"}


def analyzer(app: str | None):
    name = ANALYZERS.get(app or "")
    return importlib.import_module(f"{__name__}.{name}") if name else None


def analyze(result) -> None:
    """Fill result.analysis with the app's results (a no-op for apps without one). A
    data set run as units (result.units) is each unit analyzed, then merged."""
    app_analyzer = analyzer(result.app)
    if app_analyzer is None:
        return
    if result.units:
        result.analysis[result.app] = _merged_analysis(result, app_analyzer)
    else:
        result.analysis[result.app] = app_analyzer.analyze(result)


def _merged_analysis(result, app_analyzer) -> dict:
    from ..results import RunResult
    parts, offset = [], 0.0
    for data in result.units:
        unit = RunResult.from_dict(data)
        parts.append((app_analyzer.analyze(unit), offset, unit.virtual_s))
        offset += unit.virtual_s
    return app_analyzer.merge(parts)


def analysis_of(result) -> dict:
    return result.analysis.get(result.app, {})
