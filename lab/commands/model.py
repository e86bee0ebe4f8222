"""`lab model inspect` and `lab model run`: .tflite models on the lab's own C runtime."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..errors import LabError
from .arguments import existing_file, output_file


def register(subparsers) -> None:
    parser = subparsers.add_parser("model", help="inspect or run a .tflite model")
    commands = parser.add_subparsers(dest="model_command", metavar="COMMAND", required=True)

    inspect = commands.add_parser(
        "inspect", help="ops (supported or not), tensors, quantization, arena and flash size")
    inspect.add_argument("model", type=existing_file, help="the .tflite file")
    inspect.add_argument("--json", action="store_true", help="print one JSON object")
    inspect.add_argument("--kernels", choices=("optimized", "reference"), default="optimized",
                         help="the arena of firmware built with these kernels (default: "
                              "optimized, as lab builds are; reference: -D LABRT_OPTIMIZED=0)")
    inspect.set_defaults(handler=inspect_command)

    run = commands.add_parser("run", help="run a model on input arrays (.npy)")
    run.add_argument("model", type=existing_file, help="the .tflite file")
    run.add_argument("--input", dest="inputs", type=existing_file, action="append", required=True,
                     metavar="IN.npy", help="one per model input, in order; floats are "
                     "quantized for int8/uint8 inputs")
    run.add_argument("--output", type=output_file, metavar="OUT.npy",
                     help="where to save output 0")
    run.add_argument("--platform", help="run inside firmware on this virtual board (e.g. "
                                        "nrf52840) and report the inference's cycles")
    run.set_defaults(handler=run_command)


def _read_model(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise LabError(f"cannot read {path}: {error.strerror}") from None


# ---- inspect ----

def _quantization(t) -> str:
    if t.scale_count > 1:
        return f"per-channel ({t.scale_count} scales)"
    if t.scale_count == 1:
        return f"scale {t.scale:.6g} zero point {t.zero_point}"
    return "-"


def _print_ops(ops) -> None:
    print(f"ops ({len(ops)}):")
    print(f"  {'#':>3}  {'op':<24} {'builtin':>7}  {'supported':<9}  inputs -> outputs")
    for op in ops:
        ins = ",".join(map(str, op.inputs))
        outs = ",".join(map(str, op.outputs))
        print(f"  {op.index:>3}  {op.name:<24} {op.builtin:>7}  "
              f"{'yes' if op.supported else 'NO':<9}  {ins} -> {outs}")


def _print_tensors(report) -> None:
    roles = {t.index: "input" for t in report.inputs}
    roles.update({t.index: "output" for t in report.outputs})
    print(f"tensors ({len(report.tensors)}):")
    print(f"  {'#':>3}  {'type':<8} {'shape':<18} {'bytes':>8}  {'where':<6} {'role':<6} "
          f"quantization / name")
    for t in report.tensors:
        shape = "[" + ",".join(map(str, t.shape)) + "]"
        where = "flash" if t.constant else "arena"
        print(f"  {t.index:>3}  {t.type_name:<8} {shape:<18} {t.bytes:>8}  {where:<6} "
              f"{roles.get(t.index, ''):<6} {_quantization(t)}  {t.name}")


def _print_sizes(report) -> None:
    if report.arena is not None:
        print(f"tensor arena in firmware ({report.kernels} kernels, 32-bit): "
              f"{report.arena.describe()}")
        print(f"arena needed on this host: {report.arena_needed} bytes (64-bit records)")
    else:
        print("arena needed: unknown (the model does not run)")
    constant = sum(t.bytes for t in report.tensors if t.constant)
    print(f"flash: {report.model_bytes} bytes (model file; {constant} bytes of constant tensors)")


def inspect_command(args) -> int:
    from ..runtime import inspect_model

    report = inspect_model(_read_model(args.model), args.kernels)
    if report.status == "MALFORMED" or not report.ops and report.status != "OK":
        raise LabError(f"{args.model}: {report.message}")
    if args.json:
        print(json.dumps({"model": str(args.model), **asdict(report)}, indent=2))
        return 0 if report.status == "OK" else 1
    print(f"model: {args.model}")
    _print_ops(report.ops)
    _print_tensors(report)
    _print_sizes(report)
    if report.status == "OK":
        return 0
    unsupported = sorted({f"{op.name} (builtin {op.builtin})" for op in report.ops
                          if not op.supported})
    if unsupported:
        print(f"unsupported ops: {', '.join(unsupported)}")
    print(f"lab: {args.model}: {report.message}", file=sys.stderr)
    return 1


# ---- run ----

def _input_array(path: Path, info) -> np.ndarray:
    """The .npy file as the model input wants it: float32 for float inputs,
    quantized (if floats) or range-checked (if integers) for integer inputs."""
    from ..runtime import quantize_for

    try:
        with open(path, "rb") as handle:
            if handle.read(6) != b"\x93NUMPY":    # np.load would talk about pickles
                raise LabError(f"{path} is not a NumPy .npy file: save the input with "
                               "numpy.save")
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise LabError(f"cannot read {path} as a .npy array: {error}") from None
    expected = int(np.prod(info.shape, dtype=np.int64))
    if info.dtype is None or array.size != expected:
        raise LabError(f"{path}: {array.size} values, but input {info.index} "
                       f"({info.name or 'unnamed'}) is {info.type_name} {list(info.shape)}")
    array = array.reshape(info.shape)
    if info.dtype == np.float32 and np.issubdtype(array.dtype, np.number):
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.floating) and info.scale_count == 1:
        return quantize_for(info, array)
    if np.issubdtype(array.dtype, np.integer) and np.issubdtype(info.dtype, np.integer):
        limits = np.iinfo(info.dtype)
        if array.size == 0 or (array.min() >= limits.min and array.max() <= limits.max):
            return array.astype(info.dtype)
    raise LabError(f"{path}: {array.dtype} values do not fit input {info.index} "
                   f"({info.type_name})")


def _run_in_firmware(path: Path, platform_name: str, inputs, output_infos):
    """The same inference inside model_runner firmware on a virtual board."""
    from .. import platforms
    from ..model_firmware import FirmwareModel, ModelTooLargeForRam

    platform = platforms.load(platform_name)
    try:
        firmware = FirmwareModel(path, platform)
    except ModelTooLargeForRam:       # as deployed: a build with the model in flash
        firmware = FirmwareModel(path, platform, in_flash=True)
    try:
        result = firmware.invoke(inputs)
    finally:
        firmware.close()
    print(f"{platform_name}: inference took {result.cycles} cycles "
          f"(arena {firmware.arena} B, flash {firmware.flash} B, RAM {firmware.ram} B)")
    return [value.reshape(info.shape) for value, info in zip(result.outputs, output_infos)]


def _first_values(array: np.ndarray, count: int = 16) -> str:
    shown = np.array2string(array.ravel()[:count], separator=" ", precision=6,
                            suppress_small=True)
    return shown + (" ..." if array.size > count else "")


def run_command(args) -> int:
    from ..runtime import HostModel

    model = HostModel(_read_model(args.model))
    if len(args.inputs) != len(model.inputs):
        raise LabError(f"{args.model} takes {len(model.inputs)} input(s), "
                       f"got {len(args.inputs)} --input")
    inputs = [_input_array(path, info) for path, info in zip(args.inputs, model.inputs)]
    if args.platform:
        outputs = _run_in_firmware(args.model, args.platform, inputs, model.outputs)
    else:
        outputs = model.run(*inputs)
    for i, (info, value) in enumerate(zip(model.outputs, outputs)):
        print(f"output {i}: {info.type_name} {list(value.shape)} {_first_values(value)}")
        if np.issubdtype(value.dtype, np.integer) and info.scale_count == 1 and info.scale:
            real = (value.astype(np.float64) - info.zero_point) * info.scale
            print(f"  dequantized (scale {info.scale:.6g}, zero point {info.zero_point}): "
                  f"{_first_values(real)}")
    if args.output:
        np.save(args.output, outputs[0])
        print(f"saved output 0 to {args.output}")
    return 0
