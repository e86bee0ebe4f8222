"""The arena inside firmware is the one the host computes, and no larger than TFLite
Micro's, for every model the runtime's tests use: the zoo, the sine model of the
tflite-micro package and the committed models/. The firmware (model_runner on the
virtual nRF52840, optimized kernels: what lab builds use) reports its arena and parts
(`@lab arena`); the host computes them with HostModel(kernels="optimized").arena;
TFLite Micro's interpreter on the host reports its own arena use."""
from pathlib import Path

import numpy as np
import pytest

from lab import build as lab_build
from lab import platforms
from lab.elf import Firmware
from lab.errors import LabError
from lab.model_firmware import FirmwareModel
from lab.runtime import HostModel
from runtime_model_zoo import SPECS, random_inputs, tf
from runtime_tflm_oracle import Oracle, sine_model_path

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = sorted((ROOT / "models").glob("*/*.tflite"))


@pytest.fixture(scope="module")
def board():
    return platforms.load("nrf52840")


def tflm_arena(model_bytes: bytes, host: HostModel) -> int:
    oracle = Oracle(model_bytes)
    oracle.run(random_inputs(host.inputs, np.random.default_rng(0)), len(host.outputs))
    return oracle.arena()[0]


def check_model(name: str, model_bytes: bytes, board, tmp_path) -> None:
    path = tmp_path / f"{name}.tflite"
    path.write_bytes(model_bytes)
    host = HostModel(model_bytes, kernels="optimized")
    firmware = FirmwareModel(path, board)   # model_runner: one build, the model in RAM
    try:
        assert firmware.arena_usage == host.arena, name
        assert firmware.arena == host.arena.needed, name
    finally:
        firmware.close()
    assert host.arena.needed <= tflm_arena(model_bytes, host), name


def test_zoo_arena_in_firmware_equals_host_and_tflm_bound(tflite_model, board, tmp_path):
    for spec in SPECS:
        check_model(spec.name, tflite_model(spec), board, tmp_path)


@pytest.mark.parametrize("path", [sine_model_path(), *COMMITTED], ids=lambda p: p.stem)
def test_committed_model_arena_in_firmware_equals_host_and_tflm_bound(path, board, tmp_path):
    check_model(path.stem, path.read_bytes(), board, tmp_path)


def test_cortex_m0plus_firmware_reports_the_same_arena(tmp_path):
    """The 32-bit layout is the same on ARMv6-M (the Pico's RP2040, C twins of the DSP
    kernels): the host's figure holds there too."""
    pico = platforms.load("pico")
    for path in COMMITTED:
        check_model(path.stem, path.read_bytes(), pico, tmp_path)


def test_reference_kernels_build_reports_the_reference_figure(board, tmp_path):
    model = ROOT / "models" / "micro_speech" / "micro_speech.tflite"
    firmware = FirmwareModel(model, board, defines=("LABRT_OPTIMIZED=0",))
    try:
        assert firmware.arena_usage == HostModel(model.read_bytes()).arena
        assert firmware.arena_usage.kernel_scratch == 0
    finally:
        firmware.close()


@pytest.mark.parametrize("app", ["hello_world", "magic_wand", "micro_speech"])
def test_app_arena_buffer_is_exactly_what_the_model_needs(app, board):
    built = lab_build.build(app, board)
    expected = HostModel(built.model.read_bytes(), kernels="optimized").arena
    assert built.arena == expected
    assert Firmware(built.elf).symbols["arena"].size == expected.needed


def test_model_too_large_for_the_board_is_one_line_error(board, tmp_path):
    """A float model with 2 x 640 KB of activations: the build says so before linking
    fails silently."""
    keras = tf().keras
    inp = keras.Input((256, 160, 4), batch_size=1)
    model = keras.Model(inp, keras.layers.ReLU()(inp))
    path = tmp_path / "huge.tflite"
    path.write_bytes(tf().lite.TFLiteConverter.from_keras_model(model).convert())
    needed = HostModel(path.read_bytes(), kernels="optimized").arena.needed
    with pytest.raises(LabError) as error:
        lab_build.build("model_runner", board, model=path)
    message = str(error.value)
    assert "\n" not in message
    assert f"huge.tflite does not fit nrf52840: it needs a {needed} B tensor arena" in message
    assert f"more than the board's {256 * 1024} B of RAM" in message
