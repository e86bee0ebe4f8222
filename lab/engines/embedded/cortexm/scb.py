"""System Control Block (ARMv7-M B3.2), CPACR, FP control and DEMCR, at 0xE000ED00.."""
from __future__ import annotations

from .exceptions import (BUSFAULT, DEBUGMONITOR, MEMMANAGE, NMI, PENDSV, SVCALL, SYSTICK,
                         USAGEFAULT)

CPUID_CORTEX_M4_R0P1 = 0x410FC241
VECTKEY = 0x05FA

# SHCSR: active bits, pended bits and enable bits of the configurable exceptions
SHCSR_ACTIVE = {MEMMANAGE: 0, BUSFAULT: 1, USAGEFAULT: 3, SVCALL: 7, DEBUGMONITOR: 8,
                PENDSV: 10, SYSTICK: 11}
SHCSR_PENDED = {USAGEFAULT: 12, MEMMANAGE: 13, BUSFAULT: 14, SVCALL: 15}
SHCSR_ENABLES = 0x7 << 16


def define_scb(regs, exceptions, machine, cpuid: int = CPUID_CORTEX_M4_R0P1) -> set[int]:
    """Declare SCB registers on `regs` (offsets within the SCS); returns strobe offsets."""
    ex = exceptions

    def icsr_read():
        pending = ex.best_pending() or 0
        others_active = sum(ex.active) - (1 if ex.active[ex.current()] else 0)
        return (ex.current()
                | (0 if others_active else 1 << 11)                 # RETTOBASE
                | (min(pending, 0x1FF) << 12)                        # VECTPENDING
                | (any(ex.pending[16:]) << 22)                       # ISRPENDING
                | (ex.pending[SYSTICK] << 26) | (ex.pending[PENDSV] << 28)
                | (ex.pending[NMI] << 31))

    def icsr_write(value):
        changes = ((31, NMI, True), (28, PENDSV, True), (27, PENDSV, False),
                   (26, SYSTICK, True), (25, SYSTICK, False))
        for bit, number, state in changes:
            if value >> bit & 1:
                ex.set_pending(number, state)
        machine.request_stop()

    def aircr_write(value):
        if value >> 16 != VECTKEY:
            return                     # writes without the key are ignored
        ex.prigroup = (value >> 8) & 7
        ex.machine.on_exception_state_changed()
        if value & 0x4:
            machine.request_reset("SYSRESETREQ")

    def shpr_read(first):
        return sum((ex.priority[first + i] & 0xFF) << (8 * i) for i in range(4)
                   if first + i >= MEMMANAGE)

    def shpr_write(first, value):
        for i in range(4):
            if first + i in (MEMMANAGE, BUSFAULT, USAGEFAULT, SVCALL, DEBUGMONITOR, PENDSV,
                             SYSTICK):
                ex.set_priority(first + i, (value >> (8 * i)) & 0xFF)
        ex.machine.on_exception_state_changed()

    def shcsr_read():
        value = ex.shcsr_enables
        for number, bit in SHCSR_ACTIVE.items():
            value |= ex.active[number] << bit
        for number, bit in SHCSR_PENDED.items():
            value |= ex.pending[number] << bit
        return value

    def shcsr_write(value):
        ex.shcsr_enables = value & SHCSR_ENABLES
        for number, enable_bit in ((MEMMANAGE, 16), (BUSFAULT, 17), (USAGEFAULT, 18)):
            ex.enabled[number] = bool(value >> enable_bit & 1)
        ex.machine.on_exception_state_changed()

    def clear_bits(name):
        def write(value):
            setattr(ex, name, getattr(ex, name) & ~value)
        return write

    regs.define(0xD00, "CPUID", reset=cpuid, writable=0)
    regs.define(0xD04, "ICSR", read=icsr_read, write=icsr_write)
    regs.define(0xD08, "VTOR", read=lambda: ex.vtor,
                write=lambda v: setattr(ex, "vtor", v & 0xFFFFFF80))
    regs.define(0xD0C, "AIRCR", read=lambda: (0xFA05 << 16) | (ex.prigroup << 8),
                write=aircr_write)
    regs.define(0xD10, "SCR", read=lambda: ex.scr, write=lambda v: setattr(ex, "scr", v & 0x16))
    regs.define(0xD14, "CCR", read=lambda: ex.ccr,
                write=lambda v: machine.set_ccr(v & 0x31B))
    for index, first in enumerate((4, 8, 12)):
        regs.define(0xD18 + 4 * index, f"SHPR{index + 1}", read=lambda f=first: shpr_read(f),
                    write=lambda v, f=first: shpr_write(f, v))
    regs.define(0xD24, "SHCSR", read=shcsr_read, write=shcsr_write)
    regs.define(0xD28, "CFSR", read=lambda: ex.cfsr, write=clear_bits("cfsr"))
    regs.define(0xD2C, "HFSR", read=lambda: ex.hfsr, write=clear_bits("hfsr"))
    regs.define(0xD30, "DFSR")
    regs.define(0xD34, "MMFAR", read=lambda: ex.mmfar, write=lambda v: setattr(ex, "mmfar", v))
    regs.define(0xD38, "BFAR", read=lambda: ex.bfar, write=lambda v: setattr(ex, "bfar", v))
    regs.define(0xD3C, "AFSR")
    regs.define(0xD88, "CPACR", read=lambda: ex.cpacr,
                write=lambda v: setattr(ex, "cpacr", v & 0x00F00000))
    regs.define(0xDFC, "DEMCR", writable=0x010F07F1)  # TRCENA is bit 24
    regs.define(0xF34, "FPCCR", read=lambda: ex.fpccr,
                write=lambda v: setattr(ex, "fpccr", (ex.fpccr & 0x1FF) | (v & 0xC0000000)))
    regs.define(0xF38, "FPCAR")
    regs.define(0xF3C, "FPDSCR", writable=0x07C00000)
    regs.define(0xF40, "MVFR0", reset=0x10110021, writable=0)  # single-precision FPv4
    regs.define(0xF44, "MVFR1", reset=0x11000011, writable=0)
    # CFSR and HFSR are write-1-to-clear: a byte write must not clear other bytes.
    return {0xD04, 0xD28, 0xD2C}
