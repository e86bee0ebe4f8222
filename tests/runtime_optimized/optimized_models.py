"""int8 models that exercise the optimized kernels (CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, ADD), built with Keras and converted by
TensorFlow.

Each case is a small Keras model whose outputs are the optimized ops themselves (no
SOFTMAX after them to hide a wrong byte), with int8 inputs and outputs and a
representative dataset chosen to put the input zero point where the case wants it:
"sym" (about 0), "pos" (data >= 0: zero point -128) or "neg" (data <= 0: +127).
Hand-picked cases cover each code path by name (1x1 in place, windows expanded row by
row or gathered, groups, dilation, the depthwise ring with its unrolled 3x3 at strides
1 and 2 and other filter sizes, depth multipliers 1 / multiple of 4 / other, channel
counts that are not multiples of 4, batches, per-tensor dense weights, dense layers
with few and many outputs, pooling windows above 256 taps, ADD of equal shapes);
hand-edited models take the fall-backs no converter makes (requantization that has
no fast form, activation ranges narrower than int8, weights computed at run time);
seeded random stacks cover the rest. The Keras/TensorFlow helpers come from
tests/runtime.
"""
from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from runtime_model_zoo import layers, tf


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable           # () -> keras Model
    data: str = "sym"         # representative data: "sym", "pos" or "neg"
    per_tensor_dense: bool = False


def _model(inputs, outputs):
    return tf().keras.Model(inputs, outputs)


def _single(shape, layer, batch=1):
    def build():
        x = layers().Input(shape, batch_size=batch, name="in0")
        return _model(x, layer()(x))
    return build


def conv(shape, filters, kernel, batch=1, **options):
    return _single(shape, lambda: layers().Conv2D(filters, kernel, **options), batch)


def depthwise(shape, kernel, **options):
    return _single(shape, lambda: layers().DepthwiseConv2D(kernel, **options))


def dense(shape, units, **options):
    def build():
        L = layers()
        x = inp = L.Input(shape, batch_size=1, name="in0")
        if len(shape) > 1:
            x = L.Flatten()(x)
        return _model(inp, L.Dense(units, **options)(x))
    return build


def micro_speech_shaped():
    """micro_speech's model: CONV_2D 8 x (10x8) stride 2 on 49x40x1, then FC 4000 -> 4
    (the int8 logits are the output here; see micro_speech_with_softmax)."""
    L = layers()
    x = inp = L.Input((49, 40, 1), batch_size=1, name="in0")
    x = L.Conv2D(8, (10, 8), strides=(2, 2), padding="same", activation="relu")(x)
    return _model(inp, L.Dense(4)(L.Flatten()(x)))


def micro_speech_with_softmax():
    """As the task describes it: Conv2D(8, (10, 8), strides 2, same, relu), Flatten,
    Dense(4), softmax."""
    L = layers()
    x = inp = L.Input((49, 40, 1), batch_size=1, name="in0")
    x = L.Conv2D(8, (10, 8), strides=(2, 2), padding="same", activation="relu")(x)
    return _model(inp, L.Softmax()(L.Dense(4)(L.Flatten()(x))))


def magic_wand_shaped():
    """magic_wand's CNN: CONV_2D 8x(4x3), MAX_POOL 3x3, CONV_2D 16x(4x1), MAX_POOL 3x1,
    FC 16, FC 4, SOFTMAX on a 128x3x1 accelerometer window."""
    L = layers()
    x = inp = L.Input((128, 3, 1), batch_size=1, name="in0")
    x = L.Conv2D(8, (4, 3), padding="same", activation="relu")(x)
    x = L.MaxPooling2D((3, 3))(x)
    x = L.Conv2D(16, (4, 1), padding="same", activation="relu")(x)
    x = L.MaxPooling2D((3, 1), padding="same")(x)
    x = L.Dense(16, activation="relu")(L.Flatten()(x))
    return _model(inp, L.Softmax()(L.Dense(4)(x)))


def mix():
    """Many optimized-kernel paths side by side on one input, every branch an output:
    convs in place (1x1, whole rows), by rows with zero-point borders, tap by tap
    (dilation in x, groups); depthwise with multiplier 1 (channels 4 + 2), 4 (shared
    input) and 3; dense layers with depths and widths that are not multiples of 4."""
    L = layers()
    inp = L.Input((12, 10, 6), batch_size=1, name="in0")
    outputs = [
        L.Conv2D(5, 1)(inp),
        L.Conv2D(7, 3, strides=2, padding="valid", activation="relu")(inp),
        L.Conv2D(8, (5, 4), strides=2, padding="same")(inp),
        L.Conv2D(6, (3, 2), dilation_rate=(1, 2), padding="same")(inp),
        L.Conv2D(6, 3, groups=3, padding="same", activation="relu6")(inp),
        L.Conv2D(4, (2, 10), padding="valid")(inp),
        L.DepthwiseConv2D(3, padding="same")(inp),
        L.DepthwiseConv2D((2, 3), depth_multiplier=4, strides=2)(inp),
        L.DepthwiseConv2D(3, depth_multiplier=3, dilation_rate=2, padding="same")(inp),
        L.Dense(7)(L.Flatten()(inp)),
    ]
    outputs.append(L.Dense(13, activation="relu")(L.Flatten()(outputs[1])))
    return _model(inp, outputs)


def pool(shape, size, **options):
    return _single(shape, lambda: layers().AveragePooling2D(size, **options))


def add_pair(shape, activation=None):
    """Two convolutions of one input, added (same shapes: the fast ADD)."""
    def build():
        L = layers()
        x = L.Input(shape, batch_size=1, name="in0")
        a = L.Conv2D(shape[-1], 1)(x)
        b = L.Conv2D(shape[-1], 3, padding="same")(x)
        y = L.Add()([a, b])
        return _model(x, L.Activation(activation)(y) if activation else y)
    return build


def mlperf_mix():
    """The MLPerf Tiny layers side by side, every branch an output: depthwise 3x3 at
    strides 1 and 2 (the unrolled ring), pointwise and 3x3 convolutions expanded row by
    row, a residual ADD with RELU, average pooling, and dense layers on both sides of
    16 outputs."""
    L = layers()
    inp = L.Input((11, 9, 8), batch_size=1, name="in0")
    d1 = L.DepthwiseConv2D(3, padding="same", activation="relu")(inp)
    p1 = L.Conv2D(12, 1, activation="relu")(d1)
    d2 = L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6")(p1)
    c3 = L.Conv2D(12, 3, padding="same")(p1)
    res = L.ReLU()(L.Add()([p1, c3]))
    pooled = L.AveragePooling2D((3, 3), strides=2, padding="same")(res)
    flat = L.Flatten()(d2)
    return _model(inp, [d2, res, pooled, L.Dense(20, activation="relu")(flat),
                        L.Dense(5)(flat)])


def random_stack(seed: int):
    """CONV_2D (sometimes grouped) -> DEPTHWISE_CONV_2D -> FULLY_CONNECTED with random
    shapes; every op's output is a model output."""
    def build():
        L = layers()
        rng = np.random.default_rng(5000 + seed)
        tf().keras.utils.set_random_seed(seed)
        size_h, size_w = (int(v) for v in rng.integers(3, 14, size=2))
        groups = int(rng.choice([1, 1, 1, 2, 3]))
        channels = groups * int(rng.integers(1, 6))
        x = inp = L.Input((size_h, size_w, channels), batch_size=1, name="in0")
        outputs = []
        for kind in ("conv", "depthwise"):
            stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
            if max(stride) > 1:
                dilation = (1, 1)  # Keras allows strides > 1 or dilation > 1, not both
            h, w = int(x.shape[1]), int(x.shape[2])
            kernel = (int(rng.integers(1, min(6, h + 2))), int(rng.integers(1, min(6, w + 2))))
            padding = str(rng.choice(["same", "valid"]))
            if padding == "valid" and ((kernel[0] - 1) * dilation[0] + 1 > h or
                                       (kernel[1] - 1) * dilation[1] + 1 > w):
                padding = "same"
            activation = rng.choice([None, "relu", "relu6"])
            options = dict(strides=stride, dilation_rate=dilation, padding=padding,
                           activation=activation)
            if kind == "conv":
                filters = groups * int(rng.integers(1, 7))
                x = L.Conv2D(filters, kernel, groups=groups, **options)(x)
            else:
                x = L.DepthwiseConv2D(kernel, depth_multiplier=int(rng.integers(1, 6)),
                                      **options)(x)
            outputs.append(x)
        outputs.append(L.Dense(int(rng.integers(1, 20)),
                               activation=rng.choice([None, "relu"]))(L.Flatten()(x)))
        return _model(inp, outputs)
    return build


CASES: list[Case] = [
    # CONV_2D
    Case("conv-1x1-inplace", conv((6, 5, 5), 7, 1)),
    Case("conv-1x1-stride2", conv((7, 7, 3), 5, 1, strides=2), "pos"),
    Case("conv-1x1-groups", conv((4, 4, 6), 9, 1, groups=3), "neg"),
    Case("conv-3x3-same", conv((8, 8, 3), 8, 3, padding="same", activation="relu")),
    Case("conv-3x3-valid-s2", conv((9, 11, 4), 13, 3, strides=2, activation="relu6"), "pos"),
    Case("conv-5x3-s21", conv((12, 9, 2), 6, (5, 3), strides=(2, 1), padding="same"), "neg"),
    Case("conv-dilated", conv((10, 10, 2), 6, 3, dilation_rate=2, padding="same")),
    Case("conv-dilated-x", conv((8, 12, 3), 5, (2, 3), dilation_rate=(1, 3), padding="same")),
    Case("conv-dilated-y", conv((12, 8, 3), 5, (3, 2), dilation_rate=(2, 1), padding="valid")),
    Case("conv-full-rows", conv((9, 5, 2), 3, (3, 5), padding="valid"), "pos"),
    Case("conv-row-1xk", conv((6, 10, 4), 4, (1, 3), padding="valid")),
    Case("conv-kernel-over-image", conv((3, 3, 2), 5, 5, padding="same"), "neg"),
    Case("conv-stride3-valid", conv((13, 10, 3), 2, (3, 2), strides=3, padding="valid")),
    Case("conv-one-filter", conv((7, 6, 5), 1, 3, padding="same")),
    Case("conv-batch2", conv((6, 6, 3), 5, 3, batch=2, padding="same")),
    Case("conv-groups-dilated", conv((9, 9, 4), 6, 3, groups=2, dilation_rate=2,
                                     padding="same"), "pos"),
    Case("conv-wide-channels", conv((5, 5, 37), 10, 3, padding="same")),
    Case("conv-micro-speech", conv((49, 40, 1), 8, (10, 8), strides=2, padding="same",
                                   activation="relu")),
    Case("conv-magic-wand", conv((128, 3, 1), 8, (4, 3), padding="same", activation="relu"),
         "neg"),
    Case("conv-3x3-c8-rows", conv((9, 8, 8), 6, 3, padding="same", activation="relu"), "pos"),
    Case("conv-1x4-c1-rows", conv((12, 11, 1), 5, (3, 4), strides=(1, 2), padding="same")),
    Case("conv-pointwise-c64", conv((5, 5, 64), 24, 1, activation="relu")),
    Case("conv-pointwise-s2", conv((8, 8, 16), 8, 1, strides=2), "neg"),
    Case("conv-rgb-s2", conv((16, 16, 3), 8, 3, strides=2, padding="same", activation="relu")),
    # DEPTHWISE_CONV_2D
    Case("dw-m1-c4", depthwise((8, 8, 4), 3, padding="same")),
    Case("dw-m1-c8-s2", depthwise((9, 9, 8), 3, strides=2, padding="valid"), "pos"),
    Case("dw-m1-c5", depthwise((7, 7, 5), (3, 2), padding="same", activation="relu"), "neg"),
    Case("dw-m1-c13-dilated", depthwise((10, 10, 13), 3, dilation_rate=2, padding="same")),
    Case("dw-m2-c3", depthwise((8, 6, 3), 3, depth_multiplier=2, padding="same"), "pos"),
    Case("dw-m3-c5", depthwise((6, 6, 5), (2, 3), depth_multiplier=3, strides=(1, 2),
                               padding="same")),
    Case("dw-m4-c3", depthwise((7, 7, 3), 3, depth_multiplier=4, padding="valid"), "neg"),
    Case("dw-m8-c1", depthwise((49, 40, 1), (10, 8), depth_multiplier=8, strides=2,
                               padding="same", activation="relu")),
    Case("dw-m5-c2", depthwise((5, 5, 2), 1, depth_multiplier=5)),
    Case("dw-1x1", depthwise((4, 4, 6), 1), "pos"),
    Case("dw-kernel-over-image", depthwise((3, 4, 4), 5, padding="same", activation="relu6")),
    Case("dw-3x3-s1-c16", depthwise((9, 7, 16), 3, padding="same", activation="relu"), "pos"),
    Case("dw-3x3-s2-same-c8", depthwise((10, 9, 8), 3, strides=2, padding="same"), "neg"),
    Case("dw-3x3-s2-valid-c4", depthwise((7, 10, 4), 3, strides=(2, 1), padding="valid")),
    Case("dw-5x3-s1-c8", depthwise((8, 8, 8), (5, 3), padding="same", activation="relu6")),
    Case("dw-9x9-c4-generic", depthwise((10, 10, 4), 9, padding="same")),
    Case("dw-20x1-c4-generic", depthwise((24, 3, 4), (20, 1), padding="same"), "neg"),
    Case("dw-3x3-dilated-c4", depthwise((9, 9, 4), 3, dilation_rate=2, padding="same"), "pos"),
    Case("dw-3x3-batch2", _single((6, 6, 4), lambda: layers().DepthwiseConv2D(
        3, padding="same"), batch=2)),
    # FULLY_CONNECTED
    Case("fc-k1", dense((1,), 5)),
    Case("fc-k3-u1", dense((3,), 1), "pos"),
    Case("fc-k4-u4", dense((4,), 4), "neg"),
    Case("fc-k7-u17", dense((7,), 17, activation="relu")),
    Case("fc-k64-u13", dense((64,), 13)),
    Case("fc-k4000-u4", dense((25, 20, 8), 4), "pos"),
    Case("fc-k224-u16", dense((224,), 16, activation="relu")),
    Case("fc-per-tensor", dense((23,), 6), "sym", per_tensor_dense=True),
    Case("fc-per-tensor-pos", dense((40,), 9), "pos", per_tensor_dense=True),
    Case("fc-batched", _single((5, 7), lambda: layers().Dense(6))),
    Case("fc-k40-u32-expanded", dense((40,), 32, activation="relu")),
    Case("fc-k10-u18-batched", _single((3, 10), lambda: layers().Dense(18))),
    # AVERAGE_POOL_2D
    Case("avgpool-2x2-c8", pool((8, 6, 8), 2)),
    Case("avgpool-3x3-same-c6", pool((7, 7, 6), 3, strides=2, padding="same"), "neg"),
    Case("avgpool-global-400-taps", pool((20, 20, 5), 20), "pos"),
    # MAX_POOL_2D
    Case("maxpool-3x3-s2-same-c8", _single((9, 8, 8), lambda: layers().MaxPooling2D(
        3, strides=2, padding="same")), "neg"),
    Case("maxpool-2x2-c6", _single((6, 7, 6), lambda: layers().MaxPooling2D(2)), "pos"),
    Case("maxpool-3x1-c3-same", _single((10, 3, 3), lambda: layers().MaxPooling2D(
        (3, 1), padding="same"))),
    # ADD
    Case("add-same-shape", add_pair((6, 5, 8))),
    Case("add-relu-c3", add_pair((7, 4, 3), "relu"), "pos"),
    # whole models
    Case("mix-sym", mix),
    Case("mix-pos", mix, "pos"),
    Case("mix-neg", mix, "neg"),
    Case("mix-per-tensor", mix, "sym", per_tensor_dense=True),
    Case("micro-speech-logits", micro_speech_shaped),
    Case("micro-speech", micro_speech_with_softmax),
    Case("magic-wand", magic_wand_shaped, "neg"),
    Case("mlperf-mix", mlperf_mix),
    Case("mlperf-mix-pos", mlperf_mix, "pos"),
] + [Case(f"random-{seed}", random_stack(seed), ("sym", "pos", "neg")[seed % 3])
     for seed in range(24)]

CASES_BY_NAME = {case.name: case for case in CASES}


def _representative(model, mode: str, seed: int):
    rng = np.random.default_rng(seed)
    shapes = [tuple(t.shape) for t in model.inputs]

    def samples():
        for _ in range(48):
            values = []
            for shape in shapes:
                v = rng.normal(size=shape).astype(np.float32) * 2.0
                values.append(np.abs(v) if mode == "pos" else -np.abs(v) if mode == "neg"
                              else v)
            yield values
    return samples


def convert(model, data: str = "sym", per_tensor_dense: bool = False, seed: int = 0) -> bytes:
    """Full-int8 .tflite (int8 inputs and outputs) of a Keras model."""
    T = tf()
    converter = T.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [T.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(model, data, seed)
    converter.target_spec.supported_ops = [T.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = T.int8
    if per_tensor_dense:
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return converter.convert()


# ---- models no converter makes, edited through the schema's object API: the paths
# where the optimized kernels hand over to the reference (or skip the bias) ----

def _ops(model, builtin: int) -> list:
    return [op for op in model.subgraphs[0].operators
            if model.operatorCodes[op.opcodeIndex].builtinCode == builtin]


def fc_weight_zero_point(model, which: int = 0) -> None:
    """Per-tensor FULLY_CONNECTED weights with zero point 3 (the reference applies the
    weights' offset; the optimized kernel hands over to it)."""
    op = _ops(model, 9)[which]
    model.subgraphs[0].tensors[op.inputs[1]].quantization.zeroPoint = [3]


def fc_weights_as_input(model, which: int = -1) -> None:
    """FULLY_CONNECTED weights as a second graph input instead of a constant."""
    graph, op = model.subgraphs[0], _ops(model, 9)[which]
    graph.tensors[op.inputs[1]].buffer = 0
    graph.inputs = list(graph.inputs) + [op.inputs[1]]


def conv_without_bias(model, which: int = 0) -> None:
    op = _ops(model, 3)[which]
    op.inputs = [op.inputs[0], op.inputs[1], -1]


def _output_quantization(model, builtin: int, which: int = 0):
    op = _ops(model, builtin)[which]
    return model.subgraphs[0].tensors[op.outputs[0]].quantization


def conv_large_scale(model, which: int = 0) -> None:
    """CONV_2D output scale divided by 256: multipliers of 2^0 and more (shift >= 0),
    which the fast requantization does not take; the exact one does."""
    q = _output_quantization(model, 3, which)
    q.scale = [v / 256.0 for v in q.scale]


def conv_narrow_activation(model, which: int = 0) -> None:
    """CONV_2D (RELU) output zero point -100: the activation clamps at -100, narrower
    than int8."""
    _output_quantization(model, 3, which).zeroPoint = [-100]


def depthwise_weights_as_input(model, which: int = 0) -> None:
    """DEPTHWISE_CONV_2D weights as a second graph input: no sums known in prepare."""
    graph, op = model.subgraphs[0], _ops(model, 4)[which]
    graph.tensors[op.inputs[1]].buffer = 0
    graph.inputs = list(graph.inputs) + [op.inputs[1]]


def add_coarse_output(model, which: int = 0) -> None:
    """ADD output scale times 64: its rescaling shift leaves the fast form's range."""
    q = _output_quantization(model, 0, which)
    q.scale = [v * 64.0 for v in q.scale]


CRAFTED: dict[str, tuple[str, tuple[Callable, ...]]] = {
    "fc-weight-zero-point": ("fc-per-tensor", (fc_weight_zero_point,)),
    "fc-weights-input": ("fc-k7-u17", (fc_weights_as_input,)),
    "conv-no-bias": ("conv-3x3-same", (conv_without_bias,)),
    "mix-crafted": ("mix-per-tensor", (fc_weight_zero_point, fc_weights_as_input,
                                       conv_without_bias)),
    "conv-exact-requantization": ("conv-3x3-c8-rows", (conv_large_scale,)),
    "conv-narrow-activation": ("conv-3x3-c8-rows", (conv_narrow_activation,)),
    "dw-weights-input": ("dw-3x3-s1-c16", (depthwise_weights_as_input,)),
    "add-exact-fallback": ("add-same-shape", (add_coarse_output,)),
    "mlperf-mix-crafted": ("mlperf-mix", (conv_narrow_activation, depthwise_weights_as_input)),
}


def _edit(data: bytes, editors) -> bytes:
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    for editor in editors:
        editor(model)
    builder = flatbuffers.Builder(4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@lru_cache(maxsize=None)
def case_model(name: str) -> bytes:
    """The .tflite bytes of a case (or a crafted model), converted once per session."""
    if name in CRAFTED:
        base, editors = CRAFTED[name]
        return _edit(case_model(base), editors)
    case = CASES_BY_NAME[name]
    tf().keras.utils.set_random_seed(len(name))
    return convert(case.build(), case.data, case.per_tensor_dense, seed=len(name))


def inputs_for(infos, rng: np.random.Generator, count: int) -> list[list[np.ndarray]]:
    """`count` input sets of int8 inputs: the extremes (all -128, all 127) first, then
    uniform random."""
    sets = []
    for k in range(count):
        values = []
        for info in infos:
            if k < 2:
                values.append(np.full(info.shape, (-128, 127)[k], dtype=np.int8))
            else:
                values.append(rng.integers(-128, 128, size=info.shape).astype(np.int8))
        sets.append(values)
    return sets
