"""ARM semihosting (BKPT 0xAB): console output and input, clock and exit for any ELF.

Lets `lab run --elf` run firmware written for QEMU's `-semihosting` unchanged.
Only the calls such firmware uses are served; the rest return -1 (failure).
The console (":tt") opened for reading gives what the host writes (Session.write_uart
on boards without a UART). SYS_READ blocks there, as QEMU's does on its stdin: with
nothing written yet the call is not made; the machine keeps the core asleep at the
BKPT and makes it again once there is input (`waiting_for_input`).
"""
from __future__ import annotations

import struct

from unicorn import arm_const as A

SYS_OPEN, SYS_CLOSE, SYS_WRITEC, SYS_WRITE0, SYS_WRITE = 0x01, 0x02, 0x03, 0x04, 0x05
SYS_READ, SYS_ISTTY, SYS_SEEK, SYS_FLEN = 0x06, 0x09, 0x0A, 0x0C
SYS_CLOCK, SYS_TIME, SYS_ERRNO, SYS_GET_CMDLINE, SYS_HEAPINFO = 0x10, 0x11, 0x13, 0x15, 0x16
SYS_EXIT, SYS_EXIT_EXTENDED, SYS_ELAPSED, SYS_TICKFREQ = 0x18, 0x20, 0x30, 0x31
ADP_STOPPED_APPLICATION_EXIT = 0x20026
STDOUT_HANDLE = 1
CONSOLE_INPUT_HANDLE = 3
READ_MODES = range(0, 4)   # SYS_OPEN modes "r", "rb", "r+", "r+b"


class Semihosting:
    def __init__(self, machine):
        self.machine = machine
        self.listeners = []          # callables(bytes, time)
        self.exit_code: int | None = None
        self.input = bytearray()       # written by the host, not read by firmware yet
        self.waiting_for_input = False

    def write_from_host(self, data: bytes) -> None:
        self.input += data

    def input_arrived(self) -> bool:
        """The core waits in a console read and there is something to read now."""
        return self.waiting_for_input and bool(self.input)

    def call(self) -> None:
        """Serves the call in R0/R1 and writes its result to R0, unless it blocks
        (then `waiting_for_input` is set and the registers are left as they were)."""
        self.waiting_for_input = False
        uc = self.machine.uc
        op, arg = uc.reg_read(A.UC_ARM_REG_R0), uc.reg_read(A.UC_ARM_REG_R1)
        handler = {SYS_OPEN: self._open, SYS_CLOSE: lambda a: 0, SYS_WRITEC: self._writec,
                   SYS_WRITE0: self._write0, SYS_WRITE: self._write, SYS_READ: self._read,
                   SYS_ISTTY: lambda a: 1, SYS_SEEK: lambda a: 0, SYS_FLEN: lambda a: 0,
                   SYS_CLOCK: self._clock, SYS_TIME: lambda a: 0, SYS_ERRNO: lambda a: 0,
                   SYS_GET_CMDLINE: self._cmdline, SYS_HEAPINFO: self._heapinfo,
                   SYS_EXIT: self._exit, SYS_EXIT_EXTENDED: self._exit_extended,
                   SYS_ELAPSED: self._elapsed, SYS_TICKFREQ: lambda a: self.machine.clock_hz,
                   }.get(op)
        result = handler(arg) if handler else 0xFFFFFFFF
        if self.waiting_for_input:
            return
        uc.reg_write(A.UC_ARM_REG_R0, result & 0xFFFFFFFF)

    def _words(self, address: int, count: int) -> tuple[int, ...]:
        return struct.unpack(f"<{count}I", self.machine.uc.mem_read(address, 4 * count))

    def _emit(self, data: bytes) -> None:
        for listener in self.listeners:
            listener(data, self.machine.now())

    def _open(self, arg: int) -> int:
        name_ptr, mode, length = self._words(arg, 3)
        name = bytes(self.machine.uc.mem_read(name_ptr, length))
        if name != b":tt":
            return 0xFFFFFFFF
        return CONSOLE_INPUT_HANDLE if mode in READ_MODES else STDOUT_HANDLE

    def _writec(self, arg: int) -> int:
        self._emit(bytes(self.machine.uc.mem_read(arg, 1)))
        return 0

    def _write0(self, arg: int) -> int:
        data = bytearray()
        while len(data) < 65536:
            chunk = bytes(self.machine.uc.mem_read(arg + len(data), 64))
            end = chunk.find(b"\0")
            data += chunk if end < 0 else chunk[:end]
            if end >= 0:
                break
        self._emit(bytes(data))
        return 0

    def _write(self, arg: int) -> int:
        handle, pointer, length = self._words(arg, 3)
        self._emit(bytes(self.machine.uc.mem_read(pointer, length)))
        return 0

    def _read(self, arg: int) -> int:
        """Returns how many of the bytes asked for were not read."""
        handle, pointer, length = self._words(arg, 3)
        if handle != CONSOLE_INPUT_HANDLE or length == 0:
            return length                # nothing to read there
        if not self.input:
            self.waiting_for_input = True
            return length
        data = bytes(self.input[:length])
        del self.input[:len(data)]
        self.machine.uc.mem_write(pointer, data)
        return length - len(data)

    def _clock(self, arg: int) -> int:
        return self.machine.now() * 100 // self.machine.clock_hz

    def _elapsed(self, arg: int) -> int:
        now = self.machine.now()
        self.machine.uc.mem_write(arg, struct.pack("<Q", now))
        return 0

    def _cmdline(self, arg: int) -> int:
        pointer, _ = self._words(arg, 2)
        self.machine.uc.mem_write(pointer, b"\0")
        self.machine.uc.mem_write(arg + 4, struct.pack("<I", 0))
        return 0

    def _heapinfo(self, arg: int) -> int:
        block = self._words(arg, 1)[0]
        self.machine.uc.mem_write(block, b"\0" * 16)
        return 0

    def _exit(self, arg: int) -> int:
        self._finish(0 if arg == ADP_STOPPED_APPLICATION_EXIT else 1)
        return 0

    def _exit_extended(self, arg: int) -> int:
        reason, subcode = self._words(arg, 2)
        self._finish(subcode if reason == ADP_STOPPED_APPLICATION_EXIT else 1)
        return 0

    def _finish(self, code: int) -> None:
        self.exit_code = code
        self.machine.halt("exit", f"semihosting exit {code}")
