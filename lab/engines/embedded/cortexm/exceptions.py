"""ARMv7-M exception model: priorities, pending/active state, entry and return.

Unicorn performs no M-profile exception entry or return (DESIGN.md), so the lab
does it here, following the ARMv7-M pseudocode (PushStack, ExceptionTaken,
ExceptionReturn, PopStack): basic and FP-extended frames, MSP/PSP and
CONTROL.SPSEL, EXC_RETURN, 8-byte stack alignment, preemption by group priority,
tail-chaining, PRIMASK/BASEPRI/FAULTMASK, and fault escalation to HardFault.

Lazy FP stacking is simplified to eager stacking: a frame that needs FP state
always carries S0-S15 and FPSCR, so the interrupted context comes back intact.
CONTROL.nPRIV is kept across entry and return; the lab lifts it while it works on the
registers (privilege.py).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from unicorn import UcError
from unicorn import arm_const as A

from . import privilege

RESET, NMI, HARDFAULT, MEMMANAGE, BUSFAULT, USAGEFAULT = 1, 2, 3, 4, 5, 6
SVCALL, DEBUGMONITOR, PENDSV, SYSTICK = 11, 12, 14, 15
FIRST_IRQ = 16

NAMES = {RESET: "Reset", NMI: "NMI", HARDFAULT: "HardFault", MEMMANAGE: "MemManage",
         BUSFAULT: "BusFault", USAGEFAULT: "UsageFault", SVCALL: "SVCall",
         DEBUGMONITOR: "DebugMonitor", PENDSV: "PendSV", SYSTICK: "SysTick"}
FAULTS = (HARDFAULT, MEMMANAGE, BUSFAULT, USAGEFAULT)
NO_PRIORITY = 256  # thread mode with nothing active or masked

# CFSR bits (MMFSR [7:0], BFSR [15:8], UFSR [31:16]) and HFSR bits
CFSR_BITS = {
    "IACCVIOL": 1 << 0, "DACCVIOL": 1 << 1, "MUNSTKERR": 1 << 3, "MSTKERR": 1 << 4,
    "MMARVALID": 1 << 7, "IBUSERR": 1 << 8, "PRECISERR": 1 << 9, "IMPRECISERR": 1 << 10,
    "UNSTKERR": 1 << 11, "STKERR": 1 << 12, "BFARVALID": 1 << 15, "UNDEFINSTR": 1 << 16,
    "INVSTATE": 1 << 17, "INVPC": 1 << 18, "NOCP": 1 << 19, "UNALIGNED": 1 << 24,
    "DIVBYZERO": 1 << 25,
}
HFSR_VECTTBL, HFSR_FORCED, HFSR_DEBUGEVT = 1 << 1, 1 << 30, 1 << 31
FAULT_OF_BIT = {**{b: MEMMANAGE for b in ("IACCVIOL", "DACCVIOL", "MUNSTKERR", "MSTKERR")},
                **{b: BUSFAULT for b in ("IBUSERR", "PRECISERR", "IMPRECISERR", "UNSTKERR",
                                         "STKERR")},
                **{b: USAGEFAULT for b in ("UNDEFINSTR", "INVSTATE", "INVPC", "NOCP",
                                           "UNALIGNED", "DIVBYZERO")}}

CONTROL_NPRIV, CONTROL_SPSEL, CONTROL_FPCA = 1, 2, 4
XPSR_T = 1 << 24
XPSR_KEEP_ON_ENTRY = 0xF80F0000  # N Z C V Q and GE[3:0]: the handler inherits them


class Lockup(Exception):
    """A fault the core cannot take (ARMv7-M lockup)."""


@dataclass
class FaultRecord:
    """What the lab reports when a fault is not recovered."""

    kind: str                 # e.g. "HardFault (forced from UsageFault)"
    reasons: list[str]        # status bits that were set, e.g. ["INVSTATE"]
    pc: int
    lr: int
    cfsr: int
    hfsr: int
    mmfar: int | None
    bfar: int | None
    detail: str = ""
    time: int = 0             # virtual time (cycles)
    exception: int = HARDFAULT
    functions: dict = field(default_factory=dict)  # filled in from ELF symbols


class ExceptionModel:
    def __init__(self, machine, num_irqs: int, priority_bits: int, has_fpu: bool):
        self.machine = machine
        self.uc = machine.uc
        self.num_irqs = num_irqs
        self.count = FIRST_IRQ + num_irqs
        self.priority_mask = (0xFF << (8 - priority_bits)) & 0xFF
        self.has_fpu = has_fpu
        self.irq_listeners = []   # callables(irq, level, time) when a peripheral's line moves
        self.exception_listeners = []   # callables(number, entered, time): entry and return
        self.reset()

    # ------------------------------------------------------------ state
    def reset(self) -> None:
        n = self.count
        self.enabled = [False] * n
        self.pending = [False] * n
        self.active = [False] * n
        self.priority = [0] * n
        self.line = [False] * n          # IRQ input levels (peripherals drive them)
        for number in (NMI, HARDFAULT, SVCALL, PENDSV, SYSTICK, DEBUGMONITOR):
            self.enabled[number] = True
        self.priority[RESET], self.priority[NMI], self.priority[HARDFAULT] = -3, -2, -1
        self.prigroup = 0
        self.vtor = self.machine.platform.cpu.reset_vtor
        self.ccr = 1 << 9               # STKALIGN set at reset on Cortex-M4
        self.scr = 0
        self.shcsr_enables = 0          # MEMFAULTENA/BUSFAULTENA/USGFAULTENA (bits 16..18)
        self.cfsr = 0
        self.hfsr = 0
        self.mmfar = 0
        self.bfar = 0
        self.fpccr = 0xC0000000         # ASPEN | LSPEN
        self.cpacr = 0
        self.event_register = False
        self.fault: FaultRecord | None = None   # the unrecovered fault, if any

    # ------------------------------------------------------ priorities
    def group_priority(self, priority: int) -> int:
        if priority < 0:
            return priority
        subpriority_bits = (self.prigroup + 1) & 7 if self.prigroup < 7 else 8
        return priority & (~((1 << subpriority_bits) - 1) & 0xFF)

    def set_priority(self, number: int, value: int) -> None:
        if number > HARDFAULT:
            self.priority[number] = value & self.priority_mask

    def active_priority(self) -> int:
        """Execution priority from active exceptions alone (masks ignored)."""
        best = NO_PRIORITY
        for number in range(1, self.count):
            if self.active[number]:
                best = min(best, self.group_priority(self.priority[number]))
        return best

    def execution_priority(self) -> int:
        priority = self.active_priority()
        primask, basepri, faultmask = privilege.masks(self.uc)
        if basepri:
            priority = min(priority, self.group_priority(basepri & self.priority_mask))
        if primask:
            priority = min(priority, 0)
        if faultmask:
            priority = min(priority, -1)
        return priority

    def best_pending(self) -> int | None:
        """The pending, enabled exception that would be taken first."""
        best, best_key = None, None
        for number in range(1, self.count):
            if self.pending[number] and self.enabled[number]:
                key = (self.group_priority(self.priority[number]), self.priority[number], number)
                if best_key is None or key < best_key:
                    best, best_key = number, key
        return best

    def preempting(self) -> int | None:
        number = self.best_pending()
        if number is not None and \
                self.group_priority(self.priority[number]) < self.execution_priority():
            return number
        return None

    def wakes_from_wfi(self) -> bool:
        """WFI wakes on an exception that would preempt if PRIMASK were clear."""
        number = self.best_pending()
        if number is None:
            return False
        priority = self.active_priority()
        basepri = privilege.masks(self.uc)[1]
        if basepri:
            priority = min(priority, self.group_priority(basepri & self.priority_mask))
        return self.group_priority(self.priority[number]) < priority

    def masked_pending(self) -> tuple[int, int] | None:
        """(pending group priority, active priority) when only PRIMASK/BASEPRI/FAULTMASK
        hold back the best pending exception: the native hook watches for the unmask."""
        number = self.best_pending()
        if number is None:
            return None
        pending = self.group_priority(self.priority[number])
        active = self.active_priority()
        return (pending, active) if pending < active else None

    def basepri_mask(self) -> int:
        """Bits of BASEPRI that form its group priority (for the native hook)."""
        return self.group_priority(0xFF & self.priority_mask)

    # ------------------------------------------------------- IRQ lines
    def set_pending(self, number: int, pending: bool = True) -> None:
        self.pending[number] = pending
        if not pending and number >= FIRST_IRQ and self.line[number]:
            self.pending[number] = True    # a level still asserted pends again
        self.machine.on_exception_state_changed()

    def set_irq_line(self, irq: int, level: bool) -> None:
        number = FIRST_IRQ + irq
        if level and not self.line[number] and not self.active[number]:
            self.pending[number] = True
        if self.irq_listeners and bool(level) != self.line[number]:
            time = self.machine.now()
            for listener in self.irq_listeners:
                listener(irq, bool(level), time)
        self.line[number] = level
        if level:
            self.machine.on_exception_state_changed()

    # ------------------------------------------------------------ entry
    def take(self, number: int, return_address: int) -> None:
        """Exception entry: stack the context and jump to the handler."""
        self.machine.charge_exception(return_address)
        with privilege.lifted(self.uc):
            self._push_and_enter(number, return_address)
        for listener in self.exception_listeners:
            listener(number, True, self.machine.now())

    def _push_and_enter(self, number: int, return_address: int) -> None:
        uc = self.uc
        control = uc.reg_read(A.UC_ARM_REG_CONTROL)
        xpsr = uc.reg_read(A.UC_ARM_REG_XPSR)
        in_thread = (xpsr & 0x1FF) == 0
        on_psp = in_thread and bool(control & CONTROL_SPSEL)
        fp_frame = self.has_fpu and bool(control & CONTROL_FPCA) and bool(self.fpccr >> 31)
        msp, psp = uc.reg_read(A.UC_ARM_REG_MSP), uc.reg_read(A.UC_ARM_REG_PSP)
        sp = psp if on_psp else msp

        frame_size = 0x68 if fp_frame else 0x20
        force_align = bool(self.ccr & (1 << 9)) or fp_frame
        realigned = bool(sp & 4) and force_align
        frame = (sp - frame_size) & (~7 if force_align else ~3) & 0xFFFFFFFF
        stacked_xpsr = (xpsr & ~(1 << 9)) | (realigned << 9)
        words = [uc.reg_read(r) for r in (A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2,
                                          A.UC_ARM_REG_R3, A.UC_ARM_REG_R12, A.UC_ARM_REG_LR)]
        words += [return_address & ~1, stacked_xpsr]
        if fp_frame:
            words += [uc.reg_read(A.UC_ARM_REG_S0 + i) for i in range(16)]
            words += [uc.reg_read(A.UC_ARM_REG_FPSCR), 0]
        self._write_stack(frame, words)

        exc_return = 0xFFFFFFE1 | (0 if fp_frame else 0x10)
        if in_thread:
            exc_return |= 0x8 | (0x4 if on_psp else 0)
            uc.reg_write(A.UC_ARM_REG_CONTROL, control & ~(CONTROL_SPSEL | CONTROL_FPCA))
        else:
            uc.reg_write(A.UC_ARM_REG_CONTROL, control & ~CONTROL_FPCA)
        uc.reg_write(A.UC_ARM_REG_XPSR, (xpsr & XPSR_KEEP_ON_ENTRY) | XPSR_T | number)
        if on_psp:
            psp = frame
        else:
            msp = frame
        uc.reg_write(A.UC_ARM_REG_MSP, msp)
        uc.reg_write(A.UC_ARM_REG_PSP, psp)
        if self.machine.stack_watch.exception_entered(number, sp, frame, on_psp, msp):
            self.machine.on_stack_overflow(frame, return_address)
        self._enter_handler(number, exc_return)

    def _enter_handler(self, number: int, exc_return: int) -> None:
        uc = self.uc
        self.pending[number] = False
        self.active[number] = True
        self.event_register = True
        vector = self._read_vector(number)
        uc.reg_write(A.UC_ARM_REG_LR, exc_return)
        # Writing PC sets EPSR.T from bit 0: a vector without the Thumb bit faults
        # (INVSTATE) on the handler's first instruction, as on hardware.
        uc.reg_write(A.UC_ARM_REG_PC, vector)
        self.machine.on_exception_state_changed()

    def _read_vector(self, number: int) -> int:
        try:
            return struct.unpack("<I", self.uc.mem_read(self.vtor + 4 * number, 4))[0]
        except UcError:
            self.hfsr |= HFSR_VECTTBL
            raise Lockup(f"vector table read failed for exception {number} "
                         f"at 0x{self.vtor + 4 * number:08X}")

    def _write_stack(self, address: int, words: list[int]) -> None:
        try:
            self.uc.mem_write(address, struct.pack(f"<{len(words)}I",
                                                   *[w & 0xFFFFFFFF for w in words]))
        except UcError:
            raise Lockup(f"stack overflow: exception entry could not stack a frame "
                         f"at 0x{address:08X}")

    # ----------------------------------------------------------- return
    def exception_return(self, exc_return: int) -> None:
        """The handler branched to EXC_RETURN: deactivate, tail-chain or unstack."""
        uc = self.uc
        returning = uc.reg_read(A.UC_ARM_REG_IPSR) & 0x1FF
        valid = (exc_return & 0xFFFFFFE0) == 0xFFFFFFE0 and (exc_return & 0xF) in (1, 9, 13) \
            and (self.has_fpu or exc_return & 0x10)
        if not valid or not self.active[returning]:
            self.raise_fault("INVPC", detail=f"invalid EXC_RETURN 0x{exc_return:08X}",
                             pc=exc_return)
            return
        for listener in self.exception_listeners:
            listener(returning, False, self.machine.now())
        self.active[returning] = False
        self.machine.charge_exception()
        if returning != NMI:
            uc.reg_write(A.UC_ARM_REG_FAULTMASK, 0)
        if self.line[returning] and returning >= FIRST_IRQ:
            self.pending[returning] = True     # level-sensitive line still asserted
        self.event_register = True
        if self.fault and returning == self.fault.exception:
            self.fault = None                  # the handler recovered
        self.machine.on_exception_state_changed()

        to_thread = bool(exc_return & 0x8)
        chained = self._tail_chain_target(to_thread)
        if chained is not None:
            self.machine.stack_watch.tail_chained(returning, chained)
            uc.reg_write(A.UC_ARM_REG_XPSR, (uc.reg_read(A.UC_ARM_REG_XPSR) & ~0x1FF) | chained)
            uc.reg_write(A.UC_ARM_REG_CONTROL,
                         uc.reg_read(A.UC_ARM_REG_CONTROL) & ~CONTROL_FPCA)
            self._enter_handler(chained, exc_return)
            return
        self.machine.stack_watch.exception_left(returning)
        self._unstack(exc_return)

    def _tail_chain_target(self, to_thread: bool) -> int | None:
        number = self.best_pending()
        if number is None:
            return None
        # Priority of the context we would return to: remaining actives and masks.
        if self.group_priority(self.priority[number]) < self.execution_priority():
            return number
        return None

    def _unstack(self, exc_return: int) -> None:
        with privilege.lifted(self.uc):   # thread mode gets the nPRIV its code left
            self._pop(exc_return)

    def _pop(self, exc_return: int) -> None:
        uc = self.uc
        to_thread = bool(exc_return & 0x8)
        from_psp = bool(exc_return & 0x4)
        fp_frame = not exc_return & 0x10
        msp, psp = uc.reg_read(A.UC_ARM_REG_MSP), uc.reg_read(A.UC_ARM_REG_PSP)
        frame = psp if from_psp else msp
        count = 26 if fp_frame else 8
        try:
            words = struct.unpack(f"<{count}I", uc.mem_read(frame, 4 * count))
        except UcError:
            raise Lockup(f"exception return could not unstack a frame at 0x{frame:08X}")
        r0, r1, r2, r3, r12, lr, pc, xpsr = words[:8]
        for reg, value in zip((A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2,
                               A.UC_ARM_REG_R3, A.UC_ARM_REG_R12, A.UC_ARM_REG_LR),
                              (r0, r1, r2, r3, r12, lr)):
            uc.reg_write(reg, value)
        if fp_frame:
            for i in range(16):
                uc.reg_write(A.UC_ARM_REG_S0 + i, words[8 + i])
            uc.reg_write(A.UC_ARM_REG_FPSCR, words[24])
        new_sp = frame + (0x68 if fp_frame else 0x20) + (4 if xpsr & (1 << 9) else 0)
        if from_psp:
            psp = new_sp
        else:
            msp = new_sp
        control = uc.reg_read(A.UC_ARM_REG_CONTROL) & ~(CONTROL_SPSEL | CONTROL_FPCA)
        uc.reg_write(A.UC_ARM_REG_CONTROL, control)      # still in handler mode: on MSP
        ipsr = 0 if to_thread else (xpsr & 0x1FF)
        uc.reg_write(A.UC_ARM_REG_XPSR, (xpsr & ~(0x1FF | (1 << 9))) | ipsr)
        control |= (CONTROL_SPSEL if to_thread and from_psp else 0) | \
            (CONTROL_FPCA if fp_frame else 0)
        uc.reg_write(A.UC_ARM_REG_CONTROL, control)      # thread mode: SPSEL now banks SP
        uc.reg_write(A.UC_ARM_REG_MSP, msp)
        uc.reg_write(A.UC_ARM_REG_PSP, psp)
        uc.reg_write(A.UC_ARM_REG_PC, (pc & ~1) | (1 if xpsr & XPSR_T else 0))
        if to_thread and self.scr & 0x2:
            self.machine.sleep_on_exit()

    # ----------------------------------------------------------- faults
    def raise_fault(self, reason: str, pc: int | None = None, address: int | None = None,
                    detail: str = "") -> None:
        """A synchronous fault at `pc`: set its status bits, take the fault exception
        (escalated to HardFault when it cannot be taken), or lock up."""
        uc = self.uc
        if pc is None:
            pc = uc.reg_read(A.UC_ARM_REG_PC)
        if reason == "DEBUGEVT":
            target, forced = HARDFAULT, False
            self.hfsr |= HFSR_DEBUGEVT
        else:
            self.cfsr |= CFSR_BITS[reason]
            target = FAULT_OF_BIT[reason]
            if address is not None and target == BUSFAULT:
                self.bfar, self.cfsr = address, self.cfsr | CFSR_BITS["BFARVALID"]
            if address is not None and target == MEMMANAGE:
                self.mmfar, self.cfsr = address, self.cfsr | CFSR_BITS["MMARVALID"]
            forced = not self._can_take(target)
            if forced:
                target = HARDFAULT
                self.hfsr |= HFSR_FORCED
        if target == HARDFAULT and self.execution_priority() <= -1:
            raise Lockup(f"{reason} while the execution priority is HardFault or higher")
        self.fault = self.fault_record(target, reason, forced, pc, address, detail)
        self.take(target, pc)
        self.machine.on_fault_raised()

    def _can_take(self, number: int) -> bool:
        if not self.machine.profile.has_exception(NAMES[number].lower()):
            return False   # ARMv6-M: every fault is a HardFault
        enable_bit = {MEMMANAGE: 16, BUSFAULT: 17, USAGEFAULT: 18}[number]
        enabled = bool(self.shcsr_enables & (1 << enable_bit))
        return enabled and self.group_priority(self.priority[number]) < self.execution_priority()

    def fault_record(self, target, reason, forced, pc, address, detail) -> FaultRecord:
        origin = FAULT_OF_BIT.get(reason)
        kind = NAMES[target]
        if forced and origin:
            kind += f" (escalated from {NAMES[origin]})"
        reasons = [name for name, bit in CFSR_BITS.items() if self.cfsr & bit]
        if self.hfsr & HFSR_FORCED:
            reasons.append("FORCED")
        if self.hfsr & HFSR_DEBUGEVT:
            reasons.append("DEBUGEVT")
        return FaultRecord(
            kind=kind, reasons=reasons, pc=pc & 0xFFFFFFFF,
            lr=self.uc.reg_read(A.UC_ARM_REG_LR), cfsr=self.cfsr, hfsr=self.hfsr,
            mmfar=self.mmfar if self.cfsr & CFSR_BITS["MMARVALID"] else None,
            bfar=self.bfar if self.cfsr & CFSR_BITS["BFARVALID"] else None,
            detail=detail, time=self.machine.now(), exception=target)

    def lockup_record(self, detail: str) -> FaultRecord:
        uc = self.uc
        return FaultRecord(kind="Lockup", reasons=[], pc=uc.reg_read(A.UC_ARM_REG_PC),
                           lr=uc.reg_read(A.UC_ARM_REG_LR), cfsr=self.cfsr, hfsr=self.hfsr,
                           mmfar=None, bfar=None, detail=detail, time=self.machine.now(),
                           exception=HARDFAULT)

    def current(self) -> int:
        return self.uc.reg_read(A.UC_ARM_REG_IPSR) & 0x1FF

    def in_fault_handler(self) -> bool:
        return any(self.active[n] for n in FAULTS)
