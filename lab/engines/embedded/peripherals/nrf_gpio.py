"""nRF52840 GPIO port (P0 at 0x50000000, 32 pins; P1 at 0x50000300, 16 pins).

Its registers sit at base + 0x504..0x77C, so P0 and P1 share one 4 KiB block.
Every change of a pin's output level is recorded with its virtual time, which
gives LED traces, blink rates and duty cycles. Inputs can be driven from outside
(buttons); undriven inputs follow their pull resistor.
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO, W1C

PULL_UP = 3


class Gpio(Peripheral):
    def __init__(self, machine, name, base, irq=None, pins: int = 32, **options):
        super().__init__(machine, name, base, irq, **options)
        self.pins = pins
        self.history: dict[int, list[tuple[int, int]]] = {}   # pin -> [(time, level)]
        self.external: dict[int, int] = {}                   # pin -> level driven outside
        self.listeners = []                                   # callables(pin, level, time)
        r = self.regs
        r.define(0x504, "OUT", write=lambda v: self._outputs_changed()).with_flags(0, pins, "PIN")
        r.define_set(0x508, "OUTSET", of="OUT")
        r.define_clear(0x50C, "OUTCLR", of="OUT")
        r.define(0x510, "IN").with_value_field(0, pins, "PIN", mode=RO, value=self.input_levels)
        r.define(0x514, "DIR", write=lambda v: self._outputs_changed()).with_flags(0, pins, "PIN")
        r.define_set(0x518, "DIRSET", of="DIR")
        r.define_clear(0x51C, "DIRCLR", of="DIR")
        r.define(0x520, "LATCH").with_flags(0, pins, "PIN", mode=W1C)
        r.define(0x524, "DETECTMODE").with_flag(0)
        for n in range(pins):
            r.define(0x700 + 4 * n, f"PIN_CNF[{n}]") \
                .with_flag(0, "DIR", value=lambda n=n: self._direction(n),
                           write=lambda v, n=n: self._set_direction(n, v)) \
                .with_flag(1, "INPUT", reset=1) \
                .with_value_field(2, 2, "PULL") \
                .with_value_field(8, 3, "DRIVE") \
                .with_value_field(16, 2, "SENSE")
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

    def input_levels(self) -> int:
        value = 0
        for pin in range(self.pins):
            if self.regs.value(f"PIN_CNF[{pin}]", "INPUT"):   # buffer disconnected: reads 0
                continue
            level = self._levels.get(pin, self.external.get(pin))
            if level is None:
                level = 1 if self.regs.value(f"PIN_CNF[{pin}]", "PULL") == PULL_UP else 0
            value |= level << pin
        return value

    def level(self, pin: int) -> int | None:
        """The level the port drives on `pin` (None while it is an input)."""
        return self._levels.get(pin)

    def drive_input(self, pin: int, level: int) -> None:
        self.external[pin] = 1 if level else 0

    # ---------------------------------------------------------- writes
    def _direction(self, pin: int) -> int:
        """PIN_CNF[n].DIR is the same bit as DIR.PIN<n>."""
        return self.regs.value("DIR", f"PIN{pin}")

    def _set_direction(self, pin: int, output: int) -> None:
        self.regs.set("DIR", output, f"PIN{pin}")
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
