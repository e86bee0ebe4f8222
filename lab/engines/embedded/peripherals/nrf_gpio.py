"""nRF52840 GPIO port (P0 at 0x50000000, 32 pins; P1 at 0x50000300, 16 pins).

Its registers sit at base + 0x504..0x77C, so P0 and P1 share one 4 KiB block.
Every change of a pin's output level is recorded with its virtual time, which
gives LED traces, blink rates and duty cycles. Inputs can be driven from outside
(buttons); undriven inputs follow their pull resistor.
"""
from __future__ import annotations

from .nrf_base import NrfPeripheral

PULL_DOWN, PULL_UP = 1, 3


class Gpio(NrfPeripheral):
    def __init__(self, machine, name, base, irq=None, pins: int = 32, **options):
        super().__init__(machine, name, base, irq, **options)
        self.pins = pins
        self.pin_mask = (1 << pins) - 1 if pins < 32 else 0xFFFFFFFF
        self.history: dict[int, list[tuple[int, int]]] = {}   # pin -> [(time, level)]
        self.external: dict[int, int] = {}                   # pin -> level driven outside
        self.listeners = []                                   # callables(pin, level, time)
        r = self.regs
        m = self.pin_mask
        r.define(0x504, "OUT", writable=m, write=lambda v: self._outputs_changed())
        r.define(0x508, "OUTSET", read=lambda: r.value("OUT"),
                 write=lambda v: self._set("OUT", r.value("OUT") | v))
        r.define(0x50C, "OUTCLR", read=lambda: r.value("OUT"),
                 write=lambda v: self._set("OUT", r.value("OUT") & ~v))
        r.define(0x510, "IN", writable=0, read=self.input_levels)
        r.define(0x514, "DIR", writable=m, write=lambda v: self._dir_written())
        r.define(0x518, "DIRSET", read=lambda: r.value("DIR"),
                 write=lambda v: self._set("DIR", r.value("DIR") | v))
        r.define(0x51C, "DIRCLR", read=lambda: r.value("DIR"),
                 write=lambda v: self._set("DIR", r.value("DIR") & ~v))
        r.define(0x520, "LATCH", writable=0, write=lambda v: None)
        r.define(0x524, "DETECTMODE", writable=1)
        for n in range(pins):
            r.define(0x700 + 4 * n, f"PIN_CNF[{n}]", reset=0x2, writable=0x3070F,
                     write=lambda v, n=n: self._pin_cnf_written(n, v))
        self._strobes |= {0x508, 0x50C, 0x518, 0x51C}
        self.finish_declaring()
        self._levels = self._driven_levels()

    def windows(self) -> list[tuple[int, int]]:
        return [(self.base + 0x500, self.base + 0x800)]

    def reset(self) -> None:
        super().reset()
        self._outputs_changed()

    # ---------------------------------------------------------- levels
    def _driven_levels(self) -> dict[int, int]:
        out, direction = self.regs.value("OUT"), self.regs.value("DIR")
        return {pin: out >> pin & 1 for pin in range(self.pins) if direction >> pin & 1}

    def level(self, pin: int) -> int | None:
        """The level the MCU drives on `pin`, or None when it is an input."""
        return self._levels.get(pin)

    def input_levels(self) -> int:
        value = 0
        for pin in range(self.pins):
            config = self.regs.value(f"PIN_CNF[{pin}]")
            if config & 0x2:          # input buffer disconnected: reads 0
                continue
            level = self._levels.get(pin, self.external.get(pin))
            if level is None:
                level = 1 if (config >> 2) & 3 == PULL_UP else 0
            value |= level << pin
        return value

    def drive_input(self, pin: int, level: int) -> None:
        self.external[pin] = 1 if level else 0

    # ---------------------------------------------------------- writes
    def _set(self, name: str, value: int) -> None:
        self.regs.set(name, value & self.pin_mask)
        self._outputs_changed()

    def _dir_written(self) -> None:
        direction = self.regs.value("DIR")
        for n in range(self.pins):   # PIN_CNF.DIR is the same bit as DIR
            config = self.regs.value(f"PIN_CNF[{n}]")
            self.regs.set(f"PIN_CNF[{n}]", (config & ~1) | (direction >> n & 1))
        self._outputs_changed()

    def _pin_cnf_written(self, pin: int, value: int) -> None:
        direction = self.regs.value("DIR")
        self.regs.set("DIR", (direction & ~(1 << pin)) | ((value & 1) << pin))
        self._outputs_changed()

    def _outputs_changed(self) -> None:
        levels = self._driven_levels()
        time = self.now()
        for pin in set(levels) | set(self._levels):
            before, after = self._levels.get(pin), levels.get(pin)
            if before != after and after is not None:
                self.history.setdefault(pin, []).append((time, after))
                for listener in self.listeners:
                    listener(pin, after, time)
        self._levels = levels
