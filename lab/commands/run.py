"""`lab build` and `lab run`: firmware builds and runs on the embedded engine."""
from __future__ import annotations

import sys
from pathlib import Path

from .. import platforms
from ..build import build
from ..errors import LabError
from ..results import END_DONE, RunResult

DEFAULT_TIMEOUT_S = 30.0


def register(subparsers) -> None:
    parser = subparsers.add_parser("build", help="build an app's firmware for a platform")
    parser.add_argument("app", help="app name (see `lab list`) or a directory of C sources")
    parser.add_argument("--platform", "-p", required=True, help="board, e.g. nrf52840")
    parser.add_argument("--model", help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                        help="a C define for the build (repeatable)")
    parser.add_argument("--verbose", "-v", action="store_true", help="show compiler output")
    parser.set_defaults(handler=build_command)

    parser = subparsers.add_parser("run", help="build, boot and run firmware on a virtual board")
    parser.add_argument("app", nargs="?", help="app name (see `lab list`) or a source directory")
    parser.add_argument("--platform", "-p", required=True, help="board, e.g. nrf52840")
    parser.add_argument("--elf", help="run this ELF instead of building an app")
    parser.add_argument("--model", help="a .tflite to compile in instead of the app's default")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help=f"virtual seconds before giving up (default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the results instead of the UART")
    parser.add_argument("--audio", metavar="FILE|DIR",
                        help="what the microphone hears: a WAV, raw s16le PCM, or a folder of WAVs")
    parser.add_argument("--imu", metavar="FILE",
                        help="what the accelerometer feels: CSV t,ax,ay,az / Renode sample "
                             "text / RESD")
    parser.add_argument("--on-end", choices=("silence", "loop", "end"), default="silence",
                        help="when the audio runs out: silence (default), loop, or end the run")
    parser.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                        help="a C define for the app's build (repeatable)")
    parser.add_argument("--strict-alignment", action="store_true",
                        help="trap LDRD/LDM/PUSH... at unaligned addresses as the core does "
                             "(checks every access: about half the speed)")
    parser.set_defaults(handler=run_command)


def build_command(args) -> int:
    platform = platforms.load(args.platform)
    result = build(args.app, platform, verbose=args.verbose, model=args.model,
                   defines=args.define)
    print(f"built {result.summary()}")
    return 0


def run_command(args) -> int:
    if args.timeout <= 0:
        raise LabError("--timeout must be a positive number of virtual seconds")
    platform = platforms.load(args.platform)
    if args.elf and args.app:
        raise LabError("give either an app or --elf FILE, not both")
    if not args.elf and not args.app:
        raise LabError("give an app to build and run (see `lab list`) or --elf FILE")
    feeds = load_feeds(args.audio, args.imu, args.on_end)   # bad input stops here
    if args.elf:
        elf, app = args.elf, Path(args.elf).name
    else:
        built = build(args.app, platform, defines=args.define, model=args.model)
        elf, app = built.elf, built.app
    result = run_firmware(platform, elf, app, args.timeout, echo=not args.json,
                          strict_alignment=args.strict_alignment, **feeds)
    if args.json:
        print(result.to_json())
    else:
        print_summary(result)
    return 0 if result.end == END_DONE else 1


def load_feeds(audio_path, imu_path, on_end: str) -> dict:
    """Sensor feeds for the run (bad files raise LabError naming the file)."""
    from ..sensors import imu
    from ..sensors.audio import AudioFeed

    feeds = {}
    if audio_path:
        feeds["audio"] = AudioFeed.from_path(audio_path, on_end=on_end)
    if imu_path:
        accel_end = {"silence": "hold"}.get(on_end, on_end)
        feeds["imu"] = (imu.load_acceleration(imu_path, accel_end),
                        imu.load_angular_rate(imu_path, accel_end))
    return feeds


def run_firmware(platform, elf, app, timeout_s: float, echo: bool,
                 strict_alignment: bool = False, audio=None, imu=None) -> RunResult:
    from ..engines.embedded.session import Session, print_line

    if "embedded" not in platform.engines:
        raise LabError(f"platform {platform.name} runs on {', '.join(platform.engines)}, "
                       "not on the embedded engine")
    from ..apps import analyzer

    session = Session(platform, elf, app=app, echo=print_line if echo else None,
                      strict_alignment=strict_alignment, audio=audio, imu=imu)
    try:
        session.run(timeout_s)
        result = session.result()
        app_analyzer = analyzer(app) if app else None
        if app_analyzer:
            app_analyzer.analyze(session, result)
        return result
    finally:
        session.close()


def print_summary(result: RunResult) -> None:
    from ..apps import analyzer

    app_analyzer = analyzer(result.app)
    if app_analyzer:
        print("\n".join(app_analyzer.summary(result)))
    mips = result.instructions / result.wall_s / 1e6 if result.wall_s else 0.0
    line = (f"[lab] {result.app} on {result.platform}: {result.end} after "
            f"{result.virtual_s:.6f} virtual s, {result.instructions} instructions, "
            f"{result.cycles} cycles; wall {result.wall_s:.2f} s ({mips:.0f} MIPS)")
    print(line, file=sys.stderr)
    if result.fault:
        print(f"[lab] fault: {result.fault.summary()}", file=sys.stderr)
    elif result.end != END_DONE:
        print(f"[lab] no `@lab done` within the time limit ({result.end})", file=sys.stderr)
