"""`lab run --uart pty|stdio`: the board's console UART on a host terminal.

pty: a pseudo-terminal whose path is printed; miniterm, screen or any pyserial program
opens it. stdio: this terminal is the serial console (Ctrl-] ends the run, as in
miniterm). What the firmware transmits leaves when the UARTE has sent it, at the baud
rate in virtual time; what the host types goes to the UARTE's receiver one byte time
after another, into the firmware's EasyDMA buffer (what comes before the firmware
enables its UART waits for it, as in a terminal's buffer). An interactive run keeps virtual
time from running ahead of wall time, so a firmware waiting for input waits for the
person typing instead of racing to its time limit.
"""
from __future__ import annotations

import errno
import os
import pty
import select
import sys
import termios
import time
import tty

from ..errors import LabError

CTRL_RIGHT_BRACKET = 0x1D      # miniterm's and telnet's way out
MAX_WAIT_S = 0.05              # wall seconds between looks at the terminal
READ_SIZE = 4096


class HostSerial:
    def __init__(self, session, mode: str):
        self.session = session
        self.machine = session.machine
        name = session.platform.console
        self.uart = self.machine.peripherals.get(name or "")
        if self.uart is None or not hasattr(self.uart, "write_from_host"):
            raise LabError(f"platform {session.platform.name} has no console UART to put on "
                           "a serial port")
        self.mode = mode
        self.path = None
        self.dropped = 0
        self._saved_tty = None
        self._input_open = True
        self._held = bytearray()   # typed before the firmware enabled its UART
        if mode == "pty":
            self._open_pty()
        else:
            self._open_stdio()
        self.uart.listeners.append(self._transmit)
        self._wall0 = time.monotonic()
        self._virtual0 = self.machine.seconds()

    def _open_pty(self) -> None:
        self._master, self._slave = pty.openpty()
        tty.setraw(self._slave)          # bytes as they are: no echo, no line editing
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        self._input = self._output = self._master

    def _open_stdio(self) -> None:
        self._input, self._output = sys.stdin.fileno(), sys.stdout.fileno()
        if os.isatty(self._input):
            self._saved_tty = termios.tcgetattr(self._input)
            tty.setraw(self._input)

    def close(self) -> None:
        if self._transmit in self.uart.listeners:
            self.uart.listeners.remove(self._transmit)
        if self.mode == "pty":
            for fd in (self._master, self._slave):
                try:
                    os.close(fd)
                except OSError:
                    pass
        elif self._saved_tty is not None:
            termios.tcsetattr(self._input, termios.TCSADRAIN, self._saved_tty)
            self._saved_tty = None

    # ------------------------------------------------------------ board -> host
    def _transmit(self, data: bytes, time_cycles: int) -> None:
        if self.mode == "stdio":
            if self._saved_tty is not None:      # raw mode: the terminal needs CR LF
                data = data.replace(b"\n", b"\r\n")
            os.write(self._output, data)
            return
        try:
            written = os.write(self._output, data)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EIO):
                raise
            written = 0
        self.dropped += len(data) - written   # nobody reads the pty and its buffer is full

    # ------------------------------------------------------------ host -> board
    def between_slices(self) -> None:
        """Deliver what the host typed; wait (up to MAX_WAIT_S) while virtual time is
        ahead of wall time."""
        if self._held and self.uart.enabled():
            self.uart.write_from_host(bytes(self._held))
            self._held.clear()
        ahead = (self.machine.seconds() - self._virtual0) - (time.monotonic() - self._wall0)
        wait = min(max(ahead, 0.0), MAX_WAIT_S)
        if not self._input_open:
            time.sleep(wait)
            return
        ready, _, _ = select.select([self._input], [], [], wait)
        if ready:
            self._receive()

    def _receive(self) -> None:
        try:
            data = os.read(self._input, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            if self.mode == "stdio":
                self._input_open = False          # stdin closed: the board hears nothing more
            return
        if self.mode == "stdio" and self._saved_tty is not None and \
                CTRL_RIGHT_BRACKET in data:
            raise KeyboardInterrupt()
        if self._held or not self.uart.enabled():
            self._held += data       # a piped stdin is read before the firmware has booted
        else:
            self.uart.write_from_host(data)

    def describe(self) -> str:
        if self.mode == "pty":
            return (f"[lab] UART {self.uart.name} on {self.path}: e.g. "
                    f"`python -m serial.tools.miniterm {self.path}`")
        return f"[lab] UART {self.uart.name} on this terminal (Ctrl-] ends the run)"
