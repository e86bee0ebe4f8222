"""The host build of the C runtime through lab.runtime: API behaviour."""
import numpy as np
import pytest

from lab.runtime import HostModel, ModelError, inspect_model
from runtime_tflm_oracle import Oracle, sine_model_path


@pytest.fixture(scope="module")
def sine() -> bytes:
    return sine_model_path().read_bytes()


def test_sine_model_matches_tflm(sine):
    model, oracle = HostModel(sine), Oracle(sine)
    for x in np.linspace(-1.0, 7.0, 25, dtype=np.float32):
        inp = np.array([[x]], dtype=np.float32)
        np.testing.assert_allclose(model.run(inp)[0], oracle.run([inp])[0], rtol=1e-5)


def test_ops_and_tensors_are_reported(sine):
    model = HostModel(sine)
    assert [op.name for op in model.ops] == ["FULLY_CONNECTED"] * 3
    assert all(op.supported for op in model.ops)
    assert model.inputs[0].shape == (1, 1) and model.inputs[0].type_name == "FLOAT32"
    assert model.outputs[0].index == model.ops[-1].outputs[0]
    constants = [t for t in model.tensors if t.constant]
    assert len(constants) == 6  # three weights, three biases


def test_hook_sees_every_op_before_and_after(sine):
    model = HostModel(sine)
    model.set_input(0, np.array([[0.5]], dtype=np.float32))
    seen = []
    model.invoke(hook=lambda i, name, phase: seen.append((i, name, phase)))
    expected = [(i, "FULLY_CONNECTED", phase) for i in range(3) for phase in ("before", "after")]
    assert seen == expected


def test_too_small_arena_states_bytes_needed(sine):
    needed = HostModel(sine).arena_needed
    with pytest.raises(ModelError) as failure:
        HostModel(sine, arena_size=needed - 16)
    assert failure.value.status == "ARENA_TOO_SMALL"
    assert f"needs {needed} bytes" in str(failure.value)
    assert HostModel(sine, arena_size=needed).arena_needed == needed


def test_tiny_arena_gives_a_lower_bound(sine):
    with pytest.raises(ModelError, match=r"arena too small: needs at least \d+ bytes, has 0"):
        HostModel(sine, arena_size=0)


def test_wrong_input_dtype_is_refused(sine):
    with pytest.raises(Exception, match="FLOAT32"):
        HostModel(sine).set_input(0, np.zeros((1, 1), dtype=np.int8))


def test_inspect_reports_arena_parts(sine):
    report = inspect_model(sine)
    assert report.status == "OK"
    head = max(report.arena_planned, report.arena_plan_scratch)
    assert report.arena_needed == head + report.arena_persistent
    assert report.model_bytes == len(sine)
