"""Host build: the optimized kernels (LABRT_OPTIMIZED=1) against the reference
kernels and against TFLite Micro itself, byte for byte.

Every int8 output of the optimized build must equal the reference build's and
TFLM's exactly; float models (which the optimized build hands to the reference
kernels) must give bit-identical results in both builds."""
import numpy as np
import pytest

import optimized_results
from lab.errors import LabError
from lab.runtime import ModelError, build
from optimized_models import CASES, CRAFTED, case_model, inputs_for
from optimized_variants import exported, host_model
from runtime_model_zoo import SPECS, convert, random_inputs
from runtime_tflm_oracle import Oracle

INPUTS_PER_CASE = 24
WEIGHTS_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
OPTIMIZED_OPS = WEIGHTS_OPS | {"AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD"}


def three_way(name: str, model: bytes, input_sets) -> None:
    """Optimized == reference == TFLM on every output of every input set."""
    reference, optimized = host_model(model, "reference"), host_model(model, "optimized")
    oracle = Oracle(model)
    outputs = len(reference.outputs)
    for k, inputs in enumerate(input_sets):
        want = oracle.run(inputs, outputs)
        ref = reference.run(*inputs)
        opt = optimized.run(*inputs)
        for i in range(outputs):
            assert opt[i].dtype == ref[i].dtype == want[i].dtype
            assert ref[i].tobytes() == want[i].tobytes(), f"{name} input {k} output {i}: ref"
            assert opt[i].tobytes() == ref[i].tobytes(), (
                f"{name} input set {k}, output {i}: optimized differs from the reference at "
                f"{np.flatnonzero(opt[i].ravel() != ref[i].ravel())[:10]}")
    optimized_results.count("host", len(input_sets), len(input_sets) * outputs)
    optimized_results.arenas[name] = (reference.arena_needed, optimized.arena_needed)
    assert optimized.arena_needed <= arena_bound(reference, optimized)
    assert reference.arena_largest_op_scratch == 0


def arena_bound(reference, optimized) -> int:
    """The reference's arena plus the largest scratch buffer (planned with the
    activations; the optimized per-op data is no larger than the reference's), and 16
    bytes for each convolution of at most 4 output channels: on a 64-bit host their
    records' pointers outweigh the 3 bytes a channel they save."""
    small = sum(1 for op in optimized.ops if op.name == "CONV_2D"
                and optimized.tensors[op.outputs[0]].shape[-1] <= 4)
    return reference.arena_needed + optimized.arena_largest_op_scratch + 16 * small


def test_the_optimized_library_registers_the_optimized_kernels():
    for symbol in ("labrt_kernel_conv_2d_optimized", "labrt_kernel_depthwise_conv_2d_optimized",
                   "labrt_kernel_fully_connected_optimized", "labrt_kernel_add_optimized",
                   "labrt_kernel_average_pool_2d_optimized", "labrt_kernel_max_pool_2d_optimized"):
        assert exported("optimized", symbol)
        assert not exported("reference", symbol)  # kernels/optimized compile to nothing


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_matches_reference_and_tflm(case):
    model = case_model(case.name)
    ops = {op.name for op in host_model(model, "optimized").ops}
    assert ops & OPTIMIZED_OPS, f"{case.name} has none of the optimized ops: {ops}"
    infos = host_model(model, "reference").inputs
    rng = np.random.default_rng(len(case.name))
    three_way(case.name, model, inputs_for(infos, rng, INPUTS_PER_CASE))


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_model_matches_reference_and_tflm(name):
    """The fall-backs: weights with a zero point (handed to the reference) or computed
    at run time, a conv without bias, requantization without a fast form, an
    activation narrower than int8, an ADD whose scales leave the fast form."""
    model = case_model(name)
    infos = host_model(model, "reference").inputs
    three_way(name, model, inputs_for(infos, np.random.default_rng(9), INPUTS_PER_CASE))


def test_cases_cover_the_kernel_paths():
    """Input zero points at both extremes, every optimized op, and shapes that hit
    each path of the kernels."""
    zero_points, ops, shapes = set(), set(), set()
    for case in CASES:
        model = host_model(case_model(case.name), "reference")
        zero_points.add(model.inputs[0].zero_point)
        for op in model.ops:
            ops.add(op.name)
            if op.name in WEIGHTS_OPS:
                weights = model.tensors[op.inputs[1]]
                shapes.add((op.name, weights.shape[-1] % 4 == 0, weights.scale_count > 1))
            if op.name == "DEPTHWISE_CONV_2D":  # filter size and stride
                out = model.tensors[op.outputs[0]]
                shapes.add(("DW", model.tensors[op.inputs[1]].shape[1:3],
                            model.tensors[op.inputs[0]].shape[1] // out.shape[1]))
            if op.name == "FULLY_CONNECTED":   # few outputs (split on the way) or many
                shapes.add(("FC", model.tensors[op.inputs[1]].shape[0] >= 16))
    assert {-128, 127} <= zero_points
    assert OPTIMIZED_OPS <= ops
    for op in WEIGHTS_OPS:  # channel counts (or accumulation depths) not multiples of 4
        assert (op, False, True) in shapes and (op, True, True) in shapes
    assert {("DW", (3, 3), 1), ("DW", (3, 3), 2), ("FC", True), ("FC", False)} <= shapes
    assert ("FULLY_CONNECTED", False, False) in shapes or \
           ("FULLY_CONNECTED", True, False) in shapes  # per-tensor dense weights


@pytest.fixture(scope="module")
def zoo():
    return {spec.name: convert(spec) for spec in SPECS}


def test_runtime_zoo_matches_tflm_with_the_optimized_kernels(zoo):
    """tests/runtime's whole model zoo (float and int8, every supported op) through the
    optimized build: int8 byte-exact with TFLM and the reference build, float
    bit-identical to the reference build."""
    for spec in SPECS:
        model = zoo[spec.name]
        reference, optimized = host_model(model, "reference"), host_model(model, "optimized")
        oracle = Oracle(model)
        rng = np.random.default_rng(spec.seed + 11)
        outputs = len(reference.outputs)
        for _ in range(8):
            inputs = random_inputs(reference.inputs, rng)
            ref, opt = reference.run(*inputs), optimized.run(*inputs)
            want = oracle.run(inputs, outputs)
            for i in range(outputs):
                assert opt[i].tobytes() == ref[i].tobytes(), f"{spec.name} output {i}"
                if ref[i].dtype != np.float32:
                    assert ref[i].tobytes() == want[i].tobytes(), f"{spec.name} output {i}"
        optimized_results.count("host, tests/runtime zoo", 8, 8 * outputs)


@pytest.mark.parametrize("name", ["conv-3x3-same", "dw-m2-c3", "fc-k64-u13", "magic-wand"])
def test_needed_arena_is_exact(name):
    """The optimized kernels' extra per-op data is counted: init succeeds with exactly
    arena_needed and says that size with 16 bytes fewer."""
    model = case_model(name)
    needed = host_model(model, "optimized").arena_needed
    assert host_model(model, "optimized", arena_size=needed).arena_needed == needed
    with pytest.raises(ModelError, match=f"arena too small: needs (at least )?{needed} bytes"):
        host_model(model, "optimized", arena_size=needed - 16)


def test_variants_build_side_by_side():
    reference, optimized = build.build_library("reference"), build.build_library()
    assert reference == optimized  # the default is the reference
    optimized = build.build_library("optimized")
    assert optimized != reference and optimized.exists() and reference.exists()
    assert build.library_path("optimized") == optimized
    with pytest.raises(LabError, match="unknown runtime variant"):
        build.library_path("fast")
