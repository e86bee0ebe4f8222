"""What a run of `lab serve` is asked to do, checked and prepared the way `lab run` does it.

A request names a board and an app (or an uploaded ELF) and, for each sensor, either
nothing (the app's own data), an upload, or `live` (a browser streams it as the board
runs). The server checks a request with the loaders `lab run` uses before it starts a
process (check()); the run's process prepares it with lab.runner or, when the app is
also a scenario, with lab.scenario_run, exactly as `lab run APP --stream --audio ...`:
a data set plays as one stream, so that the page shows the board hearing it as it goes.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import LabError

LIVE = "live"
FILE_FIELDS = ("audio", "imu", "model", "elf", "manifest")
TEXT_FIELDS = ("app", "platform", "audio", "imu", "timeout")
REQUEST_FILE = "request.json"


@dataclass
class RunRequest:
    platform: str
    app: str | None = None
    elf: str | None = None          # uploads: paths relative to the run's folder
    model: str | None = None
    audio: str | None = None        # an upload, "live", or None: the app's own data
    imu: str | None = None
    manifest: str | None = None
    timeout: float | None = None    # virtual seconds (None: the app's own limit)
    limit_s: float = 300.0          # the server's wall-clock limit per run

    @property
    def live(self) -> list[str]:
        """The sensors a browser streams: "audio", "imu"."""
        return [kind for kind in ("audio", "imu") if getattr(self, kind) == LIVE]

    @property
    def name(self) -> str:
        return self.app or Path(self.elf).name

    def path(self, what: str, folder: Path) -> Path | None:
        value = getattr(self, what)
        return None if value in (None, LIVE) else folder / value

    def save(self, folder: Path) -> None:
        (folder / REQUEST_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> "RunRequest":
        return cls(**json.loads((folder / REQUEST_FILE).read_text()))


def from_fields(fields: dict, uploads: dict[str, Path | None], folder: Path,
                limit_s: float) -> RunRequest:
    """A request from JSON or form fields and the uploads' paths; LabError says what is
    wrong with it."""
    from .. import platforms
    from ..build import available_apps

    unknown = sorted(set(fields) - set(TEXT_FIELDS))
    if unknown:
        raise LabError(f"unknown field {unknown[0]!r} (fields: {', '.join(TEXT_FIELDS)}; "
                       f"files: {', '.join(FILE_FIELDS)})")
    platform = _text(fields, "platform") or "nrf52840"
    if platform not in platforms.available():
        raise LabError(f"unknown platform {platform!r}; available: "
                       f"{', '.join(platforms.available())}")
    app = _text(fields, "app")
    elf = uploads.get("elf")
    if bool(app) == bool(elf):
        raise LabError("give an app (see /api/catalogue) or upload an ELF, not both")
    if app and app not in available_apps():
        raise LabError(f"unknown app {app!r}; available: {', '.join(available_apps())}")
    request = RunRequest(platform=platform, app=app, timeout=_timeout(fields, limit_s),
                         limit_s=limit_s)
    for what in FILE_FIELDS:
        path = uploads.get(what)
        if path is not None:
            setattr(request, what, path.relative_to(folder).as_posix())
    for kind in ("audio", "imu"):
        said = _text(fields, kind)
        if said not in (None, "", LIVE):
            raise LabError(f"{kind}: upload a file, or say \"live\" to stream it from a "
                           f"browser (got {said!r})")
        if said == LIVE:
            if getattr(request, kind):
                raise LabError(f"{kind}: either live or an upload, not both")
            setattr(request, kind, LIVE)
    return request


def _text(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise LabError(f"{name}: expected text, got {json.dumps(value)}")
    return value.strip() or None


def _timeout(fields: dict, limit_s: float) -> float | None:
    value = fields.get("timeout")
    if value in (None, ""):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise LabError(f"timeout: {value!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise LabError(f"timeout: give a positive number of seconds (got {value!r})")
    return seconds


# ------------------------------------------------------------------ checking
def check(request: RunRequest, folder: Path) -> None:
    """Everything `lab run` would refuse, without building or running: the board and
    app, every upload through the lab's own loaders (WAV, PCM, CSV, RESD, .tflite, ELF)."""
    from .. import platforms
    from ..build import app_directory, app_spec, check_model, missing_for
    from ..elf import Firmware

    platform = platforms.load(request.platform)
    spec = None
    if request.app:
        spec = app_spec(app_directory(request.app))
        missing = missing_for(spec, platform)
        if missing:
            raise LabError(f"{request.app} needs {', '.join(missing)}, which "
                           f"{platform.name} does not provide")
    if request.audio == LIVE and not platform.microphone:
        raise LabError(f"{platform.name} has no microphone to stream into")
    if request.imu == LIVE and not platform.imu:
        raise LabError(f"{platform.name} has no IMU to stream into")
    if request.model:
        if spec is not None and "runtime" not in spec.libraries:
            raise LabError(f"{request.app} runs no model: a .tflite does not apply")
        check_model(request.path("model", folder))
    if request.elf:
        Firmware(request.path("elf", folder))
    if any(request.path(kind, folder) for kind in ("audio", "imu", "manifest")):
        plan(request, folder, live_feeds={})


def plan(request: RunRequest, folder: Path, live_feeds: dict):
    """The run's inputs: the app's own layout of uploads (as `lab run` plans them), and
    live feeds in place of the sensors a browser streams."""
    from ..inputs import load_feeds
    from ..runner import plan_inputs

    audio, imu = request.path("audio", folder), request.path("imu", folder)
    manifest = request.path("manifest", folder)
    if not request.live:
        return plan_inputs(request.app, audio, imu, manifest=manifest)
    if manifest:
        raise LabError("a manifest labels uploaded clips, not a live stream")
    inputs = load_feeds(audio, imu)
    if "audio" in live_feeds:
        inputs.audio = live_feeds["audio"]
    if "imu" in live_feeds:
        inputs.imu = (live_feeds["imu"], None)
    inputs.own_data = True
    return inputs


def prepare(request: RunRequest, folder: Path, live_feeds: dict):
    """(runner.Prepared, the run's name, the expectations to check): an app that is also
    a scenario runs as `lab run APP --stream` runs it, with the uploads as its data."""
    from .. import platforms
    from ..runner import prepare as prepare_run
    from ..scenario_run import Overrides, prepare_scenario

    platform = platforms.load(request.platform)
    scenario = _scenario(request, platform.name)
    if scenario is not None:       # one stream (as `lab run --stream`): watched as it plays
        overrides = Overrides(model=request.path("model", folder),
                              audio=request.path("audio", folder),
                              imu=request.path("imu", folder),
                              manifest=request.path("manifest", folder), timeout=request.timeout,
                              stream=True)
        return prepare_scenario(scenario, platform.name, overrides), scenario.name, \
            scenario.expect
    timeout = request.timeout or (request.limit_s if request.live else None)
    prepared = prepare_run(platform, request.app, request.path("elf", folder),
                           model=request.path("model", folder),
                           plan=plan(request, folder, live_feeds), timeout_s=timeout)
    return prepared, request.name, {}


def _scenario(request: RunRequest, platform: str):
    """The scenario `lab run APP` would run, unless the run is live or an ELF."""
    from .. import scenarios

    if request.live or not request.app or scenarios.find(request.app) is None:
        return None
    scenario = scenarios.load(scenarios.find(request.app))
    return scenario if platform in scenario.platforms and scenario.app == request.app else None


def public_message(message: str, folder: Path) -> str:
    """An error as the person who uploaded sees it: their file names, not the server's
    folders."""
    uploads = re.escape(str(folder / "uploads")) + r"/(?:%s)/" % "|".join(FILE_FIELDS)
    message = re.sub(uploads, "", message)
    return message.replace(str(folder) + "/", "").splitlines()[0] if message else message


# ------------------------------------------------------------------ catalogue
def catalogue() -> dict:
    """Boards and apps as `lab list --json` has them, with what the page needs to offer
    inputs: each app's needs and each board's LEDs and sensors."""
    from .. import platforms
    from ..build import app_directory, app_spec
    from ..commands import info

    listing = info.listing()
    for entry in listing["apps"]:
        entry["requires"] = list(app_spec(app_directory(entry["name"])).requires)
    for entry in listing["platforms"]:
        if entry.get("error"):
            continue
        platform = platforms.load(entry["name"])
        entry.update(leds=[led.name for led in platform.leds],
                     microphone=bool(platform.microphone), imu=bool(platform.imu))
    listing["default_platform"] = main_board()
    return listing


def main_board() -> str:
    """The board the page starts on: the main job's (`make demo`: micro_speech's first)."""
    from .. import scenarios
    return scenarios.load(scenarios.find("micro_speech")).platforms[0]
