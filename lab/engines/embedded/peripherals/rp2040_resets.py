"""RP2040 RESETS (0x4000C000): the peripheral reset controller.

RP2040 datasheet §2.14 (subsystem resets), register table §2.14.3:
  0x0 RESET      bit n holds block n in reset; reset value 0x01FFFFFF (all held)
  0x4 WDSEL      bit n: a watchdog reset also resets block n
  0x8 RESET_DONE bit n reads 1 once block n is out of reset (read-only)
Blocks (bit): adc 0, busctrl 1, dma 2, i2c0 3, i2c1 4, io_bank0 5, io_qspi 6, jtag 7,
pads_bank0 8, pads_qspi 9, pio0 10, pio1 11, pll_sys 12, pll_usb 13, pwm 14, rtc 15,
spi0 16, spi1 17, syscfg 18, sysinfo 19, tbman 20, timer 21, uart0 22, uart1 23,
usbctrl 24.

The SoC file says which modelled peripheral sits behind which bit (`blocks:`); putting
a bit into reset resets that model's registers and state. RESET_DONE follows RESET at
once (the real reset takes a few clk_sys cycles; firmware polls RESET_DONE, so no
firmware can tell the difference except by counting those polls).
"""
from __future__ import annotations

from ....errors import LabError
from ..registers import RO
from .rp2040_base import Rp2040Peripheral

BLOCKS = ("adc", "busctrl", "dma", "i2c0", "i2c1", "io_bank0", "io_qspi", "jtag",
          "pads_bank0", "pads_qspi", "pio0", "pio1", "pll_sys", "pll_usb", "pwm", "rtc",
          "spi0", "spi1", "syscfg", "sysinfo", "tbman", "timer", "uart0", "uart1", "usbctrl")
ALL_HELD = (1 << len(BLOCKS)) - 1     # 0x01FFFFFF


class Resets(Rp2040Peripheral):
    def __init__(self, machine, name, base, irq=None, blocks: dict | None = None, **options):
        super().__init__(machine, name, base, irq, **options)
        self.blocks = dict(blocks or {})      # model name -> bit
        r = self.regs
        reset = r.define(0x0, "RESET", write=lambda v: self._held_changed())
        wdsel = r.define(0x4, "WDSEL")
        done = r.define(0x8, "RESET_DONE")
        for bit, block in enumerate(BLOCKS):
            reset.with_flag(bit, block.upper(), reset=1)
            wdsel.with_flag(bit, block.upper())
            done.with_flag(bit, block.upper(), mode=RO,
                           value=lambda bit=bit: 1 ^ (self.regs.value("RESET") >> bit & 1))
        self._held = ALL_HELD

    def connect_board(self, platform) -> None:
        self.models = {}
        for model_name, bit in self.blocks.items():
            if model_name not in self.machine.peripherals:
                raise LabError(f"{platform.path}: {self.name}.blocks: no peripheral "
                               f"{model_name!r}")
            self.models[bit] = self.machine.peripherals[model_name]

    def reset(self) -> None:
        super().reset()
        self._held = ALL_HELD

    def _held_changed(self) -> None:
        held = self.regs.value("RESET")
        entering = held & ~self._held
        self._held = held
        for bit, model in self.models.items():
            if entering >> bit & 1:
                model.reset()
