"""The lab's TFLite-Micro-compatible inference runtime (firmware/runtime, C99) on the host.

`HostModel` runs a .tflite model through the same C code the firmware compiles;
`inspect_model` describes any model, runnable or not.
"""
from .host import (ArenaUsage, HostModel, ModelError, ModelReport, OpInfo, TensorInfo,
                   inspect_model, quantize_for)

__all__ = ["ArenaUsage", "HostModel", "ModelError", "ModelReport", "OpInfo", "TensorInfo",
           "inspect_model", "quantize_for"]
