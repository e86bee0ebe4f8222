"""The timing model (docs/timing.md): micro-benchmarks whose cycles follow from the
Cortex-M4 TRM rules, read by the firmware itself from DWT CYCCNT. The TRM's figures are
for memory without wait states, so these run on the nRF52840 with its flash made
zero-wait-state (test_flash_cache.py covers the wait states and the cache)."""
import dataclasses
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lab import cores, platforms
from lab.model_firmware import FirmwareModel

from .conftest import run_to_done

M4 = cores.load("cortex-m4f").timing
READ = M4["load"] + M4["alu"]          # the first CYCCNT read (LDR) and a NOP


def spans(platform) -> dict[str, int]:
    result = run_to_done(platform, "timing_micro", app="timing_micro")
    return {e["name"]: e["cycles"] - READ for e in result.events_named("timing")}


def zero_wait_states(platform):
    platform.memory = [dataclasses.replace(region, wait_states=0) for region in platform.memory]
    platform.icache = None
    return platform


@pytest.fixture(scope="module")
def m4_spans():
    return spans(zero_wait_states(platforms.load("nrf52840")))


def divide(dividend: int, divisor: int) -> int:
    """The documented early-termination rule: div_min + ceil(qbits * span / 32)."""
    dividend, divisor = abs(dividend), abs(divisor)
    if dividend < divisor:
        return M4["div_min"]
    qbits = dividend.bit_length() - divisor.bit_length() + 1
    return M4["div_min"] + -(-qbits * (M4["div_max"] - M4["div_min"]) // 32)


def test_loads_pipeline_behind_a_load_unless_the_address_depends_on_it(m4_spans):
    assert m4_spans["nothing"] == 0
    assert m4_spans["alu4"] == 4 * M4["alu"] == 4
    assert m4_spans["loads4"] == M4["load"] + 3 * M4["load_pipelined"] == 5
    assert m4_spans["load_dependent"] == 2 * M4["load"] == 4
    # nothing pipelines after a store; an immediate-offset store takes one cycle
    assert m4_spans["store_then_load"] == M4["store_imm"] + M4["load"] == 3
    assert m4_spans["store_register_offset"] == M4["store"] == 2


def test_load_and_store_multiple_take_one_plus_n(m4_spans):
    assert m4_spans["ldm8"] == M4["multiple_base"] + 8 == 9
    assert m4_spans["push_pop4"] == 2 * (M4["multiple_base"] + 4) == 10


def test_a_taken_branch_refills_the_pipeline_and_it_skipped_instructions_cost_a_cycle(m4_spans):
    assert m4_spans["branch_taken"] == M4["alu"] + M4["branch_taken"] + M4["alu"] == 5
    assert m4_spans["branch_not_taken"] == 3 * M4["alu"] + M4["branch_not_taken"] == 4
    assert m4_spans["it_skipped"] == M4["alu"] + M4["it"] + 1 + M4["alu"] == 4


def test_multiplies_and_multiply_accumulates_are_single_cycle_on_the_m4(m4_spans):
    assert m4_spans["mul4"] == 4 * M4["mul"] == 4
    assert m4_spans["mla4"] == 4 * M4["mla"] == 4
    assert m4_spans["umull4"] == 4 * M4["mull"] == 4
    assert m4_spans["smlad4"] == 4 * M4["mla"] == 4


def test_the_m3_takes_its_own_table_for_the_same_sequences():
    """mps2-an385 (Cortex-M3): the same micro-benchmarks built for ARMv7-M (no DSP, no FPU)."""
    m3 = cores.load("cortex-m3").timing
    got = spans(platforms.load("mps2-an385"))
    assert "smlad4" not in got and "vdiv" not in got
    assert got["mla4"] == 4 * m3["mla"] == 8
    assert got["umull4"] == 4 * m3["mull"] == 12
    assert got["mul4"] == 4 and got["loads4"] == 5 and got["ldm8"] == 9
    assert got["branch_taken"] == 5 and got["sdiv_large"] == 12


def test_the_m33_and_m7_take_their_own_tables_for_the_same_sequences():
    """mps2-an505 (M33: two-stage pipeline, taken branch 2, divide 2-11) and mps2-an500
    (M7: neighbouring single-cycle ALU instructions issue in pairs), the same
    micro-benchmarks, on memory without wait states as the TRMs' figures assume."""
    m33 = cores.load("cortex-m33").timing
    got = spans(platforms.load("mps2-an505"))
    assert got["branch_taken"] == m33["alu"] + m33["branch_taken"] + m33["alu"] == 4
    assert got["sdiv_large"] == m33["div_max"] == 11
    assert got["sdiv_negative"] == m33["div_min"] + -(-7 * (11 - 2) // 32) == 4  # 7 quotient bits
    assert (got["loads4"], got["ldm8"], got["smlad4"], got["vdiv"]) == (5, 9, 4, m33["fp_div"])
    m7 = cores.load("cortex-m7").timing
    got = spans(platforms.load("mps2-an500"))
    assert m7["dual_issue"] and got["alu4"] == 4 * m7["alu"] // 2 == 2
    assert got["mul4"] == 4 * m7["mul"] and got["loads4"] == 5 and got["ldm8"] == 9
    assert got["sdiv_large"] == m7["div_max"] == 12 and got["vdiv"] == m7["fp_div"] == 14


@pytest.mark.parametrize("name, dividend, divisor, cycles", [
    ("sdiv_5_7", 5, 7, 2), ("sdiv_100_7", 100, 7, 4), ("sdiv_negative", -1000, 10, 5),
    ("sdiv_large", 0x7FFFFFFF, 1, 12), ("udiv_largest", 0xFFFFFFFF, 1, 12)])
def test_divides_terminate_early_by_the_operands(m4_spans, name, dividend, divisor, cycles):
    assert m4_spans[name] == divide(dividend, divisor) == cycles


def test_fpu_divide_square_root_and_multiply_accumulate(m4_spans):
    assert m4_spans["vdiv"] == M4["fp_div"] == 14
    assert m4_spans["vsqrt"] == M4["fp_sqrt"] == 14
    assert m4_spans["vmla"] == M4["fp_mac"] == 3


def test_timing_instructions_counts_one_cycle_per_instruction():
    platform = zero_wait_states(platforms.load("nrf52840", timing="instructions"))
    counted = {name: cycles + READ - 2 for name, cycles in spans(platform).items()}
    assert counted["ldm8"] == 1 and counted["loads4"] == 4 and counted["sdiv_large"] == 1
    assert counted["branch_taken"] == 3 and counted["vdiv"] == 1   # CMP, BEQ, NOP


def test_the_loader_refuses_a_core_without_a_profile(tmp_path):
    soc = (platforms.SOC_DIR / "mps2-an386.yaml").read_text().replace("cortex-m4f", "cortex-m0")
    (tmp_path / "chip.yaml").write_text(soc)
    (tmp_path / "board.yaml").write_text("name: b\nsoc: chip.yaml\n")
    with pytest.raises(platforms.LabError, match="core 'cortex-m0' has no profile"):
        platforms.load(str(tmp_path / "board.yaml"))
    soc = (platforms.SOC_DIR / "mps2-an505.yaml").read_text()
    (tmp_path / "chip.yaml").write_text(soc.replace("reset_vtor: 0x10000000",
                                                    "reset_vtor: 0x10000004"))
    with pytest.raises(platforms.LabError, match="cpu.reset_vtor: a 128-byte aligned address"):
        platforms.load(str(tmp_path / "board.yaml"))


def test_each_profile_loads_with_its_timing_table_and_the_cpuid_comes_from_it():
    for name in cores.available():
        profile = cores.load(name)
        assert set(profile.timing) == set(cores.TIMING_FIELDS), name
    m0plus, m4f = cores.load("cortex-m0plus"), cores.load("cortex-m4f")
    assert (m0plus.cpuid, m0plus.has_fpu, m0plus.has_exception("usagefault")) == \
        (0x410CC601, False, False)
    from lab.engines.embedded.machine import Machine
    for board, cpuid in (("nrf52840", m4f.cpuid), ("mps2-an500", 0x411FC272),
                         ("mps2-an505", 0x410FD214)):
        machine = Machine(platforms.load(board))
        try:
            assert machine.scs.read(0xD00, 4) == cpuid, board
            assert cpuid == cores.load(platforms.load(board).cpu.core).cpuid
        finally:
            machine.close()
    assert m4f.cpuid == 0x410FC241


def test_armv6m_has_two_dwt_comparators_and_no_cycle_counter():
    """ARMv6-M ARM C1.8: the M0+'s DWT is comparators only; the M4's counts cycles."""
    from lab.engines.embedded.cortexm.dwt import TRCENA
    from lab.engines.embedded.machine import Machine
    for board, comparators, counts in (("generic-m0plus", 2, False), ("nrf52840", 4, True)):
        machine = Machine(platforms.load(board))
        try:
            machine.dwt.set_demcr(TRCENA)
            machine.dwt.write(0x000, 4, 1)                 # CYCCNTENA
            machine.dwt.write(0x004, 4, 1234)
            machine.core.state.active_cycles += 100          # the core ran 100 cycles
            assert machine.dwt.read(0x000, 4) >> 28 == comparators, board
            assert machine.dwt.read(0x004, 4) == (1334 if counts else 0), board
        finally:
            machine.close()


def test_the_m0plus_two_stage_pipeline_timed_by_systick():
    """generic-m0plus: no pipelining of loads, taken branch 2, LDM/PUSH/POP 1 + N, MULS 1;
    ARMv6-M has no CYCCNT, so the firmware times with SysTick (tests/firmware/timing_m0plus)."""
    m0 = cores.load("cortex-m0plus").timing
    platform = platforms.load("generic-m0plus")
    result = run_to_done(platform, "timing_m0plus")
    got = {e["name"]: e["cycles"] - m0["load"] - m0["alu"] for e in result.events_named("timing")}
    assert got["nothing"] == 0 and got["alu4"] == 4
    assert got["loads4"] == 4 * m0["load"] == 8
    assert got["stores2"] == 2 * m0["store_imm"] == 4
    assert got["ldm4"] == m0["multiple_base"] + 4 + m0["alu"] == 6
    assert got["push_pop4"] == 2 * (m0["multiple_base"] + 4) == 10
    assert got["branch_taken"] == m0["alu"] + m0["branch_taken"] + m0["alu"] == 4
    assert got["branch_not_taken"] == m0["alu"] + m0["branch_not_taken"] + 3 * m0["alu"] == 5
    assert got["muls4"] == 4 * m0["mul"] == 4


def test_timing_mode_from_a_scenario_and_bad_modes_refused(tmp_path):
    from lab import scenarios
    from lab.errors import LabError
    from lab.scenario_run import prepare_scenario
    path = tmp_path / "renode_like.yaml"
    path.write_text("name: renode_like\napp: hello_world\nplatforms: [nrf52840]\n"
                    "timing: instructions\n")
    scenario = scenarios.load(path)
    assert scenario.timing == "instructions"
    assert prepare_scenario(scenario, "nrf52840").platform.timing == "instructions"
    path.write_text("name: bad\napp: hello_world\nplatforms: [nrf52840]\ntiming: exact\n")
    with pytest.raises(LabError, match="timing"):
        scenarios.load(path)
    with pytest.raises(LabError, match="'exact' is not one of cycles, instructions"):
        platforms.load("nrf52840", timing="exact")


def test_a_part_built_with_the_small_multiplier_takes_32_cycles_a_muls(tmp_path):
    """The M0+'s multiplier is the part's choice (cpu.multiplier); TRM: 1 or 32 cycles."""
    soc = (platforms.SOC_DIR / "generic-m0plus.yaml").read_text()
    (tmp_path / "small.yaml").write_text(soc.replace("multiplier: fast", "multiplier: small"))
    (tmp_path / "board.yaml").write_text("name: small-mul\nsoc: small.yaml\n"
                                         "build: {board: generic-m0plus}\n")
    small = platforms.load(str(tmp_path / "board.yaml"))
    assert small.cpu.timing["mul"] == 32 and platforms.load("generic-m0plus").cpu.timing["mul"] == 1
    m0 = cores.load("cortex-m0plus").timing
    result = run_to_done(small, "timing_m0plus")
    got = {e["name"]: e["cycles"] - m0["load"] - m0["alu"] for e in result.events_named("timing")}
    assert got["muls4"] == 4 * 32 and got["alu4"] == 4
    (tmp_path / "bad.yaml").write_text(soc.replace("multiplier: fast", "multiplier: huge"))
    (tmp_path / "board.yaml").write_text("name: bad\nsoc: bad.yaml\n")
    with pytest.raises(platforms.LabError, match="cpu.multiplier: cortex-m0plus comes with "
                                                 "fast or small, not 'huge'"):
        platforms.load(str(tmp_path / "board.yaml"))


# ----------------------------------------------------------- the same model on each core
HELLO_WORLD = Path(__file__).resolve().parents[2] / "models" / "hello_world" / "hello_world.tflite"
CORE_BOARDS = ("generic-m0plus", "mps2-an386", "mps2-an505", "mps2-an500")  # M0+ M4F M33 M7
SINE_INPUT = [np.array([[37]], dtype=np.int8)]


def inference(platform) -> tuple[int, int, bytes, str]:
    """One hello_world inference in model_runner: (its CYCCNT/SysTick cycles, the
    session's instructions, the output bytes, the ELF)."""
    firmware = FirmwareModel(HELLO_WORLD, platform)
    try:
        got = firmware.invoke(SINE_INPUT)
        return (got.cycles, firmware.session.machine.instructions(), got.outputs[0].tobytes(),
                firmware.session.firmware.path)
    finally:
        firmware.close()


@pytest.fixture(scope="module")
def per_core():
    """Each board's own build (its -mcpu), run twice in two sessions."""
    return {board: [inference(platforms.load(board)) for _ in range(2)] for board in CORE_BOARDS}


def test_the_same_model_costs_what_each_cores_timing_implies(per_core):
    """hello_world's int8 model (three FULLY_CONNECTED) on the Cortex-M0+, M4F, M33 and
    M7: TFLite Micro's bytes on every core, the same count run after run, and the order
    the timing tables give: the M0+ has no DSP instructions, 2-cycle loads and takes
    several times the M4's cycles; the M33 (2-cycle taken branches) and the M7 (dual issue)
    take fewer than the M4."""
    from tflite_micro.python.tflite_micro import runtime as tflm
    oracle = tflm.Interpreter.from_bytes(HELLO_WORLD.read_bytes())
    oracle.set_input(SINE_INPUT[0], 0)
    oracle.invoke()
    expected = oracle.get_output(0).tobytes()
    cycles = {}
    for board, (first, second) in per_core.items():
        assert first[:3] == second[:3], board          # cycles, instructions, output bytes
        assert first[2] == expected, board
        cycles[board] = first[0]
    print("hello_world cycles per inference:", cycles)
    assert cycles["generic-m0plus"] > 3 * cycles["mps2-an386"]
    assert cycles["mps2-an386"] > cycles["mps2-an505"] > cycles["mps2-an500"]


def test_the_dsp_path_is_built_exactly_where_the_core_profile_has_dsp(per_core):
    """The optimized kernels use SMLAD where the profile says `dsp: true` (M4F, M33, M7)
    and their C twins where it does not (M0+)."""
    for board, runs in per_core.items():
        code = subprocess.run(["arm-none-eabi-objdump", "-d", str(runs[0][3])],
                              capture_output=True, text=True, check=True).stdout
        assert ("\tsmlad" in code) == platforms.load(board).cpu.profile.dsp, board


def test_the_same_elf_differs_between_cores_only_by_their_timing_tables():
    """The AN386 build (ARMv7E-M, FPv4-SP: every core here runs it) with the core profile
    swapped: the same instructions, fewer cycles on the M33 and the M7."""
    cycles, instructions = {}, set()
    for core in ("cortex-m4f", "cortex-m33", "cortex-m7"):
        platform = platforms.load("mps2-an386")
        platform.cpu.profile, platform.cpu.core = cores.load(core), core
        platform.cpu.timing = platform.cpu.profile.timing_for({})   # what the machine charges
        spent, counted, _, _ = inference(platform)
        cycles[core] = spent
        instructions.add(counted)
    assert len(instructions) == 1
    assert cycles["cortex-m4f"] > cycles["cortex-m33"] > cycles["cortex-m7"]
