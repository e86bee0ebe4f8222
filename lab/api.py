"""The lab from Python (notebooks): what the `lab` command does, in this process.

    import lab
    result = lab.run("micro_speech", platform="nrf52840", audio="my_clips/")
    result                                  # in Jupyter: the report's tables and plots
    result.stages["inference"]["median"]    # cycles per stage, as `lab run` prints them
    result.events_named("detection")        # every `@lab` event the firmware printed
    lab.build("hello", platform="nrf52840").elf
    lab.model.inspect("models/micro_speech/micro_speech.tflite").ops
    lab.train("micro_speech", quick=True, out="my_model")

run() runs what `lab run` runs: a name that is also a scenario runs the scenario (its
data, model and defines, your audio/imu replacing its data, a data set as units) and
writes its results folder. Bad input raises lab.LabError with the one-line message
`lab run` would print.
"""
from __future__ import annotations

import html
from pathlib import Path
from types import SimpleNamespace

from .errors import LabError


def run(app: str | None = None, platform: str = "nrf52840", *, audio=None, imu=None,
        model=None, elf=None, manifest=None, on_end: str = "silence",
        timeout: float | None = None, defines=(), stream: bool = False,
        jobs: int | None = None, echo: bool = False, results=None):
    """Run an app (or a scenario, or an ELF) on a virtual board; the RunResult.

    audio: a WAV, raw PCM or a folder of WAVs; imu: a CSV, Renode text or RESD recording
    (magic_wand: a folder with labels.csv); model: a .tflite compiled in instead of the
    app's own; timeout: virtual seconds; stream, jobs: a scenario's data set as one
    stream, or as units on `jobs` processes (`lab run --stream`, `-j`); echo: print the
    UART as it comes; results: where the results folder goes (a scenario writes one
    always, in results/ by default, as `lab run` does)."""
    from . import platforms, scenarios
    from .engines.embedded.session import print_line
    from .report import results_folder, write_all
    from .runner import execute, plan_inputs, prepare
    from .scenario_run import Overrides, prepare_scenario, run_prepared

    if bool(app) == bool(elf):
        raise LabError("give an app or scenario name, or elf=PATH (not both)")
    board = platforms.load(platform)
    echo_line = print_line if echo else None
    found = scenarios.find(app) if app else None
    if found:
        scenario = scenarios.load(found)
        prepared = prepare_scenario(scenario, board.name, Overrides(
            model=model, audio=audio, imu=imu, manifest=manifest, timeout=timeout,
            on_end=on_end, defines=list(defines), stream=stream, jobs=jobs))
        return run_prepared(scenario, prepared, Path(results) if results else None,
                            echo=echo_line).result
    plan = plan_inputs(app and Path(app).name, audio, imu, on_end, manifest=manifest)
    prepared = prepare(board, app, elf, model=model, defines=defines, plan=plan,
                       timeout_s=timeout)
    result = execute(prepared, echo=echo_line)
    name = app or Path(elf).name
    if elf:
        result.app = name
    if results is not None:
        write_all(results_folder(name, board.name, Path(results)),
                  SimpleNamespace(name=name, expect={}), result, scenarios.check({}, result))
    return result


def build(app: str, platform: str = "nrf52840", *, model=None, defines=()):
    """Build an app's firmware (content-addressed cache, as `lab build`); the BuildResult
    (elf, flash, ram, cached, ...)."""
    from . import platforms
    from .build import build as build_firmware

    return build_firmware(app, platforms.load(platform), defines=list(defines), model=model)


class Models:
    """`lab.model`: .tflite files on the lab's own runtime, as `lab model ...`."""

    @staticmethod
    def inspect(path):
        """Ops (supported or not), tensors, quantization, arena and flash: a ModelReport
        (status "OK" when the runtime runs it)."""
        from .runtime import inspect_model

        report = inspect_model(_read(path))
        if report.status == "MALFORMED" or not report.ops and report.status != "OK":
            raise LabError(f"{path}: {report.message}")
        return report

    @staticmethod
    def run(path, *inputs, platform: str | None = None):
        """The model's outputs (numpy arrays) for `inputs` (one array per model input), on
        the host, or inside firmware on `platform` (as `lab model run --platform`)."""
        from .runtime import HostModel

        host = HostModel(_read(path))
        if len(inputs) != len(host.inputs):
            raise LabError(f"{path} takes {len(host.inputs)} input(s), got {len(inputs)}")
        inputs = [_as_input(value, info) for value, info in zip(inputs, host.inputs)]
        if platform is None:
            return host.run(*inputs)
        from . import platforms
        from .model_firmware import FirmwareModel

        firmware = FirmwareModel(Path(path), platforms.load(platform))
        try:
            outputs = firmware.invoke(list(inputs)).outputs
        finally:
            firmware.close()
        return [value.reshape(info.shape) for value, info in zip(outputs, host.outputs)]


model = Models()


def _as_input(value, info):
    """An array as the model's input takes it: floats quantized for an int8/uint8 input
    (as `lab model run` does), the input's shape."""
    import numpy as np

    from .runtime import quantize_for

    array = np.asarray(value)
    if array.size != int(np.prod(info.shape, dtype=np.int64)):
        raise LabError(f"input {info.index} is {info.type_name} {list(info.shape)}, "
                       f"got {array.size} values")
    array = array.reshape(info.shape)
    if np.issubdtype(array.dtype, np.floating) and info.dtype is not None and \
            np.issubdtype(info.dtype, np.integer) and info.scale_count == 1:
        return quantize_for(info, array)
    if np.issubdtype(array.dtype, np.floating) and info.dtype == np.float32:
        return array.astype(np.float32)
    return array                   # anything else the runtime checks (one-line error)


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise LabError(f"cannot read {path}: {error.strerror}") from None


def train(model_name: str, *, quick: bool = False, data=None, out=None, seed: int = 1) -> dict:
    """Train an example model as `lab train` does (TensorFlow): writes the .tflite files
    and card.json into `out` (default models/<name>) and returns the card."""
    import importlib
    import json

    from .commands.train import MODELS

    if model_name not in MODELS:
        raise LabError(f"unknown model {model_name!r}; the examples are {', '.join(MODELS)}")
    if data is not None and model_name == "hello_world":
        raise LabError("hello_world makes its own sine data; data does not apply")
    args = SimpleNamespace(model=model_name, quick=quick, seed=seed,
                           data=Path(data) if data else None, out=Path(out) if out else None)
    importlib.import_module(f"lab.training.{model_name}").main(args)
    return json.loads((Path(out or f"models/{model_name}") / "card.json").read_text())


# ------------------------------------------------------------------ notebook view
def result_html(result) -> str:
    """A run as HTML for Jupyter: what ended it, the app's tables, the report's plots
    (drawn from the recordings the run keeps in memory) and the UART."""
    import tempfile

    from . import apps, report

    e = html.escape
    streams = {name: stream.recording for name, stream in result.streams.items()}
    with tempfile.TemporaryDirectory(prefix="lab-view-") as tmp:
        report.write_recordings(Path(tmp), result)
        plots = report.make_plots(result, Path(tmp))
    for name, recording in streams.items():       # the view writes nothing for good
        result.streams[name].recording = recording
    ended = "ok" if result.ok else "failed"
    parts = [f"<div class='lab-run'><h3>{e(result.app)} on {e(result.platform)}: "
             f"<span style='color:{'#186a18' if result.ok else '#b00'}'>{e(result.end)}</span>"
             f"</h3><p>{result.virtual_s:.3f} virtual s, {result.instructions:,} instructions, "
             f"{result.cycles:,} cycles ({ended}); flash {result.firmware.get('flash')} B, "
             f"RAM {result.firmware.get('ram')} B</p>"]
    if result.fault:
        parts.append(f"<p style='color:#b00'>fault: {e(result.fault.summary())}</p>")
    rows = [[stage, c["min"], c["median"], c["max"], c["count"]]
            for stage, c in result.stages.items()]
    if rows:
        parts.append(_table("Cycles per stage", ["stage", "min", "median", "max", "count"], rows))
    analyzer = apps.analyzer(result.app)
    for title, header, table_rows in (analyzer.tables(result) if analyzer else []):
        parts.append(_table(title, header, table_rows))
    parts += [f"<h4>{e(title)}</h4><img style='max-width:100%' alt='{e(title)}' "
              f"src='data:image/png;base64,{png}'>" for title, png in plots]
    parts.append(f"<details><summary>UART ({result.uart.count(chr(10))} lines)</summary>"
                 f"<pre style='max-height:20em;overflow:auto'>{e(result.uart)}</pre></details>"
                 "</div>")
    return "\n".join(parts)


def _table(title: str, header, rows) -> str:
    e = html.escape

    def cell(value):
        return e(f"{value:.3f}" if isinstance(value, float) else str(value))
    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<h4>{e(title)}</h4><table><tr>{head}</tr>{body}</table>"
