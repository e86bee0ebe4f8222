"""Runs an app on a platform: feeds, build, boot, run, the app's analysis.

`lab run APP`, scenarios and benchmarks all come through run_app(). An app's
analyzer (lab/apps/) may plan its inputs (e.g. micro_speech plays clips back to back
and knows when each one starts) and turns the finished run into the app's results.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .apps import analyzer
from .build import app_directory, app_spec, build
from .errors import LabError


@dataclass
class Plan:
    """Inputs for one run: sensor feeds and whatever the analyzer needs to remember."""
    audio: object = None
    imu: tuple | None = None
    context: dict = field(default_factory=dict)


def load_feeds(audio_path=None, imu_path=None, on_end: str = "silence") -> Plan:
    """Plain feeds from files (bad files raise LabError naming the file)."""
    from .sensors import imu
    from .sensors.audio import AudioFeed

    plan = Plan()
    if audio_path:
        plan.audio = AudioFeed.from_path(audio_path, on_end=on_end)
    if imu_path:
        accel_end = {"silence": "hold"}.get(on_end, on_end)
        plan.imu = (imu.load_acceleration(imu_path, accel_end),
                    imu.load_angular_rate(imu_path, accel_end))
    return plan


def plan_inputs(app: str | None, audio=None, imu_path=None, on_end="silence",
                manifest=None) -> Plan:
    app_analyzer = analyzer(app) if app else None
    if app_analyzer is not None and hasattr(app_analyzer, "plan"):
        return app_analyzer.plan(audio=audio, imu=imu_path, on_end=on_end, manifest=manifest)
    return load_feeds(audio, imu_path, on_end)


def default_timeout(app: str | None, fallback: float) -> float:
    if not app:
        return fallback
    try:
        spec = app_spec(app_directory(app))
    except LabError:
        return fallback
    return float((spec.run or {}).get("timeout", fallback))


class AppRun:
    """A finished run with its session still open (for plots); close() when done."""

    def __init__(self, session, result):
        self.session, self.result = session, result

    def close(self) -> None:
        self.session.close()


def run_app(platform, app: str | None = None, elf: str | Path | None = None, *, model=None,
            defines=(), plan: Plan | None = None, timeout_s: float | None = None,
            echo=None, strict_alignment: bool = False, progress=None,
            profile: bool = False) -> AppRun:
    """Build (unless `elf`), run until done, fault or `timeout_s` virtual seconds, and
    analyze. `progress(virtual_s, total_s)` is called every virtual second."""
    from .engines.embedded.session import Session

    if "embedded" not in platform.engines:
        raise LabError(f"platform {platform.name} runs on {', '.join(platform.engines)}, "
                       "not on the embedded engine")
    plan = plan or Plan()
    if elf is None:
        built = build(app, platform, defines=list(defines), model=model)
        elf, app = built.elf, built.app
    if not timeout_s:   # the app's default, long enough for the planned inputs
        timeout_s = max(default_timeout(app, 30.0), plan.context.get("min_timeout_s", 0))
    session = Session(platform, elf, app=app, echo=echo, strict_alignment=strict_alignment,
                      audio=plan.audio, imu=plan.imu)
    if profile:
        session.machine.core.enable_profile()
    try:
        _run_in_steps(session, timeout_s, progress)
        result = session.result()
        app_analyzer = analyzer(app) if app else None
        if app_analyzer is not None:
            app_analyzer.analyze(session, result, plan.context)
    except BaseException:
        session.close()
        raise
    return AppRun(session, result)


def _run_in_steps(session, timeout_s: float, progress, step_s: float = 1.0) -> None:
    elapsed = 0.0
    while elapsed < timeout_s:
        chunk = min(step_s, timeout_s - elapsed) if progress else timeout_s - elapsed
        reason = session.run(chunk)
        elapsed += chunk
        if progress:
            progress(min(elapsed, timeout_s), timeout_s)
        if reason is not None:
            return
