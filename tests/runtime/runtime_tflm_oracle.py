"""TFLite Micro itself (PyPI tflite-micro) as the oracle: outputs and arena bytes."""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tflite_micro.python.tflite_micro import runtime as tflm_runtime  # noqa: E402


def sine_model_path() -> Path:
    """The sine_float.tflite that ships inside the tflite-micro package."""
    import tflite_micro

    found = sorted(Path(tflite_micro.__file__).resolve().parent.rglob("sine_float.tflite"))
    assert found, "sine_float.tflite not found in the tflite-micro package"
    return found[0]


class Oracle:
    """One TFLM interpreter for a model."""

    def __init__(self, model: bytes):
        self.interpreter = tflm_runtime.Interpreter.from_bytes(model)

    def run(self, inputs: list[np.ndarray], output_count: int = 1) -> list[np.ndarray]:
        for i, x in enumerate(inputs):
            self.interpreter.set_input(x, i)
        self.interpreter.invoke()
        return [self.interpreter.get_output(i).copy() for i in range(output_count)]

    def arena(self) -> tuple[int, int]:
        """(total, head) bytes from TFLM's RecordingMicroAllocator (call after a run)."""
        text = _capture_stderr(self.interpreter.print_allocations)
        total = int(re.search(r"Arena allocation total (\d+)", text).group(1))
        head = int(re.search(r"Arena allocation head (\d+)", text).group(1))
        return total, head


def _capture_stderr(fn) -> str:
    """Output a C++ function writes to file descriptor 2."""
    sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            fn()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        return sink.read().decode(errors="replace")
