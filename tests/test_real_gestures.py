"""Gestures as people make them, brought as people bring them: a ring and a slope drawn by
a person of a style training never saw, holding a Nano 33 BLE Sense as TFLite Micro's
Arduino example says, recorded at 25 Hz in milli-g (made by the project's generator,
lab.data.gestures.one_recording, seed fixed before the model was judged on it). The
firmware recognises them through `lab run magic_wand --imu FILE`, and their Renode-format
versions (sample text, each sample repeated to the sensor's 119 Hz, `#` comments at the
top) through a suite written the way a Renode user writes one, changed only in its
Resource line."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from robot import run as robot_run
from robot.api import ExecutionResult

from lab import platforms
from lab.build import build
from lab.data import gestures
from lab.sensors.convert import convert

ROOT = Path(__file__).resolve().parent.parent
SEED, STYLE = 2026, "hand"          # a held-out style: no training recording is drawn so

RENODE_SUITE = """*** Settings ***
Suite Setup                   Setup
Suite Teardown                Teardown
Test Setup                    Reset Emulation
Test Teardown                 Test Teardown
Resource                      ${RENODEKEYWORDS}

*** Variables ***
${UART}                       sysbus.uart0

*** Keywords ***
Create Machine
    Execute Command           mach create
    Execute Command           machine LoadPlatformDescription @platforms/boards/arduino_nano_33_ble.repl
    Execute Command           sysbus LoadELF @${CURDIR}/output/magic_wand.elf

*** Test Cases ***
Should Detect A Ring
    Create Machine
    Create Terminal Tester    ${UART}
    Execute Command           sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @${CURDIR}/test_files/ring_rotated.data
    Start Emulation
    Wait For Line On Uart     Magic starts
    Wait For Line On Uart     RING:

Should Detect A Slope
    Create Machine
    Create Terminal Tester    ${UART}
    Execute Command           sysbus.twi0.lsm9ds1_imu FeedAccelerationSample "${CURDIR}/test_files/slope_rotated.data"
    Start Emulation
    Wait For Line On Uart     Magic starts
    Wait For Line On Uart     SLOPE:
"""


@pytest.fixture(scope="module")
def recordings(tmp_path_factory):
    """{label: (25 Hz milli-g CSV, its Renode sample text)} for a ring and a slope."""
    folder = tmp_path_factory.mktemp("own_gestures")
    made = {}
    for label in ("ring", "slope"):
        recording = gestures.one_recording(label, SEED, STYLE, device="nano", recorder="25hz")
        assert recording.user.split == "testing" and STYLE in gestures.HELD_OUT_STYLES
        csv = folder / f"{label}_25hz_mg.csv"
        csv.write_text(gestures.csv_text(recording))
        text = folder / "test_files" / f"{label}_rotated.data"
        convert(csv, text)
        made[label] = (csv, text)
    return made


def lab_run(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "lab.cli", "run", "magic_wand", "--platform",
                           "nrf52840", "--imu", str(path), "--json"], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_the_recordings_are_what_people_bring(recordings):
    csv, text = recordings["ring"]
    lines = csv.read_text().splitlines()
    assert lines[0] == "t,ax,ay,az" and lines[2].startswith("0.040000,")
    assert max(abs(float(v)) for v in lines[1].split(",")[1:]) > 300       # milli-g at rest
    data = text.read_text().splitlines()
    assert data[0].startswith("#") and len(data) - 1 == 6 * 119           # 150 samples -> 714


@pytest.mark.parametrize("label", ["ring", "slope"])
def test_a_25_hz_milli_g_recording_is_recognised(recordings, label):
    result = lab_run(recordings[label][0])
    heard = [e["label"] for e in result["events"] if e["event"] == "gesture"]
    assert heard == [label], result["uart"][-2000:]
    assert f"{label.upper()}:" in result["uart"].splitlines()


def test_its_commented_renode_sample_text_is_recognised_by_lab_run(recordings):
    result = lab_run(recordings["ring"][1])
    assert [e["label"] for e in result["events"] if e["event"] == "gesture"] == ["ring"]


def test_a_renode_suite_passes_with_only_its_resource_line_changed(recordings, tmp_path):
    folder = recordings["ring"][1].parent.parent
    (folder / "output").mkdir(exist_ok=True)
    elf = build("magic_wand", platforms.load("nrf52840")).elf
    shutil.copyfile(elf, folder / "output" / "magic_wand.elf")
    resource = ROOT / "robot" / "renode_compat.resource"
    ported = RENODE_SUITE.replace("${RENODEKEYWORDS}", str(resource))
    changed = [(a, b) for a, b in zip(RENODE_SUITE.splitlines(), ported.splitlines()) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("Resource")
    suite = folder / "magic_wand.robot"
    suite.write_text(ported)
    robot_run(str(suite), outputdir=str(tmp_path), log="NONE", report="NONE",
              stdout=open(tmp_path / "stdout.txt", "w"))
    tests = {t.name: t for t in ExecutionResult(str(tmp_path / "output.xml")).suite.all_tests}
    assert {name: t.status for name, t in tests.items()} == \
        {"Should Detect A Ring": "PASS", "Should Detect A Slope": "PASS"}, \
        {name: t.message for name, t in tests.items()}
