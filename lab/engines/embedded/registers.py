"""Registers declared down to their fields, so a model reads like its datasheet table
(the shape of Renode's `Registers.Ctrl.Define(this).WithFlag(0, name: "ENABLE")`):

    regs = RegisterMap("UARTE0")
    regs.define(0x56C, "CONFIG") \\
        .with_flag(0, "HWFC") \\
        .with_value_field(1, 3, "PARITY") \\
        .with_flag(4, "STOP")
    regs.define(0x480, "ERRORSRC").with_flag(0, "OVERRUN", mode=W1C)
    regs.define(0x008, "TASKS_STARTTX").with_flag(0, mode=WO, write=lambda v: v and start())
    regs.define_set(0x304, "INTENSET", of="INTEN")     # write 1 to set, reads INTEN

Field modes: RW (stored), RO (writes ignored), WO (reads 0; the written value only
goes to the callbacks: tasks), W1C / W1S (writing 1 clears / sets a bit, 0 leaves
it), RC (read-only, cleared by a read). Bits no field declares are reserved: they
read 0 and writes to them are ignored. A register declared without fields is one
plain value, masked by `writable` (the system control space declares its
registers that way, with whole-register callbacks).

Per field: `value()` computes what the field reads (a counter, pin levels) instead
of a stored value; callbacks `read(value)` after a bus read of the field (reading
a FIFO's last byte pops it), `write(value)` on every write that reaches the field,
with its new value, `change(old, new)` when the stored value changed. Per register:
`write(value)` runs after every write, once its fields are updated.

Narrow writes (one byte of a word) reach only the fields in the written byte
lanes. Inside a partly written field, the other bits keep their value in RW fields
and count as 0 in command fields (WO, W1C, W1S, set/clear registers): a byte
written to a command register is a command, not a read-modify-write.

Offsets nobody declared read as 0 and are logged once each.
"""
from __future__ import annotations

import enum
import logging
from typing import Callable

log = logging.getLogger("lab.registers")


class Mode(enum.Enum):
    READ_WRITE = "read/write"
    READ_ONLY = "read-only"
    WRITE_ONLY = "write-only"
    WRITE_1_TO_CLEAR = "write 1 to clear"
    WRITE_1_TO_SET = "write 1 to set"
    READ_TO_CLEAR = "read to clear"


RW, RO, WO = Mode.READ_WRITE, Mode.READ_ONLY, Mode.WRITE_ONLY
W1C, W1S, RC = Mode.WRITE_1_TO_CLEAR, Mode.WRITE_1_TO_SET, Mode.READ_TO_CLEAR
IGNORES_WRITES = frozenset({RO, RC})


class Field:
    __slots__ = ("register", "name", "shift", "width", "mask", "mode", "reset",
                 "provider", "on_read", "on_write", "on_change")

    def __init__(self, register: "Register", shift: int, width: int, name: str, mode: Mode,
                 reset: int, value: Callable[[], int] | None,
                 read: Callable[[int], None] | None, write: Callable[[int], None] | None,
                 change: Callable[[int, int], None] | None):
        self.register = register
        self.name = name
        self.shift, self.width, self.mask = shift, width, (1 << width) - 1
        self.mode = mode
        self.reset = reset & self.mask
        self.provider = value
        self.on_read, self.on_write, self.on_change = read, write, change

    @property
    def value(self) -> int:
        """The stored value (no callbacks, no read side effects)."""
        return (self.register.value >> self.shift) & self.mask

    @value.setter
    def value(self, value: int) -> None:
        placed = self.mask << self.shift
        self.register.value = (self.register.value & ~placed) | ((value & self.mask) << self.shift)

    def peek(self) -> int:
        """What a read returns, without a read's side effects."""
        if self.mode is WO:
            return 0
        return self.provider() & self.mask if self.provider else self.value

    def read(self) -> int:
        value = self.peek()
        if self.mode is RC:
            self.value = 0
        if self.on_read:
            self.on_read(value)
        return value

    def next_value(self, bits: int, lanes: int) -> int:
        """The field's value after a write of `bits` to the bits in `lanes`."""
        if self.mode is WO:
            return bits
        if self.mode is W1S:
            return self.value | bits
        if self.mode is W1C:
            return self.value & ~bits
        return (self.peek() & ~lanes) | bits


class Register:
    __slots__ = ("offset", "name", "width", "reset", "writable", "value", "fields",
                 "on_read", "on_write")

    def __init__(self, offset: int | None, name: str, width: int = 32, reset: int = 0,
                 writable: int | None = None, read: Callable[[], int] | None = None,
                 write: Callable[[int], None] | None = None):
        self.offset = offset
        self.name = name
        self.width = width
        self.reset = reset
        self.writable = (1 << width) - 1 if writable is None else writable
        self.value = reset
        self.fields: dict[str, Field] = {}
        self.on_read = read
        self.on_write = write

    # ----------------------------------------------------------- declare
    def with_flag(self, bit: int, name: str | None = None, mode: Mode = RW, reset: int = 0,
                  value=None, read=None, write=None, change=None) -> "Register":
        return self.with_value_field(bit, 1, name, mode, reset, value, read, write, change)

    def with_flags(self, shift: int, count: int, name: str, mode: Mode = RW,
                   reset: int = 0) -> "Register":
        """`count` flags from bit `shift`, named name.format(n) (or name + n): PIN0..PIN31."""
        for n in range(count):
            label = name.format(n) if "{}" in name else f"{name}{n}"
            self.with_flag(shift + n, label, mode, reset >> n & 1)
        return self

    def with_value_field(self, shift: int, width: int, name: str | None = None,
                         mode: Mode = RW, reset: int = 0, value=None, read=None, write=None,
                         change=None) -> "Register":
        if self.on_read is not None:
            raise ValueError(f"{self.name}: a register read as a whole has no fields")
        name = name or self.name
        if name in self.fields:
            raise ValueError(f"{self.name}: field {name} declared twice")
        placed = ((1 << width) - 1) << shift
        if shift + width > self.width or any(placed & (f.mask << f.shift)
                                             for f in self.fields.values()):
            raise ValueError(f"{self.name}: field {name} [{shift + width - 1}:{shift}] "
                             "overlaps another field or the register's end")
        field = Field(self, shift, width, name, mode, reset, value, read, write, change)
        self.fields[name] = field
        self.reset |= field.reset << shift
        self.value |= field.reset << shift
        return self

    # ------------------------------------------------------------ access
    def peek(self) -> int:
        """What a read returns, without a read's side effects."""
        if not self.fields:
            return self.on_read() if self.on_read else self.value
        value = 0
        for field in self.fields.values():
            value |= field.peek() << field.shift
        return value

    def read(self) -> int:
        if not self.fields:
            return self.on_read() if self.on_read else self.value
        value = 0
        for field in self.fields.values():
            value |= field.read() << field.shift
        return value

    def write(self, value: int, lanes: int | None = None) -> None:
        """A bus write of `value`; `lanes` masks the bits a narrow write carries."""
        full = (1 << self.width) - 1
        lanes = full if lanes is None else lanes
        if not self.fields:
            if lanes != full:
                value = (self.peek() & ~lanes) | (value & lanes)
            self.value = (self.value & ~self.writable) | (value & self.writable)
        else:
            self._write_fields(value, lanes)
        if self.on_write:
            self.on_write(value)

    def _write_fields(self, value: int, lanes: int) -> None:
        written = []
        for field in self.fields.values():
            field_lanes = (lanes >> field.shift) & field.mask
            if not field_lanes or field.mode in IGNORES_WRITES:
                continue
            bits = (value >> field.shift) & field_lanes
            old = field.peek()
            new = field.next_value(bits, field_lanes)
            if field.mode is not WO:
                field.value = new
            written.append((field, old, new))
        for field, old, new in written:      # callbacks see every field already updated
            if field.on_write:
                field.on_write(new)
            if field.on_change and new != old:
                field.on_change(old, new)


class SetClearRegister(Register):
    """Nordic's SET/CLR pattern: writing 1 to a bit sets (or clears) it in `target`,
    0 leaves it; reading returns the target register."""

    __slots__ = ("target", "sets")

    def __init__(self, offset: int, name: str, target: Register, sets: bool):
        super().__init__(offset, name, target.width)
        self.target = target
        self.sets = sets

    def peek(self) -> int:
        return self.target.peek()

    def read(self) -> int:
        return self.target.read()

    def write(self, value: int, lanes: int | None = None) -> None:
        bits = value if lanes is None else value & lanes     # a command: other bits are 0
        current = self.target.peek()
        self.target.write(current | bits if self.sets else current & ~bits)


class RegisterMap:
    def __init__(self, owner: str, width: int = 32):
        self.owner = owner
        self.width = width
        self._by_offset: dict[int, Register] = {}
        self._by_name: dict[str, Register] = {}
        self._logged: set[int] = set()

    # ----------------------------------------------------------- declare
    def define(self, offset: int | None, name: str, reset: int = 0,
               writable: int | None = None, read=None, write=None) -> Register:
        """A register at `offset` (None: state the block holds with no address of
        its own, e.g. the INTEN behind INTENSET/INTENCLR where there is no INTEN)."""
        return self._add(Register(offset, name, self.width, reset, writable, read, write))

    def define_set(self, offset: int, name: str, of: str) -> Register:
        return self._add(SetClearRegister(offset, name, self._by_name[of], sets=True))

    def define_clear(self, offset: int, name: str, of: str) -> Register:
        return self._add(SetClearRegister(offset, name, self._by_name[of], sets=False))

    def _add(self, register: Register) -> Register:
        if register.name in self._by_name or register.offset in self._by_offset:
            raise ValueError(f"{self.owner}: register {register.name} at "
                             f"{register.offset} declared twice")
        if register.offset is not None:
            self._by_offset[register.offset] = register
        self._by_name[register.name] = register
        return register

    def __getitem__(self, name: str) -> Register:
        return self._by_name[name]

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    # ------------------------------------------------- the model's side
    def value(self, name: str, field: str | None = None) -> int:
        """A register's (or one field's) stored value: no callbacks, no side effects."""
        register = self._by_name[name]
        return register.value if field is None else register.fields[field].value

    def set(self, name: str, value: int, field: str | None = None) -> None:
        """The hardware sets a register (or one field) itself: no callbacks."""
        register = self._by_name[name]
        if field is None:
            register.value = value & ((1 << register.width) - 1)
        else:
            register.fields[field].value = value

    def reset(self) -> None:
        for register in self._by_name.values():
            register.value = register.reset

    # ------------------------------------------------------- bus side
    def peek(self, offset: int) -> int:
        """What a read at `offset` returns, without a read's side effects."""
        register = self._by_offset.get(offset)
        return register.peek() & ((1 << self.width) - 1) if register is not None else 0

    def read(self, offset: int) -> int:
        register = self._by_offset.get(offset)
        if register is None:
            self._log_unknown(offset, "read")
            return 0
        return register.read() & ((1 << self.width) - 1)

    def write(self, offset: int, value: int, lanes: int | None = None) -> None:
        register = self._by_offset.get(offset)
        if register is None:
            self._log_unknown(offset, "write")
            return
        register.write(value & ((1 << self.width) - 1), lanes)

    def _log_unknown(self, offset: int, access: str) -> None:
        if offset not in self._logged:
            self._logged.add(offset)
            log.info("%s: %s of unmodelled register at offset 0x%03X", self.owner, access, offset)
