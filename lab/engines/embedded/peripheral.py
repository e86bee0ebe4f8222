"""Base class of every memory-mapped model (system blocks and board peripherals)."""
from __future__ import annotations

from .registers import RegisterMap


class Peripheral:
    """A model at `base` that owns `size` bytes of address space (or the windows it
    returns from windows()). Subclasses declare registers in __init__ and put their
    behaviour in a few named callbacks.
    """

    size = 0x1000
    # Registers declared with fields know which narrow writes are commands (their
    # field modes say so). Registers declared without fields (the system control
    # space) list here the offsets whose narrow writes are commands: the other bytes
    # of the word count as 0, not as their current value.
    strobe_offsets: frozenset[int] = frozenset()

    def __init__(self, machine, name: str, base: int, irq: int | None = None, **options):
        self.machine = machine
        self.name = name
        self.base = base
        self.irq = irq
        self.options = options
        self.regs = RegisterMap(name)

    def windows(self) -> list[tuple[int, int]]:
        """Absolute [start, end) address ranges this model answers."""
        return [(self.base, self.base + self.size)]

    # ----------------------------------------------------------------- bus
    def read(self, offset: int, size: int) -> int:
        shift = (offset & 3) * 8
        return (self.regs.read(offset & ~3) >> shift) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        shift = (offset & 3) * 8
        lanes = ((1 << (8 * size)) - 1) << shift
        word = offset & ~3
        if word in self.strobe_offsets:
            self.regs.write(word, (value << shift) & lanes)
        else:
            self.regs.write(word, (value << shift) & lanes, lanes)

    def reset(self) -> None:
        self.regs.reset()

    def connect_board(self, platform) -> None:
        """Once every model exists: take the links the platform declares (a clock
        source, devices on a bus) by name."""

    def after_reset(self) -> None:
        """After a system reset has reset every model (SYSRESETREQ)."""

    def duty_history(self, pin: int) -> list[tuple[int, float | None]]:
        """[(cycles, duty 0..1)] this model drove on pin `pin` (PSEL numbering), for
        models that drive pins with a duty cycle (PWM); empty for the others."""
        return []

    def finish_after_halt(self) -> None:
        """The core stopped for good (fault, lockup): complete what the hardware would
        still complete on its own (a DMA transfer already started)."""

    # --------------------------------------------------------- machine
    def now(self) -> int:
        """Virtual time in core clock cycles, exact at the accessing instruction."""
        return self.machine.now()

    def schedule(self, time: int, callback, *args):
        """callback(time, *args) at `time`: a method of this model, args plain data, so
        that a snapshot can name the event (never a lambda or a closure)."""
        return self.machine.scheduler.at(time, callback, *args)

    def set_irq(self, level: bool) -> None:
        if self.irq is not None:
            self.machine.exceptions.set_irq_line(self.irq, level)
