"""`lab test`: every Robot Framework suite in robot/, in parallel with pabot.

Before the suites run, their inputs are made from the project's own files: the ELFs
the Renode-style suites load (robot/build/<app>.elf) and Renode-format sensor data
(raw s16le PCM for the microphone, `x y z` text for the IMU) from the committed test
sets. Robot's output.xml, log.html, report.html and an xunit file go to --outputdir.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import LabError
from ..platforms import ROOT

ROBOT_DIR = ROOT / "robot"
BUILD_DIR = ROBOT_DIR / "build"
RENODE_STYLE_APPS = ("micro_speech", "magic_wand", "hello")


def register(subparsers) -> None:
    parser = subparsers.add_parser("test", help="run the Robot Framework suites (pabot)")
    parser.add_argument("suites", nargs="*", help="suite files or folders (default: robot/)")
    parser.add_argument("--outputdir", default=str(ROOT / "results" / "robot"),
                        help="where Robot writes output.xml, log.html, report.html, xunit.xml")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="parallel suites (default: one per core)")
    parser.set_defaults(handler=test_command)


def prepare_inputs() -> None:
    """ELFs and Renode-format data the Renode-style suites refer to."""
    from .. import platforms
    from ..build import build
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    platform = platforms.load("nrf52840")
    for app in RENODE_STYLE_APPS:
        try:
            built = build(app, platform)
        except LabError as error:   # the suites that need it fail, naming the ELF
            print(f"lab test: cannot prepare {app}.elf: {error}", file=sys.stderr)
            continue
        shutil.copyfile(built.elf, BUILD_DIR / f"{app}.elf")
    _speech_pcm()
    _gesture_text()


def _first(pattern: str) -> Path | None:
    found = sorted(ROOT.glob(pattern))
    return found[0] if found else None


def _speech_pcm() -> None:
    """One clip per word as Renode's raw s16le PCM, spoken after the lead-in of digital
    silence `lab run micro_speech` also gives: the board has booted and its front end
    has a full window of audio before the word starts, as when someone speaks to a
    board that is already listening."""
    from ..apps.micro_speech import LEAD_IN_S, RATE
    from ..sensors.convert import convert
    for word in ("yes", "no"):
        clip = _first(f"data/test/speech/{word}/*.wav")
        if clip:
            target = BUILD_DIR / f"{word}.s16le.pcm"
            convert(clip, target, rate=RATE)
            target.write_bytes(bytes(2 * int(LEAD_IN_S * RATE)) + target.read_bytes())


def _gesture_text() -> None:
    """One recording per gesture as Renode's `x y z` sample text (119 Hz, one per tick)."""
    from ..sensors.imu import read_csv
    for gesture in ("ring", "wing", "slope"):
        recording = _first(f"data/test/gestures/{gesture}/*.csv")
        if recording:
            _, values = read_csv(recording)
            lines = ["# acceleration in g, one sample per 119 Hz output tick"]
            lines += [f"{x:.6f} {y:.6f} {z:.6f}" for x, y, z in values]
            (BUILD_DIR / f"{gesture}.data").write_text("\n".join(lines) + "\n")


def test_command(args) -> int:
    if not shutil.which("pabot") and not (Path(sys.executable).parent / "pabot").exists():
        raise LabError("pabot is not installed: run `make setup`")
    prepare_inputs()
    suites = args.suites or [str(ROBOT_DIR)]
    outputdir = Path(args.outputdir)
    outputdir.mkdir(parents=True, exist_ok=True)
    pabot = str(Path(sys.executable).parent / "pabot")
    command = [pabot, "--processes", str(max(1, args.processes)), "--outputdir", str(outputdir),
               "--xunit", "xunit.xml", *suites]
    print(" ".join(command), flush=True)
    bin_dir = str(Path(sys.executable).parent)      # pabot starts `robot` by name
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(command, cwd=ROOT, env=env).returncode
