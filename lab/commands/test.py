"""`lab test`: every Robot Framework suite in robot/, in parallel with pabot.

Each suite makes its own inputs in its Suite Setup (lab.robot's Build Elf, Write Renode
Pcm, Write Renode Sample Text), so the suites run the same under `lab test`, `pabot robot/`
and `robot robot/`. Robot's output.xml, log.html, report.html and an xunit file go to
--outputdir.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import LabError
from ..platforms import ROOT
from .arguments import output_folder, positive_int

ROBOT_DIR = ROOT / "robot"


def register(subparsers) -> None:
    parser = subparsers.add_parser("test", help="run the Robot Framework suites (pabot)")
    parser.add_argument("suites", nargs="*", help="suite files or folders (default: robot/)")
    parser.add_argument("--outputdir", type=output_folder,
                        default=str(ROOT / "results" / "robot"),
                        help="where Robot writes output.xml, log.html, report.html, xunit.xml")
    parser.add_argument("--processes", type=positive_int, default=os.cpu_count() or 1,
                        help="parallel suites (default: one per core)")
    parser.set_defaults(handler=test_command)


def test_command(args) -> int:
    bin_dir = Path(sys.executable).parent
    if not shutil.which("pabot") and not (bin_dir / "pabot").exists():
        raise LabError("pabot is not installed: run `make setup`")
    suites = args.suites or [str(ROBOT_DIR)]
    for suite in suites:
        path = Path(suite)
        if not path.exists():
            raise LabError(f"{suite}: no such suite file or folder (suites are .robot files; "
                           f"`lab test` alone runs robot/)")
        if path.is_file() and path.suffix not in (".robot", ".resource", ".txt", ".tsv"):
            raise LabError(f"{suite}: not a Robot Framework suite (expected a .robot file)")
    outputdir = Path(args.outputdir)
    outputdir.mkdir(parents=True, exist_ok=True)
    command = [str(bin_dir / "pabot"), "--processes", str(args.processes),
               "--outputdir", str(outputdir), "--xunit", "xunit.xml", *suites]
    print(" ".join(command), flush=True)
    env = dict(os.environ, PATH=str(bin_dir) + os.pathsep + os.environ.get("PATH", ""))
    return subprocess.run(command, cwd=ROOT, env=env).returncode   # pabot starts `robot` by name
