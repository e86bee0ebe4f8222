"""The C runtime (firmware/runtime) on the host, through ctypes.

    model = HostModel(Path("model.tflite").read_bytes())
    outputs = model.run(x)                 # numpy in, numpy out
    model.arena, model.ops, model.inputs   # model.arena: the firmware's arena (ArenaUsage)

`inspect_model(data)` reports ops and tensors even for models the runtime cannot
run (unsupported ops, too-small arena); `HostModel` raises ModelError instead.

Both builds of the runtime load side by side: kernels="reference" (the default for
running: the definition of the results) or "optimized" (what firmware runs,
LABRT_OPTIMIZED=1). The arena figures in `ArenaUsage` are the 32-bit target's, as the
firmware reports them, computed by the same C code; `arena_needed` is this host's
(its records hold 64-bit pointers).
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import LabError
from .build import build_library

STATUS_NAMES = ["OK", "ARGUMENT", "MALFORMED", "UNSUPPORTED_OP", "UNSUPPORTED",
                "INVALID_MODEL", "ARENA_TOO_SMALL", "NOT_READY"]
OK, ARENA_TOO_SMALL = 0, 6

# TFLite TensorType -> numpy dtype, for the fixed-size types.
DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
          7: np.int16, 9: np.int8, 10: np.float64, 12: np.uint64, 15: np.uint32, 16: np.uint16}

# void hook(void *user, uint32_t op_index, const char *op_name, labrt_hook_phase phase)
OpHook = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint32, ctypes.c_char_p, ctypes.c_int)


class ModelError(LabError):
    """The runtime refused the model; `status` is e.g. "UNSUPPORTED_OP"."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


class _TensorInfo(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint32), ("type", ctypes.c_int32), ("rank", ctypes.c_int32),
                ("dims", ctypes.POINTER(ctypes.c_int32)), ("scale", ctypes.c_float),
                ("zero_point", ctypes.c_int32), ("scale_count", ctypes.c_uint32),
                ("data", ctypes.c_void_p), ("bytes", ctypes.c_size_t),
                ("is_constant", ctypes.c_int), ("name", ctypes.c_char_p)]


class _OpInfo(ctypes.Structure):
    _fields_ = [("builtin", ctypes.c_int32), ("name", ctypes.c_char_p),
                ("supported", ctypes.c_int), ("input_count", ctypes.c_uint32),
                ("output_count", ctypes.c_uint32), ("inputs", ctypes.POINTER(ctypes.c_int32)),
                ("outputs", ctypes.POINTER(ctypes.c_int32))]


@dataclass(frozen=True)
class TensorInfo:
    index: int
    name: str
    type_id: int            # TFLite TensorType
    type_name: str          # "INT8", "FLOAT32", ...
    shape: tuple[int, ...]
    scale: float            # 0.0 when not quantized
    zero_point: int
    scale_count: int        # > 1: per-channel
    bytes: int
    constant: bool

    @property
    def dtype(self) -> np.dtype | None:
        return np.dtype(DTYPES[self.type_id]) if self.type_id in DTYPES else None


@dataclass(frozen=True)
class OpInfo:
    index: int
    name: str
    builtin: int
    supported: bool
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


class _ArenaUsage(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "needed", "activations", "kernel_scratch", "largest_kernel_scratch", "plan_scratch",
        "tables", "op_data", "init_peak")]


@dataclass(frozen=True)
class ArenaUsage:
    """The tensor arena on the 32-bit target with one kernel build, in bytes: what the
    firmware's runtime reports (`@lab model arena=... activations=...`) and what
    `lab model inspect` computes on the host."""
    needed: int
    activations: int             # laid out as TFLite Micro's planner does
    kernel_scratch: int          # what the kernels' scratch adds to the activations' span
    largest_kernel_scratch: int
    plan_scratch: int            # the planner's scratch during init (in the head)
    tables: int                  # tensor and op records
    op_data: int                 # per-op data
    init_peak: int = 0           # extra bytes for a moment during init

    def describe(self) -> str:
        """`8672 B = activations 6400 + kernel scratch 1952 (largest 1952) + ...`"""
        parts = [f"activations {self.activations}",
                 f"kernel scratch {self.kernel_scratch} (largest buffer "
                 f"{self.largest_kernel_scratch})",
                 f"tables {self.tables}", f"per-op data {self.op_data}"]
        head = self.activations + self.kernel_scratch
        if self.plan_scratch > head:
            parts.append(f"planner scratch {self.plan_scratch - head} beyond them during init")
        if self.init_peak:
            parts.append(f"init peak {self.init_peak}")
        return f"{self.needed} B = " + " + ".join(parts)

    @classmethod
    def from_event(cls, event) -> "ArenaUsage | None":
        """From the firmware's `@lab model`/`@lab ready` event; None if it has no breakdown."""
        if "activations" not in event:
            return None
        return cls(needed=event["arena"], activations=event["activations"],
                   kernel_scratch=event["kernel_scratch"],
                   largest_kernel_scratch=event["largest_scratch"],
                   plan_scratch=event["plan_scratch"], tables=event["tables"],
                   op_data=event["op_data"], init_peak=event.get("init_peak", 0))


KERNELS = ("reference", "optimized")
_libs: dict[str, ctypes.CDLL] = {}


def _load(kernels: str = "reference"):
    if kernels not in KERNELS:
        raise LabError(f"unknown kernels {kernels!r}; choose {' or '.join(KERNELS)}")
    if kernels not in _libs:
        lib = ctypes.CDLL(str(build_library(kernels)))
        vp, u32, sz = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_size_t
        info = ctypes.POINTER(_TensorInfo)
        signatures = {
            "labrt_runtime_size": ([], sz),
            "labrt_init": ([vp, vp, sz, vp, sz], ctypes.c_int),
            "labrt_invoke": ([vp], ctypes.c_int),
            "labrt_error": ([vp], ctypes.c_char_p),
            "labrt_type_name": ([ctypes.c_int32], ctypes.c_char_p),
            "labrt_arena_needed": ([vp], sz),
            "labrt_arena_planned": ([vp], sz),
            "labrt_arena_persistent": ([vp], sz),
            "labrt_arena_plan_scratch": ([vp], sz),
            "labrt_arena_largest_op_scratch": ([vp], sz),
            "labrt_tensor_count": ([vp], u32),
            "labrt_op_count": ([vp], u32),
            "labrt_input_count": ([vp], u32),
            "labrt_output_count": ([vp], u32),
            "labrt_get_tensor": ([vp, u32, info], ctypes.c_int),
            "labrt_input": ([vp, u32, info], ctypes.c_int),
            "labrt_output": ([vp, u32, info], ctypes.c_int),
            "labrt_get_op": ([vp, u32, ctypes.POINTER(_OpInfo)], ctypes.c_int),
            "labrt_set_op_hook": ([vp, OpHook, vp], None),
            "labrt_arena_target": ([vp, ctypes.POINTER(_ArenaUsage)], None),
        }
        for name, (argtypes, restype) in signatures.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = argtypes, restype
        _libs[kernels] = lib
    return _libs[kernels]


def _aligned_buffer(size: int, alignment: int = 16) -> tuple[ctypes.Array, int]:
    """A zeroed ctypes buffer and the address of its first `alignment`-aligned byte."""
    raw = (ctypes.c_uint8 * (size + alignment))()
    address = ctypes.addressof(raw)
    return raw, address + (-address % alignment)


class _Session:
    """One labrt_runtime over a private, 16-aligned copy of the model."""

    def __init__(self, model: bytes, arena_size: int, kernels: str = "reference"):
        self.lib = _load(kernels)
        self._model_buffer, address = _aligned_buffer(len(model))
        ctypes.memmove(address, model, len(model))
        self._state = (ctypes.c_uint8 * self.lib.labrt_runtime_size())()
        self.rt = ctypes.addressof(self._state)
        self._arena, arena_address = _aligned_buffer(arena_size)
        self.arena_size = arena_size
        self.status = self.lib.labrt_init(self.rt, address, len(model), arena_address,
                                          arena_size)

    def arena(self) -> ArenaUsage | None:
        """The firmware's arena (32-bit target), None unless init succeeded."""
        if self.status != OK:
            return None
        usage = _ArenaUsage()
        self.lib.labrt_arena_target(self.rt, ctypes.byref(usage))
        return ArenaUsage(**{name: getattr(usage, name) for name, _ in _ArenaUsage._fields_})

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def message(self) -> str:
        return self.lib.labrt_error(self.rt).decode(errors="replace")

    def tensor(self, getter: str, index: int) -> tuple[TensorInfo, int]:
        """(description, data address) of a tensor, graph input or graph output."""
        info = _TensorInfo()
        if getattr(self.lib, getter)(self.rt, index, ctypes.byref(info)) != OK:
            raise IndexError(f"{getter}: no index {index}")
        return TensorInfo(
            info.index, info.name.decode(errors="replace"), info.type,
            self.lib.labrt_type_name(info.type).decode(),
            tuple(info.dims[i] for i in range(info.rank)), info.scale, info.zero_point,
            info.scale_count, info.bytes, bool(info.is_constant)), info.data or 0

    def tensors(self, getter: str = "labrt_get_tensor") -> list[TensorInfo]:
        count = {"labrt_get_tensor": self.lib.labrt_tensor_count,
                 "labrt_input": self.lib.labrt_input_count,
                 "labrt_output": self.lib.labrt_output_count}[getter](self.rt)
        return [self.tensor(getter, i)[0] for i in range(count)]

    def ops(self) -> list[OpInfo]:
        result = []
        for i in range(self.lib.labrt_op_count(self.rt)):
            info = _OpInfo()
            self.lib.labrt_get_op(self.rt, i, ctypes.byref(info))
            result.append(OpInfo(i, info.name.decode(errors="replace"), info.builtin,
                                 bool(info.supported),
                                 tuple(info.inputs[k] for k in range(info.input_count)),
                                 tuple(info.outputs[k] for k in range(info.output_count))))
        return result


def _open(model: bytes, arena_size: int | None, kernels: str = "reference") -> _Session:
    """Init with `arena_size`, or, if None, with exactly the arena the model needs."""
    if arena_size is not None:
        return _Session(model, arena_size, kernels)
    session = _Session(model, 0, kernels)
    for _ in range(4):  # lower bounds first (tables, then tables + plan), then the exact size
        if session.status != ARENA_TOO_SMALL:
            break
        session = _Session(model, session.lib.labrt_arena_needed(session.rt), kernels)
    return session


@dataclass
class ModelReport:
    """What the runtime can tell about a model; status "OK" means it runs."""
    status: str
    message: str
    ops: list[OpInfo]
    tensors: list[TensorInfo]
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    arena_needed: int | None      # None unless the model runs
    arena_planned: int | None     # activations, laid out as TFLM's planner does
    arena_persistent: int | None  # the runtime's tables and per-op data
    arena_plan_scratch: int | None  # planner scratch, in the activations' space
    model_bytes: int
    kernels: str = "optimized"
    arena: ArenaUsage | None = None  # the firmware's arena with these kernels


def inspect_model(model: bytes, kernels: str = "optimized") -> ModelReport:
    """Ops and tensors of a model, also when the runtime cannot run it; the arena as
    firmware built with `kernels` (the lab's builds: "optimized") needs it."""
    session = _open(bytes(model), None, kernels)
    ok = session.status == OK
    lib, rt = session.lib, session.rt
    return ModelReport(
        status=session.status_name, message="" if ok else session.message,
        ops=session.ops(), tensors=session.tensors(),
        inputs=session.tensors("labrt_input"), outputs=session.tensors("labrt_output"),
        arena_needed=lib.labrt_arena_needed(rt) if ok else None,
        arena_planned=lib.labrt_arena_planned(rt) if ok else None,
        arena_persistent=lib.labrt_arena_persistent(rt) if ok else None,
        arena_plan_scratch=lib.labrt_arena_plan_scratch(rt) if ok else None,
        model_bytes=len(model), kernels=kernels, arena=session.arena())


class HostModel:
    """A model loaded into the C runtime on the host.

    arena_size=None sizes the arena to exactly what the model needs (on this host);
    `arena` is the firmware's (32-bit) figure with the same kernels."""

    def __init__(self, model: bytes, arena_size: int | None = None, kernels: str = "reference"):
        self.kernels = kernels
        self._session = _open(bytes(model), arena_size, kernels)
        if self._session.status != OK:
            raise ModelError(self._session.status_name, self._session.message)
        lib, rt = self._session.lib, self._session.rt
        self.arena_size = self._session.arena_size
        self.arena_needed = lib.labrt_arena_needed(rt)
        self.arena_planned = lib.labrt_arena_planned(rt)
        self.arena_persistent = lib.labrt_arena_persistent(rt)
        self.arena_plan_scratch = lib.labrt_arena_plan_scratch(rt)
        self.arena_largest_op_scratch = lib.labrt_arena_largest_op_scratch(rt)
        self.arena = self._session.arena()
        self.ops = self._session.ops()
        self.tensors = self._session.tensors()
        self.inputs = self._session.tensors("labrt_input")
        self.outputs = self._session.tensors("labrt_output")

    def set_input(self, index: int, value) -> None:
        info, address = self._session.tensor("labrt_input", index)
        array = np.ascontiguousarray(value)
        if info.dtype is None or array.dtype != info.dtype:
            raise LabError(f"input {index} takes {info.type_name} "
                           f"({info.dtype}), got {array.dtype}")
        if array.nbytes != info.bytes:
            raise LabError(f"input {index} takes shape {list(info.shape)}, "
                           f"got {list(array.shape)}")
        ctypes.memmove(address, array.ctypes.data, info.bytes)

    def get_output(self, index: int) -> np.ndarray:
        info, address = self._session.tensor("labrt_output", index)
        raw = ctypes.string_at(address, info.bytes)
        return np.frombuffer(raw, dtype=info.dtype).reshape(info.shape).copy()

    def invoke(self, hook: Callable[[int, str, str], None] | None = None) -> None:
        """Runs the model; hook(op_index, op_name, "before"/"after") sees every op."""
        lib, rt = self._session.lib, self._session.rt
        callback = OpHook(lambda _user, i, name, phase: hook(
            i, name.decode(), "after" if phase else "before")) if hook else OpHook()
        lib.labrt_set_op_hook(rt, callback, None)
        try:
            status = lib.labrt_invoke(rt)
        finally:
            lib.labrt_set_op_hook(rt, OpHook(), None)
        if status != OK:
            raise ModelError(STATUS_NAMES[status], self._session.message)

    def run(self, *inputs) -> list[np.ndarray]:
        """Sets every input, invokes, and returns every output."""
        if len(inputs) != len(self.inputs):
            raise LabError(f"the model takes {len(self.inputs)} inputs, got {len(inputs)}")
        for i, value in enumerate(inputs):
            self.set_input(i, value)
        self.invoke()
        return [self.get_output(i) for i in range(len(self.outputs))]


def quantize_for(info: TensorInfo, values: np.ndarray) -> np.ndarray:
    """Float values in the quantization of an int8/uint8 input (round half away from zero)."""
    if info.scale == 0.0:
        raise LabError(f"input {info.index} has no quantization to convert floats with")
    scaled = np.asarray(values, dtype=np.float32) / np.float32(info.scale)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + np.float32(0.5))
    limits = np.iinfo(info.dtype)
    return np.clip(rounded + info.zero_point, limits.min, limits.max).astype(info.dtype)


