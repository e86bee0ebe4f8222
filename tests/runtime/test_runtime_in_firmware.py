"""The runtime inside firmware (`lab model run --platform`): the same byte-for-byte
comparison with TFLite Micro's interpreter as on the host, on the nRF52840 (Cortex-M4F)
and on the MPS2 AN500 (Cortex-M7) and AN505 (Cortex-M33) boards, whose optimized kernels
take the DSP path too (model_runner reads its commands through semihosting there)."""
import numpy as np
import pytest

from lab import platforms
from lab.model_firmware import FirmwareModel
from lab.runtime import HostModel
from runtime_model_zoo import SPECS, random_inputs
from runtime_tflm_oracle import Oracle, sine_model_path

IN_FIRMWARE = ("convnet-0-int8", "convnet-1-int8-io", "elementwise-0-int8", "pad_and_concat-1-float")
INPUTS_PER_MODEL = 6


@pytest.fixture(scope="module", params=["nrf52840", "mps2-an500", "mps2-an505"])
def board(request):
    return platforms.load(request.param)


def models(tflite_model):
    yield "sine_float", sine_model_path().read_bytes()
    for spec in SPECS:
        if spec.name in IN_FIRMWARE:
            yield spec.name, tflite_model(spec)


def test_models_inside_firmware_equal_tflite_micro(tflite_model, board, tmp_path):
    compared = []
    for name, model_bytes in models(tflite_model):
        path = tmp_path / f"{name}.tflite"
        path.write_bytes(model_bytes)
        host = HostModel(model_bytes)
        oracle = Oracle(model_bytes)
        firmware = FirmwareModel(path, board)
        try:
            rng = np.random.default_rng(7)
            for _ in range(INPUTS_PER_MODEL):
                inputs = random_inputs(host.inputs, rng)
                expected = oracle.run(inputs, len(host.outputs))
                got = firmware.invoke(inputs)
                for want, have in zip(expected, got.outputs):
                    assert have.tobytes() == want.tobytes(), (board.name, name)
                assert got.cycles > 0
            compared.append(name)
        finally:
            firmware.close()
    assert len(compared) >= 3 and len(compared) == len(IN_FIRMWARE) + 1
