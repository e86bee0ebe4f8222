"""Stack and heap use over a run, measured by the engine (labcore.c's stack watch).

The main stack's reserve is the linker script's [_sstack, _estack); the initial MSP is
its top. The native hook keeps the lowest SP exactly (it reads SP before every block
that pushes), and the engine reports the exception frames it stacks. Phases:
  init        - from reset to the first inference (the first call of labrt_invoke),
  inference   - each call of labrt_invoke (its depth below the SP at the call),
  ISR <name>  - each exception handler (its frame included).
A block that would take the main stack below _sstack, into the heap and the static
data under it, is stopped before it writes: a "Stack overflow" fault naming the function.
The heap is newlib's: the break `_sbrk` keeps (a static, `heap_end`) above `end`.
"""
from __future__ import annotations

import struct

WATCHED_FUNCTIONS = {"inference": "labrt_invoke"}   # phase -> function
FIRST_EXCEPTION_PHASE = 16                          # phase ids 16 + exception number
NONE = 2 ** 64 - 1
MARGIN_WARNING = 0.10


class StackWatch:
    def __init__(self, machine):
        self.machine = machine
        self.core = machine.core
        self.limit = self.top = 0
        self.phase_names: dict[int, str] = {}
        self._entry_sp: list[int] = []    # SP before each open handler's frame

    def start(self, firmware, initial_sp: int) -> None:
        """Watch from reset: firmware's symbols give the reserve and the functions."""
        symbols = firmware.symbols
        self.top = symbols["_estack"].address if "_estack" in symbols else initial_sp
        self.limit = symbols["_sstack"].address if "_sstack" in symbols else 0
        self.core.stack_enable(self.limit, self.top, initial_sp)
        heap_break = self._heap_break_symbol(symbols)
        if heap_break is not None and "end" in symbols:
            self.core.stack_watch_heap(heap_break.address, symbols["end"].address)
        for phase, (name, function) in enumerate(WATCHED_FUNCTIONS.items()):
            if function in symbols:
                self.core.stack_watch_function(symbols[function].address, phase)
                self.phase_names[phase] = name

    def on_reset(self) -> None:
        """A system reset: calls and handlers in progress end without returning; the
        high-water marks stay (they are the run's)."""
        self._entry_sp.clear()
        self.core.stack_forget_windows()

    def watch_function(self, phase_name: str, function: str) -> None:
        """Measure each call of `function` as a phase (before the run starts)."""
        symbols = self.machine.firmware.symbols
        if function not in symbols:
            raise KeyError(f"no function {function} in {self.machine.firmware.path}")
        phase = len([p for p in self.phase_names if p < FIRST_EXCEPTION_PHASE])
        self.core.stack_watch_function(symbols[function].address, phase)
        self.phase_names[phase] = phase_name

    # ---- exception frames (the engine stacks them)
    def exception_entered(self, number: int, sp_before: int, frame: int, process: bool,
                          msp: int) -> bool:
        """A frame was stacked at `frame` (on the process stack if `process`); the handler
        runs on the main stack, now at `msp`. True if the frame ran into data below the
        main stack's reserve. A handler's depth includes its frame when both are on the
        main stack; a thread's frame counts on the thread's own stack."""
        phase = FIRST_EXCEPTION_PHASE + number
        self._name_handler(phase, number)
        if process:
            overflowed = self.core.stack_note_sp(frame, True)
            entry = msp
        else:
            entry = sp_before
        self._entry_sp.append(entry)
        self.core.stack_window_open(phase, entry)
        return overflowed if process else self.core.stack_note_sp(frame, False)

    def exception_left(self, number: int) -> None:
        self.core.stack_window_close(FIRST_EXCEPTION_PHASE + number)
        if self._entry_sp:
            self._entry_sp.pop()

    def tail_chained(self, returning: int, chained: int) -> None:
        """A handler follows another on the same frame."""
        entry = self._entry_sp[-1] if self._entry_sp else 0
        self.exception_left(returning)
        self._entry_sp.append(entry)
        phase = FIRST_EXCEPTION_PHASE + chained
        self._name_handler(phase, chained)
        self.core.stack_window_open(phase, entry)

    def _name_handler(self, phase: int, number: int) -> None:
        if phase not in self.phase_names:
            self.phase_names[phase] = f"ISR {self._handler_name(number)}"

    def _handler_name(self, number: int) -> str:
        try:
            vector = struct.unpack("<I", self.machine.uc.mem_read(
                self.machine.exceptions.vtor + 4 * number, 4))[0]
        except Exception:   # noqa: BLE001 - an unreadable vector is named by number
            vector = None
        firmware = self.machine.firmware
        name = firmware.function_at(vector) if firmware and vector else None
        return name or f"exception {number}"

    # ---- results
    def overflow_detail(self, sp: int, pc: int) -> str:
        function = self.machine.firmware.function_at(pc) if self.machine.firmware else None
        where = f" in {function}" if function else f" at 0x{pc:08X}"
        return (f"stack overflow{where}: the next instructions take the main stack to "
                f"0x{sp:08X}, {self.limit - sp} B below its {self.top - self.limit} B reserve "
                f"(_sstack 0x{self.limit:08X}), into the heap and static data")

    def report(self) -> dict:
        low_main, low_process, init_low, init_break = self.core.stack_lows()
        reserve = self.top - self.limit if self.limit else None
        high_water = self.top - low_main
        phases = {}
        if init_low != NONE:
            heap_start = self.machine.firmware.symbols.get("end")
            phases["init"] = {"count": 1, "max": self.top - init_low,
                              "min": self.top - init_low,
                              "heap_growth": init_break - heap_start.address
                              if heap_start and init_break else 0}
        for phase, name in sorted(self.phase_names.items()):
            count, deepest, shallowest, _, heap_growth = self.core.stack_phase(phase)
            if count:
                phases[name] = {"count": count, "max": deepest, "min": shallowest,
                                "heap_growth": heap_growth}
        report = {"reserve": reserve, "high_water": high_water,
                  "margin": reserve - high_water if reserve is not None else None,
                  "process_stack": None if low_process == NONE else
                  self._process_stack(low_process),
                  "phases": phases, "heap": self._heap()}
        report["warning"] = self.warning(report)
        return report

    def _process_stack(self, lowest: int) -> dict:
        """The lowest process-stack SP, and the buffer it lies in (a thread's stack is
        a static array: its depth is measured from the array's end)."""
        firmware = self.machine.firmware
        holder = next((symbol for symbol in (firmware.symbols.values() if firmware else ())
                       if symbol.size and symbol.address <= lowest < symbol.address
                       + symbol.size), None)
        if holder is None:
            return {"lowest_sp": lowest, "buffer": None, "depth": None}
        return {"lowest_sp": lowest, "buffer": holder.name,
                "depth": holder.address + holder.size - lowest}

    @staticmethod
    def warning(report: dict) -> str | None:
        reserve, high_water = report.get("reserve"), report.get("high_water")
        if not reserve or high_water is None:
            return None
        if reserve - high_water < MARGIN_WARNING * reserve:
            return (f"stack margin {reserve - high_water} B is under 10% of the "
                    f"{reserve} B reserve (high-water {high_water} B)")
        return None

    @staticmethod
    def _heap_break_symbol(symbols):
        """The static in which newlib's _sbrk keeps the break (`heap_end`, local)."""
        return next((s for name, s in symbols.items()
                     if name == "heap_end" or name.startswith("heap_end.")), None)

    def _heap(self) -> dict:
        firmware = self.machine.firmware
        symbols = firmware.symbols if firmware else {}
        start = symbols["end"].address if "end" in symbols else None
        brk_symbol = self._heap_break_symbol(symbols)
        reserve = self.limit - start if start is not None and self.limit else None
        if start is None or brk_symbol is None:
            return {"high_water": 0 if start is not None else None, "reserve": reserve}
        brk = struct.unpack("<I", self.machine.uc.mem_read(brk_symbol.address, 4))[0]
        return {"high_water": brk - start if brk else 0, "reserve": reserve}
