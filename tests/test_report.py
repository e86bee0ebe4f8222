"""Scenario results on disk, and report.html as a browser shows it."""
import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--enable-logging=stderr", "--v=0"]
MATPLOTLIB_BLUE = (0x1F, 0x77, 0xB4)


def run_scenario(name, results, *extra):
    return subprocess.run([sys.executable, "-m", "lab.cli", "run", name, "--results",
                           str(results), *extra], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


@pytest.fixture(scope="module")
def hello_results(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    proc = run_scenario("hello", results, "--platform", "nrf52840")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (folder,) = results.iterdir()
    return folder


def test_a_scenario_run_writes_every_result_file(hello_results):
    assert {p.name for p in hello_results.iterdir()} >= {"result.json", "junit.xml",
                                                         "uart.log", "report.html"}
    result = json.loads((hello_results / "result.json").read_text())
    assert result["passed"] and result["end"] == "done" and result["scenario"] == "hello"
    suite = ET.parse(hello_results / "junit.xml").getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests")) >= 4
    assert "hello from nrf52840" in (hello_results / "uart.log").read_text()


def test_report_opens_in_headless_chromium_without_errors_and_shows_the_plots(hello_results,
                                                                              tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.fail("chromium is not installed: run `make setup`")
    html = (hello_results / "report.html").read_text()
    images = re.findall(r"src='data:image/png;base64,([^']+)'", html)
    assert images, "no plots in the report"
    for image in images:
        assert base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n"
    shot = tmp_path / "report.png"
    proc = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                           "--window-size=1200,1600", f"--screenshot={shot}",
                           (hello_results / "report.html").as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr
    page_errors = [line for line in proc.stderr.splitlines()
                   if "CONSOLE" in line or "net::ERR" in line or "Uncaught" in line]
    assert not page_errors, page_errors
    import matplotlib.image
    pixels = (matplotlib.image.imread(shot)[:, :, :3] * 255).round().astype(int)
    plot_line = np.all(np.abs(pixels - MATPLOTLIB_BLUE) <= 12, axis=2)
    assert plot_line.sum() > 200, "the LED plot is not drawn"


def test_a_wrong_expectation_fails_names_it_and_still_writes_results(tmp_path):
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text("name: wrong\napp: hello\nplatforms: [nrf52840]\ntimeout: 5\n"
                        "expect:\n  uart_contains: ['hello from the moon']\n")
    results = tmp_path / "results"
    proc = run_scenario(str(scenario), results)
    assert proc.returncode == 1
    assert "UART shows 'hello from the moon'" in proc.stdout and "absent" in proc.stdout
    (folder,) = results.iterdir()
    assert json.loads((folder / "result.json").read_text())["passed"] is False
    assert ET.parse(folder / "junit.xml").getroot().get("failures") == "1"


def test_invalid_scenario_names_file_line_and_field(tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("name: bad\napp: hello\nplatforms: [nrf52840]\nexpect:\n"
                        "  accuracy_at_least: 1.5\n")
    proc = run_scenario(str(scenario), tmp_path)
    assert proc.returncode == 2
    assert f"{scenario}:5: expect.accuracy_at_least:" in proc.stderr
    scenario.write_text("name: bad\napp: hello\nplatform: [nrf52840]\n")
    proc = run_scenario(str(scenario), tmp_path)
    assert proc.returncode == 2 and ":3: platform: unknown field" in proc.stderr


def test_a_wrong_expected_label_fails_names_the_clip_and_still_writes_results(tmp_path):
    """A manifest calls a wing recording a ring: the run fails on that clip, whatever
    the model hears, and its results are written."""
    gestures, clips = ROOT / "data/test/gestures", tmp_path / "clips"
    header, *rows = (gestures / "labels.csv").read_text().splitlines()
    row = next(r for r in rows if r.startswith("wing/"))
    source = row.split(",")[0]
    (clips / "wing").mkdir(parents=True)
    shutil.copy(gestures / source, clips / source)
    (clips / "labels.csv").write_text(f"{header}\n{row}\n")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"file,label\n{source},ring\n")
    scenario = tmp_path / "mislabelled.yaml"
    scenario.write_text(f"name: mislabelled\napp: magic_wand\nplatforms: [nrf52840]\n"
                        f"data:\n  imu: {clips}\n  manifest: {manifest}\nexpect:\n  labels: true\n")
    results = tmp_path / "results"
    proc = run_scenario(str(scenario), results)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    failure = [line for line in proc.stdout.splitlines() if f"clip {source}" in line]
    assert failure and "expected ring, got" in failure[0], proc.stdout
    (folder,) = results.iterdir()
    result = json.loads((folder / "result.json").read_text())
    assert result["passed"] is False
    assert [c["expected"] for c in result["analysis"]["magic_wand"]["clips"]] == ["ring"]
    assert {"junit.xml", "uart.log", "report.html"} <= {p.name for p in folder.iterdir()}
