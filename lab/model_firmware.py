"""Runs a .tflite inside firmware on a virtual board (`lab model run --platform`).

The model_runner app reports where its input and output tensors live; for each input
the lab writes the bytes into the input tensor, sends `run` on the console UART, and
reads the output tensor back, with the inference's DWT cycle count. `profile` gives
the cycles of each op as well.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .build import build
from .errors import LabError
from .protocol import parse_line

DTYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16,
          9: np.int8}
STEP_TIMEOUT_S = 30.0


@dataclass
class FirmwareInference:
    outputs: list[np.ndarray]
    cycles: int


@dataclass
class OpCycles:
    index: int
    name: str       # "CONV_2D", ...
    cycles: int     # DWT cycles of the op (with the runtime's op hook around it)


class ModelTooLargeForRam(LabError):
    """The model does not fit model_runner's RAM buffer: link it in (in_flash=True)."""


class FirmwareModel:
    """A model inside model_runner firmware. `in_flash`: link the model into the image
    (one build per model); otherwise one build serves all models, which the lab writes
    into the firmware's RAM buffer at boot. `defines` go to the build (e.g.
    "LABRT_OPTIMIZED=0" for the runtime's reference kernels)."""

    def __init__(self, model_path, platform, in_flash: bool = False, defines=()):
        from .engines.embedded.session import Session

        model_bytes = Path(model_path).read_bytes()
        built = build("model_runner", platform, model=model_path if in_flash else None,
                      defines=tuple(defines))
        self.flash, self.ram = built.flash, built.ram
        self.footprint = built.footprint   # lab.footprint.Footprint, from the linker map
        self.session = Session(platform, built.elf, app="model_runner", stop_on_done=False)
        self.inputs, self.outputs = [], []
        self.arena_usage = None        # lab.runtime.ArenaUsage, as the firmware reports it
        if not in_flash:
            self._load(model_bytes)
        if not self.session.run_until(lambda text, t: text.startswith(("@lab ready",
                                                                       "@lab error")),
                                      STEP_TIMEOUT_S):
            raise LabError(f"model_runner did not start: {self._tail()}")
        for _, text in self.session.lines:
            event = parse_line(text)
            if event and event.name == "error":
                raise LabError(f"the model does not load in firmware: {self._tail()}")
            if event and event.name == "tensor":
                (self.inputs if event["kind"] == "input" else self.outputs).append(event)
            if event and event.name == "arena":
                from .runtime import ArenaUsage
                self.arena_usage = ArenaUsage.from_event(event.fields)
            if event and event.name == "ready":
                self.arena = event["arena"]
                self.largest_scratch = event.get("scratch", 0)   # bytes, in the arena

    def _load(self, model_bytes: bytes) -> None:
        if not self.session.run_until(lambda text, t: text.startswith("@lab waiting"),
                                      STEP_TIMEOUT_S):
            raise LabError(f"model_runner did not start: {self._tail()}")
        waiting = parse_line(self.session.lines[-1][1])
        if len(model_bytes) > waiting["capacity"]:
            self.close()
            raise ModelTooLargeForRam(
                f"the model ({len(model_bytes)} B) is larger than model_runner's RAM buffer "
                f"({waiting['capacity']} B): link it into the image (in_flash=True)")
        self.session.machine.uc.mem_write(waiting["model_buffer"], model_bytes)
        self.session.write_uart(f"load {len(model_bytes)}\n")

    def _tail(self) -> str:
        return " | ".join(text for _, text in self.session.lines[-3:]) or "no output"

    def invoke(self, inputs: list[np.ndarray]) -> FirmwareInference:
        event, _ = self._command("run", "invoked", inputs)
        return FirmwareInference(self._outputs(), event["cycles_inference"])

    def profile(self, inputs: list[np.ndarray]) -> tuple[FirmwareInference, list[OpCycles]]:
        """One inference timed op by op: (the inference, cycles of each op in order)."""
        event, lines = self._command("profile", "profiled", inputs)
        ops = [parse_line(t) for t in lines if t.startswith("@lab op ")]
        return (FirmwareInference(self._outputs(), event["cycles_inference"]),
                [OpCycles(op["index"], op["name"], op["cycles_op"]) for op in ops])

    def _command(self, command: str, answer: str, inputs) -> tuple:
        """Writes the inputs, sends `command`, waits for the `answer` event: (it, the
        lines printed since the command)."""
        machine = self.session.machine
        for tensor, array in zip(self.inputs, inputs):
            data = np.ascontiguousarray(array, dtype=DTYPES[tensor["type"]]).tobytes()
            if len(data) != tensor["bytes"]:
                raise LabError(f"input {tensor['index']} needs {tensor['bytes']} bytes, got "
                               f"{len(data)}")
            machine.uc.mem_write(tensor["address"], data)
        seen = len(self.session.lines)
        self.session.write_uart(f"{command}\n")
        if not self.session.run_until(lambda text, t: text.startswith(f"@lab {answer}"),
                                      STEP_TIMEOUT_S):
            raise LabError(f"no inference result from firmware: {self._tail()}")
        lines = [t for _, t in self.session.lines[seen:]]
        event = next(parse_line(t) for t in lines if t.startswith(f"@lab {answer}"))
        if event["status"] != 0:
            raise LabError(f"invoke failed in firmware (status {event['status']})")
        return event, lines

    def _outputs(self) -> list[np.ndarray]:
        uc = self.session.machine.uc
        return [np.frombuffer(bytes(uc.mem_read(t["address"], t["bytes"])),
                              dtype=DTYPES[t["type"]]).copy() for t in self.outputs]

    def close(self) -> None:
        self.session.close()
