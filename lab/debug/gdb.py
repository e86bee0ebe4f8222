"""`lab run --gdb`: a run that starts halted at the reset vector and waits for GDB."""
from __future__ import annotations

import sys

from .gdbserver import DEFAULT_PORT, GdbServer
from .target import DebugTarget
from .tools import run_sliced


def announce(port: int, elf=None) -> None:
    client = f"gdb-multiarch {elf} -ex 'target remote :{port}'" if elf else \
        f"target remote :{port}"
    print(f"[lab] GDB server on 127.0.0.1:{port}, core halted at the reset vector: "
          f"connect with `{client}`", file=sys.stderr, flush=True)


def serve_gdb(session, timeout_s: float, port: int = DEFAULT_PORT, on_listening=announce,
              accept_timeout_s: float | None = None, between=()) -> str:
    """Serve one GDB client over the session's run, then finish the run as it would have
    gone without a debugger (after a detach) within the same virtual time limit.
    `between`: the other tools' calls between slices of a running target.
    Returns "detached", "gone", "ended", "killed" or "no client"; a kill raises
    KeyboardInterrupt (the run ends `interrupted`, what ran is kept)."""
    machine = session.machine
    limit = machine.now() + machine.cycles(timeout_s)
    target = DebugTarget(session, limit)
    target.between_slices = list(between)
    server = GdbServer(target, port)
    try:
        on_listening(server.port, session.firmware.path)
        outcome = server.serve() if server.accept(accept_timeout_s) else "no client"
    finally:
        server.close()
        target.close()
    if outcome == "killed":
        raise KeyboardInterrupt()
    if not target.last_stop.ended and machine.now() < limit:
        run_sliced(session, limit, between)
    return outcome
