"""Debian's qemu-system-arm as an engine, for the boards QEMU has (platform `qemu:` entry).

Firmware talks through semihosting (QEMU's `-semihosting`): its `@lab` lines are
parsed by the same protocol parser into the same results model. QEMU runs with
`-icount shift=0`, so its clock advances one nanosecond per instruction and a run is
reproducible; the lab cannot see inside it, so instructions and cycles are not
reported, and the time limit is one of wall-clock seconds.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from ..elf import Firmware
from ..errors import LabError
from ..protocol import LineReader, parse_line
from ..results import END_DONE, END_EXIT, END_TIMEOUT, RunResult


def command(platform, elf: Path) -> list[str]:
    qemu = platform.qemu
    if not qemu.get("machine"):
        raise LabError(f"platform {platform.name} has no QEMU machine (no `qemu:` entry)")
    binary = shutil.which("qemu-system-arm")
    if not binary:
        raise LabError("qemu-system-arm not found: run `make setup` "
                       "(or apt-get install qemu-system-arm)")
    return [binary, "-M", qemu["machine"], "-cpu", qemu.get("cpu", "cortex-m4"),
            "-display", "none", "-monitor", "none", "-serial", "none",
            "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
            "-kernel", str(elf)]


def run(platform, elf, app: str | None = None, timeout_s: float = 30.0,
        echo=None) -> RunResult:
    """Run `elf` under QEMU until `@lab done`, a semihosting exit, or `timeout_s` wall s."""
    firmware = Firmware(elf)
    lines, events = [], []

    def on_line(text, _time):
        lines.append(text)
        if echo:
            echo(text)
        event = parse_line(text)
        if event is not None:
            events.append(event)

    reader = LineReader(on_line)
    started = time.monotonic()
    process = subprocess.Popen(command(platform, Path(elf)), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    end = END_TIMEOUT
    try:
        for chunk in iter(lambda: process.stdout.read1(4096), b""):
            reader.feed(chunk, None)
            if any(e.name == "done" for e in events) or \
                    time.monotonic() - started > timeout_s:
                break
        if any(e.name == "done" for e in events):
            end = END_DONE
        elif process.wait(timeout=max(0.1, timeout_s - (time.monotonic() - started))) == 0:
            end = END_DONE
        else:
            end = END_EXIT
    except subprocess.TimeoutExpired:
        end = END_TIMEOUT
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    flash, ram = platform.region("flash"), platform.region("ram")
    return RunResult(
        platform=platform.name, app=app or Path(elf).name, engine="qemu", end=end,
        virtual_s=0.0, instructions=0, cycles=0,
        uart="\n".join(lines) + ("\n" if lines else "") + reader.pending(),
        events=[e.to_dict() for e in events], exit_code=process.returncode,
        firmware={"elf": str(elf), **firmware.sizes((flash.base, flash.size),
                                                    (ram.base, ram.size))},
        wall_s=round(time.monotonic() - started, 3))
