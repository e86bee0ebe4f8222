"""The tools a `lab run` can attach (--gdb, --uart, ...), as one `drive` function for
runner.execute: the session then runs in short slices of virtual time, and each tool
does its host I/O between slices (slices do not change what the firmware does)."""
from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

from ..errors import LabError

TOOL_OPTIONS = ("gdb", "uart", "vcd")
SLICE_S = 0.01                 # virtual seconds between two looks at the host


def requested(args) -> list[str]:
    return [name for name in TOOL_OPTIONS if getattr(args, name, None) is not None]


def check_usable(args, where: str) -> None:
    """One-line error when a tool is asked for where it cannot attach."""
    tools = requested(args)
    if tools:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in tools)
        raise LabError(f"{options}: for one run on the embedded engine, not {where}")


def echoes_uart(args) -> bool:
    """Whether the run may print the UART's lines (not when the UART is this terminal)."""
    return getattr(args, "uart", None) != "stdio"


def driver(args):
    """The drive(session, timeout_s) for the requested tools, or None for a plain run."""
    if not requested(args):
        return None

    def drive(session, timeout_s: float) -> None:
        opened = []
        try:
            if args.vcd is not None:
                from .waveforms import WaveformRecorder
                opened.append(WaveformRecorder(session, args.vcd))
            if args.uart is not None:
                from .serial_port import HostSerial
                serial = HostSerial(session, args.uart)
                opened.append(serial)
                print(serial.describe(), file=sys.stderr, flush=True)
            between = [tool.between_slices for tool in opened
                       if hasattr(tool, "between_slices")]
            if args.gdb is not None:
                from .gdb import serve_gdb
                serve_gdb(session, timeout_s, args.gdb, between=between)
            else:
                machine = session.machine
                run_sliced(session, machine.now() + machine.cycles(timeout_s), between)
        finally:
            for tool in reversed(opened):
                tool.close()

    def stoppable_drive(session, timeout_s: float) -> None:
        with stopped_by_signals():
            drive(session, timeout_s)

    return stoppable_drive


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt()


@contextmanager
def stopped_by_signals():
    """SIGINT and SIGTERM end a run the tools drive as Ctrl-C does (KeyboardInterrupt:
    the run ends `interrupted`, what ran is kept, the tools close their sockets and
    ptys), also where the run inherited SIGINT ignored, as a shell's background job
    does: a GDB server waiting for its client would otherwise need SIGKILL."""
    if threading.current_thread() is not threading.main_thread():
        yield                  # signal handlers belong to the main thread
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, _interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_sliced(session, limit: int, between=()) -> str | None:
    """Run to virtual time `limit` (cycles) or a halt, calling each of `between` after
    every slice; returns the halt reason (None at the limit)."""
    machine = session.machine
    while machine.now() < limit:
        reason = session.run(min(SLICE_S, machine.seconds(limit - machine.now())))
        if reason is not None:
            return reason
        for call in between:
            call()
    return None
