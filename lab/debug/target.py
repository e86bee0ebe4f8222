"""A running Session seen as a debug target: halt, registers, memory, breakpoints,
single-step, continue, and why the core stopped.

It drives the machine's own run loop (Machine.run), so exceptions, peripherals and
virtual time behave exactly as in a run without a debugger. The core is halted
whenever Machine.run is not running: virtual time stands still. Breakpoints are
Unicorn code hooks on single addresses (Unicorn instruments only those
instructions: the rest of the code runs at full speed) and leave the code in memory
unchanged; a single step is a code hook on every address that exists only for that
step. Watchpoints are the native helper's (debug.c): while any is set, each load and
store is checked before it runs. A stop inside a translated block rewinds the native
counters to the stopping instruction (as faults do), and the rest of the block runs as
that block when the core resumes (before events fire or interrupts are taken), so the
cycle and instruction counts of a debugged run equal those of a plain run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from unicorn import UC_HOOK_CODE
from unicorn import arm_const as A

from ..engines.embedded.machine import Halt
from ..engines.embedded.native import WATCH_READ, WATCH_WRITE
from .registers import Register, registers_of, target_xml

# why Machine.run returned, for the debugger's own stops
DEBUG_BREAKPOINT, DEBUG_STEP, DEBUG_FAULT, DEBUG_BKPT, DEBUG_WATCHPOINT = (
    "debug breakpoint", "debug step", "debug fault", "debug bkpt", "debug watchpoint")
DEBUG_STOPS = (DEBUG_BREAKPOINT, DEBUG_STEP, DEBUG_FAULT, DEBUG_BKPT, DEBUG_WATCHPOINT)

# GDB's signal numbers (gdb/signals.def), not the host's
SIGINT, SIGILL, SIGTRAP, SIGFPE, SIGBUS, SIGSEGV = 2, 4, 5, 8, 10, 11
FAULT_SIGNALS = {"UNDEFINSTR": SIGILL, "INVSTATE": SIGILL, "INVPC": SIGILL, "NOCP": SIGILL,
                 "DIVBYZERO": SIGFPE, "UNALIGNED": SIGBUS, "PRECISERR": SIGBUS,
                 "IMPRECISERR": SIGBUS, "IBUSERR": SIGBUS, "STKERR": SIGBUS,
                 "UNSTKERR": SIGBUS, "DEBUGEVT": SIGTRAP}
HARDWARE_BREAKPOINTS = {"cortex-m0": 4, "cortex-m0plus": 4}   # FPB comparators; 6 on the others
WATCHPOINT_COMPARATORS = {"cortex-m0": 2, "cortex-m0plus": 2}  # DWT comparators; 4 on the others
SOFTWARE, HARDWARE = "sw", "hw"
# GDB's watchpoint kinds (Z2, Z3, Z4) and the accesses each stops at
WRITE_WATCH, READ_WATCH, ACCESS_WATCH = "watch", "rwatch", "awatch"
WATCHED_ACCESSES = {WRITE_WATCH: WATCH_WRITE, READ_WATCH: WATCH_READ,
                    ACCESS_WATCH: WATCH_WRITE | WATCH_READ}


@dataclass
class Stop:
    """Why the target is halted (or ended)."""
    kind: str       # breakpoint, watchpoint, step, interrupt, fault, bkpt, exited, killed
    signal: int = SIGTRAP
    breakpoint: str | None = None      # SOFTWARE or HARDWARE for a breakpoint hit
    watch: str | None = None           # a watchpoint hit: WRITE_WATCH, READ_WATCH or ACCESS_WATCH
    data_address: int | None = None    # ... and the address accessed
    exit_code: int | None = None       # kind exited: 0 after `@lab done`
    detail: str = ""

    @property
    def ended(self) -> bool:
        return self.kind in ("exited", "killed")


class DebugTarget:
    """The session's machine under a debugger's control. `limit` is the virtual time
    (cycles) the run may last, as without a debugger."""

    def __init__(self, session, limit: int):
        self.session = session
        self.machine = session.machine
        self.uc = self.machine.uc
        self.limit = limit
        cpu = session.platform.cpu
        self.registers: list[Register] = registers_of(cpu.core, cpu.has_fpu)
        self.xml = target_xml(self.registers)
        self.hardware_breakpoint_limit = HARDWARE_BREAKPOINTS.get(cpu.core, 6)
        self.watchpoint_limit = WATCHPOINT_COMPARATORS.get(cpu.core, 4)
        self._breakpoints: dict[int, tuple[str, int]] = {}   # address -> (kind, hook)
        self._watchpoints: list[tuple[str, int, int]] = []  # (kind, address, length)
        self._hit: int | None = None
        self._resume_pc = self._resume_instructions = None
        self._fault_signal = SIGSEGV
        self.last_stop = Stop("halted", SIGTRAP)
        self.between_slices = []    # the other tools' host I/O while the target runs
        self.machine.debug_monitor = self

    def close(self) -> None:
        for address in list(self._breakpoints):
            self.remove_breakpoint(address)
        if self._watchpoints:
            self._watchpoints.clear()
            self.machine.core.set_watchpoints([])
        if self.machine.debug_monitor is self:
            self.machine.debug_monitor = None

    # ---------------------------------------------------------- registers
    def read_register(self, number: int) -> bytes:
        reg = self.registers[number]
        value = self.uc.reg_read(reg.uc_id)
        if reg.name == "pc":
            value &= ~1
        return (value & ((1 << reg.bits) - 1)).to_bytes(reg.bits // 8, "little")

    def write_register(self, number: int, data: bytes) -> None:
        reg = self.registers[number]
        value = int.from_bytes(data[:reg.bits // 8], "little")
        if reg.name == "pc":
            value |= 1          # a Thumb PC: bit 0 is EPSR.T, never cleared by GDB
        self.uc.reg_write(reg.uc_id, value)

    def register_size(self, number: int) -> int:
        return self.registers[number].bits // 8

    def pc(self) -> int:
        return self.uc.reg_read(A.UC_ARM_REG_PC) & ~1

    # ------------------------------------------------------------- memory
    def read_memory(self, address: int, length: int) -> bytes:
        """Bytes at `address`; peripheral registers are read through their models (at the
        halted core's exact time). UcError for unmapped addresses."""
        out = bytearray()
        while length > 0:
            region_end = self._memory_end(address)
            if region_end is not None:
                n = min(length, region_end - address)
                out += self.uc.mem_read(address, n)
            else:
                n = self._access_size(address, length)
                out += self._device_read(address, n).to_bytes(n, "little")
            address, length = address + n, length - n
        return bytes(out)

    def write_memory(self, address: int, data: bytes) -> None:
        while data:
            region_end = self._memory_end(address)
            if region_end is not None:
                n = min(len(data), region_end - address)
                self.uc.mem_write(address, bytes(data[:n]))
                self.uc.ctl_remove_cache(address, address + n)   # code may have changed
            else:
                n = self._access_size(address, len(data))
                self._device_write(address, n, int.from_bytes(data[:n], "little"))
            address, data = address + n, data[n:]

    def _memory_end(self, address: int) -> int | None:
        for region in self.machine.platform.memory:
            if region.base <= address < region.base + region.size:
                return region.base + region.size
        return None

    @staticmethod
    def _access_size(address: int, length: int) -> int:
        for size in (4, 2):
            if length >= size and address % size == 0:
                return size
        return 1

    def _device_at(self, address: int):
        for peripheral in self.machine.bus.peripherals:
            if any(start <= address < end for start, end in peripheral.windows()):
                return peripheral
        return None

    def _device_read(self, address: int, size: int) -> int:
        device = self._device_at(address)
        if device is not None:
            return device.read(address - device.base, size)
        return int.from_bytes(self.uc.mem_read(address, size), "little")

    def _device_write(self, address: int, size: int, value: int) -> None:
        device = self._device_at(address)
        if device is not None:
            device.write(address - device.base, size, value)
        else:
            self.uc.mem_write(address, value.to_bytes(size, "little"))

    # -------------------------------------------------------- breakpoints
    def add_breakpoint(self, address: int, kind: str = SOFTWARE) -> bool:
        """False when no hardware comparator is left (as on the core's FPB)."""
        address &= ~1
        if address in self._breakpoints:
            return True
        if kind == HARDWARE and self._count(HARDWARE) >= self.hardware_breakpoint_limit:
            return False
        hook = self.uc.hook_add(UC_HOOK_CODE, self._on_breakpoint, None, address, address)
        self.uc.ctl_remove_cache(address, address + 2)   # translate it again, hooked
        self._breakpoints[address] = (kind, hook)
        return True

    def remove_breakpoint(self, address: int) -> bool:
        entry = self._breakpoints.pop(address & ~1, None)
        if entry is None:
            return False
        self.uc.hook_del(entry[1])
        self.uc.ctl_remove_cache(address & ~1, (address & ~1) + 2)
        return True

    def add_watchpoint(self, kind: str, address: int, length: int) -> bool:
        """A watchpoint (WRITE_WATCH, READ_WATCH or ACCESS_WATCH) on `length` bytes; False
        when no DWT comparator is left (as on the core)."""
        watch = (kind, address, length)
        if watch in self._watchpoints:
            return True
        if len(self._watchpoints) >= self.watchpoint_limit:
            return False
        self._watchpoints.append(watch)
        self._push_watchpoints()
        return True

    def remove_watchpoint(self, kind: str, address: int, length: int) -> bool:
        if (kind, address, length) not in self._watchpoints:
            return False
        self._watchpoints.remove((kind, address, length))
        self._push_watchpoints()
        return True

    def _push_watchpoints(self) -> None:
        self.machine.core.set_watchpoints([(address, length, WATCHED_ACCESSES[kind])
                                           for kind, address, length in self._watchpoints])

    def _count(self, kind: str) -> int:
        return sum(1 for k, _ in self._breakpoints.values() if k == kind)

    def _is_resume_instruction(self, address: int) -> bool:
        """The instruction the core resumes at runs, even with a breakpoint on it."""
        if address != self._resume_pc:
            return False
        return self.machine.core.counts_at(address)[2] == self._resume_instructions

    def _on_breakpoint(self, uc, address, size, user_data) -> None:
        if self._is_resume_instruction(address):
            return
        self._hit = address
        self.machine.halt(DEBUG_BREAKPOINT)
        uc.emu_stop()            # before the instruction runs

    def _on_step(self, uc, address, size, user_data) -> None:
        if self._is_resume_instruction(address):
            return
        self.machine.halt(DEBUG_STEP)
        uc.emu_stop()

    # ------------------------------------------------- machine hook points
    def fault_raised(self, record) -> None:
        """The core entered a fault handler: halt there (a vector catch)."""
        reason = record.reasons[0] if record and record.reasons else ""
        self._fault_signal = FAULT_SIGNALS.get(reason, SIGSEGV)
        self.machine.halt(DEBUG_FAULT, record.kind if record else "")

    def watchpoint_hit(self) -> None:
        """The native hook stopped the core before a watched access."""
        self.machine.halt(DEBUG_WATCHPOINT)

    def bkpt_executed(self, pc: int) -> None:
        """A BKPT instruction with a debugger attached halts the core on it."""
        self.machine.halt(DEBUG_BKPT)

    # ---------------------------------------------------------- execution
    def step(self) -> Stop:
        """Run one instruction (or enter the exception that is due and halt on the first
        instruction of its handler, as the core does)."""
        hook = self.uc.hook_add(UC_HOOK_CODE, self._on_step, None, 1, 0)
        self.uc.ctl_flush_tb()
        try:
            stop = self._run(self.limit)
        finally:
            self.uc.hook_del(hook)
            self.uc.ctl_flush_tb()
        return stop

    def run_slice(self, cycles: int) -> Stop | None:
        """Continue for up to `cycles` of virtual time; None if still running after it
        (the caller looks for an interrupt from GDB, then calls again)."""
        until = min(self.machine.now() + cycles, self.limit)
        stop = self._run(until)
        if stop is None:
            for call in self.between_slices:
                call()
        if stop is None and self.machine.now() >= self.limit:
            return self._record(Stop("exited", exit_code=1, detail="time limit"))
        return stop

    def interrupt(self) -> Stop:
        return self._record(Stop("interrupt", SIGINT))

    def _run(self, until: int) -> Stop | None:
        machine = self.machine
        self._resume_pc = self.pc()
        self._resume_instructions = machine.instructions()
        machine.core.watch_resume_at(self._resume_pc)   # as breakpoints: it runs
        self._hit = None
        started = time.monotonic()
        try:
            reason = machine.run(until)
        finally:
            self.session.wall_s += time.monotonic() - started   # the emulation's own
        if reason in (DEBUG_BREAKPOINT, DEBUG_STEP, DEBUG_BKPT, DEBUG_WATCHPOINT):
            machine.core.rewind_to(self.pc())   # the stopping instruction did not run
            machine.core.resume_inside(self.pc())   # the rest of its block counts as one
        return self._stop_for(reason)

    def _stop_for(self, reason: str | None) -> Stop | None:
        if reason is None:
            return None
        if reason == DEBUG_BREAKPOINT:
            kind = self._breakpoints.get(self._hit, (SOFTWARE, 0))[0]
            return self._record(Stop("breakpoint", SIGTRAP, breakpoint=kind))
        if reason == DEBUG_WATCHPOINT:
            return self._record(self._watchpoint_stop())
        if reason == DEBUG_STEP:
            return self._record(Stop("step", SIGTRAP))
        if reason == DEBUG_BKPT:
            return self._record(Stop("bkpt", SIGTRAP, detail="BKPT instruction"))
        if reason == DEBUG_FAULT:
            return self._record(Stop("fault", self._fault_signal,
                                     detail=self.machine.halt_detail))
        if reason in (Halt.FAULT, Halt.LOCKUP):
            fault = self.machine.fault
            return self._record(Stop("killed", self._fault_signal,
                                     detail=f"{fault.kind}: {fault.detail}" if fault else reason))
        done = self.session.done and not any(e.name == "error" for e in self.session.events)
        exit_code = self.machine.semihosting.exit_code if reason == Halt.EXIT else None
        code = exit_code if exit_code is not None else (0 if done else 1)
        return self._record(Stop("exited", exit_code=code, detail=reason))

    def _watchpoint_stop(self) -> Stop:
        """Which watchpoint the access hit: the one GDB asked for, reported by its kind
        (an access watchpoint reports reads and writes as `awatch`)."""
        access, _pc, address = self.machine.core.watch_hit()
        for kind, start, length in self._watchpoints:
            if WATCHED_ACCESSES[kind] & access and start <= address < start + length:
                return Stop("watchpoint", SIGTRAP, watch=kind, data_address=address)
        return Stop("watchpoint", SIGTRAP, watch=WRITE_WATCH if access == WATCH_WRITE
                    else READ_WATCH, data_address=address)

    def _record(self, stop: Stop) -> Stop:
        self.last_stop = stop
        return stop

    # ------------------------------------------------------------ monitor
    def reset(self) -> None:
        """`monitor reset`: a system reset (SYSRESETREQ): core and peripherals reset, RAM
        kept, virtual time goes on; the core halts at the reset vector."""
        self.machine.system_reset()

    def counters(self) -> str:
        """`monitor cycles`: the run's counters (they go on across resets) and the DWT's
        CYCCNT as the firmware reads it (counting only while it has enabled it)."""
        m = self.machine
        dwt = m.dwt
        return (f"virtual time {m.seconds():.9f} s, {m.active_cycles()} cycles, "
                f"{m.instructions()} instructions; DWT CYCCNT {dwt.cyccnt()} "
                f"({'counting' if dwt.counting() else 'stopped'})\n")

