"""The RP2040's bus conventions shared by its APB/AHB peripheral models.

RP2040 datasheet §2.1.2 (atomic register access): every register block owns 4 KB
and is mapped four times; a write to base + 0x1000 XORs the written bits into the
register, + 0x2000 sets them, + 0x3000 clears them, in one bus access. The block sees
a write of only the addressed bits, so write-1-to-clear fields and write callbacks
behave per bit (a SET of an INTR bit clears it, a CLR of it does nothing). SIO is on
its own bus and has no aliases (its GPIO_OUT_SET/CLR/XOR registers are its own).

§2.1.4 (narrow IO writes): an 8- or 16-bit write to an APB register is replicated
across the 32-bit word: writing byte 0x12 to any byte writes 0x12121212.
"""
from __future__ import annotations

from ....errors import LabError
from ..peripheral import Peripheral

BLOCK = 0x1000
NORMAL, XOR, SET, CLEAR = 0, 1, 2, 3
WORD = 0xFFFFFFFF


def replicate(value: int, size: int) -> int:
    """A narrow write as the APB bridge presents it: the value in every lane."""
    if size == 1:
        return (value & 0xFF) * 0x01010101
    if size == 2:
        return (value & 0xFFFF) * 0x00010001
    return value & WORD


class Rp2040Peripheral(Peripheral):
    size = 4 * BLOCK      # the register block and its XOR, SET and CLR aliases

    def read(self, offset: int, size: int) -> int:
        # reads through an alias read the register itself
        shift = (offset & 3) * 8
        return (self.regs.read(offset & (BLOCK - 4)) >> shift) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        alias, register = offset // BLOCK, offset & (BLOCK - 4)
        bits = replicate(value, size)
        if alias == NORMAL:
            self.regs.write(register, bits)
        elif alias == SET:
            self.regs.write(register, bits, bits)
        elif alias == CLEAR:
            self.regs.write(register, 0, bits)
        else:   # XOR: the addressed bits take the inverse of their current value
            self.regs.write(register, ~self.regs.peek(register) & bits, bits)

    def link(self, platform, option: str):
        """The model another peripheral option names (`clocks: clocks`), once all exist."""
        name = self.options.get(option)
        if name is None:
            return None
        model = self.machine.peripherals.get(name)
        if model is None:
            raise LabError(f"{platform.path}: {self.name}.{option}: no peripheral {name!r}")
        return model
