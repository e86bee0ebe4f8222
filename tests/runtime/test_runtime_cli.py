"""`lab model inspect` and `lab model run` on the host build."""
import numpy as np
import pytest

from lab.cli import main
from lab.runtime import HostModel
from runtime_malformed import all_cases, sine
from runtime_model_zoo import ModelSpec, layers, ops, tf
from runtime_tflm_oracle import Oracle, sine_model_path


@pytest.fixture(scope="module")
def exp_model(tmp_path_factory) -> bytes:
    """A converted model with an op the runtime lacks (EXP)."""
    import contextlib
    import io

    L = layers()
    inp = L.Input((4,), batch_size=1, name="in0")
    model = tf().keras.Model(inp, L.Dense(3)(ops().exp(inp)))
    with contextlib.redirect_stdout(io.StringIO()):
        return tf().lite.TFLiteConverter.from_keras_model(model).convert()


def test_inspect_lists_ops_tensors_and_sizes(capsys):
    assert main(["model", "inspect", str(sine_model_path())]) == 0
    out = capsys.readouterr().out
    assert out.count("FULLY_CONNECTED") == 3
    assert "serving_default_dense_input:0" in out and "input" in out
    firmware_arena = HostModel(sine(), kernels="optimized").arena
    assert f"tensor arena in firmware (optimized kernels, 32-bit): {firmware_arena.describe()}" \
        in out
    assert f"arena needed on this host: {HostModel(sine()).arena_needed} bytes" in out
    assert f"flash: {len(sine())} bytes" in out


def test_inspect_quantized_model_shows_scales(capsys, tflite_model, tmp_path):
    path = tmp_path / "convnet.tflite"
    path.write_bytes(tflite_model(ModelSpec("convnet", 0, "int8")))
    assert main(["model", "inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "per-channel" in out and "zero point" in out and "QUANTIZE" in out


def test_inspect_names_an_unsupported_op_and_fails(capsys, exp_model, tmp_path):
    path = tmp_path / "exp.tflite"
    path.write_bytes(exp_model)
    assert main(["model", "inspect", str(path)]) == 1
    captured = capsys.readouterr()
    assert "EXP" in captured.out and "NO" in captured.out
    assert "unsupported op EXP (builtin 47)" in captured.err


def test_inspect_names_lstm(capsys, tmp_path):
    path = tmp_path / "lstm.tflite"
    path.write_bytes(next(c for c in all_cases() if c.name == "lstm-op").data)
    assert main(["model", "inspect", str(path)]) != 0
    assert "unsupported op LSTM (builtin 16)" in capsys.readouterr().err


def test_inspect_malformed_file_is_one_line(capsys, tmp_path):
    path = tmp_path / "broken.tflite"
    path.write_bytes(sine()[:300])
    assert main(["model", "inspect", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lab: error:") and "malformed model" in err and "\n" not in err


def test_run_writes_output_equal_to_tflm(capsys, tmp_path):
    x = np.array([[2.5]], dtype=np.float64)  # float64 is converted to the model's float32
    np.save(tmp_path / "in.npy", x)
    argv = ["model", "run", str(sine_model_path()), "--input", str(tmp_path / "in.npy"),
            "--output", str(tmp_path / "out.npy")]
    assert main(argv) == 0
    expected = Oracle(sine()).run([x.astype(np.float32)])[0]
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), expected)


def test_run_quantizes_float_input_for_int8_model(capsys, tflite_model, tmp_path):
    model_bytes = tflite_model(ModelSpec("convnet", 1, "int8-io"))
    path = tmp_path / "m.tflite"
    path.write_bytes(model_bytes)
    model = HostModel(model_bytes)
    x = np.random.default_rng(3).normal(size=model.inputs[0].shape).astype(np.float32)
    np.save(tmp_path / "in.npy", x)
    assert main(["model", "run", str(path), "--input", str(tmp_path / "in.npy"),
                 "--output", str(tmp_path / "out.npy")]) == 0
    info = model.inputs[0]
    scaled = x / np.float32(info.scale)
    rounded = np.trunc(scaled + np.copysign(np.float32(0.5), scaled))  # half away from zero
    quantized = np.clip(rounded + info.zero_point, -128, 127).astype(np.int8)
    expected = Oracle(model_bytes).run([quantized])[0]
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), expected)


def test_run_on_a_platform_gives_the_host_result_and_cycles(capsys, tmp_path):
    np.save(tmp_path / "in.npy", np.full((1, 1), 1.5, np.float32))
    args = ["model", "run", str(sine_model_path()), "--input", str(tmp_path / "in.npy")]
    assert main(args + ["--output", str(tmp_path / "host.npy")]) == 0
    assert main(args + ["--output", str(tmp_path / "board.npy"), "--platform", "nrf52840"]) == 0
    assert "nrf52840: inference took" in capsys.readouterr().out
    np.testing.assert_array_equal(np.load(tmp_path / "board.npy"), np.load(tmp_path / "host.npy"))


def test_run_names_an_input_that_is_no_npy_file(capsys, tmp_path):
    (tmp_path / "clip.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    assert main(["model", "run", str(sine_model_path()), "--input",
                 str(tmp_path / "clip.wav")]) == 2
    error = capsys.readouterr().err
    assert "is not a NumPy .npy file: save the input with numpy.save" in error
    assert "pickle" not in error


def test_run_refuses_wrong_input(capsys, tmp_path):
    np.save(tmp_path / "in.npy", np.zeros((3,), np.float32))
    assert main(["model", "run", str(sine_model_path()), "--input",
                 str(tmp_path / "in.npy")]) == 2
    assert "3 values, but input 0" in capsys.readouterr().err
