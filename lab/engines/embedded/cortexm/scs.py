"""The System Control Space page (0xE000E000): ICTR, SysTick, NVIC and SCB."""
from __future__ import annotations

from ..peripheral import Peripheral
from .nvic import define_nvic
from .scb import define_scb
from .systick import SysTick


class SystemControlSpace(Peripheral):
    def __init__(self, machine, exceptions, dwt, name="scs", base=0xE000E000, **options):
        super().__init__(machine, name, base, **options)
        self.systick = SysTick(machine, exceptions)
        self.systick.define(self.regs)
        strobes = define_nvic(self.regs, exceptions, machine.request_stop)
        strobes |= define_scb(self.regs, exceptions, machine)
        self.regs["DEMCR"].on_write = dwt.set_demcr
        self.strobe_offsets = frozenset(strobes)

    def reset(self) -> None:
        super().reset()
        self.systick.reset()
