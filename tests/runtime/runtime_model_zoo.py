"""Small models built and converted with TensorFlow for the oracle tests.

Every architecture is drawn from a seeded numpy Generator, so the same seed gives
the same model, weights and calibration data on every run. Inputs are named
"in0", "in1", ... (the converter may order them differently in the .tflite;
tests always follow the model's own order). Each architecture is converted to
float32 and to full-int8 (per-channel conv weights, calibrated on a
representative dataset), with float, int8 or uint8 model inputs/outputs.
"""
from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_tf = None


def tf():
    """TensorFlow, imported on first use (about 3 s)."""
    global _tf
    if _tf is None:
        import tensorflow

        tensorflow.get_logger().setLevel("ERROR")
        tensorflow.keras.utils.set_random_seed(0)
        _tf = tensorflow
    return _tf


def layers():
    return tf().keras.layers


def ops():
    import keras

    return keras.ops


@dataclass(frozen=True)
class ModelSpec:
    architecture: str
    seed: int
    variant: str  # "float", "int8" (float I/O), "int8-io", "uint8-io", "int8-dense-per-tensor"

    @property
    def name(self) -> str:
        return f"{self.architecture}-{self.seed}-{self.variant}"


# ---- architectures: each returns a keras Model from a seeded Generator ----

def _pick(rng, options):
    return options[int(rng.integers(0, len(options)))]


def _spatial(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    effective = (kernel - 1) * dilation + 1
    return -(-size // stride) if padding == "same" else (size - effective) // stride + 1


def _conv_params(rng, size: int, allow_dilation: bool = True) -> dict:
    """Random kernel/stride/dilation/padding that keep the output at least 1 x 1."""
    stride = int(rng.integers(1, 4))
    dilation = int(rng.integers(1, 3)) if (stride == 1 and allow_dilation) else 1
    kernel = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    padding = _pick(rng, ["same", "valid"])
    if padding == "valid" and min(_spatial(size, k, stride, dilation, "valid") for k in kernel) < 1:
        padding = "same"
    return dict(kernel_size=kernel, strides=stride, dilation_rate=dilation, padding=padding)


def _out_size(size: int, p: dict) -> int:
    return min(_spatial(size, k, p["strides"], p["dilation_rate"], p["padding"])
               for k in p["kernel_size"])


def convnet(rng):
    """CONV_2D -> DEPTHWISE_CONV_2D -> pooling -> RESHAPE -> FULLY_CONNECTED -> SOFTMAX."""
    L = layers()
    size, channels = int(rng.integers(7, 15)), int(rng.integers(1, 5))
    x = inp = L.Input((size, size, channels), batch_size=1, name="in0")
    p = _conv_params(rng, size)
    x = L.Conv2D(int(rng.integers(2, 9)), activation=_pick(rng, [None, "relu", "relu6"]), **p)(x)
    size = _out_size(size, p)
    p = _conv_params(rng, size)
    x = L.DepthwiseConv2D(depth_multiplier=int(rng.integers(1, 4)),
                          activation=_pick(rng, [None, "relu", "relu6"]), **p)(x)
    size = _out_size(size, p)
    pool = L.AveragePooling2D if rng.random() < 0.5 else L.MaxPooling2D
    pool_size = int(rng.integers(1, min(3, size) + 1))
    x = pool(pool_size, strides=int(rng.integers(1, 3)), padding=_pick(rng, ["same", "valid"]))(x)
    x = L.Flatten()(x)
    x = L.Dense(int(rng.integers(3, 12)), activation=_pick(rng, [None, "relu"]))(x)
    if rng.random() < 0.7:
        x = L.Softmax()(x)
    return tf().keras.Model(inp, x)


def grouped_conv(rng):
    """CONV_2D with groups, then a strided, dilated depthwise conv."""
    L = layers()
    groups = int(rng.integers(2, 4))
    size = int(rng.integers(6, 11))
    x = inp = L.Input((size, size, 2 * groups), batch_size=1, name="in0")
    x = L.Conv2D(3 * groups, 3, padding="same", groups=groups, activation="relu")(x)
    x = L.DepthwiseConv2D(3, dilation_rate=2, padding="same", depth_multiplier=2)(x)
    x = L.MaxPooling2D(2, padding="same")(x)
    return tf().keras.Model(inp, x)


def elementwise(rng):
    """Two inputs with broadcasting: ADD, MUL, LOGISTIC, TANH, CONCATENATION, PAD,
    standalone RELU and RELU6, MEAN, FULLY_CONNECTED."""
    L, K = layers(), ops()
    h, w, c = (int(v) for v in rng.integers(3, 8, size=3))
    shapes = [(1, 1, c), (h, 1, c), (1, w, 1), (h, w, c)]
    a = L.Input((h, w, c), batch_size=1, name="in0")
    b = L.Input(shapes[int(rng.integers(0, 4))], batch_size=1, name="in1")
    x = L.Conv2D(c, 3, padding="same", dilation_rate=int(rng.integers(1, 3)))(a)
    y = L.Add()([x, b])
    z = L.Activation("tanh")(L.Multiply()([x, y]))
    s = L.Activation("sigmoid")(y)
    cat = L.Concatenate(axis=-1)([z, s])
    top, left = (int(v) for v in rng.integers(0, 3, size=2))
    cat = L.ReLU()(K.pad(cat, [[0, 0], [top, 1], [left, 2], [0, 0]]))
    pooled = K.mean(cat, axis=[1, 2], keepdims=bool(rng.random() < 0.5))
    flat = K.relu6(L.Reshape((-1,))(pooled))  # standalone RELU6
    flat = K.relu6(flat * 4.0)                  # fused into MUL when float
    out = L.Dense(int(rng.integers(2, 7)), activation="tanh")(flat)
    return tf().keras.Model([a, b], [out, L.GlobalAveragePooling2D()(cat)])


def mlp(rng):
    """FULLY_CONNECTED stack with fused RELU/RELU6, LOGISTIC, TANH and SOFTMAX."""
    L = layers()
    x = inp = L.Input((int(rng.integers(4, 20)),), batch_size=1, name="in0")
    for activation in ("relu", "relu6", "sigmoid", "tanh"):
        x = L.Dense(int(rng.integers(4, 16)), activation=activation)(x)
    x = L.Dense(int(rng.integers(2, 10)))(x)
    return tf().keras.Model(inp, L.Softmax()(x))


def reductions(rng):
    """MEAN over random axis sets, with and without keep_dims."""
    L, K = layers(), ops()
    h, w, c = (int(v) for v in rng.integers(2, 7, size=3))
    x = inp = L.Input((h, w, c), batch_size=1, name="in0")
    x = L.Conv2D(c + 1, 1, activation="relu6")(x)
    outputs = []
    for axes in ([1], [2], [3], [1, 2], [-1], [1, 3]):
        m = K.mean(x, axis=axes, keepdims=bool(rng.random() < 0.5))
        outputs.append(L.Reshape((-1,))(m))
    return tf().keras.Model(inp, L.Concatenate()(outputs))


def pad_and_concat(rng):
    """CONCATENATION on a random axis, PAD and PADV2 (non-zero constant), pools."""
    L, K = layers(), ops()
    size = int(rng.integers(4, 9))
    inp = L.Input((size, size, 2), batch_size=1, name="in0")
    a = L.Conv2D(3, 3, padding="same")(inp)
    b = L.Conv2D(3, 1)(inp)
    x = L.Concatenate(axis=int(rng.integers(1, 4)))([a, b])
    x = K.pad(x, [[0, 0], [1, 1], [0, 2], [0, 0]], constant_values=float(rng.uniform(0.2, 1.0)))
    x = L.MaxPooling2D(2, padding="same")(x)
    x = K.pad(x, [[0, 0], [1, 0], [1, 0], [0, 1]])
    x = L.AveragePooling2D(2, strides=1, padding="same")(x)
    return tf().keras.Model(inp, x)


ARCHITECTURES: dict[str, Callable] = {
    "convnet": convnet, "grouped_conv": grouped_conv, "elementwise": elementwise, "mlp": mlp,
    "reductions": reductions, "pad_and_concat": pad_and_concat,
}


def _specs() -> list[ModelSpec]:
    plan = [("convnet", range(10)), ("grouped_conv", range(1)), ("elementwise", range(3)),
            ("mlp", range(2)), ("reductions", range(2)), ("pad_and_concat", range(2))]
    specs = []
    for architecture, seeds in plan:
        for seed in seeds:
            specs.append(ModelSpec(architecture, seed, "float"))
            specs.append(ModelSpec(architecture, seed, "int8-io" if seed % 2 else "int8"))
    specs.append(ModelSpec("mlp", 0, "int8-dense-per-tensor"))
    specs.append(ModelSpec("convnet", 0, "uint8-io"))
    return specs


SPECS = _specs()


# ---- conversion ----

def build(spec: ModelSpec):
    rng = np.random.default_rng(1000 + spec.seed)
    tf().keras.utils.set_random_seed(spec.seed)
    return ARCHITECTURES[spec.architecture](rng)


def _representative_data(model, seed: int):
    rng = np.random.default_rng(seed)
    shapes = {t.name: tuple(t.shape) for t in model.inputs}

    def samples():
        for _ in range(64):
            yield {name: rng.normal(size=shape).astype(np.float32) * 2.0
                   for name, shape in shapes.items()}
    return samples


def convert(spec: ModelSpec) -> bytes:
    """The .tflite bytes of `spec` (about half a second)."""
    T = tf()
    model = build(spec)
    converter = T.lite.TFLiteConverter.from_keras_model(model)
    if spec.variant != "float":
        converter.optimizations = [T.lite.Optimize.DEFAULT]
        converter.representative_dataset = _representative_data(model, spec.seed)
        converter.target_spec.supported_ops = [T.lite.OpsSet.TFLITE_BUILTINS_INT8]
        io_type = {"int8-io": T.int8, "uint8-io": T.uint8}.get(spec.variant)
        if io_type is not None:
            converter.inference_input_type = converter.inference_output_type = io_type
        if spec.variant == "int8-dense-per-tensor":
            converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return converter.convert()


def random_inputs(inputs, rng: np.random.Generator) -> list[np.ndarray]:
    """One random value per model input (TensorInfo list), full range for integers."""
    values = []
    for info in inputs:
        if info.dtype == np.float32:
            values.append((rng.normal(size=info.shape) * 2.0).astype(np.float32))
        else:
            limits = np.iinfo(info.dtype)
            values.append(rng.integers(limits.min, limits.max + 1, size=info.shape)
                          .astype(info.dtype))
    return values
