"""The System Control Space page (0xE000E000): ICTR, SysTick, NVIC and SCB."""
from __future__ import annotations

from .nvic import STIR, define_nvic
from .ppb import PrivateBusModel
from .scb import define_scb
from .systick import SysTick

CCR_USERSETMPEND = 1 << 1


class SystemControlSpace(PrivateBusModel):
    def __init__(self, machine, exceptions, dwt, name="scs", base=0xE000E000, **options):
        super().__init__(machine, name, base, **options)
        self.exceptions = exceptions
        self.systick = SysTick(machine, exceptions)
        self.systick.define(self.regs)
        strobes = define_nvic(self.regs, exceptions, machine.request_stop)
        strobes |= define_scb(self.regs, exceptions, machine, machine.profile.cpuid)
        self.regs["DEMCR"].on_write = dwt.set_demcr
        self.strobe_offsets = frozenset(strobes)

    def allows_unprivileged(self, offset: int, write: bool) -> bool:
        """CCR.USERSETMPEND lets unprivileged code pend interrupts through STIR."""
        return write and offset == STIR and bool(self.exceptions.ccr & CCR_USERSETMPEND)

    def reset(self) -> None:
        super().reset()
        self.systick.reset()
