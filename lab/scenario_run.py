"""Running one scenario on one platform: inputs, run, checks, results folder.

Shared by `lab run SCENARIO`, `lab run --all` and the Robot keyword `Run Scenario`.
Everything the user gave is checked first (prepare: data, model, build); a bad input
is a LabError and no results folder exists. Once the run starts, its folder is
written whatever happens: a fault, failed checks, Ctrl-C.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import platforms, scenarios
from .errors import LabError
from .report import results_folder, write_all
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


def prepare_scenario(scenario, platform_name: str, overrides: Overrides | None = None) -> Prepared:
    """Everything checked and built; LabError (nothing written) for bad input."""
    overrides = overrides or Overrides()
    platform = platforms.load(platform_name)
    if platform.name not in scenario.platforms and platform_name not in scenario.platforms:
        raise LabError(f"scenario {scenario.name} runs on {', '.join(scenario.platforms)}, "
                       f"not on {platform.name}")
    own = overrides.own_data
    plan = plan_inputs(scenario.app,
                       overrides.audio or (None if overrides.imu else scenario.audio),
                       overrides.imu or (None if overrides.audio else scenario.imu),
                       overrides.on_end,
                       manifest=overrides.manifest or (None if own else scenario.manifest),
                       own_data=own)
    return prepare(platform, scenario.app, model=overrides.model or scenario.model,
                   defines=list(scenario.defines) + list(overrides.defines), plan=plan,
                   timeout_s=overrides.timeout or scenario.timeout,
                   strict_alignment=overrides.strict_alignment)


def run_prepared(scenario, prepared: Prepared, results_base: Path | None = None, echo=None,
                 progress=None) -> Outcome:
    """Run and write the results folder (also when the run fails or is interrupted)."""
    folder = results_folder(scenario.name, prepared.platform.name, results_base)
    result = execute(prepared, echo=echo, progress=progress)
    outcome = Outcome(scenario, prepared.platform.name, folder, result,
                      scenarios.check(scenario.expect, result))
    write_all(folder, scenario, result, outcome.checks)
    return outcome


def run_scenario(scenario, platform_name: str, overrides: Overrides | None = None,
                 results_base: Path | None = None, echo=None, progress=None) -> Outcome:
    prepared = prepare_scenario(scenario, platform_name, overrides)
    return run_prepared(scenario, prepared, results_base, echo, progress)
