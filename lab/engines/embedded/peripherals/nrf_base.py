"""Nordic's register conventions shared by every nRF52 peripheral (PS "Peripheral interface"):

- TASKS_x: write 1 to trigger;
- EVENTS_x at 0x100 + 4n: read 1 once generated, firmware writes 0 to clear;
- INTEN (0x300, not on every peripheral) / INTENSET (0x304) / INTENCLR (0x308):
  bit n enables the IRQ for the event at 0x100 + 4n;
- the IRQ line is high while any enabled event is set;
- SHORTS (0x200): bit k triggers a task when an event is generated.

A model declares its tasks, events and shortcuts; the INTEN fields and the SHORTS
register follow from them.
"""
from __future__ import annotations

from typing import Callable

from ..peripheral import Peripheral
from ..registers import WO

INTEN, INTENSET, INTENCLR, SHORTS = 0x300, 0x304, 0x308, 0x200
EVENTS_BASE = 0x100
PINS_PER_PORT = 32


class NrfPeripheral(Peripheral):
    has_inten_register = True   # CLOCK, POWER, RTC and TIMER have only INTENSET/INTENCLR
    snapshot_wiring = ("_shortcuts",)   # the constructor's: tasks bound to events

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self._event_bits: dict[str, str] = {}   # event register -> its INTEN field
        self._shortcuts: list[tuple[str, str, Callable[[], None]]] = []  # event, field, task
        self.regs.define(INTEN if self.has_inten_register else None, "INTEN",
                         write=lambda v: self.interrupt_enable_written())
        self.regs.define_set(INTENSET, "INTENSET", of="INTEN")
        self.regs.define_clear(INTENCLR, "INTENCLR", of="INTEN")

    # ----------------------------------------------------------- declare
    def task(self, offset: int, name: str, action: Callable[[], None]) -> None:
        self.regs.define(offset, name).with_flag(0, mode=WO, write=lambda v: v and action())

    def event(self, offset: int, name: str) -> None:
        self.regs.define(offset, name).with_flag(0, write=lambda v: self.update_irq())
        field = name.removeprefix("EVENTS_")
        self.regs["INTEN"].with_flag((offset - EVENTS_BASE) // 4, field)
        self._event_bits[name] = field

    def shortcut(self, bit: int, name: str, event: str, task: Callable[[], None]) -> None:
        """SHORTS bit `bit` (named EVENT_TASK in the PS) runs `task` when `event` fires."""
        if "SHORTS" not in self.regs:
            self.regs.define(SHORTS, "SHORTS")
        self.regs["SHORTS"].with_flag(bit, name)
        self._shortcuts.append((event, name, task))

    # -------------------------------------------------------- behaviour
    def generate(self, name: str) -> None:
        """The hardware generates event `name`: set it, run shortcuts, update the IRQ."""
        self.regs.set(name, 1)
        for event, shortcut, task in self._shortcuts:
            if event == name and self.regs.value("SHORTS", shortcut):
                task()
        self.update_irq()

    def interrupt_enabled(self, event: str) -> bool:
        return bool(self.regs.value("INTEN", self._event_bits[event]))

    def interrupt_enable_written(self) -> None:
        """INTEN, INTENSET or INTENCLR was written."""
        self.update_irq()

    def update_irq(self) -> None:
        level = any(self.regs.value(event) and self.regs.value("INTEN", field)
                    for event, field in self._event_bits.items())
        self.set_irq(level)

    def reset(self) -> None:
        super().reset()
        self.set_irq(False)

    # ----------------------------------------------------------- EasyDMA
    def in_data_ram(self, address: int, length: int) -> bool:
        """EasyDMA reaches the SoC's Data RAM only (its memory region `ram`)."""
        ram = self.machine.platform.region("ram")
        return ram.base <= address and address + length <= ram.base + ram.size

    def dma_read(self, address: int, length: int) -> bytes:
        return bytes(self.machine.uc.mem_read(address, length)) if length else b""

    def dma_write(self, address: int, data: bytes) -> None:
        if data:
            self.machine.uc.mem_write(address, bytes(data))


def define_psel(regs, offset: int, name: str, write=None):
    """A pin select register (PS "PSEL format"): PIN [4:0], PORT [5], CONNECT [31]
    (1 = disconnected). It resets to 0xFFFFFFFF, and the bits between read back as
    written: drivers compare PSEL with 0xFFFFFFFF (disconnected)."""
    return regs.define(offset, name, write=write) \
        .with_value_field(0, 5, "PIN", reset=0x1F).with_flag(5, "PORT", reset=1) \
        .with_value_field(6, 25, "RESERVED", reset=0x1FFFFFF).with_flag(31, "CONNECT", reset=1)


def selected_pin(regs, name: str) -> int | None:
    """The pin a PSEL register connects (port * 32 + pin), None when disconnected."""
    if regs.value(name, "CONNECT"):
        return None
    return regs.value(name, "PORT") * PINS_PER_PORT + regs.value(name, "PIN")
