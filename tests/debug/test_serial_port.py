"""`lab run --uart pty|stdio`: a pyserial program talks to an echo firmware through the
pseudo-terminal, and a pipe talks to it as the run's own stdin/stdout."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import serial

ROOT = Path(__file__).resolve().parents[2]
ECHO = "tests/firmware/uart_echo"
WAIT_S = 60


def lab_run(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lab.cli", "run", ECHO, "--platform",
                             "nrf52840", "--timeout", "60", *args], cwd=ROOT, text=True,
                            **popen)


def read_reply(port) -> bytes:
    """The next line that is not a machine-readable `@lab` event."""
    while True:
        line = port.readline()
        assert line, "no reply within the serial time-out"
        if not line.startswith(b"@lab"):
            return line


def test_pyserial_exchanges_lines_with_the_firmware_through_the_pty():
    lab = lab_run("--uart", "pty", "--json", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        announced = lab.stderr.readline()
        path = re.search(r"UART uart0 on (/dev/\S+):", announced).group(1)
        with serial.Serial(path, 115200, timeout=WAIT_S) as port:
            assert read_reply(port) == b"echo: ready\n"
            port.write(b"ping\n")
            assert read_reply(port) == b"echo: ping\n"
            port.write(b"a longer line, sent at once\r\n")
            assert read_reply(port) == b"echo: a longer line, sent at once\n"
            port.write(b"quit\n")
            out, _ = lab.communicate(timeout=WAIT_S)
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
    result = json.loads(out)
    assert lab.returncode == 0 and result["end"] == "done"
    assert [e["bytes"] for e in result["events"] if e["event"] == "echo"] == [4, 27]
    echo_times = [e["t"] for e in result["events"] if e["event"] in ("echo", "done")]
    assert echo_times == sorted(echo_times)


def test_stdio_makes_the_run_itself_the_serial_console():
    lab = lab_run("--uart", "stdio", stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE)
    out, err = lab.communicate("ping\nquit\n", timeout=WAIT_S)
    assert lab.returncode == 0, err
    assert "echo: ready\necho: ping\n@lab echo bytes=4\n@lab done" in out
    assert out.count("echo: ping") == 1          # the UART once, not echoed as lines too


def test_uart_option_takes_pty_or_stdio_only():
    run = subprocess.run([sys.executable, "-m", "lab.cli", "run", ECHO, "--platform",
                          "nrf52840", "--uart", "tcp"], cwd=ROOT, capture_output=True,
                         text=True, timeout=WAIT_S)
    assert run.returncode == 2 and "invalid choice: 'tcp'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
