"""Nordic's register conventions shared by every nRF52 peripheral (PS "Peripheral interface"):

- TASKS_x: write 1 to trigger;
- EVENTS_x at 0x100 + 4n: read 1 once generated, firmware writes 0 to clear;
- INTEN (0x300, not on every peripheral) / INTENSET (0x304) / INTENCLR (0x308):
  bit n enables the IRQ for the event at 0x100 + 4n;
- the IRQ line is high while any enabled event is set;
- SHORTS (0x200): bit k triggers a task when an event is generated.
"""
from __future__ import annotations

from typing import Callable

from ..peripheral import Peripheral

INTEN, INTENSET, INTENCLR, SHORTS = 0x300, 0x304, 0x308, 0x200
DATA_RAM = (0x20000000, 0x20040000)


class NrfPeripheral(Peripheral):
    has_inten_register = True   # CLOCK, POWER, RTC and TIMER have only INTENSET/INTENCLR

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self._events: dict[str, tuple] = {}
        self._shorts: list[tuple[int, str, Callable[[], None]]] = []
        self._strobes: set[int] = set()
        self.inten = 0

    # ----------------------------------------------------------- declare
    def task(self, offset: int, name: str, action: Callable[[], None]) -> None:
        self.regs.define(offset, name, writable=0, write=lambda v: (v & 1) and action())
        self._strobes.add(offset)

    def event(self, offset: int, name: str) -> None:
        register = self.regs.define(offset, name, writable=1, write=lambda v: self.update_irq())
        self._events[name] = (register, (offset - 0x100) // 4)

    def interrupts(self) -> None:
        if self.has_inten_register:
            self.regs.define(INTEN, "INTEN", read=lambda: self.inten, write=self._set_inten)
        self.regs.define(INTENSET, "INTENSET", read=lambda: self.inten,
                         write=lambda v: self._set_inten(self.inten | v))
        self.regs.define(INTENCLR, "INTENCLR", read=lambda: self.inten,
                         write=lambda v: self._set_inten(self.inten & ~v))
        self._strobes |= {INTENSET, INTENCLR}
        self.strobe_offsets = frozenset(self._strobes)

    def shortcut(self, bit: int, event: str, task: Callable[[], None]) -> None:
        self._shorts.append((bit, event, task))

    def finish_declaring(self) -> None:
        if self._shorts:
            self.regs.define(SHORTS, "SHORTS")
        self.strobe_offsets = frozenset(self._strobes)

    # -------------------------------------------------------- behaviour
    def generate(self, name: str) -> None:
        """The hardware generates event `name`: set it, run shortcuts, update the IRQ."""
        register, _ = self._events[name]
        register.value = 1
        if self._shorts:
            shorts = self.regs.value("SHORTS")
            for bit, event, task in self._shorts:
                if event == name and shorts >> bit & 1:
                    task()
        self.update_irq()

    def event_set(self, name: str) -> bool:
        return bool(self._events[name][0].value)

    def _set_inten(self, value: int) -> None:
        self.inten = value & 0xFFFFFFFF
        self.update_irq()

    def update_irq(self) -> None:
        level = any(register.value and self.inten >> bit & 1
                    for register, bit in self._events.values())
        self.set_irq(level)

    def reset(self) -> None:
        super().reset()
        self.inten = 0
        self.set_irq(False)

    # ----------------------------------------------------------- EasyDMA
    def in_data_ram(self, address: int, length: int) -> bool:
        return DATA_RAM[0] <= address and address + length <= DATA_RAM[1]

    def dma_read(self, address: int, length: int) -> bytes:
        return bytes(self.machine.uc.mem_read(address, length)) if length else b""

    def dma_write(self, address: int, data: bytes) -> None:
        if data:
            self.machine.uc.mem_write(address, bytes(data))
