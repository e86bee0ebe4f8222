"""Running one scenario on one platform: inputs, run, checks, results folder.

Shared by `lab run SCENARIO`, `lab run --all` and the Robot keyword `Run Scenario`.
Everything the user gave is checked first (prepare: data, model, build); a bad input
is a LabError and no results folder exists. Once the run starts, its folder is
written whatever happens: a fault, failed checks, Ctrl-C.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import platforms, scenarios
from .errors import LabError
from .report import results_folder, write_all
from .results import END_INTERRUPTED, RunResult
from .runner import Prepared, execute, plan_inputs, prepare


@dataclass
class Overrides:
    """Command-line choices that replace a scenario's own."""
    model: str | None = None
    audio: str | None = None
    imu: str | None = None
    manifest: str | None = None
    timeout: float | None = None
    on_end: str = "silence"
    defines: list[str] = field(default_factory=list)
    strict_alignment: bool = False
    stream: bool = False            # one continuous stream instead of one unit per clip
    jobs: int | None = None         # local worker processes (default: one per core)
    cluster: str | None = None      # a Dask scheduler address, or "local"
    resume: Path | None = None      # a results folder to complete

    @property
    def own_data(self) -> bool:
        return bool(self.audio or self.imu or self.manifest)


@dataclass
class Outcome:
    scenario: scenarios.Scenario
    platform: str
    folder: Path
    result: object = None            # RunResult
    checks: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failures(self) -> list[str]:
        return [f"{self.scenario.name} on {self.platform}: {c.name}: expected {c.expected}, "
                f"got {c.actual}" for c in self.checks if not c.passed]

    def to_dict(self) -> dict:
        data = self.result.to_dict()
        data.update({"scenario": self.scenario.name, "results": str(self.folder),
                     "checks": [vars(c) for c in self.checks], "passed": self.passed})
        return data


@dataclass
class UnitsPrepared:
    """A data set as units (lab.units): the firmware built, the units planned."""
    platform: object
    firmware: object            # lab.units.Firmware
    units: list
    overrides: Overrides


def prepare_scenario(scenario, platform_name: str, overrides: Overrides | None = None):
    """Everything checked and built; LabError (nothing written) for bad input. A data
    set of clips or recordings becomes units, unless overrides.stream, or a single
    file is given (a long recording plays as it is)."""
    from . import units as unit_runs
    overrides = overrides or Overrides()
    platform = platforms.load(platform_name)
    if platform.name not in scenario.platforms and platform_name not in scenario.platforms:
        raise LabError(f"scenario {scenario.name} runs on {', '.join(scenario.platforms)}, "
                       f"not on {platform.name}")
    own = overrides.own_data
    audio = overrides.audio or (None if overrides.imu else scenario.audio)
    imu = overrides.imu or (None if overrides.audio else scenario.imu)
    manifest = overrides.manifest or (None if own else scenario.manifest)
    data = audio or imu
    as_units = unit_runs.has_units(scenario.app) and not overrides.stream and \
        not (data is not None and Path(data).is_file())
    if not as_units and (overrides.resume or overrides.cluster or overrides.jobs):
        raise LabError("-j, --cluster and --resume run a data set as units: "
                       f"{'--stream plays it as one' if overrides.stream else 'this run has none'}")
    if as_units:
        units = unit_runs.plan_units(scenario.app, audio, imu, manifest)
        for unit in units:
            unit["own_data"] = own
        built = prepare(platform, scenario.app, model=overrides.model or scenario.model,
                        defines=list(scenario.defines) + list(overrides.defines))
        firmware = unit_runs.Firmware(platform.name, built.app, built.elf.read_bytes(),
                                      overrides.timeout or scenario.timeout or 0.0)
        return UnitsPrepared(platform, firmware, units, overrides)
    plan = plan_inputs(scenario.app, audio, imu, overrides.on_end, manifest=manifest,
                       own_data=own)
    return prepare(platform, scenario.app, model=overrides.model or scenario.model,
                   defines=list(scenario.defines) + list(overrides.defines), plan=plan,
                   timeout_s=overrides.timeout or scenario.timeout,
                   strict_alignment=overrides.strict_alignment)


def run_prepared(scenario, prepared, results_base: Path | None = None, echo=None,
                 progress=None, unit_progress=None, drive=None) -> Outcome:
    """Run and write the results folder (also when the run fails or is interrupted).
    `drive`: see runner.execute (one run, not units)."""
    if isinstance(prepared, UnitsPrepared):
        return _run_units(scenario, prepared, results_base, unit_progress)
    folder = results_folder(scenario.name, prepared.platform.name, results_base)
    result = execute(prepared, echo=echo, progress=progress, drive=drive)
    return _finish(scenario, prepared.platform.name, folder, result)


def _finish(scenario, platform: str, folder: Path, result) -> Outcome:
    outcome = Outcome(scenario, platform, folder, result,
                      scenarios.check(scenario.expect, result))
    write_all(folder, scenario, result, outcome.checks)
    return outcome


def _run_units(scenario, prepared: UnitsPrepared, results_base, progress) -> Outcome:
    """Units run (or resumed) into the folder; the merged result is then checked and
    reported like any run. Ctrl-C: the finished units stay, the report says so."""
    from . import units as unit_runs
    overrides = prepared.overrides
    folder = overrides.resume or results_folder(scenario.name, prepared.platform.name,
                                                results_base)
    unit_runs.check_resumable(folder, prepared.firmware, prepared.units)
    started = time.monotonic()
    interrupted = False
    try:
        unit_runs.run_units(prepared.firmware, prepared.units, folder,
                            unit_runs.workers(overrides.jobs, overrides.cluster), progress)
    except KeyboardInterrupt:
        interrupted = True
    finished = unit_runs.load_finished(folder)
    unit_results = [finished[u["index"]] for u in prepared.units if u["index"] in finished]
    wall_s = time.monotonic() - started
    if unit_results:
        result = unit_runs.merge(unit_results, prepared.firmware.app, wall_s)
        result.recordings = unit_runs.recordings_of(folder, unit_results)
    elif interrupted:       # stopped before any unit finished: say so in the folder too
        result = RunResult(platform=prepared.platform.name, app=prepared.firmware.app,
                           engine="embedded", end=END_INTERRUPTED, virtual_s=0.0,
                           instructions=0, cycles=0, uart="", wall_s=round(wall_s, 3),
                           inputs={"units": 0})
    else:
        raise LabError("no unit finished")
    if interrupted or len(unit_results) < len(prepared.units):
        result.end = END_INTERRUPTED
    return _finish(scenario, prepared.platform.name, folder, result)


def run_scenario(scenario, platform_name: str, overrides: Overrides | None = None,
                 results_base: Path | None = None, echo=None, progress=None) -> Outcome:
    prepared = prepare_scenario(scenario, platform_name, overrides)
    return run_prepared(scenario, prepared, results_base, echo, progress)
