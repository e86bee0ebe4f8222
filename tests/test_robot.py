"""The Robot Framework library through Robot's own API."""
import time
from pathlib import Path

import pytest
from robot import run as robot_run
from robot.api import ExecutionResult
from robot.libdoc import libdoc

ROOT = Path(__file__).resolve().parent.parent


def run_suite(tmp_path, text: str):
    suite = tmp_path / "suite.robot"
    suite.write_text(text)
    output = tmp_path / "output.xml"
    started = time.monotonic()
    robot_run(str(suite), outputdir=str(tmp_path), output=str(output), log="NONE",
              report="NONE", stdout=open(tmp_path / "stdout.txt", "w"))
    wall = time.monotonic() - started
    result = ExecutionResult(str(output))
    return {test.name: test for test in result.suite.all_tests}, wall


HEADER = """*** Settings ***
Library    lab.robot
Suite Teardown    Close Machine

*** Test Cases ***
"""


def test_failing_wait_fails_with_the_keywords_clear_message(tmp_path):
    tests, _ = run_suite(tmp_path, HEADER + """Never Printed
    Create Machine    nrf52840
    Load Firmware     hello
    Create Terminal Tester
    Start Emulation
    Wait For Line On Uart    this is never printed    timeout=2
""")
    test = tests["Never Printed"]
    assert test.status == "FAIL"
    assert "no UART line containing 'this is never printed' within 2 virtual s" in test.message
    assert "fixed loop: 6003 cycles" in test.message   # the last lines seen are shown


def test_thirty_virtual_seconds_on_an_idle_firmware_take_little_wall_time(tmp_path):
    tests, wall = run_suite(tmp_path, HEADER + """Idle Wait
    Create Machine    nrf52840
    Load Firmware     hello
    Create Terminal Tester
    Start Emulation
    Wait For Line On Uart    @lab done    timeout=5
    Should Not Be On Uart    anything else    timeout=30
    Run For    1
""")
    assert tests["Idle Wait"].status == "PASS", tests["Idle Wait"].message
    assert wall < 10                            # 36 virtual seconds of mostly sleep


def test_failing_uart_string_and_led_assertions(tmp_path):
    tests, _ = run_suite(tmp_path, HEADER + """Failing String Fails At Once
    Create Machine    nrf52840
    Load Firmware     hello
    Create Terminal Tester
    Register Failing Uart String    fixed loop
    Start Emulation
    Wait For Line On Uart    @lab done    timeout=5

Blinking At The Wrong Rate Fails
    Create Machine    nrf52840
    Load Firmware     hello
    Create Led Tester    led1
    Start Emulation
    Assert Led Is Blinking    testDuration=1.5    onDuration=0.5    offDuration=0.5
""")
    assert tests["Failing String Fails At Once"].status == "FAIL"
    assert "failing string on UART" in tests["Failing String Fails At Once"].message
    blink = tests["Blinking At The Wrong Rate Fails"]
    assert blink.status == "FAIL" and "expected 0.5 s" in blink.message


def test_unknown_renode_command_fails_with_its_text_and_what_is_supported(tmp_path):
    tests, _ = run_suite(tmp_path, f"""*** Settings ***
Resource    {ROOT}/robot/renode_compat.resource

*** Test Cases ***
Unknown Command
    Execute Command    sysbus.gpioPortA.button Press
""")
    message = tests["Unknown Command"].message
    assert "unsupported monitor command 'sysbus.gpioPortA.button Press'" in message
    assert "sysbus LoadELF" in message


def test_suites_make_their_own_inputs_outside_the_source_tree(tmp_path):
    """What the Renode-style suites do in their Suite Setup: an ELF from the build cache,
    Renode PCM and sample text from the committed test recordings, in the suite's own
    temporary folder (or one the suite names)."""
    tests, _ = run_suite(tmp_path, f"""*** Settings ***
Library    lab.robot
Library    OperatingSystem

*** Test Cases ***
Inputs
    ${{elf}}=       Build Elf    hello
    Should End With    ${{elf}}    .elf
    File Should Exist    ${{elf}}
    ${{clip}}=      Test Recording    speech    yes
    ${{pcm}}=       Write Renode Pcm    ${{clip}}    yes.pcm    lead_in=0.5
    ${{size}}=      Get File Size    ${{pcm}}
    Should Be True    ${{size}} == 2 * (8000 + 16000)
    ${{ring}}=      Test Recording    gestures    ring
    ${{text}}=      Write Renode Sample Text    ${{ring}}    folder={tmp_path}/own
    Should Start With    ${{text}}    {tmp_path}/own/
    Should End With    ${{text}}    .data
    ${{first}}=     Grab Lines    ${{text}}
    Should Start With    ${{first}}    \\#
    ${{folder}}=    Suite Data Folder
    Should Start With    ${{pcm}}    ${{folder}}
    Should Not Start With    ${{folder}}    {ROOT}

Unknown Inputs Fail Clearly
    Test Recording    gestures    circle

*** Keywords ***
Grab Lines
    [Arguments]    ${{path}}
    ${{text}}=     Get File    ${{path}}
    RETURN    ${{text}}
""")
    assert tests["Inputs"].status == "PASS", tests["Inputs"].message
    unknown = tests["Unknown Inputs Fail Clearly"]
    assert unknown.status == "FAIL" and "no committed gestures recording labelled 'circle'" in \
        unknown.message


def test_keyword_documentation_generates_with_libdoc(tmp_path):
    out = tmp_path / "keywords.html"
    libdoc("lab.robot", str(out))
    text = out.read_text()
    for keyword in ("Wait For Line On Uart", "Assert Led Duty Cycle", "Wait For Inference",
                    "Run Scenario", "Cycles Should Be Below", "No Samples Should Be Dropped",
                    "Feed Audio", "Feed Acceleration", "Execute Command", "Build Elf",
                    "Write Renode Pcm", "Write Renode Sample Text", "Test Recording",
                    "Save Snapshot", "Load Snapshot", "Provides", "Requires"):
        assert keyword in text, keyword


def test_stack_should_be_below_reads_the_engines_high_water(tmp_path):
    tests, _ = run_suite(tmp_path, HEADER + """Stack Within Limits
    Create Machine    nrf52840
    Load Firmware     hello_world
    Create Terminal Tester
    Start Emulation
    Wait For Line On Uart    @lab done    timeout=5
    Stack Should Be Below    2048
    Stack Should Be Below    300    phase=inference

Stack Over The Limit
    Create Machine    nrf52840
    Load Firmware     hello_world
    Create Terminal Tester
    Start Emulation
    Wait For Line On Uart    @lab done    timeout=5
    Stack Should Be Below    256    phase=inference
""")
    assert tests["Stack Within Limits"].status == "PASS", tests["Stack Within Limits"].message
    failed = tests["Stack Over The Limit"]
    assert failed.status == "FAIL"
    assert failed.message == "the stack of inference reached 256 bytes, limit 256"


def test_the_snapshot_suite_provides_and_requires_a_listening_machine(tmp_path):
    """robot/snapshots.robot: Provides / Requires and Save / Load Snapshot (issue 14)."""
    output = tmp_path / "output.xml"
    robot_run(str(ROOT / "robot" / "snapshots.robot"), outputdir=str(tmp_path),
              output=str(output), log="NONE", report="NONE",
              stdout=open(tmp_path / "stdout.txt", "w"))
    tests = {t.name: t for t in ExecutionResult(str(output)).suite.all_tests}
    assert len(tests) == 4
    for name, test in tests.items():
        assert test.status == "PASS", (name, test.message)
