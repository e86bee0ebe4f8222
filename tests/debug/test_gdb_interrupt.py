"""Ending a `lab run --gdb` from outside: SIGINT (Ctrl-C) or SIGTERM ends the run as an
interrupted one (exit 130, the results of what ran), whether the server waits for its
client, or GDB has the target halted or running. The waits are bounded time-outs of the
test, not timing assertions."""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GDB = shutil.which("gdb-multiarch") or shutil.which("arm-none-eabi-gdb")
WAIT_S = 60
ENDED_WITHIN_S = 20          # a bound for the test, far above the ~1 s it takes

needs_gdb = pytest.mark.skipif(GDB is None, reason="no GDB client: run `make setup` "
                                                   "(Debian's gdb-multiarch)")


def wait_for(stream, pattern: bytes, timeout_s: float = WAIT_S) -> re.Match:
    """Read `stream` (a pipe) until `pattern` shows up, for at most `timeout_s`."""
    seen = b""
    deadline = time.monotonic() + timeout_s
    while not (found := re.search(pattern, seen)):
        left = deadline - time.monotonic()
        assert left > 0, f"no {pattern!r} within {timeout_s} s: {seen!r}"
        if select.select([stream], [], [], left)[0]:
            chunk = os.read(stream.fileno(), 4096)
            assert chunk, f"closed before {pattern!r}: {seen!r}"
            seen += chunk
    return found


def start_lab(*args: str, ignore_sigint: bool = False) -> tuple[subprocess.Popen, int]:
    """`lab run ... --gdb 0 --json` and the port it listens on. `ignore_sigint`: started
    with SIGINT ignored, as a shell starts a background job (`lab run ... &` in a script)."""
    def as_background_job():
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    lab = subprocess.Popen([sys.executable, "-m", "lab.cli", "run", *args, "-p", "nrf52840",
                            "--gdb", "0", "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE,
                           preexec_fn=as_background_job if ignore_sigint else None)
    return lab, int(wait_for(lab.stderr, rb"GDB server on 127\.0\.0\.1:(\d+)").group(1))


def end_with(lab: subprocess.Popen, signum: int) -> tuple[int, dict]:
    lab.send_signal(signum)
    try:
        out, _ = lab.communicate(timeout=ENDED_WITHIN_S)
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
    return lab.returncode, json.loads(out)


def test_sigint_ends_a_gdb_server_waiting_for_its_client_even_as_a_background_job():
    lab, port = start_lab("hello", ignore_sigint=True)
    code, result = end_with(lab, signal.SIGINT)
    assert code == 130
    assert result["end"] == "interrupted" and result["instructions"] == 0
    with pytest.raises(ConnectionRefusedError):      # nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@needs_gdb
@pytest.mark.parametrize("state, signum, gdb_commands, ran", [
    ("halted", signal.SIGTERM, ["stepi", "stepi", "stepi"], 3),
    ("running", signal.SIGINT, ["continue"], None),
])
def test_a_signal_ends_a_debugged_run_and_keeps_what_ran(state, signum, gdb_commands, ran):
    firmware = "hello" if state == "halted" else "tests/firmware/silent"
    lab, port = start_lab(firmware, "--timeout", "10000")
    commands = [f"target remote 127.0.0.1:{port}", "echo connected\\n", *gdb_commands,
                "echo done\\n", "shell sleep 60"]
    gdb = subprocess.Popen([GDB, "-batch", "-nx", *(a for c in commands for a in ("-ex", c))],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(gdb.stdout, rb"done\n" if state == "halted" else rb"connected\n")
        if state == "running":
            time.sleep(1.0)          # `continue` comes right after the echo
        code, result = end_with(lab, signum)
    finally:
        gdb.kill()
        gdb.wait()
    assert code == 130 and result["end"] == "interrupted"
    if ran is not None:
        assert result["instructions"] == ran
    else:
        assert result["instructions"] > 0
