"""Cortex-M exception model on the embedded engine, each with a small firmware."""
from .conftest import event


def test_nested_interrupts_preempt_by_priority_and_tail_chain_in_priority_order(run_firmware):
    result, _ = run_firmware("nested_irq")
    assert result.end == "done", result.uart
    irq = event(result, "irq")
    # SWI0 (priority 3) is preempted by SWI2 (priority 1) which it pends; then all four,
    # pended while masked, run one after another highest priority first.
    assert irq["trace"] == "02o|3210o"
    assert irq["nested"] == 2
    assert irq["chained_max_active"] == 1   # tail-chained: never nested


def test_pendsv_switches_between_two_stacks_on_psp(run_firmware):
    result, _ = run_firmware("pendsv_switch")
    assert result.end == "done", result.uart
    switch = event(result, "switch")
    assert switch["trace"] == "ABABABAB"
    assert switch["psp_ok"] == 1


def test_svc_passes_arguments_and_returns_a_result_from_msp_and_psp(run_firmware):
    result, _ = run_firmware("svc_args")
    assert result.end == "done", result.uart
    svc = event(result, "svc")
    assert svc["msp"] == 7000 + 100 + 20 + 3 + 4
    assert svc["psp"] == 7000 + 500 + 60 + 7 + 8


def test_fpu_handler_interrupting_fpu_code_leaves_both_correct(run_firmware):
    result, _ = run_firmware("fpu_irq", seconds=10)
    assert result.end == "done", result.uart
    fpu = event(result, "fpu")
    assert fpu["interrupts"] > 100
    assert fpu["match"] == 1, fpu
    assert fpu["handler_ok"] == 1
    assert fpu["rmode"] == 0   # the handler's FPSCR change did not leak into the thread


def test_precise_busfault_is_recoverable_by_its_handler(run_firmware):
    result, _ = run_firmware("busfault_recover")
    assert result.end == "done", result.uart
    fault = event(result, "busfault")
    assert fault["faults"] == 1
    assert fault["bfar"] == 0x30000010
    assert fault["cfsr"] == (1 << 9) | (1 << 15)   # PRECISERR | BFARVALID
    assert result.fault is None


def test_null_function_call_ends_with_a_fault_report_naming_the_caller(run_firmware):
    result, _ = run_firmware("null_call")
    assert result.end == "fault"
    fault = result.fault
    assert fault is not None
    assert fault.kind == "HardFault (escalated from UsageFault)"
    assert {"INVSTATE", "FORCED"} <= set(fault.reasons)
    assert fault.pc == 0
    assert fault.lr_function == "caller_function"
    assert fault.cfsr == 1 << 17 and fault.hfsr == 1 << 30
    assert "caller_function" in fault.summary()


def test_sysresetreq_resets_the_core_and_keeps_retained_registers(run_firmware):
    result, session = run_firmware("sysreset")
    assert result.end == "done", result.uart
    boots = result.events_named("boot")
    assert [b["count"] for b in boots] == [1, 2]
    assert boots[1]["resetreas"] & 0x4       # SREQ
    assert session.machine.resets == 1


def test_unaligned_access_traps_only_with_unalign_trp(run_firmware):
    result, _ = run_firmware("unaligned_trap")
    assert result.end == "done", result.uart
    unaligned = event(result, "unaligned")
    assert unaligned["allowed"] == 0x05040302
    assert unaligned["faults"] == 1
    assert unaligned["cfsr"] == 1 << 24          # UFSR.UNALIGNED
    assert unaligned["again"] == 0x06050403


def test_an_interrupt_held_back_by_a_possible_it_block_is_taken_after_one_block(run_firmware):
    result, _ = run_firmware("it_false_alarm", seconds=1)
    assert result.end == "done", result.uart
    assert event(result, "it")["handled"] == 1
