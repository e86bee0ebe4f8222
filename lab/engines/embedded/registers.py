"""Registers declared as data, so a peripheral model reads like its datasheet table.

    regs = RegisterMap("UARTE0")
    regs.define(0x524, "BAUDRATE", reset=0x04000000)
    regs.define(0x538, "TXD.MAXCNT", writable=0xFFFF)
    regs.define(0x008, "TASKS_STARTTX", write=lambda v: v & 1 and start_tx())

A register keeps its value; `read`/`write` callbacks override or observe it.
Offsets nobody declared read as 0 and are logged once each.
"""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger("lab.registers")


class Register:
    __slots__ = ("offset", "name", "reset", "writable", "value", "on_read", "on_write")

    def __init__(self, offset: int, name: str, reset: int = 0, writable: int = 0xFFFFFFFF,
                 read: Callable[[], int] | None = None,
                 write: Callable[[int], None] | None = None):
        self.offset = offset
        self.name = name
        self.reset = reset
        self.writable = writable
        self.value = reset
        self.on_read = read
        self.on_write = write

    def read(self) -> int:
        return self.on_read() if self.on_read else self.value

    def write(self, value: int) -> None:
        self.value = (self.value & ~self.writable) | (value & self.writable)
        if self.on_write:
            self.on_write(value)


class RegisterMap:
    def __init__(self, owner: str):
        self.owner = owner
        self._by_offset: dict[int, Register] = {}
        self._by_name: dict[str, Register] = {}
        self._logged: set[int] = set()

    def define(self, offset: int, name: str, reset: int = 0, writable: int = 0xFFFFFFFF,
               read=None, write=None) -> Register:
        register = Register(offset, name, reset, writable, read, write)
        self._by_offset[offset] = register
        self._by_name[name] = register
        return register

    def define_array(self, offset: int, name: str, count: int, stride: int = 4,
                     **kwargs) -> list[Register]:
        return [self.define(offset + i * stride, f"{name}[{i}]", **kwargs) for i in range(count)]

    def __getitem__(self, name: str) -> Register:
        return self._by_name[name]

    def value(self, name: str) -> int:
        return self._by_name[name].value

    def set(self, name: str, value: int) -> None:
        """Set a register's stored value from the model side (no callbacks)."""
        self._by_name[name].value = value

    def reset(self) -> None:
        for register in self._by_offset.values():
            register.value = register.reset

    def read(self, offset: int) -> int:
        register = self._by_offset.get(offset & ~3)
        if register is None:
            self._log_unknown(offset, "read")
            return 0
        return register.read() & 0xFFFFFFFF

    def write(self, offset: int, value: int) -> None:
        register = self._by_offset.get(offset & ~3)
        if register is None:
            self._log_unknown(offset, "write")
            return
        register.write(value & 0xFFFFFFFF)

    def _log_unknown(self, offset: int, access: str) -> None:
        if offset not in self._logged:
            self._logged.add(offset)
            log.info("%s: %s of unmodelled register at offset 0x%03X", self.owner, access, offset)
