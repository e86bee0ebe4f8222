"""Running one scenario on one platform: inputs, run, checks, results folder.

Shared by `lab run SCENARIO`, `lab run --all` and the Robot keyword `Run Scenario`.
The results folder is written whatever happens, also when the run fails.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import platforms, scenarios
from .errors import LabError
from .report import results_folder, write_all


@dataclass
class Overrides:
    """Command-line choices that replace a scenario's own."""
    model: str | None = None
    audio: str | None = None
    imu: str | None = None
    timeout: float | None = None
    on_end: str = "silence"
    defines: list[str] = field(default_factory=list)
    strict_alignment: bool = False


@dataclass
class Outcome:
    scenario: scenarios.Scenario
    platform: str
    folder: Path
    result: object = None            # RunResult, None when the run could not start
    checks: list = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    def failures(self) -> list[str]:
        if self.error:
            return [f"{self.scenario.name} on {self.platform}: {self.error}"]
        return [f"{self.scenario.name} on {self.platform}: {c.name}: expected {c.expected}, "
                f"got {c.actual}" for c in self.checks if not c.passed]

    def to_dict(self) -> dict:
        data = self.result.to_dict() if self.result else {"end": "error", "error": self.error}
        data.update({"scenario": self.scenario.name, "platform": self.platform,
                     "results": str(self.folder), "checks": [vars(c) for c in self.checks],
                     "passed": self.passed})
        return data


def run_scenario(scenario, platform_name: str, overrides: Overrides | None = None,
                 results_base: Path | None = None, echo=None, progress=None) -> Outcome:
    from .runner import plan_inputs, run_app

    overrides = overrides or Overrides()
    platform = platforms.load(platform_name)
    outcome = Outcome(scenario, platform.name, results_folder(scenario.name, platform.name,
                                                              results_base))
    run = None
    try:
        plan = plan_inputs(scenario.app, overrides.audio or scenario.audio,
                           overrides.imu or scenario.imu, overrides.on_end,
                           manifest=scenario.manifest)
        run = run_app(platform, scenario.app, model=overrides.model or scenario.model,
                      defines=list(scenario.defines) + list(overrides.defines), plan=plan,
                      timeout_s=overrides.timeout or scenario.timeout, echo=echo,
                      progress=progress, strict_alignment=overrides.strict_alignment)
        outcome.result = run.result
        outcome.checks = scenarios.check(scenario.expect, run.result)
        write_all(outcome.folder, scenario.name, run.result, outcome.checks, run.session)
    except LabError as error:
        outcome.error = str(error)
        _write_error(outcome)
    finally:
        if run is not None:
            run.close()
    return outcome


def _write_error(outcome: Outcome) -> None:
    name, platform, message = outcome.scenario.name, outcome.platform, outcome.error
    folder = outcome.folder
    (folder / "result.json").write_text(json.dumps(outcome.to_dict(), indent=2, default=str))
    escaped = html.escape(message, quote=True)
    (folder / "junit.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<testsuite name="{name}-{platform}" '
        f'tests="1" failures="0" errors="1"><testcase classname="{name}" name="run">'
        f'<error message="{escaped}"/></testcase></testsuite>\n')
    (folder / "uart.log").write_text("")
    (folder / "report.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title></head><body>"
        f"<h1>{name} on {platform}: ERROR</h1><p>{escaped}</p></body></html>")
