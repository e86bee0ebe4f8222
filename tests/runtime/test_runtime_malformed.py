"""Malformed and unsupported models fail init with a clear status, never a crash.

The cases are built in runtime_malformed.py from the bundled sine model; the fuzz
test (test_runtime_fuzz.py) hunts for the cases nobody thought of."""
import ctypes

import pytest

from lab.runtime import HostModel, ModelError, inspect_model
from lab.runtime.host import _load, _aligned_buffer
from runtime_malformed import all_cases, repack, sine, unterminated_name


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_malformed_model_is_refused(case):
    with pytest.raises(ModelError) as failure:
        HostModel(case.data)
    assert failure.value.status == case.status, str(failure.value)
    assert case.message in str(failure.value)


def test_repacked_sine_is_still_valid():
    """The object-API round trip itself produces a model that runs."""
    assert HostModel(repack(lambda m: None)).ops


def test_unsupported_op_is_named_and_the_rest_still_inspectable():
    case = next(c for c in all_cases() if c.name == "lstm-op")
    report = inspect_model(case.data)
    assert report.status == "UNSUPPORTED_OP"
    assert report.message == "unsupported op LSTM (builtin 16)"
    assert [op.supported for op in report.ops] == [False, False, False]
    assert report.tensors and report.arena_needed is None


def test_unterminated_tensor_name_reads_as_empty():
    model = HostModel(unterminated_name())
    assert model.tensors[0].name == ""
    assert model.tensors[1].name != ""


def test_misaligned_model_address_is_refused():
    lib, data = _load(), sine()
    raw, address = _aligned_buffer(len(data) + 1)
    ctypes.memmove(address + 1, data, len(data))
    state = (ctypes.c_uint8 * lib.labrt_runtime_size())()
    arena, arena_address = _aligned_buffer(4096)
    status = lib.labrt_init(ctypes.addressof(state), address + 1, len(data), arena_address, 4096)
    assert status == 1  # LABRT_ERR_ARGUMENT
    assert b"4-byte aligned" in lib.labrt_error(ctypes.addressof(state))


def test_invoke_before_successful_init_is_refused():
    lib = _load()
    state = (ctypes.c_uint8 * lib.labrt_runtime_size())()
    assert lib.labrt_invoke(ctypes.addressof(state)) == 7  # LABRT_ERR_NOT_READY
