"""`lab profile ... --trace FILE.json`: a timeline in the Chrome trace-event format
("Trace Event Format", the JSON Object Format with `traceEvents`) that Perfetto's UI
and chrome://tracing open.

Tracks (threads of one process, the board):
- core: a slice per inference (the runtime's labrt_invoke), per op inside it (its
  kernel's eval: name, input and output shapes from the model, cycles), per exception
  handler (ISR) that ran;
- one track per peripheral whose interrupt line moved (a slice while the line is
  high) and the console UART's transfers (a slice per EasyDMA transfer, its bytes);
- firmware: the `@lab` events as instants;
- counters: each inference's cycles, the UART bytes sent so far.

Times come from the exact virtual clock: Unicorn code hooks on the runtime's entry and
return points (a few instructions; the rest runs at full speed) read the native
counters at the hooked instruction. Every slice carries its cycles in `args`.
"""
from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

from unicorn import UC_HOOK_CODE
from unicorn import arm_const as A

INVOKE = "labrt_invoke"
KERNEL_PREFIX = "labrt_kernel_"
KERNEL_EVAL_OFFSET = 12        # labrt_kernel: builtin, options_type, prepare, eval
PID = 1
CORE, FIRMWARE, FIRST_PERIPHERAL = 1, 2, 10


@dataclass
class Slice:
    name: str
    category: str
    tid: int
    start: int                  # virtual time, core cycles
    start_active: int           # DWT cycles at the start
    start_instructions: int | None = None   # core slices: instructions retired so far
    end: int | None = None
    end_active: int | None = None
    args: dict = field(default_factory=dict)
    stack_pointer: int | None = None
    return_address: int | None = None


def _is_return(hw1: int, hw2: int) -> bool:
    """bx lr; pop {..., pc}; ldmia.w sp!, {..., pc}; ldr.w pc, [sp], #4."""
    return hw1 == 0x4770 or hw1 & 0xFF00 == 0xBD00 or \
        (hw1 == 0xE8BD and hw2 & 0x8000) or (hw1 == 0xF85D and hw2 == 0xFB04)


def _is_register_call(hw1: int) -> bool:
    return hw1 & 0xFF87 == 0x4780          # blx rM


def _instructions(code: bytes, base: int):
    """(address, first halfword, second halfword) of each Thumb instruction."""
    offset = 0
    while offset + 2 <= len(code):
        hw1 = struct.unpack_from("<H", code, offset)[0]
        wide = hw1 >> 11 in (0x1D, 0x1E, 0x1F)
        hw2 = struct.unpack_from("<H", code, offset + 2)[0] if wide and offset + 4 <= \
            len(code) else 0
        yield base + offset, hw1, hw2
        offset += 4 if wide else 2


class TraceRecorder:
    def __init__(self, session, path: Path, model_path: Path | None = None):
        self.session = session
        self.machine = session.machine
        self.uc = self.machine.uc
        self.path = Path(path)
        self.slices: list[Slice] = []
        self.counters: list[tuple[str, int, dict]] = []
        self._open: list[Slice] = []             # core track, innermost last
        self._irq_open: dict[int, Slice] = {}
        self._tracks: dict[str, int] = {}
        self._hooks = []
        self._inference = None
        self._op_index = 0
        self._uart_bytes = 0
        self._ops = self._model_ops(model_path)
        self._hook_runtime()
        self.machine.exceptions.exception_listeners.append(self._on_exception)
        self.machine.exceptions.irq_listeners.append(self._on_irq)
        self._uart = self.machine.peripherals.get(session.platform.console or "")
        if self._uart is not None:
            self._uart.listeners.append(self._on_uart)

    # ------------------------------------------------------------ set-up
    @staticmethod
    def _model_ops(model_path):
        """Per op index: (name, input shapes, output shapes) from the model, if known."""
        if model_path is None or not Path(model_path).is_file():
            return []
        from ..runtime import inspect_model
        report = inspect_model(Path(model_path).read_bytes())
        shapes = {t.index: list(t.shape) for t in report.tensors}
        return [(op.name, [shapes.get(i) for i in op.inputs if i >= 0],
                 [shapes.get(i) for i in op.outputs if i >= 0]) for op in report.ops]

    def _hook(self, address: int, callback) -> None:
        self._hooks.append(self.uc.hook_add(UC_HOOK_CODE, callback, None, address, address))
        self.uc.ctl_remove_cache(address, address + 2)

    def _hook_runtime(self) -> None:
        firmware = self.session.firmware
        invoke = firmware.symbols.get(INVOKE)
        if invoke is None:
            return                              # no TFLite-compatible runtime: ISRs only
        start = invoke.address & ~1
        code = bytes(self.uc.mem_read(start, max(invoke.size, 2)))
        self._hook(start, self._on_invoke)
        for address, hw1, hw2 in _instructions(code, start):
            if _is_return(hw1, hw2):
                self._hook(address, self._on_invoke_return)
            elif _is_register_call(hw1):
                self._hook(address + 2, self._on_call_return)
        self._kernels = {}
        for name, symbol in firmware.symbols.items():
            if name.startswith(KERNEL_PREFIX) and symbol.size >= KERNEL_EVAL_OFFSET + 4:
                pointer = struct.unpack("<I", self.uc.mem_read(
                    symbol.address + KERNEL_EVAL_OFFSET, 4))[0] & ~1
                if pointer and pointer not in self._kernels:
                    self._kernels[pointer] = name[len(KERNEL_PREFIX):].upper()
                    self._hook(pointer, self._on_eval)

    # --------------------------------------------------------- recording
    def _counts(self, address: int) -> tuple[int, int, int]:
        """(virtual time, DWT cycles, instructions) just before `address` runs."""
        return self.machine.core.counts_at(address)

    def _begin(self, name: str, category: str, tid: int, now: int, active: int,
               instructions: int | None = None, **args) -> Slice:
        piece = Slice(name, category, tid, now, active, instructions, args=args)
        self.slices.append(piece)
        return piece

    def _end(self, piece: Slice, now: int, active: int,
             instructions: int | None = None) -> None:
        piece.end, piece.end_active = now, active
        piece.args["cycles"] = active - piece.start_active
        if instructions is not None and piece.start_instructions is not None:
            piece.args["instructions"] = instructions - piece.start_instructions

    def _on_invoke(self, uc, address, size, _):
        if self._inference is None:
            self._inference = self._begin("inference", "inference", CORE,
                                          *self._counts(address))
            self._open.append(self._inference)
            self._op_index = 0

    def _on_invoke_return(self, uc, address, size, _):
        inference = self._inference
        if inference is None:
            return
        now, active, instructions = self._counts(address)
        self._close_down_to(inference, now, active, instructions)
        self._inference = None
        self.counters.append(("inference cycles", now, {"cycles": inference.args["cycles"]}))

    def _on_eval(self, uc, address, size, _):
        if self._inference is None:
            return
        index = self._op_index
        self._op_index += 1
        name, inputs, outputs = self._ops[index] if index < len(self._ops) else \
            (self._kernels[address], None, None)
        args = {"index": index}
        if inputs is not None:
            args.update(inputs=inputs, outputs=outputs)
        op = self._begin(name, "op", CORE, *self._counts(address), **args)
        op.stack_pointer = uc.reg_read(A.UC_ARM_REG_SP)
        op.return_address = uc.reg_read(A.UC_ARM_REG_LR) & ~1
        self._open.append(op)

    def _on_call_return(self, uc, address, size, _):
        if not self._open:
            return
        op = self._open[-1]
        if op.category == "op" and op.return_address == address and \
                uc.reg_read(A.UC_ARM_REG_SP) == op.stack_pointer:
            self._end(op, *self._counts(address))
            self._open.pop()

    def _close_down_to(self, piece: Slice, now: int, active: int,
                       instructions: int | None = None) -> None:
        while self._open:
            top = self._open.pop()
            self._end(top, now, active, instructions)
            if top is piece:
                return

    def _on_exception(self, number: int, entered: bool, time: int) -> None:
        active = self.machine.active_cycles()
        if entered:
            handler = struct.unpack("<I", self.uc.mem_read(
                self.machine.exceptions.vtor + 4 * number, 4))[0]
            name = self.session.firmware.function_at(handler) or f"exception {number}"
            isr = self._begin(name, "isr", CORE, time, active, exception=number)
            isr.args["number"] = number
            self._open.append(isr)
            return
        for piece in reversed(self._open):
            if piece.category == "isr" and piece.args.get("number") == number:
                self._close_down_to(piece, time, active)
                return

    def _track(self, name: str) -> int:
        return self._tracks.setdefault(name, FIRST_PERIPHERAL + len(self._tracks))

    def _on_irq(self, irq: int, level: bool, time: int) -> None:
        active = self.machine.active_cycles()
        if level and irq not in self._irq_open:
            name = next((p.name for p in self.session.platform.peripherals if p.irq == irq),
                        f"irq{irq}")
            self._irq_open[irq] = self._begin(f"IRQ {irq} line", "irq", self._track(name),
                                              time, active)
        elif not level and irq in self._irq_open:
            self._end(self._irq_open.pop(irq), time, active)

    def _on_uart(self, data: bytes, end: int) -> None:
        start = end - len(data) * self._uart.byte_cycles()
        piece = self._begin("TX", "uart", self._track(self._uart.name), start, 0,
                            bytes=len(data), text=data.decode("utf-8", "replace"))
        piece.end, piece.end_active = end, len(data)
        self._uart_bytes += len(data)
        self.counters.append(("UART bytes sent", end, {"bytes": self._uart_bytes}))

    # ------------------------------------------------------------ output
    def close(self) -> None:
        for hook in self._hooks:
            self.uc.hook_del(hook)
        self._hooks = []
        exceptions = self.machine.exceptions
        exceptions.exception_listeners.remove(self._on_exception)
        exceptions.irq_listeners.remove(self._on_irq)
        if self._uart is not None:
            self._uart.listeners.remove(self._on_uart)
        now, active = self.machine.now(), self.machine.active_cycles()
        for piece in self.slices:           # still open when the run ended
            if piece.end is None:
                self._end(piece, now, active)
        self.path.write_text(json.dumps(self.trace(), separators=(",", ":")) + "\n")

    def _us(self, cycles: int) -> float:
        return round(cycles * 1e6 / self.machine.clock_hz, 6)

    def trace(self) -> dict:
        platform, app = self.session.platform.name, self.session.app
        events = [{"name": "process_name", "ph": "M", "pid": PID, "tid": CORE, "ts": 0,
                   "args": {"name": f"{app} on {platform}"}}]
        names = {CORE: "core", FIRMWARE: "firmware events",
                 **{tid: name for name, tid in self._tracks.items()}}
        events += [{"name": "thread_name", "ph": "M", "pid": PID, "tid": tid, "ts": 0,
                    "args": {"name": name}} for tid, name in names.items()]
        slices = sorted(self.slices, key=lambda s: (s.tid, s.start, -(s.end - s.start)))
        events += [{"name": s.name, "cat": s.category, "ph": "X", "pid": PID, "tid": s.tid,
                    "ts": self._us(s.start), "dur": self._us(s.end - s.start),
                    "args": {k: v for k, v in s.args.items() if k != "number"}}
                   for s in slices]
        events += [{"name": name, "ph": "C", "pid": PID, "tid": CORE, "ts": self._us(time),
                    "args": args} for name, time, args in self.counters]
        events += [{"name": e.name, "cat": "firmware", "ph": "i", "s": "t", "pid": PID,
                    "tid": FIRMWARE, "ts": round(e.time * 1e6, 6),
                    "args": {k: v for k, v in e.to_dict().items() if k not in ("event", "t")}}
                   for e in self.session.events]
        return {"traceEvents": events, "displayTimeUnit": "ns",
                "otherData": {"platform": platform, "app": app,
                              "clock_hz": self.machine.clock_hz, "time": "virtual"}}


def trace_driver(path: Path, app: str | None, model: Path | None = None):
    """A drive(session, timeout_s) for runner.execute that records the run's trace."""
    def drive(session, timeout_s: float) -> None:
        recorder = TraceRecorder(session, path, model or _default_model(app))
        try:
            session.run(timeout_s)
        finally:
            recorder.close()

    return drive


def _default_model(app: str | None) -> Path | None:
    from ..build import app_directory, app_spec
    from ..errors import LabError
    if not app:
        return None
    try:
        return app_spec(app_directory(app)).model
    except LabError:
        return None
