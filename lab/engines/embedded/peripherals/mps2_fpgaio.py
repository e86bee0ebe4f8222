"""MPS2 FPGA system control and I/O (FPGAIO): the user LEDs and push buttons.

At 0x40028000 in the AN385/AN386/AN500 images, 0x40302000 in the AN505 (0x50302000 its
Secure alias). Register table of the MPS2 application notes (AN385 "FPGA system control
and I/O", the same block in AN505), as QEMU's mps2-fpgaio models it:
  0x00 LED0      user LEDs [1:0], 1 = lit
  0x08 BUTTON    user push buttons [1:0], 1 = pressed (read-only)
Pins are the register's bits (board `leds: {port: fpgaio, pin: 0}`). The 1 Hz, 100 Hz
and prescaled counters (0x10-0x20) and MISC (0x4C) are not modelled (read as 0).
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO

LEDS = 2
BUTTONS = 2


class FpgaIo(Peripheral):
    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        # pin -> [(time, level)]: the LEDs are off from power-on
        self.history: dict[int, list[tuple[int, int]]] = {pin: [(0, 0)] for pin in range(LEDS)}
        self.pressed = 0                                       # BUTTON bits the host holds
        r = self.regs
        r.define(0x00, "LED0", write=lambda v: self._leds_changed()) \
            .with_value_field(0, LEDS)
        r.define(0x08, "BUTTON").with_value_field(0, BUTTONS, mode=RO,
                                                  value=lambda: self.pressed)

    def _leds_changed(self) -> None:
        value, time = self.regs.value("LED0"), self.now()
        for pin in range(LEDS):
            level = value >> pin & 1
            if self.history[pin][-1][1] != level:
                self.history[pin].append((time, level))

    def drive_input(self, pin: int, level: int) -> None:
        """A board button on `pin` pressed (1) or released (0)."""
        self.pressed = self.pressed | 1 << pin if level else self.pressed & ~(1 << pin)

    def reset(self) -> None:
        super().reset()
        self._leds_changed()
