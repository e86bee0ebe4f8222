"""The tools do not change the run: hello_world's instructions, cycles, UART text and
events are the same plain, with a VCD and a trace recorded, and under a debug target
that stops at breakpoints (inside translated blocks) and at a watchpoint on the variable
the main loop polls and the RTC's handler writes, and single-steps at each stop."""
from __future__ import annotations

import pytest

from lab import platforms
from lab.build import build
from lab.debug.target import ACCESS_WATCH, DebugTarget
from lab.debug.tools import run_sliced
from lab.debug.trace import TraceRecorder, _default_model
from lab.debug.waveforms import WaveformRecorder
from lab.engines.embedded.session import Session

SECONDS = 3.0


@pytest.fixture(scope="module")
def firmware():
    platform = platforms.load("nrf52840")
    return platform, build("hello_world", platform).elf


def outcome(session) -> tuple:
    machine = session.machine
    return (machine.instructions(), machine.active_cycles(), "".join(session.uart),
            [e.to_dict() for e in session.events])


def run(firmware, how) -> tuple:
    platform, elf = firmware
    session = Session(platform, elf, app="hello_world")
    try:
        how(session)
        return outcome(session)
    finally:
        session.close()


def plain(session):
    session.run(SECONDS)


def recorded(session, tmp_path):
    vcd = WaveformRecorder(session, tmp_path / "run.vcd")
    trace = TraceRecorder(session, tmp_path / "trace.json", _default_model("hello_world"))
    run_sliced(session, session.machine.cycles(SECONDS))
    trace.close()
    vcd.close()


def debugged(session, stops: list):
    firmware = session.firmware
    invoke = firmware.address_of("labrt_invoke") & ~1
    target = DebugTarget(session, session.machine.cycles(SECONDS))
    target.add_breakpoint(invoke)
    target.add_breakpoint(invoke + 6)                 # inside the function's first block
    target.add_watchpoint(ACCESS_WATCH, firmware.address_of("ticks"), 4)
    try:
        while True:
            stop = target.run_slice(session.machine.cycles(0.01))
            if stop is None:
                continue
            if stop.ended:
                return
            stops.append(stop.kind)
            for _ in range(3):
                target.step()
    finally:
        target.close()


def test_vcd_trace_and_debugger_leave_counts_and_output_unchanged(firmware, tmp_path):
    expected = run(firmware, plain)
    assert expected[3][-1]["event"] == "done"
    assert run(firmware, lambda s: recorded(s, tmp_path)) == expected
    stops = []
    assert run(firmware, lambda s: debugged(s, stops)) == expected
    assert stops.count("breakpoint") >= 40            # 40 inferences, each stopped at
    assert stops.count("watchpoint") >= 80            # ... and their waits for the tick


RTC1_EXCEPTION = 16 + 17


def interrupt_at(session, due: int) -> None:
    """RTC1's interrupt enabled and, at virtual time `due`, pended (its handler finds no
    event and returns)."""
    exceptions = session.machine.exceptions
    exceptions.enabled[RTC1_EXCEPTION] = True
    session.machine.scheduler.at(due, lambda time: exceptions.set_pending(RTC1_EXCEPTION))


def test_an_interrupt_due_inside_a_block_the_debugger_stopped_in_comes_as_in_a_plain_run():
    """Stopped and single-stepped inside a block, with an interrupt falling due there: the
    rest of the block runs first, as it would have without the stop (the engine takes
    interrupts between blocks), and the run counts as a plain one."""
    platform = platforms.load("nrf52840")
    elf = build("hello", platform).elf
    session = Session(platform, elf, app="hello")
    target = DebugTarget(session, session.machine.cycles(10.0))
    try:
        for _ in range(3):                      # from reset into the first block
            target.step()
        assert session.machine.core.resume_pc() == target.pc()
        due = session.machine.now()             # due already, where no block starts
        interrupt_at(session, due)
        for _ in range(2):
            target.step()
        while not target.last_stop.ended:
            target.run_slice(session.machine.cycles(0.01))
        debugged = outcome(session)
    finally:
        target.close()
        session.close()
    assert debugged[3][-1]["event"] == "done"
    assert run((platform, elf), lambda s: (interrupt_at(s, due), s.run(10.0))) == debugged
