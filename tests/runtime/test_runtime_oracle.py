"""Oracle tests: the C runtime against TFLite Micro itself (PyPI tflite-micro).

int8 outputs must equal TFLM's byte for byte; float32 outputs must agree within
1e-5 relative (they are in fact bit-identical so far, reported at the end)."""
import numpy as np
import pytest

import runtime_results
from lab.runtime import HostModel
from runtime_model_zoo import SPECS, random_inputs
from runtime_tflm_oracle import Oracle, sine_model_path

INPUTS_PER_MODEL = 32


def compare_outputs(name: str, ours: list, theirs: list) -> bool:
    """Asserts agreement; returns whether every output was bit-identical."""
    assert len(ours) == len(theirs)
    identical = True
    for i, (got, want) in enumerate(zip(ours, theirs)):
        assert got.shape == want.shape and got.dtype == want.dtype, f"{name} output {i}"
        if got.dtype == np.float32:
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7,
                                       err_msg=f"{name} output {i}")
            identical &= got.tobytes() == want.tobytes()
        else:
            np.testing.assert_array_equal(got, want, err_msg=f"{name} output {i}")
    return identical


def check_against_tflm(name: str, model_bytes: bytes, count: int, seed: int) -> None:
    ours, oracle = HostModel(model_bytes), Oracle(model_bytes)
    rng = np.random.default_rng(seed)
    identical = True
    for _ in range(count):
        inputs = random_inputs(ours.inputs, rng)
        identical &= compare_outputs(name, ours.run(*inputs),
                                     oracle.run(inputs, len(ours.outputs)))
    runtime_results.comparisons[name] = count
    if all(t.dtype == np.float32 for t in ours.outputs):
        runtime_results.bit_exact_float[name] = identical


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_model_matches_tflm(spec, tflite_model):
    check_against_tflm(spec.name, tflite_model(spec), INPUTS_PER_MODEL, seed=spec.seed + 7)


def test_bundled_sine_model_matches_tflm():
    check_against_tflm("sine_float", sine_model_path().read_bytes(), INPUTS_PER_MODEL, seed=1)


def test_zoo_covers_every_supported_op(tflite_model):
    wanted = {"FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D",
              "MAX_POOL_2D", "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE", "ADD", "MUL",
              "LOGISTIC", "TANH", "RELU", "RELU6", "MEAN", "PAD", "PADV2", "CONCATENATION"}
    seen = {(op.name, spec.variant != "float") for spec in SPECS
            for op in HostModel(tflite_model(spec)).ops}
    for quantized in (False, True):
        missing = {op for op in wanted if (op, quantized) not in seen}
        missing -= {"QUANTIZE", "DEQUANTIZE"} if not quantized else set()
        assert not missing, f"{'int8' if quantized else 'float'} models lack {sorted(missing)}"


def test_enough_random_inputs_overall():
    assert INPUTS_PER_MODEL * (len(SPECS) + 1) >= 1000
