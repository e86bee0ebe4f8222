"""`import lab` (lab/api.py): the CLI's runs, builds and model inspection in-process, the
same results as the CLI, a rich view in Jupyter, and the example notebook end to end."""
import json
import shutil
import subprocess
import sys

import pytest

import lab
from lab.platforms import ROOT

YES_CLIP = ROOT / "data" / "test" / "speech" / "yes" / "espeak-en-m3-0_nohash_0.wav"
NOTEBOOK = ROOT / "examples" / "micro_speech.ipynb"


def cli_json(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "lab.cli", *args, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_run_gives_what_lab_run_gives(tmp_path):
    result = lab.run("hello_world", platform="nrf52840", results=tmp_path)
    cli = cli_json("run", "hello_world", "--platform", "nrf52840")
    assert isinstance(result, lab.RunResult) and result.ok
    assert (result.instructions, result.cycles, result.uart) == \
        (cli["instructions"], cli["cycles"], cli["uart"])
    assert result.analysis["hello_world"]["max_error"] == cli["analysis"]["hello_world"]["max_error"]
    folder, = tmp_path.iterdir()                      # a scenario writes its results folder
    assert json.loads((folder / "result.json").read_text())["instructions"] == cli["instructions"]


def test_a_run_shows_its_report_in_jupyter(tmp_path):
    result = lab.run("micro_speech", platform="nrf52840", audio=YES_CLIP, results=tmp_path)
    recording = result.streams["audio"].recording
    assert [e["label"] for e in result.events_named("detection")] == ["yes"]
    view = result._repr_html_()
    assert "micro_speech on nrf52840" in view and "Cycles per stage" in view
    for plot in ("Audio and detections", "Scores", "Cycles per stage"):
        assert f"alt='{plot}'" in view
    assert "data:image/png;base64," in view
    assert result.streams["audio"].recording == recording   # the view changes nothing


def test_an_elf_and_its_fault(tmp_path):
    built = lab.build(str(ROOT / "tests" / "firmware" / "null_call"), platform="nrf52840")
    result = lab.run(elf=built.elf, platform="nrf52840", timeout=2)
    assert result.end == "fault" and result.fault.lr_function == "caller_function"
    assert result.app == "app.elf"
    assert "fault: HardFault" in result._repr_html_()


def test_build_is_lab_build_and_still_the_module():
    built = lab.build("hello", platform="nrf52840")
    assert built.elf.is_file() and built.app == "hello" and built.flash > 0
    from lab import build as module                       # code that used the module
    assert module.build("hello", lab.platforms.load("nrf52840")).elf == built.elf
    assert module.cache_root().is_dir()


def test_model_inspect_and_run():
    import numpy as np

    path = ROOT / "models" / "hello_world" / "hello_world.tflite"
    report = lab.model.inspect(path)
    assert report.status == "OK" and report.arena_needed > 0
    assert {op.name for op in report.ops} >= {"FULLY_CONNECTED"}
    x = np.array([[1.5]], dtype=np.float32)          # quantized for the int8 input
    host, = lab.model.run(path, x)
    board, = lab.model.run(path, x, platform="nrf52840")
    assert host.shape == (1, 1) and np.array_equal(host, board)


@pytest.mark.parametrize("call, message", [
    (lambda: lab.run("micro_speech", audio="no/such/clips"), "no such audio file or folder"),
    (lambda: lab.run("nope"), "unknown app 'nope'"),
    (lambda: lab.run("hello", platform="nope"), "unknown platform 'nope'"),
    (lambda: lab.run(), "give an app or scenario name"),
    (lambda: lab.model.inspect("no/such.tflite"), "cannot read no/such.tflite"),
    (lambda: lab.train("resnet"), "unknown model 'resnet'"),
])
def test_bad_input_is_a_lab_error_with_one_line(call, message):
    with pytest.raises(lab.LabError, match=message) as error:
        call()
    assert "\n" not in str(error.value)


needs_training = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("espeak-ng", "flite", "festival", "sox")),
    reason="speech synthesizers not installed")


@needs_training
def test_the_example_notebook_runs_end_to_end(tmp_path):
    pytest.importorskip("tensorflow")
    nbclient = pytest.importorskip("nbclient")
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=900, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()                       # raises CellExecutionError on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("micro_speech on nrf52840" in view and "data:image/png" in view for view in html)
    text = "".join(o.get("text", "") for o in outputs)
    assert "runs on the lab's runtime: OK" in text
    assert "one inference:" in text and "cycles" in text and "heard:" in text
