"""Runs an app on a platform: inputs, build, boot, run, the app's analysis.

`lab run APP`, scenarios, profiles and benchmarks all come through here, in two steps:
prepare() checks everything that can be wrong with the user's input (platform, data,
model, the build) before anything is written; execute() runs the firmware and returns
the RunResult, with the app's analysis (lab/apps/) computed from the result alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import apps, snapshots
from .build import app_directory, app_spec, build
from .errors import LabError
from .inputs import Plan, load_feeds
from .results import END_INTERRUPTED

DEFAULT_TIMEOUT_S = 30.0


def plan_inputs(app: str | None, audio=None, imu=None, on_end="silence", manifest=None,
                own_data: bool | None = None) -> Plan:
    """The app's own layout of its inputs, or plain feeds. `own_data`: the data is the
    user's, not a scenario's (default: whenever audio or imu is given)."""
    app_analyzer = apps.analyzer(app)
    if app_analyzer is not None and hasattr(app_analyzer, "plan"):
        plan = app_analyzer.plan(audio=audio, imu=imu, on_end=on_end, manifest=manifest)
    else:
        if manifest:
            raise LabError(f"a manifest labels clips for micro_speech and magic_wand, not for "
                           f"{app or 'an ELF'}")
        plan = load_feeds(audio, imu, on_end)
    plan.own_data = bool(audio or imu or manifest) if own_data is None else own_data
    return plan


def default_timeout(app: str | None) -> float:
    if not app:
        return DEFAULT_TIMEOUT_S
    try:
        spec = app_spec(app_directory(app))
    except LabError:
        return DEFAULT_TIMEOUT_S
    return float((spec.run or {}).get("timeout", DEFAULT_TIMEOUT_S))


@dataclass
class Prepared:
    """A run with everything checked: the firmware built, the inputs loaded."""
    platform: object
    app: str | None
    elf: Path
    plan: Plan
    timeout_s: float
    strict_alignment: bool = False
    profile: bool = False
    save_at: tuple | None = None         # (snapshots.SavePoint, file): save the run there
    load: Path | None = None             # start from this snapshot instead of reset


def prepare(platform, app: str | None = None, elf: str | Path | None = None, *, model=None,
            defines=(), plan: Plan | None = None, timeout_s: float | None = None,
            strict_alignment: bool = False, profile: bool = False) -> Prepared:
    """Build (unless `elf`) and settle the time limit; LabError for bad input."""
    if "embedded" not in platform.engines:
        raise LabError(f"platform {platform.name} runs on {', '.join(platform.engines)}, "
                       "not on the embedded engine")
    plan = plan or Plan()
    if elf is None:
        built = build(app, platform, defines=list(defines), model=model)
        elf, app = built.elf, built.app
    elif not Path(elf).is_file():
        raise LabError(f"{elf}: no such ELF file")
    if not timeout_s:   # the app's default, long enough for the planned inputs
        timeout_s = max(default_timeout(app), plan.min_timeout_s)
    return Prepared(platform, app, Path(elf), plan, timeout_s, strict_alignment, profile)


def execute(prepared: Prepared, echo=None, progress=None, drive=None):
    """Run until done, fault, the time limit or Ctrl-C (end `interrupted`: what ran is
    kept); returns the RunResult with the app's analysis. `drive(session, timeout_s)`
    runs the session instead of the plain loop (the tools of lab.debug: GDB, ...)."""
    from .engines.embedded.session import Session

    plan = prepared.plan
    session = Session(prepared.platform, prepared.elf, app=prepared.app, echo=echo,
                      strict_alignment=prepared.strict_alignment, audio=plan.audio,
                      imu=plan.imu)
    try:
        if prepared.profile:
            session.enable_profile()
        inputs, timeout_s = plan.layout(), prepared.timeout_s
        session.run_info = {"inputs": inputs, "timeout_s": timeout_s}
        if prepared.load:      # the saved run's inputs and time limit (unless given)
            snapshots.load(session, prepared.load)
            inputs = session.run_info.get("inputs", inputs)
            timeout_s = timeout_s or session.run_info.get("timeout_s") or DEFAULT_TIMEOUT_S
        interrupted = False
        try:
            if prepared.save_at:
                _save_on_the_way(session, prepared)
            remaining_s = timeout_s - session.machine.seconds()
            if drive is not None:
                drive(session, remaining_s)
            else:
                _run_in_steps(session, remaining_s, progress)
        except KeyboardInterrupt:
            interrupted = True
        result = session.result(END_INTERRUPTED if interrupted else None)
        result.inputs = inputs
        if prepared.profile:
            result.profile = session.profile()
    finally:
        session.close()
    apps.analyze(result)
    return result


def run_app(platform, app: str | None = None, elf: str | Path | None = None, *, model=None,
            defines=(), plan: Plan | None = None, timeout_s: float | None = None,
            echo=None, strict_alignment: bool = False, progress=None,
            profile: bool = False, drive=None):
    """prepare() then execute(): the RunResult of one run."""
    prepared = prepare(platform, app, elf, model=model, defines=defines, plan=plan,
                       timeout_s=timeout_s, strict_alignment=strict_alignment, profile=profile)
    return execute(prepared, echo=echo, progress=progress, drive=drive)


def _save_on_the_way(session, prepared: Prepared) -> None:
    """Run to the save point, write the snapshot; the run then goes on unchanged."""
    point, path = prepared.save_at
    if not snapshots.run_to(session, point, prepared.timeout_s):
        raise LabError(f"the run ended before {point} (at {session.machine.seconds():.3f} "
                       "virtual s): no snapshot saved")
    snapshots.save(session, path)


def _run_in_steps(session, timeout_s: float, progress, step_s: float = 1.0) -> None:
    """`progress(virtual_s, total_s)` is called every virtual second."""
    elapsed = 0.0
    while elapsed < timeout_s:
        chunk = min(step_s, timeout_s - elapsed) if progress else timeout_s - elapsed
        reason = session.run(chunk)
        elapsed += chunk
        if progress:
            progress(min(elapsed, timeout_s), timeout_s)
        if reason is not None:
            return
