"""The arena our runtime needs is no larger than TFLite Micro's, model by model.

The planned activations ("head") follow TFLM's greedy planner rule for rule, so
they must not exceed TFLM's head; the total (head + our persistent tables) must
not exceed TFLM's total (from its RecordingMicroAllocator)."""
import numpy as np
import pytest

import runtime_results
from lab.runtime import HostModel, ModelError
from runtime_model_zoo import SPECS, random_inputs
from runtime_tflm_oracle import Oracle, sine_model_path


def compare_arenas(name: str, model_bytes: bytes) -> None:
    ours, oracle = HostModel(model_bytes), Oracle(model_bytes)
    oracle.run(random_inputs(ours.inputs, np.random.default_rng(0)), len(ours.outputs))
    tflm_total, tflm_head = oracle.arena()
    runtime_results.arenas[name] = (ours.arena_needed, ours.arena_planned, ours.arena_persistent,
                                    tflm_total, tflm_head)
    print(f"{name}: ours {ours.arena_needed} (planned {ours.arena_planned}), "
          f"TFLM {tflm_total} (head {tflm_head})")
    assert ours.arena_planned <= tflm_head
    assert ours.arena_needed <= tflm_total


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_arena_not_larger_than_tflm(spec, tflite_model):
    compare_arenas(spec.name, tflite_model(spec))


def test_sine_arena_not_larger_than_tflm():
    compare_arenas("sine_float", sine_model_path().read_bytes())


@pytest.mark.parametrize("spec", [s for s in SPECS if s.seed == 0], ids=lambda s: s.name)
def test_needed_arena_is_exact(spec, tflite_model):
    """Init succeeds with exactly arena_needed bytes and states that size with 16 fewer
    (as "at least" when even the planner's scratch did not fit)."""
    model_bytes = tflite_model(spec)
    needed = HostModel(model_bytes).arena_needed
    assert HostModel(model_bytes, arena_size=needed).arena_needed == needed
    with pytest.raises(ModelError, match=f"arena too small: needs (at least )?{needed} bytes"):
        HostModel(model_bytes, arena_size=needed - 16)
