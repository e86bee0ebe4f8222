"""Cortex-M corner cases real firmware uses: unprivileged thread mode, CCR.DIV_0_TRP and
CCR.UNALIGN_TRP, each a small firmware under tests/firmware. Where QEMU implements the
behaviour, the same firmware built for mps2-an386 must print the same `@lab` lines on QEMU
(-icount) as on the lab's embedded engine; every test also checks the ARMv7-M rule itself."""
import ctypes
import shutil

import pytest

from lab import platforms
from lab.build import build
from lab.engines import qemu
from lab.engines.embedded import native

from .conftest import FIRMWARE, event, run_to_done

PPB_ACCESSES = "e000ed00,e000ed08,e000e100,e000e018,e0001004,e0002000"   # in firmware order


@pytest.fixture(scope="module")
def mps2():
    return platforms.load("mps2-an386")


def lab_lines(platform, name: str, strict_alignment: bool = False) -> list[str]:
    """The `@lab` lines of tests/firmware/<name> on the embedded engine."""
    result = run_to_done(platform, name, strict_alignment=strict_alignment)
    return [line for line in result.uart.splitlines() if line.startswith("@lab")]


def qemu_lines(platform, name: str) -> list[str]:
    if not shutil.which("qemu-system-arm"):
        pytest.fail("qemu-system-arm is not installed: run `make setup`")
    result = qemu.run(platform, build(str(FIRMWARE / name), platform).elf, timeout_s=60)
    assert result.end == "done", result.uart
    return [line for line in result.uart.splitlines() if line.startswith("@lab")]


def fields(line: str) -> dict:
    return dict(item.split("=", 1) for item in line.split()[2:])


def test_unprivileged_thread_mode_runs_as_on_qemu(mps2):
    lines = lab_lines(mps2, "privilege")
    assert lines == qemu_lines(mps2, "privilege")
    on_main, on_process, done = lines
    assert done == "@lab done"
    for line, control, hfsr in ((on_main, "1", "0x00000000"), (on_process, "3", "0x40000000")):
        seen = fields(line)
        # MSR to CONTROL is ignored and MSP reads as 0 while unprivileged; an interrupt
        # returns to unprivileged code; SVC gives privilege back.
        assert (seen["control"], seen["after_msr"], seen["after_tick"]) == (control,) * 3
        assert seen["msp"] == "0x0" and seen["ticked"] == "1"
        assert seen["svc_control"] == "1" and seen["privileged"] == "1"
        # CPSID, MSR BASEPRI/FAULTMASK and the SCS writes changed nothing
        assert seen["masks"] == "0/0/0" and seen["vtor"] == "0x0" and seen["iser"] == "0x0"
        # six precise BusFaults (PRECISERR | BFARVALID), HardFaults while BusFault is off
        assert seen["faults"] == "6" and seen["cfsr"] == "0x00008200"
        assert seen["hfsr"] == hfsr and seen["bfar"] == PPB_ACCESSES


def test_division_by_zero_traps_only_with_div_0_trp_as_on_qemu(mps2):
    lines = lab_lines(mps2, "div_zero")
    assert lines == qemu_lines(mps2, "div_zero")
    rounds = [fields(line) for line in lines[:4]]
    expected = [  # (trap, usagefault) -> quotients, faults, CFSR, HFSR
        ("off", "on", "0", "0", "0", "0x00000000", "0x00000000"),
        ("on", "on", "7", "-7", "2", "0x02000000", "0x00000000"),      # UsageFault DIVBYZERO
        ("on", "off", "7", "-7", "2", "0x02000000", "0x40000000"),     # escalated: FORCED
        ("off", "off", "0", "0", "0", "0x00000000", "0x00000000")]
    for seen, want in zip(rounds, expected):
        assert tuple(seen[k] for k in ("trap", "usagefault", "udiv", "sdiv", "faults", "cfsr",
                                       "hfsr")) == want
        # a false IT condition, a non-zero divisor and INT_MIN / -1 never trap
        assert (seen["skipped"], seen["by_two"], seen["overflow"]) == ("9", "3", "0x80000000")


def test_alignment_rules_as_on_qemu_with_strict_alignment(mps2):
    lines = lab_lines(mps2, "alignment", strict_alignment=True)
    assert lines == qemu_lines(mps2, "alignment")
    trap_off, trap_on, usagefault_off = (fields(line) for line in lines[:3])
    always = ("ldrex_half", "ldrd_half")          # word alignment whatever UNALIGN_TRP says
    never = ("ldrb_odd", "ldr_word", "ldrd_word", "strd_word", "vldr_word", "vpush_word",
             "ldrexh_half")                       # 8-byte accesses need only 4
    with_trap = ("ldr_odd", "ldrh_odd", "strh_odd")
    assert [trap_off[k] for k in with_trap + always] == [".", ".", ".", "U", "U"]
    assert [trap_on[k] for k in with_trap + always] == ["U"] * 5
    assert [usagefault_off[k] for k in with_trap + always] == ["H"] * 5
    for seen in (trap_off, trap_on, usagefault_off):
        assert [seen[k] for k in never] == ["."] * len(never)
        assert seen["kept"] == "1"                # a trapped STRH wrote nothing
    assert usagefault_off["hfsr"] == "0x40000000" and usagefault_off["cfsr"] == "0x01000000"


def test_without_strict_alignment_only_the_always_aligned_check_waits_for_unalign_trp(mps2):
    """For speed the lab checks alignment only while CCR.UNALIGN_TRP is set or with
    --strict-alignment: an LDRD at a halfword address then goes through (LDREX is checked
    by Unicorn itself)."""
    strict = lab_lines(mps2, "alignment", strict_alignment=True)
    default = lab_lines(mps2, "alignment")
    assert default[1:] == strict[1:]
    assert fields(default[0]) == {**fields(strict[0]), "ldrd_half": ".", "cfsr": "0x01000000"}


def test_strict_alignment_accepts_vpush_at_a_word_aligned_stack(nrf52840):
    """Issue 10 item 11: VPUSH {d8} at SP = 4 mod 8 is fine on the nRF52840 too."""
    trap_off = fields(lab_lines(nrf52840, "alignment", strict_alignment=True)[0])
    assert [trap_off[k] for k in ("vpush_word", "ldrd_word", "strd_word", "vldr_word")] == \
        ["."] * 4
    assert trap_off["ldrd_half"] == "U"


def test_unprivileged_stir_needs_usersetmpend_and_an_scs_fault_is_reported(run_firmware):
    result, _ = run_firmware("user_mode")
    stir = event(result, "stir")
    assert stir["refused_runs"] == 0 and stir["busfaults"] == 1 and stir["bfar"] == 0xE000EF00
    assert stir["allowed_runs"] == 1
    assert result.end == "fault" and not result.events_named("unreachable")
    fault = result.fault
    assert fault.kind == "HardFault (escalated from BusFault)"
    assert {"PRECISERR", "BFARVALID", "FORCED"} <= set(fault.reasons)
    assert fault.bfar == 0xE000ED00 and fault.pc_function == "read_cpuid_unprivileged"
    assert "unprivileged access to 0xE000ED00" in fault.summary()


def test_native_state_mirror_matches_the_c_struct():
    assert native.state_prefix_size() == ctypes.sizeof(native.State)
