"""`lab list` (platforms and apps) and `lab doctor` (tools and engines)."""
from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess

from .. import builders, platforms, scenarios
from ..build import APPS_DIR, app_directory, app_spec, available_apps, missing_for
from ..errors import LabError


def register(subparsers) -> None:
    parser = subparsers.add_parser("list", help="show platforms, apps (and where they run), "
                                                "scenarios")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=list_command)
    parser = subparsers.add_parser("doctor", help="check tools and engines")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=doctor_command)


def listing() -> dict:
    """Boards, apps (which board each runs on) and scenarios, as `lab list --json`."""
    boards = _platforms()
    return _listing_json(boards, {app: _app_boards(app, boards) for app in available_apps()})


def list_command(args) -> int:
    if args.json:
        print(json.dumps(listing(), indent=2))
        return 0
    boards = _platforms()
    apps = {app: _app_boards(app, boards) for app in available_apps()}
    print("platforms:")
    for name, platform, error in boards:
        if error:
            print(f"  {name:<14} (invalid: {error})")
            continue
        runs = [app for app, (ok, _) in apps.items() if name in ok]
        print(f"  {name:<14} {platform.soc}: {platform.cpu.core} @ "
              f"{platform.cpu.clock_hz / 1e6:g} MHz, engines: {', '.join(platform.engines)}")
        print(f"  {'':<14} {platform.description}")
        sensors = _sensors(platform)
        print(f"  {'':<14} sensors: "
              + (", ".join(f"{kind} {model}" for kind, model in sensors.items()) or "none"))
        print(f"  {'':<14} apps: {', '.join(runs) or 'none yet (run ELFs with --elf)'}")
    print("apps:")
    for app, (ok, missing) in apps.items():
        print(f"  {app:<14} {_app_summary(app)}")
        print(f"  {'':<14} runs on: {', '.join(ok) or 'no board'}"
              + "".join(f"; not {board} (no {', '.join(need)})" for board, need in missing.items()))
    print("scenarios:")
    for name in scenarios.available():
        try:
            s = scenarios.load(scenarios.find(name))
            print(f"  {name:<14} app {s.app} on {', '.join(s.platforms)} - {s.description}")
        except LabError as error:
            print(f"  {name:<14} (invalid: {error})")
    return 0


def _platforms():
    out = []
    for name in platforms.available():
        try:
            out.append((name, platforms.load(name), None))
        except LabError as error:
            out.append((name, None, str(error)))
    return out


def _app_boards(app: str, boards) -> tuple[list[str], dict[str, list[str]]]:
    """(boards whose HAL provides what the app needs, {other board: what is missing})."""
    spec = app_spec(app_directory(app))
    ok, missing = [], {}
    for name, platform, error in boards:
        if error:
            continue
        need = missing_for(spec, platform) if platform.build.get("board") else ["a firmware board"]
        if need:
            missing[name] = need
        else:
            ok.append(name)
    return ok, missing


def _sensors(platform) -> dict[str, str]:
    """{"imu": its device model, "microphone": the peripheral that hears} of a board."""
    sensors = {}
    if platform.imu:
        bus, _, name = platform.imu.partition(".")
        part = next((p for p in platform.parts if p.bus == bus and p.name == name), None)
        if part is not None:
            sensors["imu"] = part.model
    spec = platform.peripheral(platform.microphone or "")
    if spec is not None:
        sensors["microphone"] = spec.model.split(".")[-1]
    return sensors


def _listing_json(boards, apps) -> dict:
    return {
        "platforms": [{"name": name, "error": error} if error else
                      {"name": name, "soc": p.soc, "core": p.cpu.core,
                       "clock_hz": p.cpu.clock_hz, "sensors": _sensors(p),
                       "engines": p.engines, "description": p.description,
                       "apps": [a for a, (ok, _) in apps.items() if name in ok]}
                      for name, p, error in boards],
        "apps": [{"name": app, "description": _app_summary(app), "platforms": ok,
                  "missing": missing} for app, (ok, missing) in apps.items()],
        "scenarios": scenarios.available(),
    }


def _app_summary(app: str) -> str:
    described = app_spec(app_directory(app)).description
    if described:
        return described
    main = APPS_DIR / app / "main.c"
    if main.exists():
        text = main.read_text().lstrip()
        if text.startswith("/*"):
            comment = text[2:text.find("*/")].strip().replace("\n *", " ")
            return " ".join(comment.split())
    return ""


def _tool_version(command: list[str]) -> str | None:
    if not shutil.which(command[0]):
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0] if lines else "present"


def _package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def doctor_command(args) -> int:
    rows = [_builder_row()]   # (what, status line, essential)
    builds_here = rows[0][1].startswith("local")
    for tool, command, essential in (
            ("arm-none-eabi-gcc", ["arm-none-eabi-gcc", "--version"], builds_here),
            ("make", ["make", "--version"], builds_here),
            ("gcc (host)", ["gcc", "--version"], True),
            ("qemu-system-arm", ["qemu-system-arm", "--version"], False),
            ("renode", ["renode", "--version"], False)):
        version = _tool_version(command)
        rows.append((tool, version or "missing", essential and version is None))
    for package, essential in (("unicorn", True), ("pyelftools", True), ("numpy", True),
                               ("tensorflow", False), ("tflite-micro", False),
                               ("robotframework", False)):
        version = _package_version(package)
        rows.append((f"python: {package}", version or "missing", essential and not version))
    rows.append(_native_helper_row())
    rows.append(("engine: embedded", "ready" if not any(r[2] for r in rows) else "not ready",
                 False))
    rows.append(("engine: qemu", "ready" if shutil.which("qemu-system-arm") else
                 "unavailable (apt-get install qemu-system-arm)", False))
    rows.append(("engine: renode", "ready" if shutil.which("renode") else
                 "unavailable (no package registry carries Renode)", False))
    if args.json:
        print(json.dumps({"ready": not any(broken for _, _, broken in rows),
                          "checks": [{"what": what, "status": status, "missing": broken}
                                     for what, status, broken in rows]}, indent=2))
        return 1 if any(broken for _, _, broken in rows) else 0
    width = max(len(r[0]) for r in rows)
    for what, status, broken in rows:
        print(f"{what:<{width}}  {'MISSING ' if broken else ''}{status}")
    if any(broken for what, _, broken in rows if what != "builder"):
        print("\nrun `make setup` to install what is missing")
    if any(broken for _, _, broken in rows):
        return 1
    return 0


def _builder_row():
    """Where firmware builds (LAB_BUILDER): the local toolchain, or the Docker image,
    asked for its compiler (which needs the engine and the image)."""
    try:
        builder = builders.from_environment()
        return ("builder", f"{builder.name}: {builder.toolchain_version()}", False)
    except LabError as error:
        return ("builder", str(error), True)


def _native_helper_row():
    try:
        from ..engines.embedded import native
        path = native.build()
        return ("native helper", f"built ({path.name})", False)
    except Exception as error:   # reported, not raised: doctor lists everything
        return ("native helper", f"cannot build: {error}", True)
