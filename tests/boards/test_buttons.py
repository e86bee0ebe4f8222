"""Buttons from the board file: a session presses and releases them (the pin reads the
pressed level), and Robot's `Press Button` does it for a while in virtual time; a
firmware sampling the micro:bit v2's buttons A and B sees each press."""
from pathlib import Path

import pytest

from lab.errors import LabError
from lab.robot import LabKeywords

BUTTONS = Path(__file__).resolve().parent / "firmware" / "buttons"


def test_press_button_keyword_is_seen_by_the_firmware():
    robot = LabKeywords()
    robot.create_machine("microbit-v2")
    robot.load_firmware(str(BUTTONS))
    robot.create_terminal_tester(defaultTimeout=2)
    robot.start_emulation()
    try:
        robot.wait_for_line_on_uart("buttons ready")
        robot.run_for("50ms")
        robot.should_not_be_on_uart("button", timeout=0.05)    # released: pulled high
        robot.press_button("b", "200ms")
        robot.wait_for_line_on_uart("button b pressed")
        robot.wait_for_line_on_uart("button b released")
        robot.press_button("a")
        robot.wait_for_line_on_uart("button a pressed")
        with pytest.raises(AssertionError, match="no button 'c'"):
            robot.press_button("c")
    finally:
        robot.close_machine()


def test_a_board_without_that_button_says_which_it_has(idle_board):
    session = idle_board("nano33-rev2")
    with pytest.raises(LabError, match="has no button 'a' \\(buttons: none\\)"):
        session.press_button("a")
