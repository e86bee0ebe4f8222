"""A simulated Cortex-M board: Unicorn executes Thumb-2, the lab models the rest.

Time is virtual: core clock cycles counted exactly by the native block hook
(labcore.c). The CPU runs until the next scheduled event's deadline; it stops at
the first block boundary at or after it, every due event fires with its own exact
timestamp, and pending exceptions are taken there (a deterministic latency of at
most one translated block, like an interrupt latency). WFI, WFE and `b .` idle
loops jump straight to the next event. Everything is a pure function of the
firmware and its inputs: no wall clock anywhere.
"""
from __future__ import annotations

import ctypes
import logging
import struct

from unicorn import (UC_ARCH_ARM, UC_ERR_FETCH_PROT, UC_ERR_FETCH_UNMAPPED, UC_ERR_INSN_INVALID,
                     UC_ERR_READ_PROT, UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_PROT,
                     UC_ERR_WRITE_UNMAPPED, UC_HOOK_INTR, UC_HOOK_MEM_INVALID, UC_MODE_MCLASS,
                     UC_MODE_THUMB, UC_PROT_EXEC, UC_PROT_READ, UC_PROT_WRITE, Uc, UcError)
from unicorn import arm_const as A

from ...cores import TIMING_FIELDS
from ...elf import Firmware
from ...errors import LabError
from . import native
from .bus import Bus
from .cortexm import privilege
from .cortexm.dwt import Dwt
from .cortexm.exceptions import (HARDFAULT, SVCALL, XPSR_T, ExceptionModel, FaultRecord,
                                 Lockup)
from .cortexm.ppb import UnmodelledPrivateBus
from .cortexm.scs import SystemControlSpace
from .peripherals import model_class
from .scheduler import NEVER, Scheduler
from .semihosting import Semihosting
from .stack import StackWatch

log = logging.getLogger("lab.machine")

# a core profile's unicorn_model -> Unicorn's CPU model
CPU_MODELS = {"cortex-m0": A.UC_CPU_ARM_CORTEX_M0, "cortex-m3": A.UC_CPU_ARM_CORTEX_M3,
              "cortex-m4": A.UC_CPU_ARM_CORTEX_M4, "cortex-m7": A.UC_CPU_ARM_CORTEX_M7,
              "cortex-m33": A.UC_CPU_ARM_CORTEX_M33}
UNTIL_NEVER = 0xFFFFFFFF         # an odd address: never a Thumb PC
FAULT_HANDLER_GRACE_S = 1.0      # a fault handler that neither returns nor stops in time

# QEMU exception numbers as Unicorn reports them through UC_HOOK_INTR
EXCP_UDEF, EXCP_SWI, EXCP_PREFETCH_ABORT, EXCP_DATA_ABORT = 1, 2, 3, 4
EXCP_BKPT, EXCP_EXCEPTION_EXIT = 7, 8
EXCP_NOCP, EXCP_INVSTATE, EXCP_UNALIGNED, EXCP_DIVBYZERO = 17, 18, 22, 23
INTR_FAULTS = {EXCP_UDEF: "UNDEFINSTR", EXCP_NOCP: "NOCP", EXCP_INVSTATE: "INVSTATE",
               EXCP_UNALIGNED: "UNALIGNED", EXCP_DIVBYZERO: "DIVBYZERO",
               EXCP_PREFETCH_ABORT: "IBUSERR", EXCP_DATA_ABORT: "PRECISERR"}

# Thumb hint encodings, for telling why the CPU stopped
WFI, WFE, SEV, YIELD = 0xBF30, 0xBF20, 0xBF40, 0xBF10
WFI_W, WFE_W = (0xF3AF, 0x8003), (0xF3AF, 0x8002)
SEMIHOSTING_BKPT = 0xBEAB
CCR_UNALIGN_TRP, CCR_DIV_0_TRP = 1 << 3, 1 << 4


class Halt:
    """Why a run stopped before its time limit."""

    DONE, FAULT, LOCKUP, EXIT = "done", "fault", "lockup", "exit"


class Machine:
    def __init__(self, platform, strict_alignment: bool = False):
        self._in_emulation = False
        self.platform = platform
        # Unicorn traps no unaligned access but LDREX/STREX; checking them costs every
        # instruction, so only while CCR.UNALIGN_TRP is set, or always in strict mode
        # (then LDRD/LDM/PUSH/VPUSH... are checked even with UNALIGN_TRP clear).
        self.strict_alignment = strict_alignment
        self.clock_hz = platform.cpu.clock_hz
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.profile = platform.cpu.profile
        self.uc.ctl_set_cpu_model(CPU_MODELS[self.profile.unicorn_model])
        self.core = native.Core(self.uc)
        self.timed = platform.timing == "cycles"
        if self.timed:
            self._configure_timing()
        self.stack_watch = StackWatch(self)
        self.scheduler = Scheduler(on_new_event=self._on_new_event)
        self.exceptions = ExceptionModel(self, platform.cpu.irqs, platform.cpu.priority_bits,
                                         platform.cpu.has_fpu)
        self.bus = Bus(self)
        self.firmware: Firmware | None = None
        self.semihosting = Semihosting(self)
        self.peripherals = {}
        self._buffers = {}
        self._map_memory()
        self._attach_system()
        self._attach_peripherals()
        self.bus.map(self.uc, platform.mmio)
        self._map_rest_of_private_bus()
        self.uc.hook_add(UC_HOOK_INTR, self._on_intr)
        self.uc.hook_add(UC_HOOK_MEM_INVALID, self._on_invalid_access)
        self.core.install()
        self._access = None
        self._access_counts = None
        self.halt_reason: str | None = None
        self.halt_detail = ""
        self.fault: FaultRecord | None = None
        self.resets = 0
        # a debugger (lab.debug.target.DebugTarget) while one is attached: it is told
        # when a fault handler is entered and when a BKPT runs, and halts the core
        self.debug_monitor = None
        self._clear_run_state()

    # ------------------------------------------------------------ set-up
    def _map_memory(self) -> None:
        for region in self.platform.memory:
            buffer = ctypes.create_string_buffer(region.size)
            perms = (UC_PROT_READ if "r" in region.access else 0) | \
                (UC_PROT_WRITE if "w" in region.access else 0) | \
                (UC_PROT_EXEC if "x" in region.access else 0)
            self.uc.mem_map_ptr(region.base, region.size, perms, ctypes.addressof(buffer))
            self.core.add_region(region.base, region.size, buffer)
            self._buffers[region.name] = (region, buffer)

    def _configure_timing(self) -> None:
        """The core's timing table, the memories' wait states, the flash cache."""
        platform, core = self.platform, self.core
        core.configure_timing([platform.cpu.timing[name] for name in TIMING_FIELDS])
        cache = platform.icache
        if cache is not None:
            platform.region(cache["region"])   # a LabError if the SoC has no such memory
            sets = cache["size"] // (cache["ways"] * cache["line_bytes"])
            core.configure_icache(sets, cache["ways"], cache["line_bytes"], cache["miss_cycles"])
        for region in platform.memory:
            if region.wait_states:
                cached = cache is not None and cache["region"] == region.name
                core.add_wait_region(region.base, region.size, region.wait_states, cached)

    def charge_exception(self, return_address: int | None = None) -> None:
        """Exception entry (with the address it returns to) or, without, exception return:
        the core's latency from its profile, as cycles the core spends."""
        if not self.timed:
            return
        state = self.core.state
        if return_address is None:
            cycles = self.profile.exception_return_cycles
        else:
            self.core.settle_branch(return_address)
            cycles = self.profile.exception_entry_cycles
        state.now += cycles
        state.active_cycles += cycles

    def _attach_system(self) -> None:
        self.dwt = Dwt(self)
        self.scs = SystemControlSpace(self, self.exceptions, self.dwt)
        for model in (self.dwt, self.scs):
            self.bus.attach(model)

    def _map_rest_of_private_bus(self) -> None:
        """The PPB blocks the lab does not model, as a few large regions (the bus would
        map them page by page: a thousand regions, 0.4 s per machine)."""
        rest = UnmodelledPrivateBus(self, self.dwt.windows() + self.scs.windows())
        self.private_bus_rest = rest
        for start, end in rest.windows():
            offset = start - rest.base
            self.uc.mmio_map(start, end - start,
                             lambda uc, at, size, _, o=offset: rest.read(o + at, size), None,
                             lambda uc, at, size, value, _, o=offset: rest.write(o + at, size,
                                                                                 value), None)

    def _attach_peripherals(self) -> None:
        for spec in self.platform.peripherals:
            model = model_class(spec.model, self.platform.path)
            peripheral = model(self, spec.name, spec.base, spec.irq, **spec.options)
            self.peripherals[spec.name] = peripheral
            self.bus.attach(peripheral)
        for peripheral in self.peripherals.values():
            peripheral.connect_board(self.platform)

    def memory(self, name: str):
        """The host buffer behind a memory region (ctypes), e.g. memory('ram')."""
        return self._buffers[name][1]

    # ------------------------------------------------------------ firmware
    def load(self, firmware: Firmware) -> None:
        self.firmware = firmware
        self._flash_image = []
        for segment in firmware.segments:
            try:
                self.uc.mem_write(segment.address, segment.data)
            except UcError:
                raise LabError(f"{firmware.path}: segment at 0x{segment.address:08X} "
                               f"({len(segment.data)} bytes) is outside the memory of "
                               f"{self.platform.name}: was it built for this board?")
            self._flash_image.append(segment)
        self._reset_cpu()
        self.stack_watch.start(firmware, self.uc.reg_read(A.UC_ARM_REG_MSP))

    def _reset_cpu(self) -> None:
        uc = self.uc
        privilege.clear_npriv(uc)   # a reset can come while thread mode is unprivileged
        for reg in range(A.UC_ARM_REG_R0, A.UC_ARM_REG_R12 + 1):
            uc.reg_write(reg, 0)
        uc.reg_write(A.UC_ARM_REG_CONTROL, 0)
        uc.reg_write(A.UC_ARM_REG_PRIMASK, 0)
        uc.reg_write(A.UC_ARM_REG_BASEPRI, 0)
        uc.reg_write(A.UC_ARM_REG_FAULTMASK, 0)
        uc.reg_write(A.UC_ARM_REG_XPSR, XPSR_T)
        vtor = self.exceptions.vtor
        sp, pc = struct.unpack("<II", uc.mem_read(vtor, 8))
        uc.reg_write(A.UC_ARM_REG_MSP, sp & ~3)
        uc.reg_write(A.UC_ARM_REG_PSP, 0)
        uc.reg_write(A.UC_ARM_REG_LR, 0xFFFFFFFF)
        uc.reg_write(A.UC_ARM_REG_PC, pc)   # bit 0 -> EPSR.T (clear: INVSTATE at once)
        self.sleeping = False

    def system_reset(self) -> None:
        """SYSRESETREQ: core and peripherals reset, RAM kept, time goes on."""
        self.resets += 1
        self.stack_watch.on_reset()
        self.scheduler.clear()
        self.exceptions.reset()
        self.core.state.unalign_trp = self.core.state.div_0_trp = 0
        self.bus.reset()
        for peripheral in self.peripherals.values():
            peripheral.after_reset()
        self._reset_cpu()

    def hard_reset(self) -> None:
        """Power cycle: RAM cleared, the image reloaded, counters back to zero."""
        for name, (region, buffer) in self._buffers.items():
            ctypes.memset(buffer, 0, region.size)
        for segment in self._flash_image:
            self.uc.mem_write(segment.address, segment.data)
        state = self.core.state
        state.now = state.active_cycles = state.instructions = 0
        self.resets = 0
        self.system_reset()
        self.resets = 0
        self.fault = None
        self.halt_reason = None

    # ------------------------------------------------------------ time
    def begin_access(self, address: int) -> None:
        """Called by the bus before a model sees a CPU access (time computed lazily)."""
        self._access = address
        self._access_counts = None

    def _counts(self) -> tuple[int, int, int]:
        if self._access is None:
            s = self.core.state
            return s.now, s.active_cycles, s.instructions
        if self._access_counts is None:
            pc = self.core.locate_access(self._access)
            self._access_counts = self.core.counts_at(pc)
        return self._access_counts

    def now(self) -> int:
        """Virtual time in core clock cycles (sleep included)."""
        return self._counts()[0]

    def active_cycles(self) -> int:
        """Cycles the core has executed (what DWT CYCCNT counts)."""
        return self._counts()[1]

    def instructions(self) -> int:
        return self._counts()[2]

    def seconds(self, cycles: int | None = None) -> float:
        return (self.now() if cycles is None else cycles) / self.clock_hz

    def cycles(self, seconds: float) -> int:
        return int(round(seconds * self.clock_hz))

    # ------------------------------------------------------------ requests
    def request_stop(self) -> None:
        """Stop the CPU at the end of the current block (state changed under it).

        Never uc.emu_stop() here: called from an MMIO callback it aborts the
        accessing instruction, which then runs (and writes) again on resume."""
        self._stop_requested = True
        if self._in_emulation:
            self.core.state.deadline = 0

    def _on_new_event(self, time: int) -> None:
        """An event scheduled while the CPU runs (a register write started a timer):
        the CPU must stop for it, not at the deadline it was started with."""
        if self._in_emulation and time < self.core.state.deadline:
            self.core.state.deadline = time

    def on_exception_state_changed(self) -> None:
        if self._in_emulation:
            self.request_stop()

    def request_reset(self, why: str) -> None:
        self._reset_requested = why
        self.request_stop()

    def halt(self, reason: str, detail: str = "") -> None:
        """End the run (firmware done, harness condition met, fault ...)."""
        if self.halt_reason is None:
            self.halt_reason, self.halt_detail = reason, detail
        self.request_stop()

    def sleep_on_exit(self) -> None:
        self.sleeping = True

    def set_ccr(self, value: int) -> None:
        self.exceptions.ccr = value | (1 << 9)   # STKALIGN is fixed to 1 here
        self.core.state.unalign_trp = int(bool(value & CCR_UNALIGN_TRP))
        self.core.state.div_0_trp = int(bool(value & CCR_DIV_0_TRP))
        self.request_stop()   # the alignment check is added or removed between blocks

    def refuse_unprivileged(self, address: int) -> bool:
        """Asked by the Private Peripheral Bus models before every access: an unprivileged
        one must not happen. Stopping the CPU inside the access makes Unicorn abandon the
        instruction (measured: PC on it, no register or memory written), so it becomes a
        precise BusFault there."""
        if not self._in_emulation or not privilege.unprivileged(self.uc):
            return False
        if self._unprivileged_access is None:
            self._unprivileged_access = address
        self.uc.emu_stop()
        return True

    # ------------------------------------------------------------ run loop
    def _clear_run_state(self) -> None:
        self.sleeping = False
        self._stop_requested = False
        self._reset_requested = None
        self._intr = None
        self._invalid_access = None
        self._unprivileged_access = None
        self._step_block = False
        self._fault_deadline = None
        self._waiting_for_event = False

    def run(self, until: int) -> str | None:
        """Run until virtual time `until` (cycles) or a halt; returns the halt reason
        (None when the time limit was reached)."""
        self.halt_reason = None
        while self.halt_reason is None:
            self._fire_due_events()
            if self.halt_reason is not None:
                break
            if self._reset_requested:
                self._reset_requested = None
                self.system_reset()
                continue
            if self.core.state.now >= until:
                return None
            if self.sleeping and not self._wake_up():
                self._sleep_until(min(self.scheduler.next_time(), until))
                continue
            try:
                self._take_pending_exception()
                self._execute(until)
            except Lockup as lockup:
                self._lock_up(str(lockup))
        return self.halt_reason

    def _fire_due_events(self) -> None:
        state = self.core.state
        while self.halt_reason is None:
            event = self.scheduler.pop_due(state.now)
            if event is None:
                return
            event.fire()

    def _wake_up(self) -> bool:
        if self.exceptions.wakes_from_wfi() or self._sevonpend_wake() or \
                self.semihosting.input_arrived():
            self.sleeping = False
            self.semihosting.waiting_for_input = False   # the BKPT asks again
            return True
        return False

    def _sevonpend_wake(self) -> bool:
        return bool(self.exceptions.scr & 0x10 and self._waiting_for_event and
                    any(self.exceptions.pending))

    def _sleep_until(self, time: int) -> None:
        state = self.core.state
        if time == NEVER:
            self._lock_up("the core sleeps with no event or time limit ahead")
            return
        state.now = max(state.now, time)   # the core clock is gated: CYCCNT stands still

    def _take_pending_exception(self) -> None:
        number = self.exceptions.preempting()
        if number is None:
            return
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        if self._inside_it_block(pc):
            self._step_block = True   # run one more block, then try again
            return
        self.sleeping = False
        self.exceptions.take(number, pc)

    def _execute(self, until: int) -> None:
        uc, state = self.uc, self.core.state
        self.core.check_alignment(self.strict_alignment or bool(state.unalign_trp))
        deadline = min(self.scheduler.next_time(), until)
        stepping, self._step_block = self._step_block, False
        if stepping:
            deadline = min(deadline, state.now + 1)
        state.deadline = deadline
        state.stop_reason = native.STOP_NONE
        self._watch_unmask()
        if stepping:
            # the pending exception is already unmasked and waits for this one block (an IT
            # block may cover the PC): watching for its unmask would stop before the block
            # runs, again and again
            state.watch_unmask = 0
        pc = uc.reg_read(A.UC_ARM_REG_PC)
        if not uc.reg_read(A.UC_ARM_REG_XPSR) & XPSR_T:
            self.exceptions.raise_fault("INVSTATE", pc=pc,
                                        detail="executing with the Thumb bit clear")
            return
        self._stop_requested = False
        self._intr = None
        self._invalid_access = None
        self._unprivileged_access = None
        self._resume_pc = pc
        self._in_emulation = True
        try:
            uc.emu_start(pc | 1, UNTIL_NEVER)
            error = None
        except UcError as exc:
            error = exc
        finally:
            self._in_emulation = False
            self._access = None
        if error is not None:
            self._on_cpu_error(error)
        elif self._unprivileged_access is not None:
            self._on_unprivileged_access(self._unprivileged_access)
        elif self._intr is not None:
            self._on_cpu_exception(*self._intr)
        elif state.stop_reason != native.STOP_NONE:
            self._on_native_stop(state.stop_reason, deadline)
        elif not self._stop_requested:
            self._on_hint_stop()

    def _watch_unmask(self) -> None:
        state = self.core.state
        masked = self.exceptions.masked_pending()
        state.watch_unmask = 1 if masked else 0
        if masked:
            state.pending_priority, state.active_priority = masked
            state.basepri_mask = self.exceptions.basepri_mask()

    # ------------------------------------------------------ CPU stop causes
    def _on_native_stop(self, reason: int, deadline: int) -> None:
        """The native hook stopped the CPU (a deadline or an unmask needs nothing here:
        the run loop fires what is due)."""
        if reason == native.STOP_IDLE_LOOP:
            self._on_idle_loop(deadline)
        elif reason == native.STOP_UNALIGNED:
            self._on_unaligned()
        elif reason == native.STOP_DIVBYZERO:
            self._on_division_by_zero()
        elif reason == native.STOP_HOOK_DIVIDES:
            self.core.hook_divides()   # the block runs when the CPU resumes
        elif reason == native.STOP_STACK_OVERFLOW:
            self.on_stack_overflow(self.core.state.fault_address, self.core.state.fault_pc)

    def on_stack_overflow(self, sp: int, pc: int) -> None:
        """The main stack ran into the data below its reserve: the run ends with a fault
        report (the core itself has no limit check; the block has not run)."""
        record = self.exceptions.lockup_record(self.stack_watch.overflow_detail(sp, pc))
        record.kind, record.reasons, record.pc = "Stack overflow", ["STACK_OVERFLOW"], pc
        self._symbolize(record)
        self.fault = record
        self.halt(Halt.FAULT, record.detail)
        self._finish_peripherals()

    def _on_unaligned(self) -> None:
        state = self.core.state
        self.core.rewind_to(state.fault_pc)
        self.exceptions.raise_fault("UNALIGNED", pc=state.fault_pc,
                                    detail=f"unaligned access to 0x{state.fault_address:08X}")

    def _on_division_by_zero(self) -> None:
        pc = self.core.state.fault_pc
        self.core.rewind_to(pc)
        self.exceptions.raise_fault("DIVBYZERO", pc=pc,
                                    detail="SDIV/UDIV by zero with CCR.DIV_0_TRP set")

    def _on_unprivileged_access(self, address: int) -> None:
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        self.core.rewind_to(pc)
        self.exceptions.raise_fault("PRECISERR", pc=pc, address=address,
                                    detail=f"unprivileged access to 0x{address:08X} on the "
                                           "Private Peripheral Bus")

    def _on_intr(self, uc, intno, user_data) -> None:
        self._intr = (intno, uc.reg_read(A.UC_ARM_REG_PC))
        uc.emu_stop()

    def _on_invalid_access(self, uc, access, address, size, value, user_data) -> bool:
        self._invalid_access = address
        return False

    def _on_cpu_exception(self, intno: int, pc: int) -> None:
        if intno == EXCP_EXCEPTION_EXIT:
            self.exceptions.exception_return(pc | 1)
        elif intno == EXCP_SWI:
            self._supervisor_call(pc)
        elif intno == EXCP_BKPT:
            self._breakpoint(pc)
        elif intno == EXCP_DATA_ABORT and self._is_exclusive(pc):
            # Unicorn checks the alignment of LDREX/STREX itself (before any lab hook)
            # and reports it as a data abort: on the core it is a UsageFault.
            self.core.rewind_to(pc)
            self.exceptions.raise_fault("UNALIGNED", pc=pc, detail="unaligned exclusive access")
        elif intno in INTR_FAULTS:
            self.core.rewind_to(pc)
            self.exceptions.raise_fault(INTR_FAULTS[intno], pc=pc)
        else:
            self._lock_up(f"unexpected CPU exception {intno} at 0x{pc:08X}")

    def _supervisor_call(self, return_address: int) -> None:
        ex = self.exceptions
        if ex.group_priority(ex.priority[SVCALL]) < ex.execution_priority():
            ex.take(SVCALL, return_address)
        else:   # SVC where SVCall cannot preempt escalates to HardFault
            ex.hfsr |= 1 << 30
            if ex.execution_priority() <= -1:
                raise Lockup("SVC at HardFault priority")
            ex.fault = ex.fault_record(HARDFAULT, "FORCED", True, return_address - 2, None,
                                  "SVC executed where SVCall could not preempt")
            ex.take(HARDFAULT, return_address - 2)
            self.on_fault_raised()

    def _breakpoint(self, pc: int) -> None:
        if self._halfword(pc) == SEMIHOSTING_BKPT:
            self.uc.reg_write(A.UC_ARM_REG_PC, (pc + 2) | 1)
            self.semihosting.call()
            if self.semihosting.waiting_for_input:   # a console read, nothing typed yet
                self.core.rewind_to(pc)
                self.uc.reg_write(A.UC_ARM_REG_PC, pc | 1)
                self.sleeping = True
            return
        self.core.rewind_to(pc)
        if self.debug_monitor is not None:
            self.debug_monitor.bkpt_executed(pc)
            return
        self.exceptions.raise_fault("DEBUGEVT", pc=pc,
                                    detail=f"BKPT #{self._halfword(pc) & 0xFF} with no debugger")

    def _on_cpu_error(self, error: UcError) -> None:
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        code = error.errno
        if code in (UC_ERR_FETCH_UNMAPPED, UC_ERR_FETCH_PROT):
            reason = "IACCVIOL" if pc >= 0xE0000000 else "IBUSERR"
            address = None if reason == "IBUSERR" else pc
            self.exceptions.raise_fault(reason, pc=pc, address=address,
                                        detail=f"instruction fetch from 0x{pc:08X}")
            return
        self.core.rewind_to(pc)
        if code in (UC_ERR_READ_UNMAPPED, UC_ERR_WRITE_UNMAPPED, UC_ERR_READ_PROT,
                    UC_ERR_WRITE_PROT):
            what = "write to" if code in (UC_ERR_WRITE_UNMAPPED, UC_ERR_WRITE_PROT) else "read of"
            address = self._invalid_access
            where = f"0x{address:08X}" if address is not None else "an invalid address"
            self.exceptions.raise_fault("PRECISERR", pc=pc, address=address,
                                        detail=f"{what} {where}")
        elif code == UC_ERR_INSN_INVALID:
            self._on_invalid_instruction(pc)
        else:
            self._lock_up(f"CPU error at 0x{pc:08X}: {error}")

    def _on_invalid_instruction(self, pc: int) -> None:
        if not self.uc.reg_read(A.UC_ARM_REG_XPSR) & XPSR_T:
            self.exceptions.raise_fault("INVSTATE", pc=pc,
                                        detail="branch to an address without the Thumb bit")
            return
        # Unicorn reports WFE and YIELD as invalid, with the PC after them.
        previous = self._halfword(pc - 2) if pc != self._resume_pc else None
        if previous in (WFE, YIELD) or \
                (pc != self._resume_pc and self._word_before(pc) == WFE_W):
            self.core.rewind_to(pc)
            if previous == YIELD:
                return
            self._wait_for_event(pc)
            return
        self.exceptions.raise_fault("UNDEFINSTR", pc=pc,
                                    detail=f"undefined instruction 0x{self._halfword(pc):04X}")

    def _on_hint_stop(self) -> None:
        """The CPU stopped by itself: a WFI just ran."""
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        if self._halfword(pc - 2) == WFI or self._word_before(pc) == WFI_W:
            if not self.exceptions.wakes_from_wfi():
                self.sleeping = True
                self._waiting_for_event = False

    def _wait_for_event(self, pc: int) -> None:
        ex = self.exceptions
        sev_just_before = self._halfword(pc - 4) == SEV
        if ex.event_register or sev_just_before:
            ex.event_register = False
            return
        if not ex.wakes_from_wfi():
            self.sleeping = True
            self._waiting_for_event = True

    def _on_idle_loop(self, deadline: int) -> None:
        """`b .`: nothing changes until the next event, so jump there. A fault
        handler spinning like this is a fault that was not recovered."""
        if self.exceptions.fault is not None and self.exceptions.in_fault_handler():
            self._halt_on_fault("the fault handler spins")
            return
        state = self.core.state
        skipped = max(0, deadline - state.now)   # one instruction per turn of the loop
        turn = max(1, self.core.timing.idle_loop_cycles) if self.core.timing else 1
        state.now += skipped
        state.active_cycles += skipped
        state.instructions += -(-skipped // turn)

    # --------------------------------------------------------------- faults
    def on_fault_raised(self) -> None:
        """A fault handler was entered: it must return or stop within the grace time."""
        if self._fault_deadline is None:
            grace = self.cycles(FAULT_HANDLER_GRACE_S)
            self._fault_deadline = self.scheduler.at(self.now() + grace, self._fault_timeout)
        if self.debug_monitor is not None:
            self.debug_monitor.fault_raised(self.exceptions.fault)

    def _fault_timeout(self, time: int) -> None:
        self._fault_deadline = None
        if self.exceptions.fault is not None and self.exceptions.in_fault_handler():
            self._halt_on_fault(f"the fault handler did not return within "
                                f"{FAULT_HANDLER_GRACE_S:g} virtual s")

    def _halt_on_fault(self, why: str) -> None:
        record = self.exceptions.fault
        record.detail = "; ".join(d for d in (record.detail, why) if d)
        self._symbolize(record)
        self.fault = record
        self.halt(Halt.FAULT, why)
        self._finish_peripherals()

    def _lock_up(self, why: str) -> None:
        record = self.exceptions.fault or self.exceptions.lockup_record(why)
        if record.kind != "Lockup":
            record.kind = f"Lockup after {record.kind}"
        record.detail = "; ".join(d for d in (record.detail, why) if d)
        self._symbolize(record)
        self.fault = record
        self.halt(Halt.LOCKUP, why)
        self._finish_peripherals()

    def _finish_peripherals(self) -> None:
        for peripheral in self.peripherals.values():
            peripheral.finish_after_halt()

    def _symbolize(self, record: FaultRecord) -> None:
        if self.firmware is not None:
            record.functions = {"pc": self.firmware.function_at(record.pc),
                                "lr": self.firmware.function_at(record.lr)}

    # ------------------------------------------------------------- helpers
    def _halfword(self, address: int) -> int | None:
        try:
            return struct.unpack("<H", self.uc.mem_read(address, 2))[0]
        except UcError:
            return None

    def _is_exclusive(self, pc: int) -> bool:
        """LDREX/STREX, or their byte and halfword forms, at `pc`."""
        first, second = self._halfword(pc) or 0, self._halfword(pc + 2) or 0
        return first & 0xFFE0 == 0xE840 or \
            (first & 0xFFE0 == 0xE8C0 and (second >> 4) & 0xE == 0x4)

    def _word_before(self, pc: int):
        return self._halfword(pc - 4), self._halfword(pc - 2)

    def _inside_it_block(self, pc: int) -> bool:
        """Could PC be inside an IT block? (Unicorn cannot stack IT state.)"""
        for address in range(pc - 18, pc - 1, 2):
            hw = self._halfword(address)
            if hw is None or hw & 0xFF00 != 0xBF00 or hw & 0xF == 0:
                continue
            mask = hw & 0xF
            covered = 4 - ((mask & -mask).bit_length() - 1)
            cursor = address + 2
            for _ in range(covered):
                if cursor == pc:
                    return True
                first = self._halfword(cursor) or 0
                cursor += 4 if first >> 11 in (0x1D, 0x1E, 0x1F) else 2
        return False

    # ------------------------------------------------------------ snapshots
    def snapshot_roots(self) -> list[tuple[str, object]]:
        """The models a snapshot starts from (snapshot.models() finds what they reach)."""
        return [("exceptions", self.exceptions), ("dwt", self.dwt), ("scs", self.scs),
                ("ppb", self.private_bus_rest), ("semihosting", self.semihosting),
                ("bus", self.bus), ("stack_watch", self.stack_watch)] + \
            [(f"peripherals.{name}", p) for name, p in self.peripherals.items()]

    def snapshot_infrastructure(self) -> dict[str, object]:
        """Objects models may refer to that a snapshot names instead of saving."""
        return {"machine": self, "uc": self.uc, "scheduler": self.scheduler,
                "core": self.core, "platform": self.platform, "firmware": self.firmware}

    def save_snapshot(self, extra=None) -> bytes:
        """The whole machine as bytes (see snapshot.py); between runs only."""
        from . import snapshot
        self._leave_it_block()
        return snapshot.capture(self, extra)

    def _leave_it_block(self) -> None:
        """Unicorn's IT state can be neither read nor written: a snapshot is never taken
        inside an IT block. Run on a block at a time (an extra stop changes nothing)."""
        for _ in range(8):
            pc = self.uc.reg_read(A.UC_ARM_REG_PC)
            if self.fault is not None or not self._inside_it_block(pc):
                return
            reason = self.halt_reason
            self.run(self.core.state.now + 1)
            self.halt_reason = self.halt_reason or reason

    def load_snapshot(self, data: bytes, what: str = "snapshot"):
        """This machine (the same platform and firmware loaded) as the snapshot left it;
        returns the extra data saved with it."""
        from . import snapshot
        return snapshot.restore(self, data, what)

    def close(self) -> None:
        self.core.close()

