"""RP2040 SIO (0xD0000000): the single-cycle IO block, core 0's view.

RP2040 datasheet §2.3.1 (SIO), register table §2.3.1.7:
  0x000 CPUID         0 on core 0, 1 on core 1 (this model is core 0's)
  0x004 GPIO_IN       input levels of GPIO0..29 (read-only)
  0x010 GPIO_OUT      output values of the GPIOs whose function is SIO
  0x014 GPIO_OUT_SET  write 1 to set bits of GPIO_OUT
  0x018 GPIO_OUT_CLR  write 1 to clear bits
  0x01C GPIO_OUT_XOR  write 1 to invert bits
  0x020 GPIO_OE       output enables
  0x024 GPIO_OE_SET / 0x028 GPIO_OE_CLR / 0x02C GPIO_OE_XOR, the same for GPIO_OE
SIO has no atomic aliases (§2.1.2): the SET/CLR/XOR registers are its own. Only the
GPIO registers are modelled: not the QSPI GPIOs, the inter-core FIFOs (core 1 is
held in reset), spinlocks, the divider or the interpolators.
"""
from __future__ import annotations

from ..peripheral import Peripheral
from ..registers import RO, WO

GPIOS = 30
GPIO_MASK = (1 << GPIOS) - 1


class Sio(Peripheral):
    size = 0x1000

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.io_bank0 = None
        r = self.regs
        r.define(0x000, "CPUID").with_value_field(0, 32, mode=RO)      # core 0
        r.define(0x004, "GPIO_IN").with_value_field(0, GPIOS, mode=RO, value=self._inputs)
        for offset, register in ((0x010, "GPIO_OUT"), (0x020, "GPIO_OE")):
            r.define(offset, register, write=lambda v: self._changed()) \
                .with_value_field(0, GPIOS)
            for step, (suffix, apply) in enumerate((("SET", lambda old, bits: old | bits),
                                                    ("CLR", lambda old, bits: old & ~bits),
                                                    ("XOR", lambda old, bits: old ^ bits))):
                r.define(offset + 4 * (step + 1), f"{register}_{suffix}").with_value_field(
                    0, GPIOS, mode=WO,
                    write=lambda bits, register=register, apply=apply:
                        self._apply(register, apply, bits))

    def connect_board(self, platform) -> None:
        name = self.options.get("io_bank0")
        self.io_bank0 = self.machine.peripherals.get(name) if name else None

    def _apply(self, register: str, operation, bits: int) -> None:
        self.regs.set(register, operation(self.regs.value(register), bits) & GPIO_MASK)
        self._changed()

    def _changed(self) -> None:
        if self.io_bank0 is not None:
            self.io_bank0.pins_changed()

    def _inputs(self) -> int:
        return self.io_bank0.input_levels() if self.io_bank0 is not None else 0

    def output(self, pin: int) -> tuple[int, int]:
        """(output value, output enable) SIO drives on `pin`."""
        return self.regs.value("GPIO_OUT") >> pin & 1, self.regs.value("GPIO_OE") >> pin & 1

    def reset(self) -> None:
        super().reset()
        self._changed()
