"""Stack and heap use measured by the engine (lab/engines/embedded/stack.py and the
stack watch in labcore.c): exact depths, the overflow fault, phases, expectations."""
from lab.scenarios import _generic_checks, used_memory

LEVEL_BYTES = 16          # recurse(): push {r4, lr} + sub sp, #8


def test_recursion_of_known_depth_gives_the_exact_high_water(session_for):
    session = session_for("stack_depth")
    session.machine.stack_watch.watch_function("recursion", "recurse")
    session.machine.stack_watch.watch_function("allocation", "allocate")
    session.run(2.0)
    result = session.result()
    assert result.end == "done", result.uart
    memory = result.memory
    assert memory["phases"]["recursion"] == {"count": 2, "max": 101 * LEVEL_BYTES,
                                             "min": 11 * LEVEL_BYTES, "heap_growth": 0}
    # malloc(2000) raised newlib's break by the block and its header, during that call
    assert 2000 <= memory["phases"]["allocation"]["heap_growth"] <= 2000 + 64
    # the deepest point of the run is the deeper recursion plus main's own frame
    assert 101 * LEVEL_BYTES < memory["high_water"] <= 101 * LEVEL_BYTES + 64
    assert memory["reserve"] == 8192
    assert memory["margin"] == 8192 - memory["high_water"] and memory["warning"] is None
    assert memory["heap"]["high_water"] >= 2000      # malloc(2000) through sbrk


def test_overflow_is_a_stack_overflow_fault_naming_the_function(run_firmware):
    result, _ = run_firmware("stack_overflow", 2.0)
    assert result.end == "fault"
    assert result.fault.kind == "Stack overflow"
    assert result.fault.pc_function == "recurse"
    assert "stack overflow in recurse" in result.fault.detail
    assert "survived" not in result.uart             # stopped before it wrote below
    memory = result.memory
    assert memory["high_water"] == 8192 + LEVEL_BYTES   # the push that would not fit
    assert "under 10%" in memory["warning"]


def test_phases_of_an_app_init_inference_and_each_handler(run_firmware_app):
    result, _ = run_firmware_app("hello_world", 3.0)
    phases = result.memory["phases"]
    assert set(phases) >= {"init", "inference", "ISR RTC1_IRQHandler", "ISR UARTE0_IRQHandler"}
    assert phases["inference"]["count"] == 40
    # the RTC handler is a leaf: its depth is the frame the core stacks, extended
    # (FP context active) 104 bytes
    assert phases["ISR RTC1_IRQHandler"]["max"] == 104
    assert result.memory["high_water"] == max(p["max"] for p in phases.values())


def test_scenario_expectations_on_stack_heap_and_ram(run_firmware):
    result, _ = run_firmware("stack_depth", 2.0)
    used = used_memory(result)
    assert used["ram"] == result.firmware["ram"] + used["stack"] + used["heap"]
    passing = {"stack_bytes": used["stack"], "heap_bytes": used["heap"],
               "ram_bytes": used["ram"]}
    failing = {name: value - 1 for name, value in passing.items()}
    checks = {c.name: c.passed for c in _generic_checks(passing, result)}
    assert checks["stack bytes used"] and checks["heap bytes used"] and checks["ram bytes used"]
    checks = {c.name: c.passed for c in _generic_checks(failing, result)}
    assert not (checks["stack bytes used"] or checks["heap bytes used"]
                or checks["ram bytes used"])


def test_threads_on_the_process_stack_are_measured_in_their_buffers(run_firmware):
    """pendsv_switch: two threads on PSP, each in its own static array; handlers run on
    the main stack, so a thread's exception frame counts on the thread's stack."""
    result, _ = run_firmware("pendsv_switch", 2.0)
    assert result.end == "done", result.uart
    process = result.memory["process_stack"]
    assert process["buffer"] in ("stack_a", "stack_b")
    assert 32 <= process["depth"] <= 4096       # at least one frame, inside the array
    # PendSV's own pushes on the main stack: push {r3, lr}, then switch_context's
    # push {r4} (GCC 12.2 -O2); its frame went on the thread's stack
    assert result.memory["phases"]["ISR PendSV_Handler"]["max"] == 8 + 4
