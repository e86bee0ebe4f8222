"""Hand-made broken models, derived from the bundled sine_float.tflite.

Two kinds: well-formed flatbuffers whose content is wrong (rebuilt through the
schema's object API), and byte-level damage (truncation, offsets and lengths
pointing outside the file). Each case names the status the runtime must return
and a fragment of its message. The fuzz test also uses them as seeds."""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

import flatbuffers
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from runtime_tflm_oracle import sine_model_path


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    status: str       # expected labrt status name
    message: str      # expected fragment of labrt_error()


def sine() -> bytes:
    return sine_model_path().read_bytes()


def repack(edit: Callable[[schema.ModelT], None]) -> bytes:
    """The sine model rebuilt after `edit` changed its object tree."""
    model = schema.ModelT.InitFromPackedBuf(sine(), 0)
    edit(model)
    builder = flatbuffers.Builder(4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _graph(m: schema.ModelT) -> schema.SubGraphT:
    return m.subgraphs[0]


def _weights(m: schema.ModelT) -> schema.TensorT:
    """The first FULLY_CONNECTED's weights tensor."""
    return _graph(m).tensors[_graph(m).operators[0].inputs[1]]


def _set(obj, **fields):
    def edit(m):
        for name, value in fields.items():
            setattr(obj(m), name, value)
    return edit


def _set_code(builtin: int, deprecated: int, custom: bytes | None = None):
    def edit(m):
        code = m.operatorCodes[0]
        code.builtinCode, code.deprecatedBuiltinCode, code.customCode = builtin, deprecated, custom
    return edit


def _quantize_first_tensor(m):
    q = schema.QuantizationParametersT()
    q.scale, q.zeroPoint = [0.0], [0]
    _graph(m).tensors[0].quantization = q


def _output_into_constant(m):
    _graph(m).operators[0].outputs = [_graph(m).operators[0].inputs[1]]


def _custom_options_on_builtin(m):
    _graph(m).operators[0].customOptions = [1, 2, 3]


def semantic_cases() -> list[Case]:
    """Valid flatbuffers with wrong content."""
    op0 = lambda m: _graph(m).operators[0]  # noqa: E731
    return [
        Case("schema-version-2", repack(_set(lambda m: m, version=2)),
             "UNSUPPORTED", "schema version 2"),
        Case("no-subgraph", repack(_set(lambda m: m, subgraphs=[])), "MALFORMED", "no subgraph"),
        Case("op-input-out-of-range", repack(_set(op0, inputs=[0, 99, 3])),
             "MALFORMED", "tensor index out of range"),
        Case("op-output-negative", repack(_set(op0, outputs=[-1])),
             "MALFORMED", "tensor index out of range"),
        Case("graph-input-out-of-range", repack(_set(_graph, inputs=[50])),
             "MALFORMED", "graph inputs"),
        Case("opcode-index-out-of-range", repack(_set(op0, opcodeIndex=7)),
             "MALFORMED", "opcode index out of range"),
        Case("buffer-index-out-of-range", repack(_set(_weights, buffer=1000)),
             "MALFORMED", "buffer index out of range"),
        Case("shape-disagrees-with-buffer", repack(_set(_weights, shape=[16, 2])),
             "MALFORMED", "its shape needs 128 bytes but its buffer holds 64"),
        Case("negative-dimension", repack(_set(_weights, shape=[-16, 1])),
             "MALFORMED", "negative dimension"),
        Case("rank-9", repack(_set(lambda m: _graph(m).tensors[0], shape=[1] * 9)),
             "UNSUPPORTED", "rank above 8"),
        Case("string-tensor", repack(_set(_weights, type=schema.TensorType.STRING)),
             "UNSUPPORTED", "unsupported type STRING"),
        Case("zero-scale", repack(_quantize_first_tensor), "MALFORMED", "scale not positive"),
        Case("lstm-op", repack(_set_code(16, 16)), "UNSUPPORTED_OP",
             "unsupported op LSTM (builtin 16)"),
        Case("extended-builtin-op", repack(_set_code(150, 127)), "UNSUPPORTED_OP",
             "(builtin 150)"),
        Case("custom-op", repack(_set_code(32, 32, b"MyCustomOp")), "UNSUPPORTED_OP",
             "unsupported custom op MyCustomOp"),
        Case("builtin-with-custom-options", repack(_custom_options_on_builtin), "UNSUPPORTED",
             "custom options"),
        Case("input-size-mismatch", repack(_set(lambda m: _graph(m).tensors[0], shape=[1, 3])),
             "INVALID_MODEL", "op 0 FULLY_CONNECTED: input size does not match"),
        Case("writes-into-constant", repack(_output_into_constant), "INVALID_MODEL",
             "writes to a constant tensor"),
    ]


def _u32(value: int) -> bytes:
    return struct.pack("<I", value & 0xFFFFFFFF)


def _patch(data: bytes, position: int, value: bytes) -> bytes:
    return data[:position] + value + data[position + len(value):]


def _tensors_vector_length_position(data: bytes) -> int:
    graph = schema.Model.GetRootAsModel(data, 0).Subgraphs(0)
    return graph._tab.Vector(graph._tab.Offset(4)) - 4  # field 0 "tensors"


def _first_tensor_name_end(data: bytes) -> int:
    tensor = schema.Model.GetRootAsModel(data, 0).Subgraphs(0).Tensors(0)
    start = tensor._tab.Vector(tensor._tab.Offset(10))  # field 3 "name"
    return start + struct.unpack_from("<I", data, start - 4)[0]


def byte_cases() -> list[Case]:
    """Damage below the schema: sizes, identifier, offsets, lengths."""
    good = sine()
    root = struct.unpack_from("<I", good, 0)[0]
    cases = [
        Case("empty", b"", "MALFORMED", "too small"),
        Case("eleven-bytes", good[:11], "MALFORMED", "too small"),
        Case("wrong-identifier", _patch(good, 4, b"TFL2"), "MALFORMED", '"TFL3" identifier'),
        Case("root-offset-past-end", _patch(good, 0, _u32(len(good) + 64)), "MALFORMED",
             "root"),
        Case("root-offset-zero", _patch(good, 0, _u32(0)), "MALFORMED", "root"),
        Case("root-offset-misaligned", _patch(good, 0, _u32(root + 1)), "MALFORMED", "root"),
        Case("vtable-outside-file", _patch(good, root, _u32(0x7FFFFFF0)), "MALFORMED", "root"),
        Case("tensor-vector-past-end",
             _patch(good, _tensors_vector_length_position(good), _u32(0xFFFFFF00)),
             "MALFORMED", "out of range"),
    ]
    for length in range(12, len(good), 97):
        cases.append(Case(f"truncated-{length}", good[:length], "MALFORMED", "malformed model"))
    return cases


def unterminated_name() -> bytes:
    """The sine model with its first tensor name's terminating NUL overwritten."""
    good = sine()
    return _patch(good, _first_tensor_name_end(good), b"X")


def all_cases() -> list[Case]:
    return semantic_cases() + byte_cases()
