"""NVIC registers (ARMv7-M B3.4), inside the System Control Space at 0xE000E000.

ISER/ICER/ISPR/ICPR/IABR hold one bit per external interrupt, 32 per word; IPR
one priority byte per interrupt (only the implemented high bits are kept).
"""
from __future__ import annotations

from .exceptions import FIRST_IRQ

ISER, ICER, ISPR, ICPR, IABR, IPR = 0x100, 0x180, 0x200, 0x280, 0x300, 0x400
ICTR, STIR = 0x004, 0xF00


def define_nvic(regs, exceptions, request_stop) -> set[int]:
    """Declare the NVIC registers on `regs`; returns the strobe (set/clear) offsets."""
    words = (exceptions.num_irqs + 31) // 32
    regs.define(ICTR, "ICTR", reset=words - 1, writable=0)

    def bits(flags, word):
        base = FIRST_IRQ + 32 * word
        return sum(1 << i for i in range(32)
                   if base + i < exceptions.count and flags[base + i])

    def update(flags_name, word, value, state):
        base = FIRST_IRQ + 32 * word
        for i in range(32):
            if value >> i & 1 and base + i < exceptions.count:
                if flags_name == "enabled":
                    exceptions.enabled[base + i] = state
                else:
                    exceptions.set_pending(base + i, state)
        exceptions.machine.on_exception_state_changed()
        if state:
            request_stop()   # a newly enabled or pended interrupt may preempt now

    strobes = set()
    for word in range(words):
        for offset, name, flags, state in ((ISER, "ISER", "enabled", True),
                                           (ICER, "ICER", "enabled", False),
                                           (ISPR, "ISPR", "pending", True),
                                           (ICPR, "ICPR", "pending", False)):
            regs.define(offset + 4 * word, f"{name}{word}",
                        read=lambda w=word, f=flags: bits(getattr(exceptions, f), w),
                        write=lambda v, w=word, f=flags, s=state: update(f, w, v, s))
            strobes.add(offset + 4 * word)
        regs.define(IABR + 4 * word, f"IABR{word}", writable=0,
                    read=lambda w=word: bits(exceptions.active, w))

    for word in range((exceptions.num_irqs + 3) // 4):
        regs.define(IPR + 4 * word, f"IPR{word}",
                    read=lambda w=word: _priority_word(exceptions, FIRST_IRQ + 4 * w),
                    write=lambda v, w=word: _set_priority_word(exceptions, FIRST_IRQ + 4 * w, v))

    def software_trigger(value):
        number = FIRST_IRQ + (value & 0x1FF)
        if number < exceptions.count:
            exceptions.set_pending(number)
            request_stop()

    regs.define(STIR, "STIR", writable=0, write=software_trigger)
    strobes.add(STIR)
    return strobes


def _priority_word(exceptions, first: int) -> int:
    value = 0
    for i in range(4):
        if first + i < exceptions.count:
            value |= (exceptions.priority[first + i] & 0xFF) << (8 * i)
    return value


def _set_priority_word(exceptions, first: int, value: int) -> None:
    for i in range(4):
        if first + i < exceptions.count:
            exceptions.set_priority(first + i, (value >> (8 * i)) & 0xFF)
    exceptions.machine.on_exception_state_changed()
