"""The MLPerf Tiny shapes of bench/kernels.py (DS-CNN, MobileNetV1 0.25, micro_speech,
autoencoder, ResNet-8), in their small sizes so the suite stays fast: on the host the
optimized build against the reference build and TFLite Micro, byte for byte; inside
firmware on the virtual nRF52840 what the benchmark measures (instructions per
inference and per op, the arena), with the optimized kernels taking fewer instructions
and an arena within the reference's plus the largest scratch buffer. The full sizes
are the opt-in benchmark: `python bench/kernels.py`."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import optimized_results
from lab import platforms
from optimized_models import inputs_for
from optimized_variants import host_model
from runtime_tflm_oracle import Oracle

BENCH = Path(__file__).resolve().parents[2] / "bench" / "kernels.py"
IN_FIRMWARE = ("ds_cnn", "resnet8")


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_kernels", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


bench = load_bench()


@pytest.fixture(scope="module")
def board():
    return platforms.load("nrf52840")


@pytest.mark.parametrize("name", sorted(bench.MODELS))
def test_small_shape_matches_reference_and_tflm_on_the_host(name):
    model = bench.model_path(name, "small").read_bytes()
    reference, optimized = host_model(model, "reference"), host_model(model, "optimized")
    oracle = Oracle(model)
    for k, inputs in enumerate(inputs_for(reference.inputs, np.random.default_rng(18), 6)):
        want = oracle.run(inputs, 1)[0]
        assert reference.run(*inputs)[0].tobytes() == want.tobytes(), f"{name} {k}: reference"
        assert optimized.run(*inputs)[0].tobytes() == want.tobytes(), f"{name} {k}: optimized"
    optimized_results.count("host, MLPerf Tiny shapes (small)", 6, 6)
    optimized_results.arenas[f"mlperf-{name}"] = (reference.arena_needed, optimized.arena_needed)


@pytest.mark.parametrize("name", IN_FIRMWARE)
def test_small_shape_in_firmware_is_faster_and_fits_the_arena_bound(name, board):
    path = bench.model_path(name, "small")
    input_sets = bench.random_inputs(path, 2)
    expected = bench.tflm_outputs(path, input_sets)
    runs = {variant: bench.measure(path, variant, input_sets, board, in_flash=False)
            for variant in bench.VARIANTS}
    for variant, (_, outputs) in runs.items():
        for want, got in zip(expected, outputs):
            assert got[0].tobytes() == want[0].tobytes(), f"{name} {variant}"
    ref, opt = runs["reference"][0], runs["optimized"][0]
    assert opt.instructions < ref.instructions / 3
    assert opt.arena <= ref.arena + opt.largest_scratch
    assert opt.largest_scratch > 0
    for m in (ref, opt):   # the ops add up to the inference, save the hook's few instructions
        ops = sum(op.instructions for op in m.ops)
        assert 0.97 * m.instructions < ops <= m.instructions
        assert m.cycles >= m.instructions
    assert set(opt.per_type()) == set(ref.per_type())
    optimized_results.cycles[f"mlperf {name} (small)"] = {"reference": ref.cycles,
                                                          "optimized": opt.cycles}
