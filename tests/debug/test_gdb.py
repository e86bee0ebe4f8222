"""`lab run --gdb`: the real GDB client (gdb-multiarch, batch mode) against the lab's
GDB server. Servers listen on 127.0.0.1 (any free port), with time-outs, and are
closed by the test."""
from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lab import platforms
from lab.build import build
from lab.debug.gdbserver import GdbServer
from lab.debug.registers import registers_of, target_xml
from lab.debug.target import ACCESS_WATCH, HARDWARE, READ_WATCH, WRITE_WATCH, DebugTarget
from lab.engines.embedded.session import Session

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "tests" / "firmware"
GDB = shutil.which("gdb-multiarch") or shutil.which("arm-none-eabi-gdb")
WAIT_S = 60
CYCCNT = 0xE0001004

needs_gdb = pytest.mark.skipif(GDB is None, reason="no GDB client: run `make setup` "
                                                   "(Debian's gdb-multiarch)")


def gdb_batch(elf, port: int, *commands: str) -> subprocess.Popen:
    args = [GDB, "-batch", "-nx", str(elf), "-ex", f"target remote 127.0.0.1:{port}"]
    for command in commands:
        args += ["-ex", command]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def nrf52840():
    return platforms.load("nrf52840")


@pytest.fixture
def debug(nrf52840):
    """debug(firmware, *gdb commands, seconds=, interrupt_after_s=) -> (gdb output, target,
    outcome): the firmware (an app or tests/firmware/<name>) under an in-process server."""
    opened = []

    def run(firmware: str, *commands: str, seconds: float = 10.0,
            interrupt_after_s: float | None = None):
        source = firmware if firmware in ("hello",) else str(FIRMWARE / firmware)
        built = build(source, nrf52840)
        session = Session(nrf52840, built.elf, app=firmware)
        target = DebugTarget(session, session.machine.cycles(seconds))
        server = GdbServer(target, 0, client_timeout_s=WAIT_S)
        opened.append((server, target, session))
        client = gdb_batch(built.elf, server.port, *commands)
        try:
            assert server.accept(WAIT_S), "GDB did not connect"
            if interrupt_after_s is not None:   # Ctrl-C in GDB sends the interrupt byte
                threading.Timer(interrupt_after_s, client.send_signal,
                                [signal.SIGINT]).start()
            outcome = server.serve()
            output = client.communicate(timeout=WAIT_S)[0]
        finally:
            if client.poll() is None:
                client.kill()
                client.wait()
        return output, target, outcome

    yield run
    for server, target, session in opened:
        server.close()
        target.close()
        session.close()


def lab_json(*args: str, stderr=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lab.cli", "run", *args, "--json"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True)


@needs_gdb
def test_gdb_breaks_steps_reads_a_variable_and_cyccnt_and_counts_as_a_plain_run(tmp_path):
    plain = lab_json("hello", "--platform", "nrf52840")
    plain_result = json.loads(plain.communicate(timeout=WAIT_S)[0])
    log = tmp_path / "lab.err"
    with open(log, "w") as err:
        lab = lab_json("hello", "--platform", "nrf52840", "--gdb", "0", stderr=err)
        try:
            deadline = time.monotonic() + WAIT_S
            while not (found := re.search(r"127\.0\.0\.1:(\d+)", log.read_text())):
                assert time.monotonic() < deadline and lab.poll() is None, log.read_text()
                time.sleep(0.05)
            elf = plain_result["firmware"]["elf"]
            client = gdb_batch(elf, int(found.group(1)),
                               "info registers pc", "break main", "continue", "next",
                               "break on_rtc_tick", "continue", "print toggles", "stepi",
                               f"x/wx {CYCCNT:#x}", "delete", "continue")
            output = client.communicate(timeout=WAIT_S)[0]
            debugged = json.loads(lab.communicate(timeout=WAIT_S)[0])
        finally:
            for process in (lab,):
                if process.poll() is None:
                    process.kill()
                    process.wait()
    assert re.search(r"pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <Reset_Handler>", output), output
    assert "Breakpoint 1, main ()" in output
    assert re.search(r"^30\s+printf", output, re.M), output          # `next` stepped a line
    assert "Breakpoint 2, on_rtc_tick ()" in output
    assert "$1 = 0" in output                  # toggles before the first tick
    cyccnt = int(re.search(rf"{CYCCNT:#x}:\s+0x([0-9a-f]+)", output).group(1), 16)
    assert 0 < cyccnt < debugged["cycles"]
    assert "exited normally" in output
    assert debugged["end"] == "done"
    for key in ("cycles", "instructions", "virtual_s", "events", "uart", "leds"):
        assert debugged[key] == plain_result[key], key


@needs_gdb
def test_target_description_names_core_fp_and_special_registers_which_gdb_reads_and_writes(
        debug, nrf52840):
    xml = target_xml(registers_of("cortex-m4f", True))
    for feature in ("org.gnu.gdb.arm.m-profile", "org.gnu.gdb.arm.vfp"):
        assert f'<feature name="{feature}">' in xml
    assert 'name="d15"' in xml and 'name="basepri"' in xml
    assert 'name="d0"' not in target_xml(registers_of("cortex-m0", False))
    assert 'name="basepri"' not in target_xml(registers_of("cortex-m0", False))
    output, target, _ = debug(
        "hello", "info registers xpsr msp psp primask basepri faultmask control fpscr",
        "set $d0 = 2.5", "set $fpscr = 0x03000000", "set $r7 = 0x1234", "p $d0", "p $s1",
        "p/x $fpscr", "p/x $r7", "p/x *(unsigned *)0x10000100", "detach")
    assert re.search(r"msp\s+0x20040000", output)
    for name in ("psp", "primask", "basepri", "faultmask", "control"):
        assert re.search(rf"^{name}\s+0x0", output, re.M), name
    assert "$1 = 2.5" in output and "$2 = 2.0625" in output   # s1: d0's upper half
    assert "$3 = 0x3000000" in output and "$4 = 0x1234" in output
    assert "$5 = 0x52840" in output            # FICR INFO.PART, read through its model
    from unicorn import arm_const as A
    assert target.uc.reg_read(A.UC_ARM_REG_FPSCR) == 0x03000000
    assert target.uc.reg_read(A.UC_ARM_REG_R7) == 0x1234


@needs_gdb
def test_single_steps_count_one_instruction_each_and_memory_writes_reach_the_firmware(debug):
    output, target, outcome = debug(
        "hello", "stepi", "stepi", "stepi", "stepi", "stepi", "monitor cycles",
        "hbreak on_rtc_tick", "continue", "set var toggles = 7", "delete", "continue")
    # five instructions from reset, counted as in a run without stops: the first block's
    # fetch from flash with its wait states is charged once, when the block starts
    # (docs/timing.md), not again at each step
    assert "virtual time 0.000000344 s, 22 cycles, 5 instructions" in output
    assert "Breakpoint 1, on_rtc_tick ()" in output
    assert outcome == "ended" and "exited normally" in output
    assert "LED1 toggled 8 times" in "".join(target.session.uart)   # 7 set + 1 counted


@needs_gdb
def test_monitor_cycles_and_monitor_reset_as_on_a_probe(debug):
    output, target, outcome = debug(
        "hello", "break on_rtc_tick", "continue", "monitor cycles", f"x/wx {CYCCNT:#x}",
        "monitor reset halt", "maintenance flush register-cache", "info registers pc",
        "monitor cycles", "monitor frobnicate", "delete", "continue")
    counters = re.findall(r"virtual time ([\d.]+) s, (\d+) cycles, (\d+) instructions; "
                          r"DWT CYCCNT (\d+) \((\w+)\)", output)
    assert len(counters) == 2, output
    (time_s, cycles, instructions, cyccnt, state), after_reset = counters
    assert int(cyccnt) == int(re.search(rf"{CYCCNT:#x}:\s+0x([0-9a-f]+)", output).group(1), 16)
    assert state == "counting" and 0 < int(cyccnt) < int(cycles)
    assert after_reset == (time_s, cycles, instructions, "0", "stopped")   # time goes on
    assert "system reset: halted at the reset vector" in output
    assert re.search(r"pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <Reset_Handler>", output), output
    assert "unknown monitor command: frobnicate" in output and "reset [halt|init]" in output
    assert outcome == "ended" and "exited normally" in output
    assert [e.name for e in target.session.events].count("boot") == 2   # booted again


@needs_gdb
def test_a_fault_stops_in_its_handler_with_a_signal_then_ends_the_program(debug):
    output, target, outcome = debug("null_call", "continue", "bt", "continue")
    assert "Program received signal SIGILL" in output
    assert "Default_Handler ()" in output
    assert "caller_function ()" in output          # GDB unwinds through the exception frame
    assert "Program terminated with signal SIGILL" in output
    assert outcome == "ended" and target.session.machine.fault is not None


@needs_gdb
def test_ctrl_c_in_gdb_interrupts_a_running_target(debug):
    output, target, outcome = debug("silent", "continue", "print spin > 0", "detach",
                                    seconds=10_000.0, interrupt_after_s=1.0)
    assert "Program received signal SIGINT" in output
    assert "$1 = 1" in output
    assert target.last_stop.kind == "interrupt" and outcome == "detached"
    assert target.session.machine.now() < target.limit


@needs_gdb
def test_watchpoints_stop_at_the_access_with_its_values_and_count_as_a_plain_run(
        debug, nrf52840):
    output, target, outcome = debug(
        "hello", "watch toggles", "continue", "continue", "delete", "rwatch toggles",
        "continue", "delete", "awatch toggles", "continue", "delete", "continue")
    # the start-up code's zeroing of .bss writes toggles too (0 over 0): GDB goes on
    assert re.search(r"Hardware watchpoint 1: toggles\s+Old value = 0\s+New value = 1\s+"
                     r"\S+ in on_rtc_tick \(\) at \S+main\.c:16", output), output
    assert re.search(r"Old value = 1\s+New value = 2", output), output
    assert re.search(r"Hardware read watchpoint 2: toggles\s+Value = 2\s+"
                     r"\S+ in main \(\) at \S+main\.c:40", output), output
    assert re.search(r"Hardware access \(read/write\) watchpoint 3: toggles\s+Value = 2\s+"
                     r"\S+ in on_rtc_tick \(\) at \S+main\.c:15", output), output
    assert outcome == "ended" and "exited normally" in output
    debugged = target.session.machine
    plain = Session(nrf52840, build("hello", nrf52840).elf, app="hello")
    try:
        assert plain.run(10.0) is not None
        assert (debugged.active_cycles(), debugged.instructions(), debugged.now()) == \
            (plain.machine.active_cycles(), plain.machine.instructions(), plain.machine.now())
    finally:
        plain.close()


def test_watchpoint_packets_and_stop_replies_follow_the_gdb_manual(nrf52840):
    """Z2/Z3/Z4 type,addr,length and the stop replies `T05watch:ADDR;`, `rwatch`, `awatch`
    (GDB manual, "Stop Reply Packets"): packets answered in-process, with a connected
    client that sends nothing (the server looks for its interrupt byte while running)."""
    built = build("hello", nrf52840)
    session = Session(nrf52840, built.elf, app="hello")
    target = DebugTarget(session, session.machine.cycles(10.0))
    server = GdbServer(target, 0)
    client = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_S)
    address = session.firmware.address_of("toggles")
    try:
        assert server.accept(WAIT_S)
        ask = server._dispatch
        assert ask(b"Z2,%x,4" % address) == b"OK"
        assert ask(b"vCont;c") == b"T05watch:%x;" % address   # .bss zeroed at start-up
        assert ask(b"z2,%x,4" % address) == b"OK"
        assert ask(b"Z3,%x,4" % address) == b"OK"
        assert ask(b"vCont;c") == b"T05rwatch:%x;" % address  # the main loop's test
        assert ask(b"z3,%x,4" % address) == b"OK" and ask(b"Z4,%x,2" % (address + 2)) == b"OK"
        assert ask(b"vCont;c") == b"T05awatch:%x;" % (address + 2)   # where both overlap
        assert ask(b"Z2,%x,0" % address) == b"E01"             # no bytes to watch
        assert ask(b"Z5,%x,4" % address) == b""                # no such type: unsupported
    finally:
        client.close()
        server.close()
        target.close()
        session.close()


def test_the_core_has_as_many_hardware_breakpoints_as_its_fpb(nrf52840):
    built = build(str(FIRMWARE / "silent"), nrf52840)
    session = Session(nrf52840, built.elf)
    target = DebugTarget(session, session.machine.cycles(1.0))
    try:
        assert all(target.add_breakpoint(0x100 + 2 * i, HARDWARE) for i in range(6))
        assert not target.add_breakpoint(0x200, HARDWARE)
        assert target.add_breakpoint(0x200)            # software ones are not limited
        assert target.remove_breakpoint(0x100) and target.add_breakpoint(0x300, HARDWARE)
        # ... and watchpoints as the DWT has comparators: 4 on a Cortex-M4
        kinds = (WRITE_WATCH, READ_WATCH, ACCESS_WATCH, WRITE_WATCH)
        assert all(target.add_watchpoint(kind, 0x20000000 + 4 * i, 4)
                   for i, kind in enumerate(kinds))
        assert not target.add_watchpoint(READ_WATCH, 0x20000100, 4)
        assert target.remove_watchpoint(WRITE_WATCH, 0x20000000, 4)
        assert target.add_watchpoint(READ_WATCH, 0x20000100, 4)
    finally:
        target.close()
        session.close()


@pytest.mark.parametrize("args, message", [
    (["--gdb", "70000"], "give a TCP port from 1 to 65535"),
    (["--gdb", "x"], "is not a whole number"),
    (["--gdb", "--engine", "qemu"], "--gdb: for one run on the embedded engine"),
])
def test_bad_gdb_options_get_one_line_errors(args, message):
    what = ["--elf", "README.md", "--platform", "mps2-an386"] if "qemu" in args else \
        ["hello", "--platform", "nrf52840"]
    run = subprocess.run([sys.executable, "-m", "lab.cli", "run", *what, *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S)
    assert run.returncode == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
