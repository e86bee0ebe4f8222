"""Debian's qemu-system-arm as an engine, for the boards QEMU has (platform `qemu:` entry).

Firmware talks through semihosting (QEMU's `-semihosting`): its `@lab` lines are
parsed by the same protocol parser into the same results model. QEMU runs with
`-icount shift=0,sleep=off`, so its clock advances one nanosecond per instruction, jumps
to the next timer while the core sleeps (as the embedded engine skips sleep) and a run is
reproducible; the lab cannot see inside it, so instructions and cycles are not
reported, and the time limit is one of wall-clock seconds.
"""
from __future__ import annotations

import selectors
import shutil
import subprocess
import time
from pathlib import Path

from ..elf import read_firmware
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
            "-semihosting-config", "enable=on,target=native", "-icount", "shift=0,sleep=off",
            "-kernel", str(elf)]


def run(platform, elf, app: str | None = None, timeout_s: float = 30.0,
        echo=None) -> RunResult:
    """Run `elf` under QEMU until `@lab done`, a semihosting exit, or `timeout_s` wall s."""
    firmware = read_firmware(elf)
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
                               stderr=subprocess.DEVNULL)
    try:
        end = _read_until_done(process, reader, events, started + timeout_s)
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


def _read_until_done(process, reader, events, deadline: float) -> str:
    """Feed QEMU's output to `reader` until `@lab done`, its exit, or the wall-clock
    `deadline`: the wait for output is bounded too (a silent firmware never hangs it)."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not any(e.name == "done" for e in events):
            left = deadline - time.monotonic()
            if left <= 0:
                return END_TIMEOUT
            if not selector.select(timeout=min(left, 0.5)):
                continue
            chunk = process.stdout.read1(4096)
            if not chunk:                              # QEMU exited
                status = process.wait()
                return END_DONE if status == 0 else END_EXIT
            reader.feed(chunk, None)
    return END_DONE
